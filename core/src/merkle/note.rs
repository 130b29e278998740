//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys,
//! verified the way Go's `golang.org/x/mod/sumdb/note.Open` verifies them.

use super::{Error, ErrorCode};
use crate::keys::{PublicKey, SecretKey};
use crate::sign;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use std::fmt;

/// The largest signed note [`Note::parse`] accepts, in bytes (the limit Go's
/// `tlog.ParseTree` puts on checkpoint text).
pub const MAX_NOTE_BYTES: usize = 1_000_000;
/// The most signature lines a note may have (Go's `note.Open` limit; the
/// spec asks verifiers to accept at least 16).
pub const MAX_SIGNATURES: usize = 100;
/// The signature type byte of Ed25519 in key hashes and verifier keys.
pub const ED25519_KEY_TYPE: u8 = 0x01;

const SIG_PREFIX: &str = "\u{2014} ";

/// The key hash (key ID) of an Ed25519 note key: the first four bytes,
/// big-endian, of `SHA-256(name || "\n" || 0x01 || public key)`.
pub fn key_hash(name: &str, public_key: &PublicKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ED25519_KEY_TYPE]);
    h.update(public_key.to_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Whether `name` is a valid key name: non-empty, no Unicode space (Rust's
/// `char::is_whitespace` is the same set as Go's `unicode.IsSpace`) and no
/// `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

fn check_name(name: &str, offset: usize) -> Result<(), Error> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(Error::at(
            ErrorCode::InvalidKeyName,
            offset,
            format!("key name {name:?} must be non-empty, without spaces or '+'"),
        ))
    }
}

fn decode_b64(text: &str, offset: usize, what: &str) -> Result<Vec<u8>, Error> {
    STANDARD.decode(text).map_err(|e| {
        Error::at(
            ErrorCode::InvalidBase64,
            offset,
            format!("{what} is not canonical standard padded base64: {e}"),
        )
    })
}

/// A trusted note verifier key: a key name, its key hash and an Ed25519
/// public key. Its text form is Go's verifier key,
/// `<name>+<8 hex key hash>+<base64(0x01 || 32-byte public key)>`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VerifierKey {
    name: String,
    key_hash: u32,
    key: PublicKey,
}

impl VerifierKey {
    /// The verifier key for `public_key` under `name`. The key must pass
    /// [`PublicKey::check_hygiene`] (a trusted key is held long-term).
    pub fn new(name: &str, public_key: PublicKey) -> Result<Self, Error> {
        check_name(name, 0)?;
        public_key.check_hygiene().map_err(|e| {
            Error::new(
                ErrorCode::InvalidVerifierKey,
                format!(
                    "the public key is not fit for a verifier key: {}",
                    e.message()
                ),
            )
        })?;
        Ok(VerifierKey {
            name: name.to_string(),
            key_hash: key_hash(name, &public_key),
            key: public_key,
        })
    }

