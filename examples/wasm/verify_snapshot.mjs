// The control panel's side of a signed snapshot (the WASM package, run here
// under Node): the batch a Node service signed through its KMS
// (examples/node/snapshot_kms.mjs) is verified streaming, a tampered copy
// fails at its line, and one redacted trace is checked on its own against
// the same signed snapshot with its inclusion proof, then shown with only
// the disclosure its reader was given.
//
//   bash bindings-wasm/ci.sh --build-only     # once
//   node examples/node/snapshot_kms.mjs       # writes examples/out/snapshot/
//   node examples/wasm/verify_snapshot.mjs
//
// The browser app does the same with DecompressionStream; here Node's zlib
// gunzips (the core never decompresses). Exits non-zero unless every check
// holds.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tc = require(join(repo, 'bindings-wasm', 'pkg-node', 'trustcore_wasm.js'));
const dir = join(repo, 'examples', 'out', 'snapshot');
if (!existsSync(join(dir, 'metadata.json'))) {
  console.error('examples/out/snapshot/ is missing: run node examples/node/snapshot_kms.mjs first');
  process.exit(2);
}

let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed += 1;
};

const registry = tc.SignerRegistry.fromJson(readFileSync(join(dir, 'signers.json'), 'utf8'));
const snapshot = tc.Snapshot.fromJson(readFileSync(join(dir, 'metadata.json'), 'utf8'));

async function verifyStreaming(file) {
  const v = tc.SnapshotVerifier.create(snapshot, registry);
  for await (const chunk of createReadStream(file).pipe(createGunzip())) v.pushBytes(chunk);
  return v.finish();
}

const good = await verifyStreaming(join(dir, 'batch.jsonl.gz'));
check(good.valid && good.records === snapshot.records,
  `snapshot ${snapshot.snapshotId}: ${good.records} records verify under ${snapshot.signerKid} (streamed from batch.jsonl.gz)`);
const bad = await verifyStreaming(join(dir, 'tampered.jsonl.gz'));
const first = bad.failures[0] ?? {};
check(!bad.valid && first.line !== undefined,
  `tampered.jsonl.gz is refused: line ${first.line}: ${first.code}: ${first.message}`);

// One redacted trace on its own: the record, its index and proof, and the
// one disclosure this reader may see (the email); everything else stays hidden.
const batch = gunzipSync(readFileSync(join(dir, 'batch.jsonl.gz')));
const lines = batch.toString('utf8').split('\n');
const k = 500;
const proof = tc.recordProof(batch, k);
check(tc.verifyRecord(snapshot, lines[k], k, proof, registry).valid,
  `record ${k} verifies on its own against the signed snapshot (${proof.length}-hash proof)`);
const disclosures = JSON.parse(readFileSync(join(dir, 'disclosures.json'), 'utf8'))[k];
const email = disclosures.find((d) => Buffer.from(d, 'base64url').toString().includes('"email"'));
const [, name, value] = JSON.parse(Buffer.from(email, 'base64url').toString());
const hidden = JSON.stringify(tc.disclose(lines[k], []));
const shown = JSON.stringify(tc.disclose(lines[k], [email]));
check(!hidden.includes(JSON.stringify(value)) && shown.includes(JSON.stringify(value)),
  `the redacted view hides the ${name}; given its one disclosure the reader sees ${JSON.stringify(value)}`);
let forged = null;
try {
  tc.disclose(lines[k], [Buffer.from('["ZldWqTuJpznUb5njkClI6x","email","mallory@example.com"]').toString('base64url')]);
} catch (e) {
  forged = e.code;
}
check(forged === 'unreferenced_disclosure', `a made-up disclosure is refused (${forged})`);
process.exit(failed ? 1 : 0);
