//! Reading a row under a profile: its columns out of the canonical text in
//! one pass (members come sorted, so their names and order are fixed), the
//! field rules, the hash input and the signed bytes.

use super::doc::{
    ChainProfile, Genesis, HashEncoding, HashInput, Role, SigEncoding, SignedForm, TimeFormat,
};

use crate::canonical::read::{skip_value, string_of};
use crate::digest::Digest;
use crate::envelope;
use crate::text::quote;
use crate::time::Timestamp;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::Value;
use std::borrow::Cow;

/// The envelope kind event signatures are made under (the `envelope`
/// signed form, and trustcore/v1).
pub const EVENT_KIND: &str = "trustcore.audit-event";

/// Why a row cannot be read: its shape (`malformed`) or the spelling of a
/// field (`invalid`), with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// A shape problem (missing, unknown or mistyped column; not JSON)
    /// rather than a field's spelling.
    pub malformed: bool,
    /// What exactly, for a person.
    pub message: String,
}

fn malformed(message: String) -> Fault {
    Fault {
        malformed: true,
        message,
    }
}

fn invalid(message: String) -> Fault {
    Fault {
        malformed: false,
        message,
    }
}

/// One row read under a profile: the fields linking and signature checks
/// need, and where each column's value sits in the canonical text.
#[derive(Clone, Debug)]
pub struct RowView<'c> {
    canon: &'c [u8],
    /// Value spans, one per profile member, in member order.
    spans: Vec<(usize, usize)>,
    /// The id (a plain lowercase UUID).
    pub id: Cow<'c, str>,
    /// Its 128 bits.
    pub id_bits: u128,
    /// The sequence number, when the table has one.
    pub seq: Option<u64>,
    /// The timestamp as written.
    pub ts: Cow<'c, str>,
    /// The instant.
    pub at: Timestamp,
    /// The signer id.
    pub signer_id: Cow<'c, str>,
    /// The previous hash (32 zero bytes for the genesis spelling).
    pub prev_hash: [u8; 32],
    /// Whether `prev_hash` is the genesis spelling.
    pub genesis: bool,
    /// This row's hash, decoded.
    pub hash: [u8; 32],
    /// The hash column's text, as stored.
    pub hash_text: Cow<'c, str>,
    /// The signature, decoded.
    pub signature: [u8; 64],
}

/// The plain lowercase spelling of 128 UUID bits (the inverse of [`uuid`]).
pub(crate) fn uuid_text(bits: u128) -> String {
    let h = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Parses a plain lowercase UUID (`8-4-4-4-12` hex digits) to its 128 bits.
pub(crate) fn uuid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        v = (v << 4) | u128::from(d);
    }
    Some(v)
}

fn hex_exact<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

impl ChainProfile {
    /// The column names a row has, sorted.
    pub fn column_names(&self) -> Vec<&str> {
        self.members.iter().map(|m| m.name.as_str()).collect()
    }

