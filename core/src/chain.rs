//! Hash-linked, signed audit chains: append with [`ChainWriter`], verify as
//! a stream with [`ChainVerifier`].
//!
//! An event is a row of the `audit_events` table (format in
//! `docs/audit-chain.md`):
//!
//! ```json
//! {"actor":"svc:kernel","event_type":"manifest.signed","hash":"<64 hex>","id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427",
//!  "payload":{…},"prev_hash":"<64 hex>","seq":1,"signature":"<base64>","signer_id":"kernel-signer","ts":"2026-03-01T12:00:00Z"}
//! ```
//!
//! * `hash` is the digest (SHA-256 by default; the chain declares its
//!   algorithm once) of the canonical JSON of the row without `hash` and
//!   `signature`, in lowercase hex as the column stores it.
//! * `prev_hash` is the previous event's `hash`; the first event's is 64
//!   zeros ([`GENESIS_PREV_HASH`]), and `seq` counts from 1.
//! * `signature` (standard base64) is the signer's signature over a typed
//!   envelope of kind [`EVENT_KIND`] whose payload is `{"hash":"sha256:<hex>"}`
//!   (see `docs/signing.md`), with the algorithm the registry records for
//!   `signer_id`. Because the hash covers every other column, the signature
//!   does too, and it can never be replayed as another kind of record.
//!
//! [`ChainVerifier`] checks, per event and in this order: the row is strict
//! I-JSON with exactly these members (`malformed_row`) and canonical field
//! spellings (`invalid_field`); the id is new (`duplicate_id`); `seq`
//! follows (`seq_gap`); `prev_hash` links (`prev_hash_mismatch`); `hash` is
//! right (`hash_mismatch`); `ts` does not go back (`ts_regression`); the
//! signer's key vouches at `ts` (the registry's reasons) and the signature
//! verifies (`invalid_signature`). After a break it resynchronises on the
//! event's own `seq` and `hash`, so one tampered row is one break, not a
//! cascade. Memory is constant except for duplicate-id tracking, which keeps
//! the 16 bytes of each id seen (it can be turned off for unbounded streams).
//!
//! Signature verification is the cost; with the `parallel` feature,
//! [`ChainVerifier`] checks each batch of rows on all cores and links them in
//! order afterwards, so the verdict is the sequential one.

use crate::canonical::{self, Options};
use crate::digest::{self, Digest};
use crate::envelope::{self, Algorithm, Envelope};
use crate::keys::{PublicKey, SecretKey};
use crate::merkle::Frontier;
use crate::registry::SignerRegistry;
use crate::time::Timestamp;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// The envelope kind every event signature is made under.
pub const EVENT_KIND: &str = "trustcore.audit-event";
/// `prev_hash` of the first event.
pub const GENESIS_PREV_HASH: [u8; 32] = [0; 32];

const COLUMNS: [&str; 10] = [
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

/// Stable error codes of the chain module (API misuse and writer failures;
/// breaks found while verifying are [`Break`]s, not errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An event body or head handed to the writer is not valid.
    InvalidEvent,
    /// The event's time is before the chain head's.
    TsRegression,
    /// A verifier state or head document is not of the documented shape.
    InvalidState,
}

impl ErrorCode {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidEvent => "invalid_event",
            ErrorCode::TsRegression => "ts_regression",
            ErrorCode::InvalidState => "invalid_state",
        }
    }
}

coded_error! {
    /// A chain error.
}

/// Why an event breaks the chain. Stable codes (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// Not strict I-JSON, or not exactly the ten columns with their types.
    MalformedRow,
    /// A column with a non-canonical spelling (uppercase hex, a UUID with
    /// braces, a timestamp that is not RFC 3339 UTC, ...).
    InvalidField,
    /// An id seen before.
    DuplicateId,
    /// `seq` is not the previous `seq` + 1.
    SeqGap,
    /// `prev_hash` is not the previous event's `hash`.
    PrevHashMismatch,
    /// `hash` is not the digest of the row.
    HashMismatch,
    /// `ts` is before the previous event's.
    TsRegression,
    /// Registry: the signer is unknown.
    UnknownSigner,
    /// Registry: the event is dated before the key's window.
    SignerNotYetValid,
    /// Registry: the event is dated after the key's window.
    SignerExpired,
    /// Registry: the event is dated at or after the key's revocation.
    SignerRevoked,
    /// The signature does not verify.
    InvalidSignature,
    /// The chain ends before the expected head.
    Truncated,
    /// The chain reaches the expected head's `seq` with another hash.
    HeadMismatch,
    /// The Merkle root of the first `size` event hashes is not the
    /// checkpoint's root (rows rewritten, reordered or dropped before it).
    CheckpointMismatch,
}

impl Reason {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MalformedRow => "malformed_row",
            Reason::InvalidField => "invalid_field",
            Reason::DuplicateId => "duplicate_id",
            Reason::SeqGap => "seq_gap",
            Reason::PrevHashMismatch => "prev_hash_mismatch",
            Reason::HashMismatch => "hash_mismatch",
            Reason::TsRegression => "ts_regression",
            Reason::UnknownSigner => "unknown_signer",
            Reason::SignerNotYetValid => "signer_not_yet_valid",
            Reason::SignerExpired => "signer_expired",
            Reason::SignerRevoked => "signer_revoked",
            Reason::InvalidSignature => "invalid_signature",
            Reason::Truncated => "truncated",
            Reason::HeadMismatch => "head_mismatch",
            Reason::CheckpointMismatch => "checkpoint_mismatch",
        }
    }

    fn from_registry(r: crate::registry::Reason) -> Reason {
        use crate::registry::Reason as R;
        match r {
            R::UnknownSigner => Reason::UnknownSigner,
            R::SignerNotYetValid => Reason::SignerNotYetValid,
            R::SignerExpired => Reason::SignerExpired,
            R::SignerRevoked => Reason::SignerRevoked,
            _ => Reason::InvalidSignature,
        }
    }
}

