#!/usr/bin/env python3
"""The cross-binding report check (issue #16): every binding dumps the
report it gives for every chain, replay, merkle, checkpoint, policy and
options vector into target/reports/<binding>.json; this script asserts the
dumps are identical after key-case normalization (lowerCamelCase members
become snake_case; data such as rows already is snake_case).

Dump format, written by bindings-node/test/report-dump.mjs,
bindings-python/tests/report_dump.py and bindings-wasm/test/report-dump.mjs:

    {"binding": "node", "cases": {"<group>/<vector id>": <value>, ...}}

with groups `chain` (verify_jsonl of the case's jsonl with its options and
chain.json's registry: the whole report, messages included), `replay`
(replay of the case's rows from its start), `inclusion` and `consistency`
(merkle.json: {"valid": true} or {"valid": false, "error": <code or null>}),
`checkpoint` (checkpoint.json cases: the opened checkpoint report, or
{"error": {"kind", "code"}}), `policy` (policy.json cases: {"result":
<decision / explanation / impact value>} or {"error": {"kind", "code"}}),
`options` (options.json cases: {"ok": true} or {"error": {"kind",
"code"}}), `profiles` (every profiles.json chain case verified under its
profile: the whole report) and `segments` (every chain.json verify case cut
into three segments at rows n/3 and 2n/3, verified apart and stitched: the
report, which must also be the `chain` one). Every group must be there.

Usage: python3 .ci/compare_reports.py [dir]   (default target/reports)
"""
import json
import os
import re
import sys

KIND_ALIASES = {"InvalidKeyError": "KeyError"}
GROUPS = ("chain", "replay", "inclusion", "consistency", "checkpoint", "policy", "options", "profiles", "segments")


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def norm(v, key=None):
    if isinstance(v, dict):
        return {snake(k): norm(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if key == "kind" and isinstance(v, str):
        return KIND_ALIASES.get(v, v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "target", "reports")
    dumps = {}
    skipped = {}
    for name in ("node", "python", "wasm"):
        path = os.path.join(root, name + ".json")
        if not os.path.exists(path):
            print("compare_reports: %s is missing (did the %s suite run?)" % (path, name))
            return 1
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        dumps[name] = {k: norm(v) for k, v in doc["cases"].items()}
        # A binding may leave out a case it has no call for (WASM has no
        # ChainWriter), but it must say so, and say why.
        skipped[name] = {}
        for s in doc.get("skipped", []):
            if isinstance(s, str):
                skipped[name][s] = doc.get("skipped_reason", "the binding has no call for it")
            else:
                skipped[name][s["case"]] = s.get("reason", "")
    ref = dumps["python"]
    groups = sorted({k.split("/", 1)[0] for k in ref})
    bad = 0
    for name, d in dumps.items():
        have = {k.split("/", 1)[0] for k in d}
        absent = [g for g in GROUPS if g not in have]
        if absent:
            bad += 1
            print("%s: no cases in groups %s" % (name, absent))
    # A stitched report is the one-pass report (issue #14).
    for name, d in dumps.items():
        for k, v in d.items():
            if k.startswith("segments/"):
                one = d.get("chain/" + k.split("/", 1)[1])
                if one is not None and one != v:
                    bad += 1
                    if bad <= 20:
                        print("%s: the stitched report of %s is not the one-pass report" % (name, k))
    for name, d in dumps.items():
        missing = sorted(k for k in set(ref) ^ set(d) if k not in skipped[name] and k not in skipped["python"])
        unexplained = [k for k, why in skipped[name].items() if not why]
        if unexplained:
            bad += 1
            print("%s: skipped cases without a reason: %s" % (name, unexplained[:10]))
        if missing:
            bad += 1
            print("%s: case sets differ from python's: %s" % (name, missing[:10]))
        for k in sorted(set(ref) & set(d)):
            if d[k] != ref[k]:
                bad += 1
                if bad <= 20:
                    print("%s differs from python on %s:\n  %s: %s\n  python: %s" % (
                        name, k, name, json.dumps(d[k], sort_keys=True)[:600], json.dumps(ref[k], sort_keys=True)[:600]))
    counts = {g: sum(1 for k in ref if k.startswith(g + "/")) for g in groups}
    if bad:
        print("compare_reports: %d differences" % bad)
        return 1
    notes = "; ".join("%s skips %d (%s)" % (n, len(s), sorted(set(s.values()))[0]) for n, s in skipped.items() if s)
    print("compare_reports: node, python and wasm give identical reports on %d cases (%s)%s" % (
        len(ref), ", ".join("%s %d" % (g, n) for g, n in counts.items()), "; " + notes if notes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
