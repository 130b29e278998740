"""Verification speed under each built-in chain profile (#10, part 7).

Usage:
  python bench/bench_profiles.py [--events N] [--row-bytes B] [--threads T] [--runs R]

For every built-in profile (`trustcore.builtin_profiles()`), writes N rows of
the same size (B bytes each, within a few bytes: the payload is padded) with
`ChainWriter(profile=...).append_row`, then times `verify_jsonl(text,
registry, profile=name, threads=T)` (best of R runs) and reports events/s
and MB/s with the ratio to `trustcore/v1` on the same-size rows. Target
(issue #10): every profile within 10 % of trustcore/v1 (ratio >= 0.90).
"""

import argparse
import json
import platform
import time

import trustcore as tc

SK = tc.SecretKey.from_bytes(bytes(range(32)))
SIGNER = "kernel-signer"


def registry():
    return tc.SignerRegistry.from_json(json.dumps(
        {"signers": [{"signerId": SIGNER, "publicKey": SK.public_key().to_base64()}]}))


def body(profile, i, pad):
    c = profile["columns"]
    b = {c["id"]: f"6f1c2a4e-0000-4000-8000-{i:012d}",
         c["ts"]: f"2026-03-01T{12 + i // 3600 % 12:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
         c["payload"]: {"n": i, "pad": "x" * pad}}
    if c.get("eventType"):
        b[c["eventType"]] = "allocation.approved"
    if c.get("actor"):
        b[c["actor"]] = "svc:kernel-api"
    return b


def chain(name, n, row_bytes):
    w = tc.ChainWriter(SIGNER, SK.public_key(), profile=name)
    # The second row: the first one has the genesis spelling of prev_hash.
    p = tc.ChainWriter(SIGNER, SK.public_key(), profile=name)
    probe = [p.append_row(body(w.profile, i, 0), SK) for i in (1, 2)][1]
    pad = max(0, row_bytes - len(probe.encode()))
    rows = [w.append_row(body(w.profile, i, pad), SK) for i in range(1, n + 1)]
    return ("\n".join(rows) + "\n").encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--row-bytes", type=int, default=700)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    reg = registry()
    opts = {} if a.threads is None else {"threads": a.threads}
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{a.events} rows of ~{a.row_bytes} bytes, threads={a.threads or 'all'}, best of {a.runs}")
    results = {}
    for name in tc.builtin_profiles():
        text = chain(name, a.events, a.row_bytes)
        best = float("inf")
        for _ in range(a.runs):
            t0 = time.perf_counter()
            r = tc.verify_jsonl(text, reg, profile=name, **opts)
            best = min(best, time.perf_counter() - t0)
            assert r["valid"] and r["count"] == a.events, r
        results[name] = (a.events / best, len(text) / best / 1e6, len(text) / a.events)
    base = results["trustcore/v1"][0]
    print(f"{'profile':<16} {'row bytes':>9} {'events/s':>10} {'MB/s':>7} {'vs v1':>6}")
    for name, (eps, mbs, size) in results.items():
        print(f"{name:<16} {size:>9.0f} {eps:>10.0f} {mbs:>7.1f} {eps / base:>6.2f}")


if __name__ == "__main__":
    main()