/// A break found by the verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// 0-based position of the row in the stream (counting from the
    /// verifier's start, including rows before a resumed state).
    pub position: u64,
    /// The row's `seq`, when it could be read.
    pub seq: Option<u64>,
    /// The row's `id`, when it could be read.
    pub id: Option<String>,
    /// Why.
    pub reason: Reason,
    /// What exactly, for a person.
    pub message: String,
}

impl Break {
    /// As a JSON value: `{position, seq?, id?, reason, message}`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("position".into(), self.position.into());
        if let Some(s) = self.seq {
            m.insert("seq".into(), s.into());
        }
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone().into());
        }
        m.insert("reason".into(), self.reason.as_str().into());
        m.insert("message".into(), self.message.clone().into());
        Value::Object(m)
    }
}

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
            return Err(bad(&format!("unknown head member {k:?}")));
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

fn hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Parses a plain lowercase UUID (`8-4-4-4-12` hex digits) to its 128 bits.
fn uuid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        v = (v << 4) | u128::from(d);
    }
    Some(v)
}

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

fn canonical(v: &Value) -> Vec<u8> {
    // Values here come from strict parsing or from the writer's checked
    // body: canonicalization cannot fail on them.
    canonical::canonicalize_value(v, &Options::default()).unwrap_or_default()
}

impl Event {
    fn body_value(&self) -> Map<String, Value> {
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
    fn parse_row(row: &[u8]) -> Result<(Event, Vec<u8>), (Reason, String)> {
        let canon = canonical_row(row)?;
        Ok((Self::from_canonical(&canon)?, canon))
    }

    /// Reads a row already in canonical form (the full reading, with every
    /// rule's message).
    fn from_canonical(canon: &[u8]) -> Result<Event, (Reason, String)> {
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
    fn hashed_bytes(canon: &[u8], hash: &[u8; 32], signature: &[u8; 64]) -> Option<Vec<u8>> {
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

    fn from_value(v: Value) -> Result<Event, (Reason, String)> {
        let Value::Object(mut obj) = v else {
            return Err((Reason::MalformedRow, "a row is a JSON object".into()));
        };
        if let Some(k) = obj.keys().find(|k| !COLUMNS.contains(&k.as_str())) {
            return Err((Reason::MalformedRow, format!("unknown column {k:?}")));
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

fn signing_input(
    hash: &[u8; 32],
    hash_alg: digest::Algorithm,
    sig_alg: Algorithm,
    signer: &str,
) -> Result<Vec<u8>, envelope::Error> {
    let payload = format!("{{\"hash\":\"{}:{}\"}}", hash_alg.name(), hex::encode(hash));
    envelope::signing_input(EVENT_KIND, payload.as_bytes(), sig_alg, signer)
}

/// An event prepared for a (possibly remote) signer.
#[derive(Clone, Debug)]
pub struct PreparedEvent {
    event: Event,
    prepared: envelope::Prepared,
}

impl PreparedEvent {
    /// What the signer must sign (the signing input, or its SHA-512 for
    /// `ed25519ph`).
    pub fn message(&self) -> Vec<u8> {
        self.prepared.message()
    }

    /// The event with every column but `signature` filled.
    pub fn event(&self) -> &Event {
        &self.event
    }
}

/// Appends events: fills `seq`, `prev_hash`, `hash` and the signature, and
/// never produces an unsigned or unlinked event.
#[derive(Clone, Debug)]
pub struct ChainWriter {
    head: Head,
    hash_alg: digest::Algorithm,
    signer_id: String,
    alg: Algorithm,
    key: PublicKey,
}

impl ChainWriter {
    /// A writer continuing from `head` ([`Head::default`] for a new chain),
    /// signing as `signer_id` with `alg`, whose signatures must verify under
    /// `expected_key` (the registered key).
    pub fn new(
        head: Head,
        hash_alg: digest::Algorithm,
        signer_id: &str,
        alg: Algorithm,
        expected_key: PublicKey,
    ) -> Result<Self, crate::Error> {
        signing_input(&head.hash, hash_alg, alg, signer_id)?;
        Ok(ChainWriter {
            head,
            hash_alg,
            signer_id: signer_id.to_string(),
            alg,
            key: expected_key,
        })
    }

    /// The current head.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// Builds the next event from `body` and the bytes to sign. The head
    /// moves only when a valid signature is attached.
    pub fn prepare(&self, body: EventBody) -> Result<PreparedEvent, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidEvent, m);
        let at = Timestamp::parse(&body.ts)?;
        if let Some(prev) = &self.head.ts {
            if at < Timestamp::parse(prev)? {
                return Err(Error::new(
                    ErrorCode::TsRegression,
                    format!("ts {} is before the head's {prev}", body.ts),
                )
                .into());
            }
        }
        canonical::canonicalize_value(&body.payload, &Options::default())?;
        let seq = self
            .head
            .seq
            .checked_add(1)
            .ok_or_else(|| bad("the chain is full".into()))?;
        let mut event = Event {
            id: body.id,
            seq,
            ts: body.ts,
            event_type: body.event_type,
            actor: body.actor,
            payload: body.payload,
            prev_hash: self.head.hash,
            hash: [0; 32],
            signer_id: self.signer_id.clone(),
            signature: [0; 64],
        };
        event.hash = event.compute_hash(self.hash_alg);
        // The row must read back as it will be verified.
        let mut probe = event.to_json().into_bytes();
        if let Err((_, m)) = Event::from_json(&probe) {
            return Err(bad(format!("the event would not be a valid row: {m}")).into());
        }
        probe.clear();
        let payload = format!(
            "{{\"hash\":\"{}:{}\"}}",
            self.hash_alg.name(),
            hex::encode(event.hash)
        );
        let env = Envelope::new(EVENT_KIND, payload.as_bytes())?;
        let prepared = env.prepare(&self.signer_id, self.alg)?;
        Ok(PreparedEvent { event, prepared })
    }

    /// Attaches the signer's answer (verified against the expected key;
    /// fails closed) and advances the head.
    pub fn attach(
        &mut self,
        prepared: PreparedEvent,
        signature: &[u8],
    ) -> Result<Event, crate::Error> {
        let entry = prepared.prepared.attach(signature, &self.key)?;
        if prepared.event.prev_hash != self.head.hash || prepared.event.seq != self.head.seq + 1 {
            return Err(Error::new(
                ErrorCode::InvalidEvent,
                "the prepared event no longer follows the head (another event was appended since)",
            )
            .into());
        }
        let mut event = prepared.event;
        event.signature = entry.sig;
        self.head = Head {
            hash: event.hash,
            seq: event.seq,
            ts: Some(event.ts.clone()),
        };
        Ok(event)
    }

    /// Prepares, signs with a local key and attaches.
    pub fn append(&mut self, body: EventBody, key: &SecretKey) -> Result<Event, crate::Error> {
        let prepared = self.prepare(body)?;
        let msg = prepared.message();
        let sig = match self.alg {
            Algorithm::Ed25519 => crate::sign::sign(key, &msg),
            Algorithm::Ed25519ph => crate::sign::sign_prehashed_digest(key, &msg)?,
        };
        self.attach(prepared, &sig)
    }
}

/// How a [`ChainVerifier`] runs.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The chain's digest algorithm (default SHA-256).
    pub hash_alg: digest::Algorithm,
    /// Stop at the first break (default: collect all).
    pub stop_at_first: bool,
    /// Keep every id to detect duplicates (default true; 16 bytes per
    /// event). Off, memory is constant.
    pub track_ids: bool,
    /// When set, [`ChainVerifier::finish`] checks the chain reaches this head
    /// (`truncated` if it ends before, `head_mismatch` if its hash at that
    /// seq differs).
    pub expected_head: Option<Head>,
    /// When set, the verifier checks the RFC 6962 root of the event hashes
    /// when it reaches `size` rows against this one (a signed checkpoint's:
    /// `checkpoint_mismatch`), and that the chain reaches that size
    /// (`truncated`).
    pub checkpoint: Option<TreeHead>,
    /// The longest row accepted, in bytes (default 1 MiB). A longer one is a
    /// `malformed_row` break, and its bytes are skipped up to the next
    /// newline without being buffered: a stream without newlines cannot
    /// make the verifier hold it in memory.
    pub max_row_bytes: usize,
    /// Threads for signature checks: `None` = every core. Only the
    /// `parallel` feature uses more than one; the verdict never depends on
    /// it.
    pub threads: Option<usize>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            hash_alg: digest::Algorithm::Sha256,
            stop_at_first: false,
            track_ids: true,
            expected_head: None,
            checkpoint: None,
            max_row_bytes: 1 << 20,
            threads: None,
        }
    }
}

/// The ten columns of a row as text (`seq` as read), before validation.
struct Columns<'a> {
    id: &'a str,
    ts: &'a str,
    event_type: &'a str,
    actor: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
    signer_id: &'a str,
    signature: &'a str,
    seq: Option<u64>,
}

