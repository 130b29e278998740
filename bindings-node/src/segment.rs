//! Segments (#14): verify a contiguous part of a log anywhere
//! (`SegmentVerifier`, also a byte range of a file with `forBytes`) and
//! stitch the parts in log order into exactly the report of one pass
//! (`Stitcher`, `stitch`), `docs/segments.md`. `verifyFileParallel`
//! (`lib/parallel.js`) runs the protocol on `worker_threads`.
//!
//! Conversion and error mapping only: every rule is in
//! `trustcore::chain::segment`. Summaries, requests and answers cross
//! between workers as JSON **text** (the core's documents: a tampered
//! row's `seq` may pass 2^53, which a JS number would round), never as JS
//! numbers; a segment moves as bytes (`toBytes` / `Segment.fromBytes`).

use crate::chain::{report_json, row_bytes, verify_options};
use crate::signing::{bytes_arg, class_arg, string_arg, SignerRegistry};
use crate::{
    array_items, coded_error, describe, invalid_argument, options_value, type_of, Json, OrThrow,
    NAMING,
};
use napi::bindgen_prelude::{Buffer, FromNapiValue, JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use trustcore::chain as tc;
use trustcore::chain::segment as seg;

fn invalid_state(env: &Env, message: &str) -> napi::Error {
    coded_error(
        env,
        "ChainError",
        tc::ErrorCode::InvalidState.as_str(),
        message,
    )
}

/// A segment document (summary, request, answer) from its JSON text. The
/// text is read by serde_json, not the canonical parser: a document may
/// hold an integer beyond 2^53 (a tampered row's `seq`), which is exact
/// here. The core checks the document's shape.
fn document(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<serde_json::Value> {
    let text = string_arg(env, value, what)?;
    serde_json::from_str(&text)
        .map_err(|e| invalid_state(env, &format!("{what} is not JSON text: {e}")))
}

/// A core document as JSON text (sorted keys, exact integers).
fn text_of(v: &serde_json::Value) -> String {
    v.to_string()
}

/// A count within `1..=max` (a number), for what allocates per unit.
fn count_arg(env: &Env, value: Unknown<'_>, what: &str, max: u64) -> napi::Result<u64> {
    if type_of(value)? == ValueType::Number {
        let n = f64::from_unknown(value)?;
        if n.fract() == 0.0 && n >= 0.0 {
            // The bound and its message are the core's (saturating: 2^70 is
            // past any bound).
            let n = n as u64;
            return match seg::count_problem(what, n, max) {
                None => Ok(n),
                Some(m) => Err(invalid_argument(env, m)),
            };
        }
    }
    Err(invalid_argument(
        env,
        format!(
            "{what} must be an integer from 1 to {max}, got {}",
            describe(value)
        ),
    ))
}

// ---------------------------------------------------------------------------
// SegmentVerifier and Segment
// ---------------------------------------------------------------------------

/// Verifies one segment of a log: rows fed one by one, JSONL chunks, or a
/// byte range `[start, end)` of a JSONL file (`forBytes`). Options are the
/// whole log's (`VerifyOptions`, read by the core): the trusted head, the
/// checkpoint and `stopAtFirst` take effect in the stitch.
#[napi]
pub struct SegmentVerifier {
    inner: Option<seg::SegmentVerifier>,
}

impl SegmentVerifier {
    fn live(&mut self, env: &Env) -> napi::Result<&mut seg::SegmentVerifier> {
        self.inner
            .as_mut()
            .ok_or_else(|| invalid_state(env, &trustcore::ffi::finished_message("SegmentVerifier")))
    }
}

#[napi]
impl SegmentVerifier {
    /// A verifier of one segment (the rows of a file, a `seq` range of a
    /// table), with the whole log's options.
    #[napi(
        constructor,
        ts_args_type = "registry: SignerRegistry, options?: VerifyOptions"
    )]
    pub fn new(
        env: Env,
        registry: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        let registry = class_arg::<SignerRegistry>(&env, registry, "registry")?
            .inner
            .clone();
        let options = verify_options(&env, options)?;
        Ok(SegmentVerifier {
            inner: Some(seg::SegmentVerifier::new(registry, options)),
        })
    }

    /// A verifier of the byte range `[start, end)` of a JSONL file: it owns
    /// the lines that start in the range. Feed it the file's bytes from
    /// offset `start - 1` (from 0 when `start` is 0) until `needsMore` is
    /// false or the file ends; `splitBytes` makes such ranges.
    #[napi(
        ts_args_type = "registry: SignerRegistry, start: number | bigint, end: number | bigint, options?: VerifyOptions"
    )]
    pub fn for_bytes(
        env: &Env,
        registry: Unknown<'_>,
        start: Unknown<'_>,
        end: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<SegmentVerifier> {
        let registry = class_arg::<SignerRegistry>(env, registry, "registry")?
            .inner
            .clone();
        let start = crate::merkle::size_arg(env, start, "start")?;
        let end = crate::merkle::size_arg(env, end, "end")?;
        let options = verify_options(env, options)?;
        Ok(SegmentVerifier {
            inner: Some(seg::SegmentVerifier::for_bytes(
                registry, options, start, end,
            )),
        })
    }

    /// False once a byte-range segment has all its lines (always true for
    /// a segment fed rows).
    #[napi(getter)]
    pub fn needs_more(&self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(seg::SegmentVerifier::needs_more)
    }

    /// Rows fed so far.
    #[napi(getter)]
    pub fn rows_fed(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |v| v.rows_fed() as f64)
    }

    /// Feeds JSONL bytes (lines may span chunks).
    #[napi(ts_args_type = "chunk: Uint8Array")]
    pub fn push_bytes(&mut self, env: &Env, chunk: Unknown<'_>) -> napi::Result<()> {
        let bytes = bytes_arg(env, chunk, "chunk")?;
        self.live(env)?.push_bytes(&bytes);
        Ok(())
    }

    /// Feeds one row: a JSONL line without its newline (a string or bytes)
    /// or a row object.
    #[napi(ts_args_type = "row: string | Uint8Array | object")]
    pub fn push_row(&mut self, env: &Env, row: Unknown<'_>) -> napi::Result<()> {
        self.live(env)?;
        let bytes = row_bytes(env, row, "row")?;
        self.live(env)?.push_row(&bytes);
        Ok(())
    }

    /// Ends the segment (a last line without newline included). The
    /// verifier cannot be fed afterwards (`ChainError` `invalid_state`).
    #[napi]
    pub fn finish(&mut self, env: &Env) -> napi::Result<Segment> {
        self.live(env)?;
        match self.inner.take() {
            Some(v) => Ok(Segment { inner: v.finish() }),
            None => Err(napi::Error::from_reason("unreachable: checked above")),
        }
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        match &self.inner {
            Some(v) => format!("SegmentVerifier {{ rowsFed: {} }}", v.rows_fed()),
            None => "SegmentVerifier { finished }".to_owned(),
        }
    }
}

