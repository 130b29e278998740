//! `policyCheck` records, decisions, and explanations.
//!
//! A record is canonical JSON (RFC 8785). Its `id` is
//! `sha256:` + hex(SHA-256(canonical JSON of the record without its `id`
//! member)): it is derived from everything the record says (the policy's
//! digest, the request's digest, the verdict, the path, the evidence), so
//! equal inputs give equal ids in every language and a record cannot be
//! altered without changing its id.

use super::eval::output_options;
use super::model::{kind, PolicySet};
use super::{Error, ErrorCode};
use crate::canonical;
use crate::digest::{Algorithm, Digest};
use serde_json::{json, Map, Value};

/// `type` of a policyCheck record, version 1.
pub const POLICY_CHECK_TYPE: &str = "trustcore.policy-check/v1";
/// `type` of a decision, version 1.
pub const DECISION_TYPE: &str = "trustcore.policy-decision/v1";
/// `type` of an explanation, version 1.
pub const EXPLANATION_TYPE: &str = "trustcore.policy-explanation/v1";
/// `type` of an impact report, version 1.
pub const IMPACT_TYPE: &str = "trustcore.policy-impact/v1";

/// The verdict of one check, or of a decision (never `Abstain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
    /// The policy applied but its condition did not hold: no opinion.
    Abstain,
}

impl Verdict {
    /// `allow`, `deny` or `abstain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::Abstain => "abstain",
        }
    }
}

/// One evaluated node of the evaluation path.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub(crate) node: String,
    pub(crate) op: &'static str,
    pub(crate) result: Result<bool, ErrorCode>,
}

/// An evaluation error, recorded in the check.
#[derive(Clone, Debug)]
pub(crate) struct EvalError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    pub(crate) node: String,
    pub(crate) path: Option<String>,
}

/// Canary facts of one check.
#[derive(Clone, Debug)]
pub(crate) struct CanaryInfo {
    pub(crate) key: String,
    pub(crate) basis_points: u32,
    pub(crate) bucket: Option<u32>,
    pub(crate) selected: bool,
}

pub(crate) struct CheckInput<'a> {
    pub(crate) kind: &'static str,
    pub(crate) policy_id: &'a str,
    pub(crate) policy_version: u64,
    pub(crate) policy_digest: &'a str,
    pub(crate) request_digest: &'a str,
    pub(crate) state: &'static str,
    pub(crate) severity: Option<&'static str>,
    pub(crate) effect: &'static str,
    pub(crate) rationale: &'a str,
    pub(crate) verdict: Verdict,
    pub(crate) sim_mode: bool,
    pub(crate) canary: Option<CanaryInfo>,
    pub(crate) error: Option<EvalError>,
    pub(crate) steps: Vec<Step>,
    pub(crate) evidence: Vec<(String, Option<Value>)>,
}

/// One `policyCheck` record: the result of one policy (or the RBAC table)
/// that applied to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyCheck {
    pub(crate) id: String,
    pub(crate) policy_id: String,
    pub(crate) policy_version: u64,
    pub(crate) verdict: Verdict,
    pub(crate) sim_mode: bool,
    pub(crate) error_code: Option<ErrorCode>,
    bytes: Vec<u8>,
}

/// `{A…}` + `,"key":` + middle + `,` + `…B}` for two non-empty canonical
/// objects whose names sort before and after `key`: the canonical form of
/// their union with `key`.
fn splice(a: &[u8], key: &str, middle: &[u8], b: &[u8]) -> Vec<u8> {
    let a = a.strip_suffix(b"}").unwrap_or(a);
    let b = b.strip_prefix(b"{").unwrap_or(b);
    let mut out = Vec::with_capacity(a.len() + b.len() + middle.len() + key.len() + 6);
    out.extend_from_slice(a);
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(middle);
    out.push(b',');
    out.extend_from_slice(b);
    out
}

fn canon(v: &Value) -> Vec<u8> {
    // Values built here hold only strings, integers, booleans and request
    // values that were canonicalized before, within the output depth limit.
    canonical::canonicalize_value(v, &output_options()).unwrap_or_default()
}

