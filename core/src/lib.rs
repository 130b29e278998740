//! # trustcore
//!
//! The same bytes and the same verdicts in every language: RFC 8785 canonical
//! JSON from strict I-JSON input, and named SHA-256 / BLAKE3 digests. The Node,
//! Python and WASM packages are thin bindings over this crate's [`ffi`] layer.
//!
//! The crate does no IO: no files, sockets, clock or environment.
//!
//! ```
//! use trustcore::{canonical, digest::{self, Algorithm}};
//! let text = br#"{"id":"7f1c","amount":1.50,"note":"caf\u00e9"}"#;
//! let bytes = canonical::canonicalize_text(text)?;
//! assert_eq!(bytes, r#"{"amount":1.5,"id":"7f1c","note":"café"}"#.as_bytes());
//! let d = digest::Digest::of(Algorithm::Sha256, &bytes);
//! assert!(d.to_string().starts_with("sha256:"));
//! # Ok::<(), trustcore::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Defines a module's `Error` (a stable code and a message) and the
/// `Display` of its `ErrorCode`, for modules whose errors carry no position.
macro_rules! coded_error {
    ($(#[$doc:meta])*) => {
        impl std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("{message} [{code}]")]
        pub struct Error {
            code: ErrorCode,
            message: String,
        }

        impl Error {
            pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
                Error { code, message: message.into() }
            }
            /// The stable code.
            pub fn code(&self) -> ErrorCode {
                self.code
            }
            /// The message.
            pub fn message(&self) -> &str {
                &self.message
            }
        }
    };
}

pub mod canonical;
pub mod digest;
pub mod envelope;
pub mod ffi;
pub mod keys;
pub mod sign;

use std::fmt;

/// Any trustcore error. Each module has its own error type with stable codes;
/// this enum carries them across module boundaries and into the bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// From [`canonical`].
    Canonical(canonical::Error),
    /// From [`digest`].
    Digest(digest::Error),
    /// From [`keys`] and [`sign`].
    Key(keys::Error),
    /// From [`envelope`].
    Envelope(envelope::Error),
}

impl Error {
    /// The stable string code (e.g. `duplicate_key`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Canonical(e) => e.code().as_str(),
            Error::Digest(e) => e.code().as_str(),
            Error::Key(e) => e.code().as_str(),
            Error::Envelope(e) => e.code().as_str(),
        }
    }

    /// The error class name the bindings use (`CanonicalJsonError`, `DigestError`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Canonical(_) => "CanonicalJsonError",
            Error::Digest(_) => "DigestError",
            Error::Key(_) => "KeyError",
            Error::Envelope(_) => "EnvelopeError",
        }
    }

    /// The message, without position.
    pub fn message(&self) -> &str {
        match self {
            Error::Canonical(e) => e.message(),
            Error::Digest(e) => e.message(),
            Error::Key(e) => e.message(),
            Error::Envelope(e) => e.message(),
        }
    }

    /// Byte offset (canonical text) or character offset (digest text).
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Canonical(e) => e.offset(),
            Error::Digest(e) => e.offset(),
            Error::Key(_) | Error::Envelope(_) => None,
        }
    }

    /// JSON Pointer of the offending value, on the value path.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Canonical(e) => e.path(),
            Error::Digest(_) | Error::Key(_) | Error::Envelope(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Canonical(e) => e.fmt(f),
            Error::Digest(e) => e.fmt(f),
            Error::Key(e) => e.fmt(f),
            Error::Envelope(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<canonical::Error> for Error {
    fn from(e: canonical::Error) -> Self {
        Error::Canonical(e)
    }
}

impl From<envelope::Error> for Error {
    fn from(e: envelope::Error) -> Self {
        Error::Envelope(e)
    }
}

impl From<keys::Error> for Error {
    fn from(e: keys::Error) -> Self {
        Error::Key(e)
    }
}

impl From<digest::Error> for Error {
    fn from(e: digest::Error) -> Self {
        Error::Digest(e)
    }
}
