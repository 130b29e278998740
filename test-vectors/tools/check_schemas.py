#!/usr/bin/env python3
"""Checks that the JSON Schemas in docs/schemas/ describe what the vectors
hold: every vector file against its schema, and the documents inside them
(signers files, envelopes, reports, approval sets, rotation payloads, audit
rows, policy sets and decision records) against the format schemas. Also
checks each schema is valid draft 2020-12 and its `examples` validate.

    python3 -m pip install jsonschema && python3 test-vectors/tools/check_schemas.py
"""
import base64
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SCHEMAS = {}
for path in glob.glob(os.path.join(ROOT, "docs", "schemas", "*.json")):
    with open(path, encoding="utf-8") as f:
        s = json.load(f)
    Draft202012Validator.check_schema(s)
    SCHEMAS[os.path.basename(path)] = s
REGISTRY = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values())
failures = 0
checked = 0


def check(schema_name, doc, where):
    global failures, checked
    v = Draft202012Validator(SCHEMAS[schema_name], registry=REGISTRY)
    errors = list(v.iter_errors(doc))
    checked += 1
    for e in errors[:3]:
        failures += 1
        print("FAIL %s against %s: %s at %s" % (where, schema_name, e.message[:200], "/".join(map(str, e.absolute_path))))


def vectors(name):
    with open(os.path.join(ROOT, "test-vectors", name), encoding="utf-8") as f:
        return json.load(f)


for name, s in SCHEMAS.items():
    for i, ex in enumerate(s.get("examples", [])):
        check(name, ex, "%s examples[%d]" % (name, i))

for vec, schema in [("canonical-json.json", "canonical-json-vectors.schema.json"), ("digest.json", "digest-vectors.schema.json"),
                    ("signing.json", "signing-vectors.schema.json"), ("chain.json", "chain-vectors.schema.json"),
                    ("merkle.json", "merkle-vectors.schema.json"), ("checkpoint.json", "checkpoint-vectors.schema.json"),
                    ("policy.json", "policy-vectors.schema.json"), ("profiles.json", "profile-vectors.schema.json"),
                    ("snapshots.json", "snapshot-vectors.schema.json"), ("redaction.json", "redaction-vectors.schema.json"),
                    ("segments.json", "segment-vectors.schema.json")]:
    check(schema, vectors(vec), vec)

s = vectors("signing.json")
for name, text in s["registries"].items():
    check("signers.schema.json", json.loads(text), "signing.json registries." + name)
for c in s["registryLoad"]:
    if "error" not in c and c["format"] == "signers":
        check("signers.schema.json", json.loads(c["document"]), c["id"])
for c in s["envelopes"]:
    check("envelope.schema.json", json.loads(c["envelope"]), c["id"])
for c in s["verifications"]:
    check("envelope.schema.json", json.loads(c["envelope"]), c["id"])
    check("envelope-report.schema.json", c["expected"], c["id"] + " expected")
for c in s["approvals"]:
    check("approval-set.schema.json", json.loads(c["set"]), c["id"] + " set")
    check("approval-report.schema.json", c["expected"], c["id"] + " expected")
for c in s["rotations"]:
    if "error" not in c:
        check("rotation.schema.json", json.loads(c["envelope"])["payload"], c["id"] + " payload")
        check("signers.schema.json", json.loads(c["after"]), c["id"] + " after")

ch = vectors("chain.json")
check("signers.schema.json", json.loads(ch["registry"]), "chain.json registry")
for c in ch["cases"]:
    if c["id"].startswith("good/"):
        for i, line in enumerate(l for l in c["jsonl"].splitlines() if l.strip()):
            check("audit-event.schema.json", json.loads(line), "%s row %d" % (c["id"], i))
    report = dict(c["expected"], breaks=[dict(b, message="-") for b in c["expected"]["breaks"]])
    check("chain-report.schema.json", report, c["id"] + " expected")

pr = vectors("profiles.json")
check("signers.schema.json", json.loads(pr["registry"]), "profiles.json registry")
for d in pr["profiles"]:
    check("chain-profile.schema.json", d, "profiles.json profiles " + d["name"])
for c in pr["cases"]:
    if c["profile"] == "trustcore/v1" and c["id"].startswith("good/"):
        for i, line in enumerate(l for l in c["jsonl"].splitlines() if l.strip()):
            check("audit-event.schema.json", json.loads(line), "%s row %d" % (c["id"], i))
    report = dict(c["expected"], breaks=[dict(b, message="-") for b in c["expected"]["breaks"]])
    check("chain-report.schema.json", report, c["id"] + " expected")
