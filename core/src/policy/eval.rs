//! Evaluation: a request against a policy set, with the evaluation path.
//!
//! Conditions are evaluated left to right with short-circuit (`all` stops at
//! the first false child, `any` at the first true one); the first evaluation
//! error stops the policy and is recorded. The evaluation path lists the
//! nodes that were evaluated, in document (pre-)order, each with its result.

use super::model::{
    kind, Canary, Effect, Leaf, Mode, Node, Op, Operand, Pointer, PolicySet, State,
};
use super::model::{record_order, request_options, Policy, OUTPUT_MAX_DEPTH};
use super::rbac::RbacTable;
use super::record::{CanaryInfo, CheckInput, Decision, EvalError, PolicyCheck, Step, Verdict};
use super::{Error, ErrorCode};
use crate::canonical::{self, cmp_utf16, Options};
use crate::digest::{Algorithm, Digest};
use serde_json::Value;
use std::cmp::Ordering;

/// Number of canary buckets.
const BUCKETS: u64 = 10_000;

/// The canary bucket of a request value: the first 8 bytes of
/// SHA-256(canonical JSON of `value`), read as a big-endian unsigned 64-bit
/// integer, modulo 10000. A canary policy with `basisPoints: n` enforces
/// exactly the requests whose bucket is `< n`.
///
/// ```
/// use trustcore::policy::canary_bucket;
/// // SHA-256("\"user-1\"") starts with the bytes that give this bucket:
/// let b = canary_bucket(&serde_json::json!("user-1"))?;
/// assert!(b < 10_000);
/// # Ok::<(), trustcore::Error>(())
/// ```
pub fn canary_bucket(value: &Value) -> Result<u32, crate::Error> {
    let bytes = canonical::canonicalize_value(value, &output_options())?;
    Ok(bucket_of_canonical(&bytes))
}

fn bucket_of_canonical(bytes: &[u8]) -> u32 {
    let d = Digest::of(Algorithm::Sha256, bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&d.as_bytes()[..8]);
    (u64::from_be_bytes(first) % BUCKETS) as u32
}

pub(crate) fn output_options() -> Options {
    Options::default()
        .with_max_depth(OUTPUT_MAX_DEPTH)
        .unwrap_or_default()
}

/// Evaluates a request given as JSON text. The text must be strict I-JSON
/// nested at most 120 levels (otherwise the `CanonicalJsonError` of [`crate::canonical::canonicalize_text`]
/// is returned); it must be an object with an action string at the set's
/// action pointer (otherwise `invalid_request`). Both are input errors, not
/// decisions: a caller must treat them as a denial.
pub fn evaluate(set: &PolicySet, request: &[u8]) -> Result<Decision, crate::Error> {
    let canonical = canonical::canonicalize_text_with(request, &request_options())?;
    let value: Value = serde_json::from_slice(&canonical).map_err(|e| {
        Error::new(
            ErrorCode::InvalidRequest,
            format!("request cannot be read: {e}"),
            Some(String::new()),
        )
    })?;
    Ok(run(set, &value, &canonical)?)
}

/// Evaluates a request given as an in-memory value (the same result as
/// [`evaluate`] on its JSON text).
pub fn evaluate_value(set: &PolicySet, request: &Value) -> Result<Decision, crate::Error> {
    let canonical = canonical::canonicalize_value(request, &request_options())?;
    Ok(run(set, request, &canonical)?)
}

/// The request's roles, read once per evaluation.
struct Cx<'r> {
    req: &'r Value,
    roles_ptr: &'r Pointer,
    roles: Option<Result<Vec<&'r str>, (ErrorCode, String)>>,
}

