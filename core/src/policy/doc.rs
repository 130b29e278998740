//! A read-only index over a request's canonical JSON bytes.
//!
//! Evaluation reads requests through this index instead of a parsed
//! `serde_json::Value`: one pass over the canonical bytes records every
//! value's byte range, and because the bytes are RFC 8785 canonical, the
//! canonical form of every value inside the request is exactly its range.
//! So evidence values, canary keys and equality need no re-serialization:
//!
//! * a value's canonical bytes are `raw()` (a slice, no copy);
//! * two JSON values are equal in the evaluator's sense (numbers as
//!   doubles, objects as sets of members, strings exactly) iff their
//!   canonical bytes are equal: canonical numbers are the ECMAScript form
//!   of the double (and `-0` is written `0`), strings have one escaping,
//!   members are sorted and never duplicated;
//! * a canonical number's text parses (correctly rounded) to the double
//!   `serde_json` (with `float_roundtrip`) would have produced.
//!
//! The index is only ever built over bytes the canonicalizer produced; any
//! other input is refused (`None`), never a panic.

use std::borrow::Cow;

/// The JSON type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    /// The JSON type name used in messages and type checks (the same names
    /// as [`super::vocab::kind`]).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Node {
    kind: Kind,
    /// Whether a string holds a backslash escape.
    escaped: bool,
    start: usize,
    end: usize,
    /// Index of the node after this value's subtree.
    next: usize,
}

/// Nesting limit of the index (canonical requests are at most 120 deep).
const MAX_DEPTH: usize = 256;

/// The index: every value of the document in pre-order; an object's
/// children alternate member name (a string node) and value.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    text: &'a str,
    nodes: Vec<Node>,
}

/// One value of a [`Doc`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Val<'d> {
    doc: &'d Doc<'d>,
    i: usize,
}

impl<'a> Doc<'a> {
    /// Indexes canonical JSON bytes; `None` if they are not a single JSON
    /// value in canonical form (no whitespace).
    pub(crate) fn new(bytes: &'a [u8]) -> Option<Doc<'a>> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut b = Builder {
            s: bytes,
            pos: 0,
            nodes: Vec::with_capacity(bytes.len() / 6 + 4),
        };
        b.value(0)?;
        if b.pos != bytes.len() {
            return None;
        }
        Some(Doc {
            text,
            nodes: b.nodes,
        })
    }

    /// The root value.
    pub(crate) fn root(&self) -> Val<'_> {
        Val { doc: self, i: 0 }
    }
}

struct Builder<'a> {
    s: &'a [u8],
    pos: usize,
    nodes: Vec<Node>,
}

impl Builder<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn push(&mut self, kind: Kind, escaped: bool, start: usize) -> usize {
        let i = self.nodes.len();
        self.nodes.push(Node {
            kind,
            escaped,
            start,
            end: self.pos,
            next: i + 1,
        });
        i
    }

    fn literal(&mut self, word: &[u8], kind: Kind) -> Option<()> {
        let start = self.pos;
        let end = start.checked_add(word.len())?;
        if self.s.get(start..end)? != word {
            return None;
        }
        self.pos = end;
        self.push(kind, false, start);
        Some(())
    }

    fn string(&mut self) -> Option<()> {
        let start = self.pos;
        self.pos += 1; // the opening quote
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    // The escaped character is never a quote that ends the
                    // string; `\uXXXX` digits are plain characters.
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        self.pos += 1; // the closing quote
        self.push(Kind::String, escaped, start);
        Some(())
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        match self.peek()? {
            b'n' => self.literal(b"null", Kind::Null),
            b't' => self.literal(b"true", Kind::Bool),
            b'f' => self.literal(b"false", Kind::Bool),
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => {
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.pos += 1;
                }
                self.push(Kind::Number, false, start);
                Some(())
            }
            open @ (b'[' | b'{') => {
                let is_obj = open == b'{';
                let close = if is_obj { b'}' } else { b']' };
                let me = self.push(
                    if is_obj { Kind::Object } else { Kind::Array },
                    false,
                    start,
                );
                self.pos += 1;
                if self.peek()? != close {
                    loop {
                        if is_obj {
                            if self.peek()? != b'"' {
                                return None;
                            }
                            self.string()?;
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.pos += 1;
                        }
                        self.value(depth + 1)?;
                        match self.peek()? {
                            b',' => self.pos += 1,
                            c if c == close => break,
                            _ => return None,
                        }
                    }
                }
                self.pos += 1; // the closing bracket
                let next = self.nodes.len();
                let end = self.pos;
                let n = self.nodes.get_mut(me)?;
                n.end = end;
                n.next = next;
                Some(())
            }
            _ => None,
        }
    }
}

impl<'d> Val<'d> {
    fn node(&self) -> Node {
        // `i` always indexes a node of `doc` (only this module makes `Val`s).
        self.doc.nodes.get(self.i).copied().unwrap_or(Node {
            kind: Kind::Null,
            escaped: false,
            start: 0,
            end: 0,
            next: usize::MAX,
        })
    }

    /// The JSON type.
    pub(crate) fn kind(&self) -> Kind {
        self.node().kind
    }

