#!/usr/bin/env python3
"""Prints the last Criterion results of `cargo bench -p trustcore-benches`
as a table (median time, throughput, and ratios against the peers).

    python3 benches/summarize.py [target-dir]    # default: <repo>/target
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "target")
ROOT = os.path.join(TARGET, "criterion")


def load(group, bench):
    base = os.path.join(ROOT, group, bench, "new")
    try:
        with open(os.path.join(base, "estimates.json")) as f:
            est = json.load(f)
        with open(os.path.join(base, "benchmark.json")) as f:
            meta = json.load(f)
    except OSError:
        return None
    ns = est["median"]["point_estimate"]
    tp = (meta.get("throughput") or {}).get("Bytes")
    mibs = tp / (ns / 1e9) / (1 << 20) if tp else None
    return ns, mibs


def fmt_time(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return "%.3g %s" % (ns / div, unit)
    return "%.3g ns" % ns


def main():
    if not os.path.isdir(ROOT):
        sys.exit("no results under %s; run cargo bench -p trustcore-benches first" % ROOT)
    for group in sorted(os.listdir(ROOT)):
        gdir = os.path.join(ROOT, group)
        if not os.path.isdir(gdir) or group == "report":
            continue
        rows = []
        for dirpath, dirnames, filenames in os.walk(gdir):
            if os.path.basename(dirpath) == "new" and "estimates.json" in filenames:
                bench = os.path.relpath(os.path.dirname(dirpath), gdir)
                r = load(group, bench)
                if r:
                    rows.append((bench, r))
        if not rows:
            continue
        print("## %s" % group)
        ref = dict(rows)
        ours = ref.get("trustcore_canonicalize_text")
        for bench, (ns, mibs) in sorted(rows):
            extra = ""
            if ours and bench.startswith("serde") and group in ("events", "large"):
                extra = "  trustcore_canonicalize_text is %.1fx faster" % (ns / ours[0])
            print("  %-48s %10s  %10s%s" % (
                bench, fmt_time(ns), "%.1f MiB/s" % mibs if mibs else "", extra))
        print()


if __name__ == "__main__":
    main()
