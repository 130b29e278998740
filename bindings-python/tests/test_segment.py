"""Segments (#14): verify parts of a log apart and stitch them into exactly
the one-pass report, field by field: every chain.json verify case cut at
rows 1/3 and 2/3, random byte cuts (mid-line, empty segments) of logs with
planted breaks, the distributed protocol (id buckets, duplicates per bucket,
requests and answers as JSON text, segments pickled), and the errors."""

from __future__ import annotations

import json
import pickle
import random
import re
import threading
import time

import pytest

import trustcore as tc
from conftest import load_vectors

CHAIN, CHAIN_IDS = load_vectors("chain.json")


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def registry():
    doc = json.loads((__import__("conftest").VECTORS_DIR / "chain.json").read_text())
    return tc.SignerRegistry.from_json(doc["registry"])


def same_report(got, want, what=""):
    """Field by field, so a difference names its field."""
    assert sorted(got) == sorted(want), what
    for k in want:
        assert got[k] == want[k], f"{what}: {k}"


def protocol(segments, buckets=3, **options):
    """The distributed protocol, every document crossing as text or bytes,
    every segment pickled as a worker would move it."""
    moved = [pickle.loads(pickle.dumps(s)) for s in segments]
    summaries = [s.summary() for s in moved]
    per_segment = [s.id_buckets(k, buckets) for k, s in enumerate(moved)]
    dups = []
    for b in range(buckets):
        dups += tc.duplicates([p[b] for p in per_segment])
    st = tc.Stitcher(summaries, sorted(dups), **options)
    answers = [moved[json.loads(q)["segment"]].answer(q) for q in st.requests()]
    assert [json.loads(q)["segment"] for q in st.requests()] == st.segments()
    return st.finish(answers)


def line_segments(reg, text: bytes, cuts, **options):
    lines = text.splitlines(keepends=True)
    out, prev = [], 0
    for c in list(cuts) + [len(lines)]:
        v = tc.SegmentVerifier(reg, **options)
        v.push_bytes(b"".join(lines[prev:c]))
        out.append(v.finish())
        prev = c
    return out


def byte_segments(reg, text: bytes, ranges, chunk=None, **options):
    out = []
    for a, b in ranges:
        v = tc.SegmentVerifier.for_bytes(reg, a, b, **options)
        data = text[max(a - 1, 0):]
        step = chunk or len(data) or 1
        for i in range(0, len(data), step):
            if not v.needs_more:
                break
            v.push_bytes(data[i:i + step])
        out.append(v.finish())
    return out


