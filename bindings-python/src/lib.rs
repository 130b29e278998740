//! Python binding of trustcore (module `trustcore._trustcore`).
//!
//! Thin by design: this crate converts Python values to what the core takes
//! and maps [`trustcore::Error`] to Python exceptions (an exhaustive match
//! on [`trustcore::ErrorKind`]); every rule (which types are refused, how
//! numbers print, the lossy-integer rule, depth limits, digest names, every
//! option's name, bounds and default, every report's shape, every message)
//! lives in the core. This file holds the canonical JSON and digest
//! functions and the conversions the other files share; `signing.rs` wraps
//! keys, envelopes, the signer registry and approval sets, `chain.rs` the
//! audit chain, `merkle.rs` Merkle trees and checkpoints, `policy.rs`
//! policies, one Python method per core method.
//!
//! * Options are keyword arguments (`**options`), turned into one JSON
//!   object and read by the core's definitions with [`Naming::Snake`]
//!   (`VerifyOptions::from_value`, `WriterOptions::from_value`,
//!   `ffi::canonicalize_options`, `ffi::hash_alg_options`).
//! * Reports are the core's `to_value()` values, turned into dicts.
//! * Hostile arguments get codes: a `str` with lone surrogates is the
//!   core's `lone_surrogate` (`Str`), an int outside 0..=2^64-1 reaches
//!   the core as 2^64-1 and is refused with the module's own code
//!   (`Uint`), lists are read one item at a time (`iter_arg`); a value
//!   of the wrong Python type is a TypeError.
//! * Long computations run with the GIL released.
//!
//! Built with the stable ABI (`abi3-py39`): one wheel serves CPython 3.9+.
//! That ABI has no borrowed UTF-8 view of a `str` before 3.10, so strings are
//! encoded once (`PyUnicode_AsUTF8String`); lone surrogates make that fail,
//! and then the UTF-16 code units go to the core instead so it can report
//! `lone_surrogate` exactly as for the same text given as bytes.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use pyo3::Borrowed;
use trustcore::canonical::{self, ErrorCode, Key, SourceValue, ValueSource};
use trustcore::digest::{Algorithm, Digest};
use trustcore::ffi;
use trustcore::options::Naming;

mod chain;
mod cli;
mod merkle;
mod policy;
mod profile;
mod profile_args;
mod redact;
mod segment;
mod signing;
mod snapshot;
mod sql;

create_exception!(
    trustcore,
    TrustcoreError,
    PyException,
    "Base class of every trustcore error.\n\nAttributes: `code` (stable string such as \"duplicate_key\"), `message` (without position), `offset` (byte offset into JSON text, or character offset into digest text, else None), `path` (JSON Pointer of the offending value on the value path, else None)."
);
create_exception!(
    trustcore,
    CanonicalJsonError,
    TrustcoreError,
    "The input cannot be canonicalized (invalid or non-I-JSON text, or a value JSON cannot hold)."
);
create_exception!(
    trustcore,
    DigestError,
    TrustcoreError,
    "Unknown digest algorithm or malformed digest text."
);
create_exception!(
    trustcore,
    InvalidKeyError,
    TrustcoreError,
    "A key or signature cannot be used: wrong length, bad encoding (base64, hex, PEM, DER, JWK), not a curve point, a weak or non-canonical key, a private/public mismatch (the core's `KeyError` kind; renamed so it does not shadow Python's builtin KeyError)."
);
create_exception!(
    trustcore,
    EnvelopeError,
    TrustcoreError,
    "A malformed signed envelope, kind or signer id, an unsupported algorithm, a missing signature, or a remote signer's answer that does not verify (`remote_signature_invalid`)."
);
create_exception!(
    trustcore,
    TimestampError,
    TrustcoreError,
    "A time that is not an RFC 3339 UTC timestamp (`offset` is the character offset)."
);
create_exception!(
    trustcore,
    ChainError,
    TrustcoreError,
    "An audit chain writer or verifier was given something it cannot use: an invalid event body (`invalid_event`), an event dated before the head (`ts_regression`), or a head or verifier state of the wrong shape (`invalid_state`). Breaks found while verifying are reported, not raised."
);
create_exception!(
    trustcore,
    MerkleError,
    TrustcoreError,
    "A Merkle proof that does not verify (`index_out_of_range`, `invalid_tree_size`, `invalid_proof`, `root_mismatch`), or a checkpoint, signed note or verifier key that cannot be used (`offset` is the byte offset in the note or key, when it has one)."
);
create_exception!(
    trustcore,
    PolicyError,
    TrustcoreError,
    "A policy set, update, request or policyCheck record that cannot be used (`path` is the JSON Pointer of the offending place, when it has one). A denial is not an error: see PolicyDenied."
);
create_exception!(
    trustcore,
    PolicyDenied,
    TrustcoreError,
    "Raised by enforce_or_throw when the decision is deny. `decision` holds the whole decision (a dict with its policyCheck records); `code` is \"policy_denied\" and `message` the decision's reason."
);
create_exception!(
    trustcore,
    OptionsError,
    TrustcoreError,
    "An options argument that cannot be used: a key that is not an option of the call (`unknown_option`, often a misspelling) or a value of the wrong type or out of bounds (`invalid_option`)."
);
create_exception!(
    trustcore,
    ProfileError,
    TrustcoreError,
    "A chain profile document that cannot be used, or rows no profile fits (`path` is the JSON Pointer of the offending place)."
);
create_exception!(
    trustcore,
    CliError,
    TrustcoreError,
    "An audit-verify command line or input that cannot be used (`code` says which)."
);
create_exception!(
    trustcore,
    SqlError,
    TrustcoreError,
    "A table name or table layout that does not fit the profile (`code` says which)."
);
create_exception!(
    trustcore,
    SnapshotError,
    TrustcoreError,
    "A snapshot that cannot be built, signed or read (`code` says which)."
);
create_exception!(
    trustcore,
    RedactionError,
    TrustcoreError,
    "A redaction policy, record or disclosure that cannot be used (`path` is the JSON Pointer of the offending place)."
);
create_exception!(
    trustcore,
    RegistryError,
    TrustcoreError,
    "A malformed signers file, JWKS document, approval set or rotation record, or a signer without a usable key (`code` is the reason, e.g. `signer_expired`)."
);

