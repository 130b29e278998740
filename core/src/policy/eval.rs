//! Evaluation: a request against a policy set, with the evaluation path.
//!
//! Conditions are evaluated left to right with short-circuit (`all` stops at
//! the first false child, `any` at the first true one); the first evaluation
//! error stops the policy and is recorded. The evaluation path lists the
//! nodes that were evaluated, in document (pre-)order, each with its result.

use super::doc::{Doc, Kind, Val};
use super::glob::MAX_MATCH_WORK;
use super::model::{Canary, Leaf, Node, Op, Operand, Policy, PolicySet};
use super::pointer::Pointer;
use super::rbac::RbacTable;
use super::record::{
    sha256_id, CanaryInfo, Decision, EvalError, Evidence, Outcome, PolicyCheck, Step, Verdict,
};
use super::vocab::{kind, output_options, request_options, Effect, Mode, State};
use super::{Error, ErrorCode};
use crate::canonical::{self, cmp_utf16};
use crate::digest::{Algorithm, Digest};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

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

/// Evaluates a request given as JSON text. The text must be strict I-JSON
/// nested at most 120 levels (otherwise the `CanonicalJsonError` of [`crate::canonical::canonicalize_text`]
/// is returned); it must be an object with an action string at the set's
/// action pointer (otherwise `invalid_request`). Both are input errors, not
/// decisions: a caller must treat them as a denial.
pub fn evaluate(set: &PolicySet, request: &[u8]) -> Result<Decision, crate::Error> {
    let canonical = canonical::canonicalize_text_with(request, &request_options())?;
    Ok(run(set, &canonical)?)
}

/// Evaluates a request given as an in-memory value (the same result as
/// [`evaluate`] on its JSON text).
pub fn evaluate_value(set: &PolicySet, request: &Value) -> Result<Decision, crate::Error> {
    let canonical = canonical::canonicalize_value(request, &request_options())?;
    Ok(run(set, &canonical)?)
}

type Roles<'d> = Result<Vec<&'d str>, (ErrorCode, String)>;

/// The request, and its roles (read once per evaluation, as the canonical
/// JSON of each role string).
struct Cx<'d> {
    req: Val<'d>,
    roles_ptr: &'d Pointer,
    roles: Option<Roles<'d>>,
}

