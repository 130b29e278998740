//! Segments: verify a contiguous part of a log on its own, anywhere, and
//! stitch the parts in log order into exactly the report of one pass
//! (`docs/segments.md`).
//!
//! Every row carries its own `prev_hash`, and after any row the verifier
//! resynchronises on that row's own claims, so every verdict but one per
//! part can be decided inside the part: hashes, signatures, links between
//! rows of the part, duplicate ids within it. The exception is the part's
//! first readable row, which links to a row the part has not seen. A
//! [`SegmentVerifier`] checks everything else and ends in a [`Segment`]
//! that stays where it was verified (a worker) with a small
//! [`SegmentSummary`] to ship. [`Stitcher`] then decides, from the
//! summaries in log order:
//!
//! * the seams, with the one-pass rule (`link_verdict`);
//! * duplicate ids across parts, from [`duplicates`] run on buckets of ids
//!   ([`Segment::id_buckets`]: a shuffle by id, so no machine holds every
//!   id);
//! * the trusted head and the checkpoint, at the rows one pass checks them.
//!
//! A Merkle compact range depends on where a part starts in the tree,
//! which no part knows until every part before it is counted; so the
//! stitch asks each segment one question ([`SegmentRequest`]: its leaf
//! offset and the few rows it needs) and the answers ([`SegmentAnswer`]:
//! the compact range and those rows' facts, O(log n) in size) finish the
//! report. [`stitch`] runs both rounds in one place.
//!
//! ```
//! use trustcore::chain::segment::{stitch, SegmentVerifier};
//! use trustcore::chain::{verify_jsonl, ChainWriter, EventBody, Head, VerifyOptions};
//! use trustcore::digest::Algorithm as HashAlg;
//! use trustcore::envelope::Algorithm;
//! use trustcore::keys::SecretKey;
//! use trustcore::registry::SignerRegistry;
//!
//! let key = SecretKey::from_seed(&[7; 32]);
//! let signers = format!(r#"{{"signers":[{{"signerId":"s1","publicKey":"{}"}}]}}"#, key.public_key().to_base64());
//! let registry = SignerRegistry::from_json(signers.as_bytes())?;
//! let mut w = ChainWriter::new(Head::default(), HashAlg::Sha256, "s1", Algorithm::Ed25519, key.public_key())?;
//! let mut log = String::new();
//! for i in 0..10u64 {
//!     let body = EventBody {
//!         id: format!("6f1c2a4e-0000-4000-8000-{i:012}"),
//!         ts: format!("2026-03-01T12:00:{i:02}Z"),
//!         event_type: "manifest.signed".into(),
//!         actor: "svc:kernel".into(),
//!         payload: serde_json::json!({"n": i}),
//!     };
//!     log.push_str(&w.append(body, &key)?.to_json());
//!     log.push('\n');
//! }
//! // Three parts, verified apart (on three machines, say)...
//! let lines: Vec<&str> = log.lines().collect();
//! let segments: Vec<_> = [&lines[..3], &lines[3..7], &lines[7..]]
//!     .iter()
//!     .map(|rows| {
//!         let mut v = SegmentVerifier::new(registry.clone(), VerifyOptions::default());
//!         rows.iter().for_each(|r| v.push_row(r.as_bytes()));
//!         v.finish()
//!     })
//!     .collect();
//! // ...stitch into the report of one pass.
//! let stitched = stitch(&segments, &VerifyOptions::default())?;
//! assert_eq!(stitched, verify_jsonl(log.as_bytes(), registry, VerifyOptions::default()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod protocol;
mod stitch;
mod summary;
pub(in crate::chain) mod track;

pub use protocol::{
    AnswerItem, At, RequestItem, SegmentAnswer, SegmentRequest, ANSWER_TYPE, REQUEST_TYPE,
};
pub use stitch::{stitch, Stitcher};
pub use summary::{LocalVerdict, RowFacts, SeamRow, SegmentSummary, SUMMARY_TYPE};

