//! Signed snapshots of trace batches (`docs/snapshots.md`).
//!
//! A snapshot is a batch of trace records written as canonical JSONL (one
//! canonical record per line), and its signed metadata with the seed's
//! field names — `snapshot_id`, `trace_range`, `hash`, `signer_kid`,
//! `signature`, `ts` — plus `type`, `records`, `merkle_root` and `alg`.
//!
//! What it guarantees:
//! - The builder takes records one at a time in O(1) memory and returns
//!   each canonical line to write out; the core never compresses or stores.
//! - `hash` is the named digest (SHA-256 default, BLAKE3 for large batches)
//!   of the canonical JSONL bytes; `merkle_root` is the RFC 6962 root over
//!   the records (leaf = SHA-256(0x00 ‖ canonical record)), so one record
//!   can be proven to be in a snapshot on its own.
//! - `trace_range` is exactly `{first_trace_id, last_trace_id, start,
//!   end}`: the trace ids of the first and last records in batch order and
//!   the earliest and latest record times (RFC 3339, canonical), read at
//!   declared JSON Pointers; verification recomputes it.
//! - The signature is over a typed envelope of kind `trustcore.snapshot`
//!   whose payload is the metadata without `signature`, so it can never be
//!   replayed as another record; a remote signer's answer is verified
//!   before any metadata exists (fail closed).
//! - Verification re-canonicalizes every line: a line that is not
//!   canonical, or not JSON, is a failure naming its line number.

use crate::canonical::{self, Options as CanonOptions};
use crate::chain::{EventBody, Row};
use crate::digest::{self, Digest, Hasher};
use crate::envelope::{self, Algorithm};
use crate::keys::{PublicKey, SecretKey};
use crate::merkle::{self, Frontier, Hash};
use crate::options::{Naming, Reader};
use crate::registry::SignerRegistry;
use crate::text::quote;
use crate::time::Timestamp;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The envelope kind snapshot signatures are made under.
pub const SNAPSHOT_KIND: &str = "trustcore.snapshot";
/// The `type` of snapshot metadata.
pub const SNAPSHOT_TYPE: &str = "trustcore.snapshot/v1";
/// The event type of the audit event that publishes a snapshot.
pub const PUBLISHED_EVENT: &str = "snapshot.published";

stable_codes! {
    /// Stable error codes of the snapshot module (API misuse and bad
    /// documents; a failed verification is a report, not an error).
    pub enum ErrorCode {
        /// A record handed to the builder that cannot be written: not
        /// strict JSON, or without a string trace id or an RFC 3339 time at
        /// the declared pointers.
        InvalidRecord = "invalid_record",
        /// Snapshot metadata that is not of the documented shape.
        InvalidMetadata = "invalid_metadata",
        /// A snapshot with no records, or a bad snapshot id or time.
        InvalidSnapshot = "invalid_snapshot",
        /// A remote signer's answer that does not verify under the expected
        /// key: no metadata is produced.
        RemoteSignatureInvalid = "remote_signature_invalid",
        /// An audit event that does not publish this snapshot.
        EventMismatch = "event_mismatch",
    }
}

coded_error! {
    /// A snapshot error.
}

stable_codes! {
    /// Why a snapshot does not verify (report data).
    pub enum Failure {
        /// A line that is not strict I-JSON.
        MalformedLine = "malformed_line",
        /// A line that is JSON but not its own canonical form (re-spelled,
        /// reordered, edited by a tool).
        NotCanonical = "not_canonical",
        /// A record without a string trace id or a valid time at the
        /// declared pointers.
        MissingField = "missing_field",
        /// The batch has another number of records than the metadata says.
        CountMismatch = "count_mismatch",
        /// The digest of the batch is not the metadata's `hash`.
        HashMismatch = "hash_mismatch",
        /// The Merkle root over the records is not `merkle_root`.
        MerkleMismatch = "merkle_mismatch",
        /// The batch's trace range is not `trace_range`.
        TraceRangeMismatch = "trace_range_mismatch",
        /// `signer_kid` is not in the registry.
        UnknownSigner = "unknown_signer",
        /// The key's window starts after `ts`.
        SignerNotYetValid = "signer_not_yet_valid",
        /// The key's window ends at or before `ts`.
        SignerExpired = "signer_expired",
        /// The key (or one it was rotated from) is revoked at or before `ts`.
        SignerRevoked = "signer_revoked",
        /// The metadata's `alg` is not the one registered for the signer.
        AlgorithmMismatch = "algorithm_mismatch",
        /// The signature does not verify.
        InvalidSignature = "invalid_signature",
        /// The inclusion proof of one record does not lead to `merkle_root`.
        NotIncluded = "not_included",
    }
}

