//! One event against a signed checkpoint, without the rest of the chain
//! (the browser's check).

use super::check::*;
use super::row::Row;
use crate::digest;
use crate::profile::ChainProfile;
use crate::registry::SignerRegistry;
use serde_json::{Map, Value};

/// Which check of [`verify_event_in_checkpoint`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventCheckStage {
    /// The row on its own ([`verify_row`]): reason is a break [`Reason`](super::Reason).
    Row,
    /// The inclusion proof against the checkpoint's root: reason is a
    /// [`crate::merkle::ErrorCode`].
    Inclusion,
}

impl EventCheckStage {
    /// `"row"` or `"inclusion"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventCheckStage::Row => "row",
            EventCheckStage::Inclusion => "inclusion",
        }
    }
}

/// Why an event does not stand in a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventCheckFailure {
    /// The check that failed.
    pub stage: EventCheckStage,
    /// Its stable code (a break reason or a Merkle error code).
    pub reason: &'static str,
    /// What a person can act on.
    pub message: String,
}

/// One event checked against a signed checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct EventInCheckpoint {
    /// The checkpoint, opened with the trusted keys.
    pub checkpoint: crate::merkle::OpenedCheckpoint,
    /// The event's position (leaf index) the proof is for.
    pub index: u64,
    /// The row, when it verified on its own.
    pub event: Option<Row>,
    /// `None`: the event is valid and included at `index`.
    pub failure: Option<EventCheckFailure>,
}

impl EventInCheckpoint {
    /// True when the row verified and the proof leads to the root.
    pub fn valid(&self) -> bool {
        self.failure.is_none()
    }

    /// `{"valid", "stage"?, "reason"?, "message"?, "index", "event"?,
    /// "checkpoint": {opened checkpoint}}` (the event is a row and keeps its
    /// column names).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("valid".into(), self.valid().into());
        if let Some(f) = &self.failure {
            m.insert("stage".into(), f.stage.as_str().into());
            m.insert("reason".into(), f.reason.into());
            m.insert("message".into(), f.message.clone().into());
        }
        m.insert("index".into(), self.index.into());
        if let Some(e) = &self.event {
            m.insert("event".into(), e.to_value());
        }
        m.insert("checkpoint".into(), self.checkpoint.to_value());
        Value::Object(m)
    }

    /// [`Self::to_value`] with members spelled for a host.
    pub fn to_value_named(&self, naming: crate::options::Naming) -> Value {
        naming.rename(self.to_value(), &["event"])
    }
}

/// Verifies one event against a signed checkpoint, without the rest of the
/// chain (what the control panel does in a browser): opens the checkpoint
/// note with the trusted `keys` (errors here are returned: there is nothing
/// to check against), checks the row on its own with [`verify_row`] (hash,
/// the signer's key at `ts`, signature), then the RFC 6962 inclusion proof
/// of its leaf `SHA-256(0x00 || hash)` at `index` up to the checkpoint's
/// root. The first failing check is reported with its stage, code and
/// message.
pub fn verify_event_in_checkpoint(
    row: &[u8],
    index: u64,
    proof: &[crate::merkle::Hash],
    checkpoint_note: &[u8],
    keys: &[crate::merkle::VerifierKey],
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Result<EventInCheckpoint, crate::merkle::Error> {
    let profile = ChainProfile::trustcore_v1().with_hash_alg(hash_alg);
    verify_event_in_checkpoint_with(row, index, proof, checkpoint_note, keys, registry, &profile)
}

/// [`verify_event_in_checkpoint`] for a row of any profile (its leaf is
/// `SHA-256(0x00 || hash)` of the decoded hash column).
pub fn verify_event_in_checkpoint_with(
    row: &[u8],
    index: u64,
    proof: &[crate::merkle::Hash],
    checkpoint_note: &[u8],
    keys: &[crate::merkle::VerifierKey],
    registry: &SignerRegistry,
    profile: &ChainProfile,
) -> Result<EventInCheckpoint, crate::merkle::Error> {
    let checkpoint = crate::merkle::open_checkpoint(checkpoint_note, keys)?;
    let mut out = EventInCheckpoint {
        checkpoint,
        index,
        event: None,
        failure: None,
    };
    let event = match verify_row_with(row, registry, profile) {
        Ok(e) => e,
        Err((reason, message)) => {
            out.failure = Some(EventCheckFailure {
                stage: EventCheckStage::Row,
                reason: reason.as_str(),
                message,
            });
            return Ok(out);
        }
    };
    let cp = &out.checkpoint.checkpoint;
    if let Err(e) = crate::merkle::verify_inclusion(
        &crate::merkle::leaf_hash(&event.hash()),
        index,
        cp.size(),
        proof,
        cp.root(),
    ) {
        out.failure = Some(EventCheckFailure {
            stage: EventCheckStage::Inclusion,
            reason: e.code().as_str(),
            message: e.message().to_string(),
        });
    }
    out.event = Some(event);
    Ok(out)
}