/// A row's columns, checked.
struct Valid<'a> {
    id: &'a str,
    id_bits: u128,
    ts: &'a str,
    at: Timestamp,
    signer_id: &'a str,
    prev_hash: [u8; 32],
    hash: [u8; 32],
    signature: [u8; 64],
    seq: u64,
}

impl<'a> Valid<'a> {
    /// The checked columns of an event read in full (its fields were
    /// validated when it was read).
    fn of(e: &'a Event) -> Result<Valid<'a>, (Reason, String)> {
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
    fn validate(self) -> Result<Valid<'a>, (Reason, String)> {
        let invalid = |m: String| (Reason::InvalidField, m);
        let id_bits = uuid(self.id).ok_or_else(|| {
            invalid(format!(
                "id {:?} is not a plain lowercase UUID (8-4-4-4-12 hex digits)",
                self.id
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
    fn scan(canon: &'a [u8]) -> Option<Columns<'a>> {
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
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn lit(&mut self, s: &[u8]) -> Option<()> {
        let end = self.i.checked_add(s.len())?;
        (self.b.get(self.i..end)? == s).then(|| self.i = end)
    }

    /// A string without escapes (one with escapes takes the full path).
    fn string(&mut self) -> Option<&'a str> {
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
    fn integer(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        let start = self.i;
        while let Some(d) = self.b.get(self.i).filter(|b| b.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }

    /// Steps over one JSON value; stops before the `,` or `}` after it.
    fn skip_value(&mut self) -> Option<()> {
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

/// What linking needs of a row that could be read.
struct Facts {
    id: String,
    id_bits: u128,
    seq: u64,
    ts: String,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

/// A row checked on its own (the part of verification that can run in
/// parallel).
struct Checked {
    event: Option<Facts>,
    at: Option<Timestamp>,
    /// The first row-local failure: malformed, hash, signer, signature.
    row_error: Option<(Reason, String)>,
    hash_error: Option<String>,
    sig_error: Option<(Reason, String)>,
}

impl Checked {
    fn failed(e: (Reason, String)) -> Checked {
        Checked {
            event: None,
            at: None,
            row_error: Some(e),
            hash_error: None,
            sig_error: None,
        }
    }
}

/// A row's canonical bytes, or its `malformed_row` break.
fn canonical_row(row: &[u8]) -> Result<Vec<u8>, (Reason, String)> {
    canonical::canonicalize_text(row)
        .map_err(|e| (Reason::MalformedRow, format!("not strict JSON: {e}")))
}

/// A break reason with its message.
type Finding = (Reason, String);

/// The row-local verdicts after a row was read: whether `hash` is the
/// digest of the row (its message if not), and whether the signer's key
/// vouches at `ts` and the signature verifies.
fn check_read_row(
    canon: &[u8],
    v: &Valid<'_>,
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Result<(Option<String>, Option<Finding>), Finding> {
    let computed = match Event::hashed_bytes(canon, &v.hash, &v.signature) {
        Some(bytes) => *Digest::of(hash_alg, &bytes).as_bytes(),
        // Not reachable for a row that was read; kept as the definition.
        None => Event::from_canonical(canon)?.compute_hash(hash_alg),
    };
    let hash_error = (computed != v.hash).then(|| {
        format!(
            "hash {} is not the digest of the row ({})",
            hex::encode(v.hash),
            hex::encode(computed)
        )
    });
    Ok((hash_error, check_signature(v, registry, hash_alg)))
}

fn check_row(row: &[u8], registry: &SignerRegistry, hash_alg: digest::Algorithm) -> Checked {
    let canon = match canonical_row(row) {
        Ok(c) => c,
        Err(e) => return Checked::failed(e),
    };
    // The fast path reads the columns in place; anything else (and every
    // malformed row) goes through the full reading for its verdict.
    let full;
    let v = match Columns::scan(&canon) {
        Some(cols) => cols.validate(),
        None => {
            full = Event::from_canonical(&canon);
            match &full {
                Ok(e) => Valid::of(e),
                Err(e) => Err(e.clone()),
            }
        }
    };
    let v = match v {
        Ok(v) => v,
        Err(e) => return Checked::failed(e),
    };
    let (hash_error, sig_error) = match check_read_row(&canon, &v, registry, hash_alg) {
        Ok(verdicts) => verdicts,
        Err(e) => return Checked::failed(e),
    };
    Checked {
        event: Some(Facts {
            id: v.id.to_owned(),
            id_bits: v.id_bits,
            seq: v.seq,
            ts: v.ts.to_owned(),
            prev_hash: v.prev_hash,
            hash: v.hash,
        }),
        at: Some(v.at),
        row_error: None,
        hash_error,
        sig_error,
    }
}

/// The signer's key must vouch at the row's `ts` and the signature verify.
fn check_signature(
    v: &Valid<'_>,
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Option<(Reason, String)> {
    let Some(rec) = registry.get(v.signer_id) else {
        return Some((
            Reason::UnknownSigner,
            format!("signer {:?} is not in the registry", v.signer_id),
        ));
    };
    let key = match registry.key_for(v.signer_id, rec.algorithm(), &v.at) {
        Ok(key) => key,
        Err(r) => {
            return Some((
                Reason::from_registry(r),
                format!(
                    "signer {:?} does not vouch for events at {}: {}",
                    v.signer_id,
                    v.ts,
                    r.as_str()
                ),
            ))
        }
    };
    let ok = signing_input(&v.hash, hash_alg, rec.algorithm(), v.signer_id)
        .map(|input| envelope::verify_signing_input(rec.algorithm(), &input, &v.signature, key))
        .unwrap_or(false);
    (!ok).then(|| {
        (
            Reason::InvalidSignature,
            format!(
                "the signature does not verify under signer {:?}'s key",
                v.signer_id
            ),
        )
    })
}

/// Verifies one row on its own: well-formed, `hash` right, the signer's key
/// vouching at `ts` and the signature valid — everything but the links to
/// its neighbours (check those with a [`ChainVerifier`], or its place in
/// the chain with a Merkle inclusion proof against a signed checkpoint, as
/// the browser does). Returns the event, or the first reason it fails with a
/// message.
pub fn verify_row(
    row: &[u8],
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Result<Event, (Reason, String)> {
    let (event, canon) = Event::parse_row(row)?;
    let (hash_error, sig_error) = check_read_row(&canon, &Valid::of(&event)?, registry, hash_alg)?;
    if let Some(m) = hash_error {
        return Err((Reason::HashMismatch, m));
    }
    if let Some(e) = sig_error {
        return Err(e);
    }
    Ok(event)
}

/// Which check of [`verify_event_in_checkpoint`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventCheckStage {
    /// The row on its own ([`verify_row`]): reason is a break [`Reason`].
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
    /// The event, when its row verified on its own.
    pub event: Option<Event>,
    /// `None`: the event is valid and included at `index`.
    pub failure: Option<EventCheckFailure>,
}

impl EventInCheckpoint {
    /// True when the row verified and the proof leads to the root.
    pub fn valid(&self) -> bool {
        self.failure.is_none()
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
    let checkpoint = crate::merkle::open_checkpoint(checkpoint_note, keys)?;
    let mut out = EventInCheckpoint {
        checkpoint,
        index,
        event: None,
        failure: None,
    };
    let event = match verify_row(row, registry, hash_alg) {
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
        &crate::merkle::leaf_hash(&event.hash),
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

/// A verifier's resumable state (what a streaming consumer checkpoints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierState {
    /// The head reached.
    pub head: Head,
    /// Rows read so far (the next row's position).
    pub position: u64,
    /// Events accepted so far.
    pub count: u64,
    /// Breaks found so far.
    pub breaks: u64,
    /// The Merkle frontier over the event hashes read so far (size and
    /// subtree roots, largest first).
    pub merkle: Frontier,
    /// The verifier stopped at a break (`stop_at_first`): a resumed one
    /// reads nothing more.
    pub stopped: bool,
}

impl VerifierState {
    /// `{"head":{…},"position":n,"count":n,"breaks":n,"type":"trustcore.chain-verifier-state/v1"}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "type": "trustcore.chain-verifier-state/v1",
            "head": self.head.to_value(),
            "position": self.position,
            "count": self.count,
            "breaks": self.breaks,
            "stopped": self.stopped,
            "merkle": {
                "size": self.merkle.size(),
                "hashes": self.merkle.hashes().iter().map(hex::encode).collect::<Vec<_>>(),
            },
        })
    }

    /// Reads a state written by [`VerifierState::to_value`].
    pub fn from_value(v: &Value) -> Result<Self, Error> {
        let bad = |m: &str| Error::new(ErrorCode::InvalidState, m.to_string());
        if v.get("type").and_then(Value::as_str) != Some("trustcore.chain-verifier-state/v1") {
            return Err(bad(
                "\"type\" must be \"trustcore.chain-verifier-state/v1\"",
            ));
        }
        let n = |k: &str| {
            v.get(k)
                .and_then(Value::as_u64)
                .ok_or_else(|| bad(&format!("{k:?} must be a non-negative integer")))
        };
        let m = v.get("merkle").unwrap_or(&Value::Null);
        let hashes = m
            .get("hashes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("\"merkle\" needs \"size\" and \"hashes\""))?
            .iter()
            .map(|h| h.as_str().and_then(hex32))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("merkle hashes must be 64 lowercase hex digits"))?;
        let size = m
            .get("size")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("\"merkle\" needs \"size\" and \"hashes\""))?;
        let merkle = Frontier::from_parts(size, &hashes).map_err(|e| bad(e.message()))?;
        Ok(VerifierState {
            head: Head::from_value(v.get("head").unwrap_or(&Value::Null))?,
            position: n("position")?,
            count: n("count")?,
            breaks: n("breaks")?,
            merkle,
            stopped: match v.get("stopped") {
                None => false,
                Some(b) => b
                    .as_bool()
                    .ok_or_else(|| bad("\"stopped\" must be a boolean"))?,
            },
        })
    }
}

/// The outcome of verifying a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// No breaks.
    pub valid: bool,
    /// The head reached (the last event accepted or resynchronised on).
    pub head: Head,
    /// Rows read.
    pub rows: u64,
    /// The breaks, in stream order (only the first with `stop_at_first`).
    pub breaks: Vec<Break>,
    /// The RFC 6962 tree head over the hashes of every readable row, in
    /// stream order: what a checkpoint of this chain commits to.
    pub merkle: TreeHead,
}

impl ChainReport {
    /// As a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "valid": self.valid,
            "head": self.head.to_value(),
            "rows": self.rows,
            "breaks": self.breaks.iter().map(Break::to_value).collect::<Vec<_>>(),
            "merkle": self.merkle.to_value(),
        })
    }

    /// As canonical JSON text.
    pub fn to_json(&self) -> String {
        String::from_utf8(canonical(&self.to_value())).unwrap_or_default()
    }
}

/// Rows buffered before a batch is checked (in parallel with the
/// `parallel` feature).
const BATCH: usize = 1024;

/// The ids seen so far, exactly, in 16 bytes each plus a few percent: a
/// small hash set of recent ids, and the older ones as one sorted sequence
/// stored in fixed blocks, merged in place when the recent set fills.
///
/// A plain `HashSet<u128>` would hold 2-3 times as much (its load factor,
/// and its doubling on growth), which is what a 1M-event audit under 64 MB
/// cannot afford. Blocks, not one vector, so that growing never reallocates
/// (and for a moment doubles) the whole set: the peak is the set plus one
/// block and the recent ids. 16 bytes is close to the floor for exact
/// answers: a million random UUIDs carry about 13 bytes of information
/// each.
#[derive(Debug, Default)]
struct IdSet {
    recent: HashSet<u128>,
    /// Sorted ids, `BLOCK` per block (the last one partly used).
    blocks: Vec<Box<[u128]>>,
    len: usize,
}

impl IdSet {
    const SHIFT: u32 = 14;
    /// Ids per block (256 KiB).
    const BLOCK: usize = 1 << Self::SHIFT;
    /// The recent set is merged when it holds this many ids, or 1/128 of
    /// the sorted ones if more: few merges on long chains, little memory.
    const RECENT: usize = 4096;

    fn sorted_contains(&self, id: u128) -> bool {
        // The last block whose first id is <= `id` is the only one that
        // can hold it.
        let b = self
            .blocks
            .partition_point(|blk| blk.first().is_some_and(|f| *f <= id));
        let Some(b) = b.checked_sub(1) else {
            return false;
        };
        let used = self.len.saturating_sub(b * Self::BLOCK).min(Self::BLOCK);
        self.blocks
            .get(b)
            .and_then(|blk| blk.get(..used))
            .is_some_and(|blk| blk.binary_search(&id).is_ok())
    }

    fn at(&mut self, i: usize) -> Option<&mut u128> {
        self.blocks
            .get_mut(i >> Self::SHIFT)?
            .get_mut(i & (Self::BLOCK - 1))
    }

    /// Adds `id`; false when it was already there.
    fn insert(&mut self, id: u128) -> bool {
        if self.sorted_contains(id) || !self.recent.insert(id) {
            return false;
        }
        if self.recent.len() >= Self::RECENT.max(self.len / 128) {
            self.merge_recent();
        }
        true
    }

    /// Moves the recent ids into the sorted blocks (a merge from the back,
    /// into room added at the end).
    fn merge_recent(&mut self) {
        let mut batch: Vec<u128> = self.recent.drain().collect();
        batch.sort_unstable();
        let old = self.len;
        let new_len = old + batch.len();
        while self.blocks.len() * Self::BLOCK < new_len {
            self.blocks
                .push(vec![0u128; Self::BLOCK].into_boxed_slice());
        }
        self.len = new_len;
        let (mut i, mut j, mut k) = (old, batch.len(), new_len);
        while let Some(&b) = j.checked_sub(1).and_then(|p| batch.get(p)) {
            k -= 1;
            let top = i.checked_sub(1).and_then(|p| self.at(p)).map(|v| *v);
            let v = match top {
                Some(t) if t > b => {
                    i -= 1;
                    t
                }
                _ => {
                    j -= 1;
                    b
                }
            };
            if let Some(slot) = self.at(k) {
                *slot = v;
            }
        }
    }
}

/// Verifies a chain fed one row (or one chunk of JSONL bytes) at a time.
#[derive(Debug)]
pub struct ChainVerifier {
    registry: Arc<SignerRegistry>,
    options: VerifyOptions,
    head: Head,
    last_ts: Option<Timestamp>,
    position: u64,
    count: u64,
    breaks: Vec<Break>,
    break_count: u64,
    ids: IdSet,
    tree: Frontier,
    pending: Vec<Vec<u8>>,
    partial: Vec<u8>,
    /// Bytes of the current over-long line skipped so far (0: none).
    skipping: usize,
    /// Pending rows that stand for over-long lines: (index, length).
    too_long: Vec<(usize, usize)>,
    stopped: bool,
}

impl ChainVerifier {
    /// A verifier for a chain from its first event.
    pub fn new(registry: SignerRegistry, options: VerifyOptions) -> Self {
        Self::resume(
            registry,
            options,
            VerifierState {
                head: Head::default(),
                position: 0,
                count: 0,
                breaks: 0,
                merkle: Frontier::new(),
                stopped: false,
            },
        )
    }

    /// A verifier that continues from a trusted head or a saved state
    /// (ids from before are not known, so duplicates across the resume
    /// point are not detected).
    pub fn resume(registry: SignerRegistry, options: VerifyOptions, state: VerifierState) -> Self {
        let last_ts = state
            .head
            .ts
            .as_deref()
            .and_then(|t| Timestamp::parse(t).ok());
        ChainVerifier {
            registry: Arc::new(registry),
            options,
            head: state.head,
            last_ts,
            position: state.position,
            count: state.count,
            breaks: Vec::new(),
            break_count: state.breaks,
            ids: IdSet::default(),
            tree: state.merkle,
            pending: Vec::with_capacity(BATCH),
            partial: Vec::new(),
            skipping: 0,
            too_long: Vec::new(),
            stopped: state.stopped,
        }
    }

    /// Feeds one row (one JSONL line, without its newline).
    pub fn push_row(&mut self, row: &[u8]) {
        if self.stopped {
            return;
        }
        if row.len() > self.options.max_row_bytes {
            self.push_too_long(row.len());
            return;
        }
        self.pending.push(row.to_vec());
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    /// Feeds a chunk of JSONL bytes; lines may span chunks. Empty lines
    /// (and a final newline) are skipped; `\r\n` is accepted.
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(nl);
            rest = tail.get(1..).unwrap_or_default();
            if self.skipping > 0 {
                let len = self.skipping + line.len();
                self.skipping = 0;
                self.push_too_long(len);
            } else if self.partial.is_empty() {
                self.push_line(line);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.push_line(&whole);
            }
        }
        if self.skipping > 0 {
            self.skipping += rest.len();
        } else if self.partial.len() + rest.len() > self.options.max_row_bytes {
            self.skipping = self.partial.len() + rest.len();
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(rest);
        }
    }

    /// Records an over-long row in stream order (its bytes are gone).
    fn push_too_long(&mut self, len: usize) {
        if self.stopped {
            return;
        }
        self.pending.push(Vec::new());
        self.too_long.push((self.pending.len() - 1, len));
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    fn push_line(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.iter().all(|b| b.is_ascii_whitespace()) {
            self.push_row(line);
        }
    }

    fn flush(&mut self) {
        let rows = std::mem::take(&mut self.pending);
        let too_long = std::mem::take(&mut self.too_long);
        self.check_and_link(&rows, &too_long);
        self.pending = rows;
        self.pending.clear();
    }

    /// The verdict for row `i` of a batch: an over-long row (its bytes
    /// already dropped) is malformed whatever is left of it.
    fn overlong(&self, too_long: &[(usize, usize)], i: usize) -> Option<Checked> {
        let &(_, len) = too_long.iter().find(|(at, _)| *at == i)?;
        Some(Checked::failed((
            Reason::MalformedRow,
            format!(
                "the row is {len} bytes, longer than max_row_bytes ({}); skipped",
                self.options.max_row_bytes
            ),
        )))
    }

    /// Checks the rows of a batch and links them, in order, on this thread.
    fn check_and_link_here(&mut self, rows: &[Vec<u8>], too_long: &[(usize, usize)]) {
        for (i, row) in rows.iter().enumerate() {
            if self.stopped {
                return;
            }
            let c = match self.overlong(too_long, i) {
                Some(c) => c,
                None => check_row(row, &self.registry, self.options.hash_alg),
            };
            self.link(c);
        }
    }

    #[cfg(not(feature = "parallel"))]
    fn check_and_link(&mut self, rows: &[Vec<u8>], too_long: &[(usize, usize)]) {
        self.check_and_link_here(rows, too_long)
    }

    /// Checks the rows of a batch on several threads and links them in
    /// order as they come in. Threads take small runs of rows from a shared
    /// counter, so a slow run does not leave a core idle; this thread takes
    /// runs too and, between them, links every run that is ready, so the
    /// order-dependent work overlaps the signature checks. The links, and so
    /// the report, are exactly those of [`Self::check_and_link_here`].
    #[cfg(feature = "parallel")]
    fn check_and_link(&mut self, rows: &[Vec<u8>], too_long: &[(usize, usize)]) {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Mutex;
        /// Rows per run: small enough that the last run of a batch keeps
        /// the other cores waiting briefly, large enough that taking one is
        /// rare next to the checks.
        const RUN: usize = 8;
        let threads = self
            .options
            .threads
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            })
            .clamp(1, rows.len().div_ceil(RUN).max(1));
        if threads <= 1 {
            return self.check_and_link_here(rows, too_long);
        }
        let runs = rows.len().div_ceil(RUN);
        let slots: Vec<Mutex<Option<Vec<Checked>>>> = (0..runs).map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let quit = AtomicBool::new(false);
        let registry = Arc::clone(&self.registry);
        let alg = self.options.hash_alg;
        // Checks run `r` into its slot; false when there is none left.
        let take_run = || {
            let r = next.fetch_add(1, Ordering::Relaxed);
            let Some(run) = rows.chunks(RUN).nth(r) else {
                return false;
            };
            let checked = run
                .iter()
                .map(|row| check_row(row, &registry, alg))
                .collect();
            if let Some(slot) = slots.get(r) {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(checked);
            }
            true
        };
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(|| {
                    // Runs until none is left (or the verifier stopped).
                    while !quit.load(Ordering::Relaxed) {
                        if !take_run() {
                            break;
                        }
                    }
                });
            }
            let mut linked = 0;
            while linked < runs && !self.stopped {
                let ready = slots
                    .get(linked)
                    .and_then(|slot| slot.lock().unwrap_or_else(|e| e.into_inner()).take());
                match ready {
                    Some(checked) => {
                        for (j, c) in checked.into_iter().enumerate() {
                            if self.stopped {
                                break;
                            }
                            let c = self.overlong(too_long, linked * RUN + j).unwrap_or(c);
                            self.link(c);
                        }
                        linked += 1;
                    }
                    // Nothing to link yet: check a run, or wait for the
                    // last ones.
                    None => {
                        if !take_run() {
                            std::thread::yield_now();
                        }
                    }
                }
            }
            quit.store(true, Ordering::Relaxed);
        });
    }

    fn report(&mut self, position: u64, event: Option<&Facts>, reason: Reason, message: String) {
        self.break_count += 1;
        if self.options.stop_at_first {
            self.stopped = true;
        }
        self.breaks.push(Break {
            position,
            seq: event.map(|e| e.seq),
            id: event.map(|e| e.id.clone()),
            reason,
            message,
        });
    }

    /// The order-dependent checks, then the row's own verdicts.
    fn link(&mut self, c: Checked) {
        let position = self.position;
        self.position += 1;
        let Some(event) = c.event else {
            let (reason, message) = c
                .row_error
                .unwrap_or((Reason::MalformedRow, "unreadable row".into()));
            self.report(position, None, reason, message);
            return;
        };
        let mut reason: Option<(Reason, String)> = None;
        if self.options.track_ids && !self.ids.insert(event.id_bits) {
            reason = Some((
                Reason::DuplicateId,
                format!("id {} appeared before", event.id),
            ));
        } else if event.seq != self.head.seq.wrapping_add(1) {
            reason = Some((
                Reason::SeqGap,
                format!("seq {} follows seq {}", event.seq, self.head.seq),
            ));
        } else if event.prev_hash != self.head.hash {
            reason = Some((
                Reason::PrevHashMismatch,
                format!(
                    "prev_hash {} is not the previous hash {}",
                    hex::encode(event.prev_hash),
                    hex::encode(self.head.hash)
                ),
            ));
        } else if let Some(m) = c.hash_error {
            reason = Some((Reason::HashMismatch, m));
        } else if let (Some(prev), Some(at)) = (&self.last_ts, &c.at) {
            if at < prev {
                reason = Some((
                    Reason::TsRegression,
                    format!("ts {} is before the previous event's {prev}", event.ts),
                ));
            }
        }
        if reason.is_none() {
            reason = c.sig_error;
        }
        match reason {
            Some((r, m)) => self.report(position, Some(&event), r, m),
            None => self.count += 1,
        }
        self.tree.push_data(&event.hash);
        if let Some(cp) = self.options.checkpoint {
            if self.tree.size() == cp.size && self.tree.root() != cp.root && !self.stopped {
                let m = format!(
                    "the Merkle root of the first {} events is {}, the checkpoint's is {}",
                    cp.size,
                    hex::encode(self.tree.root()),
                    hex::encode(cp.root)
                );
                self.report(position, Some(&event), Reason::CheckpointMismatch, m);
            }
        }
        // Resynchronise on the row's own claims, so one bad row is one break.
        if c.at.is_some() {
            self.last_ts = c.at;
        }
        self.head = Head {
            hash: event.hash,
            seq: event.seq,
            ts: Some(event.ts),
        };
    }

    /// Checks everything fed so far (a partial last line stays buffered) and
    /// returns the resumable state.
    pub fn state(&mut self) -> VerifierState {
        self.flush();
        VerifierState {
            head: self.head.clone(),
            position: self.position,
            count: self.count,
            breaks: self.break_count,
            merkle: self.tree.clone(),
            stopped: self.stopped,
        }
    }

    /// Breaks found so far (checks pending rows first).
    pub fn breaks(&mut self) -> &[Break] {
        self.flush();
        &self.breaks
    }

    /// Ends the stream: checks what is left (a last line without newline
    /// included) and the expected head, and reports.
    pub fn finish(mut self) -> ChainReport {
        if self.skipping > 0 {
            let len = std::mem::take(&mut self.skipping);
            self.push_too_long(len);
        } else if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.push_line(&line);
        }
        self.flush();
        if let Some(expected) = self.options.expected_head.clone() {
            if !self.stopped {
                if self.head.seq < expected.seq {
                    let m = format!(
                        "the chain ends at seq {}; the expected head is at seq {}",
                        self.head.seq, expected.seq
                    );
                    self.report(self.position, None, Reason::Truncated, m);
                } else if self.head.seq == expected.seq && self.head.hash != expected.hash {
                    let m = format!(
                        "the chain's hash at seq {} is {}, the expected head's is {}",
                        expected.seq,
                        hex::encode(self.head.hash),
                        hex::encode(expected.hash)
                    );
                    self.report(self.position, None, Reason::HeadMismatch, m);
                }
            }
        }
        if let Some(cp) = self.options.checkpoint {
            if !self.stopped && self.tree.size() < cp.size {
                let m = format!(
                    "the chain has {} events; the checkpoint commits to {}",
                    self.tree.size(),
                    cp.size
                );
                self.report(self.position, None, Reason::Truncated, m);
            }
        }
        ChainReport {
            valid: self.break_count == 0,
            head: self.head,
            rows: self.position,
            breaks: self.breaks,
            merkle: TreeHead {
                size: self.tree.size(),
                root: self.tree.root(),
            },
        }
    }
}

