//! `policyCheck` records, decisions, and explanations.
//!
//! A record is canonical JSON (RFC 8785). Its `id` is
//! `sha256:` + hex(SHA-256(canonical JSON of the record without its `id`
//! member)): it is derived from everything the record says (the policy's
//! digest, the request's digest, the verdict, the path, the evidence), so
//! equal inputs give equal ids in every language and a record cannot be
//! altered without changing its id.

use super::{Error, ErrorCode};
use crate::canonical;
use crate::digest::{Algorithm, Digest};
use serde_json::Value;
use std::sync::Arc;

/// `type` of a policyCheck record, version 1.
pub const POLICY_CHECK_TYPE: &str = "trustcore.policy-check/v1";
/// `type` of a decision, version 1.
pub const DECISION_TYPE: &str = "trustcore.policy-decision/v1";
/// `type` of an explanation, version 1.
pub const EXPLANATION_TYPE: &str = "trustcore.policy-explanation/v1";
/// `type` of an impact report, version 1.
pub const IMPACT_TYPE: &str = "trustcore.policy-impact/v1";

/// The verdict of one check, or of a decision (never `Abstain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
    /// The policy applied but its condition did not hold: no opinion.
    Abstain,
}

impl Verdict {
    /// `allow`, `deny` or `abstain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::Abstain => "abstain",
        }
    }
}

/// One evaluated node of the evaluation path.
#[derive(Clone, Debug)]
pub(crate) struct Step<'a> {
    pub(crate) node: &'a str,
    pub(crate) op: &'static str,
    pub(crate) result: Result<bool, ErrorCode>,
}

/// An evaluation error, recorded in the check.
#[derive(Clone, Debug)]
pub(crate) struct EvalError<'a> {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    pub(crate) node: &'a str,
    pub(crate) path: Option<&'a str>,
}

/// Canary facts of one check.
#[derive(Clone, Debug)]
pub(crate) struct CanaryInfo<'a> {
    pub(crate) key: &'a str,
    pub(crate) basis_points: u32,
    pub(crate) bucket: Option<u32>,
    pub(crate) selected: bool,
}

/// One evidence entry: a request pointer and the canonical JSON text of the
/// value found there (`None`: missing).
pub(crate) type Evidence<'a> = (&'a str, Option<&'a str>);

/// What one evaluation of a policy (or the RBAC table) found.
pub(crate) struct Outcome<'a> {
    pub(crate) verdict: Verdict,
    pub(crate) sim_mode: bool,
    pub(crate) canary: Option<CanaryInfo<'a>>,
    pub(crate) error: Option<EvalError<'a>>,
}

/// The bytes of a record that depend only on the policy (or on the RBAC
/// rule), written once when the set is loaded. A record is
/// `{` + [canary] + decision + `effect` + [error] + evaluationPath +
/// evidence + `id` + `head` + request digest + `mid` + simMode + `tail`.
#[derive(Clone, Debug)]
pub(crate) struct RecordStatic {
    /// The policy (or RBAC table) id, shared by its records.
    policy_id: Arc<str>,
    policy_version: u64,
    /// `,"effect":"…"`
    effect: Vec<u8>,
    /// `,"kind":"…","policyDigest":"…","policyId":"…","policyVersion":n,"rationale":"…","requestDigest":`
    head: Vec<u8>,
    /// `,"severity":"…"` (policies only) + `,"simMode":`
    mid: Vec<u8>,
    /// `,"state":"…","type":"trustcore.policy-check/v1"}`
    tail: Vec<u8>,
}

/// The fixed facts of a record's policy (or RBAC rule).
pub(crate) struct RecordFacts<'a> {
    pub(crate) kind: &'static str,
    pub(crate) policy_id: &'a str,
    pub(crate) policy_version: u64,
    pub(crate) policy_digest: &'a str,
    pub(crate) state: &'static str,
    pub(crate) severity: Option<&'static str>,
    pub(crate) effect: &'static str,
    pub(crate) rationale: &'a str,
}

