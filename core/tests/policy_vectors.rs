//! Runs `test-vectors/policy.json` (format in `test-vectors/README.md`).
//!
//! Every evaluate / explain / impact case carries hand-written expectations
//! (`expect`) that are checked first; the exact bytes (`expected`) are then
//! compared. `TRUSTCORE_BLESS=1` fills `expected` where it is `null`, and
//! only for cases whose hand-written expectations hold; the filled bytes are
//! checked independently by `test-vectors/tools/check_policy.py`.

use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use trustcore::canonical::{self, Options};
use trustcore::digest::{Algorithm, Digest};
use trustcore::policy::{self, PolicySet};

fn file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/policy.json")
}

fn bless() -> bool {
    std::env::var("TRUSTCORE_BLESS").is_ok_and(|v| v == "1")
}

fn error_json(e: &trustcore::Error) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("kind".into(), json!(e.kind().as_str()));
    m.insert("code".into(), json!(e.code()));
    if let Some(p) = e.path() {
        m.insert("path".into(), json!(p));
    }
    if let Some(o) = e.offset() {
        m.insert("offset".into(), json!(o));
    }
    Value::Object(m)
}

fn label(id: &str, v: u64) -> String {
    format!("{id}@{v}")
}

fn set_named(sets: &Value, name: &Value) -> PolicySet {
    let doc = match name {
        Value::String(n) => &sets[n.as_str()],
        other => other,
    };
    let text = serde_json::to_vec(doc).unwrap();
    PolicySet::from_json(&text).unwrap_or_else(|e| panic!("set {name}: {e}"))
}

fn request_text(case: &Value) -> Vec<u8> {
    match (&case["request"], &case["requestText"]) {
        (Value::Null, Value::String(t)) => t.as_bytes().to_vec(),
        (r, Value::Null) => serde_json::to_vec(r).unwrap(),
        _ => panic!("request or requestText"),
    }
}

/// Checks the hand-written expectations of an evaluate case.
fn check_expect(id: &str, expect: &Value, d: &policy::Decision, errs: &mut Vec<String>) {
    let v = d.to_value();
    let mut fail = |m: String| errs.push(format!("{id}: {m}"));
    if v["decision"] != expect["decision"] {
        fail(format!(
            "decision {} != {}",
            v["decision"], expect["decision"]
        ));
    }
    if v["reason"] != expect["reason"] {
        fail(format!("reason {} != {}", v["reason"], expect["reason"]));
    }
    let by: Vec<String> = d
        .determined_by()
        .iter()
        .map(|c| label(c.policy_id(), c.policy_version()))
        .collect();
    if json!(by) != expect["determinedBy"] {
        fail(format!("determinedBy {by:?} != {}", expect["determinedBy"]));
    }
    let checks: Vec<Value> = v["policyChecks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut s = json!({"policyId": c["policyId"], "policyVersion": c["policyVersion"],
                "decision": c["decision"], "simMode": c["simMode"]});
            if let Some(code) = c["error"]["code"].as_str() {
                s["error"] = json!(code);
            }
            s
        })
        .collect();
    if json!(checks) != expect["checks"] {
        fail(format!("checks {} != {}", json!(checks), expect["checks"]));
    }
    if let Some(paths) = expect["paths"].as_object() {
        for (who, want) in paths {
            let Some(rec) = v["policyChecks"].as_array().unwrap().iter().find(|c| {
                label(
                    c["policyId"].as_str().unwrap(),
                    c["policyVersion"].as_u64().unwrap(),
                ) == *who
            }) else {
                fail(format!("no check {who}"));
                continue;
            };
            let got: Vec<Value> = rec["evaluationPath"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let r = if s["result"].is_boolean() {
                        s["result"].clone()
                    } else {
                        s["error"].clone()
                    };
                    json!([s["node"], s["op"], r])
                })
                .collect();
            if json!(got) != *want {
                fail(format!("path of {who}: {} != {want}", json!(got)));
            }
        }
    }
}

/// Compares (or, blessing, fills) the exact bytes.
fn check_bytes(case: &mut Value, got: &str, errs: &mut Vec<String>, ok_to_bless: bool) {
    let id = case["id"].as_str().unwrap().to_owned();
    match &case["expected"] {
        Value::String(want) if want == got => {}
        Value::String(want) => errs.push(format!("{id}: bytes differ\n got  {got}\n want {want}")),
        Value::Null if bless() && ok_to_bless => case["expected"] = json!(got),
        _ => errs.push(format!(
            "{id}: no expected bytes (run with TRUSTCORE_BLESS=1 after checking)"
        )),
    }
}

