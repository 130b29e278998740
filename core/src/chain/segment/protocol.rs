//! The stitch's second round on the wire: the request a stitch sends each
//! segment (its leaf offset and the rows it needs) and the segment's answer
//! (its compact range at that offset and those rows' facts), as canonical
//! JSON documents (`docs/segments.md`, "Documents"), and
//! [`Segment::answer`], which makes one.

use super::super::error::{Error, ErrorCode};
use super::summary::{invalid, Fields, RowFacts};
use super::Segment;
use crate::merkle::CompactRange;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The `type` of a segment request.
pub const REQUEST_TYPE: &str = "trustcore.chain-segment-request/v1";
/// The `type` of a segment answer.
pub const ANSWER_TYPE: &str = "trustcore.chain-segment-answer/v1";

/// A row of a segment, by row index or by leaf index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum At {
    /// The last readable row at or before this row index.
    Row(u64),
    /// The readable row with this leaf index.
    Leaf(u64),
}

/// One row the stitch needs, and whether it needs the Merkle range up to
/// and including it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestItem {
    /// Which row.
    pub at: At,
    /// The compact range from the segment's first leaf through that row.
    pub range: bool,
}

/// The stitch's question to one segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentRequest {
    /// The segment's index in the log.
    pub segment: u32,
    /// Leaves before the segment: where its compact range starts.
    pub offset: u64,
    /// The rows it needs.
    pub items: Vec<RequestItem>,
}

/// What a segment answers for one [`RequestItem`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerItem {
    /// The row's facts (`None`: no readable row at or before that row).
    pub facts: Option<RowFacts>,
    /// The compact range through it, when asked.
    pub range: Option<CompactRange>,
}

/// A segment's answer: its whole compact range, and the items in the
/// request's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentAnswer {
    /// The segment's index in the log.
    pub segment: u32,
    /// The compact range of all its leaves.
    pub range: CompactRange,
    /// One per request item.
    pub items: Vec<AnswerItem>,
}

pub(super) fn merkle_error(e: crate::merkle::Error) -> Error {
    Error::new(
        ErrorCode::InvalidState,
        format!("segment Merkle range: {}", e.message()),
    )
}

fn range_value(r: &CompactRange) -> Value {
    json!({
        "begin": r.begin(),
        "end": r.end(),
        "hashes": r.hashes().iter().map(hex::encode).collect::<Vec<_>>(),
    })
}

