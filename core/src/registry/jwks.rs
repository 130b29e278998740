//! The registry as a JWKS document and back.

use super::error::*;
use super::record::*;
use super::signers::*;
use crate::envelope::Algorithm;
use crate::keys::PublicKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

impl SignerRegistry {
    /// Loads a signers file or a JWKS document, told apart by its top-level
    /// members: a JWKS has `"keys"` and no `"signers"`. Anything else is
    /// read (and refused, with its code and position) as a signers file.
    pub fn from_document(text: &[u8]) -> Result<Self, crate::Error> {
        let is_jwks = serde_json::from_slice::<Value>(text)
            .ok()
            .is_some_and(|v| v.get("keys").is_some() && v.get("signers").is_none());
        if is_jwks {
            Self::from_jwks(text)
        } else {
            Self::from_json(text)
        }
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
            for name in [
                "algorithm",
                "validFrom",
                "validUntil",
                "revokedAt",
                "rotatedFrom",
            ] {
                if let Some(v) = obj.get(name) {
                    entry.insert(name.into(), v.clone());
                }
            }
            reg.insert(SignerRecord::from_value(&Value::Object(entry), &at)?)?;
        }
        reg.check_lineage()?;
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
}
