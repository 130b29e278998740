//! The redaction policy document, loaded with a path for every problem.

use super::detect::Detector;
use super::{normalize_name, Error, ErrorCode};
use crate::canonical;
use crate::digest::{self, Digest};
use crate::text::quote;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The `type` of a redaction policy.
pub const POLICY_TYPE: &str = "trustcore.redaction-policy/v1";
/// The `type` of a redaction record.
pub const RECORD_TYPE: &str = "trustcore.redaction-record/v1";

/// One token of a pointer pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// This member name or array index.
    Lit(String),
    /// Any one member or element.
    One,
    /// Zero or more levels.
    Any,
}

/// What a rule selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Values at pointers matching the pattern.
    Pointer(String),
    /// Members whose names are in the class (normalized: case, `_`, `-`
    /// and spaces ignored), at any depth.
    Keys(Vec<String>),
    /// String values the detector matches, anywhere.
    Detect(Detector),
}

/// What a rule does to a selected value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Remove the member (or array element).
    Remove,
    /// Replace the value with a fixed marker string.
    Replace(String),
    /// Keep the last `n` characters of the value's text, the others as `*`.
    Mask(usize),
    /// Replace the value with `pseud:` and the base64url HMAC-SHA-256 of its
    /// canonical JSON under the caller's pseudonym key (first 16 bytes): the
    /// same value gives the same token, so joins still work.
    Pseudonymize,
}

impl Action {
    /// The policy spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Remove => "remove",
            Action::Replace(_) => "replace",
            Action::Mask(_) => "mask",
            Action::Pseudonymize => "pseudonymize",
        }
    }
}

/// One rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Its id (in the record; shared with every record entry it makes).
    pub id: Arc<str>,
    /// What it selects.
    pub select: Selector,
    /// What it does.
    pub action: Action,
    /// The class of data (in the record): the detector's name by default,
    /// else `pii`.
    pub class: Arc<str>,
    pub(crate) pattern: Vec<Token>,
    pub(crate) keys: Vec<String>,
}

/// A redaction policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactionPolicy {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u64,
    /// The rules, tried in order: the first that selects a value applies.
    pub rules: Vec<Rule>,
    pub(crate) digest: String,
    pub(crate) source: Value,
    pub(crate) index: RuleIndex,
}

/// A multiply-rotate hash over eight bytes at a time (FxHash's step, with a
/// final mix for the table's top bits): the index's keys are short member
/// names from the policy, looked up at every node of every document, where
/// SipHash's keyed rounds, or FNV's multiply per byte, cost more than the
/// lookup. It is no defence against crafted documents, and need not be: a
/// lookup only ever finds the policy's own names, and documents never insert.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NameHash(u64);

const MIX: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NameHash {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(MIX);
    }
}

/// The first eight bytes of `b` (at least eight), little-endian.
#[inline]
fn le64(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// The first four bytes of `b` (at least four), little-endian.
#[inline]
fn le32(b: &[u8]) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(w))
}

impl std::hash::Hasher for NameHash {
    fn finish(&self) -> u64 {
        let h = self.0;
        (h ^ (h >> 31)).wrapping_mul(0x94d0_49bb_1331_11eb) ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        // Fixed-size loads only: a copy of a variable-length tail would be a
        // call to memcpy, and a store of bytes reloaded as a word a stall.
        let n = bytes.len();
        let mut words = bytes.chunks_exact(8);
        for c in &mut words {
            self.add(le64(c));
        }
        let tail = match n {
            0 => return,
            _ if n % 8 == 0 => return,
            // The last eight bytes, overlapping the last whole word.
            8.. => le64(&bytes[n - 8..]),
            4..=7 => (le32(bytes) << 32) | le32(&bytes[n - 4..]),
            _ => {
                (u64::from(bytes[0]) << 16)
                    | (u64::from(bytes[n / 2]) << 8)
                    | u64::from(bytes[n - 1])
            }
        };
        self.add(tail ^ ((n as u64) << 56));
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b) | 0x100);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

type NameMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<NameHash>>;