/// Verifies a whole JSONL export in one call.
pub fn verify_jsonl(text: &[u8], registry: SignerRegistry, options: VerifyOptions) -> ChainReport {
    let mut v = ChainVerifier::new(registry, options);
    v.push_bytes(text);
    v.finish()
}

/// Two or more events that claim the same predecessor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fork {
    /// The shared `prev_hash`.
    pub prev_hash: [u8; 32],
    /// The competing events' ids, in the order of their hashes (the first
    /// is the branch replay followed).
    pub ids: Vec<String>,
    /// Their hashes, in the same order.
    pub hashes: Vec<[u8; 32]>,
}

/// The outcome of [`replay`].
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    /// The events in chain order, from the start head.
    pub events: Vec<Event>,
    /// Every fork met (and ones among unreachable events), ordered by
    /// `prev_hash`.
    pub forks: Vec<Fork>,
    /// Ids of readable events that do not hang off the replayed chain
    /// (their predecessor is missing, or they are on a losing branch).
    pub orphans: Vec<String>,
    /// Positions (in the input) of rows that could not be read, with why.
    pub malformed: Vec<(usize, Reason)>,
}

impl Replay {
    /// As a JSON value: `{"events":[rows],"forks":[…],"orphans":[…],"malformed":[…]}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "events": self.events.iter().map(|e| serde_json::from_str::<Value>(&e.to_json()).unwrap_or(Value::Null)).collect::<Vec<_>>(),
            "forks": self.forks.iter().map(|f| serde_json::json!({
                "prev_hash": hex::encode(f.prev_hash),
                "ids": f.ids,
                "hashes": f.hashes.iter().map(hex::encode).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "orphans": self.orphans,
            "malformed": self.malformed.iter().map(|(p, r)| serde_json::json!({"position": p, "reason": r.as_str()})).collect::<Vec<_>>(),
        })
    }
}

