//! The event row: its columns, strict reading (a fast in-place scan of the
//! canonical row, and the full reading that is the reference), what is
//! hashed and what is signed.

use super::error::*;
use crate::canonical::{self, Options};
use crate::digest::{self, Digest};
use crate::envelope::{self, Algorithm};
use crate::text::quote;
use crate::time::Timestamp;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Value};

/// The envelope kind every event signature is made under.
pub const EVENT_KIND: &str = "trustcore.audit-event";
/// `prev_hash` of the first event.
pub const GENESIS_PREV_HASH: [u8; 32] = [0; 32];

pub(super) const COLUMNS: [&str; 10] = [
    "actor",
    "event_type",
    "hash",
    "id",
    "payload",
    "prev_hash",
    "seq",
    "signature",
    "signer_id",
    "ts",
];

/// The head of a chain: the last event's `hash` and `seq` (and `ts`), or
/// the genesis head (64 zeros, 0) of an empty chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// The last event's hash.
    pub hash: [u8; 32],
    /// The last event's seq (0 for an empty chain).
    pub seq: u64,
    /// The last event's timestamp, if known (a resumed writer or verifier
    /// refuses events dated before it).
    pub ts: Option<String>,
}

impl Default for Head {
    fn default() -> Self {
        Head {
            hash: GENESIS_PREV_HASH,
            seq: 0,
            ts: None,
        }
    }
}

impl Head {
    /// `{"hash":"<hex>","seq":n}` plus `"ts"` when known.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("hash".into(), hex::encode(self.hash).into());
        m.insert("seq".into(), self.seq.into());
        if let Some(ts) = &self.ts {
            m.insert("ts".into(), ts.clone().into());
        }
        Value::Object(m)
    }

    /// Reads `{"hash":"<64 hex>","seq":n[,"ts":"…"]}`.
    pub fn from_value(v: &Value) -> Result<Head, Error> {
        let bad = |m: &str| Error::new(ErrorCode::InvalidState, m.to_string());
        let obj = v
            .as_object()
            .ok_or_else(|| bad("a head is a JSON object"))?;
        if let Some(k) = obj
            .keys()
            .find(|k| !["hash", "seq", "ts"].contains(&k.as_str()))
        {
            return Err(bad(&format!("unknown head member {}", quote(k))));
        }
        let hash = obj
            .get("hash")
            .and_then(Value::as_str)
            .and_then(hex32)
            .ok_or_else(|| bad("head \"hash\" must be 64 lowercase hex digits"))?;
        let seq = obj
            .get("seq")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("head \"seq\" must be a non-negative integer"))?;
        let ts = match obj.get("ts") {
            None => None,
            Some(Value::String(t)) => {
                Timestamp::parse(t).map_err(|e| bad(&format!("head \"ts\": {}", e.message())))?;
                Some(t.clone())
            }
            Some(_) => return Err(bad("head \"ts\" must be a string")),
        };
        if seq == 0 && hash != GENESIS_PREV_HASH {
            return Err(bad(
                "the head of an empty chain (seq 0) has the all-zero hash",
            ));
        }
        Ok(Head { hash, seq, ts })
    }
}

/// A Merkle tree head over a chain's event hashes (`docs/merkle.md`): the
/// size and root a signed checkpoint commits to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeHead {
    /// Number of events (leaves).
    pub size: u64,
    /// RFC 6962 root over their hashes.
    pub root: [u8; 32],
}

impl TreeHead {
    /// `{"size":n,"root":"<64 hex>"}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({"size": self.size, "root": hex::encode(self.root)})
    }

    /// Reads `{"size":n,"root":"<64 hex>"}`.
    pub fn from_value(v: &Value) -> Result<TreeHead, Error> {
        let bad = |m: &str| Error::new(ErrorCode::InvalidState, m.to_string());
        let size = v
            .get("size")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("tree head \"size\" must be a non-negative integer"))?;
        let root = v
            .get("root")
            .and_then(Value::as_str)
            .and_then(hex32)
            .ok_or_else(|| bad("tree head \"root\" must be 64 lowercase hex digits"))?;
        Ok(TreeHead { size, root })
    }
}

pub(super) fn hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

pub(super) use crate::profile::row::uuid;