use super::error::{Error, ErrorCode};
use super::options::VerifyOptions;
use super::verifier::ChainVerifier;
use crate::digest::{Algorithm, Digest};
use crate::registry::SignerRegistry;
use crate::time::Timestamp;
use serde_json::json;
use track::{Records, Track};

/// Bytes of one id entry in a bucket: the id's 16 bytes, the segment's
/// index (4) and the row's index in it (8), big-endian.
pub const ID_ENTRY_BYTES: usize = 28;

fn sha256_hex(bytes: &[u8]) -> String {
    Digest::of(Algorithm::Sha256, bytes).hex()
}

/// SHA-256 of what shapes a segment's verdicts besides its rows: the
/// digest algorithm, the profile, `max_row_bytes`, `track_ids`,
/// `max_breaks` and the trusted head's seq.
pub(super) fn options_digest(o: &VerifyOptions) -> String {
    let v = json!({
        "hash_alg": o.hash_alg.name(),
        "profile": o.profile().digest(),
        "max_row_bytes": o.max_row_bytes,
        "track_ids": o.track_ids,
        "max_breaks": o.max_breaks,
        "trusted_head_seq": o.expected_head.as_ref().map(|h| h.seq),
    });
    // serde_json writes sorted keys and exact integers (a trusted head's
    // seq may pass 2^53, which canonical JSON would refuse).
    sha256_hex(v.to_string().as_bytes())
}

/// Verifies one segment of a log: the rows of a file, a byte range of one
/// cut at line boundaries, or a `seq` range of a table.
#[derive(Debug)]
pub struct SegmentVerifier {
    inner: ChainVerifier,
    signers: String,
    options: String,
    cut: Option<Cut>,
}

/// A segment that is a byte range of a file: it owns the lines that start
/// in the range.
#[derive(Debug)]
struct Cut {
    /// File offset of the next byte fed.
    at: u64,
    end: u64,
    state: CutState,
}

#[derive(Debug, PartialEq, Eq)]
enum CutState {
    /// Dropping the line that started before the range.
    Skip,
    /// At the start of a line.
    LineStart,
    /// Inside a line the segment owns.
    InLine,
    /// Past the last line it owns.
    Done,
}

/// The most parts [`split_bytes`] makes.
pub const MAX_PARTS: u64 = 1 << 24;
/// The most buckets [`Segment::id_buckets`] makes.
pub const MAX_BUCKETS: usize = 1 << 20;

/// What is wrong with a part or bucket count a caller gives (`what`), if
/// anything: it must be an integer from 1 to `max` ([`MAX_PARTS`] for
/// [`split_bytes`], [`MAX_BUCKETS`] for [`Segment::id_buckets`]). The
/// bindings refuse such a count with this message (their
/// `invalid_argument`) before anything is allocated; the core's functions
/// themselves clamp.
pub fn count_problem(what: &str, n: u64, max: u64) -> Option<String> {
    (!(1..=max).contains(&n)).then(|| format!("{what} must be an integer from 1 to {max}, got {n}"))
}

/// Byte ranges `[start, end)` that cut a file of `len` bytes into `parts`
/// nearly equal parts (fewer for a short file, at most [`MAX_PARTS`]), for
/// [`SegmentVerifier::for_bytes`]: each line belongs to the range it starts
/// in, so the ranges cover every line exactly once.
pub fn split_bytes(len: u64, parts: u64) -> Vec<(u64, u64)> {
    let parts = parts.clamp(1, len.clamp(1, MAX_PARTS));
    (0..parts)
        .map(|i| {
            let cut = |i: u64| ((u128::from(len) * u128::from(i)) / u128::from(parts)) as u64;
            (cut(i), cut(i + 1))
        })
        .collect()
}