impl Failure {
    fn from_registry(r: crate::registry::Reason) -> Failure {
        use crate::registry::Reason as R;
        match r {
            R::UnknownSigner => Failure::UnknownSigner,
            R::SignerNotYetValid => Failure::SignerNotYetValid,
            R::SignerExpired => Failure::SignerExpired,
            R::SignerRevoked => Failure::SignerRevoked,
            R::AlgorithmMismatch => Failure::AlgorithmMismatch,
            _ => Failure::InvalidSignature,
        }
    }
}

/// How records are read: the digest and where the trace id and time are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotOptions {
    /// The batch digest (default SHA-256).
    pub hash_alg: digest::Algorithm,
    /// JSON Pointer of each record's trace id (default `/trace_id`).
    pub trace_id: String,
    /// JSON Pointer of each record's time (default `/ts`).
    pub ts: String,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            hash_alg: digest::Algorithm::Sha256,
            trace_id: "/trace_id".into(),
            ts: "/ts".into(),
        }
    }
}

impl SnapshotOptions {
    /// Reads `{hash_alg?, trace_id?, ts?}` as a binding hands them over.
    pub fn from_value(v: Option<&Value>, naming: Naming) -> Result<Self, crate::Error> {
        let mut r = Reader::new(v, naming)?;
        let mut o = SnapshotOptions::default();
        if let Some(a) = r.choice("hash_alg", &["sha256", "blake3"])? {
            o.hash_alg = digest::Algorithm::from_name(a)?;
        }
        for (name, slot) in [("trace_id", &mut o.trace_id), ("ts", &mut o.ts)] {
            if let Some(p) = r.string(name)? {
                if !p.starts_with('/') {
                    return Err(r
                        .invalid(name, "a JSON Pointer (starting with /)", &Value::from(p))
                        .into());
                }
                *slot = p.to_string();
            }
        }
        r.finish()?;
        Ok(o)
    }

    fn tokens(p: &str) -> Vec<String> {
        p.split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    }
}

/// The value at a JSON Pointer in canonical text (no tree is built).
fn lookup<'t>(text: &'t [u8], tokens: &[String]) -> Option<&'t [u8]> {
    let mut cur = text;
    for t in tokens {
        cur = member(cur, t)?;
    }
    Some(cur)
}

/// Steps over one JSON value starting at `i` (canonical text); returns its
/// end.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let start = i;
    while let Some(&c) = b.get(i) {
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    in_str = false;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        return (i > start).then_some(i);
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b',' if depth == 0 => return Some(i),
                _ => {}
            }
        }
        i += 1;
    }
    (depth == 0 && !in_str && i > start).then_some(i)
}

/// The value of member `name` of the object `obj` (canonical text), or of
/// element `name` of an array.
fn member<'t>(obj: &'t [u8], name: &str) -> Option<&'t [u8]> {
    match obj.first()? {
        b'{' => {
            let key =
                canonical::canonicalize_value(&Value::from(name), &CanonOptions::default()).ok()?;
            let mut i = 1;
            while i < obj.len() && obj[i] != b'}' {
                let k_end = value_end(obj, i)?;
                let is = obj.get(i..k_end)? == key.as_slice();
                let v_start = k_end + 1; // after ':'
                let v_end = value_end(obj, v_start)?;
                if is {
                    return obj.get(v_start..v_end);
                }
                i = v_end + usize::from(obj.get(v_end) == Some(&b','));
            }
            None
        }
        b'[' => {
            let want: usize = name
                .parse()
                .ok()
                .filter(|_| name == "0" || !name.starts_with('0'))?;
            let mut i = 1;
            let mut n = 0;
            while i < obj.len() && obj[i] != b']' {
                let end = value_end(obj, i)?;
                if n == want {
                    return obj.get(i..end);
                }
                n += 1;
                i = end + usize::from(obj.get(end) == Some(&b','));
            }
            None
        }
        _ => None,
    }
}

