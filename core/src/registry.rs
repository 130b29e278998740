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

use crate::canonical::{self, Options};
use crate::envelope::{Algorithm, Envelope};
use crate::keys::PublicKey;
use crate::time::Timestamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The envelope `kind` of a key rotation record.
pub const ROTATION_KIND: &str = "trustcore.signer-rotation";

/// Stable error codes of the registry module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The registry (or JWKS) document is not of the documented shape.
    InvalidRegistry,
    /// Two entries share a signer id.
    DuplicateSigner,
    /// A public key is malformed, weak or not canonically encoded.
    InvalidPublicKey,
    /// A window timestamp is not RFC 3339 UTC, or the window is empty.
    InvalidWindow,
    /// An approval set is not of the documented shape.
    InvalidApprovalSet,
    /// A rotation record is malformed or does not carry both valid
    /// signatures.
    InvalidRotation,
    /// A signer id that the registry does not know.
    UnknownSigner,
    /// The signer's key does not vouch for the record (window, revocation,
    /// algorithm); the code is the [`Reason`]'s (e.g. `signer_expired`).
    SignerUnusable(Reason),
}

impl ErrorCode {
    /// Every code (one per reason a key can be unusable).
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidRegistry,
        ErrorCode::DuplicateSigner,
        ErrorCode::InvalidPublicKey,
        ErrorCode::InvalidWindow,
        ErrorCode::InvalidApprovalSet,
        ErrorCode::InvalidRotation,
        ErrorCode::UnknownSigner,
        ErrorCode::SignerUnusable(Reason::SignerNotYetValid),
        ErrorCode::SignerUnusable(Reason::SignerExpired),
        ErrorCode::SignerUnusable(Reason::SignerRevoked),
        ErrorCode::SignerUnusable(Reason::AlgorithmMismatch),
    ];

    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRegistry => "invalid_registry",
            ErrorCode::DuplicateSigner => "duplicate_signer",
            ErrorCode::InvalidPublicKey => "invalid_public_key",
            ErrorCode::InvalidWindow => "invalid_window",
            ErrorCode::InvalidApprovalSet => "invalid_approval_set",
            ErrorCode::InvalidRotation => "invalid_rotation",
            ErrorCode::UnknownSigner => "unknown_signer",
            ErrorCode::SignerUnusable(reason) => reason.as_str(),
        }
    }

    /// What the code means.
    pub fn description(self) -> &'static str {
        match self {
            ErrorCode::InvalidRegistry => {
                "The registry (or JWKS) document is not of the documented shape."
            }
            ErrorCode::DuplicateSigner => "Two entries share a signer id.",
            ErrorCode::InvalidPublicKey => {
                "A public key is malformed, weak or not canonically encoded."
            }
            ErrorCode::InvalidWindow => {
                "A window timestamp is not RFC 3339 UTC, or the window is empty."
            }
            ErrorCode::InvalidApprovalSet => "An approval set is not of the documented shape.",
            ErrorCode::InvalidRotation => {
                "A rotation record is malformed or does not carry both valid signatures."
            }
            ErrorCode::UnknownSigner => "A signer id that the registry does not know.",
            ErrorCode::SignerUnusable(reason) => reason.description(),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

coded_error! {
    /// A registry, approval-set or rotation error.
}

stable_codes! {
    /// Why a signature does not count. Verdict data, not an error: reports
    /// list one per rejected signature.
    pub enum Reason {
        /// The signer id is not in the registry.
        UnknownSigner = "unknown_signer",
        /// The record's time is before the key's `validFrom`.
        SignerNotYetValid = "signer_not_yet_valid",
        /// The record's time is at or after the key's `validUntil`.
        SignerExpired = "signer_expired",
        /// The record's time is at or after the key's `revokedAt`.
        SignerRevoked = "signer_revoked",
        /// The signature's algorithm is not the one registered for the signer.
        AlgorithmMismatch = "algorithm_mismatch",
        /// The signature does not verify.
        InvalidSignature = "invalid_signature",
        /// Approvals: the signer is not in the approval set.
        NotInSet = "not_in_set",
        /// Approvals: the signer already has a counted signature.
        DuplicateSigner = "duplicate_signer",
        /// Approvals: the envelope is not of the kind the set approves.
        WrongKind = "wrong_kind",
    }
}

/// A window bound: the instant, and the text it was given as (kept so the
/// registry writes back what it read).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bound {
    at: Timestamp,
    text: String,
}

/// One signer: its id, key, algorithm and validity window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerRecord {
    signer_id: String,
    public_key: PublicKey,
    algorithm: Algorithm,
    valid_from: Option<Bound>,
    valid_until: Option<Bound>,
    revoked_at: Option<Bound>,
}

const MEMBERS: [&str; 6] = [
    "signerId",
    "publicKey",
    "algorithm",
    "validFrom",
    "validUntil",
    "revokedAt",
];

fn bound(
    obj: &Map<String, Value>,
    name: &str,
    signer: &str,
    at: &str,
) -> Result<Option<Bound>, Error> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => match Timestamp::parse(text) {
            Ok(ts) => Ok(Some(Bound {
                at: ts,
                text: text.clone(),
            })),
            Err(e) => Err(Error::new(
                ErrorCode::InvalidWindow,
                format!("{at}: {name} of signer {signer:?}: {}", e.message()),
            )),
        },
        Some(_) => Err(Error::new(
            ErrorCode::InvalidWindow,
            format!("{at}: {name} of signer {signer:?} must be an RFC 3339 UTC string"),
        )),
    }
}

