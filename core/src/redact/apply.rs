//! Applying a policy: the redacted document and the record of what was
//! redacted, with salted commitments.

use super::policy::{matches, Action, RedactionPolicy, Rule, Selector, RECORD_TYPE};
use super::{bad_key, normalize_name, Error};
use crate::canonical::{self, cmp_utf16};
use crate::digest::{self, Digest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
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

fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length: this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The salt of the value at `pointer`: 16 bytes of HMAC-SHA-256 under the
/// salt key.
pub(crate) fn salt(key: &[u8; 32], pointer: &str) -> [u8; 16] {
    let h = hmac(key, &[b"trustcore.redaction-salt/v1\0", pointer.as_bytes()]);
    let mut s = [0u8; 16];
    s.copy_from_slice(&h[..16]);
    s
}

pub(crate) fn canonical_bytes(v: &Value) -> Vec<u8> {
    canonical::canonicalize_value(v, &Default::default()).unwrap_or_default()
}

/// The commitment to a value at a pointer with a salt:
/// `sha256:` of the canonical JSON `[salt (base64url), pointer, value]`.
pub fn commitment(salt: &[u8], pointer: &str, value: &Value) -> String {
    let d = json!([URL_SAFE_NO_PAD.encode(salt), pointer, value]);
    Digest::of(digest::Algorithm::Sha256, &canonical_bytes(&d)).to_string()
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
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

pub(crate) struct Walker<'p> {
    pub(crate) policy: &'p RedactionPolicy,
    pub(crate) path: Vec<String>,
}

impl<'p> Walker<'p> {
    /// The first rule that selects the node (a member named `name`, or an
    /// element when `None`) at the current path.
    pub(crate) fn rule_for(&self, name: Option<&str>, v: &Value) -> Option<&'p Rule> {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let mut norm: Option<String> = None;
        self.policy.rules.iter().find(|r| match &r.select {
            Selector::Pointer(_) => matches(&r.pattern, &path),
            Selector::Keys(_) => match name {
                Some(n) => {
                    let n = norm.get_or_insert_with(|| normalize_name(n));
                    r.keys.iter().any(|k| k == n)
                }
                None => false,
            },
            Selector::Detect(d) => v.as_str().is_some_and(|s| d.matches(s)),
        })
    }

    pub(crate) fn pointer(&self) -> String {
        let mut p = String::new();
        for t in &self.path {
            p.push('/');
            p.push_str(&escape(t));
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

fn masked(v: &Value, keep: usize) -> Value {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => return Value::from("****"),
        other => String::from_utf8(canonical_bytes(other)).unwrap_or_default(),
    };
    let n = text.chars().count();
    let shown = keep.min(n);
    let mut out = "*".repeat(n - shown);
    out.extend(text.chars().skip(n - shown));
    Value::from(out)
}

struct Apply<'p, 'k> {
    w: Walker<'p>,
    keys: &'k RedactionKeys,
    entries: Vec<Value>,
}

impl Apply<'_, '_> {
    /// The node after redaction (`None`: removed).
    fn node(&mut self, name: Option<&str>, v: &Value) -> Result<Option<Value>, Error> {
        if let Some(rule) = self.w.rule_for(name, v) {
            let pointer = self.w.pointer();
            let out = match &rule.action {
                Action::Remove => None,
                Action::Replace(m) => Some(Value::from(m.as_str())),
                Action::Mask(keep) => Some(masked(v, *keep)),
                Action::Pseudonymize => {
                    let key = self
                        .keys
                        .pseudonym_key
                        .as_ref()
                        .ok_or_else(|| bad_key("pseudonym_key"))?;
                    let h = hmac(key, &[b"trustcore.pseudonym/v1\0", &canonical_bytes(v)]);
                    Some(Value::from(format!(
                        "pseud:{}",
                        URL_SAFE_NO_PAD.encode(&h[..16])
                    )))
                }
            };
            let s = salt(&self.keys.salt_key, &pointer);
            self.entries.push(json!({
                "pointer": pointer,
                "rule": rule.id,
                "class": rule.class,
                "action": rule.action.as_str(),
                "commitment": commitment(&s, &pointer, v),
            }));
            return Ok(out);
        }
        Ok(Some(self.children(v)?))
    }

    fn children(&mut self, v: &Value) -> Result<Value, Error> {
        Ok(match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, child) in sorted(m) {
                    self.w.path.push(k.clone());
                    let r = self.node(Some(k), child);
                    self.w.path.pop();
                    if let Some(c) = r? {
                        out.insert(k.clone(), c);
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, child) in items.iter().enumerate() {
                    self.w.path.push(i.to_string());
                    let r = self.node(None, child);
                    self.w.path.pop();
                    if let Some(c) = r? {
                        out.push(c);
                    }
                }
                Value::Array(out)
            }
            other => other.clone(),
        })
    }
}

/// Redacts `doc` under `policy`: every value a rule selects (the first rule
/// that selects it), wherever it sits; the root itself stays. Removed
/// members and array elements are dropped (pointers in the record are into
/// the original).
pub fn redact(
    doc: &Value,
    policy: &RedactionPolicy,
    keys: &RedactionKeys,
) -> Result<Redaction, crate::Error> {
    if policy.needs_pseudonym_key() && keys.pseudonym_key.is_none() {
        return Err(bad_key("pseudonym_key").into());
    }
    let original = canonical::canonicalize_value(doc, &Default::default())?;
    let mut a = Apply {
        w: Walker {
            policy,
            path: Vec::new(),
        },
        keys,
        entries: Vec::new(),
    };
    let out = a.children(doc)?;
    let redacted = canonical::canonicalize_value(&out, &Default::default())?;
    let record = json!({
        "type": RECORD_TYPE,
        "policy": {"id": policy.id, "version": policy.version, "digest": policy.digest()},
        "original": Digest::of(digest::Algorithm::Sha256, &original).to_string(),
        "redacted": Digest::of(digest::Algorithm::Sha256, &redacted).to_string(),
        "redactions": a.entries,
    });
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
