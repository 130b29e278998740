//! Applying a policy: the redacted document and the record of what was
//! redacted, with salted commitments.

use super::policy::{matches, name_bit, RedactionPolicy, Rule, Selector, Step, RECORD_TYPE};
use super::{bad_key, normalize_into, Error, ErrorCode};
use crate::canonical::{self, cmp_utf16};
use crate::digest::{self, Digest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use std::sync::Arc;
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
    commitment_in(&mut Vec::new(), salt, pointer, &canonical_bytes(value))
}

/// [`commitment`] from the value's canonical bytes, the canonical form of
/// the array written directly into `text` (a buffer the walk reuses).
pub(crate) fn commitment_in(
    text: &mut Vec<u8>,
    salt: &[u8],
    pointer: &str,
    value: &[u8],
) -> String {
    text.clear();
    text.reserve(value.len() + pointer.len() + 40);
    text.push(b'[');
    let mut b64 = [0u8; 64];
    let n = URL_SAFE_NO_PAD.encode_slice(salt, &mut b64).unwrap_or(0);
    canonical::write_escaped(text, &b64[..n]);
    text.push(b',');
    canonical::write_escaped(text, pointer.as_bytes());
    text.push(b',');
    text.extend_from_slice(value);
    text.push(b']');
    Digest::of(digest::Algorithm::Sha256, text).to_text()
}

/// The JSON Pointer (RFC 6901) of a path.
pub(crate) fn pointer_of<'a>(steps: impl IntoIterator<Item = Step<'a>>) -> String {
    let mut p = String::with_capacity(32);
    for t in steps {
        p.push('/');
        match t {
            Step::Name(n) => escape_into(&mut p, n),
            Step::Index(i) => p.push_str(&i.to_string()),
        }
    }
    p
}

/// Appends `token` to a JSON Pointer, escaped (RFC 6901: `~0`, `~1`).
pub(crate) fn escape_into(p: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        p.push_str(token);
        return;
    }
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
    pub record: RedactionRecord,
}

/// The record of a redaction (`trustcore.redaction-record/v1`), as typed
/// data: [`RedactionRecord::to_value`] gives its JSON document and
/// [`RedactionRecord::to_canonical_json`] the same document's canonical
/// bytes, written directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactionRecord {
    /// The policy's id.
    pub policy_id: String,
    /// The policy's version.
    pub policy_version: u64,
    /// The policy's digest (`sha256:` of its canonical JSON).
    pub policy_digest: String,
    /// `sha256:` of the original document's canonical bytes.
    pub original: String,
    /// `sha256:` of the redacted document's canonical bytes.
    pub redacted: String,
    /// One entry per redacted value, in document (canonical) order.
    pub redactions: Vec<RedactedValue>,
}

/// One redacted value in a [`RedactionRecord`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactedValue {
    /// RFC 6901 pointer to the value in the original document.
    pub pointer: String,
    /// The id of the rule that selected it.
    pub rule: Arc<str>,
    /// The rule's class of data.
    pub class: Arc<str>,
    /// The action taken (`remove`, `replace`, `mask`, `pseudonymize`).
    pub action: &'static str,
    /// `sha256:` of `[salt, pointer, value]` (see [`commitment`]).
    pub commitment: String,
}

impl RedactedValue {
    /// The entry as a JSON object.
    pub fn to_value(&self) -> Value {
        let mut e = Map::new();
        e.insert("action".into(), self.action.into());
        e.insert("class".into(), self.class.as_ref().into());
        e.insert("commitment".into(), self.commitment.clone().into());
        e.insert("pointer".into(), self.pointer.clone().into());
        e.insert("rule".into(), self.rule.as_ref().into());
        Value::Object(e)
    }
}

impl RedactionRecord {
    /// The record as a JSON document.
    pub fn to_value(&self) -> Value {
        let mut p = Map::new();
        p.insert("digest".into(), self.policy_digest.clone().into());
        p.insert("id".into(), self.policy_id.clone().into());
        p.insert("version".into(), self.policy_version.into());
        let mut record = Map::new();
        record.insert("original".into(), self.original.clone().into());
        record.insert("policy".into(), Value::Object(p));
        record.insert("redacted".into(), self.redacted.clone().into());
        record.insert(
            "redactions".into(),
            self.redactions
                .iter()
                .map(RedactedValue::to_value)
                .collect(),
        );
        record.insert("type".into(), RECORD_TYPE.into());
        Value::Object(record)
    }