/// Input texts at least this long are canonicalized with the GIL released,
/// so other Python threads run meanwhile; below it the hand-off costs more
/// than it gives.
const DETACH_THRESHOLD: usize = 64 * 1024;

/// The exception class of an error kind.
fn kind_err(kind: trustcore::ErrorKind, text: String) -> PyErr {
    use trustcore::ErrorKind as K;
    match kind {
        K::Digest => DigestError::new_err(text),
        K::Canonical => CanonicalJsonError::new_err(text),
        K::Key => InvalidKeyError::new_err(text),
        K::Envelope => EnvelopeError::new_err(text),
        K::Time => TimestampError::new_err(text),
        K::Registry => RegistryError::new_err(text),
        K::Chain => ChainError::new_err(text),
        K::Merkle => MerkleError::new_err(text),
        K::Policy => PolicyError::new_err(text),
        K::Options => OptionsError::new_err(text),
        K::Profile => ProfileError::new_err(text),
        K::Cli => CliError::new_err(text),
        K::Sql => SqlError::new_err(text),
        K::Snapshot => SnapshotError::new_err(text),
        K::Redact => RedactionError::new_err(text),
    }
}

/// An exception of `kind` with `code`, `message`, `offset` and `path` set;
/// `str(exc)` is `text`.
fn coded_err(
    py: Python<'_>,
    kind: trustcore::ErrorKind,
    text: String,
    code: &str,
    message: &str,
    offset: Option<usize>,
    path: Option<&str>,
) -> PyErr {
    let err = kind_err(kind, text);
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("code", code)?;
        value.setattr("message", message)?;
        value.setattr("offset", offset)?;
        value.setattr("path", path)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(setattr_failed) => setattr_failed,
    }
}

/// Maps a core error to its exception class and sets `code`, `message`,
/// `offset` and `path` on the instance; `str(exc)` is the core's Display.
fn to_py_err(py: Python<'_>, e: trustcore::Error) -> PyErr {
    coded_err(
        py,
        e.kind(),
        e.to_string(),
        e.code(),
        e.message(),
        e.offset(),
        e.path(),
    )
}

/// The one error this binding raises on its own, for misuse of a Python
/// object's life cycle that the core cannot see (a `ChainVerifier` used
/// after `finish()`, whose core verifier is gone): the class and the code
/// are the core's (`kind`, `code`); only the sentence is written here.
pub(crate) fn misuse_err(
    py: Python<'_>,
    kind: trustcore::ErrorKind,
    code: &'static str,
    message: &str,
) -> PyErr {
    coded_err(
        py,
        kind,
        format!("{message} [{code}]"),
        code,
        message,
        None,
        None,
    )
}

/// The state of a Python object whose methods release the GIL while they
/// work on it (`ChainVerifier.feed`, `SegmentVerifier.push_bytes`, …).
/// pyo3's own borrow check would refuse another thread's call meanwhile
/// with a bare `RuntimeError: Already borrowed`; this refuses it with the
/// object's error class, the code its `finish()`ed state has (`code`) and
/// the core's message ([`ffi::in_use_message`]), and leaves the object as
/// it was. Calls that only read may overlap.
pub(crate) struct Guarded<T> {
    state: std::sync::RwLock<T>,
    class: &'static str,
    kind: trustcore::ErrorKind,
    code: &'static str,
}

impl<T> Guarded<T> {
    pub(crate) fn new(
        state: T,
        class: &'static str,
        kind: trustcore::ErrorKind,
        code: &'static str,
    ) -> Self {
        Guarded {
            state: std::sync::RwLock::new(state),
            class,
            kind,
            code,
        }
    }

    fn refused<G>(&self, py: Python<'_>, e: std::sync::TryLockError<G>) -> PyErr {
        let message = match e {
            std::sync::TryLockError::WouldBlock => ffi::in_use_message(self.class),
            std::sync::TryLockError::Poisoned(_) => ffi::broken_message(self.class),
        };
        misuse_err(py, self.kind, self.code, &message)
    }

