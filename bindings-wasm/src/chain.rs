//! The verifying side of the audit chain: `ChainVerifier` (streaming,
//! resumable), `verifyJsonl`, `verifyRow`, `replay`, and
//! `verifyEventInCheckpoint` (one event against a signed checkpoint with an
//! inclusion proof: the control-panel flow).
//!
//! Conversion and error mapping only: every rule is in `trustcore::chain`
//! and `trustcore::merkle`, and so are the options (`VerifyOptions::
//! from_value`, `ffi::hash_alg_options`) and the reports (`ChainReport`,
//! `Replay` and `EventInCheckpoint` `to_value_named(Camel)`; the resume
//! state is a document, `VerifierState::to_value`, spelled the same in
//! every language). JSONL given as a JS string is read as its exact UTF-16
//! code units (WTF-8), so a lone surrogate is a `malformed_row` break, never
//! a silent U+FFFD. The WASM build is single-threaded (the core's
//! `parallel` feature is off; `threads` is accepted and changes nothing);
//! the verdicts are the same.

use crate::merkle::{hashes_arg, size_arg, vkeys_arg};
use crate::signing::SignerRegistry;
use crate::{
    array_items, canonical_bytes_at, describe, input_arg, invalid_argument, options_value,
    text_or_bytes, to_js, value_arg, Input, JsText, OrThrow, NAMING,
};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use trustcore::chain as tc;
use trustcore::profile::ChainProfile;
use wasm_bindgen::prelude::*;

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

/**
 * An integer from a report: a number, or a `bigint` beyond ±(2^53 − 1)
 * (which no number holds exactly).
 */
export type ReportInteger = number | bigint;

/** The head of a chain: the last event's hash and seq (and ts), or the genesis head (64 zeros, seq 0). */
export interface Head {
  /** 64 lowercase hex digits. */
  hash: string;
  seq: number;
  /** RFC 3339 UTC, when known. */
  ts?: string;
}

/** A head in a report: its `seq` is a `bigint` beyond 2^53 − 1 (a row may claim one). */
export interface ReportHead {
  hash: string;
  seq: ReportInteger;
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
  seq?: ReportInteger;
  /** The row's id, when it could be read. */
  id?: string;
  reason: BreakReason;
  /** What exactly, for a person (quotes at most a short excerpt of the input). */
  message: string;
}

/** The outcome of verifying a chain (the core's `ChainReport`). */
export interface ChainReport {
  /** No breaks. */
  valid: boolean;
  /** The head reached (the last event accepted or resynchronised on). */
  head: ReportHead;
  /** Rows read. */
  rows: number;
  /** Events accepted (rows without a break of their own). */
  count: number;
  /**
   * The first breaks in stream order, at most `maxBreaks` (default 1,000)
   * of them (only the first with `stopAtFirst`).
   */
  breaks: Break[];
  /** Every break found, kept in `breaks` or not. */
  breakCount: number;
  /** Every break found, per reason (reason codes as keys). */
  breakCounts: Partial<Record<BreakReason, number>>;
  /** The RFC 6962 tree head over the hashes of every readable row. */
  merkle: TreeHead;
}

/**
 * A verifier's resumable state (save it, then `ChainVerifier.resume`): a
 * document spelled the same in every language (snake_case members), with
 * an integrity `check`. An edited state, or one no real run could have
 * written, is refused (`ChainError` `invalid_state`).
 */
export interface VerifierState {
  type: "trustcore.chain-verifier-state/v2";
  head: ReportHead;
  /** Rows read so far (the next row's position). */
  position: number;
  /** Events accepted so far. */
  count: number;
  /** Breaks found so far. */
  breaks: number;
  /** Breaks found so far, per reason. */
  break_counts: Partial<Record<BreakReason, number>>;
  /** The verifier stopped at a break (`stopAtFirst`). */
  stopped: boolean;
  /** The chain's digest algorithm. */
  hash_alg: "sha256" | "blake3";
  /** The Merkle frontier: size and at most 63 subtree roots (hex), largest first. */
  merkle: { size: ReportInteger; hashes: string[] };
  /** The trusted head already checked, if one was. */
  pinned_head: { seq: ReportInteger; hash: string } | null;
  /** The checkpoint already checked, if one was. */
  pinned_checkpoint: { size: ReportInteger; root: string } | null;
  /** `sha256:` of the canonical document without `check`. */
  check: string;
}

