//! The summary a segment hands to the stitch, and the facts of one row, as
//! canonical JSON documents (`docs/segments.md`,
//! `docs/schemas/chain-segment.schema.json`).

use super::super::error::{Break, Error, ErrorCode, Reason};
use super::NoneOr;
use crate::merkle::Hash;
use crate::profile::row::{uuid, uuid_text};
use crate::time::Timestamp;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The `type` of a segment summary.
pub const SUMMARY_TYPE: &str = "trustcore.chain-segment/v1";

/// A row's verdict within its segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalVerdict {
    /// No break of its own inside the segment.
    Accepted,
    /// A break found inside the segment.
    Break(Reason),
    /// The segment's first readable row: its links are decided by the stitch.
    Seam,
}

impl LocalVerdict {
    pub(super) fn to_byte(self) -> u8 {
        match self {
            LocalVerdict::Accepted => 0,
            LocalVerdict::Seam => 255,
            LocalVerdict::Break(r) => Reason::ALL
                .iter()
                .position(|x| *x == r)
                .map_or(254, |i| i as u8 + 1),
        }
    }

    pub(super) fn from_byte(b: u8) -> Option<LocalVerdict> {
        match b {
            0 => Some(LocalVerdict::Accepted),
            255 => Some(LocalVerdict::Seam),
            n => Reason::ALL
                .get(usize::from(n) - 1)
                .copied()
                .map(LocalVerdict::Break),
        }
    }

    fn to_value(self) -> Value {
        match self {
            LocalVerdict::Accepted => Value::Null,
            LocalVerdict::Seam => "seam".into(),
            LocalVerdict::Break(r) => r.as_str().into(),
        }
    }
}

/// What the stitch may need of one readable row of a segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowFacts {
    /// Its row index in the segment (0-based, unreadable rows included).
    pub row: u64,
    /// Its leaf index in the segment (readable rows only).
    pub leaf: u64,
    /// Its id's 128 bits (ids are plain lowercase UUIDs).
    pub id: u128,
    /// Its `seq` (`None` for profiles without one).
    pub seq: Option<u64>,
    /// Its timestamp as a head records it (RFC 3339).
    pub ts: String,
    /// Its instant.
    pub at: Timestamp,
    /// Its event hash.
    pub hash: Hash,
    /// Its verdict within the segment.
    pub verdict: LocalVerdict,
}

/// The first readable row of a segment, whose links the stitch decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeamRow {
    /// Its facts (leaf 0).
    pub facts: RowFacts,
    /// Its `prev_hash`.
    pub prev_hash: Hash,
    /// Whether that is the profile's genesis spelling.
    pub prev_genesis: bool,
    /// Its own hash error, if any.
    pub hash_error: Option<String>,
    /// Its own signer or signature failure, if any.
    pub sig_error: Option<(Reason, String)>,
}

/// What a segment hands to the stitch: O(breaks) in size, whatever its
/// length (the Merkle range and the facts of single rows come in a second
/// round, [`super::SegmentAnswer`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentSummary {
    /// The profile rows were read under: (name, digest).
    pub profile: (String, String),
    /// SHA-256 of the signers the segment was verified with (hex).
    pub signers: String,
    /// SHA-256 of the options that shape a segment's verdicts (hex).
    pub options: String,
    /// Rows read.
    pub rows: u64,
    /// Readable rows (the segment's Merkle leaves).
    pub leaves: u64,
    /// Rows accepted inside the segment (the first readable row aside).
    pub count: u64,
    /// Every break inside, per reason.
    pub break_counts: BTreeMap<Reason, u64>,
    /// The first breaks inside (positions in the segment), at least one if
    /// there is any.
    pub breaks: Vec<Break>,
    /// The first readable row.
    pub first: Option<SeamRow>,
    /// The last readable row.
    pub last: Option<RowFacts>,
    /// With a trusted head and a `seq` profile: the first readable row whose
    /// `seq` reaches the trusted head's.
    pub pin: Option<RowFacts>,
}

/// Reads members of a JSON object, with the path in every error.
pub(super) struct Fields<'a> {
    pub(super) v: &'a Map<String, Value>,
    pub(super) path: String,
}

pub(super) fn invalid(path: &str, what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidState,
        format!("segment document: {path} {what}"),
    )
}

impl<'a> Fields<'a> {
    pub(super) fn of(v: &'a Value, path: impl Into<String>) -> Result<Self, Error> {
        let path = path.into();
        match v {
            Value::Object(v) => Ok(Fields { v, path }),
            _ => Err(invalid(&path, "must be an object")),
        }
    }

    fn at(&self, key: &str) -> String {
        format!("{}/{key}", self.path)
    }

