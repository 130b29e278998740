//! SentinelNet policy evaluation: versioned policies as data, evaluated
//! deterministically into canonical, hashable `policyCheck` records.
//!
//! # What is guaranteed
//!
//! * **Validated up front.** [`PolicySet::from_json`] checks every field,
//!   operator, JSON Pointer and literal type before anything is evaluated;
//!   an error names the place as a JSON Pointer into the policy-set
//!   document ([`Error::path`], e.g. `/policies/3/condition/all/1/op`).
//! * **Deterministic and total.** The same policy set and request give the
//!   same decision bytes in every language. Evaluation never panics; an
//!   evaluation error (a missing field, a number compared with a string)
//!   becomes part of the record and *denies* when the policy is enforced
//!   (fail closed). Simulated policies never change the decision, but their
//!   would-be result is recorded. No clock is read.
//! * **Deny wins.** The decision is `deny` if any enforced check denies,
//!   else `allow` if any enforced check allows, else the set's
//!   `defaultDecision`; the determining checks are named.
//! * **Lifecycle.** `draft` and `deprecated` policies do not apply, `test`
//!   policies always run simulated, `canary` policies enforce for the
//!   requests whose bucket (SHA-256 of the canonical JSON of a declared
//!   request value, see [`canary_bucket`]) falls in their share and are
//!   simulated for the rest, `active` policies follow their `mode`.
//! * **Canonical records.** Every check is a `trustcore.policy-check/v1`
//!   record in RFC 8785 canonical JSON whose `id` is the SHA-256 of the
//!   record's own canonical bytes without `id`, so a record can be hashed
//!   into the audit chain and checked by [`explain`].
//!
//! The formats (policy set, decision, record, explanation, impact report)
//! are specified in `docs/policy.md`, with JSON Schemas in `docs/schemas/`
//! and vectors in `test-vectors/policy.json`.
//!
//! ```
//! use trustcore::policy::{evaluate, PolicySet, Verdict};
//! let set = PolicySet::from_json(br#"{
//!   "type": "trustcore.policy-set/v1",
//!   "defaultDecision": "allow",
//!   "rbac": {"id": "kernel-rbac", "version": 1, "rationale": "kernel roles",
//!            "rules": [{"action": "POST /kernel/sign", "roles": ["SuperAdmin", "Service"]}]},
//!   "policies": [{
//!     "id": "allocate.limit", "version": 1, "state": "active", "mode": "enforce",
//!     "severity": "high", "target": {"actions": ["POST /kernel/allocate"]},
//!     "condition": {"op": "gt", "path": "/body/amount", "value": 1000},
//!     "effect": "deny", "rationale": "allocations above 1000 need a manual review"
//!   }]
//! }"#)?;
//! let d = evaluate(&set, br#"{"action":"POST /kernel/allocate","subject":{"roles":["Operator"]},"body":{"amount":5000}}"#)?;
//! assert_eq!(d.verdict(), Verdict::Deny);
//! assert_eq!(d.determined_by()[0].policy_id(), "allocate.limit");
//! let d = evaluate(&set, br#"{"action":"POST /kernel/sign","subject":{"roles":["Operator"]}}"#)?;
//! assert_eq!(d.verdict(), Verdict::Deny); // RBAC: Operator may not sign
//! # Ok::<(), trustcore::Error>(())
//! ```
//!
//! # Binding surface
//!
//! The bindings only convert types; every rule lives here.
//!
//! | call | in | out |
//! |---|---|---|
//! | [`PolicySet::from_json`] / [`PolicySet::from_value`] | policy-set JSON text / `serde_json::Value` | [`PolicySet`] or [`crate::Error`] (`PolicyError`, or `CanonicalJsonError` for bad JSON text) |
//! | [`PolicySet::check_update`] | current and candidate set | `()` or `invalid_transition` / `modified_version` |
//! | [`evaluate`] / [`evaluate_value`] | set, request JSON text / value | [`Decision`]; [`Decision::to_json`] (canonical text), [`Decision::to_value`], [`Decision::is_allowed`] |
//! | [`explain`] / [`explain_value`] | `policyCheck` record JSON text / value, set | explanation as `serde_json::Value` (canonical via [`crate::canonical::canonicalize_value`]) |
//! | [`impact`] | current set, candidate set, request texts | [`ImpactReport`]; [`ImpactReport::to_json`], [`ImpactReport::to_value`] |
//! | [`canary_bucket`] | a JSON value | its bucket in `0..10000` |
//!
//! # Where each part lives
//!
//! From the bottom up (each file uses only those above it in this list):
//! `vocab` (document type, states, modes, severities, effects, depth
//! limits, canonical options), `doc` (the request's canonical index),
//! `pointer` (JSON Pointers over it), `glob`, `fields` (member readers shared by
//! the policy set and the RBAC table), `record` (`policyCheck` records and
//! decisions), `rbac`, `model` (policies and the loaded set), `load` (the
//! set's loader), `eval` (evaluation), `explain` and `impact`.
//!
//! `enforceOrThrow` in the bindings is `evaluate` followed by throwing a
//! `PolicyDeniedError` carrying `Decision::to_value()` when
//! `!is_allowed()`: denial is a decision, never a core error code.

