//! What a segment verifier records beside the one-pass checks: the
//! verifier writes into a [`Track`] as it goes (it needs nothing else of
//! the segment module), and the segment reads it when it ends.

use super::summary::{LocalVerdict, RowFacts, SeamRow};
use crate::chain::check::{Checked, Facts};
use crate::chain::error::Reason;
use crate::merkle::Hash;
use crate::time::Timestamp;

/// What a segment keeps of each readable row, for the stitch's questions:
/// about 110 bytes a row, on the machine that verified it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Records {
    pub(super) rows: Vec<u64>,
    pub(super) hashes: Vec<Hash>,
    pub(super) ids: Vec<u128>,
    pub(super) seqs: Vec<Option<u64>>,
    pub(super) ats: Vec<Timestamp>,
    pub(super) verdicts: Vec<u8>,
    /// The rows' `ts` texts, one after another; `ts_ends[i]` ends row i's.
    pub(super) ts: String,
    pub(super) ts_ends: Vec<usize>,
}

impl Records {
    pub(super) fn len(&self) -> u64 {
        self.rows.len() as u64
    }

    pub(super) fn push(&mut self, row: u64, e: &Facts, verdict: LocalVerdict) {
        self.rows.push(row);
        self.hashes.push(e.hash);
        self.ids.push(e.id_bits);
        self.seqs.push(e.seq);
        self.ats.push(e.at);
        self.verdicts.push(verdict.to_byte());
        self.ts.push_str(&e.ts);
        self.ts_ends.push(self.ts.len());
    }

    pub(super) fn facts(&self, leaf: u64) -> Option<RowFacts> {
        let i = usize::try_from(leaf).ok()?;
        let start = match i.checked_sub(1) {
            None => 0,
            Some(p) => *self.ts_ends.get(p)?,
        };
        Some(RowFacts {
            row: *self.rows.get(i)?,
            leaf,
            id: *self.ids.get(i)?,
            seq: *self.seqs.get(i)?,
            ts: self.ts.get(start..*self.ts_ends.get(i)?)?.to_string(),
            at: *self.ats.get(i)?,
            hash: *self.hashes.get(i)?,
            verdict: LocalVerdict::from_byte(*self.verdicts.get(i)?)?,
        })
    }

    /// The leaf of the last readable row at or before `row`.
    pub(super) fn at_or_before(&self, row: u64) -> Option<u64> {
        let n = self.rows.partition_point(|r| *r <= row);
        (n as u64).checked_sub(1)
    }
}

/// What a segment verifier records beside the one-pass checks.
#[derive(Debug, Default)]
pub(in crate::chain) struct Track {
    pub(super) first: Option<SeamRow>,
    pub(super) records: Records,
    /// A `seq` profile's trusted head seq: the first row reaching it is
    /// where one pass checks the trusted head.
    pub(super) want_seq: Option<u64>,
    pub(super) pin: Option<u64>,
}

impl Track {
    pub(in crate::chain) fn started(&self) -> bool {
        self.first.is_some()
    }

    pub(in crate::chain) fn record_first(&mut self, row: u64, e: &Facts, c: &Checked) {
        let (hash_error, sig_error) = (&c.hash_error, &c.sig_error);
        self.records.push(row, e, LocalVerdict::Seam);
        self.first = self.records.facts(0).map(|facts| SeamRow {
            facts,
            prev_hash: e.prev_hash,
            prev_genesis: e.prev_genesis,
            hash_error: hash_error.clone(),
            sig_error: sig_error.clone(),
        });
        self.candidate(e);
    }

    pub(in crate::chain) fn record(&mut self, row: u64, e: &Facts, reason: Option<Reason>) {
        let verdict = reason.map_or(LocalVerdict::Accepted, LocalVerdict::Break);
        self.records.push(row, e, verdict);
        self.candidate(e);
    }

    fn candidate(&mut self, e: &Facts) {
        if self.pin.is_none() && self.want_seq.is_some_and(|w| e.seq.is_some_and(|s| s >= w)) {
            self.pin = Some(self.records.len() - 1);
        }
    }
}
