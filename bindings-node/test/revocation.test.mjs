// Key compromise end to end (#10, part 5), as core/tests/compromise.rs:
// revoke a signer as of a time (the updated signers file and a signed
// revocation record, locally or through an async KMS-like authority), then
// recheck envelopes and chain rows against the old and the new registry:
// exactly the items the key signed at or after the revocation become
// now_invalid, with signer_revoked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore as t, assertCode } from './helpers.mjs';

const kernel = t.SecretKey.fromBytes(Buffer.alloc(32, 1));
const officer = t.SecretKey.fromBytes(Buffer.alloc(32, 2));
const thief = t.SecretKey.fromBytes(Buffer.alloc(32, 3));
const signersFile = JSON.stringify({
  signers: [
    { signerId: 'kernel-signer', publicKey: kernel.publicKey().toBase64() },
    { signerId: 'security-officer', publicKey: officer.publicKey().toBase64() },
  ],
});
const at = (i) => `2026-03-01T12:00:${String(i).padStart(2, '0')}Z`;

/** Ten envelopes and ten rows (of `profile`), one per second from 12:00:01. */
function batch(profile) {
  const envelopes = [];
  for (let i = 1; i <= 10; i++) {
    const e = t.Envelope.create('manifest.signed', { n: i });
    e.sign(kernel, 'kernel-signer');
    envelopes.push({ envelope: e, at: at(i) });
  }
  const w = t.ChainWriter.create('kernel-signer', kernel.publicKey(), { profile });
  const rows = [];
  for (let i = 1; i <= 10; i++) {
    rows.push(w.append({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ts: at(i), eventType: 't', actor: profile === 'kernel/v1' ? '' : 'a', payload: { n: i } }, kernel));
  }
  return [...envelopes, ...rows.map((row) => ({ row }))];
}

test('a revocation followed by a replay reports exactly the items signed after it', () => {
  const old = t.SignerRegistry.fromJson(signersFile);
  const before = old.toJson();
  const r = t.revokeSigner(old, 'kernel-signer', '2026-03-01T12:00:05Z', 'key compromise', 'security-officer', officer);
  assert.equal(old.toJson(), before, 'the registry given is not changed');
  assert.deepEqual(r.revocation, { signer: 'kernel-signer', revokedAt: '2026-03-01T12:00:05Z', reason: 'key compromise' });
  assert.ok(r.signersFile.includes('"revokedAt":"2026-03-01T12:00:05Z"'));
  assert.equal(r.registry.toJson(), r.signersFile);
  assert.equal(r.record.kind, t.REVOCATION_KIND);
  // The published record verifies and applies elsewhere (a fresh copy of
  // the old file), to the same signers file.
  const record = t.Envelope.fromJson(r.record.toJson());
  const elsewhere = t.SignerRegistry.fromJson(signersFile);
  assert.deepEqual(elsewhere.verifyRevocation(record), r.revocation);
  assert.deepEqual(elsewhere.applyRevocation(record), r.revocation);
  assert.equal(elsewhere.toJson(), r.signersFile);

  for (const profile of ['trustcore/v1', 'kernel/v1', 'row-digest/v1', 'payload-sig/v1']) {
    const items = batch(profile);
    const report = t.recheck(items, old, r.registry, { profile });
    const nowInvalid = report.items.filter((i) => i.status === 'now_invalid').map((i) => i.index);
    assert.deepEqual(nowInvalid, [4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18, 19], profile);
    assert.ok(report.items.filter((i) => i.status === 'now_invalid').every((i) => i.after === 'signer_revoked' && i.before === undefined));
    assert.equal(report.stillValid, 8);
    assert.equal(report.nowInvalid, 12);
    assert.equal(report.wasInvalid + report.nowValid, 0);
    assert.deepEqual(report.items.slice(0, 2).map((i) => [i.item, i.name]), [['envelope', 'manifest.signed'], ['envelope', 'manifest.signed']]);
    assert.deepEqual(report.items[10].item, 'row');
    assert.equal(report.items[10].name, '00000000-0000-4000-8000-000000000001');
  }
});

