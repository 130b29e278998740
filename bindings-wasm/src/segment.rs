//! Segments (`docs/segments.md`): verify a contiguous part of a log
//! anywhere — a byte range of one export in a Web Worker — and stitch the
//! parts in log order into exactly the one-pass report.
//!
//! Conversion only: `SegmentVerifier`, `Segment`, `duplicates`,
//! `Stitcher`, `stitch` and `split_bytes` are the core's
//! (`trustcore::chain::segment`), options are `VerifyOptions::from_value`,
//! and the documents (summary, request, answer) cross the boundary as the
//! core's JSON **text** (`to_value().to_string()` / `from_value`): a
//! tampered row's `seq` may pass 2^53, which no JS number holds, so they go
//! from worker to worker as strings, never as parsed objects.

use crate::chain::{row_arg, verify_options};
use crate::merkle::size_arg;
use crate::signing::{bytes_arg, bytes_out, json_arg, SignerRegistry};
use crate::{array_items, input_arg, invalid_argument, to_js, Input, JsText, OrThrow, NAMING};
use js_sys::{Array, Uint8Array};
use serde_json::Value;
use trustcore::chain::segment as tc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SEGMENT: &'static str = r#"
/** A repeated id across segments: `[segment index, row index in that segment]`. */
export type DuplicateRow = [number, ReportInteger];

/**
 * Byte ranges `[start, end)` cutting a file of `length` bytes into `parts`
 * nearly equal parts (fewer for a short file), for
 * `SegmentVerifier.forBytes`: each line belongs to the range it starts in,
 * so the ranges cover every line once.
 */
export function splitBytes(length: SizeInput, parts: number): [number, number][];

/**
 * The repeated ids in buckets of id entries (`Segment.idBuckets`: bucket
 * `b` of every segment): every occurrence after an id's first in log
 * order, as `[segment, row]`, sorted. `ChainError` `invalid_state` for a
 * bucket that is not made of 28-byte entries.
 */
export function duplicates(buckets: Uint8Array[]): DuplicateRow[];

/**
 * Stitches segments held in one place (duplicates, requests and answers in
 * one call) into the one-pass report, under the whole log's options. Each
 * item is a `Segment` or its bytes (`toBytes()`). `ChainError`
 * `invalid_state` when they were verified under other options, another
 * profile or other signers, or for bytes that are not a whole segment.
 */
export function stitch(segments: (Segment | Uint8Array)[], options?: VerifyOptions | null): ChainReport;
"#;

/// A document argument: JSON text (a string or UTF-8 bytes). Parsed as
/// JSON that may hold integers beyond 2^53 (a `seq` a tampered row
/// claims); the core checks every member.
fn document_arg(value: &JsValue, what: &str) -> Result<Value, JsValue> {
    let bytes = match input_arg(value, what)? {
        Input::Bytes(b) => b,
        Input::Text(JsText::Str(s)) => s.into_bytes(),
        Input::Text(JsText::Utf16(u)) => trustcore::canonical::wtf8_from_utf16(&u),
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        crate::named_error(
            "ChainError",
            "invalid_state",
            &format!("{what} is not a segment document's JSON text: {e}"),
        )
    })
}

fn segment_index(value: &JsValue, what: &str) -> Result<u32, JsValue> {
    let n = size_arg(value, what)?;
    u32::try_from(n).map_err(|_| invalid_argument(format!("{what} must be below 2^32")))
}

/// Verifies one segment of a log: rows fed one by one, JSONL bytes, or the
/// byte range `[start, end)` of one JSONL file (`forBytes`).
#[wasm_bindgen]
pub struct SegmentVerifier {
    inner: Option<tc::SegmentVerifier>,
}

fn finished() -> JsValue {
    crate::named_error(
        "ChainError",
        "invalid_state",
        &trustcore::ffi::finished_message("SegmentVerifier"),
    )
}

impl SegmentVerifier {
    fn live(&mut self) -> Result<&mut tc::SegmentVerifier, JsValue> {
        self.inner.as_mut().ok_or_else(finished)
    }
}

#[wasm_bindgen]
impl SegmentVerifier {
    /// A verifier of one segment, with the whole log's options (the trusted
    /// head, the checkpoint and `stopAtFirst` take effect in the stitch).
    pub fn create(
        registry: &SignerRegistry,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions | null")] options: JsValue,
    ) -> Result<SegmentVerifier, JsValue> {
        let options = verify_options(&options)?;
        Ok(SegmentVerifier {
            inner: Some(tc::SegmentVerifier::new(registry.inner.clone(), options)),
        })
    }

    /// A verifier of the byte range `[start, end)` of a JSONL file: it owns
    /// the lines that start in the range. Feed it the file's bytes from
    /// offset `start - 1` (from 0 when `start` is 0) with `pushBytes` until
    /// `needsMore` is false or the file ends.
    #[wasm_bindgen(js_name = forBytes)]
    pub fn for_bytes(
        registry: &SignerRegistry,
        #[wasm_bindgen(unchecked_param_type = "SizeInput")] start: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SizeInput")] end: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions | null")] options: JsValue,
    ) -> Result<SegmentVerifier, JsValue> {
        let options = verify_options(&options)?;
        let start = size_arg(&start, "start")?;
        let end = size_arg(&end, "end")?;
        Ok(SegmentVerifier {
            inner: Some(tc::SegmentVerifier::for_bytes(
                registry.inner.clone(),
                options,
                start,
                end,
            )),
        })
    }

