#!/usr/bin/env bash
# `trustcore audit-verify` over N rows (default 1,000,000) from PostgreSQL,
# from .jsonl and from .jsonl.gz: events/s and peak RSS of each, from one
# run on this machine (the machines are shared: compare the rows of one run).
#   bash benches/cli.sh [N] [DIR]
# The rows are written once into DIR (default /tmp/tc-bench) and reused; a
# throwaway PostgreSQL is started with .ci/pg.sh (or TRUSTCORE_PG_URL used).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=${2:-/tmp/tc-bench}
cargo build --release -q -p trustcore-cli -p trustcore-benches --example gen_audit_table
if [ ! -s "$DIR/events.csv" ] || [ "$(wc -l < "$DIR/events.jsonl")" != "$N" ]; then
  target/release/examples/gen_audit_table "$N" "$DIR"
fi
[ -s "$DIR/events.jsonl.gz" ] || gzip -k -f "$DIR/events.jsonl"
source .ci/pg.sh
pg_start >/dev/null
trap pg_stop EXIT
db="${TRUSTCORE_PG_URL%/*}/tc_bench"
psql -q "$TRUSTCORE_PG_URL" -c "DROP DATABASE IF EXISTS tc_bench" -c "CREATE DATABASE tc_bench"
psql -q -1 "$db" -f sql/migrations/0001_audit_events.sql
psql -q "$db" -c "$(cat "$DIR/copy.sql")" < "$DIR/events.csv"
psql -q "$db" -c "VACUUM ANALYZE audit_events"

measure() {
  local name=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -v target/release/trustcore audit-verify "$@" --signers "$DIR/signers.json" --json >"$log.out" 2>"$log"
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  python3 - "$name" "$N" "$secs" "$rss" "$log.out" <<'PY'
import json, sys
name, n, secs, rss, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
r = json.load(open(out))
assert r["valid"] and r["count"] == n, r
print(f"{name:<12} {n / secs:>10,.0f} events/s   {secs:6.1f} s   peak RSS {rss / 1024:6.1f} MiB")
PY
  rm -f "$log" "$log.out"
}
echo "audit-verify over $N rows ($(nproc) cores)"
measure postgres --database-url "$db"
measure jsonl "$DIR/events.jsonl"
measure jsonl.gz "$DIR/events.jsonl.gz"
