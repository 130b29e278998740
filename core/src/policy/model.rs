//! The policy-set format and its validation.
//!
//! Loading checks everything once, so evaluation never meets a malformed
//! policy: fields and their kinds, operators, JSON Pointers, literal types,
//! globs, RBAC action templates, and duplicate `id@version`.

use super::doc::{Kind as DocKind, Val};
use super::glob::Glob;
use super::rbac::{self, RbacTable};
use super::record::{RecordFacts, RecordStatic};
use super::{push_token, Error, ErrorCode};
use crate::canonical::{self, cmp_utf16, Options};
use crate::digest::{Algorithm, Digest};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// The `type` of a policy-set document, version 1.
pub const POLICY_SET_TYPE: &str = "trustcore.policy-set/v1";

/// Largest `version` and `basisPoints`-style integer accepted (2^53 − 1).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Depth limit used for canonical bytes the module emits: requests may be
/// 128 deep, and records wrap request values in a few more levels.
pub(crate) const OUTPUT_MAX_DEPTH: usize = 192;

/// Nesting limit of policy sets, requests and records read by this module:
/// 127 levels, one below the canonical default, because `serde_json` (which
/// holds the parsed document) stops at 128. A deeper document is refused by
/// the canonical parser with `depth_limit` and its byte offset.
pub(crate) const INPUT_MAX_DEPTH: usize = 127;

/// Nesting limit of requests: 120 levels, so that a decision or an
/// explanation quoting any request value (a few levels deeper) still stays
/// within the 127 levels every reader here accepts.
pub(crate) const REQUEST_MAX_DEPTH: usize = 120;

pub(crate) fn request_options() -> Options {
    Options::default()
        .with_max_depth(REQUEST_MAX_DEPTH)
        .unwrap_or_default()
}

pub(crate) fn input_options() -> Options {
    Options::default()
        .with_max_depth(INPUT_MAX_DEPTH)
        .unwrap_or_default()
}

/// Lifecycle state of a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Being written; never applies.
    Draft,
    /// Always evaluated simulated.
    Test,
    /// Enforced for a deterministic share of requests, simulated for the rest.
    Canary,
    /// Applies in its `mode`.
    Active,
    /// Retired; never applies.
    Deprecated,
}

impl State {
    /// The name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Test => "test",
            State::Canary => "canary",
            State::Active => "active",
            State::Deprecated => "deprecated",
        }
    }

    fn parse(s: &str) -> Option<State> {
        Some(match s {
            "draft" => State::Draft,
            "test" => State::Test,
            "canary" => State::Canary,
            "active" => State::Active,
            "deprecated" => State::Deprecated,
            _ => return None,
        })
    }

    /// Whether a policy may move from `self` to `to` when a set is updated.
    /// Staying is always allowed; forward moves go one step
    /// (draft → test → canary → active); any state may be deprecated; a
    /// rollback goes one step back from test or canary; `deprecated` is
    /// final.
    pub fn may_become(self, to: State) -> bool {
        use State::*;
        self == to
            || matches!(
                (self, to),
                (Draft, Test)
                    | (Test, Canary)
                    | (Canary, Active)
                    | (Test, Draft)
                    | (Canary, Test)
                    | (Draft | Test | Canary | Active, Deprecated)
            )
    }
}

/// Whether an applicable policy's result counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The result counts toward the decision.
    Enforce,
    /// The result is recorded only.
    Simulate,
}

impl Mode {
    /// The name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Simulate => "simulate",
        }
    }
}

/// How serious a policy's finding is (recorded, never used to decide).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// What a policy does when its condition holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Deny.
    Deny,
    /// Allow.
    Allow,
    /// Allow if the request's roles include one of these, else deny.
    RequireRoles(Vec<String>),
}

impl Effect {
    /// The name used in records (`deny`, `allow`, `requireRoles`).
    pub fn name(&self) -> &'static str {
        match self {
            Effect::Deny => "deny",
            Effect::Allow => "allow",
            Effect::RequireRoles(_) => "requireRoles",
        }
    }
}

