//! Python binding of trustcore (module `trustcore._trustcore`).
//!
//! Thin by design: this file converts Python values to what
//! [`trustcore::ffi`] takes and maps [`trustcore::Error`] to Python
//! exceptions; `signing.rs` wraps keys, envelopes, the signer registry and
//! approval sets the same way. Every rule (which types are refused, how numbers print, the
//! lossy-integer rule, depth limits, digest names) lives in the core.
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
use trustcore::canonical::{ErrorCode, Key, SourceValue, ValueSource};
use trustcore::ffi;

mod chain;
mod merkle;
mod policy;
mod signing;

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
    RegistryError,
    TrustcoreError,
    "A malformed signers file, JWKS document, approval set or rotation record, or a signer without a usable key (`code` is the reason, e.g. `signer_expired`)."
);

/// Input texts at least this long are canonicalized with the GIL released,
/// so other Python threads run meanwhile; below it the hand-off costs more
/// than it gives.
const DETACH_THRESHOLD: usize = 64 * 1024;

/// Maps a core error to its exception class and sets `code`, `message`,
/// `offset` and `path` on the instance; `str(exc)` is the core's Display.
fn to_py_err(py: Python<'_>, e: trustcore::Error) -> PyErr {
    use trustcore::ErrorKind as K;
    let text = e.to_string();
    let err = match e.kind() {
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
    };
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("code", e.code())?;
        value.setattr("message", e.message())?;
        value.setattr("offset", e.offset())?;
        value.setattr("path", e.path())?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(setattr_failed) => setattr_failed,
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
fn _remote_signer_failed(py: Python<'_>, signer: &str, cause: &Bound<'_, PyAny>) -> Py<PyAny> {
    let reason = cause.str().map(|s| s.to_string()).unwrap_or_default();
    to_py_err(
        py,
        trustcore::envelope::remote_signer_failed(signer, &reason).into(),
    )
    .into_value(py)
    .into_any()
}

/// `max_depth` as the core takes it; the core checks the range
/// (`invalid_option`), so the message and code come from one place.
fn depth(max_depth: Option<i64>) -> Option<f64> {
    max_depth.map(|d| d as f64)
}

/// UTF-16 code units of a `str`, lone surrogates kept.
fn utf16_units(s: &Bound<'_, PyString>) -> PyResult<Vec<u16>> {
    let raw = s.call_method1("encode", ("utf-16-le", "surrogatepass"))?;
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
            let b = obj.call_method0("tobytes")?;
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

fn not_text(arg: &str, obj: &Bound<'_, PyAny>, expected: &str) -> PyErr {
    PyTypeError::new_err(format!("{arg} must be {expected}, not {}", type_name(obj)))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
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
fn with_value<'py, T>(
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
/// `max_depth` (default 128; cyclic values end there too).
#[pyfunction]
#[pyo3(signature = (obj, *, max_depth = None))]
fn canonicalize<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    max_depth: Option<i64>,
) -> PyResult<Bound<'py, PyBytes>> {
    let out = with_value(obj, |v| ffi::canonicalize_value(v, depth(max_depth)))?;
    Ok(PyBytes::new(py, &out))
}

/// Canonical JSON (RFC 8785) bytes of JSON text.
///
/// `text` is `bytes`/`bytearray`/`memoryview` (UTF-8) or `str`. The input
/// must be strict I-JSON: duplicate names, invalid UTF-8, lone surrogates,
/// NaN, overflowing or lossy numbers, trailing data and nesting deeper than
/// `max_depth` raise CanonicalJsonError with `code` and byte `offset`.
#[pyfunction]
#[pyo3(signature = (text, *, max_depth = None))]
fn canonicalize_text<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    max_depth: Option<i64>,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = Input::from_py(text)?;
    let md = depth(max_depth);
    let out = input
        .run(
            py,
            |b| ffi::canonicalize_text(b, md),
            |u| ffi::canonicalize_utf16(u, md),
        )
        .map_err(|e| to_py_err(py, e))?;
    Ok(PyBytes::new(py, &out))
}

/// Named digest (`sha256:<hex>` or `blake3:<hex>`) of raw bytes; a `str` is
/// digested as its UTF-8 encoding.
#[pyfunction]
#[pyo3(signature = (data, algorithm = None), text_signature = "(data, algorithm='sha256')")]
fn digest(py: Python<'_>, data: &Bound<'_, PyAny>, algorithm: Option<String>) -> PyResult<String> {
    let alg = algorithm.as_deref();
    let bytes = match data.cast::<PyString>() {
        // Digesting text means digesting its UTF-8 bytes; a str with lone
        // surrogates has none: `lone_surrogate`, as in Node and WASM.
        Ok(s) => match str_text(s)? {
            Text::Utf8(b) => Bytes::Borrowed(b),
            Text::Utf16(units) => {
                return ffi::digest_utf16(&units, alg).map_err(|e| to_py_err(py, e))
            }
        },
        Err(_) => Bytes::from_py(data)?
            .ok_or_else(|| not_text("data", data, "bytes, bytearray, memoryview or str"))?,
    };
    bytes
        .with(py, |b| ffi::digest(b, alg))
        .map_err(|e| to_py_err(py, e))
}

/// Named digest of the canonical form of a Python value.
#[pyfunction]
#[pyo3(
    signature = (obj, algorithm = None, *, max_depth = None),
    text_signature = "(obj, algorithm='sha256', *, max_depth=None)"
)]
fn canonical_digest(
    obj: &Bound<'_, PyAny>,
    algorithm: Option<String>,
    max_depth: Option<i64>,
) -> PyResult<String> {
    let alg = algorithm.as_deref();
    with_value(obj, |v| {
        ffi::canonical_digest_value(v, alg, depth(max_depth))
    })
}

/// Named digest of the canonical form of JSON text.
#[pyfunction]
#[pyo3(
    signature = (text, algorithm = None, *, max_depth = None),
    text_signature = "(text, algorithm='sha256', *, max_depth=None)"
)]
fn canonical_digest_text(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    algorithm: Option<String>,
    max_depth: Option<i64>,
) -> PyResult<String> {
    let input = Input::from_py(text)?;
    let alg = algorithm.as_deref();
    let md = depth(max_depth);
    input
        .run(
            py,
            |b| ffi::canonical_digest_text(b, alg, md),
            |u| ffi::canonical_digest_utf16(u, alg, md),
        )
        .map_err(|e| to_py_err(py, e))
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
    m.add("ChainError", py.get_type::<ChainError>())?;
    m.add("MerkleError", py.get_type::<MerkleError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("PolicyDenied", py.get_type::<PolicyDenied>())?;
    m.add_function(wrap_pyfunction!(canonicalize, m)?)?;
    m.add_function(wrap_pyfunction!(_remote_signer_failed, m)?)?;
    m.add_function(wrap_pyfunction!(canonicalize_text, m)?)?;
    m.add_function(wrap_pyfunction!(digest, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_digest, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_digest_text, m)?)?;
    m.add_function(wrap_pyfunction!(parse_digest, m)?)?;
    signing::register(m)?;
    chain::register(m)?;
    merkle::register(m)?;
    policy::register(m)?;
    Ok(())
}