impl<'r> Cx<'r> {
    /// Roles: absent means none; anything but an array of strings is a
    /// `type_mismatch`.
    fn roles(&mut self) -> Result<&[&'r str], (ErrorCode, String)> {
        if self.roles.is_none() {
            let ptr = self.roles_ptr;
            let r = match ptr.resolve(self.req) {
                None => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.as_str()),
                        other => Err((
                            ErrorCode::TypeMismatch,
                            format!(
                                "roles at {:?} must be strings, found {}",
                                ptr.text,
                                kind(other)
                            ),
                        )),
                    })
                    .collect(),
                Some(other) => Err((
                    ErrorCode::TypeMismatch,
                    format!(
                        "roles at {:?} must be an array of strings, found {}",
                        ptr.text,
                        kind(other)
                    ),
                )),
            };
            self.roles = Some(r);
        }
        match &self.roles {
            Some(Ok(v)) => Ok(v),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(&[]),
        }
    }
}

type Evidence = Vec<(String, Option<Value>)>;

fn note(ev: &mut Evidence, ptr: &Pointer, v: Option<&Value>) {
    if !ev.iter().any(|(p, _)| *p == ptr.text) {
        ev.push((ptr.text.clone(), v.cloned()));
    }
}

fn run(set: &PolicySet, req: &Value, canonical: &[u8]) -> Result<Decision, Error> {
    if !req.is_object() {
        return Err(Error::new(
            ErrorCode::InvalidRequest,
            format!("a request must be a JSON object, found {}", kind(req)),
            Some(String::new()),
        ));
    }
    let action = match set.fields.action.resolve(req) {
        Some(Value::String(s)) => s.as_str(),
        found => {
            return Err(Error::new(
                ErrorCode::InvalidRequest,
                format!(
                    "a request needs an action string (\"METHOD /path\") at {:?}, found {}",
                    set.fields.action.text,
                    found.map(kind).unwrap_or("nothing")
                ),
                Some(set.fields.action.text.clone()),
            ))
        }
    };
    let request_digest = Digest::of(Algorithm::Sha256, canonical).to_string();
    let mut cx = Cx {
        req,
        roles_ptr: &set.fields.roles,
        roles: None,
    };
    let mut checks: Vec<PolicyCheck> = Vec::new();
    for p in &set.policies {
        if let Some(c) = check_policy(set, p, action, &request_digest, &mut cx) {
            checks.push(c);
        }
    }
    if let Some(t) = &set.rbac {
        if let Some(c) = check_rbac(set, t, action, &request_digest, &mut cx) {
            checks.push(c);
        }
    }
    checks.sort_by(|a, b| {
        record_order(
            &a.policy_id,
            a.policy_version,
            &b.policy_id,
            b.policy_version,
        )
    });
    Ok(Decision::new(
        checks,
        set.default_allow,
        request_digest,
        set.digest.clone(),
    ))
}

