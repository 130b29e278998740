//! A row of any profile: its canonical text, its value and the facts
//! linking needs. trustcore/v1 rows are also [`Event`]s.

use super::error::*;
use super::event::{canonical_row, Event};
use crate::profile::{ChainProfile, RowView};
use crate::text::quote;
use serde_json::{Map, Value};

/// One row, read (or written) under a profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    canonical: String,
    value: Map<String, Value>,
    id: String,
    seq: Option<u64>,
    ts: String,
    signer_id: String,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

/// A profile's read failure as a break reason.
pub(super) fn fault(f: crate::profile::Fault) -> (Reason, String) {
    let reason = if f.malformed {
        Reason::MalformedRow
    } else {
        Reason::InvalidField
    };
    (reason, f.message)
}

impl Row {
    /// Reads a row (JSON text) under `profile`: strict I-JSON, exactly the
    /// profile's columns, canonical spellings. The error is the break
    /// reason and a message.
    pub fn read(text: &[u8], profile: &ChainProfile) -> Result<Row, (Reason, String)> {
        let canon = canonical_row(text)?;
        let view = profile.read_row(&canon).map_err(fault)?;
        Self::from_view(&canon, &view)
    }

    pub(super) fn from_view(canon: &[u8], view: &RowView<'_>) -> Result<Row, (Reason, String)> {
        let value = match serde_json::from_slice::<Value>(canon) {
            Ok(Value::Object(m)) => m,
            _ => return Err((Reason::MalformedRow, "a row is a JSON object".into())),
        };
        Ok(Row {
            canonical: String::from_utf8_lossy(canon).into_owned(),
            value,
            id: view.id.to_string(),
            seq: view.seq,
            ts: view.ts.to_string(),
            signer_id: view.signer_id.to_string(),
            prev_hash: view.prev_hash,
            hash: view.hash,
        })
    }

    /// The row's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its sequence number, when the profile has a seq column.
    pub fn seq(&self) -> Option<u64> {
        self.seq
    }
    /// Its timestamp as written.
    pub fn ts(&self) -> &str {
        &self.ts
    }
    /// Its signer id.
    pub fn signer_id(&self) -> &str {
        &self.signer_id
    }
    /// The previous hash (32 zero bytes for the genesis spelling).
    pub fn prev_hash(&self) -> [u8; 32] {
        self.prev_hash
    }
    /// This row's hash.
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }
    /// The row as canonical JSON (a JSONL export line).
    pub fn to_json(&self) -> String {
        self.canonical.clone()
    }
    /// The row as a JSON value, under its column names.
    pub fn to_value(&self) -> Value {
        Value::Object(self.value.clone())
    }
    /// The row as a trustcore/v1 event, when it is one.
    pub fn to_event(&self) -> Result<Event, (Reason, String)> {
        Event::from_json(self.canonical.as_bytes())
    }
}

impl From<&Event> for Row {
    fn from(e: &Event) -> Row {
        let value = match e.to_value() {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        Row {
            canonical: e.to_json(),
            value,
            id: e.id.clone(),
            seq: Some(e.seq),
            ts: e.ts.clone(),
            signer_id: e.signer_id.clone(),
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// A writer's body under a profile: the row's own columns the caller
/// decides (id, timestamp, event type and actor if the table has them,
/// payload, extra columns), by column name.
pub(super) fn body_columns(profile: &ChainProfile) -> Vec<String> {
    let c = &profile.columns;
    let mut out = vec![c.id.clone(), c.ts.clone()];
    out.extend(c.event_type.iter().cloned());
    out.extend(c.actor.iter().cloned());
    out.push(c.payload.clone());
    out.extend(profile.extra.iter().map(|e| e.name.clone()));
    out
}

/// Checks a body's members against the profile (`invalid_event`).
pub(super) fn check_body(profile: &ChainProfile, body: &Map<String, Value>) -> Result<(), Error> {
    let cols = body_columns(profile);
    if let Some(k) = body.keys().find(|k| !cols.contains(k)) {
        return Err(Error::new(
            ErrorCode::InvalidEvent,
            format!(
                "unknown body column {} for profile {} (a body has {}; the writer fills the rest)",
                quote(k),
                profile.name,
                cols.join(", ")
            ),
        ));
    }
    if let Some(k) = cols.iter().find(|k| !body.contains_key(*k)) {
        return Err(Error::new(
            ErrorCode::InvalidEvent,
            format!("the body needs {} (profile {})", quote(k), profile.name),
        ));
    }
    Ok(())
}
