//! Merkle trees over audit event hashes (placeholder; being written).

/// Stable error codes of the merkle module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A proof that is malformed.
    InvalidProof,
}

impl ErrorCode {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidProof => "invalid_proof",
        }
    }
}

coded_error! {
    /// A merkle error.
}

#[allow(dead_code)]
fn placeholder() -> Error {
    Error::new(ErrorCode::InvalidProof, "")
}
