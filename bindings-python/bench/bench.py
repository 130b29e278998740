"""Throughput of trustcore's Python binding against PyPI `rfc8785`.

Usage: python bench/bench.py [--corpus DIR] [--seconds S]

Reads DIR/events.jsonl (one small event per line) and DIR/large.json (one
document of a megabyte or more); DIR defaults to ../benches/corpus at the
repository root and is produced by `python3 benches/gen_corpus.py` (run here
when the corpus is missing). Prints a markdown table: ops/s, MB/s of JSON
input, and speed relative to `rfc8785.dumps(json.loads(s))`.

Every candidate's output is first checked to be byte-identical to rfc8785's.
"""

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import rfc8785

import trustcore

REPO = Path(__file__).resolve().parents[2]


def load_corpus(corpus: Path):
    events = corpus / "events.jsonl"
    large = corpus / "large.json"
    if not (events.is_file() and large.is_file()):
        gen = REPO / "benches" / "gen_corpus.py"
        if corpus == REPO / "benches" / "corpus" and gen.is_file():
            print(f"corpus missing; running {gen}", file=sys.stderr)
            subprocess.run([sys.executable, str(gen)], cwd=REPO, check=True)
        if not (events.is_file() and large.is_file()):
            sys.exit(f"corpus missing: need {events} and {large} (python3 benches/gen_corpus.py)")
    lines = [ln for ln in events.read_text(encoding="utf-8").split("\n") if ln.strip()]
    return {"events.jsonl": lines, "large.json": [large.read_text(encoding="utf-8")]}


def candidates(docs_str):
    """(name, function over one input, inputs) per candidate."""
    docs_bytes = [s.encode("utf-8") for s in docs_str]
    loads = json.loads
    ct, cv = trustcore.canonicalize_text, trustcore.canonicalize
    dumps = rfc8785.dumps
    values = [loads(s) for s in docs_str]
    return [
        ("rfc8785.dumps(json.loads(s))", lambda s: dumps(loads(s)), docs_str, True),
        ("trustcore.canonicalize_text(bytes)", ct, docs_bytes, True),
        ("trustcore.canonicalize_text(str)", ct, docs_str, True),
        ("trustcore.canonicalize(json.loads(s))", lambda s: cv(loads(s)), docs_str, True),
        # json.loads alone bounds the row above: the value path cannot be
        # faster than Python's own parser.
        ("json.loads(s) alone", loads, docs_str, True),
        # Value-only rows: the value is parsed beforehand.
        ("rfc8785.dumps(v) (v pre-parsed)", dumps, values, False),
        ("trustcore.canonicalize(v) (v pre-parsed)", cv, values, False),
    ]


def check_identical(docs_str):
    for s in docs_str:
        want = rfc8785.dumps(json.loads(s))
        got = (
            trustcore.canonicalize_text(s.encode()),
            trustcore.canonicalize_text(s),
            trustcore.canonicalize(json.loads(s)),
        )
        if any(g != want for g in got):
            sys.exit(f"output differs from rfc8785 for input {s[:120]!r}...")


def measure(fn, inputs, seconds):
    """Best of 3 runs of >= seconds/3 each; returns seconds per pass over inputs."""
    best = float("inf")
    for _ in range(3):
        passes = 0
        start = time.perf_counter()
        while True:
            for x in inputs:
                fn(x)
            passes += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / 3:
                break
        best = min(best, elapsed / passes)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO / "benches" / "corpus")
    ap.add_argument("--seconds", type=float, default=1.5, help="time per candidate")
    args = ap.parse_args()

    corpora = load_corpus(args.corpus.resolve())
    print(
        f"trustcore {trustcore.__version__}, rfc8785 {getattr(rfc8785, '__version__', '?')}, "
        f"Python {platform.python_version()} ({platform.machine()})\n"
    )
    print("| corpus | candidate | ops/s | MB/s | vs rfc8785 |")
    print("|---|---|---:|---:|---:|")
    for name, docs in corpora.items():
        check_identical(docs)
        nbytes = sum(len(s.encode("utf-8")) for s in docs)
        baseline = None
        baseline_value = None
        for label, fn, inputs, full in candidates(docs):
            per_pass = measure(fn, inputs, args.seconds)
            if label.startswith("rfc8785.dumps(json"):
                baseline = per_pass
            elif label.startswith("rfc8785.dumps(v"):
                baseline_value = per_pass
            ref = baseline if full else baseline_value
            ops = len(inputs) / per_pass
            mbs = nbytes / per_pass / 1e6
            print(
                f"| {name} ({nbytes / len(docs):,.0f} B/doc) | {label} | {ops:,.0f} | "
                f"{mbs:,.1f} | {ref / per_pass:.1f}x |"
            )


if __name__ == "__main__":
    main()
