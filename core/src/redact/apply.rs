//! Applying a policy: the redacted document and the record of what was
//! redacted, with salted commitments.

use super::policy::{matches, Action, RedactionPolicy, Rule, Selector, Step, RECORD_TYPE};
use super::{bad_key, normalize_into, Error, ErrorCode};
use crate::canonical::{self, cmp_utf16};
use crate::digest::{self, Digest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The caller's keys (the core has no randomness).
#[derive(Clone)]
pub struct RedactionKeys {
    /// Salts are derived from it per pointer (HMAC-SHA-256), so the record
    /// is reproducible by whoever holds it, and by nobody else.
    pub salt_key: Zeroizing<[u8; 32]>,
    /// The pseudonym key, when a rule pseudonymizes.
    pub pseudonym_key: Option<Zeroizing<[u8; 32]>>,
}

impl std::fmt::Debug for RedactionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedactionKeys { .. }")
    }
}

impl RedactionKeys {
    /// Keys from bytes (each 32 bytes, `missing_key` otherwise).
    pub fn from_bytes(salt_key: &[u8], pseudonym_key: Option<&[u8]>) -> Result<Self, Error> {
        let k = |b: &[u8], what: &str| -> Result<Zeroizing<[u8; 32]>, Error> {
            let a: [u8; 32] = b.try_into().map_err(|_| bad_key(what))?;
            Ok(Zeroizing::new(a))
        };
        Ok(RedactionKeys {
            salt_key: k(salt_key, "salt_key")?,
            pseudonym_key: pseudonym_key.map(|p| k(p, "pseudonym_key")).transpose()?,
        })
    }
}

/// An HMAC-SHA-256 key whose pads are hashed once (two compressions saved
/// per use: a redaction derives one salt per redacted value).
#[derive(Clone)]
pub(crate) struct Keyed(Option<Hmac<Sha256>>);

impl Keyed {
    pub(crate) fn new(key: &[u8; 32]) -> Keyed {
        // HMAC accepts keys of any length: this cannot fail.
        Keyed(Hmac::<Sha256>::new_from_slice(key).ok())
    }

    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let Some(m) = &self.0 else {
            return [0; 32];
        };
        let mut m = m.clone();
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// The salt of the value at `pointer` (see [`salt`]).
    pub(crate) fn salt(&self, pointer: &str) -> [u8; 16] {
        let h = self.mac(&[b"trustcore.redaction-salt/v1\0", pointer.as_bytes()]);
        let mut s = [0u8; 16];
        s.copy_from_slice(&h[..16]);
        s
    }
}

/// The salt of the value at `pointer`: 16 bytes of HMAC-SHA-256 under the
/// salt key.
pub(crate) fn salt(key: &[u8; 32], pointer: &str) -> [u8; 16] {
    Keyed::new(key).salt(pointer)
}

pub(crate) fn canonical_bytes(v: &Value) -> Vec<u8> {
    canonical::canonicalize_value(v, &Default::default()).unwrap_or_default()
}

/// The commitment to a value at a pointer with a salt:
/// `sha256:` of the canonical JSON `[salt (base64url), pointer, value]`.
pub fn commitment(salt: &[u8], pointer: &str, value: &Value) -> String {
    commitment_of(salt, pointer, &canonical_bytes(value))
}

/// [`commitment`] from the value's canonical bytes: the canonical form of
/// the array is written directly.
fn commitment_of(salt: &[u8], pointer: &str, value: &[u8]) -> String {
    let mut text = Vec::with_capacity(value.len() + pointer.len() + 32);
    text.push(b'[');
    canonical::write_escaped(&mut text, URL_SAFE_NO_PAD.encode(salt).as_bytes());
    text.push(b',');
    canonical::write_escaped(&mut text, pointer.as_bytes());
    text.push(b',');
    text.extend_from_slice(value);
    text.push(b']');
    Digest::of(digest::Algorithm::Sha256, &text).to_string()
}

fn escape_into(p: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => p.push_str("~0"),
            '/' => p.push_str("~1"),
            c => p.push(c),
        }
    }
}