/// The string a canonical JSON string span holds (no copy when it has no
/// escapes, the common case).
fn string_value(span: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    let inner = span.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if !inner.contains(&b'\\') && !inner.contains(&b'"') {
        return std::str::from_utf8(inner)
            .ok()
            .map(std::borrow::Cow::Borrowed);
    }
    serde_json::from_slice::<Value>(span)
        .ok()?
        .as_str()
        .map(|s| std::borrow::Cow::Owned(s.to_string()))
}

/// The trace range of a batch, as it is built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Range {
    first: Option<String>,
    /// The last id (its buffer is reused from record to record).
    last: String,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl Range {
    fn push(&mut self, id: &str, at: Timestamp) {
        if self.first.is_none() {
            self.first = Some(id.to_string());
        }
        self.last.clear();
        self.last.push_str(id);
        self.start = Some(self.start.map_or(at, |s| s.min(at)));
        self.end = Some(self.end.map_or(at, |e| e.max(at)));
    }

    fn to_value(&self) -> Value {
        json!({
            "first_trace_id": self.first,
            "last_trace_id": self.first.as_ref().map(|_| self.last.as_str()),
            "start": self.start.map(|t| t.to_string()),
            "end": self.end.map(|t| t.to_string()),
        })
    }
}

/// Where each record's trace id and time are: JSON Pointers, and for the
/// common case of two top-level members their names, which the
/// canonicalizer finds as it parses (no second scan of the record).
#[derive(Clone, Debug)]
struct Fields {
    id: Vec<String>,
    ts: Vec<String>,
    top: Option<[Vec<u8>; 2]>,
}

impl Fields {
    fn new(id: &str, ts: &str) -> Fields {
        let (id, ts) = (SnapshotOptions::tokens(id), SnapshotOptions::tokens(ts));
        let top = match (id.as_slice(), ts.as_slice()) {
            ([a], [b]) => Some([a.as_bytes().to_vec(), b.as_bytes().to_vec()]),
            _ => None,
        };
        Fields { id, ts, top }
    }

    /// Canonicalizes a record's text into `out`; the spans of its trace id
    /// and time in `out`.
    fn canonicalize(
        &self,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<[Option<(usize, usize)>; 2], canonical::Error> {
        match &self.top {
            Some([a, b]) => {
                let names: [&[u8]; 2] = [a, b];
                let f = canonical::canonicalize_text_capturing(
                    input,
                    &CanonOptions::default(),
                    out,
                    &names,
                )?;
                Ok([f[0], f[1]])
            }
            None => {
                canonical::canonicalize_text_into(input, &CanonOptions::default(), out)?;
                Ok(self.spans(out))
            }
        }
    }

    /// The spans of the trace id and time in canonical text.
    fn spans(&self, line: &[u8]) -> [Option<(usize, usize)>; 2] {
        let at = |tokens: &[String]| {
            let v = lookup(line, tokens)?;
            let start = v.as_ptr() as usize - line.as_ptr() as usize;
            Some((start, start + v.len()))
        };
        [at(&self.id), at(&self.ts)]
    }

    /// Reads one canonical record's trace id and time into `range`.
    fn read(
        line: &[u8],
        spans: [Option<(usize, usize)>; 2],
        range: &mut Range,
    ) -> Result<(), String> {
        let span = |s: Option<(usize, usize)>| s.and_then(|(a, b)| line.get(a..b));
        let id = span(spans[0]).and_then(string_value).ok_or_else(|| {
            "the record has no string trace id at the declared pointer".to_string()
        })?;
        let ts = span(spans[1]).and_then(string_value).ok_or_else(|| {
            "the record has no time (an RFC 3339 string) at the declared pointer".to_string()
        })?;
        let at =
            Timestamp::parse(&ts).map_err(|e| format!("the record's time: {}", e.message()))?;
        range.push(&id, at);
        Ok(())
    }
}

/// What is wrong with a snapshot id, if anything: the same rule when a
/// snapshot is built and when its metadata is read.
fn snapshot_id_problem(id: &str) -> Option<&'static str> {
    (id.is_empty() || id.chars().count() > 128 || id.chars().any(char::is_control))
        .then_some("snapshot_id must be 1-128 characters without control characters")
}