    /// False once a byte-range segment has all its lines (true for other
    /// segments until `finish`).
    #[wasm_bindgen(getter, js_name = needsMore)]
    pub fn needs_more(&self) -> bool {
        self.inner.as_ref().is_some_and(|v| v.needs_more())
    }

    /// Rows fed so far.
    #[wasm_bindgen(getter, js_name = rowsFed)]
    pub fn rows_fed(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |v| v.rows_fed() as f64)
    }

    /// Feeds JSONL (bytes, or a string read as its exact UTF-16 code
    /// units); lines may span chunks.
    #[wasm_bindgen(js_name = pushBytes)]
    pub fn push_bytes(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        self.live()?;
        let bytes = json_arg(&chunk, "chunk")?;
        self.live()?.push_bytes(&bytes);
        Ok(())
    }

    /// Feeds one row: a JSONL line without its newline (a string or bytes),
    /// or a row object (canonicalized by the core).
    #[wasm_bindgen(js_name = pushRow)]
    pub fn push_row(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string | Record<string, unknown>")]
        row: JsValue,
    ) -> Result<(), JsValue> {
        self.live()?;
        let bytes = row_arg(&row, "row", "")?;
        self.live()?.push_row(&bytes);
        Ok(())
    }

    /// Ends the segment; the verifier cannot be fed afterwards.
    pub fn finish(&mut self) -> Result<Segment, JsValue> {
        let v = self.inner.take().ok_or_else(finished)?;
        Ok(Segment { inner: v.finish() })
    }
}

/// A verified segment: its summary, and what it keeps (about 110 bytes a
/// row) to answer the stitch.
#[wasm_bindgen]
pub struct Segment {
    inner: tc::Segment,
}

#[wasm_bindgen]
impl Segment {
    /// The summary to ship to the stitch: `trustcore.chain-segment/v1` as
    /// JSON text (sorted keys; its size depends on the breaks, not the
    /// rows).
    pub fn summary(&self) -> String {
        self.inner.summary().to_value().to_string()
    }

    /// The summary as a plain object (integers beyond 2^53 as `bigint`), to
    /// show; ship `summary()`.
    #[wasm_bindgen(js_name = summaryObject, unchecked_return_type = "Record<string, unknown>")]
    pub fn summary_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.summary().to_value())
    }

    /// Its ids cut into `buckets` buckets by id (28-byte entries tagged
    /// with `segment`, this segment's index in the log): bucket `b` of
    /// every segment goes to one place, where `duplicates` finds the
    /// repeated ids.
    #[wasm_bindgen(js_name = idBuckets, unchecked_return_type = "Uint8Array[]")]
    pub fn id_buckets(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] segment: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] buckets: JsValue,
    ) -> Result<Array, JsValue> {
        let segment = segment_index(&segment, "segment")?;
        let buckets = size_arg(&buckets, "buckets")?;
        // The core's bound; refused here before anything is allocated.
        if let Some(m) = tc::count_problem("buckets", buckets, tc::MAX_BUCKETS as u64) {
            return Err(invalid_argument(m));
        }
        let out = Array::new();
        for b in self.inner.id_buckets(segment, buckets as usize) {
            out.push(&bytes_out(&b));
        }
        Ok(out)
    }

    /// The answer to the stitch's request for this segment
    /// (`trustcore.chain-segment-request/v1` text in,
    /// `trustcore.chain-segment-answer/v1` text out). `ChainError`
    /// `invalid_state` for a request that does not fit this segment.
    pub fn answer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] request: JsValue,
    ) -> Result<String, JsValue> {
        let req = tc::SegmentRequest::from_value(&document_arg(&request, "request")?).or_throw()?;
        let a = self.inner.answer(&req).or_throw()?;
        Ok(a.to_value().to_string())
    }

    /// The segment as bytes (to move it or spill it); `Segment.fromBytes`
    /// reads them back.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        bytes_out(&self.inner.to_bytes())
    }

    /// Reads `toBytes()`. `ChainError` `invalid_state` for bytes that are
    /// not a whole, consistent segment.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<Segment, JsValue> {
        let b = bytes_arg(&bytes, "bytes")?;
        tc::Segment::from_bytes(&b)
            .map(|inner| Segment { inner })
            .or_throw()
    }
}

/// Plans and finishes the stitch of segment summaries given in log order.
#[wasm_bindgen]
pub struct Stitcher {
    inner: tc::Stitcher,
}