/// An RFC 6901 JSON Pointer, parsed once into reference tokens (with the
/// array index each token denotes, if any, decided at load time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pointer {
    pub(crate) text: String,
    tokens: Vec<PointerToken>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PointerToken {
    name: String,
    /// The array index: decimal without leading zeros (`-` and anything
    /// else never refer to an array element).
    index: Option<usize>,
}

impl PointerToken {
    fn new(name: String) -> PointerToken {
        let ok = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_digit())
            && (name == "0" || !name.starts_with('0'));
        let index = if ok { name.parse::<usize>().ok() } else { None };
        PointerToken { name, index }
    }
}

impl Pointer {
    pub(crate) fn parse(text: &str) -> Result<Pointer, String> {
        if text.is_empty() {
            return Ok(Pointer {
                text: String::new(),
                tokens: Vec::new(),
            });
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(format!(
                "JSON Pointer {text:?} must be empty or start with \"/\" (RFC 6901)"
            ));
        };
        let mut tokens = Vec::new();
        for raw in rest.split('/') {
            let mut tok = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => tok.push('~'),
                        Some('1') => tok.push('/'),
                        _ => {
                            return Err(format!(
                                "JSON Pointer {text:?}: \"~\" must be followed by 0 or 1 (RFC 6901)"
                            ))
                        }
                    }
                } else {
                    tok.push(c);
                }
            }
            tokens.push(PointerToken::new(tok));
        }
        Ok(Pointer {
            text: text.to_owned(),
            tokens,
        })
    }

    /// The request value this pointer refers to, if present. Array indexes
    /// are decimal without leading zeros; `-` never refers to anything.
    pub(crate) fn resolve<'d>(&self, root: Val<'d>) -> Option<Val<'d>> {
        let mut cur = root;
        for t in &self.tokens {
            cur = match cur.kind() {
                DocKind::Object => cur.get(&t.name)?,
                DocKind::Array => cur.items().nth(t.index?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// [`Pointer::resolve`] on a `serde_json::Value` (the same rule).
    #[cfg(test)]
    pub(crate) fn resolve_value<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut cur = root;
        for t in &self.tokens {
            cur = match cur {
                Value::Object(m) => m.get(&t.name)?,
                Value::Array(a) => a.get(t.index?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// A comparison or test operator.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
    Subset,
    Exists,
    StartsWith,
    EndsWith,
    Glob(Glob),
    HasRole,
    HasAnyRole,
}

impl Op {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Le => "le",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::In => "in",
            Op::Contains => "contains",
            Op::Subset => "subset",
            Op::Exists => "exists",
            Op::StartsWith => "startsWith",
            Op::EndsWith => "endsWith",
            Op::Glob(_) => "glob",
            Op::HasRole => "hasRole",
            Op::HasAnyRole => "hasAnyRole",
        }
    }
}

/// The right-hand side of a leaf.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    None,
    Value(Value),
    Ref(Pointer),
}

/// A condition node. `at` is its JSON Pointer inside the policy
/// (e.g. `/condition/all/1`), used in the evaluation path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    All { at: String, items: Vec<Node> },
    Any { at: String, items: Vec<Node> },
    Not { at: String, item: Box<Node> },
    Leaf(Leaf),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Leaf {
    pub(crate) at: String,
    pub(crate) op: Op,
    pub(crate) path: Option<Pointer>,
    pub(crate) operand: Operand,
    /// Canonical JSON of the `value` literal (empty without one): equality
    /// with a request value is equality of canonical bytes.
    pub(crate) canon: Vec<u8>,
    /// Canonical JSON of each element of an array literal (`in`, `subset`,
    /// `hasAnyRole`), or of the one role of `hasRole`.
    pub(crate) canon_items: Vec<Vec<u8>>,
}

/// Which requests a policy applies to.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Target {
    pub(crate) actions: Option<Vec<Glob>>,
    pub(crate) resources: Option<Vec<Glob>>,
}

/// Canary share of a policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Canary {
    pub(crate) key: Pointer,
    pub(crate) basis_points: u32,
}

