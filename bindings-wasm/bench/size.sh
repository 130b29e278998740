#!/usr/bin/env bash
# What each crate costs in the verify module as shipped: the module cargo
# wrote (after ./build.sh) goes through wasm-bindgen and `wasm-opt -Oz` as
# in build.sh, but keeping the function names (--keep-debug, -g), so that
# twiggy sees what is really shipped (wasm-bindgen's descriptors and what
# wasm-opt removes are gone; what it inlined is counted where it landed).
#
#   bash bench/size.sh [full|verify]     (default verify; needs twiggy:
#                                         cargo install twiggy --root ~/.cache/trustcore-tools)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
flavor="${1:-verify}"
tools="${TRUSTCORE_TOOLS:-$HOME/.cache/trustcore-tools}"
raw="$here/../target/wasm-$flavor/wasm32-unknown-unknown/wasm/trustcore_wasm.wasm"
[ -f "$raw" ] || { echo "size.sh: $raw missing: run ./build.sh first" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$tools/bin/wasm-bindgen" --keep-debug --target web --out-dir "$out" --out-name m "$raw"
source "$here/wasm-opt-features.sh"
"$here/node_modules/.bin/wasm-opt" -Oz -g "${wasm_opt_features[@]}" \
    "$out/m_bg.wasm" -o "$out/named.wasm"
"$tools/bin/twiggy" top -n 1000000 --format json "$out/named.wasm" > "$out/top.json"
python3 "$here/bench/size.py" "$out/top.json"