@pytest.mark.parametrize("case", CHAIN, ids=CHAIN_IDS)
def test_chain_vectors_cut_in_three_stitch_to_the_one_pass_report(case):
    reg = registry()
    opts = {snake(k): v for k, v in (case.get("options") or {}).items()}
    text = case["jsonl"].encode("utf-8")
    want = tc.verify_jsonl(text, reg, **opts)
    n = len(text.splitlines())
    segs = line_segments(reg, text, [n // 3, 2 * n // 3], **opts)
    same_report(tc.stitch(segs, **opts), want, case["id"])
    same_report(protocol(segs, **opts), want, case["id"])
    # And random byte ranges of the same text, mid-line and empty ones.
    rnd = random.Random(case["id"])
    for _ in range(5):
        k = rnd.randint(1, 6)
        cuts = sorted(rnd.randint(0, len(text)) for _ in range(k - 1))
        bounds = [0] + cuts + [len(text)]
        ranges = list(zip(bounds, bounds[1:]))
        segs = byte_segments(reg, text, ranges, chunk=rnd.choice([None, 7, 100]), **opts)
        same_report(tc.stitch(segs, **opts), want, f"{case['id']} {ranges}")


KEY = tc.SecretKey.from_bytes(bytes([4]) * 32)
SIGNERS = json.dumps({"signers": [{"signerId": "kernel-signer",
                                   "publicKey": KEY.public_key().to_base64()}]})


def make_log(n, seed=0):
    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    return [w.append({"id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
                      "ts": f"2026-03-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z",
                      "event_type": "t", "actor": "a", "payload": {"n": i, "s": seed}}, KEY)
            for i in range(1, n + 1)]


def plant(rows, rnd):
    """Random breaks: deletions, swaps, duplicates, edits, garbage, truncation."""
    r = list(rows)
    for _ in range(rnd.randint(0, 4)):
        kind = rnd.choice(["delete", "swap", "dup", "edit", "garbage", "truncate", "blank"])
        i = rnd.randrange(len(r))
        if kind == "delete" and len(r) > 2:
            del r[i]
        elif kind == "swap" and i + 1 < len(r):
            r[i], r[i + 1] = r[i + 1], r[i]
        elif kind == "dup":
            r.insert(rnd.randrange(len(r) + 1), r[i])
        elif kind == "edit":
            r[i] = r[i].replace('"a"', '"b"')
        elif kind == "garbage":
            r.insert(i, "{not json")
        elif kind == "truncate":
            r = r[: max(1, i)]
        elif kind == "blank":
            r.insert(i, "")
    return r


def test_random_cuts_of_logs_with_random_breaks():
    reg = tc.SignerRegistry.from_json(SIGNERS)
    base = make_log(120)
    rnd = random.Random(14)
    head = json.loads(base[59])
    for trial in range(60):
        rows = plant(base, rnd)
        text = ("\n".join(rows) + rnd.choice(["\n", ""])).encode()
        opts = rnd.choice([{}, {"stop_at_first": True}, {"max_breaks": 1},
                           {"expected_head": {"hash": head["hash"], "seq": head["seq"]}},
                           {"track_ids": False}])
        want = tc.verify_jsonl(text, reg, **opts)
        k = rnd.randint(1, 9)
        cuts = sorted(rnd.randint(0, len(text)) for _ in range(k - 1))
        bounds = [0] + cuts + [len(text)]
        ranges = list(zip(bounds, bounds[1:]))
        segs = byte_segments(reg, text, ranges, chunk=rnd.choice([None, 1, 50, 4096]), **opts)
        same_report(tc.stitch(segs, **opts), want, f"trial {trial} {opts} {ranges}")
        same_report(protocol(segs, buckets=rnd.randint(1, 5), **opts), want, f"trial {trial}")


def test_split_bytes_covers_every_line_once():
    reg = tc.SignerRegistry.from_json(SIGNERS)
    rows = make_log(50)
    text = ("\n".join(rows) + "\n").encode()
    for parts in (1, 2, 3, 7, 50, 1000):
        ranges = tc.split_bytes(len(text), parts)
        assert ranges[0][0] == 0 and ranges[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
        segs = byte_segments(reg, text, ranges)
        assert sum(s.rows for s in segs) == 50
        same_report(tc.stitch(segs), tc.verify_jsonl(text, reg))
    assert tc.split_bytes(0, 4) == [(0, 0)]
    assert len(tc.split_bytes(3, 10)) == 3
    # The core's bounds, refused as Node and WASM refuse them (not clamped).
    for bad in (0, 2**24 + 1, 2**70):
        with pytest.raises(TypeError, match="parts must be an integer from 1 to 16777216"):
            tc.split_bytes(100, bad)


def test_id_bucket_counts_are_bounded_by_the_core():
    reg = tc.SignerRegistry.from_json('{"signers":[]}')
    seg = tc.SegmentVerifier(reg)
    seg.push_bytes(b"not a row\n")
    s = seg.finish()
    assert len(s.id_buckets(0, 2**20)) == 2**20
    for bad in (0, 2**20 + 1):
        with pytest.raises(TypeError, match="buckets must be an integer from 1 to 1048576"):
            s.id_buckets(0, bad)


def test_table_rows_and_row_dicts():
    reg = tc.SignerRegistry.from_json(SIGNERS)
    rows = make_log(30)
    segs = []
    for part in (rows[:10], rows[10:10], rows[10:]):
        v = tc.SegmentVerifier(reg)
        v.push_rows([json.loads(r) for r in part[:5]])
        for r in part[5:]:
            v.push_row(r)
        segs.append(v.finish())
    same_report(tc.stitch(segs), tc.verify_jsonl("\n".join(rows), reg))


def test_segment_bytes_round_trip_and_refusals():
    reg = tc.SignerRegistry.from_json(SIGNERS)
    v = tc.SegmentVerifier(reg)
    v.push_bytes("\n".join(make_log(10)))
    s = v.finish()
    b = s.to_bytes()
    again = tc.Segment.from_bytes(b)
    assert again.summary() == s.summary() and again.to_bytes() == b
    with pytest.raises(tc.ChainError) as e:
        tc.Segment.from_bytes(b[:-1])
    assert e.value.code == "invalid_state"
    with pytest.raises(tc.ChainError):
        v.finish()  # finished
    with pytest.raises(tc.ChainError):
        v.push_bytes(b"x")
    # A stitch refuses segments verified under other options.
    w = tc.SegmentVerifier(reg, max_breaks=3)
    w.push_bytes("\n".join(make_log(3)))
    other = w.finish()
    with pytest.raises(tc.ChainError) as e:
        tc.Stitcher([s.summary(), other.summary()], [])
    assert e.value.code == "invalid_state"
    with pytest.raises(tc.ChainError):
        tc.Stitcher(["{not json"], [])
    with pytest.raises(tc.ChainError):
        tc.duplicates([b"\x00" * 27])
    st = tc.Stitcher([s.summary()], [])
    with pytest.raises(tc.ChainError):
        st.finish([])  # no answer
    with pytest.raises(tc.OptionsError):
        tc.SegmentVerifier(reg, frobnicate=1)
    summary = json.loads(s.summary())
    assert summary["type"] == "trustcore.chain-segment/v1" and summary["rows"] == 10


def test_verifying_releases_the_gil():
    reg = tc.SignerRegistry.from_json(SIGNERS)
    text = ("\n".join(make_log(6000)) + "\n").encode()
    ticks = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=count)
    v = tc.SegmentVerifier(reg, threads=1)
    t.start()
    try:
        # The counter's rate alone (this thread asleep, so the GIL is free).
        a = ticks[0]
        time.sleep(0.2)
        rate = (ticks[0] - a) / 0.2
        before = ticks[0]
        t0 = time.monotonic()
        v.push_bytes(text)
        seg = v.finish()
        spent = time.monotonic() - t0
        during = ticks[0] - before
    finally:
        stop.set()
        t.join()
    assert seg.rows == 6000
    # The other thread kept running while the native verifier worked (with
    # the GIL held it would get at most a switch interval or two).
    assert during > 0.3 * rate * spent, (during, rate, spent)
