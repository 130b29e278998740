//! Verifying a batch against its signed metadata, streaming line by line,
//! and one record on its own with its inclusion proof.

use super::fields::{Fields, Range};
use super::*;
use crate::canonical;
use crate::digest::{self, Hasher};
use crate::merkle::{self, Frontier, Hash};
use crate::options::Naming;
use crate::registry::SignerRegistry;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One failure found while verifying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotFailure {
    /// Why.
    pub code: Failure,
    /// The batch line (from 1), for line failures.
    pub line: Option<u64>,
    /// What exactly.
    pub message: String,
}

/// The outcome of verifying a snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotReport {
    /// Every check passed.
    pub valid: bool,
    /// The snapshot's id.
    pub snapshot_id: String,
    /// Records read.
    pub records: u64,
    /// The first failures (at most 100), in order.
    pub failures: Vec<SnapshotFailure>,
    /// Every failure, per code.
    pub failure_counts: BTreeMap<Failure, u64>,
}

impl SnapshotReport {
    /// `{valid, snapshot_id, records, failures:[{code, line?, message}],
    /// failure_counts}`.
    pub fn to_value(&self) -> Value {
        json!({
            "valid": self.valid,
            "snapshot_id": self.snapshot_id,
            "records": self.records,
            "failures": self.failures.iter().map(|f| {
                let mut m = Map::new();
                m.insert("code".into(), f.code.as_str().into());
                if let Some(l) = f.line { m.insert("line".into(), l.into()); }
                m.insert("message".into(), f.message.clone().into());
                Value::Object(m)
            }).collect::<Vec<_>>(),
            "failure_counts": self.failure_counts.iter().map(|(c, n)| (c.as_str().to_string(), Value::from(*n))).collect::<Map<_, _>>(),
        })
    }

    /// [`Self::to_value`] spelled for a host.
    pub fn to_value_named(&self, naming: Naming) -> Value {
        naming.rename(self.to_value(), &["failure_counts"])
    }
}

/// Verifies a batch against its signed metadata, fed in chunks of JSONL.
#[derive(Debug)]
pub struct SnapshotVerifier {
    snapshot: Snapshot,
    registry: SignerRegistry,
    fields: Fields,
    hasher: Hasher,
    tree: Frontier,
    range: Range,
    records: u64,
    line_no: u64,
    partial: Vec<u8>,
    /// Inside a line longer than the limit (its bytes go to the digest).
    skipping: bool,
    canon: Vec<u8>,
    failures: Vec<SnapshotFailure>,
    counts: BTreeMap<Failure, u64>,
}

const MAX_FAILURES: usize = 100;
/// The longest line accepted (16 MiB): a longer one is malformed.
const MAX_LINE: usize = 16 << 20;

