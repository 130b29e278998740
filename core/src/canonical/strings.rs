//! Strings: JCS escaping, UTF-16 ordering of member names, and the UTF-16 /
//! WTF-8 bridges that let JavaScript and Python strings reach the parser with
//! their lone surrogates intact (so they are rejected, not replaced).

use super::{Error, ErrorCode};
use std::cmp::Ordering;

/// Bytes that need an escape in JCS output: `"`, `\` and C0 controls.
const fn needs_escape_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
}
pub(crate) static NEEDS_ESCAPE: [bool; 256] = needs_escape_table();

const HEX: &[u8; 16] = b"0123456789abcdef";

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Marks the bytes of the word `w` (eight input bytes, little-endian) that
/// need attention inside a string: `"`, a backslash or a C0 control. These
/// are the classic "has zero byte" / "has byte less than n" bit tricks. Only
/// the lowest marked byte is reliable (a borrow can mark bytes above a real
/// hit), which is all [`scan_plain`] uses: bytes below the first real hit
/// never borrow, so they are never marked.
#[inline(always)]
fn special_mask(w: u64) -> u64 {
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let controls = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    controls | zero_bytes(w ^ (ONES * b'"' as u64)) | zero_bytes(w ^ (ONES * b'\\' as u64))
}

/// Scans string content from `i` up to the first byte in [`NEEDS_ESCAPE`]
/// (or the end of input). Returns that position and whether any byte in
/// between was non-ASCII, so callers validate UTF-8 only when it can fail:
/// most JSON strings (ids, timestamps, hashes, names) are pure ASCII.
///
/// Eight bytes at a time: this is the parser's hottest loop, and a table
/// lookup and a branch per byte cost several times more.
#[inline(always)]
pub(crate) fn scan_plain(s: &[u8], mut i: usize) -> (usize, bool) {
    let mut seen = 0u64;
    while let Some(chunk) = s.get(i..i + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(bytes);
        let special = special_mask(w);
        if special != 0 {
            // Little-endian: byte k of the chunk is bits 8k..8k+7.
            let k = special.trailing_zeros() / 8;
            let before = (1u64 << (8 * k)) - 1;
            return (i + k as usize, (seen | (w & before)) & HIGHS != 0);
        }
        seen |= w;
        i += 8;
    }
    // Fewer than eight bytes left in the input.
    let mut non_ascii = seen & HIGHS != 0;
    while let Some(&b) = s.get(i) {
        if NEEDS_ESCAPE[b as usize] {
            break;
        }
        non_ascii |= b >= 0x80;
        i += 1;
    }
    (i, non_ascii)
}

/// Writes `s` as a JCS string literal (with quotes).
#[inline]
pub(crate) fn write_escaped(out: &mut Vec<u8>, s: &[u8]) {
    // Most strings need no escape at all: found eight bytes at a time, and
    // then copied whole.
    let (first, _) = scan_plain(s, 0);
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(&s[..first]);
    if first < s.len() {
        write_escaped_rest(out, &s[first..]);
    }
    out.push(b'"');
}

