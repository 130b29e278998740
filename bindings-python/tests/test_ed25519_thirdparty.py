"""Ed25519 against third-party vectors in ../shared/vectors/ed25519/.

* RFC 8032 / SUPERCOP `rfc8032_sign.input`: signatures are exact.
* The 1,077 speccheck + Wycheproof + CCTV edge cases: `trustcore.verify`
  gives the verdict of Go's crypto/ed25519 (the `go` column of
  ../test-vectors/ed25519/verdicts.json) on every one.

The shared folder sits beside the repository; when it is absent these tests
are skipped with a NOTE (as core/tests/ed25519_vectors.rs does).
"""

import json
import os
from pathlib import Path

import pytest
from conftest import VECTORS_DIR

import trustcore

SHARED = Path(
    os.environ.get(
        "TRUSTCORE_SHARED_ED25519",
        Path(__file__).resolve().parents[3] / "shared" / "vectors" / "ed25519",
    )
)


def shared(name):
    path = SHARED / name
    if not path.is_file():
        note = f"NOTE: {path} is absent; these third-party vectors were not run"
        print(note)
        pytest.skip(note)
    return path.read_text(encoding="utf-8")


def test_rfc8032_and_supercop_signatures_are_exact():
    lines = [ln for ln in shared("rfc8032_sign.input").splitlines() if ln]
    for n, line in enumerate(lines):
        sk_pk, pk, msg, sig_msg = (bytes.fromhex(f) for f in line.split(":")[:4])
        sk = trustcore.SecretKey.from_bytes(sk_pk[:32])
        assert sk.public_key().to_bytes() == pk == sk_pk[32:], f"line {n}"
        sig = trustcore.sign(sk, msg)
        assert sig == sig_msg[:64], f"line {n}"
        assert trustcore.verify(pk, msg, sig), f"line {n}"
        assert trustcore.verify(sk.public_key(), msg, sig), f"line {n}"
    assert len(lines) == 128


def _verdict(case):
    pk, msg, sig = (bytes.fromhex(case[k]) for k in ("pk", "msg", "sig"))
    try:
        return trustcore.verify(pk, msg, sig)
    except trustcore.InvalidKeyError as e:
        # Wrong-length keys and signatures count as "invalid".
        assert e.code in ("invalid_key_length", "invalid_signature_length"), case["id"]
        return False


def _verdict_with_imported_key(case):
    """The same check through an imported PublicKey (the fast path)."""
    pk, msg, sig = (bytes.fromhex(case[k]) for k in ("pk", "msg", "sig"))
    try:
        key = trustcore.PublicKey.from_bytes(pk)
    except trustcore.InvalidKeyError:
        return None  # not a point (or not 32 bytes): no PublicKey to test
    try:
        return trustcore.verify(key, msg, sig)
    except trustcore.InvalidKeyError as e:
        assert e.code == "invalid_signature_length", case["id"]
        return False


def test_edge_vectors_match_go_on_every_case():
    cases = json.loads(shared("all_normalized.json"))
    assert len(cases) == 1077
    with open(VECTORS_DIR / "ed25519" / "verdicts.json", "rb") as f:
        go = {c["id"]: c["go"] for c in json.load(f)["cases"]}
    assert len(go) == 1077
    differ = [c["id"] for c in cases if _verdict(c) != go[c["id"]]]
    assert differ == [], f"{len(differ)} verdicts differ from Go: {differ[:20]}"
    imported = [(c, _verdict_with_imported_key(c)) for c in cases]
    imported = [(c, v) for c, v in imported if v is not None]
    assert len(imported) > 1000
    differ = [c["id"] for c, v in imported if v != go[c["id"]]]
    assert differ == [], f"the PublicKey path differs from Go on {differ[:20]}"
    # Wycheproof's own expectations agree too.
    wycheproof = [c for c in cases if c.get("expected") is not None]
    assert len(wycheproof) == 151
    for c in wycheproof:
        assert _verdict(c) == (c["expected"] == "valid"), c["id"]
    accepted = sum(go.values())
    print(f"trustcore accepts {accepted} of 1077 edge vectors, as Go does")
