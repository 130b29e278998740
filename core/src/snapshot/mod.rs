//! Signed snapshots of trace batches (`docs/snapshots.md`).
//!
//! A snapshot is a batch of trace records written as canonical JSONL (one
//! canonical record per line), and its signed metadata with the seed's
//! field names — `snapshot_id`, `trace_range`, `hash`, `signer_kid`,
//! `signature`, `ts` — plus `type`, `records`, `merkle_root` and `alg`.
//!
//! What it guarantees:
//! - The builder takes records one at a time in O(1) memory and returns
//!   each canonical line to write out; the core never compresses or stores.
//! - `hash` is the named digest (SHA-256 default, BLAKE3 for large batches)
//!   of the canonical JSONL bytes; `merkle_root` is the RFC 6962 root over
//!   the records (leaf = SHA-256(0x00 ‖ canonical record)), so one record
//!   can be proven to be in a snapshot on its own.
//! - `trace_range` is exactly `{first_trace_id, last_trace_id, start,
//!   end}`: the trace ids of the first and last records in batch order and
//!   the earliest and latest record times (RFC 3339, canonical), read at
//!   declared JSON Pointers; verification recomputes it.
//! - The signature is over a typed envelope of kind `trustcore.snapshot`
//!   whose payload is the metadata without `signature`, so it can never be
//!   replayed as another record; a remote signer's answer is verified
//!   before any metadata exists (fail closed).
//! - Verification re-canonicalizes every line: a line that is not
//!   canonical, or not JSON, is a failure naming its line number.

use crate::digest;
use crate::options::{Naming, Reader};
use serde_json::Value;

/// The envelope kind snapshot signatures are made under.
pub const SNAPSHOT_KIND: &str = "trustcore.snapshot";
/// The `type` of snapshot metadata.
pub const SNAPSHOT_TYPE: &str = "trustcore.snapshot/v1";
/// The event type of the audit event that publishes a snapshot.
pub const PUBLISHED_EVENT: &str = "snapshot.published";

stable_codes! {
    /// Stable error codes of the snapshot module (API misuse and bad
    /// documents; a failed verification is a report, not an error).
    pub enum ErrorCode {
        /// A record handed to the builder that cannot be written: not
        /// strict JSON, or without a string trace id or an RFC 3339 time at
        /// the declared pointers.
        InvalidRecord = "invalid_record",
        /// Snapshot metadata that is not of the documented shape.
        InvalidMetadata = "invalid_metadata",
        /// A snapshot with no records, or a bad snapshot id or time.
        InvalidSnapshot = "invalid_snapshot",
        /// A remote signer's answer that does not verify under the expected
        /// key: no metadata is produced.
        RemoteSignatureInvalid = "remote_signature_invalid",
        /// An audit event that does not publish this snapshot.
        EventMismatch = "event_mismatch",
    }
}

coded_error! {
    /// A snapshot error.
}

stable_codes! {
    /// Why a snapshot does not verify (report data).
    pub enum Failure {
        /// A line that is not strict I-JSON.
        MalformedLine = "malformed_line",
        /// A line that is JSON but not its own canonical form (re-spelled,
        /// reordered, edited by a tool).
        NotCanonical = "not_canonical",
        /// A record without a string trace id or a valid time at the
        /// declared pointers.
        MissingField = "missing_field",
        /// The batch has another number of records than the metadata says.
        CountMismatch = "count_mismatch",
        /// The digest of the batch is not the metadata's `hash`.
        HashMismatch = "hash_mismatch",
        /// The Merkle root over the records is not `merkle_root`.
        MerkleMismatch = "merkle_mismatch",
        /// The batch's trace range is not `trace_range`.
        TraceRangeMismatch = "trace_range_mismatch",
        /// `signer_kid` is not in the registry.
        UnknownSigner = "unknown_signer",
        /// The key's window starts after `ts`.
        SignerNotYetValid = "signer_not_yet_valid",
        /// The key's window ends at or before `ts`.
        SignerExpired = "signer_expired",
        /// The key (or one it was rotated from) is revoked at or before `ts`.
        SignerRevoked = "signer_revoked",
        /// The metadata's `alg` is not the one registered for the signer.
        AlgorithmMismatch = "algorithm_mismatch",
        /// The signature does not verify.
        InvalidSignature = "invalid_signature",
        /// The inclusion proof of one record does not lead to `merkle_root`.
        NotIncluded = "not_included",
    }
}

impl Failure {
    fn from_registry(r: crate::registry::Reason) -> Failure {
        use crate::registry::Reason as R;
        match r {
            R::UnknownSigner => Failure::UnknownSigner,
            R::SignerNotYetValid => Failure::SignerNotYetValid,
            R::SignerExpired => Failure::SignerExpired,
            R::SignerRevoked => Failure::SignerRevoked,
            R::AlgorithmMismatch => Failure::AlgorithmMismatch,
            _ => Failure::InvalidSignature,
        }
    }
}

/// How records are read: the digest and where the trace id and time are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotOptions {
    /// The batch digest (default SHA-256).
    pub hash_alg: digest::Algorithm,
    /// JSON Pointer of each record's trace id (default `/trace_id`).
    pub trace_id: String,
    /// JSON Pointer of each record's time (default `/ts`).
    pub ts: String,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            hash_alg: digest::Algorithm::Sha256,
            trace_id: "/trace_id".into(),
            ts: "/ts".into(),
        }
    }
}

impl SnapshotOptions {
    /// Reads `{hash_alg?, trace_id?, ts?}` as a binding hands them over.
    pub fn from_value(v: Option<&Value>, naming: Naming) -> Result<Self, crate::Error> {
        let mut r = Reader::new(v, naming)?;
        let mut o = SnapshotOptions::default();
        if let Some(a) = r.choice("hash_alg", &["sha256", "blake3"])? {
            o.hash_alg = digest::Algorithm::from_name(a)?;
        }
        for (name, slot) in [("trace_id", &mut o.trace_id), ("ts", &mut o.ts)] {
            if let Some(p) = r.string(name)? {
                if !p.starts_with('/') {
                    return Err(r
                        .invalid(name, "a JSON Pointer (starting with /)", &Value::from(p))
                        .into());
                }
                *slot = p.to_string();
            }
        }
        r.finish()?;
        Ok(o)
    }

    fn tokens(p: &str) -> Vec<String> {
        p.split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    }
}

mod build;
mod fields;
mod metadata;
mod verify;

pub use build::{PreparedSnapshot, SnapshotBuilder, UnsignedSnapshot};
pub use metadata::Snapshot;
pub use verify::{
    record_proof, verify_record, verify_snapshot, SnapshotFailure, SnapshotReport, SnapshotVerifier,
};
