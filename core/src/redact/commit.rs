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

use super::apply::{
    canonical_bytes, escape_into, not_an_object, pointer_of, sorted, Keyed, Walker,
};
use super::policy::{RedactionPolicy, Step};
use super::{Error, ErrorCode};
use crate::canonical::cmp_utf16;
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
                escape_into(at, k);
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
    seen: BTreeSet<String>,
    /// Whether to note where values were opened and digests left
    /// (`disclose_report`); `disclose` walks without paths.
    track: bool,
    /// Where the walk is, in the view.
    path: Vec<Seg>,
    /// View paths: of each value a disclosure brought back (`0`), and of
    /// each node that keeps digests no disclosure opened (how many, ≥ 1).
    /// One list, so that one sort orders both.
    marks: Vec<(Vec<Seg>, u64)>,
}

/// One step of a path in the view (owned: the view is built as it is walked).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Name(String),
    Index(usize),
}

/// Document order of the view's canonical form: a node before its
/// children, members in canonical (UTF-16) order, elements by index.
fn cmp_path(a: &[Seg], b: &[Seg]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Seg::Name(x), Seg::Name(y)) => cmp_utf16(x, y),
            (Seg::Index(x), Seg::Index(y)) => x.cmp(y),
            // Siblings are all names or all indices; never reached.
            (Seg::Name(_), Seg::Index(_)) => Ordering::Less,
            (Seg::Index(_), Seg::Name(_)) => Ordering::Greater,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

impl Seg {
    fn step(&self) -> Step<'_> {
        match self {
            Seg::Name(n) => Step::Name(n),
            Seg::Index(i) => Step::Index(*i),
        }
    }
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
        self.by_digest.remove(d)
    }

    fn hide(&mut self, unopened: u64) {
        if self.track && unopened > 0 {
            self.marks.push((self.path.clone(), unopened));
        }
    }

    /// Walks `v` as the child `seg` of the current node; `opened`: a
    /// disclosure brought it back. The path is only built when tracked.
    fn child(&mut self, seg: impl FnOnce() -> Seg, opened: bool, v: Value) -> Result<Value, Error> {
        if !self.track {
            return self.walk(v);
        }
        self.path.push(seg());
        if opened {
            self.marks.push((self.path.clone(), 0));
        }
        let r = self.walk(v);
        self.path.pop();
        r
    }

    fn walk(&mut self, v: Value) -> Result<Value, Error> {
        Ok(match v {
            Value::Object(mut m) => {
                let sd = m.remove("_sd");
                let mut out = Map::new();
                for (k, c) in m {
                    let v = self.child(|| Seg::Name(k.clone()), false, c)?;
                    out.insert(k, v);
                }
                let mut unopened = 0;
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
                            let value = self.child(|| Seg::Name(name.clone()), true, x.value)?;
                            out.insert(name, value);
                        } else {
                            unopened += 1;
                        }
                    }
                }
                self.hide(unopened);
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut unopened = 0;
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
                                let at = out.len();
                                let v = self.child(|| Seg::Index(at), true, x.value)?;
                                out.push(v);
                            } else {
                                unopened += 1;
                            }
                        }
                        None => {
                            let at = out.len();
                            let v = self.child(|| Seg::Index(at), false, item)?;
                            out.push(v);
                        }
                    }
                }
                self.hide(unopened);
                Value::Array(out)
            }
            other => other,
        })
    }
}

/// What a reader sees of a record in commitment form with some of its
/// disclosures: [`disclose_report`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisclosedView {
    /// The record as the reader sees it: each disclosed value back in its
    /// place, every other hidden value left out (what [`disclose`] returns).
    pub view: Value,
    /// The JSON Pointer (RFC 6901), in `view`, of each value a disclosure
    /// brought back, in document order (a node before its children,
    /// members in canonical order, elements by index). A disclosed value
    /// inside another is listed too.
    pub opened: Vec<String>,
    /// Each node of `view` where the record keeps digests that none of the
    /// disclosures opened (a hidden value, or a decoy digest), with how
    /// many, in the same order.
    pub hidden: Vec<HiddenDigests>,
}

/// A node of a view that keeps digests no disclosure opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HiddenDigests {
    /// The node's JSON Pointer in the view: an object whose `_sd` had them,
    /// or an array whose `{"...": digest}` elements they were.
    pub pointer: String,
    /// How many digests stay unopened there.
    pub digests: u64,
}

impl DisclosedView {
    /// The report as JSON: `{"view", "opened", "hidden": [{"pointer",
    /// "digests"}]}`, the shape every binding returns.
    pub fn to_value(&self) -> Value {
        let hidden: Vec<Value> = self
            .hidden
            .iter()
            .map(|h| json!({ "pointer": h.pointer, "digests": h.digests }))
            .collect();
        json!({ "view": self.view, "opened": self.opened, "hidden": hidden })
    }
}

/// The record as a reader sees it with `disclosures`: each disclosed value
/// back in its place, every other hidden value left out. Refused: a
/// disclosure that is malformed, given twice, or referenced nowhere; a
/// digest the record has twice; a disclosed name the object already has.
pub fn disclose(record: &Value, disclosures: &[&str]) -> Result<Value, crate::Error> {
    Ok(disclosed(record, disclosures, false)?.view)
}

/// [`disclose`], and where in the view the disclosures put values back and
/// where digests stay unopened: what a reader's display needs without
/// knowing the commitment form. Refuses what [`disclose`] refuses.
pub fn disclose_report(
    record: &Value,
    disclosures: &[&str],
) -> Result<DisclosedView, crate::Error> {
    disclosed(record, disclosures, true)
}

/// The one walk of [`disclose`] and [`disclose_report`]; the report's
/// lists are empty unless `track`.
fn disclosed(
    record: &Value,
    disclosures: &[&str],
    track: bool,
) -> Result<DisclosedView, crate::Error> {
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
        seen: BTreeSet::new(),
        track,
        path: Vec::new(),
        marks: Vec::new(),
    };
    let view = w.walk(record.clone())?;
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
    crate::sort::sort_by(&mut w.marks, |a, b| cmp_path(&a.0, &b.0));
    let (mut opened, mut hidden) = (Vec::new(), Vec::new());
    for (path, n) in &w.marks {
        let pointer = pointer_of(path.iter().map(Seg::step));
        match *n {
            0 => opened.push(pointer),
            digests => hidden.push(HiddenDigests { pointer, digests }),
        }
    }
    Ok(DisclosedView {
        view,
        opened,
        hidden,
    })
}
