//! The stitch: summaries in log order, one question to each segment, and
//! the one-pass report from the answers.
//!
//! [`Stitcher::new`] walks the summaries once to find what it cannot know
//! from them (the leaf offset of each segment, the facts of a few rows, the
//! Merkle ranges at the rows where a checkpoint or a stop falls) and
//! [`Stitcher::finish`] walks them again with the answers. Both walks are
//! the same code ([`Walk`]): the first records what it would need, the
//! second has it.

use super::super::check::Facts;
use super::super::error::{Break, Error, ErrorCode, Reason};
use super::super::event::{Head, TreeHead};
use super::super::options::VerifyOptions;
use super::super::report::ChainReport;
use super::super::verifier::{
    checkpoint_anchor, checkpoint_truncated, head_anchor, head_truncated, link_verdict,
};
use super::protocol::{merkle_error, AnswerItem, At, RequestItem, SegmentAnswer, SegmentRequest};
use super::summary::{LocalVerdict, RowFacts, SegmentSummary};
use super::{options_digest, repeated, Segment};
use crate::merkle::{CompactRange, MAX_TREE_SIZE};
use crate::time::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// Stitches segment summaries, given in log order, into the report of one
/// pass over the whole log, in two steps: [`Stitcher::new`] says what it
/// needs of each segment ([`Stitcher::requests`]), [`Stitcher::finish`]
/// takes the answers.
#[derive(Debug)]
pub struct Stitcher {
    options: VerifyOptions,
    summaries: Vec<SegmentSummary>,
    dups: Vec<BTreeSet<u64>>,
    requests: Vec<SegmentRequest>,
}

