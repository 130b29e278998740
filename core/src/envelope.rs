//! Signed envelopes: a JSON payload, the kind of record it is, and Ed25519
//! signatures over the canonical bytes of a small typed signing input.
//!
//! What is signed is never the payload alone but the canonical JSON of
//!
//! ```json
//! {"alg":"ed25519","kind":"upgrade.applied","payload":{…},"signer":"kernel-signer","type":"trustcore.signing-input/v1"}
//! ```
//!
//! so a signature for one kind of record never verifies as another, a
//! signature cannot be relabelled to another signer, and an `ed25519`
//! signature can never be taken for an `ed25519ph` one (or back). The format
//! is in `docs/signing.md`.
//!
//! Remote signers (KMS, HSM, signing proxy) get exactly the bytes
//! [`Prepared::message`] returns: the signing input for `ed25519`, or its
//! SHA-512 digest for `ed25519ph` (AWS KMS `MessageType: DIGEST`). Their
//! answer is verified against the expected public key before it is attached
//! ([`Prepared::attach`]); a wrong or failed signature is an error, never an
//! unsigned record.
//!
//! ```
//! use trustcore::envelope::{Algorithm, Envelope};
//! use trustcore::keys::SecretKey;
//! let key = SecretKey::from_seed(&[9u8; 32]);
//! let mut env = Envelope::new("upgrade.applied", br#"{"version":"2.4.1","checks":3}"#)?;
//! env.sign(&key, "kernel-signer", Algorithm::Ed25519)?;
//! let text = env.to_json();
//! let back = Envelope::from_json(text.as_bytes())?;
//! assert!(back.verify(0, &key.public_key())?);
//! # Ok::<(), trustcore::Error>(())
//! ```

use crate::canonical::{self, Options};
use crate::keys::{PublicKey, SecretKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Digest as _, Sha512, Signature, Signer as _, Verifier as _};

/// The `type` of a signed envelope, version 1.
pub const ENVELOPE_TYPE: &str = "trustcore.envelope/v1";
/// The `type` inside every signing input, version 1.
pub const SIGNING_INPUT_TYPE: &str = "trustcore.signing-input/v1";

/// A signature algorithm. Recorded in the envelope and inside the signed
/// bytes, so the two can never be confused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// Pure Ed25519 (RFC 8032) over the signing input (the default).
    #[default]
    Ed25519,
    /// Ed25519ph (RFC 8032, empty context) over SHA-512 of the signing input,
    /// for KMS products that sign only digests.
    Ed25519ph,
}

impl Algorithm {
    /// The name used in envelopes.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Ed25519ph => "ed25519ph",
        }
    }

    /// Parses `ed25519` / `ed25519ph`.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        match name {
            "ed25519" => Ok(Algorithm::Ed25519),
            "ed25519ph" => Ok(Algorithm::Ed25519ph),
            other => Err(Error::new(
                ErrorCode::UnsupportedAlgorithm,
                format!(
                    "unsupported signature algorithm {other:?}; use \"ed25519\" or \"ed25519ph\""
                ),
            )),
        }
    }
}

stable_codes! {
    /// Stable error codes of the envelope module.
    pub enum ErrorCode {
        /// The envelope JSON is not of the documented shape.
        InvalidEnvelope = "invalid_envelope",
        /// `kind` is empty, too long, or has characters outside `[A-Za-z0-9._:/-]`.
        InvalidKind = "invalid_kind",
        /// The signer id is empty, too long, or has control characters.
        InvalidSigner = "invalid_signer",
        /// An algorithm other than `ed25519` / `ed25519ph`.
        UnsupportedAlgorithm = "unsupported_algorithm",
        /// A signature that is not base64 of 64 bytes.
        InvalidSignatureEncoding = "invalid_signature_encoding",
        /// A remote signer's answer does not verify under the expected key.
        RemoteSignatureInvalid = "remote_signature_invalid",
        /// No signature at that index.
        NoSuchSignature = "no_such_signature",
        /// The remote signer itself failed (threw, rejected, timed out): no
        /// signature to check, nothing attached.
        RemoteSignerFailed = "remote_signer_failed",
    }
}

coded_error! {
    /// An envelope error.
}

/// The error every binding raises when a remote signer (the caller's KMS
/// function) fails instead of answering: one code in every language, the
/// host's own error kept as the cause by the binding.
pub fn remote_signer_failed(signer: &str, reason: &str) -> Error {
    let message = if reason.is_empty() {
        format!("the remote signer for {signer:?} failed; nothing was attached")
    } else {
        format!("the remote signer for {signer:?} failed: {reason}; nothing was attached")
    };
    Error::new(ErrorCode::RemoteSignerFailed, message)
}

