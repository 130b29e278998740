'use strict';
// Snapshot batches on disk or in a stream (#12): `verifySnapshotFile` reads
// a `.jsonl` or `.jsonl.gz` file (gunzipped by Node's zlib, every member of
// a multi-member file) and `verifySnapshotStream` any readable stream or
// async iterable of chunks, into a native `SnapshotVerifier` chunk by
// chunk: memory stays bounded however large the batch (one read chunk, one
// inflate window, and the longest line). No rule lives here: every check,
// failure code and line number is the core's.

const fs = require('node:fs');
const zlib = require('node:zlib');
const { pipeline } = require('node:stream/promises');
const { fileURLToPath } = require('node:url');
const native = require('../native.js');

function invalidArgument(message) {
  const err = new TypeError(message);
  err.code = 'invalid_argument';
  return err;
}

/** The file name a path argument names (for the `.gz` suffix). */
function fileName(path) {
  if (typeof path === 'string') return path;
  if (Buffer.isBuffer(path)) return path.toString();
  if (path instanceof URL) return fileURLToPath(path);
  throw invalidArgument(`path must be a string, a Buffer or a URL, got ${path === null ? 'null' : typeof path}`);
}

/**
 * Verifies a batch read from `source` (a readable stream, or any async
 * iterable of `Uint8Array` / string chunks) against its signed `metadata`
 * with the signers in `registry`. Resolves to the core's `SnapshotReport`.
 */
async function verifySnapshotStream(metadata, source, registry) {
  const verifier = new native.SnapshotVerifier(metadata, registry);
  if (source === null || typeof source !== 'object' || typeof source[Symbol.asyncIterator] !== 'function') {
    throw invalidArgument('source must be a readable stream or an async iterable of chunks');
  }
  for await (const chunk of source) verifier.pushBytes(chunk);
  return verifier.finish();
}

/**
 * Verifies a batch file (`.jsonl`, or `.jsonl.gz`: a name ending in `.gz`
 * is gunzipped, all members) against its signed `metadata`, streaming, in
 * bounded memory. Resolves to the core's `SnapshotReport`; file and gzip
 * errors reject with Node's own errors (`ENOENT`, `Z_DATA_ERROR`, ...).
 * The file is read 256 KiB at a time.
 */
async function verifySnapshotFile(metadata, path, registry) {
  const name = fileName(path);
  const verifier = new native.SnapshotVerifier(metadata, registry);
  const stages = [fs.createReadStream(path, { highWaterMark: 1 << 18 })];
  if (name.endsWith('.gz')) stages.push(zlib.createGunzip());
  await pipeline(...stages, async (source) => {
    for await (const chunk of source) verifier.pushBytes(chunk);
  });
  return verifier.finish();
}

module.exports = { verifySnapshotFile, verifySnapshotStream };