impl Stitcher {
    /// Plans the stitch of `summaries` (in log order) with the repeated ids
    /// found across them ([`super::duplicates`]: (segment, row) pairs; they
    /// may include the repeats inside a segment) under the whole log's
    /// options.
    ///
    /// # Errors
    /// `invalid_state` when a summary is inconsistent, was made under
    /// another profile, other options or other signers than the rest, or a
    /// duplicate names a row that no segment has.
    pub fn new(
        summaries: Vec<SegmentSummary>,
        duplicates: &[(u32, u64)],
        options: VerifyOptions,
    ) -> Result<Stitcher, Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidState, m);
        let want = options_digest(&options);
        let profile = options.profile();
        let digest = profile.digest();
        let mut leaves: u64 = 0;
        for (k, s) in summaries.iter().enumerate() {
            s.check()?;
            if s.profile.1 != digest {
                return Err(bad(format!(
                    "segment {k} was verified under profile {} ({}); the options give {} ({digest})",
                    s.profile.0, s.profile.1, profile.name
                )));
            }
            if s.options != want {
                return Err(bad(format!(
                    "segment {k} was verified with other options than these (digest {}, not {want}): the digest algorithm, profile, max_row_bytes, track_ids, max_breaks and the trusted head's seq must be the same",
                    s.options
                )));
            }
            if let Some(first) = summaries.first() {
                if s.signers != first.signers {
                    return Err(bad(format!(
                        "segment {k} was verified with other signers than segment 0"
                    )));
                }
            }
            leaves = leaves
                .checked_add(s.leaves)
                .filter(|n| *n <= MAX_TREE_SIZE)
                .ok_or_else(|| bad("the segments hold more than 2^63 - 1 rows".into()))?;
        }
        if u32::try_from(summaries.len()).is_err() {
            return Err(bad("more than 2^32 - 1 segments".into()));
        }
        let mut dups = vec![BTreeSet::new(); summaries.len()];
        if options.track_ids {
            for &(seg, row) in duplicates {
                let set = dups.get_mut(seg as usize).ok_or_else(|| {
                    bad(format!(
                        "a duplicate names segment {seg} of {}",
                        summaries.len()
                    ))
                })?;
                if summaries.get(seg as usize).is_some_and(|s| row >= s.rows) {
                    return Err(bad(format!(
                        "a duplicate names row {row} of segment {seg}, which has fewer rows"
                    )));
                }
                set.insert(row);
            }
        }
        let mut know = Know::Plan(vec![None; summaries.len()]);
        Walk::new(&options, None).run(&summaries, &dups, &mut know)?;
        let Know::Plan(wants) = know else {
            return Err(bad("the stitch lost its plan".into()));
        };
        let mut offset = 0u64;
        let mut requests = Vec::new();
        for (k, (w, s)) in wants.into_iter().zip(&summaries).enumerate() {
            if let Some(w) = w {
                requests.push(SegmentRequest {
                    segment: k as u32,
                    offset,
                    items: w
                        .into_iter()
                        .map(|(at, range)| RequestItem { at, range })
                        .collect(),
                });
            }
            offset += s.leaves;
        }
        Ok(Stitcher {
            options,
            summaries,
            dups,
            requests,
        })
    }

    /// What each segment must answer ([`Segment::answer`]); segments not
    /// listed need not answer (after a `stop_at_first` stop).
    pub fn requests(&self) -> &[SegmentRequest] {
        &self.requests
    }

    /// The report of one pass, from the answers to [`Self::requests`] (in
    /// any order).
    ///
    /// # Errors
    /// `invalid_state` when an answer is missing or does not fit its
    /// request.
    pub fn finish(&self, answers: &[SegmentAnswer]) -> Result<ChainReport, Error> {
        let mut found: Vec<Option<Answered<'_>>> = vec![None; self.summaries.len()];
        for req in &self.requests {
            let k = req.segment as usize;
            let s = &self.summaries[k];
            let a = answers
                .iter()
                .find(|a| a.segment == req.segment)
                .ok_or_else(|| missing(k, "no answer"))?;
            let fits = a.items.len() == req.items.len()
                && a.range.begin() == req.offset
                && a.range.end() == req.offset + s.leaves
                && req.items.iter().zip(&a.items).all(|(q, i)| {
                    let through = i.facts.as_ref().map_or(0, |f| f.leaf + 1);
                    i.facts
                        .as_ref()
                        .map_or(true, |f| f.leaf < s.leaves && f.row < s.rows)
                        && i.range.as_ref().map_or(!q.range, |r| {
                            r.begin() == req.offset && r.end() == req.offset + through
                        })
                });
            if !fits {
                return Err(missing(k, "an answer that does not fit its request"));
            }
            let items = req.items.iter().map(|q| q.at).zip(a.items.iter()).collect();
            found[k] = Some(Answered { answer: a, items });
        }
        let mut know = Know::Answered(found);
        Walk::new(&self.options, Some(CompactRange::new(0))).run(
            &self.summaries,
            &self.dups,
            &mut know,
        )
    }
}

fn missing(segment: usize, what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidState,
        format!("segment {segment}: {what} (answer each request with Segment::answer)"),
    )
}

/// Stitches segments held in one place: the duplicates, the requests and
/// the answers in one call.
///
/// # Errors
/// As [`Stitcher::new`].
pub fn stitch(segments: &[Segment], options: &VerifyOptions) -> Result<ChainReport, Error> {
    let dups = if options.track_ids {
        repeated(
            segments
                .iter()
                .enumerate()
                .flat_map(|(k, s)| s.ids().map(move |(id, row)| (id, k as u32, row)))
                .collect(),
        )
    } else {
        Vec::new()
    };
    let summaries = segments.iter().map(|s| s.summary().clone()).collect();
    let st = Stitcher::new(summaries, &dups, options.clone())?;
    let answers = st
        .requests()
        .iter()
        .map(|r| segments[r.segment as usize].answer(r))
        .collect::<Result<Vec<_>, _>>()?;
    st.finish(&answers)
}

#[derive(Clone)]
struct Answered<'a> {
    answer: &'a SegmentAnswer,
    items: BTreeMap<At, &'a AnswerItem>,
}

/// What the walk knows beyond the summaries.
enum Know<'a> {
    /// Planning: what each needed segment will be asked.
    Plan(Vec<Option<BTreeMap<At, bool>>>),
    /// Finishing: the answers.
    Answered(Vec<Option<Answered<'a>>>),
}

