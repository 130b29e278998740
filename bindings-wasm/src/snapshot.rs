//! Signed snapshots of trace batches and redacted copies that still verify
//! against them (`trustcore::snapshot`, `trustcore::redact`): the verify
//! side (`Snapshot`, `SnapshotVerifier`, `verifySnapshot`, `recordProof`,
//! `verifyRecord`, the `snapshot.published` event check, `disclose`,
//! `proves`) in every build, and the producing side (`SnapshotBuilder`
//! with remote signing, `RedactionPolicy`, `redact`, `commit`) in the full
//! module only.
//!
//! Conversion only: reports are `SnapshotReport::to_value_named(Camel)`,
//! metadata and records are the core's documents (snake_case, as the seed
//! names them). Batches are bytes (or strings, read as their exact UTF-16
//! code units); gzip is the caller's (`DecompressionStream` in a browser).

use crate::merkle::{hashes_arg, size_arg};
use crate::signing::{bytes_arg, bytes_out, json_arg, SignerRegistry};
use crate::{canonical_bytes_at, is_uint8, text_or_bytes, to_js, value_arg, OrThrow, NAMING};
use js_sys::Array;
use serde_json::Value;
use trustcore::snapshot as tc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SNAPSHOT: &'static str = r#"
/** Snapshot metadata (`trustcore.snapshot/v1`), with the seed's field names. */
export interface SnapshotMetadata {
  type: "trustcore.snapshot/v1";
  snapshot_id: string;
  trace_range: { first_trace_id: string; last_trace_id: string; start: string; end: string };
  /** Named digest of the batch's canonical JSONL bytes. */
  hash: string;
  /** `sha256:` RFC 6962 root over the records. */
  merkle_root: string;
  records: number;
  fields: { trace_id: string; ts: string };
  ts: string;
  signer_kid: string;
  alg: "ed25519" | "ed25519ph";
  /** Standard base64 of 64 bytes. */
  signature: string;
}

/** Why a snapshot does not verify (report data). */
export type SnapshotFailureCode =
  | "malformed_line" | "not_canonical" | "missing_field" | "count_mismatch" | "hash_mismatch"
  | "merkle_mismatch" | "trace_range_mismatch" | "unknown_signer" | "signer_not_yet_valid"
  | "signer_expired" | "signer_revoked" | "algorithm_mismatch" | "invalid_signature" | "not_included";

/** The outcome of verifying a snapshot (the core's `SnapshotReport`). */
export interface SnapshotReport {
  valid: boolean;
  snapshotId: string;
  /** Records read. */
  records: number;
  /** The first failures (at most 100), in order; `line` from 1 for line failures. */
  failures: { code: SnapshotFailureCode; line?: number; message: string }[];
  /** Every failure, per code. */
  failureCounts: Partial<Record<SnapshotFailureCode, number>>;
}

/** Verifies one batch in one call (bytes or text). */
export function verifySnapshot(snapshot: Snapshot, batch: Uint8Array | string, registry: SignerRegistry): SnapshotReport;

/** The inclusion proof of record `index` (from 0) in a batch, for a reader who gets that record on its own. */
export function recordProof(batch: Uint8Array | string, index: SizeInput): Uint8Array[];

/**
 * Verifies one record (a batch line) against signed metadata: the
 * signature, then its inclusion at `index` under `merkle_root`. A bad
 * record is a report, not an error.
 */
export function verifyRecord(snapshot: Snapshot, record: Uint8Array | string, index: SizeInput, proof: HashInput[], registry: SignerRegistry): SnapshotReport;

/**
 * A record as a reader sees it with a subset of its disclosures (SD-JWT
 * style, RFC 9901): each disclosed value back in its place, every other
 * hidden value left out. `RedactionError` `invalid_disclosure`,
 * `duplicate_digest`, `unreferenced_disclosure`, `claim_collision`.
 */
export function disclose(record: string | Uint8Array | Record<string, unknown>, disclosures: string[]): Record<string, unknown>;

