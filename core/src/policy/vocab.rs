//! The policy vocabulary: the document type, lifecycle states, modes,
//! severities and effects, the depth limits and canonical options of what
//! the module reads and writes, and the JSON names used in messages. Every
//! other policy file builds on this one; it builds on none of them.

use crate::canonical::{self, Options};
use serde_json::Value;

/// The `type` of a policy-set document, version 1.
pub const POLICY_SET_TYPE: &str = "trustcore.policy-set/v1";

/// Largest `version` and `basisPoints`-style integer accepted (2^53 − 1).
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

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

    pub(crate) fn parse(s: &str) -> Option<State> {
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

/// Canonical options of the bytes the module writes (records, decisions).
pub(crate) fn output_options() -> Options {
    Options::default()
        .with_max_depth(OUTPUT_MAX_DEPTH)
        .unwrap_or_default()
}
