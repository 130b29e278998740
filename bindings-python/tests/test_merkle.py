"""Merkle trees, proofs, frontiers and signed checkpoints: behaviour and
errors, and the chain verifier's checkpoint option."""

import copy
import hashlib
import json
import pickle

import threading

import pytest

import trustcore as tc

OLD = tc.SecretKey.from_bytes(bytes([1]) * 32)
NEW = tc.SecretKey.from_bytes(bytes([2]) * 32)
LOG = "audit.example/chain/prod"
EVENTS = [hashlib.sha256(str(i).encode()).digest() for i in range(13)]


def test_tree_proofs_and_frontier_agree():
    tree = tc.MerkleTree(EVENTS)
    assert tree.size == len(tree) == 13
    assert tc.MerkleTree().root() == hashlib.sha256(b"").digest()
    assert tc.leaf_hash(EVENTS[0]) == hashlib.sha256(b"\x00" + EVENTS[0]).digest()
    for size in range(1, 14):
        root = tree.root_at(size)
        for i in range(size):
            proof = tree.inclusion_proof(i, size)
            assert tc.verify_inclusion(tc.leaf_hash(EVENTS[i]), i, size, proof, root)
        for old in range(1, size + 1):
            proof = tree.consistency_proof(old, size)
            assert tc.verify_consistency(old, size, tree.root_at(old), root, proof)
    f = tc.Frontier()
    for e in EVENTS:
        f.push_data(e)
    assert f.root() == tree.root() and len(f.hashes()) == bin(13).count("1")
    g = copy.copy(f)
    g.push_data(b"x")
    assert g.size == 14 and f.size == 13
    pushed = tc.MerkleTree()
    for e in EVENTS:
        pushed.push(e)
    assert pushed.root() == tree.root() and pushed.leaf_hashes() == tree.leaf_hashes()
    assert repr(tree) == "MerkleTree(size=13)" and repr(f) == "Frontier(size=13)"


def test_proof_errors_have_codes():
    tree = tc.MerkleTree(EVENTS)
    root = tree.root()
    proof = tree.inclusion_proof(2, 13)
    leaf = tc.leaf_hash(EVENTS[2])
    cases = [
        (lambda: tc.verify_inclusion(leaf, 13, 13, proof, root), "index_out_of_range"),
        (lambda: tc.verify_inclusion(leaf, 2, 13, proof[:-1], root), "invalid_proof"),
        (lambda: tc.verify_inclusion(leaf, 3, 13, proof, root), "root_mismatch"),
        (lambda: tc.verify_consistency(0, 13, root, root, []), "invalid_tree_size"),
        (lambda: tc.verify_consistency(5, 13, tree.root_at(5), root, []), "invalid_proof"),
        (lambda: tree.inclusion_proof(13, 13), "index_out_of_range"),
        (lambda: tc.Frontier.from_parts(3, []), "invalid_proof"),
    ]
    for call, code in cases:
        with pytest.raises(tc.MerkleError) as e:
            call()
        assert e.value.code == code
        assert isinstance(e.value, tc.TrustcoreError)
    with pytest.raises(TypeError, match="32 bytes"):
        tc.verify_inclusion(leaf[:31], 2, 13, proof, root)
    with pytest.raises(TypeError):
        tc.verify_inclusion(leaf, 2, 13, b"".join(proof), root)
    with pytest.raises(TypeError):
        tc.MerkleTree(b"abc")
    # Ints outside 0..2^64-1 are refused by the core with its own codes
    # (never OverflowError).
    for call, code in [
        (lambda: tc.verify_inclusion(leaf, -1, 13, proof, root), "index_out_of_range"),
        (lambda: tc.verify_inclusion(leaf, 2**64, 13, proof, root), "index_out_of_range"),
        (lambda: tc.verify_inclusion(leaf, 2, 2**70, proof, root), "invalid_tree_size"),
        (lambda: tc.verify_consistency(-5, 13, root, root, []), "invalid_tree_size"),
        (lambda: tree.root_at(-1), "invalid_tree_size"),
        (lambda: tree.inclusion_proof(-1, 13), "index_out_of_range"),
        (lambda: tree.consistency_proof(1, 2**64), "invalid_tree_size"),
        (lambda: tc.Frontier.from_parts(-1, []), "invalid_tree_size"),
        (lambda: tc.Checkpoint(LOG, -1, root), "malformed_tree_size"),
    ]:
        with pytest.raises(tc.MerkleError) as e:
            call()
        assert e.value.code == code


