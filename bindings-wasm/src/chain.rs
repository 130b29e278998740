//! The verifying side of the audit chain: `ChainVerifier` (streaming,
//! resumable), `verifyJsonl`, `verifyRow`, `replay`, and
//! `verifyEventInCheckpoint` (one event against a signed checkpoint with an
//! inclusion proof: the control-panel flow).
//!
//! Conversion and error mapping only: every rule is in `trustcore::chain`
//! and `trustcore::merkle`. JSONL given as a JS string is read as its exact
//! UTF-16 code units (WTF-8), so a lone surrogate is a `malformed_row`
//! break, never a silent U+FFFD. Reports are the core's `to_value()`,
//! through `JSON.parse`. The WASM build is single-threaded (the core's
//! `parallel` feature is off); the verdicts are the same.

use crate::merkle::{hashes_arg, opened_json, size_arg, vkeys_arg};
use crate::signing::{parse_json, SignerRegistry};
use crate::{
    describe, input_arg, invalid_argument, read_string, with_value, Input, JsText, OrThrow,
};
use js_sys::{Array, JsString, Reflect};
use serde_json::{json, Value};
use trustcore::chain as tc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_CHAIN: &'static str = r#"
/** Why a row breaks the chain (stable codes, `docs/audit-chain.md`). */
export type BreakReason =
  | "malformed_row"
  | "invalid_field"
  | "duplicate_id"
  | "seq_gap"
  | "prev_hash_mismatch"
  | "hash_mismatch"
  | "ts_regression"
  | "unknown_signer"
  | "signer_not_yet_valid"
  | "signer_expired"
  | "signer_revoked"
  | "invalid_signature"
  | "truncated"
  | "head_mismatch"
  | "checkpoint_mismatch";

/** The head of a chain: the last event's hash and seq (and ts), or the genesis head (64 zeros, seq 0). */
export interface Head {
  /** 64 lowercase hex digits. */
  hash: string;
  seq: number;
  /** RFC 3339 UTC, when known. */
  ts?: string;
}

/** A Merkle tree head over the event hashes: what a signed checkpoint commits to. */
export interface TreeHead {
  size: number;
  /** RFC 6962 root, 64 lowercase hex digits. */
  root: string;
}

/** A break found by the verifier. */
export interface Break {
  /** 0-based row number in the stream. */
  position: number;
  /** The row's seq, when it could be read. */
  seq?: number;
  /** The row's id, when it could be read. */
  id?: string;
  reason: BreakReason;
  /** What exactly, for a person. */
  message: string;
}

/** The outcome of verifying a chain. */
export interface ChainReport {
  /** No breaks. */
  valid: boolean;
  /** The head reached (the last event accepted or resynchronised on). */
  head: Head;
  /** Rows read. */
  rows: number;
  /** The breaks in stream order (only the first with `stopAtFirst`). */
  breaks: Break[];
  /** The RFC 6962 tree head over the hashes of every readable row. */
  merkle: TreeHead;
}

/** A verifier's resumable state (save it, then `ChainVerifier.resume`). */
export interface VerifierState {
  type: "trustcore.chain-verifier-state/v1";
  head: Head;
  /** Rows read so far (the next row's position). */
  position: number;
  /** Events accepted so far. */
  count: number;
  /** Breaks found so far. */
  breaks: number;
  /** The verifier stopped at a break (`stopAtFirst`). */
  stopped: boolean;
  /** The Merkle frontier: size and at most 63 subtree roots (hex), largest first. */
  merkle: { size: number; hashes: string[] };
}

/** How a chain is verified. */
export interface VerifyOptions {
  /** The chain's digest algorithm (default `"sha256"`). */
  hashAlg?: "sha256" | "blake3";
  /** Stop at the first break (default: collect all). */
  stopAtFirst?: boolean;
  /** Detect duplicate ids (default true; 16 bytes per event). */
  trackIds?: boolean;
  /** The chain must reach this head (`truncated`, `head_mismatch`). */
  expectedHead?: Head;
  /** A tree head from a signed checkpoint (`checkpoint_mismatch`, `truncated`). */
  checkpoint?: TreeHead;
  /** The longest row accepted, in bytes (default 1 MiB). */
  maxRowBytes?: number;
}

