"""test-vectors/profiles.json (#10), every case through the Python API:

* chain cases: verify_jsonl under the case's profile (a built-in by name,
  any profile as its document and as its JSON bytes), on 1 and 2 threads,
  and a ChainVerifier fed in 5-byte chunks; reports compared with the
  vector's without the `message` texts;
* inference cases: infer_profile's matches, ambiguity, matched summaries,
  the explanation of hopeless samples and the notes;
* document cases: load_profile of each document (dict and JSON text),
  ProfileError with the vector's `code` and `path`.
"""

import json

import pytest

import trustcore as tc
from conftest import VECTORS_DIR, load_vectors

CASES, IDS = load_vectors("profiles.json")
INFERENCE, INFERENCE_IDS = load_vectors("profiles.json", "inference")
DOCUMENTS, DOCUMENT_IDS = load_vectors("profiles.json", "documents")


def snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


@pytest.fixture(scope="module")
def doc():
    return json.loads((VECTORS_DIR / "profiles.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry(doc):
    return tc.SignerRegistry.from_json(doc["registry"])


@pytest.fixture(scope="module")
def profiles(doc):
    return {p["name"]: p for p in doc["profiles"]}


def strip(report):
    for b in report["breaks"]:
        assert b.pop("message"), "every break has a message"
    return report


def test_every_builtin_is_in_the_vectors_as_the_core_writes_it(profiles):
    builtins = tc.builtin_profiles()
    assert list(builtins)[0] == "trustcore/v1"
    for name, document in builtins.items():
        assert profiles[name] == document, name
        assert tc.load_profile(name) == document
    # Every vector profile loads; the document the core gives back (the
    # defaults filled in) reads back as itself and names the same profile.
    for document in profiles.values():
        loaded = tc.load_profile(document)
        assert loaded["name"] == document["name"]
        assert tc.load_profile(loaded) == loaded
        assert tc.load_profile(json.dumps(document)) == loaded
        assert tc.profile_digest(document) == tc.profile_digest(loaded)


def test_the_vectors_cover_every_profile_and_break_kind():
    kinds = {c["id"].split("/")[0] for c in CASES}
    assert {"good", "break"} <= kinds
    reasons = {b["reason"] for c in CASES for b in c["expected"]["breaks"]}
    assert len(reasons) >= 8, reasons
    assert len({c["profile"] for c in CASES}) >= 8


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_profile_chain_vector(case, registry, profiles):
    document = profiles[case["profile"]]
    want = case["expected"]
    opts = {snake(k): v for k, v in (case.get("options") or {}).items()}
    text = case["jsonl"].encode("utf-8")
    given = [document, json.dumps(document).encode("utf-8")]
    if case["profile"] in tc.builtin_profiles():
        given.append(case["profile"])
    for profile in given:
        for threads in (1, 2):
            got = tc.verify_jsonl(text, registry, profile=profile, threads=threads, **opts)
            assert strip(got) == want
    v = tc.ChainVerifier(registry, profile=document, **opts)
    for i in range(0, len(text), 5):
        v.feed(text[i : i + 5])
    assert strip(v.finish()) == want


def summary(d):
    return {
        "name": d["name"],
        "hash": {k: d["hash"][k] for k in ("input", "algorithm", "encoding")},
        "signature": {k: d["signature"][k] for k in ("signs", "encoding")},
        "genesis": d["genesis"],
        "timestamp": d["timestamp"],
    }


def ordered(items):
    return sorted(items, key=lambda s: (s["name"], json.dumps(s, sort_keys=True)))


@pytest.mark.parametrize("case", INFERENCE, ids=INFERENCE_IDS)
def test_profile_inference_vector(case, doc):
    registry = tc.SignerRegistry.from_json(case.get("registry", doc["registry"]))
    got = tc.infer_profile(case["rows"], registry)
    want = case["expected"]
    assert got["rows"] == len(case["rows"])
    assert sorted(m["name"] for m in got["matches"]) == want["matches"]
    assert got["ambiguous"] == want["ambiguous"]
    assert ordered(summary(m) for m in got["matches"]) == ordered(want["matched"])
    # Every match is a profile document that loads; first rows verify
    # under it as a chain.
    for m in got["matches"]:
        assert tc.load_profile(m) == m
        if case["id"].endswith("/first-rows"):
            assert tc.verify_jsonl("\n".join(case["rows"]), registry, profile=m)["valid"]
    if "explanation" in want:
        e = want["explanation"]
        [a] = [a for a in got["attempts"]
               if a["hash_input"] == e["hashInput"] and a["hash_alg"] == e["hashAlgorithm"]]
        assert a["hashes_matched"] == e["hashesMatched"]
        assert max(a["signatures_verified"].values(), default=0) == e["signaturesVerified"]
    if "note" in want:
        assert want["note"] in got["notes"]
    if len(got["matches"]) > 1:
        assert got["notes"], "an ambiguous answer says why"
    # The same rows as row dicts and as bytes.
    assert tc.infer_profile([json.loads(r) for r in case["rows"]], registry) == got
    assert tc.infer_profile([r.encode() for r in case["rows"]], registry) == got


def test_inference_covers_ambiguous_and_hopeless_samples():
    ids = [c["id"] for c in INFERENCE]
    assert any(i.startswith("ambiguous/") for i in ids)
    assert any(i.startswith("hopeless/") for i in ids)


def test_inference_refuses_what_is_not_a_sample(registry):
    with pytest.raises(tc.ProfileError) as e:
        tc.infer_profile([], registry)
    assert e.value.code == "invalid_sample"
    with pytest.raises(tc.ProfileError) as e:
        tc.infer_profile(["[1]"], registry)
    assert e.value.code == "invalid_sample"
    with pytest.raises(TypeError):
        tc.infer_profile('{"a":1}', registry)


@pytest.mark.parametrize("case", DOCUMENTS, ids=DOCUMENT_IDS)
def test_profile_document_vector(case):
    want = case["expected"]
    for given in (case["document"], json.dumps(case["document"]).encode("utf-8")):
        if not isinstance(given, (dict, bytes)):
            given = json.dumps(given).encode("utf-8")
        try:
            loaded = tc.load_profile(given)
        except tc.ProfileError as e:
            assert {"code": e.code, "path": e.path} == want
            assert isinstance(e, tc.TrustcoreError) and e.message
        else:
            assert {"loaded": loaded["name"]} == want