/// One validated policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) id: String,
    pub(crate) version: u64,
    pub(crate) state: State,
    pub(crate) mode: Mode,
    pub(crate) severity: Severity,
    pub(crate) target: Target,
    pub(crate) condition: Option<Node>,
    pub(crate) effect: Effect,
    pub(crate) rationale: String,
    pub(crate) canary: Option<Canary>,
    /// SHA-256 of the canonical JSON of the policy object.
    pub(crate) digest: String,
    /// The policy object as written (for explanations).
    pub(crate) source: Value,
    /// Index in the document's `policies` array.
    pub(crate) index: usize,
    /// Canonical JSON of each `requireRoles` role.
    pub(crate) require_canon: Vec<Vec<u8>>,
    /// The record bytes fixed by this policy.
    pub(crate) record: RecordStatic,
}

impl Policy {
    /// The policy id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The version.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The lifecycle state.
    pub fn state(&self) -> State {
        self.state
    }
    /// The declared mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
    /// The severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// The effect.
    pub fn effect(&self) -> &Effect {
        &self.effect
    }
    /// The rationale text.
    pub fn rationale(&self) -> &str {
        &self.rationale
    }
    /// `sha256:<hex>` of the canonical JSON of the policy object.
    pub fn digest(&self) -> &str {
        &self.digest
    }
    /// The policy object as written.
    pub fn source(&self) -> &Value {
        &self.source
    }
}

/// Where the evaluator finds the action, resource and roles in a request.
#[derive(Clone, Debug)]
pub(crate) struct RequestFields {
    pub(crate) action: Pointer,
    pub(crate) resource: Pointer,
    pub(crate) roles: Pointer,
}

/// A validated policy set.
#[derive(Clone, Debug)]
pub struct PolicySet {
    /// Policies sorted by id (UTF-16 order) then version: the record order.
    pub(crate) policies: Vec<Policy>,
    pub(crate) rbac: Option<RbacTable>,
    pub(crate) default_allow: bool,
    pub(crate) fields: RequestFields,
    pub(crate) digest: String,
    /// `digest`, shared by the decisions.
    pub(crate) shared_digest: Arc<str>,
    /// Where the RBAC record goes among the policies' records (the number
    /// of policies whose id sorts before the table's).
    pub(crate) rbac_pos: usize,
    canonical: Vec<u8>,
}

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

    /// `sha256:<hex>` of the canonical JSON of the whole document.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The canonical JSON text of the document.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.canonical).into_owned()
    }

    /// The policies, sorted by id (UTF-16 code units) then version.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The policy with this id and version.
    pub fn policy(&self, id: &str, version: u64) -> Option<&Policy> {
        self.policies
            .iter()
            .find(|p| p.id == id && p.version == version)
    }

    /// Checks that `candidate` is a valid update of `self`:
    ///
    /// * a policy (`id@version`) present in both may change state only as
    ///   [`State::may_become`] allows (`invalid_transition`), and nothing in
    ///   it but `state`, `mode` and `canary` may change (`modified_version`);
    /// * a new `id@version` must start as `draft` or `test`
    ///   (`invalid_transition`);
    /// * a policy may be removed only from `draft` or `deprecated`
    ///   (`invalid_transition`, path `/policies` of the candidate).
    ///
    /// Paths point into the candidate document.
    pub fn check_update(&self, candidate: &PolicySet) -> Result<(), Error> {
        let mut cand: Vec<&Policy> = candidate.policies.iter().collect();
        cand.sort_by_key(|p| p.index);
        for p in cand {
            let at = format!("/policies/{}", p.index);
            match self.policy(&p.id, p.version) {
                Some(old) => {
                    if !old.state.may_become(p.state) {
                        return Err(Error::new(
                            ErrorCode::InvalidTransition,
                            format!(
                                "policy {}@{} cannot move from {} to {}; allowed: draft→test→canary→active, one step back from test or canary, any state→deprecated",
                                p.id, p.version, old.state.as_str(), p.state.as_str()
                            ),
                            Some(format!("{at}/state")),
                        ));
                    }
                    if lifecycle_free(&old.source) != lifecycle_free(&p.source) {
                        return Err(Error::new(
                            ErrorCode::ModifiedVersion,
                            format!(
                                "policy {}@{} changed beyond state, mode and canary; publish the change as a new version",
                                p.id, p.version
                            ),
                            Some(at),
                        ));
                    }
                }
                None => {
                    if !matches!(p.state, State::Draft | State::Test) {
                        return Err(Error::new(
                            ErrorCode::InvalidTransition,
                            format!(
                                "new policy {}@{} must start as draft or test, not {}",
                                p.id,
                                p.version,
                                p.state.as_str()
                            ),
                            Some(format!("{at}/state")),
                        ));
                    }
                }
            }
        }
        let mut old: Vec<&Policy> = self.policies.iter().collect();
        old.sort_by_key(|p| p.index);
        for p in old {
            if candidate.policy(&p.id, p.version).is_none()
                && !matches!(p.state, State::Draft | State::Deprecated)
            {
                return Err(Error::new(
                    ErrorCode::InvalidTransition,
                    format!(
                        "policy {}@{} is {} and cannot be removed; deprecate it first",
                        p.id,
                        p.version,
                        p.state.as_str()
                    ),
                    Some("/policies".into()),
                ));
            }
        }
        Ok(())
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
        policies.sort_by(|a, b| record_order(&a.id, a.version, &b.id, b.version));
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

/// The order of records: policy id by UTF-16 code units, then version.
pub(crate) fn record_order(a_id: &str, a_v: u64, b_id: &str, b_v: u64) -> Ordering {
    cmp_utf16(a_id, b_id).then(a_v.cmp(&b_v))
}

fn lifecycle_free(source: &Value) -> Value {
    let mut v = source.clone();
    if let Value::Object(m) = &mut v {
        m.remove("state");
        m.remove("mode");
        m.remove("canary");
    }
    v
}

fn pointer_or(text: &str) -> Result<Pointer, Error> {
    Pointer::parse(text).map_err(|m| Error::new(ErrorCode::InvalidPointer, m, None))
}

// ---- field helpers (every error carries the JSON Pointer of the place) ----

pub(crate) fn object<'v>(v: &'v Value, at: &str) -> Result<&'v Map<String, Value>, Error> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("expected an object, found {}", kind(other)),
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn allowed_keys(
    m: &Map<String, Value>,
    at: &str,
    allowed: &[&str],
) -> Result<(), Error> {
    // serde_json's map iterates in byte order: the first unknown key is
    // reported the same way every time.
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!("unknown field {k:?}; allowed here: {}", allowed.join(", ")),
                Some(push_token(at, k)),
            ));
        }
    }
    Ok(())
}

