//! Ed25519 signatures (RFC 8032, pure Ed25519) with one verification rule.
//!
//! The rule is ed25519-dalek's `VerifyingKey::verify`: cofactorless, rejects
//! `S >= L` and non-canonical `R`. It is the rule Go's `crypto/ed25519`,
//! OpenSSL (Node `crypto`, Python `cryptography`) and ring follow, so the
//! same signature gets the same verdict from our bindings and from those
//! libraries (`docs/ed25519-verdicts.md`). `verify_strict` and batch
//! verification give different verdicts and are never used for a verdict.
//!
//! ```
//! use trustcore::{keys::SecretKey, sign};
//! let sk = SecretKey::from_seed(&[1u8; 32]);
//! let sig = sign::sign(&sk, b"hello");
//! assert!(sign::verify(&sk.public_key().to_bytes(), b"hello", &sig).unwrap());
//! assert!(!sign::verify(&sk.public_key().to_bytes(), b"hellO", &sig).unwrap());
//! assert_eq!(sign::verify(&[0u8; 31], b"x", &sig).unwrap_err().code().as_str(), "invalid_key_length");
//! ```

use crate::keys::{Error, ErrorCode, PublicKey, SecretKey};
use ed25519_dalek::{Signature, Signer as _, Verifier as _};

/// Signs `message` (pure Ed25519); returns the 64-byte signature.
pub fn sign(key: &SecretKey, message: &[u8]) -> [u8; 64] {
    key.inner().sign(message).to_bytes()
}

/// Verifies a signature with a public key already imported.
pub fn verify_with(key: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool {
    key.inner()
        .verify(message, &Signature::from_bytes(signature))
        .is_ok()
}

/// Verifies `signature` over `message` under the raw 32-byte `public_key`.
///
/// Wrong lengths are errors; everything else is a verdict. A public key that
/// is not a curve point gives `false`, as in Go and OpenSSL. No key hygiene
/// is applied here (see [`PublicKey::check_hygiene`]), so verdicts match the
/// libraries above on every edge case.
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<bool, Error> {
    let pk: [u8; 32] = public_key.try_into().map_err(|_| {
        Error::new(
            ErrorCode::InvalidLength,
            format!(
                "an Ed25519 public key must be 32 bytes, got {}",
                public_key.len()
            ),
        )
    })?;
    let sig: [u8; 64] = signature.try_into().map_err(|_| {
        Error::new(
            ErrorCode::InvalidSignatureLength,
            format!(
                "an Ed25519 signature must be 64 bytes, got {}",
                signature.len()
            ),
        )
    })?;
    Ok(match PublicKey::from_bytes(&pk) {
        Ok(key) => verify_with(&key, message, &sig),
        Err(_) => false,
    })
}
