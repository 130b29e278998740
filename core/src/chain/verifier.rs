//! The streaming verifier: options, resumable state, the report, and the
//! order-dependent linking of rows checked (in parallel) on their own.

use super::check::*;
use super::error::*;
use super::event::*;
use super::ids::*;
use crate::digest;
use crate::merkle::Frontier;
use crate::registry::SignerRegistry;
use crate::time::Timestamp;
use serde_json::Value;
use std::sync::Arc;

/// How a [`ChainVerifier`] runs.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The chain's digest algorithm (default SHA-256).
    pub hash_alg: digest::Algorithm,
    /// Stop at the first break (default: collect all).
    pub stop_at_first: bool,
    /// Keep every id to detect duplicates (default true; 16 bytes per
    /// event). Off, memory is constant.
    pub track_ids: bool,
    /// When set, [`ChainVerifier::finish`] checks the chain reaches this head
    /// (`truncated` if it ends before, `head_mismatch` if its hash at that
    /// seq differs).
    pub expected_head: Option<Head>,
    /// When set, the verifier checks the RFC 6962 root of the event hashes
    /// when it reaches `size` rows against this one (a signed checkpoint's:
    /// `checkpoint_mismatch`), and that the chain reaches that size
    /// (`truncated`).
    pub checkpoint: Option<TreeHead>,
    /// The longest row accepted, in bytes (default 1 MiB). A longer one is a
    /// `malformed_row` break, and its bytes are skipped up to the next
    /// newline without being buffered: a stream without newlines cannot
    /// make the verifier hold it in memory.
    pub max_row_bytes: usize,
    /// Threads for signature checks: `None` = every core. Only the
    /// `parallel` feature uses more than one; the verdict never depends on
    /// it.
    pub threads: Option<usize>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            hash_alg: digest::Algorithm::Sha256,
            stop_at_first: false,
            track_ids: true,
            expected_head: None,
            checkpoint: None,
            max_row_bytes: 1 << 20,
            threads: None,
        }
    }
}

/// A verifier's resumable state (what a streaming consumer checkpoints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierState {
    /// The head reached.
    pub head: Head,
    /// Rows read so far (the next row's position).
    pub position: u64,
    /// Events accepted so far.
    pub count: u64,
    /// Breaks found so far.
    pub breaks: u64,
    /// The Merkle frontier over the event hashes read so far (size and
    /// subtree roots, largest first).
    pub merkle: Frontier,
    /// The verifier stopped at a break (`stop_at_first`): a resumed one
    /// reads nothing more.
    pub stopped: bool,
}

impl VerifierState {
    /// `{"head":{…},"position":n,"count":n,"breaks":n,"type":"trustcore.chain-verifier-state/v1"}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "type": "trustcore.chain-verifier-state/v1",
            "head": self.head.to_value(),
            "position": self.position,
            "count": self.count,
            "breaks": self.breaks,
            "stopped": self.stopped,
            "merkle": {
                "size": self.merkle.size(),
                "hashes": self.merkle.hashes().iter().map(hex::encode).collect::<Vec<_>>(),
            },
        })
    }

    /// Reads a state written by [`VerifierState::to_value`].
    pub fn from_value(v: &Value) -> Result<Self, Error> {
        let bad = |m: &str| Error::new(ErrorCode::InvalidState, m.to_string());
        if v.get("type").and_then(Value::as_str) != Some("trustcore.chain-verifier-state/v1") {
            return Err(bad(
                "\"type\" must be \"trustcore.chain-verifier-state/v1\"",
            ));
        }
        let n = |k: &str| {
            v.get(k)
                .and_then(Value::as_u64)
                .ok_or_else(|| bad(&format!("{k:?} must be a non-negative integer")))
        };
        let m = v.get("merkle").unwrap_or(&Value::Null);
        let hashes = m
            .get("hashes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("\"merkle\" needs \"size\" and \"hashes\""))?
            .iter()
            .map(|h| h.as_str().and_then(hex32))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("merkle hashes must be 64 lowercase hex digits"))?;
        let size = m
            .get("size")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("\"merkle\" needs \"size\" and \"hashes\""))?;
        let merkle = Frontier::from_parts(size, &hashes).map_err(|e| bad(e.message()))?;
        Ok(VerifierState {
            head: Head::from_value(v.get("head").unwrap_or(&Value::Null))?,
            position: n("position")?,
            count: n("count")?,
            breaks: n("breaks")?,
            merkle,
            stopped: match v.get("stopped") {
                None => false,
                Some(b) => b
                    .as_bool()
                    .ok_or_else(|| bad("\"stopped\" must be a boolean"))?,
            },
        })
    }
}

