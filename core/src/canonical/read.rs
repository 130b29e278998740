//! Reading the canonicalizer's own output: where a value ends and what
//! string a literal spells, without parsing again. The input is canonical
//! text (no whitespace, strings escaped the JCS way); on anything else
//! these give `None` or the end of the input, never a panic.

use super::strings::scan_plain;
use std::borrow::Cow;

/// Where the string literal opening at `open` ends (just after its closing
/// quote), and whether it has an escape.
#[inline]
pub(crate) fn string_end(s: &[u8], open: usize) -> (usize, bool) {
    let (mut i, mut escaped) = (open + 1, false);
    loop {
        let (j, _) = scan_plain(s, i);
        match s.get(j) {
            Some(b'"') => return (j + 1, escaped),
            // `\x` or `\u00XX`: neither the escaped byte nor hex digits are
            // a quote or a backslash, so scanning on from `j + 2` is right.
            Some(b'\\') => {
                escaped = true;
                i = j + 2;
            }
            // A raw control byte (not in canonical text): read on.
            Some(_) => i = j + 1,
            None => return (s.len(), escaped),
        }
    }
}

/// Steps over one JSON value from `i`; returns where it ends (the `,`,
/// `}` or `]` after it), or `None` when nothing closes it.
pub(crate) fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                i = string_end(b, i).0;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The string a canonical JSON value spells, or `None` if it is not one.
pub(crate) fn string_of(span: &[u8]) -> Option<Cow<'_, str>> {
    let inner = span.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if !inner.contains(&b'\\') {
        return std::str::from_utf8(inner).ok().map(Cow::Borrowed);
    }
    serde_json::from_slice::<String>(span).ok().map(Cow::Owned)
}