/** A node of a disclosed view that keeps digests no disclosure opened. */
export interface HiddenDigests {
  /** The node's JSON Pointer in the view. */
  pointer: string;
  /** How many digests stay unopened there (hidden values or decoys). */
  digests: number;
}

/** What `discloseReport` returns. */
export interface DisclosedView {
  /** The record as the reader sees it (what `disclose` returns). */
  view: Record<string, unknown>;
  /** The JSON Pointer, in `view`, of each value a disclosure brought back, in document order. */
  opened: string[];
  /** Each node of `view` that keeps unopened digests, in document order. */
  hidden: HiddenDigests[];
}

/**
 * `disclose`, and where the disclosures put values back (`opened`) and
 * where digests stay unopened (`hidden`): what a display needs without
 * knowing the commitment form. Refuses what `disclose` refuses.
 */
export function discloseReport(record: string | Uint8Array | Record<string, unknown>, disclosures: string[]): DisclosedView;

/**
 * Whether `value` is the one a redaction record entry committed to, given
 * the 32-byte salt key (a privileged reader's proof of what was removed).
 */
export function proves(entry: Record<string, unknown>, value: unknown, saltKey: Uint8Array): boolean;
"#;

/// A document argument: JSON text (string, bytes) or a plain object.
fn doc_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    match text_or_bytes(value, what)? {
        Some(_) => json_arg(value, what),
        None => canonical_bytes_at(value, ""),
    }
}

/// Signed snapshot metadata.
#[wasm_bindgen]
pub struct Snapshot {
    pub(crate) inner: tc::Snapshot,
}

#[wasm_bindgen]
impl Snapshot {
    /// Reads metadata (JSON text, or the object): exactly the documented
    /// members, each of its type and spelling. `SnapshotError`
    /// `invalid_metadata`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | SnapshotMetadata")]
        metadata: JsValue,
    ) -> Result<Snapshot, JsValue> {
        let bytes = doc_bytes(&metadata, "metadata")?;
        tc::Snapshot::from_json(&bytes)
            .map(|inner| Snapshot { inner })
            .or_throw()
    }

    /// `snapshot_id`.
    #[wasm_bindgen(getter, js_name = snapshotId)]
    pub fn snapshot_id(&self) -> String {
        self.inner.snapshot_id().to_owned()
    }

    /// `hash`: the named digest of the batch.
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_owned()
    }

    /// `signer_kid`.
    #[wasm_bindgen(getter, js_name = signerKid)]
    pub fn signer_kid(&self) -> String {
        self.inner.signer_kid().to_owned()
    }

    /// `ts`.
    #[wasm_bindgen(getter)]
    pub fn ts(&self) -> String {
        self.inner.ts().to_owned()
    }

    /// `records`.
    #[wasm_bindgen(getter)]
    pub fn records(&self) -> f64 {
        self.inner.records() as f64
    }

    /// The metadata as canonical JSON.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The metadata document (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "SnapshotMetadata")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.to_value())
    }

    /// Checks that an audit row (trustcore/v1: a JSONL line or a row
    /// object) publishes this snapshot: its event type is
    /// `snapshot.published` and its payload is this metadata. Verify the
    /// row itself with the chain verifier. `SnapshotError`
    /// `event_mismatch`, or `ChainError` for a row that cannot be read.
    #[wasm_bindgen(js_name = checkEvent)]
    pub fn check_event(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | EventRow")] row: JsValue,
    ) -> Result<(), JsValue> {
        let bytes = crate::chain::row_arg(&row, "row", "")?;
        let profile = trustcore::profile::ChainProfile::trustcore_v1();
        let row = trustcore::chain::Row::read(&bytes, &profile).map_err(|(reason, m)| {
            crate::named_error("ChainError", reason.as_str(), &format!("the row: {m}"))
        })?;
        self.inner.check_event(&row).or_throw()
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Snapshot {
    /// The body of the `snapshot.published` audit event that references
    /// this snapshot (its metadata is the payload), for
    /// `ChainWriter.prepare` (full module).
    #[wasm_bindgen(js_name = eventBody, unchecked_return_type = "EventBody")]
    pub fn event_body(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] ts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = crate::signing::string_arg(&id, "id")?;
        let ts = crate::signing::string_arg(&ts, "ts")?;
        let actor = crate::signing::string_arg(&actor, "actor")?;
        to_js(
            &self
                .inner
                .event_body(&id, &ts, &actor)
                .to_value(crate::NAMING),
        )
    }
}

