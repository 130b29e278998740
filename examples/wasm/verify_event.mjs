// Verifies one audit event against a signed checkpoint with an inclusion
// proof, and explains a policyCheck record, with the WASM package (the
// build the browser control panel uses), run here under Node.
//
//   bash bindings-wasm/ci.sh --build-only     # once
//   node examples/wasm/verify_event.mjs [index]
//
// Reads bindings-wasm/test/fixtures/event-in-checkpoint.json: the rows of
// chain case good/ten of test-vectors/chain.json, a checkpoint of their
// Merkle tree signed with a test key, and each row's inclusion proof. Only
// the row, its proof, the note, the trusted verifier key and the signers
// file are used — not the rest of the chain. Also shows that a tampered
// copy of the row fails, and explains the policyCheck record of
// test-vectors/policy.json case explain/over-limit. Exits non-zero unless
// the event verifies and the tampered one does not.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { SignerRegistry, VerifierKey, PolicySet, verifyEventInCheckpoint, evaluate, explain } =
  require(join(repo, 'bindings-wasm', 'pkg-node', 'trustcore_wasm.js'));

const readJson = (...p) => JSON.parse(readFileSync(join(repo, ...p), 'utf8'));
const fixture = readJson('bindings-wasm', 'test', 'fixtures', 'event-in-checkpoint.json');
const index = Number(process.argv[2] ?? 3);
const row = fixture.rows[index];
if (row === undefined) {
  console.error(`no row ${index}: the fixture has ${fixture.rows.length}`);
  process.exit(2);
}

const registry = SignerRegistry.fromJson(fixture.registry);
const trusted = [VerifierKey.parse(fixture.vkey)];
const proof = fixture.inclusion[index];

const report = verifyEventInCheckpoint(row, index, proof, fixture.checkpoint.note, trusted, registry);
const { checkpoint: cp, signers } = report.checkpoint; // what it commits to, who signed it
console.log(`checkpoint: ${cp.origin}, size ${cp.size}, root ${cp.root}`);
console.log(`            signed by ${signers.join(', ')}`);
console.log(report.valid
  ? `event ${report.event.id} (seq ${report.event.seq}, ${report.event.event_type}): VALID, leaf ${index} of the checkpoint`
  : `event: NOT VALID (${report.stage}: ${report.reason}) ${report.message}`);

const doc = JSON.parse(row);
doc.payload = { ...doc.payload, tampered: true };
const tampered = verifyEventInCheckpoint(JSON.stringify(doc), index, proof, fixture.checkpoint.note, trusted, registry);
console.log(`tampered copy: ${tampered.valid ? 'VALID (unexpected!)' : `refused (${tampered.stage}: ${tampered.reason})`}`);

const policy = readJson('test-vectors', 'policy.json');
const c = policy.cases.find((x) => x.id === 'explain/over-limit');
const set = PolicySet.fromJson(JSON.stringify(policy.policySets[c.policySet]));
const record = evaluate(set, c.request).policyChecks.find((r) => `${r.policyId}@${r.policyVersion}` === c.check);
const x = explain(record, set);
console.log(`policyCheck ${record.id}: ${x.summary}`);
for (const step of x.evaluationPath) {
  console.log(`  ${step.node} ${step.op} → ${step.result ?? step.error}  evidence ${JSON.stringify(step.evidence ?? [])}`);
}

process.exit(report.valid && !tampered.valid ? 0 : 1);
