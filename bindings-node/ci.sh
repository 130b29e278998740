#!/usr/bin/env bash
# CI for the Node binding: install dev dependencies, build the native addon in
# release mode, typecheck, run the tests, write the cross-binding report dump
# (target/reports/node.json) and run the binding-boundary fuzzer
# (FUZZ_SECONDS, default 30). Idempotent and non-interactive.
# Needs: Rust (cargo), Node >= 18 with npm. Runs from any working directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export CI="${CI:-true}"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm_config_update_notifier=false

command -v cargo >/dev/null || { echo "ci.sh: cargo not found (install Rust)" >&2; exit 1; }
command -v node >/dev/null || { echo "ci.sh: node not found" >&2; exit 1; }

echo "== npm ci"
# `npm ci` refuses a lock file that lacks platform-specific optional packages
# the registry mirror here does not serve (e.g. @napi-rs/lzma-darwin-x64);
# then install from the same lock without rewriting it.
have_deps=true
for dep in @napi-rs/cli canonicalize @noble/ed25519 @types/node typescript pg pg-cursor; do
  [ -d "node_modules/$dep" ] || have_deps=false
done
if $have_deps; then
  echo "node_modules present"
elif ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/trustcore-npm-ci.$$; then
  grep -m3 -E "Missing|error" /tmp/trustcore-npm-ci.$$ >&2 || true
  echo "npm ci failed; falling back to npm install --no-save" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
rm -f /tmp/trustcore-npm-ci.$$

echo "== build (release)"
npm run --silent build

# `ci.sh --build-only` (used by examples/demo.sh) stops after the build.
if [ "${1:-}" = "--build-only" ]; then exit 0; fi

# PostgreSQL (#11): the pg and cli tests need a server (.ci/pg.sh starts one
# and exports TRUSTCORE_PG_URL); never started here.
if [ -z "${TRUSTCORE_PG_URL:-}" ]; then
  if [ "${TRUSTCORE_SKIP_PG:-}" = "1" ]; then
    echo "SKIPPED: the PostgreSQL tests (TRUSTCORE_SKIP_PG=1)"
  else
    echo "ci.sh: TRUSTCORE_PG_URL is not set: give the URL of a scratch PostgreSQL server (.ci/pg.sh starts one), or TRUSTCORE_SKIP_PG=1 to skip the PostgreSQL tests" >&2
    exit 1
  fi
fi

echo "== build the Rust trustcore binary (the CLI tests compare npx trustcore with it)"
(cd .. && cargo build --quiet -p trustcore-cli)
export TRUSTCORE_RUST_CLI="$(cd .. && pwd)/target/debug/trustcore"

echo "== typecheck (index.d.ts + the generated native.d.ts against test/types/usage.ts)"
npm run --silent typecheck

echo "== test"
npm test

echo "== example: examples/node/snapshot_kms.mjs (a KMS-signed snapshot of a gzipped batch in examples/out/snapshot/, which examples/python/verify_snapshot.py verifies)"
node ../examples/node/snapshot_kms.mjs

echo "== report dump (target/reports/node.json, compared by .ci/compare_reports.py)"
node test/report-dump.mjs
reports="$(cd .. && pwd)/target/reports"
if [ -f "$reports/python.json" ] && [ -f "$reports/wasm.json" ]; then
  # Informational here: the other dumps may be from an older run.
  python3 ../.ci/compare_reports.py "$reports" || echo "compare_reports: differences (the other dumps may be stale; .ci runs every binding first)"
fi

echo "== fuzz (${FUZZ_SECONDS:-30}s: random values into every export and class method)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" node fuzz/fuzz.mjs
