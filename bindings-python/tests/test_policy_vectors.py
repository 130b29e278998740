"""test-vectors/policy.json: every case of every kind (evaluate, load,
update, bucket, explain, impact), with exact bytes where the vector has
them. Mirrors core/tests/policy_vectors.rs."""

import json

import pytest

import trustcore as tc
from conftest import VECTORS_DIR, load_vectors

CASES, IDS = load_vectors("policy.json")
KINDS = {"evaluate", "load", "update", "bucket", "explain", "impact"}


@pytest.fixture(scope="module")
def sets():
    return json.loads((VECTORS_DIR / "policy.json").read_text(encoding="utf-8"))["policySets"]


def set_named(sets, name):
    doc = sets[name] if isinstance(name, str) else name
    return tc.PolicySet.from_json(json.dumps(doc))


def request_of(case):
    if "requestText" in case:
        return case["requestText"]
    return case["request"]


def error_json(e):
    out = {"kind": type(e).__name__, "code": e.code}
    if e.path is not None:
        out["path"] = e.path
    if e.offset is not None:
        out["offset"] = e.offset
    return out


def label(c):
    return f"{c['policyId']}@{c['policyVersion']}"


def canonical(obj):
    return tc.canonicalize(obj).decode("utf-8")


def test_every_kind_is_covered():
    assert {c["kind"] for c in CASES} == KINDS
    assert len(CASES) >= 80


def check_expect(d, expect):
    assert d["decision"] == expect["decision"]
    assert d["reason"] == expect["reason"]
    assert [label(c) for c in d["determinedBy"]] == expect["determinedBy"]
    checks = []
    for c in d["policyChecks"]:
        s = {k: c[k] for k in ("policyId", "policyVersion", "decision", "simMode")}
        if isinstance(c.get("error"), dict) and "code" in c["error"]:
            s["error"] = c["error"]["code"]
        checks.append(s)
    assert checks == expect["checks"]
    for who, want in expect.get("paths", {}).items():
        [rec] = [c for c in d["policyChecks"] if label(c) == who]
        got = [
            [s["node"], s["op"], s["result"] if isinstance(s.get("result"), bool) else s["error"]]
            for s in rec["evaluationPath"]
        ]
        assert got == want


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_policy_vector(case, sets):
    kind = case["kind"]
    if kind == "evaluate":
        ps = set_named(sets, case["policySet"])
        req = request_of(case)
        if "error" in case:
            with pytest.raises(tc.TrustcoreError) as e:
                tc.evaluate(ps, req)
            assert error_json(e.value) == case["error"]
            return
        d = tc.evaluate(ps, req)
        check_expect(d, case["expect"])
        assert canonical(d) == case["expected"]
        # Text given as bytes, and the request as a dict: the same decision.
        text = req if isinstance(req, str) else json.dumps(req)
        assert tc.evaluate(ps, text.encode()) == d
        assert tc.evaluate(ps, json.loads(text)) == d
        # enforce_or_throw agrees with the verdict.
        if d["decision"] == "allow":
            assert tc.enforce_or_throw(ps, req) == d
        else:
            with pytest.raises(tc.PolicyDenied) as e:
                tc.enforce_or_throw(ps, req)
            assert e.value.decision == d
    elif kind == "load":
        if "policySetText" in case:
            attempts = [lambda: tc.PolicySet.from_json(case["policySetText"])]
        elif "policySetDoc" in case:
            doc = case["policySetDoc"]
            attempts = [
                lambda: tc.PolicySet.from_json(json.dumps(doc)),
                lambda: tc.PolicySet.from_dict(doc),
            ]
        else:
            attempts = [lambda: tc.PolicySet.from_json(json.dumps(sets[case["policySet"]]))]
        for attempt in attempts:
            if case.get("valid") is True:
                assert isinstance(attempt(), tc.PolicySet)
            else:
                with pytest.raises(tc.TrustcoreError) as e:
                    attempt()
                assert error_json(e.value) == case["error"]
    elif kind == "update":
        cur = set_named(sets, case["current"])
        cand = set_named(sets, case["candidate"])
        if case.get("valid") is True:
            assert cur.check_update(cand) is None
        else:
            with pytest.raises(tc.PolicyError) as e:
                cur.check_update(cand)
            assert error_json(e.value) == case["error"]
    elif kind == "bucket":
        assert tc.canonicalize(case["value"]).decode() == case["canonical"]
        assert tc.canary_bucket(case["value"]) == case["bucket"]
    elif kind == "explain":
        ps = set_named(sets, case["policySet"])
        d = tc.evaluate(ps, request_of(case))
        [record] = [c for c in d["policyChecks"] if label(c) == case["check"]]
        record = dict(record, **case.get("tamper", {}))
        with_set = set_named(sets, case["explainWith"]) if "explainWith" in case else ps
        if "error" in case:
            for r in (record, json.dumps(record)):
                with pytest.raises(tc.PolicyError) as e:
                    tc.explain(r, with_set)
                assert error_json(e.value) == case["error"]
            return
        x = tc.explain(record, with_set)
        assert x == tc.explain(json.dumps(record).encode(), with_set)
        expect = case["expect"]
        assert x["summary"] == expect["summary"]
        for node, want in expect["leafEvidence"].items():
            [step] = [s for s in x["evaluationPath"] if s["node"] == node]
            assert step["evidence"] == want
        assert x["policyCheckId"] == record["id"]
        assert canonical(x) == case["expected"]
    elif kind == "impact":
        cur = set_named(sets, case["current"])
        cand = set_named(sets, case["candidate"])
        rep = tc.impact(cur, cand, case["requests"])
        e = case["expect"]
        for k in ("changed", "allowToDeny", "denyToAllow", "unchanged"):
            assert rep[k] == e[k], k
        assert [c["index"] for c in rep["changes"]] == e["changedIndexes"]
        assert [[label(r) for r in c["responsible"]] for c in rep["changes"]] == e["responsible"]
        assert [c["index"] for c in rep["invalidRequests"]] == e["invalidIndexes"]
        assert canonical(rep) == case["expected"]
    else:
        pytest.fail(f"unknown kind {kind}")
