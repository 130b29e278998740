//! PII redaction of nested JSON by a declared policy
//! (`trustcore.redaction-policy/v1`, `docs/redaction.md`), and redacted
//! copies that still verify against a signed snapshot (salted commitments
//! in the style of SD-JWT, RFC 9901).
//!
//! What it guarantees:
//! - A policy is data, validated when loaded, with a code and a JSON
//!   Pointer for every problem. Selectors are JSON Pointer patterns (`*` one
//!   level, `**` any depth), member names by class at any depth
//!   (case-insensitive), and value detectors defined exactly
//!   ([`detect`]: email, E.164 phone, IPv4, IPv6, card numbers with the
//!   Luhn check, IBAN with its checksum). Nothing is skipped because it sits
//!   in an array or deep inside an object.
//! - [`redact`] (a `serde_json` value) and [`redact_text`] (JSON text, with
//!   no tree built: the redaction is read off the canonical bytes) are
//!   deterministic: the same document, policy and keys give the same
//!   redacted bytes and the same record in every language. The
//!   record names every redacted value (pointer in the original, rule,
//!   class, action) with a salted commitment, so a privileged reader holding
//!   the value and the salt key can prove it was the one removed. Salts and
//!   pseudonyms come from keys the caller gives: the core has no
//!   randomness. The record is typed data ([`RedactionRecord`]):
//!   [`RedactionRecord::to_value`] gives its JSON document and
//!   [`RedactionRecord::to_canonical_json`] that document's canonical text,
//!   written directly.
//! - [`commit`] turns a record into its commitment form (each selected value
//!   replaced by the digest of a disclosure) for a snapshot to sign;
//!   [`disclose`] applies any subset of disclosures and refuses what RFC
//!   9901 refuses: duplicate digests, a disclosure nothing references, a
//!   disclosure that is not well formed, a claim name that collides;
//!   [`disclose_report`] also says where the disclosures put values back
//!   and where digests stay unopened.

mod apply;
mod commit;
pub mod detect;
mod policy;
mod scan;

pub use apply::{commitment, proves, RedactedValue, Redaction, RedactionKeys, RedactionRecord};
pub use commit::{commit, disclose, disclose_report, Committed, DisclosedView, HiddenDigests};
pub use policy::{Action, RedactionPolicy, Rule, Selector, POLICY_TYPE, RECORD_TYPE};
pub use scan::{redact, redact_text};

use crate::text::quote;

stable_codes! {
    /// Stable error codes of redaction.
    pub enum ErrorCode {
        /// A policy document that is not valid (with the member's path).
        InvalidPolicy = "invalid_policy",
        /// The policy's `type` is not a version this release reads.
        UnsupportedPolicyVersion = "unsupported_policy_version",
        /// A key the policy needs (the pseudonym key) was not given, or a
        /// key of the wrong length.
        MissingKey = "missing_key",
        /// A document that cannot be redacted: not an object, or (in
        /// commitment form) an object that already has an `_sd` member.
        InvalidDocument = "invalid_document",
        /// A disclosure that is not base64url of a JSON array of a salt,
        /// (a name,) and a value.
        InvalidDisclosure = "invalid_disclosure",
        /// The same digest twice in a record, or the same disclosure twice.
        DuplicateDigest = "duplicate_digest",
        /// A disclosure whose digest the record does not reference.
        UnreferencedDisclosure = "unreferenced_disclosure",
        /// A disclosed member whose name the object already has (or a
        /// reserved name, `_sd` or `...`).
        ClaimCollision = "claim_collision",
    }
}

coded_error! {
    path, InvalidPolicy;
    /// A redaction error: a stable code, a message and, for policy documents,
    /// the JSON Pointer of the offending member.
}

/// `name` normalized for class matching: lowercase, without `_`, `-` and
/// spaces (`E_Mail`, `e-mail` and `email` are one name).
pub(crate) fn normalize_name(name: &str) -> String {
    let mut out = Vec::new();
    normalize_into(name, &mut out);
    // Only whole UTF-8 characters were written.
    String::from_utf8(out).unwrap_or_default()
}

/// [`normalize_name`] as UTF-8 bytes into a reused buffer (the walk looks
/// member names up by these bytes, with no second validation).
pub(crate) fn normalize_into(name: &str, out: &mut Vec<u8>) {
    out.clear();
    if name.is_ascii() {
        out.extend(
            name.bytes()
                .filter(|b| !matches!(b, b'_' | b'-' | b' '))
                .map(|b| b.to_ascii_lowercase()),
        );
        return;
    }
    let mut buf = [0u8; 4];
    for c in name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
    {
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

pub(crate) fn bad_key(what: &str) -> Error {
    Error::new(
        ErrorCode::MissingKey,
        format!(
            "{} is needed: 32 bytes from a secure random source",
            quote(what)
        ),
    )
}
