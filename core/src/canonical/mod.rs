//! Canonical JSON: RFC 8785 (JCS) output from strict I-JSON (RFC 7493) input.
//!
//! Two entry points, with one output rule:
//!
//! * [`canonicalize_text`] reads JSON text (bytes) and writes canonical bytes
//!   in one pass, without building a tree. It has its own parser because
//!   `serde_json::Value` cannot see duplicate member names.
//! * [`canonicalize_value`] (and the generic [`canonicalize_source`] the
//!   bindings use for JS objects and Python dicts) writes the canonical form of
//!   an in-memory value.
//!
//! # What is guaranteed
//!
//! * Output is RFC 8785 exactly: members sorted by the UTF-16 code units of
//!   their names, no whitespace, JCS string escaping, numbers as ECMAScript's
//!   `Number.prototype.toString` prints them.
//! * Canonicalization is a fixed point: canonical output is always accepted
//!   again as input and canonicalizes to itself.
//! * Every rejection has its own [`ErrorCode`] and, on the text path, the byte
//!   offset where the problem starts. Nothing panics on any input.
//! * Two different JSON integers never canonicalize to the same bytes: an
//!   integer literal outside ±(2^53−1) is accepted only if it is already the
//!   ECMAScript spelling of the double it denotes (see `docs/canonical-json.md`).
//!
//! ```
//! let out = trustcore::canonical::canonicalize_text(br#"{"b": 1e3, "a": "\u00e9"}"#).unwrap();
//! assert_eq!(out, "{\"a\":\"é\",\"b\":1000}".as_bytes());
//!
//! let err = trustcore::canonical::canonicalize_text(br#"{"a":1,"a":2}"#).unwrap_err();
//! assert_eq!(err.code().as_str(), "duplicate_key");
//! assert_eq!(err.offset(), Some(7));
//! ```

mod number;
mod parser;
pub(crate) mod read;
mod strings;
mod value;

pub use number::{format_f64, integer_text_to_f64};
/// JCS string escaping, for modules that write canonical records directly.
pub(crate) use strings::write_escaped;
pub use strings::{cmp_utf16, string_from_utf16, wtf8_from_utf16};
pub use value::{
    canonicalize_source, canonicalize_value, describe_js_object, Key, SourceValue, ValueSource,
};

use std::fmt;

/// Default maximum nesting depth of arrays and objects.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// Upper bound on the configurable depth. The text parser is iterative, but
/// the value walkers recurse; this keeps them far from the stack's end.
pub const MAX_DEPTH_LIMIT: usize = 1024;

/// Options for canonicalization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

impl Options {
    /// Options with the default depth limit (128).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the maximum nesting depth (1..=1024). A document nested deeper is
    /// rejected with [`ErrorCode::DepthLimit`].
    pub fn with_max_depth(mut self, max_depth: usize) -> Result<Self, Error> {
        if max_depth == 0 || max_depth > MAX_DEPTH_LIMIT {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!("max_depth must be between 1 and {MAX_DEPTH_LIMIT}, got {max_depth}"),
            ));
        }
        self.max_depth = max_depth;
        Ok(self)
    }

    /// The maximum nesting depth.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }
}

