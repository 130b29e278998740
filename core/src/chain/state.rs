//! The verifier's resumable state, and the rules that make a saved state
//! unable to weaken verification.
//!
//! A state is read as a whole and refused unless a real run could have
//! written it: its `check` digest matches its content, its counters agree
//! with each other (no `stopped` without a break, no more accepted events
//! than rows, break counts that add up), its Merkle frontier is well formed
//! and no larger than the rows read. A resumed verifier can therefore never
//! report fewer breaks than the run that saved the state, and a state can
//! never stand in for a trusted anchor it did not check (see
//! [`ChainVerifier::resume`](super::ChainVerifier::resume)).

use super::error::{Error, ErrorCode, Reason};
use super::event::{canonical, hex32, Head};
use crate::digest::{self, Digest};
use crate::merkle::Frontier;
use crate::text::quote;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The `type` of a state document.
pub const STATE_TYPE: &str = "trustcore.chain-verifier-state/v2";

/// A verifier's resumable state (what a streaming consumer checkpoints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierState {
    /// The head reached.
    pub head: Head,
    /// Rows read so far (the next row's position).
    pub position: u64,
    /// Events accepted so far.
    pub count: u64,
    /// Breaks found so far, per reason.
    pub break_counts: BTreeMap<Reason, u64>,
    /// The Merkle frontier over the event hashes read so far (size and
    /// subtree roots, largest first).
    pub merkle: Frontier,
    /// The verifier stopped at a break (`stop_at_first`): a resumed one
    /// reads nothing more.
    pub stopped: bool,
    /// The chain's digest algorithm.
    pub hash_alg: digest::Algorithm,
    /// The profile the rows were read under: its name and digest
    /// ([`ChainProfile::digest`](crate::profile::ChainProfile::digest)).
    pub profile: (String, String),
    /// The trusted head already checked, if one was: `(seq, hash)`.
    pub pinned_head: Option<(u64, [u8; 32])>,
    /// The checkpoint tree head already checked, if one was.
    pub pinned_checkpoint: Option<(u64, [u8; 32])>,
}

impl VerifierState {
    /// The state of a verifier that has read nothing and starts after a
    /// trusted `head` (the genesis head for a whole chain): to verify only
    /// the rows appended since. The Merkle tree then covers those rows only.
    pub fn from_head(head: Head, profile: &crate::profile::ChainProfile) -> Self {
        VerifierState {
            head,
            position: 0,
            count: 0,
            break_counts: BTreeMap::new(),
            merkle: Frontier::new(),
            stopped: false,
            hash_alg: profile.hash_alg,
            profile: (profile.name.clone(), profile.digest()),
            pinned_head: None,
            pinned_checkpoint: None,
        }
    }

    /// Breaks found so far.
    pub fn breaks(&self) -> u64 {
        self.break_counts.values().sum()
    }

