//! The audit chain: `ChainWriter` (local and async remote signers),
//! `ChainVerifier` (streaming, resumable), `verifyJsonl` (also off the
//! event loop), `verifyFd` and `replay`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::chain`.
//! Options are read by the core (`VerifyOptions::from_value`,
//! `WriterOptions::from_value`, `EventBody::from_value`, camelCase names),
//! and reports are the core's values (`to_value_named`). JSONL given as a
//! JS string is read as its exact UTF-16 code units (WTF-8), so a lone
//! surrogate is a `malformed_row` break, never a silent U+FFFD; strings
//! that end up in events (ids, actors, ...) go through the same
//! `lone_surrogate` check as everywhere else in the binding.

use crate::signing::{
    ask_remote_signer, bytes_arg, class_arg, outcome_signature, signer_tsfn, string_arg, Outcome,
    PublicKey, SecretKey, SignerRegistry,
};
use crate::{
    array_items, canonical_value, coded_error, describe, invalid_argument, is_nullish, js_to_json,
    named_error, options_value, text_arg, type_of, utf16_units, Json, OrThrow, Text, NAMING,
};
use napi::bindgen_prelude::{AsyncTask, Buffer, FromNapiValue, JsValue, PromiseRaw, Unknown};
use napi::{Env, Task, ValueType};
use napi_derive::napi;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use trustcore::chain as tc;

/// The envelope kind every event signature is made under.
#[napi]
pub const EVENT_KIND: &str = tc::EVENT_KIND;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// `VerifyOptions` through the core: `{stopAtFirst?, trackIds?,
/// expectedHead?, checkpoint?, hashAlg?, threads?, maxRowBytes?,
/// maxBreaks?}`.
pub(crate) fn verify_options(
    env: &Env,
    options: Option<Unknown<'_>>,
) -> napi::Result<tc::VerifyOptions> {
    let v = options_value(env, options)?;
    tc::VerifyOptions::from_value(v.as_ref(), NAMING).or_throw(env)
}

/// A head given as `{hash, seq, ts?}` (checked by the core:
/// `ChainError` `invalid_state`).
pub(crate) fn head_arg(env: &Env, value: Unknown<'_>) -> napi::Result<tc::Head> {
    let v = js_to_json(env, value)?;
    tc::Head::from_value(&v).or_throw(env)
}

/// JSONL (or one row) as bytes. A JS string is read as its UTF-16 code
/// units (WTF-8), so a lone surrogate reaches the core's strict parser.
pub(crate) fn jsonl_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match text_arg(env, value, what)? {
        Text::Bytes(b) => Ok(b.to_vec()),
        Text::Str(s) => Ok(trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?)),
    }
}

/// One row: JSONL text (a string or bytes) or a row object (as `replay`
/// returns them), canonicalized with the value rules.
pub(crate) fn row_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match type_of(value)? {
        ValueType::String => jsonl_bytes(env, value, what),
        ValueType::Object if value.is_typedarray()? => jsonl_bytes(env, value, what),
        ValueType::Object => canonical_value(env, value, &trustcore::canonical::Options::default()),
        _ => Err(invalid_argument(
            env,
            format!(
                "{what} must be a row: a string, a Uint8Array or a row object, got {}",
                describe(value)
            ),
        )),
    }
}

/// An event body `{id, ts, eventType, actor, payload}`, read by the core.
fn body_arg(env: &Env, value: Unknown<'_>) -> napi::Result<tc::EventBody> {
    let v = js_to_json(env, value)?;
    tc::EventBody::from_value(&v, NAMING).or_throw(env)
}

/// The report as JavaScript spells it (`breakCounts`; reasons are data).
pub(crate) fn report_json(r: &tc::ChainReport) -> Json {
    Json(r.to_value_named(NAMING))
}

// ---------------------------------------------------------------------------
// Types of the values handed out (TypeScript only)
// ---------------------------------------------------------------------------

/// The head of a chain: the last event's `hash` and `seq` (and `ts`), or
/// the genesis head (64 zeros, seq 0) of an empty chain.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Head {
    /// The last event's hash, 64 lowercase hex digits.
    pub hash: String,
    /// The last event's seq (0 for an empty chain).
    pub seq: f64,
    /// The last event's timestamp, when known.
    pub ts: Option<String>,
}