impl SignerRecord {
    /// A signer valid at all times with the `ed25519` algorithm. The key
    /// must pass [`PublicKey::check_hygiene`].
    pub fn new(signer_id: &str, public_key: PublicKey) -> Result<Self, Error> {
        check_id(signer_id, "a signer")?;
        public_key.check_hygiene().map_err(|e| {
            Error::new(
                ErrorCode::InvalidPublicKey,
                format!("signer {signer_id:?}: {}", e.message()),
            )
        })?;
        Ok(SignerRecord {
            signer_id: signer_id.to_string(),
            public_key,
            algorithm: Algorithm::Ed25519,
            valid_from: None,
            valid_until: None,
            revoked_at: None,
        })
    }

    /// Reads one `signers[]` entry; `at` names it in messages.
    fn from_value(v: &Value, at: &str) -> Result<Self, Error> {
        let obj = v.as_object().ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRegistry,
                format!("{at} must be an object"),
            )
        })?;
        for key in obj.keys() {
            if !MEMBERS.contains(&key.as_str()) {
                return Err(Error::new(
                    ErrorCode::InvalidRegistry,
                    format!(
                        "{at} has unknown member {key:?}; a signer has {}",
                        MEMBERS.join(", ")
                    ),
                ));
            }
        }
        let id = obj.get("signerId").and_then(Value::as_str).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRegistry,
                format!("{at} needs a string \"signerId\""),
            )
        })?;
        check_id(id, &format!("{at}.signerId"))?;
        let key_text = obj
            .get("publicKey")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidRegistry,
                    format!(
                        "{at} (signer {id:?}) needs a string \"publicKey\" (base64 of 32 bytes)"
                    ),
                )
            })?;
        let public_key = PublicKey::from_base64(key_text)
            .and_then(|k| k.check_hygiene().map(|()| k))
            .map_err(|e| {
                Error::new(
                    ErrorCode::InvalidPublicKey,
                    format!(
                        "{at} (signer {id:?}): {} [{}]",
                        e.message(),
                        e.code().as_str()
                    ),
                )
            })?;
        let algorithm = match obj.get("algorithm") {
            None => Algorithm::Ed25519,
            Some(Value::String(name)) => Algorithm::from_name(name).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidRegistry,
                    format!("{at} (signer {id:?}): {}", e.message()),
                )
            })?,
            Some(_) => {
                return Err(Error::new(
                    ErrorCode::InvalidRegistry,
                    format!("{at} (signer {id:?}): \"algorithm\" must be a string"),
                ))
            }
        };
        let record = SignerRecord {
            signer_id: id.to_string(),
            public_key,
            algorithm,
            valid_from: bound(obj, "validFrom", id, at)?,
            valid_until: bound(obj, "validUntil", id, at)?,
            revoked_at: bound(obj, "revokedAt", id, at)?,
        };
        if let (Some(from), Some(until)) = (&record.valid_from, &record.valid_until) {
            if until.at <= from.at {
                return Err(Error::new(
                    ErrorCode::InvalidWindow,
                    format!(
                        "{at} (signer {id:?}): validUntil {} is not after validFrom {}",
                        until.text, from.text
                    ),
                ));
            }
        }
        Ok(record)
    }

    /// The record as a signers-file entry (JSON value).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("signerId".into(), self.signer_id.clone().into());
        m.insert("publicKey".into(), self.public_key.to_base64().into());
        if self.algorithm != Algorithm::Ed25519 {
            m.insert("algorithm".into(), self.algorithm.name().into());
        }
        for (name, b) in [
            ("validFrom", &self.valid_from),
            ("validUntil", &self.valid_until),
            ("revokedAt", &self.revoked_at),
        ] {
            if let Some(b) = b {
                m.insert(name.into(), b.text.clone().into());
            }
        }
        Value::Object(m)
    }

    /// The signer id.
    pub fn signer_id(&self) -> &str {
        &self.signer_id
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The registered algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// `validFrom` as given, if any.
    pub fn valid_from(&self) -> Option<&str> {
        self.valid_from.as_ref().map(|b| b.text.as_str())
    }

    /// `validUntil` as given, if any.
    pub fn valid_until(&self) -> Option<&str> {
        self.valid_until.as_ref().map(|b| b.text.as_str())
    }

    /// `revokedAt` as given, if any.
    pub fn revoked_at(&self) -> Option<&str> {
        self.revoked_at.as_ref().map(|b| b.text.as_str())
    }

    /// Whether this key vouches for records at `at`, and if not, why.
    /// Revocation is reported before the window.
    pub fn check_time(&self, at: &Timestamp) -> Result<(), Reason> {
        if self.revoked_at.as_ref().is_some_and(|r| *at >= r.at) {
            return Err(Reason::SignerRevoked);
        }
        if self.valid_from.as_ref().is_some_and(|f| *at < f.at) {
            return Err(Reason::SignerNotYetValid);
        }
        if self.valid_until.as_ref().is_some_and(|u| *at >= u.at) {
            return Err(Reason::SignerExpired);
        }
        Ok(())
    }
}

fn check_id(id: &str, what: &str) -> Result<(), Error> {
    if id.is_empty() || id.len() > 256 || id.chars().any(char::is_control) {
        return Err(Error::new(
            ErrorCode::InvalidRegistry,
            format!("{what}: a signer id must be 1-256 characters without control characters"),
        ));
    }
    Ok(())
}

