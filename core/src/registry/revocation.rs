//! Revocation records: a key revoked as of a time, in the style of the
//! rotation record, signed by another registered signer (an authority),
//! and the updated signers file.

use super::error::*;
use super::record::*;
use super::signers::*;
use crate::envelope::Envelope;
use crate::text::quote;
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// The envelope `kind` of a revocation record.
pub const REVOCATION_KIND: &str = "trustcore.signer-revocation";

/// A verified revocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// The revoked signer id.
    pub signer: String,
    /// When the key stops vouching (RFC 3339 UTC, as given).
    pub revoked_at: String,
    /// Why, for people (`key compromise`, ...).
    pub reason: String,
}

impl Revocation {
    /// `{"reason","revokedAt","signer"}`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("signer".into(), self.signer.clone().into());
        m.insert("revokedAt".into(), self.revoked_at.clone().into());
        m.insert("reason".into(), self.reason.clone().into());
        Value::Object(m)
    }

    /// The canonical payload of a revocation record, to put in an
    /// [`Envelope`] of kind [`REVOCATION_KIND`] for an authority to sign.
    pub fn payload(signer: &str, revoked_at: &str, reason: &str) -> Result<Vec<u8>, crate::Error> {
        Timestamp::parse(revoked_at)?;
        let r = Revocation {
            signer: signer.to_string(),
            revoked_at: revoked_at.to_string(),
            reason: reason.to_string(),
        };
        Ok(canonical_string(&r.to_value()).into_bytes())
    }
}

impl SignerRegistry {
    /// Checks a revocation record against this registry without changing
    /// it: the kind; a payload of exactly `signer`, `revokedAt` (RFC 3339
    /// UTC) and `reason` (1-512 characters); the signer registered; and a
    /// valid signature by another registered signer whose key vouches at
    /// `revokedAt` (the authority: a revoked key cannot be the only proof
    /// that it was revoked, and a thief cannot revoke a key by itself to
    /// back-date the end of honest history). `invalid_revocation`
    /// otherwise, `unknown_signer` for an unknown signer.
    pub fn verify_revocation(&self, env: &Envelope) -> Result<Revocation, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidRevocation, m);
        if env.kind() != REVOCATION_KIND {
            return Err(bad(format!(
                "a revocation record has kind {REVOCATION_KIND:?}, not {}",
                quote(env.kind())
            ))
            .into());
        }
        let payload: Value = serde_json::from_slice(env.payload())
            .map_err(|e| bad(format!("revocation payload: {e}")))?;
        let obj = payload
            .as_object()
            .ok_or_else(|| bad("the revocation payload is an object".into()))?;
        if let Some(k) = obj
            .keys()
            .find(|k| !["signer", "revokedAt", "reason"].contains(&k.as_str()))
        {
            return Err(bad(format!(
                "unknown revocation member {}; a revocation has signer, revokedAt, reason",
                quote(k)
            ))
            .into());
        }
        let text = |name: &str| {
            obj.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("the revocation needs a string {name:?}")))
        };
        let signer = text("signer")?;
        let revoked_text = text("revokedAt")?;
        let at = Timestamp::parse(revoked_text)?;
        let reason = text("reason")?;
        if reason.is_empty() || reason.chars().count() > 512 {
            return Err(bad("the reason is 1-512 characters".into()).into());
        }
        if self.get(signer).is_none() {
            return Err(Error::new(
                ErrorCode::UnknownSigner,
                format!(
                    "the revoked signer {} is not in the registry",
                    quote(signer)
                ),
            )
            .into());
        }
        let authorized = env.signatures().iter().enumerate().any(|(i, s)| {
            s.signer != signer
                && self
                    .key_for(&s.signer, s.alg, &at)
                    .is_ok_and(|key| env.verify(i, key) == Ok(true))
        });
        if !authorized {
            return Err(bad(format!(
                "the revocation of {} lacks a valid signature by another registered signer whose key vouches at {revoked_text}",
                quote(signer)
            ))
            .into());
        }
        Ok(Revocation {
            signer: signer.to_string(),
            revoked_at: revoked_text.to_string(),
            reason: reason.to_string(),
        })
    }

    /// Revokes `signer` as of `at` (RFC 3339 UTC): the key — and, through
    /// `rotatedFrom`, every key rotated from it — vouches for nothing dated
    /// at or after `at`. An earlier `revokedAt` stays (revocation never
    /// moves later). Returns the revocation to sign into a record
    /// ([`Revocation::payload`]) and publish with the updated signers file
    /// ([`SignerRegistry::to_json`]).
    pub fn revoke(
        &mut self,
        signer: &str,
        at: &str,
        reason: &str,
    ) -> Result<Revocation, crate::Error> {
        let when = Timestamp::parse(at)?;
        Revocation::payload(signer, at, reason)?;
        if reason.is_empty() || reason.chars().count() > 512 {
            return Err(Error::new(
                ErrorCode::InvalidRevocation,
                "the reason is 1-512 characters",
            )
            .into());
        }
        let rec = self.signers.get_mut(signer).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownSigner,
                format!("signer {} is not in the registry", quote(signer)),
            )
        })?;
        let earlier = rec.revoked_at.as_ref().is_some_and(|r| r.at <= when);
        if !earlier {
            rec.revoked_at = Some(Bound {
                at: when,
                text: at.to_string(),
            });
        }
        Ok(Revocation {
            signer: signer.to_string(),
            revoked_at: rec
                .revoked_at
                .as_ref()
                .map_or(at.to_string(), |r| r.text.clone()),
            reason: reason.to_string(),
        })
    }

    /// Verifies a revocation record and applies it ([`Self::revoke`]).
    pub fn apply_revocation(&mut self, env: &Envelope) -> Result<Revocation, crate::Error> {
        let r = self.verify_revocation(env)?;
        self.revoke(&r.signer, &r.revoked_at, &r.reason)
    }
}