impl<'d> Cx<'d> {
    /// Roles: absent means none; anything but an array of strings is a
    /// `type_mismatch`.
    fn roles(&mut self) -> Result<&[&'d str], (ErrorCode, String)> {
        if self.roles.is_none() {
            let ptr = self.roles_ptr;
            let r = match ptr.resolve(self.req) {
                None => Ok(Vec::new()),
                Some(a) if a.kind() == Kind::Array => a
                    .items()
                    .map(|v| match v.kind() {
                        Kind::String => Ok(v.raw()),
                        other => Err((
                            ErrorCode::TypeMismatch,
                            format!(
                                "roles at {:?} must be strings, found {}",
                                ptr.text,
                                other.name()
                            ),
                        )),
                    })
                    .collect(),
                Some(other) => Err((
                    ErrorCode::TypeMismatch,
                    format!(
                        "roles at {:?} must be an array of strings, found {}",
                        ptr.text,
                        other.kind().name()
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

    /// Whether the roles include one of `needed` (canonical JSON strings:
    /// equal strings have equal canonical bytes).
    fn has_one_of(&mut self, needed: &[Vec<u8>]) -> Result<bool, (ErrorCode, String)> {
        let have = self.roles()?;
        Ok(needed
            .iter()
            .any(|n| have.iter().any(|h| h.as_bytes() == n.as_slice())))
    }
}

/// Per-evaluation buffers, reused by every policy of one decision.
struct Scratch<'a> {
    steps: Vec<Step<'a>>,
    ev: EvidenceList<'a>,
    buf: Vec<u8>,
}

/// The evidence of one check: pointers in first-use order, each once.
/// A set beside the list keeps de-duplication linear in the number of
/// pointers (a policy with 50,000 leaves must not cost 50,000²).
#[derive(Default)]
struct EvidenceList<'a> {
    list: Vec<Evidence<'a>>,
    seen: std::collections::HashSet<&'a str>,
}

impl<'a> EvidenceList<'a> {
    fn clear(&mut self) {
        self.list.clear();
        self.seen.clear();
    }
}

impl<'a> std::ops::Deref for EvidenceList<'a> {
    type Target = Vec<Evidence<'a>>;
    fn deref(&self) -> &Self::Target {
        &self.list
    }
}

impl<'a> std::ops::DerefMut for EvidenceList<'a> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.list
    }
}

fn note<'a>(ev: &mut EvidenceList<'a>, ptr: &'a Pointer, v: Option<Val<'a>>) {
    if ev.seen.insert(ptr.text.as_str()) {
        ev.list.push((&ptr.text, v.map(|v| v.raw())));
    }
}

/// The largest request evaluated, as canonical JSON.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;
/// The longest action string, in bytes (`METHOD /path`).
pub const MAX_ACTION_BYTES: usize = 4096;

fn run(set: &PolicySet, canonical: &[u8]) -> Result<Decision, Error> {
    if canonical.len() > MAX_REQUEST_BYTES {
        return Err(Error::new(
            ErrorCode::RequestTooLarge,
            format!(
                "the request is {} bytes as canonical JSON; at most {MAX_REQUEST_BYTES} are evaluated",
                canonical.len()
            ),
            Some(String::new()),
        ));
    }
    let doc = Doc::new(canonical).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidRequest,
            "request cannot be read",
            Some(String::new()),
        )
    })?;
    let req = doc.root();
    if req.kind() != Kind::Object {
        return Err(Error::new(
            ErrorCode::InvalidRequest,
            format!(
                "a request must be a JSON object, found {}",
                req.kind().name()
            ),
            Some(String::new()),
        ));
    }
    let action_val = set.fields.action.resolve(req);
    let action = match action_val.and_then(|v| v.as_str()) {
        Some(s) => s,
        None => {
            return Err(Error::new(
                ErrorCode::InvalidRequest,
                format!(
                    "a request needs an action string (\"METHOD /path\") at {:?}, found {}",
                    set.fields.action.text,
                    action_val.map(|v| v.kind().name()).unwrap_or("nothing")
                ),
                Some(set.fields.action.text.clone()),
            ))
        }
    };
    if action.len() > MAX_ACTION_BYTES {
        return Err(Error::new(
            ErrorCode::InvalidRequest,
            format!(
                "the action at {:?} is {} bytes; an action (\"METHOD /path\") has at most {MAX_ACTION_BYTES}",
                set.fields.action.text,
                action.len()
            ),
            Some(set.fields.action.text.clone()),
        ));
    }
    let request_digest = sha256_id(canonical);
    let mut cx = Cx {
        req,
        roles_ptr: &set.fields.roles,
        roles: None,
    };
    let mut scratch = Scratch {
        steps: Vec::with_capacity(16),
        ev: EvidenceList::default(),
        buf: Vec::with_capacity(1024),
    };
    // Policies are kept in record order, and the RBAC record's place among
    // them is known at load time: the records come out sorted.
    let mut checks: Vec<PolicyCheck> = Vec::with_capacity(8);
    for (i, p) in set.policies.iter().enumerate() {
        if i == set.rbac_pos {
            if let Some(t) = &set.rbac {
                checks.extend(check_rbac(
                    set,
                    t,
                    &action,
                    &request_digest,
                    &mut cx,
                    &mut scratch,
                ));
            }
        }
        checks.extend(check_policy(
            set,
            p,
            &action,
            &request_digest,
            &mut cx,
            &mut scratch,
        ));
    }
    if set.rbac_pos >= set.policies.len() {
        if let Some(t) = &set.rbac {
            checks.extend(check_rbac(
                set,
                t,
                &action,
                &request_digest,
                &mut cx,
                &mut scratch,
            ));
        }
    }
    Ok(Decision::new(
        checks,
        set.default_allow,
        request_digest,
        Arc::clone(&set.shared_digest),
    ))
}