/// The redacted document (canonical bytes) and the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redaction {
    /// The redacted document as canonical JSON.
    pub redacted: Vec<u8>,
    /// `trustcore.redaction-record/v1`: policy, the digests of the
    /// original and redacted documents, and one entry per redacted value.
    pub record: Value,
}

/// A document's root must be an object (commitment form and redaction).
pub(crate) fn not_an_object() -> Error {
    Error::new(
        ErrorCode::InvalidDocument,
        "the document to redact must be a JSON object",
    )
}

/// Walks a document and finds, for each node, the rule that selects it.
pub(crate) struct Walker<'p, 'a> {
    pub(crate) policy: &'p RedactionPolicy,
    pub(crate) path: Vec<Step<'a>>,
    /// A reused buffer for normalized member names.
    norm: String,
}

impl<'p, 'a> Walker<'p, 'a> {
    pub(crate) fn new(policy: &'p RedactionPolicy) -> Self {
        Walker {
            policy,
            path: Vec::with_capacity(16),
            norm: String::new(),
        }
    }

    /// The first rule that selects the node (a member named `name`, or an
    /// element when `None`) at the current path: of the rules that can (by
    /// the policy's index), the first in policy order that does.
    pub(crate) fn rule_for(&mut self, name: Option<&str>, v: &Value) -> Option<&'p Rule> {
        let policy = self.policy;
        let ix = &policy.index;
        let rules = &policy.rules;
        let path = &self.path;
        let mut best = usize::MAX;
        let pointer_rule = |i: usize| matches(&rules[i].pattern, path);
        let ending = match path.last() {
            Some(Step::Name(n)) => ix.by_last_name.get(*n),
            Some(Step::Index(i)) => ix.by_last_index.get(i),
            None => None,
        };
        for list in [ending, Some(&ix.wildcard)].into_iter().flatten() {
            if let Some(&i) = list
                .iter()
                .take_while(|&&i| i < best)
                .find(|&&i| pointer_rule(i))
            {
                best = i;
            }
        }
        if let (Some(n), false) = (name, ix.by_key.is_empty()) {
            normalize_into(n, &mut self.norm);
            if let Some(&i) = ix.by_key.get(self.norm.as_str()).and_then(|l| l.first()) {
                best = best.min(i);
            }
        }
        if let Some(s) = v.as_str() {
            let hit = ix
                .detect
                .iter()
                .take_while(|&&i| i < best)
                .find(|&&i| matches!(&rules[i].select, Selector::Detect(d) if d.matches(s)));
            if let Some(&i) = hit {
                best = i;
            }
        }
        rules.get(best)
    }

    pub(crate) fn pointer(&self) -> String {
        let mut p = String::new();
        for t in &self.path {
            p.push('/');
            match t {
                Step::Name(n) => escape_into(&mut p, n),
                Step::Index(i) => p.push_str(&i.to_string()),
            }
        }
        p
    }
}

/// Members of an object in canonical (UTF-16) order.
pub(crate) fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by(|a, b| cmp_utf16(a.0, b.0));
    v
}

/// The mask of a value: its text (a string's own, another scalar's
/// canonical JSON; `****` for a container) with all but the last `keep`
/// characters as `*`, written as a canonical JSON string.
fn write_masked(out: &mut Vec<u8>, v: &Value, canon: &[u8], keep: usize) {
    let text: &str = match v {
        Value::String(s) => s,
        Value::Array(_) | Value::Object(_) => "****",
        _ => std::str::from_utf8(canon).unwrap_or_default(),
    };
    if matches!(v, Value::Array(_) | Value::Object(_)) {
        canonical::write_escaped(out, b"****");
        return;
    }
    let n = text.chars().count();
    let shown = keep.min(n);
    let mut masked = "*".repeat(n - shown);
    masked.extend(text.chars().skip(n - shown));
    canonical::write_escaped(out, masked.as_bytes());
}

/// Why the walk could not write a node: the canonicalizer's own error is
/// then taken from canonicalizing the original whole (same code and path).
enum Walk {
    Canonical,
    Other(crate::Error),
}

