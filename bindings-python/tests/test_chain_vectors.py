"""test-vectors/chain.json: every case whole, in 7-byte chunks and row by
row, on 1 and 2 threads; reports compared without the `message` texts.
The `replay` cases through `trustcore.replay`, rows as str and as bytes."""

import json

import pytest

import trustcore as tc
from conftest import VECTORS_DIR, load_vectors

CASES, IDS = load_vectors("chain.json")
REPLAY, REPLAY_IDS = load_vectors("chain.json", "replay")


@pytest.fixture(scope="module")
def registry():
    doc = json.loads((VECTORS_DIR / "chain.json").read_text(encoding="utf-8"))
    return tc.SignerRegistry.from_json(doc["registry"])


def options(case, threads):
    o = case.get("options", {})
    return {
        "stop_at_first": o.get("stopAtFirst", False),
        "expected_head": o.get("expectedHead"),
        "checkpoint": o.get("checkpoint"),
        "threads": threads,
    }


def strip(report):
    for b in report["breaks"]:
        assert b.pop("message"), "every break has a message"
    return report


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("threads", [1, 2])
def test_chain_vector(case, threads, registry):
    text = case["jsonl"].encode("utf-8")
    want = case["expected"]
    opts = options(case, threads)
    assert strip(tc.verify_jsonl(text, registry, **opts)) == want
    # The same text as str.
    assert strip(tc.verify_jsonl(case["jsonl"], registry, **opts)) == want
    # In 7-byte chunks: lines span chunks.
    v = tc.ChainVerifier(registry, **opts)
    for i in range(0, len(text), 7):
        v.feed(text[i : i + 7])
    assert strip(v.finish()) == want


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_chain_vector_resumed_halfway(case, registry):
    """Saving the state after each line and resuming gives the same report
    (minus duplicate ids across the resume point, which no case has)."""
    text = case["jsonl"].encode("utf-8")
    lines = text.split(b"\n")
    half = len(lines) // 2
    first = b"\n".join(lines[:half]) + (b"\n" if half else b"")
    rest = b"\n".join(lines[half:])
    opts = options(case, 1)
    v = tc.ChainVerifier(registry, **opts)
    v.feed(first)
    state = json.loads(json.dumps(v.state()))  # survives JSON
    breaks_before = [dict(b) for b in v.breaks()]
    r = tc.ChainVerifier.resume(registry, state, **opts)
    r.feed(rest)
    report = r.finish()
    want = case["expected"]
    got_breaks = strip({"breaks": breaks_before})["breaks"] + strip(report)["breaks"]
    assert got_breaks == want["breaks"]
    assert report["head"] == want["head"]
    assert report["merkle"] == want["merkle"]
    assert report["rows"] == want["rows"]


def test_replay_cases_present():
    assert len(REPLAY) >= 20, "chain.json has its replay cases"


@pytest.mark.parametrize("case", REPLAY, ids=REPLAY_IDS)
def test_replay_vector(case):
    rows = case["rows"]
    want = case["expected"]
    start = case.get("start")
    assert tc.replay(rows, start) == want
    assert tc.replay([r.encode("utf-8") for r in rows], start=start) == want
    if start is None:
        assert tc.replay(rows) == want
