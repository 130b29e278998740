#!/usr/bin/env bash
# CI for the WASM binding: install what is missing, build pkg-node/ and
# pkg-web/ (the full module) and pkg-verify/ (the control-panel app's),
# check the dependency graph and the verify module's size, run the Node
# tests, type-check the declarations, fuzz the boundary (FUZZ_SECONDS,
# default 30), write the cross-binding report dump, run the headless-browser
# test and the app's Playwright suite (screenshots: ../target/artifacts/app-{result,policy,snapshot,narrow}.png). Idempotent, non-interactive; exits non-zero on any
# failure.
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

step "npm ci (binaryen for wasm-opt, typescript for the declarations check)"
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
# The core's `parallel` (std threads) and `os-rng` (getrandom) features stay off.
features="$(cd .. && cargo tree -p trustcore-wasm --target wasm32-unknown-unknown -e normal,features -i trustcore --prefix none </dev/null)"
if grep -E '^trustcore feature "(parallel|os-rng)"' <<<"$features"; then
    echo "trustcore's parallel/os-rng feature is enabled in the wasm build" >&2
    exit 1
fi
echo "ok: trustcore without parallel/os-rng"

step "node tests (pkg-node)"
node --test test/*.test.mjs </dev/null 2>&1 | tail -n 9
# `tail` hides node's exit status; pipefail carries it through.

step "typescript: test/types/usage.ts against the generated pkg-web .d.ts (tsc --strict)"
node_modules/.bin/tsc -p test/types/tsconfig.json </dev/null

step "fuzz: hostile JS values into every export and class method (FUZZ_SECONDS=${FUZZ_SECONDS:-30})"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" node test/fuzz/run.mjs </dev/null

step "cross-binding report dump: ../target/reports/wasm.json (checked by .ci/compare_reports.py)"
node test/report-dump.mjs </dev/null

step "fixture: test/fixtures/event-in-checkpoint.json is what its generator writes"
# Needs the Node addon (bindings-node/ci.sh) to sign; without it the script
# says so and test/fixtures.test.mjs still checks every unsigned part of the
# fixture and its signatures against the shared vectors.
node test/fixtures/gen_event_checkpoint.mjs --check </dev/null

step "example: examples/wasm/verify_event.mjs"
node ../examples/wasm/verify_event.mjs </dev/null >/dev/null

step "browser test (pkg-web in headless chromium)"
test/browser/run.sh </dev/null

step "the control-panel app in Chromium (Playwright): test/browser/app.test.mjs"
# Debian's chromium (playwright-core never downloads a browser); the
# fixtures (a 100,000-event export, ...) are made once into ../target/app-fixtures.
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
fi
node --test --test-concurrency=1 test/browser/app.test.mjs </dev/null 2>&1 | tee ../target/app-test.log | grep -E '^(# (tests|pass|fail) |not ok|# THROUGHPUT )|^\s+(error|expected|actual):' || true
grep -q '^# fail 0$' ../target/app-test.log
for shot in app-result app-policy app-snapshot app-narrow; do test -s "../target/artifacts/$shot.png"; done
grep -q '^# THROUGHPUT {' ../target/app-test.log

step "done in $((SECONDS - start))s"
