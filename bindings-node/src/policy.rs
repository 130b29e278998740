//! SentinelNet policy evaluation: `PolicySet`, `evaluate`, `explain`,
//! `impact`, `canaryBucket`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::policy`.
//! Requests, records and policy sets given as JS values are read with the
//! rules of `canonicalize` (so `undefined`, BigInt, Date, lone surrogates
//! ... are `CanonicalJsonError`s, never silently dropped); given as text
//! (a string or UTF-8 bytes) they are read as strict I-JSON by the core.
//! Decisions, explanations and impact reports come back as plain objects
//! (`canonicalize(decision)` gives the decision's exact canonical bytes).
//!
//! `enforceOrThrow` / `enforcePolicyOrThrow` and `PolicyDeniedError` are
//! in the package's JS entry point (`index.js`), over
//! `evaluateWithDenial`, which hands out the core's one denial message.

use crate::signing::class_arg;
use crate::{array_items, canonical_value, invalid_argument, js_to_json, text_arg, type_of};
use crate::{utf16_units, CanonicalJson, Json, OrThrow, Text};
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use trustcore::policy as tc;

/// JSON text for the core: a JS string (its exact UTF-16 code units as
/// WTF-8, so a lone surrogate is the parser's `lone_surrogate`), UTF-8
/// bytes, or any other JS value canonicalized with the value rules.
fn json_text(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match type_of(value)? {
        ValueType::String => Ok(trustcore::canonical::wtf8_from_utf16(&utf16_units(value)?)),
        ValueType::Object if value.is_typedarray()? => match text_arg(env, value, what)? {
            Text::Bytes(b) => Ok(b.to_vec()),
            Text::Str(_) => Err(invalid_argument(env, format!("{what}: unreadable text"))),
        },
        _ => canonical_value(env, value, &trustcore::canonical::Options::default()),
    }
}

/// A versioned set of policies (`trustcore.policy-set/v1`), validated in
/// full when loaded.
#[napi]
pub struct PolicySet {
    pub(crate) inner: tc::PolicySet,
}

#[napi]
impl PolicySet {
    /// Loads a policy set from JSON text (a string or UTF-8 bytes).
    /// `PolicyError` (`code`, `path`: a JSON Pointer into the document) or
    /// `CanonicalJsonError` (`code`, `offset`) for text that is not strict
    /// I-JSON.
    #[napi(ts_args_type = "text: string | Uint8Array")]
    pub fn from_json(env: &Env, text: Unknown<'_>) -> napi::Result<PolicySet> {
        let bytes = match type_of(text)? {
            ValueType::String => trustcore::canonical::wtf8_from_utf16(&utf16_units(text)?),
            _ => match text_arg(env, text, "text")? {
                Text::Bytes(b) => b.to_vec(),
                Text::Str(_) => Vec::new(),
            },
        };
        tc::PolicySet::from_json(&bytes)
            .map(|inner| PolicySet { inner })
            .or_throw(env)
    }

    /// Loads a policy set from a plain object (read with the value rules of
    /// `canonicalize` first).
    #[napi(ts_args_type = "document: object")]
    pub fn from_object(env: &Env, document: Unknown<'_>) -> napi::Result<PolicySet> {
        let value = js_to_json(env, document)?;
        tc::PolicySet::from_value(&value)
            .map(|inner| PolicySet { inner })
            .or_throw(env)
    }

    /// Checks that `next` is an allowed update of this set (lifecycle
    /// steps, no edits of a published `id@version`, only drafts and
    /// deprecated policies removed). Throws `PolicyError`
    /// `invalid_transition` or `modified_version` with the `path` of the
    /// offending place in `next`.
    #[napi(ts_args_type = "next: PolicySet")]
    pub fn check_update(&self, env: &Env, next: Unknown<'_>) -> napi::Result<()> {
        let next = class_arg::<PolicySet>(env, next, "next")?;
        self.inner.check_update(&next.inner).or_throw(env)
    }

    /// `sha256:<hex>` of the canonical policy-set document (what decisions
    /// record as `policySetDigest`).
    #[napi(getter)]
    pub fn digest(&self) -> String {
        self.inner.digest().to_owned()
    }

