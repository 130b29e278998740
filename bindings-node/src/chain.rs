//! The audit chain: `ChainWriter` (local and async remote signers),
//! `ChainVerifier` (streaming, resumable), `verifyJsonl` (also off the
//! event loop) and `replay`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::chain`.
//! JSONL given as a JS string is read as its exact UTF-16 code units
//! (WTF-8), so a lone surrogate is a `malformed_row` break, never a silent
//! U+FFFD; strings that end up in events (ids, actors, ...) go through the
//! same `lone_surrogate` check as everywhere else in the binding.

use crate::signing::{
    alg_arg, ask_remote_signer, bytes_arg, class_arg, outcome_signature, signer_tsfn, string_arg,
    Outcome, PublicKey, SecretKey, SignerRegistry,
};
use crate::{
    describe, invalid_argument, js_to_json, named_error, text_arg, type_of, utf16_units, Json,
    OrThrow, Text,
};
use napi::bindgen_prelude::{
    AsyncTask, Buffer, FromNapiValue, JsObjectValue, JsValue, Object, PromiseRaw, Unknown,
};
use napi::{Env, Task, ValueType};
use napi_derive::napi;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use trustcore::chain as tc;
use trustcore::envelope::Algorithm;

/// The envelope kind every event signature is made under.
#[napi]
pub const EVENT_KIND: &str = tc::EVENT_KIND;

// ---------------------------------------------------------------------------
// Report objects
// ---------------------------------------------------------------------------

/// The head of a chain: the last event's `hash` and `seq` (and `ts`), or
/// the genesis head (64 zeros, seq 0) of an empty chain.
#[napi(object)]
pub struct Head {
    /// The last event's hash, 64 lowercase hex digits.
    pub hash: String,
    /// The last event's seq (0 for an empty chain).
    pub seq: f64,
    /// The last event's timestamp, when known.
    pub ts: Option<String>,
}

impl From<&tc::Head> for Head {
    fn from(h: &tc::Head) -> Self {
        Head {
            hash: hex(&h.hash),
            seq: h.seq as f64,
            ts: h.ts.clone(),
        }
    }
}

/// A Merkle tree head over a chain's event hashes: what a signed
/// checkpoint commits to.
#[napi(object)]
pub struct TreeHead {
    /// Number of events (leaves).
    pub size: f64,
    /// RFC 6962 root over their hashes, 64 lowercase hex digits.
    pub root: String,
}

/// A break found by the verifier.
#[napi(object, object_from_js = false)]
pub struct Break {
    /// 0-based position of the row in the stream.
    pub position: f64,
    /// The row's `seq`, when it could be read.
    pub seq: Option<f64>,
    /// The row's `id`, when it could be read.
    pub id: Option<String>,
    /// Why (a stable code).
    #[napi(
        ts_type = "'malformed_row' | 'invalid_field' | 'duplicate_id' | 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'ts_regression' | 'unknown_signer' | 'signer_not_yet_valid' | 'signer_expired' | 'signer_revoked' | 'invalid_signature' | 'truncated' | 'head_mismatch' | 'checkpoint_mismatch'"
    )]
    pub reason: String,
    /// What exactly, for a person.
    pub message: String,
}

impl From<&tc::Break> for Break {
    fn from(b: &tc::Break) -> Self {
        Break {
            position: b.position as f64,
            seq: b.seq.map(|s| s as f64),
            id: b.id.clone(),
            reason: b.reason.as_str().to_owned(),
            message: b.message.clone(),
        }
    }
}

/// The outcome of verifying a chain.
#[napi(object, object_from_js = false)]
pub struct ChainReport {
    /// No breaks.
    pub valid: bool,
    /// The head reached (the last event accepted or resynchronised on).
    pub head: Head,
    /// Rows read.
    pub rows: f64,
    /// The breaks, in stream order (only the first with `stopAtFirst`).
    pub breaks: Vec<Break>,
    /// The RFC 6962 tree head over the hashes of every readable row.
    pub merkle: TreeHead,
}

impl From<&tc::ChainReport> for ChainReport {
    fn from(r: &tc::ChainReport) -> Self {
        ChainReport {
            valid: r.valid,
            head: (&r.head).into(),
            rows: r.rows as f64,
            breaks: r.breaks.iter().map(Break::from).collect(),
            merkle: TreeHead {
                size: r.merkle.size as f64,
                root: hex(&r.merkle.root),
            },
        }
    }
}

/// The Merkle frontier of a verifier state: the size and at most 63
/// subtree roots (hex), largest first.
#[napi(object)]
pub struct StateFrontier {
    /// Leaves so far.
    pub size: f64,
    /// Subtree roots, 64 lowercase hex digits each.
    pub hashes: Vec<String>,
}

