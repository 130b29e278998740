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

/// Declares a closed set of stable codes: the enum, `ALL` (every code, for
/// documentation checks and the bindings' exhaustive mappings), `as_str`
/// and `Display`, from one list, so a new code cannot be left out of any.
macro_rules! stable_codes {
    (
        $(#[$doc:meta])*
        pub enum $name:ident {
            $($(#[doc = $vdoc:literal])* $variant:ident = $code:literal,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant,)*
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable string code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// What the code means (its documentation), for reference
            /// tables and help texts.
            pub fn description(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($($vdoc, "\n",)*),)*
                }
            }

            /// The code named `code`, if there is one.
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|c| c.as_str() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Defines a module's `Error` (a stable code and a message), for modules
/// whose errors carry no position.
macro_rules! coded_error {
    // An error that may also name the JSON Pointer of the offending place;
    // `at(path, message)` gives the module's `$at` code.
    (path, $at:ident; $(#[$doc:meta])*) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("{message} [{code}]")]
        pub struct Error {
            code: ErrorCode,
            message: String,
            path: Option<String>,
        }

        impl Error {
            pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
                Error { code, message: crate::text::bounded(message.into()), path: None }
            }
            pub(crate) fn with_path(code: ErrorCode, message: impl Into<String>, path: &str) -> Self {
                Error { code, message: crate::text::bounded(message.into()), path: Some(path.to_string()) }
            }
            pub(crate) fn at(path: &str, message: impl Into<String>) -> Self {
                Self::with_path(ErrorCode::$at, message, path)
            }
            /// The stable code.
            pub fn code(&self) -> ErrorCode {
                self.code
            }
            /// The message.
            pub fn message(&self) -> &str {
                &self.message
            }
            /// The JSON Pointer of the offending place, where there is one.
            pub fn path(&self) -> Option<&str> {
                self.path.as_deref()
            }
        }
    };
    ($(#[$doc:meta])*) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("{message} [{code}]")]
        pub struct Error {
            code: ErrorCode,
            message: String,
        }

        impl Error {
            pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
                Error { code, message: crate::text::bounded(message.into()) }
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
pub mod cli;
pub mod digest;
pub mod envelope;
pub mod ffi;
pub mod keys;
pub mod merkle;
pub mod options;
pub mod policy;
pub mod profile;
pub mod redact;
pub mod registry;
pub mod sign;
pub mod snapshot;
mod sort;
pub mod sql;
pub mod text;
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

        /// The error kinds: one per module, each the class the bindings
        /// raise (`CanonicalJsonError`, ...). A closed set, so each binding
        /// maps it with an exhaustive `match` (deliberately not
        /// `non_exhaustive`: a new kind must break every binding's build
        /// until it is mapped).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $(
                #[doc = concat!("`", $kind, "`, from [`", stringify!($module), "`].")]
                $variant,
            )*
        }

        impl ErrorKind {
            /// Every kind.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$variant,)*];

            /// The class name (`CanonicalJsonError`, ...).
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorKind::$variant => $kind,)* }
            }

            /// Every stable code errors of this kind can carry, with what it
            /// means.
            pub fn codes(self) -> Vec<(&'static str, &'static str)> {
                match self { $(ErrorKind::$variant => $module::ErrorCode::ALL.iter().map(|c| (c.as_str(), c.description())).collect(),)* }
            }
        }

        impl Error {
            /// The stable string code (e.g. `duplicate_key`).
            pub fn code(&self) -> &'static str {
                match self { $(Error::$variant(e) => e.code().as_str(),)* }
            }

            /// The error kind: the class the bindings raise.
            pub fn kind(&self) -> ErrorKind {
                match self { $(Error::$variant(_) => ErrorKind::$variant,)* }
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
    Options(options, "OptionsError", offset: none, path: no_path),
    Profile(profile, "ProfileError", offset: none, path: profile::Error::path),
    Cli(cli, "CliError", offset: none, path: no_path),
    Sql(sql, "SqlError", offset: none, path: no_path),
    Snapshot(snapshot, "SnapshotError", offset: none, path: no_path),
    Redact(redact, "RedactionError", offset: none, path: redact::Error::path),
}

impl std::error::Error for Error {}
