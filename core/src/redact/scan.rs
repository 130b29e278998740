//! Applying a policy: the redaction read off the original's canonical
//! bytes, with no tree (see `docs/design.md`, "Redaction read off the
//! canonical bytes").

use super::apply::{
    commitment_in, not_an_object, Keyed, RedactedValue, Redaction, RedactionKeys, RedactionRecord,
    Walker,
};
use super::policy::{Action, RedactionPolicy, Step};
use super::{bad_key, Error, ErrorCode};
use crate::canonical::{self, read};
use crate::digest::{self, Digest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use std::borrow::Cow;

/// The mask of a value: its text (a string's own, another scalar's
/// canonical JSON; `None` for a container, masked as `****`) with all but
/// the last `keep` characters as `*`, written as a canonical JSON string.
fn write_masked(out: &mut Vec<u8>, text: Option<&str>, keep: usize) {
    let Some(text) = text else {
        canonical::write_escaped(out, b"****");
        return;
    };
    let n = text.chars().count();
    let hidden = n - keep.min(n);
    // The kept characters start at a character boundary.
    let tail = text
        .char_indices()
        .nth(hidden)
        .map_or("", |(i, _)| &text[i..]);
    out.push(b'"');
    out.resize(out.len() + hidden, b'*');
    // The tail as a JSON string, without its quotes (`*` needs no escape).
    let at = out.len();
    canonical::write_escaped(out, tail.as_bytes());
    out.remove(at);
}

/// The decoded names of the members whose names have escapes, by the
/// offset of the name's opening quote in the canonical bytes (in document
/// order). Most documents have none: this runs only when the bytes hold a
/// backslash at all.
fn escaped_names(s: &[u8]) -> Vec<(usize, String)> {
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if b != b'"' {
            i += 1;
            continue;
        }
        let (end, escaped) = read::string_end(s, i);
        if escaped && s.get(end) == Some(&b':') {
            if let Some(name) = s.get(i..end).and_then(read::string_of) {
                names.push((i, name.into_owned()));
            }
        }
        i = end;
    }
    names
}

/// Canonical bytes that are not what the canonicalizer writes (it cannot
/// happen: the scan reads only the canonicalizer's own output).
fn malformed() -> crate::Error {
    Error::new(
        ErrorCode::InvalidDocument,
        "the document cannot be written as canonical JSON",
    )
    .into()
}

/// One redaction, read off the original's canonical bytes: member names
/// and values are found in those bytes (already sorted, escaped and
/// checked by the canonicalizer), so there is no tree to walk and no
/// member to sort.
struct Scan<'p, 'a> {
    w: Walker<'p, 'a>,
    /// The original document's canonical text.
    orig: &'a str,
    /// See [`escaped_names`].
    escaped: &'a [(usize, String)],
    /// The next of `escaped` the scan can meet.
    next_escaped: usize,
    /// Where the scan is in `orig`.
    pos: usize,
    salts: Keyed,
    pseudonyms: Option<Keyed>,
    entries: Vec<RedactedValue>,
    /// The redacted document's canonical bytes: `orig` up to `synced`, with
    /// the redactions applied. Between redactions the two are the same
    /// bytes, so `out` catches up in one copy at each redaction (and at the
    /// end) instead of one per node.
    out: Vec<u8>,
    /// How much of `orig` `out` stands for.
    synced: usize,
    /// The committed array's bytes (reused).
    text: Vec<u8>,
}

