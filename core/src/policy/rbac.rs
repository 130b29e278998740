//! RBAC as a table: action → roles allowed to perform it.
//!
//! An action is `METHOD /path`; a rule's path may hold `{name}`
//! placeholders, each matching exactly one non-empty path segment
//! (`GET /kernel/audit/{id}` matches `GET /kernel/audit/42`, not
//! `GET /kernel/audit/42/x`). When several rules match, the most specific
//! wins: compare segment by segment from the left, a literal segment beats a
//! placeholder. Two rules with the same shape (ignoring placeholder names)
//! are a `duplicate_policy` error, so the winner is always unique. An action
//! no rule matches is not governed by RBAC (no record).

use super::fields::{self, id_field, mode_field, object, rationale_field, version_field};
use super::record::{RecordFacts, RecordStatic};
use super::vocab::{canonical_string, Mode};
use super::{Error, ErrorCode};
use crate::canonical::{self, Options};
use crate::digest::{Algorithm, Digest};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) action: String,
    method: String,
    segments: Vec<Segment>,
    pub(crate) index: usize,
    /// `/rules/<index>`: the record's evaluation-path node.
    pub(crate) node: String,
    /// Canonical JSON of each role.
    pub(crate) roles_canon: Vec<Vec<u8>>,
    /// The record bytes fixed by this rule (its rationale names the rule).
    pub(crate) record: RecordStatic,
}

/// A validated RBAC table.
#[derive(Clone, Debug)]
pub(crate) struct RbacTable {
    pub(crate) id: String,
    pub(crate) version: u64,
    pub(crate) mode: Mode,
    pub(crate) rules: Vec<Rule>,
    pub(crate) digest: String,
    pub(crate) source: Value,
}

pub(crate) fn load(v: &Value, at: &str) -> Result<RbacTable, Error> {
    let m = object(v, at)?;
    fields::allowed_keys(
        m,
        at,
        &["id", "version", "mode", "rationale", "rules", "metadata"],
    )?;
    let id = id_field(m, at)?.to_owned();
    let version = version_field(m, at)?;
    let mode = if m.contains_key("mode") {
        mode_field(m, at)?
    } else {
        Mode::Enforce
    };
    let rationale = rationale_field(m, at)?.to_owned();
    let rules_at = format!("{at}/rules");
    let Some(Value::Array(list)) = m.get("rules") else {
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            "RBAC needs \"rules\": [{\"action\": \"METHOD /path\", \"roles\": [...]}, ...]",
            Some(if m.contains_key("rules") {
                rules_at
            } else {
                at.to_owned()
            }),
        ));
    };
    // The table's digest goes into every rule's record; a canonicalization
    // error is still reported after the rules' own errors.
    let canonical_table = canonical::canonicalize_value(v, &Options::default());
    let digest = canonical_table
        .as_ref()
        .map(|bytes| Digest::of(Algorithm::Sha256, bytes).to_string())
        .unwrap_or_default();
    let mut rules: Vec<Rule> = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let here = format!("{rules_at}/{i}");
        let rm = object(r, &here)?;
        fields::allowed_keys(rm, &here, &["action", "roles"])?;
        let action = fields::string_field(rm, &here, "action")?;
        let (method, segments) = parse_action(action).map_err(|msg| {
            Error::new(
                ErrorCode::InvalidPolicy,
                msg,
                Some(format!("{here}/action")),
            )
        })?;
        let roles = fields::string_list(rm, &here, "roles")?;
        if let Some(prev) = rules
            .iter()
            .find(|p| p.method == method && p.segments == segments)
        {
            return Err(Error::new(
                ErrorCode::DuplicatePolicy,
                format!(
                    "RBAC rule {action:?} has the same shape as {:?} (at {rules_at}/{})",
                    prev.action, prev.index
                ),
                Some(format!("{here}/action")),
            ));
        }
        let rule_rationale = format!(
            "{}: {} requires one of {}",
            rationale,
            action,
            roles.join(" | ")
        );
        let record = RecordStatic::new(&RecordFacts {
            kind: "rbac",
            policy_id: &id,
            policy_version: version,
            policy_digest: &digest,
            state: "active",
            severity: None,
            effect: "requireRoles",
            rationale: &rule_rationale,
        });
        rules.push(Rule {
            action: action.to_owned(),
            method,
            segments,
            roles_canon: roles.iter().map(|r| canonical_string(r)).collect(),
            index: i,
            node: format!("/rules/{i}"),
            record,
        });
    }
    canonical_table.map_err(|e| {
        Error::new(
            ErrorCode::InvalidPolicy,
            e.message().to_owned(),
            Some(at.to_owned()),
        )
    })?;
    Ok(RbacTable {
        id,
        version,
        mode,
        rules,
        digest,
        source: v.clone(),
    })
}

