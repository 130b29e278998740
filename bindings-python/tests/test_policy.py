"""Policy sets, decisions, enforcement, explanations and impact reports."""

import copy
import json
import pickle

import pytest

import trustcore as tc

SET = {
    "type": "trustcore.policy-set/v1",
    "defaultDecision": "allow",
    "rbac": {
        "id": "kernel-rbac",
        "version": 1,
        "rationale": "kernel roles",
        "rules": [{"action": "POST /kernel/sign", "roles": ["SuperAdmin", "Service"]}],
    },
    "policies": [
        {
            "id": "allocate.limit",
            "version": 1,
            "state": "active",
            "mode": "enforce",
            "severity": "high",
            "target": {"actions": ["POST /kernel/allocate"]},
            "condition": {"op": "gt", "path": "/body/amount", "value": 1000},
            "effect": "deny",
            "rationale": "allocations above 1000 need a manual review",
        }
    ],
}

BIG = {"action": "POST /kernel/allocate", "subject": {"roles": ["Operator"]}, "body": {"amount": 5000}}
SMALL = {"action": "POST /kernel/allocate", "subject": {"roles": ["Operator"]}, "body": {"amount": 5}}


@pytest.fixture
def ps():
    return tc.PolicySet.from_dict(SET)


def test_load_from_text_and_dict_agree(ps):
    again = tc.PolicySet.from_json(json.dumps(SET).encode())
    assert again.digest == ps.digest and again.digest.startswith("sha256:")
    assert tc.canonicalize_text(ps.to_json()) == tc.canonicalize(SET)
    assert ps.policy_ids() == ["allocate.limit@1"] and len(ps) == 1
    assert pickle.loads(pickle.dumps(ps)).digest == ps.digest
    assert repr(ps).startswith("PolicySet(policies=1, digest='sha256:")


def test_load_errors_name_the_place():
    bad = copy.deepcopy(SET)
    bad["policies"][0]["condition"] = {"all": [{"op": "exists", "path": "/a"}, {"op": "nope"}]}
    for load in (tc.PolicySet.from_dict, lambda d: tc.PolicySet.from_json(json.dumps(d))):
        with pytest.raises(tc.PolicyError) as e:
            load(bad)
        assert e.value.code == "unknown_operator"
        assert e.value.path == "/policies/0/condition/all/1/op"
        assert isinstance(e.value, tc.TrustcoreError)
    with pytest.raises(tc.CanonicalJsonError) as e:
        tc.PolicySet.from_json('{"type":"a","type":"b"}')
    assert e.value.code == "duplicate_key" and e.value.offset == 12
    with pytest.raises(tc.CanonicalJsonError) as e:
        tc.PolicySet.from_dict({"type": float("inf")})
    assert e.value.path == "/type"
    with pytest.raises(TypeError):
        tc.PolicySet.from_dict("{}")


def test_evaluate_deny_allow_and_records(ps):
    d = tc.evaluate(ps, BIG)
    assert d["decision"] == "deny" and d["reason"] == "deny"
    assert [c["policyId"] for c in d["determinedBy"]] == ["allocate.limit"]
    [check] = [c for c in d["policyChecks"] if c["policyId"] == "allocate.limit"]
    # A record's id is the digest of its canonical bytes without the id.
    rest = {k: v for k, v in check.items() if k != "id"}
    assert check["id"] == tc.canonical_digest(rest)
    # The same request as text and bytes gives the same decision bytes.
    assert tc.canonicalize(tc.evaluate(ps, json.dumps(BIG))) == tc.canonicalize(d)
    assert tc.evaluate(ps, json.dumps(BIG).encode()) == d
    assert tc.evaluate(ps, SMALL)["decision"] == "allow"
    # RBAC: an Operator may not sign.
    sign = {"action": "POST /kernel/sign", "subject": {"roles": ["Operator"]}}
    assert tc.evaluate(ps, sign)["decision"] == "deny"


