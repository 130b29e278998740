"""The cross-binding report dump (issue #16): runs every chain, replay,
merkle (inclusion, consistency), checkpoint, policy and options vector
through the Python binding and writes what it reports to
<repo>/target/reports/python.json, in the format of .ci/compare_reports.py,
which compares it with the Node and WASM dumps after key-case
normalization (the Python dump is its reference).

Per group (the same choices as bindings-node/test/report-dump.mjs):

* chain: verify_jsonl of the case's jsonl with its options (chain.json
  spells them in camelCase; passed here in snake_case) and chain.json's
  registry: the whole report, messages included;
* segments: each chain case's lines cut into 3 segments at rows n//3 and
  2n//3 (n the number of lines), verified apart (SegmentVerifier) and
  stitched (stitch) with the case's options: the whole report, which must
  be the chain group's;
* replay: replay of the case's rows from its start;
* inclusion, consistency: {"valid": true}, or {"valid": false, "error":
  <MerkleError code>};
* checkpoint: open_checkpoint of the note against its trusted keys (the
  core's report), or {"error": {"kind", "code"}};
* policy: {"result": <decision | explanation | impact report | bucket>},
  {"result": null} for a set that loads or an update that is allowed, or
  {"error": {"kind", "code"}};
* profiles (profiles.json): `profiles/<id>`, verify_jsonl of each chain
  case under its profile (given as its document; the whole report, messages
  included); `profiles/inference/<id>`, infer_profile's whole result (or
  {"error": {"kind", "code"}}); `profiles/document/<id>`, {"loaded": name}
  or {"error": {"kind", "code"}} for each profile document;
* options: {"ok": true} or {"error": {"kind", "code"}}, with the Python
  spelling (`py`); verify_event_in_checkpoint reads its options before
  anything else, so it is called with None for every other argument and
  counts as accepted unless the error is an OptionsError.

Run by ci.sh: `python tests/report_dump.py [out]`.
"""

import json
import re
import sys
from pathlib import Path

import trustcore as tc

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parents[1] / "test-vectors"
DEFAULT_OUT = HERE.parents[1] / "target" / "reports" / "python.json"


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def error_of(e):
    if not isinstance(e, tc.TrustcoreError):
        raise e
    return {"kind": type(e).__name__, "code": e.code}


def attempt(fn, ok):
    try:
        value = fn()
    except tc.TrustcoreError as e:
        return {"error": error_of(e)}
    return ok(value)


