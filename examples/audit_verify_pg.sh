#!/usr/bin/env bash
# The runbook's check over a real PostgreSQL, from each package:
#  1. a throwaway PostgreSQL (.ci/pg.sh: initdb into a temporary folder,
#     loopback port; stopped at the end), or the one in TRUSTCORE_PG_URL;
#  2. three writers append at the same moment into one audit_events table:
#     a Node service with a local key, a Node service whose KMS answers
#     after 5 ms, and a Python service (psycopg 3): they serialize on the
#     table's lock and make one chain, with no fork;
#  3. `trustcore audit-verify --database-url ... --signers signers.json`
#     from cargo, npx and the pip console script: the same head, the same
#     --json;
#  4. an existing table in another shape: a kernel/v1 table (the Kernel's
#     appendAuditEvent rows) written by Python and verified with
#     --profile kernel/v1;
#  5. a payload edited in the table with an UPDATE: exit code 1, the break
#     at its row with its reason.
# Needs the packages built (examples/demo.sh builds them first).
#
#   bash examples/audit_verify_pg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
py=bindings-python/.venv/bin/python
source .ci/pg.sh
pg_start
trap pg_stop EXIT
base="${TRUSTCORE_PG_URL%/*}"
"$py" - "$TRUSTCORE_PG_URL" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c:
    c.execute("DROP DATABASE IF EXISTS trustcore_demo")
    c.execute("CREATE DATABASE trustcore_demo")
PY
db="$base/trustcore_demo"
out=$(mktemp -d)
trap 'rm -rf "$out"; pg_stop' EXIT

# Every writer signs with the demo key (32 bytes of 0x04) as kernel-signer.
"$py" -c 'import json, trustcore as tc; k = tc.SecretKey.from_bytes(bytes([4]) * 32)
print(json.dumps({"signers": [{"signerId": "kernel-signer", "publicKey": k.public_key().to_base64()}]}))' >"$out/signers.json"

cargo build -q --release -p trustcore-cli
rust=target/release/trustcore

echo "== three services append to audit_events at the same time (Node local key, Node via a 5 ms KMS, Python)"
"$py" -c 'import sys, psycopg, trustcore.pg as pg; pg.migrate(psycopg.connect(sys.argv[1], autocommit=True))' "$db"
node bindings-node/test/pg-appender.mjs "$db" audit_events 400 --tag node-local >"$out/a1" &
p1=$!
node bindings-node/test/pg-appender.mjs "$db" audit_events 200 --tag node-kms --signer-delay 5 >"$out/a2" &
p2=$!
"$py" -m trustcore.pg append "$db" audit_events 400 --tag 7 >"$out/a3" &
p3=$!
wait $p1 $p2 $p3
for f in a1 a2 a3; do echo "   $(tail -1 "$out/$f")"; done

echo
echo "== trustcore audit-verify --database-url \$POSTGRES_URL --signers signers.json  (cargo binary)"
"$rust" audit-verify --database-url "$db" --signers "$out/signers.json"
"$rust" audit-verify --database-url "$db" --signers "$out/signers.json" --json >"$out/rust.json"
(cd bindings-node && npx --no-install trustcore audit-verify --database-url "$db" --signers "$out/signers.json" --json) >"$out/node.json"
bindings-python/.venv/bin/trustcore audit-verify --database-url "$db" --signers "$out/signers.json" --json >"$out/python.json"
cmp -s "$out/rust.json" "$out/node.json" && cmp -s "$out/rust.json" "$out/python.json" ||
  { echo "the three front ends disagree"; diff "$out/rust.json" "$out/node.json" || true; diff "$out/rust.json" "$out/python.json" || true; exit 1; }
"$py" - "$out/rust.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] and r["count"] == 1000, r
print("npx trustcore and the pip console script print the same --json:",
      f"valid, {r['count']:,} events, head seq {r['head']['seq']:,} hash {r['head']['hash'][:16]}...")
PY

echo
echo "== an existing table in the Kernel's shape (kernel/v1: UUID ids, no seq, a digest of prev_hash + the canonical payload, signed over that input)"
"$py" -m trustcore.pg append "$db" kernel_audit 300 --profile kernel/v1 --tag 9 >/dev/null
"$rust" audit-verify --database-url "$db" --table kernel_audit --profile kernel/v1 --signers "$out/signers.json"

echo
echo "== someone edits a payload in the table"
"$py" -c 'import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c:
    c.execute("UPDATE audit_events SET payload = jsonb_set(payload, %s, %s) WHERE seq = 500", ["{amount}", "1000000"])' "$db"
set +e
"$rust" audit-verify --database-url "$db" --signers "$out/signers.json"
code=$?
set -e
[ $code -eq 1 ] || { echo "expected exit code 1 for a tampered table, got $code"; exit 1; }
echo "exit code $code: the chain is broken at the edited row"