    /// Parses the text form. Offsets count bytes of `text`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let (name, rest) = text.split_once('+').ok_or_else(|| {
            Error::at(
                ErrorCode::InvalidVerifierKey,
                0,
                "a verifier key is <name>+<hash>+<key>; no '+' found",
            )
        })?;
        let (hash16, key64) = rest.split_once('+').ok_or_else(|| {
            Error::at(
                ErrorCode::InvalidVerifierKey,
                name.len() + 1,
                "a verifier key is <name>+<hash>+<key>; no second '+' found",
            )
        })?;
        check_name(name, 0)?;
        let hash_at = name.len() + 1;
        if hash16.len() != 8 || !hash16.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::at(
                ErrorCode::InvalidVerifierKey,
                hash_at,
                "the key hash of a verifier key is 8 hex digits",
            ));
        }
        let hash = u32::from_str_radix(hash16, 16)
            .map_err(|_| Error::at(ErrorCode::InvalidVerifierKey, hash_at, "invalid key hash"))?;
        let key_at = hash_at + 9;
        let raw = decode_b64(key64, key_at, "the key of a verifier key")?;
        let Some((&alg, key)) = raw.split_first() else {
            return Err(Error::at(
                ErrorCode::InvalidVerifierKey,
                key_at,
                "the verifier key has no key bytes",
            ));
        };
        let expected = {
            let mut h = Sha256::new();
            h.update(name.as_bytes());
            h.update(b"\n");
            h.update(&raw);
            let d = h.finalize();
            u32::from_be_bytes([d[0], d[1], d[2], d[3]])
        };
        if expected != hash {
            return Err(Error::at(
                ErrorCode::KeyHashMismatch,
                hash_at,
                format!(
                    "the key hash {hash16} is not the hash of the name and key ({expected:08x})"
                ),
            ));
        }
        if alg != ED25519_KEY_TYPE {
            return Err(Error::at(
                ErrorCode::UnsupportedKeyType,
                key_at,
                format!("signature type 0x{alg:02x} is not supported; only Ed25519 (0x01)"),
            ));
        }
        let pk = PublicKey::from_bytes(key).map_err(|e| {
            Error::at(
                ErrorCode::InvalidVerifierKey,
                key_at,
                format!("not an Ed25519 public key: {}", e.message()),
            )
        })?;
        VerifierKey::new(name, pk).map_err(|e| Error::at(e.code(), key_at, e.message().to_string()))
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key hash (key ID).
    pub fn key_hash(&self) -> u32 {
        self.key_hash
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = [0u8; 33];
        raw[0] = ED25519_KEY_TYPE;
        raw[1..].copy_from_slice(&self.key.to_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_hash,
            STANDARD.encode(raw)
        )
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

/// One signature line of a note: `— <name> <base64(key hash || signature)>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NoteSignature {
    name: String,
    key_hash: u32,
    signature: Vec<u8>,
}

impl NoteSignature {
    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key hash (the first four bytes of the decoded signature).
    pub fn key_hash(&self) -> u32 {
        self.key_hash
    }

    /// The signature bytes after the key hash (64 for Ed25519).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The base64 field of the line: key hash and signature.
    pub fn to_base64(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_hash.to_be_bytes());
        raw.extend_from_slice(&self.signature);
        STANDARD.encode(raw)
    }

    /// The whole line, with its newline.
    pub fn to_line(&self) -> String {
        format!("{SIG_PREFIX}{} {}\n", self.name, self.to_base64())
    }
}

/// A note: text ending in a newline, and signature lines.
///
/// [`Note::parse`] checks the structure only; [`Note::verify`] decides
/// which trusted keys signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// What [`Note::verify`] found: the trusted keys whose signatures verified
/// (in the order of their lines), and the signature lines of keys not in the
/// trusted set (ignored, as the spec requires; identical lines once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Trusted keys with a valid signature.
    pub signers: Vec<VerifierKey>,
    /// Signatures by unknown keys.
    pub unknown: Vec<NoteSignature>,
}

fn check_text_chars(bytes: &[u8]) -> Result<(), Error> {
    let valid_up_to = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    if let Some(p) = bytes
        .get(..valid_up_to)
        .unwrap_or(&[])
        .iter()
        .position(|&b| b < 0x20 && b != b'\n')
    {
        return Err(Error::at(
            ErrorCode::ControlCharacter,
            p,
            format!(
                "control character 0x{:02x}: only newline is allowed",
                bytes.get(p).copied().unwrap_or(0)
            ),
        ));
    }
    if valid_up_to < bytes.len() {
        return Err(Error::at(
            ErrorCode::InvalidUtf8,
            valid_up_to,
            "a note must be valid UTF-8",
        ));
    }
    Ok(())
}

