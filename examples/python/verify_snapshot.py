"""Verifies a signed snapshot of a trace batch with the signers file: the
metadata (snapshot_id, trace_range, hash, signer_kid, signature, ts, ...)
and its batch, .jsonl or gzipped .jsonl.gz, streamed in bounded memory.
Prints the report; a failing line is named by its line number.

python examples/python/verify_snapshot.py METADATA.json BATCH.jsonl[.gz] SIGNERS.json

Exit status: 0 when the snapshot verifies, 1 when it does not, 2 for a
file or argument that cannot be used.
"""
import json
import sys

import trustcore as tc


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    metadata_path, batch_path, signers_path = argv[1:]
    try:
        with open(signers_path, "rb") as f:
            registry = tc.SignerRegistry.from_json(f.read())
        with open(metadata_path, "rb") as f:
            snapshot = tc.Snapshot.from_json(f.read())
        report = tc.verify_snapshot_file(snapshot, batch_path, registry)
    except (OSError, EOFError, tc.TrustcoreError) as e:
        print(f"verify_snapshot: {e}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if report["valid"]:
        r = snapshot.metadata["trace_range"]
        print(f"OK: snapshot {snapshot.snapshot_id}: {report['records']} records "
              f"{r['first_trace_id']}..{r['last_trace_id']} signed by {snapshot.signer_kid}")
        return 0
    for f in report["failures"]:
        where = f" line {f['line']}" if "line" in f else ""
        print(f"FAIL{where}: {f['code']}: {f['message']}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