/// Which rules can select a node, by what it is: the walk tries only those
/// (in rule order) instead of every rule at every node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RuleIndex {
    /// Pointer rules whose pattern ends with a member name.
    pub(crate) by_last_name: NameMap<String, Vec<usize>>,
    /// Pointer rules whose pattern ends with an array index.
    pub(crate) by_last_index: NameMap<usize, Vec<usize>>,
    /// Pointer rules whose pattern ends with `*` or `**`.
    pub(crate) wildcard: Vec<usize>,
    /// Member-class rules, by normalized name.
    pub(crate) by_key: NameMap<Vec<u8>, Vec<usize>>,
    /// Detector rules.
    pub(crate) detect: Vec<usize>,
    /// A filter over `by_last_name`'s names ([`name_bit`]): a name whose bit
    /// is clear is not there, with no hashing.
    pub(crate) last_names: u64,
    /// The first bytes of `by_key`'s names that are ASCII: a member whose
    /// name starts with an ASCII letter or digit absent here has no class
    /// rule (its normalized name starts with that byte, lowercased).
    pub(crate) key_firsts: u128,
}

/// A name's bit in [`RuleIndex::last_names`], from its length and first byte.
#[inline]
pub(crate) fn name_bit(name: &[u8]) -> u64 {
    let first = usize::from(name.first().copied().unwrap_or(0));
    1 << (name.len().wrapping_mul(7).wrapping_add(first) & 63)
}

impl RuleIndex {
    fn new(rules: &[Rule]) -> RuleIndex {
        let mut ix = RuleIndex::default();
        for (i, r) in rules.iter().enumerate() {
            match &r.select {
                Selector::Pointer(_) => match r.pattern.last() {
                    Some(Token::Lit(l)) => {
                        ix.by_last_name.entry(l.clone()).or_default().push(i);
                        ix.last_names |= name_bit(l.as_bytes());
                        let decimal = (l == "0" || !l.starts_with('0'))
                            && !l.is_empty()
                            && l.bytes().all(|b| b.is_ascii_digit());
                        if let (true, Ok(n)) = (decimal, l.parse::<usize>()) {
                            ix.by_last_index.entry(n).or_default().push(i);
                        }
                    }
                    _ => ix.wildcard.push(i),
                },
                Selector::Keys(_) => {
                    for k in &r.keys {
                        if let Some(&b) = k.as_bytes().first().filter(|b| b.is_ascii()) {
                            ix.key_firsts |= 1 << b;
                        }
                        let list = ix.by_key.entry(k.clone().into_bytes()).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
                Selector::Detect(_) => ix.detect.push(i),
            }
        }
        ix
    }
}

/// The most rules a policy may have.
pub const MAX_RULES: usize = 256;

fn allowed(m: &Map<String, Value>, at: &str, keys: &[&str]) -> Result<(), Error> {
    match m.keys().find(|k| !keys.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(Error::at(
            &crate::policy::push_token(at, k),
            format!(
                "unknown member {}; the members here are {}",
                quote(k),
                keys.join(", ")
            ),
        )),
    }
}

fn text<'v>(m: &'v Map<String, Value>, at: &str, name: &str, max: usize) -> Result<&'v str, Error> {
    match m.get(name) {
        Some(Value::String(s))
            if !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control) =>
        {
            Ok(s)
        }
        _ => Err(Error::at(
            &format!("{at}/{name}"),
            format!("{name} must be 1-{max} characters without control characters"),
        )),
    }
}

/// Parses a pointer pattern: RFC 6901 tokens, `*` for one level and `**`
/// for any depth (`~0` and `~1` escape `~` and `/`; a literal `*` is `~2`).
fn pattern(p: &str, at: &str) -> Result<Vec<Token>, Error> {
    if !p.starts_with('/') {
        return Err(Error::at(at, "a pointer pattern starts with /"));
    }
    let mut out = Vec::new();
    for raw in p.split('/').skip(1) {
        let t = match raw {
            "*" => Token::One,
            "**" => Token::Any,
            s => {
                let mut lit = String::new();
                let mut chars = s.chars();
                while let Some(c) = chars.next() {
                    if c == '~' {
                        match chars.next() {
                            Some('0') => lit.push('~'),
                            Some('1') => lit.push('/'),
                            Some('2') => lit.push('*'),
                            _ => {
                                return Err(Error::at(
                                    at,
                                    "~ must be followed by 0, 1 or 2 in a pointer pattern",
                                ))
                            }
                        }
                    } else {
                        lit.push(c);
                    }
                }
                Token::Lit(lit)
            }
        };
        // `**/**` is `**`.
        if !(t == Token::Any && out.last() == Some(&Token::Any)) {
            out.push(t);
        }
    }
    if out.is_empty() {
        return Err(Error::at(
            at,
            "a pattern selects something below the document's root",
        ));
    }
    if out.iter().filter(|t| **t == Token::Any).count() > 4 {
        return Err(Error::at(
            at,
            "a pattern has at most four ** (matching cost grows with each)",
        ));
    }
    if out.len() > 128 {
        return Err(Error::at(at, "a pattern has at most 128 tokens"));
    }
    Ok(out)
}

