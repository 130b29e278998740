//! The registry itself: signers by id, the signers file, lineage and
//! key lookups at a time.

use super::error::*;
use super::record::*;
use crate::envelope::Algorithm;
use crate::keys::PublicKey;
use crate::text::quote;
use crate::time::Timestamp;

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Signers by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignerRegistry {
    pub(super) signers: BTreeMap<String, SignerRecord>,
    /// Ids in the order they were loaded (documents are written back in it).
    pub(super) order: Vec<String>,
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
        reg.check_lineage()?;
        Ok(reg)
    }

    /// Every `rotatedFrom` names a signer of this registry, and no chain of
    /// them loops: revocation follows these links.
    pub(super) fn check_lineage(&self) -> Result<(), Error> {
        for rec in self.records() {
            let mut seen = BTreeSet::new();
            let mut cur = rec;
            while let Some(prev) = &cur.rotated_from {
                if !seen.insert(prev.as_str()) || prev == &rec.signer_id {
                    return Err(Error::new(
                        ErrorCode::InvalidRegistry,
                        format!(
                            "the rotatedFrom links of signer {} form a loop",
                            quote(&rec.signer_id)
                        ),
                    ));
                }
                cur = self.signers.get(prev).ok_or_else(|| {
                    Error::new(
                        ErrorCode::InvalidRegistry,
                        format!(
                            "signer {} was rotated from {}, which is not in the registry: keep retired signers (with their validUntil) so revocation can follow the rotation",
                            quote(&cur.signer_id),
                            quote(prev)
                        ),
                    )
                })?;
            }
        }
        Ok(())
    }

    /// The earliest revocation that applies to `signer_id`'s key: its own
    /// `revokedAt`, or that of a signer it was rotated from (revocation is
    /// transitive: a key revoked at T authorizes nothing at or after T,
    /// successors included).
    pub(super) fn effective_revocation(&self, signer_id: &str) -> Option<&Bound> {
        let mut best: Option<&Bound> = None;
        let mut cur = self.signers.get(signer_id);
        // The lineage was checked acyclic at load; the bound guards
        // registries built by hand through `insert`.
        for _ in 0..=self.signers.len() {
            let Some(rec) = cur else { break };
            if let Some(r) = &rec.revoked_at {
                if best.map_or(true, |b| r.at < b.at) {
                    best = Some(r);
                }
            }
            cur = rec
                .rotated_from
                .as_deref()
                .and_then(|p| self.signers.get(p));
        }
        best
    }

    /// The registry as a signers file (canonical JSON; entries in load
    /// order; `algorithm` written only when not `ed25519`).
    pub fn to_json(&self) -> String {
        let list: Vec<Value> = self.records().map(SignerRecord::to_value).collect();
        let mut m = Map::new();
        m.insert("signers".into(), Value::Array(list));
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
        if self
            .effective_revocation(signer_id)
            .is_some_and(|r| *at >= r.at)
        {
            return Err(Reason::SignerRevoked);
        }
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
}
