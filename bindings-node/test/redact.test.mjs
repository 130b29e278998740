// PII redaction from Node (#12): nested objects, arrays and annotations
// redacted by class, pointer pattern and detector; the record with salted
// commitments and a privileged reader's proof; the commitment form signed
// in a snapshot, read back with a subset of disclosures; a changed
// disclosed value and a removed value restored with a wrong salt refused
// with their codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore as t, assertCode } from './helpers.mjs';

const saltKey = Buffer.alloc(32, 7);
const pseudonymKey = Buffer.alloc(32, 8);
const keys = { saltKey, pseudonymKey };
const policy = t.loadRedactionPolicy({
  type: 'trustcore.redaction-policy/v1', id: 'traces-external', version: 1,
  rules: [
    { id: 'emails', select: { keys: ['email', 'e_mail'] }, action: 'replace', class: 'email' },
    { id: 'phones', select: { detect: 'phone' }, action: 'mask', keep: 4 },
    { id: 'queries', select: { pointer: '/steps/*/query' }, action: 'pseudonymize', class: 'query' },
    { id: 'secrets', select: { pointer: '/**/token' }, action: 'remove', class: 'secret' },
  ],
});

function trace(i) {
  return {
    trace_id: `tr-${i}`,
    ts: `2026-03-01T12:00:0${i}Z`,
    steps: [{ tool: 'search', query: `q${i}` }, { tool: 'answer', user: { email: 'ann@example.com' }, auth: { token: 's3cr3t' } }],
    annotations: { reviewer: { Email: 'rev@example.org', phone: '+14155550123' }, notes: [{ text: 'ok' }, '+442071838750', [{ deep: { E_Mail: 'x@y.z' } }]] },
  };
}

const base64url = (s) => Buffer.from(s).toString('base64url');
const decoded = (d) => JSON.parse(Buffer.from(d, 'base64url').toString());

test('nested objects, arrays and annotations are redacted; the record names every value', () => {
  const r = t.redact(trace(3), policy, keys);
  const out = JSON.parse(r.document);
  assert.equal(out.steps[1].user.email, '[REDACTED]');
  assert.equal(out.annotations.reviewer.Email, '[REDACTED]', 'class names are case-insensitive');
  assert.equal(out.annotations.reviewer.phone, '********0123');
  assert.equal(out.annotations.notes[1], '*********8750', 'a detector inside an array in the annotations');
  assert.equal(out.annotations.notes[2][0].deep.E_Mail, '[REDACTED]', 'a class two arrays deep');
  assert.match(out.steps[0].query, /^pseud:/);
  assert.deepEqual(out.steps[1].auth, {});
  assert.deepEqual(r.record.redactions.map((e) => [e.pointer, e.rule, e.action]), [
    ['/annotations/notes/1', 'phones', 'mask'],
    ['/annotations/notes/2/0/deep/E_Mail', 'emails', 'replace'],
    ['/annotations/reviewer/Email', 'emails', 'replace'],
    ['/annotations/reviewer/phone', 'phones', 'mask'],
    ['/steps/0/query', 'queries', 'pseudonymize'],
    ['/steps/1/auth/token', 'secrets', 'remove'],
    ['/steps/1/user/email', 'emails', 'replace'],
  ]);
  assert.equal(r.record.original, t.canonicalDigest(trace(3)));
  assert.equal(r.record.redacted, t.digest(r.document));
  assert.deepEqual(r.record.policy, { id: 'traces-external', version: 1, digest: policy.digest });
  // Deterministic; the same query gives the same pseudonym (joins work).
  assert.deepEqual(t.redact(JSON.stringify(trace(3)), policy, keys), r);
  const d2 = trace(5);
  d2.steps[0].query = 'q3';
  assert.equal(JSON.parse(t.redact(d2, policy, keys).document).steps[0].query, out.steps[0].query);
  assert.notEqual(JSON.parse(t.redact(trace(3), policy, { saltKey, pseudonymKey: Buffer.alloc(32, 9) }).document).steps[0].query, out.steps[0].query);
  // A privileged reader proves what was removed; a guess or a wrong key does not.
  const token = r.record.redactions.find((e) => e.pointer === '/steps/1/auth/token');
  assert.equal(t.proves(token, 's3cr3t', saltKey), true);
  assert.equal(t.proves(token, 'guess', saltKey), false);
  assert.equal(t.proves(token, 's3cr3t', Buffer.alloc(32, 6)), false);
});