def dump():
    cases = {}
    hx = bytes.fromhex

    chain = load("chain.json")
    registry = tc.SignerRegistry.from_json(chain["registry"])
    for c in chain["cases"]:
        opts = {snake(k): v for k, v in (c.get("options") or {}).items()}
        cases[f"chain/{c['id']}"] = tc.verify_jsonl(c["jsonl"], registry, **opts)
    # segments (#14): the case's lines cut into 3 segments at rows n//3 and
    # 2n//3, each verified on its own, stitched (tc.stitch).
    for c in chain["cases"]:
        opts = {snake(k): v for k, v in (c.get("options") or {}).items()}
        lines = c["jsonl"].encode("utf-8").splitlines(keepends=True)
        n = len(lines)
        segments = []
        for a, b in ((0, n // 3), (n // 3, 2 * n // 3), (2 * n // 3, n)):
            v = tc.SegmentVerifier(registry, **opts)
            v.push_bytes(b"".join(lines[a:b]))
            segments.append(v.finish())
        cases[f"segments/{c['id']}"] = attempt(lambda: tc.stitch(segments, **opts), lambda r: r)
    for c in chain["replay"]:
        cases[f"replay/{c['id']}"] = tc.replay(c["rows"], c.get("start"))

    merkle = load("merkle.json")

    def verdict(fn):
        try:
            return {"valid": fn() is True}
        except tc.MerkleError as e:
            return {"valid": False, "error": e.code}

    for c in merkle["inclusion"]:
        cases[f"inclusion/{c['id']}"] = verdict(lambda: tc.verify_inclusion(
            hx(c["leaf_hash"]), c["leaf_index"], c["tree_size"], [hx(p) for p in c["proof"]],
            hx(c["root"])))
    for c in merkle["consistency"]:
        cases[f"consistency/{c['id']}"] = verdict(lambda: tc.verify_consistency(
            c["old_size"], c["new_size"], hx(c["old_root"]), hx(c["new_root"]),
            [hx(p) for p in c["proof"]]))

    cp = load("checkpoint.json")
    for c in cp["cases"]:
        note = hx(c["note_hex"]) if "note_hex" in c else c["note"]
        cases[f"checkpoint/{c['id']}"] = attempt(
            lambda: tc.open_checkpoint(note, [tc.VerifierKey.parse(k) for k in c["trusted"]]),
            lambda v: v)

    policy = load("policy.json")
    sets = policy["policySets"]

    def set_named(name):
        return tc.PolicySet.from_json(json.dumps(sets[name] if isinstance(name, str) else name))

    def label(r):
        return f"{r['policyId']}@{r['policyVersion']}"

    def run(c):
        kind = c["kind"]
        if kind == "evaluate":
            return tc.evaluate(set_named(c["policySet"]),
                               c["requestText"] if "requestText" in c else c["request"])
        if kind == "load":
            if "policySetDoc" in c:
                tc.PolicySet.from_dict(c["policySetDoc"])
            elif "policySetText" in c:
                tc.PolicySet.from_json(c["policySetText"])
            else:
                set_named(c["policySet"])
            return None
        if kind == "update":
            set_named(c["current"]).check_update(set_named(c["candidate"]))
            return None
        if kind == "bucket":
            return tc.canary_bucket(c["value"])
        if kind == "explain":
            s = set_named(c["policySet"])
            d = tc.evaluate(s, c["request"])
            [rec] = [r for r in d["policyChecks"] if label(r) == c["check"]]
            with_set = set_named(c["explainWith"]) if c.get("explainWith") is not None else s
            return tc.explain({**rec, **c.get("tamper", {})}, with_set)
        if kind == "impact":
            return tc.impact(set_named(c["current"]), set_named(c["candidate"]), c["requests"])
        raise AssertionError(f"policy.json: unknown kind {kind}")

    for c in policy["cases"]:
        cases[f"policy/{c['id']}"] = attempt(lambda: run(c), lambda v: {"result": v})

    options = load("options.json")
    jsonl = next(c for c in chain["cases"] if c["id"] == "good/ten")["jsonl"]
    kernel_key = tc.PublicKey.from_base64(registry.get("kernel-signer")["publicKey"])

    def event_in_checkpoint(o):
        try:
            tc.verify_event_in_checkpoint(None, None, None, None, None, None, **o)
        except (TypeError, tc.TrustcoreError) as e:
            if isinstance(e, tc.OptionsError):
                raise

    calls = {
        "verify_jsonl": lambda o: tc.verify_jsonl(jsonl, registry, **o),
        "chain_writer": lambda o: tc.ChainWriter("kernel-signer", kernel_key, **o),
        "canonicalize": lambda o: tc.canonicalize(1, **o),
        "verify_event_in_checkpoint": event_in_checkpoint,
    }
    for c in options["cases"]:
        call = calls[c["call"]]
        cases[f"options/{c['id']}"] = attempt(lambda: call(c["py"]), lambda _: {"ok": True})
    profiles = load("profiles.json")
    preg = tc.SignerRegistry.from_json(profiles["registry"])
    by_name = {p["name"]: p for p in profiles["profiles"]}
    for c in profiles["cases"]:
        opts = {snake(k): v for k, v in (c.get("options") or {}).items()}
        cases[f"profiles/{c['id']}"] = tc.verify_jsonl(c["jsonl"], preg,
                                                       profile=by_name[c["profile"]], **opts)
    for c in profiles["inference"]:
        reg = tc.SignerRegistry.from_json(c.get("registry", profiles["registry"]))
        cases[f"profiles/inference/{c['id']}"] = attempt(
            lambda: tc.infer_profile(c["rows"], reg), lambda v: v)
    for c in profiles["documents"]:
        def load_doc(d=c["document"]):
            return tc.load_profile(d if isinstance(d, dict) else json.dumps(d).encode())

        cases[f"profiles/document/{c['id']}"] = attempt(
            load_doc, lambda v: {"loaded": v["name"]})
    return {"binding": "python", "cases": cases}


def main(argv):
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    d = dump()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    groups = {}
    for k in d["cases"]:
        g = k.split("/", 1)[0]
        groups[g] = groups.get(g, 0) + 1
    print(f"report-dump: {len(d['cases'])} cases ("
          + ", ".join(f"{g} {n}" for g, n in groups.items()) + f") -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