    /// The record's canonical JSON: the bytes of canonicalizing
    /// [`to_value`](Self::to_value), written without building it (member
    /// names are written in their canonical order).
    pub fn to_canonical_json(&self) -> String {
        let s = |out: &mut Vec<u8>, name: &[u8], v: &str| {
            out.extend_from_slice(name);
            canonical::write_escaped(out, v.as_bytes());
        };
        let mut out = Vec::with_capacity(320 + 224 * self.redactions.len());
        s(&mut out, b"{\"original\":", &self.original);
        s(&mut out, b",\"policy\":{\"digest\":", &self.policy_digest);
        s(&mut out, b",\"id\":", &self.policy_id);
        // Versions are below 2^53 (the policy loader's bound): the decimal
        // digits are the canonical number.
        out.extend_from_slice(b",\"version\":");
        out.extend_from_slice(self.policy_version.to_string().as_bytes());
        s(&mut out, b"},\"redacted\":", &self.redacted);
        out.extend_from_slice(b",\"redactions\":[");
        for (i, e) in self.redactions.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            s(&mut out, b"{\"action\":", e.action);
            s(&mut out, b",\"class\":", &e.class);
            s(&mut out, b",\"commitment\":", &e.commitment);
            s(&mut out, b",\"pointer\":", &e.pointer);
            s(&mut out, b",\"rule\":", &e.rule);
            out.push(b'}');
        }
        s(&mut out, b"],\"type\":", RECORD_TYPE);
        out.push(b'}');
        // Written from whole strings and ASCII only: always UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }
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
    norm: Vec<u8>,
}

impl<'p, 'a> Walker<'p, 'a> {
    pub(crate) fn new(policy: &'p RedactionPolicy) -> Self {
        Walker {
            policy,
            path: Vec::with_capacity(16),
            norm: Vec::new(),
        }
    }

    /// The first rule that selects the node (a member named `name`, or an
    /// element when `None`; `string`: its value when it is a string) at the
    /// current path: of the rules that can (by the policy's index), the
    /// first in policy order that does.
    pub(crate) fn rule_for(
        &mut self,
        name: Option<&str>,
        string: Option<&str>,
    ) -> Option<&'p Rule> {
        let policy = self.policy;
        let ix = &policy.index;
        let rules = &policy.rules;
        let path = &self.path;
        let mut best = usize::MAX;
        let pointer_rule = |i: usize| matches(&rules[i].pattern, path);
        let ending = match path.last() {
            Some(Step::Name(n)) if ix.last_names & name_bit(n.as_bytes()) == 0 => None,
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
        let may_have_class = |n: &str| match n.as_bytes().first() {
            Some(&b) if b.is_ascii_alphanumeric() => {
                ix.key_firsts & (1 << b.to_ascii_lowercase()) != 0
            }
            _ => true,
        };
        if let Some(n) = name.filter(|n| !ix.by_key.is_empty() && may_have_class(n)) {
            normalize_into(n, &mut self.norm);
            if let Some(&i) = ix.by_key.get(self.norm.as_slice()).and_then(|l| l.first()) {
                best = best.min(i);
            }
        }
        if let Some(s) = string {
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
        pointer_of(self.path.iter().copied())
    }
}

/// Members of an object in canonical (UTF-16) order.
pub(crate) fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    crate::sort::sort_by(&mut v, |a, b| cmp_utf16(a.0, b.0));
    v
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
    use crate::redact::policy::Action;
    use crate::redact::{redact, redact_text};
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
        let got = w.rule_for(name, v.as_str()).map(|r| r.id.clone());
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
            Just(json!("tab\there \"quoted\" \\ \u{1} é 😀")),
            Just(json!("ann@example.com\n")),
            Just(json!(null)),
            Just(json!(true)),
            Just(json!(-1.5e-7)),
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
                        Just("token"),
                        Just("a/b~c"),
                        Just("q\"uote"),
                        Just("E_mail\n"),
                        Just("\u{7f}é"),
                        Just("")
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
            Just("E_mail"),
            Just("a~1b~0c"),
            Just("q\"uote")
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