impl RedactionPolicy {
    /// Loads a policy from JSON text (strict I-JSON).
    pub fn from_json(text: &[u8]) -> Result<RedactionPolicy, crate::Error> {
        canonical::canonicalize_text(text)?;
        let v: Value =
            serde_json::from_slice(text).map_err(|e| Error::at("", format!("not JSON: {e}")))?;
        Ok(Self::from_value(&v)?)
    }

    /// Loads a policy from a value, checking every rule.
    pub fn from_value(v: &Value) -> Result<RedactionPolicy, Error> {
        let m = v
            .as_object()
            .ok_or_else(|| Error::at("", "a redaction policy is a JSON object"))?;
        match m.get("type").and_then(Value::as_str) {
            Some(POLICY_TYPE) => {}
            Some(t) if t.starts_with("trustcore.redaction-policy/") => {
                return Err(Error {
                    code: ErrorCode::UnsupportedPolicyVersion,
                    message: format!(
                        "{} is not a policy version this release reads ({POLICY_TYPE})",
                        quote(t)
                    ),
                    path: Some("/type".into()),
                })
            }
            _ => {
                return Err(Error::at(
                    "/type",
                    format!("\"type\" must be {POLICY_TYPE:?}"),
                ))
            }
        }
        allowed(m, "", &["type", "id", "version", "rules", "marker"])?;
        let id = text(m, "", "id", 128)?.to_string();
        let version = m
            .get("version")
            .and_then(Value::as_u64)
            .filter(|v| *v >= 1 && *v < (1 << 53))
            .ok_or_else(|| Error::at("/version", "version must be an integer from 1"))?;
        let marker = match m.get("marker") {
            None => "[REDACTED]".to_string(),
            Some(_) => text(m, "", "marker", 256)?.to_string(),
        };
        let list = m
            .get("rules")
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty() && l.len() <= MAX_RULES)
            .ok_or_else(|| {
                Error::at(
                    "/rules",
                    format!("rules must be an array of 1-{MAX_RULES} rules"),
                )
            })?;
        let mut rules = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let at = format!("/rules/{i}");
            let o = r
                .as_object()
                .ok_or_else(|| Error::at(&at, "a rule is an object"))?;
            allowed(
                o,
                &at,
                &["id", "select", "action", "class", "marker", "keep"],
            )?;
            let rid = text(o, &at, "id", 128)?.to_string();
            if rules.iter().any(|x: &Rule| *x.id == *rid) {
                return Err(Error::at(
                    &format!("{at}/id"),
                    format!("rule id {} is used twice", quote(&rid)),
                ));
            }
            let sat = format!("{at}/select");
            let sel = o.get("select").and_then(Value::as_object).ok_or_else(|| {
                Error::at(
                    &sat,
                    "select is an object with one of pointer, keys, detect",
                )
            })?;
            allowed(sel, &sat, &["pointer", "keys", "detect"])?;
            if sel.len() != 1 {
                return Err(Error::at(
                    &sat,
                    "select has exactly one of pointer, keys, detect",
                ));
            }
            let (select, pat, keys, default_class) = if let Some(p) = sel.get("pointer") {
                let p = p.as_str().ok_or_else(|| {
                    Error::at(&format!("{sat}/pointer"), "pointer must be a string")
                })?;
                let pat = pattern(p, &format!("{sat}/pointer"))?;
                (
                    Selector::Pointer(p.to_string()),
                    pat,
                    Vec::new(),
                    "pii".to_string(),
                )
            } else if let Some(k) = sel.get("keys") {
                let names = k
                    .as_array()
                    .filter(|a| !a.is_empty() && a.len() <= 256)
                    .ok_or_else(|| {
                        Error::at(
                            &format!("{sat}/keys"),
                            "keys must be an array of 1-256 member names",
                        )
                    })?;
                let mut list = Vec::new();
                for (j, n) in names.iter().enumerate() {
                    let s = n
                        .as_str()
                        .filter(|s| !normalize_name(s).is_empty())
                        .ok_or_else(|| {
                            Error::at(
                                &format!("{sat}/keys/{j}"),
                                "a key is a non-empty member name",
                            )
                        })?;
                    list.push(s.to_string());
                }
                let norm = list.iter().map(|s| normalize_name(s)).collect();
                (Selector::Keys(list), Vec::new(), norm, "pii".to_string())
            } else {
                let d = sel
                    .get("detect")
                    .and_then(Value::as_str)
                    .and_then(Detector::from_name)
                    .ok_or_else(|| {
                        let names: Vec<&str> = Detector::ALL.iter().map(|d| d.as_str()).collect();
                        Error::at(
                            &format!("{sat}/detect"),
                            format!("detect is one of {}", names.join(", ")),
                        )
                    })?;
                (
                    Selector::Detect(d),
                    Vec::new(),
                    Vec::new(),
                    d.as_str().to_string(),
                )
            };
            let action = match o.get("action").and_then(Value::as_str) {
                Some("remove") => Action::Remove,
                Some("replace") => Action::Replace(match o.get("marker") {
                    None => marker.clone(),
                    Some(_) => text(o, &at, "marker", 256)?.to_string(),
                }),
                Some("mask") => Action::Mask(match o.get("keep") {
                    None => 4,
                    Some(k) => k.as_u64().filter(|k| *k <= 64).ok_or_else(|| {
                        Error::at(&format!("{at}/keep"), "keep is an integer from 0 to 64")
                    })? as usize,
                }),
                Some("pseudonymize") => Action::Pseudonymize,
                _ => {
                    return Err(Error::at(
                        &format!("{at}/action"),
                        "action is one of remove, replace, mask, pseudonymize",
                    ))
                }
            };
            if o.contains_key("marker") && !matches!(action, Action::Replace(_)) {
                return Err(Error::at(
                    &format!("{at}/marker"),
                    "marker goes with action replace",
                ));
            }
            if o.contains_key("keep") && !matches!(action, Action::Mask(_)) {
                return Err(Error::at(
                    &format!("{at}/keep"),
                    "keep goes with action mask",
                ));
            }
            let class = match o.get("class") {
                None => default_class,
                Some(_) => text(o, &at, "class", 64)?.to_string(),
            };
            rules.push(Rule {
                id: rid.into(),
                select,
                action,
                class: class.into(),
                pattern: pat,
                keys,
            });
        }
        let bytes = canonical::canonicalize_value(v, &Default::default()).unwrap_or_default();
        Ok(RedactionPolicy {
            id,
            version,
            index: RuleIndex::new(&rules),
            rules,
            digest: Digest::of(digest::Algorithm::Sha256, &bytes).to_string(),
            source: v.clone(),
        })
    }

    /// `sha256:<hex>` of the canonical policy document.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The policy document.
    pub fn to_value(&self) -> Value {
        self.source.clone()
    }

    /// Whether any rule pseudonymizes (then a pseudonym key is needed).
    pub fn needs_pseudonym_key(&self) -> bool {
        self.rules.iter().any(|r| r.action == Action::Pseudonymize)
    }
}