pub(crate) fn string_field<'v>(
    m: &'v Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<&'v str, Error> {
    match m.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("{name:?} must be a string, found {}", kind(other)),
            Some(push_token(at, name)),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("missing required field {name:?}"),
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn id_field<'v>(m: &'v Map<String, Value>, at: &str) -> Result<&'v str, Error> {
    let id = string_field(m, at, "id")?;
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'/'));
    if !ok {
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("id {id:?} must be 1 to 128 characters of A-Z a-z 0-9 . _ - : /"),
            Some(push_token(at, "id")),
        ));
    }
    Ok(id)
}

pub(crate) fn version_field(m: &Map<String, Value>, at: &str) -> Result<u64, Error> {
    let here = push_token(at, "version");
    match m.get("version") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if (1..=MAX_SAFE_INTEGER).contains(&v) => Ok(v),
            _ => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f >= 1.0 && f <= MAX_SAFE_INTEGER as f64 => {
                    Ok(f as u64)
                }
                _ => Err(Error::new(
                    ErrorCode::InvalidPolicy,
                    format!("version must be an integer from 1 to 2^53-1, got {n}"),
                    Some(here),
                )),
            },
        },
        Some(other) => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!(
                "version must be an integer from 1 to 2^53-1, found {}",
                kind(other)
            ),
            Some(here),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidPolicy,
            "missing required field \"version\"",
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn mode_field(m: &Map<String, Value>, at: &str) -> Result<Mode, Error> {
    match string_field(m, at, "mode")? {
        "enforce" => Ok(Mode::Enforce),
        "simulate" => Ok(Mode::Simulate),
        other => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("mode must be \"enforce\" or \"simulate\", got {other:?}"),
            Some(push_token(at, "mode")),
        )),
    }
}

