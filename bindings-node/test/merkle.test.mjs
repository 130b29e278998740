// Merkle trees, proofs, the frontier and signed checkpoints: behaviour,
// sizes as numbers and bigints, errors, and the link with the audit chain.
// Vectors are in merkle-vectors.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { trustcore, assertCode } from './helpers.mjs';

const {
  leafHash, nodeHash, MerkleTree, Frontier, verifyInclusion, verifyConsistency,
  Checkpoint, VerifierKey, openCheckpoint, checkAgainstCheckpoint,
  SecretKey, SignerRegistry, ChainWriter, verifyJsonl,
} = trustcore;

const sha = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const events = Array.from({ length: 7 }, (_, i) => sha(Buffer.from(`event ${i}`)));

test('hashing follows RFC 6962 (checked with node:crypto)', () => {
  assert.deepEqual(leafHash(events[0]), sha(Buffer.from([0]), events[0]));
  assert.deepEqual(nodeHash(events[0], events[1]), sha(Buffer.from([1]), events[0], events[1]));
  const t = MerkleTree.fromLeafData(events.slice(0, 2));
  assert.deepEqual(t.root(), nodeHash(leafHash(events[0]), leafHash(events[1])));
  assert.deepEqual(new MerkleTree().root(), sha(Buffer.alloc(0)));
  assert.equal(t.size, 2);
  assert.deepEqual(t.leafHashes(), [leafHash(events[0]), leafHash(events[1])]);
});

test('proofs round-trip; failures have codes', () => {
  const t = new MerkleTree();
  for (const e of events) t.push(e);
  const root = t.root();
  for (let i = 0; i < events.length; i++) {
    const proof = t.inclusionProof(i, events.length);
    assert.equal(verifyInclusion(leafHash(events[i]), i, events.length, proof, root), true);
  }
  const proof = t.inclusionProof(2, 7);
  assertCode(() => verifyInclusion(leafHash(events[3]), 2, 7, proof, root), 'root_mismatch', { name: 'MerkleError' });
  assertCode(() => verifyInclusion(leafHash(events[2]), 7, 7, proof, root), 'index_out_of_range');
  assertCode(() => verifyInclusion(leafHash(events[2]), 2, 7, proof.slice(1), root), 'invalid_proof');
  const cproof = t.consistencyProof(3, 7);
  assert.equal(verifyConsistency(3, 7, t.rootAt(3), root, cproof), true);
  assert.equal(verifyConsistency(3n, 7n, t.rootAt(3n), root, cproof), true);
  assertCode(() => verifyConsistency(0, 7, t.rootAt(0), root, []), 'invalid_tree_size');
  assertCode(() => verifyConsistency(3, 7, t.rootAt(4), root, cproof), 'root_mismatch');
  assertCode(() => t.inclusionProof(0, 8), 'invalid_tree_size');
});

test('sizes: safe integers or bigints; anything else is a TypeError', () => {
  const t = MerkleTree.fromLeafData(events);
  const p = t.inclusionProof(1, 7);
  for (const bad of [-1, 1.5, 2 ** 53, NaN, '7', null, -1n, 2n ** 64n]) {
    assertCode(() => verifyInclusion(leafHash(events[1]), 1, bad, p, t.root()), 'invalid_argument');
  }
  // Beyond 2^63 - 1 (Go's int64) the core refuses with its own code.
  assertCode(() => verifyConsistency(1n, 2n ** 63n, t.root(), t.root(), []), 'invalid_tree_size');
  assertCode(() => verifyInclusion(Buffer.alloc(31), 1, 7, p, t.root()), 'invalid_argument');
  assertCode(() => verifyInclusion(leafHash(events[1]), 1, 7, 'proof', t.root()), 'invalid_argument');
  assertCode(() => Checkpoint.create('log', 2n ** 63n, t.root()), 'malformed_tree_size', { name: 'MerkleError' });
});

test('the frontier streams the same root and resumes', () => {
  const f = new Frontier();
  for (const e of events.slice(0, 5)) f.push(leafHash(e));
  const resumed = Frontier.fromParts(f.size, f.hashes());
  for (const e of events.slice(5)) resumed.pushData(e);
  assert.deepEqual(resumed.root(), MerkleTree.fromLeafData(events).root());
  assert.ok(f.hashes().length <= 63);
  assertCode(() => Frontier.fromParts(5, []), 'invalid_proof', { name: 'MerkleError' });
});