impl<'a> Scan<'_, 'a> {
    /// `out` catches up with `orig` to `at`; `orig` from `at` to `resume`
    /// is left out of it (a redacted value, a removed member's bytes).
    fn cut(&mut self, at: usize, resume: usize) {
        let orig = self.orig.as_bytes();
        self.out
            .extend_from_slice(orig.get(self.synced..at).unwrap_or_default());
        self.synced = resume;
    }

    /// Reads the name of the member at `own` and its `:`.
    fn member_name(&mut self, own: usize) -> Result<&'a str, crate::Error> {
        let orig: &'a str = self.orig;
        let s = orig.as_bytes();
        if s.get(own) != Some(&b'"') {
            return Err(malformed());
        }
        let (end, escaped) = read::string_end(s, own);
        self.pos = end + 1;
        if !escaped {
            return Ok(orig.get(own + 1..end - 1).unwrap_or_default());
        }
        let escaped = self.escaped;
        while escaped.get(self.next_escaped).is_some_and(|e| e.0 < own) {
            self.next_escaped += 1;
        }
        Ok(match escaped.get(self.next_escaped) {
            Some((at, name)) if *at == own => name,
            _ => "",
        })
    }

    /// Reads and writes the node at `pos` after redaction, leaving `pos`
    /// after it; false when it is removed (the caller cuts its bytes, with
    /// the comma that goes).
    fn node(&mut self, name: Option<&'a str>) -> Result<bool, crate::Error> {
        let orig: &'a str = self.orig;
        let s = orig.as_bytes();
        let at = self.pos;
        let first = s.get(at).copied();
        // A string's text: borrowed from `orig`, decoded only when it has
        // escapes.
        let (string_end, text) = match first {
            Some(b'"') => {
                let (end, escaped) = read::string_end(s, at);
                let text = if escaped {
                    s.get(at..end).and_then(read::string_of)
                } else {
                    orig.get(at + 1..end - 1).map(Cow::Borrowed)
                };
                (end, text)
            }
            _ => (at, None),
        };
        let Some(rule) = self.w.rule_for(name, text.as_deref()) else {
            match first {
                Some(b'{') => self.container(true)?,
                Some(b'[') => self.container(false)?,
                Some(b'"') => self.pos = string_end,
                _ => self.pos = read::skip_value(s, at).ok_or_else(malformed)?,
            }
            return Ok(true);
        };
        let end = match first {
            Some(b'"') => string_end,
            _ => read::skip_value(s, at).ok_or_else(malformed)?,
        };
        self.pos = end;
        let pointer = self.w.pointer();
        let kept = !matches!(rule.action, Action::Remove);
        if kept {
            self.cut(at, end);
        }
        let value = s.get(at..end).unwrap_or_default();
        match &rule.action {
            Action::Remove => {}
            Action::Replace(m) => canonical::write_escaped(&mut self.out, m.as_bytes()),
            Action::Mask(keep) => {
                let shown = match first {
                    Some(b'{' | b'[') => None,
                    Some(b'"') => text.as_deref(),
                    _ => orig.get(at..end),
                };
                write_masked(&mut self.out, shown, *keep)
            }
            Action::Pseudonymize => {
                let key = self
                    .pseudonyms
                    .as_ref()
                    .ok_or_else(|| bad_key("pseudonym_key"))?;
                let h = key.mac(&[b"trustcore.pseudonym/v1\0", value]);
                // `pseud:` and 22 base64url characters: nothing to escape.
                let mut token = *b"\"pseud:______________________\"";
                let n = URL_SAFE_NO_PAD
                    .encode_slice(&h[..16], &mut token[7..29])
                    .unwrap_or(0);
                debug_assert_eq!(n, 22);
                self.out.extend_from_slice(&token);
            }
        }
        let salt = self.salts.salt(&pointer);
        let commitment = commitment_in(&mut self.text, &salt, &pointer, value);
        self.entries.push(RedactedValue {
            pointer,
            rule: rule.id.clone(),
            class: rule.class.clone(),
            action: rule.action.as_str(),
            commitment,
        });
        Ok(kept)
    }

    /// After a member or element that started at `start` (its comma, when
    /// it has one) with its own bytes from `own` and ends at `pos`: when it
    /// was removed, its bytes leave `out`, with the comma before it when
    /// something before it stayed, or else with the comma after it (`skip`:
    /// the next one's comma, cut by [`Self::comma`]).
    fn after(
        &mut self,
        kept: bool,
        start: usize,
        own: usize,
        kept_any: &mut bool,
        skip: &mut bool,
    ) {
        if kept {
            *kept_any = true;
        } else {
            let from = if *kept_any { start } else { own };
            self.cut(from, self.pos);
            *skip = !*kept_any;
        }
    }

    /// Reads the comma before a member or element after the first; cut
    /// from `out` when everything before it was removed.
    fn comma(&mut self, skip: &mut bool) {
        let at = self.pos;
        if std::mem::take(skip) {
            self.cut(at, at + 1);
        }
        self.pos += 1;
    }

    /// An object (`object`) or array that no rule selected, from its
    /// opening bracket at `pos`, redacting inside it.
    fn container(&mut self, object: bool) -> Result<(), crate::Error> {
        let close = if object { b'}' } else { b']' };
        let s = self.orig.as_bytes();
        self.pos += 1;
        if s.get(self.pos) == Some(&close) {
            self.pos += 1;
            return Ok(());
        }
        let (mut kept_any, mut skip) = (false, false);
        let mut n = 0;
        loop {
            let start = self.pos;
            if n > 0 {
                self.comma(&mut skip);
            }
            let own = self.pos;
            let (step, name) = if object {
                let name = self.member_name(own)?;
                (Step::Name(name), Some(name))
            } else {
                (Step::Index(n), None)
            };
            self.w.path.push(step);
            let r = self.node(name);
            self.w.path.pop();
            self.after(r?, start, own, &mut kept_any, &mut skip);
            match s.get(self.pos) {
                Some(b',') => n += 1,
                Some(&b) if b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(malformed()),
            }
        }
    }
}

