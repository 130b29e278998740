"""Writes a 1,000-event audit chain, verifies it streaming, shows a tampered
row's break, and replays shuffled rows into chain order.

python examples/python/audit_verify.py      (exits non-zero on any failure)
"""
import json
import os
import random
import sys
import tempfile

import trustcore as tc

N = 1000
key = tc.SecretKey.from_bytes(bytes(range(32)))  # a fixed demo key
registry = tc.SignerRegistry.from_json(
    json.dumps({"signers": [{"signerId": "kernel-signer", "publicKey": key.public_key().to_base64()}]})
)


def event(i):
    return {
        "id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
        "ts": f"2026-03-01T12:{i // 60 % 60:02d}:{i % 60:02d}Z",
        "event_type": "allocation.approved",
        "actor": "svc:kernel-api",
        "payload": {"amount": i * 10, "project": f"prj-{i % 7}"},
    }


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


writer = tc.ChainWriter("kernel-signer", key.public_key())
rows = [writer.append(event(i), key) for i in range(1, N + 1)]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "audit.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")

    # 1. Streaming verification (1 MiB chunks) against the writer's head.
    report = tc.verify_file(path, registry, expected_head=writer.head)
    print(f"verified {report['rows']} events: valid={report['valid']}, head seq {report['head']['seq']}, "
          f"merkle root {report['merkle']['root'][:16]}…")
    if not report["valid"] or report["rows"] != N:
        fail(f"the untouched chain does not verify: {report['breaks'][:1]}")

    # 2. Tamper with one row: exactly one break, at its position.
    tampered = rows[:]
    tampered[417] = tampered[417].replace('"amount":4180', '"amount":9999')
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(tampered) + "\n")
    report = tc.verify_file(path, registry, expected_head=writer.head)
    for b in report["breaks"]:
        print(f"break at position {b['position']} (seq {b['seq']}): {b['reason']} — {b['message']}")
    if [(b["position"], b["reason"]) for b in report["breaks"]] != [(417, "hash_mismatch")]:
        fail(f"expected one hash_mismatch at position 417, got {report['breaks']}")

# 3. Replay rows from several unordered exports back into chain order.
shuffled = rows[:]
random.Random(7).shuffle(shuffled)
replayed = tc.replay(shuffled)
ordered = [tc.canonicalize(e).decode() for e in replayed["events"]]
print(f"replayed {len(ordered)} shuffled rows: forks={len(replayed['forks'])}, orphans={len(replayed['orphans'])}")
if ordered != rows or not tc.verify_jsonl("\n".join(ordered), registry)["valid"]:
    fail("replay did not restore the chain order")
print("ok")