    pub(super) fn get(&self, key: &str) -> Result<&'a Value, Error> {
        self.v
            .get(key)
            .ok_or_else(|| invalid(&self.at(key), "is missing"))
    }

    pub(super) fn u64(&self, key: &str) -> Result<u64, Error> {
        self.get(key)?
            .as_u64()
            .ok_or_else(|| invalid(&self.at(key), "must be a non-negative integer"))
    }

    pub(super) fn opt_u64(&self, key: &str) -> Result<Option<u64>, Error> {
        match self.get(key)? {
            Value::Null => Ok(None),
            v => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| invalid(&self.at(key), "must be null or a non-negative integer")),
        }
    }

    pub(super) fn str(&self, key: &str) -> Result<&'a str, Error> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| invalid(&self.at(key), "must be a string"))
    }

    pub(super) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, Error> {
        match self.get(key)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            _ => Err(invalid(&self.at(key), "must be null or a string")),
        }
    }

    pub(super) fn bool(&self, key: &str) -> Result<bool, Error> {
        self.get(key)?
            .as_bool()
            .ok_or_else(|| invalid(&self.at(key), "must be a boolean"))
    }

    pub(super) fn hash(&self, key: &str) -> Result<Hash, Error> {
        let s = self.str(key)?;
        let mut out = [0u8; 32];
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(invalid(&self.at(key), "must be 64 lowercase hex digits"));
        }
        hex::decode_to_slice(s, &mut out)
            .map_err(|_| invalid(&self.at(key), "must be 64 lowercase hex digits"))?;
        Ok(out)
    }

    pub(super) fn reason(&self, key: &str) -> Result<Reason, Error> {
        let s = self.str(key)?;
        Reason::from_code(s).ok_or_else(|| invalid(&self.at(key), "must be a break reason"))
    }

    pub(super) fn array(&self, key: &str) -> Result<&'a [Value], Error> {
        self.get(key)?
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| invalid(&self.at(key), "must be an array"))
    }

    pub(super) fn object(&self, key: &str) -> Result<Option<Fields<'a>>, Error> {
        match self.get(key)? {
            Value::Null => Ok(None),
            v => Fields::of(v, self.at(key)).map(Some),
        }
    }

    pub(super) fn expect_type(&self, want: &str) -> Result<(), Error> {
        if self.str("type")? != want {
            return Err(invalid(&self.at("type"), &format!("must be {want:?}")));
        }
        Ok(())
    }
}

impl RowFacts {
    /// The id as rows spell it.
    pub fn id_text(&self) -> String {
        uuid_text(self.id)
    }

    /// As JSON: `{row, leaf, id, seq, ts, at, hash, verdict}`.
    pub fn to_value(&self) -> Value {
        json!({
            "row": self.row,
            "leaf": self.leaf,
            "id": self.id_text(),
            "seq": self.seq,
            "ts": self.ts,
            "at": self.at.to_string(),
            "hash": hex::encode(self.hash),
            "verdict": self.verdict.to_value(),
        })
    }

    pub(super) fn from_fields(f: &Fields<'_>) -> Result<RowFacts, Error> {
        let id = f.str("id")?;
        let at = f.str("at")?;
        let verdict = match f.get("verdict")? {
            Value::Null => LocalVerdict::Accepted,
            Value::String(s) if s == "seam" => LocalVerdict::Seam,
            _ => LocalVerdict::Break(f.reason("verdict")?),
        };
        Ok(RowFacts {
            row: f.u64("row")?,
            leaf: f.u64("leaf")?,
            id: uuid(id).ok_or_else(|| invalid(&f.at("id"), "must be a plain lowercase UUID"))?,
            seq: f.opt_u64("seq")?,
            ts: f.str("ts")?.to_string(),
            at: Timestamp::parse(at)
                .map_err(|_| invalid(&f.at("at"), "must be an RFC 3339 timestamp"))?,
            hash: f.hash("hash")?,
            verdict,
        })
    }

    /// Reads [`Self::to_value`]'s document.
    ///
    /// # Errors
    /// `invalid_state` naming the member that is wrong.
    pub fn from_value(v: &Value) -> Result<RowFacts, Error> {
        RowFacts::from_fields(&Fields::of(v, "")?)
    }
}

fn break_from(f: &Fields<'_>) -> Result<Break, Error> {
    Ok(Break {
        position: f.u64("position")?,
        seq: match f.v.get("seq") {
            None => None,
            Some(_) => f.opt_u64("seq")?,
        },
        id: match f.v.get("id") {
            None => None,
            Some(_) => f.opt_str("id")?.map(str::to_string),
        },
        reason: f.reason("reason")?,
        message: f.str("message")?.to_string(),
    })
}