test('keys and documents are checked', () => {
  assertCode(() => t.redact(trace(1), policy, { saltKey }), 'missing_key', { name: 'RedactionError' });
  assertCode(() => t.redact(trace(1), policy, { saltKey: saltKey.subarray(0, 31), pseudonymKey }), 'missing_key');
  assertCode(() => t.redact(trace(1), policy, saltKey), 'invalid_argument');
  assertCode(() => t.redact(trace(1), {}, keys), 'invalid_argument');
  assertCode(() => t.redact({ a: undefined }, policy, keys), 'unsupported_type');
  assertCode(() => t.commit({ _sd: [], email: 'a@b.co' }, policy, saltKey), 'invalid_document');
  assertCode(() => t.proves({}, 1, Buffer.alloc(3)), 'missing_key');
  assert.equal(policy.needsPseudonymKey, true);
  assertCode(() => t.loadRedactionPolicy({ type: 'trustcore.redaction-policy/v9', id: 'x', version: 1, rules: [] }), 'unsupported_policy_version', { path: '/type' });
  assertCode(() => t.loadRedactionPolicy({ type: 'trustcore.redaction-policy/v1', id: 'x', version: 1, rules: [{ id: 'r', select: { detect: 'ssn-us' }, action: 'remove' }] }), 'invalid_policy', { path: '/rules/0/select/detect' });
});

test('a redacted copy verifies against the signed snapshot; tampered disclosures are refused with their codes', () => {
  const graph = t.SecretKey.fromBytes(Buffer.alloc(32, 1));
  const registry = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'graph-signer', publicKey: graph.publicKey().toBase64() }] }));
  const b = new t.SnapshotBuilder();
  const lines = [];
  const disclosures = [];
  for (let i = 1; i <= 4; i++) {
    const c = t.commit(trace(i), policy, saltKey);
    lines.push(b.pushRecord(c.record));
    disclosures.push(c.disclosures);
  }
  const batch = Buffer.concat(lines);
  const meta = b.finish('snap-redacted', '2026-03-01T13:00:00Z').sign(graph, 'graph-signer');
  // A non-privileged reader gets one line, its proof and some disclosures.
  assert.equal(t.verifySnapshot(meta, batch, registry).valid, true);
  const line = batch.toString().split('\n')[1];
  assert.equal(t.verifyRecord(meta, line, 1, t.recordProof(batch, 1), registry).valid, true);
  const record = JSON.parse(line);
  assert.equal(record.annotations.reviewer.Email, undefined, 'hidden in the signed form');
  const ds = disclosures[1];
  const email = ds.find((d) => decoded(d).includes('rev@example.org'));
  const view = t.disclose(line, [email]);
  assert.equal(view.annotations.reviewer.Email, 'rev@example.org');
  assert.equal(view.annotations.reviewer.phone, undefined, 'not disclosed, not shown');
  assert.equal(view.annotations.reviewer._sd, undefined);
  assert.deepEqual(t.disclose(record, ds), trace(2), 'everything disclosed gives the original');
  // A disclosed value changed: its digest is referenced nowhere.
  const forged = base64url(JSON.stringify(decoded(email).map((x) => (x === 'rev@example.org' ? 'eve@example.org' : x))));
  assertCode(() => t.disclose(record, [forged]), 'unreferenced_disclosure', { name: 'RedactionError' });
  // A removed value restored with a wrong salt.
  const token = ds.find((d) => decoded(d)[1] === 'token');
  const wrongSalt = base64url(JSON.stringify(['AAAAAAAAAAAAAAAAAAAAAA', 'token', decoded(token)[2]]));
  assertCode(() => t.disclose(record, [wrongSalt]), 'unreferenced_disclosure');
  // The same disclosure twice, a collision, a duplicate digest, garbage.
  assertCode(() => t.disclose(record, [email, email]), 'duplicate_digest');
  const colliding = structuredClone(record);
  colliding.annotations.reviewer.Email = 'already here';
  assertCode(() => t.disclose(colliding, [email]), 'claim_collision');
  const dup = structuredClone(record);
  dup.annotations.reviewer._sd.push(dup.annotations.reviewer._sd[0]);
  assertCode(() => t.disclose(dup, []), 'duplicate_digest');
  assertCode(() => t.disclose(record, ['not base64!']), 'invalid_disclosure');
  // A hidden value restored in clear inside the batch: the snapshot fails.
  const restored = batch.toString().replace(/"reviewer":\{"_sd":\["[^"]+",/, '"reviewer":{"Email":"rev@example.org","_sd":["');
  assert.notEqual(restored, batch.toString());
  assert.equal(t.verifySnapshot(meta, restored, registry).valid, false);
});
