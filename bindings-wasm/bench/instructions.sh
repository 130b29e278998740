#!/usr/bin/env bash
# Instructions per canonicalizeText call in a module (the verify module by
# default), counted by valgrind over Node with TurboFan only (no Liftoff,
# no lazy compilation), so the count is the optimized code's and stable on
# a loaded machine, where timings are not. Needs valgrind, the corpus
# (python3 benches/gen_corpus.py) and ./build.sh.
#   bash bench/instructions.sh [module dir]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-$here/../pkg-verify}"
n=20000
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        node --no-liftoff --no-wasm-lazy-compilation "$here/call-cost.mjs" "$1" "$2" "$dir" 2>&1 |
        sed -n 's/.*I   refs: *//p' | tr -d ,
}
for what in bytes string tiny; do
    base=$(count "$what" 0)
    total=$(count "$what" "$n")
    echo "$what: $(( (total - base) / n )) instructions per call"
done
