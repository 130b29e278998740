//! SentinelNet policy evaluation for the control panel: `PolicySet`,
//! `evaluate`, `explain`, `impact`, `canaryBucket`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::policy`.
//! Requests, records and policy sets given as JS values are read with the
//! rules of `canonicalize` (so `undefined`, BigInt, Date, lone surrogates
//! ... are `CanonicalJsonError`s, never silently dropped); given as text (a
//! string or UTF-8 bytes) they are read as strict I-JSON by the core.
//! Decisions, explanations and impact reports come back as plain objects
//! (the core's values: a decision is a wire format, camelCase in every
//! language); `evaluateToJson` gives a decision's exact canonical text.
//! `enforceOrThrow` throws a `PolicyDeniedError` whose message is the
//! core's `Decision::denial_message`, the same in Node and Python.

use crate::signing::json_arg;
use crate::{array_items, canonical_bytes_at, is_uint8, set, to_js, value_arg, OrThrow};
use trustcore::policy as tc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_POLICY: &'static str = r#"
/** A request field evaluation read. */
export interface Evidence {
  /** JSON Pointer into the request. */
  pointer: string;
  /** The value found (absent when missing). */
  value?: unknown;
  missing?: true;
}

/** One evaluated condition node, in pre-order. */
export interface EvaluationStep {
  /** JSON Pointer of the node in the policy. */
  node: string;
  op: string;
  result?: boolean;
  error?: "missing_field" | "type_mismatch";
}

/** An enforced check that determined a decision. */
export interface DeterminingCheck {
  policyCheckId: string;
  policyId: string;
  policyVersion: number;
}

/** One `trustcore.policy-check/v1` record (fit for the audit chain). */
export interface PolicyCheckRecord {
  type: "trustcore.policy-check/v1";
  /** `sha256:` of the canonical record without `id`. */
  id: string;
  kind: "policy" | "rbac";
  policyId: string;
  policyVersion: number;
  policyDigest: string;
  requestDigest: string;
  decision: "allow" | "deny" | "abstain";
  /** True if it did not count toward the decision. */
  simMode: boolean;
  state: "draft" | "test" | "canary" | "active" | "deprecated";
  severity?: "low" | "medium" | "high" | "critical";
  effect: "deny" | "allow" | "requireRoles";
  rationale: string;
  evidence: Evidence[];
  evaluationPath: EvaluationStep[];
  /** Only on an evaluation error. */
  error?: { code: "missing_field" | "type_mismatch"; message: string; node: string; path?: string };
  /** Canary policies only. */
  canary?: { key: string; basisPoints: number; bucket?: number; selected: boolean };
}

/** The decision on one request (`trustcore.policy-decision/v1`). */
export interface Decision {
  type: "trustcore.policy-decision/v1";
  decision: "allow" | "deny";
  /** `deny` (an enforced check denied), `allow`, or `default` (no enforced check had an opinion). */
  reason: "allow" | "deny" | "default";
  determinedBy: DeterminingCheck[];
  /** Every check, enforced and simulated, sorted by policy id, version. */
  policyChecks: PolicyCheckRecord[];
  requestDigest: string;
  policySetDigest: string;
}

/** A `policyCheck` record explained (`trustcore.policy-explanation/v1`). */
export interface Explanation {
  type: "trustcore.policy-explanation/v1";
  policyCheckId: string;
  /** One sentence: who decided what, and why. */
  summary: string;
  /** The policy (or RBAC table) as written in the set. */
  policy: Record<string, unknown>;
  /** The record's steps; leaf steps also carry `definition` and `evidence`. */
  evaluationPath: Array<EvaluationStep & { definition?: unknown; evidence?: Evidence[] }>;
  decision: "allow" | "deny" | "abstain";
  policyId: string;
  policyVersion: number;
  simMode: boolean;
  rationale: string;
  evidence: Evidence[];
  [member: string]: unknown;
}

/**
 * Thrown by `enforceOrThrow` when the decision is `deny`: `code` is always
 * `policy_denied`, the message is the core's (`denied by <id>@<version>:
 * <rationale>`, the same in Node and Python), `decision` the whole
 * decision.
 */
export interface PolicyDeniedError extends Error {
  name: "PolicyDeniedError";
  code: "policy_denied";
  decision: Decision;
}

/**
 * Evaluates `request` like `evaluate` and returns the decision when it
 * allows; throws a `PolicyDeniedError` carrying the decision when it
 * denies.
 */