test('checkpoints: sign with two keys, open with either, detect truncation', () => {
  const oldKey = SecretKey.fromBytes(Buffer.alloc(32, 1));
  const newKey = SecretKey.fromBytes(Buffer.alloc(32, 2));
  const origin = 'audit.example/chain/prod';
  const t = MerkleTree.fromLeafData(events);
  const cp = Checkpoint.create(origin, t.size, t.root());
  assert.equal(cp.toText(), `${origin}\n7\n${t.root().toString('base64')}\n`);
  const note = cp.sign([{ name: origin, secretKey: oldKey }, { name: origin, secretKey: newKey }]);
  const vOld = VerifierKey.create(origin, oldKey.publicKey());
  const vNew = VerifierKey.parse(VerifierKey.create(origin, newKey.publicKey()).toString());
  const o = openCheckpoint(note, [vOld]);
  assert.equal(o.checkpoint.size, 7);
  assert.deepEqual(o.signers, [vOld.toString()]);
  assert.deepEqual(o.unknown, [{ name: origin, keyHash: vNew.keyHash }]);
  assert.deepEqual(openCheckpoint(Buffer.from(note), [vOld, vNew]).signers, [vOld.toString(), vNew.toString()]);
  const witness = VerifierKey.create('witness', SecretKey.fromBytes(Buffer.alloc(32, 3)).publicKey());
  assertCode(() => openCheckpoint(note, [witness]), 'no_trusted_signature', { name: 'MerkleError' });
  assertCode(() => openCheckpoint(note.replace('\n7\n', '\n8\n'), [vOld]), 'invalid_signature');
  assertCode(() => openCheckpoint('x\uD800\n\n— a b\n', [vOld]), 'invalid_utf8', { offset: 1 });
  assertCode(() => VerifierKey.parse('nope'), 'invalid_verifier_key');
  // Against a chain's frontier.
  const f = new Frontier();
  for (const e of events.slice(0, 5)) f.pushData(e);
  assert.deepEqual(checkAgainstCheckpoint(o.checkpoint, f), { status: 'truncated', chainSize: 5, checkpointSize: 7 });
  for (const e of events.slice(5)) f.pushData(e);
  assert.equal(checkAgainstCheckpoint(o.checkpoint, f).status, 'consistent');
  f.pushData(events[0]);
  assert.equal(checkAgainstCheckpoint(o.checkpoint, f).status, 'needs_proof');
  const other = Checkpoint.create(origin, 7, Buffer.alloc(32));
  const h = new Frontier();
  for (const e of events) h.pushData(e);
  assert.equal(checkAgainstCheckpoint(other, h).status, 'root_mismatch');
  assert.equal(Checkpoint.create(origin, 1, t.root(), ['ext line']).extensions[0], 'ext line');
  assertCode(() => Checkpoint.create('', 1, t.root()), 'invalid_origin');
});

test('the chain verifier reports the tree head of its event hashes', () => {
  const key = SecretKey.fromBytes(Buffer.alloc(32, 9));
  const registry = SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 's', publicKey: key.publicKey().toBase64() }] }));
  const w = ChainWriter.create('s', key.publicKey());
  const rows = [1, 2, 3].map((i) => w.append({ id: `00000000-0000-4000-8000-00000000000${i}`, ts: '2026-03-01T00:00:00Z', eventType: 't', actor: 'a', payload: i }, key));
  const report = verifyJsonl(rows.join('\n'), registry);
  const t = MerkleTree.fromLeafData(rows.map((r) => Buffer.from(JSON.parse(r).hash, 'hex')));
  assert.deepEqual(report.merkle, { size: 3, root: t.root().toString('hex') });
  const cp = Checkpoint.create('log', report.merkle.size, Buffer.from(report.merkle.root, 'hex'));
  const ok = verifyJsonl(rows.join('\n'), registry, { checkpoint: { size: cp.size, root: cp.root.toString('hex') } });
  assert.equal(ok.valid, true);
  const cut = verifyJsonl(rows.slice(0, 2).join('\n'), registry, { checkpoint: { size: cp.size, root: cp.root.toString('hex') } });
  assert.deepEqual(cut.breaks.map((b) => b.reason), ['truncated']);
});