impl Note {
    /// An unsigned note over `text`, which must be non-empty UTF-8 ending in
    /// a newline, without control characters other than newline, and small
    /// enough to fit [`MAX_NOTE_BYTES`] with signatures.
    pub fn new(text: &str) -> Result<Self, Error> {
        check_text_chars(text.as_bytes())?;
        if !text.ends_with('\n') {
            return Err(Error::new(
                ErrorCode::InvalidNoteText,
                "note text must end with a newline",
            ));
        }
        if text.len() > MAX_NOTE_BYTES / 2 {
            return Err(Error::new(
                ErrorCode::NoteTooLarge,
                format!(
                    "note text is {} bytes; the limit is {}",
                    text.len(),
                    MAX_NOTE_BYTES / 2
                ),
            ));
        }
        Ok(Note {
            text: text.to_string(),
            signatures: Vec::new(),
        })
    }

    /// Parses a signed note (untrusted input). Checks, in this order: size,
    /// UTF-8 and control characters (at the first offending byte), the blank
    /// line before the signatures (the last one in the note), each signature
    /// line, their number. Signatures are not verified here.
    pub fn parse(msg: &[u8]) -> Result<Self, Error> {
        if msg.len() > MAX_NOTE_BYTES {
            return Err(Error::new(
                ErrorCode::NoteTooLarge,
                format!(
                    "the note is {} bytes; the limit is {MAX_NOTE_BYTES}",
                    msg.len()
                ),
            ));
        }
        check_text_chars(msg)?;
        let s = std::str::from_utf8(msg)
            .map_err(|_| Error::at(ErrorCode::InvalidUtf8, 0, "a note must be valid UTF-8"))?;
        let split = s.rfind("\n\n").ok_or_else(|| {
            Error::new(
                ErrorCode::MissingSignatureBlock,
                "no blank line separates the note text from its signatures",
            )
        })?;
        let text = s.get(..=split).unwrap_or_default();
        let block_at = split + 2;
        let block = s.get(block_at..).unwrap_or_default();
        if block.is_empty() {
            return Err(Error::new(
                ErrorCode::MissingSignatureBlock,
                "no signature line after the blank line",
            ));
        }
        let mut signatures = Vec::new();
        let mut at = block_at;
        let mut rest = block;
        while !rest.is_empty() {
            let Some((line, next)) = rest.split_once('\n') else {
                return Err(Error::at(
                    ErrorCode::MalformedSignatureLine,
                    at,
                    "the last signature line does not end with a newline",
                ));
            };
            let sig = parse_signature_line(line).map_err(|e| e.shifted(at))?;
            if signatures.len() == MAX_SIGNATURES {
                return Err(Error::at(
                    ErrorCode::TooManySignatures,
                    at,
                    format!("more than {MAX_SIGNATURES} signature lines"),
                ));
            }
            signatures.push(sig);
            at += line.len() + 1;
            rest = next;
        }
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// The signed text (with its final newline, without the blank line).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// The signed note: text, blank line, signature lines. A note without
    /// signatures prints as its text and a blank line, which
    /// [`Note::parse`] rejects: sign it first.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + 110 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.to_line());
        }
        out
    }

    /// Signs the text with a local key under key name `name`. A signature
    /// already present for the same key is replaced (as Go's `note.Sign`
    /// does); others are kept, so several keys can sign (key rotation).
    pub fn sign(&mut self, name: &str, key: &SecretKey) -> Result<(), Error> {
        let signer = VerifierKey::new(name, key.public_key())?;
        let prepared = self.prepare(&signer);
        let sig = sign::sign(key, prepared.message());
        self.attach(&prepared, &sig)
    }

    /// Prepares the exact bytes a (remote) signer must sign for `signer`:
    /// the note text. Pure Ed25519 over those bytes, nothing else.
    pub fn prepare(&self, signer: &VerifierKey) -> PreparedNote {
        PreparedNote {
            text: self.text.clone(),
            signer: signer.clone(),
        }
    }

    /// Attaches a signer's answer to a [`PreparedNote`] after checking it:
    /// the preparation must be for this note's text, and the signature must
    /// verify under the prepared verifier key. Fails closed
    /// ([`ErrorCode::PreparedMismatch`], [`ErrorCode::RemoteSignatureInvalid`]);
    /// nothing is added on error.
    pub fn attach(&mut self, prepared: &PreparedNote, signature: &[u8]) -> Result<(), Error> {
        if prepared.text != self.text {
            return Err(Error::new(
                ErrorCode::PreparedMismatch,
                "the signature was prepared for another note text",
            ));
        }
        let sig: [u8; 64] = signature.try_into().map_err(|_| {
            Error::new(
                ErrorCode::RemoteSignatureInvalid,
                format!(
                    "the signer returned {} bytes; an Ed25519 signature is 64",
                    signature.len()
                ),
            )
        })?;
        let signer = &prepared.signer;
        if !sign::verify_with(signer.public_key(), self.text.as_bytes(), &sig) {
            return Err(Error::new(
                ErrorCode::RemoteSignatureInvalid,
                format!(
                    "the signature returned for key {:?} does not verify under its public key",
                    signer.name()
                ),
            ));
        }
        self.signatures
            .retain(|s| !(s.name == signer.name && s.key_hash == signer.key_hash));
        self.signatures.push(NoteSignature {
            name: signer.name.clone(),
            key_hash: signer.key_hash,
            signature: sig.to_vec(),
        });
        Ok(())
    }

    /// Verifies the note against a set of trusted keys, as Go's `note.Open`
    /// does:
    ///
    /// * a line whose (name, key hash) matches no trusted key is ignored
    ///   (reported in [`Verified::unknown`]), even if the name or the hash
    ///   alone matches one;
    /// * a line matching a trusted key must verify, or the whole note is
    ///   rejected with [`ErrorCode::InvalidSignature`] (a signature of the
    ///   wrong length included);
    /// * only the first line of each trusted key is verified; later lines of
    ///   the same key are skipped unverified (Go does the same);
    /// * two distinct trusted keys with the same name and key hash are
    ///   [`ErrorCode::AmbiguousKey`] when a line names them (the same key
    ///   given twice is not);
    /// * no valid trusted signature at all is
    ///   [`ErrorCode::NoTrustedSignature`].
    pub fn verify(&self, trusted: &[VerifierKey]) -> Result<Verified, Error> {
        let mut signers: Vec<VerifierKey> = Vec::new();
        let mut unknown: Vec<NoteSignature> = Vec::new();
        for sig in &self.signatures {
            let mut matches = trusted
                .iter()
                .filter(|k| k.name == sig.name && k.key_hash == sig.key_hash);
            let Some(key) = matches.next() else {
                if !unknown.contains(sig) {
                    unknown.push(sig.clone());
                }
                continue;
            };
            if matches.any(|other| other != key) {
                return Err(Error::new(
                    ErrorCode::AmbiguousKey,
                    format!(
                        "several trusted keys are named {:?} with key hash {:08x}",
                        sig.name, sig.key_hash
                    ),
                ));
            }
            if signers.contains(key) {
                continue;
            }
            let ok = <&[u8; 64]>::try_from(sig.signature.as_slice())
                .map(|s| sign::verify_with(key.public_key(), self.text.as_bytes(), s))
                .unwrap_or(false);
            if !ok {
                return Err(Error::new(
                    ErrorCode::InvalidSignature,
                    format!(
                        "the signature by trusted key {}+{:08x} does not verify",
                        sig.name, sig.key_hash
                    ),
                ));
            }
            signers.push(key.clone());
        }
        if signers.is_empty() {
            return Err(Error::new(
                ErrorCode::NoTrustedSignature,
                format!(
                    "no signature by a trusted key ({} signature line(s) by unknown keys)",
                    unknown.len()
                ),
            ));
        }
        Ok(Verified { signers, unknown })
    }
}