    /// Reads a row given in canonical form (the output of
    /// [`crate::canonical::canonicalize_text`]).
    pub fn read_row<'c>(&self, canon: &'c [u8]) -> Result<RowView<'c>, Fault> {
        let spans = match self.scan(canon) {
            Some(s) => s,
            None => return Err(self.shape_fault(canon)),
        };
        let span = |role: Role| -> Option<&'c [u8]> {
            self.members
                .iter()
                .position(|m| m.role == role)
                .and_then(|i| spans.get(i))
                .and_then(|&(a, b)| canon.get(a..b))
        };
        let text = |role: Role, name: &str| -> Result<Cow<'c, str>, Fault> {
            let s = span(role).unwrap_or_default();
            string_of(s)
                .ok_or_else(|| malformed(format!("column {} must be a string", quote(name))))
        };
        let c = &self.columns;
        let id = text(Role::Id, &c.id)?;
        let ts = text(Role::Ts, &c.ts)?;
        let signer_id = text(Role::Signer, &c.signer)?;
        let event_type = match &c.event_type {
            Some(n) => Some((n, text(Role::EventType, n)?)),
            None => None,
        };
        let actor = match &c.actor {
            Some(n) => Some((n, text(Role::Actor, n)?)),
            None => None,
        };
        let hash_text = text(Role::Hash, &c.hash)?;
        let sig_text = text(Role::Signature, &c.signature)?;
        let prev_span = span(Role::PrevHash).unwrap_or_default();
        let prev_text = if prev_span == b"null" && self.genesis == Genesis::Null {
            None
        } else {
            Some(string_of(prev_span).ok_or_else(|| {
                malformed(format!("column {} must be a string", quote(&c.prev_hash)))
            })?)
        };
        // Field rules, in the order trustcore/v1 reports them.
        let id_bits = uuid(&id).ok_or_else(|| {
            invalid(format!(
                "id {} is not a plain lowercase UUID (8-4-4-4-12 hex digits)",
                quote(&id)
            ))
        })?;
        let at = self
            .parse_ts(&ts)
            .map_err(|m| invalid(format!("{}: {m}", c.ts)))?;
        for (name, s) in [
            event_type.as_ref(),
            actor.as_ref(),
            Some(&(&c.signer, signer_id.clone())),
        ]
        .into_iter()
        .flatten()
        {
            if s.is_empty() || s.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "{name} must be non-empty without control characters"
                )));
            }
        }
        let (prev_hash, genesis) = self
            .decode_prev(prev_text.as_deref())
            .ok_or_else(|| invalid(format!("{} must be {}", c.prev_hash, self.prev_rule())))?;
        let hash = self
            .decode_hash(&hash_text)
            .ok_or_else(|| invalid(format!("{} must be {}", c.hash, self.hash_rule())))?;
        let signature = self
            .decode_sig(&sig_text)
            .ok_or_else(|| invalid(format!("{} must be {}", c.signature, self.sig_rule())))?;
        let seq = match &c.seq {
            None => None,
            Some(name) => {
                let s = span(Role::Seq).unwrap_or_default();
                let n = std::str::from_utf8(s)
                    .ok()
                    .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|t| t.parse::<u64>().ok())
                    .filter(|n| *n >= 1);
                Some(n.ok_or_else(|| invalid(format!("{name} must be an integer from 1")))?)
            }
        };
        Ok(RowView {
            canon,
            spans,
            id,
            id_bits,
            seq,
            ts,
            at,
            signer_id,
            prev_hash,
            genesis,
            hash,
            hash_text,
            signature,
        })
    }

    /// Value spans of each member, when the row has exactly the profile's
    /// members (in canonical text they come sorted).
    fn scan(&self, canon: &[u8]) -> Option<Vec<(usize, usize)>> {
        let mut i = 0;
        let mut spans = Vec::with_capacity(self.members.len());
        for m in &self.members {
            let end = i + m.key.len();
            if canon.get(i..end)? != m.key.as_slice() {
                return None;
            }
            let v_end = skip_value(canon, end)?;
            if v_end == end {
                return None;
            }
            spans.push((end, v_end));
            i = v_end;
        }
        (canon.get(i..)? == b"}").then_some(spans)
    }

    /// The message for a row that is not of the profile's shape.
    fn shape_fault(&self, canon: &[u8]) -> Fault {
        let Ok(v) = serde_json::from_slice::<Value>(canon) else {
            return malformed("not JSON".into());
        };
        let Value::Object(obj) = v else {
            return malformed("a row is a JSON object".into());
        };
        let names = self.column_names();
        if let Some(k) = obj.keys().find(|k| !names.contains(&k.as_str())) {
            return malformed(format!(
                "unknown column {} (profile {} has {})",
                quote(k),
                self.name,
                names.join(", ")
            ));
        }
        if let Some(k) = names.iter().find(|k| !obj.contains_key(**k)) {
            return malformed(format!("missing column {k:?} (profile {})", self.name));
        }
        if self.members.is_empty() {
            return malformed("the profile has no columns".into());
        }
        malformed("unreadable row".into())
    }

    fn parse_ts(&self, ts: &str) -> Result<Timestamp, String> {
        match self.timestamp {
            TimeFormat::Rfc3339 => Timestamp::parse(ts).map_err(|e| e.message().to_string()),
            TimeFormat::Postgres => parse_postgres(ts),
        }
    }

    fn prev_rule(&self) -> String {
        let g = match self.genesis {
            Genesis::Zeros => "",
            Genesis::Empty => " (the empty string for the first row)",
            Genesis::Null => " (null for the first row)",
        };
        format!("{}{g}", self.hash_rule())
    }

    fn hash_rule(&self) -> String {
        match self.hash_encoding {
            HashEncoding::Hex => "64 lowercase hex digits".into(),
            HashEncoding::Base64 => "standard padded base64 of 32 bytes".into(),
            HashEncoding::Prefixed => format!("{}:<64 lowercase hex digits>", self.hash_alg.name()),
        }
    }

    fn sig_rule(&self) -> &'static str {
        match self.sig_encoding {
            SigEncoding::Base64 => "standard padded base64 of 64 bytes",
            SigEncoding::Base64Url => "unpadded base64url of 64 bytes",
            SigEncoding::Hex => "128 lowercase hex digits",
        }
    }

    /// A hash column's text, decoded (canonical spellings only).
    pub fn decode_hash(&self, s: &str) -> Option<[u8; 32]> {
        match self.hash_encoding {
            HashEncoding::Hex => hex_exact::<32>(s),
            HashEncoding::Base64 => {
                let b: [u8; 32] = STANDARD.decode(s).ok()?.try_into().ok()?;
                (STANDARD.encode(b) == s).then_some(b)
            }
            HashEncoding::Prefixed => {
                let rest = s.strip_prefix(self.hash_alg.name())?.strip_prefix(':')?;
                hex_exact::<32>(rest)
            }
        }
    }

    /// A digest in the hash column's spelling.
    pub fn encode_hash(&self, h: &[u8; 32]) -> String {
        match self.hash_encoding {
            HashEncoding::Hex => hex::encode(h),
            HashEncoding::Base64 => STANDARD.encode(h),
            HashEncoding::Prefixed => format!("{}:{}", self.hash_alg.name(), hex::encode(h)),
        }
    }

    /// `prev_hash` (`None`: JSON null), decoded; the genesis spelling gives
    /// 32 zero bytes and `true`.
    fn decode_prev(&self, s: Option<&str>) -> Option<([u8; 32], bool)> {
        match (self.genesis, s) {
            (Genesis::Null, None) => Some(([0; 32], true)),
            (_, None) => None,
            (Genesis::Empty, Some("")) => Some(([0; 32], true)),
            (_, Some(t)) => self
                .decode_hash(t)
                .map(|h| (h, h == [0; 32] && self.genesis == Genesis::Zeros)),
        }
    }

    /// The `prev_hash` value a row after `head` carries (the genesis
    /// spelling after the genesis head).
    pub fn prev_value(&self, head: &[u8; 32]) -> Value {
        if *head == [0; 32] {
            match self.genesis {
                Genesis::Zeros => self.encode_hash(head).into(),
                Genesis::Empty => "".into(),
                Genesis::Null => Value::Null,
            }
        } else {
            self.encode_hash(head).into()
        }
    }

    fn decode_sig(&self, s: &str) -> Option<[u8; 64]> {
        match self.sig_encoding {
            SigEncoding::Base64 => {
                let b: [u8; 64] = STANDARD.decode(s).ok()?.try_into().ok()?;
                (STANDARD.encode(b) == s).then_some(b)
            }
            SigEncoding::Base64Url => {
                let b: [u8; 64] = URL_SAFE_NO_PAD.decode(s).ok()?.try_into().ok()?;
                (URL_SAFE_NO_PAD.encode(b) == s).then_some(b)
            }
            SigEncoding::Hex => hex_exact::<64>(s),
        }
    }

    /// A signature in the signature column's spelling.
    pub fn encode_sig(&self, sig: &[u8; 64]) -> String {
        match self.sig_encoding {
            SigEncoding::Base64 => STANDARD.encode(sig),
            SigEncoding::Base64Url => URL_SAFE_NO_PAD.encode(sig),
            SigEncoding::Hex => hex::encode(sig),
        }
    }

    /// The bytes the hash is the digest of, cut out of the row's canonical
    /// text.
    pub fn hash_input<'c>(&self, row: &RowView<'c>) -> Cow<'c, [u8]> {
        let span = |i: usize| -> &'c [u8] {
            row.spans
                .get(i)
                .and_then(|&(a, b)| row.canon.get(a..b))
                .unwrap_or_default()
        };
        let of_role = |role: Role| self.members.iter().position(|m| m.role == role);
        match self.hash_input {
            HashInput::Payload => {
                Cow::Borrowed(of_role(Role::Payload).map(span).unwrap_or_default())
            }
            HashInput::PrevHashPayload => {
                let prev = of_role(Role::PrevHash).map(span).unwrap_or_default();
                let prev_text = if prev == b"null" {
                    Cow::Borrowed("")
                } else {
                    string_of(prev).unwrap_or_default()
                };
                let payload = of_role(Role::Payload).map(span).unwrap_or_default();
                let mut out = Vec::with_capacity(prev_text.len() + payload.len());
                out.extend_from_slice(prev_text.as_bytes());
                out.extend_from_slice(payload);
                Cow::Owned(out)
            }
            HashInput::TrustcoreV1 | HashInput::Row => {
                let mut out = Vec::with_capacity(row.canon.len());
                for (i, m) in self.members.iter().enumerate() {
                    if matches!(m.role, Role::Hash | Role::Signature | Role::Extra(false)) {
                        continue;
                    }
                    out.push(if out.is_empty() { b'{' } else { b',' });
                    out.extend_from_slice(m.key.get(1..).unwrap_or_default());
                    out.extend_from_slice(span(i));
                }
                if out.is_empty() {
                    out.push(b'{');
                }
                out.push(b'}');
                Cow::Owned(out)
            }
        }
    }

    /// The digest of the hash input.
    pub fn compute_hash(&self, row: &RowView<'_>) -> [u8; 32] {
        *Digest::of(self.hash_alg, &self.hash_input(row)).as_bytes()
    }

    /// The bytes the signature is over (for `ed25519ph`, what is hashed
    /// with SHA-512 before signing): per [`SignedForm`]. `None` when the
    /// signer id cannot be part of an envelope.
    pub fn signed_bytes(
        &self,
        hash_input: &[u8],
        hash: &[u8; 32],
        hash_text: &str,
        signer: &str,
        alg: envelope::Algorithm,
    ) -> Option<Vec<u8>> {
        match self.signs {
            SignedForm::HashInput => Some(hash_input.to_vec()),
            SignedForm::Digest => Some(hash.to_vec()),
            SignedForm::DigestText => Some(hash_text.as_bytes().to_vec()),
            SignedForm::Envelope => envelope_input(self.hash_alg, hash, signer, alg).ok(),
        }
    }

    /// The algorithm signatures are made with, given the one the registry
    /// records for the signer.
    pub fn signature_alg(&self, registered: envelope::Algorithm) -> envelope::Algorithm {
        self.sig_alg.unwrap_or(registered)
    }

    /// The timestamp written for an instant given as RFC 3339 text, in the
    /// profile's format (PostgreSQL keeps microseconds: more digits are an
    /// error rather than a silent rounding).
    pub fn format_ts(&self, rfc3339: &str) -> Result<String, String> {
        let at = Timestamp::parse(rfc3339).map_err(|e| e.message().to_string())?;
        match self.timestamp {
            TimeFormat::Rfc3339 => Ok(rfc3339.to_string()),
            TimeFormat::Postgres => {
                if at.subsec_nanos() % 1000 != 0 {
                    return Err(format!(
                        "{} has sub-microsecond digits, which a timestamptz column cannot keep",
                        quote(rfc3339)
                    ));
                }
                let text = at.to_string();
                Ok(text.replacen('T', " ", 1).replacen('Z', "+00", 1))
            }
        }
    }
}

