//! The value path: canonical bytes of an in-memory value.
//!
//! Every binding walks its language's values through [`ValueSource`], so the
//! rules (which types are refused, how numbers print, how names sort, where
//! the depth limit falls, what the error path says) exist once, here.

use super::number::{integer_text_to_f64, write_f64, write_integer};
use super::strings::{cmp_utf16, string_from_utf16, write_escaped};
use super::{Error, ErrorCode, Options};
use std::borrow::Cow;

/// An object member name as a language holds it.
#[derive(Debug)]
pub enum Key<'a> {
    /// Well-formed text.
    Str(Cow<'a, str>),
    /// UTF-16 code units that may hold lone surrogates (JS strings, Python
    /// strings that failed UTF-8 encoding).
    Utf16(Vec<u16>),
    /// A key that is not a string; the text names its type for the message.
    NonString(String),
}

/// One level of an in-memory value, as seen by the canonicalizer.
#[derive(Debug)]
pub enum SourceValue<'a, S> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A double (JS number, Python float). NaN and infinities are refused.
    Number(f64),
    /// A signed integer; follows the lossy-integer rule.
    I64(i64),
    /// An unsigned integer; follows the lossy-integer rule.
    U64(u64),
    /// An integer of any size as decimal text (Python int, which has no
    /// bound); follows the lossy-integer rule.
    BigInt(String),
    /// Well-formed text.
    Str(Cow<'a, str>),
    /// UTF-16 code units; lone surrogates are rejected.
    Utf16(Vec<u16>),
    /// An array's elements.
    Array(Vec<S>),
    /// An object's members, in any order.
    Object(Vec<(Key<'a>, S)>),
    /// A value JSON cannot hold; the text names its type (e.g. "BigInt").
    Unsupported(String),
}

/// A language's value that the canonicalizer can read one level at a time.
pub trait ValueSource: Sized {
    /// Reads this value's top level. Errors from the host language are
    /// reported as an [`Error`] (usually [`ErrorCode::UnsupportedType`]).
    fn read(&self) -> Result<SourceValue<'_, Self>, Error>;
}

impl Error {
    /// An error raised while reading a host value (for [`ValueSource`]
    /// implementations in the bindings).
    pub fn from_host(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::new(code, message)
    }

    fn in_segment(mut self, segment: &str) -> Self {
        let escaped = segment.replace('~', "~0").replace('/', "~1");
        let rest = self.path.take().unwrap_or_default();
        self.path = Some(format!("/{escaped}{rest}"));
        self
    }
}

/// Canonical bytes of a value read through [`ValueSource`].
pub fn canonicalize_source<S: ValueSource>(value: &S, options: &Options) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(256);
    write(value, &mut out, 0, options.max_depth()).map_err(|e| {
        if e.path.is_none() {
            e.with_path(String::new())
        } else {
            e
        }
    })?;
    Ok(out)
}

/// Canonical bytes of a `serde_json::Value`.
///
/// A `Value` cannot hold duplicate names (the last one won when it was
/// parsed), so this is for values built in memory; for text use
/// [`super::canonicalize_text`], which rejects duplicates.
pub fn canonicalize_value(value: &serde_json::Value, options: &Options) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(256);
    match write_json(value, &mut out, 0, options.max_depth()) {
        Ok(()) => Ok(out),
        // The error, with its path, as the general walk gives it.
        Err(()) => canonicalize_source(&value, options),
    }
}