stable_codes! {
    /// Stable error codes of the canonical JSON module. The string form
    /// ([`ErrorCode::as_str`]) is what every binding exposes as `code`.
    pub enum ErrorCode {
        /// Not JSON: unexpected byte, unterminated string, bad escape, bad number
        /// syntax, raw control character in a string, empty input.
        Syntax = "syntax",
        /// Two members of one object have the same name after unescaping.
        DuplicateKey = "duplicate_key",
        /// The input is not valid UTF-8.
        InvalidUtf8 = "invalid_utf8",
        /// A surrogate code point that is not part of a valid pair: a `\uD800`
        /// style escape, a raw encoded surrogate (WTF-8 / CESU-8 bytes), or a
        /// JavaScript / Python string holding one.
        LoneSurrogate = "lone_surrogate",
        /// `NaN`, `Infinity` or `-Infinity` (as text tokens or as values).
        NonFiniteNumber = "non_finite_number",
        /// A number that overflows a double, or an integer beyond ±(2^53−1) that
        /// is not already the ECMAScript spelling of its double.
        NumberOutOfRange = "number_out_of_range",
        /// Nesting deeper than the configured limit.
        DepthLimit = "depth_limit",
        /// Something other than whitespace after the top-level value.
        TrailingData = "trailing_data",
        /// An in-memory value of a type JSON cannot hold (undefined, a function,
        /// BigInt, Date, Map, bytes, ...).
        UnsupportedType = "unsupported_type",
        /// An object key that is not a string (Python dicts).
        NonStringKey = "non_string_key",
        /// An option outside its allowed range.
        InvalidOption = "invalid_option",
    }
}

/// A canonicalization error: a stable code, a message a person can act on,
/// and where it happened (a byte offset for text, a JSON Pointer for values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    offset: Option<usize>,
    path: Option<String>,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: crate::text::bounded(message.into()),
            offset: None,
            path: None,
        }
    }

    pub(crate) fn at(code: ErrorCode, offset: usize, message: impl Into<String>) -> Self {
        Error {
            code,
            message: crate::text::bounded(message.into()),
            offset: Some(offset),
            path: None,
        }
    }

    pub(crate) fn with_path(mut self, path: String) -> Self {
        self.path = Some(path);
        self
    }

    /// The stable error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte offset into the input text where the problem starts (text path).
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// JSON Pointer (RFC 6901) of the offending value (value path).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(o) = self.offset {
            write!(f, " at byte {o}")?;
        }
        if let Some(p) = &self.path {
            if p.is_empty() {
                write!(f, " at the top-level value")?;
            } else {
                write!(f, " at {p}")?;
            }
        }
        write!(f, " [{}]", self.code)
    }
}

impl std::error::Error for Error {}

/// Canonicalizes JSON text with the default options.
pub fn canonicalize_text(input: &[u8]) -> Result<Vec<u8>, Error> {
    canonicalize_text_with(input, &Options::default())
}

/// Canonicalizes JSON text with explicit options.
pub fn canonicalize_text_with(input: &[u8], options: &Options) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(input.len());
    parser::Parser::new(input, options.max_depth).run(&mut out)?;
    Ok(out)
}

/// Canonicalizes JSON text into `out` (cleared first), reusing its
/// allocation. Useful in loops over many small documents.
pub fn canonicalize_text_into(
    input: &[u8],
    options: &Options,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    out.clear();
    out.reserve(input.len());
    let r = parser::Parser::new(input, options.max_depth).run(out);
    if r.is_err() {
        out.clear();
    }
    r
}

/// [`canonicalize_text_into`], and where the values of up to four members
/// of a top-level object (by their decoded names) are in `out`, in the
/// order of `names` (`None`: not a member, or the text is not an object).
pub(crate) fn canonicalize_text_capturing<'n>(
    input: &'n [u8],
    options: &Options,
    out: &mut Vec<u8>,
    names: &'n [&'n [u8]],
) -> Result<[Option<(usize, usize)>; parser::MAX_CAPTURE], Error> {
    out.clear();
    out.reserve(input.len());
    let r = parser::Parser::new(input, options.max_depth)
        .capture(names)
        .run_capturing(out);
    if r.is_err() {
        out.clear();
    }
    r
}

/// Canonicalizes JSON text given as UTF-16 code units (a JavaScript string).
///
/// The code units are first encoded as WTF-8, so a lone surrogate is reported
/// by the parser as [`ErrorCode::LoneSurrogate`] at its UTF-8 byte offset,
/// exactly as for the same text given as bytes.
pub fn canonicalize_utf16(input: &[u16], options: &Options) -> Result<Vec<u8>, Error> {
    canonicalize_text_with(&wtf8_from_utf16(input), options)
}

#[cfg(test)]
mod tests;