impl Know<'_> {
    fn planning(&self) -> bool {
        matches!(self, Know::Plan(_))
    }

    /// A row of segment `k` (`None` while planning).
    fn item(&mut self, k: usize, at: At, range: bool) -> Result<Option<AnswerItem>, Error> {
        match self {
            Know::Plan(wants) => {
                if let Some(w) = wants.get_mut(k) {
                    let e = w
                        .get_or_insert_with(BTreeMap::new)
                        .entry(at)
                        .or_insert(false);
                    *e |= range;
                }
                Ok(None)
            }
            Know::Answered(found) => {
                let item = found
                    .get(k)
                    .and_then(Option::as_ref)
                    .and_then(|a| a.items.get(&at))
                    .ok_or_else(|| missing(k, "an answer without a row the stitch needs"))?;
                if range && item.range.is_none() {
                    return Err(missing(k, "an answer without a range the stitch needs"));
                }
                Ok(Some((*item).clone()))
            }
        }
    }

    /// The whole compact range of segment `k` (`None` while planning).
    fn full(&mut self, k: usize) -> Result<Option<CompactRange>, Error> {
        match self {
            Know::Plan(wants) => {
                if let Some(w) = wants.get_mut(k) {
                    w.get_or_insert_with(BTreeMap::new);
                }
                Ok(None)
            }
            Know::Answered(found) => found
                .get(k)
                .and_then(Option::as_ref)
                .map(|a| Some(a.answer.range.clone()))
                .ok_or_else(|| missing(k, "no answer")),
        }
    }
}

/// The facts of leaf `leaf` of segment `k` and, when asked, the range
/// through it (`None` while planning); `whose` names the row in errors.
fn at_leaf(
    know: &mut Know<'_>,
    k: usize,
    leaf: u64,
    range: bool,
    whose: &str,
) -> Result<Option<(RowFacts, Option<CompactRange>)>, Error> {
    match know.item(k, At::Leaf(leaf), range)? {
        None => Ok(None),
        Some(item) => {
            let f = item
                .facts
                .ok_or_else(|| missing(k, &format!("no facts for {whose} row")))?;
            Ok(Some((f, item.range)))
        }
    }
}

/// What happens at one row of a segment.
#[derive(Default)]
struct Incident<'s> {
    local: Option<&'s Break>,
    seam: bool,
    dup: bool,
    /// The row where one pass checks the trusted head, with its range.
    pin: Option<(RowFacts, Option<CompactRange>)>,
    /// The row where the tree reaches the checkpoint's size.
    cp: Option<(RowFacts, Option<CompactRange>)>,
}

/// Where a `stop_at_first` stitch stopped.
struct Stop {
    rows: u64,
    count: u64,
    head: Head,
    merkle: TreeHead,
}

/// One walk over the summaries: the one-pass verifier's order of events,
/// at the rows where anything happens.
struct Walk<'o> {
    o: &'o VerifyOptions,
    seq_profile: bool,
    head: Head,
    last_ts: Option<Timestamp>,
    rows_before: u64,
    leaves_before: u64,
    count: u64,
    counts: BTreeMap<Reason, u64>,
    breaks: Vec<Break>,
    stopped: bool,
    pin_placed: bool,
    pinned_head: bool,
    cp_placed: bool,
    pinned_cp: bool,
    /// The compact range of the leaves before the current segment (`None`
    /// while planning).
    prefix: Option<CompactRange>,
    stop: Option<Stop>,
}

impl<'o> Walk<'o> {
    fn new(o: &'o VerifyOptions, prefix: Option<CompactRange>) -> Self {
        Walk {
            o,
            seq_profile: o.profile().columns.seq.is_some(),
            head: Head::default(),
            last_ts: None,
            rows_before: 0,
            leaves_before: 0,
            count: 0,
            counts: BTreeMap::new(),
            breaks: Vec::new(),
            stopped: false,
            pin_placed: false,
            pinned_head: false,
            cp_placed: false,
            pinned_cp: false,
            prefix,
            stop: None,
        }
    }

