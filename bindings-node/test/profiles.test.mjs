// Chain profiles through every chain call (#10): writers in each built-in
// profile's own columns (local key, prepare + attach, async signer), and
// the rows they write verified by verifyJsonl(Async), verifyFile,
// ChainVerifier (resumed too), verifyRow, replay and
// verifyEventInCheckpoint under the same profile; loadProfile's refusals
// with code and path; the options rules; SPKI DER keys in a signers file;
// enforcePolicyOrThrow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustcore as t, assertCode, loadVectors } from './helpers.mjs';

const key = t.SecretKey.fromBytes(Buffer.alloc(32, 21));
const other = t.SecretKey.fromBytes(Buffer.alloc(32, 22));
const signers = { signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64() }] };
const registry = t.SignerRegistry.fromJson(JSON.stringify(signers));
const dir = mkdtempSync(join(tmpdir(), 'trustcore-profile-api-'));
const builtins = t.builtinProfiles();

/** A body in the profile's own columns (the document says which). */
function body(doc, i) {
  const c = doc.columns;
  const b = {
    [c.id]: `6f1c2a4e-0000-4000-8000-${String(i).padStart(12, '0')}`,
    [c.ts]: `2026-03-01T12:00:${String(i).padStart(2, '0')}Z`,
    [c.payload]: { n: i, note: `row ${i}` },
  };
  if (c.eventType) b[c.eventType] = 'manifest.signed';
  if (c.actor) b[c.actor] = 'svc:kernel-api';
  return b;
}

/** Six rows of a profile: local key, prepare + attach, async signer. */
async function write(name) {
  const doc = builtins[name];
  const w = t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: name });
  assert.equal(w.profile.name, name);
  const rows = [w.appendRow(body(doc, 1), key), w.appendRow(body(doc, 2), key)];
  const p = w.prepareRow(body(doc, 3));
  assert.equal(p.event[doc.columns.signature], undefined, 'a prepared row has no signature');
  assert.ok(p.event[doc.columns.hash], 'a prepared row has its hash');
  rows.push(w.attach(p, key.sign(p.message)));
  rows.push(await w.appendRowWith(body(doc, 4), async (m) => key.sign(m)));
  rows.push(await w.appendRowWith(body(doc, 5), (m) => key.sign(m)));
  rows.push(w.appendRow(body(doc, 6), key));
  return { rows, head: w.head };
}

for (const name of Object.keys(builtins)) {
  test(`${name}: written in its own columns, verified by every chain call`, async () => {
    const doc = builtins[name];
    const { rows, head } = await write(name);
    for (const r of rows) {
      assert.deepEqual(Object.keys(JSON.parse(r)).sort(), Object.values(doc.columns).filter((c) => c !== null).sort());
    }
    const text = rows.join('\n') + '\n';
    const opts = { profile: name, expectedHead: head };
    const report = t.verifyJsonl(text, registry, opts);
    assert.equal(report.valid, true, JSON.stringify(report.breaks));
    assert.equal(report.count, 6);
    assert.deepEqual(t.verifyJsonl(text, registry, { profile: doc }), { ...report, head: report.head }, 'by document');
    assert.deepEqual(await t.verifyJsonlAsync(Buffer.from(text), registry, opts), report);
    const file = join(dir, `${name.replace('/', '_')}.jsonl`);
    writeFileSync(file, text);
    assert.deepEqual(t.verifyFile(file, registry, { ...opts, chunkSize: 13 }), report);

    // Resumed half way under the same profile.
    const v = t.ChainVerifier.create(registry, opts);
    for (const r of rows.slice(0, 3)) v.feedRow(r);
    const state = v.state();
    const resumed = t.ChainVerifier.resume(registry, JSON.stringify(state), opts);
    for (const r of rows.slice(3)) resumed.feedRow(JSON.parse(r));
    const after = resumed.finish();
    assert.equal(after.valid, true);
    assert.deepEqual(after.head, report.head);
    assert.deepEqual(after.merkle, report.merkle);

    // Under another profile the same rows do not read.
    const wrong = name === 'trustcore/v1' ? 'kernel/v1' : 'trustcore/v1';
    assert.equal(t.verifyJsonl(text, registry, { profile: wrong }).breakCounts.malformed_row, 6);

    // One row on its own.
    const ok = t.verifyRow(rows[2], registry, { profile: name });
    assert.equal(ok.valid, true);
    assert.deepEqual(ok.row, JSON.parse(rows[2]));
    assert.deepEqual(t.verifyRow(JSON.parse(rows[2]), registry, { profile: doc }), ok);
    const edited = JSON.parse(rows[2]);
    edited[doc.columns.payload] = { n: 99 };
    const bad = t.verifyRow(edited, registry, { profile: name });
    // payload-sig/v1 signs the payload's digest: an edited payload is a
    // hash mismatch everywhere.
    assert.deepEqual([bad.valid, bad.reason], [false, 'hash_mismatch']);
    assert.ok(bad.message.length > 0);
    const foreign = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: other.publicKey().toBase64() }] }));
    assert.equal(t.verifyRow(rows[2], foreign, { profile: name }).reason, 'invalid_signature');

    // Replay puts shuffled rows back in chain order.
    const shuffled = [rows[4], rows[0], rows[5], rows[2], rows[1], rows[3]];
    const replayed = t.replay(shuffled, null, { profile: name });
    assert.deepEqual(replayed.events.map((e) => t.canonicalize(e).toString()), rows);
    assert.deepEqual([replayed.forks, replayed.orphans, replayed.malformed], [[], [], []]);
    assert.equal(t.replay(shuffled).malformed.length, name === 'trustcore/v1' ? 0 : 6, 'the default profile reads other rows as malformed');

    // One event against a signed checkpoint, under the profile: the tree
    // is over the decoded hash column (hex in the report's merkle root).
    const tree = t.MerkleTree.fromLeafData(t.replay(rows, null, { profile: name }).events.map((e) => hashBytes(doc, e[doc.columns.hash])));
    assert.equal(tree.root().toString('hex'), report.merkle.root);
    const cp = t.Checkpoint.create('audit.example/log', 6, tree.root());
    const vkey = t.VerifierKey.create('audit.example/log', key.publicKey());
    const note = cp.sign([{ name: 'audit.example/log', secretKey: key }]);
    const inc = t.verifyEventInCheckpoint(rows[3], 3, tree.inclusionProof(3, 6), note, [vkey], registry, { profile: name });
    assert.equal(inc.valid, true, JSON.stringify(inc));
    assert.deepEqual(inc.event, JSON.parse(rows[3]));
    const wrongLeaf = t.verifyEventInCheckpoint(rows[3], 2, tree.inclusionProof(3, 6), note, [vkey], registry, { profile: name });
    assert.deepEqual([wrongLeaf.valid, wrongLeaf.stage], [false, 'inclusion']);
  });
}