test('a revocation signed only by the revoked key is refused: a thief cannot end honest history', () => {
  const reg = t.SignerRegistry.fromJson(signersFile);
  assertCode(() => t.revokeSigner(reg, 'kernel-signer', '2026-03-01T12:00:05Z', 'key compromise', 'kernel-signer', kernel), 'invalid_revocation', { name: 'RegistryError' });
  const selfish = t.Envelope.fromText(t.REVOCATION_KIND, t.revocationPayload('kernel-signer', '2026-03-01T12:00:05Z', 'key compromise'));
  selfish.sign(kernel, 'kernel-signer');
  assertCode(() => reg.applyRevocation(selfish), 'invalid_revocation');
  // An unregistered authority's key, or an unknown signer.
  assertCode(() => t.revokeSigner(reg, 'kernel-signer', '2026-03-01T12:00:05Z', 'x', 'security-officer', thief), 'invalid_revocation');
  assertCode(() => t.revokeSigner(reg, 'nobody', '2026-03-01T12:00:05Z', 'x', 'security-officer', officer), 'unknown_signer');
  assertCode(() => t.revokeSigner(reg, 'kernel-signer', '2026-03-01 12:00:05', 'x', 'security-officer', officer), 'invalid_timestamp', { name: 'TimestampError' });
  assertCode(() => t.revokeSigner(reg, 'kernel-signer', '2026-03-01T12:00:05Z', '', 'security-officer', officer), 'invalid_revocation');
  assert.equal(reg.toJson(), t.SignerRegistry.fromJson(signersFile).toJson(), 'nothing changed');
});

test('revokeSignerWith: the authority signs through an async KMS-like function, failing closed', async () => {
  const reg = t.SignerRegistry.fromJson(signersFile);
  let asked = null;
  const r = await t.revokeSignerWith(reg, 'kernel-signer', new Date('2026-03-01T12:00:05Z'), 'key compromise', 'security-officer', officer.publicKey(), async (message) => {
    asked = Buffer.from(message);
    return officer.sign(message);
  });
  assert.equal(r.revocation.revokedAt, '2026-03-01T12:00:05Z');
  assert.deepEqual(asked, r.record.signingInputOf(0), 'the signer got exactly the signing input');
  assert.equal(t.recheck(batch('trustcore/v1'), reg, r.registry).nowInvalid, 12);
  // A wrong answer, a failing KMS, an answer that is not bytes: nothing.
  const wrong = await t.revokeSignerWith(reg, 'kernel-signer', '2026-03-01T12:00:05Z', 'x', 'security-officer', officer.publicKey(), async (m) => thief.sign(m)).catch((e) => e);
  assert.equal(wrong.code, 'remote_signature_invalid');
  const down = await t.revokeSignerWith(reg, 'kernel-signer', '2026-03-01T12:00:05Z', 'x', 'security-officer', officer.publicKey(), () => Promise.reject(new Error('kms down'))).catch((e) => e);
  assert.equal(down.code, 'remote_signer_failed');
  const notBytes = await t.revokeSignerWith(reg, 'kernel-signer', '2026-03-01T12:00:05Z', 'x', 'security-officer', officer.publicKey(), async () => 'sig').catch((e) => e);
  assert.equal(notBytes.code, 'invalid_argument');
  // The record verifies under the officer's key but the officer is not
  // who it claims to be: the core refuses it when applying.
  const impostor = await t.revokeSignerWith(reg, 'kernel-signer', '2026-03-01T12:00:05Z', 'x', 'kernel-signer', kernel.publicKey(), async (m) => kernel.sign(m)).catch((e) => e);
  assert.equal(impostor.code, 'invalid_revocation');
});

test('SignerRegistry.revoke moves revocation earlier, never later; recheck says was_invalid and now_valid too', () => {
  const reg = t.SignerRegistry.fromJson(signersFile);
  const copy = reg.clone();
  assert.deepEqual(copy.revoke('kernel-signer', '2026-03-01T12:00:05Z', 'key compromise').revokedAt, '2026-03-01T12:00:05Z');
  assert.equal(copy.revoke('kernel-signer', '2026-03-01T12:00:08Z', 'again').revokedAt, '2026-03-01T12:00:05Z');
  assert.equal(copy.revoke('kernel-signer', '2026-03-01T12:00:03Z', 'earlier').revokedAt, '2026-03-01T12:00:03Z');
  assert.equal(reg.get('kernel-signer').revokedAt, undefined, 'clone() is a copy');
  // Old and new swapped: the items become valid again.
  const report = t.recheck(batch('trustcore/v1'), copy, reg);
  assert.equal(report.nowValid, 16);
  assert.equal(report.stillValid, 4);
  const twice = t.recheck(batch('trustcore/v1'), copy, copy);
  assert.equal(twice.wasInvalid, 16);
  assert.ok(twice.items.filter((i) => i.status === 'was_invalid').every((i) => i.before === 'signer_revoked' && i.after === 'signer_revoked'));
  // An unreadable row has no name, and items of another shape are refused.
  const junk = t.recheck([{ row: '{"x":1}' }], reg, reg);
  assert.deepEqual([junk.items[0].status, junk.items[0].name, junk.items[0].before], ['was_invalid', undefined, 'malformed_row']);
  assertCode(() => t.recheck([{ envelope: {}, at: '2026-03-01T00:00:00Z' }], reg, reg), 'invalid_argument');
  assertCode(() => t.recheck([42], reg, reg), 'invalid_argument');
  assertCode(() => t.recheck([{ envelope: t.Envelope.create('k', 1), at: 'yesterday' }], reg, reg), 'invalid_timestamp');
});