for c in pr["inference"]:
    if "registry" in c:
        check("signers.schema.json", json.loads(c["registry"]), c["id"] + " registry")
# Every refused document is refused by the schema too, but for the rules a
# schema cannot express (a column name used twice); those it must accept,
# so the list stays true.
ACROSS_MEMBERS = {"columns/used-twice", "extraColumns/plays-a-role", "extraColumns/twice"}
profile_schema = Draft202012Validator(SCHEMAS["chain-profile.schema.json"], registry=REGISTRY)
for c in pr["documents"]:
    checked += 1
    if profile_schema.is_valid(c["document"]) != (c["id"] in ACROSS_MEMBERS):
        failures += 1
        print("FAIL profiles.json documents %s: the schema %s it" % (c["id"], "accepts" if c["id"] not in ACROSS_MEMBERS else "refuses"))

p = vectors("policy.json")
for name, ps in p["policySets"].items():
    check("policy-set.schema.json", ps, "policy.json policySets." + name)

sn = vectors("snapshots.json")
check("signers.schema.json", json.loads(sn["registry"]), "snapshots.json registry")
for c in sn["builds"]:
    check("snapshot.schema.json", json.loads(c["metadata"]), "snapshots.json builds " + c["id"])
for c in sn["events"]:
    check("audit-event.schema.json", json.loads(c["row"]), "snapshots.json events " + c["id"])
check("audit-event.schema.json", json.loads(sn["eventBody"]["row"]), "snapshots.json eventBody row")
# Every refused metadata document is refused by the schema too, but for what
# a schema cannot see: a member twice (a JSON parser keeps one) and 6.0 for
# an integer (JSON Schema counts it as one); not-json is not JSON.
SNAPSHOT_INEXPRESSIBLE = {"duplicate-member", "records/float-spelling"}
snapshot_schema = Draft202012Validator(SCHEMAS["snapshot.schema.json"], registry=REGISTRY)
for c in sn["metadataErrors"]:
    if c["id"] == "not-json":
        continue
    checked += 1
    if snapshot_schema.is_valid(json.loads(c["metadata"])) != (c["id"] in SNAPSHOT_INEXPRESSIBLE):
        failures += 1
        print("FAIL snapshots.json metadataErrors %s: the schema %s it" % (
            c["id"], "accepts" if c["id"] not in SNAPSHOT_INEXPRESSIBLE else "refuses"))

rd = vectors("redaction.json")
check("signers.schema.json", json.loads(rd["registry"]), "redaction.json registry")
for c in rd["commitments"]:
    check("redaction-committed.schema.json", {"record": json.loads(c["committed"]), "disclosures": c["disclosures"]},
          "redaction.json commitments " + c["id"])
for c in rd["disclosures"]:
    if "expected" in c:
        check("disclosed-view.schema.json", {"view": c["expected"], "opened": c["opened"], "hidden": c["hidden"]},
              "redaction.json disclosures " + c["id"])
for c in rd["snapshots"]:
    check("snapshot.schema.json", json.loads(c["metadata"]), "redaction.json snapshots " + c["id"])
    for i, line in enumerate(c["lines"]):
        check("redaction-committed.schema.json", {"record": json.loads(line), "disclosures": c["disclosures"][i]},
              "%s line %d" % (c["id"], i))
# Every refused policy is refused by the schema too, but for the rules a
# schema cannot express: unique rule ids, the number of ** and of tokens.
POLICY_INEXPRESSIBLE = {"rule/id-twice", "pointer/five-any", "pointer/129-tokens"}
policy_schema = Draft202012Validator(SCHEMAS["redaction-policy.schema.json"], registry=REGISTRY)
for c in rd["policyErrors"]:
    if "policy" not in c:
        continue
    checked += 1
    if policy_schema.is_valid(c["policy"]) != (c["id"] in POLICY_INEXPRESSIBLE):
        failures += 1
        print("FAIL redaction.json policyErrors %s: the schema %s it" % (
            c["id"], "accepts" if c["id"] not in POLICY_INEXPRESSIBLE else "refuses"))

print("schemas: %d documents checked against %d schemas, %d failures" % (checked, len(SCHEMAS), failures))
sys.exit(1 if failures else 0)