/** The 32 bytes a profile's hash column spells. */
function hashBytes(doc, text) {
  switch (doc.hash.encoding) {
    case 'hex': return Buffer.from(text, 'hex');
    case 'base64': return Buffer.from(text, 'base64');
    case 'prefixed': return Buffer.from(text.split(':')[1], 'hex');
    default: throw new Error(doc.hash.encoding);
  }
}

test('a writer with an EventBody writes the profile\'s columns (kernel/v1 has no actor: it must be empty)', () => {
  const w = t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: 'kernel/v1' });
  const row = JSON.parse(w.append({ id: '6f1c2a4e-0000-4000-8000-000000000001', ts: '2026-03-01T12:00:01.5Z', eventType: 'x', actor: '', payload: null }, key));
  assert.equal(row.created_at, '2026-03-01 12:00:01.5+00', 'PostgreSQL timestamptz text');
  assert.equal(w.head.ts, '2026-03-01T12:00:01.5Z');
  assertCode(() => w.append({ id: '6f1c2a4e-0000-4000-8000-000000000002', ts: '2026-03-01T12:00:02Z', eventType: 'x', actor: 'someone', payload: 1 }, key), 'invalid_event', { name: 'ChainError' });
});

test('a row body that lacks or adds a column is invalid_event naming it; the head does not move', async () => {
  const doc = builtins['row-digest/v1'];
  const w = t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: 'row-digest/v1' });
  const b = body(doc, 1);
  delete b.actor;
  assert.match(assertCode(() => w.appendRow(b, key), 'invalid_event').message, /actor/);
  assert.match(assertCode(() => w.prepareRow({ ...body(doc, 1), extra: 1 }), 'invalid_event').message, /extra/);
  assertCode(() => w.appendRow('not a body', key), 'invalid_argument');
  assertCode(() => w.appendRow([1], key), 'invalid_argument');
  // A remote signer whose answer does not verify: nothing is appended.
  const err = await w.appendRowWith(body(doc, 1), async (m) => other.sign(m)).catch((e) => e);
  assert.equal(err.code, 'remote_signature_invalid');
  const thrown = await w.appendRowWith(body(doc, 1), async () => { throw new Error('kms down'); }).catch((e) => e);
  assert.equal(thrown.code, 'remote_signer_failed');
  assert.equal(thrown.cause.message, 'kms down');
  assert.equal(w.head.seq, 0);
});