/// The rest of a string from its first byte that needs an escape.
#[cold]
#[inline(never)]
fn write_escaped_rest(out: &mut Vec<u8>, s: &[u8]) {
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        if !NEEDS_ESCAPE[b as usize] {
            continue;
        }
        out.extend_from_slice(&s[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
}

/// Sort key of a char in UTF-16 code unit order: BMP characters above the
/// surrogate block sort after every astral character.
#[inline]
fn utf16_rank(c: char) -> u32 {
    let c = c as u32;
    if c < 0xE000 {
        c
    } else if c >= 0x1_0000 {
        0xE000 + (c - 0x1_0000)
    } else {
        0x11_0000 + c
    }
}

/// Compares two strings by their UTF-16 code units, the order RFC 8785
/// requires for member names.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    // Most names differ at once: first bytes below 0xEE start characters
    // below U+E000, where UTF-8 byte order is UTF-16 order.
    if let (Some(&x), Some(&y)) = (ab.first(), bb.first()) {
        if x != y && x < 0xEE && y < 0xEE {
            return x.cmp(&y);
        }
    }
    let common = ab.iter().zip(bb).take_while(|(x, y)| x == y).count();
    if common == ab.len() || common == bb.len() {
        return ab.len().cmp(&bb.len());
    }
    // Back up to the start of the character that differs.
    let mut start = common;
    while start > 0 && !a.is_char_boundary(start) {
        start -= 1;
    }
    // Both strings share bytes up to `common`, so `start` is a boundary in both.
    match (a[start..].chars().next(), b[start..].chars().next()) {
        (Some(x), Some(y)) => utf16_rank(x).cmp(&utf16_rank(y)),
        _ => ab.len().cmp(&bb.len()),
    }
}

/// Encodes UTF-16 code units as WTF-8: valid pairs become one 4-byte
/// sequence, lone surrogates become 3-byte `ED A0..BF xx` sequences that the
/// parser reports as [`ErrorCode::LoneSurrogate`].
pub fn wtf8_from_utf16(units: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(units.len() + units.len() / 4);
    let mut i = 0;
    while i < units.len() {
        // JSON text is mostly ASCII: copy ASCII runs eight units at a time.
        while i + 8 <= units.len() && units[i..i + 8].iter().fold(0, |a, &u| a | u) < 0x80 {
            out.extend(units[i..i + 8].iter().map(|&u| u as u8));
            i += 8;
        }
        let Some(&u) = units.get(i) else { break };
        let u = u as u32;
        i += 1;
        let c = if (0xD800..0xDC00).contains(&u) && i < units.len() {
            let lo = units[i] as u32;
            if (0xDC00..0xE000).contains(&lo) {
                i += 1;
                0x1_0000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
            } else {
                u
            }
        } else {
            u
        };
        push_code_point(&mut out, c);
    }
    out
}

fn push_code_point(out: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]);
    } else if c < 0x1_0000 {
        out.extend_from_slice(&[
            0xE0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    }
}

/// Converts UTF-16 code units to a `String`, rejecting lone surrogates with
/// [`ErrorCode::LoneSurrogate`] (never replacing them with U+FFFD).
pub fn string_from_utf16(units: &[u16]) -> Result<String, Error> {
    let mut s = String::with_capacity(units.len());
    for (idx, r) in char::decode_utf16(units.iter().copied()).enumerate() {
        match r {
            Ok(c) => s.push(c),
            Err(e) => {
                return Err(Error::new(
                    ErrorCode::LoneSurrogate,
                    format!(
                        "string holds a lone surrogate U+{:04X} (UTF-16 unit near index {idx}); \
                         only well-formed Unicode can be canonicalized",
                        e.unpaired_surrogate()
                    ),
                ))
            }
        }
    }
    Ok(s)
}

/// Validates UTF-8, telling encoded surrogates (WTF-8) apart from other
/// invalid bytes. `base` is the offset of `bytes` in the whole input.
#[inline]
pub(crate) fn check_utf8(bytes: &[u8], base: usize) -> Result<(), Error> {
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        Err(e) => {
            let at = e.valid_up_to();
            Err(utf8_error(&bytes[at..], base + at))
        }
    }
}