/// Builds a snapshot from records fed one at a time.
#[derive(Debug)]
pub struct SnapshotBuilder {
    options: SnapshotOptions,
    fields: Fields,
    hasher: Hasher,
    tree: Frontier,
    count: u64,
    range: Range,
    line: Vec<u8>,
}

impl SnapshotBuilder {
    /// A builder (see [`SnapshotOptions`]).
    pub fn new(options: SnapshotOptions) -> Self {
        SnapshotBuilder {
            fields: Fields::new(&options.trace_id, &options.ts),
            hasher: Hasher::new(options.hash_alg),
            tree: Frontier::new(),
            count: 0,
            range: Range::default(),
            line: Vec::new(),
            options,
        }
    }

    /// Adds a record given as JSON text and returns its line (canonical
    /// JSON and `\n`) to write to the batch.
    pub fn push_text(&mut self, record: &[u8]) -> Result<&[u8], crate::Error> {
        let spans = self.fields.canonicalize(record, &mut self.line)?;
        self.add(spans)
    }

    /// Adds a record given as a value.
    pub fn push_value(&mut self, record: &Value) -> Result<&[u8], crate::Error> {
        self.line = canonical::canonicalize_value(record, &CanonOptions::default())?;
        let spans = self.fields.spans(&self.line);
        self.add(spans)
    }

    fn add(&mut self, spans: [Option<(usize, usize)>; 2]) -> Result<&[u8], crate::Error> {
        Fields::read(&self.line, spans, &mut self.range).map_err(|m| {
            Error::new(
                ErrorCode::InvalidRecord,
                format!("record {}: {m}", self.count + 1),
            )
        })?;
        self.tree.push_data(&self.line);
        self.line.push(b'\n');
        self.hasher.update(&self.line);
        self.count += 1;
        Ok(&self.line)
    }

    /// Records added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Ends the batch: the metadata to sign, under `snapshot_id` (1-128
    /// characters without control characters) at `ts` (RFC 3339 UTC).
    ///
    /// The builder is kept: a refused id or time can be corrected and
    /// `finish` called again (the records streamed so far are not lost), and
    /// more records may follow for a later snapshot of the same stream.
    pub fn finish(&self, snapshot_id: &str, ts: &str) -> Result<UnsignedSnapshot, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidSnapshot, m);
        if let Some(m) = snapshot_id_problem(snapshot_id) {
            return Err(bad(m.into()).into());
        }
        Timestamp::parse(ts)?;
        if self.count == 0 {
            return Err(bad("a snapshot has at least one record".into()).into());
        }
        let mut meta = Map::new();
        meta.insert("type".into(), SNAPSHOT_TYPE.into());
        meta.insert("snapshot_id".into(), snapshot_id.into());
        meta.insert("trace_range".into(), self.range.to_value());
        meta.insert(
            "hash".into(),
            self.hasher.clone().finish().to_string().into(),
        );
        meta.insert(
            "merkle_root".into(),
            format!("sha256:{}", hex::encode(self.tree.root())).into(),
        );
        meta.insert("records".into(), self.count.into());
        meta.insert(
            "fields".into(),
            json!({"trace_id": self.options.trace_id, "ts": self.options.ts}),
        );
        meta.insert("ts".into(), ts.into());
        Ok(UnsignedSnapshot { meta })
    }
}

/// A snapshot's metadata before it is signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedSnapshot {
    meta: Map<String, Value>,
}

fn signing_input(
    meta: &Map<String, Value>,
    signer: &str,
    alg: Algorithm,
) -> Result<Vec<u8>, crate::Error> {
    let payload =
        canonical::canonicalize_value(&Value::Object(meta.clone()), &CanonOptions::default())?;
    Ok(envelope::signing_input(
        SNAPSHOT_KIND,
        &payload,
        alg,
        signer,
    )?)
}

impl UnsignedSnapshot {
    /// The metadata so far (without `signer_kid`, `alg`, `signature`).
    pub fn to_value(&self) -> Value {
        Value::Object(self.meta.clone())
    }

