// Chain profiles (#10): every case of test-vectors/profiles.json (chains
// under each profile with the expected report, inference from sample rows,
// refused documents), in the full module and the verify module; the
// `profile` option of the one-row calls; revocation and compromise replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api as t, loadVectors, loadVerify } from './load.mjs';
import { signer, signersFile, writeChain, eventBody } from './signer.mjs';

const v = loadVectors('profiles.json');
const docs = Object.fromEntries(v.profiles.map((p) => [p.name, p]));

/** camelCase members as the vectors spell them (snake_case), messages dropped. */
function snake(value) {
  if (Array.isArray(value)) return value.map(snake);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'message').map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(x)]));
  }
  return value;
}

for (const [name, api] of [['full', t], ['verify', await loadVerify()]]) {
  test(`${name} module: every profiles.json chain case gives the expected report`, () => {
    const registry = api.SignerRegistry.fromJson(v.registry);
    assert.ok(v.cases.length >= 150);
    for (const c of v.cases) {
      const options = { ...(c.options ?? {}), profile: docs[c.profile] };
      const got = api.verifyJsonl(c.jsonl, registry, options);
      for (const b of got.breaks) assert.ok(b.message.length > 0, `${c.id}: a break without a message`);
      // break_counts keys are reason codes: leave them as they are.
      const norm = snake({ ...got, breakCounts: undefined });
      delete norm.break_counts;
      const want = { ...c.expected };
      const wantCounts = want.break_counts;
      delete want.break_counts;
      assert.deepEqual(norm, snake(want), c.id);
      assert.deepEqual(got.breakCounts, wantCounts, `${c.id}: breakCounts`);
      // Streamed in small chunks, by name for a built-in: the same report.
      const s = api.ChainVerifier.create(registry, { ...(c.options ?? {}), profile: v.profiles.slice(0, 4).some((p) => p.name === c.profile) ? c.profile : docs[c.profile] });
      for (let i = 0; i < c.jsonl.length; i += 61) s.feed(c.jsonl.slice(i, i + 61));
      assert.deepEqual(s.finish(), got, `${c.id}: streamed`);
    }
  });

  test(`${name} module: builtinProfiles and loadProfile (documents, names, refusals)`, () => {
    assert.deepEqual(api.builtinProfiles(), ['trustcore/v1', 'kernel/v1', 'row-digest/v1', 'payload-sig/v1']);
    for (const n of api.builtinProfiles()) {
      const p = api.loadProfile(n);
      assert.equal(p.name, n);
      assert.deepEqual(p.document, docs[n], n);
      assert.match(p.digest, /^sha256:[0-9a-f]{64}$/);
      assert.ok(Array.isArray(p.coverage.hashed) && Array.isArray(p.coverage.unsigned));
      assert.deepEqual(api.loadProfile(p.document).digest, p.digest);
      assert.deepEqual(api.loadProfile(JSON.stringify(p.document)).digest, p.digest);
    }
    assert.throws(() => api.loadProfile('nope/v9'), (e) => e.name === 'ProfileError' && e.code === 'unknown_profile');
    assert.ok(v.documents.length >= 12);
    for (const c of v.documents) {
      const run = (x) => {
        try {
          return { loaded: api.loadProfile(x).name };
        } catch (e) {
          assert.equal(e.name, e.code === 'invalid_profile' || e.code === 'unsupported_profile_version' || e.code === 'unknown_profile' ? 'ProfileError' : e.name);
          return { code: e.code, path: e.path ?? null };
        }
      };
      // A document that is a string is a name (the vectors' string cases
      // are documents), so those go in as JSON text.
      const asText = new TextEncoder().encode(JSON.stringify(c.document));
      assert.deepEqual(run(asText), c.expected, `${c.id} (text)`);
      if (c.document !== null && typeof c.document === 'object') assert.deepEqual(run(c.document), c.expected, `${c.id} (object)`);
    }
  });

  test(`${name} module: the profile option of verifyRow and verifyEventInCheckpoint's options`, () => {
    const registry = api.SignerRegistry.fromJson(v.registry);
    for (const n of ['kernel/v1', 'row-digest/v1', 'payload-sig/v1']) {
      const c = v.cases.find((x) => x.profile === n && x.expected.valid && !x.options);
      const row = c.jsonl.split('\n')[1];
      const ok = api.verifyRow(row, registry, { profile: n });
      assert.equal(ok.valid, true, n);
      assert.deepEqual(ok.event, JSON.parse(row));
      assert.equal(api.verifyRow(row, registry, { profile: docs[n] }).valid, true);
      assert.equal(api.verifyRow(row, registry).valid, false, `${n} row under trustcore/v1`);
    }
    assert.throws(() => api.verifyRow('{}', registry, { profile: 'kernel/v1', hashAlg: 'blake3' }), (e) => e.name === 'OptionsError' && e.code === 'invalid_option');
    assert.throws(() => api.verifyRow('{}', registry, { profiles: 'kernel/v1' }), (e) => e.name === 'OptionsError' && e.code === 'unknown_option');
    assert.throws(() => api.verifyRow('{}', registry, { profile: 'kernel/v2' }), (e) => e.name === 'ProfileError' && e.code === 'unknown_profile');
    assert.throws(() => api.verifyEventInCheckpoint('{}', 0, [], 'x', [], registry, { profile: 7 }), (e) => e.name === 'ProfileError' && e.code === 'invalid_profile');
  });
}

