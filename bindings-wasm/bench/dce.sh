#!/usr/bin/env bash
# How big the verify module would be if it exported only some of its
# functions: `wasm-metadce` (npm `binaryen`) keeps the exports whose names
# match the pattern (plus wasm-bindgen's own: memory, `__*`, the `_free`s)
# and removes what only the others reach, then `wasm-opt -Oz` as in
# build.sh. Prints the gzipped (-9, as the README's size figures) and raw
# bytes. A measurement for deciding how to split the module, not a build.
#
#   bash bench/dce.sh 'duplicates|segmentverifier_.*|signerregistry_.*'
#
# Export names are wasm-bindgen's: functions as in JS (`verifyRecord`),
# methods as `<class lowercased>_<method>` (`stitcher_finish`). Needs
# ./build.sh first (pkg-verify/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pattern="${1:?usage: bench/dce.sh '<export name regex>'}"
module="$here/pkg-verify/trustcore_wasm_bg.wasm"
[ -f "$module" ] || { echo "dce.sh: $module missing: run ./build.sh first" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node - "$module" "$pattern" "$out/graph.json" <<'JS'
const fs = require('node:fs');
const [module, pattern, graph] = process.argv.slice(2);
const keep = new RegExp(`^(memory|__.*|${pattern})$`);
const names = WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(module))).map((e) => e.name);
const kept = names.filter((n) => keep.test(n));
fs.writeFileSync(graph, JSON.stringify(kept.map((n) => ({ name: `e_${n}`, root: true, export: n }))));
console.error(`dce.sh: keeping ${kept.length} of ${names.length} exports`);
JS
source "$here/wasm-opt-features.sh"
"$here/node_modules/.bin/wasm-metadce" "${wasm_opt_features[@]}" -f "$out/graph.json" "$module" -o "$out/dce.wasm" >/dev/null
"$here/node_modules/.bin/wasm-opt" -Oz "${wasm_opt_features[@]}" "$out/dce.wasm" -o "$out/opt.wasm"
printf '%s bytes gzipped, %s raw\n' "$(gzip -9c "$out/opt.wasm" | wc -c)" "$(wc -c < "$out/opt.wasm")"