impl SegmentSummary {
    /// The summary document (canonical JSON through
    /// [`crate::canonical`], so any engine can ship it).
    pub fn to_value(&self) -> Value {
        let counts: Map<String, Value> = self
            .break_counts
            .iter()
            .map(|(r, n)| (r.as_str().to_string(), (*n).into()))
            .collect();
        json!({
            "type": SUMMARY_TYPE,
            "profile": {"name": self.profile.0, "digest": self.profile.1},
            "signers": self.signers,
            "options": self.options,
            "rows": self.rows,
            "leaves": self.leaves,
            "count": self.count,
            "break_counts": counts,
            "breaks": self.breaks.iter().map(Break::to_value).collect::<Vec<_>>(),
            "first": self.first.as_ref().map(|s| {
                let mut v = s.facts.to_value();
                if let Value::Object(m) = &mut v {
                    m.insert("prev_hash".into(), hex::encode(s.prev_hash).into());
                    m.insert("prev_genesis".into(), s.prev_genesis.into());
                    m.insert("hash_error".into(), s.hash_error.clone().into());
                    m.insert(
                        "sig_error".into(),
                        s.sig_error
                            .as_ref()
                            .map_or(Value::Null, |(r, m)| json!({"reason": r.as_str(), "message": m})),
                    );
                }
                v
            }),
            "last": self.last.as_ref().map(RowFacts::to_value),
            "pin": self.pin.as_ref().map(RowFacts::to_value),
        })
    }

    /// Reads a summary document.
    ///
    /// # Errors
    /// `invalid_state` naming the member that is wrong (a JSON Pointer).
    pub fn from_value(v: &Value) -> Result<SegmentSummary, Error> {
        let f = Fields::of(v, "")?;
        f.expect_type(SUMMARY_TYPE)?;
        let profile = Fields::of(f.get("profile")?, "/profile")?;
        let mut break_counts = BTreeMap::new();
        match f.get("break_counts")? {
            Value::Object(m) => {
                for (k, n) in m {
                    let r = Reason::from_code(k).ok_or_else(|| {
                        invalid("/break_counts", "has a key that is not a break reason")
                    })?;
                    let n = n.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                        invalid(&format!("/break_counts/{k}"), "must be a positive integer")
                    })?;
                    break_counts.insert(r, n);
                }
            }
            _ => return Err(invalid("/break_counts", "must be an object")),
        }
        let breaks = f
            .array("breaks")?
            .iter()
            .enumerate()
            .map(|(i, b)| break_from(&Fields::of(b, format!("/breaks/{i}"))?))
            .collect::<Result<Vec<_>, _>>()?;
        let first = match f.object("first")? {
            None => None,
            Some(s) => Some(SeamRow {
                facts: RowFacts::from_fields(&s)?,
                prev_hash: s.hash("prev_hash")?,
                prev_genesis: s.bool("prev_genesis")?,
                hash_error: s.opt_str("hash_error")?.map(str::to_string),
                sig_error: match s.object("sig_error")? {
                    None => None,
                    Some(e) => Some((e.reason("reason")?, e.str("message")?.to_string())),
                },
            }),
        };
        let facts = |key: &str| -> Result<Option<RowFacts>, Error> {
            f.object(key)?
                .map(|o| RowFacts::from_fields(&o))
                .transpose()
        };
        let summary = SegmentSummary {
            profile: (
                profile.str("name")?.to_string(),
                profile.str("digest")?.to_string(),
            ),
            signers: f.str("signers")?.to_string(),
            options: f.str("options")?.to_string(),
            rows: f.u64("rows")?,
            leaves: f.u64("leaves")?,
            count: f.u64("count")?,
            break_counts,
            breaks,
            first,
            last: facts("last")?,
            pin: facts("pin")?,
        };
        summary.check()?;
        Ok(summary)
    }

    /// The consistency a stitch relies on.
    pub(super) fn check(&self) -> Result<(), Error> {
        let breaks: u64 = self.break_counts.values().sum();
        let fits = self.leaves <= self.rows
            && self.count <= self.leaves
            && breaks
                .checked_add(self.count)
                .is_some_and(|n| n <= self.rows)
            && self.breaks.len() as u64 <= breaks
            && (breaks == 0 || !self.breaks.is_empty())
            && self
                .breaks
                .windows(2)
                .all(|w| w[0].position < w[1].position)
            && self.breaks.iter().all(|b| b.position < self.rows)
            && (self.first.is_some() == (self.leaves > 0))
            && (self.last.is_some() == (self.leaves > 0))
            && self
                .first
                .as_ref()
                .none_or(|s| s.facts.leaf == 0 && s.facts.row < self.rows)
            && self
                .last
                .as_ref()
                .none_or(|l| l.leaf + 1 == self.leaves && l.row < self.rows)
            && self
                .pin
                .as_ref()
                .none_or(|p| p.leaf < self.leaves && p.row < self.rows);
        if fits {
            Ok(())
        } else {
            Err(invalid(
                "",
                "has counts, rows or leaves that do not fit together",
            ))
        }
    }
}