def test_enforce_or_throw(ps):
    assert tc.enforce_or_throw(ps, SMALL)["decision"] == "allow"
    with pytest.raises(tc.PolicyDenied) as e:
        tc.enforce_or_throw(ps, BIG)
    err = e.value
    assert isinstance(err, tc.TrustcoreError)
    assert err.code == "policy_denied" and "allocate.limit@1" in err.message
    assert err.decision == tc.evaluate(ps, BIG)
    assert err.offset is None and err.path is None
    # The one denial message, the core's (Decision::denial_message), the same
    # in Node and WASM: "denied by <id>@<version>: <rationale>".
    [by] = err.decision["determinedBy"]
    [rec] = [c for c in err.decision["policyChecks"] if c["id"] == by["policyCheckId"]]
    assert err.message == f"denied by {by['policyId']}@{by['policyVersion']}: {rec['rationale']}"
    assert str(err) == err.message + " [policy_denied]"
    # Denied by default: no enforced policy allowed it.
    strict = tc.PolicySet.from_dict({"type": "trustcore.policy-set/v1", "defaultDecision": "deny",
                                     "policies": []})
    with pytest.raises(tc.PolicyDenied) as e:
        tc.enforce_or_throw(strict, SMALL)
    assert e.value.message == "denied by default: no enforced policy allowed the request"


def test_bad_requests_raise_and_must_be_treated_as_denials(ps):
    with pytest.raises(tc.PolicyError) as e:
        tc.evaluate(ps, [1])
    assert e.value.code == "invalid_request"
    with pytest.raises(tc.PolicyError):
        tc.enforce_or_throw(ps, {"subject": {}})
    with pytest.raises(tc.CanonicalJsonError) as e:
        tc.evaluate(ps, '{"action":"x",}')
    assert e.value.offset is not None
    with pytest.raises(tc.CanonicalJsonError) as e:
        tc.evaluate(ps, {"action": "x", "n": 2**64})
    assert e.value.code == "number_out_of_range"
    with pytest.raises(tc.CanonicalJsonError) as e:
        tc.evaluate(ps, '{"action":"\ud800"}')
    assert e.value.code == "lone_surrogate"


def test_explain_and_tamper(ps):
    d = tc.evaluate(ps, BIG)
    [record] = [c for c in d["policyChecks"] if c["policyId"] == "allocate.limit"]
    x = tc.explain(record, ps)
    assert x["policyCheckId"] == record["id"]
    assert x["summary"].startswith("allocate.limit@1 denied")
    assert tc.explain(tc.canonicalize(record), ps) == x
    with pytest.raises(tc.PolicyError) as e:
        tc.explain(dict(record, decision="allow"), ps)
    assert (e.value.code, e.value.path) == ("invalid_record", "/id")
    other = tc.PolicySet.from_dict({**SET, "policies": []})
    with pytest.raises(tc.PolicyError) as e:
        tc.explain(record, other)
    assert e.value.code == "policy_not_found"


def test_check_update_and_impact(ps):
    raised = copy.deepcopy(SET)
    raised["policies"].append(
        dict(SET["policies"][0], version=2, state="test", condition={"op": "gt", "path": "/body/amount", "value": 10000})
    )
    raised["policies"][0]["state"] = "deprecated"
    cand = tc.PolicySet.from_dict(raised)
    assert ps.check_update(cand) is None
    modified = copy.deepcopy(SET)
    modified["policies"][0]["condition"]["value"] = 1
    with pytest.raises(tc.PolicyError) as e:
        ps.check_update(tc.PolicySet.from_dict(modified))
    assert e.value.code == "modified_version"
    rep = tc.impact(ps, cand, [BIG, json.dumps(SMALL), b"[1]"])
    assert rep["changed"] == 1 and rep["denyToAllow"] == 1 and rep["unchanged"] == 1
    assert [c["index"] for c in rep["changes"]] == [0]
    assert [c["index"] for c in rep["invalidRequests"]] == [2]
    with pytest.raises(TypeError):
        tc.impact(ps, cand, BIG)


def test_canary_bucket():
    b = tc.canary_bucket("u1")
    assert 0 <= b < 10000
    assert tc.canary_bucket({"b": 1, "a": [1.0]}) == tc.canary_bucket({"a": [1], "b": 1})
    with pytest.raises(tc.CanonicalJsonError):
        tc.canary_bucket(object())