/// A verifier's resumable state (save it, then `ChainVerifier.resume`).
#[napi(object)]
pub struct VerifierState {
    /// `'trustcore.chain-verifier-state/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.chain-verifier-state/v1'")]
    pub state_type: String,
    /// The head reached.
    pub head: Head,
    /// Rows read so far (the next row's position).
    pub position: f64,
    /// Events accepted so far.
    pub count: f64,
    /// Breaks found so far.
    pub breaks: f64,
    /// The Merkle frontier over the event hashes read so far.
    pub merkle: StateFrontier,
}

impl From<&tc::VerifierState> for VerifierState {
    fn from(s: &tc::VerifierState) -> Self {
        VerifierState {
            state_type: "trustcore.chain-verifier-state/v1".to_owned(),
            head: (&s.head).into(),
            position: s.position as f64,
            count: s.count as f64,
            breaks: s.breaks as f64,
            merkle: StateFrontier {
                size: s.merkle.size() as f64,
                hashes: s.merkle.hashes().iter().map(|h| hex(h)).collect(),
            },
        }
    }
}

/// Two or more events claiming the same predecessor.
#[napi(object, object_from_js = false)]
pub struct Fork {
    /// The shared `prev_hash`.
    pub prev_hash: String,
    /// The competing events' ids, in the order of their hashes (the first
    /// is the branch replay followed).
    pub ids: Vec<String>,
    /// Their hashes, in the same order.
    pub hashes: Vec<String>,
}

/// A row replay could not read.
#[napi(object, object_from_js = false)]
pub struct UnreadableRow {
    /// Its index in the input.
    pub position: f64,
    /// Why: `malformed_row` or `invalid_field`.
    #[napi(ts_type = "'malformed_row' | 'invalid_field'")]
    pub reason: String,
}

/// The outcome of `replay`.
#[napi(object, object_from_js = false)]
pub struct ReplayReport {
    /// The events in chain order, as canonical rows (JSONL lines without
    /// the newline): feed them to a `ChainVerifier`.
    pub events: Vec<String>,
    /// Every fork met, ordered by `prevHash`.
    pub forks: Vec<Fork>,
    /// Ids of readable events that do not hang off the replayed chain,
    /// sorted.
    pub orphans: Vec<String>,
    /// Rows that could not be read.
    pub malformed: Vec<UnreadableRow>,
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// `options[name]`, or `None` when it is `undefined` or `null`.
fn prop<'a>(obj: &Object<'a>, name: &str) -> napi::Result<Option<Unknown<'a>>> {
    let v: Unknown<'a> = obj.get_named_property(name)?;
    Ok(match type_of(v)? {
        ValueType::Undefined | ValueType::Null => None,
        _ => Some(v),
    })
}

/// An options object, or `None` for `undefined`/`null`.
fn options_obj<'a>(env: &Env, value: Option<Unknown<'a>>) -> napi::Result<Option<Object<'a>>> {
    let Some(value) = value else { return Ok(None) };
    match type_of(value)? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Object => Ok(Some(Object::from_unknown(value)?)),
        _ => Err(invalid_argument(
            env,
            format!("options must be an object, got {}", describe(value)),
        )),
    }
}

fn bool_opt(env: &Env, obj: &Object<'_>, name: &str) -> napi::Result<Option<bool>> {
    match prop(obj, name)? {
        None => Ok(None),
        Some(v) if type_of(v)? == ValueType::Boolean => Ok(Some(bool::from_unknown(v)?)),
        Some(v) => Err(invalid_argument(
            env,
            format!("options.{name} must be a boolean, got {}", describe(v)),
        )),
    }
}

/// The chain's digest algorithm: `'sha256'` (default) or `'blake3'`.
fn hash_alg_opt(env: &Env, obj: &Object<'_>) -> napi::Result<trustcore::digest::Algorithm> {
    match prop(obj, "hashAlg")? {
        None => Ok(trustcore::digest::Algorithm::Sha256),
        Some(v) if type_of(v)? == ValueType::String => {
            let name = String::from_unknown(v)?;
            trustcore::ffi::algorithm(Some(&name)).or_throw(env)
        }
        Some(v) => Err(invalid_argument(
            env,
            format!(
                "options.hashAlg must be \"sha256\" or \"blake3\", got {}",
                describe(v)
            ),
        )),
    }
}

/// A head given as `{hash, seq, ts?}` (checked by the core:
/// `ChainError` `invalid_state`).
fn head_arg(env: &Env, value: Unknown<'_>) -> napi::Result<tc::Head> {
    let v = js_to_json(env, value)?;
    tc::Head::from_value(&v).or_throw(env)
}

fn tree_head_arg(env: &Env, value: Unknown<'_>) -> napi::Result<tc::TreeHead> {
    let v = js_to_json(env, value)?;
    tc::TreeHead::from_value(&v).or_throw(env)
}