/// Redacts `doc` under `policy`: every value a rule selects (the first rule
/// that selects it), wherever it sits; the root itself stays. Removed
/// members and array elements are dropped (pointers in the record are into
/// the original). A document that cannot be canonical JSON is refused with
/// the canonicalizer's code and path; one that is not an object is
/// `invalid_document`.
pub fn redact(
    doc: &Value,
    policy: &RedactionPolicy,
    keys: &RedactionKeys,
) -> Result<Redaction, crate::Error> {
    need_keys(policy, keys)?;
    let original = canonical::canonicalize_value(doc, &Default::default())?;
    redact_canonical(original, policy, keys)
}

/// [`redact`] of JSON text (UTF-8): the same bytes and record as
/// redacting the parsed document, with the text path's strictness
/// (duplicate names, lone surrogates and integers beyond 2^53 refused with
/// a code and a byte offset) and no tree built at all: the text is
/// canonicalized and the redaction read off the canonical bytes.
pub fn redact_text(
    text: &[u8],
    policy: &RedactionPolicy,
    keys: &RedactionKeys,
) -> Result<Redaction, crate::Error> {
    need_keys(policy, keys)?;
    let original = canonical::canonicalize_text(text)?;
    redact_canonical(original, policy, keys)
}

fn need_keys(policy: &RedactionPolicy, keys: &RedactionKeys) -> Result<(), crate::Error> {
    if policy.needs_pseudonym_key() && keys.pseudonym_key.is_none() {
        return Err(bad_key("pseudonym_key").into());
    }
    Ok(())
}

/// The redaction of a document given as its canonical bytes (what the
/// canonicalizer wrote).
fn redact_canonical(
    original: Vec<u8>,
    policy: &RedactionPolicy,
    keys: &RedactionKeys,
) -> Result<Redaction, crate::Error> {
    if original.first() != Some(&b'{') {
        return Err(not_an_object().into());
    }
    let orig = std::str::from_utf8(&original).map_err(|_| malformed())?;
    let escaped = if original.contains(&b'\\') {
        escaped_names(&original)
    } else {
        Vec::new()
    };
    let mut a = Scan {
        w: Walker::new(policy),
        orig,
        escaped: &escaped,
        next_escaped: 0,
        pos: 0,
        salts: Keyed::new(&keys.salt_key),
        pseudonyms: keys.pseudonym_key.as_deref().map(Keyed::new),
        entries: Vec::with_capacity(16),
        out: Vec::with_capacity(original.len()),
        synced: 0,
        text: Vec::with_capacity(256),
    };
    a.container(true)?;
    if a.pos != original.len() {
        return Err(malformed());
    }
    a.cut(original.len(), original.len());
    let (entries, redacted) = (a.entries, a.out);
    let record = RedactionRecord {
        policy_id: policy.id.clone(),
        policy_version: policy.version,
        policy_digest: policy.digest().to_string(),
        original: Digest::of(digest::Algorithm::Sha256, &original).to_text(),
        redacted: Digest::of(digest::Algorithm::Sha256, &redacted).to_text(),
        redactions: entries,
    };
    Ok(Redaction { redacted, record })
}
