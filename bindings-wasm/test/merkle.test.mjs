// Merkle trees, proofs, checkpoints and verifier keys through the Node
// build (pkg-node): every case of test-vectors/merkle.json and
// test-vectors/checkpoint.json, and the binding's argument handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, loadVectors } from './load.mjs';
import { checkpointChecks, merkleChecks } from './chain-cases.mjs';

const { leafHash, nodeHash, verifyInclusion, verifyConsistency, MerkleTree, VerifierKey, PublicKey, openCheckpoint } = api;
const merkle = loadVectors('merkle.json');
const checkpoint = loadVectors('checkpoint.json');

for (const { id, run } of [...merkleChecks(api, merkle), ...checkpointChecks(api, checkpoint)]) test(id, run);

test('merkle.json and checkpoint.json: every case was run', () => {
  const ids = merkleChecks(api, merkle).map((c) => c.id);
  assert.equal(ids.filter((i) => i.startsWith('merkle inclusion ')).length, merkle.inclusion.length);
  assert.equal(ids.filter((i) => i.startsWith('merkle consistency ')).length, merkle.consistency.length);
  assert.ok(merkle.inclusion.length > 150 && merkle.consistency.length > 50);
  const cp = checkpointChecks(api, checkpoint).map((c) => c.id);
  assert.equal(cp.length, checkpoint.keys.length + checkpoint.cases.length + checkpoint.verifier_keys.length);
});

test('nodeHash and the tree agree', () => {
  const t = MerkleTree.fromLeafData(merkle.leaves.slice(0, 2));
  const [a, b] = t.leafHashes();
  assert.deepEqual(nodeHash(a, b), t.root());
  const grown = new MerkleTree();
  grown.push(merkle.leaves[0]);
  grown.push(Uint8Array.from(Buffer.from(merkle.leaves[1], 'hex')));
  assert.deepEqual(grown.root(), t.root());
  assert.equal(grown.size, 2);
});

test('hash, size and proof arguments are checked', () => {
  const h = '00'.repeat(32);
  const bad = { name: 'TypeError', code: 'invalid_argument' };
  assert.throws(() => verifyInclusion(h.slice(2), 0, 1, [], h), bad);
  assert.throws(() => verifyInclusion(h.toUpperCase().replace(/0/g, 'A'), 0, 1, [], h), bad);
  assert.throws(() => verifyInclusion(new Uint8Array(31), 0, 1, [], h), bad);
  assert.throws(() => verifyInclusion(h, -1, 1, [], h), bad);
  assert.throws(() => verifyInclusion(h, 0.5, 1, [], h), bad);
  assert.throws(() => verifyInclusion(h, 0, 2 ** 53, [], h), bad);
  assert.throws(() => verifyInclusion(h, 0, -1n, [], h), bad);
  assert.throws(() => verifyInclusion(h, 0, 2n ** 64n, [], h), bad);
  assert.throws(() => verifyInclusion(h, 0, 1, h, h), bad);
  assert.throws(() => verifyInclusion(h, 0, 1, [1], h), bad);
  assert.throws(() => leafHash('xyz'), bad);
  // Beyond 2^63 - 1 the core answers.
  assert.throws(() => verifyConsistency(1n, 2n ** 63n, h, h, []), { name: 'MerkleError', code: 'invalid_tree_size' });
  // The one-leaf tree: the root is the leaf hash, the proof is empty.
  assert.equal(verifyInclusion(leafHash(h), 0n, 1n, [], leafHash(h)), true);
});

test('openCheckpoint arguments', () => {
  const c = checkpoint.cases.find((x) => x.expected);
  const bad = { name: 'TypeError', code: 'invalid_argument' };
  assert.throws(() => openCheckpoint(c.note, c.trusted[0]), bad);
  assert.throws(() => openCheckpoint(c.note, [{}]), bad);
  assert.throws(() => openCheckpoint(c.note, [42]), bad);
  assert.throws(() => openCheckpoint(42, c.trusted), bad);
  // A vkey given as text is parsed with its offsets.
  assert.throws(() => openCheckpoint(c.note, ['nope']), { name: 'MerkleError', code: 'invalid_verifier_key' });
  // A lone surrogate in the note is invalid UTF-8 at its byte offset.
  assert.throws(() => openCheckpoint(`\uD800${c.note}`, c.trusted), { name: 'MerkleError', code: 'invalid_utf8', offset: 0 });
  // Bytes work as text does.
  assert.equal(openCheckpoint(new TextEncoder().encode(c.note), c.trusted).checkpoint.size, c.expected.size);
});

test('VerifierKey', () => {
  const k = checkpoint.keys[0];
  const vk = VerifierKey.parse(k.vkey);
  assert.equal(vk.publicKey.toHex(), k.public_key);
  assert.ok(vk.publicKey instanceof PublicKey);
  assert.throws(() => VerifierKey.create('bad name', vk.publicKey), { name: 'MerkleError', code: 'invalid_key_name' });
  assert.throws(() => VerifierKey.create(k.name, {}), { code: 'invalid_argument' });
  // A small-order key is refused where keys are loaded for long-term use.
  const weak = PublicKey.fromHex('01' + '00'.repeat(31));
  assert.throws(() => VerifierKey.create(k.name, weak), { name: 'MerkleError', code: 'invalid_verifier_key' });
});