/// An optional integer option within `min..=max`.
fn int_opt(
    env: &Env,
    obj: &Object<'_>,
    name: &str,
    min: f64,
    max: f64,
) -> napi::Result<Option<f64>> {
    let Some(t) = prop(obj, name)? else {
        return Ok(None);
    };
    let n = if type_of(t)? == ValueType::Number {
        f64::from_unknown(t)?
    } else {
        f64::NAN
    };
    if !(n.fract() == 0.0 && (min..=max).contains(&n)) {
        return Err(invalid_argument(
            env,
            format!(
                "options.{name} must be an integer from {min} to {max}, got {}",
                describe(t)
            ),
        ));
    }
    Ok(Some(n))
}

/// `VerifyOptions` from `{stopAtFirst?, trackIds?, expectedHead?,
/// checkpoint?, hashAlg?, threads?, maxRowBytes?}`.
fn verify_options(env: &Env, options: Option<Unknown<'_>>) -> napi::Result<tc::VerifyOptions> {
    let mut out = tc::VerifyOptions::default();
    let Some(obj) = options_obj(env, options)? else {
        return Ok(out);
    };
    out.hash_alg = hash_alg_opt(env, &obj)?;
    if let Some(b) = bool_opt(env, &obj, "stopAtFirst")? {
        out.stop_at_first = b;
    }
    if let Some(b) = bool_opt(env, &obj, "trackIds")? {
        out.track_ids = b;
    }
    if let Some(h) = prop(&obj, "expectedHead")? {
        out.expected_head = Some(head_arg(env, h)?);
    }
    if let Some(c) = prop(&obj, "checkpoint")? {
        out.checkpoint = Some(tree_head_arg(env, c)?);
    }
    if let Some(n) = int_opt(env, &obj, "threads", 1.0, 1024.0)? {
        out.threads = Some(n as usize);
    }
    if let Some(n) = int_opt(env, &obj, "maxRowBytes", 1.0, (1u64 << 32) as f64)? {
        out.max_row_bytes = n as usize;
    }
    Ok(out)
}

/// JSONL (or one row) as bytes. A JS string is read as its UTF-16 code
/// units (WTF-8), so a lone surrogate reaches the core's strict parser.
fn jsonl_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match text_arg(env, value, what)? {
        Text::Bytes(b) => Ok(b.to_vec()),
        Text::Str(s) => Ok(trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?)),
    }
}

/// An event body `{id, ts, eventType, actor, payload}`.
fn body_arg(env: &Env, value: Unknown<'_>) -> napi::Result<tc::EventBody> {
    if type_of(value)? != ValueType::Object || value.is_array()? {
        return Err(invalid_argument(
            env,
            format!(
                "body must be an object {{id, ts, eventType, actor, payload}}, got {}",
                describe(value)
            ),
        ));
    }
    let obj = Object::from_unknown(value)?;
    let field = |name: &str| -> napi::Result<String> {
        let v: Unknown<'_> = obj.get_named_property(name)?;
        string_arg(env, v, &format!("body.{name}"))
    };
    let id = field("id")?;
    let ts = field("ts")?;
    let event_type = field("eventType")?;
    let actor = field("actor")?;
    let payload: Unknown<'_> = obj.get_named_property("payload")?;
    if type_of(payload)? == ValueType::Undefined {
        return Err(invalid_argument(
            env,
            "body.payload is required (any JSON value; use null for none)".to_owned(),
        ));
    }
    let payload = js_to_json(env, payload)?;
    Ok(tc::EventBody {
        id,
        ts,
        event_type,
        actor,
        payload,
    })
}

/// An event (every column but `signature`) as a plain object with the
/// row's column names.
fn event_json(e: &tc::Event) -> serde_json::Value {
    let mut row = e.to_value();
    if let Some(columns) = row.as_object_mut() {
        columns.remove("signature");
    }
    row
}

// ---------------------------------------------------------------------------
// ChainWriter
// ---------------------------------------------------------------------------

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An event prepared for a (possibly remote) signer: hand `message` to the
/// KMS, then `ChainWriter.attach(prepared, signature)`.
#[napi]
pub struct PreparedEvent {
    inner: tc::PreparedEvent,
}

#[napi]
impl PreparedEvent {
    /// Exactly the bytes the signer must sign (the signing input of the
    /// `trustcore.audit-event` envelope, or its SHA-512 for `ed25519ph`).
    #[napi(getter, ts_return_type = "Buffer")]
    pub fn message(&self) -> Buffer {
        self.inner.message().into()
    }

    /// The event with every column but `signature` filled (the row's column
    /// names: `id`, `seq`, `ts`, `event_type`, `actor`, `payload`,
    /// `prev_hash`, `hash`, `signer_id`).
    #[napi(getter, ts_return_type = "Omit<EventRow, 'signature'>")]
    pub fn event(&self) -> Json {
        Json(event_json(self.inner.event()))
    }
}