def test_checkpoint_sign_open_and_rotation():
    tree = tc.MerkleTree(EVENTS)
    cp = tc.Checkpoint(LOG, 13, tree.root())
    assert cp.to_text().splitlines()[:2] == [LOG, "13"]
    assert tc.Checkpoint.parse(cp.to_text()) == cp
    old = tc.VerifierKey(LOG, OLD.public_key())
    new = tc.VerifierKey(LOG, NEW.public_key())
    assert tc.VerifierKey.parse(str(old)) == old and old.name == LOG
    assert pickle.loads(pickle.dumps(old)) == old
    note = cp.sign([(LOG, OLD), (LOG, NEW)])
    both = tc.open_checkpoint(note, [old, new])
    assert both["signers"] == [str(old), str(new)] and both["unknown"] == []
    assert both["checkpoint"] == {
        "origin": LOG, "size": 13, "root": tree.root().hex(), "extensions": []}
    only_old = tc.open_checkpoint(note.encode(), [str(old)])
    assert only_old["signers"] == [str(old)]
    assert only_old["unknown"] == [{"name": LOG, "key_hash": f"{new.key_hash:08x}"}]
    with pytest.raises(tc.MerkleError) as e:
        tc.open_checkpoint(note, [])
    assert e.value.code == "no_trusted_signature"
    tampered = note.replace("\n13\n", "\n12\n")
    with pytest.raises(tc.MerkleError) as e:
        tc.open_checkpoint(tampered, [old])
    assert e.value.code == "invalid_signature"
    with pytest.raises(tc.MerkleError) as e:
        tc.Checkpoint("", 1, tree.root())
    assert e.value.code == "invalid_origin"
    with pytest.raises(TypeError):
        cp.sign((LOG, OLD))


def test_checkpoint_remote_signer_fails_closed():
    cp = tc.Checkpoint(LOG, 13, tc.MerkleTree(EVENTS).root())
    old = tc.VerifierKey(LOG, OLD.public_key())
    new = tc.VerifierKey(LOG, NEW.public_key())
    seen = []

    def kms(message):
        seen.append(message)
        return OLD.sign(message)

    note = cp.sign_with(old, kms)
    assert seen == [cp.to_text().encode()]
    assert note == cp.sign([(LOG, OLD)])
    # Rotation: the new key signs the same note remotely.
    both = cp.sign_with(new, lambda m: NEW.sign(m), note=note)
    assert both == cp.sign([(LOG, OLD), (LOG, NEW)])
    with pytest.raises(tc.MerkleError) as e:
        cp.sign_with(new, lambda m: OLD.sign(m))
    assert e.value.code == "remote_signature_invalid"
    with pytest.raises(tc.MerkleError) as e:
        cp.sign_with(new, lambda m: b"short")
    assert e.value.code == "remote_signature_invalid"
    with pytest.raises(tc.EnvelopeError) as failed:
        cp.sign_with(new, lambda m: (_ for _ in ()).throw(RuntimeError("hsm offline")))
    assert failed.value.code == "remote_signer_failed"
    assert isinstance(failed.value.__cause__, RuntimeError)
    other = tc.Checkpoint(LOG, 13, bytes(32)).sign([(LOG, OLD)])
    with pytest.raises(tc.MerkleError) as e:
        cp.sign_with(new, lambda m: NEW.sign(m), note=other)
    assert e.value.code == "prepared_mismatch"


def test_truncation_and_rewrite_detection():
    tree = tc.MerkleTree(EVENTS)
    cp = tc.Checkpoint(LOG, 10, tree.root_at(10))
    f = tc.Frontier()
    statuses = []
    for e in EVENTS:
        f.push_data(e)
        if f.size in (9, 10, 13):
            statuses.append(tc.check_against_checkpoint(cp, f)["status"])
    assert statuses == ["truncated", "consistent", "needs_proof"]
    proof = tree.consistency_proof(10, 13)
    assert tc.check_extension(cp, 13, tree.root(), proof)["status"] == "consistent"
    rewritten = tc.Checkpoint(LOG, 10, tree.root_at(9))
    g = tc.Frontier.from_parts(0, [])
    for e in EVENTS[:10]:
        g.push_data(e)
    assert tc.check_against_checkpoint(rewritten, g) == {
        "status": "root_mismatch", "chain_size": 10, "checkpoint_size": 10}
    assert tc.check_against_checkpoint(cp, tc.Frontier()) == {
        "status": "truncated", "chain_size": 0, "checkpoint_size": 10}