test('checkpoints: signWith a remote signer (KMS), rotation, fail closed', async () => {
  const oldKey = SecretKey.fromBytes(Buffer.alloc(32, 1));
  const newKey = SecretKey.fromBytes(Buffer.alloc(32, 2));
  const origin = 'audit.example/chain/prod';
  const t = MerkleTree.fromLeafData(events);
  const cp = Checkpoint.create(origin, t.size, t.root());
  const vOld = VerifierKey.create(origin, oldKey.publicKey());
  const vNew = VerifierKey.create(origin, newKey.publicKey());
  const seen = [];
  const note = await cp.signWith(vOld, async (message) => {
    seen.push(Buffer.from(message).toString());
    return oldKey.sign(message);
  });
  assert.deepEqual(seen, [cp.toText()]);
  assert.equal(note, cp.sign([{ name: origin, secretKey: oldKey }]));
  // Rotation: the new key adds its line to the note the old key signed.
  const both = await cp.signWith(vNew, (m) => newKey.sign(m), note);
  assert.equal(both, cp.sign([{ name: origin, secretKey: oldKey }, { name: origin, secretKey: newKey }]));
  assert.deepEqual(openCheckpoint(Buffer.from(both), [vOld, vNew]).signers, [vOld.toString(), vNew.toString()]);
  // Fail closed: a signature under another key, a short one, a failing signer.
  await assert.rejects(cp.signWith(vNew, (m) => oldKey.sign(m)), (e) => e.code === 'remote_signature_invalid' && e.name === 'MerkleError');
  await assert.rejects(cp.signWith(vNew, () => new Uint8Array(5)), (e) => e.code === 'remote_signature_invalid');
  const offline = new Error('hsm offline');
  await assert.rejects(cp.signWith(vNew, async () => { throw offline; }), (e) => e.code === 'remote_signer_failed' && e.cause === offline);
  await assert.rejects(cp.signWith(vNew, () => 'nope'), (e) => e instanceof TypeError);
  assertCode(() => cp.signWith(vNew, 'not a function'), 'invalid_argument');
  assertCode(() => cp.signWith('vkey', (m) => m), 'invalid_argument');
  assertCode(() => cp.signWith(vNew, (m) => m, 'not a note'), 'missing_signature_block', { name: 'MerkleError' });
  const otherNote = Checkpoint.create(origin, t.size, Buffer.alloc(32)).sign([{ name: origin, secretKey: oldKey }]);
  assertCode(() => cp.signWith(vNew, (m) => newKey.sign(m), otherNote), 'prepared_mismatch', { name: 'MerkleError' });
});

test('sizes beyond 2^53 - 1 come back as bigints and go back in as they are', () => {
  const sk = SecretKey.fromBytes(Buffer.alloc(32, 4));
  const max = 2n ** 63n - 1n;
  const note = Checkpoint.create('log', max, Buffer.alloc(32, 3)).sign([{ name: 'log', secretKey: sk }]);
  const opened = openCheckpoint(note, [VerifierKey.create('log', sk.publicKey())]);
  assert.equal(opened.checkpoint.size, max);
  assert.deepEqual(checkAgainstCheckpoint(opened.checkpoint, new Frontier()), { status: 'truncated', chainSize: 0, checkpointSize: max });
  assert.equal(Checkpoint.create('log', opened.checkpoint.size, Buffer.from(opened.checkpoint.root, 'hex')).size, max);
  assertCode(() => checkAgainstCheckpoint({ size: 1, root: 'zz', origin: 'log' }, new Frontier()), 'invalid_state', { name: 'ChainError' });
  assertCode(() => checkAgainstCheckpoint({ size: -1, root: 'ab'.repeat(32), origin: 'log' }, new Frontier()), 'invalid_argument');
  assertCode(() => checkAgainstCheckpoint('log', new Frontier()), 'invalid_argument');
});