impl From<Error> for Walk {
    fn from(e: Error) -> Self {
        Walk::Other(e.into())
    }
}

struct Apply<'p, 'a> {
    w: Walker<'p, 'a>,
    /// The original document's canonical bytes, written as the walk goes.
    orig: Vec<u8>,
    salts: Keyed,
    pseudonyms: Option<Keyed>,
    entries: Vec<Value>,
    /// The redacted document's canonical bytes, written as the walk goes.
    out: Vec<u8>,
    /// The canonical bytes of the value being redacted.
    scratch: Vec<u8>,
    /// Reused buffers for the members of an object in canonical order.
    pool: Vec<Vec<(&'a String, &'a Value)>>,
}

impl<'a> Apply<'_, 'a> {
    /// Writes the node after redaction; false when it is removed.
    fn node(&mut self, name: Option<&str>, v: &'a Value) -> Result<bool, Walk> {
        let Some(rule) = self.w.rule_for(name, v) else {
            self.children(v)?;
            return Ok(true);
        };
        let pointer = self.w.pointer();
        self.scratch.clear();
        if self.w.path.len() >= canonical::DEFAULT_MAX_DEPTH
            || canonical::write_value(v, &mut self.scratch).is_err()
        {
            return Err(Walk::Canonical);
        }
        self.orig.extend_from_slice(&self.scratch);
        let kept = match &rule.action {
            Action::Remove => false,
            Action::Replace(m) => {
                canonical::write_escaped(&mut self.out, m.as_bytes());
                true
            }
            Action::Mask(keep) => {
                write_masked(&mut self.out, v, &self.scratch, *keep);
                true
            }
            Action::Pseudonymize => {
                let key = self
                    .pseudonyms
                    .as_ref()
                    .ok_or_else(|| bad_key("pseudonym_key"))?;
                let h = key.mac(&[b"trustcore.pseudonym/v1\0", &self.scratch]);
                let token = format!("pseud:{}", URL_SAFE_NO_PAD.encode(&h[..16]));
                canonical::write_escaped(&mut self.out, token.as_bytes());
                true
            }
        };
        let s = self.salts.salt(&pointer);
        let commitment = commitment_of(&s, &pointer, &self.scratch);
        let mut e = Map::new();
        e.insert("action".into(), rule.action.as_str().into());
        e.insert("class".into(), Value::String(rule.class.clone()));
        e.insert("commitment".into(), Value::String(commitment));
        e.insert("pointer".into(), Value::String(pointer));
        e.insert("rule".into(), Value::String(rule.id.clone()));
        self.entries.push(Value::Object(e));
        Ok(kept)
    }

    /// Writes a node that no rule selected, redacting inside it.
    fn children(&mut self, v: &'a Value) -> Result<(), Walk> {
        if self.w.path.len() >= canonical::DEFAULT_MAX_DEPTH {
            return Err(Walk::Canonical);
        }
        match v {
            Value::Object(m) => {
                self.orig.push(b'{');
                self.out.push(b'{');
                let mut first = true;
                let mut members = self.pool.pop().unwrap_or_default();
                members.extend(m.iter());
                members.sort_by(|a, b| cmp_utf16(a.0, b.0));
                for (n, &(k, child)) in members.iter().enumerate() {
                    if n > 0 {
                        self.orig.push(b',');
                    }
                    let name_at = self.orig.len();
                    canonical::write_escaped(&mut self.orig, k.as_bytes());
                    self.orig.push(b':');
                    let mark = self.out.len();
                    if !first {
                        self.out.push(b',');
                    }
                    self.out.extend_from_slice(&self.orig[name_at..]);
                    self.w.path.push(Step::Name(k));
                    let r = self.node(Some(k), child);
                    self.w.path.pop();
                    match r {
                        Ok(true) => first = false,
                        Ok(false) => self.out.truncate(mark),
                        Err(e) => return Err(e),
                    }
                }
                members.clear();
                self.pool.push(members);
                self.orig.push(b'}');
                self.out.push(b'}');
            }
            Value::Array(items) => {
                self.orig.push(b'[');
                self.out.push(b'[');
                let mut first = true;
                for (i, child) in items.iter().enumerate() {
                    if i > 0 {
                        self.orig.push(b',');
                    }
                    let mark = self.out.len();
                    if !first {
                        self.out.push(b',');
                    }
                    self.w.path.push(Step::Index(i));
                    let r = self.node(None, child);
                    self.w.path.pop();
                    if r? {
                        first = false;
                    } else {
                        self.out.truncate(mark);
                    }
                }
                self.orig.push(b']');
                self.out.push(b']');
            }
            scalar => {
                let at = self.orig.len();
                if canonical::write_value(scalar, &mut self.orig).is_err() {
                    return Err(Walk::Canonical);
                }
                self.out.extend_from_slice(&self.orig[at..]);
            }
        }
        Ok(())
    }
}

