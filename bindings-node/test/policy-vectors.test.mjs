// test-vectors/policy.json: every case of every kind (evaluate, load,
// update, bucket, explain, impact), run as core/tests/policy_vectors.rs
// runs them: hand-written expectations first, then the exact bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore, loadVectors } from './helpers.mjs';

const { PolicySet, evaluate, evaluateToJson, explain, impact, canaryBucket, canonicalize, canonicalizeText, digest } = trustcore;
const doc = loadVectors('policy.json');
const sets = doc.policySets;

const label = (id, v) => `${id}@${v}`;
const setNamed = (name) => PolicySet.fromJson(JSON.stringify(typeof name === 'string' ? sets[name] : name));
const requestOf = (c) => (c.requestText !== undefined ? c.requestText : c.request);
const canon = (v) => canonicalize(v).toString('utf8');

function errorJson(e) {
  assert.ok(e instanceof Error, `expected an Error, got ${e}`);
  const out = { kind: e.name, code: e.code };
  if (e.path !== undefined) out.path = e.path;
  if (e.offset !== undefined) out.offset = e.offset;
  return out;
}

function caught(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function checkExpect(expect, d) {
  assert.equal(d.decision, expect.decision);
  assert.equal(d.reason, expect.reason);
  assert.deepEqual(d.determinedBy.map((c) => label(c.policyId, c.policyVersion)), expect.determinedBy);
  const checks = d.policyChecks.map((c) => {
    const s = { policyId: c.policyId, policyVersion: c.policyVersion, decision: c.decision, simMode: c.simMode };
    if (c.error?.code) s.error = c.error.code;
    return s;
  });
  assert.deepEqual(checks, expect.checks);
  for (const [who, want] of Object.entries(expect.paths ?? {})) {
    const rec = d.policyChecks.find((c) => label(c.policyId, c.policyVersion) === who);
    assert.ok(rec, `no check ${who}`);
    const got = rec.evaluationPath.map((s) => [s.node, s.op, typeof s.result === 'boolean' ? s.result : s.error]);
    assert.deepEqual(got, want, `path of ${who}`);
  }
}

test('policy.json has every case kind', () => {
  assert.equal(doc.format, 'trustcore-vectors/policy');
  assert.ok(doc.cases.length >= 80);
  const kinds = new Set(doc.cases.map((c) => c.kind));
  for (const k of ['evaluate', 'load', 'update', 'bucket', 'explain', 'impact']) assert.ok(kinds.has(k), k);
});

for (const c of doc.cases) {
  test(`${c.kind}: ${c.id}`, () => {
    switch (c.kind) {
      case 'evaluate': {
        const set = setNamed(c.policySet);
        const req = requestOf(c);
        if (c.error) {
          assert.deepEqual(errorJson(caught(() => evaluate(set, req))), c.error);
          // Bytes of the text fail the same way.
          if (typeof req === 'string') assert.deepEqual(errorJson(caught(() => evaluate(set, Buffer.from(req)))), c.error);
          return;
        }
        const d = evaluate(set, req);
        checkExpect(c.expect, d);
        const bytes = canon(d);
        assert.equal(bytes, c.expected, 'exact decision bytes');
        assert.equal(evaluateToJson(set, req), c.expected);
        assert.equal(canonicalizeText(c.expected).toString('utf8'), c.expected, 'canonical');
        // Text, bytes and object requests agree.
        const text = typeof req === 'string' ? req : JSON.stringify(req);
        assert.equal(canon(evaluate(set, Buffer.from(text))), c.expected);
        assert.equal(canon(evaluate(set, JSON.parse(text))), c.expected);
        // Every record's id is the SHA-256 of the rest.
        for (const rec of d.policyChecks) {
          const { id, ...rest } = rec;
          assert.equal(digest(canonicalize(rest)), id);
        }
        return;
      }
      case 'load': {
        let load;
        if (c.policySetDoc !== undefined) {
          const a = caught(() => PolicySet.fromJson(JSON.stringify(c.policySetDoc)));
          const b = caught(() => PolicySet.fromObject(c.policySetDoc));
          assert.deepEqual(a && errorJson(a), b && errorJson(b), 'fromJson and fromObject agree');
          load = () => PolicySet.fromJson(JSON.stringify(c.policySetDoc));
        } else if (c.policySetText !== undefined) {
          load = () => PolicySet.fromJson(c.policySetText);
        } else {
          load = () => PolicySet.fromJson(JSON.stringify(sets[c.policySet]));
        }
        const e = caught(load);
        if (c.error) {
          assert.deepEqual(errorJson(e), c.error);
        } else {
          assert.equal(c.valid, true);
          assert.equal(e, undefined, e && e.message);
        }
        return;
      }
      case 'update': {
        const e = caught(() => setNamed(c.current).checkUpdate(setNamed(c.candidate)));
        if (c.error) assert.deepEqual(errorJson(e), c.error);
        else {
          assert.equal(c.valid, true);
          assert.equal(e, undefined, e && e.message);
        }
        return;
      }
      case 'bucket': {
        assert.equal(canon(c.value), c.canonical);
        assert.equal(canaryBucket(c.value), c.bucket);
        return;
      }
      case 'explain': {
        const set = setNamed(c.policySet);
        const d = evaluate(set, requestOf(c));
        const rec = d.policyChecks.find((r) => label(r.policyId, r.policyVersion) === c.check);
        assert.ok(rec, `no check ${c.check}`);
        const record = { ...rec, ...(c.tamper ?? {}) };
        const withSet = c.explainWith === undefined || c.explainWith === null ? set : setNamed(c.explainWith);
        if (c.error) {
          assert.deepEqual(errorJson(caught(() => explain(record, withSet))), c.error);
          assert.deepEqual(errorJson(caught(() => explain(JSON.stringify(record), withSet))), c.error);
          return;
        }
        const x = explain(record, withSet);
        assert.equal(x.summary, c.expect.summary);
        for (const [node, want] of Object.entries(c.expect.leafEvidence)) {
          const step = x.evaluationPath.find((s) => s.node === node);
          assert.deepEqual(step?.evidence, want, `evidence of ${node}`);
        }
        assert.equal(x.policyCheckId, rec.id);
        assert.equal(x.policy.id, record.policyId);
        assert.equal(canon(x), c.expected, 'exact explanation bytes');
        assert.equal(canon(explain(canon(record), withSet)), c.expected, 'from text');
        return;
      }
      case 'impact': {
        const rep = impact(setNamed(c.current), setNamed(c.candidate), c.requests);
        const e = c.expect;
        for (const k of ['changed', 'allowToDeny', 'denyToAllow', 'unchanged']) assert.equal(rep[k], e[k], k);
        assert.deepEqual(rep.changes.map((x) => x.index), e.changedIndexes);
        assert.deepEqual(rep.changes.map((x) => x.responsible.map((r) => label(r.policyId, r.policyVersion))), e.responsible);
        assert.deepEqual(rep.invalidRequests.map((x) => x.index), e.invalidIndexes);
        assert.equal(canon(rep), c.expected, 'exact impact bytes');
        // Requests as bytes give the same report.
        assert.equal(canon(impact(setNamed(c.current), setNamed(c.candidate), c.requests.map((r) => Buffer.from(r)))), c.expected);
        return;
      }
      default:
        assert.fail(`unknown kind ${c.kind}`);
    }
  });
}