/// Deterministic replay: given rows in any order (several workers'
/// exports, a database without an ORDER BY), returns the one chain order by
/// following `prev_hash` links from `start` (the genesis head for a whole
/// chain), and reports forks (two events with the same `prev_hash`),
/// orphans and unreadable rows. At a fork the branch whose head event has
/// the smallest hash is followed, so every language picks the same one.
/// Replay orders; it does not verify: feed `events` to a [`ChainVerifier`]
/// for hashes, signatures and windows. Memory is proportional to the input.
pub fn replay<R: AsRef<[u8]>>(rows: &[R], start: &Head) -> Replay {
    use std::collections::BTreeMap;
    let mut by_prev: BTreeMap<[u8; 32], Vec<Event>> = BTreeMap::new();
    let mut malformed = Vec::new();
    let mut seen_hashes: HashSet<[u8; 32]> = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        match Event::from_json(row.as_ref()) {
            Ok(e) => {
                // The same row twice is one event, not a fork.
                if seen_hashes.insert(e.hash) {
                    by_prev.entry(e.prev_hash).or_default().push(e);
                }
            }
            Err((reason, _)) => malformed.push((i, reason)),
        }
    }
    let mut forks = Vec::new();
    for (prev, list) in by_prev.iter_mut() {
        list.sort_by_key(|e| e.hash);
        if list.len() > 1 {
            forks.push(Fork {
                prev_hash: *prev,
                ids: list.iter().map(|e| e.id.clone()).collect(),
                hashes: list.iter().map(|e| e.hash).collect(),
            });
        }
    }
    let mut events = Vec::new();
    let mut cur = start.hash;
    // Each step consumes the first candidate, so this ends (a cycle would
    // need a hash that is its own ancestor).
    while let Some(list) = by_prev.get_mut(&cur) {
        if list.is_empty() {
            break;
        }
        let next = list.remove(0);
        cur = next.hash;
        events.push(next);
    }
    let mut orphans: Vec<String> = by_prev.into_values().flatten().map(|e| e.id).collect();
    orphans.sort();
    Replay {
        events,
        forks,
        orphans,
        malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_set_is_exact_across_merges() {
        let mut set = IdSet::default();
        let mut reference = HashSet::new();
        let mut seen = Vec::new();
        let mut x: u128 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..(3 * IdSet::BLOCK + 123) {
            // Fresh ids, and every 97th one seen long before (in the sorted
            // part) or just before (in the recent set).
            let id = match i % 97 {
                0 if i > 0 => seen[i / 3],
                1 if i > 1 => seen[i - 2],
                _ => x,
            };
            assert_eq!(set.insert(id), reference.insert(id), "{i}");
            seen.push(id);
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
        }
        let mut all: Vec<u128> = set.blocks.iter().flat_map(|b| b.iter().copied()).collect();
        all.truncate(set.len);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(set.len > IdSet::BLOCK, "the test must cross blocks");
    }

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
