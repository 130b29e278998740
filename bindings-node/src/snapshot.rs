//! Signed snapshots of trace batches (#12): `SnapshotBuilder` (one
//! canonical JSONL line per record, O(1) memory), local, prepared and async
//! remote signing that fails closed, `verifySnapshot` / `SnapshotVerifier`
//! (line-numbered failures; `verifySnapshotFile` in `lib/snapshot-file.js`
//! streams a `.jsonl` or `.jsonl.gz` file into it), one-record proofs and
//! the `snapshot.published` audit link.
//!
//! Conversion and error mapping only: every rule is in
//! `trustcore::snapshot`. Metadata is handed out as the core's document
//! (the seed's names: `snapshot_id`, `trace_range`, `hash`, `signer_kid`,
//! `signature`, `ts`, plus `type`, `records`, `merkle_root`, `alg`,
//! `fields`) and read back from an object or its JSON text. The core does
//! no IO: gzip is read by Node's `zlib`.

use crate::chain::{jsonl_bytes, row_bytes};
use crate::signing::{
    alg_arg, ask_remote_signer, bytes_arg, class_arg, outcome_signature, signer_tsfn, string_arg,
    PublicKey, SecretKey, SignerRegistry,
};
use crate::{
    buffer, canonical_value, coded_error, js_to_json, options_value, text_arg, type_of,
    utf16_units, Json, OrThrow, Text, NAMING,
};
use napi::bindgen_prelude::{Buffer, BufferSlice, JsValue, PromiseRaw, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use trustcore::snapshot as snap;

/// The envelope kind snapshot signatures are made under.
#[napi]
pub const SNAPSHOT_KIND: &str = snap::SNAPSHOT_KIND;

/// The event type of the audit event that publishes a snapshot.
#[napi]
pub const SNAPSHOT_PUBLISHED_EVENT: &str = snap::PUBLISHED_EVENT;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// Snapshot metadata: the document (an object) or its JSON text (strict
/// I-JSON). `SnapshotError` `invalid_metadata` for another shape.
pub(crate) fn metadata_arg(env: &Env, value: Unknown<'_>) -> napi::Result<snap::Snapshot> {
    match type_of(value)? {
        ValueType::String => {
            let bytes = jsonl_bytes(env, value, "metadata")?;
            snap::Snapshot::from_json(&bytes).or_throw(env)
        }
        ValueType::Object if value.is_typedarray()? => {
            let bytes = jsonl_bytes(env, value, "metadata")?;
            snap::Snapshot::from_json(&bytes).or_throw(env)
        }
        _ => {
            let v = js_to_json(env, value)?;
            snap::Snapshot::from_value(&v).or_throw(env)
        }
    }
}

/// Batch bytes: a `Uint8Array`, or a string as its exact UTF-16 code units
/// (WTF-8, so a lone surrogate is a malformed line, never a silent U+FFFD).
fn batch_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    jsonl_bytes(env, value, what)
}

fn report_json(r: &snap::SnapshotReport) -> Json {
    Json(r.to_value_named(NAMING))
}

fn finished(env: &Env, what: &str) -> napi::Error {
    coded_error(
        env,
        "SnapshotError",
        snap::ErrorCode::InvalidSnapshot.as_str(),
        &trustcore::ffi::finished_message(what),
    )
}

// ---------------------------------------------------------------------------
// Types of the values handed out (TypeScript only)
// ---------------------------------------------------------------------------

/// `trace_range` of a snapshot: the trace ids of the first and last
/// records in batch order, and the earliest and latest record times.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct TraceRange {
    /// The first record's trace id.
    #[napi(js_name = "first_trace_id")]
    pub first_trace_id: String,
    /// The last record's trace id.
    #[napi(js_name = "last_trace_id")]
    pub last_trace_id: String,
    /// The earliest record time (RFC 3339, canonical).
    pub start: String,
    /// The latest record time.
    pub end: String,
}