    /// The state, for a call that changes it.
    pub(crate) fn write(&self, py: Python<'_>) -> PyResult<std::sync::RwLockWriteGuard<'_, T>> {
        self.state.try_write().map_err(|e| self.refused(py, e))
    }

    /// The state, for a call that only reads it.
    pub(crate) fn read(&self, py: Python<'_>) -> PyResult<std::sync::RwLockReadGuard<'_, T>> {
        self.state.try_read().map_err(|e| self.refused(py, e))
    }

    /// `describe` of the state for `repr()`, which never raises: `in use`
    /// while another call holds it.
    pub(crate) fn repr(&self, describe: impl FnOnce(&T) -> String) -> String {
        match self.state.try_read() {
            Ok(state) => describe(&state),
            Err(_) => format!("{}(in use)", self.class),
        }
    }
}

/// An object that `finish()` consumes: its state is `None` afterwards, and
/// every call then raises the object's error with its code and the core's
/// sentence ([`ffi::finished_message`]).
impl<T> Guarded<Option<T>> {
    fn finished(&self, py: Python<'_>) -> PyErr {
        misuse_err(py, self.kind, self.code, &ffi::finished_message(self.class))
    }

    /// The open object in `state` (a guard from [`Self::write`]).
    pub(crate) fn open<'g>(&self, py: Python<'_>, state: &'g mut Option<T>) -> PyResult<&'g mut T> {
        state.as_mut().ok_or_else(|| self.finished(py))
    }

    /// The open object in `state` (a guard from [`Self::read`]).
    pub(crate) fn open_ref<'g>(&self, py: Python<'_>, state: &'g Option<T>) -> PyResult<&'g T> {
        state.as_ref().ok_or_else(|| self.finished(py))
    }

    /// The open object, taken out for `finish()`.
    pub(crate) fn take(&self, py: Python<'_>) -> PyResult<T> {
        self.write(py)?.take().ok_or_else(|| self.finished(py))
    }
}

/// The state of a Python object that threads may share and whose methods
/// release the GIL while they read it (a `MerkleTree` handing out proofs
/// while another thread appends): calls take turns, a call that finds the
/// state in use waits for it with the GIL released, and nothing is refused.
/// (pyo3's own borrow check refused the second call with a bare
/// `RuntimeError: Already borrowed`.)
pub(crate) struct Shared<T> {
    state: std::sync::RwLock<T>,
    class: &'static str,
}

impl<T: Send + Sync> Shared<T> {
    pub(crate) fn new(state: T, class: &'static str) -> Self {
        Shared {
            state: std::sync::RwLock::new(state),
            class,
        }
    }

    /// After a panic interrupted a call on it, the state may be
    /// half-updated: refused (the panic itself was already raised).
    fn broken(&self) -> PyErr {
        pyo3::exceptions::PyRuntimeError::new_err(ffi::broken_message(self.class))
    }

    /// Takes the lock with `attempt`; while it is held elsewhere, waits
    /// for it with `wait` without the GIL, then attempts again.
    fn turn<'s, G>(
        &'s self,
        py: Python<'_>,
        attempt: impl Fn(&'s std::sync::RwLock<T>) -> std::sync::TryLockResult<G>,
        wait: impl Fn(&std::sync::RwLock<T>) + Sync,
    ) -> PyResult<G> {
        loop {
            match attempt(&self.state) {
                Ok(state) => return Ok(state),
                Err(std::sync::TryLockError::WouldBlock) => py.detach(|| wait(&self.state)),
                Err(std::sync::TryLockError::Poisoned(_)) => return Err(self.broken()),
            }
        }
    }

    /// The state, for a call that only reads it.
    pub(crate) fn read(&self, py: Python<'_>) -> PyResult<std::sync::RwLockReadGuard<'_, T>> {
        self.turn(py, std::sync::RwLock::try_read, |s| drop(s.read()))
    }

    /// The state, for a call that changes it.
    pub(crate) fn write(&self, py: Python<'_>) -> PyResult<std::sync::RwLockWriteGuard<'_, T>> {
        self.turn(py, std::sync::RwLock::try_write, |s| drop(s.write()))
    }
}

/// Calls a remote signer (the caller's KMS / signing-proxy function) with
/// the prepared message. If it raises, the error every binding uses is
/// raised instead (EnvelopeError `remote_signer_failed`, from the core),
/// with the original exception as `__cause__`: nothing was attached.
pub(crate) fn call_remote_signer<'py>(
    sign_fn: &Bound<'py, PyAny>,
    message: &[u8],
    signer: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = sign_fn.py();
    sign_fn
        .call1((pyo3::types::PyBytes::new(py, message),))
        .map_err(|cause| remote_signer_failed_err(py, signer, cause))
}

fn remote_signer_failed_err(py: Python<'_>, signer: &str, cause: PyErr) -> PyErr {
    let reason = cause
        .value(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let err = to_py_err(
        py,
        trustcore::envelope::remote_signer_failed(signer, &reason).into(),
    );
    err.set_cause(py, Some(cause));
    err
}

/// The `remote_signer_failed` exception for the async helpers written in
/// Python (`raise _remote_signer_failed(signer, exc) from exc`).
#[pyfunction]
fn _remote_signer_failed(py: Python<'_>, signer: Str, cause: &Bound<'_, PyAny>) -> Py<PyAny> {
    let reason = cause.str().map(|s| s.to_string()).unwrap_or_default();
    to_py_err(
        py,
        trustcore::envelope::remote_signer_failed(&signer.0, &reason).into(),
    )
    .into_value(py)
    .into_any()
}

/// The keyword arguments of a call as the options object the core reads
/// (`None` without any). Values follow the rules of `canonicalize`, so a
/// value JSON cannot hold is a `CanonicalJsonError` with the option's
/// `path` (`/threads`); names, types, bounds and defaults are the core's
/// (`OptionsError` `unknown_option` / `invalid_option`).
pub(crate) fn options_value(
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Option<serde_json::Value>> {
    match options {
        Some(d) if !d.is_empty() => json_value(d.as_any()).map(Some),
        _ => Ok(None),
    }
}

/// `**options` of the canonical JSON functions (`max_depth`), read by the
/// core.
fn canonical_options(
    py: Python<'_>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<canonical::Options> {
    let v = options_value(options)?;
    ffi::canonicalize_options(v.as_ref(), Naming::Snake).map_err(|e| to_py_err(py, e))
}

/// A `str` argument as the core takes it. A `str` holding lone surrogates
/// has no UTF-8 form: it is the core's `lone_surrogate` (CanonicalJsonError),
/// never `UnicodeEncodeError`. Another type is a TypeError.
pub(crate) struct Str(pub String);

impl<'a, 'py> FromPyObject<'a, 'py> for Str {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = obj
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err(format!("expected str, not {}", type_name(&obj))))?;
        str_string(&s)
    }
}

/// The text of a `str` (lone surrogates: the core's `lone_surrogate`).
pub(crate) fn str_string(s: &Bound<'_, PyString>) -> PyResult<Str> {
    match str_text(s)? {
        Text::Utf8(b) => std::str::from_utf8(b.as_bytes())
            .map(|t| Str(t.to_owned()))
            .map_err(|_| PyTypeError::new_err("str encoded to invalid UTF-8")),
        Text::Utf16(units) => canonical::string_from_utf16(&units)
            .map(Str)
            .map_err(|e| to_py_err(s.py(), e.into())),
    }
}

/// A TypeError for what is not an `int` (a float, a str, ...).
fn int_only(obj: &Borrowed<'_, '_, PyAny>) -> PyResult<()> {
    if obj.is_instance_of::<PyInt>() {
        Ok(())
    } else {
        Err(PyTypeError::new_err(format!(
            "expected int, not {}",
            type_name(obj)
        )))
    }
}

/// An `int` argument (an index or a size) as the core's `u64`. An `int`
/// outside 0..=2^64-1 is read as 2^64-1, which is beyond every index and
/// size the core accepts, so the core refuses it with its own code
/// (`index_out_of_range`, `invalid_tree_size`, `no_such_signature`, ...),
/// never `OverflowError`. Another type (a float, a str) is a TypeError.
#[derive(Clone, Copy)]
pub(crate) struct Uint(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Uint {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        int_only(&obj)?;
        Ok(Uint(obj.extract::<u64>().unwrap_or(u64::MAX)))
    }
}

/// An `int` argument that may be negative (a row count from a query) as
/// an `i128`: an `int` beyond it is read as the nearest end, beyond every
/// value the core accepts, so the core refuses it with its own code
/// (`invalid_count`), never `OverflowError`. Another type is a TypeError.
#[derive(Clone, Copy)]
pub(crate) struct Int(pub i128);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        int_only(&obj)?;
        Ok(Int(match obj.extract::<i128>() {
            Ok(v) => v,
            Err(_) if obj.lt(0)? => i128::MIN,
            Err(_) => i128::MAX,
        }))
    }
}

impl Uint {
    /// As a `usize` (saturating, like the conversion above).
    pub(crate) fn usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

/// UTF-16 code units of a `str`, lone surrogates kept (`str.encode` of the
/// base type: a subclass's own `encode` is not called).
fn utf16_units(s: &Bound<'_, PyString>) -> PyResult<Vec<u16>> {
    let raw = s.py().get_type::<PyString>().getattr("encode")?.call1((
        s,
        "utf-16-le",
        "surrogatepass",
    ))?;
    let raw = raw.cast::<PyBytes>()?;
    Ok(raw
        .as_bytes()
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect())
}

/// A Python `str` as the core reads it.
enum Text<'py> {
    /// Well-formed: its UTF-8 encoding.
    Utf8(Bound<'py, PyBytes>),
    /// Holds lone surrogates: its UTF-16 code units.
    Utf16(Vec<u16>),
}

fn str_text<'py>(s: &Bound<'py, PyString>) -> PyResult<Text<'py>> {
    match s.encode_utf8() {
        Ok(b) => Ok(Text::Utf8(b)),
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(s.py()) => {
            Ok(Text::Utf16(utf16_units(s)?))
        }
        Err(e) => Err(e),
    }
}

