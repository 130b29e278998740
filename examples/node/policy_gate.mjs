// A Node service gates manifest signing on policy and records the verdict in
// its audit chain:
//
//   bash bindings-node/ci.sh --build-only   # once
//   node examples/node/policy_gate.mjs
//
// 1. The service asks `enforceOrThrow` before signing the manifest of
//    examples/manifest_request.json under examples/manifest_policy.json: one
//    approval is not enough, so it gets a PolicyDeniedError whose decision
//    carries the rationale, the evidence and the evaluation path, and the
//    manifest is not signed.
// 2. It appends the determining `policyCheck` record to its audit chain as a
//    `policy.denied` event, signed through an async KMS-like signer.
// 3. With a second approval the same request is allowed: the manifest
//    envelope is signed and a `manifest.signed` event follows.
// 4. It writes examples/out/policy/: chain.jsonl, signers.json and
//    denied-check.json (the record's canonical bytes), which
//    examples/python/policy_gate.py, `cargo run --example policy_gate` and
//    the control panel (examples/wasm/explain_denial.mjs) check.
// Exits non-zero on any failure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);
const {
  SecretKey, SignerRegistry, ChainWriter, Envelope, PolicySet, PolicyDeniedError,
  enforceOrThrow, enforcePolicyOrThrow, evaluateWithDenial, canonicalize, verifyFile,
} = require(join(repo, 'bindings-node', 'index.js'));

function check(condition, what) {
  if (!condition) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

// The KMS-held key (a fixed seed so the demo is reproducible; a real KMS
// never hands it out) and the signers file every verifier holds.
const kmsKey = SecretKey.fromBytes(Buffer.alloc(32, 21));
const kms = async (message) => {
  await new Promise((resolve) => setTimeout(resolve, 5)); // the KMS round trip
  return kmsKey.sign(message);
};
const signersFile = JSON.stringify({
  signers: [{ signerId: 'kernel-signer', publicKey: kmsKey.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z' }],
});
const registry = SignerRegistry.fromJson(signersFile);

const policySet = PolicySet.fromJson(readFileSync(join(repo, 'examples', 'manifest_policy.json')));
const request = JSON.parse(readFileSync(join(repo, 'examples', 'manifest_request.json'), 'utf8'));
const writer = ChainWriter.create('kernel-signer', kmsKey.publicKey());

// 1. Policy first, then (maybe) the signature.
let signed = null;
let denial = null;
try {
  // The name the Kernel API calls; `enforceOrThrow` is the same function.
  enforcePolicyOrThrow(policySet, request);
  signed = Envelope.create('manifest.signed', request.body);
} catch (e) {
  if (!(e instanceof PolicyDeniedError)) throw e;
  denial = e;
}
check(denial !== null && signed === null, 'one approval: enforceOrThrow throws PolicyDeniedError and nothing is signed');
console.log(`  ${denial.message}`);
check(denial.message === evaluateWithDenial(policySet, request).denialMessage && denial.message.startsWith('denied by manifest.approvals@1: '), "the message is the core's denial message (the same in Python and WASM)");
const decision = denial.decision;
const by = decision.determinedBy[0];
const record = decision.policyChecks.find((c) => c.id === by.policyCheckId);
console.log(`  rationale: ${record.rationale}`);
console.log(`  evidence: ${JSON.stringify(record.evidence)}`);
console.log(`  evaluation path: ${JSON.stringify(record.evaluationPath)}`);
check(record.policyId === 'manifest.approvals' && record.decision === 'deny', 'the denying check is manifest.approvals@1');

// 2. The record goes into the audit chain.
const denied = await writer.appendWith(
  {
    id: '3c1f9d2e-0000-4000-8000-000000000001',
    ts: '2026-03-01T12:00:00Z',
    eventType: 'policy.denied',
    actor: request.subject.id,
    payload: { action: request.action, manifest: request.body.manifest, policyCheck: record },
  },
  kms,
);
check(JSON.parse(denied).seq === 1, 'the denial is audit event 1, signed through the KMS-like signer');

// 3. A second approval: allowed, signed, recorded.
const approved = { ...request, body: { ...request.body, approvals: 2 } };
const allowed = enforceOrThrow(policySet, approved);
const env = Envelope.create('manifest.signed', approved.body);
await env.signWith('kernel-signer', kmsKey.publicKey(), kms);
check(allowed.decision === 'allow' && registry.verifyEnvelope(env, '2026-03-01T12:05:00Z').valid, 'two approvals: allowed, and the manifest envelope verifies');
const signedRow = await writer.appendWith(
  {
    id: '3c1f9d2e-0000-4000-8000-000000000002',
    ts: '2026-03-01T12:05:00Z',
    eventType: 'manifest.signed',
    actor: approved.subject.id,
    payload: { manifest: approved.body.manifest, envelopeDigest: createHash('sha256').update(env.toJson()).digest('hex') },
  },
  kms,
);

// 4. The export and the record's bytes, for the other languages.
const out = join(repo, 'examples', 'out', 'policy');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'chain.jsonl'), `${denied}\n${signedRow}\n`);
writeFileSync(join(out, 'signers.json'), signersFile);
const bytes = canonicalize(record);
writeFileSync(join(out, 'denied-check.json'), bytes);
console.log(`wrote ${relative(process.cwd(), out)}/{chain.jsonl,signers.json,denied-check.json}`);
console.log(`policyCheck ${record.id}, canonical bytes sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
const report = verifyFile(join(out, 'chain.jsonl'), registry, { expectedHead: writer.head });
check(report.valid && report.rows === 2, 'the exported chain verifies against the signers file');