fn check_policy(
    set: &PolicySet,
    p: &Policy,
    action: &str,
    request_digest: &str,
    cx: &mut Cx<'_>,
) -> Option<PolicyCheck> {
    if matches!(p.state, State::Draft | State::Deprecated) {
        return None;
    }
    if let Some(globs) = &p.target.actions {
        if !globs.iter().any(|g| g.matches(action)) {
            return None;
        }
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut ev: Evidence = Vec::new();
    let mut error: Option<EvalError> = None;
    if p.target.actions.is_some() {
        note(
            &mut ev,
            &set.fields.action,
            set.fields.action.resolve(cx.req),
        );
    }
    if let Some(globs) = &p.target.resources {
        let ptr = &set.fields.resource;
        let found = ptr.resolve(cx.req);
        note(&mut ev, ptr, found);
        let fail = |code, message| {
            Some(EvalError {
                code,
                message,
                node: "/target/resources".into(),
                path: Some(ptr.text.clone()),
            })
        };
        match found {
            Some(Value::String(r)) => {
                if !globs.iter().any(|g| g.matches(r)) {
                    return None;
                }
            }
            // Fail closed: a policy aimed at resources applies (and errors)
            // when the request does not say which resource it touches.
            None => {
                error = fail(
                    ErrorCode::MissingField,
                    format!(
                        "the policy targets resources but the request has no resource at {:?}",
                        ptr.text
                    ),
                )
            }
            Some(other) => {
                error = fail(
                    ErrorCode::TypeMismatch,
                    format!(
                        "the resource at {:?} must be a string, found {}",
                        ptr.text,
                        kind(other)
                    ),
                )
            }
        }
        steps.push(Step {
            node: "/target/resources".into(),
            op: "target",
            result: match &error {
                None => Ok(true),
                Some(e) => Err(e.code),
            },
        });
    }
    let (sim, canary) = match p.state {
        State::Test => (true, None),
        State::Canary => match &p.canary {
            Some(c) => {
                let info = canary_info(c, cx.req);
                (!(info.selected && p.mode == Mode::Enforce), Some(info))
            }
            None => (true, None),
        },
        _ => (p.mode == Mode::Simulate, None),
    };
    let mut verdict = Verdict::Deny;
    if error.is_none() {
        let cond = match &p.condition {
            None => Ok(true),
            Some(n) => eval_node(n, cx, &mut steps, &mut ev),
        };
        match cond {
            Err(e) => error = Some(e),
            Ok(false) => verdict = Verdict::Abstain,
            Ok(true) => match &p.effect {
                Effect::Deny => verdict = Verdict::Deny,
                Effect::Allow => verdict = Verdict::Allow,
                Effect::RequireRoles(needed) => {
                    match require_roles(
                        needed,
                        cx,
                        &set.fields.roles,
                        &mut ev,
                        &mut steps,
                        "/effect",
                    ) {
                        Ok(true) => verdict = Verdict::Allow,
                        Ok(false) => verdict = Verdict::Deny,
                        Err(e) => error = Some(e),
                    }
                }
            },
        }
    }
    if error.is_some() {
        verdict = Verdict::Deny;
    }
    Some(PolicyCheck::build(CheckInput {
        kind: "policy",
        policy_id: &p.id,
        policy_version: p.version,
        policy_digest: &p.digest,
        request_digest,
        state: p.state.as_str(),
        severity: Some(p.severity.as_str()),
        effect: p.effect.name(),
        rationale: &p.rationale,
        verdict,
        sim_mode: sim,
        canary,
        error,
        steps,
        evidence: ev,
    }))
}

fn require_roles(
    needed: &[String],
    cx: &mut Cx<'_>,
    ptr: &Pointer,
    ev: &mut Evidence,
    steps: &mut Vec<Step>,
    node: &str,
) -> Result<bool, EvalError> {
    note(ev, ptr, ptr.resolve(cx.req));
    let r = cx
        .roles()
        .map(|have| needed.iter().any(|n| have.contains(&n.as_str())))
        .map_err(|(code, message)| EvalError {
            code,
            message,
            node: node.to_owned(),
            path: Some(ptr.text.clone()),
        });
    steps.push(Step {
        node: node.to_owned(),
        op: "requireRoles",
        result: r.as_ref().map(|b| *b).map_err(|e| e.code),
    });
    r
}

fn canary_info(c: &Canary, req: &Value) -> CanaryInfo {
    // A request without the key cannot be bucketed; it is outside the
    // share (the canary is simulated for it), so an unfinished policy
    // never enforces on requests it cannot place.
    let bucket = c
        .key
        .resolve(req)
        .and_then(|v| canonical::canonicalize_value(v, &output_options()).ok())
        .map(|b| bucket_of_canonical(&b));
    CanaryInfo {
        key: c.key.text.clone(),
        basis_points: c.basis_points,
        bucket,
        selected: matches!(bucket, Some(b) if b < c.basis_points),
    }
}

fn check_rbac(
    set: &PolicySet,
    t: &RbacTable,
    action: &str,
    request_digest: &str,
    cx: &mut Cx<'_>,
) -> Option<PolicyCheck> {
    let rule = t.rule_for(action)?;
    let mut ev: Evidence = Vec::new();
    let mut steps = Vec::new();
    note(
        &mut ev,
        &set.fields.action,
        set.fields.action.resolve(cx.req),
    );
    let node = format!("/rules/{}", rule.index);
    let (verdict, error) = match require_roles(
        &rule.roles,
        cx,
        &set.fields.roles,
        &mut ev,
        &mut steps,
        &node,
    ) {
        Ok(true) => (Verdict::Allow, None),
        Ok(false) => (Verdict::Deny, None),
        Err(e) => (Verdict::Deny, Some(e)),
    };
    let rationale = format!(
        "{}: {} requires one of {}",
        t.rationale,
        rule.action,
        rule.roles.join(" | ")
    );
    Some(PolicyCheck::build(CheckInput {
        kind: "rbac",
        policy_id: &t.id,
        policy_version: t.version,
        policy_digest: &t.digest,
        request_digest,
        state: "active",
        severity: None,
        effect: "requireRoles",
        rationale: &rationale,
        verdict,
        sim_mode: t.mode == Mode::Simulate,
        canary: None,
        error,
        steps,
        evidence: ev,
    }))
}

fn set_result(steps: &mut [Step], i: usize, r: &Result<bool, EvalError>) {
    if let Some(s) = steps.get_mut(i) {
        s.result = r.as_ref().map(|b| *b).map_err(|e| e.code);
    }
}

fn eval_node(
    n: &Node,
    cx: &mut Cx<'_>,
    steps: &mut Vec<Step>,
    ev: &mut Evidence,
) -> Result<bool, EvalError> {
    match n {
        Node::All { at, items } | Node::Any { at, items } => {
            let is_all = matches!(n, Node::All { .. });
            let i = steps.len();
            steps.push(Step {
                node: at.clone(),
                op: if is_all { "all" } else { "any" },
                result: Ok(is_all),
            });
            let mut r = Ok(is_all);
            for c in items {
                match eval_node(c, cx, steps, ev) {
                    Ok(b) if b != is_all => {
                        r = Ok(b);
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                }
            }
            set_result(steps, i, &r);
            r
        }
        Node::Not { at, item } => {
            let i = steps.len();
            steps.push(Step {
                node: at.clone(),
                op: "not",
                result: Ok(false),
            });
            let r = eval_node(item, cx, steps, ev).map(|b| !b);
            set_result(steps, i, &r);
            r
        }
        Node::Leaf(l) => {
            if matches!(l.op, Op::HasRole | Op::HasAnyRole) {
                let names: Vec<String> = match &l.operand {
                    Operand::Value(Value::String(s)) => vec![s.clone()],
                    Operand::Value(Value::Array(a)) => a
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                };
                let ptr = cx.roles_ptr;
                note(ev, ptr, ptr.resolve(cx.req));
                let r = cx
                    .roles()
                    .map(|have| names.iter().any(|n| have.contains(&n.as_str())))
                    .map_err(|(code, message)| EvalError {
                        code,
                        message,
                        node: l.at.clone(),
                        path: Some(ptr.text.clone()),
                    });
                steps.push(Step {
                    node: l.at.clone(),
                    op: l.op.name(),
                    result: r.as_ref().map(|b| *b).map_err(|e| e.code),
                });
                return r;
            }
            let r = eval_leaf(l, cx.req, ev);
            steps.push(Step {
                node: l.at.clone(),
                op: l.op.name(),
                result: r.as_ref().map(|b| *b).map_err(|e| e.code),
            });
            r
        }
    }
}

fn eval_leaf(l: &Leaf, req: &Value, ev: &mut Evidence) -> Result<bool, EvalError> {
    let err = |code, message: String, path: &Pointer| EvalError {
        code,
        message,
        node: l.at.clone(),
        path: Some(path.text.clone()),
    };
    let Some(ptr) = &l.path else {
        return Err(EvalError {
            code: ErrorCode::InvalidPolicy,
            message: format!("{} has no path", l.op.name()),
            node: l.at.clone(),
            path: None,
        });
    };
    let found = ptr.resolve(req);
    note(ev, ptr, found);
    if matches!(l.op, Op::Exists) {
        return Ok(found.is_some());
    }
    // Fail closed: a comparison on an absent field is an error (which denies
    // when enforced), never a silent false. Use `exists` to test presence.
    let Some(v) = found else {
        return Err(err(
            ErrorCode::MissingField,
            format!(
                "{} needs the request field {:?}, which is absent",
                l.op.name(),
                ptr.text
            ),
            ptr,
        ));
    };
    let (rhs, rhs_ptr) = match &l.operand {
        Operand::Value(lit) => (lit, None),
        Operand::Ref(rp) => {
            let rv = rp.resolve(req);
            note(ev, rp, rv);
            match rv {
                Some(rv) => (rv, Some(rp)),
                None => {
                    return Err(err(
                        ErrorCode::MissingField,
                        format!(
                            "{} compares with the request field {:?}, which is absent",
                            l.op.name(),
                            rp.text
                        ),
                        rp,
                    ))
                }
            }
        }
        Operand::None => {
            return Err(err(
                ErrorCode::InvalidPolicy,
                format!("{} has no operand", l.op.name()),
                ptr,
            ))
        }
    };
    let mismatch = |what: String| err(ErrorCode::TypeMismatch, what, ptr);
    let rhs_name = || match rhs_ptr {
        Some(p) => format!("the {} at {:?}", kind(rhs), p.text),
        None => format!("a {} literal", kind(rhs)),
    };
    match &l.op {
        Op::Eq | Op::Ne => {
            if kind(v) != kind(rhs) {
                return Err(mismatch(format!(
                    "{} compares the {} at {:?} with {}; types must match",
                    l.op.name(),
                    kind(v),
                    ptr.text,
                    rhs_name()
                )));
            }
            let e = json_eq(v, rhs);
            Ok(if matches!(l.op, Op::Eq) { e } else { !e })
        }
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let ord = match (v, rhs) {
                (Value::Number(a), Value::Number(b)) => {
                    let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
                    a.partial_cmp(&b)
                }
                (Value::String(a), Value::String(b)) => Some(cmp_utf16(a, b)),
                _ => None,
            };
            let Some(ord) = ord else {
                return Err(mismatch(format!(
                    "{} compares the {} at {:?} with {}; both must be numbers or both strings",
                    l.op.name(),
                    kind(v),
                    ptr.text,
                    rhs_name()
                )));
            };
            Ok(match l.op {
                Op::Lt => ord == Ordering::Less,
                Op::Le => ord != Ordering::Greater,
                Op::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            })
        }
        Op::In => {
            let items = rhs.as_array().map(Vec::as_slice).unwrap_or(&[]);
            if let Some(first) = items.first() {
                if kind(first) != kind(v) {
                    return Err(mismatch(format!(
                        "in looks for the {} at {:?} among {} values",
                        kind(v),
                        ptr.text,
                        kind(first)
                    )));
                }
            }
            Ok(items.iter().any(|x| json_eq(v, x)))
        }
        Op::Contains => match (v, rhs) {
            (Value::Array(a), _) => Ok(a.iter().any(|x| json_eq(x, rhs))),
            (Value::String(s), Value::String(sub)) => Ok(s.contains(sub.as_str())),
            _ => Err(mismatch(format!(
                "contains needs an array (or a string, with a string value) at {:?}, found {} with {}",
                ptr.text,
                kind(v),
                rhs_name()
            ))),
        },
        Op::Subset => match v {
            Value::Array(a) => {
                let allowed = rhs.as_array().map(Vec::as_slice).unwrap_or(&[]);
                Ok(a.iter().all(|x| allowed.iter().any(|y| json_eq(x, y))))
            }
            _ => Err(mismatch(format!("subset needs an array at {:?}, found {}", ptr.text, kind(v)))),
        },
        Op::StartsWith | Op::EndsWith | Op::Glob(_) => {
            let Value::String(s) = v else {
                return Err(mismatch(format!(
                    "{} needs a string at {:?}, found {}",
                    l.op.name(),
                    ptr.text,
                    kind(v)
                )));
            };
            let lit = rhs.as_str().unwrap_or("");
            Ok(match &l.op {
                Op::StartsWith => s.starts_with(lit),
                Op::EndsWith => s.ends_with(lit),
                Op::Glob(g) => g.matches(s),
                _ => false,
            })
        }
        Op::Exists | Op::HasRole | Op::HasAnyRole => Ok(false),
    }
}

/// JSON equality with numbers compared as doubles (`1` equals `1.0`) and
/// objects compared as sets of members.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q)))
        }
        _ => a == b,
    }
}