/// Offsets in errors are relative to the start of the line.
fn parse_signature_line(line: &str) -> Result<NoteSignature, Error> {
    let body = line.strip_prefix(SIG_PREFIX).ok_or_else(|| {
        Error::at(
            ErrorCode::MalformedSignatureLine,
            0,
            "a signature line starts with an em dash (U+2014) and a space",
        )
    })?;
    let name_at = SIG_PREFIX.len();
    let (name, b64) = body.split_once(' ').unwrap_or((body, ""));
    check_name(name, name_at)?;
    let b64_at = name_at + name.len() + 1;
    if b64.is_empty() {
        return Err(Error::at(
            ErrorCode::MalformedSignatureLine,
            b64_at.min(line.len()),
            "a signature line is '— <name> <base64 signature>'",
        ));
    }
    let raw = decode_b64(b64, b64_at, "the signature")?;
    if raw.len() < 5 {
        return Err(Error::at(
            ErrorCode::MalformedSignatureLine,
            b64_at,
            format!(
                "a signature has a 4-byte key hash and at least one byte; this one has {} bytes",
                raw.len()
            ),
        ));
    }
    let (hash, sig) = raw.split_at(4);
    Ok(NoteSignature {
        name: name.to_string(),
        key_hash: u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]),
        signature: sig.to_vec(),
    })
}