/**
 * How a chain is verified (the core's `VerifyOptions`). Unknown keys (a
 * misspelling such as `expected_head`) throw `OptionsError`
 * `unknown_option`; bad values `OptionsError` `invalid_option` (a
 * malformed head or tree head: `ChainError` `invalid_state`). Values are
 * read with the rules of `canonicalize` (`undefined` is not a value: leave
 * the key out or pass `null`).
 */
export interface VerifyOptions {
  /** The chain's digest algorithm (default `"sha256"`). */
  hashAlg?: "sha256" | "blake3" | null;
  /** Stop at the first break (default: collect all). */
  stopAtFirst?: boolean | null;
  /** Detect duplicate ids (default true; 16 bytes per event). */
  trackIds?: boolean | null;
  /** A trusted head: the row reaching its seq must have its hash, whatever follows (`head_mismatch`), and the chain must reach it (`truncated`). */
  expectedHead?: Head | null;
  /** A tree head from a signed checkpoint: it pins every row it covers (`checkpoint_mismatch`, `truncated`). */
  checkpoint?: TreeHead | null;
  /** The longest row accepted, in bytes, 1..=2^31 (default 1 MiB). */
  maxRowBytes?: number | null;
  /** Breaks kept with their messages, 0..=1,000,000 (default 1,000); every break is still counted. */
  maxBreaks?: number | null;
  /** Threads for signature checks, 1..=1024 (this module is single-threaded: accepted, no effect). */
  threads?: number | null;
  /** The table's chain profile: a built-in name or a document (default `trustcore/v1` with `hashAlg`; a profile carries its own digest). */
  profile?: ProfileInput | null;
}

/**
 * An audit event row as stored (the ten columns). In a report, a `seq`
 * beyond 2^53 − 1 is a `bigint`; a row object handed in is read with the
 * rules of `canonicalize`, which refuse a `bigint` (give such a row as text).
 */
export interface EventRow {
  id: string;
  seq: ReportInteger;
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

/** The outcome of `replay` (the core's `Replay`). */
export interface ReplayReport {
  /** The events in chain order, as row objects (feed them to `ChainVerifier.feedRow`). */
  events: EventRow[];
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

/** Options of `verifyRow` and `verifyEventInCheckpoint` (unknown keys: `OptionsError` `unknown_option`). */
export interface EventCheckOptions {
  /** The chain's digest algorithm (default `"sha256"`; with `profile`, only that profile's own). */
  hashAlg?: "sha256" | "blake3" | null;
  /** The table's chain profile: a built-in name or a document (default `trustcore/v1`). */
  profile?: ProfileInput | null;
}

/** The verdict on one event against a signed checkpoint (the core's `EventInCheckpoint`). */
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
  index: ReportInteger;
  /** The row, when it verified on its own. */
  event?: EventRow;
  /** The opened checkpoint (its signature verified under a trusted key). */
  checkpoint: OpenedCheckpoint;
}
"#;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

fn input_bytes(input: Input) -> Vec<u8> {
    match input {
        Input::Bytes(b) => b,
        Input::Text(JsText::Str(s)) => s.into_bytes(),
        Input::Text(JsText::Utf16(u)) => trustcore::canonical::wtf8_from_utf16(&u),
    }
}

/// JSONL (or one row) as bytes. A JS string is read as its UTF-16 code
/// units (WTF-8), so a lone surrogate reaches the core's strict parser.
fn jsonl_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    input_arg(value, what).map(input_bytes)
}

/// One row: a JSONL line (a string or UTF-8 bytes), or a row object (as
/// `replay` returns them), canonicalized by the core with the rules of
/// `canonicalize` (a value JSON cannot hold is its `CanonicalJsonError`,
/// with `path` into the row, after `prefix`).
pub(crate) fn row_arg(value: &JsValue, what: &str, prefix: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(input) = text_or_bytes(value, what)? {
        return Ok(input_bytes(input));
    }
    if value.is_object() && !value.is_function() {
        return canonical_bytes_at(value, prefix);
    }
    Err(invalid_argument(format!(
        "{what} must be a string, a Uint8Array or a row object, got {}",
        describe(value)
    )))
}

/// A head `{hash, seq, ts?}` (checked by the core: `ChainError` `invalid_state`).
fn head_arg(value: &JsValue) -> Result<tc::Head, JsValue> {
    tc::Head::from_value(&value_arg(value)?).or_throw()
}

/// The core's `VerifyOptions`, read from a JS options object.
pub(crate) fn verify_options(value: &JsValue) -> Result<tc::VerifyOptions, JsValue> {
    tc::VerifyOptions::from_value(options_value(value)?.as_ref(), NAMING).or_throw()
}