impl SnapshotVerifier {
    /// A verifier of `snapshot` with the signers in `registry` (the
    /// digest and the records' fields are the metadata's).
    pub fn new(snapshot: Snapshot, registry: SignerRegistry) -> Self {
        let field = |k: &str| {
            snapshot
                .meta
                .get("fields")
                .and_then(|f| f.get(k))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        SnapshotVerifier {
            hasher: Hasher::new(snapshot.hash_alg()),
            fields: Fields::new(&field("trace_id"), &field("ts")),
            snapshot,
            registry,
            tree: Frontier::new(),
            range: Range::default(),
            records: 0,
            line_no: 0,
            partial: Vec::new(),
            skipping: false,
            canon: Vec::new(),
            failures: Vec::new(),
            counts: BTreeMap::new(),
        }
    }

    fn fail(&mut self, code: Failure, line: Option<u64>, message: String) {
        *self.counts.entry(code).or_insert(0) += 1;
        if self.failures.len() < MAX_FAILURES {
            self.failures.push(SnapshotFailure {
                code,
                line,
                message: crate::text::bounded(message),
            });
        }
    }

    /// Feeds a chunk of the batch (lines may span chunks).
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(nl);
            rest = tail.get(1..).unwrap_or_default();
            if self.skipping || self.partial.len() + line.len() > MAX_LINE {
                // An over-long line: its bytes are in the digest, it is one
                // malformed line, however the batch was cut into chunks.
                self.hasher.update(&self.partial);
                self.hasher.update(line);
                self.hasher.update(b"\n");
                self.partial.clear();
                self.skipping = false;
                self.too_long();
            } else if self.partial.is_empty() {
                self.line(line);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.line(&whole);
            }
        }
        if self.skipping || self.partial.len() + rest.len() > MAX_LINE {
            self.hasher.update(&self.partial);
            self.hasher.update(rest);
            self.partial.clear();
            self.skipping = true;
        } else {
            self.partial.extend_from_slice(rest);
        }
    }

    fn too_long(&mut self) {
        self.line_no += 1;
        let n = self.line_no;
        self.fail(
            Failure::MalformedLine,
            Some(n),
            "the line is longer than 16 MiB".into(),
        );
    }

    fn line(&mut self, line: &[u8]) {
        // The batch digest covers the bytes exactly as given.
        self.hasher.update(line);
        self.hasher.update(b"\n");
        self.record(line);
    }

    /// Checks one line (its bytes are already in the digest).
    fn record(&mut self, line: &[u8]) {
        self.line_no += 1;
        let n = self.line_no;
        let mut canon = std::mem::take(&mut self.canon);
        match self.fields.canonicalize(line, &mut canon) {
            Err(e) => self.fail(
                Failure::MalformedLine,
                Some(n),
                format!("not strict JSON: {e}"),
            ),
            Ok(spans) => {
                self.records += 1;
                if canon != line {
                    self.fail(
                        Failure::NotCanonical,
                        Some(n),
                        "the line is not its canonical form (RFC 8785): it was re-spelled or edited"
                            .into(),
                    );
                }
                self.tree.push_data(&canon);
                if let Err(m) = Fields::read(&canon, spans, &mut self.range) {
                    self.fail(Failure::MissingField, Some(n), m);
                }
            }
        }
        self.canon = canon;
    }

    /// Ends the batch (a last line without newline included) and reports.
    pub fn finish(mut self) -> SnapshotReport {
        if self.skipping {
            self.too_long();
        } else if !self.partial.is_empty() {
            // A missing final newline changes the batch bytes: the line is
            // read, and the digest is over what was given.
            let last = std::mem::take(&mut self.partial);
            self.hasher.update(&last);
            self.record(&last);
        }
        let snap = self.snapshot.clone();
        if self.records != snap.records() {
            self.fail(
                Failure::CountMismatch,
                None,
                format!(
                    "the batch has {} records, the metadata says {}",
                    self.records,
                    snap.records()
                ),
            );
        }
        let hash =
            std::mem::replace(&mut self.hasher, Hasher::new(digest::Algorithm::Sha256)).finish();
        if hash.to_string() != snap.hash() {
            self.fail(
                Failure::HashMismatch,
                None,
                format!(
                    "the batch's digest is {hash}, the metadata's hash is {}",
                    snap.hash()
                ),
            );
        }
        if self.tree.root() != snap.merkle_root() {
            self.fail(
                Failure::MerkleMismatch,
                None,
                "the Merkle root over the records is not merkle_root".into(),
            );
        }
        if snap.meta.get("trace_range") != Some(&self.range.to_value()) {
            self.fail(
                Failure::TraceRangeMismatch,
                None,
                format!(
                    "the batch's trace range is {}, the metadata's is {}",
                    self.range.to_value(),
                    snap.meta["trace_range"]
                ),
            );
        }
        if let Some((code, m)) = snap.check_signature(&self.registry) {
            self.fail(code, None, m);
        }
        SnapshotReport {
            valid: self.counts.is_empty(),
            snapshot_id: snap.snapshot_id().to_string(),
            records: self.records,
            failures: self.failures,
            failure_counts: self.counts,
        }
    }
}

/// Verifies a whole batch in one call.
pub fn verify_snapshot(
    snapshot: &Snapshot,
    batch: &[u8],
    registry: &SignerRegistry,
) -> SnapshotReport {
    let mut v = SnapshotVerifier::new(snapshot.clone(), registry.clone());
    v.push_bytes(batch);
    v.finish()
}

/// The inclusion proof of record `index` (from 0) in a batch, for a reader
/// who gets one record on its own (the producer holds the batch: memory is
/// 32 bytes per record).
pub fn record_proof(batch: &[u8], index: u64) -> Result<Vec<Hash>, crate::Error> {
    let mut tree = merkle::Tree::new();
    for line in batch.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        tree.push(line);
    }
    Ok(tree.inclusion_proof(index, tree.size())?)
}

/// Verifies one record (a batch line) against signed metadata: the
/// signature, then its inclusion at `index` under `merkle_root`.
pub fn verify_record(
    snapshot: &Snapshot,
    record: &[u8],
    index: u64,
    proof: &[Hash],
    registry: &SignerRegistry,
) -> SnapshotReport {
    let mut report = SnapshotReport {
        valid: true,
        snapshot_id: snapshot.snapshot_id().to_string(),
        records: 1,
        failures: Vec::new(),
        failure_counts: BTreeMap::new(),
    };
    let mut push = |code: Failure, message: String| {
        *report.failure_counts.entry(code).or_insert(0) += 1;
        report.failures.push(SnapshotFailure {
            code,
            line: None,
            message,
        });
    };
    let record = record.strip_suffix(b"\n").unwrap_or(record);
    match canonical::canonicalize_text(record) {
        Err(e) => push(Failure::MalformedLine, format!("not strict JSON: {e}")),
        Ok(c) if c != record => push(
            Failure::NotCanonical,
            "the record is not its canonical form".into(),
        ),
        Ok(_) => {
            if let Err(e) = merkle::verify_inclusion(
                &merkle::leaf_hash(record),
                index,
                snapshot.records(),
                proof,
                &snapshot.merkle_root(),
            ) {
                push(Failure::NotIncluded, e.message().to_string());
            }
        }
    }
    if let Some((code, m)) = snapshot.check_signature(registry) {
        push(code, m);
    }
    report.valid = report.failure_counts.is_empty();
    report
}
