//! The streaming verifier: options, resumable state, the report, and the
//! order-dependent linking of rows checked (in parallel) on their own.

use super::check::*;
use super::error::*;
use super::event::*;
use super::ids::*;
use super::options::VerifyOptions;
use super::report::ChainReport;
use super::state::VerifierState;
use crate::merkle::Frontier;
use crate::profile::ChainProfile;
use crate::registry::SignerRegistry;
use crate::time::Timestamp;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Rows buffered before a batch is checked (in parallel with the
/// `parallel` feature).
pub(super) const BATCH: usize = 1024;
/// Bytes buffered before a batch is checked: with long rows, a batch is cut
/// short so the buffer stays small whatever the input.
pub(super) const BATCH_BYTES: usize = 8 << 20;

/// Verifies a chain fed one row (or one chunk of JSONL bytes) at a time.
#[derive(Debug)]
pub struct ChainVerifier {
    registry: Arc<SignerRegistry>,
    profile: Arc<ChainProfile>,
    /// The profile's name and digest (what a state records).
    profile_id: (String, String),
    options: VerifyOptions,
    head: Head,
    last_ts: Option<Timestamp>,
    position: u64,
    count: u64,
    breaks: Vec<Break>,
    break_counts: BTreeMap<Reason, u64>,
    ids: IdSet,
    tree: Frontier,
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    partial: Vec<u8>,
    /// Bytes of the current over-long line skipped so far (0: none).
    skipping: usize,
    /// Pending rows that stand for over-long lines: (index, length).
    too_long: Vec<(usize, usize)>,
    stopped: bool,
    /// The trusted head, once the chain reached its seq and it was checked.
    pinned_head: Option<(u64, [u8; 32])>,
    /// The checkpoint, once the chain reached its size and it was checked.
    pinned_checkpoint: Option<(u64, [u8; 32])>,
    /// Set when verifying one segment of a log (`chain::segment`).
    pub(super) segment: Option<Box<super::segment::track::Track>>,
}

impl ChainVerifier {
    /// A verifier for a chain from its first event.
    pub fn new(registry: SignerRegistry, options: VerifyOptions) -> Self {
        let state = VerifierState::from_head(Head::default(), &options.profile());
        Self::start(registry, options, state)
    }

    /// A verifier that continues from a saved state (or from
    /// [`VerifierState::from_head`]). Ids from before are not known, so
    /// duplicates across the resume point are not detected.
    ///
    /// A state can never weaken the checks: `invalid_state` when the state
    /// is for another digest algorithm, when it is past the trusted head's
    /// seq (or the checkpoint's size) without having checked that same
    /// anchor, or when it checked a different one; an anchor the state is
    /// exactly at is checked at once.
    pub fn resume(
        registry: SignerRegistry,
        options: VerifyOptions,
        state: VerifierState,
    ) -> Result<Self, Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidState, m);
        if state.hash_alg != options.hash_alg {
            return Err(bad(format!(
                "the state is of a {} chain, the options say {}",
                state.hash_alg.name(),
                options.hash_alg.name()
            )));
        }
        let profile = options.profile();
        if state.profile.1 != profile.digest() {
            return Err(bad(format!(
                "the state is of a chain read under profile {} ({}); the options give {} ({})",
                state.profile.0,
                state.profile.1,
                profile.name,
                profile.digest()
            )));
        }
        if let Some(eh) = &options.expected_head {
            match state.pinned_head {
                Some(p) if p != (eh.seq, eh.hash) => {
                    return Err(bad(format!(
                        "the state checked a trusted head at seq {}; the options give another (seq {})",
                        p.0, eh.seq
                    )))
                }
                Some(_) => {}
                None if state.head.seq > eh.seq || (state.head.seq == eh.seq && state.position > 0) => {
                    return Err(bad(format!(
                        "the state is at seq {}, past the trusted head's seq {} it never checked: resume from a state saved before it, or verify from the start",
                        state.head.seq, eh.seq
                    )))
                }
                None => {}
            }
        }
        if let Some(cp) = &options.checkpoint {
            match state.pinned_checkpoint {
                Some(p) if p != (cp.size, cp.root) => {
                    return Err(bad(format!(
                        "the state checked a checkpoint of size {}; the options give another (size {})",
                        p.0, cp.size
                    )))
                }
                Some(_) => {}
                None if state.merkle.size() > cp.size => {
                    return Err(bad(format!(
                        "the state covers {} events, past the checkpoint's size {} it never checked: resume from a state saved before it, or verify from the start",
                        state.merkle.size(),
                        cp.size
                    )))
                }
                None => {}
            }
        }
        Ok(Self::start(registry, options, state))
    }

    /// Builds the verifier and checks the anchors the state is exactly at.
    fn start(registry: SignerRegistry, options: VerifyOptions, state: VerifierState) -> Self {
        let last_ts = state
            .head
            .ts
            .as_deref()
            .and_then(|t| Timestamp::parse(t).ok());
        let profile = options.profile();
        let mut v = ChainVerifier {
            registry: Arc::new(registry),
            profile_id: (profile.name.clone(), profile.digest()),
            profile,
            options,
            head: state.head,
            last_ts,
            position: state.position,
            count: state.count,
            breaks: Vec::new(),
            break_counts: state.break_counts,
            ids: IdSet::default(),
            tree: state.merkle,
            pending: Vec::with_capacity(BATCH),
            pending_bytes: 0,
            partial: Vec::new(),
            skipping: 0,
            too_long: Vec::new(),
            stopped: state.stopped,
            pinned_head: state.pinned_head,
            pinned_checkpoint: state.pinned_checkpoint,
            segment: None,
        };
        if !v.stopped {
            v.check_anchors(None);
        }
        v
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
        self.pending_bytes += row.len();
        if self.pending.len() >= BATCH || self.pending_bytes >= BATCH_BYTES {
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
        self.pending_bytes = 0;
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
                None => check_row(row, &self.registry, &self.profile),
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
        let profile = Arc::clone(&self.profile);
        // Checks run `r` into its slot; false when there is none left.
        let take_run = || {
            let r = next.fetch_add(1, Ordering::Relaxed);
            let Some(run) = rows.chunks(RUN).nth(r) else {
                return false;
            };
            let checked = run
                .iter()
                .map(|row| check_row(row, &registry, &profile))
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
        *self.break_counts.entry(reason).or_insert(0) += 1;
        if self.options.stop_at_first {
            self.stopped = true;
        }
        if self.breaks.len() < self.options.max_breaks {
            self.breaks.push(Break {
                position,
                seq: event.and_then(|e| e.seq),
                id: event.map(|e| e.id.clone()),
                reason,
                message: crate::text::bounded(message),
            });
        }
    }

    /// Checks the trusted head once the chain's head reaches its seq, and
    /// the checkpoint once the tree reaches its size; `event` is the row
    /// that got there (`None`: the state the verifier started from).
    fn check_anchors(&mut self, event: Option<&Facts>) {
        let position = self.position.saturating_sub(u64::from(event.is_some()));
        if let Some(eh) = self.options.expected_head.clone() {
            if self.pinned_head.is_none() && self.head.seq >= eh.seq {
                self.pinned_head = Some((eh.seq, eh.hash));
                if let Some(m) = head_anchor(&self.head, &eh) {
                    self.report(position, event, Reason::HeadMismatch, m);
                }
            }
        }
        if let Some(cp) = self.options.checkpoint {
            if self.pinned_checkpoint.is_none() && self.tree.size() == cp.size && !self.stopped {
                self.pinned_checkpoint = Some((cp.size, cp.root));
                if let Some(m) = checkpoint_anchor(&self.tree.root(), &cp) {
                    self.report(position, event, Reason::CheckpointMismatch, m);
                }
            }
        }
    }

    /// The order-dependent checks, then the row's own verdicts.
    pub(super) fn link(&mut self, mut c: Checked) {
        let position = self.position;
        self.position += 1;
        let Some(event) = c.event.take() else {
            let (reason, message) = c
                .row_error
                .unwrap_or((Reason::MalformedRow, "unreadable row".into()));
            self.report(position, None, reason, message);
            return;
        };
        // A profile without a seq column numbers rows by their place.
        let seq = event.seq.unwrap_or(self.head.seq.wrapping_add(1));
        if let Some(seg) = self.segment.as_mut() {
            if !seg.started() {
                // A segment's first readable row links to a row it has not
                // seen: its verdict waits for the stitch. Everything else is
                // as for any row.
                if self.options.track_ids {
                    self.ids.insert(event.id_bits);
                }
                seg.record_first(position, &event, &c);
                self.tree.push_data(&event.hash);
                self.last_ts = Some(event.at);
                self.head = Head {
                    hash: event.hash,
                    seq,
                    ts: Some(event.ts.clone()),
                };
                return;
            }
        }
        let duplicate = self.options.track_ids && !self.ids.insert(event.id_bits);
        let reason = link_verdict(
            &self.head,
            self.last_ts.as_ref(),
            &event,
            duplicate,
            c.hash_error,
            c.sig_error,
        );
        if let Some(seg) = self.segment.as_mut() {
            seg.record(position, &event, reason.as_ref().map(|r| r.0));
        }
        match reason {
            Some((r, m)) => self.report(position, Some(&event), r, m),
            None => self.count += 1,
        }
        self.tree.push_data(&event.hash);
        // Resynchronise on the row's own claims, so one bad row is one break.
        self.last_ts = Some(event.at);
        self.head = Head {
            hash: event.hash,
            seq,
            ts: Some(event.ts.clone()),
        };
        if !self.stopped && self.segment.is_none() {
            self.check_anchors(Some(&event));
        }
    }

    /// Checks everything fed so far (a partial last line stays buffered) and
    /// returns the resumable state.
    pub fn state(&mut self) -> VerifierState {
        self.flush();
        VerifierState {
            head: self.head.clone(),
            position: self.position,
            count: self.count,
            break_counts: self.break_counts.clone(),
            merkle: self.tree.clone(),
            stopped: self.stopped,
            hash_alg: self.profile.hash_alg,
            profile: self.profile_id.clone(),
            pinned_head: self.pinned_head,
            pinned_checkpoint: self.pinned_checkpoint,
        }
    }

    /// Rows fed so far, checked or pending (with a resumed state's rows).
    pub fn rows_fed(&self) -> u64 {
        self.position + self.pending.len() as u64
    }

    /// Breaks found so far (checks pending rows first).
    pub fn breaks(&mut self) -> &[Break] {
        self.flush();
        &self.breaks
    }

    /// Checks what is left: a last line without newline, an over-long one.
    fn drain(&mut self) {
        if self.skipping > 0 {
            let len = std::mem::take(&mut self.skipping);
            self.push_too_long(len);
        } else if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.push_line(&line);
        }
        self.flush();
    }

    /// Ends the stream: checks what is left (a last line without newline
    /// included) and the expected head, and reports.
    pub fn finish(mut self) -> ChainReport {
        self.drain();
        if let Some(expected) = self.options.expected_head.clone() {
            if !self.stopped && self.pinned_head.is_none() {
                let m = head_truncated(&self.head, &expected);
                self.report(self.position, None, Reason::Truncated, m);
            }
        }
        if let Some(cp) = self.options.checkpoint {
            if !self.stopped && self.pinned_checkpoint.is_none() {
                let m = checkpoint_truncated(self.tree.size(), &cp);
                self.report(self.position, None, Reason::Truncated, m);
            }
        }
        self.into_report()
    }

    /// The report of what was read.
    fn into_report(self) -> ChainReport {
        ChainReport {
            valid: self.break_counts.is_empty(),
            head: self.head,
            rows: self.position,
            count: self.count,
            breaks: self.breaks,
            break_counts: self.break_counts,
            merkle: TreeHead {
                size: self.tree.size(),
                root: self.tree.root(),
            },
        }
    }
}