/// A verified segment: its summary to ship to the stitch, and what it keeps
/// (about 110 bytes per row) to answer the stitch's request.
#[napi]
pub struct Segment {
    inner: seg::Segment,
}

#[napi]
impl Segment {
    /// The summary (`trustcore.chain-segment/v1`) as JSON text: its size
    /// depends on the breaks, not the rows.
    #[napi]
    pub fn summary(&self) -> String {
        text_of(&self.inner.summary().to_value())
    }

    /// Its ids cut into `buckets` buckets by id (28-byte entries tagged
    /// with this segment's index `segment` in the log): bucket `b` of every
    /// segment goes to one place, where `duplicates` finds the repeated
    /// ids (`buckets` 1..=2^20, the core's `MAX_BUCKETS`; more is refused
    /// before anything is allocated).
    #[napi(ts_args_type = "segment: number, buckets: number")]
    pub fn id_buckets(
        &self,
        env: &Env,
        segment: Unknown<'_>,
        buckets: Unknown<'_>,
    ) -> napi::Result<Vec<Buffer>> {
        let k = crate::signing::index_arg(env, segment)?;
        let k = u32::try_from(k)
            .map_err(|_| invalid_argument(env, "segment must be below 2^32".to_owned()))?;
        let n = count_arg(env, buckets, "buckets", seg::MAX_BUCKETS as u64)?;
        Ok(self
            .inner
            .id_buckets(k, n as usize)
            .into_iter()
            .map(Buffer::from)
            .collect())
    }