/// Parses strict I-JSON (duplicates, lone surrogates... are refused by the
/// canonicalizer first, since serde_json would silently keep the last
/// duplicate) into a value.
fn strict_json(text: &[u8]) -> Result<Value, crate::Error> {
    canonical::canonicalize_text(text)?;
    serde_json::from_slice(text)
        .map_err(|e| Error::new(ErrorCode::InvalidRegistry, format!("not JSON: {e}")).into())
}

fn canonical_string(v: &Value) -> String {
    // Values built here hold only strings, small integers, arrays and
    // objects: canonicalization cannot fail.
    let bytes = canonical::canonicalize_value(v, &Options::default()).unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The outcome of one signature in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureVerdict {
    /// Its index in the envelope's `signatures`.
    pub index: usize,
    /// The signer id it names.
    pub signer: String,
    /// Its algorithm.
    pub alg: Algorithm,
    /// Whether it verifies (and, for approvals, counts).
    pub valid: bool,
    /// Why not, when it does not.
    pub reason: Option<Reason>,
}

impl SignatureVerdict {
    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("index".into(), self.index.into());
        m.insert("signer".into(), self.signer.clone().into());
        m.insert("alg".into(), self.alg.name().into());
        m.insert("valid".into(), self.valid.into());
        if let Some(r) = self.reason {
            m.insert("reason".into(), r.as_str().into());
        }
        Value::Object(m)
    }
}

fn verdicts(list: &[SignatureVerdict]) -> Value {
    list.iter().map(SignatureVerdict::to_value).collect()
}

/// The verdict on every signature of an envelope at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeReport {
    /// True when the envelope has at least one signature and every one
    /// verifies under a registered key valid at the time.
    pub valid: bool,
    /// One verdict per signature, in envelope order.
    pub signatures: Vec<SignatureVerdict>,
}

impl EnvelopeReport {
    /// The report as a JSON value: `{"signatures":[...],"valid":bool}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({"valid": self.valid, "signatures": verdicts(&self.signatures)})
    }

    /// The report as canonical JSON text.
    pub fn to_json(&self) -> String {
        canonical_string(&self.to_value())
    }
}

/// Signers by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignerRegistry {
    signers: BTreeMap<String, SignerRecord>,
    /// Ids in the order they were loaded (documents are written back in it).
    order: Vec<String>,
}