/// Signed snapshot metadata (`trustcore.snapshot/v1`, the seed's field
/// names), a document spelled the same in every language.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SnapshotMetadata {
    /// `'trustcore.snapshot/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.snapshot/v1'")]
    pub doc_type: String,
    /// The snapshot's id.
    #[napi(js_name = "snapshot_id")]
    pub snapshot_id: String,
    /// First and last trace id and time of the batch.
    #[napi(js_name = "trace_range")]
    pub trace_range: TraceRange,
    /// Named digest of the canonical JSONL batch (`sha256:` / `blake3:`).
    pub hash: String,
    /// RFC 6962 root over the records (`sha256:<hex>`).
    #[napi(js_name = "merkle_root")]
    pub merkle_root: String,
    /// Records in the batch.
    pub records: f64,
    /// Where each record's trace id and time are (JSON Pointers).
    #[napi(ts_type = "{ trace_id: string; ts: string }")]
    pub fields: Json,
    /// When the snapshot was made (RFC 3339 UTC).
    pub ts: String,
    /// The signer id.
    #[napi(js_name = "signer_kid")]
    pub signer_kid: String,
    /// The signature algorithm.
    #[napi(ts_type = "'ed25519' | 'ed25519ph'")]
    pub alg: String,
    /// Standard base64 of the 64-byte signature.
    pub signature: String,
}

/// One failure found while verifying a snapshot.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SnapshotFailure {
    /// Why (a stable code).
    #[napi(
        ts_type = "'malformed_line' | 'not_canonical' | 'missing_field' | 'count_mismatch' | 'hash_mismatch' | 'merkle_mismatch' | 'trace_range_mismatch' | 'unknown_signer' | 'signer_not_yet_valid' | 'signer_expired' | 'signer_revoked' | 'algorithm_mismatch' | 'invalid_signature' | 'not_included'"
    )]
    pub code: String,
    /// The batch line (from 1), for line failures.
    pub line: Option<f64>,
    /// What exactly.
    pub message: String,
}

/// The outcome of verifying a snapshot (`SnapshotReport::to_value_named`
/// of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SnapshotReport {
    /// Every check passed.
    pub valid: bool,
    /// The snapshot's id.
    pub snapshot_id: String,
    /// Records read.
    pub records: f64,
    /// The first failures (at most 100), in order.
    pub failures: Vec<SnapshotFailure>,
    /// Every failure, per code.
    #[napi(ts_type = "Record<string, number>")]
    pub failure_counts: Json,
}

/// Options of `new SnapshotBuilder` (read by the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SnapshotOptions {
    /// The batch digest (default `'sha256'`; `'blake3'` for large batches).
    #[napi(ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: Option<String>,
    /// JSON Pointer of each record's trace id (default `/trace_id`).
    pub trace_id: Option<String>,
    /// JSON Pointer of each record's time (default `/ts`).
    pub ts: Option<String>,
}

// ---------------------------------------------------------------------------
// Building and signing
// ---------------------------------------------------------------------------

/// Builds a snapshot from trace records fed one at a time, in O(1) memory:
/// each record becomes one canonical JSON line, which `pushRecord` returns
/// for the caller to write (to a file, a gzip stream, object storage).
#[napi]
pub struct SnapshotBuilder {
    inner: Option<snap::SnapshotBuilder>,
}

#[napi]
impl SnapshotBuilder {
    /// A builder. Options (read by the core): `hashAlg` (`'sha256'`
    /// default, `'blake3'`), `traceId` and `ts` (JSON Pointers of each
    /// record's trace id and time, default `/trace_id` and `/ts`).
    #[napi(constructor, ts_args_type = "options?: SnapshotOptions")]
    pub fn new(env: Env, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        let v = options_value(&env, options)?;
        let options = snap::SnapshotOptions::from_value(v.as_ref(), NAMING).or_throw(&env)?;
        Ok(SnapshotBuilder {
            inner: Some(snap::SnapshotBuilder::new(options)),
        })
    }