/// A Merkle tree head over a chain's event hashes: what a signed
/// checkpoint commits to (an opened checkpoint's `checkpoint` fits).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct TreeHead {
    /// Number of events (leaves).
    #[napi(ts_type = "number | bigint")]
    pub size: Json,
    /// RFC 6962 root over their hashes, 64 lowercase hex digits.
    pub root: String,
}

/// A break found by the verifier.
#[napi(object, object_from_js = false, object_to_js = false)]
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
    /// What exactly, for a person (at most about 1 KiB; inputs are quoted
    /// as short excerpts).
    pub message: String,
}

/// The outcome of verifying a chain (`ChainReport::to_value_named` of the
/// core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ChainReport {
    /// No breaks.
    pub valid: bool,
    /// The head reached (the last event accepted or resynchronised on).
    pub head: Head,
    /// Rows read.
    pub rows: f64,
    /// Events accepted (rows without a break of their own).
    pub count: f64,
    /// The first breaks, in stream order: at most `maxBreaks` (default
    /// 1,000) of them, only the first with `stopAtFirst`.
    pub breaks: Vec<Break>,
    /// Every break found, kept or not.
    pub break_count: f64,
    /// Every break found, per reason (only reasons that occurred).
    #[napi(ts_type = "Record<string, number>")]
    pub break_counts: Json,
    /// The RFC 6962 tree head over the hashes of every readable row.
    pub merkle: TreeHead,
}

/// The Merkle frontier of a verifier state: the size and at most 63
/// subtree roots (hex), largest first.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct StateFrontier {
    /// Leaves so far.
    pub size: f64,
    /// Subtree roots, 64 lowercase hex digits each.
    pub hashes: Vec<String>,
}

/// A verifier's resumable state (`trustcore.chain-verifier-state/v2`): a
/// document, spelled the same in every language (so a state saved by one
/// resumes in another), with an integrity `check`. Save it as it is; an
/// edited state is refused (`ChainError` `invalid_state`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct VerifierState {
    /// `'trustcore.chain-verifier-state/v2'`.
    #[napi(js_name = "type", ts_type = "'trustcore.chain-verifier-state/v2'")]
    pub state_type: String,
    /// The head reached.
    pub head: Head,
    /// Rows read so far (the next row's position).
    pub position: f64,
    /// Events accepted so far.
    pub count: f64,
    /// Breaks found so far.
    pub breaks: f64,
    /// Breaks found so far, per reason.
    #[napi(js_name = "break_counts", ts_type = "Record<string, number>")]
    pub break_counts: Json,
    /// The verifier stopped at a break (`stopAtFirst`).
    pub stopped: bool,
    /// The chain's digest algorithm.
    #[napi(js_name = "hash_alg", ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: String,
    /// The Merkle frontier over the event hashes read so far.
    pub merkle: StateFrontier,
    /// The trusted head already checked, if one was.
    #[napi(
        js_name = "pinned_head",
        ts_type = "{ seq: number; hash: string } | null"
    )]
    pub pinned_head: Json,
    /// The checkpoint already checked, if one was.
    #[napi(
        js_name = "pinned_checkpoint",
        ts_type = "{ size: number; root: string } | null"
    )]
    pub pinned_checkpoint: Json,
    /// `sha256:` of the canonical state without `check`.
    pub check: String,
}

/// Two or more events claiming the same predecessor.
#[napi(object, object_from_js = false, object_to_js = false)]
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
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct UnreadableRow {
    /// Its index in the input.
    pub position: f64,
    /// Why: `malformed_row` or `invalid_field`.
    #[napi(ts_type = "'malformed_row' | 'invalid_field'")]
    pub reason: String,
}

/// The outcome of `replay` (`Replay::to_value_named` of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ReplayReport {
    /// The events in chain order, as row objects (the ten columns under
    /// their column names; a profile's own columns under another profile):
    /// feed them to `ChainVerifier.feedRow`.
    pub events: Vec<EventRow>,
    /// Every fork met, ordered by `prevHash`.
    pub forks: Vec<Fork>,
    /// Ids of readable events that do not hang off the replayed chain,
    /// sorted.
    pub orphans: Vec<String>,
    /// Rows that could not be read.
    pub malformed: Vec<UnreadableRow>,
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

/// One event checked against a signed checkpoint
/// (`EventInCheckpoint::to_value_named` of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
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
    #[napi(ts_type = "number | bigint")]
    pub index: Json,
    /// The row, when it could be read and verified.
    pub event: Option<EventRow>,
    /// The opened checkpoint (its signature verified under a trusted key).
    pub checkpoint: crate::merkle::OpenedCheckpoint,
}