impl SegmentVerifier {
    /// A verifier of one segment, with the whole log's options (the trusted
    /// head, the checkpoint and `stop_at_first` take effect in the stitch).
    pub fn new(registry: SignerRegistry, options: VerifyOptions) -> Self {
        let signers = sha256_hex(registry.to_json().as_bytes());
        let digest = options_digest(&options);
        let profile = options.profile();
        let want_seq = match (&options.expected_head, &profile.columns.seq) {
            (Some(h), Some(_)) => Some(h.seq),
            _ => None,
        };
        let mut local = options;
        local.stop_at_first = false;
        local.checkpoint = None;
        local.expected_head = None;
        // At least the first break is kept, for a stitch that stops there.
        local.max_breaks = local.max_breaks.max(1);
        let mut inner = ChainVerifier::new(registry, local);
        inner.segment = Some(Box::new(Track {
            want_seq,
            ..Track::default()
        }));
        SegmentVerifier {
            inner,
            signers,
            options: digest,
            cut: None,
        }
    }

    /// A verifier of the byte range `[start, end)` of a JSONL file: it owns
    /// the lines that start in the range. Feed it the file's bytes from
    /// offset `start - 1` (from 0 when `start` is 0) with
    /// [`Self::push_bytes`] until [`Self::needs_more`] is false or the file
    /// ends; it drops the line that began before the range and everything
    /// after the line that crosses `end`. [`split_bytes`] makes such ranges.
    pub fn for_bytes(
        registry: SignerRegistry,
        options: VerifyOptions,
        start: u64,
        end: u64,
    ) -> Self {
        let mut v = SegmentVerifier::new(registry, options);
        v.cut = Some(Cut {
            at: start.saturating_sub(1),
            end,
            state: if start == 0 {
                CutState::LineStart
            } else {
                CutState::Skip
            },
        });
        v
    }

    /// False once a byte-range segment has all its lines.
    pub fn needs_more(&self) -> bool {
        self.cut
            .as_ref()
            .map_or(true, |c| c.state != CutState::Done)
    }

    /// Feeds JSONL bytes (lines may span chunks; a segment of a file cut at
    /// a byte offset starts after that offset's line end).
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        let Some(cut) = self.cut.as_mut() else {
            return self.inner.push_bytes(chunk);
        };
        let mut rest = chunk;
        loop {
            let newline = rest.iter().position(|&b| b == b'\n');
            match cut.state {
                CutState::Done => return,
                CutState::LineStart => {
                    cut.state = if cut.at >= cut.end {
                        CutState::Done
                    } else {
                        CutState::InLine
                    };
                    continue;
                }
                CutState::Skip | CutState::InLine => {
                    let take = newline.map_or(rest.len(), |i| i + 1);
                    let (line, tail) = rest.split_at(take);
                    if cut.state == CutState::InLine {
                        self.inner.push_bytes(line);
                    }
                    cut.at += take as u64;
                    rest = tail;
                    if newline.is_none() {
                        return;
                    }
                    cut.state = CutState::LineStart;
                }
            }
        }
    }

    /// Feeds one row (one JSONL line without its newline, or a table row's
    /// JSON object).
    pub fn push_row(&mut self, row: &[u8]) {
        self.inner.push_row(row);
    }

    /// Rows fed so far.
    pub fn rows_fed(&self) -> u64 {
        self.inner.rows_fed()
    }

    /// Ends the segment.
    pub fn finish(self) -> Segment {
        let profile = self.inner.profile_id();
        let (report, track) = self.inner.finish_segment();
        let Track {
            first,
            records,
            pin,
            ..
        } = *track;
        let summary = SegmentSummary {
            profile,
            signers: self.signers,
            options: self.options,
            rows: report.rows,
            leaves: records.len(),
            count: report.count,
            break_counts: report.break_counts,
            breaks: report.breaks,
            first,
            last: records.len().checked_sub(1).and_then(|l| records.facts(l)),
            pin: pin.and_then(|l| records.facts(l)),
        };
        Segment { summary, records }
    }
}

/// A verified segment: its summary, and what it keeps to answer the
/// stitch ([`Segment::answer`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    summary: SegmentSummary,
    records: Records,
}

impl Segment {
    /// The summary to ship to the stitch.
    pub fn summary(&self) -> &SegmentSummary {
        &self.summary
    }