/// What a writer appends: the columns the caller decides.
#[derive(Clone, Debug, PartialEq)]
pub struct EventBody {
    /// A plain lowercase UUID.
    pub id: String,
    /// RFC 3339 UTC.
    pub ts: String,
    /// What happened (e.g. `manifest.signed`).
    pub event_type: String,
    /// Who did it.
    pub actor: String,
    /// Any JSON value.
    pub payload: Value,
}

impl EventBody {
    /// Reads a body as a binding hands it over: `{id, ts, event_type,
    /// actor, payload}` (`eventType` in JavaScript), every member required
    /// (`payload` may be `null`), nothing else. `invalid_event` otherwise,
    /// naming the member; the writer fills `seq`, `prev_hash`, `hash`,
    /// `signer_id` and `signature`.
    pub fn from_value(v: &Value, naming: crate::options::Naming) -> Result<EventBody, Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidEvent, m);
        let names: Vec<String> = ["id", "ts", "event_type", "actor", "payload"]
            .iter()
            .map(|n| naming.name(n).into_owned())
            .collect();
        let Value::Object(m) = v else {
            return Err(bad(format!(
                "an event body is an object {{{}}}",
                names.join(", ")
            )));
        };
        if let Some(k) = m.keys().find(|k| !names.contains(k)) {
            return Err(bad(format!(
                "unknown body member {} (a body has {}; the writer fills seq, prev_hash, hash, signer_id and signature)",
                quote(k),
                names.join(", ")
            )));
        }
        let text = |i: usize| -> Result<String, Error> {
            match m.get(&names[i]) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(bad(format!(
                    "body.{} must be a string, got {}",
                    names[i],
                    crate::options::describe(other)
                ))),
                None => Err(bad(format!("the body needs {}", names[i]))),
            }
        };
        Ok(EventBody {
            id: text(0)?,
            ts: text(1)?,
            event_type: text(2)?,
            actor: text(3)?,
            payload: m.get(&names[4]).cloned().ok_or_else(|| {
                bad(format!(
                    "the body needs {} (any JSON value; null for none)",
                    names[4]
                ))
            })?,
        })
    }

    /// The body as a binding hands it back, what [`EventBody::from_value`]
    /// reads with the same naming: `{id, ts, event_type, actor, payload}`
    /// (`eventType` in JavaScript); the payload is data and keeps its names.
    pub fn to_value(&self, naming: crate::options::Naming) -> Value {
        let mut m = serde_json::Map::new();
        for (name, v) in [
            ("id", &self.id),
            ("ts", &self.ts),
            ("event_type", &self.event_type),
            ("actor", &self.actor),
        ] {
            m.insert(naming.name(name).into_owned(), Value::String(v.clone()));
        }
        m.insert("payload".to_string(), self.payload.clone());
        Value::Object(m)
    }
}

/// One event (row).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Plain lowercase UUID.
    pub id: String,
    /// Position in the chain, from 1.
    pub seq: u64,
    /// RFC 3339 UTC.
    pub ts: String,
    /// Event type.
    pub event_type: String,
    /// Actor.
    pub actor: String,
    /// Payload.
    pub payload: Value,
    /// The previous event's hash.
    pub prev_hash: [u8; 32],
    /// This event's hash.
    pub hash: [u8; 32],
    /// Who signed.
    pub signer_id: String,
    /// The signature.
    pub signature: [u8; 64],
}

pub(super) fn canonical(v: &Value) -> Vec<u8> {
    // Values here come from strict parsing or from the writer's checked
    // body: canonicalization cannot fail on them.
    canonical::canonicalize_value(v, &Options::default()).unwrap_or_default()
}

impl Event {
    pub(super) fn body_value(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("actor".into(), self.actor.clone().into());
        m.insert("event_type".into(), self.event_type.clone().into());
        m.insert("id".into(), self.id.clone().into());
        m.insert("payload".into(), self.payload.clone());
        m.insert("prev_hash".into(), hex::encode(self.prev_hash).into());
        m.insert("seq".into(), self.seq.into());
        m.insert("signer_id".into(), self.signer_id.clone().into());
        m.insert("ts".into(), self.ts.clone().into());
        m
    }

    /// The digest of the canonical row without `hash` and `signature`.
    pub fn compute_hash(&self, alg: digest::Algorithm) -> [u8; 32] {
        *Digest::of(alg, &canonical(&Value::Object(self.body_value()))).as_bytes()
    }

    /// The bytes the signature covers (see the module docs).
    pub fn signing_input(
        &self,
        hash_alg: digest::Algorithm,
        sig_alg: Algorithm,
    ) -> Result<Vec<u8>, envelope::Error> {
        signing_input(&self.hash, hash_alg, sig_alg, &self.signer_id)
    }