/// Redacts `doc` under `policy`: every value a rule selects (the first rule
/// that selects it), wherever it sits; the root itself stays. Removed
/// members and array elements are dropped (pointers in the record are into
/// the original). The redacted bytes are written as the document is walked,
/// with no second tree.
pub fn redact(
    doc: &Value,
    policy: &RedactionPolicy,
    keys: &RedactionKeys,
) -> Result<Redaction, crate::Error> {
    if policy.needs_pseudonym_key() && keys.pseudonym_key.is_none() {
        return Err(bad_key("pseudonym_key").into());
    }
    if !doc.is_object() {
        canonical::canonicalize_value(doc, &Default::default())?;
        return Err(not_an_object().into());
    }
    // One walk writes the original's canonical bytes and the redacted ones.
    let mut a = Apply {
        w: Walker::new(policy),
        orig: Vec::with_capacity(1024),
        salts: Keyed::new(&keys.salt_key),
        pseudonyms: keys.pseudonym_key.as_deref().map(Keyed::new),
        entries: Vec::new(),
        out: Vec::with_capacity(1024),
        scratch: Vec::new(),
        pool: Vec::new(),
    };
    match a.children(doc) {
        Ok(()) => {}
        Err(Walk::Other(e)) => return Err(e),
        // What cannot be canonicalized is refused with the canonicalizer's
        // own code and path.
        Err(Walk::Canonical) => {
            canonical::canonicalize_value(doc, &Default::default())?;
            return Err(super::Error::new(
                super::ErrorCode::InvalidDocument,
                "the document cannot be written as canonical JSON",
            )
            .into());
        }
    }
    let (original, redacted) = (a.orig, a.out);
    let mut p = Map::new();
    p.insert("digest".into(), policy.digest().into());
    p.insert("id".into(), Value::String(policy.id.clone()));
    p.insert("version".into(), policy.version.into());
    let mut record = Map::new();
    record.insert(
        "original".into(),
        Digest::of(digest::Algorithm::Sha256, &original)
            .to_string()
            .into(),
    );
    record.insert("policy".into(), Value::Object(p));
    record.insert(
        "redacted".into(),
        Digest::of(digest::Algorithm::Sha256, &redacted)
            .to_string()
            .into(),
    );
    record.insert("redactions".into(), Value::Array(a.entries));
    record.insert("type".into(), RECORD_TYPE.into());
    let record = Value::Object(record);
    Ok(Redaction { redacted, record })
}