    /// Adds a record (JSON text as a string or bytes, read strictly, or a
    /// JS value read with the rules of `canonicalize`) and returns its line
    /// (canonical JSON and a newline) to append to the batch. `SnapshotError`
    /// `invalid_record` (no string trace id or RFC 3339 time at the
    /// declared pointers), `CanonicalJsonError`.
    #[napi(
        ts_args_type = "record: string | Uint8Array | object",
        ts_return_type = "Buffer"
    )]
    pub fn push_record<'e>(
        &mut self,
        env: &'e Env,
        record: Unknown<'_>,
    ) -> napi::Result<BufferSlice<'e>> {
        let builder = self
            .inner
            .as_mut()
            .ok_or_else(|| finished(env, "SnapshotBuilder"))?;
        let is_text = match type_of(record)? {
            ValueType::String => true,
            ValueType::Object => record.is_typedarray()?,
            _ => false,
        };
        let bytes = if is_text {
            match text_arg(env, record, "record")? {
                Text::Bytes(b) => b.to_vec(),
                Text::Str(s) => trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?),
            }
        } else {
            // A JS value: its canonical text (the value rules), which the
            // core reads as any other record text.
            canonical_value(env, record, &trustcore::canonical::Options::default())?
        };
        let line = builder.push_text(&bytes).or_throw(env)?;
        buffer(env, line)
    }

    /// Records added so far.
    #[napi(getter)]
    pub fn count(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |b| b.count() as f64)
    }

    /// Ends the batch: the metadata to sign, under `snapshotId` (1-128
    /// characters without control characters) at `ts` (RFC 3339 UTC).
    /// `SnapshotError` `invalid_snapshot` (no records, a bad id),
    /// `TimestampError`. The builder ends here either way.
    #[napi(ts_args_type = "snapshotId: string, ts: string | Date")]
    pub fn finish(
        &mut self,
        env: &Env,
        snapshot_id: Unknown<'_>,
        ts: Unknown<'_>,
    ) -> napi::Result<UnsignedSnapshot> {
        let id = string_arg(env, snapshot_id, "snapshotId")?;
        let ts = ts_text(env, ts)?;
        let builder = self
            .inner
            .take()
            .ok_or_else(|| finished(env, "SnapshotBuilder"))?;
        let inner = builder.finish(&id, &ts).or_throw(env)?;
        Ok(UnsignedSnapshot { inner })
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        match &self.inner {
            Some(b) => format!("SnapshotBuilder {{ records: {} }}", b.count()),
            None => "SnapshotBuilder { finished }".to_owned(),
        }
    }
}

/// `ts` as RFC 3339 text: a string as given, or a Date as its ISO text.
fn ts_text(env: &Env, value: Unknown<'_>) -> napi::Result<String> {
    if type_of(value)? == ValueType::String {
        return string_arg(env, value, "ts");
    }
    Ok(crate::signing::at_arg(env, value)?.to_string())
}

/// A snapshot's metadata before it is signed: sign it locally, or prepare
/// the bytes for a remote signer (KMS `DIGEST` mode as `ed25519ph`).
#[napi]
pub struct UnsignedSnapshot {
    inner: snap::UnsignedSnapshot,
}

