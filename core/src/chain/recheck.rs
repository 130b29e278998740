//! Key compromise, end to end: after a revocation (or any change of the
//! signers file), re-verify a batch of signed envelopes and chain rows
//! against the old and the new registry, and say for each what changed.

use super::check::verify_row_with;
use crate::envelope::Envelope;
use crate::options::Naming;
use crate::profile::ChainProfile;
use crate::registry::SignerRegistry;
use crate::time::Timestamp;
use serde_json::{json, Value};

/// One item to re-verify.
#[derive(Clone, Debug)]
pub enum RecheckItem<'a> {
    /// A signed envelope and the time of the record it signs.
    Envelope(&'a Envelope, Timestamp),
    /// A chain row (JSON text), checked on its own under the profile.
    Row(&'a [u8]),
}

/// What happened to an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecheckStatus {
    /// Valid before and after.
    StillValid,
    /// Valid under the old registry, not under the new one (signed after
    /// the revocation, or outside the new window).
    NowInvalid,
    /// Not valid under the old registry either.
    WasInvalid,
    /// Not valid before, valid now (a key was added).
    NowValid,
}

impl RecheckStatus {
    /// `still_valid`, `now_invalid`, `was_invalid`, `now_valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecheckStatus::StillValid => "still_valid",
            RecheckStatus::NowInvalid => "now_invalid",
            RecheckStatus::WasInvalid => "was_invalid",
            RecheckStatus::NowValid => "now_valid",
        }
    }
}

/// The verdict on one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecheckVerdict {
    /// Its index in the batch.
    pub index: usize,
    /// `envelope` or `row`.
    pub item: &'static str,
    /// The envelope's kind, or the row's id (`None` when unreadable).
    pub name: Option<String>,
    /// What changed.
    pub status: RecheckStatus,
    /// Why it is invalid under the old registry, if it is.
    pub before: Option<&'static str>,
    /// Why it is invalid under the new registry, if it is.
    pub after: Option<&'static str>,
}

/// The outcome of [`recheck`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecheckReport {
    /// One verdict per item, in batch order.
    pub items: Vec<RecheckVerdict>,
}

impl RecheckReport {
    /// The items with a status.
    pub fn count(&self, status: RecheckStatus) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// `{"items":[{index,item,name?,status,before?,after?}],"still_valid":n,
    /// "now_invalid":n,"was_invalid":n,"now_valid":n}`.
    pub fn to_value(&self) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|i| {
                let mut m = serde_json::Map::new();
                m.insert("index".into(), i.index.into());
                m.insert("item".into(), i.item.into());
                if let Some(n) = &i.name {
                    m.insert("name".into(), n.clone().into());
                }
                m.insert("status".into(), i.status.as_str().into());
                if let Some(b) = i.before {
                    m.insert("before".into(), b.into());
                }
                if let Some(a) = i.after {
                    m.insert("after".into(), a.into());
                }
                Value::Object(m)
            })
            .collect();
        json!({
            "items": items,
            "still_valid": self.count(RecheckStatus::StillValid),
            "now_invalid": self.count(RecheckStatus::NowInvalid),
            "was_invalid": self.count(RecheckStatus::WasInvalid),
            "now_valid": self.count(RecheckStatus::NowValid),
        })
    }

    /// [`Self::to_value`] spelled for a host (`nowInvalid`); statuses and
    /// reasons are codes and keep their spelling.
    pub fn to_value_named(&self, naming: Naming) -> Value {
        naming.rename(self.to_value(), &[])
    }
}

fn envelope_reason(reg: &SignerRegistry, env: &Envelope, at: &Timestamp) -> Option<&'static str> {
    let r = reg.verify_envelope(env, at);
    if r.valid {
        return None;
    }
    Some(
        r.signatures
            .iter()
            .find_map(|s| s.reason.map(|x| x.as_str()))
            .unwrap_or("unsigned"),
    )
}

/// Re-verifies each item under `old` and `new` (rows under `profile`) and
/// reports what changed: after revoking a key at T, exactly the items it
/// signed dated at or after T are `now_invalid`, with `signer_revoked`.
pub fn recheck(
    old: &SignerRegistry,
    new: &SignerRegistry,
    items: &[RecheckItem<'_>],
    profile: &ChainProfile,
) -> RecheckReport {
    let items = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let (kind, name, before, after) = match item {
                RecheckItem::Envelope(env, at) => (
                    "envelope",
                    Some(env.kind().to_string()),
                    envelope_reason(old, env, at),
                    envelope_reason(new, env, at),
                ),
                RecheckItem::Row(row) => {
                    let b = verify_row_with(row, old, profile);
                    let a = verify_row_with(row, new, profile);
                    let name = b
                        .as_ref()
                        .ok()
                        .or(a.as_ref().ok())
                        .map(|r| r.id().to_string());
                    (
                        "row",
                        name,
                        b.err().map(|(r, _)| r.as_str()),
                        a.err().map(|(r, _)| r.as_str()),
                    )
                }
            };
            let status = match (before, after) {
                (None, None) => RecheckStatus::StillValid,
                (None, Some(_)) => RecheckStatus::NowInvalid,
                (Some(_), Some(_)) => RecheckStatus::WasInvalid,
                (Some(_), None) => RecheckStatus::NowValid,
            };
            RecheckVerdict {
                index,
                item: kind,
                name,
                status,
                before,
                after,
            }
        })
        .collect();
    RecheckReport { items }
}