    /// A break, as the one-pass verifier reports it; `counted` is false for
    /// a segment's own breaks, which its counts already hold (unless the
    /// walk stops there).
    fn report(
        &mut self,
        position: u64,
        id: Option<String>,
        seq: Option<u64>,
        reason: Reason,
        message: String,
        counted: bool,
    ) {
        if counted || self.o.stop_at_first {
            *self.counts.entry(reason).or_insert(0) += 1;
        }
        if self.o.stop_at_first {
            self.stopped = true;
        }
        if self.breaks.len() < self.o.max_breaks {
            self.breaks.push(Break {
                position,
                seq,
                id,
                reason,
                message: crate::text::bounded(message),
            });
        }
    }

    fn run(
        mut self,
        summaries: &[SegmentSummary],
        dups: &[BTreeSet<u64>],
        know: &mut Know<'_>,
    ) -> Result<ChainReport, Error> {
        // The anchors the start is exactly at.
        if let Some(eh) = &self.o.expected_head {
            if eh.seq == 0 {
                self.pin_placed = true;
                self.pinned_head = true;
                if let Some(m) = head_anchor(&self.head, eh) {
                    self.report(0, None, None, Reason::HeadMismatch, m, true);
                }
            }
        }
        if let Some(cp) = self.o.checkpoint {
            if cp.size == 0 && !self.stopped {
                self.cp_placed = true;
                self.pinned_cp = true;
                if let Some(m) =
                    checkpoint_anchor(&CompactRange::new(0).root().map_err(merkle_error)?, &cp)
                {
                    self.report(0, None, None, Reason::CheckpointMismatch, m, true);
                }
            }
        }
        let none = BTreeSet::new();
        for (k, s) in summaries.iter().enumerate() {
            if self.stopped {
                break;
            }
            self.segment(k, s, dups.get(k).unwrap_or(&none), know)?;
        }
        self.end(know.planning())
    }