/** An audit event row as stored (the ten columns). */
export interface EventRow {
  id: string;
  seq: number;
  ts: string;
  event_type: string;
  actor: string;
  payload: unknown;
  prev_hash: string;
  hash: string;
  signer_id: string;
  signature: string;
}

/** Two or more events claiming the same predecessor. */
export interface Fork {
  prevHash: string;
  /** Competing ids in the order of their hashes (the first is the branch followed). */
  ids: string[];
  hashes: string[];
}

/** The outcome of `replay`. */
export interface ReplayReport {
  /** The events in chain order, as canonical rows (JSONL lines without the newline). */
  events: string[];
  forks: Fork[];
  /** Ids of readable events not on the replayed chain, sorted. */
  orphans: string[];
  /** Rows that could not be read. */
  malformed: { position: number; reason: "malformed_row" | "invalid_field" }[];
}

/** The verdict on one row on its own (`verifyRow`). */
export interface RowReport {
  /** Well-formed, hash right, signer's key valid at `ts`, signature valid. */
  valid: boolean;
  /** Why not (the row's break reason). */
  reason?: BreakReason;
  message?: string;
  /** The row, when valid. */
  event?: EventRow;
}

/** Options of `verifyEventInCheckpoint`. */
export interface EventCheckOptions {
  /** The chain's digest algorithm (default `"sha256"`). */
  hashAlg?: "sha256" | "blake3";
}

/** The verdict on one event against a signed checkpoint. */
export interface EventInCheckpointReport {
  /** The row verifies on its own and its hash is leaf `index` of the checkpoint's tree. */
  valid: boolean;
  /** Which check failed: the row itself, or the inclusion proof. */
  stage?: "row" | "inclusion";
  /**
   * Why: a break reason of the row (`hash_mismatch`, `invalid_signature`, ...),
   * or a `MerkleError` code of the proof (`root_mismatch`, `invalid_proof`,
   * `index_out_of_range`).
   */
  reason?: BreakReason | "root_mismatch" | "invalid_proof" | "index_out_of_range" | "invalid_tree_size";
  message?: string;
  /** The leaf index checked. */
  index: number;
  /** The row, when it could be read and verified. */
  event?: EventRow;
  /** The opened checkpoint (its signature verified under a trusted key). */
  checkpoint: OpenedCheckpoint;
}
"#;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// JSONL (or one row) as bytes. A JS string is read as its UTF-16 code
/// units (WTF-8), so a lone surrogate reaches the core's strict parser.
fn jsonl_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    Ok(match input_arg(value, what)? {
        Input::Bytes(b) => b,
        Input::Text(JsText::Str(s)) => s.into_bytes(),
        Input::Text(JsText::Utf16(u)) => trustcore::canonical::wtf8_from_utf16(&u),
    })
}

/// A JS value as a `serde_json::Value`, read with the rules of `canonicalize`.
pub(crate) fn value_arg(value: &JsValue) -> Result<Value, JsValue> {
    let bytes = with_value(value.clone(), |v| {
        trustcore::ffi::canonicalize_value(v, None)
    })?;
    // Canonical JSON always parses.
    serde_json::from_slice(&bytes).map_err(|e| invalid_argument(e.to_string()))
}

/// `options[name]`, or `None` when it is `undefined` or `null`.
fn prop(obj: &JsValue, name: &str) -> Result<Option<JsValue>, JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(name))?;
    Ok(if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(v)
    })
}

fn options_obj(value: &JsValue) -> Result<Option<JsValue>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || value.is_function() || Array::is_array(value) {
        return Err(invalid_argument(format!(
            "options must be an object, got {}",
            describe(value)
        )));
    }
    Ok(Some(value.clone()))
}

fn bool_opt(obj: &JsValue, name: &str) -> Result<Option<bool>, JsValue> {
    match prop(obj, name)? {
        None => Ok(None),
        Some(v) => v.as_bool().map(Some).ok_or_else(|| {
            invalid_argument(format!(
                "options.{name} must be a boolean, got {}",
                describe(&v)
            ))
        }),
    }
}

