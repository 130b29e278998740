//! Key rotation records, signed by the old and the new key.

use super::error::*;
use super::record::*;
use super::signers::*;
use crate::envelope::{Algorithm, Envelope};
use crate::keys::PublicKey;
use crate::text::quote;
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// The envelope `kind` of a key rotation record.
pub const ROTATION_KIND: &str = "trustcore.signer-rotation";

impl SignerRegistry {
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
        let mut next = SignerRecord::from_value(
            obj.get("next")
                .ok_or_else(|| bad("the rotation needs \"next\" (a signer entry)".into()))?,
            "next",
        )?;
        match &next.rotated_from {
            Some(p) if p != previous_id => {
                return Err(bad(format!(
                    "next.rotatedFrom is {}, but the rotation is from {}",
                    quote(p),
                    quote(previous_id)
                ))
                .into())
            }
            _ => next.rotated_from = Some(previous_id.to_string()),
        }
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
        if next_from.at < rotated_at {
            return Err(bad(format!(
                "next.validFrom {} is before rotatedAt {rotated_text}: a rotation cannot back-date the new key",
                next_from.text
            ))
            .into());
        }
        if let Some(rev) = self.effective_revocation(previous_id) {
            // A revoked key authorizes nothing effective at or after its
            // revocation: not the rotation, not the new key's start, not an
            // overlap that would outlive it.
            let what = if previous.revoked_at.as_ref() == Some(rev) {
                format!(
                    "the previous signer {} is revoked at {}",
                    quote(previous_id),
                    rev.text
                )
            } else {
                format!(
                    "the previous signer {} was rotated from a key revoked at {}",
                    quote(previous_id),
                    rev.text
                )
            };
            if rotated_at >= rev.at || next_from.at >= rev.at || until > rev.at {
                return Err(bad(format!(
                    "{what}: it cannot authorize a rotation at or after that time, a key starting then, or an overlap past it"
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