test('replay and inferProfile under profiles (full module)', () => {
  const registry = t.SignerRegistry.fromJson(v.registry);
  for (const n of ['kernel/v1', 'payload-sig/v1']) {
    const c = v.cases.find((x) => x.profile === n && x.expected.valid && !x.options);
    const lines = c.jsonl.split('\n').filter((l) => l);
    const r = t.replay([...lines].reverse(), null, { profile: n });
    assert.deepEqual(r.events, lines.map((l) => JSON.parse(l)), n);
    assert.deepEqual(r.forks, []);
  }
  assert.ok(v.inference.length >= 12);
  for (const c of v.inference) {
    const reg = t.SignerRegistry.fromJson(c.registry ?? v.registry);
    const inf = t.inferProfile(c.rows, reg);
    assert.deepEqual(inf.matches.map((m) => m.name).sort(), c.expected.matches, c.id);
    assert.equal(inf.ambiguous, c.expected.ambiguous, c.id);
    assert.equal(inf.rows, c.rows.length);
    if (c.expected.note) assert.ok(inf.notes.includes(c.expected.note), `${c.id}: note`);
    if (c.expected.explanation) {
      const e = c.expected.explanation;
      const a = inf.attempts.find((x) => x.hashInput === e.hashInput && x.hashAlg === e.hashAlgorithm);
      assert.equal(a.hashesMatched, e.hashesMatched, c.id);
      assert.equal(Math.max(0, ...Object.values(a.signaturesVerified)), e.signaturesVerified, c.id);
    }
  }
  assert.throws(() => t.inferProfile([], registry), (e) => e.name === 'ProfileError' && e.code === 'invalid_sample');
});

test('revocation records and compromise replay (recheck)', () => {
  const kernel = signer(11);
  const authority = signer(12);
  const file = signersFile({
    'kernel-signer': { key: kernel, validFrom: '2026-01-01T00:00:00Z' },
    'security-officer': { key: authority, validFrom: '2026-01-01T00:00:00Z' },
  });
  const before = t.SignerRegistry.fromJson(file);
  const lines = writeChain(t, {
    signerId: 'kernel-signer',
    key: kernel,
    count: 6,
    body: (i) => eventBody(i, { ts: `2026-03-0${i}T12:00:00Z` }),
  });
  // A revocation record: an envelope the authority signs (remote signing
  // through prepare/attach).
  const revoke = (by, key, at) => {
    const env = t.Envelope.fromText('trustcore.signer-revocation', JSON.stringify({ signer: 'kernel-signer', revokedAt: at, reason: 'key compromise' }));
    env.attach(by, key.sign(env.prepare(by).message), t.PublicKey.fromBytes(key.publicKeyRaw));
    return env;
  };
  const record = revoke('security-officer', authority, '2026-03-04T00:00:00Z');
  assert.deepEqual(before.verifyRevocation(record), { signer: 'kernel-signer', revokedAt: '2026-03-04T00:00:00Z', reason: 'key compromise' });
  // The revoked key alone cannot revoke itself (back-dating honest history).
  assert.throws(() => before.verifyRevocation(revoke('kernel-signer', kernel, '2026-03-04T00:00:00Z')), (e) => e.name === 'RegistryError' && e.code === 'invalid_revocation');
  const after = before.clone();
  assert.equal(after.applyRevocation(record).signer, 'kernel-signer');
  assert.equal(after.get('kernel-signer').revokedAt, '2026-03-04T00:00:00Z');
  assert.equal(before.get('kernel-signer').revokedAt, undefined);
  const env = t.Envelope.fromText('upgrade.applied', '{"v":1}');
  env.attach('kernel-signer', kernel.sign(env.prepare('kernel-signer').message), t.PublicKey.fromBytes(kernel.publicKeyRaw));
  const report = t.recheck(before, after, [...lines, { envelope: env.toJson(), at: '2026-03-05T00:00:00Z' }, { envelope: JSON.parse(env.toJson()), at: new Date('2026-03-01T00:00:00Z') }]);
  assert.deepEqual(report.items.map((i) => i.status), ['still_valid', 'still_valid', 'still_valid', 'now_invalid', 'now_invalid', 'now_invalid', 'now_invalid', 'still_valid']);
  assert.equal(report.items[3].after, 'signer_revoked');
  assert.equal(report.items[3].name, JSON.parse(lines[3]).id);
  assert.equal(report.items[6].item, 'envelope');
  assert.deepEqual([report.stillValid, report.nowInvalid, report.wasInvalid, report.nowValid], [4, 4, 0, 0]);
  // The chain verifier sees the revocation too.
  const broken = t.verifyJsonl(lines.join('\n'), after);
  assert.deepEqual(broken.breakCounts, { signer_revoked: 3 });
  // revokeSigner: an earlier revocation stays.
  const r2 = after.clone();
  assert.equal(r2.revokeSigner('kernel-signer', '2026-03-06T00:00:00Z', 'later').revokedAt, '2026-03-04T00:00:00Z');
  assert.throws(() => r2.revokeSigner('nobody', '2026-03-06T00:00:00Z', 'x'), (e) => e.code === 'unknown_signer');
  assert.throws(() => r2.revokeSigner('kernel-signer', 'yesterday', 'x'), (e) => e.name === 'TimestampError');
});