/// The outcome of verifying a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// No breaks.
    pub valid: bool,
    /// The head reached (the last event accepted or resynchronised on).
    pub head: Head,
    /// Rows read.
    pub rows: u64,
    /// The breaks, in stream order (only the first with `stop_at_first`).
    pub breaks: Vec<Break>,
    /// The RFC 6962 tree head over the hashes of every readable row, in
    /// stream order: what a checkpoint of this chain commits to.
    pub merkle: TreeHead,
}

impl ChainReport {
    /// As a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "valid": self.valid,
            "head": self.head.to_value(),
            "rows": self.rows,
            "breaks": self.breaks.iter().map(Break::to_value).collect::<Vec<_>>(),
            "merkle": self.merkle.to_value(),
        })
    }

    /// As canonical JSON text.
    pub fn to_json(&self) -> String {
        String::from_utf8(canonical(&self.to_value())).unwrap_or_default()
    }
}

/// Rows buffered before a batch is checked (in parallel with the
/// `parallel` feature).
pub(super) const BATCH: usize = 1024;

/// Verifies a chain fed one row (or one chunk of JSONL bytes) at a time.
#[derive(Debug)]
pub struct ChainVerifier {
    registry: Arc<SignerRegistry>,
    options: VerifyOptions,
    head: Head,
    last_ts: Option<Timestamp>,
    position: u64,
    count: u64,
    breaks: Vec<Break>,
    break_count: u64,
    ids: IdSet,
    tree: Frontier,
    pending: Vec<Vec<u8>>,
    partial: Vec<u8>,
    /// Bytes of the current over-long line skipped so far (0: none).
    skipping: usize,
    /// Pending rows that stand for over-long lines: (index, length).
    too_long: Vec<(usize, usize)>,
    stopped: bool,
}

impl ChainVerifier {
    /// A verifier for a chain from its first event.
    pub fn new(registry: SignerRegistry, options: VerifyOptions) -> Self {
        Self::resume(
            registry,
            options,
            VerifierState {
                head: Head::default(),
                position: 0,
                count: 0,
                breaks: 0,
                merkle: Frontier::new(),
                stopped: false,
            },
        )
    }

    /// A verifier that continues from a trusted head or a saved state
    /// (ids from before are not known, so duplicates across the resume
    /// point are not detected).
    pub fn resume(registry: SignerRegistry, options: VerifyOptions, state: VerifierState) -> Self {
        let last_ts = state
            .head
            .ts
            .as_deref()
            .and_then(|t| Timestamp::parse(t).ok());
        ChainVerifier {
            registry: Arc::new(registry),
            options,
            head: state.head,
            last_ts,
            position: state.position,
            count: state.count,
            breaks: Vec::new(),
            break_count: state.breaks,
            ids: IdSet::default(),
            tree: state.merkle,
            pending: Vec::with_capacity(BATCH),
            partial: Vec::new(),
            skipping: 0,
            too_long: Vec::new(),
            stopped: state.stopped,
        }
    }

