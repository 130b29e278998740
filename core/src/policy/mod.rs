//! SentinelNet policy evaluation (placeholder; being written).

/// Stable error codes of the policy module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A policy document that is not valid.
    InvalidPolicy,
}

impl ErrorCode {
    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidPolicy => "invalid_policy",
        }
    }
}

/// A policy error: a stable code, a message and, where it applies, the
/// JSON Pointer of the offending place.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} [{}]", code.as_str())]
pub struct Error {
    code: ErrorCode,
    message: String,
    path: Option<String>,
}

impl Error {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// JSON Pointer into the policy document or request, where it applies.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}
