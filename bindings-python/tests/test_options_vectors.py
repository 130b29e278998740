"""test-vectors/options.json: every case with its Python spelling (`py`)
through the Python calls that take those options as keyword arguments.
The core reads them (one definition of names, types, bounds and codes):
each bad case raises its code, with kind OptionsError unless the case says
otherwise; each good case succeeds. Mirrors core/tests/options_vectors.rs."""

import json

import pytest

import trustcore as tc
from conftest import VECTORS_DIR, load_vectors

CASES, IDS = load_vectors("options.json")

KINDS = {"InvalidKeyError": "KeyError"}


@pytest.fixture(scope="module")
def chain_doc():
    return json.loads((VECTORS_DIR / "chain.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry(chain_doc):
    return tc.SignerRegistry.from_json(chain_doc["registry"])


@pytest.fixture(scope="module")
def one_event():
    """A signed checkpoint over a small chain of our own, and its first event."""
    sk = tc.SecretKey.from_bytes(bytes([3]) * 32)
    reg = tc.SignerRegistry.from_json(
        json.dumps({"signers": [{"signerId": "s", "publicKey": sk.public_key().to_base64()}]})
    )
    w = tc.ChainWriter("s", sk.public_key())
    rows = [
        w.append({"id": f"00000000-0000-4000-8000-{i:012d}", "ts": "2026-01-01T00:00:00Z",
                  "event_type": "e", "actor": "a", "payload": i}, sk)
        for i in range(1, 4)
    ]
    tree = tc.MerkleTree([bytes.fromhex(json.loads(r)["hash"]) for r in rows])
    note = tc.Checkpoint("log", 3, tree.root()).sign([("log", sk)])
    keys = [tc.VerifierKey("log", sk.public_key())]
    return rows[0], 0, tree.inclusion_proof(0, 3), note, keys, reg


def calls(case, chain_doc, registry, one_event):
    """The Python calls of the case's `call`, each taking its options."""
    opts = case["py"]
    call = case["call"]
    jsonl = chain_doc["cases"][0]["jsonl"]
    if call == "verify_jsonl":
        return [
            lambda: tc.verify_jsonl(jsonl, registry, **opts),
            lambda: tc.ChainVerifier(registry, **opts).finish(),
        ]
    if call == "chain_writer":
        key = tc.PublicKey.from_base64(registry.get("kernel-signer")["publicKey"])
        return [lambda: tc.ChainWriter("kernel-signer", key, **opts)]
    if call == "canonicalize":
        return [
            lambda: tc.canonicalize(1, **opts),
            lambda: tc.canonicalize_text("1", **opts),
            lambda: tc.canonical_digest(1, **opts),
            lambda: tc.canonical_digest_text("1", "blake3", **opts),
        ]
    if call == "verify_event_in_checkpoint":
        return [
            lambda: tc.verify_event_in_checkpoint(*one_event, **opts),
            # Options are read before anything else: garbage arguments do
            # not hide a bad option.
            lambda: tc.verify_event_in_checkpoint(None, None, None, None, None, None, **opts),
        ]
    raise AssertionError(f"unknown call {call}")


def outcome(f):
    """{"ok": true} or {"error": {"kind", "code"}} (the report-dump shape)."""
    try:
        f()
    except tc.TrustcoreError as e:
        kind = type(e).__name__
        return {"error": {"kind": KINDS.get(kind, kind), "code": e.code}}
    return {"ok": True}


def test_options_cases_present():
    assert len(CASES) >= 20
    assert {c["call"] for c in CASES} == {
        "verify_jsonl", "chain_writer", "canonicalize", "verify_event_in_checkpoint"}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_options_vector(case, chain_doc, registry, one_event):
    fs = calls(case, chain_doc, registry, one_event)
    if "error" not in case:
        for f in fs[:1] if case["call"] == "verify_event_in_checkpoint" else fs:
            assert outcome(f) == {"ok": True}
        # JavaScript's spelling of the same options is not Python's: where
        # the names differ, it is unknown_option, never silently ignored.
        if set(case["js"]) != set(case["py"]):
            for f in calls(dict(case, py=case["js"]), chain_doc, registry, one_event):
                got = outcome(f)
                assert got == {"error": {"kind": "OptionsError", "code": "unknown_option"}}
        return
    want = {"error": {"kind": case.get("kind", "OptionsError"), "code": case["error"]}}
    for f in fs:
        assert outcome(f) == want