/// An audit event row, under its own column names (the JSONL export's).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct EventRow {
    /// Plain lowercase UUID.
    pub id: String,
    /// Position in the chain, from 1.
    pub seq: f64,
    /// RFC 3339 UTC.
    pub ts: String,
    /// Event type.
    #[napi(js_name = "event_type")]
    pub event_type: String,
    /// Actor.
    pub actor: String,
    /// Any JSON value.
    #[napi(ts_type = "unknown")]
    pub payload: Json,
    /// The previous event's hash (hex).
    #[napi(js_name = "prev_hash")]
    pub prev_hash: String,
    /// This event's hash (hex).
    pub hash: String,
    /// Who signed.
    #[napi(js_name = "signer_id")]
    pub signer_id: String,
    /// The signature (standard base64).
    pub signature: String,
}

/// One event checked against a signed checkpoint.
#[napi(object, object_from_js = false)]
pub struct EventInCheckpointReport {
    /// The row verifies on its own and its hash is leaf `index` of the
    /// checkpoint's tree.
    pub valid: bool,
    /// Which check failed: the row itself, or the inclusion proof.
    #[napi(ts_type = "'row' | 'inclusion'")]
    pub stage: Option<String>,
    /// Why: a break reason of the row (`hash_mismatch`,
    /// `invalid_signature`, ...) or a `MerkleError` code of the proof
    /// (`root_mismatch`, `invalid_proof`, `index_out_of_range`).
    pub reason: Option<String>,
    /// What a person can act on.
    pub message: Option<String>,
    /// The leaf index checked.
    pub index: f64,
    /// The row, when it could be read and verified.
    #[napi(ts_type = "EventRow")]
    pub event: Option<Json>,
    /// The opened checkpoint (its signature verified under a trusted key).
    pub checkpoint: crate::merkle::OpenedCheckpoint,
}

/// Verifies one event against a signed checkpoint without the rest of the
/// chain: opens `checkpointNote` with the trusted `verifierKeys` (a note
/// that does not open throws `MerkleError`), checks the row on its own
/// (hash, the signer's key at its `ts`, signature), then the inclusion
/// proof of its hash at leaf `index` up to the checkpoint's root. The
/// report says which check failed, with a stable `reason`.
#[napi(
    js_name = "verifyEventInCheckpoint",
    ts_args_type = "row: string | Uint8Array, index: number | bigint, proof: Uint8Array[], checkpointNote: string | Uint8Array, verifierKeys: VerifierKey[], registry: SignerRegistry, options?: { hashAlg?: 'sha256' | 'blake3' }"
)]
#[allow(clippy::too_many_arguments)]
pub fn verify_event_in_checkpoint(
    env: &Env,
    row: Unknown<'_>,
    index: Unknown<'_>,
    proof: Unknown<'_>,
    checkpoint_note: Unknown<'_>,
    verifier_keys: Unknown<'_>,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<EventInCheckpointReport> {
    let row = jsonl_bytes(env, row, "row")?;
    let index = crate::merkle::size_arg(env, index, "index")?;
    let proof = crate::merkle::hashes_arg(env, proof, "proof")?;
    let note = crate::merkle::note_bytes(env, checkpoint_note, "checkpointNote")?;
    let keys = crate::merkle::verifier_keys_arg(env, verifier_keys, "verifierKeys")?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let hash_alg = match options_obj(env, options)? {
        Some(o) => hash_alg_opt(env, &o)?,
        None => trustcore::digest::Algorithm::Sha256,
    };
    let r = tc::verify_event_in_checkpoint(
        &row,
        index,
        &proof,
        &note,
        &keys,
        &registry.inner,
        hash_alg,
    )
    .or_throw(env)?;
    let failure = r.failure.as_ref();
    Ok(EventInCheckpointReport {
        valid: r.valid(),
        stage: failure.map(|f| f.stage.as_str().to_owned()),
        reason: failure.map(|f| f.reason.to_owned()),
        message: failure.map(|f| f.message.clone()),
        index: r.index as f64,
        event: r.event.as_ref().map(|e| Json(e.to_value())),
        checkpoint: crate::merkle::opened_checkpoint(r.checkpoint),
    })
}

/// Appends events to a chain: fills `seq`, `prev_hash`, `hash` and the
/// signature, and never produces an unsigned or unlinked row.
#[napi]
pub struct ChainWriter {
    // Shared with pending `appendWith` calls, which attach on the JS thread
    // when the remote signer answers; never locked across a call into JS.
    inner: Arc<Mutex<tc::ChainWriter>>,
    signer_id: String,
}

