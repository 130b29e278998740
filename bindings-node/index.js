'use strict';
// The package's entry point (hand-written): everything the native addon
// exports (its generated loader is native.js, its types native.d.ts), plus
// what napi cannot declare: the `PolicyDeniedError` class and
// `enforceOrThrow` (also exported as `enforcePolicyOrThrow`, the name the
// Kernel API calls), a thin wrapper over the native `evaluateWithDenial`,
// and `verifyFile`, which opens a file for the native `verifyFd` (the core
// does no IO). No rule lives here: the denial message is the core's, and
// every option is read by the core.

const fs = require('node:fs');
const native = require('./native.js');
// appendEvent, migrate and AppendError: PostgreSQL through the caller's `pg` client (#11).
const pg = require('./lib/pg.js');

/** Thrown by `enforceOrThrow` when the decision is `deny`. */
class PolicyDeniedError extends Error {
  /**
   * @param decision the decision record
   * @param message the core's denial message (`evaluateWithDenial`)
   */
  constructor(decision, message) {
    super(typeof message === 'string' ? message : 'the request was denied by policy');
    this.name = 'PolicyDeniedError';
    /** Always `'policy_denied'`. */
    this.code = 'policy_denied';
    /** The full decision record (rationale, evidence, evaluation path). */
    this.decision = decision;
  }
}

/**
 * Evaluates `request` and returns the decision when it allows; throws a
 * `PolicyDeniedError` carrying the decision when it denies, with the
 * core's message (`denied by <id>@<version>: <rationale>`, the same in
 * every language).
 */
function enforceOrThrow(policySet, request) {
  const { decision, denialMessage } = native.evaluateWithDenial(policySet, request);
  if (decision.decision !== 'allow') {
    throw new PolicyDeniedError(decision, denialMessage);
  }
  return decision;
}

/**
 * Verifies a JSONL export on disk in one call. Node opens the file (so a
 * missing file is Node's own `ENOENT`); the addon reads it through one
 * reused buffer of `options.chunkSize` bytes (default 256 KiB) into a
 * `ChainVerifier`, so no read creates garbage and memory stays flat however
 * large the file (apart from 16 bytes per event for duplicate-id tracking;
 * `trackIds: false` drops it). The other options are `ChainVerifier.create`'s;
 * all of them, `chunkSize` included, are read by the core's options reader
 * (`OptionsError` `unknown_option` / `invalid_option`). Blocks the calling
 * thread.
 */
function verifyFile(path, registry, options) {
  if (typeof path !== 'string' && !Buffer.isBuffer(path) && !(path instanceof URL)) {
    const err = new TypeError(`path must be a string, a Buffer or a URL, got ${path === null ? 'null' : typeof path}`);
    err.code = 'invalid_argument';
    throw err;
  }
  if (typeof native.verifyFd !== 'function') {
    const err = new Error('verifyFile needs the native reader (verifyFd), which this platform build lacks');
    err.code = 'ERR_NOT_SUPPORTED';
    throw err;
  }
  const fd = fs.openSync(path, 'r');
  try {
    return native.verifyFd(fd, registry, options);
  } finally {
    fs.closeSync(fd);
  }
}

// Snapshot batches on disk or in a stream (#12) and the parallel file
// verifier on worker_threads (#14): IO only, over the native classes.
const snapshotFile = require('./lib/snapshot-file.js');
const parallel = require('./lib/parallel.js');

module.exports = Object.assign({}, native, {
  PolicyDeniedError,
  enforceOrThrow,
  enforcePolicyOrThrow: enforceOrThrow,
  verifyFile,
  verifySnapshotFile: snapshotFile.verifySnapshotFile,
  verifySnapshotStream: snapshotFile.verifySnapshotStream,
  verifyFileParallel: parallel.verifyFileParallel,
  appendEvent: pg.appendEvent,
  migrate: pg.migrate,
  AppendError: pg.AppendError,
});