fn find_check<'a>(d: &'a policy::Decision, who: &str) -> &'a policy::PolicyCheck {
    d.checks()
        .iter()
        .find(|c| label(c.policy_id(), c.policy_version()) == who)
        .unwrap_or_else(|| panic!("no check {who}"))
}

#[test]
fn policy_vectors() {
    let path = file();
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("policy.json")).unwrap();
    assert_eq!(doc["format"], "trustcore-vectors/policy");
    assert_eq!(doc["version"], 1);
    let sets = doc["policySets"].clone();
    let mut errs: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut kinds = HashSet::new();
    let n = doc["cases"].as_array().unwrap().len();
    assert!(n >= 80, "expected at least 80 cases, found {n}");
    for i in 0..n {
        let case = &mut doc["cases"][i];
        let id = case["id"].as_str().unwrap().to_owned();
        assert!(seen.insert(id.clone()), "duplicate case id {id}");
        let kind = case["kind"].as_str().unwrap().to_owned();
        kinds.insert(kind.clone());
        match kind.as_str() {
            "evaluate" => {
                let set = set_named(&sets, &case["policySet"]);
                let text = request_text(case);
                match (policy::evaluate(&set, &text), &case["error"]) {
                    (Ok(d), Value::Null) => {
                        let before = errs.len();
                        check_expect(&id, &case["expect"], &d, &mut errs);
                        let got = d.to_json();
                        // Canonical and a fixed point.
                        let again = canonical::canonicalize_text(got.as_bytes()).unwrap();
                        if again != got.as_bytes() {
                            errs.push(format!("{id}: decision is not canonical"));
                        }
                        // The value path gives the same bytes.
                        let value: Value = serde_json::from_slice(&text).unwrap();
                        let via_value = policy::evaluate_value(&set, &value).unwrap().to_json();
                        if via_value != got {
                            errs.push(format!("{id}: evaluate_value differs from evaluate"));
                        }
                        // Every record's id is the digest of the rest.
                        for c in d.checks() {
                            let mut r = c.to_value();
                            r.as_object_mut().unwrap().remove("id");
                            let b = canonical::canonicalize_value(&r, &Options::default()).unwrap();
                            if Digest::of(Algorithm::Sha256, &b).to_string() != c.id() {
                                errs.push(format!(
                                    "{id}: record id of {} is not its digest",
                                    c.policy_id()
                                ));
                            }
                        }
                        let clean = errs.len() == before;
                        check_bytes(case, &got, &mut errs, clean);
                    }
                    (Err(e), want @ Value::Object(_)) => {
                        if error_json(&e) != *want {
                            errs.push(format!("{id}: error {} != {want}", error_json(&e)));
                        }
                    }
                    (Ok(d), want) => {
                        errs.push(format!("{id}: expected error {want}, got {}", d.to_json()))
                    }
                    (Err(e), _) => errs.push(format!("{id}: unexpected error {e}")),
                }
            }
            "load" => {
                let got = match (
                    &case["policySetDoc"],
                    &case["policySetText"],
                    &case["policySet"],
                ) {
                    (Value::Null, Value::String(t), _) => PolicySet::from_json(t.as_bytes()),
                    (Value::Null, Value::Null, name @ Value::String(_)) => PolicySet::from_json(
                        &serde_json::to_vec(&sets[name.as_str().unwrap()]).unwrap(),
                    ),
                    (d, _, _) => {
                        // Both entry points must agree.
                        let a = PolicySet::from_json(&serde_json::to_vec(d).unwrap());
                        let b = PolicySet::from_value(d);
                        if a.as_ref().err() != b.as_ref().err() {
                            errs.push(format!("{id}: from_json and from_value disagree"));
                        }
                        a
                    }
                };
                match (got, &case["error"]) {
                    (Ok(_), Value::Null) if case["valid"] == true => {}
                    (Err(e), want @ Value::Object(_)) => {
                        if error_json(&e) != *want {
                            errs.push(format!("{id}: error {} != {want} ({e})", error_json(&e)));
                        }
                    }
                    (Ok(_), want) => errs.push(format!("{id}: loaded, expected {want}")),
                    (Err(e), _) => errs.push(format!("{id}: unexpected error {e}")),
                }
            }
            "update" => {
                let cur = set_named(&sets, &case["current"]);
                let cand = set_named(&sets, &case["candidate"]);
                match (cur.check_update(&cand), &case["error"]) {
                    (Ok(()), Value::Null) if case["valid"] == true => {}
                    (Err(e), want @ Value::Object(_)) => {
                        let got = error_json(&trustcore::Error::from(e));
                        if got != *want {
                            errs.push(format!("{id}: error {got} != {want}"));
                        }
                    }
                    (r, want) => errs.push(format!("{id}: got {r:?}, expected {want}")),
                }
            }
            "bucket" => {
                let v = &case["value"];
                let canon = canonical::canonicalize_value(v, &Options::default()).unwrap();
                if canon != case["canonical"].as_str().unwrap().as_bytes() {
                    errs.push(format!("{id}: canonical form differs"));
                }
                let b = policy::canary_bucket(v).unwrap();
                if json!(b) != case["bucket"] {
                    errs.push(format!("{id}: bucket {b} != {}", case["bucket"]));
                }
            }
            "explain" => {
                let set = set_named(&sets, &case["policySet"]);
                let d = policy::evaluate(&set, &request_text(case)).unwrap();
                let c = find_check(&d, case["check"].as_str().unwrap());
                let mut record = c.to_value();
                if let Some(t) = case["tamper"].as_object() {
                    for (k, v) in t {
                        record[k] = v.clone();
                    }
                }
                let with = match &case["explainWith"] {
                    Value::Null => set,
                    name => set_named(&sets, name),
                };
                let text = serde_json::to_vec(&record).unwrap();
                match (policy::explain(&text, &with), &case["error"]) {
                    (Ok(x), Value::Null) => {
                        let before = errs.len();
                        let expect = &case["expect"];
                        if x["summary"] != expect["summary"] {
                            errs.push(format!(
                                "{id}: summary {} != {}",
                                x["summary"], expect["summary"]
                            ));
                        }
                        for (node, want) in expect["leafEvidence"].as_object().unwrap() {
                            let step = x["evaluationPath"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .find(|s| s["node"] == *node);
                            if step.map(|s| &s["evidence"]) != Some(want) {
                                errs.push(format!("{id}: evidence of {node}: {step:?} != {want}"));
                            }
                        }
                        if x["policyCheckId"] != c.id() || x["policy"]["id"] != record["policyId"] {
                            errs.push(format!("{id}: explanation names another record"));
                        }
                        let got = String::from_utf8(
                            canonical::canonicalize_value(&x, &Options::default()).unwrap(),
                        )
                        .unwrap();
                        let clean = errs.len() == before;
                        check_bytes(case, &got, &mut errs, clean);
                    }
                    (Err(e), want @ Value::Object(_)) => {
                        if error_json(&e) != *want {
                            errs.push(format!("{id}: error {} != {want}", error_json(&e)));
                        }
                    }
                    (r, want) => errs.push(format!("{id}: got {r:?}, expected {want}")),
                }
            }
            "impact" => {
                let cur = set_named(&sets, &case["current"]);
                let cand = set_named(&sets, &case["candidate"]);
                let reqs: Vec<String> = case["requests"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect();
                let rep = policy::impact(&cur, &cand, &reqs).to_value();
                let before = errs.len();
                let e = &case["expect"];
                for k in ["changed", "allowToDeny", "denyToAllow", "unchanged"] {
                    if rep[k] != e[k] {
                        errs.push(format!("{id}: {k} {} != {}", rep[k], e[k]));
                    }
                }
                let idx: Vec<Value> = rep["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["index"].clone())
                    .collect();
                if json!(idx) != e["changedIndexes"] {
                    errs.push(format!("{id}: changed indexes {idx:?}"));
                }
                let resp: Vec<Vec<String>> = rep["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        c["responsible"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|r| {
                                label(
                                    r["policyId"].as_str().unwrap(),
                                    r["policyVersion"].as_u64().unwrap(),
                                )
                            })
                            .collect()
                    })
                    .collect();
                if json!(resp) != e["responsible"] {
                    errs.push(format!("{id}: responsible {resp:?}"));
                }
                let inv: Vec<Value> = rep["invalidRequests"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["index"].clone())
                    .collect();
                if json!(inv) != e["invalidIndexes"] {
                    errs.push(format!("{id}: invalid indexes {inv:?}"));
                }
                let got = policy::impact(&cur, &cand, &reqs).to_json();
                let clean = errs.len() == before;
                check_bytes(case, &got, &mut errs, clean);
            }
            other => errs.push(format!("{id}: unknown kind {other}")),
        }
    }
    for k in ["evaluate", "load", "update", "bucket", "explain", "impact"] {
        assert!(kinds.contains(k), "no {k} case");
    }
    if bless() && errs.is_empty() {
        let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    assert!(
        errs.is_empty(),
        "{} failures:\n{}",
        errs.len(),
        errs.join("\n")
    );
}
