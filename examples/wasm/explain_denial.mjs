// The control panel's view of the policy-gate demo, with the WASM package
// (the build the browser uses), run here under Node:
//
//   node examples/node/policy_gate.mjs          # writes examples/out/policy/
//   node examples/wasm/explain_denial.mjs
//
// Takes the `policy.denied` event from the Node service's audit chain,
// verifies the row on its own against the signers file (hash, the signer's
// key at its ts, signature), and explains the policyCheck record it carries
// under the policy set: summary, rationale, evidence and each evaluated
// node. Checks that the record's canonical bytes are Node's, and that a
// record edited after the fact is refused. Exits non-zero on any failure.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { SignerRegistry, PolicySet, verifyRow, explain, canonicalize } =
  require(join(repo, 'bindings-wasm', 'pkg-node', 'trustcore_wasm.js'));

function check(condition, what) {
  if (!condition) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

const out = join(repo, 'examples', 'out', 'policy');
const registry = SignerRegistry.fromJson(readFileSync(join(out, 'signers.json'), 'utf8'));
const set = PolicySet.fromJson(readFileSync(join(repo, 'examples', 'manifest_policy.json'), 'utf8'));
const row = readFileSync(join(out, 'chain.jsonl'), 'utf8').split('\n')[0];

const verified = verifyRow(row, registry);
check(verified.valid, `the audit event verifies on its own (seq ${verified.event?.seq}, ${verified.event?.event_type}, signed by ${verified.event?.signer_id})`);
const record = verified.event.payload.policyCheck;
check(
  Buffer.from(canonicalize(record)).equals(readFileSync(join(out, 'denied-check.json'))),
  "the recorded policyCheck is byte-identical to the one Node's enforceOrThrow produced",
);

const x = explain(record, set);
console.log(`explain: ${x.summary}`);
console.log(`  rationale: ${x.rationale}`);
console.log(`  evidence: ${JSON.stringify(x.evidence)}`);
for (const step of x.evaluationPath) {
  console.log(`  ${step.node} ${step.op} ${JSON.stringify(step.definition)} → ${step.result ?? step.error}, evidence ${JSON.stringify(step.evidence ?? [])}`);
}
check(x.decision === 'deny' && x.policyId === 'manifest.approvals', 'the control panel explains the denial');

// A record edited after the fact (a softer rationale) no longer matches its id.
let refused = null;
try {
  explain({ ...record, rationale: 'fine by us' }, set);
} catch (e) {
  refused = e;
}
check(refused?.code === 'invalid_record', 'an edited record is refused (invalid_record)');