/// The bytes a remote signer must sign for one key, from [`Note::prepare`];
/// give its answer to [`Note::attach`].
#[derive(Clone, Debug)]
pub struct PreparedNote {
    text: String,
    signer: VerifierKey,
}

impl PreparedNote {
    /// Exactly what to sign (pure Ed25519): the note text.
    pub fn message(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The key the signature must verify under.
    pub fn signer(&self) -> &VerifierKey {
        &self.signer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    #[test]
    fn go_example_note_verifies() {
        // From the documentation of golang.org/x/mod/sumdb/note.
        let vkey = VerifierKey::parse(
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        )
        .unwrap();
        let msg = "If you think cryptography is the answer to your problem,\n\
                   then you don't know what your problem is.\n\n\
                   \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let note = Note::parse(msg.as_bytes()).unwrap();
        let v = note.verify(std::slice::from_ref(&vkey)).unwrap();
        assert_eq!(v.signers, vec![vkey]);
        assert_eq!(note.to_text(), msg);
    }

    #[test]
    fn sign_two_keys_and_remote_attach() {
        let mut n = Note::new("hello\n").unwrap();
        n.sign("old.example", &key(1)).unwrap();
        let new = VerifierKey::new("new.example", key(2).public_key()).unwrap();
        let p = n.prepare(&new);
        let bad = sign::sign(&key(3), p.message());
        assert_eq!(
            n.attach(&p, &bad).unwrap_err().code(),
            ErrorCode::RemoteSignatureInvalid
        );
        assert_eq!(
            n.attach(&p, &bad[..10]).unwrap_err().code(),
            ErrorCode::RemoteSignatureInvalid
        );
        let good = sign::sign(&key(2), p.message());
        n.attach(&p, &good).unwrap();
        let other = Note::new("other\n").unwrap();
        assert_eq!(
            other.clone().attach(&p, &good).unwrap_err().code(),
            ErrorCode::PreparedMismatch
        );
        let back = Note::parse(n.to_text().as_bytes()).unwrap();
        assert_eq!(back, n);
        let old = VerifierKey::new("old.example", key(1).public_key()).unwrap();
        let v = back.verify(&[new.clone(), old.clone()]).unwrap();
        assert_eq!(v.signers, vec![old.clone(), new.clone()]);
        assert!(
            back.verify(std::slice::from_ref(&new))
                .unwrap()
                .unknown
                .len()
                == 1
        );
        assert_eq!(
            back.verify(&[]).unwrap_err().code(),
            ErrorCode::NoTrustedSignature
        );
        assert_eq!(VerifierKey::parse(&old.to_string()).unwrap(), old);
    }
}