// ---------------------------------------------------------------------------
// ChainVerifier
// ---------------------------------------------------------------------------

/// Verifies a chain fed in chunks of JSONL (a `fetch` body, a file read in
/// slices) or row by row; memory stays flat whatever the input (at most
/// `maxBreaks` breaks are kept, rows are checked in bounded batches), plus
/// 16 bytes per id unless `trackIds: false`.
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
        &trustcore::ffi::finished_message("ChainVerifier"),
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
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions | null")] options: JsValue,
    ) -> Result<ChainVerifier, JsValue> {
        let options = verify_options(&options)?;
        Ok(ChainVerifier {
            inner: Some(tc::ChainVerifier::new(registry.inner.clone(), options)),
            pending_high: None,
        })
    }

    #[cfg(feature = "full")]
    /// A verifier continuing from a saved `state()` (the object, or its JSON
    /// text as a string or bytes) without re-reading the chain. Ids from
    /// before are not remembered. `ChainError` `invalid_state` for a state
    /// that is edited, impossible, for another `hashAlg`, or past a trusted
    /// anchor of `options` it never checked.
    pub fn resume(
        registry: &SignerRegistry,
        #[wasm_bindgen(unchecked_param_type = "VerifierState | string | Uint8Array")]
        state: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions | null")] options: JsValue,
    ) -> Result<ChainVerifier, JsValue> {
        let state = match text_or_bytes(&state, "state")? {
            Some(input) => {
                let canon =
                    trustcore::canonical::canonicalize_text(&input_bytes(input)).or_throw()?;
                serde_json::from_slice(&canon).map_err(|e| invalid_argument(e.to_string()))?
            }
            None => value_arg(&state)?,
        };
        let state = tc::VerifierState::from_value(&state).or_throw()?;
        let options = verify_options(&options)?;
        let inner = tc::ChainVerifier::resume(registry.inner.clone(), options, state).or_throw()?;
        Ok(ChainVerifier {
            inner: Some(inner),
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

    /// Feeds one row: a JSONL line without its newline (a string or bytes),
    /// or a row object such as `replay` returns (canonicalized by the core;
    /// a value JSON cannot hold throws its `CanonicalJsonError`).
    #[wasm_bindgen(js_name = feedRow)]
    pub fn feed_row(
        &mut self,
        #[wasm_bindgen(
            unchecked_param_type = "Uint8Array | string | EventRow | Record<string, unknown>"
        )]
        row: JsValue,
    ) -> Result<(), JsValue> {
        self.live()?;
        let bytes = row_arg(&row, "row", "")?;
        self.flush_pending_high()?;
        self.live()?.push_row(&bytes);
        Ok(())
    }

    #[cfg(feature = "full")]
    /// Checks everything fed so far (a partial last line stays buffered)
    /// and returns the state to resume from.
    #[wasm_bindgen(unchecked_return_type = "VerifierState")]
    pub fn state(&mut self) -> Result<JsValue, JsValue> {
        let s = self.live()?.state();
        to_js(&s.to_value())
    }

    /// The breaks kept so far (checks pending rows first): at most
    /// `maxBreaks`.
    #[wasm_bindgen(unchecked_return_type = "Break[]")]
    pub fn breaks(&mut self) -> Result<JsValue, JsValue> {
        let list: Vec<Value> = self
            .live()?
            .breaks()
            .iter()
            .map(tc::Break::to_value)
            .collect();
        to_js(&NAMING.rename(Value::Array(list), &[]))
    }

    /// Ends the stream (a last line without newline included), checks the
    /// expected head and checkpoint, and reports. The verifier cannot be
    /// fed afterwards (`ChainError` `invalid_state`).
    #[wasm_bindgen(unchecked_return_type = "ChainReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.flush_pending_high()?;
        let v = self.inner.take().ok_or_else(finished)?;
        to_js(&v.finish().to_value_named(NAMING))
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
    #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = jsonl_bytes(&text, "text")?;
    let options = verify_options(&options)?;
    let report = tc::verify_jsonl(&bytes, registry.inner.clone(), options);
    to_js(&report.to_value_named(NAMING))
}

