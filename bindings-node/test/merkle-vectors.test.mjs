// test-vectors/merkle.json (leaf hashes, roots, inclusion and consistency
// proofs, mutated negatives) and test-vectors/checkpoint.json (signed
// notes, verifier keys), every case, run as core/tests/merkle_vectors.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore, loadVectors } from './helpers.mjs';

const { leafHash, MerkleTree, Frontier, verifyInclusion, verifyConsistency, Checkpoint, VerifierKey, openCheckpoint, SecretKey } = trustcore;
const m = loadVectors('merkle.json');
const cp = loadVectors('checkpoint.json');
const hx = (s) => Buffer.from(s, 'hex');

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.equal(e.name, 'MerkleError', e.message);
    return e;
  }
  return null;
}

const leaves = m.leaves.map(hx);
const tree = MerkleTree.fromLeafData(leaves);

test('merkle.json: leaf hashes', () => {
  for (const c of m.leaf_hashes) assert.equal(leafHash(hx(c.data)).toString('hex'), c.leaf_hash);
});

test('merkle.json: roots (tree and frontier)', () => {
  assert.ok(m.roots.length > 30);
  for (const c of m.roots) {
    assert.equal(tree.rootAt(c.size).toString('hex'), c.root, `root at ${c.size}`);
    assert.equal(MerkleTree.fromLeafData(leaves.slice(0, c.size)).root().toString('hex'), c.root);
    const f = new Frontier();
    for (const l of leaves.slice(0, c.size)) f.pushData(l);
    assert.equal(f.root().toString('hex'), c.root, `frontier at ${c.size}`);
    assert.equal(f.size, c.size);
    const again = Frontier.fromParts(BigInt(f.size), f.hashes());
    assert.equal(again.root().toString('hex'), c.root);
  }
});

for (const c of m.inclusion) {
  test(`merkle.json inclusion: ${c.id}`, () => {
    const proof = c.proof.map(hx);
    const run = () => verifyInclusion(hx(c.leaf_hash), c.leaf_index, c.tree_size, proof, hx(c.root));
    if (c.valid) {
      assert.equal(run(), true);
      assert.equal(verifyInclusion(hx(c.leaf_hash), BigInt(c.leaf_index), BigInt(c.tree_size), proof, hx(c.root)), true);
      if (c.id.startsWith('valid/')) {
        assert.deepEqual(tree.inclusionProof(c.leaf_index, c.tree_size).map((b) => b.toString('hex')), c.proof);
      }
    } else {
      assert.equal(codeOf(run)?.code, c.error);
    }
  });
}

for (const c of m.consistency) {
  test(`merkle.json consistency: ${c.id}`, () => {
    const proof = c.proof.map(hx);
    const run = () => verifyConsistency(c.old_size, c.new_size, hx(c.old_root), hx(c.new_root), proof);
    if (c.valid) {
      assert.equal(run(), true);
      if (c.id.startsWith('valid/')) {
        assert.deepEqual(tree.consistencyProof(c.old_size, c.new_size).map((b) => b.toString('hex')), c.proof);
      }
    } else {
      assert.equal(codeOf(run)?.code, c.error);
    }
  });
}

const secretOf = Object.fromEntries(cp.keys.map((k) => [k.id, { name: k.name, secretKey: SecretKey.fromHex(k.seed) }]));

for (const c of cp.cases) {
  test(`checkpoint.json: ${c.id}`, () => {
    const note = c.note_hex !== undefined ? hx(c.note_hex) : c.note;
    const trusted = c.trusted.map((k) => VerifierKey.parse(k));
    const run = () => openCheckpoint(note, trusted);
    if (c.expected) {
      const o = run();
      const e = c.expected;
      // The core's value: the root in hex, a size beyond 2^53 - 1 a bigint.
      assert.equal(o.checkpoint.origin, e.origin);
      if (typeof o.checkpoint.size === 'bigint') {
        assert.ok(o.checkpoint.size > BigInt(Number.MAX_SAFE_INTEGER));
        assert.equal(Number(o.checkpoint.size), e.size);
        if (c.id === 'valid/max-size') assert.equal(o.checkpoint.size, 2n ** 63n - 1n);
      } else {
        assert.equal(o.checkpoint.size, e.size);
      }
      assert.equal(Buffer.from(o.checkpoint.root, 'hex').toString('base64'), e.root);
      assert.deepEqual(o.checkpoint.extensions, e.extensions);
      assert.deepEqual(o.signers, e.signers);
      assert.deepEqual(o.unknown.map((u) => ({ name: u.name, key_hash: u.keyHash })), e.unknown);
      const body = Checkpoint.create(o.checkpoint.origin, o.checkpoint.size, Buffer.from(o.checkpoint.root, 'hex'), o.checkpoint.extensions);
      if (c.signed_with) {
        // We sign the same bytes.
        const signers = c.signed_with.map((id) => secretOf[id]);
        assert.equal(body.sign(signers), typeof note === 'string' ? note : note.toString('utf8'));
        const again = Checkpoint.parse(body.toText());
        assert.equal(again.toText(), body.toText());
      }
      if (typeof note === 'string') {
        assert.deepEqual(openCheckpoint(Buffer.from(note), trusted), o);
      }
    } else {
      const err = codeOf(run);
      assert.ok(err, 'accepted');
      assert.equal(err.code, c.error.code, err.message);
      assert.equal(err.offset ?? null, c.error.offset ?? null, `offset of ${err.message}`);
    }
  });
}

for (const c of cp.verifier_keys) {
  test(`checkpoint.json verifier key: ${c.id}`, () => {
    if (c.expected) {
      const k = VerifierKey.parse(c.vkey);
      assert.equal(k.name, c.expected.name);
      assert.equal(k.keyHash, c.expected.key_hash);
      assert.equal(k.publicKey.toHex(), c.expected.public_key);
      // Printing gives the canonical spelling (lowercase key hash).
      assert.equal(k.toString().toLowerCase(), c.vkey.toLowerCase());
      assert.equal(VerifierKey.create(k.name, k.publicKey).toString(), k.toString());
    } else {
      const err = codeOf(() => VerifierKey.parse(c.vkey));
      assert.ok(err, 'accepted');
      assert.equal(err.code, c.error.code);
      assert.equal(err.offset ?? null, c.error.offset ?? null);
    }
  });
}