    fn segment(
        &mut self,
        k: usize,
        s: &SegmentSummary,
        dups: &BTreeSet<u64>,
        know: &mut Know<'_>,
    ) -> Result<(), Error> {
        let o = self.o;
        let (r0, l0) = (self.rows_before, self.leaves_before);
        let stop_first = o.stop_at_first;
        let mut at: BTreeMap<u64, Incident<'_>> = BTreeMap::new();
        for b in &s.breaks {
            at.entry(b.position).or_default().local = Some(b);
        }
        if let Some(f) = &s.first {
            at.entry(f.facts.row).or_default().seam = true;
        }
        for &r in dups {
            at.entry(r).or_default().dup = true;
        }
        if let Some(eh) = &o.expected_head {
            if !self.pin_placed {
                if self.seq_profile {
                    if let Some(p) = &s.pin {
                        self.pin_placed = true;
                        let range = know
                            .item(k, At::Row(p.row), stop_first)?
                            .and_then(|i| i.range);
                        at.entry(p.row).or_default().pin = Some((p.clone(), range));
                    }
                } else if eh.seq > l0 && eh.seq - l0 <= s.leaves {
                    self.pin_placed = true;
                    let leaf = eh.seq - l0 - 1;
                    if let Some(found) = at_leaf(know, k, leaf, stop_first, "the trusted head's")? {
                        let row = found.0.row;
                        at.entry(row).or_default().pin = Some(found);
                    }
                }
            }
        }
        if let Some(cp) = o.checkpoint {
            if !self.cp_placed && cp.size > l0 && cp.size - l0 <= s.leaves {
                self.cp_placed = true;
                let leaf = cp.size - l0 - 1;
                if let Some(found) = at_leaf(know, k, leaf, true, "the checkpoint's")? {
                    let row = found.0.row;
                    at.entry(row).or_default().cp = Some(found);
                }
            }
        }

        let mut seam_ok = 0u64;
        let mut lost_ok = 0u64;
        let mut moved: BTreeMap<Reason, u64> = BTreeMap::new();
        for (row, i) in at {
            if self.stopped {
                break;
            }
            let position = r0 + row;
            // The row's own verdict.
            let mut ok = false;
            if i.seam {
                let f = s
                    .first
                    .as_ref()
                    .ok_or_else(|| missing(k, "a seam without its row"))?;
                let facts = Facts {
                    id: f.facts.id_text(),
                    id_bits: f.facts.id,
                    seq: f.facts.seq,
                    ts: f.facts.ts.clone(),
                    prev_hash: f.prev_hash,
                    prev_genesis: f.prev_genesis,
                    hash: f.facts.hash,
                    at: f.facts.at,
                };
                let verdict = link_verdict(
                    &self.head,
                    self.last_ts.as_ref(),
                    &facts,
                    i.dup,
                    f.hash_error.clone(),
                    f.sig_error.clone(),
                );
                match verdict {
                    Some((r, m)) => self.report(position, Some(facts.id), facts.seq, r, m, true),
                    None => {
                        seam_ok += 1;
                        ok = true;
                    }
                }
            } else if i.dup {
                match know.item(k, At::Row(row), stop_first)?.map(|x| x.facts) {
                    None => {
                        self.report(position, None, None, Reason::DuplicateId, String::new(), true)
                    }
                    Some(Some(f)) if f.row == row => {
                        // The segment counted the row as it saw it; one pass
                        // calls it a duplicate first.
                        match f.verdict {
                            LocalVerdict::Accepted => lost_ok += 1,
                            LocalVerdict::Break(r) => *moved.entry(r).or_insert(0) += 1,
                            LocalVerdict::Seam => return Err(missing(k, "a duplicate at the seam row")),
                        }
                        let id = f.id_text();
                        let m = format!("id {id} appeared before");
                        self.report(position, Some(id), f.seq, Reason::DuplicateId, m, true);
                    }
                    Some(_) => {
                        return Err(Error::new(
                            ErrorCode::InvalidState,
                            format!("a duplicate names row {row} of segment {k}, which is not a readable row"),
                        ))
                    }
                }
            } else if let Some(b) = i.local {
                self.report(
                    position,
                    b.id.clone(),
                    b.seq,
                    b.reason,
                    b.message.clone(),
                    false,
                );
            } else {
                ok = true;
            }
            // The anchors, which one pass checks after the row.
            let mut anchor_stop = None;
            if let (false, Some((f, range)), Some(eh)) = (self.stopped, &i.pin, &o.expected_head) {
                self.pinned_head = true;
                let here = Head {
                    hash: f.hash,
                    seq: f.seq.unwrap_or(l0 + f.leaf + 1),
                    ts: Some(f.ts.clone()),
                };
                if let Some(m) = head_anchor(&here, eh) {
                    self.report(
                        position,
                        Some(f.id_text()),
                        f.seq,
                        Reason::HeadMismatch,
                        m,
                        true,
                    );
                    anchor_stop = Some((f.clone(), range.clone()));
                }
            }
            if let (false, Some((f, range)), Some(cp)) = (self.stopped, &i.cp, o.checkpoint) {
                self.pinned_cp = true;
                if let Some(prefix) = &self.prefix {
                    let mut through = prefix.clone();
                    let range = range
                        .as_ref()
                        .ok_or_else(|| missing(k, "no range at the checkpoint's row"))?;
                    through.append(range).map_err(merkle_error)?;
                    let root = through.root().map_err(merkle_error)?;
                    if let Some(m) = checkpoint_anchor(&root, &cp) {
                        self.report(
                            position,
                            Some(f.id_text()),
                            f.seq,
                            Reason::CheckpointMismatch,
                            m,
                            true,
                        );
                        anchor_stop = Some((f.clone(), Some(range.clone())));
                    }
                }
            }
            if self.stopped {
                let (facts, range) = match anchor_stop {
                    Some((f, range)) => (Some(f), range),
                    None => match know.item(k, At::Row(row), true)? {
                        Some(item) => (item.facts, item.range),
                        None => (None, None),
                    },
                };
                return self.stop_here(position, ok, l0, facts, range, know.planning());
            }
        }

        // The segment's own counts, with the rows one pass calls duplicates.
        let count = self.count + s.count + seam_ok;
        self.count = count
            .checked_sub(lost_ok)
            .ok_or_else(|| missing(k, "more duplicates than accepted rows"))?;
        for (r, n) in &s.break_counts {
            *self.counts.entry(*r).or_insert(0) += n;
        }
        for (r, n) in moved {
            let c = self.counts.entry(r).or_insert(0);
            *c = c
                .checked_sub(n)
                .ok_or_else(|| missing(k, "more duplicates than breaks of a reason"))?;
            if *c == 0 {
                self.counts.remove(&r);
            }
        }
        if let Some(last) = &s.last {
            self.head = Head {
                hash: last.hash,
                seq: last.seq.unwrap_or(l0 + s.leaves),
                ts: Some(last.ts.clone()),
            };
            self.last_ts = Some(last.at);
        }
        let full = know.full(k)?;
        if let (Some(prefix), Some(full)) = (&mut self.prefix, full) {
            prefix.append(&full).map_err(merkle_error)?;
        }
        self.rows_before += s.rows;
        self.leaves_before += s.leaves;
        Ok(())
    }