    /// The row as canonical JSON (the JSONL export line).
    pub fn to_json(&self) -> String {
        String::from_utf8(canonical(&self.to_value())).unwrap_or_default()
    }

    /// The row as a JSON value (the ten columns, under their row names).
    pub fn to_value(&self) -> Value {
        let mut m = self.body_value();
        m.insert("hash".into(), hex::encode(self.hash).into());
        m.insert("signature".into(), STANDARD.encode(self.signature).into());
        Value::Object(m)
    }

    /// Reads a row (strict I-JSON, exactly the ten columns, canonical
    /// field spellings). The error is the break reason and a message.
    pub fn from_json(row: &[u8]) -> Result<Event, (Reason, String)> {
        Self::parse_row(row).map(|(e, _)| e)
    }

    /// Reads a row and returns it with its canonical bytes.
    pub(super) fn parse_row(row: &[u8]) -> Result<(Event, Vec<u8>), (Reason, String)> {
        let canon = canonical_row(row)?;
        Ok((Self::from_canonical(&canon)?, canon))
    }

    /// Reads a row already in canonical form (the full reading, with every
    /// rule's message).
    pub(super) fn from_canonical(canon: &[u8]) -> Result<Event, (Reason, String)> {
        let v: Value = serde_json::from_slice(canon)
            .map_err(|e| (Reason::MalformedRow, format!("not JSON: {e}")))?;
        Self::from_value(v)
    }

    /// The hashed bytes (the canonical row without `hash` and `signature`)
    /// cut out of the canonical row, without building the body again.
    ///
    /// In canonical text a `"` that is not escaped is structural, so the
    /// bytes `,"hash":"` can only open a member named `hash`. The row's
    /// members are sorted: `actor` and `event_type` (strings) come before
    /// `hash`, so its first such member is the row's own; after the row's
    /// `signature` come only `signer_id` and `ts` (strings), so the last
    /// `,"signature":"` member is the row's own, even when the payload has
    /// members of those names. Their values are 64 hex digits and 88 base64
    /// characters, which need no escaping. A property test checks this
    /// against [`Event::compute_hash`].
    pub(super) fn hashed_bytes(
        canon: &[u8],
        hash: &[u8; 32],
        signature: &[u8; 64],
    ) -> Option<Vec<u8>> {
        let hash_member = format!(",\"hash\":\"{}\"", hex::encode(hash));
        let sig_member = format!(",\"signature\":\"{}\"", STANDARD.encode(signature));
        let find = |needle: &[u8]| canon.windows(needle.len()).position(|w| w == needle);
        let rfind = |needle: &[u8]| canon.windows(needle.len()).rposition(|w| w == needle);
        let h = find(b",\"hash\":\"")?;
        let s = rfind(b",\"signature\":\"")?;
        if canon.get(h..h + hash_member.len())? != hash_member.as_bytes()
            || canon.get(s..s + sig_member.len())? != sig_member.as_bytes()
            || s < h + hash_member.len()
        {
            return None;
        }
        let mut out = Vec::with_capacity(canon.len());
        out.extend_from_slice(&canon[..h]);
        out.extend_from_slice(&canon[h + hash_member.len()..s]);
        out.extend_from_slice(&canon[s + sig_member.len()..]);
        Some(out)
    }