impl RecordStatic {
    pub(crate) fn new(f: &RecordFacts<'_>) -> RecordStatic {
        let mut effect = Vec::new();
        key(&mut effect, false, "effect");
        string(&mut effect, f.effect);
        let mut head = Vec::with_capacity(160 + f.policy_id.len() + f.rationale.len());
        key(&mut head, false, "kind");
        string(&mut head, f.kind);
        key(&mut head, false, "policyDigest");
        string(&mut head, f.policy_digest);
        key(&mut head, false, "policyId");
        string(&mut head, f.policy_id);
        key(&mut head, false, "policyVersion");
        int(&mut head, f.policy_version);
        key(&mut head, false, "rationale");
        string(&mut head, f.rationale);
        key(&mut head, false, "requestDigest");
        let mut mid = Vec::new();
        if let Some(s) = f.severity {
            key(&mut mid, false, "severity");
            string(&mut mid, s);
        }
        key(&mut mid, false, "simMode");
        let mut tail = Vec::new();
        key(&mut tail, false, "state");
        string(&mut tail, f.state);
        key(&mut tail, false, "type");
        string(&mut tail, POLICY_CHECK_TYPE);
        tail.push(b'}');
        RecordStatic {
            policy_id: Arc::from(f.policy_id),
            policy_version: f.policy_version,
            effect,
            head,
            mid,
            tail,
        }
    }
}

/// One `policyCheck` record: the result of one policy (or the RBAC table)
/// that applied to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyCheck {
    pub(crate) id: Arc<str>,
    pub(crate) policy_id: Arc<str>,
    pub(crate) policy_version: u64,
    pub(crate) verdict: Verdict,
    pub(crate) sim_mode: bool,
    pub(crate) error_code: Option<ErrorCode>,
    bytes: Vec<u8>,
}

