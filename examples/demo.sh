#!/usr/bin/env bash
# The main demo, end to end:
#  1. canonicalize and digest the same sample audit event
#     (examples/audit_event.json) from Rust, Node, Python and WASM, and show
#     that the bytes and digests are identical;
#  2. a Node service signs an upgrade.applied envelope through an async KMS
#     function talking to a local HTTP signing proxy; Python and the
#     browser build (WASM) verify that signature with the same signers file;
#  3. an audit chain: append, export, sign a Merkle checkpoint, verify the
#     export against the registry and the checkpoint; a tampered row and a
#     truncated export are caught (Rust); then the same from a Node service:
#     rows and a checkpoint signed through an async KMS-like signer, the
#     export verified with verifyFile, and one event checked against the
#     signed checkpoint with an inclusion proof, as the control panel does;
#  4. a policy gate: a Node service calls enforceOrThrow before signing a
#     manifest, gets a deny with rationale, evidence and path, appends the
#     policyCheck record to its audit chain; Python and Rust produce the same
#     record bytes and verify the chain; the control panel (the WASM build)
#     verifies the event on its own and explains the record;
#  5. the runbook's check over a real PostgreSQL (examples/audit_verify_pg.sh):
#     three services append to one audit_events table at the same moment
#     (Node with a local key, Node through a 5 ms KMS, Python), then
#     `trustcore audit-verify --database-url ... --signers signers.json`
#     from cargo, npx and pip prints the same --json; a Kernel-shaped table
#     verifies under --profile kernel/v1; an edited payload exits 1;
#  6. a signed snapshot: a Node service commits 1,000 traces under a
#     redaction policy and signs the gzipped batch through a KMS in digest
#     mode; Python verifies it with the signers file (a tampered line is
#     named); the WASM package verifies it streaming and checks one redacted
#     trace on its own with a subset of its disclosures.
# Installs and builds what it needs (through each binding's ci.sh
# --build-only), idempotently.
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
[ $status -eq 0 ] || exit $status
echo "demo: all four runtimes produced the same bytes"

echo
echo "== signing: Node signs through a local signing proxy (async KMS function), then Python and WASM verify"
node examples/node/signing_proxy.mjs
echo
bindings-python/.venv/bin/python examples/python/signing_proxy.py
echo
node examples/wasm/verify_envelope.mjs

echo
echo "== audit chain with a signed Merkle checkpoint (Rust)"
cargo run -q -p trustcore --features parallel --example audit_chain
echo
echo "== audit chain from Node: KMS-signed rows, verifyFile, a KMS-signed checkpoint, one event against it"
node examples/node/audit_chain.mjs
echo
echo "== policy gate: Node denies a manifest signing and records the policyCheck in its audit chain;"
echo "   Python and Rust get the same record bytes; the control panel (WASM) verifies the event and explains it"
node examples/node/policy_gate.mjs
echo
bindings-python/.venv/bin/python examples/python/policy_gate.py
echo
cargo run -q -p trustcore --example policy_gate
echo
node examples/wasm/explain_denial.mjs
echo
echo "== the runbook's check over PostgreSQL: concurrent appenders, audit-verify from cargo, npx and pip"
bash examples/audit_verify_pg.sh
echo
echo "== a signed snapshot of redacted traces: Node signs through a KMS, Python verifies, the WASM package checks a redacted trace"
node examples/node/snapshot_kms.mjs
echo
snap=examples/out/snapshot
bindings-python/.venv/bin/python examples/python/verify_snapshot.py $snap/metadata.json $snap/batch.jsonl.gz $snap/signers.json | tail -1
set +e
bindings-python/.venv/bin/python examples/python/verify_snapshot.py $snap/metadata.json $snap/tampered.jsonl.gz $snap/signers.json >/dev/null
code=$?
set -e
[ $code -eq 1 ] || { echo "demo: the tampered batch should fail with exit code 1, got $code" >&2; exit 1; }
echo
node examples/wasm/verify_snapshot.mjs
echo
echo "demo: done"
