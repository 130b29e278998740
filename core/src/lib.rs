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
pub mod chain;
pub mod digest;
pub mod envelope;
pub mod ffi;
pub mod keys;
pub mod merkle;
pub mod policy;
pub mod registry;
pub mod sign;
pub mod time;

use std::fmt;

/// Declares the crate-wide [`Error`] over each module's error type, with
/// the accessors the bindings use, so adding a module is one line.
macro_rules! crate_error {
    ($($variant:ident($module:ident, $kind:literal, offset: $offset:expr, path: $path:expr),)*) => {
        /// Any trustcore error. Each module has its own error type with
        /// stable codes; this enum carries them across module boundaries and
        /// into the bindings.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Error {
            $(
                #[doc = concat!("From [`", stringify!($module), "`].")]
                $variant($module::Error),
            )*
        }

        impl Error {
            /// The stable string code (e.g. `duplicate_key`).
            pub fn code(&self) -> &'static str {
                match self { $(Error::$variant(e) => e.code().as_str(),)* }
            }

            /// The error class name the bindings use (`CanonicalJsonError`,
            /// `DigestError`, ...).
            pub fn kind(&self) -> &'static str {
                match self { $(Error::$variant(_) => $kind,)* }
            }

            /// The message, without position.
            pub fn message(&self) -> &str {
                match self { $(Error::$variant(e) => e.message(),)* }
            }

            /// Byte offset (canonical text) or character offset (digest and
            /// timestamp text), where the error has one.
            pub fn offset(&self) -> Option<usize> {
                match self { $(Error::$variant(e) => ($offset)(e),)* }
            }

            /// JSON Pointer of the offending value (value path, policies),
            /// where the error has one.
            pub fn path(&self) -> Option<&str> {
                match self { $(Error::$variant(e) => ($path)(e),)* }
            }
        }

        impl fmt::Display for Error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(Error::$variant(e) => e.fmt(f),)* }
            }
        }

        $(
            impl From<$module::Error> for Error {
                fn from(e: $module::Error) -> Self {
                    Error::$variant(e)
                }
            }
        )*
    };
}

fn none<E>(_: &E) -> Option<usize> {
    None
}
fn no_path<E>(_: &E) -> Option<&str> {
    None
}

crate_error! {
    Canonical(canonical, "CanonicalJsonError", offset: canonical::Error::offset, path: canonical::Error::path),
    Chain(chain, "ChainError", offset: none, path: no_path),
    Digest(digest, "DigestError", offset: digest::Error::offset, path: no_path),
    Key(keys, "KeyError", offset: none, path: no_path),
    Envelope(envelope, "EnvelopeError", offset: none, path: no_path),
    Time(time, "TimestampError", offset: |e: &time::Error| Some(e.offset()), path: no_path),
    Registry(registry, "RegistryError", offset: none, path: no_path),
    Merkle(merkle, "MerkleError", offset: merkle::Error::offset, path: no_path),
    Policy(policy, "PolicyError", offset: none, path: policy::Error::path),
}

impl std::error::Error for Error {}
