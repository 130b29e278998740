//! Loading a policy set: the document checked once, member by member, so
//! evaluation never meets a malformed policy (fields and their kinds,
//! operators, JSON Pointers, literal types, globs, RBAC action templates,
//! duplicate `id@version`).

use super::fields::{
    allowed_keys, id_field, mode_field, object, pointer_field, rationale_field, string_field,
    string_list, version_field,
};
use super::glob::Glob;
use super::model::*;
use super::pointer::Pointer;
use super::rbac;
use super::record::{RecordFacts, RecordStatic};
use super::vocab::*;
use super::{push_token, Error, ErrorCode};
use crate::canonical::{self, Options};
use crate::digest::{Algorithm, Digest};
use serde_json::Value;
use std::cmp::Ordering;
use std::sync::Arc;

impl PolicySet {
    /// Loads a policy set from JSON text. The text must be strict I-JSON
    /// (duplicate names and the like are `CanonicalJsonError`s); then every
    /// policy is validated (`PolicyError` with a JSON Pointer path).
    pub fn from_json(text: &[u8]) -> Result<PolicySet, crate::Error> {
        let canonical = canonical::canonicalize_text_with(text, &input_options())?;
        let value: Value = serde_json::from_slice(&canonical).map_err(|e| {
            Error::new(
                ErrorCode::InvalidPolicy,
                format!("policy set is not readable JSON: {e}"),
                Some(String::new()),
            )
        })?;
        Ok(Self::load(&value, canonical)?)
    }

    /// Loads a policy set from an in-memory value.
    pub fn from_value(value: &Value) -> Result<PolicySet, crate::Error> {
        let canonical = canonical::canonicalize_value(value, &input_options())?;
        Ok(Self::load(value, canonical)?)
    }

    fn load(doc: &Value, canonical: Vec<u8>) -> Result<PolicySet, Error> {
        let obj = object(doc, "")?;
        allowed_keys(
            obj,
            "",
            &[
                "type",
                "defaultDecision",
                "request",
                "rbac",
                "policies",
                "metadata",
            ],
        )?;
        match obj.get("type") {
            Some(Value::String(t)) if t == POLICY_SET_TYPE => {}
            Some(Value::String(t)) => {
                return Err(Error::new(
                    ErrorCode::UnsupportedFormat,
                    format!("policy set type {t:?} is not supported; this version reads {POLICY_SET_TYPE:?}"),
                    Some("/type".into()),
                ))
            }
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidPolicy,
                    format!("a policy set needs \"type\": {POLICY_SET_TYPE:?}"),
                    Some(if obj.contains_key("type") { "/type" } else { "" }.into()),
                ))
            }
        }
        let default_allow = match string_field(obj, "", "defaultDecision")? {
            "allow" => true,
            "deny" => false,
            other => {
                return Err(Error::new(
                    ErrorCode::InvalidPolicy,
                    format!("defaultDecision must be \"allow\" or \"deny\", got {other:?}"),
                    Some("/defaultDecision".into()),
                ))
            }
        };
        let fields = match obj.get("request") {
            None => RequestFields {
                action: pointer_or("/action")?,
                resource: pointer_or("/resource")?,
                roles: pointer_or("/subject/roles")?,
            },
            Some(v) => {
                let r = object(v, "/request")?;
                allowed_keys(r, "/request", &["action", "resource", "roles"])?;
                let get = |name: &str, default: &str| -> Result<Pointer, Error> {
                    match r.get(name) {
                        None => pointer_or(default),
                        Some(_) => pointer_field(r, "/request", name),
                    }
                };
                RequestFields {
                    action: get("action", "/action")?,
                    resource: get("resource", "/resource")?,
                    roles: get("roles", "/subject/roles")?,
                }
            }
        };
        if let Some(m) = obj.get("metadata") {
            object(m, "/metadata")?;
        }
        let rbac = match obj.get("rbac") {
            None => None,
            Some(v) => Some(rbac::load(v, "/rbac")?),
        };
        let list = match obj.get("policies") {
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(Error::new(
                    ErrorCode::InvalidPolicy,
                    "\"policies\" must be an array",
                    Some("/policies".into()),
                ))
            }
            None => {
                return Err(Error::new(
                    ErrorCode::InvalidPolicy,
                    "a policy set needs \"policies\" (an array, possibly empty)",
                    Some(String::new()),
                ))
            }
        };
        let mut policies = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            policies.push(load_policy(p, i)?);
        }
        // Duplicates, reported at the later one.
        for (i, p) in policies.iter().enumerate() {
            if let Some(first) = policies[..i]
                .iter()
                .find(|q| q.id == p.id && q.version == p.version)
            {
                return Err(Error::new(
                    ErrorCode::DuplicatePolicy,
                    format!(
                        "policy {}@{} appears twice (first at /policies/{})",
                        p.id, p.version, first.index
                    ),
                    Some(format!("/policies/{i}/version")),
                ));
            }
            if let Some(r) = &rbac {
                if r.id == p.id {
                    return Err(Error::new(
                        ErrorCode::DuplicatePolicy,
                        format!(
                            "policy id {:?} is also the RBAC table's id; records must name one thing",
                            p.id
                        ),
                        Some(format!("/policies/{i}/id")),
                    ));
                }
            }
        }
        crate::sort::sort_by(&mut policies, |a, b| {
            record_order(&a.id, a.version, &b.id, b.version)
        });
        let rbac_pos = match &rbac {
            Some(r) => policies.partition_point(|p| {
                record_order(&p.id, p.version, &r.id, r.version) == Ordering::Less
            }),
            None => policies.len(),
        };
        let digest = Digest::of(Algorithm::Sha256, &canonical).to_string();
        Ok(PolicySet {
            policies,
            rbac,
            default_allow,
            fields,
            shared_digest: Arc::from(digest.as_str()),
            digest,
            rbac_pos,
            canonical,
        })
    }
}