test('profile options are read by the core', () => {
  assertCode(() => t.verifyJsonl('', registry, { profile: 'kernel/v2' }), 'unknown_profile', { name: 'ProfileError' });
  assertCode(() => t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: 'nope' }), 'unknown_profile');
  // A profile carries its digest: hashAlg may repeat it, never contradict it.
  assertCode(() => t.verifyJsonl('', registry, { profile: 'kernel/v1', hashAlg: 'blake3' }), 'invalid_option', { name: 'OptionsError' });
  assert.equal(t.verifyJsonl('', registry, { profile: 'kernel/v1', hashAlg: 'sha256' }).valid, true);
  assertCode(() => t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: 'kernel/v1', hashAlg: 'blake3' }), 'invalid_option');
  // Calls that only take the chain format refuse anything else.
  for (const call of [
    (o) => t.replay([], null, o),
    (o) => t.verifyRow('{}', registry, o),
    (o) => t.recheck([], registry, registry, o),
    (o) => t.verifyEventInCheckpoint('{}', 0, [], 'x', [], registry, o),
  ]) {
    assert.match(assertCode(() => call({ profil: 'kernel/v1' }), 'unknown_option', { name: 'OptionsError' }).message, /profile/);
    assertCode(() => call({ stopAtFirst: true }), 'unknown_option');
    assertCode(() => call({ profile: 'kernel/v1', hashAlg: 'blake3' }), 'invalid_option');
    assertCode(() => call({ profile: 7 }), 'invalid_profile', { name: 'ProfileError' });
  }
  // A state saved under one profile does not resume under another.
  const v = t.ChainVerifier.create(registry, { profile: 'kernel/v1' });
  assertCode(() => t.ChainVerifier.resume(registry, v.state(), { profile: 'row-digest/v1' }), 'invalid_state', { name: 'ChainError' });
});

test('loadProfile: every problem has its code and JSON Pointer; names are documents\' business', () => {
  const base = builtins['kernel/v1'];
  const e1 = assertCode(() => t.loadProfile({ ...base, columns: { ...base.columns, hash: 'prev_hash' } }), 'invalid_profile', { name: 'ProfileError' });
  assert.match(e1.path, /^\/columns\//);
  assertCode(() => t.loadProfile({ ...base, hash: { ...base.hash, encoding: 'base32' } }), 'invalid_profile', { path: '/hash/encoding' });
  assertCode(() => t.loadProfile({ ...base, type: 'trustcore.chain-profile/v9' }), 'unsupported_profile_version', { path: '/type' });
  assertCode(() => t.loadProfile({ ...base, owner: 'x' }), 'invalid_profile', { path: '/owner' });
  assertCode(() => t.loadProfile('{"type": 1, "type": 2}'), 'duplicate_key', { name: 'CanonicalJsonError' });
  assertCode(() => t.loadProfile('kernel/v1'), 'syntax', { name: 'CanonicalJsonError' }, 'a string is JSON text; names go in options');
  assertCode(() => t.loadProfile(42), 'invalid_profile');
  assert.equal(t.profileDigest('kernel/v1'), t.profileDigest(base));
  assert.match(t.profileDigest('trustcore/v1'), /^sha256:[0-9a-f]{64}$/);
  const cov = t.profileCoverage('payload-sig/v1');
  assert.ok(cov.unsigned.includes('prev') && cov.unsigned.includes('ts'), JSON.stringify(cov));
  assert.deepEqual(t.profileCoverage('trustcore/v1').unsigned, []);
});

test('a signers file may hold base64 SPKI DER keys (what KMS GetPublicKey returns), with the same hygiene', async () => {
  const der = key.publicKey().toDer();
  const reg = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: der.toString('base64') }] }));
  assert.ok(reg.keyFor('kernel-signer', '2026-03-01T00:00:00Z').equals(key.publicKey()));
  assert.ok(reg.toJson().includes(der.toString('base64')), 'written back as given');
  const { rows } = await write('kernel/v1');
  assert.equal(t.verifyJsonl(rows.join('\n'), reg, { profile: 'kernel/v1' }).valid, true);
  const weak = Buffer.from(der);
  weak.fill(0, weak.length - 32);
  weak[weak.length - 32] = 1;
  assertCode(() => t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'k', publicKey: weak.toString('base64') }] })), 'invalid_public_key', { name: 'RegistryError' });
});

test('enforcePolicyOrThrow is enforceOrThrow, under the Kernel\'s name, and both are documented', () => {
  assert.equal(t.enforcePolicyOrThrow, t.enforceOrThrow);
  const set = t.PolicySet.fromObject(loadVectors('policy.json').policySets.kernel);
  const denied = { action: 'POST /kernel/allocate', subject: { id: 'u', roles: [] }, body: { amount: 1 } };
  assert.throws(() => t.enforcePolicyOrThrow(set, denied), (e) => e instanceof t.PolicyDeniedError && e.code === 'policy_denied');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');
  for (const text of [readme, dts]) {
    assert.match(text, /enforcePolicyOrThrow/);
    assert.match(text, /enforceOrThrow/);
  }
});
