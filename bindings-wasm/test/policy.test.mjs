// Policy evaluation and explanation through the Node build (pkg-node):
// every case of test-vectors/policy.json (evaluate, load, update, bucket,
// explain, impact; exact bytes where given), and argument handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, loadVectors } from './load.mjs';
import { policyChecks } from './chain-cases.mjs';

const { PolicySet, evaluate, evaluateToJson, explain, canaryBucket } = api;
const vectors = loadVectors('policy.json');

for (const { id, run } of policyChecks(api, vectors)) test(id, run);

test('policy.json: every case and kind was run', () => {
  assert.equal(policyChecks(api, vectors).length, vectors.cases.length);
  const kinds = new Set(vectors.cases.map((c) => c.kind));
  for (const k of ['evaluate', 'load', 'update', 'bucket', 'explain', 'impact']) assert.ok(kinds.has(k), k);
});

const kernel = () => PolicySet.fromJson(JSON.stringify(vectors.policySets.kernel));

test('PolicySet accessors', () => {
  const set = kernel();
  assert.match(set.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(set.size, vectors.policySets.kernel.policies.length);
  assert.equal(PolicySet.fromJson(set.toJson()).digest, set.digest);
  assert.equal(PolicySet.fromObject(vectors.policySets.kernel).digest, set.digest);
});

test('requests and records are read strictly', () => {
  const set = kernel();
  assert.throws(() => evaluate(set, { action: 'x', when: new Date() }), { name: 'CanonicalJsonError', code: 'unsupported_type' });
  assert.throws(() => evaluate(set, { action: 'x', n: 1n }), { name: 'CanonicalJsonError', code: 'unsupported_type' });
  assert.throws(() => evaluate(set, '{"action":"a","action":"b"}'), { name: 'CanonicalJsonError', code: 'duplicate_key' });
  assert.throws(() => evaluate(set, { action: '\uD800' }), { name: 'CanonicalJsonError', code: 'lone_surrogate' });
  assert.throws(() => evaluate(set, []), { name: 'PolicyError', code: 'invalid_request' });
  assert.throws(() => evaluate({}, {}), { name: 'TypeError', code: 'invalid_argument' });
  assert.throws(() => explain('{}', set), { name: 'PolicyError', code: 'invalid_record' });
  assert.throws(() => canaryBucket(undefined), { name: 'CanonicalJsonError', code: 'unsupported_type' });
  assert.equal(evaluateToJson(set, new TextEncoder().encode('{"action":"GET /health"}')),
    evaluateToJson(set, { action: 'GET /health' }));
});

test('enforceOrThrow: the decision when allowed; PolicyDeniedError with the core\'s denial message when denied', () => {
  const set = kernel();
  const { enforceOrThrow } = api;
  let denials = 0;
  for (const c of vectors.cases.filter((x) => x.kind === 'evaluate' && !x.error)) {
    const s = PolicySet.fromJson(JSON.stringify(typeof c.policySet === 'string' ? vectors.policySets[c.policySet] : c.policySet));
    const d = evaluate(s, c.request);
    if (d.decision === 'allow') {
      assert.deepEqual(enforceOrThrow(s, c.request), d, c.id);
      continue;
    }
    denials += 1;
    // The message is "denied by <id>@<version>: <rationale>" for each
    // determining check ("; " between), or the default's.
    const parts = d.determinedBy.map((b) => {
      const rec = d.policyChecks.find((r) => r.id === b.policyCheckId);
      return rec?.rationale ? `${b.policyId}@${b.policyVersion}: ${rec.rationale}` : `${b.policyId}@${b.policyVersion}`;
    });
    const message = parts.length ? `denied by ${parts.join('; ')}` : 'denied by default: no enforced policy allowed the request';
    assert.throws(() => enforceOrThrow(s, c.request), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, 'PolicyDeniedError');
      assert.equal(e.code, 'policy_denied');
      assert.equal(e.message, message);
      assert.deepEqual(e.decision, d);
      return true;
    }, c.id);
  }
  assert.ok(denials > 5);
  // An unreadable request is an error, not a denial.
  assert.throws(() => enforceOrThrow(set, []), { name: 'PolicyError', code: 'invalid_request' });
  assert.throws(() => enforceOrThrow({}, {}), { name: 'TypeError', code: 'invalid_argument' });
});