/// Writes `"name":` (names here are ASCII and need no escaping).
fn key(out: &mut Vec<u8>, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

fn string(out: &mut Vec<u8>, s: &str) {
    canonical::write_escaped(out, s.as_bytes());
}

fn int(out: &mut Vec<u8>, n: u64) {
    // Integers here are below 2^53: their decimal form is their ECMAScript form.
    out.extend_from_slice(n.to_string().as_bytes());
}

impl PolicyCheck {
    /// Writes the record's canonical bytes directly, members in RFC 8785
    /// order (all names are ASCII, so byte order is UTF-16 order); request
    /// values go through [`canonical::canonicalize_value`], strings through
    /// the canonical module's escaping. The vectors pin the bytes, and the
    /// tests compare them with `canonicalize_value` of the parsed record.
    pub(crate) fn build(mut i: CheckInput<'_>) -> PolicyCheck {
        i.evidence.sort_by(|a, b| canonical::cmp_utf16(&a.0, &b.0));
        let mut a: Vec<u8> = Vec::with_capacity(512);
        a.push(b'{');
        let mut first = true;
        if let Some(c) = &i.canary {
            key(&mut a, first, "canary");
            a.push(b'{');
            key(&mut a, true, "basisPoints");
            int(&mut a, u64::from(c.basis_points));
            if let Some(b) = c.bucket {
                key(&mut a, false, "bucket");
                int(&mut a, u64::from(b));
            }
            key(&mut a, false, "key");
            string(&mut a, &c.key);
            key(&mut a, false, "selected");
            a.extend_from_slice(if c.selected { b"true" } else { b"false" });
            a.push(b'}');
            first = false;
        }
        key(&mut a, first, "decision");
        string(&mut a, i.verdict.as_str());
        key(&mut a, false, "effect");
        string(&mut a, i.effect);
        if let Some(e) = &i.error {
            key(&mut a, false, "error");
            a.push(b'{');
            key(&mut a, true, "code");
            string(&mut a, e.code.as_str());
            key(&mut a, false, "message");
            string(&mut a, &e.message);
            key(&mut a, false, "node");
            string(&mut a, &e.node);
            if let Some(p) = &e.path {
                key(&mut a, false, "path");
                string(&mut a, p);
            }
            a.push(b'}');
        }
        key(&mut a, false, "evaluationPath");
        a.push(b'[');
        for (n, s) in i.steps.iter().enumerate() {
            if n > 0 {
                a.push(b',');
            }
            a.push(b'{');
            if let Err(code) = s.result {
                key(&mut a, true, "error");
                string(&mut a, code.as_str());
                key(&mut a, false, "node");
            } else {
                key(&mut a, true, "node");
            }
            string(&mut a, &s.node);
            key(&mut a, false, "op");
            string(&mut a, s.op);
            if let Ok(b) = s.result {
                key(&mut a, false, "result");
                a.extend_from_slice(if b { b"true" } else { b"false" });
            }
            a.push(b'}');
        }
        a.push(b']');
        key(&mut a, false, "evidence");
        a.push(b'[');
        for (n, (p, v)) in i.evidence.iter().enumerate() {
            if n > 0 {
                a.push(b',');
            }
            a.push(b'{');
            match v {
                Some(v) => {
                    key(&mut a, true, "pointer");
                    string(&mut a, p);
                    key(&mut a, false, "value");
                    a.extend_from_slice(&canon(v));
                }
                None => {
                    key(&mut a, true, "missing");
                    a.extend_from_slice(b"true");
                    key(&mut a, false, "pointer");
                    string(&mut a, p);
                }
            }
            a.push(b'}');
        }
        a.push(b']');
        // Members after "id", written after a "{" that is dropped below.
        let mut b: Vec<u8> = Vec::with_capacity(512);
        b.push(b'{');
        key(&mut b, true, "kind");
        string(&mut b, i.kind);
        key(&mut b, false, "policyDigest");
        string(&mut b, i.policy_digest);
        key(&mut b, false, "policyId");
        string(&mut b, i.policy_id);
        key(&mut b, false, "policyVersion");
        int(&mut b, i.policy_version);
        key(&mut b, false, "rationale");
        string(&mut b, i.rationale);
        key(&mut b, false, "requestDigest");
        string(&mut b, i.request_digest);
        if let Some(s) = i.severity {
            key(&mut b, false, "severity");
            string(&mut b, s);
        }
        key(&mut b, false, "simMode");
        b.extend_from_slice(if i.sim_mode { b"true" } else { b"false" });
        key(&mut b, false, "state");
        string(&mut b, i.state);
        key(&mut b, false, "type");
        string(&mut b, POLICY_CHECK_TYPE);
        b.push(b'}');
        // Canonical record without id: both halves joined.
        let mut without = Vec::with_capacity(a.len() + b.len());
        without.extend_from_slice(&a);
        without.push(b',');
        without.extend_from_slice(b.get(1..).unwrap_or_default());
        let id = Digest::of(Algorithm::Sha256, &without).to_string();
        a.push(b'}');
        let bytes = splice(&a, "id", format!("\"{id}\"").as_bytes(), &b);
        PolicyCheck {
            id,
            policy_id: i.policy_id.to_owned(),
            policy_version: i.policy_version,
            verdict: i.verdict,
            sim_mode: i.sim_mode,
            error_code: i.error.map(|e| e.code),
            bytes,
        }
    }

    /// The record id (`sha256:<hex>`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The policy (or RBAC table) id.
    pub fn policy_id(&self) -> &str {
        &self.policy_id
    }
    /// The policy version.
    pub fn policy_version(&self) -> u64 {
        self.policy_version
    }
    /// This check's verdict (a simulated one did not count).
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }
    /// Whether the check was simulated (did not count toward the decision).
    pub fn sim_mode(&self) -> bool {
        self.sim_mode
    }
    /// The evaluation error's code, if evaluation failed.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.error_code
    }
    /// The canonical JSON bytes of the record.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// The canonical JSON text of the record.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    /// The record as a value.
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