/// [`write`] for a `serde_json::Value`, read directly rather than one
/// level at a time: the same number, string and depth rules (the same
/// functions), but an object whose map already iterates in canonical order
/// (a `BTreeMap` of names below U+E000, which is nearly every document) is
/// written as it iterates, with nothing collected or sorted. On any error
/// the caller runs the general walk, which names the error's path.
fn write_json(
    v: &serde_json::Value,
    out: &mut Vec<u8>,
    depth: usize,
    max_depth: usize,
) -> Result<(), ()> {
    use serde_json::Value as V;
    match v {
        V::Null => out.extend_from_slice(b"null"),
        V::Bool(true) => out.extend_from_slice(b"true"),
        V::Bool(false) => out.extend_from_slice(b"false"),
        V::Number(n) => {
            if let Some(u) = n.as_u64() {
                write_integer(out, false, u, u as f64).map_err(drop)?
            } else if let Some(i) = n.as_i64() {
                write_integer(out, i < 0, i.unsigned_abs(), i as f64).map_err(drop)?
            } else {
                write_f64(out, n.as_f64().unwrap_or(f64::NAN)).map_err(drop)?
            }
        }
        V::String(s) => write_escaped(out, s.as_bytes()),
        V::Array(items) => {
            check_depth(depth, max_depth).map_err(drop)?;
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(item, out, depth + 1, max_depth)?;
            }
            out.push(b']');
        }
        V::Object(m) => {
            check_depth(depth, max_depth).map_err(drop)?;
            let mut names = m.keys();
            let in_order = match names.next() {
                Some(first) => names
                    .try_fold(first, |prev, k| {
                        // ASCII names: byte order is UTF-16 order.
                        let less = if prev.is_ascii() && k.is_ascii() {
                            prev.as_bytes() < k.as_bytes()
                        } else {
                            cmp_utf16(prev, k) == std::cmp::Ordering::Less
                        };
                        less.then_some(k)
                    })
                    .is_some(),
                None => true,
            };
            let mut sorted: Vec<(&String, &serde_json::Value)>;
            let members: &mut dyn Iterator<Item = (&String, &serde_json::Value)> = if in_order {
                &mut m.iter()
            } else {
                sorted = m.iter().collect();
                crate::sort::sort_by(&mut sorted, |a, b| cmp_utf16(a.0, b.0));
                &mut sorted.into_iter()
            };
            out.push(b'{');
            for (i, (name, val)) in members.enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_escaped(out, name.as_bytes());
                out.push(b':');
                write_json(val, out, depth + 1, max_depth)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

impl ValueSource for &serde_json::Value {
    fn read(&self) -> Result<SourceValue<'_, Self>, Error> {
        use serde_json::Value as V;
        Ok(match *self {
            V::Null => SourceValue::Null,
            V::Bool(b) => SourceValue::Bool(*b),
            V::Number(n) => {
                if let Some(u) = n.as_u64() {
                    SourceValue::U64(u)
                } else if let Some(i) = n.as_i64() {
                    SourceValue::I64(i)
                } else {
                    SourceValue::Number(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            V::String(s) => SourceValue::Str(Cow::Borrowed(s)),
            V::Array(a) => SourceValue::Array(a.iter().collect()),
            V::Object(m) => SourceValue::Object(
                m.iter()
                    .map(|(k, v)| (Key::Str(Cow::Borrowed(k.as_str())), v))
                    .collect(),
            ),
        })
    }
}

fn write<S: ValueSource>(
    v: &S,
    out: &mut Vec<u8>,
    depth: usize,
    max_depth: usize,
) -> Result<(), Error> {
    match v.read()? {
        SourceValue::Null => out.extend_from_slice(b"null"),
        SourceValue::Bool(true) => out.extend_from_slice(b"true"),
        SourceValue::Bool(false) => out.extend_from_slice(b"false"),
        SourceValue::Number(f) => write_f64(out, f)?,
        SourceValue::I64(i) => write_integer(out, i < 0, i.unsigned_abs(), i as f64)?,
        SourceValue::U64(u) => write_integer(out, false, u, u as f64)?,
        SourceValue::BigInt(text) => write_f64(out, integer_text_to_f64(&text)?)?,
        SourceValue::Str(s) => write_escaped(out, s.as_bytes()),
        SourceValue::Utf16(units) => write_escaped(out, string_from_utf16(&units)?.as_bytes()),
        SourceValue::Unsupported(what) => {
            return Err(Error::new(
                ErrorCode::UnsupportedType,
                format!("{what} cannot be represented in JSON"),
            ))
        }
        SourceValue::Array(items) => {
            check_depth(depth, max_depth)?;
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out, depth + 1, max_depth).map_err(|e| e.in_segment(&i.to_string()))?;
            }
            out.push(b']');
        }
        SourceValue::Object(members) => {
            check_depth(depth, max_depth)?;
            let mut named: Vec<(Cow<'_, str>, &S)> = Vec::with_capacity(members.len());
            for (k, val) in &members {
                let name = match k {
                    Key::Str(s) => Cow::Borrowed(s.as_ref()),
                    Key::Utf16(units) => Cow::Owned(
                        string_from_utf16(units).map_err(|e| e.in_segment(&escape_lone_surrogates(units)))?,
                    ),
                    Key::NonString(what) => {
                        return Err(Error::new(
                            ErrorCode::NonStringKey,
                            format!("object key of type {what} is not a string; JSON member names must be strings"),
                        ))
                    }
                };
                named.push((name, val));
            }
            crate::sort::sort_by(&mut named, |a, b| cmp_utf16(&a.0, &b.0));
            if let Some(w) = named.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(Error::new(
                    ErrorCode::DuplicateKey,
                    format!("duplicate member name {}", crate::text::quote(&w[1].0)),
                )
                .in_segment(&w[1].0));
            }
            out.push(b'{');
            for (i, (name, val)) in named.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_escaped(out, name.as_bytes());
                out.push(b':');
                write(*val, out, depth + 1, max_depth).map_err(|e| e.in_segment(name))?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// How an `unsupported_type` message names a JavaScript object that is not
/// a plain object, given its constructor's name (shared by the Node and WASM
/// bindings so both say the same thing).
pub fn describe_js_object(constructor_name: Option<&str>) -> String {
    match constructor_name {
        Some(n) if !n.is_empty() => match n {
            "Date" | "Map" | "Set" | "WeakMap" | "WeakSet" | "RegExp" | "Promise"
            | "ArrayBuffer" | "SharedArrayBuffer" | "DataView" | "Buffer" | "Error" => {
                format!("a {n}")
            }
            "Number" | "String" | "Boolean" => {
                format!("a boxed {} (new {n}(...))", n.to_ascii_lowercase())
            }
            _ if n.ends_with("Array") => format!("a {n}"),
            _ => format!("an instance of {n}"),
        },
        _ => "an object with a non-plain prototype".into(),
    }
}

/// A readable path segment for a key holding lone surrogates: each one is
/// shown as a `\uXXXX` escape rather than replaced by U+FFFD.
fn escape_lone_surrogates(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| match r {
            Ok(c) => c.to_string(),
            Err(e) => format!("\\u{:04x}", e.unpaired_surrogate()),
        })
        .collect()
}

fn check_depth(depth: usize, max_depth: usize) -> Result<(), Error> {
    if depth >= max_depth {
        Err(Error::new(
            ErrorCode::DepthLimit,
            format!(
                "nesting is deeper than the limit of {max_depth} (a cyclic value also ends here)"
            ),
        ))
    } else {
        Ok(())
    }
}