    /// Prepares the bytes a (remote) signer must sign as `signer_kid`.
    pub fn prepare(
        &self,
        signer_kid: &str,
        alg: Algorithm,
    ) -> Result<PreparedSnapshot, crate::Error> {
        let mut meta = self.meta.clone();
        meta.insert("signer_kid".into(), signer_kid.into());
        meta.insert("alg".into(), alg.name().into());
        let input = signing_input(&meta, signer_kid, alg)?;
        Ok(PreparedSnapshot {
            prepared: envelope::Prepared::raw(alg, signer_kid, input),
            meta,
        })
    }

    /// Signs with a local key.
    pub fn sign(
        &self,
        key: &SecretKey,
        signer_kid: &str,
        alg: Algorithm,
    ) -> Result<Snapshot, crate::Error> {
        let p = self.prepare(signer_kid, alg)?;
        let msg = p.message();
        let sig = match alg {
            Algorithm::Ed25519 => crate::sign::sign(key, &msg),
            Algorithm::Ed25519ph => crate::sign::sign_prehashed_digest(key, &msg)?,
        };
        p.attach(&sig, &key.public_key())
    }
}

/// Snapshot metadata prepared for a (remote) signer.
#[derive(Clone, Debug)]
pub struct PreparedSnapshot {
    meta: Map<String, Value>,
    prepared: envelope::Prepared,
}

impl PreparedSnapshot {
    /// What the signer must sign (for `ed25519ph`: the SHA-512 of the
    /// signing input, as KMS `DIGEST` mode takes it).
    pub fn message(&self) -> Vec<u8> {
        self.prepared.message()
    }

    /// Attaches the signer's answer after checking it under `expected` (the
    /// registered key): a wrong or failed answer gives no metadata at all.
    pub fn attach(self, signature: &[u8], expected: &PublicKey) -> Result<Snapshot, crate::Error> {
        let entry = self
            .prepared
            .attach(signature, expected)
            .map_err(|e| Error::new(ErrorCode::RemoteSignatureInvalid, e.message().to_string()))?;
        let mut meta = self.meta;
        meta.insert(
            "signature".into(),
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, entry.sig).into(),
        );
        Ok(Snapshot { meta })
    }
}

/// Signed snapshot metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    meta: Map<String, Value>,
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

    fn hash_alg(&self) -> digest::Algorithm {
        self.hash()
            .parse::<Digest>()
            .map(|d| d.algorithm())
            .unwrap_or(digest::Algorithm::Sha256)
    }

    fn merkle_root(&self) -> Hash {
        self.str("merkle_root")
            .parse::<Digest>()
            .map(|d| *d.as_bytes())
            .unwrap_or_default()
    }

    /// The signature's verdict under `registry` at `ts`.
    fn check_signature(&self, registry: &SignerRegistry) -> Option<(Failure, String)> {
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

/// One failure found while verifying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotFailure {
    /// Why.
    pub code: Failure,
    /// The batch line (from 1), for line failures.
    pub line: Option<u64>,
    /// What exactly.
    pub message: String,
}

/// The outcome of verifying a snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotReport {
    /// Every check passed.
    pub valid: bool,
    /// The snapshot's id.
    pub snapshot_id: String,
    /// Records read.
    pub records: u64,
    /// The first failures (at most 100), in order.
    pub failures: Vec<SnapshotFailure>,
    /// Every failure, per code.
    pub failure_counts: BTreeMap<Failure, u64>,
}

impl SnapshotReport {
    /// `{valid, snapshot_id, records, failures:[{code, line?, message}],
    /// failure_counts}`.
    pub fn to_value(&self) -> Value {
        json!({
            "valid": self.valid,
            "snapshot_id": self.snapshot_id,
            "records": self.records,
            "failures": self.failures.iter().map(|f| {
                let mut m = Map::new();
                m.insert("code".into(), f.code.as_str().into());
                if let Some(l) = f.line { m.insert("line".into(), l.into()); }
                m.insert("message".into(), f.message.clone().into());
                Value::Object(m)
            }).collect::<Vec<_>>(),
            "failure_counts": self.failure_counts.iter().map(|(c, n)| (c.as_str().to_string(), Value::from(*n))).collect::<Map<_, _>>(),
        })
    }

