//! The signer registry: which public key speaks for which signer id, and
//! when.
//!
//! It loads the seed's signers file
//!
//! ```json
//! {"signers":[{"signerId":"kernel-signer","publicKey":"<base64 of 32 bytes>"}]}
//! ```
//!
//! extended, backward compatibly, with optional `validFrom`, `validUntil`,
//! `revokedAt` (RFC 3339 UTC, see [`crate::time`]) and `algorithm`
//! (`ed25519`, the default, or `ed25519ph` for a KMS key that signs
//! digests). The format is in `docs/registry.md`.
//!
//! What it guarantees:
//! - Keys are checked where they enter: malformed base64, weak (small-order)
//!   and non-canonically encoded keys, duplicate signer ids and unknown
//!   members (a misspelt `validUntill` would otherwise leave a key valid
//!   forever) are load errors with stable codes.
//! - A key verifies records whose time `at` lies in its window:
//!   `validFrom <= at < validUntil`, and `at < revokedAt`. A revoked key
//!   verifies nothing signed at or after its revocation. Each failure has
//!   its own [`Reason`].
//! - A signature's algorithm must be the one registered for the signer, so
//!   an `ed25519ph` key never vouches for pure `ed25519` bytes or back.
//! - Key rotation is a signed record ([`SignerRegistry::verify_rotation`]):
//!   the old key and the new key both sign it, and applying it closes the
//!   old key's window and opens the new one's.
//! - It converts to and from a JWKS document (`kty: OKP`, `crv: Ed25519`,
//!   `kid` = signer id), carrying the window members as JWK extension
//!   members so nothing is lost in a round trip.
//!
//! k-of-n approvals over one envelope are in [`ApprovalSet`].
//!
//! ```
//! use trustcore::registry::SignerRegistry;
//! use trustcore::envelope::{Algorithm, Envelope};
//! use trustcore::keys::SecretKey;
//! use trustcore::time::Timestamp;
//! let key = SecretKey::from_seed(&[7u8; 32]);
//! let file = format!(
//!     r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}","validFrom":"2026-01-01T00:00:00Z"}}]}}"#,
//!     key.public_key().to_base64()
//! );
//! let registry = SignerRegistry::from_json(file.as_bytes())?;
//! let mut env = Envelope::new("upgrade.applied", br#"{"version":"2.4.1"}"#)?;
//! env.sign(&key, "kernel-signer", Algorithm::Ed25519)?;
//! let report = registry.verify_envelope(&env, &Timestamp::parse("2026-03-01T00:00:00Z")?);
//! assert!(report.valid);
//! let early = registry.verify_envelope(&env, &Timestamp::parse("2025-12-31T23:59:59Z")?);
//! assert_eq!(early.signatures[0].reason.map(|r| r.as_str()), Some("signer_not_yet_valid"));
//! # Ok::<(), trustcore::Error>(())
//! ```

mod approval;
mod error;
mod jwks;
mod record;
mod revocation;
mod rotation;
mod signers;
mod verdict;

pub use approval::{ApprovalReport, ApprovalSet};
pub use error::{Error, ErrorCode, Reason};
pub use record::SignerRecord;
pub use revocation::{Revocation, REVOCATION_KIND};
pub use rotation::{Rotation, ROTATION_KIND};
pub use signers::SignerRegistry;
pub use verdict::{EnvelopeReport, SignatureVerdict};

#[cfg(test)]
mod tests;
