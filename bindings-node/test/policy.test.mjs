// Policy evaluation: loading and its errors, decisions as plain objects,
// enforceOrThrow / PolicyDeniedError, explain, impact, canary buckets,
// updates. The shared vectors are in policy-vectors.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { trustcore, assertCode } from './helpers.mjs';

const require = createRequire(import.meta.url);
const canonicalizeJs = require('canonicalize');
const { PolicySet, PolicyDeniedError, evaluate, evaluateToJson, enforceOrThrow, explain, impact, canaryBucket } = trustcore;

const setDoc = {
  type: 'trustcore.policy-set/v1',
  defaultDecision: 'allow',
  rbac: {
    id: 'kernel-rbac', version: 1, rationale: 'kernel roles',
    rules: [{ action: 'POST /kernel/sign', roles: ['SuperAdmin', 'Service'] }],
  },
  policies: [
    {
      id: 'allocate.limit', version: 1, state: 'active', mode: 'enforce', severity: 'high',
      target: { actions: ['POST /kernel/allocate'] },
      condition: { op: 'gt', path: '/body/amount', value: 1000 },
      effect: 'deny', rationale: 'allocations above 1000 need a manual review',
    },
  ],
};
const set = PolicySet.fromObject(setDoc);
const allocate = (amount) => ({ action: 'POST /kernel/allocate', subject: { id: 'u1', roles: ['Operator'] }, body: { amount } });

test('evaluate returns the decision record as a plain object', () => {
  const d = evaluate(set, allocate(5000));
  assert.equal(d.type, 'trustcore.policy-decision/v1');
  assert.equal(d.decision, 'deny');
  assert.equal(d.reason, 'deny');
  assert.deepEqual(d.determinedBy.map((c) => c.policyId), ['allocate.limit']);
  const rec = d.policyChecks.find((c) => c.policyId === 'allocate.limit');
  assert.equal(rec.rationale, 'allocations above 1000 need a manual review');
  assert.deepEqual(rec.evidence, [{ pointer: '/action', value: 'POST /kernel/allocate' }, { pointer: '/body/amount', value: 5000 }]);
  assert.deepEqual(rec.evaluationPath, [{ node: '/condition', op: 'gt', result: true }]);
  // Digests checked independently with node:crypto and npm canonicalize.
  assert.equal(d.requestDigest, 'sha256:' + crypto.createHash('sha256').update(canonicalizeJs(allocate(5000))).digest('hex'));
  assert.equal(d.policySetDigest, 'sha256:' + crypto.createHash('sha256').update(canonicalizeJs(setDoc)).digest('hex'));
  assert.equal(set.digest, d.policySetDigest);
  const { id, ...rest } = rec;
  assert.equal(id, 'sha256:' + crypto.createHash('sha256').update(canonicalizeJs(rest)).digest('hex'));
  // Text, bytes and objects give the same bytes; evaluateToJson is canonical.
  const text = evaluateToJson(set, allocate(5000));
  assert.equal(text, canonicalizeJs(d));
  assert.equal(evaluateToJson(set, JSON.stringify(allocate(5000))), text);
  assert.equal(evaluateToJson(set, Buffer.from(JSON.stringify(allocate(5000)))), text);
  assert.equal(evaluate(set, allocate(10)).decision, 'allow');
  assert.equal(evaluate(set, { action: 'POST /kernel/sign', subject: { roles: ['Operator'] } }).decision, 'deny', 'RBAC');
  assert.equal(set.size, 1);
  assert.equal(PolicySet.fromJson(set.toJson()).digest, set.digest);
});

test('enforceOrThrow throws PolicyDeniedError carrying the decision', () => {
  assert.equal(enforceOrThrow(set, allocate(10)).decision, 'allow');
  let err;
  try {
    enforceOrThrow(set, allocate(5000));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PolicyDeniedError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'PolicyDeniedError');
  assert.equal(err.code, 'policy_denied');
  assert.match(err.message, /allocate\.limit@1: allocations above 1000 need a manual review/);
  assert.deepEqual(err.decision, evaluate(set, allocate(5000)));
  assert.equal(err.decision.policyChecks[0].evidence[1].value, 5000);
  // A default deny has no determining check.
  const { rbac, ...noRbac } = setDoc;
  const strict = PolicySet.fromObject({ ...noRbac, defaultDecision: 'deny', policies: [] });
  assert.equal(rbac.id, 'kernel-rbac');
  assert.throws(() => enforceOrThrow(strict, allocate(1)), (e) => e instanceof PolicyDeniedError && /default/.test(e.message) && e.decision.reason === 'default');
  // Invalid requests are errors, not denials.
  assertCode(() => enforceOrThrow(set, { subject: {} }), 'invalid_request', { name: 'PolicyError' });
});

