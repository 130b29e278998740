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
use sha2::digest::{consts::U64, FixedOutput, HashMarker, Output, OutputSizeUser, Update};

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
    let (pk, sig) = lengths(public_key, signature)?;
    Ok(match PublicKey::from_bytes(&pk) {
        Ok(key) => verify_with(&key, message, &sig),
        Err(_) => false,
    })
}

fn lengths(public_key: &[u8], signature: &[u8]) -> Result<([u8; 32], [u8; 64]), Error> {
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
    Ok((pk, sig))
}

/// A SHA-512 digest computed elsewhere, handed to dalek's Ed25519ph API
/// (which takes a hasher and only finalizes it). It is plumbing, not a hash:
/// `update` is never called by dalek, and if it were the data would be
/// ignored, so it is kept private to this module.
#[derive(Clone)]
struct PrecomputedSha512([u8; 64]);

impl Default for PrecomputedSha512 {
    fn default() -> Self {
        PrecomputedSha512([0; 64])
    }
}

impl HashMarker for PrecomputedSha512 {}

impl OutputSizeUser for PrecomputedSha512 {
    type OutputSize = U64;
}

impl Update for PrecomputedSha512 {
    fn update(&mut self, _data: &[u8]) {}
}

impl FixedOutput for PrecomputedSha512 {
    fn finalize_into(self, out: &mut Output<Self>) {
        out.copy_from_slice(&self.0);
    }
}

fn digest64(sha512_digest: &[u8]) -> Result<[u8; 64], Error> {
    sha512_digest.try_into().map_err(|_| {
        Error::new(
            ErrorCode::InvalidDigestLength,
            format!(
                "an Ed25519ph prehash is the 64-byte SHA-512 digest of the message, got {} bytes",
                sha512_digest.len()
            ),
        )
    })
}

/// Ed25519ph (RFC 8032, empty context) over a 64-byte SHA-512 digest: what
/// a KMS in digest mode (AWS KMS `MessageType: DIGEST`) computes. Signing
/// services and test doubles use it; envelopes prepare the digest with
/// [`crate::envelope::Prepared::message`].
pub fn sign_prehashed_digest(key: &SecretKey, sha512_digest: &[u8]) -> Result<[u8; 64], Error> {
    let d = PrecomputedSha512(digest64(sha512_digest)?);
    key.inner()
        .sign_prehashed(d, None)
        .map(|s| s.to_bytes())
        .map_err(|_| Error::new(ErrorCode::InvalidKey, "Ed25519ph signing failed"))
}

/// Verifies an Ed25519ph signature (empty context) over a 64-byte SHA-512
/// digest, with the same rule as [`verify`] (dalek's cofactorless check).
pub fn verify_prehashed_digest(
    public_key: &[u8],
    sha512_digest: &[u8],
    signature: &[u8],
) -> Result<bool, Error> {
    let d = PrecomputedSha512(digest64(sha512_digest)?);
    let (key, sig) = lengths(public_key, signature)?;
    Ok(match PublicKey::from_bytes(&key) {
        Ok(k) => k
            .inner()
            .verify_prehashed(d, None, &Signature::from_bytes(&sig))
            .is_ok(),
        Err(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Digest as _, Sha512};

    #[test]
    fn prehashed_digest_matches_dalek_prehash_of_the_message() {
        let sk = SecretKey::from_seed(&[3u8; 32]);
        for msg in [&b""[..], b"abc", &[7u8; 1000]] {
            let digest = Sha512::digest(msg);
            let ours = sign_prehashed_digest(&sk, &digest).unwrap();
            let theirs = sk
                .inner()
                .sign_prehashed(Sha512::new().chain_update(msg), None)
                .unwrap()
                .to_bytes();
            assert_eq!(ours, theirs);
            let pk = sk.public_key().to_bytes();
            assert!(verify_prehashed_digest(&pk, &digest, &ours).unwrap());
            let mut other = digest;
            other[0] ^= 1;
            assert!(!verify_prehashed_digest(&pk, &other, &ours).unwrap());
            // Pure Ed25519 over the digest is a different signature.
            assert_ne!(sign(&sk, &digest), ours);
        }
        assert_eq!(
            sign_prehashed_digest(&sk, &[0u8; 32])
                .unwrap_err()
                .code()
                .as_str(),
            "invalid_digest_length"
        );
    }
}
