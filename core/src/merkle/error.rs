//! The merkle module's error: a stable code, a message and, for text that
//! was parsed, the byte offset of the problem.

use std::fmt;

stable_codes! {
    /// Stable error codes of the merkle module (tree proofs, signed notes and
    /// checkpoints). The string forms never change once released.
    pub enum ErrorCode {
        /// A proof with the wrong number of hashes for the sizes it claims
        /// (truncated or over-long).
        InvalidProof = "invalid_proof",
        /// The root a proof leads to is not the expected root (or, for a
        /// consistency proof, one of the two roots).
        RootMismatch = "root_mismatch",
        /// A leaf index at or beyond the tree size (including any index in an
        /// empty tree).
        IndexOutOfRange = "index_out_of_range",
        /// Tree sizes that no proof can relate: a consistency proof from size 0
        /// or from a larger tree to a smaller one, or a size beyond 2^63 − 1.
        InvalidTreeSize = "invalid_tree_size",
        /// A [`crate::merkle::HashSource`] had no hash for a node the proof needs.
        MissingHash = "missing_hash",
        /// Compact ranges that cannot be joined (not adjacent), a root asked of
        /// a range that does not start at leaf 0, or a range document whose
        /// hashes do not fit its bounds.
        InvalidRange = "invalid_range",
        /// A signed note larger than [`crate::merkle::MAX_NOTE_BYTES`].
        NoteTooLarge = "note_too_large",
        /// Note text that is not valid UTF-8.
        InvalidUtf8 = "invalid_utf8",
        /// An ASCII control character other than newline in a note.
        ControlCharacter = "control_character",
        /// No blank line separating the note text from its signature lines, or
        /// no signature line after it.
        MissingSignatureBlock = "missing_signature_block",
        /// A signature line not of the form `— <name> <base64>`, or whose
        /// signature is shorter than 5 bytes.
        MalformedSignatureLine = "malformed_signature_line",
        /// A key name that is empty or contains a Unicode space or `+`.
        InvalidKeyName = "invalid_key_name",
        /// Base64 that is not standard, padded and canonical (RFC 4648 §4).
        InvalidBase64 = "invalid_base64",
        /// More than [`crate::merkle::MAX_SIGNATURES`] signature lines.
        TooManySignatures = "too_many_signatures",
        /// A signature line naming a trusted key (name and key hash) whose
        /// signature does not verify: the whole note is rejected.
        InvalidSignature = "invalid_signature",
        /// No signature by any trusted key (unknown-key lines are ignored).
        NoTrustedSignature = "no_trusted_signature",
        /// Two trusted keys share a name and key hash, and a signature names them.
        AmbiguousKey = "ambiguous_key",
        /// A verifier key that is not `<name>+<8 hex>+<base64(0x01 || key)>`.
        InvalidVerifierKey = "invalid_verifier_key",
        /// A verifier key whose key hash is not the hash of its name and key.
        KeyHashMismatch = "key_hash_mismatch",
        /// A verifier key of a signature type other than Ed25519 (`0x01`).
        UnsupportedKeyType = "unsupported_key_type",
        /// Note text that cannot be signed: empty, not ending in a newline.
        InvalidNoteText = "invalid_note_text",
        /// A remote signer's answer that does not verify under the expected key.
        RemoteSignatureInvalid = "remote_signature_invalid",
        /// A prepared signature request for other note text than the note it is
        /// attached to.
        PreparedMismatch = "prepared_mismatch",
        /// A checkpoint body that is not at least three non-empty lines.
        MalformedCheckpoint = "malformed_checkpoint",
        /// An empty checkpoint origin line.
        InvalidOrigin = "invalid_origin",
        /// A checkpoint tree size that is not canonical ASCII decimal
        /// (no sign, no leading zero) in 0..=2^63 − 1.
        MalformedTreeSize = "malformed_tree_size",
        /// A checkpoint root hash that is not canonical base64 of 32 bytes.
        InvalidRootHash = "invalid_root_hash",
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
            message: crate::text::bounded(message.into()),
            offset: None,
        }
    }

    pub(crate) fn at(code: ErrorCode, offset: usize, message: impl Into<String>) -> Self {
        Error {
            code,
            message: crate::text::bounded(message.into()),
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
