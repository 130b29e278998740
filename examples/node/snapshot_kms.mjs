// A signed snapshot of a gzipped JSONL trace batch from a Node service,
// signed through a KMS-like async signer (issue #12):
//
//   bash bindings-node/ci.sh --build-only   # once
//   node examples/node/snapshot_kms.mjs
//   python examples/python/verify_snapshot.py examples/out/snapshot/metadata.json \
//       examples/out/snapshot/batch.jsonl.gz examples/out/snapshot/signers.json
//
// 1. 1,000 Reasoning Graph traces (~1 KB each, nested steps and
//    annotations) are put in commitment form under a redaction policy
//    (`commit`: each PII value replaced by a salted digest, SD-JWT style)
//    and fed one at a time to a SnapshotBuilder; each canonical line goes
//    straight into a gzip stream (a new gzip member every 250 records, as
//    rotated logs are), so memory stays flat.
// 2. The metadata is signed by a KMS-like signer in DIGEST mode (an async
//    function that gets the 64-byte SHA-512 of the signing input and
//    answers with an Ed25519ph signature, as AWS KMS `Sign` with
//    `MessageType: DIGEST` does); its answer is verified before any
//    metadata exists. A KMS that answers with another key's signature
//    produces nothing at all (fail closed).
// 3. It writes, to examples/out/snapshot/:
//      metadata.json     the signed metadata (snapshot_id, trace_range,
//                        hash, signer_kid, signature, ts, ...)
//      batch.jsonl.gz    the batch (multi-member gzip)
//      signers.json      the signers file (the KMS key's public key as
//                        base64 SPKI DER, what GetPublicKey returns)
//      disclosures.json  per record, its disclosures (for privileged readers)
//      policy.json       the redaction policy the batch was committed under
//      tampered.jsonl.gz a copy with line 500 re-spelled (it must fail)
// 4. It verifies the file back (verifySnapshotFile: gunzip, every line
//    re-canonicalized, digest, Merkle root, trace_range, signature), one
//    record on its own with its proof and a subset of its disclosures, and
//    a tampered copy, whose failing line is named.
// Exits non-zero on any failure.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { gunzipSync, gzipSync, createGzip } from 'node:zlib';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tc = require(join(here, '..', '..', 'bindings-node', 'index.js'));