/// Raw bytes handed to the core.
enum Bytes<'py> {
    /// `bytes` (or a `str`'s UTF-8 encoding), borrowed.
    Borrowed(Bound<'py, PyBytes>),
    /// `bytearray` contents, copied (they can change while the GIL is
    /// released).
    Owned(Vec<u8>),
}

impl<'py> Bytes<'py> {
    /// `bytes`, `bytearray` or `memoryview`; None for other types.
    fn from_py(obj: &Bound<'py, PyAny>) -> PyResult<Option<Self>> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(Some(Bytes::Borrowed(b.clone())))
        } else if let Ok(b) = obj.cast::<PyByteArray>() {
            Ok(Some(Bytes::Owned(b.to_vec())))
        } else if obj.is_instance_of::<PyMemoryView>() {
            // A released memoryview cannot be read (ValueError in Python):
            // an argument Python cannot use, so a TypeError.
            let b = obj
                .call_method0("tobytes")
                .map_err(|e| PyTypeError::new_err(format!("memoryview cannot be read: {e}")))?;
            Ok(Some(Bytes::Borrowed(b.cast_into::<PyBytes>()?)))
        } else {
            Ok(None)
        }
    }

    /// The bytes, with the GIL held (for short inputs such as keys).
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b.as_bytes(),
            Bytes::Owned(v) => v,
        }
    }

    /// Runs `f` on the bytes, without the GIL when they are many.
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&[u8]) -> T + Send) -> T {
        // `bytes` is immutable and we hold a reference, so the slice stays
        // valid while the GIL is released.
        let data: &[u8] = match self {
            Bytes::Borrowed(b) => b.as_bytes(),
            Bytes::Owned(v) => v,
        };
        if data.len() >= DETACH_THRESHOLD {
            py.detach(|| f(data))
        } else {
            f(data)
        }
    }
}

