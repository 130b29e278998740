//! Commitment form, in the style of SD-JWT (RFC 9901): each value the
//! policy selects is replaced by the digest of a disclosure, the signature
//! covers the digests, and a reader given any subset of disclosures sees
//! exactly the disclosed values.
//!
//! * An object member `k: v` becomes an entry of the object's `_sd` array
//!   (sorted), the digest of the disclosure `[salt, k, v]`; an array
//!   element `v` becomes `{"...": digest}` of the disclosure `[salt, v]`.
//! * A disclosure is the base64url (no padding) of the canonical JSON of
//!   that array; its digest is the base64url of SHA-256 over the
//!   disclosure's ASCII text.
//! * Salts are 16 bytes of HMAC-SHA-256 under the caller's salt key and the
//!   value's pointer: the same record, policy and key give the same bytes.

use super::apply::{canonical_bytes, not_an_object, sorted, Keyed, Walker};
use super::policy::{RedactionPolicy, Step};
use super::{Error, ErrorCode};
use crate::text::quote;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// A record in commitment form and its disclosures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The record with every selected value replaced by a digest (what a
    /// snapshot signs).
    pub record: Value,
    /// One disclosure per hidden value, in document order.
    pub disclosures: Vec<String>,
}

fn digest_of(disclosure: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(disclosure.as_bytes()))
}

fn disclosure(parts: Value) -> String {
    URL_SAFE_NO_PAD.encode(canonical_bytes(&parts))
}

struct Commit<'p, 'a> {
    w: Walker<'p, 'a>,
    /// The salt key's HMAC, its pads hashed once (no copy of the key).
    salts: Keyed,
    disclosures: Vec<String>,
}

impl<'a> Commit<'_, 'a> {
    fn children(&mut self, v: &'a Value) -> Result<Value, Error> {
        Ok(match v {
            Value::Object(m) => {
                if m.contains_key("_sd") {
                    return Err(Error::new(
                        ErrorCode::InvalidDocument,
                        format!("the object at {} already has an _sd member, which commitment form reserves", quote(&self.w.pointer())),
                    ));
                }
                let mut out = Map::new();
                let mut digests = Vec::new();
                for (k, child) in sorted(m) {
                    self.w.path.push(Step::Name(k));
                    if self.w.rule_for(Some(k), child.as_str()).is_some() {
                        let s = self.salts.salt(&self.w.pointer());
                        let d = disclosure(json!([URL_SAFE_NO_PAD.encode(s), k, child]));
                        digests.push(digest_of(&d));
                        self.disclosures.push(d);
                    } else {
                        let c = self.children(child);
                        match c {
                            Ok(c) => {
                                out.insert(k.clone(), c);
                            }
                            Err(e) => {
                                self.w.path.pop();
                                return Err(e);
                            }
                        }
                    }
                    self.w.path.pop();
                }
                if !digests.is_empty() {
                    crate::sort::sort(&mut digests);
                    out.insert("_sd".into(), digests.into());
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, child) in items.iter().enumerate() {
                    self.w.path.push(Step::Index(i));
                    if self.w.rule_for(None, child.as_str()).is_some() {
                        let s = self.salts.salt(&self.w.pointer());
                        let d = disclosure(json!([URL_SAFE_NO_PAD.encode(s), child]));
                        out.push(json!({"...": digest_of(&d)}));
                        self.disclosures.push(d);
                    } else {
                        let c = self.children(child);
                        match c {
                            Ok(c) => out.push(c),
                            Err(e) => {
                                self.w.path.pop();
                                return Err(e);
                            }
                        }
                    }
                    self.w.path.pop();
                }
                Value::Array(out)
            }
            other => other.clone(),
        })
    }
}

/// The commitment form of `record` under `policy` (every selected value is
/// hidden, whatever the rule's action), with its disclosures.
pub fn commit(
    record: &Value,
    policy: &RedactionPolicy,
    salt_key: &[u8; 32],
) -> Result<Committed, crate::Error> {
    canonical::canonicalize_value(record, &Default::default())?;
    if !record.is_object() {
        return Err(not_an_object().into());
    }
    if let Some((at, what)) = reserved(record, &mut String::new()) {
        return Err(Error::new(
            ErrorCode::InvalidDocument,
            format!(
                "the value at {} has {what}, which commitment form reserves (a disclosed copy could not be told from it)",
                quote(&at)
            ),
        )
        .into());
    }
    let mut c = Commit {
        w: Walker::new(policy),
        salts: Keyed::new(salt_key),
        disclosures: Vec::new(),
    };
    let out = c.children(record)?;
    Ok(Committed {
        record: out,
        disclosures: c.disclosures,
    })
}

use crate::canonical;

/// The first place in `v` that looks like commitment form (an `_sd` member,
/// or an array element `{"...": …}`), anywhere, hidden or not: a record
/// holding one would not come back as it was from its disclosures.
fn reserved(v: &Value, at: &mut String) -> Option<(String, &'static str)> {
    match v {
        Value::Object(m) => {
            if m.contains_key("_sd") {
                return Some((at.clone(), "an _sd member"));
            }
            for (k, c) in m {
                let len = at.len();
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                let r = reserved(c, at);
                at.truncate(len);
                if r.is_some() {
                    return r;
                }
            }
            None
        }
        Value::Array(items) => {
            for (i, c) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                if c.as_object().is_some_and(|o| o.contains_key("...")) {
                    return Some((at.clone(), "an element with a \"...\" member"));
                }
                let r = reserved(c, at);
                at.truncate(len);
                if r.is_some() {
                    return r;
                }
            }
            None
        }
        _ => None,
    }
}

