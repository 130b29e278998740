//! The text path: a strict I-JSON parser that writes canonical bytes as it
//! reads, without building a tree.
//!
//! It is iterative (an explicit stack, so depth never touches the call
//! stack). Values are written to the output as they are parsed; each object
//! remembers where its members' bytes start and end, and when it closes the
//! members are sorted by UTF-16 name and the object's bytes are rearranged if
//! they were not already in order. Duplicate names show up as equal
//! neighbours after that sort.

use super::number::{check_integer, decimal_is_canonical, write_f64, MAX_SAFE_DIGITS};
use super::strings::{check_utf8, scan_plain, utf8_error, write_escaped};
use super::{Error, ErrorCode};
use std::cmp::Ordering;

struct Member {
    /// The decoded name: a range of the input when the name has no escapes
    /// (the common case, no copy), else a range of `Parser::keys`.
    key: (usize, usize),
    key_in_input: bool,
    key_offset: usize,
    start: usize,
    /// Where the value starts, from `start` (after the name and `:`).
    value_at: usize,
    end: usize,
}

/// Most top-level members one parse can capture.
pub(crate) const MAX_CAPTURE: usize = 4;

struct Frame {
    object: bool,
    content_start: usize,
    members_start: usize,
    keys_start: usize,
    sorted: bool,
}

pub(crate) struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    max_depth: usize,
    frames: Vec<Frame>,
    members: Vec<Member>,
    keys: Vec<u8>,
    decoded: Vec<u8>,
    /// Top-level member names whose canonical values' places in the output
    /// the caller wants ([`Parser::capture`]).
    capture: &'a [&'a [u8]],
    found: [Option<(usize, usize)>; MAX_CAPTURE],
}

/// The decoded name of `m` (see [`Member::key`]).
#[inline(always)]
fn key_of<'k>(input: &'k [u8], keys: &'k [u8], m: &Member) -> &'k [u8] {
    let src = if m.key_in_input { input } else { keys };
    &src[m.key.0..m.key.1]
}

impl<'a> Parser<'a> {
    pub(crate) fn new(input: &'a [u8], max_depth: usize) -> Self {
        Parser {
            input,
            pos: 0,
            max_depth,
            // Room for typical documents up front: growing these one
            // reallocation at a time showed up in profiles of small events.
            frames: Vec::with_capacity(8),
            members: Vec::with_capacity(32),
            keys: Vec::new(),
            decoded: Vec::new(),
            capture: &[],
            found: [None; MAX_CAPTURE],
        }
    }

