"""Runs ../test-vectors/{canonical-json,digest}.json (see its README)."""

import json
import sys

import pytest
from conftest import load_vectors

import trustcore

CANON_CASES, CANON_IDS = load_vectors("canonical-json.json")
DIGEST_CASES, DIGEST_IDS = load_vectors("digest.json")
PARSE_CASES, PARSE_IDS = load_vectors("digest.json", "parse")


def select(cases, ids, keep):
    """The cases (and ids) a test applies to; a missing-file marker stays."""
    pairs = [(c, i) for c, i in zip(cases, ids) if not isinstance(c, dict) or keep(c)]
    return [c for c, _ in pairs], [i for _, i in pairs]


# The str form exists where the input is valid UTF-8.
STR_CASES, STR_IDS = select(CANON_CASES, CANON_IDS, lambda c: "input" in c)
# The value path runs valid cases Python's json can hold exactly.
VALUE_CASES, VALUE_IDS = select(
    CANON_CASES, CANON_IDS, lambda c: "error" not in c and c.get("value_path") is not False
)


def input_bytes(case):
    if "input_hex" in case:
        return bytes.fromhex(case["input_hex"])
    return case["input"].encode("utf-8")


def json_loads_deep(data):
    """json.loads, allowed to nest as deep as the vectors do (1024 > the
    default recursion limit of 1000)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4000))
    try:
        return json.loads(data)
    finally:
        sys.setrecursionlimit(limit)


def check_error(exc_info, case):
    err = exc_info.value
    assert isinstance(err, trustcore.CanonicalJsonError)
    assert err.code == case["error"]["code"], str(err)
    assert err.offset == case["error"]["offset"], str(err)
    assert f"[{err.code}]" in str(err)


@pytest.mark.parametrize("case", CANON_CASES, ids=CANON_IDS)
def test_canonical_text_bytes(case):
    data = input_bytes(case)
    md = case.get("max_depth")
    if "error" in case:
        with pytest.raises(trustcore.TrustcoreError) as exc_info:
            trustcore.canonicalize_text(data, max_depth=md)
        check_error(exc_info, case)
        with pytest.raises(trustcore.CanonicalJsonError) as exc_info:
            trustcore.canonical_digest_text(data, max_depth=md)
        check_error(exc_info, case)
        return
    expected = case["expected"].encode("utf-8")
    out = trustcore.canonicalize_text(data, max_depth=md)
    assert out == expected
    # Fixed point: canonical output canonicalizes to itself.
    assert trustcore.canonicalize_text(out, max_depth=md) == out
    for alg in ("sha256", "blake3"):
        if alg in case:
            assert trustcore.digest(out, alg) == case[alg]
            assert trustcore.canonical_digest_text(data, alg, max_depth=md) == case[alg]
    if "sha256" in case:
        assert trustcore.canonical_digest_text(data, max_depth=md) == case["sha256"]
    # Other bytes-like inputs give the same result.
    assert trustcore.canonicalize_text(bytearray(data), max_depth=md) == expected
    assert trustcore.canonicalize_text(memoryview(data), max_depth=md) == expected


@pytest.mark.parametrize("case", STR_CASES, ids=STR_IDS)
def test_canonical_text_str(case):
    text = case["input"]
    md = case.get("max_depth")
    if "error" in case:
        # Offsets count bytes of the UTF-8 form, also for str input.
        with pytest.raises(trustcore.CanonicalJsonError) as exc_info:
            trustcore.canonicalize_text(text, max_depth=md)
        check_error(exc_info, case)
        return
    assert trustcore.canonicalize_text(text, max_depth=md) == case["expected"].encode("utf-8")
    if "sha256" in case:
        assert trustcore.canonical_digest_text(text, max_depth=md) == case["sha256"]


@pytest.mark.parametrize("case", VALUE_CASES, ids=VALUE_IDS)
def test_canonical_value_path(case):
    value = json_loads_deep(input_bytes(case))
    md = case.get("max_depth")
    expected = case["expected"].encode("utf-8")
    assert trustcore.canonicalize(value, max_depth=md) == expected
    for alg in ("sha256", "blake3"):
        if alg in case:
            assert trustcore.canonical_digest(value, alg, max_depth=md) == case[alg]


@pytest.mark.parametrize("case", DIGEST_CASES, ids=DIGEST_IDS)
def test_digest_vectors(case):
    data = bytes.fromhex(case["input_hex"])
    assert trustcore.digest(data) == case["sha256"]
    assert trustcore.digest(data, "sha256") == case["sha256"]
    assert trustcore.digest(data, "blake3") == case["blake3"]
    assert trustcore.digest(bytearray(data), "blake3") == case["blake3"]
    assert trustcore.digest(memoryview(data)) == case["sha256"]
    # Named digests parse back to their parts.
    for alg in ("sha256", "blake3"):
        name, hexdigits = trustcore.parse_digest(case[alg])
        assert (name, hexdigits) == (alg, case[alg].split(":", 1)[1])


@pytest.mark.parametrize("case", PARSE_CASES, ids=PARSE_IDS)
def test_parse_digest_vectors(case):
    if "error" in case:
        with pytest.raises(trustcore.DigestError) as exc_info:
            trustcore.parse_digest(case["text"])
        err = exc_info.value
        assert isinstance(err, trustcore.TrustcoreError)
        assert err.code == case["error"]["code"], str(err)
        assert err.offset == case["error"].get("offset"), str(err)
    else:
        assert trustcore.parse_digest(case["text"]) == (case["algorithm"], case["hex"])
