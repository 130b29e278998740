//! Chain profiles: how an existing `audit_events` table links, hashes and
//! signs its rows, as a versioned document (`trustcore.chain-profile/v1`,
//! `docs/chain-profiles.md`).
//!
//! A profile names the column that plays each role (id, sequence or none,
//! timestamp, event type, actor, payload, previous hash, hash, signer,
//! signature) and the other columns the table has; the hash input (one of a
//! closed set of [`HashInput`] constructions), the digest and how the hash
//! column spells it; what is signed ([`SignedForm`]), with which algorithm
//! and in which encoding; the genesis `prev_hash`; the timestamp format; and
//! the order rows are read in when there is no sequence column.
//!
//! What it guarantees:
//! - A profile is validated as a whole when it is loaded, and every problem
//!   has a code and the JSON Pointer of the offending member.
//! - trustcore's own format is the built-in [`ChainProfile::trustcore_v1`]
//!   (the default, with unchanged bytes); more built-ins cover the common
//!   shapes ([`BUILTIN_NAMES`]), each documented with an example row.
//! - Reading a row under a profile ([`ChainProfile::read_row`]) is strict:
//!   strict I-JSON, exactly the table's columns (a missing one is named),
//!   canonical spellings of every encoded column, and it yields the hash
//!   input and the signed bytes without building a tree.

mod builtin;
mod doc;
mod infer;
pub(crate) mod row;

pub use builtin::BUILTIN_NAMES;
pub use doc::{
    ChainProfile, Columns, ExtraColumn, Genesis, HashEncoding, HashInput, Order, SigEncoding,
    SignedForm, TimeFormat, PROFILE_TYPE,
};
pub use infer::{infer_profile, Inference, InferenceAttempt};
pub use row::{envelope_input, Fault, RowView, EVENT_KIND};

use crate::text::quote;

stable_codes! {
    /// Stable error codes of chain profiles.
    pub enum ErrorCode {
        /// A profile document that is not valid: a missing or unknown
        /// member, a value of the wrong kind, a column used twice, a
        /// construction that needs a column the profile does not map.
        InvalidProfile = "invalid_profile",
        /// The document's `type` is not a profile format this version reads.
        UnsupportedProfileVersion = "unsupported_profile_version",
        /// A profile name that is not one of the built-in profiles.
        UnknownProfile = "unknown_profile",
        /// Inference was given no rows, or rows that are not JSON objects.
        InvalidSample = "invalid_sample",
    }
}

coded_error! {
    path, InvalidProfile;
    /// A profile error: a stable code, a message and, for document problems,
    /// the JSON Pointer of the offending member.
}

impl ChainProfile {
    /// A built-in profile by name (`trustcore/v1`, ...), `unknown_profile`
    /// otherwise with the list of names.
    pub fn builtin(name: &str) -> Result<ChainProfile, Error> {
        builtin::builtin(name).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownProfile,
                format!(
                    "no built-in chain profile is named {}; the built-in profiles are {}",
                    quote(name),
                    BUILTIN_NAMES.join(", ")
                ),
            )
        })
    }

    /// A profile given as a binding hands it over: a built-in name, or a
    /// profile document (a JSON object).
    pub fn from_name_or_value(v: &serde_json::Value) -> Result<ChainProfile, crate::Error> {
        match v {
            serde_json::Value::String(name) => Ok(Self::builtin(name)?),
            other => Ok(Self::from_value(other)?),
        }
    }
}