    /// [`Self::to_value`] spelled for a host.
    pub fn to_value_named(&self, naming: Naming) -> Value {
        naming.rename(self.to_value(), &["failure_counts"])
    }
}

/// Verifies a batch against its signed metadata, fed in chunks of JSONL.
#[derive(Debug)]
pub struct SnapshotVerifier {
    snapshot: Snapshot,
    registry: SignerRegistry,
    fields: Fields,
    hasher: Hasher,
    tree: Frontier,
    range: Range,
    records: u64,
    line_no: u64,
    partial: Vec<u8>,
    /// Inside a line longer than the limit (its bytes go to the digest).
    skipping: bool,
    canon: Vec<u8>,
    failures: Vec<SnapshotFailure>,
    counts: BTreeMap<Failure, u64>,
}

const MAX_FAILURES: usize = 100;
/// The longest line accepted (16 MiB): a longer one is malformed.
const MAX_LINE: usize = 16 << 20;

impl SnapshotVerifier {
    /// A verifier of `snapshot` with the signers in `registry` (the
    /// digest and the records' fields are the metadata's).
    pub fn new(snapshot: Snapshot, registry: SignerRegistry) -> Self {
        let field = |k: &str| {
            snapshot
                .meta
                .get("fields")
                .and_then(|f| f.get(k))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        SnapshotVerifier {
            hasher: Hasher::new(snapshot.hash_alg()),
            fields: Fields::new(&field("trace_id"), &field("ts")),
            snapshot,
            registry,
            tree: Frontier::new(),
            range: Range::default(),
            records: 0,
            line_no: 0,
            partial: Vec::new(),
            skipping: false,
            canon: Vec::new(),
            failures: Vec::new(),
            counts: BTreeMap::new(),
        }
    }

    fn fail(&mut self, code: Failure, line: Option<u64>, message: String) {
        *self.counts.entry(code).or_insert(0) += 1;
        if self.failures.len() < MAX_FAILURES {
            self.failures.push(SnapshotFailure {
                code,
                line,
                message: crate::text::bounded(message),
            });
        }
    }

    /// Feeds a chunk of the batch (lines may span chunks).
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(nl);
            rest = tail.get(1..).unwrap_or_default();
            if self.skipping || self.partial.len() + line.len() > MAX_LINE {
                // An over-long line: its bytes are in the digest, it is one
                // malformed line, however the batch was cut into chunks.
                self.hasher.update(&self.partial);
                self.hasher.update(line);
                self.hasher.update(b"\n");
                self.partial.clear();
                self.skipping = false;
                self.too_long();
            } else if self.partial.is_empty() {
                self.line(line);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.line(&whole);
            }
        }
        if self.skipping || self.partial.len() + rest.len() > MAX_LINE {
            self.hasher.update(&self.partial);
            self.hasher.update(rest);
            self.partial.clear();
            self.skipping = true;
        } else {
            self.partial.extend_from_slice(rest);
        }
    }

    fn too_long(&mut self) {
        self.line_no += 1;
        let n = self.line_no;
        self.fail(
            Failure::MalformedLine,
            Some(n),
            "the line is longer than 16 MiB".into(),
        );
    }

    fn line(&mut self, line: &[u8]) {
        // The batch digest covers the bytes exactly as given.
        self.hasher.update(line);
        self.hasher.update(b"\n");
        self.record(line);
    }

    /// Checks one line (its bytes are already in the digest).
    fn record(&mut self, line: &[u8]) {
        self.line_no += 1;
        let n = self.line_no;
        let mut canon = std::mem::take(&mut self.canon);
        match self.fields.canonicalize(line, &mut canon) {
            Err(e) => self.fail(
                Failure::MalformedLine,
                Some(n),
                format!("not strict JSON: {e}"),
            ),
            Ok(spans) => {
                self.records += 1;
                if canon != line {
                    self.fail(
                        Failure::NotCanonical,
                        Some(n),
                        "the line is not its canonical form (RFC 8785): it was re-spelled or edited"
                            .into(),
                    );
                }
                self.tree.push_data(&canon);
                if let Err(m) = Fields::read(&canon, spans, &mut self.range) {
                    self.fail(Failure::MissingField, Some(n), m);
                }
            }
        }
        self.canon = canon;
    }

    /// Ends the batch (a last line without newline included) and reports.
    pub fn finish(mut self) -> SnapshotReport {
        if self.skipping {
            self.too_long();
        } else if !self.partial.is_empty() {
            // A missing final newline changes the batch bytes: the line is
            // read, and the digest is over what was given.
            let last = std::mem::take(&mut self.partial);
            self.hasher.update(&last);
            self.record(&last);
        }
        let snap = self.snapshot.clone();
        if self.records != snap.records() {
            self.fail(
                Failure::CountMismatch,
                None,
                format!(
                    "the batch has {} records, the metadata says {}",
                    self.records,
                    snap.records()
                ),
            );
        }
        let hash =
            std::mem::replace(&mut self.hasher, Hasher::new(digest::Algorithm::Sha256)).finish();
        if hash.to_string() != snap.hash() {
            self.fail(
                Failure::HashMismatch,
                None,
                format!(
                    "the batch's digest is {hash}, the metadata's hash is {}",
                    snap.hash()
                ),
            );
        }
        if self.tree.root() != snap.merkle_root() {
            self.fail(
                Failure::MerkleMismatch,
                None,
                "the Merkle root over the records is not merkle_root".into(),
            );
        }
        if snap.meta.get("trace_range") != Some(&self.range.to_value()) {
            self.fail(
                Failure::TraceRangeMismatch,
                None,
                format!(
                    "the batch's trace range is {}, the metadata's is {}",
                    self.range.to_value(),
                    snap.meta["trace_range"]
                ),
            );
        }
        if let Some((code, m)) = snap.check_signature(&self.registry) {
            self.fail(code, None, m);
        }
        SnapshotReport {
            valid: self.counts.is_empty(),
            snapshot_id: snap.snapshot_id().to_string(),
            records: self.records,
            failures: self.failures,
            failure_counts: self.counts,
        }
    }
}