#[napi]
impl ChainWriter {
    /// A writer signing as `signerId`, whose signatures must verify under
    /// `expectedPublicKey` (the registered key). Options: `head` to continue
    /// a chain (default: a new chain), `alg` (`'ed25519'` default or
    /// `'ed25519ph'`, as the registry records for the signer), `hashAlg`
    /// (`'sha256'` default or `'blake3'`, as the chain declares).
    #[napi(
        ts_args_type = "signerId: string, expectedPublicKey: PublicKey, options?: ChainWriterOptions"
    )]
    pub fn create(
        env: &Env,
        signer_id: Unknown<'_>,
        expected_public_key: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<ChainWriter> {
        let signer_id = string_arg(env, signer_id, "signerId")?;
        let key = class_arg::<PublicKey>(env, expected_public_key, "expectedPublicKey")?.inner;
        let mut head = tc::Head::default();
        let mut alg = Algorithm::Ed25519;
        let mut hash_alg = trustcore::digest::Algorithm::Sha256;
        if let Some(obj) = options_obj(env, options)? {
            if let Some(h) = prop(&obj, "head")? {
                head = head_arg(env, h)?;
            }
            alg = alg_arg(env, prop(&obj, "alg")?)?;
            hash_alg = hash_alg_opt(env, &obj)?;
        }
        let inner = tc::ChainWriter::new(head, hash_alg, &signer_id, alg, key).or_throw(env)?;
        Ok(ChainWriter {
            inner: Arc::new(Mutex::new(inner)),
            signer_id,
        })
    }

    /// The current head (moves only when a signed event is appended).
    #[napi(getter)]
    pub fn head(&self) -> Head {
        lock(&self.inner).head().into()
    }

    /// The signer id this writer signs as.
    #[napi(getter)]
    pub fn signer_id(&self) -> String {
        self.signer_id.clone()
    }

    /// Builds the next event from `body` and the bytes to sign; the head
    /// does not move. `ChainError` `invalid_event` (a body that would not
    /// be a valid row), `ts_regression`; `TimestampError` for a bad `ts`.
    #[napi(ts_args_type = "body: EventBody")]
    pub fn prepare(&self, env: &Env, body: Unknown<'_>) -> napi::Result<PreparedEvent> {
        let body = body_arg(env, body)?;
        let inner = lock(&self.inner).prepare(body).or_throw(env)?;
        Ok(PreparedEvent { inner })
    }

    /// Attaches a signature made elsewhere for `prepared`, after checking it
    /// verifies under the expected key, and returns the row (canonical
    /// JSON, one JSONL line without the newline). A wrong signature throws
    /// `EnvelopeError` `remote_signature_invalid`; an event prepared before
    /// another was appended throws `ChainError` `invalid_event`; either way
    /// the head does not move.
    #[napi(ts_args_type = "prepared: PreparedEvent, signature: Uint8Array")]
    pub fn attach(
        &self,
        env: &Env,
        prepared: Unknown<'_>,
        signature: Unknown<'_>,
    ) -> napi::Result<String> {
        let prepared = class_arg::<PreparedEvent>(env, prepared, "prepared")?;
        let sig = bytes_arg(env, signature, "signature")?;
        let event = lock(&self.inner)
            .attach(prepared.inner.clone(), &sig)
            .or_throw(env)?;
        Ok(event.to_json())
    }

    /// Prepares, signs with a local secret key and attaches; returns the
    /// row.
    #[napi(ts_args_type = "body: EventBody, secretKey: SecretKey")]
    pub fn append(
        &self,
        env: &Env,
        body: Unknown<'_>,
        secret_key: Unknown<'_>,
    ) -> napi::Result<String> {
        let body = body_arg(env, body)?;
        let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
        let event = lock(&self.inner).append(body, &key.inner).or_throw(env)?;
        Ok(event.to_json())
    }

    /// Appends through a remote signer (KMS, HSM, signing proxy).
    ///
    /// `signerFn(message)` gets exactly `prepare(body).message` and returns
    /// the 64-byte signature, or a Promise of it. The answer must verify
    /// under the expected key before the event is appended (fail closed).
    /// Resolves to the row; rejects, leaving the head where it was, with
    /// `EnvelopeError` `remote_signature_invalid` (a wrong signature or
    /// length), `EnvelopeError` `remote_signer_failed` (`signerFn` threw or
    /// rejected; the original error is `cause`), `ChainError`
    /// `invalid_event` (another event was appended meanwhile: await each
    /// append), or `TypeError` `invalid_argument` (not bytes).
    #[napi(
        ts_args_type = "body: EventBody, signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>",
        ts_return_type = "Promise<string>"
    )]
    pub fn append_with<'e>(
        &self,
        env: &'e Env,
        body: Unknown<'_>,
        signer_fn: Unknown<'_>,
    ) -> napi::Result<PromiseRaw<'e, String>> {
        let body = body_arg(env, body)?;
        let tsfn = signer_tsfn(env, signer_fn)?;
        let prepared = lock(&self.inner).prepare(body).or_throw(env)?;
        let message = prepared.message();
        let writer = Arc::clone(&self.inner);
        let signer = self.signer_id.clone();
        env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
            settle(env, &writer, &signer, prepared, outcome)
        })
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        let w = lock(&self.inner);
        format!(
            "ChainWriter {{ signerId: {:?}, seq: {}, hash: '{}' }}",
            self.signer_id,
            w.head().seq,
            hex(&w.head().hash)
        )
    }
}