/// Verifies a batch against its signed metadata, fed in chunks (a file or
/// a `fetch` body read as a stream; lines may span chunks).
#[wasm_bindgen]
pub struct SnapshotVerifier {
    inner: Option<tc::SnapshotVerifier>,
}

fn finished() -> JsValue {
    crate::named_error(
        "SnapshotError",
        "invalid_snapshot",
        &trustcore::ffi::finished_message("SnapshotVerifier"),
    )
}

#[wasm_bindgen]
impl SnapshotVerifier {
    /// A verifier of `snapshot` with the signers of `registry` (the digest
    /// and the records' fields are the metadata's).
    pub fn create(snapshot: &Snapshot, registry: &SignerRegistry) -> SnapshotVerifier {
        SnapshotVerifier {
            inner: Some(tc::SnapshotVerifier::new(
                snapshot.inner.clone(),
                registry.inner.clone(),
            )),
        }
    }

    /// Feeds a chunk of the batch (bytes, or a string).
    #[wasm_bindgen(js_name = pushBytes)]
    pub fn push_bytes(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        if self.inner.is_none() {
            return Err(finished());
        }
        let bytes = json_arg(&chunk, "chunk")?;
        if let Some(v) = self.inner.as_mut() {
            v.push_bytes(&bytes);
        }
        Ok(())
    }

    /// Ends the batch (a last line without newline included) and reports.
    #[wasm_bindgen(unchecked_return_type = "SnapshotReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let v = self.inner.take().ok_or_else(finished)?;
        to_js(&v.finish().to_value_named(NAMING))
    }
}

/// Verifies a whole batch in one call.
#[wasm_bindgen(js_name = verifySnapshot, skip_typescript)]
pub fn verify_snapshot(
    snapshot: &Snapshot,
    batch: JsValue,
    registry: &SignerRegistry,
) -> Result<JsValue, JsValue> {
    let batch = json_arg(&batch, "batch")?;
    to_js(&tc::verify_snapshot(&snapshot.inner, &batch, &registry.inner).to_value_named(NAMING))
}

/// The inclusion proof of one record of a batch.
#[wasm_bindgen(js_name = recordProof, skip_typescript)]
pub fn record_proof(batch: JsValue, index: JsValue) -> Result<Array, JsValue> {
    let batch = json_arg(&batch, "batch")?;
    let index = size_arg(&index, "index")?;
    let proof = tc::record_proof(&batch, index).or_throw()?;
    let out = Array::new();
    for h in proof {
        out.push(&bytes_out(&h));
    }
    Ok(out)
}

/// Verifies one record against signed metadata with its inclusion proof.
#[wasm_bindgen(js_name = verifyRecord, skip_typescript)]
pub fn verify_record(
    snapshot: &Snapshot,
    record: JsValue,
    index: JsValue,
    proof: JsValue,
    registry: &SignerRegistry,
) -> Result<JsValue, JsValue> {
    let record = json_arg(&record, "record")?;
    let index = size_arg(&index, "index")?;
    let proof = hashes_arg(&proof, "proof")?;
    let r = tc::verify_record(&snapshot.inner, &record, index, &proof, &registry.inner);
    to_js(&r.to_value_named(NAMING))
}

/// A JSON value argument: JSON text (strict I-JSON, read by the core) or a
/// value (read with the rules of `canonicalize`).
fn json_value_arg(value: &JsValue, what: &str) -> Result<Value, JsValue> {
    let bytes = doc_bytes(value, what)?;
    let canon = trustcore::canonical::canonicalize_text(&bytes).or_throw()?;
    serde_json::from_slice(&canon).map_err(|e| crate::invalid_argument(e.to_string()))
}