    /// The number of policies.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.policies().len()).unwrap_or(u32::MAX)
    }

    /// The policy-set document as canonical JSON text.
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!(
            "PolicySet {{ policies: {}, digest: '{}' }}",
            self.inner.policies().len(),
            self.inner.digest()
        )
    }
}

/// Evaluates a request (a plain object, or JSON text as a string or UTF-8
/// bytes) and returns the decision record (`trustcore.policy-decision/v1`)
/// as a plain object. Denial is a decision, not an error: check
/// `decision.decision === 'allow'`, or use `enforceOrThrow`. Throws only
/// for a request that is not a JSON object with an action string
/// (`PolicyError` `invalid_request`) or not strict I-JSON
/// (`CanonicalJsonError`).
#[napi(
    ts_args_type = "policySet: PolicySet, request: object | string | Uint8Array",
    ts_return_type = "Decision"
)]
pub fn evaluate(
    env: &Env,
    policy_set: Unknown<'_>,
    request: Unknown<'_>,
) -> napi::Result<CanonicalJson> {
    let set = class_arg::<PolicySet>(env, policy_set, "policySet")?;
    let text = json_text(env, request, "request")?;
    let decision = tc::evaluate(&set.inner, &text).or_throw(env)?;
    Ok(CanonicalJson(decision.to_json()))
}

/// What `enforceOrThrow` needs from one evaluation: the decision, and the
/// core's message for a denial (the `PolicyDeniedError` message, the same
/// in every language).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct DecisionWithDenial {
    /// The decision record, as `evaluate` returns it.
    pub decision: Decision,
    /// `denied by <id>@<version>: <rationale>` (or the default's) when the
    /// decision denies; `null` when it allows.
    #[napi(ts_type = "string | null")]
    pub denial_message: Json,
}

/// Evaluates like `evaluate` and also returns the core's denial message
/// (`null` when allowed): the engine of `enforceOrThrow`.
#[napi(
    js_name = "evaluateWithDenial",
    ts_args_type = "policySet: PolicySet, request: object | string | Uint8Array",
    ts_return_type = "DecisionWithDenial"
)]
pub fn evaluate_with_denial<'e>(
    env: &'e Env,
    policy_set: Unknown<'_>,
    request: Unknown<'_>,
) -> napi::Result<Object<'e>> {
    let set = class_arg::<PolicySet>(env, policy_set, "policySet")?;
    let text = json_text(env, request, "request")?;
    let decision = tc::evaluate(&set.inner, &text).or_throw(env)?;
    let mut out = Object::new(env)?;
    out.set_named_property("decision", CanonicalJson(decision.to_json()))?;
    out.set_named_property("denialMessage", decision.denial_message())?;
    Ok(out)
}

/// The same as `evaluate`, returning the decision's canonical JSON text
/// (the exact bytes to store or hash).
#[napi(
    js_name = "evaluateToJson",
    ts_args_type = "policySet: PolicySet, request: object | string | Uint8Array"
)]
pub fn evaluate_to_json(
    env: &Env,
    policy_set: Unknown<'_>,
    request: Unknown<'_>,
) -> napi::Result<String> {
    let set = class_arg::<PolicySet>(env, policy_set, "policySet")?;
    let text = json_text(env, request, "request")?;
    let decision = tc::evaluate(&set.inner, &text).or_throw(env)?;
    Ok(decision.to_json())
}

/// Explains a stored `policyCheck` record (a plain object or JSON text)
/// against the policy set it names (`trustcore.policy-explanation/v1`).
/// `PolicyError` `invalid_record` (path `/id`: the record was changed) or
/// `policy_not_found` (the set does not hold that policy version).
#[napi(
    ts_args_type = "record: object | string | Uint8Array, policySet: PolicySet",
    ts_return_type = "Explanation"
)]
pub fn explain(env: &Env, record: Unknown<'_>, policy_set: Unknown<'_>) -> napi::Result<Json> {
    let text = json_text(env, record, "record")?;
    let set = class_arg::<PolicySet>(env, policy_set, "policySet")?;
    let value = tc::explain(&text, &set.inner).or_throw(env)?;
    Ok(Json(value))
}