/// JSON text handed to `canonicalize_text` and friends.
enum Input<'py> {
    /// UTF-8 bytes (possibly invalid: the core reports where).
    Bytes(Bytes<'py>),
    /// A `str` with lone surrogates, as UTF-16 code units.
    Utf16(Vec<u16>),
}

impl<'py> Input<'py> {
    fn from_py(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(match str_text(s)? {
                Text::Utf8(b) => Input::Bytes(Bytes::Borrowed(b)),
                Text::Utf16(u) => Input::Utf16(u),
            });
        }
        match Bytes::from_py(obj)? {
            Some(b) => Ok(Input::Bytes(b)),
            None => Err(not_text("text", obj, "str, bytes, bytearray or memoryview")),
        }
    }

    /// Runs `utf8` or `utf16` on the input, without the GIL when it is large.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        utf8: impl FnOnce(&[u8]) -> T + Send,
        utf16: impl FnOnce(&[u16]) -> T + Send,
    ) -> T {
        match self {
            Input::Bytes(b) => b.with(py, utf8),
            Input::Utf16(u) if u.len() * 3 >= DETACH_THRESHOLD => py.detach(|| utf16(u)),
            Input::Utf16(u) => utf16(u),
        }
    }
}

/// Whether an argument is JSON text: `str` or bytes-like.
pub(crate) fn is_json_text(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.is_instance_of::<PyString>() || Bytes::from_py(obj)?.is_some())
}

fn not_text(arg: &str, obj: &Bound<'_, PyAny>, expected: &str) -> PyErr {
    PyTypeError::new_err(format!("{arg} must be {expected}, not {}", type_name(obj)))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// An iterator over a list-like argument, read one item at a time (nothing
/// is allocated from a claimed length). An object that is not iterable is a
/// TypeError naming `what`; an exception its own `__iter__` raises is
/// passed on as it is.
pub(crate) fn iter_arg<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
    expected: &str,
) -> PyResult<Bound<'py, pyo3::types::PyIterator>> {
    obj.try_iter().map_err(|e| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            not_text(what, obj, expected)
        } else {
            e
        }
    })
}

/// A Python value read by the core's value walker.
///
/// Python errors that are not about the value itself (a failing `encode`,
/// `MemoryError`) are kept in `host_error` and re-raised as they are after
/// the walk, instead of being disguised as a trustcore error.
struct PyValue<'a, 'py> {
    obj: Bound<'py, PyAny>,
    host_error: &'a RefCell<Option<PyErr>>,
    /// UTF-8 encodings that the text of a `str`, or the member names of a
    /// `dict`, borrow from while the core reads them (saves a copy each).
    utf8: OnceCell<Vec<Bound<'py, PyBytes>>>,
}

/// A dict key, before its UTF-8 encoding is stored in the parent.
enum KeyPrep {
    /// Index into the stored encodings.
    Utf8(usize),
    Utf16(Vec<u16>),
    NonString(String),
}