/// A parsed disclosure: its name (for an object member) and value.
struct Disclosed {
    name: Option<String>,
    value: Value,
}

fn parse_disclosure(d: &str) -> Result<Disclosed, Error> {
    let bad = |m: &str| {
        Error::new(
            ErrorCode::InvalidDisclosure,
            format!("disclosure {}: {m}", quote(d)),
        )
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(d)
        .map_err(|_| bad("not unpadded base64url"))?;
    canonical::canonicalize_text(&bytes)
        .map_err(|e| bad(&format!("not strict JSON: {}", e.message())))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad("not JSON"))?;
    let Value::Array(mut a) = v else {
        return Err(bad("not a JSON array"));
    };
    let salt_ok = a
        .first()
        .and_then(Value::as_str)
        .is_some_and(|s| s.len() >= 16);
    if !salt_ok {
        return Err(bad(
            "the first element is the salt, a string of at least 16 characters",
        ));
    }
    match a.len() {
        2 => Ok(Disclosed {
            name: None,
            value: a.remove(1),
        }),
        3 => {
            let value = a.remove(2);
            match a.remove(1) {
                Value::String(n) if n == "_sd" || n == "..." => Err(Error::new(
                    ErrorCode::ClaimCollision,
                    format!(
                        "a disclosure may not name the reserved member {}",
                        quote(&n)
                    ),
                )),
                Value::String(n) => Ok(Disclosed {
                    name: Some(n),
                    value,
                }),
                _ => Err(bad("the second element is the member name, a string")),
            }
        }
        _ => Err(bad("a disclosure is [salt, value] or [salt, name, value]")),
    }
}

struct Disclose {
    /// Disclosures by digest; each may be used once.
    by_digest: BTreeMap<String, Disclosed>,
    used: BTreeSet<String>,
    seen: BTreeSet<String>,
}

impl Disclose {
    fn digest_seen(&mut self, d: &str) -> Result<(), Error> {
        if !self.seen.insert(d.to_string()) {
            return Err(Error::new(
                ErrorCode::DuplicateDigest,
                format!("digest {} appears twice in the record", quote(d)),
            ));
        }
        Ok(())
    }

    fn take(&mut self, d: &str) -> Option<Disclosed> {
        let x = self.by_digest.remove(d)?;
        self.used.insert(d.to_string());
        Some(x)
    }

    fn walk(&mut self, v: Value) -> Result<Value, Error> {
        Ok(match v {
            Value::Object(mut m) => {
                let sd = m.remove("_sd");
                let mut out = Map::new();
                for (k, c) in m {
                    out.insert(k, self.walk(c)?);
                }
                if let Some(sd) = sd {
                    let list = sd.as_array().cloned().ok_or_else(|| {
                        Error::new(
                            ErrorCode::InvalidDisclosure,
                            "an _sd member is an array of digests",
                        )
                    })?;
                    for d in list {
                        let d = d.as_str().map(str::to_string).ok_or_else(|| {
                            Error::new(
                                ErrorCode::InvalidDisclosure,
                                "an _sd entry is a digest string",
                            )
                        })?;
                        self.digest_seen(&d)?;
                        if let Some(x) = self.take(&d) {
                            let name = x.name.ok_or_else(|| {
                                Error::new(
                                    ErrorCode::InvalidDisclosure,
                                    "an array-element disclosure ([salt, value]) is referenced from an object's _sd",
                                )
                            })?;
                            if out.contains_key(&name) {
                                return Err(Error::new(
                                    ErrorCode::ClaimCollision,
                                    format!(
                                        "the disclosed member {} is already in the object",
                                        quote(&name)
                                    ),
                                ));
                            }
                            let value = self.walk(x.value)?;
                            out.insert(name, value);
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let hidden = item
                        .as_object()
                        .filter(|o| o.len() == 1)
                        .and_then(|o| o.get("..."))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    match hidden {
                        Some(d) => {
                            self.digest_seen(&d)?;
                            if let Some(x) = self.take(&d) {
                                if x.name.is_some() {
                                    return Err(Error::new(
                                        ErrorCode::InvalidDisclosure,
                                        "an object-member disclosure ([salt, name, value]) is referenced from an array",
                                    ));
                                }
                                out.push(self.walk(x.value)?);
                            }
                        }
                        None => out.push(self.walk(item)?),
                    }
                }
                Value::Array(out)
            }
            other => other,
        })
    }
}

/// The record as a reader sees it with `disclosures`: each disclosed value
/// back in its place, every other hidden value left out. Refused: a
/// disclosure that is malformed, given twice, or referenced nowhere; a
/// digest the record has twice; a disclosed name the object already has.
pub fn disclose(record: &Value, disclosures: &[&str]) -> Result<Value, crate::Error> {
    let mut by_digest = BTreeMap::new();
    for d in disclosures {
        let parsed = parse_disclosure(d)?;
        if by_digest.insert(digest_of(d), parsed).is_some() {
            return Err(Error::new(
                ErrorCode::DuplicateDigest,
                format!("disclosure {} is given twice", quote(d)),
            )
            .into());
        }
    }
    let mut w = Disclose {
        by_digest,
        used: BTreeSet::new(),
        seen: BTreeSet::new(),
    };
    let out = w.walk(record.clone())?;
    if let Some(d) = w.by_digest.keys().next() {
        return Err(Error::new(
            ErrorCode::UnreferencedDisclosure,
            format!(
                "the disclosure with digest {} is referenced nowhere in the record",
                quote(d)
            ),
        )
        .into());
    }
    Ok(out)
}