fn strings_arg(value: &JsValue, what: &str) -> Result<Vec<String>, JsValue> {
    crate::array_items(value, what, |item, w, _| {
        crate::signing::string_arg(item, w)
    })
}

fn key32(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    bytes_arg(value, what)
}

/// A record with a subset of its disclosures (the core's `disclose`).
#[wasm_bindgen(skip_typescript)]
pub fn disclose(record: JsValue, disclosures: JsValue) -> Result<JsValue, JsValue> {
    let (record, list) = disclose_args(&record, &disclosures)?;
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    let out = trustcore::redact::disclose(&record, &refs).or_throw()?;
    to_js(&out)
}

fn disclose_args(
    record: &JsValue,
    disclosures: &JsValue,
) -> Result<(serde_json::Value, Vec<String>), JsValue> {
    Ok((
        json_value_arg(record, "record")?,
        strings_arg(disclosures, "disclosures")?,
    ))
}

/// `disclose` with where the disclosures put values back and where digests
/// stay unopened (the core's `disclose_report`).
#[wasm_bindgen(js_name = discloseReport, skip_typescript)]
pub fn disclose_report(record: JsValue, disclosures: JsValue) -> Result<JsValue, JsValue> {
    let (record, list) = disclose_args(&record, &disclosures)?;
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    let out = trustcore::redact::disclose_report(&record, &refs).or_throw()?;
    to_js(&out.to_value())
}

/// Whether `value` is the one a record entry committed to (the core's
/// `proves`).
#[wasm_bindgen(skip_typescript)]
pub fn proves(entry: JsValue, value: JsValue, salt_key: JsValue) -> Result<bool, JsValue> {
    let entry = value_arg(&entry)?;
    let value = if is_uint8(&value) {
        return Err(crate::invalid_argument(
            "value is the redacted JSON value itself, not bytes".into(),
        ));
    } else {
        value_arg(&value)?
    };
    let key = key32(&salt_key, "saltKey")?;
    let keys = trustcore::redact::RedactionKeys::from_bytes(&key, None).or_throw()?;
    Ok(trustcore::redact::proves(&entry, &value, &keys.salt_key))
}

/// The producing side: building and (remotely) signing snapshots,
/// redaction policies, `redact` and `commit`.
#[cfg(feature = "full")]
mod producer {
    use super::*;
    use crate::signing::{alg_arg, string_arg, PublicKey};

    #[wasm_bindgen(typescript_custom_section)]
    const TS_PRODUCER: &'static str = r#"
/** Options of `SnapshotBuilder.create`: the batch digest and where each record's trace id and time are. */
export interface SnapshotOptions {
  /** Default `"sha256"`; `"blake3"` for large batches. */
  hashAlg?: "sha256" | "blake3" | null;
  /** JSON Pointer of each record's trace id (default `/trace_id`). */
  traceId?: string | null;
  /** JSON Pointer of each record's time (default `/ts`). */
  ts?: string | null;
}

/** The outcome of `redact`: the redacted document's canonical bytes and the record of what was redacted. */
export interface RedactionResult {
  /** Canonical JSON of the redacted document. */
  redacted: Uint8Array;
  /** `trustcore.redaction-record/v1`: policy, digests of both documents, one entry per redacted value. */
  record: Record<string, unknown>;
}

/** The commitment form of a record (what a snapshot signs) and its disclosures (`commit`). */
export interface CommittedRecord {
  record: Record<string, unknown>;
  /** One per hidden value, in document order. */
  disclosures: string[];
}

/**
 * Redacts a document under a policy (full module): every value a rule
 * selects, wherever it sits. `saltKey` (32 bytes) derives the salted
 * commitments; `pseudonymKey` (32 bytes) is needed when a rule
 * pseudonymizes (`RedactionError` `missing_key`).
 */
export function redact(document: unknown, policy: RedactionPolicy, saltKey: Uint8Array, pseudonymKey?: Uint8Array | null): RedactionResult;

/** The commitment form of a record under a policy (full module), with its disclosures. */
export function commit(record: unknown, policy: RedactionPolicy, saltKey: Uint8Array): CommittedRecord;
"#;