function check(condition, what) {
  if (!condition) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

const out = join(here, '..', 'out', 'snapshot');
mkdirSync(out, { recursive: true });
const show = (p) => relative(process.cwd(), p);

// The KMS's key (in a real deployment it never leaves the KMS; here a
// fixed seed so the outputs are the same on every run).
const kmsKey = tc.SecretKey.fromSeed(Buffer.from('trustcore example: reasoning graph snapshot KMS key').subarray(0, 32));
const signersFile = JSON.stringify({
  signers: [{ signerId: 'graph-snapshots', publicKey: kmsKey.publicKey().toDer().toString('base64'), algorithm: 'ed25519ph', validFrom: '2026-01-01T00:00:00Z' }],
});
const registry = tc.SignerRegistry.fromJson(signersFile);
const kmsPublicKey = registry.keyFor('graph-snapshots', '2026-03-01T00:00:00Z', 'ed25519ph');

/** A KMS-like signer in DIGEST mode: a round trip, then Ed25519ph over the digest. */
async function kmsSign(digest) {
  if (digest.length !== 64) throw new Error('the KMS expects a 64-byte SHA-512 digest');
  await new Promise((resolve) => setTimeout(resolve, 20));
  return tc.signEd25519phDigest(kmsKey, digest);
}

const policyDoc = {
  type: 'trustcore.redaction-policy/v1', id: 'traces-external', version: 1,
  rules: [
    { id: 'emails', select: { keys: ['email', 'e_mail'] }, action: 'replace', class: 'email' },
    { id: 'phones', select: { detect: 'phone' }, action: 'mask', keep: 4 },
    { id: 'queries', select: { pointer: '/steps/*/query' }, action: 'pseudonymize', class: 'query' },
    { id: 'secrets', select: { pointer: '/**/token' }, action: 'remove', class: 'secret' },
  ],
};
const policy = tc.loadRedactionPolicy(policyDoc);
const saltKey = Buffer.alloc(32, 0x5a); // a real service draws it from crypto.randomBytes(32) and keeps it secret

function trace(i) {
  const sec = 3600 + i;
  const ts = `2026-03-01T${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}Z`;
  return {
    trace_id: `tr-${String(i).padStart(6, '0')}`,
    ts,
    steps: [
      { tool: 'search', query: `allocation history for division ${i % 7}`, results: Array.from({ length: 5 }, (_, k) => ({ doc: `doc-${i}-${k}`, score: (k + 1) / 8 })) },
      { tool: 'answer', user: { email: `user${i % 13}@example.com`, name: 'Ann Ångström' }, auth: { token: `tok-${i}` }, text: 'The approved allocations for the quarter are within budget. '.repeat(6) },
    ],
    annotations: { reviewer: { Email: 'rev@example.org', phone: '+14155550123' }, tags: ['ok', '☃'] },
  };
}

// 1. Build, streaming into gzip members.
const n = 1000;
const perMember = 250;
const batchPath = join(out, 'batch.jsonl.gz');
const file = createWriteStream(batchPath);
const builder = new tc.SnapshotBuilder();
const disclosures = [];
let gz = null;
for (let i = 1; i <= n; i++) {
  if ((i - 1) % perMember === 0) {
    if (gz) {
      gz.end();
      await once(gz, 'end');
    }
    gz = createGzip();
    gz.pipe(file, { end: false });
  }
  const committed = tc.commit(trace(i), policy, saltKey);
  disclosures.push(committed.disclosures);
  if (!gz.write(builder.pushRecord(committed.record))) await once(gz, 'drain');
}
gz.end();
await once(gz, 'end');
file.end();
await once(file, 'finish');
const unsigned = builder.finish('graph-2026-03-01T01', '2026-03-01T02:00:00Z');

// 2. Sign through the KMS; a KMS answering with another key gives nothing.
const impostor = tc.SecretKey.fromSeed(Buffer.alloc(32, 9));
const refused = await unsigned.signWith('graph-snapshots', kmsPublicKey, async (d) => tc.signEd25519phDigest(impostor, d), 'ed25519ph').then(() => null, (e) => e);
check(refused !== null && refused.code === 'remote_signature_invalid', 'a wrong KMS answer is refused: no metadata');
const metadata = await unsigned.signWith('graph-snapshots', kmsPublicKey, kmsSign, 'ed25519ph');
check(metadata.alg === 'ed25519ph' && metadata.records === n, `signed through the KMS in DIGEST mode (${metadata.records} records)`);

// 3. Write the outputs.
const metadataPath = join(out, 'metadata.json');
writeFileSync(metadataPath, tc.canonicalize(metadata).toString() + '\n');
writeFileSync(join(out, 'signers.json'), signersFile + '\n');
writeFileSync(join(out, 'disclosures.json'), JSON.stringify(disclosures) + '\n');
writeFileSync(join(out, 'policy.json'), JSON.stringify(policyDoc) + '\n');
console.log(`wrote ${show(metadataPath)}, ${show(batchPath)}, signers.json, disclosures.json, policy.json`);

// 4. Verify it back.
const text = readFileSync(metadataPath, 'utf8');
const report = await tc.verifySnapshotFile(text, batchPath, registry);
check(report.valid && report.records === n, `${show(batchPath)} verifies (${report.records} records, ${metadata.hash})`);
const batch = gunzipSync(readFileSync(batchPath));
const lines = batch.toString().trimEnd().split('\n');
const k = 41;
const proof = tc.recordProof(batch, k);
check(tc.verifyRecord(text, lines[k], k, proof, registry).valid, `record ${k} verifies on its own with a ${proof.length}-hash proof`);
const email = disclosures[k].find((d) => Buffer.from(d, 'base64url').toString().includes('"email"'));
const view = tc.disclose(lines[k], [email]);
check(view.steps[1].user.email === trace(k + 1).steps[1].user.email && view.steps[1].auth.token === undefined,
  'a reader given one disclosure sees the email and nothing else hidden');
// A tool re-spelled line 500 (a space after the brace): named by its line.
const tampered = [...lines];
tampered[499] = tampered[499].replace('{', '{ ');
writeFileSync(join(out, 'tampered.jsonl.gz'), gzipSync(tampered.join('\n') + '\n'));
const bad = await tc.verifySnapshotFile(text, join(out, 'tampered.jsonl.gz'), registry);
const named = bad.failures.find((f) => f.code === 'not_canonical');
check(!bad.valid && named?.line === 500, `a tampered copy fails at line ${named?.line} (${Object.keys(bad.failureCounts).join(', ')})`);