    /// A `stop_at_first` stitch stops at the first break: every row before
    /// it was read and accepted.
    fn stop_here(
        &mut self,
        position: u64,
        ok: bool,
        l0: u64,
        facts: Option<RowFacts>,
        range: Option<CompactRange>,
        planning: bool,
    ) -> Result<(), Error> {
        let head = match &facts {
            Some(f) => Head {
                hash: f.hash,
                seq: f.seq.unwrap_or(l0 + f.leaf + 1),
                ts: Some(f.ts.clone()),
            },
            None => self.head.clone(),
        };
        let merkle = match (&self.prefix, range) {
            (Some(prefix), Some(range)) => {
                let mut through = prefix.clone();
                through.append(&range).map_err(merkle_error)?;
                TreeHead {
                    size: through.end(),
                    root: through.root().map_err(merkle_error)?,
                }
            }
            _ if planning => TreeHead {
                size: 0,
                root: [0; 32],
            },
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidState,
                    "no Merkle range at the row the stitch stopped at",
                ))
            }
        };
        self.stop = Some(Stop {
            rows: position + 1,
            count: position + u64::from(ok),
            head,
            merkle,
        });
        Ok(())
    }

    fn end(mut self, planning: bool) -> Result<ChainReport, Error> {
        if let Some(stop) = self.stop.take() {
            return Ok(ChainReport {
                valid: self.counts.is_empty(),
                head: stop.head,
                rows: stop.rows,
                count: stop.count,
                breaks: self.breaks,
                break_counts: self.counts,
                merkle: stop.merkle,
            });
        }
        let position = self.rows_before;
        if let Some(eh) = self.o.expected_head.clone() {
            if !self.stopped && !self.pinned_head {
                let m = head_truncated(&self.head, &eh);
                self.report(position, None, None, Reason::Truncated, m, true);
            }
        }
        if let Some(cp) = self.o.checkpoint {
            if !self.stopped && !self.pinned_cp {
                let m = checkpoint_truncated(self.leaves_before, &cp);
                self.report(position, None, None, Reason::Truncated, m, true);
            }
        }
        let merkle = match &self.prefix {
            Some(p) => TreeHead {
                size: p.end(),
                root: p.root().map_err(merkle_error)?,
            },
            None if planning => TreeHead {
                size: self.leaves_before,
                root: [0; 32],
            },
            None => {
                return Err(Error::new(
                    ErrorCode::InvalidState,
                    "the stitch has no Merkle range",
                ))
            }
        };
        Ok(ChainReport {
            valid: self.counts.is_empty(),
            head: self.head,
            rows: position,
            count: self.count,
            breaks: self.breaks,
            break_counts: self.counts,
            merkle,
        })
    }
}