fn check_kind(kind: &str) -> Result<(), Error> {
    let ok = !kind.is_empty()
        && kind.len() <= 128
        && kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:_/-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidKind,
            format!("kind {kind:?} must be 1-128 characters of A-Z a-z 0-9 . _ : / -"),
        ))
    }
}

fn check_signer(signer: &str) -> Result<(), Error> {
    if signer.is_empty() || signer.len() > 256 || signer.chars().any(char::is_control) {
        return Err(Error::new(
            ErrorCode::InvalidSigner,
            "a signer id must be 1-256 characters without control characters",
        ));
    }
    Ok(())
}

/// The exact bytes a signature of `alg` by `signer` covers: the canonical
/// JSON of the typed signing input around the canonical `payload`.
pub fn signing_input(
    kind: &str,
    canonical_payload: &[u8],
    alg: Algorithm,
    signer: &str,
) -> Result<Vec<u8>, Error> {
    check_kind(kind)?;
    check_signer(signer)?;
    let mut out = Vec::with_capacity(canonical_payload.len() + kind.len() + signer.len() + 96);
    // Members in canonical (UTF-16) order: alg, kind, payload, signer, type.
    // Kind is ASCII without characters that need escaping; the signer id is
    // escaped by the canonicalizer's own string rules.
    out.extend_from_slice(b"{\"alg\":\"");
    out.extend_from_slice(alg.name().as_bytes());
    out.extend_from_slice(b"\",\"kind\":\"");
    out.extend_from_slice(kind.as_bytes());
    out.extend_from_slice(b"\",\"payload\":");
    out.extend_from_slice(canonical_payload);
    out.extend_from_slice(b",\"signer\":");
    out.extend_from_slice(
        &canonical::canonicalize_value(&serde_json::Value::from(signer), &Options::default())
            .map_err(|e| Error::new(ErrorCode::InvalidSigner, e.to_string()))?,
    );
    out.extend_from_slice(b",\"type\":\"");
    out.extend_from_slice(SIGNING_INPUT_TYPE.as_bytes());
    out.extend_from_slice(b"\"}");
    Ok(out)
}

/// One signature in an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureEntry {
    /// The algorithm.
    pub alg: Algorithm,
    /// Who signed (a signer id from the registry).
    pub signer: String,
    /// The 64-byte signature.
    pub sig: [u8; 64],
}

/// Bytes prepared for a (possibly remote) signer.
#[derive(Clone, Debug)]
pub struct Prepared {
    alg: Algorithm,
    signer: String,
    input: Vec<u8>,
}

impl Prepared {
    /// Bytes prepared for `signer` to sign with `alg` that are not an
    /// envelope's signing input (a chain profile that signs its hash input
    /// or digest directly): the same fail-closed [`Prepared::attach`].
    pub fn raw(alg: Algorithm, signer: &str, input: Vec<u8>) -> Prepared {
        Prepared {
            alg,
            signer: signer.to_string(),
            input,
        }
    }

    /// The algorithm the signature is made with.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// What the signer must sign: the signing input (`ed25519`) or its
    /// 64-byte SHA-512 digest (`ed25519ph`, e.g. KMS `MessageType: DIGEST`).
    pub fn message(&self) -> Vec<u8> {
        match self.alg {
            Algorithm::Ed25519 => self.input.clone(),
            Algorithm::Ed25519ph => Sha512::digest(&self.input).to_vec(),
        }
    }

    /// The full signing input (what `ed25519ph` hashes).
    pub fn signing_input(&self) -> &[u8] {
        &self.input
    }

    /// Checks a signer's answer against `expected` and returns the entry to
    /// attach. Fails closed: a wrong length or a signature that does not
    /// verify is [`ErrorCode::RemoteSignatureInvalid`].
    pub fn attach(&self, signature: &[u8], expected: &PublicKey) -> Result<SignatureEntry, Error> {
        let sig: [u8; 64] = signature.try_into().map_err(|_| {
            Error::new(
                ErrorCode::RemoteSignatureInvalid,
                format!(
                    "the signer returned {} bytes; an Ed25519 signature is 64",
                    signature.len()
                ),
            )
        })?;
        if !verify_input(self.alg, &self.input, &sig, expected) {
            return Err(Error::new(
                ErrorCode::RemoteSignatureInvalid,
                format!(
                    "the {} signature returned for signer {:?} does not verify under its registered public key",
                    self.alg.name(),
                    self.signer
                ),
            ));
        }
        Ok(SignatureEntry {
            alg: self.alg,
            signer: self.signer.clone(),
            sig,
        })
    }
}

