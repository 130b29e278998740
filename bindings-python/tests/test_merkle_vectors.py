"""test-vectors/merkle.json and checkpoint.json, every case (mirrors
core/tests/merkle_vectors.rs)."""

import base64
import json

import pytest

import trustcore as tc
from conftest import VECTORS_DIR, load_vectors

INCLUSION, INCLUSION_IDS = load_vectors("merkle.json", "inclusion")
CONSISTENCY, CONSISTENCY_IDS = load_vectors("merkle.json", "consistency")
CHECKPOINTS, CHECKPOINT_IDS = load_vectors("checkpoint.json")
VKEYS, VKEY_IDS = load_vectors("checkpoint.json", "verifier_keys")

H = bytes.fromhex


@pytest.fixture(scope="module")
def merkle():
    return json.loads((VECTORS_DIR / "merkle.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tree(merkle):
    return tc.MerkleTree([H(x) for x in merkle["leaves"]])


@pytest.fixture(scope="module")
def keys():
    doc = json.loads((VECTORS_DIR / "checkpoint.json").read_text(encoding="utf-8"))
    return {k["id"]: k for k in doc["keys"]}


def test_leaf_hashes_and_roots(merkle, tree):
    for c in merkle["leaf_hashes"]:
        assert tc.leaf_hash(H(c["data"])) == H(c["leaf_hash"])
    assert len(merkle["roots"]) >= 30
    leaf_hashes = tree.leaf_hashes()
    for c in merkle["roots"]:
        size, want = c["size"], H(c["root"])
        assert tree.root_at(size) == want
        assert tc.MerkleTree([H(x) for x in merkle["leaves"][:size]]).root() == want
        f = tc.Frontier()
        for h in leaf_hashes[:size]:
            f.push(h)
        assert f.size == size and f.root() == want
        assert tc.Frontier.from_parts(size, f.hashes()).root() == want


@pytest.mark.parametrize("case", INCLUSION, ids=INCLUSION_IDS)
def test_inclusion(case, tree):
    args = (H(case["leaf_hash"]), case["leaf_index"], case["tree_size"],
            [H(p) for p in case["proof"]], H(case["root"]))
    if case["valid"]:
        assert tc.verify_inclusion(*args) is True
        if case["id"].startswith("valid/"):
            assert tree.inclusion_proof(case["leaf_index"], case["tree_size"]) == args[3]
    else:
        with pytest.raises(tc.MerkleError) as e:
            tc.verify_inclusion(*args)
        assert e.value.code == case["error"]


@pytest.mark.parametrize("case", CONSISTENCY, ids=CONSISTENCY_IDS)
def test_consistency(case, tree):
    args = (case["old_size"], case["new_size"], H(case["old_root"]), H(case["new_root"]),
            [H(p) for p in case["proof"]])
    if case["valid"]:
        assert tc.verify_consistency(*args) is True
        if case["id"].startswith("valid/"):
            assert tree.consistency_proof(case["old_size"], case["new_size"]) == args[4]
    else:
        with pytest.raises(tc.MerkleError) as e:
            tc.verify_consistency(*args)
        assert e.value.code == case["error"]


@pytest.mark.parametrize("case", CHECKPOINTS, ids=CHECKPOINT_IDS)
def test_checkpoint(case, keys):
    note = case["note"] if "note" in case else bytes.fromhex(case["note_hex"])
    trusted = [tc.VerifierKey.parse(v) for v in case["trusted"]]
    if "expected" in case:
        exp = case["expected"]
        for vks in (trusted, case["trusted"]):  # objects or vkey strings
            got = tc.open_checkpoint(note, vks)
            body = got["checkpoint"]
            assert body["origin"] == exp["origin"]
            assert body["size"] == exp["size"]
            assert base64.b64encode(bytes.fromhex(body["root"])).decode() == exp["root"]
            assert body["extensions"] == exp["extensions"]
            assert got["signers"] == exp["signers"]
            assert got["unknown"] == exp["unknown"]
        cp = tc.Checkpoint(body["origin"], body["size"], bytes.fromhex(body["root"]), body["extensions"])
        if "signed_with" in case:
            text = note.split("\n\n")[0] + "\n"
            assert cp.to_text() == text
            assert tc.Checkpoint.parse(text) == cp
            signers = [(keys[k]["name"], tc.SecretKey.from_hex(keys[k]["seed"])) for k in case["signed_with"]]
            assert cp.sign(signers) == note
    else:
        with pytest.raises(tc.MerkleError) as e:
            tc.open_checkpoint(note, trusted)
        assert e.value.code == case["error"]["code"]
        assert e.value.offset == case["error"]["offset"]


@pytest.mark.parametrize("case", VKEYS, ids=VKEY_IDS)
def test_verifier_key(case):
    if "expected" in case:
        k = tc.VerifierKey.parse(case["vkey"])
        exp = case["expected"]
        assert k.name == exp["name"]
        assert f"{k.key_hash:08x}" == exp["key_hash"]
        assert k.public_key.to_hex() == exp["public_key"]
        # Printed in the canonical form (lowercase key hash).
        assert str(k) == case["vkey"].replace(exp["key_hash"].upper(), exp["key_hash"])
        assert tc.VerifierKey.parse(str(k)) == k
    else:
        with pytest.raises(tc.MerkleError) as e:
            tc.VerifierKey.parse(case["vkey"])
        assert e.value.code == case["error"]["code"]
        assert e.value.offset == case["error"]["offset"]
