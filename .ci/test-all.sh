#!/usr/bin/env bash
# Runs every test: Rust (fmt, clippy, unit + vectors + properties, docs),
# the Go checker, the Node, Python and WASM bindings (each runs the shared
# vectors), and a bounded fuzz run. Installs what it needs, idempotently.
# Usage: bash .ci/test-all.sh        (FUZZ_SECONDS=N to change fuzz time)
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cargo/bin:${TRUSTCORE_TOOLS:-$HOME/.cache/trustcore-tools}/bin:$PATH"

if [ ! -d ../shared/vectors ]; then
  echo "NOTE: ../shared/vectors is absent: the third-party RFC 8785 / ES6 number / Ed25519 data will not be run."
fi

# A real PostgreSQL for the CLI, appender and table tests, stopped at the end
# (also on failure or interrupt).
source .ci/pg.sh
if pg_start; then
  trap pg_stop EXIT
else
  echo "WARNING: PostgreSQL did not start: the PostgreSQL tests will fail."
fi

passed=0; failed=0; failed_names=()
# Each binding suite writes its report dump afresh; a stale one never counts.
rm -rf target/reports
step() {
  local name="$1"; shift
  echo
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0))s)"
  else
    failed=$((failed + 1)); failed_names+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0))s)"
  fi
}

rust_checks() {
  cargo fmt --all --check &&
  # docs/design.md#serde_json-features: nothing may enable serde_json's arbitrary_precision or preserve_order.
  ! cargo tree --workspace -e features -i serde_json 2>/dev/null | grep -E 'arbitrary_precision|preserve_order' &&
  cargo clippy --workspace --all-targets --quiet -- -D warnings &&
  RUSTDOCFLAGS="-D warnings" cargo doc -p trustcore --no-deps --quiet
}
rust_tests() { cargo test --workspace --quiet; }

versions() {
  # One version for everything: crate, npm packages, wheel.
  local v; v=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
  local bad=0
  for f in bindings-node/package.json bindings-wasm/package.json; do
    grep -q "\"version\": \"$v\"" "$f" || { echo "$f does not have version $v"; bad=1; }
  done
  grep -Eq "^version *= *\"$v\"|dynamic *= *\[.*version" bindings-python/pyproject.toml || { echo "bindings-python/pyproject.toml version drifts from $v"; bad=1; }
  [ $bad -eq 0 ] && echo "all packages at version $v"
}

vector_checks() {
  # The schemas in docs/ describe the vectors, and every generated vector file
  # is still what its independent generator writes: each
  # test-vectors/tools/gen_*.py, run into a copy of test-vectors/, must give
  # the committed files byte for byte (rfc8785, cryptography, pycryptodome,
  # blake3, jsonschema from PyPI, in a cached venv).
  local venv="${TRUSTCORE_TOOLS:-$HOME/.cache/trustcore-tools}/vectors-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || return 1
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check jsonschema rfc8785 cryptography pycryptodome blake3 || return 1
  "$venv/bin/python" test-vectors/tools/check_schemas.py &&
  "$venv/bin/python" test-vectors/tools/check_policy.py || return 1
  local gens=(test-vectors/tools/gen_*.py) gen out
  [ -e "${gens[0]}" ] || { echo "no generators in test-vectors/tools"; return 1; }
  for gen in "${gens[@]}"; do
    gen=$(basename "$gen")
    out=$(mktemp -d)
    cp -r test-vectors "$out/" || return 1
    "$venv/bin/python" "$out/test-vectors/tools/$gen" >"$out/log" 2>&1 || { echo "$gen failed:"; tail -20 "$out/log"; rm -rf "$out"; return 1; }
    diff -r -q test-vectors "$out/test-vectors" >/dev/null || { echo "$gen no longer reproduces the committed vectors"; diff -r test-vectors "$out/test-vectors" | head -20; rm -rf "$out"; return 1; }
    rm -rf "$out"
  done
  echo "vectors: schemas valid, ${#gens[@]} generators (${gens[*]##*/}) reproduce the committed files"
}

step "versions agree" versions
step "vectors: schemas and generators" vector_checks
step "rust: fmt, clippy, docs" rust_checks
step "rust: tests (unit, vectors, properties)" rust_tests
step "go: vector checker" bash test-vectors/go/run.sh
step "node binding" bash bindings-node/ci.sh
step "python binding" bash bindings-python/ci.sh
step "wasm binding (node + browser)" bash bindings-wasm/ci.sh
# Every chain, replay, merkle, checkpoint, policy and options vector gives
# the same report in Node, Python and WASM (the dumps the three suites wrote).
cross_suites() {
  # The three audit-verify commands on the same fixtures, and 8 Node + 4
  # Python appenders on one table (after the binding suites built them).
  local py=bindings-python/.venv/bin/python
  [ -x "$py" ] || { echo "bindings-python/.venv is missing (the python binding suite makes it)"; return 1; }
  "$py" -m pytest -q -p no:cacheprovider tests/cross
}
step "cross: three audit-verify commands, joint appenders" cross_suites
step "cross-binding reports" python3 .ci/compare_reports.py
step "fuzz (bounded)" bash .ci/fuzz.sh

echo
if [ $failed -ne 0 ]; then
  echo "failed suites: ${failed_names[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