fn pointer_or(text: &str) -> Result<Pointer, Error> {
    Pointer::parse(text).map_err(|m| Error::new(ErrorCode::InvalidPointer, m, None))
}

fn load_policy(v: &Value, index: usize) -> Result<Policy, Error> {
    let at = format!("/policies/{index}");
    let m = object(v, &at)?;
    allowed_keys(
        m,
        &at,
        &[
            "id",
            "version",
            "state",
            "mode",
            "severity",
            "target",
            "condition",
            "effect",
            "rationale",
            "canary",
            "metadata",
        ],
    )?;
    let id = id_field(m, &at)?.to_owned();
    let version = version_field(m, &at)?;
    let state_text = string_field(m, &at, "state")?;
    let state = State::parse(state_text).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidPolicy,
            format!(
                "state must be one of draft, test, canary, active, deprecated; got {state_text:?}"
            ),
            Some(format!("{at}/state")),
        )
    })?;
    let mode = mode_field(m, &at)?;
    let severity = match string_field(m, &at, "severity")? {
        "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        "critical" => Severity::Critical,
        other => {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!("severity must be one of low, medium, high, critical; got {other:?}"),
                Some(format!("{at}/severity")),
            ))
        }
    };
    let rationale = rationale_field(m, &at)?.to_owned();
    let target = match m.get("target") {
        None => Target::default(),
        Some(t) => load_target(t, &format!("{at}/target"))?,
    };
    let condition = match m.get("condition") {
        None => None,
        Some(c) => Some(load_node(c, &format!("{at}/condition"), "/condition")?),
    };
    let effect = match m.get("effect") {
        Some(Value::String(s)) if s == "deny" => Effect::Deny,
        Some(Value::String(s)) if s == "allow" => Effect::Allow,
        Some(Value::Object(e)) => {
            let here = format!("{at}/effect");
            allowed_keys(e, &here, &["requireRoles"])?;
            Effect::RequireRoles(string_list(e, &here, "requireRoles")?)
        }
        Some(_) => {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                "effect must be \"deny\", \"allow\" or {\"requireRoles\": [\"Role\", ...]}",
                Some(format!("{at}/effect")),
            ))
        }
        None => {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                "missing required field \"effect\"",
                Some(at),
            ))
        }
    };
    let canary = match (state, m.get("canary")) {
        (State::Canary, Some(c)) => Some(load_canary(c, &format!("{at}/canary"))?),
        (State::Canary, None) => return Err(Error::new(
            ErrorCode::InvalidPolicy,
            "a canary policy needs \"canary\": {\"key\": \"/pointer\", \"basisPoints\": 0..10000}",
            Some(at),
        )),
        (_, Some(_)) => {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!(
                    "\"canary\" applies only in state canary, not {}",
                    state.as_str()
                ),
                Some(format!("{at}/canary")),
            ))
        }
        (_, None) => None,
    };
    if let Some(md) = m.get("metadata") {
        object(md, &format!("{at}/metadata"))?;
    }
    let bytes = canonical::canonicalize_value(v, &Options::default()).map_err(|e| {
        Error::new(
            ErrorCode::InvalidPolicy,
            e.message().to_owned(),
            Some(at.clone()),
        )
    })?;
    let digest = Digest::of(Algorithm::Sha256, &bytes).to_string();
    let require_canon = match &effect {
        Effect::RequireRoles(roles) => roles.iter().map(|r| canonical_string(r)).collect(),
        _ => Vec::new(),
    };
    let record = RecordStatic::new(&RecordFacts {
        kind: "policy",
        policy_id: &id,
        policy_version: version,
        policy_digest: &digest,
        state: state.as_str(),
        severity: Some(severity.as_str()),
        effect: effect.name(),
        rationale: &rationale,
    });
    Ok(Policy {
        id,
        version,
        state,
        mode,
        severity,
        target,
        condition,
        effect,
        rationale,
        canary,
        digest,
        source: v.clone(),
        index,
        require_canon,
        record,
    })
}