    /// The ids of its readable rows with their row index, in order.
    pub fn ids(&self) -> impl Iterator<Item = (u128, u64)> + '_ {
        self.records
            .ids
            .iter()
            .copied()
            .zip(self.records.rows.iter().copied())
    }

    /// Its ids cut into `buckets` buckets by id (entries of
    /// [`ID_ENTRY_BYTES`] bytes, tagged with this segment's index in the
    /// log): bucket `b` of every segment goes to one place, where
    /// [`duplicates`] finds the repeated ids. The same id always falls in
    /// the same bucket. `buckets` is taken within 1..=[`MAX_BUCKETS`].
    pub fn id_buckets(&self, segment: u32, buckets: usize) -> Vec<Vec<u8>> {
        let n = buckets.clamp(1, MAX_BUCKETS);
        let mut out = vec![Vec::new(); n];
        for (id, row) in self.ids() {
            let b = ((id as u64) ^ ((id >> 64) as u64)) % n as u64;
            if let Some(bucket) = out.get_mut(b as usize) {
                bucket.extend_from_slice(&id.to_be_bytes());
                bucket.extend_from_slice(&segment.to_be_bytes());
                bucket.extend_from_slice(&row.to_be_bytes());
            }
        }
        out
    }

    /// The segment as bytes, for an engine that moves or spills it (what
    /// a worker pickles). [`Segment::from_bytes`] reads them back.
    pub fn to_bytes(&self) -> Vec<u8> {
        let r = &self.records;
        let summary = self.summary.to_value().to_string().into_bytes();
        let mut out = Vec::with_capacity(64 + summary.len() + r.rows.len() * 100 + r.ts.len());
        out.extend_from_slice(MAGIC);
        put(&mut out, summary.len() as u64);
        out.extend_from_slice(&summary);
        put(&mut out, r.len());
        for i in 0..r.rows.len() {
            put(&mut out, r.rows[i]);
            out.extend_from_slice(&r.hashes[i]);
            out.extend_from_slice(&r.ids[i].to_be_bytes());
            match r.seqs[i] {
                None => out.push(0),
                Some(s) => {
                    out.push(1);
                    put(&mut out, s);
                }
            }
            out.extend_from_slice(&r.ats[i].unix_seconds().to_be_bytes());
            out.extend_from_slice(&r.ats[i].subsec_nanos().to_be_bytes());
            out.push(r.verdicts[i]);
            put(&mut out, r.ts_ends[i] as u64);
        }
        put(&mut out, r.ts.len() as u64);
        out.extend_from_slice(r.ts.as_bytes());
        out
    }

    /// Reads [`Segment::to_bytes`].
    ///
    /// # Errors
    /// `invalid_state` for bytes that are not a whole, consistent segment.
    pub fn from_bytes(bytes: &[u8]) -> Result<Segment, Error> {
        let bad = || {
            Error::new(
                ErrorCode::InvalidState,
                "not a segment's bytes (truncated or altered)",
            )
        };
        let mut c = Cursor(bytes);
        if c.take(MAGIC.len()).ok_or_else(bad)? != MAGIC {
            return Err(bad());
        }
        let len = usize::try_from(c.u64().ok_or_else(bad)?).map_err(|_| bad())?;
        let summary: serde_json::Value =
            serde_json::from_slice(c.take(len).ok_or_else(bad)?).map_err(|_| bad())?;
        let summary = SegmentSummary::from_value(&summary)?;
        let n = c.u64().ok_or_else(bad)?;
        // Each record takes at least 74 bytes: no allocation beyond the input.
        if n != summary.leaves || n > (bytes.len() / 74) as u64 {
            return Err(bad());
        }
        let mut r = Records::default();
        let mut ends = Vec::with_capacity(n as usize);
        for _ in 0..n {
            r.rows.push(c.u64().ok_or_else(bad)?);
            r.hashes.push(c.array::<32>().ok_or_else(bad)?);
            r.ids
                .push(u128::from_be_bytes(c.array::<16>().ok_or_else(bad)?));
            r.seqs.push(match c.take(1).ok_or_else(bad)? {
                [0] => None,
                [1] => Some(c.u64().ok_or_else(bad)?),
                _ => return Err(bad()),
            });
            let secs = i64::from_be_bytes(c.array::<8>().ok_or_else(bad)?);
            let nanos = u32::from_be_bytes(c.array::<4>().ok_or_else(bad)?);
            r.ats
                .push(Timestamp::from_parts(secs, nanos).ok_or_else(bad)?);
            let v = c.take(1).ok_or_else(bad)?[0];
            LocalVerdict::from_byte(v).ok_or_else(bad)?;
            r.verdicts.push(v);
            ends.push(usize::try_from(c.u64().ok_or_else(bad)?).map_err(|_| bad())?);
        }
        let ts_len = usize::try_from(c.u64().ok_or_else(bad)?).map_err(|_| bad())?;
        r.ts = std::str::from_utf8(c.take(ts_len).ok_or_else(bad)?)
            .map_err(|_| bad())?
            .to_string();
        let mut prev = 0;
        for &e in &ends {
            if e < prev || e > r.ts.len() || !r.ts.is_char_boundary(e) {
                return Err(bad());
            }
            prev = e;
        }
        r.ts_ends = ends;
        let rows_ordered =
            r.rows.windows(2).all(|w| w[0] < w[1]) && r.rows.last().none_or(|l| *l < summary.rows);
        if !c.0.is_empty() || !rows_ordered {
            return Err(bad());
        }
        let seg = Segment {
            summary,
            records: r,
        };
        let consistent = seg.summary.first.as_ref().map(|f| &f.facts)
            == seg.records.facts(0).as_ref()
            && seg.summary.last
                == seg
                    .records
                    .len()
                    .checked_sub(1)
                    .and_then(|l| seg.records.facts(l));
        if !consistent {
            return Err(bad());
        }
        Ok(seg)
    }
}

