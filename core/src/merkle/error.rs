//! The merkle module's error: a stable code, a message and, for text that
//! was parsed, the byte offset of the problem.

use std::fmt;

/// Stable error codes of the merkle module (tree proofs, signed notes and
/// checkpoints). The string forms never change once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A proof with the wrong number of hashes for the sizes it claims
    /// (truncated or over-long).
    InvalidProof,
    /// The root a proof leads to is not the expected root (or, for a
    /// consistency proof, one of the two roots).
    RootMismatch,
    /// A leaf index at or beyond the tree size (including any index in an
    /// empty tree).
    IndexOutOfRange,
    /// Tree sizes that no proof can relate: a consistency proof from size 0
    /// or from a larger tree to a smaller one, or a size beyond 2^63 − 1.
    InvalidTreeSize,
    /// A [`crate::merkle::HashSource`] had no hash for a node the proof needs.
    MissingHash,
    /// A signed note larger than [`crate::merkle::MAX_NOTE_BYTES`].
    NoteTooLarge,
    /// Note text that is not valid UTF-8.
    InvalidUtf8,
    /// An ASCII control character other than newline in a note.
    ControlCharacter,
    /// No blank line separating the note text from its signature lines, or
    /// no signature line after it.
    MissingSignatureBlock,
    /// A signature line not of the form `— <name> <base64>`, or whose
    /// signature is shorter than 5 bytes.
    MalformedSignatureLine,
    /// A key name that is empty or contains a Unicode space or `+`.
    InvalidKeyName,
    /// Base64 that is not standard, padded and canonical (RFC 4648 §4).
    InvalidBase64,
    /// More than [`crate::merkle::MAX_SIGNATURES`] signature lines.
    TooManySignatures,
    /// A signature line naming a trusted key (name and key hash) whose
    /// signature does not verify: the whole note is rejected.
    InvalidSignature,
    /// No signature by any trusted key (unknown-key lines are ignored).
    NoTrustedSignature,
    /// Two trusted keys share a name and key hash, and a signature names them.
    AmbiguousKey,
    /// A verifier key that is not `<name>+<8 hex>+<base64(0x01 || key)>`.
    InvalidVerifierKey,
    /// A verifier key whose key hash is not the hash of its name and key.
    KeyHashMismatch,
    /// A verifier key of a signature type other than Ed25519 (`0x01`).
    UnsupportedKeyType,
    /// Note text that cannot be signed: empty, not ending in a newline.
    InvalidNoteText,
    /// A remote signer's answer that does not verify under the expected key.
    RemoteSignatureInvalid,
    /// A prepared signature request for other note text than the note it is
    /// attached to.
    PreparedMismatch,
    /// A checkpoint body that is not at least three non-empty lines.
    MalformedCheckpoint,
    /// An empty checkpoint origin line.
    InvalidOrigin,
    /// A checkpoint tree size that is not canonical ASCII decimal
    /// (no sign, no leading zero) in 0..=2^63 − 1.
    MalformedTreeSize,
    /// A checkpoint root hash that is not canonical base64 of 32 bytes.
    InvalidRootHash,
}

impl ErrorCode {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidProof => "invalid_proof",
            ErrorCode::RootMismatch => "root_mismatch",
            ErrorCode::IndexOutOfRange => "index_out_of_range",
            ErrorCode::InvalidTreeSize => "invalid_tree_size",
            ErrorCode::MissingHash => "missing_hash",
            ErrorCode::NoteTooLarge => "note_too_large",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::ControlCharacter => "control_character",
            ErrorCode::MissingSignatureBlock => "missing_signature_block",
            ErrorCode::MalformedSignatureLine => "malformed_signature_line",
            ErrorCode::InvalidKeyName => "invalid_key_name",
            ErrorCode::InvalidBase64 => "invalid_base64",
            ErrorCode::TooManySignatures => "too_many_signatures",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::NoTrustedSignature => "no_trusted_signature",
            ErrorCode::AmbiguousKey => "ambiguous_key",
            ErrorCode::InvalidVerifierKey => "invalid_verifier_key",
            ErrorCode::KeyHashMismatch => "key_hash_mismatch",
            ErrorCode::UnsupportedKeyType => "unsupported_key_type",
            ErrorCode::InvalidNoteText => "invalid_note_text",
            ErrorCode::RemoteSignatureInvalid => "remote_signature_invalid",
            ErrorCode::PreparedMismatch => "prepared_mismatch",
            ErrorCode::MalformedCheckpoint => "malformed_checkpoint",
            ErrorCode::InvalidOrigin => "invalid_origin",
            ErrorCode::MalformedTreeSize => "malformed_tree_size",
            ErrorCode::InvalidRootHash => "invalid_root_hash",
        }
    }

    /// Every code, for bindings that export them and for tests.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidProof,
        ErrorCode::RootMismatch,
        ErrorCode::IndexOutOfRange,
        ErrorCode::InvalidTreeSize,
        ErrorCode::MissingHash,
        ErrorCode::NoteTooLarge,
        ErrorCode::InvalidUtf8,
        ErrorCode::ControlCharacter,
        ErrorCode::MissingSignatureBlock,
        ErrorCode::MalformedSignatureLine,
        ErrorCode::InvalidKeyName,
        ErrorCode::InvalidBase64,
        ErrorCode::TooManySignatures,
        ErrorCode::InvalidSignature,
        ErrorCode::NoTrustedSignature,
        ErrorCode::AmbiguousKey,
        ErrorCode::InvalidVerifierKey,
        ErrorCode::KeyHashMismatch,
        ErrorCode::UnsupportedKeyType,
        ErrorCode::InvalidNoteText,
        ErrorCode::RemoteSignatureInvalid,
        ErrorCode::PreparedMismatch,
        ErrorCode::MalformedCheckpoint,
        ErrorCode::InvalidOrigin,
        ErrorCode::MalformedTreeSize,
        ErrorCode::InvalidRootHash,
    ];
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A merkle error: code, message, and the byte offset in the parsed text
/// where the problem starts (parse errors of notes, checkpoints and
/// verifier keys; `None` for verdicts such as a failed proof).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    offset: Option<usize>,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            offset: None,
        }
    }

    pub(crate) fn at(code: ErrorCode, offset: usize, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            offset: Some(offset),
        }
    }

    pub(crate) fn shifted(mut self, by: usize) -> Self {
        self.offset = self.offset.map(|o| o.saturating_add(by));
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message (never contains key material).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte offset in the parsed UTF-8 text (note, checkpoint body, or
    /// verifier key), when the error comes from parsing.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(o) = self.offset {
            write!(f, " at byte {o}")?;
        }
        write!(f, " [{}]", self.code)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{s}"
            );
            assert!(seen.insert(s), "duplicate {s}");
        }
    }
}
