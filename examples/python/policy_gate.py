"""Ops tooling checks the Node service's policy denial: the same policy set
and request give the same policyCheck record, byte for byte, and the audit
chain that recorded it verifies.

    node examples/node/policy_gate.mjs                  # writes examples/out/policy/
    bindings-python/.venv/bin/python examples/python/policy_gate.py

Evaluates examples/manifest_request.json under examples/manifest_policy.json
with the Python package, takes the determining record, and compares its
canonical bytes with the ones Node wrote (denied-check.json) and with the
record inside the chain's ``policy.denied`` event. Exits non-zero on any
difference.
"""

import hashlib
import json
import sys
from pathlib import Path

import trustcore

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "examples" / "out" / "policy"


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


policy_set = trustcore.PolicySet.from_json((REPO / "examples" / "manifest_policy.json").read_bytes())
request = json.loads((REPO / "examples" / "manifest_request.json").read_text(encoding="utf-8"))

decision = trustcore.evaluate(policy_set, request)
by = decision["determinedBy"][0]
record = next(c for c in decision["policyChecks"] if c["id"] == by["policyCheckId"])
ours = trustcore.canonicalize(record)
print(f"Python: {decision['decision']} by {by['policyId']}@{by['policyVersion']}: {record['rationale']}")
print(f"policyCheck {record['id']}, canonical bytes sha256 {hashlib.sha256(ours).hexdigest()}")

node = (OUT / "denied-check.json").read_bytes()
check(ours == node, "the policyCheck record is byte-identical to Node's")

registry = trustcore.SignerRegistry.from_json((OUT / "signers.json").read_text(encoding="utf-8"))
report = trustcore.verify_file(OUT / "chain.jsonl", registry)
check(report["valid"] and report["rows"] == 2, "Node's audit chain verifies in Python")
first = json.loads((OUT / "chain.jsonl").read_text(encoding="utf-8").splitlines()[0])
check(first["event_type"] == "policy.denied", "its first event is the denial")
check(trustcore.canonicalize(first["payload"]["policyCheck"]) == ours, "and carries the same record bytes")
explanation = trustcore.explain(first["payload"]["policyCheck"], policy_set)
print(f"explain: {explanation['summary']}")
check(explanation["decision"] == "deny", "the recorded check explains as a deny under the same set")