/// Evaluates each request under `current` and `candidate` and reports the
/// differences (`trustcore.policy-impact/v1`). A request that cannot be
/// evaluated is listed in `invalidRequests`, not thrown.
#[napi(
    ts_args_type = "current: PolicySet, candidate: PolicySet, requests: (object | string | Uint8Array)[]",
    ts_return_type = "ImpactReport"
)]
pub fn impact(
    env: &Env,
    current: Unknown<'_>,
    candidate: Unknown<'_>,
    requests: Unknown<'_>,
) -> napi::Result<CanonicalJson> {
    let current = class_arg::<PolicySet>(env, current, "current")?;
    let candidate = class_arg::<PolicySet>(env, candidate, "candidate")?;
    let texts = array_items(env, requests, "requests", |env, item, i| {
        if type_of(item)? == ValueType::Undefined {
            return Err(invalid_argument(
                env,
                format!("requests[{i}] must be a request (an object, JSON text or bytes), got undefined"),
            ));
        }
        json_text(env, item, &format!("requests[{i}]"))
    })?;
    Ok(CanonicalJson(
        tc::impact(&current.inner, &candidate.inner, &texts).to_json(),
    ))
}

/// The canary bucket (0..9999) of a JSON value: the first 8 bytes of the
/// SHA-256 of its canonical JSON, read as a big-endian unsigned 64-bit
/// integer, modulo 10000 — the same in every language.
#[napi(js_name = "canaryBucket", ts_args_type = "value: unknown")]
pub fn canary_bucket(env: &Env, value: Unknown<'_>) -> napi::Result<u32> {
    let v = js_to_json(env, value)?;
    tc::canary_bucket(&v).or_throw(env)
}

// ---------------------------------------------------------------------------
// Types of the returned objects (TypeScript only)
// ---------------------------------------------------------------------------

/// An enforced check that determined a decision.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct DeterminingCheck {
    /// The record's id (`sha256:<hex>`).
    pub policy_check_id: String,
    /// The policy (or RBAC table) id.
    pub policy_id: String,
    /// Its version.
    pub policy_version: f64,
}

/// One `trustcore.policy-check/v1` record (fit for the audit chain).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PolicyCheckRecord {
    /// `'trustcore.policy-check/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.policy-check/v1'")]
    pub record_type: String,
    /// `sha256:` of the canonical record without `id`.
    pub id: String,
    /// `policy` or `rbac`.
    #[napi(ts_type = "'policy' | 'rbac'")]
    pub kind: String,
    /// The policy id.
    pub policy_id: String,
    /// The policy version.
    pub policy_version: f64,
    /// `sha256:` of the canonical policy object.
    pub policy_digest: String,
    /// `sha256:` of the canonical request.
    pub request_digest: String,
    /// What this check decided.
    #[napi(ts_type = "'allow' | 'deny' | 'abstain'")]
    pub decision: String,
    /// True if it did not count toward the decision.
    pub sim_mode: bool,
    /// The policy's lifecycle state.
    #[napi(ts_type = "'draft' | 'test' | 'canary' | 'active' | 'deprecated'")]
    pub state: String,
    /// The policy's severity (absent for RBAC).
    #[napi(ts_type = "'low' | 'medium' | 'high' | 'critical'")]
    pub severity: Option<String>,
    /// `deny`, `allow` or `requireRoles`.
    #[napi(ts_type = "'deny' | 'allow' | 'requireRoles'")]
    pub effect: String,
    /// Shown to whoever is denied.
    pub rationale: String,
    /// Every request field evaluation read.
    #[napi(ts_type = "Array<{ pointer: string; value?: unknown; missing?: true }>")]
    pub evidence: Json,
    /// The evaluated nodes, in pre-order.
    #[napi(
        ts_type = "Array<{ node: string; op: string; result?: boolean; error?: 'missing_field' | 'type_mismatch' }>"
    )]
    pub evaluation_path: Json,
    /// Only on an evaluation error.
    #[napi(
        ts_type = "{ code: 'missing_field' | 'type_mismatch'; message: string; node: string; path?: string }"
    )]
    pub error: Option<Json>,
    /// Canary policies only.
    #[napi(ts_type = "{ key: string; basisPoints: number; bucket?: number; selected: boolean }")]
    pub canary: Option<Json>,
}