impl SignerRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a signers file (`{"signers":[...]}`); see the module docs.
    pub fn from_json(text: &[u8]) -> Result<Self, crate::Error> {
        let v = strict_json(text)?;
        let obj = v.as_object().ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRegistry,
                "a signers file is a JSON object with a \"signers\" array",
            )
        })?;
        if let Some(k) = obj.keys().find(|k| k.as_str() != "signers") {
            return Err(Error::new(
                ErrorCode::InvalidRegistry,
                format!("unknown top-level member {k:?}; a signers file has only \"signers\""),
            )
            .into());
        }
        let list = obj
            .get("signers")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidRegistry,
                    "a signers file needs a \"signers\" array",
                )
            })?;
        let mut reg = SignerRegistry::new();
        for (i, entry) in list.iter().enumerate() {
            reg.insert(SignerRecord::from_value(entry, &format!("signers[{i}]"))?)?;
        }
        Ok(reg)
    }

    /// The registry as a signers file (canonical JSON; entries in load
    /// order; `algorithm` written only when not `ed25519`).
    pub fn to_json(&self) -> String {
        let list: Vec<Value> = self.records().map(SignerRecord::to_value).collect();
        let mut m = Map::new();
        m.insert("signers".into(), Value::Array(list));
        canonical_string(&Value::Object(m))
    }

    /// Loads a JWKS document (`{"keys":[{"kty":"OKP","crv":"Ed25519","x":...,"kid":...}]}`).
    /// Every key must be an Ed25519 public key with a `kid`; a private JWK
    /// (with `d`) is refused, so a secret never lands in a registry by
    /// mistake. The window members and `algorithm` are read from the JWK's
    /// extension members of the same names.
    pub fn from_jwks(text: &[u8]) -> Result<Self, crate::Error> {
        let v = strict_json(text)?;
        let keys = v.get("keys").and_then(Value::as_array).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRegistry,
                "a JWKS document is an object with a \"keys\" array",
            )
        })?;
        let mut reg = SignerRegistry::new();
        for (i, jwk) in keys.iter().enumerate() {
            let at = format!("keys[{i}]");
            let obj = jwk.as_object().ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidRegistry,
                    format!("{at} must be an object"),
                )
            })?;
            let field = |name: &str| obj.get(name).and_then(Value::as_str);
            if field("kty") != Some("OKP") || field("crv") != Some("Ed25519") {
                return Err(Error::new(
                    ErrorCode::InvalidRegistry,
                    format!("{at} is not an Ed25519 key (needs \"kty\":\"OKP\" and \"crv\":\"Ed25519\")"),
                )
                .into());
            }
            if obj.contains_key("d") {
                return Err(Error::new(
                    ErrorCode::InvalidRegistry,
                    format!("{at} is a private key (has \"d\"); publish only public keys"),
                )
                .into());
            }
            if let Some(alg) = field("alg") {
                if alg != "EdDSA" && alg != "Ed25519" {
                    return Err(Error::new(
                        ErrorCode::InvalidRegistry,
                        format!("{at} has \"alg\":{alg:?}; an Ed25519 JWK has \"EdDSA\" or none"),
                    )
                    .into());
                }
            }
            if let Some(u) = field("use") {
                if u != "sig" {
                    return Err(Error::new(
                        ErrorCode::InvalidRegistry,
                        format!("{at} has \"use\":{u:?}; a signer key has \"sig\""),
                    )
                    .into());
                }
            }
            let kid = field("kid").ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidRegistry,
                    format!("{at} needs a \"kid\" (the signer id)"),
                )
            })?;
            let x = field("x").ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidPublicKey,
                    format!("{at} (kid {kid:?}) needs \"x\""),
                )
            })?;
            let raw = URL_SAFE_NO_PAD.decode(x).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidPublicKey,
                    format!("{at} (kid {kid:?}): \"x\" is not unpadded base64url: {e}"),
                )
            })?;
            let pk = PublicKey::from_bytes(&raw).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidPublicKey,
                    format!("{at} (kid {kid:?}): {}", e.message()),
                )
            })?;
            // Re-use the signers-file reader for hygiene, windows and algorithm.
            let mut entry = Map::new();
            entry.insert("signerId".into(), kid.into());
            entry.insert("publicKey".into(), pk.to_base64().into());
            for name in ["algorithm", "validFrom", "validUntil", "revokedAt"] {
                if let Some(v) = obj.get(name) {
                    entry.insert(name.into(), v.clone());
                }
            }
            reg.insert(SignerRecord::from_value(&Value::Object(entry), &at)?)?;
        }
        Ok(reg)
    }

    /// The registry as a JWKS document (canonical JSON), for
    /// `/.well-known/jwks.json`. Each key has `kty`, `crv`, `x`, `kid`,
    /// `use: "sig"`, `alg: "EdDSA"` for `ed25519` keys, and the window and
    /// `algorithm` members where set.
    pub fn to_jwks(&self) -> String {
        let keys: Vec<Value> = self
            .records()
            .map(|r| {
                let mut m = Map::new();
                m.insert("kty".into(), "OKP".into());
                m.insert("crv".into(), "Ed25519".into());
                m.insert(
                    "x".into(),
                    URL_SAFE_NO_PAD.encode(r.public_key.to_bytes()).into(),
                );
                m.insert("kid".into(), r.signer_id.clone().into());
                m.insert("use".into(), "sig".into());
                if r.algorithm == Algorithm::Ed25519 {
                    m.insert("alg".into(), "EdDSA".into());
                }
                if let Value::Object(rest) = r.to_value() {
                    for (k, v) in rest {
                        if k != "signerId" && k != "publicKey" {
                            m.insert(k, v);
                        }
                    }
                }
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("keys".into(), Value::Array(keys));
        canonical_string(&Value::Object(m))
    }

    /// Adds a signer; a second record with the same id is
    /// [`ErrorCode::DuplicateSigner`].
    pub fn insert(&mut self, record: SignerRecord) -> Result<(), Error> {
        if self.signers.contains_key(&record.signer_id) {
            return Err(Error::new(
                ErrorCode::DuplicateSigner,
                format!(
                    "signer id {:?} appears twice; each key needs its own id (rotate to a new id)",
                    record.signer_id
                ),
            ));
        }
        self.order.push(record.signer_id.clone());
        self.signers.insert(record.signer_id.clone(), record);
        Ok(())
    }

    /// The record of a signer id.
    pub fn get(&self, signer_id: &str) -> Option<&SignerRecord> {
        self.signers.get(signer_id)
    }

    /// All records, in load order.
    pub fn records(&self) -> impl Iterator<Item = &SignerRecord> {
        self.order.iter().filter_map(|id| self.signers.get(id))
    }

    /// Number of signers.
    pub fn len(&self) -> usize {
        self.signers.len()
    }

    /// Whether there are no signers.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }

    /// The key that vouches for `signer_id`'s `alg` signatures on records
    /// at `at`, or why there is none.
    pub fn key_for(
        &self,
        signer_id: &str,
        alg: Algorithm,
        at: &Timestamp,
    ) -> Result<&PublicKey, Reason> {
        let record = self.signers.get(signer_id).ok_or(Reason::UnknownSigner)?;
        record.check_time(at)?;
        if record.algorithm != alg {
            return Err(Reason::AlgorithmMismatch);
        }
        Ok(&record.public_key)
    }

    /// [`SignerRegistry::key_for`] as an error for callers that need a key
    /// or a failure (the bindings' `keyFor`): the code is the reason's.
    pub fn require_key(
        &self,
        signer_id: &str,
        alg: Algorithm,
        at: &Timestamp,
    ) -> Result<&PublicKey, Error> {
        self.key_for(signer_id, alg, at).map_err(|reason| {
            let code = if reason == Reason::UnknownSigner {
                ErrorCode::UnknownSigner
            } else {
                ErrorCode::SignerUnusable(reason)
            };
            Error::new(
                code,
                format!(
                    "signer {signer_id:?} has no key for {} signatures at {at}: {}",
                    alg.name(),
                    reason.as_str()
                ),
            )
        })
    }

    fn verdict(&self, env: &Envelope, index: usize, at: &Timestamp) -> SignatureVerdict {
        let entry = &env.signatures()[index];
        let reason = match self.key_for(&entry.signer, entry.alg, at) {
            Err(r) => Some(r),
            Ok(key) => match env.verify(index, key) {
                Ok(true) => None,
                _ => Some(Reason::InvalidSignature),
            },
        };
        SignatureVerdict {
            index,
            signer: entry.signer.clone(),
            alg: entry.alg,
            valid: reason.is_none(),
            reason,
        }
    }

    /// Verifies every signature of `env` as of `at` (the record's time).
    pub fn verify_envelope(&self, env: &Envelope, at: &Timestamp) -> EnvelopeReport {
        let signatures: Vec<SignatureVerdict> = (0..env.signatures().len())
            .map(|i| self.verdict(env, i, at))
            .collect();
        EnvelopeReport {
            valid: !signatures.is_empty() && signatures.iter().all(|s| s.valid),
            signatures,
        }
    }

    /// Checks a rotation record (an envelope of kind
    /// [`ROTATION_KIND`], format in `docs/registry.md`) against this
    /// registry without changing it: the previous signer must be registered
    /// and valid at `rotatedAt` and have signed it; the next key must have
    /// signed it too (proof of possession); the windows must leave no gap.
    pub fn verify_rotation(&self, env: &Envelope) -> Result<Rotation, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidRotation, m);
        if env.kind() != ROTATION_KIND {
            return Err(bad(format!(
                "a rotation record has kind {ROTATION_KIND:?}, not {:?}",
                env.kind()
            ))
            .into());
        }
        let payload: Value = serde_json::from_slice(env.payload())
            .map_err(|e| bad(format!("rotation payload: {e}")))?;
        let obj = payload
            .as_object()
            .ok_or_else(|| bad("the rotation payload is an object".into()))?;
        for k in obj.keys() {
            if !["previous", "next", "previousValidUntil", "rotatedAt"].contains(&k.as_str()) {
                return Err(bad(format!(
                    "unknown rotation member {k:?}; a rotation has previous, next, previousValidUntil, rotatedAt"
                ))
                .into());
            }
        }
        let text = |name: &str| {
            obj.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("the rotation needs a string {name:?}")))
        };
        let previous_id = text("previous")?;
        let rotated_text = text("rotatedAt")?;
        let rotated_at = Timestamp::parse(rotated_text)?;
        let until_text = text("previousValidUntil")?;
        let until = Timestamp::parse(until_text)?;
        let next = SignerRecord::from_value(
            obj.get("next")
                .ok_or_else(|| bad("the rotation needs \"next\" (a signer entry)".into()))?,
            "next",
        )?;
        let next_from = next.valid_from.as_ref().ok_or_else(|| {
            bad("next.validFrom is required: the rotation says when the new key starts".into())
        })?;
        let previous = self.signers.get(previous_id).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownSigner,
                format!("the rotation's previous signer {previous_id:?} is not in the registry"),
            )
        })?;
        if next.signer_id == previous.signer_id {
            return Err(bad("the next signer needs a new id".into()).into());
        }
        if next.public_key == previous.public_key {
            return Err(bad("the next key is the previous key".into()).into());
        }
        match self.signers.get(&next.signer_id) {
            Some(existing) if *existing != next => {
                return Err(Error::new(
                    ErrorCode::DuplicateSigner,
                    format!(
                        "the next signer id {:?} is already registered with another record",
                        next.signer_id
                    ),
                )
                .into())
            }
            _ => {}
        }
        if until < rotated_at {
            return Err(bad(format!(
                "previousValidUntil {until_text} is before rotatedAt {rotated_text}: a rotation cannot retire a key retroactively (revoke it instead)"
            ))
            .into());
        }
        if let Some(u) = &previous.valid_until {
            if until > u.at {
                return Err(bad(format!(
                    "previousValidUntil {until_text} would extend the previous key's window (validUntil {})",
                    u.text
                ))
                .into());
            }
        }
        if next_from.at > until {
            return Err(bad(format!(
                "next.validFrom {} is after previousValidUntil {until_text}: no key would be valid in between",
                next_from.text
            ))
            .into());
        }
        // Already applied (the previous window closed at previousValidUntil
        // and the next record is in place): the rotation is still valid, so
        // applying it again changes nothing, even when the windows are
        // adjacent and the old key no longer vouches at rotatedAt.
        let applied = previous.valid_until.as_ref().is_some_and(|u| u.at == until)
            && self.signers.get(&next.signer_id) == Some(&next);
        let mut at_rotation = previous.clone();
        if applied {
            at_rotation.valid_until = None;
        }
        if let Err(reason) = at_rotation.check_time(&rotated_at) {
            return Err(bad(format!(
                "the previous signer {previous_id:?} cannot sign at rotatedAt {rotated_text}: {}",
                reason.as_str()
            ))
            .into());
        }
        let signed_by = |id: &str, key: &PublicKey, alg: Algorithm| {
            env.signatures()
                .iter()
                .enumerate()
                .any(|(i, s)| s.signer == id && s.alg == alg && env.verify(i, key) == Ok(true))
        };
        if !signed_by(previous_id, &previous.public_key, previous.algorithm) {
            return Err(bad(format!(
                "the rotation lacks a valid {} signature by the previous signer {previous_id:?}",
                previous.algorithm.name()
            ))
            .into());
        }
        if !signed_by(&next.signer_id, &next.public_key, next.algorithm) {
            return Err(bad(format!(
                "the rotation lacks a valid {} signature by the next signer {:?} (proof that the new key is held)",
                next.algorithm.name(),
                next.signer_id
            ))
            .into());
        }
        Ok(Rotation {
            previous: previous_id.to_string(),
            previous_valid_until: until_text.to_string(),
            rotated_at: rotated_text.to_string(),
            next,
        })
    }

    /// Verifies a rotation record and applies it: the previous signer's
    /// `validUntil` becomes `previousValidUntil` and the next signer is
    /// added (applying the same rotation twice changes nothing more).
    pub fn apply_rotation(&mut self, env: &Envelope) -> Result<Rotation, crate::Error> {
        let rotation = self.verify_rotation(env)?;
        let until = Timestamp::parse(&rotation.previous_valid_until)?;
        if let Some(prev) = self.signers.get_mut(&rotation.previous) {
            prev.valid_until = Some(Bound {
                at: until,
                text: rotation.previous_valid_until.clone(),
            });
        }
        if !self.signers.contains_key(rotation.next.signer_id()) {
            self.insert(rotation.next.clone())?;
        }
        Ok(rotation)
    }
}