/// The chain's digest algorithm: `"sha256"` (default) or `"blake3"`.
fn hash_alg_opt(obj: &JsValue) -> Result<trustcore::digest::Algorithm, JsValue> {
    match prop(obj, "hashAlg")? {
        None => Ok(trustcore::digest::Algorithm::Sha256),
        Some(v) => match v.dyn_ref::<JsString>() {
            Some(s) => {
                let name = match read_string(s) {
                    JsText::Str(t) => t,
                    JsText::Utf16(u) => String::from_utf16_lossy(&u),
                };
                trustcore::ffi::algorithm(Some(&name)).or_throw()
            }
            None => Err(invalid_argument(format!(
                "options.hashAlg must be \"sha256\" or \"blake3\", got {}",
                describe(&v)
            ))),
        },
    }
}

/// A head `{hash, seq, ts?}` (checked by the core: `ChainError` `invalid_state`).
fn head_arg(value: &JsValue) -> Result<tc::Head, JsValue> {
    tc::Head::from_value(&value_arg(value)?).or_throw()
}

/// `VerifyOptions` from `{hashAlg?, stopAtFirst?, trackIds?, expectedHead?,
/// checkpoint?, maxRowBytes?}`.
fn verify_options(value: &JsValue) -> Result<tc::VerifyOptions, JsValue> {
    let mut out = tc::VerifyOptions::default();
    let Some(obj) = options_obj(value)? else {
        return Ok(out);
    };
    out.hash_alg = hash_alg_opt(&obj)?;
    if let Some(b) = bool_opt(&obj, "stopAtFirst")? {
        out.stop_at_first = b;
    }
    if let Some(b) = bool_opt(&obj, "trackIds")? {
        out.track_ids = b;
    }
    if let Some(h) = prop(&obj, "expectedHead")? {
        out.expected_head = Some(head_arg(&h)?);
    }
    if let Some(c) = prop(&obj, "checkpoint")? {
        out.checkpoint = Some(tc::TreeHead::from_value(&value_arg(&c)?).or_throw()?);
    }
    if let Some(m) = prop(&obj, "maxRowBytes")? {
        match m.as_f64() {
            Some(n) if n.fract() == 0.0 && (1.0..=4_294_967_295.0).contains(&n) => {
                out.max_row_bytes = n as usize;
            }
            _ => {
                return Err(invalid_argument(format!(
                    "options.maxRowBytes must be a positive integer, got {}",
                    describe(&m)
                )))
            }
        }
    }
    Ok(out)
}

fn to_js(v: &Value) -> Result<JsValue, JsValue> {
    parse_json(&v.to_string())
}

// ---------------------------------------------------------------------------
// ChainVerifier
// ---------------------------------------------------------------------------

/// Verifies a chain fed in chunks of JSONL (a `fetch` body, a file read in
/// slices) or row by row; memory stays constant (plus 16 bytes per id
/// unless `trackIds: false`).
#[wasm_bindgen]
pub struct ChainVerifier {
    inner: Option<tc::ChainVerifier>,
    /// A high surrogate that ended the last string chunk: it belongs with
    /// the first unit of the next one.
    pending_high: Option<u16>,
}

fn finished() -> JsValue {
    crate::named_error(
        "ChainError",
        "invalid_state",
        "this ChainVerifier has finished; create or resume another",
    )
}

impl ChainVerifier {
    fn live(&mut self) -> Result<&mut tc::ChainVerifier, JsValue> {
        self.inner.as_mut().ok_or_else(finished)
    }

    fn flush_pending_high(&mut self) -> Result<(), JsValue> {
        if let Some(unit) = self.pending_high.take() {
            let bytes = trustcore::canonical::wtf8_from_utf16(&[unit]);
            self.live()?.push_bytes(&bytes);
        }
        Ok(())
    }
}

#[wasm_bindgen]
impl ChainVerifier {
    /// A verifier for a chain from its first event.
    pub fn create(
        registry: &SignerRegistry,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions")] options: JsValue,
    ) -> Result<ChainVerifier, JsValue> {
        let options = verify_options(&options)?;
        Ok(ChainVerifier {
            inner: Some(tc::ChainVerifier::new(registry.inner.clone(), options)),
            pending_high: None,
        })
    }

