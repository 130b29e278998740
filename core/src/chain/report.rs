//! The outcome of verifying a chain, in one shape for every binding.

use super::error::{Break, Reason};
use super::event::{canonical, Head, TreeHead};
use crate::options::Naming;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The outcome of verifying a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// No breaks.
    pub valid: bool,
    /// The head reached (the last event accepted or resynchronised on).
    pub head: Head,
    /// Rows read.
    pub rows: u64,
    /// Events accepted (rows without a break of their own).
    pub count: u64,
    /// The first breaks, in stream order, at most `max_breaks` of them (only
    /// the first with `stop_at_first`).
    pub breaks: Vec<Break>,
    /// Every break found, kept or not, per reason.
    pub break_counts: BTreeMap<Reason, u64>,
    /// The RFC 6962 tree head over the hashes of every readable row, in
    /// stream order: what a checkpoint of this chain commits to.
    pub merkle: TreeHead,
}

impl ChainReport {
    /// Every break found (the kept ones and the rest).
    pub fn break_count(&self) -> u64 {
        self.break_counts.values().sum()
    }

    /// As a JSON value with snake_case members (the `--json` output and the
    /// schema in `docs/schemas/chain-report.schema.json`).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("valid".into(), self.valid.into());
        m.insert("head".into(), self.head.to_value());
        m.insert("rows".into(), self.rows.into());
        m.insert("count".into(), self.count.into());
        m.insert(
            "breaks".into(),
            self.breaks.iter().map(Break::to_value).collect(),
        );
        m.insert("break_count".into(), self.break_count().into());
        m.insert("break_counts".into(), counts_value(&self.break_counts));
        m.insert("merkle".into(), self.merkle.to_value());
        Value::Object(m)
    }

    /// As a JSON value with members spelled for a host (`breakCounts` in
    /// JavaScript); reason codes, which are data, keep their spelling.
    pub fn to_value_named(&self, naming: Naming) -> Value {
        naming.rename(self.to_value(), &["break_counts"])
    }

    /// As canonical JSON text.
    pub fn to_json(&self) -> String {
        String::from_utf8(canonical(&self.to_value())).unwrap_or_default()
    }
}

/// `{reason: count}` for the reasons that occurred.
pub(super) fn counts_value(counts: &BTreeMap<Reason, u64>) -> Value {
    Value::Object(
        counts
            .iter()
            .map(|(r, n)| (r.as_str().to_owned(), Value::from(*n)))
            .collect(),
    )
}