fn parse_action(action: &str) -> Result<(String, Vec<Segment>), String> {
    let bad = || {
        format!("action {action:?} must be \"METHOD /path\" (uppercase method, one space, a path of non-empty segments; {{name}} for a segment parameter)")
    };
    let (method, path) = action.split_once(' ').ok_or_else(bad)?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad());
    }
    let rest = path.strip_prefix('/').ok_or_else(bad)?;
    let mut segments = Vec::new();
    if !rest.is_empty() {
        for s in rest.split('/') {
            if s.is_empty() || s.contains(char::is_whitespace) {
                return Err(bad());
            }
            if s.starts_with('{') && s.ends_with('}') && s.len() > 2 {
                segments.push(Segment::Param);
            } else if s.contains('{') || s.contains('}') {
                return Err(bad());
            } else {
                segments.push(Segment::Literal(s.to_owned()));
            }
        }
    }
    Ok((method.to_owned(), segments))
}

impl RbacTable {
    /// The most specific rule matching `action`, if any.
    pub(crate) fn rule_for(&self, action: &str) -> Option<&Rule> {
        let (method, path) = action.split_once(' ')?;
        let rest = path.strip_prefix('/')?;
        let parts = || {
            rest.split('/')
                .take(if rest.is_empty() { 0 } else { usize::MAX })
        };
        let count = parts().count();
        let mut best: Option<&Rule> = None;
        for r in &self.rules {
            if r.method != method || r.segments.len() != count {
                continue;
            }
            let fits = r.segments.iter().zip(parts()).all(|(s, p)| match s {
                Segment::Literal(l) => l == p,
                Segment::Param => !p.is_empty(),
            });
            if !fits {
                continue;
            }
            best = match best {
                Some(b) if !more_specific(r, b) => Some(b),
                _ => Some(r),
            };
        }
        best
    }
}

fn more_specific(a: &Rule, b: &Rule) -> bool {
    for (x, y) in a.segments.iter().zip(&b.segments) {
        match (x, y) {
            (Segment::Literal(_), Segment::Param) => return true,
            (Segment::Param, Segment::Literal(_)) => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RbacTable {
        load(
            &serde_json::json!({
                "id": "kernel-rbac", "version": 1, "rationale": "seed roles",
                "rules": [
                    {"action": "GET /kernel/audit/{id}", "roles": ["Auditor", "SuperAdmin"]},
                    {"action": "GET /kernel/audit/head", "roles": ["Service"]},
                    {"action": "POST /kernel/sign", "roles": ["SuperAdmin", "Service"]}
                ]
            }),
            "/rbac",
        )
        .unwrap()
    }

    #[test]
    fn matching_and_specificity() {
        let t = table();
        assert_eq!(t.rule_for("GET /kernel/audit/42").unwrap().index, 0);
        assert_eq!(t.rule_for("GET /kernel/audit/head").unwrap().index, 1);
        assert!(t.rule_for("GET /kernel/audit/42/x").is_none());
        assert!(t.rule_for("GET /kernel/audit/").is_none());
        assert!(t.rule_for("POST /kernel/sign/").is_none());
        assert!(t.rule_for("post /kernel/sign").is_none());
        assert_eq!(t.rule_for("POST /kernel/sign").unwrap().index, 2);
    }

    #[test]
    fn bad_and_duplicate_rules() {
        let e = load(
            &serde_json::json!({"id": "r", "version": 1, "rationale": "x",
                "rules": [{"action": "GET /a/{x}", "roles": ["A"]}, {"action": "GET /a/{y}", "roles": ["B"]}]}),
            "/rbac",
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (ErrorCode::DuplicatePolicy, Some("/rbac/rules/1/action"))
        );
        for bad in [
            "get /a",
            "GET a",
            "GET  /a",
            "GET /a//b",
            "GET /a/{x",
            "GET",
        ] {
            let e = load(
                &serde_json::json!({"id": "r", "version": 1, "rationale": "x", "rules": [{"action": bad, "roles": ["A"]}]}),
                "/rbac",
            )
            .unwrap_err();
            assert_eq!(e.path(), Some("/rbac/rules/0/action"), "{bad}");
        }
    }
}