fn settle(
    env: &Env,
    writer: &Mutex<tc::ChainWriter>,
    signer: &str,
    prepared: tc::PreparedEvent,
    outcome: Outcome,
) -> napi::Result<String> {
    let sig = outcome_signature(env, signer, outcome)?;
    let appended = lock(writer).attach(prepared, &sig);
    appended
        .map(|event| event.to_json())
        .map_err(|err| crate::reject_core(env, err))
}

/// Options of `ChainWriter.create`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ChainWriterOptions {
    /// Continue a chain from this head (default: a new chain).
    pub head: Option<Head>,
    /// The signature algorithm the registry records for the signer.
    #[napi(ts_type = "'ed25519' | 'ed25519ph'")]
    pub alg: Option<String>,
    /// The chain's digest algorithm.
    #[napi(ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: Option<String>,
}

/// What a writer appends: the columns the caller decides.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct EventBody {
    /// A plain lowercase UUID (no prefix, no braces).
    pub id: String,
    /// RFC 3339 UTC, never before the head's.
    pub ts: String,
    /// What happened (the `event_type` column).
    pub event_type: String,
    /// Who did it.
    pub actor: String,
    /// Any JSON value (plain objects, arrays, strings, finite numbers,
    /// booleans, null).
    #[napi(ts_type = "unknown")]
    pub payload: Json,
}

/// Options of `ChainVerifier.create`, `verifyJsonl` and `verifyJsonlAsync`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct VerifyOptions {
    /// Stop at the first break (default: collect all).
    pub stop_at_first: Option<bool>,
    /// Remember every id to report duplicates (default true; 16 bytes per
    /// event). Off, memory is constant.
    pub track_ids: Option<bool>,
    /// At the end, the chain must reach this head (`truncated`,
    /// `head_mismatch`).
    pub expected_head: Option<Head>,
    /// A tree head from a signed checkpoint: the root at its size must
    /// match (`checkpoint_mismatch`) and the chain must reach it
    /// (`truncated`).
    pub checkpoint: Option<TreeHead>,
    /// The chain's digest algorithm (default `'sha256'`).
    #[napi(ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: Option<String>,
    /// Threads for signature checks (default: every core). The verdict
    /// never depends on it.
    pub threads: Option<u32>,
    /// The longest row accepted, in bytes (default 1 MiB): a longer one is
    /// a `malformed_row` break and is never buffered.
    pub max_row_bytes: Option<u32>,
}

// ---------------------------------------------------------------------------
// ChainVerifier
// ---------------------------------------------------------------------------

/// Verifies a chain fed in chunks of JSONL (from a file, a socket, a
/// database cursor) or row by row; memory stays constant (plus 16 bytes
/// per id unless `trackIds: false`).
#[napi]
pub struct ChainVerifier {
    inner: Option<tc::ChainVerifier>,
    /// A high surrogate that ended the last string chunk: it belongs with
    /// the first unit of the next one.
    pending_high: Option<u16>,
}

impl ChainVerifier {
    fn live(&mut self, env: &Env) -> napi::Result<&mut tc::ChainVerifier> {
        match self.inner.as_mut() {
            Some(v) => Ok(v),
            None => Err(named_error(
                env,
                "ChainError",
                "invalid_state",
                "this ChainVerifier has finished; create or resume another",
            )),
        }
    }

    fn flush_pending_high(&mut self, env: &Env) -> napi::Result<()> {
        if let Some(unit) = self.pending_high.take() {
            let bytes = trustcore::canonical::wtf8_from_utf16(&[unit]);
            self.live(env)?.push_bytes(&bytes);
        }
        Ok(())
    }
}