const MAGIC: &[u8; 8] = b"TCSEG\x00\x01\n";

fn put(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_be_bytes());
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u64(&mut self) -> Option<u64> {
        self.array::<8>().map(u64::from_be_bytes)
    }
}

/// `Option::is_none_or` (Rust 1.82) for the MSRV.
trait NoneOr<T> {
    fn none_or(self, f: impl FnOnce(&T) -> bool) -> bool;
}

impl<T> NoneOr<T> for Option<&T> {
    fn none_or(self, f: impl FnOnce(&T) -> bool) -> bool {
        self.map_or(true, f)
    }
}

/// The repeated ids in buckets of entries ([`Segment::id_buckets`]): every
/// occurrence after an id's first in log order, as (segment, row), sorted.
/// What a shuffle by id runs on each bucket; gathering the results gives
/// the stitch its duplicates.
///
/// # Errors
/// `invalid_state` for a bucket whose length is not a multiple of
/// [`ID_ENTRY_BYTES`].
pub fn duplicates<'a>(
    buckets: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<(u32, u64)>, Error> {
    let mut entries: Vec<(u128, u32, u64)> = Vec::new();
    for b in buckets {
        if b.len() % ID_ENTRY_BYTES != 0 {
            return Err(Error::new(
                ErrorCode::InvalidState,
                format!(
                    "an id bucket of {} bytes is not made of {ID_ENTRY_BYTES}-byte entries",
                    b.len()
                ),
            ));
        }
        entries.reserve(b.len() / ID_ENTRY_BYTES);
        for e in b.chunks_exact(ID_ENTRY_BYTES) {
            let mut c = Cursor(e);
            let id = c.array::<16>().map(u128::from_be_bytes).unwrap_or_default();
            let seg = c.array::<4>().map(u32::from_be_bytes).unwrap_or_default();
            let row = c.u64().unwrap_or_default();
            entries.push((id, seg, row));
        }
    }
    Ok(repeated(entries))
}

/// Every entry after the first of its id in (segment, row) order.
fn repeated(mut entries: Vec<(u128, u32, u64)>) -> Vec<(u32, u64)> {
    crate::sort::sort_unstable(&mut entries);
    let mut out: Vec<(u32, u64)> = entries
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| (w[1].1, w[1].2))
        .collect();
    crate::sort::sort_unstable(&mut out);
    out
}