#[napi]
impl UnsignedSnapshot {
    /// The metadata so far (without `signer_kid`, `alg`, `signature`).
    #[napi(
        getter,
        ts_return_type = "Omit<SnapshotMetadata, 'signer_kid' | 'alg' | 'signature'>"
    )]
    pub fn metadata(&self) -> Json {
        Json(self.inner.to_value())
    }

    /// Signs with a local key as `signerKid` (`alg` default `ed25519`) and
    /// returns the signed metadata.
    #[napi(
        ts_args_type = "secretKey: SecretKey, signerKid: string, alg?: 'ed25519' | 'ed25519ph'",
        ts_return_type = "SnapshotMetadata"
    )]
    pub fn sign(
        &self,
        env: &Env,
        secret_key: Unknown<'_>,
        signer_kid: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<Json> {
        let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
        let kid = string_arg(env, signer_kid, "signerKid")?;
        let alg = alg_arg(env, alg)?;
        let s = self.inner.sign(&key.inner, &kid, alg).or_throw(env)?;
        Ok(Json(s.to_value()))
    }

    /// The bytes a remote signer must sign as `signerKid` (for
    /// `ed25519ph`, the 64-byte SHA-512 a KMS in `DIGEST` mode takes):
    /// `prepared.message` to the signer, then `prepared.attach(signature,
    /// expectedPublicKey)`.
    #[napi(ts_args_type = "signerKid: string, alg?: 'ed25519' | 'ed25519ph'")]
    pub fn prepare(
        &self,
        env: &Env,
        signer_kid: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<PreparedSnapshot> {
        let kid = string_arg(env, signer_kid, "signerKid")?;
        let alg = alg_arg(env, alg)?;
        let inner = self.inner.prepare(&kid, alg).or_throw(env)?;
        Ok(PreparedSnapshot { inner })
    }

    /// Signs through a remote signer (KMS, HSM, signing proxy):
    /// `signerFn(message)` gets exactly `prepare(signerKid, alg).message`
    /// and returns the 64-byte signature (or a Promise of it), which must
    /// verify under `expectedPublicKey` before any metadata exists (fail
    /// closed). Resolves to the signed metadata; rejects, producing
    /// nothing, with `SnapshotError` `remote_signature_invalid` (a wrong
    /// signature or length), `EnvelopeError` `remote_signer_failed`
    /// (`signerFn` threw or rejected; the original error is `cause`) or a
    /// `TypeError` `invalid_argument` (not bytes).
    #[napi(
        ts_args_type = "signerKid: string, expectedPublicKey: PublicKey, signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>, alg?: 'ed25519' | 'ed25519ph'",
        ts_return_type = "Promise<SnapshotMetadata>"
    )]
    pub fn sign_with<'e>(
        &self,
        env: &'e Env,
        signer_kid: Unknown<'_>,
        expected_public_key: Unknown<'_>,
        signer_fn: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'e, Json>> {
        let kid = string_arg(env, signer_kid, "signerKid")?;
        let expected = class_arg::<PublicKey>(env, expected_public_key, "expectedPublicKey")?.inner;
        let tsfn = signer_tsfn(env, signer_fn)?;
        let alg = alg_arg(env, alg)?;
        let prepared = self.inner.prepare(&kid, alg).or_throw(env)?;
        let message = prepared.message();
        env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
            let sig = outcome_signature(env, &kid, outcome)?;
            prepared
                .attach(&sig, &expected)
                .map(|s| Json(s.to_value()))
                .map_err(|e| crate::reject_core(env, e))
        })
    }
}

/// Snapshot metadata prepared for a remote signer.
#[napi]
pub struct PreparedSnapshot {
    inner: snap::PreparedSnapshot,
}

#[napi]
impl PreparedSnapshot {
    /// Exactly the bytes the signer must sign (for `ed25519ph`, the SHA-512
    /// of the signing input).
    #[napi(getter, ts_return_type = "Buffer")]
    pub fn message(&self) -> Buffer {
        self.inner.message().into()
    }