mod doc;
mod eval;
mod explain;
mod fields;
mod glob;
mod impact;
mod load;
mod model;
mod pointer;
mod rbac;
mod record;
mod vocab;

pub use eval::{canary_bucket, evaluate, evaluate_value, MAX_ACTION_BYTES, MAX_REQUEST_BYTES};
pub use explain::{explain, explain_value};
pub use glob::{Glob, MAX_MATCH_WORK, MAX_PATTERN_CHARS};
pub use impact::{impact, ImpactReport};
pub use model::{Policy, PolicySet};
pub use record::{
    Decision, DeterminingCheck, PolicyCheck, Verdict, DECISION_TYPE, EXPLANATION_TYPE, IMPACT_TYPE,
    POLICY_CHECK_TYPE,
};
pub use vocab::{Effect, Mode, Severity, State, POLICY_SET_TYPE};

stable_codes! {
    /// Stable error codes of the policy module.
    pub enum ErrorCode {
        /// A policy or policy-set document that is not valid: a missing or
        /// unknown field, a value of the wrong kind, a bad name or number.
        InvalidPolicy = "invalid_policy",
        /// The set's `type` is not a format this version reads.
        UnsupportedFormat = "unsupported_format",
        /// A condition node with an operator that does not exist.
        UnknownOperator = "unknown_operator",
        /// A JSON Pointer (RFC 6901) that is not well formed.
        InvalidPointer = "invalid_pointer",
        /// A literal of the wrong type for its operator (when loading), or
        /// operands of different types (when evaluating).
        TypeMismatch = "type_mismatch",
        /// Two policies with the same `id@version`, or a policy id equal to the
        /// RBAC table's id, or two RBAC rules for the same action.
        DuplicatePolicy = "duplicate_policy",
        /// A lifecycle state change that is not allowed, or the removal of a
        /// policy that is not `draft` or `deprecated`.
        InvalidTransition = "invalid_transition",
        /// An existing `id@version` whose content (other than `state`, `mode`
        /// and `canary`) changed: publish a new version instead.
        ModifiedVersion = "modified_version",
        /// A request that is not a JSON object or has no action string (or an
        /// action longer than 4,096 bytes).
        InvalidRequest = "invalid_request",
        /// A request larger than 1 MiB as canonical JSON: refused before
        /// evaluation, like an unreadable one (callers treat it as a denial).
        RequestTooLarge = "request_too_large",
        /// Evaluation: a check would take more work than the documented
        /// limit (a general glob over a very long value); the check fails
        /// closed (denies) unless the policy is simulated.
        EvaluationLimit = "evaluation_limit",
        /// Evaluation: a request field the condition needs is absent.
        MissingField = "missing_field",
        /// A `policyCheck` record that is malformed or whose `id` does not match
        /// its content.
        InvalidRecord = "invalid_record",
        /// A record names a policy the given set does not hold (or holds with
        /// different content).
        PolicyNotFound = "policy_not_found",
    }
}

/// A policy error: a stable code, a message and, where it applies, the
/// JSON Pointer of the offending place.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}{} [{}]", path.as_ref().map(|p| format!(" at {p:?}")).unwrap_or_default(), code.as_str())]
pub struct Error {
    code: ErrorCode,
    message: String,
    path: Option<String>,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>, path: Option<String>) -> Self {
        Error {
            code,
            message: crate::text::bounded(message.into()),
            path,
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// JSON Pointer into the policy document or request, where it applies.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

/// Appends one RFC 6901 reference token (escaped) to a pointer.
pub(crate) fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