    /// A redaction policy (`trustcore.redaction-policy/v1`).
    #[wasm_bindgen]
    pub struct RedactionPolicy {
        inner: trustcore::redact::RedactionPolicy,
    }

    #[wasm_bindgen]
    impl RedactionPolicy {
        /// Loads a policy (JSON text, or the object). `RedactionError`
        /// `invalid_policy` with the JSON Pointer of the offending member in
        /// `path`, `unsupported_policy_version`.
        #[wasm_bindgen(js_name = fromJson)]
        pub fn from_json(
            #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | Record<string, unknown>")]
            policy: JsValue,
        ) -> Result<RedactionPolicy, JsValue> {
            let bytes = doc_bytes(&policy, "policy")?;
            trustcore::redact::RedactionPolicy::from_json(&bytes)
                .map(|inner| RedactionPolicy { inner })
                .or_throw()
        }

        /// Its id.
        #[wasm_bindgen(getter)]
        pub fn id(&self) -> String {
            self.inner.id.clone()
        }

        /// Its version.
        #[wasm_bindgen(getter)]
        pub fn version(&self) -> f64 {
            self.inner.version as f64
        }

        /// `sha256:` of its canonical document (in every record).
        #[wasm_bindgen(getter)]
        pub fn digest(&self) -> String {
            self.inner.digest().to_owned()
        }

