"""Segments on Dask (#14): one worker process against two, per-segment
overhead (summary size) and the stitch time for 10,000 segments.

    python bench/bench_dask.py [--events 1000000] [--files 16] [--dir DIR]

The log (EVENTS events in FILES files, one signing key) is written once into
DIR (a temporary folder by default) with the Python writer. Each run is
`trustcore.dask.verify` on a fresh `LocalCluster(n_workers=N,
threads_per_worker=1, processes=True)`, after a warm-up on the same cluster;
the ratio is the two-worker rate over the one-worker rate. The stitch is
timed on the client for 10,000 one-row segments (Stitcher, then the answers
made in place, then finish). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import trustcore as tc
import trustcore.dask as tdask

KEY = tc.SecretKey.from_bytes(bytes([4]) * 32)
SIGNERS = json.dumps({"signers": [{"signerId": "kernel-signer",
                                   "publicKey": KEY.public_key().to_base64()}]})


def body(i):
    return {"id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
            "ts": f"2026-03-{1 + (i // 86400) % 28:02d}T{(i // 3600) % 24:02d}:"
                  f"{(i // 60) % 60:02d}:{i % 60:02d}Z",
            "event_type": "manifest.signed", "actor": "svc:kernel", "payload": {"n": i}}


def make_log(d, events, files):
    paths = [os.path.join(d, f"part-{f:02d}.jsonl") for f in range(files)]
    if all(os.path.exists(p) for p in paths):
        return paths
    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    per, i = events // files, 0
    for f, p in enumerate(paths):
        n = per if f < files - 1 else events - per * (files - 1)
        lines = []
        for _ in range(n):
            i += 1
            lines.append(w.append(body(i), KEY))
        with open(p, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    return paths


def run_cluster(n, paths, events):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                      dashboard_address=None) as lc, Client(lc) as c:
        tdask.verify(paths[:1], SIGNERS, client=c)  # warm-up: imports, the registry
        t = time.perf_counter()
        r = tdask.verify(paths, SIGNERS, client=c)
        dt = time.perf_counter() - t
    assert r["valid"] and r["count"] == events, r["break_counts"]
    return dt


def stitch_cost(n):
    reg = tc.SignerRegistry.from_json(SIGNERS)
    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    segs = []
    for i in range(1, n + 1):
        v = tc.SegmentVerifier(reg)
        v.push_row(w.append(body(i), KEY))
        segs.append(v.finish())
    sums = [s.summary() for s in segs]
    t0 = time.perf_counter()
    parts = [s.id_buckets(k, 4) for k, s in enumerate(segs)]
    dups = sorted(d for b in range(4) for d in tc.duplicates([p[b] for p in parts]))
    t1 = time.perf_counter()
    st = tc.Stitcher(sums, dups)
    t2 = time.perf_counter()
    answers = [segs[k].answer(q) for k, q in zip(st.segments(), st.requests())]
    t3 = time.perf_counter()
    r = st.finish(answers)
    t4 = time.perf_counter()
    assert r["valid"] and r["count"] == n
    return {"segments": n, "duplicates_s": round(t1 - t0, 3), "plan_s": round(t2 - t1, 3),
            "answers_s": round(t3 - t2, 3), "finish_s": round(t4 - t3, 3),
            "stitch_s (plan + finish)": round(t2 - t1 + t4 - t3, 3),
            "summary_bytes_mean": round(statistics.mean(len(s) for s in sums)),
            "request_bytes_mean": round(statistics.mean(len(q) for q in st.requests())),
            "answer_bytes_mean": round(statistics.mean(len(a) for a in answers))}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--dir")
    ap.add_argument("--stitch-segments", type=int, default=10_000)
    a = ap.parse_args(argv)
    d = a.dir or tempfile.mkdtemp(prefix="trustcore-bench-dask-")
    os.makedirs(d, exist_ok=True)
    t = time.perf_counter()
    paths = make_log(d, a.events, a.files)
    gen = time.perf_counter() - t
    print(f"generated in {gen:.1f} s", file=sys.stderr)
    one = run_cluster(1, paths, a.events)
    print(f"one worker: {one:.2f} s", file=sys.stderr)
    two = run_cluster(2, paths, a.events)
    print(f"two workers: {two:.2f} s", file=sys.stderr)
    reg = tc.SignerRegistry.from_json(SIGNERS)
    v = tc.SegmentVerifier(reg)
    with open(paths[0], "rb") as f:
        v.push_bytes(f.read())
    seg = v.finish()
    out = {
        "events": a.events, "files": a.files, "generate_s": round(gen, 1),
        "one_worker_s": round(one, 2), "one_worker_events_per_s": round(a.events / one),
        "two_workers_s": round(two, 2), "two_workers_events_per_s": round(a.events / two),
        "ratio_two_over_one": round(one / two, 2),
        "summary_bytes_of_a_valid_file_segment": len(seg.summary()),
        "segment_bytes_per_row": round(len(seg.to_bytes()) / seg.rows, 1),
        "stitch": stitch_cost(a.stitch_segments),
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