/// A verified rotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The retiring signer id.
    pub previous: String,
    /// When the retiring key stops vouching (end of the overlap).
    pub previous_valid_until: String,
    /// When the rotation was made.
    pub rotated_at: String,
    /// The new signer.
    pub next: SignerRecord,
}

impl Rotation {
    /// The rotation as a JSON value (the payload format).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("previous".into(), self.previous.clone().into());
        m.insert("next".into(), self.next.to_value());
        m.insert(
            "previousValidUntil".into(),
            self.previous_valid_until.clone().into(),
        );
        m.insert("rotatedAt".into(), self.rotated_at.clone().into());
        Value::Object(m)
    }

    /// The canonical payload of a rotation record, to put in an
    /// [`Envelope`] of kind [`ROTATION_KIND`] that the previous and the next
    /// key then both sign.
    pub fn payload(
        previous: &str,
        next: &SignerRecord,
        previous_valid_until: &str,
        rotated_at: &str,
    ) -> Result<Vec<u8>, crate::Error> {
        Timestamp::parse(previous_valid_until)?;
        Timestamp::parse(rotated_at)?;
        let r = Rotation {
            previous: previous.to_string(),
            previous_valid_until: previous_valid_until.to_string(),
            rotated_at: rotated_at.to_string(),
            next: next.clone(),
        };
        Ok(canonical_string(&r.to_value()).into_bytes())
    }
}