    /// Attaches the signer's answer after checking it under
    /// `expectedPublicKey` (the registered key) and returns the signed
    /// metadata; a wrong answer throws `SnapshotError`
    /// `remote_signature_invalid` and gives no metadata at all.
    #[napi(
        ts_args_type = "signature: Uint8Array, expectedPublicKey: PublicKey",
        ts_return_type = "SnapshotMetadata"
    )]
    pub fn attach(
        &self,
        env: &Env,
        signature: Unknown<'_>,
        expected_public_key: Unknown<'_>,
    ) -> napi::Result<Json> {
        let sig = bytes_arg(env, signature, "signature")?;
        let expected = class_arg::<PublicKey>(env, expected_public_key, "expectedPublicKey")?;
        let s = self
            .inner
            .clone()
            .attach(&sig, &expected.inner)
            .or_throw(env)?;
        Ok(Json(s.to_value()))
    }
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/// Verifies a batch against its signed metadata, fed in chunks of JSONL
/// (lines may span chunks) in bounded memory: every line re-canonicalized
/// (a line that is not canonical, or not JSON, is a failure naming its line
/// number), the digest, the Merkle root, `trace_range`, the count and the
/// signature under `signer_kid` at `ts` (windows, revocation).
#[napi]
pub struct SnapshotVerifier {
    inner: Option<snap::SnapshotVerifier>,
}

#[napi]
impl SnapshotVerifier {
    /// A verifier of `metadata` (the document or its JSON text) with the
    /// signers in `registry`. `SnapshotError` `invalid_metadata`.
    #[napi(
        constructor,
        ts_args_type = "metadata: SnapshotMetadata | object | string, registry: SignerRegistry"
    )]
    pub fn new(env: Env, metadata: Unknown<'_>, registry: Unknown<'_>) -> napi::Result<Self> {
        let snapshot = metadata_arg(&env, metadata)?;
        let registry = class_arg::<SignerRegistry>(&env, registry, "registry")?;
        Ok(SnapshotVerifier {
            inner: Some(snap::SnapshotVerifier::new(
                snapshot,
                registry.inner.clone(),
            )),
        })
    }

    /// Feeds a chunk of the batch (a `Uint8Array`, or a string).
    #[napi(ts_args_type = "chunk: Uint8Array | string")]
    pub fn push_bytes(&mut self, env: &Env, chunk: Unknown<'_>) -> napi::Result<()> {
        let v = self
            .inner
            .as_mut()
            .ok_or_else(|| finished(env, "SnapshotVerifier"))?;
        match text_arg(env, chunk, "chunk")? {
            Text::Bytes(b) => v.push_bytes(&b),
            Text::Str(s) => v.push_bytes(&trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?)),
        }
        Ok(())
    }

    /// Ends the batch (a last line without newline included) and reports.
    #[napi(ts_return_type = "SnapshotReport")]
    pub fn finish(&mut self, env: &Env) -> napi::Result<Json> {
        let v = self
            .inner
            .take()
            .ok_or_else(|| finished(env, "SnapshotVerifier"))?;
        Ok(report_json(&v.finish()))
    }
}

/// Verifies a whole batch (bytes or a string) against its signed metadata
/// in one call (see `SnapshotVerifier`; `verifySnapshotFile` reads a
/// `.jsonl` or `.jsonl.gz` file in bounded memory).
#[napi(
    js_name = "verifySnapshot",
    ts_args_type = "metadata: SnapshotMetadata | object | string, batch: Uint8Array | string, registry: SignerRegistry",
    ts_return_type = "SnapshotReport"
)]
pub fn verify_snapshot(
    env: &Env,
    metadata: Unknown<'_>,
    batch: Unknown<'_>,
    registry: Unknown<'_>,
) -> napi::Result<Json> {
    let snapshot = metadata_arg(env, metadata)?;
    let batch = batch_bytes(env, batch, "batch")?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    Ok(report_json(&snap::verify_snapshot(
        &snapshot,
        &batch,
        &registry.inner,
    )))
}