pub(crate) fn rationale_field<'v>(m: &'v Map<String, Value>, at: &str) -> Result<&'v str, Error> {
    let r = string_field(m, at, "rationale")?;
    if r.trim().is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            "rationale must say why the policy exists; it is shown to whoever is denied",
            Some(push_token(at, "rationale")),
        ));
    }
    Ok(r)
}

pub(crate) fn pointer_field(
    m: &Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<Pointer, Error> {
    let here = push_token(at, name);
    match m.get(name) {
        Some(Value::String(s)) => {
            Pointer::parse(s).map_err(|msg| Error::new(ErrorCode::InvalidPointer, msg, Some(here)))
        }
        Some(other) => Err(Error::new(
            ErrorCode::InvalidPointer,
            format!(
                "{name:?} must be a JSON Pointer string such as \"/body/amount\", found {}",
                kind(other)
            ),
            Some(here),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("missing required field {name:?}"),
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn string_list(
    m: &Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<Vec<String>, Error> {
    let here = push_token(at, name);
    let bad = |msg: String, p: String| Error::new(ErrorCode::InvalidPolicy, msg, Some(p));
    match m.get(name) {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                other => Err(bad(
                    format!(
                        "{name:?} must hold non-empty strings, found {}",
                        kind(other)
                    ),
                    format!("{here}/{i}"),
                )),
            })
            .collect(),
        Some(_) => Err(bad(
            format!("{name:?} must be a non-empty array of strings"),
            here,
        )),
        None => Err(bad(
            format!("missing required field {name:?}"),
            at.to_owned(),
        )),
    }
}

/// The canonical JSON of a string (its quoted, escaped form).
pub(crate) fn canonical_string(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    canonical::write_escaped(&mut out, s.as_bytes());
    out
}

/// The JSON type name used in messages and type checks.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

// ---- policies ----

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

#[cfg(test)]
mod tests {
    use super::super::doc::Doc;
    use super::*;

    #[test]
    fn pointers() {
        let doc: Value = serde_json::json!({"a": {"b/c": [10, 20], "~": 1, "": 2}});
        let r = |p: &str| Pointer::parse(p).unwrap().resolve_value(&doc).cloned();
        let bytes = canonical::canonicalize_value(&doc, &Options::default()).unwrap();
        let index = Doc::new(&bytes).unwrap();
        for p in [
            "/a/b~1c/1",
            "/a/~0",
            "/a/",
            "/a/b~1c/01",
            "/a/b~1c/-",
            "/a/b~1c/2",
            "",
            "/a/b~1c",
            "/a/b~1c/0/x",
        ] {
            let on_index = Pointer::parse(p).unwrap().resolve(index.root());
            let on_value = r(p);
            assert_eq!(
                on_index.map(|v| v.raw().to_owned()),
                on_value.map(|v| String::from_utf8(
                    canonical::canonicalize_value(&v, &Options::default()).unwrap()
                )
                .unwrap()),
                "{p}"
            );
        }
        assert_eq!(r("/a/b~1c/1"), Some(serde_json::json!(20)));
        assert_eq!(r("/a/~0"), Some(serde_json::json!(1)));
        assert_eq!(r("/a/"), Some(serde_json::json!(2)));
        assert_eq!(r("/a/b~1c/01"), None);
        assert_eq!(r("/a/b~1c/-"), None);
        assert_eq!(r("/a/b~1c/2"), None);
        assert_eq!(r(""), Some(doc.clone()));
        assert!(Pointer::parse("a").is_err());
        assert!(Pointer::parse("/a~2").is_err());
        assert!(Pointer::parse("/a~").is_err());
    }

    #[test]
    fn transitions() {
        use State::*;
        assert!(Draft.may_become(Test));
        assert!(Canary.may_become(Active));
        assert!(Active.may_become(Deprecated));
        assert!(!Draft.may_become(Active));
        assert!(!Active.may_become(Canary));
        assert!(!Deprecated.may_become(Active));
        assert!(!Test.may_become(Active));
    }
}
