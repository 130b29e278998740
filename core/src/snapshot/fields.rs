//! Reading a record's trace id and time at their JSON Pointers straight
//! from its canonical text (no tree), and the trace range they make.

use super::*;
use crate::canonical::{self, Options as CanonOptions};
use crate::time::Timestamp;
use serde_json::{json, Value};

/// The value at a JSON Pointer in canonical text (no tree is built).
fn lookup<'t>(text: &'t [u8], tokens: &[String]) -> Option<&'t [u8]> {
    let mut cur = text;
    for t in tokens {
        cur = member(cur, t)?;
    }
    Some(cur)
}

/// Steps over one JSON value starting at `i` (canonical text); returns its
/// end.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let start = i;
    while let Some(&c) = b.get(i) {
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    in_str = false;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        return (i > start).then_some(i);
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b',' if depth == 0 => return Some(i),
                _ => {}
            }
        }
        i += 1;
    }
    (depth == 0 && !in_str && i > start).then_some(i)
}

/// The value of member `name` of the object `obj` (canonical text), or of
/// element `name` of an array.
fn member<'t>(obj: &'t [u8], name: &str) -> Option<&'t [u8]> {
    match obj.first()? {
        b'{' => {
            let key =
                canonical::canonicalize_value(&Value::from(name), &CanonOptions::default()).ok()?;
            let mut i = 1;
            while i < obj.len() && obj[i] != b'}' {
                let k_end = value_end(obj, i)?;
                let is = obj.get(i..k_end)? == key.as_slice();
                let v_start = k_end + 1; // after ':'
                let v_end = value_end(obj, v_start)?;
                if is {
                    return obj.get(v_start..v_end);
                }
                i = v_end + usize::from(obj.get(v_end) == Some(&b','));
            }
            None
        }
        b'[' => {
            let want: usize = name
                .parse()
                .ok()
                .filter(|_| name == "0" || !name.starts_with('0'))?;
            let mut i = 1;
            let mut n = 0;
            while i < obj.len() && obj[i] != b']' {
                let end = value_end(obj, i)?;
                if n == want {
                    return obj.get(i..end);
                }
                n += 1;
                i = end + usize::from(obj.get(end) == Some(&b','));
            }
            None
        }
        _ => None,
    }
}

/// The string a canonical JSON string span holds (no copy when it has no
/// escapes, the common case).
fn string_value(span: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    let inner = span.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if !inner.contains(&b'\\') && !inner.contains(&b'"') {
        return std::str::from_utf8(inner)
            .ok()
            .map(std::borrow::Cow::Borrowed);
    }
    serde_json::from_slice::<Value>(span)
        .ok()?
        .as_str()
        .map(|s| std::borrow::Cow::Owned(s.to_string()))
}

/// The trace range of a batch, as it is built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Range {
    first: Option<String>,
    /// The last id (its buffer is reused from record to record).
    last: String,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl Range {
    pub(super) fn push(&mut self, id: &str, at: Timestamp) {
        if self.first.is_none() {
            self.first = Some(id.to_string());
        }
        self.last.clear();
        self.last.push_str(id);
        self.start = Some(self.start.map_or(at, |s| s.min(at)));
        self.end = Some(self.end.map_or(at, |e| e.max(at)));
    }

    pub(super) fn to_value(&self) -> Value {
        json!({
            "first_trace_id": self.first,
            "last_trace_id": self.first.as_ref().map(|_| self.last.as_str()),
            "start": self.start.map(|t| t.to_string()),
            "end": self.end.map(|t| t.to_string()),
        })
    }
}

/// Where each record's trace id and time are: JSON Pointers, and for the
/// common case of two top-level members their names, which the
/// canonicalizer finds as it parses (no second scan of the record).
#[derive(Clone, Debug)]
pub(super) struct Fields {
    id: Vec<String>,
    ts: Vec<String>,
    top: Option<[Vec<u8>; 2]>,
}

impl Fields {
    pub(super) fn new(id: &str, ts: &str) -> Fields {
        let (id, ts) = (SnapshotOptions::tokens(id), SnapshotOptions::tokens(ts));
        let top = match (id.as_slice(), ts.as_slice()) {
            ([a], [b]) => Some([a.as_bytes().to_vec(), b.as_bytes().to_vec()]),
            _ => None,
        };
        Fields { id, ts, top }
    }

    /// Canonicalizes a record's text into `out`; the spans of its trace id
    /// and time in `out`.
    pub(super) fn canonicalize(
        &self,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<[Option<(usize, usize)>; 2], canonical::Error> {
        match &self.top {
            Some([a, b]) => {
                let names: [&[u8]; 2] = [a, b];
                let f = canonical::canonicalize_text_capturing(
                    input,
                    &CanonOptions::default(),
                    out,
                    &names,
                )?;
                Ok([f[0], f[1]])
            }
            None => {
                canonical::canonicalize_text_into(input, &CanonOptions::default(), out)?;
                Ok(self.spans(out))
            }
        }
    }

    /// The spans of the trace id and time in canonical text.
    pub(super) fn spans(&self, line: &[u8]) -> [Option<(usize, usize)>; 2] {
        let at = |tokens: &[String]| {
            let v = lookup(line, tokens)?;
            let start = v.as_ptr() as usize - line.as_ptr() as usize;
            Some((start, start + v.len()))
        };
        [at(&self.id), at(&self.ts)]
    }

    /// Reads one canonical record's trace id and time into `range`.
    pub(super) fn read(
        line: &[u8],
        spans: [Option<(usize, usize)>; 2],
        range: &mut Range,
    ) -> Result<(), String> {
        let span = |s: Option<(usize, usize)>| s.and_then(|(a, b)| line.get(a..b));
        let id = span(spans[0]).and_then(string_value).ok_or_else(|| {
            "the record has no string trace id at the declared pointer".to_string()
        })?;
        let ts = span(spans[1]).and_then(string_value).ok_or_else(|| {
            "the record has no time (an RFC 3339 string) at the declared pointer".to_string()
        })?;
        let at =
            Timestamp::parse(&ts).map_err(|e| format!("the record's time: {}", e.message()))?;
        range.push(&id, at);
        Ok(())
    }
}

/// What is wrong with a snapshot id, if anything: the same rule when a
/// snapshot is built and when its metadata is read.
pub(super) fn snapshot_id_problem(id: &str) -> Option<&'static str> {
    (id.is_empty() || id.chars().count() > 128 || id.chars().any(char::is_control))
        .then_some("snapshot_id must be 1-128 characters without control characters")
}