fn check_policy<'a>(
    set: &'a PolicySet,
    p: &'a Policy,
    action: &str,
    request_digest: &str,
    cx: &mut Cx<'a>,
    scratch: &mut Scratch<'a>,
) -> Option<PolicyCheck> {
    if matches!(p.state, State::Draft | State::Deprecated) {
        return None;
    }
    if let Some(globs) = &p.target.actions {
        if !globs.iter().any(|g| g.matches(action)) {
            return None;
        }
    }
    let mut resource_error: Option<EvalError<'a>> = None;
    let mut resource_seen = None;
    if let Some(globs) = &p.target.resources {
        let ptr = &set.fields.resource;
        let found = ptr.resolve(cx.req);
        let fail = |code, message| {
            Some(EvalError {
                code,
                message,
                node: "/target/resources",
                path: Some(ptr.text.as_str()),
            })
        };
        match found {
            Some(v) if v.kind() == Kind::String => {
                let r = v.as_str().unwrap_or(Cow::Borrowed(""));
                if let Some(g) = globs.iter().find(|g| g.work(&r) > MAX_MATCH_WORK) {
                    resource_error = fail(
                        ErrorCode::EvaluationLimit,
                        format!(
                            "matching the resource ({} characters) against glob {} would take more than the evaluation limit",
                            r.chars().count(),
                            crate::text::quote(g.as_str())
                        ),
                    );
                } else if !globs.iter().any(|g| g.matches(&r)) {
                    return None;
                }
            }
            // Fail closed: a policy aimed at resources applies (and errors)
            // when the request does not say which resource it touches.
            None => {
                resource_error = fail(
                    ErrorCode::MissingField,
                    format!(
                        "the policy targets resources but the request has no resource at {:?}",
                        ptr.text
                    ),
                )
            }
            Some(other) => {
                resource_error = fail(
                    ErrorCode::TypeMismatch,
                    format!(
                        "the resource at {:?} must be a string, found {}",
                        ptr.text,
                        other.kind().name()
                    ),
                )
            }
        }
        resource_seen = Some((ptr, found));
    }
    // The policy applies: its record is written.
    let steps = &mut scratch.steps;
    let ev = &mut scratch.ev;
    steps.clear();
    ev.clear();
    let mut error = resource_error;
    if p.target.actions.is_some() {
        note(ev, &set.fields.action, set.fields.action.resolve(cx.req));
    }
    if let Some((ptr, found)) = resource_seen {
        note(ev, ptr, found);
        steps.push(Step {
            node: "/target/resources",
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
            Some(n) => eval_node(n, cx, steps, ev),
        };
        match cond {
            Err(e) => error = Some(e),
            Ok(false) => verdict = Verdict::Abstain,
            Ok(true) => match &p.effect {
                Effect::Deny => verdict = Verdict::Deny,
                Effect::Allow => verdict = Verdict::Allow,
                Effect::RequireRoles(_) => {
                    match require_roles(
                        &p.require_canon,
                        cx,
                        &set.fields.roles,
                        ev,
                        steps,
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
    Some(PolicyCheck::write(
        &p.record,
        request_digest,
        Outcome {
            verdict,
            sim_mode: sim,
            canary,
            error,
        },
        steps,
        ev,
        &mut scratch.buf,
    ))
}

fn require_roles<'a>(
    needed: &[Vec<u8>],
    cx: &mut Cx<'a>,
    ptr: &'a Pointer,
    ev: &mut EvidenceList<'a>,
    steps: &mut Vec<Step<'a>>,
    node: &'a str,
) -> Result<bool, EvalError<'a>> {
    note(ev, ptr, ptr.resolve(cx.req));
    let r = cx.has_one_of(needed).map_err(|(code, message)| EvalError {
        code,
        message,
        node,
        path: Some(&ptr.text),
    });
    steps.push(Step {
        node,
        op: "requireRoles",
        result: r.as_ref().map(|b| *b).map_err(|e| e.code),
    });
    r
}

fn canary_info<'a>(c: &'a Canary, req: Val<'_>) -> CanaryInfo<'a> {
    // A request without the key cannot be bucketed; it is outside the
    // share (the canary is simulated for it), so an unfinished policy
    // never enforces on requests it cannot place. The value's canonical
    // JSON is its text in the canonical request.
    let bucket = c
        .key
        .resolve(req)
        .map(|v| bucket_of_canonical(v.raw().as_bytes()));
    CanaryInfo {
        key: &c.key.text,
        basis_points: c.basis_points,
        bucket,
        selected: matches!(bucket, Some(b) if b < c.basis_points),
    }
}

fn check_rbac<'a>(
    set: &'a PolicySet,
    t: &'a RbacTable,
    action: &str,
    request_digest: &str,
    cx: &mut Cx<'a>,
    scratch: &mut Scratch<'a>,
) -> Option<PolicyCheck> {
    let rule = t.rule_for(action)?;
    let steps = &mut scratch.steps;
    let ev = &mut scratch.ev;
    steps.clear();
    ev.clear();
    note(ev, &set.fields.action, set.fields.action.resolve(cx.req));
    let (verdict, error) = match require_roles(
        &rule.roles_canon,
        cx,
        &set.fields.roles,
        ev,
        steps,
        &rule.node,
    ) {
        Ok(true) => (Verdict::Allow, None),
        Ok(false) => (Verdict::Deny, None),
        Err(e) => (Verdict::Deny, Some(e)),
    };
    Some(PolicyCheck::write(
        &rule.record,
        request_digest,
        Outcome {
            verdict,
            sim_mode: t.mode == Mode::Simulate,
            canary: None,
            error,
        },
        steps,
        ev,
        &mut scratch.buf,
    ))
}

fn set_result(steps: &mut [Step<'_>], i: usize, r: &Result<bool, EvalError<'_>>) {
    if let Some(s) = steps.get_mut(i) {
        s.result = r.as_ref().map(|b| *b).map_err(|e| e.code);
    }
}

fn eval_node<'a>(
    n: &'a Node,
    cx: &mut Cx<'a>,
    steps: &mut Vec<Step<'a>>,
    ev: &mut EvidenceList<'a>,
) -> Result<bool, EvalError<'a>> {
    match n {
        Node::All { at, items } | Node::Any { at, items } => {
            let is_all = matches!(n, Node::All { .. });
            let i = steps.len();
            steps.push(Step {
                node: at,
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
                node: at,
                op: "not",
                result: Ok(false),
            });
            let r = eval_node(item, cx, steps, ev).map(|b| !b);
            set_result(steps, i, &r);
            r
        }
        Node::Leaf(l) => {
            if matches!(l.op, Op::HasRole | Op::HasAnyRole) {
                let ptr = cx.roles_ptr;
                note(ev, ptr, ptr.resolve(cx.req));
                let r = cx
                    .has_one_of(&l.canon_items)
                    .map_err(|(code, message)| EvalError {
                        code,
                        message,
                        node: &l.at,
                        path: Some(&ptr.text),
                    });
                steps.push(Step {
                    node: &l.at,
                    op: l.op.name(),
                    result: r.as_ref().map(|b| *b).map_err(|e| e.code),
                });
                return r;
            }
            let r = eval_leaf(l, cx.req, ev);
            steps.push(Step {
                node: &l.at,
                op: l.op.name(),
                result: r.as_ref().map(|b| *b).map_err(|e| e.code),
            });
            r
        }
    }
}

/// The right-hand side of a comparison: the leaf's literal (with its
/// canonical bytes, computed at load time) or a request value (`ref`).
#[derive(Clone, Copy)]
enum Rhs<'a> {
    Lit(&'a Value, &'a Leaf),
    Req(Val<'a>, &'a Pointer),
}

impl<'a> Rhs<'a> {
    fn kind_name(&self) -> &'static str {
        match self {
            Rhs::Lit(v, _) => kind(v),
            Rhs::Req(v, _) => v.kind().name(),
        }
    }
    fn is(&self, k: Kind) -> bool {
        self.kind_name() == k.name()
    }
    /// Canonical JSON: equal values have equal canonical bytes.
    fn canon(&self) -> &'a [u8] {
        match self {
            Rhs::Lit(_, l) => &l.canon,
            Rhs::Req(v, _) => v.raw().as_bytes(),
        }
    }
    fn as_f64(&self) -> f64 {
        match self {
            Rhs::Lit(v, _) => v.as_f64(),
            Rhs::Req(v, _) => v.as_f64(),
        }
        .unwrap_or(f64::NAN)
    }
    fn as_str(&self) -> Option<Cow<'a, str>> {
        match self {
            Rhs::Lit(v, _) => v.as_str().map(Cow::Borrowed),
            Rhs::Req(v, _) => v.as_str(),
        }
    }
    /// Whether `x` (canonical JSON) equals an element of this array (never,
    /// for another kind).
    fn has_element(&self, x: &[u8]) -> bool {
        match self {
            Rhs::Lit(_, l) => l.canon_items.iter().any(|c| c.as_slice() == x),
            Rhs::Req(v, _) => v.items().any(|c| c.raw().as_bytes() == x),
        }
    }
    /// The JSON type name of this array's first element, if any.
    fn first_element_kind(&self) -> Option<&'static str> {
        match self {
            Rhs::Lit(v, _) => v.as_array().and_then(|a| a.first()).map(kind),
            Rhs::Req(v, _) => v.items().next().map(|x| x.kind().name()),
        }
    }
}