type ReadResult<'s, S> = Result<SourceValue<'s, S>, trustcore::canonical::Error>;

impl<'a, 'py> PyValue<'a, 'py> {
    fn new(obj: Bound<'py, PyAny>, host_error: &'a RefCell<Option<PyErr>>) -> Self {
        PyValue {
            obj,
            host_error,
            utf8: OnceCell::new(),
        }
    }

    fn child(&self, obj: Bound<'py, PyAny>) -> Self {
        PyValue::new(obj, self.host_error)
    }

    fn host(&self, e: PyErr) -> trustcore::canonical::Error {
        let message = format!("Python raised {e} while reading a value");
        *self.host_error.borrow_mut() = Some(e);
        trustcore::canonical::Error::from_host(ErrorCode::UnsupportedType, message)
    }

    /// Stores `encodings` and returns them, borrowed for as long as `self`.
    fn keep(
        &self,
        encodings: Vec<Bound<'py, PyBytes>>,
    ) -> Result<&[Bound<'py, PyBytes>], trustcore::canonical::Error> {
        let _ = self.utf8.set(encodings);
        match self.utf8.get() {
            Some(kept) => Ok(kept),
            None => Err(self.host(PyTypeError::new_err("value read twice"))),
        }
    }

    fn as_str<'s>(
        &self,
        b: &'s Bound<'py, PyBytes>,
    ) -> Result<&'s str, trustcore::canonical::Error> {
        std::str::from_utf8(b.as_bytes())
            .map_err(|_| self.host(PyTypeError::new_err("str encoded to invalid UTF-8")))
    }

    fn read_str(&self, s: &Bound<'py, PyString>) -> ReadResult<'_, Self> {
        match str_text(s) {
            Ok(Text::Utf8(b)) => {
                let kept = self.keep(vec![b])?;
                Ok(SourceValue::Str(Cow::Borrowed(self.as_str(&kept[0])?)))
            }
            Ok(Text::Utf16(u)) => Ok(SourceValue::Utf16(u)),
            Err(e) => Err(self.host(e)),
        }
    }

    fn read_dict(&self, d: &Bound<'py, PyDict>) -> ReadResult<'_, Self> {
        // Take the items first: no Python code runs while the dict is
        // iterated, so it cannot change size under the iterator.
        let items: Vec<_> = d.iter().collect();
        let mut encodings = Vec::with_capacity(items.len());
        let mut keys = Vec::with_capacity(items.len());
        for (k, _) in &items {
            keys.push(match k.cast::<PyString>() {
                Err(_) => KeyPrep::NonString(type_name(k)),
                Ok(s) => match str_text(s) {
                    Ok(Text::Utf8(b)) => {
                        encodings.push(b);
                        KeyPrep::Utf8(encodings.len() - 1)
                    }
                    Ok(Text::Utf16(u)) => KeyPrep::Utf16(u),
                    Err(e) => return Err(self.host(e)),
                },
            });
        }
        let kept = self.keep(encodings)?;
        let mut members = Vec::with_capacity(items.len());
        for (key, (_, v)) in keys.into_iter().zip(items) {
            let key = match key {
                KeyPrep::Utf8(i) => Key::Str(Cow::Borrowed(self.as_str(&kept[i])?)),
                KeyPrep::Utf16(u) => Key::Utf16(u),
                KeyPrep::NonString(t) => Key::NonString(t),
            };
            members.push((key, self.child(v)));
        }
        Ok(SourceValue::Object(members))
    }

    fn read_int(&self, i: &Bound<'py, PyInt>) -> ReadResult<'_, Self> {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(SourceValue::I64(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(SourceValue::U64(v));
        }
        // Beyond 64 bits: the core applies the lossy-integer rule to the
        // decimal text. `int.__repr__` ignores a subclass's own `__str__`.
        let py = i.py();
        match py
            .get_type::<PyInt>()
            .getattr("__repr__")
            .and_then(|r| r.call1((i,)))
            .and_then(|t| t.extract::<String>())
        {
            Ok(text) => Ok(SourceValue::BigInt(text)),
            // Python refuses to print ints of more than 4300 digits
            // (`sys.set_int_max_str_digits`); such an int is far beyond a
            // double.
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyValueError>(py) => {
                Err(trustcore::canonical::Error::from_host(
                    ErrorCode::NumberOutOfRange,
                    "integer is too large for a double",
                ))
            }
            Err(e) => Err(self.host(e)),
        }
    }

    fn read_list(&self, l: &Bound<'py, PyList>) -> ReadResult<'_, Self> {
        Ok(SourceValue::Array(
            l.iter().map(|v| self.child(v)).collect(),
        ))
    }
}

impl<'a, 'py> ValueSource for PyValue<'a, 'py> {
    fn read(&self) -> ReadResult<'_, Self> {
        let obj = &self.obj;
        // Exact types first: a pointer comparison each.
        if let Ok(s) = obj.cast_exact::<PyString>() {
            self.read_str(s)
        } else if let Ok(d) = obj.cast_exact::<PyDict>() {
            self.read_dict(d)
        } else if let Ok(l) = obj.cast_exact::<PyList>() {
            self.read_list(l)
        } else if let Ok(f) = obj.cast_exact::<PyFloat>() {
            Ok(SourceValue::Number(f.value()))
        } else if let Ok(b) = obj.cast_exact::<PyBool>() {
            // bool before int: bool is an int subclass.
            Ok(SourceValue::Bool(b.is_true()))
        } else if let Ok(i) = obj.cast_exact::<PyInt>() {
            self.read_int(i)
        } else if obj.is_none() {
            Ok(SourceValue::Null)
        // Subclasses of str, int, float, dict, list and tuple count as their
        // base type, as in `json.dumps`.
        } else if let Ok(s) = obj.cast::<PyString>() {
            self.read_str(s)
        } else if let Ok(d) = obj.cast::<PyDict>() {
            self.read_dict(d)
        } else if let Ok(l) = obj.cast::<PyList>() {
            self.read_list(l)
        } else if let Ok(i) = obj.cast::<PyInt>() {
            self.read_int(i)
        } else if let Ok(f) = obj.cast::<PyFloat>() {
            Ok(SourceValue::Number(f.value()))
        } else if let Ok(t) = obj.cast::<PyTuple>() {
            Ok(SourceValue::Array(
                t.iter().map(|v| self.child(v)).collect(),
            ))
        } else {
            Ok(SourceValue::Unsupported(type_name(obj)))
        }
    }
}

/// Runs a value-path core call, re-raising a Python error met on the way.
pub(crate) fn with_value<'py, T>(
    obj: &Bound<'py, PyAny>,
    f: impl FnOnce(&PyValue<'_, 'py>) -> Result<T, trustcore::Error>,
) -> PyResult<T> {
    let host_error = RefCell::new(None);
    let value = PyValue::new(obj.clone(), &host_error);
    let result = f(&value);
    if let Some(e) = host_error.into_inner() {
        return Err(e);
    }
    result.map_err(|e| to_py_err(obj.py(), e))
}

/// A Python value as a JSON value, read by the core's value walker (so it
/// fails exactly as `canonicalize` would) and parsed back from its
/// canonical bytes.
fn json_value(obj: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    let bytes = with_value(obj, |v| ffi::canonicalize_value(v, None))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| PyTypeError::new_err(format!("canonical JSON did not read back: {e}")))
}

/// Canonical JSON (RFC 8785) bytes of a Python value.
///
/// Accepts None, bool, int, float, str, list, tuple and dict with str keys
/// (and subclasses of these). Raises CanonicalJsonError for anything else and
/// for NaN/infinities, lone surrogates, non-str keys, integers that a double
/// cannot hold exactly in canonical form, and nesting deeper than
/// `max_depth` (default 128; cyclic values end there too). Options (the
/// core's: `max_depth`, 1..=1024) are keyword arguments; another name is
/// OptionsError `unknown_option`, a bad value `invalid_option`.
#[pyfunction]
#[pyo3(signature = (obj, **options))]
fn canonicalize<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let opts = canonical_options(py, options)?;
    let out = with_value(obj, |v| Ok(canonical::canonicalize_source(v, &opts)?))?;
    Ok(PyBytes::new(py, &out))
}

