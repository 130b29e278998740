#!/usr/bin/env bash
# CI for the WASM binding: install what is missing, build pkg-node/ and
# pkg-web/ (release profile `wasm`), check the dependency graph, run the Node
# tests and the headless-browser test. Idempotent, non-interactive; exits
# non-zero on any failure.
#
#   bindings-wasm/ci.sh
#
# Slow only on a fresh machine: wasm-bindgen-cli is compiled once (≈7 min)
# into ${TRUSTCORE_TOOLS:-~/.cache/trustcore-tools}; chromium comes from apt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
start=$SECONDS
step() { printf '\n== %s (t=%ss)\n' "$*" "$((SECONDS - start))"; }

step "npm ci (binaryen for wasm-opt)"
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error </dev/null
else
    npm install --no-audit --no-fund --loglevel=error </dev/null
fi

step "build (wasm32-unknown-unknown, profile wasm, wasm-bindgen, wasm-opt -Oz)"
./build.sh </dev/null

# `ci.sh --build-only` (used by examples/demo.sh) stops after the build.
if [ "${1:-}" = "--build-only" ]; then exit 0; fi

step "dependency check: no getrandom or threads in the wasm build"
# Only the resolved normal dependencies for the wasm target count.
deps="$(cd .. && cargo tree -p trustcore-wasm --target wasm32-unknown-unknown -e normal --prefix none </dev/null)"
if grep -Ei '^(getrandom|rayon|wasm-bindgen-rayon|wasm-bindgen-futures) ' <<<"$deps"; then
    echo "forbidden crate in the wasm dependency graph" >&2
    exit 1
fi
echo "ok: $(sort -u <<<"$deps" | wc -l) crates, none of getrandom/rayon"

step "node tests (pkg-node)"
node --test test/*.test.mjs </dev/null 2>&1 | tail -n 9
# `tail` hides node's exit status; pipefail carries it through.

step "browser test (pkg-web in headless chromium)"
test/browser/run.sh </dev/null

step "done in $((SECONDS - start))s"