#[napi]
impl ChainVerifier {
    /// A verifier for a chain from its first event.
    #[napi(ts_args_type = "registry: SignerRegistry, options?: VerifyOptions")]
    pub fn create(
        env: &Env,
        registry: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<ChainVerifier> {
        let registry = class_arg::<SignerRegistry>(env, registry, "registry")?
            .inner
            .clone();
        let options = verify_options(env, options)?;
        Ok(ChainVerifier {
            inner: Some(tc::ChainVerifier::new(registry, options)),
            pending_high: None,
        })
    }

    /// A verifier continuing from a saved `state()` (or a trusted head:
    /// `{type, head, position, count, breaks, merkle}`), without re-reading
    /// the chain. Ids from before are not remembered. `ChainError`
    /// `invalid_state` for a state of another shape.
    #[napi(
        ts_args_type = "registry: SignerRegistry, state: VerifierState | string, options?: VerifyOptions"
    )]
    pub fn resume(
        env: &Env,
        registry: Unknown<'_>,
        state: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<ChainVerifier> {
        let registry = class_arg::<SignerRegistry>(env, registry, "registry")?
            .inner
            .clone();
        let state = crate::value_or_text(env, state)?;
        let state = tc::VerifierState::from_value(&state).or_throw(env)?;
        let options = verify_options(env, options)?;
        Ok(ChainVerifier {
            inner: Some(tc::ChainVerifier::resume(registry, options, state)),
            pending_high: None,
        })
    }

    /// Feeds a chunk of JSONL (bytes, or a string); rows may span chunks,
    /// `\r\n` and blank lines are accepted.
    #[napi(ts_args_type = "chunk: Uint8Array | string")]
    pub fn feed(&mut self, env: &Env, chunk: Unknown<'_>) -> napi::Result<()> {
        match text_arg(env, chunk, "chunk")? {
            Text::Bytes(b) => {
                self.flush_pending_high(env)?;
                self.live(env)?.push_bytes(&b);
            }
            Text::Str(s) => {
                let mut units = utf16_units(s)?;
                if let Some(high) = self.pending_high.take() {
                    units.insert(0, high);
                }
                if matches!(units.last(), Some(0xD800..=0xDBFF)) {
                    self.pending_high = units.pop();
                }
                let bytes = trustcore::canonical::wtf8_from_utf16(&units);
                self.live(env)?.push_bytes(&bytes);
            }
        }
        Ok(())
    }

    /// Feeds one row (one JSONL line without its newline).
    #[napi(ts_args_type = "row: Uint8Array | string")]
    pub fn feed_row(&mut self, env: &Env, row: Unknown<'_>) -> napi::Result<()> {
        let bytes = jsonl_bytes(env, row, "row")?;
        self.flush_pending_high(env)?;
        self.live(env)?.push_row(&bytes);
        Ok(())
    }

    /// Checks everything fed so far (a partial last line stays buffered)
    /// and returns the state to resume from.
    #[napi]
    pub fn state(&mut self, env: &Env) -> napi::Result<VerifierState> {
        let s = self.live(env)?.state();
        Ok((&s).into())
    }

    /// The breaks found so far (checks pending rows first).
    #[napi]
    pub fn breaks(&mut self, env: &Env) -> napi::Result<Vec<Break>> {
        Ok(self.live(env)?.breaks().iter().map(Break::from).collect())
    }

    /// Ends the stream (a last line without newline included), checks the
    /// expected head and checkpoint, and reports. The verifier cannot be
    /// fed afterwards (`ChainError` `invalid_state`).
    #[napi]
    pub fn finish(&mut self, env: &Env) -> napi::Result<ChainReport> {
        self.flush_pending_high(env)?;
        self.live(env)?;
        match self.inner.take() {
            Some(v) => Ok((&v.finish()).into()),
            None => Err(napi::Error::from_reason("unreachable: checked above")),
        }
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        match &self.inner {
            Some(_) => "ChainVerifier { open }".to_owned(),
            None => "ChainVerifier { finished }".to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------
// One-call forms
// ---------------------------------------------------------------------------

/// Verifies a whole JSONL export (bytes or a string) in one call, on the
/// JS thread. See `verifyJsonlAsync` to keep the event loop free.
#[napi(
    js_name = "verifyJsonl",
    ts_args_type = "text: string | Uint8Array, registry: SignerRegistry, options?: VerifyOptions"
)]
pub fn verify_jsonl(
    env: &Env,
    text: Unknown<'_>,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<ChainReport> {
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let options = verify_options(env, options)?;
    let report = match text_arg(env, text, "text")? {
        Text::Bytes(b) => tc::verify_jsonl(&b, registry.inner.clone(), options),
        Text::Str(s) => {
            let bytes = trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?);
            tc::verify_jsonl(&bytes, registry.inner.clone(), options)
        }
    };
    Ok((&report).into())
}

