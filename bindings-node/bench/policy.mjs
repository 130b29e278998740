// Policy evaluation latency from Node: p50 / p90 / p99 / p99.9 µs per call
// on the 20-policy set of benches/benches/policy.rs (the `kernel` set of
// test-vectors/policy.json plus the same 8 extra policies) with the same 4
// requests, round-robin.
//
//   npm run bench:policy         (BENCH_DECISIONS, default 100000)
//
// Each call is timed with process.hrtime.bigint(); rows: `evaluate` with a
// request object (returns the decision as a plain object), with the request
// as JSON text, and `evaluateToJson` (the canonical decision text only).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { PolicySet, evaluate, evaluateToJson } = require('../index.js');

const doc = JSON.parse(readFileSync(join(here, '..', '..', 'test-vectors', 'policy.json'), 'utf8'));
const set = structuredClone(doc.policySets.kernel);
const extra = [
  ['allocate.weekend', { op: 'in', path: '/context/weekday', value: ['sat', 'sun'] }, 'POST /kernel/allocate'],
  ['allocate.currency', { not: { op: 'in', path: '/body/currency', value: ['EUR', 'USD', 'GBP'] } }, 'POST /kernel/allocate'],
  ['allocate.budget', { op: 'gt', path: '/body/amount', ref: '/subject/budget' }, 'POST /kernel/allocate'],
  ['sign.size', { op: 'gt', path: '/body/size', value: 10_000_000 }, 'POST /kernel/sign'],
  ['sign.kid', { not: { op: 'glob', path: '/body/kid', value: 'kernel-signer-*' } }, 'POST /kernel/sign'],
  ['audit.range', { any: [{ op: 'lt', path: '/context/time', value: '2020-01-01T00:00:00Z' }, { op: 'contains', path: '/subject/flags', value: 'suspended' }] }, 'GET /kernel/audit/*'],
  ['division.name', { not: { op: 'glob', path: '/body/name', value: 'div-?*' } }, 'POST /kernel/division'],
  ['any.mfa', { all: [{ op: 'exists', path: '/context/mfa' }, { op: 'eq', path: '/context/mfa', value: false }] }, '*'],
];
for (const [id, condition, action] of extra) {
  set.policies.push({
    id, version: 1, state: 'active', mode: 'enforce', severity: 'medium',
    target: { actions: [action] }, condition, effect: 'deny', rationale: `${id} guard`,
  });
}
if (set.policies.length !== 20) throw new Error('expected 20 policies');
const policySet = PolicySet.fromObject(set);

const requests = [
  { action: 'POST /kernel/allocate', subject: { id: 'u1', roles: ['Operator'], division: 'ops', budget: 5000, flags: [] },
    body: { amount: 700, division: 'ops', currency: 'EUR' }, context: { weekday: 'tue', mfa: true, time: '2026-03-01T12:00:00Z' } },
  { action: 'POST /kernel/sign', subject: { id: 'svc-kms', roles: ['Service'] },
    body: { manifest: 'manifests/release-2.4.1.json', size: 18234, kid: 'kernel-signer-2026' }, context: { mfa: true } },
  { action: 'GET /kernel/audit/7f1c', subject: { id: 'a-1', roles: ['Auditor'], flags: [] }, context: { time: '2026-03-01T12:00:00Z', mfa: true } },
  { action: 'POST /kernel/division', resource: 'division/ops', subject: { id: 'd-1', roles: ['DivisionLead'] },
    body: { tier: 'gold', name: 'div-ops' }, context: { mfa: false } },
];
const texts = requests.map((r) => JSON.stringify(r));

const n = Number(process.env.BENCH_DECISIONS ?? 100_000);
function run(name, fn, inputs) {
  for (let i = 0; i < 20_000; i++) fn(policySet, inputs[i % inputs.length]); // warm-up
  const times = new Float64Array(n);
  let records = 0;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const d = fn(policySet, inputs[i % inputs.length]);
    times[i] = Number(process.hrtime.bigint() - t) / 1000;
    if (typeof d === 'object') records += d.policyChecks.length;
  }
  times.sort();
  const p = (q) => times[Math.min(n - 1, Math.floor(n * q))].toFixed(1);
  console.log(`| ${name} | ${p(0.5)} | ${p(0.9)} | ${p(0.99)} | ${p(0.999)} |`);
}
console.log(`node ${process.version}; ${n.toLocaleString('en-US')} decisions per row, round-robin over ${requests.length} requests, 20 policies + RBAC\n`);
console.log('| call | p50 µs | p90 µs | p99 µs | p99.9 µs |');
console.log('|---|---:|---:|---:|---:|');
run('evaluate(set, requestObject) → decision object', evaluate, requests);
run('evaluate(set, requestJsonText) → decision object', evaluate, texts);
run('evaluateToJson(set, requestObject) → canonical text', evaluateToJson, requests);
run('evaluateToJson(set, requestJsonText) → canonical text', evaluateToJson, texts);