    /// A verifier continuing from a saved `state()` (an object or its JSON
    /// text) without re-reading the chain. Ids from before are not
    /// remembered. `ChainError` `invalid_state` for a state of another
    /// shape.
    pub fn resume(
        registry: &SignerRegistry,
        #[wasm_bindgen(unchecked_param_type = "VerifierState | string")] state: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions")] options: JsValue,
    ) -> Result<ChainVerifier, JsValue> {
        let state = if state.is_string() {
            let text = crate::signing::json_arg(&state, "state")?;
            let canon = trustcore::canonical::canonicalize_text(&text).or_throw()?;
            serde_json::from_slice(&canon).map_err(|e| invalid_argument(e.to_string()))?
        } else {
            value_arg(&state)?
        };
        let state = tc::VerifierState::from_value(&state).or_throw()?;
        let options = verify_options(&options)?;
        Ok(ChainVerifier {
            inner: Some(tc::ChainVerifier::resume(
                registry.inner.clone(),
                options,
                state,
            )),
            pending_high: None,
        })
    }

    /// Feeds a chunk of JSONL (bytes, or a string); rows may span chunks,
    /// `\r\n` and blank lines are accepted.
    pub fn feed(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        self.live()?;
        match input_arg(&chunk, "chunk")? {
            Input::Bytes(b) => {
                self.flush_pending_high()?;
                self.live()?.push_bytes(&b);
            }
            Input::Text(JsText::Str(s)) => {
                self.flush_pending_high()?;
                self.live()?.push_bytes(s.as_bytes());
            }
            Input::Text(JsText::Utf16(mut units)) => {
                if let Some(high) = self.pending_high.take() {
                    units.insert(0, high);
                }
                if matches!(units.last(), Some(0xD800..=0xDBFF)) {
                    self.pending_high = units.pop();
                }
                let bytes = trustcore::canonical::wtf8_from_utf16(&units);
                self.live()?.push_bytes(&bytes);
            }
        }
        Ok(())
    }

    /// Feeds one row (one JSONL line without its newline).
    #[wasm_bindgen(js_name = feedRow)]
    pub fn feed_row(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] row: JsValue,
    ) -> Result<(), JsValue> {
        self.live()?;
        let bytes = jsonl_bytes(&row, "row")?;
        self.flush_pending_high()?;
        self.live()?.push_row(&bytes);
        Ok(())
    }

    /// Checks everything fed so far (a partial last line stays buffered)
    /// and returns the state to resume from.
    #[wasm_bindgen(unchecked_return_type = "VerifierState")]
    pub fn state(&mut self) -> Result<JsValue, JsValue> {
        let s = self.live()?.state();
        to_js(&s.to_value())
    }

    /// The breaks found so far (checks pending rows first).
    #[wasm_bindgen(unchecked_return_type = "Break[]")]
    pub fn breaks(&mut self) -> Result<JsValue, JsValue> {
        let list: Vec<Value> = self
            .live()?
            .breaks()
            .iter()
            .map(tc::Break::to_value)
            .collect();
        to_js(&Value::Array(list))
    }

    /// Ends the stream (a last line without newline included), checks the
    /// expected head and checkpoint, and reports. The verifier cannot be
    /// fed afterwards (`ChainError` `invalid_state`).
    #[wasm_bindgen(unchecked_return_type = "ChainReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.flush_pending_high()?;
        let v = self.inner.take().ok_or_else(finished)?;
        to_js(&v.finish().to_value())
    }
}

// ---------------------------------------------------------------------------
// One-call forms
// ---------------------------------------------------------------------------

/// Verifies a whole JSONL export (a string or UTF-8 bytes) in one call.
#[wasm_bindgen(js_name = verifyJsonl, unchecked_return_type = "ChainReport")]
pub fn verify_jsonl(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    registry: &SignerRegistry,
    #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = jsonl_bytes(&text, "text")?;
    let options = verify_options(&options)?;
    to_js(&tc::verify_jsonl(&bytes, registry.inner.clone(), options).to_value())
}

/// Verifies one row on its own (`trustcore::chain::verify_row`): strict
/// I-JSON with the ten columns, `hash` right, the signer's key valid at
/// the row's `ts` and the signature valid — everything but the links to
/// its neighbours. Never throws for a bad row: the report says why.
#[wasm_bindgen(js_name = verifyRow, unchecked_return_type = "RowReport")]
pub fn verify_row(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] row: JsValue,
    registry: &SignerRegistry,
    #[wasm_bindgen(unchecked_optional_param_type = "EventCheckOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = jsonl_bytes(&row, "row")?;
    let hash_alg = match options_obj(&options)? {
        Some(o) => hash_alg_opt(&o)?,
        None => trustcore::digest::Algorithm::Sha256,
    };
    let out = match tc::verify_row(&bytes, &registry.inner, hash_alg) {
        Ok(e) => json!({"valid": true, "event": e.to_value()}),
        Err((reason, message)) => {
            json!({"valid": false, "reason": reason.as_str(), "message": message})
        }
    };
    to_js(&out)
}