impl SignerRecord {
    /// Sets the window start (RFC 3339 UTC).
    pub fn with_valid_from(mut self, at: &str) -> Result<Self, crate::Error> {
        self.valid_from = Some(Bound {
            at: Timestamp::parse(at)?,
            text: at.to_string(),
        });
        Ok(self)
    }

    /// Sets the algorithm.
    pub fn with_algorithm(mut self, alg: Algorithm) -> Self {
        self.algorithm = alg;
        self
    }
}

/// A named k-of-n approval set: `{"name":"upgrade-approvers","threshold":3,
/// "signers":["a","b","c","d","e"],"kind":"upgrade.applied"}` (`kind`
/// optional: when set, only envelopes of that kind can be approved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalSet {
    name: String,
    threshold: usize,
    signers: BTreeSet<String>,
    kind: Option<String>,
}

impl ApprovalSet {
    /// Loads an approval set from JSON text. The threshold must be an
    /// integer in 1..=n and the signer ids distinct.
    pub fn from_json(text: &[u8]) -> Result<Self, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidApprovalSet, m);
        let v = strict_json(text)?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad("an approval set is a JSON object".into()))?;
        for k in obj.keys() {
            if !["name", "threshold", "signers", "kind"].contains(&k.as_str()) {
                return Err(bad(format!(
                    "unknown approval-set member {k:?}; it has name, threshold, signers, kind"
                ))
                .into());
            }
        }
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("an approval set needs a string \"name\"".into()))?;
        let list = obj
            .get("signers")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("approval set {name:?} needs a \"signers\" array")))?;
        let mut signers = BTreeSet::new();
        for (i, s) in list.iter().enumerate() {
            let id = s.as_str().ok_or_else(|| {
                bad(format!(
                    "approval set {name:?}: signers[{i}] must be a string"
                ))
            })?;
            check_id(id, &format!("approval set {name:?}: signers[{i}]"))?;
            if !signers.insert(id.to_string()) {
                return Err(bad(format!("approval set {name:?} lists signer {id:?} twice")).into());
            }
        }
        let threshold = obj
            .get("threshold")
            .and_then(Value::as_u64)
            .filter(|t| (1..=signers.len() as u64).contains(t))
            .ok_or_else(|| {
                bad(format!(
                    "approval set {name:?}: \"threshold\" must be an integer from 1 to the number of signers ({})",
                    signers.len()
                ))
            })?;
        let kind = match obj.get("kind") {
            None => None,
            Some(Value::String(k)) => Some(k.clone()),
            Some(_) => {
                return Err(bad(format!("approval set {name:?}: \"kind\" must be a string")).into())
            }
        };
        Ok(ApprovalSet {
            name: name.to_string(),
            threshold: threshold as usize,
            signers,
            kind,
        })
    }

    /// The set's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// k.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Counts the distinct signers of the set whose signatures on `env`
    /// verify under keys valid at `at`. Every signature that does not count
    /// is reported with its [`Reason`]; none is counted twice.
    pub fn verify(
        &self,
        env: &Envelope,
        registry: &SignerRegistry,
        at: &Timestamp,
    ) -> ApprovalReport {
        let wrong_kind = self.kind.as_deref().is_some_and(|k| k != env.kind());
        let mut counted: BTreeSet<String> = BTreeSet::new();
        let mut signatures = Vec::with_capacity(env.signatures().len());
        for (index, entry) in env.signatures().iter().enumerate() {
            let mut v = if wrong_kind {
                SignatureVerdict {
                    index,
                    signer: entry.signer.clone(),
                    alg: entry.alg,
                    valid: false,
                    reason: Some(Reason::WrongKind),
                }
            } else if !self.signers.contains(&entry.signer) {
                SignatureVerdict {
                    index,
                    signer: entry.signer.clone(),
                    alg: entry.alg,
                    valid: false,
                    reason: Some(Reason::NotInSet),
                }
            } else {
                registry.verdict(env, index, at)
            };
            if v.valid && !counted.insert(entry.signer.clone()) {
                v.valid = false;
                v.reason = Some(Reason::DuplicateSigner);
            }
            signatures.push(v);
        }
        ApprovalReport {
            set: self.name.clone(),
            threshold: self.threshold,
            approved: counted.len() >= self.threshold,
            approvers: counted.into_iter().collect(),
            signatures,
        }
    }
}

