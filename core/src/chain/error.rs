//! The chain module's errors (API misuse) and the breaks a verifier
//! reports (data), each with a stable code.

use serde_json::{Map, Value};

/// Stable error codes of the chain module (API misuse and writer failures;
/// breaks found while verifying are [`Break`]s, not errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An event body or head handed to the writer is not valid.
    InvalidEvent,
    /// The event's time is before the chain head's.
    TsRegression,
    /// A verifier state or head document is not of the documented shape.
    InvalidState,
}

impl ErrorCode {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidEvent => "invalid_event",
            ErrorCode::TsRegression => "ts_regression",
            ErrorCode::InvalidState => "invalid_state",
        }
    }
}

coded_error! {
    /// A chain error.
}

/// Why an event breaks the chain. Stable codes (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// Not strict I-JSON, or not exactly the ten columns with their types.
    MalformedRow,
    /// A column with a non-canonical spelling (uppercase hex, a UUID with
    /// braces, a timestamp that is not RFC 3339 UTC, ...).
    InvalidField,
    /// An id seen before.
    DuplicateId,
    /// `seq` is not the previous `seq` + 1.
    SeqGap,
    /// `prev_hash` is not the previous event's `hash`.
    PrevHashMismatch,
    /// `hash` is not the digest of the row.
    HashMismatch,
    /// `ts` is before the previous event's.
    TsRegression,
    /// Registry: the signer is unknown.
    UnknownSigner,
    /// Registry: the event is dated before the key's window.
    SignerNotYetValid,
    /// Registry: the event is dated after the key's window.
    SignerExpired,
    /// Registry: the event is dated at or after the key's revocation.
    SignerRevoked,
    /// The signature does not verify.
    InvalidSignature,
    /// The chain ends before the expected head.
    Truncated,
    /// The chain reaches the expected head's `seq` with another hash.
    HeadMismatch,
    /// The Merkle root of the first `size` event hashes is not the
    /// checkpoint's root (rows rewritten, reordered or dropped before it).
    CheckpointMismatch,
}

impl Reason {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MalformedRow => "malformed_row",
            Reason::InvalidField => "invalid_field",
            Reason::DuplicateId => "duplicate_id",
            Reason::SeqGap => "seq_gap",
            Reason::PrevHashMismatch => "prev_hash_mismatch",
            Reason::HashMismatch => "hash_mismatch",
            Reason::TsRegression => "ts_regression",
            Reason::UnknownSigner => "unknown_signer",
            Reason::SignerNotYetValid => "signer_not_yet_valid",
            Reason::SignerExpired => "signer_expired",
            Reason::SignerRevoked => "signer_revoked",
            Reason::InvalidSignature => "invalid_signature",
            Reason::Truncated => "truncated",
            Reason::HeadMismatch => "head_mismatch",
            Reason::CheckpointMismatch => "checkpoint_mismatch",
        }
    }

    pub(super) fn from_registry(r: crate::registry::Reason) -> Reason {
        use crate::registry::Reason as R;
        match r {
            R::UnknownSigner => Reason::UnknownSigner,
            R::SignerNotYetValid => Reason::SignerNotYetValid,
            R::SignerExpired => Reason::SignerExpired,
            R::SignerRevoked => Reason::SignerRevoked,
            _ => Reason::InvalidSignature,
        }
    }
}

/// A break found by the verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// 0-based position of the row in the stream (counting from the
    /// verifier's start, including rows before a resumed state).
    pub position: u64,
    /// The row's `seq`, when it could be read.
    pub seq: Option<u64>,
    /// The row's `id`, when it could be read.
    pub id: Option<String>,
    /// Why.
    pub reason: Reason,
    /// What exactly, for a person.
    pub message: String,
}

impl Break {
    /// As a JSON value: `{position, seq?, id?, reason, message}`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("position".into(), self.position.into());
        if let Some(s) = self.seq {
            m.insert("seq".into(), s.into());
        }
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone().into());
        }
        m.insert("reason".into(), self.reason.as_str().into());
        m.insert("message".into(), self.message.clone().into());
        Value::Object(m)
    }
}