/// Canonical bytes of JSON text, without the GIL when it is large.
fn canonical_text(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<u8>> {
    let opts = canonical_options(py, options)?;
    let input = Input::from_py(text)?;
    input
        .run(
            py,
            |b| canonical::canonicalize_text_with(b, &opts),
            |u| canonical::canonicalize_utf16(u, &opts),
        )
        .map_err(|e| to_py_err(py, e.into()))
}

/// Canonical JSON (RFC 8785) bytes of JSON text.
///
/// `text` is `bytes`/`bytearray`/`memoryview` (UTF-8) or `str`. The input
/// must be strict I-JSON: duplicate names, invalid UTF-8, lone surrogates,
/// NaN, overflowing or lossy numbers, trailing data and nesting deeper than
/// `max_depth` raise CanonicalJsonError with `code` and byte `offset`.
/// Options as for `canonicalize`.
#[pyfunction]
#[pyo3(signature = (text, **options))]
fn canonicalize_text<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let out = canonical_text(py, text, options)?;
    Ok(PyBytes::new(py, &out))
}

/// The digest algorithm named by an optional argument (default sha256).
fn algorithm_arg(py: Python<'_>, algorithm: Option<Str>) -> PyResult<Algorithm> {
    ffi::algorithm(algorithm.as_ref().map(|a| a.0.as_str())).map_err(|e| to_py_err(py, e))
}