    /// Also finds where the values of these members of a top-level object
    /// end up in the output (at most [`MAX_CAPTURE`]; see
    /// [`Parser::found`]), at no cost beyond the parse.
    pub(crate) fn capture(mut self, names: &'a [&'a [u8]]) -> Self {
        self.capture = &names[..names.len().min(MAX_CAPTURE)];
        self
    }

    /// Parses like [`Parser::run`] and returns the captured ranges, in the
    /// order of the names.
    pub(crate) fn run_capturing(
        mut self,
        out: &mut Vec<u8>,
    ) -> Result<[Option<(usize, usize)>; MAX_CAPTURE], Error> {
        self.run_inner(out)?;
        Ok(self.found)
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    pub(crate) fn run(mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.run_inner(out)
    }

    fn run_inner(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        'value: loop {
            self.skip_ws();
            match self.peek() {
                Some(b'{') | Some(b'[') => {
                    let object = self.peek() == Some(b'{');
                    if self.frames.len() >= self.max_depth {
                        return Err(Error::at(
                            ErrorCode::DepthLimit,
                            self.pos,
                            format!("nesting is deeper than the limit of {}", self.max_depth),
                        ));
                    }
                    self.pos += 1;
                    out.push(if object { b'{' } else { b'[' });
                    self.frames.push(Frame {
                        object,
                        content_start: out.len(),
                        members_start: self.members.len(),
                        keys_start: self.keys.len(),
                        sorted: true,
                    });
                    self.skip_ws();
                    let close = if object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        out.push(close);
                        self.frames.pop();
                    } else if object {
                        self.member_name(out)?;
                        continue 'value;
                    } else {
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string(out, false)?;
                }
                Some(b'-' | b'0'..=b'9') => self.number(out)?,
                Some(b't') => self.literal(out, b"true")?,
                Some(b'f') => self.literal(out, b"false")?,
                Some(b'n') => self.literal(out, b"null")?,
                Some(b'N') if self.input[self.pos..].starts_with(b"NaN") => {
                    return Err(self.non_finite());
                }
                Some(b'I') if self.input[self.pos..].starts_with(b"Infinity") => {
                    return Err(self.non_finite());
                }
                _ => return Err(self.unexpected("a value")),
            }

            // A value is complete: close containers until one wants more.
            loop {
                let Some(frame) = self.frames.last() else {
                    self.skip_ws();
                    if self.pos < self.input.len() {
                        return Err(Error::at(
                            ErrorCode::TrailingData,
                            self.pos,
                            "unexpected data after the top-level value",
                        ));
                    }
                    return Ok(());
                };
                let object = frame.object;
                if object {
                    if let Some(m) = self.members.last_mut() {
                        m.end = out.len();
                    }
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        out.push(b',');
                        if object {
                            self.skip_ws();
                            self.member_name(out)?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        self.close_object(out)?;
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        out.push(b']');
                        self.frames.pop();
                    }
                    _ => {
                        return Err(self.unexpected(if object {
                            "',' or '}' after an object member"
                        } else {
                            "',' or ']' after an array element"
                        }))
                    }
                }
            }
        }
    }

    fn non_finite(&self) -> Error {
        Error::at(
            ErrorCode::NonFiniteNumber,
            self.pos,
            "NaN and Infinity are not JSON numbers",
        )
    }

    /// An error for the byte at `pos`, naming what was expected.
    fn unexpected(&self, expected: &str) -> Error {
        let rest = &self.input[self.pos..];
        match rest.first() {
            None => Error::at(
                ErrorCode::Syntax,
                self.pos,
                format!("unexpected end of input, expected {expected}"),
            ),
            Some(&b) if b >= 0x80 => {
                let n = rest.len().min(4);
                match std::str::from_utf8(&rest[..n]) {
                    Err(e) if e.valid_up_to() == 0 && e.error_len().is_some() => {
                        utf8_error(rest, self.pos)
                    }
                    _ => {
                        let c = String::from_utf8_lossy(&rest[..n])
                            .chars()
                            .next()
                            .unwrap_or('?');
                        let hint = if c == '\u{feff}' {
                            " (a byte order mark is not allowed)"
                        } else {
                            ""
                        };
                        Error::at(
                            ErrorCode::Syntax,
                            self.pos,
                            format!(
                                "unexpected character U+{:04X}{hint}, expected {expected}",
                                c as u32
                            ),
                        )
                    }
                }
            }
            Some(&b) => Error::at(
                ErrorCode::Syntax,
                self.pos,
                format!("unexpected {}, expected {expected}", describe(b)),
            ),
        }
    }

    fn literal(&mut self, out: &mut Vec<u8>, word: &'static [u8]) -> Result<(), Error> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            out.extend_from_slice(word);
            Ok(())
        } else {
            Err(self.unexpected("a value"))
        }
    }

    /// Parses `"name" :` inside an object and opens a member record.
    fn member_name(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a member name (a string)"));
        }
        let key_offset = self.pos;
        let start = out.len();
        let key_start = self.keys.len();
        let (key, key_in_input) = match self.string(out, true)? {
            Some(raw) => (raw, true),
            None => ((key_start, self.keys.len()), false),
        };
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("':' after a member name"));
        }
        self.pos += 1;
        out.push(b':');
        let member = Member {
            key,
            key_in_input,
            key_offset,
            start,
            value_at: out.len() - start,
            end: start,
        };
        let frame_members_start = self.frames.last().map(|f| f.members_start).unwrap_or(0);
        if self.members.len() > frame_members_start {
            if let Some(prev) = self.members.last() {
                let prev_key = key_of(self.input, &self.keys, prev);
                let this_key = key_of(self.input, &self.keys, &member);
                if cmp_utf16_bytes(prev_key, this_key) != Ordering::Less {
                    if let Some(f) = self.frames.last_mut() {
                        f.sorted = false;
                    }
                }
            }
        }
        self.members.push(member);
        Ok(())
    }

    fn close_object(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let Some(frame) = self.frames.pop() else {
            return Err(Error::at(
                ErrorCode::Syntax,
                self.pos,
                "internal: no open object",
            ));
        };
        if !frame.sorted {
            let (input, keys) = (self.input, &self.keys);
            let members = &mut self.members[frame.members_start..];
            crate::sort::sort_by(members, |a, b| {
                cmp_utf16_bytes(key_of(input, keys, a), key_of(input, keys, b))
            });
            // A stable sort keeps equal names in input order: the second of
            // each equal pair is the duplicate; report the earliest one.
            let dup = members
                .windows(2)
                .filter(|w| key_of(input, keys, &w[0]) == key_of(input, keys, &w[1]))
                .map(|w| w[1].key_offset)
                .min();
            if let Some(offset) = dup {
                let m = members.iter().find(|m| m.key_offset == offset);
                let name = m
                    .map(|m| String::from_utf8_lossy(key_of(input, keys, m)).into_owned())
                    .unwrap_or_default();
                return Err(Error::at(
                    ErrorCode::DuplicateKey,
                    offset,
                    format!(
                        "duplicate member name {} in one object",
                        crate::text::quote(&name)
                    ),
                ));
            }
            // Append the members in sorted order after the object's bytes,
            // then move that copy down over the original: no second buffer.
            let end = out.len();
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_within(m.start..m.end);
            }
            out.copy_within(end.., frame.content_start);
            out.truncate(frame.content_start + (out.len() - end));
        }
        if self.frames.is_empty() && !self.capture.is_empty() {
            // The top-level object: where each wanted member's value is now
            // (its members are in sorted order from `content_start`).
            let mut at = frame.content_start;
            for m in &self.members[frame.members_start..] {
                let name = key_of(self.input, &self.keys, m);
                for (c, slot) in self.capture.iter().zip(self.found.iter_mut()) {
                    if *c == name {
                        *slot = Some((at + m.value_at, at + (m.end - m.start)));
                    }
                }
                at += m.end - m.start + 1;
            }
        }
        out.push(b'}');
        self.members.truncate(frame.members_start);
        self.keys.truncate(frame.keys_start);
        Ok(())
    }

    /// Parses a string at `pos` (on the opening quote) and writes its
    /// canonical form. For a member name without escapes, returns the range
    /// of its bytes in the input (they are the decoded name); for one with
    /// escapes the decoded name is appended to `keys` and `None` returned.
    fn string(&mut self, out: &mut Vec<u8>, is_key: bool) -> Result<Option<(usize, usize)>, Error> {
        let open = self.pos;
        let input = self.input;
        // Fast path: no escapes, the raw bytes are already canonical.
        let (i, non_ascii) = scan_plain(input, open + 1);
        let raw = &input[open + 1..i];
        match input.get(i) {
            Some(b'"') => {
                if non_ascii {
                    check_utf8(raw, open + 1)?;
                }
                out.reserve(raw.len() + 2);
                out.push(b'"');
                out.extend_from_slice(raw);
                out.push(b'"');
                self.pos = i + 1;
                return Ok(is_key.then_some((open + 1, i)));
            }
            None => return Err(unterminated(open)),
            Some(&b) if b < 0x20 => return Err(control(b, i)),
            Some(_) => {}
        }
        // Slow path: decode escapes into `decoded`, then re-escape.
        let mut decoded = std::mem::take(&mut self.decoded);
        decoded.clear();
        if non_ascii {
            check_utf8(raw, open + 1)?;
        }
        decoded.extend_from_slice(raw);
        let result = self.decode_rest(i, &mut decoded, open);
        if result.is_ok() {
            write_escaped(out, &decoded);
            if is_key {
                self.keys.extend_from_slice(&decoded);
            }
        }
        self.decoded = decoded;
        result.map(|()| None)
    }

    /// Continues a string from `i` (on a backslash) to its closing quote.
    fn decode_rest(
        &mut self,
        mut i: usize,
        decoded: &mut Vec<u8>,
        open: usize,
    ) -> Result<(), Error> {
        let input = self.input;
        loop {
            match input.get(i) {
                None => return Err(unterminated(open)),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let esc = i;
                    let Some(&e) = input.get(i + 1) else {
                        return Err(unterminated(open));
                    };
                    i += 2;
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(0x08),
                        b'f' => Some(0x0c),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        _ => {
                            return Err(Error::at(
                                ErrorCode::Syntax,
                                esc,
                                format!("invalid escape \\{} in string", describe_char(e)),
                            ))
                        }
                    };
                    if let Some(c) = simple {
                        decoded.push(c);
                        continue;
                    }
                    let hi = hex4(input, i, esc)?;
                    i += 4;
                    let cp = if (0xD800..0xDC00).contains(&hi) {
                        let lo = if input.get(i) == Some(&b'\\') && input.get(i + 1) == Some(&b'u')
                        {
                            hex4(input, i + 2, i)?
                        } else {
                            0
                        };
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(lone_escape(hi, esc));
                        }
                        i += 6;
                        0x1_0000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else if (0xDC00..0xE000).contains(&hi) {
                        return Err(lone_escape(hi, esc));
                    } else {
                        hi
                    };
                    let c = char::from_u32(cp).ok_or_else(|| lone_escape(cp, esc))?;
                    let mut buf = [0u8; 4];
                    decoded.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Some(&b) if b < 0x20 => return Err(control(b, i)),
                Some(_) => {
                    let start = i;
                    let (end, non_ascii) = scan_plain(input, i);
                    i = end;
                    let raw = &input[start..i];
                    if non_ascii {
                        check_utf8(raw, start)?;
                    }
                    decoded.extend_from_slice(raw);
                }
            }
        }
    }

    fn number(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let input = self.input;
        let start = self.pos;
        let mut i = start;
        if input[i] == b'-' {
            i += 1;
            if input[i..].starts_with(b"Infinity") {
                return Err(Error::at(
                    ErrorCode::NonFiniteNumber,
                    start,
                    "-Infinity is not a JSON number",
                ));
            }
        }
        let int_start = i;
        match input.get(i) {
            Some(b'0') => {
                i += 1;
                if let Some(b'0'..=b'9') = input.get(i) {
                    return Err(Error::at(
                        ErrorCode::Syntax,
                        start,
                        "leading zeros are not allowed in numbers",
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = input.get(i) {
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(self.unexpected("a digit"));
            }
        }
        let int_digits = i - int_start;
        let int_end = i;
        let mut integer = true;
        let mut frac = (i, i);
        if input.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            let d = i;
            while let Some(b'0'..=b'9') = input.get(i) {
                i += 1;
            }
            if i == d {
                self.pos = i;
                return Err(self.unexpected("a digit after the decimal point"));
            }
            frac = (d, i);
        }
        let mut exponent = false;
        if let Some(b'e' | b'E') = input.get(i) {
            integer = false;
            exponent = true;
            i += 1;
            if let Some(b'+' | b'-') = input.get(i) {
                i += 1;
            }
            let d = i;
            while let Some(b'0'..=b'9') = input.get(i) {
                i += 1;
            }
            if i == d {
                self.pos = i;
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        self.pos = i;
        let span = &input[start..i];
        // Fast paths, for literals whose canonical form is the literal
        // itself (most numbers in practice), skipping the parse and print:
        // safe integers (exact in a double, printed as written, except "-0")
        // and short plain decimals (see `decimal_is_canonical`).
        let digits = &input[int_start..int_end];
        if integer && (int_digits <= 15 || (int_digits == 16 && digits <= MAX_SAFE_DIGITS)) {
            if span == b"-0" {
                out.push(b'0');
            } else {
                out.extend_from_slice(span);
            }
            return Ok(());
        }
        if !integer && !exponent && decimal_is_canonical(digits, &input[frac.0..frac.1]) {
            out.extend_from_slice(span);
            return Ok(());
        }
        // The span is ASCII by construction.
        let text = std::str::from_utf8(span)
            .map_err(|_| Error::at(ErrorCode::Syntax, start, "invalid number"))?;
        let v: f64 = text
            .parse()
            .map_err(|_| Error::at(ErrorCode::Syntax, start, format!("invalid number {text}")))?;
        if !v.is_finite() {
            return Err(super::number::out_of_range(text, "it overflows a double").at_offset(start));
        }
        if integer {
            check_integer(text, v).map_err(|e| e.at_offset(start))?;
        }
        write_f64(out, v).map_err(|e| e.at_offset(start))
    }
}

impl Error {
    pub(crate) fn at_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }
}

/// [`super::cmp_utf16`] on bytes already known to be UTF-8.
#[inline(always)]
pub(crate) fn cmp_utf16_bytes(a: &[u8], b: &[u8]) -> Ordering {
    // Most member names of one object already differ in their first byte,
    // an ASCII one: then byte order is UTF-16 order (inlined into the sort).
    if let (Some(&x), Some(&y)) = (a.first(), b.first()) {
        if x != y && x < 0x80 && y < 0x80 {
            return x.cmp(&y);
        }
    }
    cmp_utf16_general(a, b)
}

fn cmp_utf16_general(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if common == a.len() || common == b.len() {
        return a.len().cmp(&b.len());
    }
    let mut s = common;
    while s > 0 && (a[s] & 0xC0) == 0x80 {
        s -= 1;
    }
    let (la, lb) = (a[s], b[s]);
    // UTF-8 byte order is code point order; UTF-16 differs only between
    // U+E000..U+FFFF (lead EE/EF) and astral characters (lead F0..F4).
    let high_bmp = |l: u8| l == 0xEE || l == 0xEF;
    if high_bmp(la) && lb >= 0xF0 {
        Ordering::Greater
    } else if high_bmp(lb) && la >= 0xF0 {
        Ordering::Less
    } else {
        a[common].cmp(&b[common])
    }
}

fn hex4(input: &[u8], at: usize, esc: usize) -> Result<u32, Error> {
    let mut v = 0u32;
    for k in 0..4 {
        let d = match input.get(at + k) {
            Some(&c @ b'0'..=b'9') => c - b'0',
            Some(&c @ b'a'..=b'f') => c - b'a' + 10,
            Some(&c @ b'A'..=b'F') => c - b'A' + 10,
            _ => {
                return Err(Error::at(
                    ErrorCode::Syntax,
                    esc,
                    "\\u escape needs four hex digits",
                ))
            }
        };
        v = (v << 4) | d as u32;
    }
    Ok(v)
}

fn lone_escape(cp: u32, at: usize) -> Error {
    Error::at(
        ErrorCode::LoneSurrogate,
        at,
        format!("escape \\u{cp:04X} is a lone surrogate; a surrogate must be a high \\uD800-\\uDBFF followed by a low \\uDC00-\\uDFFF"),
    )
}

fn unterminated(open: usize) -> Error {
    Error::at(ErrorCode::Syntax, open, "unterminated string")
}

fn control(b: u8, at: usize) -> Error {
    Error::at(
        ErrorCode::Syntax,
        at,
        format!("raw control character U+{b:04X} in a string; write it as \\u{b:04x}"),
    )
}

fn describe(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn describe_char(b: u8) -> String {
    if b.is_ascii_graphic() {
        (b as char).to_string()
    } else {
        format!("(byte 0x{b:02x})")
    }
}