export function enforceOrThrow(policySet: PolicySet, request: object | string | Uint8Array): Decision;

/** The impact of replacing a policy set (`trustcore.policy-impact/v1`). */
export interface ImpactReport {
  type: "trustcore.policy-impact/v1";
  requests: number;
  changed: number;
  allowToDeny: number;
  denyToAllow: number;
  unchanged: number;
  changes: Array<{ index: number; requestDigest: string; current: "allow" | "deny"; candidate: "allow" | "deny"; responsible: DeterminingCheck[] }>;
  policies: Array<{ policyId: string; policyVersion: number; applied: number; allow: number; deny: number; abstain: number; errors: number; simulated: number; enforcedDeny: number }>;
  invalidRequests: Array<{ index: number; code: string; message: string }>;
  currentPolicySetDigest: string;
  candidatePolicySetDigest: string;
}
"#;

/// JSON text for the core: a string (its exact code units; a lone
/// surrogate is the parser's `lone_surrogate`), UTF-8 bytes, or any other
/// JS value canonicalized with the value rules (errors with `path` after
/// `prefix`).
fn json_text(value: &JsValue, what: &str, prefix: &str) -> Result<Vec<u8>, JsValue> {
    if value.is_string() || is_uint8(value) {
        return json_arg(value, what);
    }
    canonical_bytes_at(value, prefix)
}

/// A versioned set of policies (`trustcore.policy-set/v1`), validated in
/// full when loaded.
#[wasm_bindgen]
pub struct PolicySet {
    inner: tc::PolicySet,
}

#[wasm_bindgen]
impl PolicySet {
    /// Loads a policy set from JSON text (a string or UTF-8 bytes).
    /// `PolicyError` (`code`, `path`: a JSON Pointer into the document) or
    /// `CanonicalJsonError` (`code`, `offset`) for text that is not strict
    /// I-JSON.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<PolicySet, JsValue> {
        let bytes = json_arg(&text, "text")?;
        tc::PolicySet::from_json(&bytes)
            .map(|inner| PolicySet { inner })
            .or_throw()
    }

    /// Loads a policy set from a plain object (read with the value rules of
    /// `canonicalize` first).
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(
        #[wasm_bindgen(unchecked_param_type = "object")] document: JsValue,
    ) -> Result<PolicySet, JsValue> {
        let value = value_arg(&document)?;
        tc::PolicySet::from_value(&value)
            .map(|inner| PolicySet { inner })
            .or_throw()
    }

    #[cfg(feature = "full")]
    /// Checks that `next` is an allowed update of this set. Throws
    /// `PolicyError` `invalid_transition` or `modified_version` with the
    /// `path` of the offending place in `next`.
    #[wasm_bindgen(js_name = checkUpdate)]
    pub fn check_update(&self, next: &PolicySet) -> Result<(), JsValue> {
        self.inner.check_update(&next.inner).or_throw()
    }

    /// `sha256:<hex>` of the canonical policy-set document.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        self.inner.digest().to_owned()
    }

    /// The number of policies.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.policies().len()).unwrap_or(u32::MAX)
    }

    /// The policy-set document as canonical JSON text.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }
}

#[cfg(feature = "full")]
/// Evaluates a request (a plain object, or JSON text as a string or UTF-8
/// bytes) and returns the decision (`trustcore.policy-decision/v1`) as a
/// plain object. Denial is a decision, not an error. Throws only for a
/// request that is not a JSON object with an action string (`PolicyError`
/// `invalid_request`) or not strict I-JSON (`CanonicalJsonError`).
#[wasm_bindgen(unchecked_return_type = "Decision")]
pub fn evaluate(
    #[wasm_bindgen(js_name = policySet)] policy_set: &PolicySet,
    #[wasm_bindgen(unchecked_param_type = "object | string | Uint8Array")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let text = json_text(&request, "request", "")?;
    let decision = tc::evaluate(&policy_set.inner, &text).or_throw()?;
    to_js(&decision.to_value())
}

#[cfg(feature = "full")]
/// Evaluates a request like `evaluate` and returns the decision when it
/// allows; when it denies, throws an `Error` named `PolicyDeniedError` with
/// code `policy_denied`, the core's denial message and the decision as
/// `decision`.
#[wasm_bindgen(js_name = enforceOrThrow, skip_typescript)]
pub fn enforce_or_throw(
    #[wasm_bindgen(js_name = policySet)] policy_set: &PolicySet,
    request: JsValue,
) -> Result<JsValue, JsValue> {
    let text = json_text(&request, "request", "")?;
    let decision = tc::evaluate(&policy_set.inner, &text).or_throw()?;
    let value = to_js(&decision.to_value())?;
    match decision.denial_message() {
        None => Ok(value),
        Some(message) => {
            let e = js_sys::Error::new(&message);
            e.set_name("PolicyDeniedError");
            set(&e, "code", &JsValue::from_str("policy_denied"));
            set(&e, "decision", &value);
            Err(e.into())
        }
    }
}

