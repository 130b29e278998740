//! Unit tests of the policy module.

use super::*;
use serde_json::{json, Value};

pub(crate) fn kernel_set() -> Value {
    json!({
        "type": "trustcore.policy-set/v1",
        "defaultDecision": "allow",
        "rbac": {"id": "kernel-rbac", "version": 1, "rationale": "Kernel API roles (seed)",
            "rules": [
                {"action": "POST /kernel/division", "roles": ["DivisionLead", "SuperAdmin"]},
                {"action": "POST /kernel/sign", "roles": ["SuperAdmin", "Service"]},
                {"action": "GET /kernel/audit/{id}", "roles": ["Auditor", "SuperAdmin"]},
                {"action": "POST /kernel/allocate", "roles": ["Operator", "DivisionLead", "SuperAdmin"]}
            ]},
        "policies": [
            {"id": "allocate.limit", "version": 1, "state": "active", "mode": "enforce", "severity": "high",
             "target": {"actions": ["POST /kernel/allocate"]},
             "condition": {"op": "gt", "path": "/body/amount", "value": 1000},
             "effect": "deny", "rationale": "allocations above 1000 need review"},
            {"id": "allocate.limit", "version": 2, "state": "canary", "mode": "enforce", "severity": "high",
             "target": {"actions": ["POST /kernel/allocate"]},
             "condition": {"op": "gt", "path": "/body/amount", "value": 500},
             "canary": {"key": "/subject/id", "basisPoints": 5000},
             "effect": "deny", "rationale": "allocations above 500 need review"}
        ]
    })
}

fn kernel() -> PolicySet {
    PolicySet::from_value(&kernel_set()).unwrap()
}

fn alloc(id: &str, amount: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"action": "POST /kernel/allocate",
        "subject": {"id": id, "roles": ["Operator"]}, "body": {"amount": amount}}))
    .unwrap()
}

#[test]
fn codes_are_unique_snake_case() {
    let mut seen = std::collections::HashSet::new();
    for c in ErrorCode::ALL {
        let s = c.as_str();
        assert!(
            s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{s}"
        );
        assert!(seen.insert(s), "{s}");
        assert_eq!(c.to_string(), s);
    }
}

#[test]
fn crate_error_carries_kind_code_and_path() {
    let mut doc = kernel_set();
    doc["policies"][1]["condition"]["op"] = json!("matches");
    let e = PolicySet::from_value(&doc).unwrap_err();
    assert_eq!(e.kind().as_str(), "PolicyError");
    assert_eq!(e.code(), "unknown_operator");
    assert_eq!(e.path(), Some("/policies/1/condition/op"));
    assert!(
        e.to_string().contains("\"/policies/1/condition/op\""),
        "{e}"
    );
}

#[test]
fn canary_share_follows_the_bucket() {
    let set = kernel();
    // Buckets computed independently (Python hashlib): "u1" → 7107, "u2" → 937.
    assert_eq!(canary_bucket(&json!("u1")).unwrap(), 7107);
    assert_eq!(canary_bucket(&json!("u2")).unwrap(), 937);
    let d = evaluate(&set, &alloc("u2", json!(700))).unwrap();
    assert_eq!(d.verdict(), Verdict::Deny);
    assert_eq!(d.determined_by()[0].policy_version(), 2);
    let d = evaluate(&set, &alloc("u1", json!(700))).unwrap();
    assert_eq!(d.verdict(), Verdict::Allow);
    let canary = d.checks().iter().find(|c| c.policy_version() == 2).unwrap();
    assert!(canary.sim_mode());
    assert_eq!(canary.verdict(), Verdict::Deny);
}