fn range_from(f: &Fields<'_>) -> Result<CompactRange, Error> {
    let hashes = f
        .array("hashes")?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut out = [0u8; 32];
            h.as_str()
                .filter(|s| s.len() == 64 && !s.bytes().any(|b| b.is_ascii_uppercase()))
                .and_then(|s| hex::decode_to_slice(s, &mut out).ok())
                .map(|()| out)
                .ok_or_else(|| {
                    invalid(
                        &format!("{}/hashes/{i}", f.path),
                        "must be 64 lowercase hex digits",
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    CompactRange::from_hashes(f.u64("begin")?, f.u64("end")?, hashes).map_err(merkle_error)
}

fn segment_index(f: &Fields<'_>) -> Result<u32, Error> {
    u32::try_from(f.u64("segment")?).map_err(|_| invalid("/segment", "must be below 2^32"))
}

impl SegmentRequest {
    /// The request document.
    pub fn to_value(&self) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|i| match i.at {
                At::Row(r) => json!({"row": r, "range": i.range}),
                At::Leaf(l) => json!({"leaf": l, "range": i.range}),
            })
            .collect();
        json!({"type": REQUEST_TYPE, "segment": self.segment, "offset": self.offset, "items": items})
    }

    /// Reads a request document.
    ///
    /// # Errors
    /// `invalid_state` naming the member that is wrong.
    pub fn from_value(v: &Value) -> Result<SegmentRequest, Error> {
        let f = Fields::of(v, "")?;
        f.expect_type(REQUEST_TYPE)?;
        let items = f
            .array("items")?
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let it = Fields::of(it, format!("/items/{i}"))?;
                let at = match (it.v.get("row"), it.v.get("leaf")) {
                    (Some(_), None) => At::Row(it.u64("row")?),
                    (None, Some(_)) => At::Leaf(it.u64("leaf")?),
                    _ => return Err(invalid(&it.path, "must have exactly one of row and leaf")),
                };
                Ok(RequestItem {
                    at,
                    range: it.bool("range")?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SegmentRequest {
            segment: segment_index(&f)?,
            offset: f.u64("offset")?,
            items,
        })
    }
}

impl SegmentAnswer {
    /// The answer document.
    pub fn to_value(&self) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|i| {
                json!({
                    "facts": i.facts.as_ref().map(RowFacts::to_value),
                    "range": i.range.as_ref().map(range_value),
                })
            })
            .collect();
        json!({"type": ANSWER_TYPE, "segment": self.segment, "range": range_value(&self.range), "items": items})
    }

    /// Reads an answer document.
    ///
    /// # Errors
    /// `invalid_state` naming the member that is wrong.
    pub fn from_value(v: &Value) -> Result<SegmentAnswer, Error> {
        let f = Fields::of(v, "")?;
        f.expect_type(ANSWER_TYPE)?;
        let range = range_from(&Fields::of(f.get("range")?, "/range")?)?;
        let items = f
            .array("items")?
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let it = Fields::of(it, format!("/items/{i}"))?;
                Ok(AnswerItem {
                    facts: it
                        .object("facts")?
                        .map(|o| RowFacts::from_fields(&o))
                        .transpose()?,
                    range: it.object("range")?.map(|o| range_from(&o)).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(SegmentAnswer {
            segment: segment_index(&f)?,
            range,
            items,
        })
    }
}

impl Segment {
    /// Answers the stitch's request: the segment's compact range at the
    /// offset it was given, and the rows it asked for.
    ///
    /// # Errors
    /// `invalid_state` for a leaf the segment does not have, or an offset
    /// that puts it past 2^63 − 1 leaves.
    pub fn answer(&self, request: &SegmentRequest) -> Result<SegmentAnswer, Error> {
        let n = self.records.len();
        let leaves = request
            .items
            .iter()
            .map(|it| match it.at {
                At::Row(r) => Ok(self.records.at_or_before(r)),
                At::Leaf(j) if j < n => Ok(Some(j)),
                At::Leaf(j) => Err(Error::new(
                    ErrorCode::InvalidState,
                    format!("the request asks for leaf {j} of a segment of {n} leaves"),
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cut = |leaf: Option<u64>| leaf.map_or(0, |l| l + 1);
        let mut cuts: Vec<u64> = request
            .items
            .iter()
            .zip(&leaves)
            .filter(|(it, _)| it.range)
            .map(|(_, l)| cut(*l))
            .collect();
        crate::sort::sort_unstable(&mut cuts);
        cuts.dedup();
        // One pass over the leaves, keeping the range at each cut.
        let mut range = CompactRange::new(request.offset);
        let mut at_cut: BTreeMap<u64, CompactRange> = BTreeMap::new();
        let mut next = cuts.iter().copied().peekable();
        if next.peek() == Some(&0) {
            at_cut.insert(0, range.clone());
            next.next();
        }
        for (i, h) in self.records.hashes.iter().enumerate() {
            range.push_data(h).map_err(merkle_error)?;
            let done = i as u64 + 1;
            if next.peek() == Some(&done) {
                at_cut.insert(done, range.clone());
                next.next();
            }
        }
        let items = request
            .items
            .iter()
            .zip(leaves)
            .map(|(it, leaf)| AnswerItem {
                facts: leaf.and_then(|l| self.records.facts(l)),
                range: if it.range {
                    at_cut.get(&cut(leaf)).cloned()
                } else {
                    None
                },
            })
            .collect();
        Ok(SegmentAnswer {
            segment: request.segment,
            range,
            items,
        })
    }
}