/// Options of `ChainWriter.create` (read by the core).
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
    /// The table's chain profile (`docs/chain-profiles.md`): a built-in
    /// name (`'kernel/v1'`, ... see `builtinProfiles()`) or a profile
    /// document (`loadProfile`); default trustcore/v1. A profile carries
    /// its own digest: `hashAlg` may only repeat it.
    #[napi(ts_type = "string | ChainProfileDocument | object")]
    pub profile: Option<Json>,
}

/// What a writer appends: the columns the caller decides (every member
/// required, nothing else: `ChainError` `invalid_event` otherwise).
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

/// Options of `ChainVerifier.create`, `ChainVerifier.resume`,
/// `verifyJsonl`, `verifyJsonlAsync` and `verifyFd`, read by the core: an
/// unknown key (a misspelling, or `expected_head` spelled the Python way)
/// is `OptionsError` `unknown_option`, a bad value `invalid_option`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct VerifyOptions {
    /// Stop at the first break (default: collect all).
    pub stop_at_first: Option<bool>,
    /// Remember every id to report duplicates (default true; 16 bytes per
    /// event). Off, memory is constant.
    pub track_ids: Option<bool>,
    /// A trusted head: the row that brings the chain to its `seq` must
    /// have its `hash`, whatever comes after (`head_mismatch`), and the
    /// chain must reach it (`truncated`).
    pub expected_head: Option<Head>,
    /// A tree head from a signed checkpoint (an opened checkpoint's
    /// `checkpoint` fits): the root at its size must match
    /// (`checkpoint_mismatch`) and the chain must reach it (`truncated`).
    pub checkpoint: Option<TreeHead>,
    /// The chain's digest algorithm (default `'sha256'`).
    #[napi(ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: Option<String>,
    /// The table's chain profile (`docs/chain-profiles.md`): a built-in
    /// name (`'kernel/v1'`, ... see `builtinProfiles()`) or a profile
    /// document (`loadProfile`); default trustcore/v1. A profile carries
    /// its own digest: `hashAlg` may only repeat it.
    #[napi(ts_type = "string | ChainProfileDocument | object")]
    pub profile: Option<Json>,
    /// Threads for signature checks, 1..=1024 (default: every core). The
    /// verdict never depends on it.
    pub threads: Option<u32>,
    /// The longest row accepted, in bytes, 1..=2^31 (default 1 MiB): a
    /// longer one is a `malformed_row` break and is never buffered.
    pub max_row_bytes: Option<f64>,
    /// Breaks kept with their messages, 0..=1,000,000 (default 1,000); every
    /// break is still counted in `breakCount` / `breakCounts`.
    pub max_breaks: Option<u32>,
}

/// Options of `verifyFd`: `VerifyOptions` plus the read size.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct VerifyFdOptions {
    /// Stop at the first break (default: collect all).
    pub stop_at_first: Option<bool>,
    /// Remember every id to report duplicates (default true).
    pub track_ids: Option<bool>,
    /// A trusted head (see `VerifyOptions`).
    pub expected_head: Option<Head>,
    /// A tree head from a signed checkpoint (see `VerifyOptions`).
    pub checkpoint: Option<TreeHead>,
    /// The chain's digest algorithm (default `'sha256'`).
    #[napi(ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: Option<String>,
    /// The table's chain profile (`docs/chain-profiles.md`): a built-in
    /// name (`'kernel/v1'`, ... see `builtinProfiles()`) or a profile
    /// document (`loadProfile`); default trustcore/v1. A profile carries
    /// its own digest: `hashAlg` may only repeat it.
    #[napi(ts_type = "string | ChainProfileDocument | object")]
    pub profile: Option<Json>,
    /// Threads for signature checks, 1..=1024.
    pub threads: Option<u32>,
    /// The longest row accepted, in bytes, 1..=2^31 (default 1 MiB).
    pub max_row_bytes: Option<f64>,
    /// Breaks kept with their messages (default 1,000).
    pub max_breaks: Option<u32>,
    /// Bytes read per call into the one reused buffer, 1..=2^30 (default
    /// 256 KiB).
    pub chunk_size: Option<u32>,
}

// ---------------------------------------------------------------------------
// ChainWriter
// ---------------------------------------------------------------------------

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An event prepared for a (possibly remote) signer: hand `message` to the
/// KMS, then `ChainWriter.attach(prepared, signature)`.
#[napi]
pub struct PreparedEvent {
    pub(crate) inner: tc::PreparedEvent,
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
        Json(self.inner.row())
    }
}