fn eval_leaf<'a>(
    l: &'a Leaf,
    req: Val<'a>,
    ev: &mut EvidenceList<'a>,
) -> Result<bool, EvalError<'a>> {
    let err = |code, message: String, path: &'a Pointer| EvalError {
        code,
        message,
        node: &l.at,
        path: Some(&path.text),
    };
    let Some(ptr) = &l.path else {
        return Err(EvalError {
            code: ErrorCode::InvalidPolicy,
            message: format!("{} has no path", l.op.name()),
            node: &l.at,
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
    let rhs = match &l.operand {
        Operand::Value(lit) => Rhs::Lit(lit, l),
        Operand::Ref(rp) => {
            let rv = rp.resolve(req);
            note(ev, rp, rv);
            match rv {
                Some(rv) => Rhs::Req(rv, rp),
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
    let vk = v.kind();
    let mismatch = |what: String| err(ErrorCode::TypeMismatch, what, ptr);
    let rhs_name = || match rhs {
        Rhs::Req(_, p) => format!("the {} at {:?}", rhs.kind_name(), p.text),
        Rhs::Lit(..) => format!("a {} literal", rhs.kind_name()),
    };
    match &l.op {
        Op::Eq | Op::Ne => {
            if !rhs.is(vk) {
                return Err(mismatch(format!(
                    "{} compares the {} at {:?} with {}; types must match",
                    l.op.name(),
                    vk.name(),
                    ptr.text,
                    rhs_name()
                )));
            }
            // JSON equality (numbers as doubles, objects as sets of
            // members) is equality of canonical JSON.
            let e = v.raw().as_bytes() == rhs.canon();
            Ok(if matches!(l.op, Op::Eq) { e } else { !e })
        }
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let ord = match vk {
                Kind::Number if rhs.is(Kind::Number) => {
                    let a = v.as_f64().unwrap_or(f64::NAN);
                    a.partial_cmp(&rhs.as_f64())
                }
                Kind::String if rhs.is(Kind::String) => match (v.as_str(), rhs.as_str()) {
                    (Some(a), Some(b)) => Some(cmp_utf16(&a, &b)),
                    _ => None,
                },
                _ => None,
            };
            let Some(ord) = ord else {
                return Err(mismatch(format!(
                    "{} compares the {} at {:?} with {}; both must be numbers or both strings",
                    l.op.name(),
                    vk.name(),
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
            if let Some(first) = rhs.first_element_kind() {
                if first != vk.name() {
                    return Err(mismatch(format!(
                        "in looks for the {} at {:?} among {} values",
                        vk.name(),
                        ptr.text,
                        first
                    )));
                }
            }
            Ok(rhs.has_element(v.raw().as_bytes()))
        }
        Op::Contains => match vk {
            Kind::Array => {
                let want = rhs.canon();
                Ok(v.items().any(|x| x.raw().as_bytes() == want))
            }
            Kind::String if rhs.is(Kind::String) => match (v.as_str(), rhs.as_str()) {
                (Some(s), Some(sub)) => Ok(s.contains(sub.as_ref())),
                _ => Ok(false),
            },
            _ => Err(mismatch(format!(
                "contains needs an array (or a string, with a string value) at {:?}, found {} with {}",
                ptr.text,
                vk.name(),
                rhs_name()
            ))),
        },
        Op::Subset => match vk {
            Kind::Array => Ok(v.items().all(|x| rhs.has_element(x.raw().as_bytes()))),
            _ => Err(mismatch(format!(
                "subset needs an array at {:?}, found {}",
                ptr.text,
                vk.name()
            ))),
        },
        Op::StartsWith | Op::EndsWith | Op::Glob(_) => {
            let Some(s) = v.as_str() else {
                return Err(mismatch(format!(
                    "{} needs a string at {:?}, found {}",
                    l.op.name(),
                    ptr.text,
                    vk.name()
                )));
            };
            let lit = rhs.as_str().unwrap_or(Cow::Borrowed(""));
            if let Op::Glob(g) = &l.op {
                if g.work(&s) > MAX_MATCH_WORK {
                    return Err(err(
                        ErrorCode::EvaluationLimit,
                        format!(
                            "matching the {} characters at {:?} against glob {} would take more than the evaluation limit",
                            s.chars().count(),
                            ptr.text,
                            crate::text::quote(g.as_str())
                        ),
                        ptr,
                    ));
                }
            }
            Ok(match &l.op {
                Op::StartsWith => s.starts_with(lit.as_ref()),
                Op::EndsWith => s.ends_with(lit.as_ref()),
                Op::Glob(g) => g.matches(&s),
                _ => false,
            })
        }
        Op::Exists | Op::HasRole | Op::HasAnyRole => Ok(false),
    }
}