fn duplicates_arg(value: &JsValue) -> Result<Vec<(u32, u64)>, JsValue> {
    array_items(value, "duplicates", |item, what, _| {
        let pair = array_items(item, what, |x, w, _| size_arg(x, w))?;
        match pair.as_slice() {
            [s, r] => Ok((
                u32::try_from(*s)
                    .map_err(|_| invalid_argument(format!("{what}[0] must be below 2^32")))?,
                *r,
            )),
            _ => Err(invalid_argument(format!(
                "{what} must be [segment, row], got {} items",
                pair.len()
            ))),
        }
    })
}

#[wasm_bindgen]
impl Stitcher {
    /// Plans the stitch of `summaries` (`Segment.summary()` texts, in log
    /// order) with the repeated ids found across them (`duplicates`) under
    /// the whole log's options. `ChainError` `invalid_state` when a summary
    /// is inconsistent or was made under another profile, other options or
    /// other signers.
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "(string | Uint8Array)[]")] summaries: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DuplicateRow[]")] duplicates: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions | null")] options: JsValue,
    ) -> Result<Stitcher, JsValue> {
        let summaries = array_items(&summaries, "summaries", |item, what, _| {
            tc::SegmentSummary::from_value(&document_arg(item, what)?).or_throw()
        })?;
        let dups = duplicates_arg(&duplicates)?;
        let options = verify_options(&options)?;
        tc::Stitcher::new(summaries, &dups, options)
            .map(|inner| Stitcher { inner })
            .or_throw()
    }

    /// What each segment must answer: `trustcore.chain-segment-request/v1`
    /// texts (each names its `segment`); segments not listed need not
    /// answer.
    pub fn requests(&self) -> Vec<String> {
        self.inner
            .requests()
            .iter()
            .map(|r| r.to_value().to_string())
            .collect()
    }

    /// The segment index each request (in `requests()` order) is for.
    #[wasm_bindgen(js_name = requestSegments)]
    pub fn request_segments(&self) -> Vec<u32> {
        self.inner.requests().iter().map(|r| r.segment).collect()
    }

    /// The one-pass report from the answers (`Segment.answer` texts, in any
    /// order). `ChainError` `invalid_state` when an answer is missing or
    /// does not fit its request.
    #[wasm_bindgen(unchecked_return_type = "ChainReport")]
    pub fn finish(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(string | Uint8Array)[]")] answers: JsValue,
    ) -> Result<JsValue, JsValue> {
        let answers = array_items(&answers, "answers", |item, what, _| {
            tc::SegmentAnswer::from_value(&document_arg(item, what)?).or_throw()
        })?;
        let report = self.inner.finish(&answers).or_throw()?;
        to_js(&report.to_value_named(NAMING))
    }
}

/// Byte ranges for `SegmentVerifier.forBytes` (the core's `split_bytes`).
#[wasm_bindgen(js_name = splitBytes, skip_typescript)]
pub fn split_bytes(length: JsValue, parts: JsValue) -> Result<JsValue, JsValue> {
    let len = size_arg(&length, "length")?;
    let parts = size_arg(&parts, "parts")?;
    if let Some(m) = tc::count_problem("parts", parts, tc::MAX_PARTS) {
        return Err(invalid_argument(m));
    }
    let ranges: Vec<Value> = tc::split_bytes(len, parts)
        .into_iter()
        .map(|(a, b)| Value::from(vec![a, b]))
        .collect();
    to_js(&Value::Array(ranges))
}

/// The repeated ids in buckets (the core's `duplicates`).
#[wasm_bindgen(skip_typescript)]
pub fn duplicates(buckets: JsValue) -> Result<JsValue, JsValue> {
    let buckets = array_items(&buckets, "buckets", |item, what, _| bytes_arg(item, what))?;
    let d = tc::duplicates(buckets.iter().map(Vec::as_slice)).or_throw()?;
    let out: Vec<Value> = d
        .into_iter()
        .map(|(s, r)| Value::from(vec![Value::from(s), Value::from(r)]))
        .collect();
    to_js(&Value::Array(out))
}

/// Stitches segments held in one place (the core's `stitch`). Each item
/// is a `Segment` (read through its own `toBytes()`, so nothing is taken
/// from the caller) or a segment's bytes; either way `Segment::from_bytes`
/// checks them whole.
#[wasm_bindgen(skip_typescript)]
pub fn stitch(segments: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let segs = array_items(&segments, "segments", |item, what, _| {
        let bytes = if crate::is_uint8(item) {
            bytes_arg(item, what)?
        } else if item.is_object() && !crate::is_revoked_proxy(item) {
            let f = crate::reflect_get(item, &JsValue::from_str("toBytes"))?;
            if !f.is_function() {
                return Err(invalid_argument(format!(
                    "{what} must be a Segment or a segment's bytes (Segment.toBytes())"
                )));
            }
            let out = crate::reflect_apply(&f, item, &Array::new())?;
            bytes_arg(&out, &format!("{what}.toBytes()"))?
        } else {
            return Err(invalid_argument(format!(
                "{what} must be a Segment or a segment's bytes, got {}",
                crate::describe(item)
            )));
        };
        tc::Segment::from_bytes(&bytes).or_throw()
    })?;
    let options = verify_options(&options)?;
    let report = tc::stitch(&segs, &options).or_throw()?;
    to_js(&report.to_value_named(NAMING))
}