/// The decision on one request (`trustcore.policy-decision/v1`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Decision {
    /// `'trustcore.policy-decision/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.policy-decision/v1'")]
    pub decision_type: String,
    /// The verdict.
    #[napi(ts_type = "'allow' | 'deny'")]
    pub decision: String,
    /// `deny` (an enforced check denied), `allow`, or `default` (no
    /// enforced check had an opinion).
    #[napi(ts_type = "'allow' | 'deny' | 'default'")]
    pub reason: String,
    /// The enforced checks with the winning verdict.
    pub determined_by: Vec<DeterminingCheck>,
    /// Every check, enforced and simulated, sorted by policy id, version.
    pub policy_checks: Vec<PolicyCheckRecord>,
    /// `sha256:` of the canonical request.
    pub request_digest: String,
    /// `sha256:` of the canonical policy-set document.
    pub policy_set_digest: String,
}

/// A `policyCheck` record explained (`trustcore.policy-explanation/v1`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Explanation {
    /// `'trustcore.policy-explanation/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.policy-explanation/v1'")]
    pub explanation_type: String,
    /// The record's id.
    pub policy_check_id: String,
    /// One sentence: who decided what, and why.
    pub summary: String,
    /// The policy (or RBAC) object as written in the set.
    #[napi(ts_type = "Record<string, unknown>")]
    pub policy: Json,
    /// The record's steps; leaf steps also carry `definition` and
    /// `evidence`.
    #[napi(
        ts_type = "Array<{ node: string; op: string; result?: boolean; error?: string; definition?: unknown; evidence?: Array<{ pointer: string; value?: unknown; missing?: true }> }>"
    )]
    pub evaluation_path: Json,
    /// The record's verdict.
    #[napi(ts_type = "'allow' | 'deny' | 'abstain'")]
    pub decision: String,
    /// The policy id.
    pub policy_id: String,
    /// The policy version.
    pub policy_version: f64,
    /// True if the check did not count toward the decision.
    pub sim_mode: bool,
    /// The policy's rationale.
    pub rationale: String,
    /// Every request field evaluation read.
    #[napi(ts_type = "Array<{ pointer: string; value?: unknown; missing?: true }>")]
    pub evidence: Json,
}

/// The impact of replacing a policy set (`trustcore.policy-impact/v1`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ImpactReport {
    /// `'trustcore.policy-impact/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.policy-impact/v1'")]
    pub report_type: String,
    /// Requests evaluated.
    pub requests: f64,
    /// Requests whose decision would change.
    pub changed: f64,
    /// Of which allow → deny.
    pub allow_to_deny: f64,
    /// Of which deny → allow.
    pub deny_to_allow: f64,
    /// Requests with the same decision.
    pub unchanged: f64,
    /// Each changed request.
    #[napi(
        ts_type = "Array<{ index: number; requestDigest: string; current: 'allow' | 'deny'; candidate: 'allow' | 'deny'; responsible: DeterminingCheck[] }>"
    )]
    pub changes: Json,
    /// Per candidate policy that applied at least once: its outcomes.
    #[napi(
        ts_type = "Array<{ policyId: string; policyVersion: number; applied: number; allow: number; deny: number; abstain: number; errors: number; simulated: number; enforcedDeny: number }>"
    )]
    pub policies: Json,
    /// Requests that could not be evaluated.
    #[napi(ts_type = "Array<{ index: number; code: string; message: string }>")]
    pub invalid_requests: Json,
    /// `sha256:` of the current set.
    pub current_policy_set_digest: String,
    /// `sha256:` of the candidate set.
    pub candidate_policy_set_digest: String,
}

factory_only!(PolicySet, "PolicySet.fromJson or PolicySet.fromObject");