/// Whether `value` is the one a record entry committed to, given the salt
/// key (a privileged reader's proof of what was removed).
pub fn proves(entry: &Value, value: &Value, salt_key: &[u8; 32]) -> bool {
    let Some(pointer) = entry.get("pointer").and_then(Value::as_str) else {
        return false;
    };
    let s = salt(salt_key, pointer);
    entry.get("commitment").and_then(Value::as_str) == Some(commitment(&s, pointer, value).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Every rule in order, the first that selects the node: the rule the
    /// index must give.
    fn naive<'p>(w: &Walker<'p, '_>, name: Option<&str>, v: &Value) -> Option<&'p Rule> {
        let norm = name.map(crate::redact::normalize_name);
        w.policy.rules.iter().find(|r| match &r.select {
            Selector::Pointer(_) => matches(&r.pattern, &w.path),
            Selector::Keys(_) => norm.as_ref().is_some_and(|n| r.keys.iter().any(|k| k == n)),
            Selector::Detect(d) => v.as_str().is_some_and(|s| d.matches(s)),
        })
    }

    fn visit<'a>(w: &mut Walker<'_, 'a>, name: Option<&str>, v: &'a Value, seen: &mut usize) {
        let want = naive(w, name, v).map(|r| r.id.clone());
        let got = w.rule_for(name, v).map(|r| r.id.clone());
        assert_eq!(got, want, "at {}", w.pointer());
        *seen += 1;
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    w.path.push(Step::Name(k));
                    visit(w, Some(k), c, seen);
                    w.path.pop();
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    w.path.push(Step::Index(i));
                    visit(w, None, c, seen);
                    w.path.pop();
                }
            }
            _ => {}
        }
    }

    fn doc() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(json!("ann@example.com")),
            Just(json!("+14155550123")),
            Just(json!("4111 1111 1111 1111")),
            Just(json!("10.0.0.1")),
            Just(json!("text")),
            (0i64..20).prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("a"),
                        Just("b"),
                        Just("E_mail"),
                        Just("0"),
                        Just("1"),
                        Just("token")
                    ]
                    .prop_map(String::from),
                    inner,
                    0..4
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn selector() -> impl Strategy<Value = Value> {
        let token = prop_oneof![
            Just("a"),
            Just("b"),
            Just("0"),
            Just("1"),
            Just("*"),
            Just("**"),
            Just("token"),
            Just("E_mail")
        ];
        prop_oneof![
            proptest::collection::vec(token, 1..4)
                .prop_map(|t| json!({"pointer": format!("/{}", t.join("/"))})),
            Just(json!({"keys": ["email", "token"]})),
            Just(json!({"keys": ["a"]})),
            prop_oneof![Just("email"), Just("phone"), Just("card"), Just("ipv4")]
                .prop_map(|d| json!({"detect": d})),
        ]
    }

    #[test]
    fn documents_that_cannot_be_canonical_get_the_canonicalizers_error() {
        let policy = RedactionPolicy::from_value(&json!({
            "type": "trustcore.redaction-policy/v1", "id": "p", "version": 1,
            "rules": [{"id": "r", "select": {"pointer": "/a/n"}, "action": "remove"}]
        }))
        .unwrap();
        let keys = RedactionKeys::from_bytes(&[1; 32], None).unwrap();
        let mut deep = json!(1);
        for _ in 0..300 {
            deep = json!({ "d": deep });
        }
        for doc in [
            json!({"a": {"x": 9_007_199_254_740_993u64}}),
            json!({"a": {"n": 9_007_199_254_740_993u64}}),
            deep,
        ] {
            let want = canonical::canonicalize_value(&doc, &Default::default()).unwrap_err();
            let got = redact(&doc, &policy, &keys).unwrap_err();
            assert_eq!(got.code(), want.code().as_str(), "{got}");
            assert_eq!(got.to_string(), crate::Error::from(want).to_string());
        }
    }

    proptest! {
        // The indexed lookup gives, at every node, the first rule in policy
        // order that selects it.
        #[test]
        fn the_index_gives_the_first_selecting_rule(d in doc(), sels in proptest::collection::vec(selector(), 1..8)) {
            let rules: Vec<Value> = sels
                .into_iter()
                .enumerate()
                .map(|(i, s)| json!({"id": format!("r{i}"), "select": s, "action": "remove"}))
                .collect();
            let policy = RedactionPolicy::from_value(&json!({
                "type": "trustcore.redaction-policy/v1", "id": "p", "version": 1, "rules": rules
            }))
            .unwrap();
            let mut w = Walker::new(&policy);
            let mut seen = 0;
            if let Value::Object(m) = &d {
                for (k, c) in m {
                    w.path.push(Step::Name(k));
                    visit(&mut w, Some(k), c, &mut seen);
                    w.path.pop();
                }
            }
        }
    }
}