/// Named digest (`sha256:<hex>` or `blake3:<hex>`) of raw bytes; a `str` is
/// digested as its UTF-8 encoding.
#[pyfunction]
#[pyo3(signature = (data, algorithm = None), text_signature = "(data, algorithm='sha256')")]
fn digest(py: Python<'_>, data: &Bound<'_, PyAny>, algorithm: Option<Str>) -> PyResult<String> {
    let alg = algorithm_arg(py, algorithm)?;
    let bytes = match data.cast::<PyString>() {
        // Digesting text means digesting its UTF-8 bytes; a str with lone
        // surrogates has none: `lone_surrogate`, as in Node and WASM.
        Ok(s) => match str_text(s)? {
            Text::Utf8(b) => Bytes::Borrowed(b),
            Text::Utf16(units) => {
                return ffi::digest_utf16(&units, Some(alg.name())).map_err(|e| to_py_err(py, e))
            }
        },
        Err(_) => Bytes::from_py(data)?
            .ok_or_else(|| not_text("data", data, "bytes, bytearray, memoryview or str"))?,
    };
    Ok(bytes.with(py, |b| Digest::of(alg, b).to_string()))
}

/// Named digest of the canonical form of a Python value (options as for
/// `canonicalize`).
#[pyfunction]
#[pyo3(
    signature = (obj, algorithm = None, **options),
    text_signature = "(obj, algorithm='sha256', **options)"
)]
fn canonical_digest(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    algorithm: Option<Str>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let alg = algorithm_arg(py, algorithm)?;
    let opts = canonical_options(py, options)?;
    let bytes = with_value(obj, |v| Ok(canonical::canonicalize_source(v, &opts)?))?;
    Ok(Digest::of(alg, &bytes).to_string())
}

/// Named digest of the canonical form of JSON text (options as for
/// `canonicalize`).
#[pyfunction]
#[pyo3(
    signature = (text, algorithm = None, **options),
    text_signature = "(text, algorithm='sha256', **options)"
)]
fn canonical_digest_text(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    algorithm: Option<Str>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let alg = algorithm_arg(py, algorithm)?;
    let bytes = canonical_text(py, text, options)?;
    Ok(Digest::of(alg, &bytes).to_string())
}

/// Parses `sha256:<hex>` / `blake3:<hex>` into `(algorithm, hex)`.
///
/// Raises DigestError (`unknown_algorithm` / `malformed_digest`, with the
/// character `offset`) for anything else.
#[pyfunction]
fn parse_digest(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<(&'static str, String)> {
    // A lone surrogate is never part of a valid digest; replacing it keeps
    // the character offsets and still fails with `malformed_digest`.
    let text = text.to_string_lossy();
    let parsed = ffi::parse_digest(&text).map_err(|e| to_py_err(py, e))?;
    Ok((parsed.algorithm, parsed.hex))
}

/// The core's `invalid_option` error for an option of the Python layer
/// (`verify_file`'s `chunk_size`): the class, code and wording are the
/// core options reader's.
#[pyfunction]
fn _invalid_option(
    py: Python<'_>,
    name: Str,
    expected: Str,
    value: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let got = json_value(value).unwrap_or_else(|_| serde_json::Value::String(type_name(value)));
    let reader = trustcore::options::Reader::new(None, Naming::Snake)
        .map_err(|e| to_py_err(py, e.into()))?;
    let e = reader.invalid(&name.0, &expected.0, &got);
    Ok(to_py_err(py, e.into()).into_value(py).into_any())
}

/// The native part of the `trustcore` package; import `trustcore` instead.
#[pymodule]
fn _trustcore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", ffi::VERSION)?;
    m.add("TrustcoreError", py.get_type::<TrustcoreError>())?;
    m.add("CanonicalJsonError", py.get_type::<CanonicalJsonError>())?;
    m.add("DigestError", py.get_type::<DigestError>())?;
    m.add("InvalidKeyError", py.get_type::<InvalidKeyError>())?;
    m.add("EnvelopeError", py.get_type::<EnvelopeError>())?;
    m.add("TimestampError", py.get_type::<TimestampError>())?;
    m.add("RegistryError", py.get_type::<RegistryError>())?;
    m.add("OptionsError", py.get_type::<OptionsError>())?;
    m.add("ProfileError", py.get_type::<ProfileError>())?;
    m.add("CliError", py.get_type::<CliError>())?;
    m.add("SqlError", py.get_type::<SqlError>())?;
    m.add("SnapshotError", py.get_type::<SnapshotError>())?;
    m.add("RedactionError", py.get_type::<RedactionError>())?;
    m.add("ChainError", py.get_type::<ChainError>())?;
    m.add("MerkleError", py.get_type::<MerkleError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("PolicyDenied", py.get_type::<PolicyDenied>())?;
    m.add_function(wrap_pyfunction!(canonicalize, m)?)?;
    m.add_function(wrap_pyfunction!(_remote_signer_failed, m)?)?;
    m.add_function(wrap_pyfunction!(_invalid_option, m)?)?;
    m.add_function(wrap_pyfunction!(canonicalize_text, m)?)?;
    m.add_function(wrap_pyfunction!(digest, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_digest, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_digest_text, m)?)?;
    m.add_function(wrap_pyfunction!(parse_digest, m)?)?;
    signing::register(m)?;
    chain::register(m)?;
    merkle::register(m)?;
    policy::register(m)?;
    profile::register(m)?;
    cli::register(m)?;
    sql::register(m)?;
    segment::register(m)?;
    snapshot::register(m)?;
    redact::register(m)?;
    Ok(())
}