    /// Redaction the slow way, for the proptest: the redacted value built as
    /// a tree (removed members and elements dropped, replaced ones put in)
    /// and the pointers of what was redacted, in document order.
    fn naive_redact<'a>(w: &mut Walker<'_, 'a>, v: &'a Value, pointers: &mut Vec<String>) -> Value {
        let mut child =
            |w: &mut Walker<'_, 'a>, name: Option<&str>, c: &'a Value| match naive(w, name, c) {
                None => Some(naive_redact(w, c, pointers)),
                Some(r) => {
                    pointers.push(w.pointer());
                    match &r.action {
                        Action::Remove => None,
                        Action::Replace(m) => Some(Value::String(m.clone())),
                        Action::Mask(keep) => {
                            let text: Vec<char> = match c {
                                Value::String(s) => s.chars().collect(),
                                Value::Array(_) | Value::Object(_) => {
                                    return Some(Value::String("****".into()))
                                }
                                other => String::from_utf8(canonical_bytes(other))
                                    .unwrap()
                                    .chars()
                                    .collect(),
                            };
                            let hidden = text.len().saturating_sub(*keep);
                            let masked: String = (0..text.len())
                                .map(|i| if i < hidden { '*' } else { text[i] })
                                .collect();
                            Some(Value::String(masked))
                        }
                        Action::Pseudonymize => unreachable!("the proptest does not pseudonymize"),
                    }
                }
            };
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, c) in sorted(m) {
                    w.path.push(Step::Name(k));
                    if let Some(x) = child(w, Some(k), c) {
                        out.insert(k.clone(), x);
                    }
                    w.path.pop();
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::new();
                for (i, c) in items.iter().enumerate() {
                    w.path.push(Step::Index(i));
                    if let Some(x) = child(w, None, c) {
                        out.push(x);
                    }
                    w.path.pop();
                }
                Value::Array(out)
            }
            scalar => scalar.clone(),
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

        // The walk that writes both documents in one pass, cutting what is
        // removed (with the right commas), gives the bytes of redacting the
        // tree and canonicalizing it, and records the same pointers.
        #[test]
        fn one_pass_redaction_is_the_tree_redaction(
            d in doc(),
            sels in proptest::collection::vec((selector(), 0..3u8, 0..6usize), 1..8),
        ) {
            let rules: Vec<Value> = sels
                .into_iter()
                .enumerate()
                .map(|(i, (s, action, keep))| match action {
                    0 => json!({"id": format!("r{i}"), "select": s, "action": "remove"}),
                    1 => json!({"id": format!("r{i}"), "select": s, "action": "replace"}),
                    _ => json!({"id": format!("r{i}"), "select": s, "action": "mask", "keep": keep}),
                })
                .collect();
            let policy = RedactionPolicy::from_value(&json!({
                "type": "trustcore.redaction-policy/v1", "id": "p", "version": 1, "rules": rules
            }))
            .unwrap();
            let keys = RedactionKeys::from_bytes(&[3; 32], None).unwrap();
            let doc = match d {
                Value::Object(_) => d,
                other => json!({ "root": other }),
            };
            let got = redact(&doc, &policy, &keys).unwrap();
            let mut pointers = Vec::new();
            let want = naive_redact(&mut Walker::new(&policy), &doc, &mut pointers);
            prop_assert_eq!(
                String::from_utf8(got.redacted.clone()).unwrap(),
                String::from_utf8(canonical_bytes(&want)).unwrap()
            );
            let got_pointers: Vec<String> =
                got.record.redactions.iter().map(|e| e.pointer.clone()).collect();
            prop_assert_eq!(got_pointers, pointers);
            prop_assert_eq!(
                got.record.to_canonical_json().into_bytes(),
                canonical_bytes(&got.record.to_value())
            );
            // From the document's text (any layout): the same bytes and
            // record, with each commitment the one of its value.
            for text in [doc.to_string(), serde_json::to_string_pretty(&doc).unwrap()] {
                let from_text = redact_text(text.as_bytes(), &policy, &keys).unwrap();
                prop_assert_eq!(&from_text, &got);
            }
            for e in &got.record.redactions {
                let v = doc.pointer(&e.pointer).unwrap();
                prop_assert!(proves(&e.to_value(), v, &keys.salt_key), "{}", e.pointer);
            }
        }
    }
}