/// Verifies a signature of `alg` over a signing input built by
/// [`signing_input`] (the audit chain verifies its rows with this).
pub fn verify_signing_input(alg: Algorithm, input: &[u8], sig: &[u8; 64], key: &PublicKey) -> bool {
    verify_input(alg, input, sig, key)
}

fn verify_input(alg: Algorithm, input: &[u8], sig: &[u8; 64], key: &PublicKey) -> bool {
    let sig = Signature::from_bytes(sig);
    match alg {
        Algorithm::Ed25519 => key.inner().verify(input, &sig).is_ok(),
        Algorithm::Ed25519ph => key
            .inner()
            .verify_prehashed(Sha512::new().chain_update(input), None, &sig)
            .is_ok(),
    }
}

/// A payload of a named kind with its signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    kind: String,
    payload: Vec<u8>,
    signatures: Vec<SignatureEntry>,
}

impl Envelope {
    /// A new unsigned envelope; `payload` is JSON text (strict I-JSON) and is
    /// stored in canonical form.
    pub fn new(kind: &str, payload_json: &[u8]) -> Result<Self, crate::Error> {
        check_kind(kind)?;
        Ok(Envelope {
            kind: kind.to_string(),
            payload: canonical::canonicalize_text(payload_json)?,
            signatures: Vec::new(),
        })
    }