    fn body(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), STATE_TYPE.into());
        m.insert("head".into(), self.head.to_value());
        m.insert("position".into(), self.position.into());
        m.insert("count".into(), self.count.into());
        m.insert("breaks".into(), self.breaks().into());
        m.insert(
            "break_counts".into(),
            Value::Object(
                self.break_counts
                    .iter()
                    .map(|(r, n)| (r.as_str().to_owned(), Value::from(*n)))
                    .collect(),
            ),
        );
        m.insert("stopped".into(), self.stopped.into());
        m.insert("hash_alg".into(), self.hash_alg.name().into());
        m.insert(
            "profile".into(),
            serde_json::json!({"name": self.profile.0, "digest": self.profile.1}),
        );
        m.insert(
            "merkle".into(),
            serde_json::json!({
                "size": self.merkle.size(),
                "hashes": self.merkle.hashes().iter().map(hex::encode).collect::<Vec<_>>(),
            }),
        );
        let pin = |p: &Option<(u64, [u8; 32])>, a: &str, b: &str| match p {
            None => Value::Null,
            Some((n, h)) => serde_json::json!({a: n, b: hex::encode(h)}),
        };
        m.insert("pinned_head".into(), pin(&self.pinned_head, "seq", "hash"));
        m.insert(
            "pinned_checkpoint".into(),
            pin(&self.pinned_checkpoint, "size", "root"),
        );
        m
    }

    /// The state document (`docs/audit-chain.md`): its members, and `check`,
    /// the SHA-256 of the canonical document without `check`. The same
    /// spelling in every language, so a state saved by one resumes in
    /// another.
    pub fn to_value(&self) -> Value {
        let mut m = self.body();
        let check = Digest::of(
            digest::Algorithm::Sha256,
            &canonical(&Value::Object(m.clone())),
        );
        m.insert("check".into(), check.to_string().into());
        Value::Object(m)
    }

    /// Reads a state written by [`VerifierState::to_value`], and refuses it
    /// (`invalid_state`) unless it is whole, unedited and consistent.
    pub fn from_value(v: &Value) -> Result<Self, Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidState, m);
        let obj = v
            .as_object()
            .ok_or_else(|| bad("a verifier state is a JSON object".into()))?;
        match obj.get("type").and_then(Value::as_str) {
            Some(STATE_TYPE) => {}
            Some("trustcore.chain-verifier-state/v1") => {
                return Err(bad(format!(
                    "this is a v1 state, which carries no integrity check or break counts; \
                     verify from the start (or from a trusted head) to get a {STATE_TYPE} state"
                )))
            }
            _ => return Err(bad(format!("\"type\" must be {STATE_TYPE:?}"))),
        }
        const MEMBERS: [&str; 13] = [
            "type",
            "head",
            "position",
            "count",
            "breaks",
            "break_counts",
            "stopped",
            "hash_alg",
            "profile",
            "merkle",
            "pinned_head",
            "pinned_checkpoint",
            "check",
        ];
        if let Some(k) = obj.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(bad(format!("unknown state member {}", quote(k))));
        }
        if let Some(k) = MEMBERS.iter().find(|k| !obj.contains_key(**k)) {
            return Err(bad(format!("the state has no {k:?}")));
        }
        let n = |k: &str| {
            obj.get(k)
                .and_then(Value::as_u64)
                .ok_or_else(|| bad(format!("{k:?} must be a non-negative integer")))
        };
        let m = obj.get("merkle").unwrap_or(&Value::Null);
        let hashes = m
            .get("hashes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("\"merkle\" needs \"size\" and \"hashes\"".into()))?
            .iter()
            .map(|h| h.as_str().and_then(hex32))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("merkle hashes must be 64 lowercase hex digits".into()))?;
        let size = m
            .get("size")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("\"merkle\" needs \"size\" and \"hashes\"".into()))?;
        let merkle = Frontier::from_parts(size, &hashes).map_err(|e| bad(e.message().into()))?;
        let mut break_counts = BTreeMap::new();
        let counts = obj
            .get("break_counts")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("\"break_counts\" must be an object".into()))?;
        for (k, c) in counts {
            let reason = Reason::from_code(k)
                .ok_or_else(|| bad(format!("break_counts: unknown reason {}", quote(k))))?;
            match c.as_u64() {
                Some(c) if c > 0 => {
                    break_counts.insert(reason, c);
                }
                _ => return Err(bad(format!("break_counts.{k} must be a positive integer"))),
            }
        }
        let hash_alg = obj
            .get("hash_alg")
            .and_then(Value::as_str)
            .and_then(|s| digest::Algorithm::from_name(s).ok())
            .ok_or_else(|| bad("\"hash_alg\" must be \"sha256\" or \"blake3\"".into()))?;
        let pin = |k: &str, a: &str, b: &str| -> Result<Option<(u64, [u8; 32])>, Error> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(p) => {
                    let n = p.get(a).and_then(Value::as_u64);
                    let h = p.get(b).and_then(Value::as_str).and_then(hex32);
                    match (n, h, p.as_object().map(|o| o.len())) {
                        (Some(n), Some(h), Some(2)) => Ok(Some((n, h))),
                        _ => Err(bad(format!(
                            "{k:?} must be null or {{\"{a}\":n,\"{b}\":\"<64 hex>\"}}"
                        ))),
                    }
                }
            }
        };
        let state = VerifierState {
            head: Head::from_value(obj.get("head").unwrap_or(&Value::Null))?,
            position: n("position")?,
            count: n("count")?,
            break_counts,
            merkle,
            stopped: obj
                .get("stopped")
                .and_then(Value::as_bool)
                .ok_or_else(|| bad("\"stopped\" must be a boolean".into()))?,
            hash_alg,
            profile: {
                let p = obj.get("profile").unwrap_or(&Value::Null);
                let name = p.get("name").and_then(Value::as_str);
                let d = p.get("digest").and_then(Value::as_str);
                match (name, d, p.as_object().map(|o| o.len())) {
                    (Some(n), Some(d), Some(2)) => (n.to_string(), d.to_string()),
                    _ => {
                        return Err(bad(
                            "\"profile\" must be {\"name\":…,\"digest\":\"sha256:…\"}".into(),
                        ))
                    }
                }
            },
            pinned_head: pin("pinned_head", "seq", "hash")?,
            pinned_checkpoint: pin("pinned_checkpoint", "size", "root")?,
        };
        if n("breaks")? != state.breaks() {
            return Err(bad(format!(
                "\"breaks\" is {} but the break counts add up to {}",
                n("breaks")?,
                state.breaks()
            )));
        }
        let check = Digest::of(
            digest::Algorithm::Sha256,
            &canonical(&Value::Object(state.body())),
        )
        .to_string();
        if obj.get("check").and_then(Value::as_str) != Some(check.as_str()) {
            return Err(bad(
                "the state's \"check\" does not match its content: the state was edited or \
                 damaged; resume from an unedited state"
                    .into(),
            ));
        }
        state.check_consistency().map_err(bad)?;
        Ok(state)
    }

    /// The rules every state a real run writes satisfies.
    fn check_consistency(&self) -> Result<(), String> {
        let breaks = self.breaks();
        let count = |r: Reason| self.break_counts.get(&r).copied().unwrap_or(0);
        if self.count > self.position {
            return Err(format!(
                "{} events accepted out of {} rows read",
                self.count, self.position
            ));
        }
        if self.merkle.size() > self.position || self.merkle.size() < self.count {
            return Err(format!(
                "the Merkle tree has {} leaves for {} rows read and {} accepted",
                self.merkle.size(),
                self.position,
                self.count
            ));
        }
        // Every row read is accepted or has its own break; at most the
        // anchor checks add one each.
        if breaks < self.position - self.count
            || breaks
                > self.position - self.count
                    + count(Reason::HeadMismatch)
                    + count(Reason::CheckpointMismatch)
        {
            return Err(format!(
                "{breaks} breaks for {} rows read and {} accepted",
                self.position, self.count
            ));
        }
        if count(Reason::Truncated) > 0 {
            return Err("a state is saved before the end: it has no truncated break".into());
        }
        if count(Reason::HeadMismatch) > u64::from(self.pinned_head.is_some())
            || count(Reason::CheckpointMismatch) > u64::from(self.pinned_checkpoint.is_some())
        {
            return Err("an anchor break without the anchor it was checked against".into());
        }
        if self.stopped && breaks == 0 {
            return Err("a verifier stops only at a break, and this state has none".into());
        }
        if self.count > 0 && self.head.seq == 0 {
            return Err("events were accepted but the head is at seq 0".into());
        }
        if let Some((size, _)) = self.pinned_checkpoint {
            if self.merkle.size() < size {
                return Err("the checkpoint is marked checked before the chain reached it".into());
            }
        }
        Ok(())
    }
}