/// Verifies one row on its own (`trustcore::chain::verify_row`): strict
/// I-JSON with the ten columns, `hash` right, the signer's key valid at
/// the row's `ts` and the signature valid — everything but the links to
/// its neighbours. Never throws for a bad row: the report says why.
#[wasm_bindgen(js_name = verifyRow, unchecked_return_type = "RowReport")]
pub fn verify_row(
    #[wasm_bindgen(
        unchecked_param_type = "string | Uint8Array | EventRow | Record<string, unknown>"
    )]
    row: JsValue,
    registry: &SignerRegistry,
    #[wasm_bindgen(unchecked_optional_param_type = "EventCheckOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = row_arg(&row, "row", "")?;
    let profile = row_profile(&options)?;
    let out = match tc::verify_row_with(&bytes, &registry.inner, &profile) {
        // The row is data: its column names are kept.
        Ok(e) => json!({"valid": true, "event": e.to_value()}),
        Err((reason, message)) => {
            json!({"valid": false, "reason": reason.as_str(), "message": message})
        }
    };
    to_js(&out)
}

/// Checks one event against a signed checkpoint, without the rest of the
/// chain (the control-panel flow): the core's
/// `chain::verify_event_in_checkpoint`.
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
/// (`seq - 1` for a whole chain). The options are read first.
#[wasm_bindgen(js_name = verifyEventInCheckpoint, unchecked_return_type = "EventInCheckpointReport")]
pub fn verify_event_in_checkpoint(
    #[wasm_bindgen(
        unchecked_param_type = "string | Uint8Array | EventRow | Record<string, unknown>"
    )]
    row: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SizeInput")] index: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HashInput[]")] proof: JsValue,
    #[wasm_bindgen(js_name = checkpointNote, unchecked_param_type = "string | Uint8Array")]
    checkpoint_note: JsValue,
    #[wasm_bindgen(js_name = verifierKeys, unchecked_param_type = "(VerifierKey | string)[]")]
    verifier_keys: JsValue,
    registry: &SignerRegistry,
    #[wasm_bindgen(unchecked_optional_param_type = "EventCheckOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let profile = row_profile(&options)?;
    // Then every argument, so a wrong type is always an error, not a verdict.
    let row = row_arg(&row, "row", "")?;
    let index = size_arg(&index, "index")?;
    let proof = hashes_arg(&proof, "proof")?;
    let note = jsonl_bytes(&checkpoint_note, "checkpointNote")?;
    let keys = vkeys_arg(&verifier_keys, "verifierKeys")?;
    let r = tc::verify_event_in_checkpoint_with(
        &row,
        index,
        &proof,
        &note,
        &keys,
        &registry.inner,
        &profile,
    )
    .or_throw()?;
    to_js(&r.to_value_named(NAMING))
}

#[cfg(feature = "full")]
/// Orders rows given in any order (several exports, a query without ORDER
/// BY) into the one chain order by following `prev_hash` from `start`
/// (default: the genesis head), and reports forks, orphans and unreadable
/// rows. Rows are JSONL lines (strings or bytes) or row objects. Replay
/// orders; it does not verify: feed `events` to a `ChainVerifier`
/// (`feedRow` takes the row objects).
#[wasm_bindgen(unchecked_return_type = "ReplayReport")]
pub fn replay(
    #[wasm_bindgen(
        unchecked_param_type = "(string | Uint8Array | EventRow | Record<string, unknown>)[]"
    )]
    rows: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Head | null")] start: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RowOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let profile = row_profile(&options)?;
    let rows = array_items(&rows, "rows", |item, what, i| {
        row_arg(item, what, &format!("/{i}"))
    })?;
    let start = if start.is_undefined() || start.is_null() {
        tc::Head::default()
    } else {
        head_arg(&start)?
    };
    to_js(&tc::replay_with(&rows, &start, &profile).to_value_named(NAMING))
}

/// The profile of a one-row call's options `{hashAlg?, profile?}`: the
/// core's reader refuses any other key (`unknown_option`, with its hint)
/// and `VerifyOptions::from_value` reads the two (bounds, the profile, and
/// the rule that a profile carries its own digest).
pub(crate) fn row_profile(options: &JsValue) -> Result<Arc<ChainProfile>, JsValue> {
    let value = options_value(options)?;
    let mut r = trustcore::options::Reader::new(value.as_ref(), NAMING).or_throw()?;
    let mut only = Map::new();
    for snake in ["hash_alg", "profile"] {
        if let Some(v) = r.value(snake) {
            only.insert(NAMING.name(snake).into_owned(), v.clone());
        }
    }
    let read = tc::VerifyOptions::from_value(Some(&Value::Object(only)), NAMING).or_throw()?;
    r.finish().or_throw()?;
    Ok(read.profile())
}