    pub(super) fn from_value(v: Value) -> Result<Event, (Reason, String)> {
        let Value::Object(mut obj) = v else {
            return Err((Reason::MalformedRow, "a row is a JSON object".into()));
        };
        if let Some(k) = obj.keys().find(|k| !COLUMNS.contains(&k.as_str())) {
            return Err((Reason::MalformedRow, format!("unknown column {}", quote(k))));
        }
        if let Some(k) = COLUMNS.iter().find(|k| !obj.contains_key(**k)) {
            return Err((Reason::MalformedRow, format!("missing column {k:?}")));
        }
        let mut text = |name: &str| match obj.remove(name) {
            Some(Value::String(s)) => Ok(s),
            _ => Err((
                Reason::MalformedRow,
                format!("column {name:?} must be a string"),
            )),
        };
        let id = text("id")?;
        let ts = text("ts")?;
        let event_type = text("event_type")?;
        let actor = text("actor")?;
        let prev = text("prev_hash")?;
        let hash = text("hash")?;
        let signer_id = text("signer_id")?;
        let sig = text("signature")?;
        let seq = match obj.remove("seq") {
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        let v = Columns {
            id: &id,
            ts: &ts,
            event_type: &event_type,
            actor: &actor,
            prev_hash: &prev,
            hash: &hash,
            signer_id: &signer_id,
            signature: &sig,
            seq,
        }
        .validate()?;
        let (prev_hash, hash, signature, seq) = (v.prev_hash, v.hash, v.signature, v.seq);
        let payload = obj.remove("payload").unwrap_or(Value::Null);
        Ok(Event {
            id,
            seq,
            ts,
            event_type,
            actor,
            payload,
            prev_hash,
            hash,
            signer_id,
            signature,
        })
    }
}

pub(super) fn signing_input(
    hash: &[u8; 32],
    hash_alg: digest::Algorithm,
    sig_alg: Algorithm,
    signer: &str,
) -> Result<Vec<u8>, envelope::Error> {
    let payload = format!("{{\"hash\":\"{}:{}\"}}", hash_alg.name(), hex::encode(hash));
    envelope::signing_input(EVENT_KIND, payload.as_bytes(), sig_alg, signer)
}

/// The ten columns of a row as text (`seq` as read), before validation.
pub(super) struct Columns<'a> {
    pub(super) id: &'a str,
    pub(super) ts: &'a str,
    pub(super) event_type: &'a str,
    pub(super) actor: &'a str,
    pub(super) prev_hash: &'a str,
    pub(super) hash: &'a str,
    pub(super) signer_id: &'a str,
    pub(super) signature: &'a str,
    pub(super) seq: Option<u64>,
}

/// A row's columns, checked.
pub(super) struct Valid<'a> {
    pub(super) id: &'a str,
    pub(super) id_bits: u128,
    pub(super) ts: &'a str,
    pub(super) at: Timestamp,
    pub(super) signer_id: &'a str,
    pub(super) prev_hash: [u8; 32],
    pub(super) hash: [u8; 32],
    pub(super) signature: [u8; 64],
    pub(super) seq: u64,
}

impl<'a> Valid<'a> {
    /// The checked columns of an event read in full (its fields were
    /// validated when it was read).
    pub(super) fn of(e: &'a Event) -> Result<Valid<'a>, (Reason, String)> {
        let at = Timestamp::parse(&e.ts)
            .map_err(|err| (Reason::InvalidField, format!("ts: {}", err.message())))?;
        Ok(Valid {
            id: &e.id,
            id_bits: uuid(&e.id).unwrap_or_default(),
            ts: &e.ts,
            at,
            signer_id: &e.signer_id,
            prev_hash: e.prev_hash,
            hash: e.hash,
            signature: e.signature,
            seq: e.seq,
        })
    }
}

impl<'a> Columns<'a> {
    /// The field rules, in the order their errors are reported.
    pub(super) fn validate(self) -> Result<Valid<'a>, (Reason, String)> {
        let invalid = |m: String| (Reason::InvalidField, m);
        let id_bits = uuid(self.id).ok_or_else(|| {
            invalid(format!(
                "id {} is not a plain lowercase UUID (8-4-4-4-12 hex digits)",
                quote(self.id)
            ))
        })?;
        let at = Timestamp::parse(self.ts).map_err(|e| invalid(format!("ts: {}", e.message())))?;
        for (name, s) in [
            ("event_type", self.event_type),
            ("actor", self.actor),
            ("signer_id", self.signer_id),
        ] {
            if s.is_empty() || s.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "{name} must be non-empty without control characters"
                )));
            }
        }
        let prev_hash = hex32(self.prev_hash)
            .ok_or_else(|| invalid("prev_hash must be 64 lowercase hex digits".into()))?;
        let hash = hex32(self.hash)
            .ok_or_else(|| invalid("hash must be 64 lowercase hex digits".into()))?;
        let signature: [u8; 64] = STANDARD
            .decode(self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| invalid("signature must be standard base64 of 64 bytes".into()))?;
        let seq = self
            .seq
            .filter(|s| *s >= 1)
            .ok_or_else(|| invalid("seq must be an integer from 1".into()))?;
        Ok(Valid {
            id: self.id,
            id_bits,
            ts: self.ts,
            at,
            signer_id: self.signer_id,
            prev_hash,
            hash,
            signature,
            seq,
        })
    }

    /// Reads the columns straight out of a canonical row, without building
    /// a tree: the verifier's fast path. In canonical text the members come
    /// sorted, so a row with exactly the ten columns reads as fixed member
    /// names in a fixed order. `None` means "not that simple shape" (a
    /// missing, extra or non-string column, an escaped string, a `seq` that
    /// is not a plain integer) and sends the row to the full reading, whose
    /// verdict and message are the reference; a property test checks that
    /// both agree whenever this one answers.
    pub(super) fn scan(canon: &'a [u8]) -> Option<Columns<'a>> {
        let mut c = Scanner { b: canon, i: 0 };
        c.lit(b"{\"actor\":")?;
        let actor = c.string()?;
        c.lit(b",\"event_type\":")?;
        let event_type = c.string()?;
        c.lit(b",\"hash\":")?;
        let hash = c.string()?;
        c.lit(b",\"id\":")?;
        let id = c.string()?;
        c.lit(b",\"payload\":")?;
        c.skip_value()?;
        c.lit(b",\"prev_hash\":")?;
        let prev_hash = c.string()?;
        c.lit(b",\"seq\":")?;
        let seq = c.integer()?;
        c.lit(b",\"signature\":")?;
        let signature = c.string()?;
        c.lit(b",\"signer_id\":")?;
        let signer_id = c.string()?;
        c.lit(b",\"ts\":")?;
        let ts = c.string()?;
        c.lit(b"}")?;
        (c.i == canon.len()).then_some(Columns {
            id,
            ts,
            event_type,
            actor,
            prev_hash,
            hash,
            signer_id,
            signature,
            seq: Some(seq),
        })
    }
}