def test_chain_verifier_checks_a_signed_checkpoint():
    sk = tc.SecretKey.from_bytes(bytes([7]) * 32)
    reg = tc.SignerRegistry.from_json(json.dumps({"signers": [{"signerId": "k", "publicKey": sk.public_key().to_base64()}]}))
    w = tc.ChainWriter("k", sk.public_key())
    rows = [
        w.append({"id": f"00000000-0000-4000-8000-{i:012d}", "ts": "2026-01-01T00:00:00Z",
                  "event_type": "e", "actor": "a", "payload": i}, sk)
        for i in range(1, 9)
    ]
    tree = tc.MerkleTree([bytes.fromhex(json.loads(r)["hash"]) for r in rows[:6]])
    note = tc.Checkpoint(LOG, 6, tree.root()).sign([(LOG, OLD)])
    opened = tc.open_checkpoint(note, [tc.VerifierKey(LOG, OLD.public_key())])
    head = {"size": opened["checkpoint"]["size"], "root": opened["checkpoint"]["root"]}
    assert tc.verify_jsonl("\n".join(rows), reg, checkpoint=head)["valid"]
    cut = tc.verify_jsonl("\n".join(rows[:5]), reg, checkpoint=head)
    assert [b["reason"] for b in cut["breaks"]] == ["truncated"]


def test_one_event_against_a_signed_checkpoint():
    sk = tc.SecretKey.from_bytes(bytes([7]) * 32)
    reg = tc.SignerRegistry.from_json(json.dumps({"signers": [{"signerId": "k", "publicKey": sk.public_key().to_base64()}]}))
    w = tc.ChainWriter("k", sk.public_key())
    rows = [
        w.append({"id": f"00000000-0000-4000-8000-{i:012d}", "ts": "2026-01-01T00:00:00Z",
                  "event_type": "e", "actor": "a", "payload": {"n": i}}, sk)
        for i in range(1, 11)
    ]
    tree = tc.MerkleTree([bytes.fromhex(json.loads(r)["hash"]) for r in rows])
    note = tc.Checkpoint(LOG, 10, tree.root()).sign([(LOG, OLD)])
    keys = [tc.VerifierKey(LOG, OLD.public_key())]
    for i, row in enumerate(rows):
        r = tc.verify_event_in_checkpoint(row, i, tree.inclusion_proof(i, 10), note, keys, reg)
        assert r["valid"] and r["index"] == i and "stage" not in r
        assert r["event"] == json.loads(row)
        assert r["checkpoint"] == tc.open_checkpoint(note, keys)
        assert r["checkpoint"]["checkpoint"]["root"] == tree.root().hex()
        # The row as a dict (a replayed event) is the same check.
        assert tc.verify_event_in_checkpoint(
            json.loads(row), i, tree.inclusion_proof(i, 10), note, keys, reg, hash_alg="sha256") == r
    # The right row with another leaf's proof; a tampered row; a stranger's note.
    r = tc.verify_event_in_checkpoint(rows[3], 3, tree.inclusion_proof(4, 10), note, keys, reg)
    assert (r["valid"], r["stage"]) == (False, "inclusion") and r["reason"] in ("root_mismatch", "invalid_proof")
    assert r["event"] == json.loads(rows[3])
    tampered = rows[3].replace('"n":4', '"n":5')
    r = tc.verify_event_in_checkpoint(tampered, 3, tree.inclusion_proof(3, 10), note, keys, reg)
    assert (r["valid"], r["stage"], r["reason"]) == (False, "row", "hash_mismatch") and "event" not in r
    with pytest.raises(tc.MerkleError) as e:
        tc.verify_event_in_checkpoint(rows[0], 0, tree.inclusion_proof(0, 10), note, [tc.VerifierKey(LOG, NEW.public_key())], reg)
    assert e.value.code == "no_trusted_signature"
    with pytest.raises(TypeError):
        tc.verify_event_in_checkpoint(rows[0], 0, "not a list", note, keys, reg)


def test_a_tree_shared_by_threads_appends_and_proves_without_errors():
    # One thread appends while another hands out proofs and roots (computed
    # with the GIL released): calls take turns (no "Already borrowed"), and
    # the tree ends as the tree of every leaf in order.
    leaves = [i.to_bytes(4, "big") for i in range(200_000)]
    tree = tc.MerkleTree(leaves[:1000])
    errors = []
    done = threading.Event()

    def append():
        try:
            for d in leaves[1000:]:
                tree.push(d)
        except Exception as e:  # noqa: BLE001 - any error fails the test below
            errors.append(e)
        finally:
            done.set()

    t = threading.Thread(target=append)
    t.start()
    proofs = 0
    while not done.is_set():
        try:
            size = tree.size
            assert tc.verify_inclusion(tc.leaf_hash(leaves[7]), 7, size, tree.inclusion_proof(7, size), tree.root_at(size))
            proofs += 1
        except Exception as e:  # noqa: BLE001
            errors.append(e)
            break
    t.join()
    assert errors == []
    assert proofs > 0
    assert tree.size == len(leaves) and tree.root() == tc.MerkleTree(leaves).root()