    /// The value's canonical JSON text.
    pub(crate) fn raw(&self) -> &'d str {
        let n = self.node();
        self.doc.text.get(n.start..n.end).unwrap_or("")
    }

    /// The number as a double (what `serde_json::Number::as_f64` gives for
    /// the same canonical text).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self.kind() {
            Kind::Number => self.raw().parse::<f64>().ok(),
            _ => None,
        }
    }

    /// The decoded string.
    pub(crate) fn as_str(&self) -> Option<Cow<'d, str>> {
        let n = self.node();
        if n.kind != Kind::String {
            return None;
        }
        let inner = self.doc.text.get(n.start + 1..n.end.checked_sub(1)?)?;
        Some(if n.escaped {
            Cow::Owned(unescape(inner))
        } else {
            Cow::Borrowed(inner)
        })
    }

    /// Whether this string equals `s` (decoded).
    fn str_is(&self, s: &str) -> bool {
        let n = self.node();
        if n.kind == Kind::String && !n.escaped {
            // No escapes: the content is the text between the quotes.
            let inner = n.start.checked_add(1).zip(n.end.checked_sub(1));
            return inner.and_then(|(a, b)| self.doc.text.as_bytes().get(a..b))
                == Some(s.as_bytes());
        }
        match self.as_str() {
            Some(Cow::Borrowed(b)) => b == s,
            Some(Cow::Owned(o)) => o == s,
            None => false,
        }
    }

    /// The elements of an array (nothing for other kinds).
    pub(crate) fn items(&self) -> Items<'d> {
        let n = self.node();
        let (at, end) = if n.kind == Kind::Array {
            (self.i + 1, n.next)
        } else {
            (0, 0)
        };
        Items {
            doc: self.doc,
            at,
            end,
        }
    }

    /// An object's member.
    pub(crate) fn get(&self, name: &str) -> Option<Val<'d>> {
        let n = self.node();
        if n.kind != Kind::Object {
            return None;
        }
        let mut k = self.i + 1;
        while k < n.next {
            let key = Val {
                doc: self.doc,
                i: k,
            };
            let value = Val {
                doc: self.doc,
                i: k + 1,
            };
            if value.i >= n.next {
                return None;
            }
            if key.str_is(name) {
                return Some(value);
            }
            k = value.node().next;
        }
        None
    }
}

/// Iterator over an array's elements.
pub(crate) struct Items<'d> {
    doc: &'d Doc<'d>,
    at: usize,
    end: usize,
}

impl<'d> Iterator for Items<'d> {
    type Item = Val<'d>;
    fn next(&mut self) -> Option<Val<'d>> {
        if self.at >= self.end {
            return None;
        }
        let v = Val {
            doc: self.doc,
            i: self.at,
        };
        let next = v.node().next;
        if next <= self.at {
            self.at = self.end;
        } else {
            self.at = next;
        }
        Some(v)
    }
}

/// Decodes the JSON escapes of a string's content (canonical text only
/// uses `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and `\u00XX`; the others
/// are decoded too, and anything malformed becomes U+FFFD).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hi = hex4(&mut chars);
                let c = match hi {
                    Some(h @ 0xD800..=0xDBFF) => {
                        let mut look = chars.clone();
                        match (look.next(), look.next(), hex4(&mut look)) {
                            (Some('\\'), Some('u'), Some(l @ 0xDC00..=0xDFFF)) => {
                                chars = look;
                                char::from_u32(0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00))
                            }
                            _ => None,
                        }
                    }
                    Some(h) => char::from_u32(h),
                    None => None,
                };
                out.push(c.unwrap_or('\u{FFFD}'));
            }
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..4 {
        v = v * 16 + chars.next()?.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::{canonicalize_value, Options};
    use serde_json::json;

    #[test]
    fn index_matches_the_value() {
        let v = json!({"a": [1, "x\ny", {"b": null, "c\"": true}], "d": -1.5e-7, "e": {}, "f": [], "é": "\u{1}"});
        let bytes = canonicalize_value(&v, &Options::default()).unwrap();
        let doc = Doc::new(&bytes).unwrap();
        let root = doc.root();
        assert_eq!(root.raw().as_bytes(), &bytes[..]);
        let a = root.get("a").unwrap();
        assert_eq!(a.kind(), Kind::Array);
        let items: Vec<_> = a.items().collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_f64(), Some(1.0));
        assert_eq!(items[1].as_str().unwrap(), "x\ny");
        assert_eq!(items[2].get("c\"").unwrap().raw(), "true");
        assert_eq!(items[2].get("b").unwrap().kind(), Kind::Null);
        assert!(items[2].get("x").is_none());
        assert_eq!(root.get("d").unwrap().as_f64(), Some(-1.5e-7));
        assert_eq!(root.get("e").unwrap().raw(), "{}");
        assert_eq!(root.get("f").unwrap().items().count(), 0);
        assert_eq!(root.get("é").unwrap().as_str().unwrap(), "\u{1}");
        for bad in [
            &b""[..],
            b"{",
            b"[1,]",
            b"{\"a\"}",
            b"1 ",
            b"\"abc",
            b"[1]]",
        ] {
            assert!(Doc::new(bad).is_none(), "{bad:?}");
        }
        assert_eq!(
            unescape(r"\ud83d\ude00\u00e9\uD800x\q"),
            "😀é\u{FFFD}x\u{FFFD}"
        );
    }
}