/// A cursor over canonical JSON text (already strictly parsed, so only its
/// shape is in question here).
pub(super) struct Scanner<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn lit(&mut self, s: &[u8]) -> Option<()> {
        let end = self.i.checked_add(s.len())?;
        (self.b.get(self.i..end)? == s).then(|| self.i = end)
    }

    /// A string without escapes (one with escapes takes the full path).
    pub(super) fn string(&mut self) -> Option<&'a str> {
        self.lit(b"\"")?;
        let rest = self.b.get(self.i..)?;
        let len = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let s = std::str::from_utf8(rest.get(..len)?).ok()?;
        self.i += len + 1;
        Some(s)
    }

    /// Digits only, within u64 (canonical numbers have no leading zeros).
    pub(super) fn integer(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        let start = self.i;
        while let Some(d) = self.b.get(self.i).filter(|b| b.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }

    /// Steps over one JSON value; stops before the `,` or `}` after it.
    pub(super) fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        let mut in_string = false;
        while let Some(&b) = self.b.get(self.i) {
            if in_string {
                match b {
                    b'\\' => self.i += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth == 0 => return Some(()),
                    b'}' | b']' => depth -= 1,
                    b',' if depth == 0 => return Some(()),
                    _ => {}
                }
            }
            self.i += 1;
        }
        None
    }
}

