#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (FUZZ_SECONDS each, default 15).
# Works on the stable toolchain through RUSTC_BOOTSTRAP=1 (no nightly needed).
# Crash inputs land in core/fuzz/artifacts/ (gitignored); turn a real one into
# a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/../core/fuzz"
secs="${FUZZ_SECONDS:-15}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --quiet
# Every [[bin]] in core/fuzz/Cargo.toml is a target: a new one is fuzzed
# without editing this script.
targets=$(sed -n 's/^name = "\(.*\)"/\1/p' Cargo.toml | grep -v '^trustcore-fuzz$')
for t in $targets; do
  echo "fuzz: $t for ${secs}s"
  log="$(mktemp)"
  rc=0
  # The target's corpus (kept between runs, gitignored) and its checked-in
  # seeds (core/fuzz/seeds/<target>/: documents from the vectors, so a
  # short run starts from inputs that reach past the first parse).
  dirs=("corpus/$t")
  mkdir -p "corpus/$t"
  [ -d "seeds/$t" ] && dirs+=("seeds/$t")
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "${dirs[@]}" -- -max_total_time="$secs" >"$log" 2>&1 || rc=$?
  grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true
  if [ "$rc" -ne 0 ]; then
    tail -60 "$log"
    echo "fuzz: $t failed (exit $rc); crash inputs, if any, are in core/fuzz/artifacts/$t/"
    exit 1
  fi
  rm -f "$log"
done
echo "fuzz: all targets clean"