/// Feeds what can be read from the open file descriptor `fd` (from
/// `fs.openSync`; read from its current position to the end, never closed
/// here) into a verifier, `chunk_size` bytes at a time, and reports. The
/// engine behind `verifyFile` in `index.js`: the read loop runs here, not in
/// JS, so no JS Buffer per read and no hot JS loop for V8 to optimise
/// (together ~4 MiB of a 1M-event audit's peak RSS). A read error throws an
/// `Error` with Node's errno `code` (`EISDIR`, `EIO`, ...).
#[cfg(unix)]
#[napi(
    js_name = "verifyFd",
    ts_args_type = "fd: number, registry: SignerRegistry, options?: VerifyOptions, chunkSize?: number"
)]
pub fn verify_fd(
    env: &Env,
    fd: i32,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
    chunk_size: Option<u32>,
) -> napi::Result<ChainReport> {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let options = verify_options(env, options)?;
    if fd < 0 {
        return Err(invalid_argument(
            env,
            format!("fd must be an open file descriptor, got {fd}"),
        ));
    }
    let chunk = chunk_size.unwrap_or(1 << 18) as usize;
    if !(1..=1 << 30).contains(&chunk) {
        return Err(invalid_argument(
            env,
            format!("chunkSize must be an integer from 1 to 2^30, got {chunk}"),
        ));
    }
    // SAFETY: `fd` is an open descriptor the caller owns and keeps open for
    // this call; ManuallyDrop means it is never closed here.
    let mut file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    let mut verifier = tc::ChainVerifier::new(registry.inner.clone(), options);
    let mut buf = vec![0u8; chunk];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => verifier.push_bytes(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let code = match e.raw_os_error() {
                    Some(21) => "EISDIR",
                    Some(9) => "EBADF",
                    Some(22) => "EINVAL",
                    _ => "EIO",
                };
                return Err(named_error(
                    env,
                    "Error",
                    code,
                    &format!("{code}: reading the export failed: {e}"),
                ));
            }
        }
    }
    Ok((&verifier.finish()).into())
}

/// The work of `verifyJsonlAsync`, run on the libuv thread pool.
pub struct VerifyTask {
    text: Vec<u8>,
    registry: trustcore::registry::SignerRegistry,
    options: tc::VerifyOptions,
}

impl Task for VerifyTask {
    type Output = tc::ChainReport;
    type JsValue = ChainReport;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let text = std::mem::take(&mut self.text);
        Ok(tc::verify_jsonl(
            &text,
            self.registry.clone(),
            self.options.clone(),
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok((&output).into())
    }
}

/// `verifyJsonl` off the event loop: the text is copied, verified on the
/// libuv thread pool (signature checks on `threads` cores), and the
/// Promise resolves to the same report. Argument errors throw
/// synchronously.
#[napi(
    js_name = "verifyJsonlAsync",
    ts_args_type = "text: string | Uint8Array, registry: SignerRegistry, options?: VerifyOptions",
    ts_return_type = "Promise<ChainReport>"
)]
pub fn verify_jsonl_async(
    env: &Env,
    text: Unknown<'_>,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<AsyncTask<VerifyTask>> {
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?
        .inner
        .clone();
    let options = verify_options(env, options)?;
    let text = jsonl_bytes(env, text, "text")?;
    Ok(AsyncTask::new(VerifyTask {
        text,
        registry,
        options,
    }))
}

/// Orders rows given in any order (several workers' exports, a query
/// without ORDER BY) into the one chain order by following `prev_hash`
/// from `start` (default: the genesis head), and reports forks, orphans
/// and unreadable rows. Replay orders; it does not verify: feed `events`
/// to a `ChainVerifier`.
#[napi(ts_args_type = "rows: (string | Uint8Array)[], start?: Head")]
pub fn replay(
    env: &Env,
    rows: Unknown<'_>,
    start: Option<Unknown<'_>>,
) -> napi::Result<ReplayReport> {
    if !rows.is_array()? {
        return Err(invalid_argument(
            env,
            format!(
                "rows must be an array of strings or Uint8Arrays, got {}",
                describe(rows)
            ),
        ));
    }
    let list = Object::from_unknown(rows)?;
    let len = list.get_array_length()?;
    let mut bytes = Vec::with_capacity(len as usize);
    for i in 0..len {
        let item: Unknown<'_> = list.get_element(i)?;
        bytes.push(jsonl_bytes(env, item, &format!("rows[{i}]"))?);
    }
    let start = match start {
        Some(s) if !matches!(type_of(s)?, ValueType::Undefined | ValueType::Null) => {
            head_arg(env, s)?
        }
        _ => tc::Head::default(),
    };
    let r = tc::replay(&bytes, &start);
    Ok(ReplayReport {
        events: r.events.iter().map(tc::Event::to_json).collect(),
        forks: r
            .forks
            .iter()
            .map(|f| Fork {
                prev_hash: hex(&f.prev_hash),
                ids: f.ids.clone(),
                hashes: f.hashes.iter().map(|h| hex(h)).collect(),
            })
            .collect(),
        orphans: r.orphans.clone(),
        malformed: r
            .malformed
            .iter()
            .map(|(p, reason)| UnreadableRow {
                position: *p as f64,
                reason: reason.as_str().to_owned(),
            })
            .collect(),
    })
}