fn load_target(v: &Value, at: &str) -> Result<Target, Error> {
    let m = object(v, at)?;
    allowed_keys(m, at, &["actions", "resources"])?;
    let globs = |name: &str| -> Result<Option<Vec<Glob>>, Error> {
        if !m.contains_key(name) {
            return Ok(None);
        }
        let list = string_list(m, at, name)?;
        list.iter()
            .enumerate()
            .map(|(i, s)| {
                Glob::new(s).map_err(|msg| {
                    Error::new(
                        ErrorCode::InvalidPolicy,
                        msg,
                        Some(format!("{at}/{name}/{i}")),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    Ok(Target {
        actions: globs("actions")?,
        resources: globs("resources")?,
    })
}

fn load_canary(v: &Value, at: &str) -> Result<Canary, Error> {
    let m = object(v, at)?;
    allowed_keys(m, at, &["key", "basisPoints"])?;
    let key = pointer_field(m, at, "key")?;
    let bp = match m.get("basisPoints") {
        Some(Value::Number(n)) => n.as_u64().filter(|b| *b <= 10_000),
        _ => None,
    };
    let Some(bp) = bp else {
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            "basisPoints must be an integer from 0 to 10000 (100 basis points = 1 %)",
            Some(format!("{at}/basisPoints")),
        ));
    };
    Ok(Canary {
        key,
        basis_points: bp as u32,
    })
}

fn op_from_name(name: &str) -> Option<Op> {
    Some(match name {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "lt" => Op::Lt,
        "le" => Op::Le,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "in" => Op::In,
        "contains" => Op::Contains,
        "subset" => Op::Subset,
        "exists" => Op::Exists,
        "startsWith" => Op::StartsWith,
        "endsWith" => Op::EndsWith,
        "glob" => Op::Glob(Glob::new("").ok()?),
        "hasRole" => Op::HasRole,
        "hasAnyRole" => Op::HasAnyRole,
        _ => return None,
    })
}

const OPERATORS: &str = "all, any, not, eq, ne, lt, le, gt, ge, in, contains, subset, exists, startsWith, endsWith, glob, hasRole, hasAnyRole";

/// Loads a condition node. `at` is the pointer in the set document, `rel`
/// the pointer inside the policy (what records show).
fn load_node(v: &Value, at: &str, rel: &str) -> Result<Node, Error> {
    let m = object(v, at)?;
    if !m.contains_key("op") {
        let mut keys = m.keys();
        let (Some(k), None) = (keys.next(), keys.next()) else {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!("a condition is {{\"all\": [...]}}, {{\"any\": [...]}}, {{\"not\": {{...}}}} or {{\"op\": ..., ...}}; found an object with {} fields", m.len()),
                Some(at.to_owned()),
            ));
        };
        let here = push_token(at, k);
        let rel_here = push_token(rel, k);
        let child = m.get(k).unwrap_or(&Value::Null);
        return match k.as_str() {
            "all" | "any" => {
                let Value::Array(items) = child else {
                    return Err(Error::new(
                        ErrorCode::InvalidPolicy,
                        format!("{k:?} takes a non-empty array of conditions"),
                        Some(here),
                    ));
                };
                if items.is_empty() {
                    return Err(Error::new(
                        ErrorCode::InvalidPolicy,
                        format!("{k:?} takes a non-empty array of conditions (an empty one would be a silent constant)"),
                        Some(here),
                    ));
                }
                let nodes = items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| load_node(c, &format!("{here}/{i}"), &format!("{rel_here}/{i}")))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if k == "all" {
                    Node::All {
                        at: rel.to_owned(),
                        items: nodes,
                    }
                } else {
                    Node::Any {
                        at: rel.to_owned(),
                        items: nodes,
                    }
                })
            }
            "not" => Ok(Node::Not {
                at: rel.to_owned(),
                item: Box::new(load_node(child, &here, &rel_here)?),
            }),
            other => Err(Error::new(
                ErrorCode::UnknownOperator,
                format!("unknown operator {other:?}; known: {OPERATORS}"),
                Some(here),
            )),
        };
    }
    let op_at = format!("{at}/op");
    let op_name = match m.get("op") {
        Some(Value::String(s)) => s.as_str(),
        _ => {
            return Err(Error::new(
                ErrorCode::UnknownOperator,
                format!("\"op\" must be an operator name: {OPERATORS}"),
                Some(op_at),
            ))
        }
    };
    let mut op = match op_from_name(op_name) {
        Some(op) => op,
        None => {
            return Err(Error::new(
                ErrorCode::UnknownOperator,
                format!("unknown operator {op_name:?}; known: {OPERATORS}"),
                Some(op_at),
            ))
        }
    };
    let role_op = matches!(op, Op::HasRole | Op::HasAnyRole);
    let allowed: &[&str] = match op {
        Op::Exists => &["op", "path"],
        Op::HasRole | Op::HasAnyRole => &["op", "value"],
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => &["op", "path", "value", "ref"],
        _ => &["op", "path", "value"],
    };
    allowed_keys(m, at, allowed)?;
    let path = if role_op {
        None
    } else {
        Some(pointer_field(m, at, "path")?)
    };
    let value_at = format!("{at}/value");
    let mismatch = |msg: String| Error::new(ErrorCode::TypeMismatch, msg, Some(value_at.clone()));
    let operand = match (m.get("value"), m.get("ref")) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!("{op_name} takes either \"value\" or \"ref\", not both"),
                Some(at.to_owned()),
            ))
        }
        (None, Some(_)) => Operand::Ref(pointer_field(m, at, "ref")?),
        (Some(v), None) => Operand::Value(v.clone()),
        (None, None) if matches!(op, Op::Exists) => Operand::None,
        (None, None) => {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!(
                    "{op_name} needs \"value\"{}",
                    if allowed.contains(&"ref") {
                        " or \"ref\""
                    } else {
                        ""
                    }
                ),
                Some(at.to_owned()),
            ))
        }
    };
    if let Operand::Value(lit) = &operand {
        match &op {
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                if !matches!(lit, Value::Number(_) | Value::String(_)) {
                    return Err(mismatch(format!(
                        "{op_name} compares numbers or strings, not {}",
                        kind(lit)
                    )));
                }
            }
            Op::In => {
                let Value::Array(items) = lit else {
                    return Err(mismatch(format!(
                        "in needs an array of values, not {}",
                        kind(lit)
                    )));
                };
                let Some(first) = items.first() else {
                    return Err(Error::new(
                        ErrorCode::InvalidPolicy,
                        "in needs at least one value",
                        Some(value_at),
                    ));
                };
                if !matches!(first, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
                    return Err(mismatch(format!(
                        "in takes strings, numbers or booleans, not {}",
                        kind(first)
                    )));
                }
                if let Some(i) = items.iter().position(|x| kind(x) != kind(first)) {
                    return Err(Error::new(
                        ErrorCode::TypeMismatch,
                        format!(
                            "in values must all have one type: {} at 0, {} at {i}",
                            kind(first),
                            kind(items.get(i).unwrap_or(&Value::Null))
                        ),
                        Some(format!("{value_at}/{i}")),
                    ));
                }
            }
            Op::Subset => {
                if !lit.is_array() {
                    return Err(mismatch(format!(
                        "subset needs an array, not {}",
                        kind(lit)
                    )));
                }
            }
            Op::StartsWith | Op::EndsWith | Op::HasRole => {
                if !lit.is_string() {
                    return Err(mismatch(format!(
                        "{op_name} needs a string, not {}",
                        kind(lit)
                    )));
                }
            }
            Op::Glob(_) => match lit {
                Value::String(s) => {
                    op = Op::Glob(Glob::new(s).map_err(|msg| {
                        Error::new(ErrorCode::InvalidPolicy, msg, Some(value_at.clone()))
                    })?)
                }
                _ => {
                    return Err(mismatch(format!(
                        "glob needs a pattern string, not {}",
                        kind(lit)
                    )))
                }
            },
            Op::HasAnyRole => {
                let ok = matches!(lit, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_string));
                if !ok {
                    return Err(mismatch(
                        "hasAnyRole needs a non-empty array of role names".into(),
                    ));
                }
            }
            Op::Eq | Op::Ne | Op::Contains | Op::Exists => {}
        }
    }
    let canon_of = |v: &Value| {
        canonical::canonicalize_value(v, &Options::default()).map_err(|e| {
            Error::new(
                ErrorCode::InvalidPolicy,
                e.message(),
                Some(value_at.clone()),
            )
        })
    };
    let (canon, canon_items) = match &operand {
        Operand::Value(lit) => (
            canon_of(lit)?,
            match lit {
                Value::Array(items) => items.iter().map(canon_of).collect::<Result<_, _>>()?,
                _ if matches!(op, Op::HasRole) => vec![canon_of(lit)?],
                _ => Vec::new(),
            },
        ),
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Node::Leaf(Leaf {
        at: rel.to_owned(),
        op,
        path,
        operand,
        canon,
        canon_items,
    }))
}