test('evaluation errors deny (fail closed) and are recorded', () => {
  const d = evaluate(set, { action: 'POST /kernel/allocate', body: { amount: 'lots' } });
  assert.equal(d.decision, 'deny');
  const rec = d.policyChecks.find((c) => c.policyId === 'allocate.limit');
  assert.equal(rec.error.code, 'type_mismatch');
  const missing = evaluate(set, { action: 'POST /kernel/allocate' });
  assert.equal(missing.policyChecks.find((c) => c.policyId === 'allocate.limit').error.code, 'missing_field');
});

test('loading errors carry code and path', () => {
  const bad = structuredClone(setDoc);
  bad.policies[0].condition.op = 'bigger';
  assertCode(() => PolicySet.fromObject(bad), 'unknown_operator', { name: 'PolicyError', path: '/policies/0/condition/op' });
  assertCode(() => PolicySet.fromJson(JSON.stringify(bad)), 'unknown_operator', { path: '/policies/0/condition/op' });
  assertCode(() => PolicySet.fromObject({ ...setDoc, type: 'x' }), 'unsupported_format', { path: '/type' });
  assertCode(() => PolicySet.fromJson('{"type":1,"type":2}'), 'duplicate_key', { name: 'CanonicalJsonError' });
  assertCode(() => PolicySet.fromJson('{"type":"\uD800"}'), 'lone_surrogate', { name: 'CanonicalJsonError' });
  assertCode(() => PolicySet.fromObject({ ...setDoc, metadata: { when: new Date() } }), 'unsupported_type');
  assertCode(() => PolicySet.fromJson(42), 'invalid_argument');
  assertCode(() => evaluate({}, allocate(1)), 'invalid_argument');
  assertCode(() => evaluate(set, '{"action":"POST /kernel/allocate","body":{"amount":1,"amount":2}}'), 'duplicate_key');
  assertCode(() => evaluate(set, { action: 'POST /kernel/allocate', body: { amount: 10n } }), 'unsupported_type');
  assertCode(() => evaluate(set, '"just a string"'), 'invalid_request', { name: 'PolicyError' });
});

test('explain a stored record; a tampered record is refused', () => {
  const d = evaluate(set, allocate(5000));
  const rec = d.policyChecks.find((c) => c.policyId === 'allocate.limit');
  const x = explain(rec, set);
  assert.equal(x.type, 'trustcore.policy-explanation/v1');
  assert.equal(x.policyCheckId, rec.id);
  assert.match(x.summary, /^allocate\.limit@1 denied/);
  assert.deepEqual(x.policy, setDoc.policies[0]);
  assert.deepEqual(explain(JSON.stringify(rec), set), x);
  assertCode(() => explain({ ...rec, decision: 'allow' }, set), 'invalid_record', { name: 'PolicyError', path: '/id' });
  const other = PolicySet.fromObject({ ...setDoc, policies: [] });
  assertCode(() => explain(rec, other), 'policy_not_found', { name: 'PolicyError' });
});

test('impact of a candidate set over recorded requests', () => {
  const candidate = structuredClone(setDoc);
  candidate.policies[0].condition.value = 100;
  const cand = PolicySet.fromObject(candidate);
  const rep = impact(set, cand, [allocate(50), allocate(500), JSON.stringify(allocate(5000)), '{"no":"action"}']);
  assert.equal(rep.type, 'trustcore.policy-impact/v1');
  assert.equal(rep.requests, 4);
  assert.equal(rep.changed, 1);
  assert.equal(rep.allowToDeny, 1);
  assert.deepEqual(rep.changes.map((c) => c.index), [1]);
  assert.deepEqual(rep.invalidRequests.map((c) => [c.index, c.code]), [[3, 'invalid_request']]);
  assertCode(() => impact(set, cand, 'requests'), 'invalid_argument');
});

test('checkUpdate enforces the lifecycle', () => {
  const next = structuredClone(setDoc);
  next.policies[0].condition.value = 2000;
  assertCode(() => set.checkUpdate(PolicySet.fromObject(next)), 'modified_version', { name: 'PolicyError', path: '/policies/0' });
  const dep = structuredClone(setDoc);
  dep.policies[0].state = 'deprecated';
  set.checkUpdate(PolicySet.fromObject(dep));
  const back = structuredClone(dep);
  back.policies[0].state = 'active';
  assertCode(() => PolicySet.fromObject(dep).checkUpdate(PolicySet.fromObject(back)), 'invalid_transition', { path: '/policies/0/state' });
  assertCode(() => set.checkUpdate(setDoc), 'invalid_argument');
});

test('canary buckets: SHA-256 of the canonical value, first 8 bytes (big-endian) mod 10000', () => {
  for (const v of ['u1', 42, { b: 1, a: [true, null] }, 'café']) {
    const h = crypto.createHash('sha256').update(canonicalizeJs(v)).digest();
    assert.equal(canaryBucket(v), Number(h.readBigUInt64BE(0) % 10000n));
  }
  assertCode(() => canaryBucket(undefined), 'unsupported_type');
});
