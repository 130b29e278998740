//! Signed snapshot metadata: reading it (every member checked), its
//! signature, and the audit event that publishes it.

use super::build::signing_input;
use super::fields::snapshot_id_problem;
use super::*;
use crate::canonical::{self, Options as CanonOptions};
use crate::chain::{EventBody, Row};
use crate::digest::{self, Digest};
use crate::envelope::{self, Algorithm};
use crate::merkle::Hash;
use crate::registry::SignerRegistry;
use crate::text::quote;
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// Signed snapshot metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub(super) meta: Map<String, Value>,
}

const MEMBERS: [&str; 11] = [
    "alg",
    "fields",
    "hash",
    "merkle_root",
    "records",
    "signature",
    "signer_kid",
    "snapshot_id",
    "trace_range",
    "ts",
    "type",
];

impl Snapshot {
    /// Reads metadata (JSON text, strict I-JSON).
    pub fn from_json(text: &[u8]) -> Result<Snapshot, crate::Error> {
        canonical::canonicalize_text(text)?;
        let v: Value = serde_json::from_slice(text)
            .map_err(|e| Error::new(ErrorCode::InvalidMetadata, format!("not JSON: {e}")))?;
        Self::from_value(&v)
    }

    /// Reads metadata from a value: exactly the documented members, each of
    /// its type and spelling.
    pub fn from_value(v: &Value) -> Result<Snapshot, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidMetadata, m);
        let m = v
            .as_object()
            .ok_or_else(|| bad("snapshot metadata is a JSON object".into()))?;
        if let Some(k) = m.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(bad(format!(
                "unknown member {}; the members are {}",
                quote(k),
                MEMBERS.join(", ")
            ))
            .into());
        }
        if let Some(k) = MEMBERS.iter().find(|k| !m.contains_key(**k)) {
            return Err(bad(format!("the metadata has no {k:?}")).into());
        }
        let s = |k: &str| {
            m.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("{k:?} must be a string")))
        };
        if s("type")? != SNAPSHOT_TYPE {
            return Err(bad(format!("\"type\" must be {SNAPSHOT_TYPE:?}")).into());
        }
        if let Some(problem) = snapshot_id_problem(s("snapshot_id")?) {
            return Err(bad(problem.into()).into());
        }
        s("signer_kid")?;
        Timestamp::parse(s("ts")?)?;
        Algorithm::from_name(s("alg")?)?;
        let h: Digest = s("hash")?.parse()?;
        let _ = h;
        let root: Digest = s("merkle_root")?.parse()?;
        if root.algorithm() != digest::Algorithm::Sha256 {
            return Err(bad("merkle_root is an RFC 6962 root: sha256:<hex>".into()).into());
        }
        m.get("records")
            .and_then(Value::as_u64)
            .filter(|n| *n >= 1)
            .ok_or_else(|| bad("\"records\" must be an integer from 1".into()))?;
        let sig = s("signature")?;
        let ok = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sig)
            .ok()
            .is_some_and(|b| b.len() == 64);
        if !ok {
            return Err(bad("\"signature\" must be standard base64 of 64 bytes".into()).into());
        }
        let f = m.get("fields").and_then(Value::as_object).filter(|f| {
            f.len() == 2
                && ["trace_id", "ts"].iter().all(|k| {
                    f.get(*k)
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.starts_with('/'))
                })
        });
        if f.is_none() {
            return Err(bad(
                "\"fields\" is {\"trace_id\": pointer, \"ts\": pointer} (JSON Pointers into each record)".into(),
            )
            .into());
        }
        let tr = m
            .get("trace_range")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("\"trace_range\" must be an object".into()))?;
        let keys: Vec<&str> = tr.keys().map(String::as_str).collect();
        if keys != ["end", "first_trace_id", "last_trace_id", "start"]
            || !tr.values().all(Value::is_string)
        {
            return Err(bad(
                "\"trace_range\" is {first_trace_id, last_trace_id, start, end}, all strings"
                    .into(),
            )
            .into());
        }
        Ok(Snapshot { meta: m.clone() })
    }

    /// The metadata document.
    pub fn to_value(&self) -> Value {
        Value::Object(self.meta.clone())
    }

    /// The metadata as canonical JSON.
    pub fn to_json(&self) -> String {
        String::from_utf8(
            canonical::canonicalize_value(&self.to_value(), &CanonOptions::default())
                .unwrap_or_default(),
        )
        .unwrap_or_default()
    }

    fn str(&self, k: &str) -> &str {
        self.meta.get(k).and_then(Value::as_str).unwrap_or_default()
    }

    /// `snapshot_id`.
    pub fn snapshot_id(&self) -> &str {
        self.str("snapshot_id")
    }
    /// `hash`, the named digest of the batch.
    pub fn hash(&self) -> &str {
        self.str("hash")
    }
    /// `signer_kid`.
    pub fn signer_kid(&self) -> &str {
        self.str("signer_kid")
    }
    /// `ts`.
    pub fn ts(&self) -> &str {
        self.str("ts")
    }
    /// `records`.
    pub fn records(&self) -> u64 {
        self.meta
            .get("records")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    }

    pub(super) fn hash_alg(&self) -> digest::Algorithm {
        self.hash()
            .parse::<Digest>()
            .map(|d| d.algorithm())
            .unwrap_or(digest::Algorithm::Sha256)
    }

    pub(super) fn merkle_root(&self) -> Hash {
        self.str("merkle_root")
            .parse::<Digest>()
            .map(|d| *d.as_bytes())
            .unwrap_or_default()
    }

    /// The signature's verdict under `registry` at `ts`.
    pub(super) fn check_signature(&self, registry: &SignerRegistry) -> Option<(Failure, String)> {
        let kid = self.signer_kid();
        let alg = Algorithm::from_name(self.str("alg")).unwrap_or(Algorithm::Ed25519);
        let at = match Timestamp::parse(self.ts()) {
            Ok(t) => t,
            Err(e) => return Some((Failure::InvalidSignature, e.message().to_string())),
        };
        let key = match registry.key_for(kid, alg, &at) {
            Ok(k) => k,
            Err(r) => {
                return Some((
                    Failure::from_registry(r),
                    format!(
                        "signer {} does not vouch for a snapshot at {}: {}",
                        quote(kid),
                        self.ts(),
                        r.as_str()
                    ),
                ))
            }
        };
        let mut meta = self.meta.clone();
        let sig_text = meta
            .remove("signature")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let sig: Option<[u8; 64]> =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sig_text)
                .ok()
                .and_then(|b| b.try_into().ok());
        let ok = match (sig, signing_input(&meta, kid, alg)) {
            (Some(sig), Ok(input)) => envelope::verify_signing_input(alg, &input, &sig, key),
            _ => false,
        };
        (!ok).then(|| {
            (
                Failure::InvalidSignature,
                format!("the signature does not verify under {}'s key", quote(kid)),
            )
        })
    }

    /// The body of the `snapshot.published` audit event that references
    /// this snapshot (its metadata is the payload).
    pub fn event_body(&self, id: &str, ts: &str, actor: &str) -> EventBody {
        EventBody {
            id: id.to_string(),
            ts: ts.to_string(),
            event_type: PUBLISHED_EVENT.to_string(),
            actor: actor.to_string(),
            payload: self.to_value(),
        }
    }

    /// [`Self::check_event`] on a row given as text (a `trustcore/v1` row;
    /// an unreadable one is `event_mismatch` with the reader's reason).
    pub fn check_event_text(&self, row: &[u8]) -> Result<(), crate::Error> {
        let row =
            Row::read(row, &crate::profile::ChainProfile::trustcore_v1()).map_err(|(r, m)| {
                Error::new(
                    ErrorCode::EventMismatch,
                    format!("the event row cannot be read ({}): {m}", r.as_str()),
                )
            })?;
        self.check_event(&row)
    }

    /// Checks that an audit row (trustcore/v1) publishes this snapshot: its
    /// event type is `snapshot.published` and its payload is this metadata.
    /// (Verify the row itself with the chain verifier.)
    pub fn check_event(&self, row: &Row) -> Result<(), crate::Error> {
        let v = row.to_value();
        let bad = |m: String| Error::new(ErrorCode::EventMismatch, m);
        if v.get("event_type").and_then(Value::as_str) != Some(PUBLISHED_EVENT) {
            return Err(bad(format!("the event's type is not {PUBLISHED_EVENT}")).into());
        }
        if v.get("payload") != Some(&self.to_value()) {
            return Err(bad(format!(
                "the event's payload is not snapshot {}'s metadata",
                quote(self.snapshot_id())
            ))
            .into());
        }
        Ok(())
    }
}