#[cfg(feature = "full")]
/// `evaluate`, returning the decision's canonical JSON text (the exact
/// bytes to store or hash).
#[wasm_bindgen(js_name = evaluateToJson)]
pub fn evaluate_to_json(
    #[wasm_bindgen(js_name = policySet)] policy_set: &PolicySet,
    #[wasm_bindgen(unchecked_param_type = "object | string | Uint8Array")] request: JsValue,
) -> Result<String, JsValue> {
    let text = json_text(&request, "request", "")?;
    Ok(tc::evaluate(&policy_set.inner, &text).or_throw()?.to_json())
}

fn explanation(record: &JsValue, policy_set: &PolicySet) -> Result<serde_json::Value, JsValue> {
    let text = json_text(record, "record", "")?;
    tc::explain(&text, &policy_set.inner).or_throw()
}

/// Explains a stored `policyCheck` record (a plain object or JSON text)
/// against the policy set it names (`trustcore.policy-explanation/v1`):
/// the policy, the verdict, a one-line summary, the evidence and each
/// evaluated node. `PolicyError` `invalid_record` (path `/id`: the record
/// was changed) or `policy_not_found` (the set does not hold that policy
/// version with that content).
#[wasm_bindgen(unchecked_return_type = "Explanation")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "object | string | Uint8Array")] record: JsValue,
    #[wasm_bindgen(js_name = policySet)] policy_set: &PolicySet,
) -> Result<JsValue, JsValue> {
    to_js(&explanation(&record, policy_set)?)
}

/// `explain`, returning the explanation's canonical JSON text.
#[wasm_bindgen(js_name = explainToJson)]
pub fn explain_to_json(
    #[wasm_bindgen(unchecked_param_type = "object | string | Uint8Array")] record: JsValue,
    #[wasm_bindgen(js_name = policySet)] policy_set: &PolicySet,
) -> Result<String, JsValue> {
    let value = explanation(&record, policy_set)?;
    let bytes = trustcore::canonical::canonicalize_value(&value, &Default::default()).or_throw()?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The requests of `impact`, each a plain object or JSON text (a value
/// that JSON cannot hold throws, with `path` from the request's index).
fn request_texts(requests: &JsValue) -> Result<Vec<Vec<u8>>, JsValue> {
    array_items(requests, "requests", |item, what, i| {
        json_text(item, what, &format!("/{i}"))
    })
}

#[cfg(feature = "full")]
/// Evaluates each request under `current` and `candidate` and reports the
/// differences (`trustcore.policy-impact/v1`). A request that cannot be
/// evaluated is listed in `invalidRequests`, not thrown.
#[wasm_bindgen(unchecked_return_type = "ImpactReport")]
pub fn impact(
    current: &PolicySet,
    candidate: &PolicySet,
    #[wasm_bindgen(unchecked_param_type = "(object | string | Uint8Array)[]")] requests: JsValue,
) -> Result<JsValue, JsValue> {
    let texts = request_texts(&requests)?;
    to_js(&tc::impact(&current.inner, &candidate.inner, &texts).to_value())
}

#[cfg(feature = "full")]
/// `impact`, returning the report's canonical JSON text.
#[wasm_bindgen(js_name = impactToJson)]
pub fn impact_to_json(
    current: &PolicySet,
    candidate: &PolicySet,
    #[wasm_bindgen(unchecked_param_type = "(object | string | Uint8Array)[]")] requests: JsValue,
) -> Result<String, JsValue> {
    let texts = request_texts(&requests)?;
    Ok(tc::impact(&current.inner, &candidate.inner, &texts).to_json())
}

#[cfg(feature = "full")]
/// The canary bucket (0..9999) of a JSON value: the first 8 bytes of the
/// SHA-256 of its canonical JSON as a big-endian u64, modulo 10000 — the
/// same in every language.
#[wasm_bindgen(js_name = canaryBucket)]
pub fn canary_bucket(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
) -> Result<u32, JsValue> {
    let v = value_arg(&value)?;
    tc::canary_bucket(&v).or_throw()
}
