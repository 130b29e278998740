// Signed snapshots and redaction (#12): a snapshot built and remotely
// signed with the full module (Node's crypto as the signer) verifies in
// both modules, streamed in chunks; a tampered line is named; one record
// verifies with its proof; the snapshot.published audit event links to it;
// redaction is deterministic and a privileged reader proves what was
// removed; a redacted (commitment-form) trace verifies against its signed
// snapshot and shows exactly the disclosed subset; RFC 9901's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api as t, loadVerify } from './load.mjs';
import { signer, signersFile, writeChain } from './signer.mjs';

const graph = signer(21);
const kms = signer(22);
const file = signersFile({
  'graph-signer': { key: graph, validFrom: '2026-01-01T00:00:00Z' },
  kms: { key: kms, algorithm: 'ed25519ph' },
});
const verifyApi = await loadVerify();

function trace(i) {
  return {
    trace_id: `tr-${String(i).padStart(4, '0')}`,
    ts: `2026-03-01T12:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
    steps: [{ tool: 'search', query: `q${i}` }, { tool: 'answer', user: { email: 'ann@example.com' } }],
    annotations: { reviewer: { Email: 'rev@example.org', phone: '+14155550123' } },
  };
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

/** A batch of records and its signed metadata (remote signing, fails closed). */
export function buildSnapshot(records, { kid = 'graph-signer', key = graph, alg = 'ed25519', hashAlg } = {}) {
  const b = t.SnapshotBuilder.create(hashAlg ? { hashAlg } : null);
  const chunks = records.map((r) => b.push(r));
  const unsigned = b.finish('snap-2026-03-01', '2026-03-01T13:00:00Z');
  const prepared = unsigned.prepare(kid, alg);
  const snap = prepared.attach(key.sign(prepared.message), t.PublicKey.fromBytes(key.publicKeyRaw));
  const batch = Buffer.concat(chunks.map((c) => Buffer.from(c)));
  return { snap, batch: new Uint8Array(batch) };
}

for (const hashAlg of ['sha256', 'blake3']) {
  test(`a ${hashAlg} snapshot verifies in both modules, streamed; a tampered line is named`, () => {
    const records = Array.from({ length: 40 }, (_, i) => trace(i + 1));
    const { snap, batch } = buildSnapshot(records, { hashAlg });
    const meta = JSON.parse(snap.toJson());
    assert.deepEqual(Object.keys(meta).sort(), ['alg', 'fields', 'hash', 'merkle_root', 'records', 'signature', 'signer_kid', 'snapshot_id', 'trace_range', 'ts', 'type']);
    assert.ok(meta.hash.startsWith(`${hashAlg}:`));
    assert.deepEqual(meta.trace_range, { first_trace_id: 'tr-0001', last_trace_id: 'tr-0040', start: '2026-03-01T12:00:01Z', end: '2026-03-01T12:00:40Z' });
    for (const api of [t, verifyApi]) {
      const registry = api.SignerRegistry.fromJson(file);
      const s = api.Snapshot.fromJson(snap.toJson());
      assert.equal(s.snapshotId, 'snap-2026-03-01');
      assert.equal(s.records, 40);
      const whole = api.verifySnapshot(s, batch, registry);
      assert.deepEqual(whole, { valid: true, snapshotId: 'snap-2026-03-01', records: 40, failures: [], failureCounts: {} });
      const v = api.SnapshotVerifier.create(s, registry);
      for (let i = 0; i < batch.length; i += 333) v.pushBytes(batch.subarray(i, i + 333));
      assert.deepEqual(v.finish(), whole);
      assert.throws(() => v.pushBytes('x'), (e) => e.name === 'SnapshotError');
      // Line 7 re-spelled (not canonical) and its digest broken.
      const text = new TextDecoder().decode(batch).split('\n');
      text[6] = text[6].replace('"steps"', ' "steps"');
      const bad = api.verifySnapshot(s, text.join('\n'), registry);
      assert.equal(bad.valid, false);
      assert.equal(bad.failures[0].code, 'not_canonical');
      assert.equal(bad.failures[0].line, 7);
      assert.ok(bad.failureCounts.hash_mismatch === 1);
      // A key not yet valid at ts, a wrong signer.
      const early = JSON.parse(file);
      early.signers[0].validFrom = '2026-06-01T00:00:00Z';
      assert.equal(api.verifySnapshot(s, batch, api.SignerRegistry.fromJson(JSON.stringify(early))).failures[0].code, 'signer_not_yet_valid');
    }
  });
}

test('remote signing fails closed; the prepared message names the algorithm', () => {
  const b = t.SnapshotBuilder.create();
  b.push(trace(1));
  const unsigned = b.finish('snap-1', '2026-03-01T13:00:00Z');
  const prepared = unsigned.prepare('graph-signer');
  assert.throws(() => prepared.attach(kms.sign(prepared.message), t.PublicKey.fromBytes(graph.publicKeyRaw)), (e) => e.name === 'SnapshotError' && e.code === 'remote_signature_invalid');
  // ed25519ph (KMS digest mode) hands the signer the 64-byte SHA-512 of the
  // signing input; Node's crypto has no Ed25519ph, so that signer is the
  // core's own test (core/tests/snapshot_redaction.rs).
  assert.equal(unsigned.prepare('kms', 'ed25519ph').message.length, 64);
  const { snap, batch } = buildSnapshot([trace(1), trace(2)]);
  const wrongKid = JSON.parse(snap.toJson());
  wrongKid.signer_kid = 'kms';
  assert.deepEqual(verifyApi.verifySnapshot(verifyApi.Snapshot.fromJson(wrongKid), batch, verifyApi.SignerRegistry.fromJson(file)).failures.map((f) => f.code), ['algorithm_mismatch']);
  assert.throws(() => t.SnapshotBuilder.create({ trace_id: '/id' }), (e) => e.name === 'OptionsError' && e.code === 'unknown_option');
  assert.throws(() => t.Snapshot.fromJson('{"type":"trustcore.snapshot/v1"}'), (e) => e.name === 'SnapshotError' && e.code === 'invalid_metadata');
});

test('one record with its proof; the snapshot.published audit event', () => {
  const records = Array.from({ length: 9 }, (_, i) => trace(i + 1));
  const { snap, batch } = buildSnapshot(records);
  const lines = new TextDecoder().decode(batch).split('\n').filter((l) => l);
  const registry = verifyApi.SignerRegistry.fromJson(file);
  const s = verifyApi.Snapshot.fromJson(snap.toJson());
  for (let i = 0; i < lines.length; i += 1) {
    const proof = verifyApi.recordProof(batch, i);
    assert.equal(verifyApi.verifyRecord(s, lines[i], i, proof, registry).valid, true, `record ${i}`);
    const other = verifyApi.verifyRecord(s, lines[(i + 1) % lines.length], i, proof, registry);
    assert.deepEqual(other.failures.map((f) => f.code), ['not_included']);
  }
  // The audit event that publishes it: its payload is the metadata.
  const events = writeChain(t, {
    signerId: 'graph-signer',
    key: graph,
    count: 1,
    body: () => ({ id: '6f1c2a4e-0000-4000-8000-0000000000aa', ts: '2026-03-01T13:00:01Z', eventType: 'snapshot.published', actor: 'svc:graph', payload: JSON.parse(snap.toJson()) }),
  });
  assert.equal(s.checkEvent(events[0]), undefined);
  const other = writeChain(t, { signerId: 'graph-signer', key: graph, count: 1, body: () => ({ id: '6f1c2a4e-0000-4000-8000-0000000000ab', ts: '2026-03-01T13:00:01Z', eventType: 'snapshot.published', actor: 'svc:graph', payload: { snapshot_id: 'other' } }) });
  assert.throws(() => s.checkEvent(other[0]), (e) => e.name === 'SnapshotError' && e.code === 'event_mismatch');
  assert.equal(verifyApi.verifyJsonl(events[0], registry).valid, true);
});

test('redaction: deterministic, nested, proven by a privileged reader', () => {
  const policy = t.RedactionPolicy.fromJson(policyDoc);
  assert.equal(policy.id, 'traces-external');
  assert.match(policy.digest, /^sha256:/);
  const doc = trace(3);
  doc.steps[1].auth = { token: 's3cr3t' };
  const salt = new Uint8Array(32).fill(7);
  const pseud = new Uint8Array(32).fill(8);
  const r = t.redact(doc, policy, salt, pseud);
  const out = JSON.parse(new TextDecoder().decode(r.redacted));
  assert.equal(out.steps[1].user.email, '[REDACTED]');
  assert.equal(out.annotations.reviewer.Email, '[REDACTED]');
  assert.equal(out.annotations.reviewer.phone, '********0123');
  assert.match(out.steps[0].query, /^pseud:/);
  assert.equal(out.steps[1].auth.token, undefined);
  assert.deepEqual(r.record.redactions.map((e) => e.pointer), ['/annotations/reviewer/Email', '/annotations/reviewer/phone', '/steps/0/query', '/steps/1/auth/token', '/steps/1/user/email']);
  assert.deepEqual(t.redact(JSON.stringify(doc), policy, salt, pseud), r);
  const entry = r.record.redactions[3];
  for (const api of [t, verifyApi]) {
    assert.equal(api.proves(entry, 's3cr3t', salt), true);
    assert.equal(api.proves(entry, 'guess', salt), false);
    assert.equal(api.proves(entry, 's3cr3t', new Uint8Array(32).fill(9)), false);
  }
  assert.throws(() => t.redact(doc, policy, salt), (e) => e.name === 'RedactionError' && e.code === 'missing_key');
  assert.throws(() => t.RedactionPolicy.fromJson({ ...policyDoc, rules: [{ id: 'x', select: { pointer: 'nope' }, action: 'remove' }] }), (e) => e.name === 'RedactionError' && e.code === 'invalid_policy' && e.path === '/rules/0/select/pointer');
});

test('a redacted trace verifies against its signed snapshot with a subset of disclosures', () => {
  const policy = t.RedactionPolicy.fromJson(policyDoc);
  const salt = new Uint8Array(32).fill(7);
  const committed = [1, 2, 3, 4].map((i) => t.commit(trace(i), policy, salt));
  const { snap, batch } = buildSnapshot(committed.map((c) => c.record));
  const registry = verifyApi.SignerRegistry.fromJson(file);
  const s = verifyApi.Snapshot.fromJson(snap.toJson());
  assert.equal(verifyApi.verifySnapshot(s, batch, registry).valid, true);
  const line = new TextDecoder().decode(batch).split('\n')[1];
  const ds = committed[1].disclosures;
  const email = ds.find((d) => Buffer.from(d, 'base64url').toString().includes('rev@example.org'));
  const view = verifyApi.disclose(line, [email]);
  assert.equal(view.annotations.reviewer.Email, 'rev@example.org');
  assert.equal(view.annotations.reviewer.phone, undefined, 'not disclosed, not shown');
  assert.equal(view.annotations.reviewer._sd, undefined);
  assert.deepEqual(verifyApi.disclose(line, ds), trace(2));
  assert.equal(verifyApi.verifyRecord(s, line, 1, verifyApi.recordProof(batch, 1), registry).valid, true);
  const forged = Buffer.from(Buffer.from(email, 'base64url').toString().replace('rev@example.org', 'eve@example.org')).toString('base64url');
  assert.throws(() => verifyApi.disclose(line, [forged]), (e) => e.name === 'RedactionError' && e.code === 'unreferenced_disclosure');
  assert.throws(() => verifyApi.disclose(line, [email, email]), (e) => e.code === 'duplicate_digest');
  assert.throws(() => verifyApi.disclose(line, ['not base64!']), (e) => e.code === 'invalid_disclosure');
});