/// Checks one event against a signed checkpoint, without the rest of the
/// chain (the control-panel flow), with core calls only:
///
/// 1. `openCheckpoint(checkpointNote, verifierKeys)`: the note must carry
///    a valid signature of a trusted key (otherwise this throws its
///    `MerkleError`: there is nothing to check against);
/// 2. `verifyRow(row, registry)`: the row is well-formed, its `hash` is the
///    digest of its columns, and its signer's key vouched for it at `ts`;
/// 3. `verifyInclusion(leafHash(row.hash), index, checkpoint.size, proof,
///    checkpoint.root)`.
///
/// A failed step 2 or 3 is a verdict (`valid: false`, `stage`, `reason`),
/// not an exception. `index` is the event's position in the chain
/// (`seq - 1` for a whole chain).
#[wasm_bindgen(js_name = verifyEventInCheckpoint, unchecked_return_type = "EventInCheckpointReport")]
pub fn verify_event_in_checkpoint(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] row: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SizeInput")] index: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HashInput[]")] proof: JsValue,
    #[wasm_bindgen(js_name = checkpointNote, unchecked_param_type = "string | Uint8Array")]
    checkpoint_note: JsValue,
    #[wasm_bindgen(js_name = verifierKeys, unchecked_param_type = "(VerifierKey | string)[]")]
    verifier_keys: JsValue,
    registry: &SignerRegistry,
    #[wasm_bindgen(unchecked_optional_param_type = "EventCheckOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    // Arguments first, so a wrong type is always a TypeError.
    let row = jsonl_bytes(&row, "row")?;
    let index = size_arg(&index, "index")?;
    let proof = hashes_arg(&proof, "proof")?;
    let note = crate::signing::json_arg(&checkpoint_note, "checkpointNote")?;
    let keys = vkeys_arg(&verifier_keys, "verifierKeys")?;
    let hash_alg = match options_obj(&options)? {
        Some(o) => hash_alg_opt(&o)?,
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
    .or_throw()?;
    let mut out = json!({
        "valid": r.valid(),
        "index": r.index,
        "checkpoint": opened_json(&r.checkpoint),
    });
    if let Some(event) = &r.event {
        out["event"] = event.to_value();
    }
    if let Some(f) = &r.failure {
        out["stage"] = json!(f.stage.as_str());
        out["reason"] = json!(f.reason);
        out["message"] = json!(f.message);
    }
    to_js(&out)
}

/// Orders rows given in any order (several exports, a query without ORDER
/// BY) into the one chain order by following `prev_hash` from `start`
/// (default: the genesis head), and reports forks, orphans and unreadable
/// rows. Replay orders; it does not verify: feed `events` to a
/// `ChainVerifier`.
#[wasm_bindgen(unchecked_return_type = "ReplayReport")]
pub fn replay(
    #[wasm_bindgen(unchecked_param_type = "(string | Uint8Array)[]")] rows: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Head")] start: JsValue,
) -> Result<JsValue, JsValue> {
    let rows = crate::merkle::array_items(&rows, "rows", jsonl_bytes)?;
    let start = if start.is_undefined() || start.is_null() {
        tc::Head::default()
    } else {
        head_arg(&start)?
    };
    let r = tc::replay(&rows, &start);
    to_js(&json!({
        "events": r.events.iter().map(tc::Event::to_json).collect::<Vec<_>>(),
        "forks": r.forks.iter().map(|f| json!({
            "prevHash": hex::encode(f.prev_hash),
            "ids": f.ids,
            "hashes": f.hashes.iter().map(hex::encode).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "orphans": r.orphans,
        "malformed": r.malformed.iter().map(|(p, reason)| json!({
            "position": p,
            "reason": reason.as_str(),
        })).collect::<Vec<_>>(),
    }))
}