/// A row's canonical bytes, or its `malformed_row` break.
pub(super) fn canonical_row(row: &[u8]) -> Result<Vec<u8>, (Reason, String)> {
    canonical::canonicalize_text(row)
        .map_err(|e| (Reason::MalformedRow, format!("not strict JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{ChainWriter, EventBody, Head};
    use crate::keys::SecretKey;

    #[test]
    fn hashed_bytes_ignore_payload_members_named_hash_or_signature() {
        let mut w = ChainWriter::new(
            Head::default(),
            digest::Algorithm::Sha256,
            "s",
            Algorithm::Ed25519,
            SecretKey::from_seed(&[1; 32]).public_key(),
        )
        .unwrap();
        let body = EventBody {
            id: "00000000-0000-4000-8000-000000000001".into(),
            ts: "2026-01-01T00:00:00Z".into(),
            event_type: "x\",\"hash\":\"".into(),
            actor: "a".into(),
            payload: serde_json::json!({"hash": "h", "signature": "s", "x": [{"signature": 1, "hash": 2}]}),
        };
        let e = w.append(body, &SecretKey::from_seed(&[1; 32])).unwrap();
        let (parsed, canon) = Event::parse_row(e.to_json().as_bytes()).unwrap();
        let cut = Event::hashed_bytes(&canon, &parsed.hash, &parsed.signature).unwrap();
        assert_eq!(
            *Digest::of(digest::Algorithm::Sha256, &cut).as_bytes(),
            parsed.compute_hash(digest::Algorithm::Sha256)
        );
    }

    fn column_value() -> impl proptest::strategy::Strategy<Value = Option<Value>> {
        use proptest::prelude::*;
        use serde_json::json;
        prop_oneof![
            60 => Just(None), // the well-formed value for the column
            1 => Just(Some(json!(7))),
            1 => Just(Some(json!("q\"uote"))),
            1 => Just(Some(json!("back\\slash"))),
            1 => Just(Some(json!("ctl\u{1}"))),
            1 => Just(Some(json!(""))),
            1 => Just(Some(json!(null))),
            1 => Just(Some(json!([1, "a"]))),
            1 => "[ -~]{0,12}".prop_map(|t| Some(Value::String(t))),
        ]
    }

    fn seq_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        use serde_json::json;
        prop_oneof![
            4 => (1u64..1_000_000).prop_map(|n| json!(n)),
            1 => Just(json!(0)),
            1 => Just(json!(-1)),
            1 => Just(json!(1.5)),
            1 => Just(json!(1e21)),
            1 => Just(json!(1u64 << 60)),
            1 => Just(json!(9_007_199_254_740_991u64)),
            1 => Just(json!("1")),
        ]
    }

    fn payload() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1000i64..1000).prop_map(Value::from),
            "[ -~]{0,8}".prop_map(Value::String),
            Just(Value::String("},{\"\\],".into())),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z\",}]{1,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Whenever the fast column reader answers, it answers exactly what
        /// the full reading does: the same fields or the same error.
        #[test]
        fn scan_agrees_with_the_full_reading(
            cols in proptest::collection::vec(column_value(), 8),
            seq in seq_value(),
            payload in payload(),
            drop in proptest::option::weighted(0.1, 0usize..10),
            extra in proptest::option::weighted(0.1, "[a-z_]{1,10}"),
        ) {
            let good = [
                ("actor", Value::from("svc:api")),
                ("event_type", Value::from("user.login")),
                ("hash", Value::from("ab".repeat(32))),
                ("id", Value::from("0b5e3c2a-7d4f-4e1a-9c3b-2f6d8e9a1b4c")),
                ("prev_hash", Value::from("00".repeat(32))),
                ("signature", Value::from(STANDARD.encode([9u8; 64]))),
                ("signer_id", Value::from("kernel")),
                ("ts", Value::from("2026-01-02T03:04:05Z")),
            ];
            let mut row = Map::new();
            for ((name, ok), alt) in good.iter().zip(&cols) {
                row.insert((*name).into(), alt.clone().unwrap_or_else(|| ok.clone()));
            }
            row.insert("seq".into(), seq);
            row.insert("payload".into(), payload);
            if let Some(i) = drop {
                let name = COLUMNS[i];
                row.remove(name);
            }
            if let Some(x) = &extra {
                row.insert(x.clone(), Value::from(1));
            }
            let text = serde_json::to_vec(&Value::Object(row)).unwrap();
            let Ok(canon) = canonical::canonicalize_text(&text) else {
                return Ok(());
            };
            let full = serde_json::from_slice::<Value>(&canon)
                .map_err(|e| (Reason::MalformedRow, e.to_string()))
                .and_then(Event::from_value);
            let reference = full.as_ref().map_err(Clone::clone).and_then(Valid::of);
            let all_good = cols.iter().all(Option::is_none) && drop.is_none();
            if let Some(columns) = Columns::scan(&canon) {
                let fast = columns.validate();
                match (&fast, &reference) {
                    (Ok(a), Ok(b)) => {
                        proptest::prop_assert_eq!(
                            (a.id, a.id_bits, a.ts, a.signer_id, a.seq, a.prev_hash, a.hash, a.signature),
                            (b.id, b.id_bits, b.ts, b.signer_id, b.seq, b.prev_hash, b.hash, b.signature)
                        );
                    }
                    (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                    _ => proptest::prop_assert!(false, "fast {:?} vs full {:?}", fast.is_ok(), reference.is_ok()),
                }
            } else if all_good && extra.is_none() {
                // A plain well-formed row must take the fast path, or the
                // fast path is never exercised.
                let seq_plain = matches!(serde_json::from_slice::<Value>(&canon).ok()
                    .and_then(|v| v.get("seq").cloned()), Some(Value::Number(n)) if n.is_u64());
                proptest::prop_assert!(!seq_plain, "fast path refused a plain row");
            }
        }
    }
}