/// Classifies the invalid sequence at the start of `rest`.
pub(crate) fn utf8_error(rest: &[u8], offset: usize) -> Error {
    if rest.len() >= 3
        && rest[0] == 0xED
        && (0xA0..=0xBF).contains(&rest[1])
        && (0x80..=0xBF).contains(&rest[2])
    {
        let cp = 0xD000 | (((rest[1] & 0x3F) as u32) << 6) | (rest[2] & 0x3F) as u32;
        Error::at(
            ErrorCode::LoneSurrogate,
            offset,
            format!("lone surrogate U+{cp:04X} encoded in the text; only well-formed Unicode is accepted"),
        )
    } else {
        Error::at(
            ErrorCode::InvalidUtf8,
            offset,
            format!(
                "invalid UTF-8 byte 0x{:02x}",
                rest.first().copied().unwrap_or(0)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_order_puts_astral_before_high_bmp() {
        // U+1F600 is D83D DE00 in UTF-16, which sorts before U+E000.
        assert_eq!(cmp_utf16("\u{1F600}", "\u{E000}"), Ordering::Less);
        assert_eq!(cmp_utf16("\u{E000}", "\u{1F600}"), Ordering::Greater);
        // Below the surrogates, code point order and UTF-16 order agree.
        assert_eq!(cmp_utf16("\u{D7FF}", "\u{1F600}"), Ordering::Less);
        assert_eq!(cmp_utf16("a", "ab"), Ordering::Less);
        assert_eq!(cmp_utf16("ab", "ab"), Ordering::Equal);
        // Differing in a continuation byte of a shared lead byte.
        assert_eq!(cmp_utf16("\u{00E9}", "\u{00E8}"), Ordering::Greater);
    }

    #[test]
    fn cmp_utf16_matches_encode_utf16() {
        let samples = [
            "",
            "a",
            "\u{7f}",
            "\u{80}",
            "\u{7ff}",
            "\u{800}",
            "\u{d7ff}",
            "\u{e000}",
            "\u{ffff}",
            "\u{10000}",
            "\u{10ffff}",
            "\u{1f600}x",
            "\u{1f600}",
            "\u{fb33}",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(
                    cmp_utf16(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn wtf8_keeps_lone_surrogates_visible() {
        assert_eq!(wtf8_from_utf16(&[0x61, 0xD800, 0x62]), b"a\xED\xA0\x80b");
        assert_eq!(wtf8_from_utf16(&[0xD83D, 0xDE00]), "\u{1F600}".as_bytes());
        assert_eq!(
            wtf8_from_utf16(&[0xDE00, 0xD83D]),
            b"\xED\xB8\x80\xED\xA0\xBD"
        );
        let e = check_utf8(b"ab\xED\xA0\x80", 10).unwrap_err();
        assert_eq!((e.code(), e.offset()), (ErrorCode::LoneSurrogate, Some(12)));
        let e = check_utf8(b"ab\xFF", 0).unwrap_err();
        assert_eq!((e.code(), e.offset()), (ErrorCode::InvalidUtf8, Some(2)));
    }

    #[test]
    fn scan_plain_matches_a_byte_by_byte_scan() {
        fn naive(s: &[u8], i: usize) -> (usize, bool) {
            let end = s[i..]
                .iter()
                .position(|&b| NEEDS_ESCAPE[b as usize])
                .map_or(s.len(), |p| i + p);
            (end, s[i..end].iter().any(|&b| b >= 0x80))
        }
        // Every interesting byte at every position of windows of all
        // lengths, with other interesting bytes after it (borrows).
        let bytes = [
            b'a', b' ', b'!', b'"', b'#', b'\\', b']', 0x00, 0x01, 0x1f, 0x20, 0x7f, 0x80, 0xa0,
            0xc3, 0xff,
        ];
        for len in 0..20 {
            for at in 0..len {
                for &x in &bytes {
                    for &y in &bytes {
                        let mut s = vec![b'x'; len];
                        s[at] = x;
                        if at + 1 < len {
                            s[at + 1] = y;
                        }
                        if len > 0 {
                            s[len - 1] = y;
                        }
                        for start in 0..=len.min(3) {
                            assert_eq!(
                                scan_plain(&s, start),
                                naive(&s, start),
                                "{s:?} from {start}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn string_from_utf16_rejects_lone_surrogates() {
        assert_eq!(string_from_utf16(&[0x68, 0x69]).unwrap(), "hi");
        assert_eq!(
            string_from_utf16(&[0xDC00]).unwrap_err().code(),
            ErrorCode::LoneSurrogate
        );
    }
}