    /// Feeds one row (one JSONL line, without its newline).
    pub fn push_row(&mut self, row: &[u8]) {
        if self.stopped {
            return;
        }
        if row.len() > self.options.max_row_bytes {
            self.push_too_long(row.len());
            return;
        }
        self.pending.push(row.to_vec());
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    /// Feeds a chunk of JSONL bytes; lines may span chunks. Empty lines
    /// (and a final newline) are skipped; `\r\n` is accepted.
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(nl);
            rest = tail.get(1..).unwrap_or_default();
            if self.skipping > 0 {
                let len = self.skipping + line.len();
                self.skipping = 0;
                self.push_too_long(len);
            } else if self.partial.is_empty() {
                self.push_line(line);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.push_line(&whole);
            }
        }
        if self.skipping > 0 {
            self.skipping += rest.len();
        } else if self.partial.len() + rest.len() > self.options.max_row_bytes {
            self.skipping = self.partial.len() + rest.len();
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(rest);
        }
    }

    /// Records an over-long row in stream order (its bytes are gone).
    pub(super) fn push_too_long(&mut self, len: usize) {
        if self.stopped {
            return;
        }
        self.pending.push(Vec::new());
        self.too_long.push((self.pending.len() - 1, len));
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    pub(super) fn push_line(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.iter().all(|b| b.is_ascii_whitespace()) {
            self.push_row(line);
        }
    }

    pub(super) fn flush(&mut self) {
        let rows = std::mem::take(&mut self.pending);
        let too_long = std::mem::take(&mut self.too_long);
        self.check_and_link(&rows, &too_long);
        self.pending = rows;
        self.pending.clear();
    }

    /// The verdict for row `i` of a batch: an over-long row (its bytes
    /// already dropped) is malformed whatever is left of it.
    pub(super) fn overlong(&self, too_long: &[(usize, usize)], i: usize) -> Option<Checked> {
        let &(_, len) = too_long.iter().find(|(at, _)| *at == i)?;
        Some(Checked::failed((
            Reason::MalformedRow,
            format!(
                "the row is {len} bytes, longer than max_row_bytes ({}); skipped",
                self.options.max_row_bytes
            ),
        )))
    }

    /// Checks the rows of a batch and links them, in order, on this thread.
    pub(super) fn check_and_link_here(&mut self, rows: &[Vec<u8>], too_long: &[(usize, usize)]) {
        for (i, row) in rows.iter().enumerate() {
            if self.stopped {
                return;
            }
            let c = match self.overlong(too_long, i) {
                Some(c) => c,
                None => check_row(row, &self.registry, self.options.hash_alg),
            };
            self.link(c);
        }
    }

    #[cfg(not(feature = "parallel"))]
    pub(super) fn check_and_link(&mut self, rows: &[Vec<u8>], too_long: &[(usize, usize)]) {
        self.check_and_link_here(rows, too_long)
    }

    /// Checks the rows of a batch on several threads and links them in
    /// order as they come in. Threads take small runs of rows from a shared
    /// counter, so a slow run does not leave a core idle; this thread takes
    /// runs too and, between them, links every run that is ready, so the
    /// order-dependent work overlaps the signature checks. The links, and so
    /// the report, are exactly those of [`Self::check_and_link_here`].
    #[cfg(feature = "parallel")]
    pub(super) fn check_and_link(&mut self, rows: &[Vec<u8>], too_long: &[(usize, usize)]) {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Mutex;
        /// Rows per run: small enough that the last run of a batch keeps
        /// the other cores waiting briefly, large enough that taking one is
        /// rare next to the checks.
        const RUN: usize = 8;
        let threads = self
            .options
            .threads
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            })
            .clamp(1, rows.len().div_ceil(RUN).max(1));
        if threads <= 1 {
            return self.check_and_link_here(rows, too_long);
        }
        let runs = rows.len().div_ceil(RUN);
        let slots: Vec<Mutex<Option<Vec<Checked>>>> = (0..runs).map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let quit = AtomicBool::new(false);
        let registry = Arc::clone(&self.registry);
        let alg = self.options.hash_alg;
        // Checks run `r` into its slot; false when there is none left.
        let take_run = || {
            let r = next.fetch_add(1, Ordering::Relaxed);
            let Some(run) = rows.chunks(RUN).nth(r) else {
                return false;
            };
            let checked = run
                .iter()
                .map(|row| check_row(row, &registry, alg))
                .collect();
            if let Some(slot) = slots.get(r) {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(checked);
            }
            true
        };
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(|| {
                    // Runs until none is left (or the verifier stopped).
                    while !quit.load(Ordering::Relaxed) {
                        if !take_run() {
                            break;
                        }
                    }
                });
            }
            let mut linked = 0;
            while linked < runs && !self.stopped {
                let ready = slots
                    .get(linked)
                    .and_then(|slot| slot.lock().unwrap_or_else(|e| e.into_inner()).take());
                match ready {
                    Some(checked) => {
                        for (j, c) in checked.into_iter().enumerate() {
                            if self.stopped {
                                break;
                            }
                            let c = self.overlong(too_long, linked * RUN + j).unwrap_or(c);
                            self.link(c);
                        }
                        linked += 1;
                    }
                    // Nothing to link yet: check a run, or wait for the
                    // last ones.
                    None => {
                        if !take_run() {
                            std::thread::yield_now();
                        }
                    }
                }
            }
            quit.store(true, Ordering::Relaxed);
        });
    }

    pub(super) fn report(
        &mut self,
        position: u64,
        event: Option<&Facts>,
        reason: Reason,
        message: String,
    ) {
        self.break_count += 1;
        if self.options.stop_at_first {
            self.stopped = true;
        }
        self.breaks.push(Break {
            position,
            seq: event.map(|e| e.seq),
            id: event.map(|e| e.id.clone()),
            reason,
            message,
        });
    }

    /// The order-dependent checks, then the row's own verdicts.
    pub(super) fn link(&mut self, c: Checked) {
        let position = self.position;
        self.position += 1;
        let Some(event) = c.event else {
            let (reason, message) = c
                .row_error
                .unwrap_or((Reason::MalformedRow, "unreadable row".into()));
            self.report(position, None, reason, message);
            return;
        };
        let mut reason: Option<(Reason, String)> = None;
        if self.options.track_ids && !self.ids.insert(event.id_bits) {
            reason = Some((
                Reason::DuplicateId,
                format!("id {} appeared before", event.id),
            ));
        } else if event.seq != self.head.seq.wrapping_add(1) {
            reason = Some((
                Reason::SeqGap,
                format!("seq {} follows seq {}", event.seq, self.head.seq),
            ));
        } else if event.prev_hash != self.head.hash {
            reason = Some((
                Reason::PrevHashMismatch,
                format!(
                    "prev_hash {} is not the previous hash {}",
                    hex::encode(event.prev_hash),
                    hex::encode(self.head.hash)
                ),
            ));
        } else if let Some(m) = c.hash_error {
            reason = Some((Reason::HashMismatch, m));
        } else if let (Some(prev), Some(at)) = (&self.last_ts, &c.at) {
            if at < prev {
                reason = Some((
                    Reason::TsRegression,
                    format!("ts {} is before the previous event's {prev}", event.ts),
                ));
            }
        }
        if reason.is_none() {
            reason = c.sig_error;
        }
        match reason {
            Some((r, m)) => self.report(position, Some(&event), r, m),
            None => self.count += 1,
        }
        self.tree.push_data(&event.hash);
        if let Some(cp) = self.options.checkpoint {
            if self.tree.size() == cp.size && self.tree.root() != cp.root && !self.stopped {
                let m = format!(
                    "the Merkle root of the first {} events is {}, the checkpoint's is {}",
                    cp.size,
                    hex::encode(self.tree.root()),
                    hex::encode(cp.root)
                );
                self.report(position, Some(&event), Reason::CheckpointMismatch, m);
            }
        }
        // Resynchronise on the row's own claims, so one bad row is one break.
        if c.at.is_some() {
            self.last_ts = c.at;
        }
        self.head = Head {
            hash: event.hash,
            seq: event.seq,
            ts: Some(event.ts),
        };
    }

    /// Checks everything fed so far (a partial last line stays buffered) and
    /// returns the resumable state.
    pub fn state(&mut self) -> VerifierState {
        self.flush();
        VerifierState {
            head: self.head.clone(),
            position: self.position,
            count: self.count,
            breaks: self.break_count,
            merkle: self.tree.clone(),
            stopped: self.stopped,
        }
    }

    /// Breaks found so far (checks pending rows first).
    pub fn breaks(&mut self) -> &[Break] {
        self.flush();
        &self.breaks
    }

    /// Ends the stream: checks what is left (a last line without newline
    /// included) and the expected head, and reports.
    pub fn finish(mut self) -> ChainReport {
        if self.skipping > 0 {
            let len = std::mem::take(&mut self.skipping);
            self.push_too_long(len);
        } else if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.push_line(&line);
        }
        self.flush();
        if let Some(expected) = self.options.expected_head.clone() {
            if !self.stopped {
                if self.head.seq < expected.seq {
                    let m = format!(
                        "the chain ends at seq {}; the expected head is at seq {}",
                        self.head.seq, expected.seq
                    );
                    self.report(self.position, None, Reason::Truncated, m);
                } else if self.head.seq == expected.seq && self.head.hash != expected.hash {
                    let m = format!(
                        "the chain's hash at seq {} is {}, the expected head's is {}",
                        expected.seq,
                        hex::encode(self.head.hash),
                        hex::encode(expected.hash)
                    );
                    self.report(self.position, None, Reason::HeadMismatch, m);
                }
            }
        }
        if let Some(cp) = self.options.checkpoint {
            if !self.stopped && self.tree.size() < cp.size {
                let m = format!(
                    "the chain has {} events; the checkpoint commits to {}",
                    self.tree.size(),
                    cp.size
                );
                self.report(self.position, None, Reason::Truncated, m);
            }
        }
        ChainReport {
            valid: self.break_count == 0,
            head: self.head,
            rows: self.position,
            breaks: self.breaks,
            merkle: TreeHead {
                size: self.tree.size(),
                root: self.tree.root(),
            },
        }
    }
}

/// Verifies a whole JSONL export in one call.
pub fn verify_jsonl(text: &[u8], registry: SignerRegistry, options: VerifyOptions) -> ChainReport {
    let mut v = ChainVerifier::new(registry, options);
    v.push_bytes(text);
    v.finish()
}