/// The trustcore envelope signing input for an event hash.
pub fn envelope_input(
    hash_alg: crate::digest::Algorithm,
    hash: &[u8; 32],
    signer: &str,
    alg: envelope::Algorithm,
) -> Result<Vec<u8>, envelope::Error> {
    let payload = format!("{{\"hash\":\"{}:{}\"}}", hash_alg.name(), hex::encode(hash));
    envelope::signing_input(EVENT_KIND, payload.as_bytes(), alg, signer)
}

/// PostgreSQL `timestamptz` text in UTC: `YYYY-MM-DD HH:MM:SS[.f]+00` with
/// 1-6 fraction digits and no trailing zero (as PostgreSQL prints it).
fn parse_postgres(ts: &str) -> Result<Timestamp, String> {
    let quoted = quote(ts);
    let Some(body) = ts.strip_suffix("+00") else {
        return Err(format!(
            "{quoted} is not PostgreSQL timestamptz text in UTC (2026-03-01 12:00:00.123+00)"
        ));
    };
    let b = body.as_bytes();
    if b.len() < 19 || b.get(10) != Some(&b' ') {
        return Err(format!(
            "{quoted} is not PostgreSQL timestamptz text (date, a space, time, +00)"
        ));
    }
    if let Some(frac) = body.get(19..) {
        if !frac.is_empty() {
            let digits = frac.strip_prefix('.').unwrap_or("x");
            if digits.is_empty()
                || digits.len() > 6
                || !digits.bytes().all(|c| c.is_ascii_digit())
                || digits.ends_with('0')
            {
                return Err(format!(
                    "{quoted}: the fraction is 1-6 digits without trailing zeros, as PostgreSQL prints it"
                ));
            }
        }
    }
    let rfc = format!("{}T{}Z", &body[..10], &body[11..]);
    Timestamp::parse(&rfc).map_err(|e| e.message().to_string())
}
