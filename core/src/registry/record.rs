//! One signer's record: key, algorithm, validity window, revocation and
//! the signer it was rotated from; and the strict JSON helpers.

use super::error::*;
use crate::canonical::{self, Options};
use crate::envelope::Algorithm;
use crate::keys::PublicKey;
use crate::text::quote;
use crate::time::Timestamp;
use base64::Engine as _;

use serde_json::{Map, Value};

/// A window bound: the instant, and the text it was given as (kept so the
/// registry writes back what it read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bound {
    pub(super) at: Timestamp,
    pub(super) text: String,
}

/// One signer: its id, key, algorithm and validity window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerRecord {
    pub(super) signer_id: String,
    pub(super) public_key: PublicKey,
    /// The key was given as base64 of SPKI DER (what a KMS `GetPublicKey`
    /// returns): written back the same way.
    pub(super) spki: bool,
    pub(super) algorithm: Algorithm,
    pub(super) valid_from: Option<Bound>,
    pub(super) valid_until: Option<Bound>,
    pub(super) revoked_at: Option<Bound>,
    /// The signer this key took over from by a rotation record: its
    /// revocation applies to this key too.
    pub(super) rotated_from: Option<String>,
}

pub(super) const MEMBERS: [&str; 7] = [
    "signerId",
    "publicKey",
    "algorithm",
    "validFrom",
    "validUntil",
    "revokedAt",
    "rotatedFrom",
];

pub(super) fn bound(
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
            spki: false,
            algorithm: Algorithm::Ed25519,
            valid_from: None,
            valid_until: None,
            revoked_at: None,
            rotated_from: None,
        })
    }

    /// Reads one `signers[]` entry; `at` names it in messages.
    pub(super) fn from_value(v: &Value, at: &str) -> Result<Self, Error> {
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
        // Raw (32 bytes) or SPKI DER (44 bytes: what a KMS GetPublicKey
        // returns), both as standard base64; the same hygiene either way.
        let spki = key_text.len() > 44;
        let public_key = if spki {
            base64::engine::general_purpose::STANDARD
                .decode(key_text)
                .map_err(|e| {
                    crate::keys::Error::new(
                        crate::keys::ErrorCode::InvalidEncoding,
                        format!("the public key is not standard padded base64: {e}"),
                    )
                })
                .and_then(|der| PublicKey::from_spki_der(&der))
        } else {
            PublicKey::from_base64(key_text)
        }
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
        let rotated_from = match obj.get("rotatedFrom") {
            None => None,
            Some(Value::String(prev)) => {
                check_id(prev, &format!("{at}.rotatedFrom"))?;
                if prev == id {
                    return Err(Error::new(
                        ErrorCode::InvalidRegistry,
                        format!("{at} (signer {}) names itself in rotatedFrom", quote(id)),
                    ));
                }
                Some(prev.clone())
            }
            Some(_) => {
                return Err(Error::new(
                    ErrorCode::InvalidRegistry,
                    format!(
                        "{at} (signer {}): \"rotatedFrom\" must be a signer id",
                        quote(id)
                    ),
                ))
            }
        };
        let record = SignerRecord {
            signer_id: id.to_string(),
            public_key,
            spki,
            algorithm,
            valid_from: bound(obj, "validFrom", id, at)?,
            valid_until: bound(obj, "validUntil", id, at)?,
            revoked_at: bound(obj, "revokedAt", id, at)?,
            rotated_from,
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
        let key = if self.spki {
            base64::engine::general_purpose::STANDARD.encode(self.public_key.to_spki_der())
        } else {
            self.public_key.to_base64()
        };
        m.insert("publicKey".into(), key.into());
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
        if let Some(prev) = &self.rotated_from {
            m.insert("rotatedFrom".into(), prev.clone().into());
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

    /// The signer this key was rotated from (`rotatedFrom`), if any.
    pub fn rotated_from(&self) -> Option<&str> {
        self.rotated_from.as_deref()
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

pub(super) fn check_id(id: &str, what: &str) -> Result<(), Error> {
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
pub(super) fn strict_json(text: &[u8]) -> Result<Value, crate::Error> {
    canonical::canonicalize_text(text)?;
    serde_json::from_slice(text)
        .map_err(|e| Error::new(ErrorCode::InvalidRegistry, format!("not JSON: {e}")).into())
}

pub(super) fn canonical_string(v: &Value) -> String {
    // Values built here hold only strings, small integers, arrays and
    // objects: canonicalization cannot fail.
    let bytes = canonical::canonicalize_value(v, &Options::default()).unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
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
