// Node verdicts on the shared Ed25519 vectors: Node `crypto` (OpenSSL) and
// @noble/ed25519 with its default verify options (ZIP-215).
//
// Usage (NOBLE_DIR is the folder whose node_modules/ holds @noble/ed25519;
// measure.sh installs it there):
//   NOBLE_DIR=/tmp/trustcore-ed25519/npm node measure_node.mjs all_normalized.json
// Output: {"openssl_node": {...}, "noble": {...}} with {"library", "verdicts"}.
// Wrong-length inputs, keys that fail to import and exceptions count as false.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [vectorsPath] = process.argv.slice(2);
const nobleDir = process.env.NOBLE_DIR;
if (!vectorsPath || !nobleDir) {
  console.error('usage: NOBLE_DIR=<dir with node_modules> node measure_node.mjs all_normalized.json');
  process.exit(2);
}
const nobleRoot = path.join(nobleDir, 'node_modules', '@noble', 'ed25519');
const ed = await import(pathToFileURL(path.join(nobleRoot, 'index.js')).href);
const nobleVersion = JSON.parse(fs.readFileSync(path.join(nobleRoot, 'package.json'), 'utf8')).version;

const vectors = JSON.parse(fs.readFileSync(vectorsPath, 'utf8'));
// SubjectPublicKeyInfo DER prefix for an Ed25519 key (RFC 8410): the raw
// 32 bytes follow it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function opensslVerify(pk, msg, sig) {
  if (pk.length !== 32 || sig.length !== 64) return false;
  let key;
  try {
    key = crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pk]), format: 'der', type: 'spki' });
  } catch {
    return false;
  }
  try {
    return crypto.verify(null, msg, key, sig) === true;
  } catch {
    return false;
  }
}

async function nobleVerify(pk, msg, sig) {
  if (pk.length !== 32 || sig.length !== 64) return false;
  try {
    // Default options: { zip215: true } in @noble/ed25519 2.x and 3.x.
    return (await ed.verifyAsync(sig, msg, pk)) === true;
  } catch {
    return false;
  }
}

const openssl = {};
const noble = {};
for (const v of vectors) {
  const pk = Buffer.from(v.pk, 'hex');
  const msg = Buffer.from(v.msg, 'hex');
  const sig = Buffer.from(v.sig, 'hex');
  openssl[v.id] = opensslVerify(pk, msg, sig);
  noble[v.id] = await nobleVerify(new Uint8Array(pk), new Uint8Array(msg), new Uint8Array(sig));
}
process.stdout.write(JSON.stringify({
  openssl_node: { library: `Node ${process.version} crypto (OpenSSL ${process.versions.openssl})`, verdicts: openssl },
  noble: { library: `@noble/ed25519 ${nobleVersion} (verifyAsync, default options: zip215 true)`, verdicts: noble },
}) + '\n');