    /// Answers the stitch's request (JSON text, from `Stitcher.requests()`)
    /// with the segment's Merkle compact range at its offset and the rows
    /// it asks for, as JSON text. `ChainError` `invalid_state` for a
    /// request that does not fit the segment.
    #[napi(ts_args_type = "request: string")]
    pub fn answer(&self, env: &Env, request: Unknown<'_>) -> napi::Result<String> {
        let v = document(env, request, "request")?;
        let request = seg::SegmentRequest::from_value(&v).or_throw(env)?;
        let answer = self.inner.answer(&request).or_throw(env)?;
        Ok(text_of(&answer.to_value()))
    }

    /// The segment as bytes (to move it between processes or spill it).
    #[napi]
    pub fn to_bytes(&self) -> Buffer {
        self.inner.to_bytes().into()
    }

    /// Reads `toBytes()`. `ChainError` `invalid_state` for bytes that are
    /// not a whole, consistent segment.
    #[napi(ts_args_type = "bytes: Uint8Array")]
    pub fn from_bytes(env: &Env, bytes: Unknown<'_>) -> napi::Result<Segment> {
        let bytes = bytes_arg(env, bytes, "bytes")?;
        let inner = seg::Segment::from_bytes(&bytes).or_throw(env)?;
        Ok(Segment { inner })
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        let s = self.inner.summary();
        format!(
            "Segment {{ rows: {}, count: {}, breaks: {} }}",
            s.rows,
            s.count,
            s.break_counts.values().sum::<u64>()
        )
    }
}

factory_only!(Segment, "SegmentVerifier.finish or Segment.fromBytes");

// ---------------------------------------------------------------------------
// Duplicates, the stitch
// ---------------------------------------------------------------------------

/// The repeated ids in buckets of ids (bucket `b` of every segment, from
/// `Segment.idBuckets`): every occurrence after an id's first in log
/// order, as `[segment, row]` pairs, sorted; gather them for the
/// `Stitcher`. `ChainError` `invalid_state` for a bucket that is not made
/// of 28-byte entries.
#[napi(
    ts_args_type = "buckets: Uint8Array[]",
    ts_return_type = "Array<[number, number | bigint]>"
)]
pub fn duplicates(env: &Env, buckets: Unknown<'_>) -> napi::Result<Json> {
    let list = array_items(env, buckets, "buckets", |env, item, i| {
        Ok(bytes_arg(env, item, &format!("buckets[{i}]"))?.to_vec())
    })?;
    let dups = seg::duplicates(list.iter().map(Vec::as_slice)).or_throw(env)?;
    Ok(Json(serde_json::Value::Array(
        dups.into_iter()
            .map(|(s, r)| serde_json::json!([s, r]))
            .collect(),
    )))
}

/// A `[segment, row]` pair (numbers, or a bigint row).
fn dup_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<(u32, u64)> {
    if type_of(value)? == ValueType::Object && value.is_array()? {
        let pair = Object::from_unknown(value)?;
        if pair.get_array_length()? == 2 {
            let s: Unknown<'_> = pair.get_element(0)?;
            let r: Unknown<'_> = pair.get_element(1)?;
            let s = crate::merkle::size_arg(env, s, &format!("{what}[0]"))?;
            let s = u32::try_from(s).map_err(|_| {
                invalid_argument(
                    env,
                    format!("{what}[0] (a segment index) must be below 2^32"),
                )
            })?;
            let r = crate::merkle::size_arg(env, r, &format!("{what}[1]"))?;
            return Ok((s, r));
        }
    }
    Err(invalid_argument(
        env,
        format!(
            "{what} must be a [segment, row] pair (from duplicates), got {}",
            describe(value)
        ),
    ))
}