    /// The record kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The canonical payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signatures, in the order they were added.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.signatures
    }

    /// Prepares the bytes a signer with id `signer` must sign.
    pub fn prepare(&self, signer: &str, alg: Algorithm) -> Result<Prepared, Error> {
        Ok(Prepared {
            alg,
            signer: signer.to_string(),
            input: signing_input(&self.kind, &self.payload, alg, signer)?,
        })
    }

    /// Attaches a signature already checked by [`Prepared::attach`].
    pub fn push(&mut self, entry: SignatureEntry) {
        self.signatures.push(entry);
    }

    /// Attaches a remote signer's answer for `signer`/`alg`: the signing
    /// input is recomputed from this envelope and the signature must verify
    /// under `expected` (fails closed, as [`Prepared::attach`]). This is the
    /// one-call form the bindings use after an async KMS call.
    pub fn attach(
        &mut self,
        signer: &str,
        alg: Algorithm,
        signature: &[u8],
        expected: &PublicKey,
    ) -> Result<(), Error> {
        let entry = self.prepare(signer, alg)?.attach(signature, expected)?;
        self.signatures.push(entry);
        Ok(())
    }

    /// The signing input of signature `index` (what it covers).
    pub fn signing_input_of(&self, index: usize) -> Result<Vec<u8>, Error> {
        let entry = self.entry(index)?;
        signing_input(&self.kind, &self.payload, entry.alg, &entry.signer)
    }

    fn entry(&self, index: usize) -> Result<&SignatureEntry, Error> {
        self.signatures.get(index).ok_or_else(|| {
            Error::new(
                ErrorCode::NoSuchSignature,
                format!(
                    "the envelope has no signature {index} (it has {})",
                    self.signatures.len()
                ),
            )
        })
    }

    /// Signs with a local key and attaches the signature.
    pub fn sign(&mut self, key: &SecretKey, signer: &str, alg: Algorithm) -> Result<(), Error> {
        let prepared = self.prepare(signer, alg)?;
        let sig = match alg {
            Algorithm::Ed25519 => key.inner().sign(&prepared.input).to_bytes(),
            Algorithm::Ed25519ph => key
                .inner()
                .sign_prehashed(Sha512::new().chain_update(&prepared.input), None)
                .map_err(|_| {
                    Error::new(ErrorCode::UnsupportedAlgorithm, "Ed25519ph signing failed")
                })?
                .to_bytes(),
        };
        let entry = prepared.attach(&sig, &key.public_key())?;
        self.signatures.push(entry);
        Ok(())
    }

    /// Verifies signature `index` under `key` (the caller resolves the
    /// signer id to a key, normally through the signer registry).
    pub fn verify(&self, index: usize, key: &PublicKey) -> Result<bool, Error> {
        let entry = self.entry(index)?;
        let input = signing_input(&self.kind, &self.payload, entry.alg, &entry.signer)?;
        Ok(verify_input(entry.alg, &input, &entry.sig, key))
    }

    /// The envelope as canonical JSON text.
    pub fn to_json(&self) -> String {
        let sigs: Vec<serde_json::Value> = self
            .signatures
            .iter()
            .map(|s| serde_json::json!({"alg": s.alg.name(), "signer": s.signer, "sig": STANDARD.encode(s.sig)}))
            .collect();
        let canon = |v: serde_json::Value| {
            canonical::canonicalize_value(&v, &Options::default()).unwrap_or_default()
        };
        // Members in canonical order (kind, payload, signatures, type); the
        // payload is canonical already and goes in as it is.
        let mut out = Vec::with_capacity(self.payload.len() + 160 * (self.signatures.len() + 1));
        out.extend_from_slice(b"{\"kind\":");
        out.extend_from_slice(&canon(self.kind.as_str().into()));
        out.extend_from_slice(b",\"payload\":");
        out.extend_from_slice(&self.payload);
        out.extend_from_slice(b",\"signatures\":");
        out.extend_from_slice(&canon(serde_json::Value::Array(sigs)));
        out.extend_from_slice(b",\"type\":");
        out.extend_from_slice(&canon(ENVELOPE_TYPE.into()));
        out.push(b'}');
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Reads an envelope from JSON text (strict I-JSON; unknown members and
    /// versions are refused).
    pub fn from_json(text: &[u8]) -> Result<Self, crate::Error> {
        canonical::canonicalize_text(text)?;
        let bad = |m: &str| Error::new(ErrorCode::InvalidEnvelope, m.to_string());
        let v: serde_json::Value = serde_json::from_slice(text).map_err(|e| bad(&e.to_string()))?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad("an envelope is a JSON object"))?;
        for key in obj.keys() {
            if !["type", "kind", "payload", "signatures"].contains(&key.as_str()) {
                return Err(bad(&format!("unknown envelope member {key:?}")).into());
            }
        }
        if obj.get("type").and_then(|t| t.as_str()) != Some(ENVELOPE_TYPE) {
            return Err(bad(&format!("\"type\" must be {ENVELOPE_TYPE:?}")).into());
        }
        let kind = obj
            .get("kind")
            .and_then(|k| k.as_str())
            .ok_or_else(|| bad("\"kind\" must be a string"))?;
        check_kind(kind)?;
        let payload = obj
            .get("payload")
            .ok_or_else(|| bad("\"payload\" is missing"))?;
        let payload = canonical::canonicalize_value(payload, &Options::default())?;
        let mut signatures = Vec::new();
        for (i, s) in obj
            .get("signatures")
            .and_then(|s| s.as_array())
            .ok_or_else(|| bad("\"signatures\" must be an array"))?
            .iter()
            .enumerate()
        {
            let field = |name: &str| {
                s.get(name)
                    .and_then(|f| f.as_str())
                    .ok_or_else(|| bad(&format!("signature {i} needs a string {name:?}")))
            };
            let alg = Algorithm::from_name(field("alg")?)?;
            let signer = field("signer")?;
            check_signer(signer)?;
            let raw = STANDARD.decode(field("sig")?).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidSignatureEncoding,
                    format!("signature {i}: not base64: {e}"),
                )
            })?;
            let sig: [u8; 64] = raw.as_slice().try_into().map_err(|_| {
                Error::new(
                    ErrorCode::InvalidSignatureEncoding,
                    format!("signature {i}: {} bytes, not 64", raw.len()),
                )
            })?;
            signatures.push(SignatureEntry {
                alg,
                signer: signer.to_string(),
                sig,
            });
        }
        Ok(Envelope {
            kind: kind.to_string(),
            payload,
            signatures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    #[test]
    fn signing_input_is_canonical_json() {
        let input = signing_input(
            "audit.event",
            br#"{"a":1}"#,
            Algorithm::Ed25519,
            "kernel-\"signer\"",
        )
        .unwrap();
        assert_eq!(canonical::canonicalize_text(&input).unwrap(), input);
        assert_eq!(
            String::from_utf8(input).unwrap(),
            r#"{"alg":"ed25519","kind":"audit.event","payload":{"a":1},"signer":"kernel-\"signer\"","type":"trustcore.signing-input/v1"}"#
        );
    }

    #[test]
    fn sign_round_trip_and_tampering() {
        for alg in [Algorithm::Ed25519, Algorithm::Ed25519ph] {
            let mut env = Envelope::new("upgrade.applied", br#"{"b":2, "a":1}"#).unwrap();
            env.sign(&key(1), "kernel-signer", alg).unwrap();
            let text = env.to_json();
            assert_eq!(
                canonical::canonicalize_text(text.as_bytes()).unwrap(),
                text.as_bytes(),
                "canonical"
            );
            let back = Envelope::from_json(text.as_bytes()).unwrap();
            assert_eq!(back, env);
            assert!(back.verify(0, &key(1).public_key()).unwrap());
            assert!(
                !back.verify(0, &key(2).public_key()).unwrap(),
                "another key"
            );
            // Replayed as another kind, or relabelled to another signer or algorithm: fails.
            let mut other = back.clone();
            other.kind = "snapshot.manifest".into();
            assert!(!other.verify(0, &key(1).public_key()).unwrap());
            let mut other = back.clone();
            other.signatures[0].signer = "someone-else".into();
            assert!(!other.verify(0, &key(1).public_key()).unwrap());
            let mut other = back.clone();
            other.signatures[0].alg = if alg == Algorithm::Ed25519 {
                Algorithm::Ed25519ph
            } else {
                Algorithm::Ed25519
            };
            assert!(!other.verify(0, &key(1).public_key()).unwrap());
            let mut other = back.clone();
            other.payload = br#"{"a":1,"b":3}"#.to_vec();
            assert!(!other.verify(0, &key(1).public_key()).unwrap());
        }
    }

    #[test]
    fn remote_signer_answers_are_checked_before_attaching() {
        let env = Envelope::new("manifest", br#"{"x":true}"#).unwrap();
        let prepared = env.prepare("kms-key-1", Algorithm::Ed25519).unwrap();
        // A well-behaved remote signer signs exactly `message()`.
        let good = crate::sign::sign(&key(3), &prepared.message());
        assert!(prepared.attach(&good, &key(3).public_key()).is_ok());
        // A signature by another key, garbage, or a wrong length: fail closed.
        let wrong = crate::sign::sign(&key(4), &prepared.message());
        for bad in [&wrong[..], &[0u8; 64][..], &good[..63]] {
            assert_eq!(
                prepared
                    .attach(bad, &key(3).public_key())
                    .unwrap_err()
                    .code(),
                ErrorCode::RemoteSignatureInvalid
            );
        }
        // ed25519ph: the KMS gets the 64-byte SHA-512 digest of the signing input.
        let ph = env.prepare("kms-key-1", Algorithm::Ed25519ph).unwrap();
        assert_eq!(ph.message(), Sha512::digest(ph.signing_input()).to_vec());
        let sig = key(3)
            .inner()
            .sign_prehashed(Sha512::new().chain_update(ph.signing_input()), None)
            .unwrap()
            .to_bytes();
        assert!(ph.attach(&sig, &key(3).public_key()).is_ok());
        // A pure Ed25519 signature over the digest is not an Ed25519ph signature.
        let confused = crate::sign::sign(&key(3), &ph.message());
        assert!(ph.attach(&confused, &key(3).public_key()).is_err());
    }

    #[test]
    fn rfc8032_ed25519ph_test_vector() {
        // RFC 8032 section 7.3, TEST abc.
        let sk =
            SecretKey::from_hex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
                .unwrap();
        assert_eq!(
            sk.public_key().to_hex(),
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"
        );
        let sig = sk
            .inner()
            .sign_prehashed(Sha512::new().chain_update(b"abc"), None)
            .unwrap();
        assert_eq!(
            hex::encode(sig.to_bytes()),
            "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"
        );
    }

    #[test]
    fn malformed_envelopes_have_codes() {
        let code = |t: &str| match Envelope::from_json(t.as_bytes()).unwrap_err() {
            crate::Error::Envelope(e) => e.code().as_str().to_string(),
            other => other.code().to_string(),
        };
        assert_eq!(
            code(r#"{"type":"trustcore.envelope/v2","kind":"a","payload":1,"signatures":[]}"#),
            "invalid_envelope"
        );
        assert_eq!(
            code(r#"{"type":"trustcore.envelope/v1","kind":"a b","payload":1,"signatures":[]}"#),
            "invalid_kind"
        );
        assert_eq!(
            code(
                r#"{"type":"trustcore.envelope/v1","kind":"a","payload":1,"signatures":[],"x":1}"#
            ),
            "invalid_envelope"
        );
        assert_eq!(
            code(
                r#"{"type":"trustcore.envelope/v1","kind":"a","payload":1,"signatures":[{"alg":"rsa","signer":"s","sig":""}]}"#
            ),
            "unsupported_algorithm"
        );
        assert_eq!(
            code(
                r#"{"type":"trustcore.envelope/v1","kind":"a","payload":1,"signatures":[{"alg":"ed25519","signer":"s","sig":"AAAA"}]}"#
            ),
            "invalid_signature_encoding"
        );
        assert_eq!(
            code(
                r#"{"type":"trustcore.envelope/v1","kind":"a","kind":"b","payload":1,"signatures":[]}"#
            ),
            "duplicate_key"
        );
    }
}
