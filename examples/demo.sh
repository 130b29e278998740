#!/usr/bin/env bash
# The main demo: canonicalize and digest the same sample audit event
# (examples/audit_event.json) from Rust, Node, Python and WASM, and show that
# the bytes and digests are identical. Installs and builds what it needs
# (through each binding's ci.sh --build-only), idempotently.
#
#   bash examples/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
event=examples/audit_event.json

echo "== building the packages (first run on a fresh machine takes several minutes)"
for b in node python wasm; do
  log=$(mktemp)
  if ! bash "bindings-$b/ci.sh" --build-only >"$log" 2>&1; then
    cat "$log"; echo "demo: building the $b binding failed" >&2; exit 1
  fi
  rm -f "$log"
  echo "   $b binding built"
done
cargo build -q -p trustcore --example canonicalize_event

echo
echo "== input: $event (pretty-printed, members in no particular order)"
cat "$event"
echo
echo "== canonical bytes and digests, from each language"
out=$(mktemp -d)
cargo run -q -p trustcore --example canonicalize_event -- "$event" | tee "$out/rust"
node examples/node/canonicalize_event.mjs "$event" | tee "$out/node"
bindings-python/.venv/bin/python examples/python/canonicalize_event.py "$event" | tee "$out/python"
node examples/wasm/canonicalize_event.mjs "$event" | tee "$out/wasm"

echo
status=0
for lang in node python wasm; do
  if diff <(cut -c9- "$out/rust") <(cut -c9- "$out/$lang") >/dev/null; then
    echo "rust == $lang: identical canonical bytes, sha256 and blake3"
  else
    echo "rust != $lang:"; diff <(cut -c9- "$out/rust") <(cut -c9- "$out/$lang") || true; status=1
  fi
done
rm -rf "$out"
[ $status -eq 0 ] && echo "demo: all four runtimes produced the same bytes"
exit $status
