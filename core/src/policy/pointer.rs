//! RFC 6901 JSON Pointers as policies use them, parsed once at load.

use super::doc::{Kind as DocKind, Val};
#[cfg(test)]
use serde_json::Value;

/// An RFC 6901 JSON Pointer, parsed once into reference tokens (with the
/// array index each token denotes, if any, decided at load time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pointer {
    pub(crate) text: String,
    tokens: Vec<PointerToken>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PointerToken {
    name: String,
    /// The array index: decimal without leading zeros (`-` and anything
    /// else never refer to an array element).
    index: Option<usize>,
}

impl PointerToken {
    fn new(name: String) -> PointerToken {
        let ok = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_digit())
            && (name == "0" || !name.starts_with('0'));
        let index = if ok { name.parse::<usize>().ok() } else { None };
        PointerToken { name, index }
    }
}

impl Pointer {
    pub(crate) fn parse(text: &str) -> Result<Pointer, String> {
        if text.is_empty() {
            return Ok(Pointer {
                text: String::new(),
                tokens: Vec::new(),
            });
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(format!(
                "JSON Pointer {text:?} must be empty or start with \"/\" (RFC 6901)"
            ));
        };
        let mut tokens = Vec::new();
        for raw in rest.split('/') {
            let mut tok = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => tok.push('~'),
                        Some('1') => tok.push('/'),
                        _ => {
                            return Err(format!(
                                "JSON Pointer {text:?}: \"~\" must be followed by 0 or 1 (RFC 6901)"
                            ))
                        }
                    }
                } else {
                    tok.push(c);
                }
            }
            tokens.push(PointerToken::new(tok));
        }
        Ok(Pointer {
            text: text.to_owned(),
            tokens,
        })
    }

    /// The request value this pointer refers to, if present. Array indexes
    /// are decimal without leading zeros; `-` never refers to anything.
    pub(crate) fn resolve<'d>(&self, root: Val<'d>) -> Option<Val<'d>> {
        let mut cur = root;
        for t in &self.tokens {
            cur = match cur.kind() {
                DocKind::Object => cur.get(&t.name)?,
                DocKind::Array => cur.items().nth(t.index?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// [`Pointer::resolve`] on a `serde_json::Value` (the same rule).
    #[cfg(test)]
    pub(crate) fn resolve_value<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut cur = root;
        for t in &self.tokens {
            cur = match cur {
                Value::Object(m) => m.get(&t.name)?,
                Value::Array(a) => a.get(t.index?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}