#[test]
fn numbers_compare_as_doubles_and_types_must_match() {
    let set = PolicySet::from_value(&json!({"type": "trustcore.policy-set/v1", "defaultDecision": "allow",
        "policies": [{"id": "n", "version": 1, "state": "active", "mode": "enforce", "severity": "low",
            "condition": {"op": "eq", "path": "/n", "value": 1}, "effect": "deny", "rationale": "r"}]}))
    .unwrap();
    let verdict =
        |t: &str| evaluate(&set, format!(r#"{{"action":"GET /","n":{t}}}"#).as_bytes()).unwrap();
    assert_eq!(verdict("1.0").verdict(), Verdict::Deny);
    assert_eq!(verdict("1e0").verdict(), Verdict::Deny);
    assert_eq!(verdict("2").verdict(), Verdict::Allow);
    let d = verdict(r#""1""#);
    assert_eq!(d.verdict(), Verdict::Deny);
    assert_eq!(d.checks()[0].error_code(), Some(ErrorCode::TypeMismatch));
    let d = verdict("null");
    assert_eq!(d.checks()[0].error_code(), Some(ErrorCode::TypeMismatch));
}

#[test]
fn every_record_explains_and_tampering_is_caught() {
    let set = kernel();
    for amount in [json!(5), json!(700), json!(5000), json!("x")] {
        for id in ["u1", "u2"] {
            let d = evaluate(&set, &alloc(id, amount.clone())).unwrap();
            assert_eq!(
                d.to_value(),
                serde_json::from_str::<Value>(&d.to_json()).unwrap()
            );
            for c in d.checks() {
                let x = explain(c.as_bytes(), &set).unwrap();
                assert_eq!(x["policyCheckId"], c.id());
                assert_eq!(x["decision"], c.verdict().as_str());
                let mut r = c.to_value();
                r["simMode"] = json!(!c.sim_mode());
                let e = explain_value(&r, &set).unwrap_err();
                assert_eq!(
                    (e.code(), e.path()),
                    (ErrorCode::InvalidRecord, Some("/id"))
                );
            }
        }
    }
    let e = explain(b"[]", &set).unwrap_err();
    assert_eq!(e.code(), "invalid_record");
    let e = explain(br#"{"a":1,"a":2}"#, &set).unwrap_err();
    assert_eq!(e.code(), "duplicate_key");
}

#[test]
fn deep_requests_are_handled() {
    let set = kernel();
    for depth in [2usize, 100, 120] {
        let text = format!(
            r#"{{"action":"POST /kernel/sign","subject":{{"roles":["Service"]}},"deep":{}{}}}"#,
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        );
        // Depth counts the outer object: the request is `depth` levels deep.
        let d = evaluate(&set, text.as_bytes()).unwrap();
        assert!(d.is_allowed(), "depth {depth}");
        // Records quoting the deepest value still parse and explain.
        assert!(!d.to_value().is_null());
        let deep_rule = PolicySet::from_value(&json!({"type": "trustcore.policy-set/v1", "defaultDecision": "allow",
            "policies": [{"id": "d", "version": 1, "state": "active", "mode": "enforce", "severity": "low",
                "condition": {"op": "exists", "path": ""}, "effect": "allow", "rationale": "r"}]}))
        .unwrap();
        let d = evaluate(&deep_rule, text.as_bytes()).unwrap();
        assert!(!d.to_value().is_null());
        explain(d.checks()[0].as_bytes(), &deep_rule).unwrap();
    }
    let too_deep = format!(
        r#"{{"action":"x","d":{}{}}}"#,
        "[".repeat(120),
        "]".repeat(120)
    );
    assert_eq!(
        evaluate(&set, too_deep.as_bytes()).unwrap_err().code(),
        "depth_limit"
    );
}

#[test]
fn update_rules() {
    let cur = kernel();
    let mut doc = kernel_set();
    doc["policies"][1]["state"] = json!("active");
    doc["policies"][1].as_object_mut().unwrap().remove("canary");
    let cand = PolicySet::from_value(&doc).unwrap();
    cur.check_update(&cand).unwrap();
    // Back from active to canary is refused.
    let e = cand.check_update(&cur).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidTransition, Some("/policies/1/state"))
    );
}

#[test]
fn hostile_requests_and_policies_are_bounded() {
    // A request over the size limit is refused before evaluation.
    let big = serde_json::to_vec(&json!({"action": "POST /kernel/allocate",
        "body": {"blob": "x".repeat(MAX_REQUEST_BYTES)}}))
    .unwrap();
    assert_eq!(
        evaluate(&kernel(), &big).unwrap_err().code(),
        "request_too_large"
    );
    // An action far longer than any route.
    let long_action =
        serde_json::to_vec(&json!({"action": format!("POST /{}", "a".repeat(5000))})).unwrap();
    assert_eq!(
        evaluate(&kernel(), &long_action).unwrap_err().code(),
        "invalid_request"
    );
    // Glob patterns are bounded when loaded.
    let mut doc = kernel_set();
    doc["policies"][0]["target"]["actions"] = json!(["*".to_owned() + &"?a".repeat(200)]);
    assert_eq!(
        PolicySet::from_value(&doc).unwrap_err().code(),
        "invalid_policy"
    );
    // A general glob over a huge value stops at the work limit and denies
    // (fail closed), quickly, with its own code in the record.
    let mut doc = kernel_set();
    doc["policies"][0]["condition"] =
        json!({"op": "glob", "path": "/body/note", "value": format!("*{}*b", "a?".repeat(100))});
    let set = PolicySet::from_value(&doc).unwrap();
    let req = serde_json::to_vec(&json!({"action": "POST /kernel/allocate",
        "subject": {"id": "u", "roles": ["Operator"]}, "body": {"amount": 1, "note": "a".repeat(900_000)}}))
    .unwrap();
    let d = evaluate(&set, &req).unwrap();
    assert!(!d.is_allowed(), "{}", d.to_json());
    assert!(d.to_json().contains("evaluation_limit"), "{}", d.to_json());
}

#[test]
fn evidence_of_many_leaves_is_linear() {
    // 50,000 distinct pointers in one condition: de-duplication must not
    // be quadratic (this took seconds before).
    let leaves: Vec<Value> = (0..50_000)
        .map(|i| json!({"op": "exists", "path": format!("/body/f{i}")}))
        .collect();
    let mut doc = kernel_set();
    doc["policies"][0]["condition"] = json!({"any": leaves});
    let set = PolicySet::from_value(&doc).unwrap();
    let d = evaluate(&set, &alloc("u", json!(1))).unwrap();
    assert_eq!(d.checks().len(), 3);
}