/// The inclusion proof of record `index` (from 0) of a batch, for a reader
/// who gets that record on its own (32 bytes per record while it runs).
#[napi(
    js_name = "recordProof",
    ts_args_type = "batch: Uint8Array | string, index: number | bigint",
    ts_return_type = "Buffer[]"
)]
pub fn record_proof(
    env: &Env,
    batch: Unknown<'_>,
    index: Unknown<'_>,
) -> napi::Result<Vec<Buffer>> {
    let batch = batch_bytes(env, batch, "batch")?;
    let index = crate::merkle::size_arg(env, index, "index")?;
    let proof = snap::record_proof(&batch, index).or_throw(env)?;
    Ok(proof.iter().map(|h| h.to_vec().into()).collect())
}

/// Verifies one record (a batch line) against signed metadata: the
/// signature, then its inclusion at `index` under `merkle_root`
/// (`not_included` otherwise).
#[napi(
    js_name = "verifyRecord",
    ts_args_type = "metadata: SnapshotMetadata | object | string, record: Uint8Array | string, index: number | bigint, proof: Uint8Array[], registry: SignerRegistry",
    ts_return_type = "SnapshotReport"
)]
pub fn verify_record(
    env: &Env,
    metadata: Unknown<'_>,
    record: Unknown<'_>,
    index: Unknown<'_>,
    proof: Unknown<'_>,
    registry: Unknown<'_>,
) -> napi::Result<Json> {
    let snapshot = metadata_arg(env, metadata)?;
    let record = batch_bytes(env, record, "record")?;
    let index = crate::merkle::size_arg(env, index, "index")?;
    let proof = crate::merkle::hashes_arg(env, proof, "proof")?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    Ok(report_json(&snap::verify_record(
        &snapshot,
        &record,
        index,
        &proof,
        &registry.inner,
    )))
}

// ---------------------------------------------------------------------------
// The audit link
// ---------------------------------------------------------------------------

/// The body of the `snapshot.published` audit event that references the
/// snapshot (its metadata is the payload), for `ChainWriter.append`.
#[napi(
    js_name = "snapshotEventBody",
    ts_args_type = "metadata: SnapshotMetadata | object | string, id: string, ts: string, actor: string",
    ts_return_type = "EventBody"
)]
pub fn snapshot_event_body(
    env: &Env,
    metadata: Unknown<'_>,
    id: Unknown<'_>,
    ts: Unknown<'_>,
    actor: Unknown<'_>,
) -> napi::Result<Json> {
    let snapshot = metadata_arg(env, metadata)?;
    let id = string_arg(env, id, "id")?;
    let ts = string_arg(env, ts, "ts")?;
    let actor = string_arg(env, actor, "actor")?;
    Ok(Json(snapshot.event_body(&id, &ts, &actor).to_value(NAMING)))
}

/// Checks that an audit row (trustcore/v1: a JSONL line or a row object)
/// publishes this snapshot: its event type is `snapshot.published` and its
/// payload is this metadata. `SnapshotError` `event_mismatch` otherwise
/// (also for a row that cannot be read). Verify the row itself with the
/// chain verifier (or `verifyEventInCheckpoint`).
#[napi(
    js_name = "checkSnapshotEvent",
    ts_args_type = "metadata: SnapshotMetadata | object | string, row: string | Uint8Array | EventRow"
)]
pub fn check_snapshot_event(
    env: &Env,
    metadata: Unknown<'_>,
    row: Unknown<'_>,
) -> napi::Result<()> {
    let snapshot = metadata_arg(env, metadata)?;
    let row = row_bytes(env, row, "row")?;
    let profile = trustcore::profile::ChainProfile::trustcore_v1();
    let row = trustcore::chain::Row::read(&row, &profile).map_err(|(reason, message)| {
        coded_error(
            env,
            "SnapshotError",
            snap::ErrorCode::EventMismatch.as_str(),
            &format!(
                "the row is not a readable trustcore/v1 row ({}): {message}",
                reason.as_str()
            ),
        )
    })?;
    snapshot.check_event(&row).or_throw(env)
}

factory_only!(UnsignedSnapshot, "SnapshotBuilder.finish");
factory_only!(PreparedSnapshot, "UnsignedSnapshot.prepare");