        /// The policy document.
        #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Record<string, unknown>")]
        pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
            to_js(&self.inner.to_value())
        }
    }

    /// Redacts a document (the core's `redact`).
    #[wasm_bindgen(skip_typescript)]
    pub fn redact(
        document: JsValue,
        policy: &RedactionPolicy,
        salt_key: JsValue,
        pseudonym_key: JsValue,
    ) -> Result<JsValue, JsValue> {
        let doc = doc_bytes(&document, "document")?;
        let salt = key32(&salt_key, "saltKey")?;
        let pseud = if pseudonym_key.is_undefined() || pseudonym_key.is_null() {
            None
        } else {
            Some(key32(&pseudonym_key, "pseudonymKey")?)
        };
        let keys =
            trustcore::redact::RedactionKeys::from_bytes(&salt, pseud.as_deref()).or_throw()?;
        // Redacted as canonical text: no value tree.
        let r = trustcore::redact::redact_text(&doc, &policy.inner, &keys).or_throw()?;
        let out = js_sys::Object::new();
        crate::set(&out, "redacted", &bytes_out(&r.redacted));
        crate::set(&out, "record", &to_js(&r.record.to_value())?);
        Ok(out.into())
    }

    /// The commitment form of a record (the core's `commit`).
    #[wasm_bindgen(skip_typescript)]
    pub fn commit(
        record: JsValue,
        policy: &RedactionPolicy,
        salt_key: JsValue,
    ) -> Result<JsValue, JsValue> {
        let doc = json_value_arg(&record, "record")?;
        let salt = key32(&salt_key, "saltKey")?;
        let keys = trustcore::redact::RedactionKeys::from_bytes(&salt, None).or_throw()?;
        let c = trustcore::redact::commit(&doc, &policy.inner, &keys.salt_key).or_throw()?;
        let out = js_sys::Object::new();
        crate::set(&out, "record", &to_js(&c.record)?);
        crate::set(&out, "disclosures", &to_js(&Value::from(c.disclosures))?);
        Ok(out.into())
    }

    /// Builds a snapshot from records fed one at a time (full module).
    #[wasm_bindgen]
    pub struct SnapshotBuilder {
        inner: Option<tc::SnapshotBuilder>,
    }

    fn built() -> JsValue {
        crate::named_error(
            "SnapshotError",
            "invalid_snapshot",
            &trustcore::ffi::finished_message("SnapshotBuilder"),
        )
    }

    #[wasm_bindgen]
    impl SnapshotBuilder {
        /// A builder (`SnapshotOptions`, read by the core).
        pub fn create(
            #[wasm_bindgen(unchecked_optional_param_type = "SnapshotOptions | null")]
            options: JsValue,
        ) -> Result<SnapshotBuilder, JsValue> {
            let o =
                tc::SnapshotOptions::from_value(crate::options_value(&options)?.as_ref(), NAMING)
                    .or_throw()?;
            Ok(SnapshotBuilder {
                inner: Some(tc::SnapshotBuilder::new(o)),
            })
        }

        /// Adds a record (JSON text, or a value) and returns its line
        /// (canonical JSON and `\n`) to write to the batch.
        pub fn push(
            &mut self,
            #[wasm_bindgen(unchecked_param_type = "unknown")] record: JsValue,
        ) -> Result<js_sys::Uint8Array, JsValue> {
            let bytes = doc_bytes(&record, "record")?;
            let b = self.inner.as_mut().ok_or_else(built)?;
            b.push_text(&bytes).map(bytes_out).or_throw()
        }

        /// Records added so far.
        #[wasm_bindgen(getter)]
        pub fn count(&self) -> f64 {
            self.inner.as_ref().map_or(0.0, |b| b.count() as f64)
        }

        /// Ends the batch: the metadata to sign, under `snapshotId` at `ts`.
        pub fn finish(
            &mut self,
            #[wasm_bindgen(js_name = snapshotId, unchecked_param_type = "string")]
            snapshot_id: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Instant")] ts: JsValue,
        ) -> Result<UnsignedSnapshot, JsValue> {
            let id = string_arg(&snapshot_id, "snapshotId")?;
            let ts = crate::signing::instant_text(&ts)?;
            let b = self.inner.take().ok_or_else(built)?;
            b.finish(&id, &ts)
                .map(|inner| UnsignedSnapshot { inner })
                .or_throw()
        }
    }

    /// Snapshot metadata before it is signed.
    #[wasm_bindgen]
    pub struct UnsignedSnapshot {
        inner: tc::UnsignedSnapshot,
    }

    #[wasm_bindgen]
    impl UnsignedSnapshot {
        /// The metadata so far.
        #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Record<string, unknown>")]
        pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
            to_js(&self.inner.to_value())
        }

        /// Prepares the bytes a (remote) signer must sign as `signerKid`
        /// (`message`: for `ed25519ph`, the SHA-512 a KMS digest mode
        /// takes).
        pub fn prepare(
            &self,
            #[wasm_bindgen(js_name = signerKid, unchecked_param_type = "string")]
            signer_kid: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm")] alg: JsValue,
        ) -> Result<PreparedSnapshot, JsValue> {
            let kid = string_arg(&signer_kid, "signerKid")?;
            let alg = alg_arg(&alg)?;
            self.inner
                .prepare(&kid, alg)
                .map(|inner| PreparedSnapshot { inner: Some(inner) })
                .or_throw()
        }
    }

    /// Snapshot metadata prepared for a (remote) signer.
    #[wasm_bindgen]
    pub struct PreparedSnapshot {
        inner: Option<tc::PreparedSnapshot>,
    }

    #[wasm_bindgen]
    impl PreparedSnapshot {
        /// What the signer must sign.
        #[wasm_bindgen(getter)]
        pub fn message(&self) -> js_sys::Uint8Array {
            bytes_out(&self.inner.as_ref().map(|p| p.message()).unwrap_or_default())
        }

        /// Attaches the signer's answer after checking it under `expected`
        /// (the registered key): a wrong answer gives no metadata at all
        /// (`SnapshotError` `remote_signature_invalid`). Once.
        pub fn attach(
            &mut self,
            #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
            expected: &PublicKey,
        ) -> Result<Snapshot, JsValue> {
            let sig = bytes_arg(&signature, "signature")?;
            let p = self.inner.take().ok_or_else(built)?;
            p.attach(&sig, &expected.inner)
                .map(|inner| Snapshot { inner })
                .or_throw()
        }
    }
}