/// A check that determined a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeterminingCheck {
    policy_check_id: String,
    policy_id: String,
    policy_version: u64,
}

impl DeterminingCheck {
    /// The record id.
    pub fn policy_check_id(&self) -> &str {
        &self.policy_check_id
    }
    /// The policy id.
    pub fn policy_id(&self) -> &str {
        &self.policy_id
    }
    /// The policy version.
    pub fn policy_version(&self) -> u64 {
        self.policy_version
    }
}

/// The decision on one request: the verdict, the checks that determined it,
/// and every check (enforced and simulated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    verdict: Verdict,
    reason: &'static str,
    determined_by: Vec<DeterminingCheck>,
    checks: Vec<PolicyCheck>,
    request_digest: String,
    set_digest: String,
}

impl Decision {
    pub(crate) fn new(
        checks: Vec<PolicyCheck>,
        default_allow: bool,
        request_digest: String,
        set_digest: String,
    ) -> Decision {
        let counted = |v: Verdict| -> Vec<DeterminingCheck> {
            checks
                .iter()
                .filter(|c| !c.sim_mode && c.verdict == v)
                .map(|c| DeterminingCheck {
                    policy_check_id: c.id.clone(),
                    policy_id: c.policy_id.clone(),
                    policy_version: c.policy_version,
                })
                .collect()
        };
        let deny = counted(Verdict::Deny);
        let (verdict, reason, determined_by) = if !deny.is_empty() {
            (Verdict::Deny, "deny", deny)
        } else {
            let allow = counted(Verdict::Allow);
            if !allow.is_empty() {
                (Verdict::Allow, "allow", allow)
            } else if default_allow {
                (Verdict::Allow, "default", Vec::new())
            } else {
                (Verdict::Deny, "default", Vec::new())
            }
        };
        Decision {
            verdict,
            reason,
            determined_by,
            checks,
            request_digest,
            set_digest,
        }
    }

    /// `Allow` or `Deny`.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }
    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }
    /// `deny` (an enforced check denied), `allow` (no enforced check denied
    /// and one allowed) or `default` (no enforced check had an opinion).
    pub fn reason(&self) -> &'static str {
        self.reason
    }
    /// The enforced checks that determined the verdict, in record order.
    pub fn determined_by(&self) -> &[DeterminingCheck] {
        &self.determined_by
    }
    /// Every check, sorted by policy id (UTF-16 code units) then version.
    pub fn checks(&self) -> &[PolicyCheck] {
        &self.checks
    }
    /// `sha256:<hex>` of the canonical request.
    pub fn request_digest(&self) -> &str {
        &self.request_digest
    }
    /// `sha256:<hex>` of the canonical policy-set document.
    pub fn policy_set_digest(&self) -> &str {
        &self.set_digest
    }

    /// The canonical JSON bytes of the decision.
    pub fn to_bytes(&self) -> Vec<u8> {
        let det: Vec<Value> = self
            .determined_by
            .iter()
            .map(|d| {
                json!({"policyCheckId": d.policy_check_id, "policyId": d.policy_id, "policyVersion": d.policy_version})
            })
            .collect();
        let a = canon(&json!({"decision": self.verdict.as_str(), "determinedBy": det}));
        let b = canon(&json!({
            "policySetDigest": self.set_digest,
            "reason": self.reason,
            "requestDigest": self.request_digest,
            "type": DECISION_TYPE,
        }));
        let mut middle =
            Vec::with_capacity(self.checks.iter().map(|c| c.bytes.len() + 1).sum::<usize>() + 2);
        middle.push(b'[');
        for (i, c) in self.checks.iter().enumerate() {
            if i > 0 {
                middle.push(b',');
            }
            middle.extend_from_slice(&c.bytes);
        }
        middle.push(b']');
        splice(&a, "policyChecks", &middle, &b)
    }

    /// The canonical JSON text of the decision.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }

    /// The decision as a value (for bindings that return objects).
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.to_bytes()).unwrap_or(Value::Null)
    }
}

fn bad_record(message: impl Into<String>, path: &str) -> Error {
    Error::new(ErrorCode::InvalidRecord, message, Some(path.to_owned()))
}

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