/// Verifies a whole batch in one call.
pub fn verify_snapshot(
    snapshot: &Snapshot,
    batch: &[u8],
    registry: &SignerRegistry,
) -> SnapshotReport {
    let mut v = SnapshotVerifier::new(snapshot.clone(), registry.clone());
    v.push_bytes(batch);
    v.finish()
}

/// The inclusion proof of record `index` (from 0) in a batch, for a reader
/// who gets one record on its own (the producer holds the batch: memory is
/// 32 bytes per record).
pub fn record_proof(batch: &[u8], index: u64) -> Result<Vec<Hash>, crate::Error> {
    let mut tree = merkle::Tree::new();
    for line in batch.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        tree.push(line);
    }
    Ok(tree.inclusion_proof(index, tree.size())?)
}

/// Verifies one record (a batch line) against signed metadata: the
/// signature, then its inclusion at `index` under `merkle_root`.
pub fn verify_record(
    snapshot: &Snapshot,
    record: &[u8],
    index: u64,
    proof: &[Hash],
    registry: &SignerRegistry,
) -> SnapshotReport {
    let mut report = SnapshotReport {
        valid: true,
        snapshot_id: snapshot.snapshot_id().to_string(),
        records: 1,
        failures: Vec::new(),
        failure_counts: BTreeMap::new(),
    };
    let mut push = |code: Failure, message: String| {
        *report.failure_counts.entry(code).or_insert(0) += 1;
        report.failures.push(SnapshotFailure {
            code,
            line: None,
            message,
        });
    };
    let record = record.strip_suffix(b"\n").unwrap_or(record);
    match canonical::canonicalize_text(record) {
        Err(e) => push(Failure::MalformedLine, format!("not strict JSON: {e}")),
        Ok(c) if c != record => push(
            Failure::NotCanonical,
            "the record is not its canonical form".into(),
        ),
        Ok(_) => {
            if let Err(e) = merkle::verify_inclusion(
                &merkle::leaf_hash(record),
                index,
                snapshot.records(),
                proof,
                &snapshot.merkle_root(),
            ) {
                push(Failure::NotIncluded, e.message().to_string());
            }
        }
    }
    if let Some((code, m)) = snapshot.check_signature(registry) {
        push(code, m);
    }
    report.valid = report.failure_counts.is_empty();
    report
}
