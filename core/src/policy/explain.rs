//! The explain path: a `policyCheck` record checked against the policy set
//! it names, and its explanation (`trustcore.policy-explanation/v1`,
//! `docs/policy.md`).

use super::model::PolicySet;
use super::record::*;
use super::vocab::{kind, output_options};
use super::{Error, ErrorCode};
use crate::canonical;
use crate::digest::{Algorithm, Digest};
use serde_json::{Map, Value};

/// Explains a `policyCheck` record given as JSON text: checks that the
/// record is intact (its `id` matches its content) and that `set` holds the
/// policy it names with the same digest, then returns the explanation
/// (`trustcore.policy-explanation/v1`, see `docs/policy.md`): the policy,
/// the verdict, a one-line summary, the evidence, and the evaluation path
/// with each leaf's definition and the evidence it read.
pub fn explain(record: &[u8], set: &PolicySet) -> Result<Value, crate::Error> {
    let canonical = canonical::canonicalize_text_with(record, &output_options())?;
    let value: Value = serde_json::from_slice(&canonical)
        .map_err(|e| bad_record(format!("record cannot be read: {e}"), ""))?;
    Ok(explain_value(&value, set)?)
}

/// [`explain`] for a record given as a value.
pub fn explain_value(record: &Value, set: &PolicySet) -> Result<Value, Error> {
    let Value::Object(m) = record else {
        return Err(bad_record(
            format!("a policyCheck record is an object, found {}", kind(record)),
            "",
        ));
    };
    if m.get("type").and_then(Value::as_str) != Some(POLICY_CHECK_TYPE) {
        return Err(bad_record(
            format!("record type must be {POLICY_CHECK_TYPE:?}"),
            "/type",
        ));
    }
    let str_of = |name: &str| -> Result<&str, Error> {
        m.get(name).and_then(Value::as_str).ok_or_else(|| {
            bad_record(
                format!("record needs a string {name:?}"),
                &format!("/{name}"),
            )
        })
    };
    let id = str_of("id")?;
    let mut without = m.clone();
    without.remove("id");
    let bytes = canonical::canonicalize_value(&Value::Object(without), &output_options())
        .map_err(|e| bad_record(e.message().to_owned(), ""))?;
    let computed = Digest::of(Algorithm::Sha256, &bytes).to_string();
    if computed != id {
        return Err(bad_record(
            format!(
                "record id {id} does not match its content ({computed}); the record was altered"
            ),
            "/id",
        ));
    }
    let policy_id = str_of("policyId")?;
    let version = m
        .get("policyVersion")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            bad_record(
                "record needs an integer \"policyVersion\"",
                "/policyVersion",
            )
        })?;
    let digest = str_of("policyDigest")?;
    let rbac = set
        .rbac
        .as_ref()
        .filter(|r| r.id == policy_id && r.version == version);
    let (source, set_digest, roles_ptr) = match (set.policy(policy_id, version), rbac) {
        (Some(p), _) => (&p.source, p.digest.as_str(), set.fields.roles.text.as_str()),
        (None, Some(r)) => (&r.source, r.digest.as_str(), set.fields.roles.text.as_str()),
        (None, None) => {
            return Err(Error::new(
                ErrorCode::PolicyNotFound,
                format!("the policy set does not hold {policy_id}@{version}"),
                Some("/policyId".into()),
            ))
        }
    };
    if set_digest != digest {
        return Err(Error::new(
            ErrorCode::PolicyNotFound,
            format!("the policy set holds a different {policy_id}@{version} ({set_digest}, record says {digest})"),
            Some("/policyDigest".into()),
        ));
    }
    let evidence = m
        .get("evidence")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    let lookup = |ptr: &str| -> Option<Value> {
        evidence
            .as_array()?
            .iter()
            .find(|e| e.get("pointer").and_then(Value::as_str) == Some(ptr))
            .cloned()
    };
    let mut path_out = Vec::new();
    if let Some(steps) = m.get("evaluationPath").and_then(Value::as_array) {
        for s in steps {
            let mut step = s.clone();
            let node = s.get("node").and_then(Value::as_str).unwrap_or("");
            let op = s.get("op").and_then(Value::as_str).unwrap_or("");
            if let Value::Object(sm) = &mut step {
                if !matches!(op, "all" | "any" | "not") {
                    let def = source.pointer(node).cloned();
                    let mut reads: Vec<String> = Vec::new();
                    if let Some(d) = &def {
                        for k in ["path", "ref"] {
                            if let Some(p) = d.get(k).and_then(Value::as_str) {
                                reads.push(p.to_owned());
                            }
                        }
                    }
                    if matches!(op, "hasRole" | "hasAnyRole" | "requireRoles") {
                        reads.push(roles_ptr.to_owned());
                    }
                    if op == "target" {
                        reads.push(set.fields.resource.text.clone());
                    }
                    let ev: Vec<Value> = reads.iter().filter_map(|p| lookup(p)).collect();
                    if let Some(d) = def {
                        sm.insert("definition".into(), d);
                    }
                    sm.insert("evidence".into(), Value::Array(ev));
                }
            }
            path_out.push(step);
        }
    }
    let decision = str_of("decision")?;
    let sim = m.get("simMode").and_then(Value::as_bool).unwrap_or(false);
    let rationale = str_of("rationale")?;
    let verb = match decision {
        "deny" => "denied",
        "allow" => "allowed",
        _ => "had no opinion (its condition did not hold)",
    };
    let mut summary = format!("{policy_id}@{version} {verb}");
    if let Some(e) = m.get("error") {
        summary.push_str(&format!(
            " because evaluation failed ({}: {})",
            e.get("code").and_then(Value::as_str).unwrap_or("?"),
            e.get("message").and_then(Value::as_str).unwrap_or("")
        ));
    }
    if sim {
        summary.push_str(" [simulated: did not affect the decision]");
    }
    summary.push_str(": ");
    summary.push_str(rationale);
    let mut out = Map::new();
    out.insert("type".into(), Value::String(EXPLANATION_TYPE.into()));
    out.insert("policyCheckId".into(), Value::String(id.into()));
    out.insert("summary".into(), Value::String(summary));
    out.insert("policy".into(), source.clone());
    out.insert("evaluationPath".into(), Value::Array(path_out));
    out.insert("evidence".into(), evidence.clone());
    for k in [
        "kind",
        "policyId",
        "policyVersion",
        "policyDigest",
        "requestDigest",
        "decision",
        "simMode",
        "state",
        "severity",
        "effect",
        "rationale",
        "error",
        "canary",
    ] {
        if let Some(v) = m.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    Ok(Value::Object(out))
}