/// Stitches segment summaries in log order into the report of one pass,
/// in two steps: `new Stitcher(summaries, duplicates, options)` says what
/// it needs of each segment (`requests()`, JSON texts for
/// `Segment.answer`), `finish(answers)` takes the answers.
#[napi]
pub struct Stitcher {
    inner: seg::Stitcher,
}

#[napi]
impl Stitcher {
    /// Plans the stitch of `summaries` (JSON texts from `Segment.summary()`,
    /// in log order) with the repeated ids found across them (`[segment,
    /// row]` pairs from `duplicates`) under the whole log's options (the
    /// segments' own). `ChainError` `invalid_state` for a summary that is
    /// inconsistent or made under another profile, other options or other
    /// signers.
    #[napi(
        constructor,
        ts_args_type = "summaries: string[], duplicates: Array<[number | bigint, number | bigint]>, options?: VerifyOptions"
    )]
    pub fn new(
        env: Env,
        summaries: Unknown<'_>,
        duplicates: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        let env = &env;
        let summaries = array_items(env, summaries, "summaries", |env, item, i| {
            let what = format!("summaries[{i}]");
            let v = document(env, item, &what)?;
            seg::SegmentSummary::from_value(&v).or_throw(env)
        })?;
        let dups = array_items(env, duplicates, "duplicates", |env, item, i| {
            dup_arg(env, item, &format!("duplicates[{i}]"))
        })?;
        let options = verify_options(env, options)?;
        let inner = seg::Stitcher::new(summaries, &dups, options).or_throw(env)?;
        Ok(Stitcher { inner })
    }

    /// What each segment must answer, as JSON texts
    /// (`trustcore.chain-segment-request/v1`; each names its `segment`).
    /// Segments not listed need not answer (after a `stopAtFirst` stop).
    #[napi]
    pub fn requests(&self) -> Vec<String> {
        self.inner
            .requests()
            .iter()
            .map(|r| text_of(&r.to_value()))
            .collect()
    }

    /// The report of one pass, from the answers to `requests()` (JSON
    /// texts, in any order). `ChainError` `invalid_state` when an answer is
    /// missing or does not fit its request.
    #[napi(ts_args_type = "answers: string[]", ts_return_type = "ChainReport")]
    pub fn finish(&self, env: &Env, answers: Unknown<'_>) -> napi::Result<Json> {
        let answers = array_items(env, answers, "answers", |env, item, i| {
            let v = document(env, item, &format!("answers[{i}]"))?;
            seg::SegmentAnswer::from_value(&v).or_throw(env)
        })?;
        let report = self.inner.finish(&answers).or_throw(env)?;
        Ok(report_json(&report))
    }
}

/// Stitches segments held in one place (duplicates, requests and answers
/// in one call) into the report of one pass over their rows in this order.
#[napi(
    ts_args_type = "segments: Segment[], options?: VerifyOptions",
    ts_return_type = "ChainReport"
)]
pub fn stitch(
    env: &Env,
    segments: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Json> {
    let segments = array_items(env, segments, "segments", |env, item, i| {
        Ok(class_arg::<Segment>(env, item, &format!("segments[{i}]"))?
            .inner
            .clone())
    })?;
    let options = verify_options(env, options)?;
    let report = seg::stitch(&segments, &options).or_throw(env)?;
    Ok(report_json(&report))
}

/// Byte ranges `[start, end)` that cut a file of `length` bytes into
/// `parts` nearly equal parts (fewer for a short file; `parts` 1..=2^24,
/// the core's `MAX_PARTS`),
/// for `SegmentVerifier.forBytes`: each line belongs to the range it
/// starts in, so the ranges cover every line exactly once.
#[napi(
    js_name = "splitBytes",
    ts_args_type = "length: number | bigint, parts: number",
    ts_return_type = "Array<[number | bigint, number | bigint]>"
)]
pub fn split_bytes(env: &Env, length: Unknown<'_>, parts: Unknown<'_>) -> napi::Result<Json> {
    let len = crate::merkle::size_arg(env, length, "length")?;
    let parts = count_arg(env, parts, "parts", seg::MAX_PARTS)?;
    Ok(Json(serde_json::Value::Array(
        seg::split_bytes(len, parts)
            .into_iter()
            .map(|(a, b)| serde_json::json!([a, b]))
            .collect(),
    )))
}

