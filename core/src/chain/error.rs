//! The chain module's errors (API misuse) and the breaks a verifier
//! reports (data), each with a stable code.

use serde_json::{Map, Value};

stable_codes! {
    /// Stable error codes of the chain module (API misuse and writer failures;
    /// breaks found while verifying are [`Break`]s, not errors).
    pub enum ErrorCode {
        /// An event body or head handed to the writer is not valid.
        InvalidEvent = "invalid_event",
        /// The event's time is before the chain head's.
        TsRegression = "ts_regression",
        /// A verifier state or head document is not of the documented shape.
        InvalidState = "invalid_state",
    }
}

coded_error! {
    /// A chain error.
}

stable_codes! {
    /// Why an event breaks the chain. Stable codes (see the module docs).
    pub enum Reason {
        /// Not strict I-JSON, or not exactly the ten columns with their types.
        MalformedRow = "malformed_row",
        /// A column with a non-canonical spelling (uppercase hex, a UUID with
        /// braces, a timestamp that is not RFC 3339 UTC, ...).
        InvalidField = "invalid_field",
        /// An id seen before.
        DuplicateId = "duplicate_id",
        /// `seq` is not the previous `seq` + 1.
        SeqGap = "seq_gap",
        /// `prev_hash` is not the previous event's `hash`.
        PrevHashMismatch = "prev_hash_mismatch",
        /// `hash` is not the digest of the row.
        HashMismatch = "hash_mismatch",
        /// `ts` is before the previous event's.
        TsRegression = "ts_regression",
        /// Registry: the signer is unknown.
        UnknownSigner = "unknown_signer",
        /// Registry: the event is dated before the key's window.
        SignerNotYetValid = "signer_not_yet_valid",
        /// Registry: the event is dated after the key's window.
        SignerExpired = "signer_expired",
        /// Registry: the event is dated at or after the key's revocation.
        SignerRevoked = "signer_revoked",
        /// The signature does not verify.
        InvalidSignature = "invalid_signature",
        /// The chain ends before the trusted head's seq or the checkpoint's
        /// size.
        Truncated = "truncated",
        /// The row that brings the chain to the trusted head's `seq` has
        /// another hash, or the chain skips that `seq`: history up to the
        /// anchor was rewritten.
        HeadMismatch = "head_mismatch",
        /// The Merkle root of the first `size` event hashes is not the
        /// checkpoint's root (rows rewritten, reordered or dropped before it).
        CheckpointMismatch = "checkpoint_mismatch",
    }
}

impl Reason {
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