/// The outcome of a k-of-n check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalReport {
    /// The approval set's name.
    pub set: String,
    /// k.
    pub threshold: usize,
    /// Whether at least k distinct signers of the set approved.
    pub approved: bool,
    /// The counted signers, sorted.
    pub approvers: Vec<String>,
    /// One verdict per signature, in envelope order.
    pub signatures: Vec<SignatureVerdict>,
}

impl ApprovalReport {
    /// The report as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "set": self.set,
            "threshold": self.threshold,
            "approved": self.approved,
            "approvers": self.approvers,
            "signatures": verdicts(&self.signatures),
        })
    }

    /// The report as canonical JSON text.
    pub fn to_json(&self) -> String {
        canonical_string(&self.to_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }
    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }
    fn entry(id: &str, n: u8, extra: &str) -> String {
        format!(
            r#"{{"signerId":"{id}","publicKey":"{}"{extra}}}"#,
            key(n).public_key().to_base64()
        )
    }
    fn registry(entries: &[String]) -> Result<SignerRegistry, crate::Error> {
        SignerRegistry::from_json(format!(r#"{{"signers":[{}]}}"#, entries.join(",")).as_bytes())
    }

    #[test]
    fn seed_format_loads_and_round_trips() {
        let reg = registry(&[
            entry("kernel-signer", 1, ""),
            entry(
                "kms",
                2,
                r#","algorithm":"ed25519ph","validFrom":"2026-01-01T00:00:00Z""#,
            ),
        ])
        .unwrap();
        assert_eq!(reg.len(), 2);
        let again = SignerRegistry::from_json(reg.to_json().as_bytes()).unwrap();
        assert_eq!(again, reg);
        let jwks = SignerRegistry::from_jwks(reg.to_jwks().as_bytes()).unwrap();
        assert_eq!(jwks, reg);
        assert!(reg.to_jwks().contains(r#""kid":"kernel-signer""#));
    }

    #[test]
    fn load_errors_have_codes() {
        let code = |r: Result<SignerRegistry, crate::Error>| r.unwrap_err().code();
        assert_eq!(
            code(registry(&[entry("a", 1, ""), entry("a", 2, "")])),
            "duplicate_signer"
        );
        assert_eq!(
            code(registry(&[entry(
                "a",
                1,
                r#","validUntill":"2027-01-01T00:00:00Z""#
            )])),
            "invalid_registry"
        );
        assert_eq!(
            code(registry(&[
                r#"{"signerId":"a","publicKey":"not base64!"}"#.into()
            ])),
            "invalid_public_key"
        );
        // The identity point: small order.
        let weak = base64::engine::general_purpose::STANDARD.encode({
            let mut b = [0u8; 32];
            b[0] = 1;
            b
        });
        assert_eq!(
            code(registry(&[format!(
                r#"{{"signerId":"a","publicKey":"{weak}"}}"#
            )])),
            "invalid_public_key"
        );
        assert_eq!(
            code(registry(&[entry("a", 1, r#","validFrom":"2026-01-01""#)])),
            "invalid_window"
        );
        assert_eq!(
            code(registry(&[entry(
                "a",
                1,
                r#","validFrom":"2026-01-01T00:00:00Z","validUntil":"2026-01-01T00:00:00Z""#
            )])),
            "invalid_window"
        );
        assert_eq!(
            code(SignerRegistry::from_json(br#"{"signers":[],"signers":[]}"#)),
            "duplicate_key"
        );
    }

    #[test]
    fn windows_and_revocation() {
        let reg = registry(&[entry(
            "k",
            1,
            r#","validFrom":"2026-01-01T00:00:00Z","validUntil":"2026-07-01T00:00:00Z","revokedAt":"2026-05-01T00:00:00Z""#,
        )])
        .unwrap();
        let at = |s| reg.key_for("k", Algorithm::Ed25519, &ts(s)).err();
        assert_eq!(
            at("2025-12-31T23:59:59.999Z"),
            Some(Reason::SignerNotYetValid)
        );
        assert_eq!(at("2026-01-01T00:00:00Z"), None);
        assert_eq!(at("2026-04-30T23:59:59Z"), None);
        assert_eq!(at("2026-05-01T00:00:00Z"), Some(Reason::SignerRevoked));
        assert_eq!(at("2026-08-01T00:00:00Z"), Some(Reason::SignerRevoked));
        assert_eq!(
            reg.key_for("k", Algorithm::Ed25519ph, &ts("2026-02-01T00:00:00Z"))
                .err(),
            Some(Reason::AlgorithmMismatch)
        );
        assert_eq!(
            reg.key_for("x", Algorithm::Ed25519, &ts("2026-02-01T00:00:00Z"))
                .err(),
            Some(Reason::UnknownSigner)
        );
    }

    fn rotation_env(next: u8, until: &str, signers: &[(u8, &str)]) -> Envelope {
        let rec = SignerRecord::new("k2", key(next).public_key())
            .unwrap()
            .with_valid_from("2026-06-01T00:00:00Z")
            .unwrap();
        let payload = Rotation::payload("k1", &rec, until, "2026-06-01T00:00:00Z").unwrap();
        let mut env = Envelope::new(ROTATION_KIND, &payload).unwrap();
        for (n, id) in signers {
            env.sign(&key(*n), id, Algorithm::Ed25519).unwrap();
        }
        env
    }

    #[test]
    fn rotation_needs_both_keys() {
        let mut reg = registry(&[entry("k1", 1, "")]).unwrap();
        let good = rotation_env(2, "2026-07-01T00:00:00Z", &[(1, "k1"), (2, "k2")]);
        let only_old = rotation_env(2, "2026-07-01T00:00:00Z", &[(1, "k1")]);
        let only_new = rotation_env(2, "2026-07-01T00:00:00Z", &[(2, "k2")]);
        let wrong_old = rotation_env(2, "2026-07-01T00:00:00Z", &[(3, "k1"), (2, "k2")]);
        for bad in [&only_old, &only_new, &wrong_old] {
            assert_eq!(
                reg.verify_rotation(bad).unwrap_err().code(),
                "invalid_rotation"
            );
        }
        let gap = rotation_env(2, "2026-06-01T00:00:00Z", &[(1, "k1"), (2, "k2")]);
        assert!(
            reg.verify_rotation(&gap).is_ok(),
            "adjacent windows are fine"
        );
        let retro = rotation_env(2, "2026-05-01T00:00:00Z", &[(1, "k1"), (2, "k2")]);
        assert_eq!(
            reg.verify_rotation(&retro).unwrap_err().code(),
            "invalid_rotation"
        );

        reg.apply_rotation(&good).unwrap();
        let before = reg.clone();
        reg.apply_rotation(&good).unwrap();
        assert_eq!(reg, before, "idempotent");
        assert_eq!(
            reg.get("k1").unwrap().valid_until(),
            Some("2026-07-01T00:00:00Z")
        );
        let at = ts("2026-06-15T00:00:00Z");
        assert!(
            reg.key_for("k1", Algorithm::Ed25519, &at).is_ok(),
            "overlap"
        );
        assert!(
            reg.key_for("k2", Algorithm::Ed25519, &at).is_ok(),
            "overlap"
        );
        assert_eq!(
            reg.key_for("k1", Algorithm::Ed25519, &ts("2026-07-01T00:00:00Z"))
                .err(),
            Some(Reason::SignerExpired)
        );
        assert_eq!(
            reg.key_for("k2", Algorithm::Ed25519, &ts("2026-05-01T00:00:00Z"))
                .err(),
            Some(Reason::SignerNotYetValid)
        );
    }

    #[test]
    fn approvals_count_distinct_valid_signers() {
        let reg = registry(&[
            entry("a", 1, ""),
            entry("b", 2, ""),
            entry("c", 3, r#","validUntil":"2026-01-01T00:00:00Z""#),
            entry("d", 4, ""),
            entry("e", 5, ""),
            entry("x", 6, ""),
        ])
        .unwrap();
        let set = ApprovalSet::from_json(
            br#"{"name":"upgrade","threshold":3,"signers":["a","b","c","d","e"],"kind":"upgrade.applied"}"#,
        )
        .unwrap();
        let mut env = Envelope::new("upgrade.applied", br#"{"version":"2.4.1"}"#).unwrap();
        env.sign(&key(1), "a", Algorithm::Ed25519).unwrap();
        env.sign(&key(1), "a", Algorithm::Ed25519).unwrap(); // duplicate
        env.sign(&key(3), "c", Algorithm::Ed25519).unwrap(); // expired
        env.sign(&key(6), "x", Algorithm::Ed25519).unwrap(); // not in set
        env.sign(&key(9), "zz", Algorithm::Ed25519).unwrap(); // not in set either
        env.sign(&key(2), "b", Algorithm::Ed25519).unwrap();
        let at = ts("2026-03-01T00:00:00Z");
        let r = set.verify(&env, &reg, &at);
        assert!(!r.approved);
        assert_eq!(r.approvers, ["a", "b"]);
        let reasons: Vec<_> = r.signatures.iter().map(|s| s.reason).collect();
        assert_eq!(
            reasons,
            [
                None,
                Some(Reason::DuplicateSigner),
                Some(Reason::SignerExpired),
                Some(Reason::NotInSet),
                Some(Reason::NotInSet),
                None
            ]
        );
        env.sign(&key(7), "d", Algorithm::Ed25519).unwrap(); // wrong key for d
        assert!(!set.verify(&env, &reg, &at).approved);
        env.sign(&key(4), "d", Algorithm::Ed25519).unwrap();
        let r = set.verify(&env, &reg, &at);
        assert!(r.approved, "{}", r.to_json());
        assert_eq!(r.signatures[6].reason, Some(Reason::InvalidSignature));

        let mut other = Envelope::new("snapshot.manifest", br#"{"version":"2.4.1"}"#).unwrap();
        for (n, id) in [(1, "a"), (2, "b"), (4, "d")] {
            other.sign(&key(n), id, Algorithm::Ed25519).unwrap();
        }
        assert!(!set.verify(&other, &reg, &at).approved, "wrong kind");

        for bad in [
            &br#"{"name":"s","threshold":0,"signers":["a"]}"#[..],
            br#"{"name":"s","threshold":2,"signers":["a"]}"#,
            br#"{"name":"s","threshold":1,"signers":["a","a"]}"#,
            br#"{"name":"s","threshold":1.5,"signers":["a","b"]}"#,
            br#"{"name":"s","threshold":1,"signers":["a"],"quorum":1}"#,
        ] {
            assert_eq!(
                ApprovalSet::from_json(bad).unwrap_err().code(),
                "invalid_approval_set"
            );
        }
    }
}
