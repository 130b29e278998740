"""Audit-chain verification speed and memory.

Usage:
  python bench/bench_chain.py [--events N] [--big N] [--no-big]

1. events/s of `verify_jsonl` and of `ChainVerifier.feed` (1 MiB chunks) on a
   chain of ~700-byte events, against the naive Python loop over the same
   chain (per event: json.loads, drop hash/signature, rfc8785.dumps,
   hashlib.sha256, check the link, cryptography Ed25519 verify of the
   signing input). Target: >= 7x the naive loop.
2. A 1,000,000-event chain (generated once with ChainWriter.append and
   cached under /tmp), verified by streaming 1 MiB chunks in a fresh
   process; reports events/s and peak RSS (ru_maxrss). Target: < 64 MB.
"""

import argparse
import base64
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import trustcore as tc

SEED = bytes(range(32))
SK = tc.SecretKey.from_bytes(SEED)
SIGNER = "kernel-signer"
CHUNK = 1 << 20
CACHE = Path(os.environ.get("TRUSTCORE_BENCH_DIR", "/tmp/trustcore-bench"))


def registry():
    rec = {"signerId": SIGNER, "publicKey": SK.public_key().to_base64()}
    return tc.SignerRegistry.from_json(json.dumps({"signers": [rec]}))


def body(i):
    """An event whose row is about 700 bytes."""
    return {
        "id": f"6f1c2a4e-{(i >> 48) & 0xFFFF:04x}-4000-8000-{i & 0xFFFFFFFFFFFF:012x}",
        "ts": "2026-03-01T12:00:00Z",
        "event_type": "allocation.approved",
        "actor": "svc:kernel-api",
        "payload": {
            "allocation": {"amount": 1250.75 + i, "currency": "EUR", "project": f"prj-{i % 997}"},
            "manifest": "sha256:" + hashlib.sha256(str(i).encode()).hexdigest(),
            "note": "approved by the allocation committee",
            "request": {"method": "POST", "path": "/kernel/allocate", "trace": f"{i:032x}"},
        },
    }


def write_chain(path, n):
    w = tc.ChainWriter(SIGNER, SK.public_key())
    tmp = path.with_suffix(f".{os.getpid()}.part")
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(w.append(body(i + 1), SK))
            f.write("\n")
    tmp.rename(path)


def chain_file(n):
    CACHE.mkdir(parents=True, exist_ok=True)
    # Not the Node bench's file name: the two sign with different keys.
    path = CACHE / f"py-chain-{n}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        write_chain(path, n)
        print(f"  wrote {n:,} events to {path} in {time.perf_counter() - t:.1f} s "
              f"({n / (time.perf_counter() - t):,.0f} appends/s)")
    return path


def naive_verify(lines, public_key_raw):
    import rfc8785
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(public_key_raw)
    prev = "0" * 64
    bad = 0
    for line in lines:
        row = json.loads(line)
        h = row.pop("hash")
        sig = row.pop("signature")
        if hashlib.sha256(rfc8785.dumps(row)).hexdigest() != h or row["prev_hash"] != prev:
            bad += 1
        signing_input = rfc8785.dumps({
            "alg": "ed25519",
            "kind": "trustcore.audit-event",
            "payload": {"hash": "sha256:" + h},
            "signer": row["signer_id"],
            "type": "trustcore.signing-input/v1",
        })
        try:
            key.verify(base64.b64decode(sig), signing_input)
        except InvalidSignature:
            bad += 1
        prev = h
    return bad


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def speed(n, repeat):
    path = chain_file(n)
    data = path.read_bytes()
    lines = data.splitlines()
    print(f"chain: {n:,} events, {len(data) / n:.0f} bytes/event average")
    reg = registry()
    results = {}

    def one_call(threads):
        r = tc.verify_jsonl(data, reg, threads=threads)
        assert r["valid"] and r["rows"] == n, r["breaks"][:1]

    def streamed(threads):
        v = tc.ChainVerifier(reg, threads=threads)
        for i in range(0, len(data), CHUNK):
            v.feed(data[i : i + CHUNK])
        assert v.finish()["valid"]

    cores = os.cpu_count() or 1
    for name, fn in [
        ("verify_jsonl, 1 thread", lambda: one_call(1)),
        (f"verify_jsonl, all cores ({cores})", lambda: one_call(None)),
        ("ChainVerifier.feed 1 MiB, 1 thread", lambda: streamed(1)),
        (f"ChainVerifier.feed 1 MiB, all cores ({cores})", lambda: streamed(None)),
    ]:
        t = best(fn, repeat)
        results[name] = n / t
    try:
        assert naive_verify(lines[:10], SK.public_key().to_bytes()) == 0
        t = best(lambda: naive_verify(lines, SK.public_key().to_bytes()), 1)
        naive = n / t
    except ImportError as e:
        naive = None
        print(f"  naive loop skipped: {e}")
    width = max(map(len, results)) + 2
    if naive:
        print(f"  {'naive Python loop (rfc8785 + cryptography)':<{width}} {naive:>12,.0f} events/s")
    for name, rate in results.items():
        ratio = f"  {rate / naive:5.1f}x naive" if naive else ""
        print(f"  {name:<{width}} {rate:>12,.0f} events/s{ratio}")
    return results, naive


def vm_hwm_kb():
    """This process's own peak RSS (Linux VmHWM; ru_maxrss also counts the
    parent's peak when the process was forked from a large one)."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def big_child(path):
    """Runs in a fresh process: streams the file, prints JSON."""
    reg = registry()
    rss0 = vm_hwm_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    v = tc.ChainVerifier(reg, track_ids=True)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            v.feed(chunk)
    report = v.finish()
    elapsed = time.perf_counter() - t
    print(json.dumps({"valid": report["valid"], "rows": report["rows"], "seconds": elapsed,
                      "rss_before_kb": rss0, "vm_hwm_kb": vm_hwm_kb(),
                      "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def big(n):
    path = chain_file(n)
    size = path.stat().st_size
    out = subprocess.run([sys.executable, __file__, "--child", str(path)],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"{n:,}-event file ({size / 1e6:,.0f} MB) streamed in 1 MiB chunks: "
          f"valid={r['valid']} rows={r['rows']:,} in {r['seconds']:.1f} s "
          f"({r['rows'] / r['seconds']:,.0f} events/s)")
    peak = r["vm_hwm_kb"] or r["ru_maxrss_kb"]
    print(f"  peak RSS {peak / 1024:.1f} MB (VmHWM; ru_maxrss {r['ru_maxrss_kb'] / 1024:.1f} MB; "
          f"interpreter + trustcore imported: {r['rss_before_kb'] / 1024:.1f} MB; "
          f"track_ids keeps 16 bytes per id)")
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--child")
    a = ap.parse_args()
    if a.child:
        big_child(a.child)
        return
    print(f"trustcore {tc.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    speed(a.events, a.repeat)
    if not a.no_big:
        big(a.big)


if __name__ == "__main__":
    main()