/// One step of the path to a node: a member name (borrowed from the
/// document) or an array index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    Name(&'a str),
    Index(usize),
}

impl Step<'_> {
    /// Whether a pattern's literal token names this step (an index is
    /// named by its decimal spelling without leading zeros).
    pub(crate) fn is(&self, lit: &str) -> bool {
        match *self {
            Step::Name(n) => n == lit,
            Step::Index(i) => {
                (lit == "0" || !lit.starts_with('0'))
                    && lit.bytes().all(|b| b.is_ascii_digit())
                    && lit.parse::<usize>().ok() == Some(i)
            }
        }
    }
}

/// Whether `path` (tokens of a value below the root) matches `pat`.
pub(crate) fn matches(pat: &[Token], path: &[Step<'_>]) -> bool {
    // Most patterns end with a name: a node of another name is out at once.
    if let (Some(Token::Lit(l)), Some(last)) = (pat.last(), path.last()) {
        if !last.is(l) {
            return false;
        }
    }
    matches_from(pat, path)
}

fn matches_from(pat: &[Token], path: &[Step<'_>]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        Some((Token::Any, rest)) => (0..=path.len()).any(|k| matches_from(rest, &path[k..])),
        Some((t, rest)) => match path.split_first() {
            None => false,
            Some((p, prest)) => {
                let ok = match t {
                    Token::Lit(l) => p.is(l),
                    Token::One => true,
                    Token::Any => true,
                };
                ok && matches_from(rest, prest)
            }
        },
    }
}