impl ChainVerifier {
    /// The profile's name and digest.
    pub(super) fn profile_id(&self) -> (String, String) {
        self.profile_id.clone()
    }

    /// Ends a segment: what [`Self::finish`] does, without the anchors
    /// (the stitch checks them), and the segment's records.
    pub(super) fn finish_segment(mut self) -> (ChainReport, Box<super::segment::track::Track>) {
        self.drain();
        let track = self.segment.take().unwrap_or_default();
        (self.into_report(), track)
    }
}

/// The order-dependent verdict of a readable row, given the head and time
/// before it (the same rule for one pass and for stitched segments): a
/// duplicate id, then a seq gap, a broken link (the first row must carry
/// the genesis spelling), the row's own hash error, a time before the
/// previous row's, and the row's own signer or signature failure.
pub(super) fn link_verdict(
    head: &Head,
    last_ts: Option<&Timestamp>,
    event: &Facts,
    duplicate: bool,
    hash_error: Option<String>,
    sig_error: Option<(Reason, String)>,
) -> Option<(Reason, String)> {
    let seq = event.seq.unwrap_or(head.seq.wrapping_add(1));
    if duplicate {
        return Some((
            Reason::DuplicateId,
            format!("id {} appeared before", event.id),
        ));
    }
    if event.seq.is_some_and(|s| s != head.seq.wrapping_add(1)) {
        return Some((
            Reason::SeqGap,
            format!("seq {} follows seq {}", seq, head.seq),
        ));
    }
    if event.prev_hash != head.hash
        || (head.seq == 0 && head.hash == GENESIS_PREV_HASH && !event.prev_genesis)
    {
        return Some((
            Reason::PrevHashMismatch,
            format!(
                "prev_hash {} is not the previous hash {}",
                hex::encode(event.prev_hash),
                hex::encode(head.hash)
            ),
        ));
    }
    if let Some(m) = hash_error {
        return Some((Reason::HashMismatch, m));
    }
    if let Some(prev) = last_ts {
        if event.at < *prev {
            return Some((
                Reason::TsRegression,
                format!("ts {} is before the previous event's {prev}", event.ts),
            ));
        }
    }
    sig_error
}