/// Writes `"name":` (names here are ASCII and need no escaping).
#[inline]
fn key(out: &mut Vec<u8>, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Whether `s` holds a byte JSON strings must escape (`"`, `\\`, a C0
/// control), eight bytes at a time (the canonical parser's word trick: as a
/// yes/no answer it is exact).
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        let w = u64::from_le_bytes(word);
        let controls = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        if controls | zero_byte(w ^ (ONES * 0x22)) | zero_byte(w ^ (ONES * 0x5c)) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Writes `s` as a canonical JSON string. Most strings here (digests,
/// ids, pointers, operator names) need no escaping: a word-at-a-time check
/// says so, and only the others go through the canonical escaper.
#[inline]
fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        canonical::write_escaped(out, s.as_bytes());
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Writes a digest or record id (`sha256:` + hex, made here) as a JSON
/// string: its characters never need escaping.
fn digest_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

fn int(out: &mut Vec<u8>, n: u64) {
    // Integers here are below 2^53: their decimal form is their ECMAScript form.
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(i..).unwrap_or_default());
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// `sha256:` + lowercase hex of the SHA-256 of `bytes`.
pub(crate) fn sha256_id(bytes: &[u8]) -> String {
    let d = Digest::of(Algorithm::Sha256, bytes);
    let mut hex_digits = [0u8; 64];
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    if hex::encode_to_slice(d.as_bytes(), &mut hex_digits).is_ok() {
        out.push_str(std::str::from_utf8(&hex_digits).unwrap_or_default());
    }
    out
}

impl PolicyCheck {
    /// Writes the record's canonical bytes directly, members in RFC 8785
    /// order (all names are ASCII, so byte order is UTF-16 order): the
    /// parts fixed by the policy come from `stat` (written at load time),
    /// request values are quoted as their canonical text (a slice of the
    /// canonical request), strings go through the canonical module's
    /// escaping. The record without `id` is written into `buf` (a buffer
    /// reused for every record), hashed in one pass, and copied once into
    /// the record with its `id`. `evidence` is sorted here. The vectors pin
    /// the bytes, and the tests compare them with `canonicalize_value` of
    /// the parsed record.
    pub(crate) fn write(
        stat: &RecordStatic,
        request_digest: &str,
        o: Outcome<'_>,
        steps: &[Step<'_>],
        evidence: &mut [Evidence<'_>],
        buf: &mut Vec<u8>,
    ) -> PolicyCheck {
        crate::sort::sort_unstable_by(evidence, |a, b| canonical::cmp_utf16(a.0, b.0));
        let a = buf;
        a.clear();
        a.push(b'{');
        let mut first = true;
        if let Some(c) = &o.canary {
            key(a, first, "canary");
            a.push(b'{');
            key(a, true, "basisPoints");
            int(a, u64::from(c.basis_points));
            if let Some(b) = c.bucket {
                key(a, false, "bucket");
                int(a, u64::from(b));
            }
            key(a, false, "key");
            string(a, c.key);
            key(a, false, "selected");
            boolean(a, c.selected);
            a.push(b'}');
            first = false;
        }
        key(a, first, "decision");
        string(a, o.verdict.as_str());
        a.extend_from_slice(&stat.effect);
        if let Some(e) = &o.error {
            key(a, false, "error");
            a.push(b'{');
            key(a, true, "code");
            string(a, e.code.as_str());
            key(a, false, "message");
            string(a, &e.message);
            key(a, false, "node");
            string(a, e.node);
            if let Some(p) = e.path {
                key(a, false, "path");
                string(a, p);
            }
            a.push(b'}');
        }
        key(a, false, "evaluationPath");
        a.push(b'[');
        for (n, s) in steps.iter().enumerate() {
            if n > 0 {
                a.push(b',');
            }
            a.push(b'{');
            if let Err(code) = s.result {
                key(a, true, "error");
                string(a, code.as_str());
                key(a, false, "node");
            } else {
                key(a, true, "node");
            }
            string(a, s.node);
            key(a, false, "op");
            string(a, s.op);
            if let Ok(b) = s.result {
                key(a, false, "result");
                boolean(a, b);
            }
            a.push(b'}');
        }
        a.push(b']');
        key(a, false, "evidence");
        a.push(b'[');
        for (n, (p, v)) in evidence.iter().enumerate() {
            if n > 0 {
                a.push(b',');
            }
            a.push(b'{');
            match v {
                Some(v) => {
                    key(a, true, "pointer");
                    string(a, p);
                    key(a, false, "value");
                    a.extend_from_slice(v.as_bytes());
                }
                None => {
                    key(a, true, "missing");
                    a.extend_from_slice(b"true");
                    key(a, false, "pointer");
                    string(a, p);
                }
            }
            a.push(b'}');
        }
        a.push(b']');
        // Members after "id".
        let before_id = a.len();
        a.extend_from_slice(&stat.head);
        digest_string(a, request_digest);
        a.extend_from_slice(&stat.mid);
        boolean(a, o.sim_mode);
        a.extend_from_slice(&stat.tail);
        // `a` is now the canonical record without its id.
        let id = sha256_id(a);
        let (head, rest) = a.split_at(before_id.min(a.len()));
        let mut bytes = Vec::with_capacity(a.len() + id.len() + 8);
        bytes.extend_from_slice(head);
        key(&mut bytes, false, "id");
        digest_string(&mut bytes, &id);
        bytes.extend_from_slice(rest);
        PolicyCheck {
            id: Arc::from(id),
            policy_id: Arc::clone(&stat.policy_id),
            policy_version: stat.policy_version,
            verdict: o.verdict,
            sim_mode: o.sim_mode,
            error_code: o.error.map(|e| e.code),
            bytes,
        }
    }

    /// The record id (`sha256:<hex>`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The policy (or RBAC table) id.
    pub fn policy_id(&self) -> &str {
        &self.policy_id
    }
    /// The policy version.
    pub fn policy_version(&self) -> u64 {
        self.policy_version
    }
    /// This check's verdict (a simulated one did not count).
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }
    /// Whether the check was simulated (did not count toward the decision).
    pub fn sim_mode(&self) -> bool {
        self.sim_mode
    }
    /// The evaluation error's code, if evaluation failed.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.error_code
    }
    /// The canonical JSON bytes of the record.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// The canonical JSON text of the record.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    /// The record as a value.
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

/// A check that determined a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeterminingCheck {
    policy_check_id: Arc<str>,
    policy_id: Arc<str>,
    policy_version: u64,
}

impl DeterminingCheck {
    /// The record id.
    pub fn policy_check_id(&self) -> &str {
        &self.policy_check_id
    }
    /// The policy id.
    pub fn policy_id(&self) -> &str {
        &self.policy_id
    }
    /// The policy version.
    pub fn policy_version(&self) -> u64 {
        self.policy_version
    }
}

/// The decision on one request: the verdict, the checks that determined it,
/// and every check (enforced and simulated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    verdict: Verdict,
    reason: &'static str,
    determined_by: Vec<DeterminingCheck>,
    checks: Vec<PolicyCheck>,
    request_digest: String,
    set_digest: Arc<str>,
}

impl Decision {
    pub(crate) fn new(
        checks: Vec<PolicyCheck>,
        default_allow: bool,
        request_digest: String,
        set_digest: Arc<str>,
    ) -> Decision {
        let counted = |v: Verdict| -> Vec<DeterminingCheck> {
            checks
                .iter()
                .filter(|c| !c.sim_mode && c.verdict == v)
                .map(|c| DeterminingCheck {
                    policy_check_id: c.id.clone(),
                    policy_id: c.policy_id.clone(),
                    policy_version: c.policy_version,
                })
                .collect()
        };
        let deny = counted(Verdict::Deny);
        let (verdict, reason, determined_by) = if !deny.is_empty() {
            (Verdict::Deny, "deny", deny)
        } else {
            let allow = counted(Verdict::Allow);
            if !allow.is_empty() {
                (Verdict::Allow, "allow", allow)
            } else if default_allow {
                (Verdict::Allow, "default", Vec::new())
            } else {
                (Verdict::Deny, "default", Vec::new())
            }
        };
        Decision {
            verdict,
            reason,
            determined_by,
            checks,
            request_digest,
            set_digest,
        }
    }

    /// `Allow` or `Deny`.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The message of a denial, the same in every binding (the
    /// `PolicyDeniedError` / `PolicyDenied` message): `denied by
    /// <id>@<version>: <rationale>` for each determining check, or the
    /// default's; `None` when the request is allowed.
    pub fn denial_message(&self) -> Option<String> {
        if self.is_allowed() {
            return None;
        }
        if self.determined_by.is_empty() {
            return Some("denied by default: no enforced policy allowed the request".into());
        }
        let parts: Vec<String> = self
            .determined_by
            .iter()
            .map(|d| {
                let rationale = self
                    .checks
                    .iter()
                    .find(|c| c.id == d.policy_check_id)
                    .and_then(|c| {
                        c.to_value()
                            .get("rationale")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .filter(|r| !r.is_empty());
                match rationale {
                    Some(r) => format!("{}@{}: {r}", d.policy_id, d.policy_version),
                    None => format!("{}@{}", d.policy_id, d.policy_version),
                }
            })
            .collect();
        Some(format!("denied by {}", parts.join("; ")))
    }
    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }
    /// `deny` (an enforced check denied), `allow` (no enforced check denied
    /// and one allowed) or `default` (no enforced check had an opinion).
    pub fn reason(&self) -> &'static str {
        self.reason
    }
    /// The enforced checks that determined the verdict, in record order.
    pub fn determined_by(&self) -> &[DeterminingCheck] {
        &self.determined_by
    }
    /// Every check, sorted by policy id (UTF-16 code units) then version.
    pub fn checks(&self) -> &[PolicyCheck] {
        &self.checks
    }
    /// `sha256:<hex>` of the canonical request.
    pub fn request_digest(&self) -> &str {
        &self.request_digest
    }
    /// `sha256:<hex>` of the canonical policy-set document.
    pub fn policy_set_digest(&self) -> &str {
        &self.set_digest
    }

    /// The canonical JSON bytes of the decision, written directly in
    /// RFC 8785 member order (the records are already canonical).
    pub fn to_bytes(&self) -> Vec<u8> {
        let records: usize = self.checks.iter().map(|c| c.bytes.len() + 1).sum();
        let mut out = Vec::with_capacity(records + 320 + 160 * self.determined_by.len());
        out.push(b'{');
        key(&mut out, true, "decision");
        string(&mut out, self.verdict.as_str());
        key(&mut out, false, "determinedBy");
        out.push(b'[');
        for (i, d) in self.determined_by.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            key(&mut out, true, "policyCheckId");
            digest_string(&mut out, &d.policy_check_id);
            key(&mut out, false, "policyId");
            string(&mut out, &d.policy_id);
            key(&mut out, false, "policyVersion");
            int(&mut out, d.policy_version);
            out.push(b'}');
        }
        out.push(b']');
        key(&mut out, false, "policyChecks");
        out.push(b'[');
        for (i, c) in self.checks.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&c.bytes);
        }
        out.push(b']');
        key(&mut out, false, "policySetDigest");
        string(&mut out, &self.set_digest);
        key(&mut out, false, "reason");
        string(&mut out, self.reason);
        key(&mut out, false, "requestDigest");
        digest_string(&mut out, &self.request_digest);
        key(&mut out, false, "type");
        string(&mut out, DECISION_TYPE);
        out.push(b'}');
        out
    }

    /// The canonical JSON text of the decision.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }

    /// The decision as a value (for bindings that return objects).
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.to_bytes()).unwrap_or(Value::Null)
    }
}

pub(super) fn bad_record(message: impl Into<String>, path: &str) -> Error {
    Error::new(ErrorCode::InvalidRecord, message, Some(path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_integers_are_written_canonically() {
        let samples = [
            "",
            "plain",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "quote\" in the middle of a long string",
            "back\\slash",
            "tab\tand\nnewline",
            "\u{1}\u{1f}",
            "\u{7f}é😀 are not escaped",
            "exactly8",
            "exactly8\"",
        ];
        for s in samples {
            let mut fast = Vec::new();
            string(&mut fast, s);
            let mut reference = Vec::new();
            canonical::write_escaped(&mut reference, s.as_bytes());
            assert_eq!(fast, reference, "{s:?}");
        }
        for n in [0u64, 7, 10, 99, 1000, (1 << 53) - 1, u64::MAX] {
            let mut out = Vec::new();
            int(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