/// Appends events to a chain: fills `seq`, `prev_hash`, `hash` and the
/// signature, and never produces an unsigned or unlinked row.
#[napi]
pub struct ChainWriter {
    // Shared with pending `appendWith` calls, which attach on the JS thread
    // when the remote signer answers; never locked across a call into JS.
    pub(crate) inner: Arc<Mutex<tc::ChainWriter>>,
    pub(crate) signer_id: String,
}

#[napi]
impl ChainWriter {
    /// A writer signing as `signerId`, whose signatures must verify under
    /// `expectedPublicKey` (the registered key). Options (read by the
    /// core): `head` to continue a chain (default: a new chain), `alg`
    /// (`'ed25519'` default or `'ed25519ph'`, as the registry records for
    /// the signer), `hashAlg` (`'sha256'` default or `'blake3'`, as the
    /// chain declares).
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
        let options = options_value(env, options)?;
        let options = tc::WriterOptions::from_value(options.as_ref(), NAMING).or_throw(env)?;
        let inner = tc::ChainWriter::with_options(&signer_id, key, options).or_throw(env)?;
        Ok(ChainWriter {
            inner: Arc::new(Mutex::new(inner)),
            signer_id,
        })
    }

    /// The current head (moves only when a signed event is appended).
    #[napi(getter, ts_return_type = "Head")]
    pub fn head(&self) -> Json {
        Json(lock(&self.inner).head().to_value())
    }

    /// The signer id this writer signs as.
    #[napi(getter)]
    pub fn signer_id(&self) -> String {
        self.signer_id.clone()
    }

    /// Builds the next event from `body` and the bytes to sign; the head
    /// does not move. `ChainError` `invalid_event` (a body of another shape,
    /// or one that would not be a valid row), `ts_regression`;
    /// `TimestampError` for a bad `ts`; `CanonicalJsonError` for a payload
    /// JSON cannot hold.
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

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub(crate) fn settle(
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

// ---------------------------------------------------------------------------
// ChainVerifier
// ---------------------------------------------------------------------------

/// Verifies a chain fed in chunks of JSONL (from a file, a socket, a
/// database cursor) or row by row; memory stays constant (plus 16 bytes
/// per id unless `trackIds: false`), however broken the input: at most
/// `maxBreaks` breaks are kept, every one is counted.
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
            None => Err(coded_error(
                env,
                "ChainError",
                tc::ErrorCode::InvalidState.as_str(),
                &trustcore::ffi::finished_message("ChainVerifier"),
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

    /// A verifier continuing from a saved `state()` (the document, or its
    /// JSON text) without re-reading the chain. Ids from before are not
    /// remembered. `ChainError` `invalid_state` for a state that is edited,
    /// damaged or impossible, for another `hashAlg`, or past a trusted
    /// head (or checkpoint) of `options` it never checked.
    #[napi(
        ts_args_type = "registry: SignerRegistry, state: VerifierState | string | Uint8Array, options?: VerifyOptions"
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
        let inner = tc::ChainVerifier::resume(registry, options, state).or_throw(env)?;
        Ok(ChainVerifier {
            inner: Some(inner),
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
                self.live(env)?;
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

    /// Feeds one row: one JSONL line without its newline (a string or
    /// bytes), or a row object as `replay` returns them (canonicalized with
    /// the value rules first).
    #[napi(ts_args_type = "row: Uint8Array | string | EventRow")]
    pub fn feed_row(&mut self, env: &Env, row: Unknown<'_>) -> napi::Result<()> {
        self.live(env)?;
        let bytes = row_bytes(env, row, "row")?;
        self.flush_pending_high(env)?;
        self.live(env)?.push_row(&bytes);
        Ok(())
    }

    /// Checks everything fed so far (a partial last line stays buffered)
    /// and returns the state to resume from: a
    /// `trustcore.chain-verifier-state/v2` document.
    #[napi(ts_return_type = "VerifierState")]
    pub fn state(&mut self, env: &Env) -> napi::Result<Json> {
        let s = self.live(env)?.state();
        Ok(Json(s.to_value()))
    }

    /// The breaks kept so far (checks pending rows first): at most
    /// `maxBreaks`.
    #[napi(ts_return_type = "Break[]")]
    pub fn breaks(&mut self, env: &Env) -> napi::Result<Json> {
        let list: Vec<serde_json::Value> = self
            .live(env)?
            .breaks()
            .iter()
            .map(tc::Break::to_value)
            .collect();
        Ok(Json(NAMING.rename(serde_json::Value::Array(list), &[])))
    }

    /// Ends the stream (a last line without newline included), checks the
    /// expected head and checkpoint, and reports. The verifier cannot be
    /// fed afterwards (`ChainError` `invalid_state`).
    #[napi(ts_return_type = "ChainReport")]
    pub fn finish(&mut self, env: &Env) -> napi::Result<Json> {
        self.flush_pending_high(env)?;
        self.live(env)?;
        match self.inner.take() {
            Some(v) => Ok(report_json(&v.finish())),
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
    ts_args_type = "text: string | Uint8Array, registry: SignerRegistry, options?: VerifyOptions",
    ts_return_type = "ChainReport"
)]
pub fn verify_jsonl(
    env: &Env,
    text: Unknown<'_>,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Json> {
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let options = verify_options(env, options)?;
    let report = match text_arg(env, text, "text")? {
        Text::Bytes(b) => tc::verify_jsonl(&b, registry.inner.clone(), options),
        Text::Str(s) => {
            let bytes = trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?);
            tc::verify_jsonl(&bytes, registry.inner.clone(), options)
        }
    };
    Ok(report_json(&report))
}

/// A file descriptor: a non-negative integer number.
#[cfg(unix)]
fn fd_arg(env: &Env, value: Unknown<'_>) -> napi::Result<i32> {
    if type_of(value)? == ValueType::Number {
        let n = f64::from_unknown(value)?;
        if n.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&n) {
            return Ok(n as i32);
        }
        return Err(invalid_argument(
            env,
            format!("fd must be an open file descriptor (a non-negative integer), got {n}"),
        ));
    }
    Err(invalid_argument(
        env,
        format!(
            "fd must be an open file descriptor (a non-negative integer), got {}",
            describe(value)
        ),
    ))
}

/// Feeds what can be read from the open file descriptor `fd` (from
/// `fs.openSync`; read from its current position to the end, never closed
/// here) into a verifier, `chunkSize` bytes at a time, and reports. The
/// engine behind `verifyFile` in `index.js`: the read loop runs here, not in
/// JS, so no JS Buffer per read and no hot JS loop for V8 to optimise
/// (together ~4 MiB of a 1M-event audit's peak RSS). The options are
/// `VerifyOptions` (read by the core) plus `chunkSize` (1..=2^30, default
/// 256 KiB, the size of the one reused read buffer), read with the core's
/// options reader. A read error throws an `Error` with Node's errno `code`
/// (`EISDIR`, `EIO`, ...).
#[cfg(unix)]
#[napi(
    js_name = "verifyFd",
    ts_args_type = "fd: number, registry: SignerRegistry, options?: VerifyFdOptions",
    ts_return_type = "ChainReport"
)]
pub fn verify_fd(
    env: &Env,
    fd: Unknown<'_>,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Json> {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let fd = fd_arg(env, fd)?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let options = options_value(env, options)?;
    let mut reader = trustcore::options::Reader::new(options.as_ref(), NAMING).or_throw(env)?;
    let mut verify = tc::VerifyOptions::default();
    verify.read(&mut reader).or_throw(env)?;
    // The read size is this binding's own (the core does no IO); it is read
    // and checked by the core's reader like every other option.
    let chunk = reader
        .uint("chunk_size", 1..=1 << 30)
        .or_throw(env)?
        .unwrap_or(1 << 18);
    reader.finish().or_throw(env)?;
    let chunk = usize::try_from(chunk).unwrap_or(1 << 18);
    // SAFETY: `fd` is an open descriptor the caller owns and keeps open for
    // this call; ManuallyDrop means it is never closed here. A descriptor
    // that is not open fails the first read with EBADF.
    let mut file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    let mut verifier = tc::ChainVerifier::new(registry.inner.clone(), verify);
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
                    Some(11) => "EAGAIN",
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
    Ok(report_json(&verifier.finish()))
}

/// The work of `verifyJsonlAsync`, run on the libuv thread pool.
pub struct VerifyTask {
    text: Vec<u8>,
    registry: trustcore::registry::SignerRegistry,
    options: tc::VerifyOptions,
}

impl Task for VerifyTask {
    type Output = tc::ChainReport;
    type JsValue = Json;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let text = std::mem::take(&mut self.text);
        Ok(tc::verify_jsonl(
            &text,
            self.registry.clone(),
            self.options.clone(),
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(report_json(&output))
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

/// Verifies one event against a signed checkpoint without the rest of the
/// chain: opens `checkpointNote` with the trusted `verifierKeys` (a note
/// that does not open throws `MerkleError`), checks the row on its own
/// (hash, the signer's key at its `ts`, signature), then the inclusion
/// proof of its hash at leaf `index` up to the checkpoint's root. The
/// report (the core's) says which check failed, with a stable `reason`.
/// The options (`{ profile?, hashAlg? }`: the row's chain profile, a
/// built-in name or a profile document, default trustcore/v1; read by the
/// core) are checked first.
#[napi(
    js_name = "verifyEventInCheckpoint",
    ts_args_type = "row: string | Uint8Array | EventRow | Record<string, unknown>, index: number | bigint, proof: Uint8Array[], checkpointNote: string | Uint8Array, verifierKeys: VerifierKey[], registry: SignerRegistry, options?: { profile?: string | object; hashAlg?: 'sha256' | 'blake3' }",
    ts_return_type = "EventInCheckpointReport"
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
) -> napi::Result<Json> {
    let profile = profile_options(env, options)?;
    let row = row_bytes(env, row, "row")?;
    let index = crate::merkle::size_arg(env, index, "index")?;
    let proof = crate::merkle::hashes_arg(env, proof, "proof")?;
    let note = crate::merkle::note_bytes(env, checkpoint_note, "checkpointNote")?;
    let keys = crate::merkle::verifier_keys_arg(env, verifier_keys, "verifierKeys")?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let r = tc::verify_event_in_checkpoint_with(
        &row,
        index,
        &proof,
        &note,
        &keys,
        &registry.inner,
        &profile,
    )
    .or_throw(env)?;
    Ok(Json(r.to_value_named(NAMING)))
}

/// Orders rows given in any order (several workers' exports, a query
/// without ORDER BY) into the one chain order by following `prev_hash`
/// from `start` (default: the genesis head), and reports forks, orphans
/// and unreadable rows. Rows are JSONL lines (strings or bytes) or row
/// objects; the events come back as row objects. Replay orders; it does
/// not verify: feed `events` to `ChainVerifier.feedRow`. `options`
/// (`{ profile?, hashAlg? }`, read by the core) give the rows' chain
/// profile (default trustcore/v1).
#[napi(
    ts_args_type = "rows: (string | Uint8Array | EventRow | Record<string, unknown>)[], start?: Head | null, options?: { profile?: string | object; hashAlg?: 'sha256' | 'blake3' }",
    ts_return_type = "ReplayReport"
)]
pub fn replay(
    env: &Env,
    rows: Unknown<'_>,
    start: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Json> {
    let profile = profile_options(env, options)?;
    let bytes = array_items(env, rows, "rows", |env, item, i| {
        row_bytes(env, item, &format!("rows[{i}]"))
    })?;
    let start = match start {
        Some(s) if !is_nullish(s)? => head_arg(env, s)?,
        _ => tc::Head::default(),
    };
    let r = tc::replay_with(&bytes, &start, &profile);
    Ok(Json(r.to_value_named(NAMING)))
}

factory_only!(PreparedEvent, "ChainWriter.prepare");
factory_only!(ChainWriter, "ChainWriter.create");
factory_only!(
    ChainVerifier,
    "ChainVerifier.create or ChainVerifier.resume"
);

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// The chain format of a call that takes no other options: `{ profile?,
/// hashAlg? }`. The core's reader refuses every other key
/// (`unknown_option`, with its hint), then `VerifyOptions::from_value`
/// reads the two (a built-in name or a profile document; `hashAlg` for the
/// default profile, or the profile's own digest), so names, values and the
/// rule between them are the core's.
pub(crate) fn profile_options(
    env: &Env,
    options: Option<Unknown<'_>>,
) -> napi::Result<Arc<trustcore::profile::ChainProfile>> {
    let v = options_value(env, options)?;
    let mut r = trustcore::options::Reader::new(v.as_ref(), NAMING).or_throw(env)?;
    let _ = r.value("hash_alg");
    let _ = r.value("profile");
    r.finish().or_throw(env)?;
    let read = tc::VerifyOptions::from_value(v.as_ref(), NAMING).or_throw(env)?;
    Ok(read.profile())
}
