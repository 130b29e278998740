//! Deterministic replay: rows in any order back into the one chain order,
//! with forks, orphans and unreadable rows reported.

use super::error::*;
use super::event::*;
use super::row::Row;
use crate::profile::ChainProfile;
use serde_json::Value;
use std::collections::HashSet;

/// Two or more events that claim the same predecessor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fork {
    /// The shared `prev_hash`.
    pub prev_hash: [u8; 32],
    /// The competing events' ids, in the order of their hashes (the first
    /// is the branch replay followed).
    pub ids: Vec<String>,
    /// Their hashes, in the same order.
    pub hashes: Vec<[u8; 32]>,
}

/// The outcome of [`replay`].
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    /// The rows in chain order, from the start head.
    pub events: Vec<Row>,
    /// Every fork met (and ones among unreachable events), ordered by
    /// `prev_hash`.
    pub forks: Vec<Fork>,
    /// Ids of readable events that do not hang off the replayed chain
    /// (their predecessor is missing, or they are on a losing branch).
    pub orphans: Vec<String>,
    /// Positions (in the input) of rows that could not be read, with why.
    pub malformed: Vec<(usize, Reason)>,
}

impl Replay {
    /// As a JSON value with members spelled for a host (`prevHash` in
    /// JavaScript); the events are rows and keep their column names.
    pub fn to_value_named(&self, naming: crate::options::Naming) -> Value {
        naming.rename(self.to_value(), &["events"])
    }

    /// As a JSON value: `{"events":[rows],"forks":[…],"orphans":[…],"malformed":[…]}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "events": self.events.iter().map(Row::to_value).collect::<Vec<_>>(),
            "forks": self.forks.iter().map(|f| serde_json::json!({
                "prev_hash": hex::encode(f.prev_hash),
                "ids": f.ids,
                "hashes": f.hashes.iter().map(hex::encode).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "orphans": self.orphans,
            "malformed": self.malformed.iter().map(|(p, r)| serde_json::json!({"position": p, "reason": r.as_str()})).collect::<Vec<_>>(),
        })
    }
}

/// Deterministic replay: given rows in any order (several workers'
/// exports, a database without an ORDER BY), returns the one chain order by
/// following `prev_hash` links from `start` (the genesis head for a whole
/// chain), and reports forks (two events with the same `prev_hash`),
/// orphans and unreadable rows. At a fork the branch whose head event has
/// the smallest hash is followed, so every language picks the same one.
/// Replay orders; it does not verify: feed `events` to a [`ChainVerifier`](super::ChainVerifier)
/// for hashes, signatures and windows. Memory is proportional to the input.
pub fn replay<R: AsRef<[u8]>>(rows: &[R], start: &Head) -> Replay {
    replay_with(rows, start, &ChainProfile::trustcore_v1())
}

/// [`replay`] of rows of any profile (the genesis spelling of `prev_hash`
/// links to the genesis head).
pub fn replay_with<R: AsRef<[u8]>>(rows: &[R], start: &Head, profile: &ChainProfile) -> Replay {
    use std::collections::BTreeMap;
    let v1 = profile.is_trustcore_v1();
    let mut malformed = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut by_prev: BTreeMap<[u8; 32], Vec<(String, Row)>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let read = if v1 {
            Event::from_json(row.as_ref()).map(|e| Row::from(&e))
        } else {
            Row::read(row.as_ref(), profile)
        };
        match read {
            Ok(e) => {
                // The same row twice (in any spelling) is one event, not a
                // fork; two rows with the same hash but another signature
                // are two events competing for one place: a fork.
                let canon = e.to_json();
                if seen.insert(canon.clone()) {
                    by_prev.entry(e.prev_hash()).or_default().push((canon, e));
                }
            }
            Err((reason, _)) => malformed.push((i, reason)),
        }
    }
    let mut by_prev: BTreeMap<[u8; 32], Vec<Row>> = by_prev
        .into_iter()
        .map(|(prev, mut list)| {
            // By hash, then by the canonical row: the order never depends
            // on the input's.
            crate::sort::sort_by(&mut list, |a, b| {
                (a.1.hash(), &a.0).cmp(&(b.1.hash(), &b.0))
            });
            (prev, list.into_iter().map(|(_, e)| e).collect())
        })
        .collect();
    let mut forks = Vec::new();
    for (prev, list) in by_prev.iter_mut() {
        if list.len() > 1 {
            forks.push(Fork {
                prev_hash: *prev,
                ids: list.iter().map(|e| e.id().to_string()).collect(),
                hashes: list.iter().map(Row::hash).collect(),
            });
        }
    }
    let mut events = Vec::new();
    let mut cur = start.hash;
    // Each step consumes the first candidate, so this ends (a cycle would
    // need a hash that is its own ancestor).
    while let Some(list) = by_prev.get_mut(&cur) {
        if list.is_empty() {
            break;
        }
        let next = list.remove(0);
        cur = next.hash();
        events.push(next);
    }
    let mut orphans: Vec<String> = by_prev
        .into_values()
        .flatten()
        .map(|e| e.id().to_string())
        .collect();
    crate::sort::sort(&mut orphans);
    Replay {
        events,
        forks,
        orphans,
        malformed,
    }
}