/// The trusted-head check once the head reached the trusted head's seq:
/// the mismatch, if any (the same rule for one pass and for stitched
/// segments).
pub(super) fn head_anchor(head: &Head, trusted: &Head) -> Option<String> {
    if head.seq != trusted.seq {
        Some(format!(
            "the chain reaches seq {} without the trusted head at seq {}",
            head.seq, trusted.seq
        ))
    } else if head.hash != trusted.hash {
        Some(format!(
            "the chain's hash at seq {} is {}, the trusted head's is {}",
            trusted.seq,
            hex::encode(head.hash),
            hex::encode(trusted.hash)
        ))
    } else {
        None
    }
}

/// The checkpoint check once the tree reached its size: the mismatch, if
/// any.
pub(super) fn checkpoint_anchor(root: &[u8; 32], cp: &TreeHead) -> Option<String> {
    (*root != cp.root).then(|| {
        format!(
            "the Merkle root of the first {} events is {}, the checkpoint's is {}",
            cp.size,
            hex::encode(root),
            hex::encode(cp.root)
        )
    })
}

/// Why a chain that ends before the trusted head is truncated.
pub(super) fn head_truncated(head: &Head, trusted: &Head) -> String {
    format!(
        "the chain ends at seq {}; the trusted head is at seq {}",
        head.seq, trusted.seq
    )
}

/// Why a chain that ends before the checkpoint's size is truncated.
pub(super) fn checkpoint_truncated(size: u64, cp: &TreeHead) -> String {
    format!(
        "the chain has {size} events; the checkpoint commits to {}",
        cp.size
    )
}

/// Verifies a whole JSONL export in one call.
pub fn verify_jsonl(text: &[u8], registry: SignerRegistry, options: VerifyOptions) -> ChainReport {
    let mut v = ChainVerifier::new(registry, options);
    v.push_bytes(text);
    v.finish()
}