/// The most worker threads `verifyFileParallel` starts (each is a V8
/// isolate of its own, about 10 MB).
const MAX_WORKERS: u64 = 64;

/// The plan of `verifyFileParallel` (the engine in `lib/parallel.js`):
/// reads its options with the core's reader — `VerifyOptions` plus this
/// binding's own `workers` (1..=64) and `chunkSize` (1..=2^30, default
/// 256 KiB, the read size of each worker) — and returns them with the
/// verify options alone (what each worker and the stitch get).
#[napi(
    js_name = "parallelVerifyPlan",
    ts_args_type = "options?: VerifyFileParallelOptions",
    ts_return_type = "{ workers: number | null; chunkSize: number; options: VerifyOptions }"
)]
pub fn parallel_verify_plan(env: &Env, options: Option<Unknown<'_>>) -> napi::Result<Json> {
    let v = options_value(env, options)?;
    let mut r = trustcore::options::Reader::new(v.as_ref(), NAMING).or_throw(env)?;
    let mut verify = tc::VerifyOptions::default();
    verify.read(&mut r).or_throw(env)?;
    let workers = r.uint("workers", 1..=MAX_WORKERS).or_throw(env)?;
    let chunk = r.uint("chunk_size", 1..=1 << 30).or_throw(env)?;
    let workers_name = r.host_name("workers");
    let chunk_name = r.host_name("chunk_size");
    r.finish().or_throw(env)?;
    let mut rest = match v {
        Some(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    rest.remove(&workers_name);
    rest.remove(&chunk_name);
    Ok(Json(serde_json::json!({
        "workers": workers,
        "chunkSize": chunk.unwrap_or(1 << 18),
        "options": serde_json::Value::Object(rest),
    })))
}

/// Options of `verifyFileParallel`: `VerifyOptions` plus the number of
/// worker threads and the read size.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct VerifyFileParallelOptions {
    /// Worker threads, 1..=64 (default: `os.availableParallelism()`, at
    /// most as many as the file has bytes).
    pub workers: Option<u32>,
    /// Bytes each worker reads at a time, 1..=2^30 (default 256 KiB).
    pub chunk_size: Option<u32>,
    /// Stop at the first break (default: collect all).
    pub stop_at_first: Option<bool>,
    /// Remember every id to report duplicates (default true).
    pub track_ids: Option<bool>,
    /// A trusted head (see `VerifyOptions`).
    pub expected_head: Option<crate::chain::Head>,
    /// A tree head from a signed checkpoint (see `VerifyOptions`).
    pub checkpoint: Option<crate::chain::TreeHead>,
    /// The chain's digest algorithm (default `'sha256'`).
    #[napi(ts_type = "'sha256' | 'blake3'")]
    pub hash_alg: Option<String>,
    /// The chain's profile: a built-in name or a profile document.
    #[napi(ts_type = "string | ChainProfileDocument | object")]
    pub profile: Option<Json>,
    /// Threads for signature checks in each worker, 1..=1024 (default:
    /// every core).
    pub threads: Option<u32>,
    /// The longest row accepted, in bytes (default 1 MiB).
    pub max_row_bytes: Option<f64>,
    /// Breaks kept with their messages (default 1,000).
    pub max_breaks: Option<u32>,
}
