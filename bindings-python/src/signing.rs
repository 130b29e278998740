//! Keys, raw signatures, signed envelopes, the signer registry and approval
//! sets, as Python classes.
//!
//! One Python method per core method: arguments are converted, errors are
//! mapped with [`to_py_err`], reports (`serde_json::Value` in the core) are
//! turned into dicts by [`to_py`]. The only logic of its own is the call of
//! a remote signer (`Envelope.sign_with`): the callable gets the bytes the
//! core prepared, and whatever it returns goes through the core's
//! `Envelope::attach`, which verifies it under the expected key first.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString, PyTuple};
use pyo3::{IntoPyObject, IntoPyObjectExt};
use serde_json::Value;
use trustcore::envelope::Envelope;
use trustcore::keys::{PublicKey, SecretKey};
use trustcore::registry::{ApprovalSet, SignerRegistry};
use trustcore::{ffi, sign as ed25519};

use crate::{not_text, to_py_err, type_name, with_value, Bytes, Input, Str, Uint};

pub(crate) type CoreResult<T> = Result<T, trustcore::Error>;

/// Raises a core error as its Python exception.
pub(crate) fn raise<T>(py: Python<'_>, r: CoreResult<T>) -> PyResult<T> {
    r.map_err(|e| to_py_err(py, e))
}

/// A core result whose error is a module error (keys, envelope, registry).
pub(crate) fn core<T, E: Into<trustcore::Error>>(py: Python<'_>, r: Result<T, E>) -> PyResult<T> {
    raise(py, r.map_err(Into::into))
}

/// `bytes`, `bytearray` or `memoryview`; TypeError naming `what` otherwise.
pub(crate) fn bytes_arg<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bytes<'py>> {
    Bytes::from_py(obj)?.ok_or_else(|| not_text(what, obj, "bytes, bytearray or memoryview"))
}

/// Runs `parse` on a JSON document given as `str` or bytes. A `str` with
/// lone surrogates has no UTF-8 form; the core's UTF-16 reader reports
/// `lone_surrogate` with its offset, as for the same text given as bytes.
pub(crate) fn with_json<T: Send>(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    parse: impl Fn(&[u8]) -> CoreResult<T> + Sync,
) -> PyResult<T> {
    let input = Input::from_py(text)?;
    raise(
        py,
        input.run(py, &parse, |units| {
            ffi::canonicalize_utf16(units, None).and_then(|canonical| parse(&canonical))
        }),
    )
}

/// A JWK given as JSON text or as a dict (canonicalized by the core first).
fn jwk_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        // Lone surrogates can only sit in members the core ignores (`kid`)
        // or make the key members invalid base64url: replacing them never
        // changes which key is read.
        return Ok(s.to_string_lossy().into_owned());
    }
    if obj.is_instance_of::<PyDict>() {
        let bytes = with_value(obj, |v| ffi::canonicalize_value(v, None))?;
        return String::from_utf8(bytes)
            .map_err(|_| PyTypeError::new_err("canonical JSON was not UTF-8"));
    }
    Err(not_text("jwk", obj, "str (JSON text) or dict"))
}

/// A JSON value from the core (a report, a signer record) as Python
/// objects: dict, list, str, int, float, bool, None.
pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py)?,
            (None, Some(u)) => u.into_bound_py_any(py)?,
            _ => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)?,
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (k, item) in members {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Python's `repr()` of a value, for `__repr__` texts.
pub(crate) fn py_repr<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> String {
    value
        .into_bound_py_any(py)
        .and_then(|v| v.repr())
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "...".to_owned())
}

/// A signature algorithm argument (None: the core's default, `ed25519`).
pub(crate) fn algorithm(
    py: Python<'_>,
    alg: Option<Str>,
) -> PyResult<trustcore::envelope::Algorithm> {
    raise(
        py,
        ffi::signature_algorithm(alg.as_ref().map(|a| a.0.as_str())),
    )
}

fn timestamp(py: Python<'_>, at: Str) -> PyResult<trustcore::time::Timestamp> {
    raise(py, ffi::timestamp(&at.0))
}

// ---- Keys -----------------------------------------------------------------

/// An Ed25519 public (verifying) key.
///
/// Immutable, hashable, comparable and picklable. Import with the
/// `from_*` static methods; export with the `to_*` methods.
#[pyclass(name = "PublicKey", module = "trustcore", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyPublicKey(pub(crate) PublicKey);

#[pymethods]
impl PyPublicKey {
    /// From the 32-byte encoding (InvalidKeyError `invalid_key_length`,
    /// `invalid_key` when the bytes are not a curve point).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let b = bytes_arg(data, "data")?;
        core(py, PublicKey::from_bytes(b.as_slice())).map(Self)
    }

    /// From standard padded base64 of the 32 bytes (the signers file form).
    #[staticmethod]
    fn from_base64(py: Python<'_>, text: Str) -> PyResult<Self> {
        core(py, PublicKey::from_base64(&text.0)).map(Self)
    }

    /// From hex of the 32 bytes.
    #[staticmethod]
    fn from_hex(py: Python<'_>, text: Str) -> PyResult<Self> {
        core(py, PublicKey::from_hex(&text.0)).map(Self)
    }

    /// From an SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: Str) -> PyResult<Self> {
        core(py, PublicKey::from_spki_pem(&pem.0)).map(Self)
    }

    /// From SPKI DER bytes.
    #[staticmethod]
    fn from_der(py: Python<'_>, der: &Bound<'_, PyAny>) -> PyResult<Self> {
        let b = bytes_arg(der, "der")?;
        core(py, PublicKey::from_spki_der(b.as_slice())).map(Self)
    }

    /// From a JWK (`{"kty":"OKP","crv":"Ed25519","x":...}`) as JSON text or
    /// a dict; a private JWK is accepted and only its public half is used.
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = jwk_text(jwk)?;
        core(py, PublicKey::from_jwk(&text)).map(Self)
    }

    /// The 32-byte encoding.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    /// Standard padded base64.
    fn to_base64(&self) -> String {
        self.0.to_base64()
    }

    /// Lowercase hex.
    fn to_hex(&self) -> String {
        self.0.to_hex()
    }

    /// SPKI PEM with LF line endings.
    fn to_pem(&self) -> String {
        self.0.to_spki_pem()
    }

    /// SPKI DER.
    fn to_der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_spki_der())
    }

    /// A public JWK as canonical JSON text, with `kid` when given.
    #[pyo3(signature = (kid = None))]
    fn to_jwk(&self, kid: Option<Str>) -> String {
        self.0.to_jwk(kid.as_ref().map(|k| k.0.as_str()))
    }

    /// Raises InvalidKeyError (`weak_key`, `non_canonical_key`) for a key
    /// that must not be trusted for long; the signer registry applies the
    /// same check to every key it loads.
    fn check_hygiene(&self, py: Python<'_>) -> PyResult<()> {
        core(py, self.0.check_hygiene())
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.to_bytes(py)
    }

    fn __repr__(&self) -> String {
        format!("PublicKey('{}')", self.0.to_base64())
    }

    /// Pickles as `PublicKey.from_bytes(raw)`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ctor = py.get_type::<PyPublicKey>().getattr("from_bytes")?;
        PyTuple::new(
            py,
            [ctor, PyTuple::new(py, [self.to_bytes(py)])?.into_any()],
        )
    }
}

/// An Ed25519 secret key (the 32-byte seed).
///
/// Its `repr` and `str` show only the public key. It cannot be pickled or
/// serialized to JSON: export it deliberately with an `export_*` method.
/// The Rust copy is zeroized when the object is freed; exported `bytes` and
/// `str` are ordinary Python objects that Python never wipes.
#[pyclass(name = "SecretKey", module = "trustcore", frozen)]
pub struct PySecretKey(pub(crate) SecretKey);

#[pymethods]
impl PySecretKey {
    /// A new key from the operating system's randomness.
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<Self> {
        core(py, SecretKey::generate()).map(Self)
    }

    /// From the 32-byte seed (RFC 8032 private key).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let b = bytes_arg(data, "data")?;
        core(py, SecretKey::from_bytes(b.as_slice())).map(Self)
    }

    /// From standard padded base64 of the seed.
    #[staticmethod]
    fn from_base64(py: Python<'_>, text: Str) -> PyResult<Self> {
        core(py, SecretKey::from_base64(&text.0)).map(Self)
    }

    /// From hex of the seed.
    #[staticmethod]
    fn from_hex(py: Python<'_>, text: Str) -> PyResult<Self> {
        core(py, SecretKey::from_hex(&text.0)).map(Self)
    }

    /// From PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), v1 or v2.
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: Str) -> PyResult<Self> {
        core(py, SecretKey::from_pkcs8_pem(&pem.0)).map(Self)
    }

    /// From PKCS#8 DER bytes.
    #[staticmethod]
    fn from_der(py: Python<'_>, der: &Bound<'_, PyAny>) -> PyResult<Self> {
        let b = bytes_arg(der, "der")?;
        core(py, SecretKey::from_pkcs8_der(b.as_slice())).map(Self)
    }

    /// From a private JWK (with `d` and a matching `x`) as JSON text or a dict.
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = jwk_text(jwk)?;
        core(py, SecretKey::from_jwk(&text)).map(Self)
    }

    /// The matching public key.
    fn public_key(&self) -> PyPublicKey {
        PyPublicKey(self.0.public_key())
    }

    /// Signs `message` (pure Ed25519); returns the 64-byte signature.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let m = bytes_arg(message, "message")?;
        let sig = m.with(py, |b| ed25519::sign(&self.0, b));
        Ok(PyBytes::new(py, &sig))
    }

    /// The 32-byte seed. Secret: handle with care.
    fn export_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.to_bytes().as_slice())
    }

    /// The seed as standard padded base64. Secret.
    fn export_base64(&self) -> String {
        self.0.to_base64().as_str().to_owned()
    }

    /// The seed as lowercase hex. Secret.
    fn export_hex(&self) -> String {
        self.0.to_hex().as_str().to_owned()
    }

    /// PKCS#8 v1 PEM (`-----BEGIN PRIVATE KEY-----`, LF line endings), the
    /// form OpenSSL, Node `crypto` and `cryptography` write. Secret.
    fn export_pem(&self) -> String {
        self.0.to_pkcs8_pem().as_str().to_owned()
    }

    /// PKCS#8 v1 DER (the 48 bytes inside the PEM). Secret.
    fn export_der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_pkcs8_der())
    }

    /// A private JWK (with `d`) as canonical JSON text. Secret.
    #[pyo3(signature = (kid = None))]
    fn export_jwk(&self, kid: Option<Str>) -> String {
        self.0
            .to_jwk(kid.as_ref().map(|k| k.0.as_str()))
            .as_str()
            .to_owned()
    }

    fn __repr__(&self) -> String {
        format!(
            "SecretKey(public_key='{}')",
            self.0.public_key().to_base64()
        )
    }

    /// Refuses pickling (and `copy` through it): a secret leaves only by an
    /// explicit `export_*` call.
    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a SecretKey cannot be pickled; export it explicitly (export_pem()) if you must",
        ))
    }

    fn __getstate__(&self) -> PyResult<()> {
        self.__reduce__()
    }

    /// The key is immutable: a copy is the same object.
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }
}

/// A public key given as `PublicKey` or as raw bytes.
pub(crate) fn public_key_bytes(key: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(pk) = key.cast::<PyPublicKey>() {
        return Ok(pk.get().0.to_bytes().to_vec());
    }
    match Bytes::from_py(key)? {
        Some(b) => Ok(b.as_slice().to_vec()),
        None => Err(not_text(
            "public_key",
            key,
            "PublicKey, bytes, bytearray or memoryview",
        )),
    }
}

/// Signs `message` with `secret_key` (pure Ed25519, RFC 8032); returns the
/// 64-byte signature.
#[pyfunction]
#[pyo3(name = "sign")]
fn sign_message<'py>(
    py: Python<'py>,
    secret_key: &PySecretKey,
    message: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    secret_key.sign(py, message)
}

/// Whether `signature` is a valid Ed25519 signature of `message` under
/// `public_key` (a PublicKey or 32 raw bytes).
///
/// The verdict is the one Go's crypto/ed25519 and OpenSSL give. Wrong
/// lengths raise InvalidKeyError (`invalid_key_length`,
/// `invalid_signature_length`); 32 bytes that are not a curve point give
/// False. No key hygiene is applied (see PublicKey.check_hygiene).
#[pyfunction]
#[pyo3(name = "verify")]
fn verify_signature(
    py: Python<'_>,
    public_key: &Bound<'_, PyAny>,
    message: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let sig = bytes_arg(signature, "signature")?;
    let sig = sig.as_slice();
    let msg = bytes_arg(message, "message")?;
    // An imported key is already a decompressed point: verify with it
    // directly (the same check `verify` makes after decompressing).
    if let (Ok(pk), Ok(sig64)) = (public_key.cast::<PyPublicKey>(), <&[u8; 64]>::try_from(sig)) {
        let key = &pk.get().0;
        return Ok(msg.with(py, |m| ed25519::verify_with(key, m, sig64)));
    }
    let pk = public_key_bytes(public_key)?;
    core(py, msg.with(py, |m| ed25519::verify(&pk, m, sig)))
}

/// Ed25519ph (RFC 8032, empty context) over a 64-byte SHA-512 digest: what
/// a KMS in digest mode (AWS KMS `MessageType: DIGEST`) computes. Raises
/// InvalidKeyError `invalid_digest_length` for anything but 64 bytes.
#[pyfunction]
fn sign_ed25519ph_digest<'py>(
    py: Python<'py>,
    secret_key: &PySecretKey,
    digest: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let d = bytes_arg(digest, "digest")?;
    let sig = core(
        py,
        ed25519::sign_prehashed_digest(&secret_key.0, d.as_slice()),
    )?;
    Ok(PyBytes::new(py, &sig))
}

/// Verifies an Ed25519ph signature over a 64-byte SHA-512 digest, with the
/// same rule as `verify`.
#[pyfunction]
fn verify_ed25519ph_digest(
    py: Python<'_>,
    public_key: &Bound<'_, PyAny>,
    digest: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let pk = public_key_bytes(public_key)?;
    let d = bytes_arg(digest, "digest")?;
    let sig = bytes_arg(signature, "signature")?;
    core(
        py,
        ed25519::verify_prehashed_digest(&pk, d.as_slice(), sig.as_slice()),
    )
}

// ---- Envelopes --------------------------------------------------------------

/// What a (possibly remote) signer must sign for one signature.
#[pyclass(name = "Prepared", module = "trustcore", frozen)]
pub struct PyPrepared {
    message: Vec<u8>,
    signing_input: Vec<u8>,
    alg: &'static str,
    signer: String,
}

#[pymethods]
impl PyPrepared {
    /// The bytes to hand to the signer: the signing input for `ed25519`, its
    /// 64-byte SHA-512 digest for `ed25519ph` (KMS `MessageType: DIGEST`).
    #[getter]
    fn message<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.message)
    }

    /// The canonical JSON signing input the signature covers.
    #[getter]
    fn signing_input<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.signing_input)
    }

    /// `"ed25519"` or `"ed25519ph"`.
    #[getter]
    fn alg(&self) -> &'static str {
        self.alg
    }

    /// The signer id.
    #[getter]
    fn signer(&self) -> &str {
        &self.signer
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Prepared(signer={}, alg='{}', message=<{} bytes>)",
            py_repr(py, &self.signer),
            self.alg,
            self.message.len()
        )
    }
}

/// A signed envelope: a JSON payload, the kind of record it is, and Ed25519
/// signatures over the canonical bytes of a typed signing input.
#[pyclass(name = "Envelope", module = "trustcore", eq)]
#[derive(Clone, PartialEq)]
pub struct PyEnvelope(pub(crate) Envelope);

#[pymethods]
impl PyEnvelope {
    /// A new unsigned envelope around a Python value (dict, list, str, int,
    /// float, bool, None), canonicalized with the rules of `canonicalize`.
    #[staticmethod]
    fn create(kind: Str, payload: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_value(payload, |v| ffi::envelope_from_value(&kind.0, v)).map(Self)
    }

    /// A new unsigned envelope around JSON text (`str` or bytes), read with
    /// the strict rules of `canonicalize_text`.
    #[staticmethod]
    fn from_text(py: Python<'_>, kind: Str, payload_json: &Bound<'_, PyAny>) -> PyResult<Self> {
        let kind = kind.0;
        let input = Input::from_py(payload_json)?;
        raise(
            py,
            input.run(
                py,
                |b| Envelope::new(&kind, b),
                |units| ffi::envelope_from_utf16(&kind, units),
            ),
        )
        .map(Self)
    }

    /// Reads an envelope from its JSON text (strict I-JSON; unknown members
    /// and versions are refused with EnvelopeError `invalid_envelope`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, Envelope::from_json).map(Self)
    }

    /// The record kind.
    #[getter]
    fn kind(&self) -> &str {
        self.0.kind()
    }

    /// The payload as canonical JSON text.
    #[getter]
    fn payload(&self) -> String {
        String::from_utf8_lossy(self.0.payload()).into_owned()
    }

    /// The signatures: `[{"alg", "signer", "sig"}]` (sig in standard base64).
    #[getter]
    fn signatures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &ffi::envelope_signatures(&self.0))
    }

    /// Prepares what signer `signer` must sign with algorithm `alg`.
    #[pyo3(signature = (signer, alg = None), text_signature = "($self, signer, alg='ed25519')")]
    fn prepare(&self, py: Python<'_>, signer: Str, alg: Option<Str>) -> PyResult<PyPrepared> {
        let signer = signer.0;
        let alg = algorithm(py, alg)?;
        let prepared = core(py, self.0.prepare(&signer, alg))?;
        Ok(PyPrepared {
            message: prepared.message(),
            signing_input: prepared.signing_input().to_vec(),
            alg: alg.name(),
            signer,
        })
    }

    /// Attaches a signature made elsewhere for `signer`/`alg`, after checking
    /// that it verifies under `expected_public_key`. A signature that does
    /// not (or is not 64 bytes) raises EnvelopeError
    /// `remote_signature_invalid` and leaves the envelope unchanged.
    #[pyo3(
        signature = (signer, signature, expected_public_key, alg = None),
        text_signature = "($self, signer, signature, expected_public_key, alg='ed25519')"
    )]
    fn attach(
        &mut self,
        py: Python<'_>,
        signer: Str,
        signature: &Bound<'_, PyAny>,
        expected_public_key: &PyPublicKey,
        alg: Option<Str>,
    ) -> PyResult<()> {
        let signer = signer.0;
        let alg = algorithm(py, alg)?;
        let sig = bytes_arg(signature, "signature")?;
        core(
            py,
            self.0
                .attach(&signer, alg, sig.as_slice(), &expected_public_key.0),
        )
    }

    /// Signs with a local secret key and attaches the signature.
    #[pyo3(
        signature = (secret_key, signer, alg = None),
        text_signature = "($self, secret_key, signer, alg='ed25519')"
    )]
    fn sign(
        &mut self,
        py: Python<'_>,
        secret_key: &PySecretKey,
        signer: Str,
        alg: Option<Str>,
    ) -> PyResult<()> {
        let signer = signer.0;
        let alg = algorithm(py, alg)?;
        core(py, self.0.sign(&secret_key.0, &signer, alg))
    }

    /// Signs through a callable (a KMS, HSM or signing-proxy client).
    ///
    /// `sign_fn(message: bytes) -> bytes` gets exactly `prepare(signer,
    /// alg).message` and returns the 64-byte signature, which must verify
    /// under `expected_public_key` before it is attached (else EnvelopeError
    /// `remote_signature_invalid`). An exception raised by `sign_fn`
    /// becomes EnvelopeError `remote_signer_failed` (the original as its
    /// `__cause__`); a return value that is not bytes raises TypeError. In
    /// every failure the envelope is left unchanged.
    #[pyo3(
        signature = (signer, expected_public_key, sign_fn, alg = None),
        text_signature = "($self, signer, expected_public_key, sign_fn, alg='ed25519')"
    )]
    fn sign_with(
        slf: &Bound<'_, Self>,
        signer: Str,
        expected_public_key: &PyPublicKey,
        sign_fn: &Bound<'_, PyAny>,
        alg: Option<Str>,
    ) -> PyResult<()> {
        let signer = signer.0;
        let py = slf.py();
        if !sign_fn.is_callable() {
            return Err(not_text("sign_fn", sign_fn, "callable"));
        }
        let alg = algorithm(py, alg)?;
        // The borrow ends before the callable runs, so it may read this
        // envelope; the signing input is recomputed when attaching (kind
        // and payload never change).
        let message = core(py, slf.try_borrow()?.0.prepare(&signer, alg))?.message();
        let answer = crate::call_remote_signer(sign_fn, &message, &signer)?;
        let sig = signer_answer(&answer)?;
        let mut env = slf.try_borrow_mut()?;
        core(
            py,
            env.0
                .attach(&signer, alg, sig.as_slice(), &expected_public_key.0),
        )
    }

    /// Whether signature `index` verifies under `public_key` (resolve the
    /// signer id to a key yourself, or use SignerRegistry.verify_envelope).
    /// EnvelopeError `no_such_signature` when there is no such index.
    fn verify(&self, py: Python<'_>, index: Uint, public_key: &PyPublicKey) -> PyResult<bool> {
        core(py, self.0.verify(index.usize(), &public_key.0))
    }

    /// The exact bytes signature `index` covers.
    fn signing_input_of<'py>(&self, py: Python<'py>, index: Uint) -> PyResult<Bound<'py, PyBytes>> {
        let input = core(py, self.0.signing_input_of(index.usize()))?;
        Ok(PyBytes::new(py, &input))
    }

    /// The envelope as canonical JSON text.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Envelope(kind={}, signatures={})",
            py_repr(py, self.0.kind()),
            self.0.signatures().len()
        )
    }

    /// Pickles (and copies) as `Envelope.from_json(envelope.to_json())`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ctor = py.get_type::<PyEnvelope>().getattr("from_json")?;
        PyTuple::new(py, [ctor, PyTuple::new(py, [self.0.to_json()])?.into_any()])
    }
}

/// What a remote signer returned, as bytes; anything else is a TypeError
/// (an awaitable means an async callable was given to the sync method).
pub(crate) fn signer_answer<'py>(answer: &Bound<'py, PyAny>) -> PyResult<Bytes<'py>> {
    if let Some(b) = Bytes::from_py(answer)? {
        return Ok(b);
    }
    if answer.hasattr("__await__")? {
        // Close a never-awaited coroutine so Python does not warn about it.
        if answer.hasattr("close")? {
            answer.call_method0("close")?;
        }
        return Err(PyTypeError::new_err(
            "sign_fn returned an awaitable; use `await envelope.sign_with_async(...)` for async signers",
        ));
    }
    Err(PyTypeError::new_err(format!(
        "sign_fn must return the 64-byte signature as bytes, not {}",
        type_name(answer)
    )))
}

// ---- Registry and approvals -------------------------------------------------

/// Which public key speaks for which signer id, and when.
#[pyclass(name = "SignerRegistry", module = "trustcore")]
pub struct PySignerRegistry(pub(crate) SignerRegistry);

#[pymethods]
impl PySignerRegistry {
    /// Loads a signers file (`{"signers":[{"signerId","publicKey",...}]}`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, SignerRegistry::from_json).map(Self)
    }

    /// Loads a JWKS document (public Ed25519 JWKs, `kid` = signer id).
    #[staticmethod]
    fn from_jwks(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, SignerRegistry::from_jwks).map(Self)
    }

    /// The registry as a signers file (canonical JSON, load order).
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The registry as a JWKS document (canonical JSON).
    fn to_jwks(&self) -> String {
        self.0.to_jwks()
    }

    /// The signer ids, in load order.
    fn signer_ids(&self) -> Vec<String> {
        self.0.records().map(|r| r.signer_id().to_owned()).collect()
    }

    /// A signer's record as a signers-file entry (dict), or None.
    fn get<'py>(&self, py: Python<'py>, signer_id: Str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .get(&signer_id.0)
            .map(|r| to_py(py, &r.to_value()))
            .transpose()
    }

    /// The key that vouches for `signer_id`'s `alg` signatures on records
    /// at `at` (RFC 3339 UTC). RegistryError otherwise, with the reason as
    /// `code` (`unknown_signer`, `signer_not_yet_valid`, `signer_expired`,
    /// `signer_revoked`, `algorithm_mismatch`).
    #[pyo3(
        signature = (signer_id, at, alg = None),
        text_signature = "($self, signer_id, at, alg='ed25519')"
    )]
    fn key_for(
        &self,
        py: Python<'_>,
        signer_id: Str,
        at: Str,
        alg: Option<Str>,
    ) -> PyResult<PyPublicKey> {
        let alg = algorithm(py, alg)?;
        let at = timestamp(py, at)?;
        core(py, self.0.require_key(&signer_id.0, alg, &at)).map(|k| PyPublicKey(*k))
    }

    /// Verifies every signature of `envelope` as of `at` (the record's
    /// time): `{"valid": bool, "signatures": [{"index", "signer", "alg",
    /// "valid", "reason"?}]}`.
    fn verify_envelope<'py>(
        &self,
        py: Python<'py>,
        envelope: &PyEnvelope,
        at: Str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = timestamp(py, at)?;
        to_py(py, &self.0.verify_envelope(&envelope.0, &at).to_value())
    }

    /// Checks a rotation record without changing the registry; returns the
    /// rotation (`{"previous", "next", "previousValidUntil", "rotatedAt"}`).
    fn verify_rotation<'py>(
        &self,
        py: Python<'py>,
        envelope: &PyEnvelope,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rotation = raise(py, self.0.verify_rotation(&envelope.0))?;
        to_py(py, &rotation.to_value())
    }

    /// Verifies a rotation record and applies it (closes the previous key's
    /// window, adds the next signer); returns the rotation.
    fn apply_rotation<'py>(
        &mut self,
        py: Python<'py>,
        envelope: &PyEnvelope,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rotation = raise(py, self.0.apply_rotation(&envelope.0))?;
        to_py(py, &rotation.to_value())
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __contains__(&self, signer_id: &Bound<'_, PyAny>) -> bool {
        signer_id
            .cast::<PyString>()
            .ok()
            .and_then(|s| s.extract::<String>().ok())
            .is_some_and(|s| self.0.get(&s).is_some())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("SignerRegistry(signers={})", py_repr(py, self.signer_ids()))
    }

    /// Pickles (and copies) as `SignerRegistry.from_json(registry.to_json())`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ctor = py.get_type::<PySignerRegistry>().getattr("from_json")?;
        PyTuple::new(py, [ctor, PyTuple::new(py, [self.0.to_json()])?.into_any()])
    }
}

/// A named k-of-n approval set.
#[pyclass(name = "ApprovalSet", module = "trustcore", frozen)]
pub struct PyApprovalSet(ApprovalSet);

#[pymethods]
impl PyApprovalSet {
    /// Loads `{"name", "threshold", "signers": [...], "kind"?}`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, ApprovalSet::from_json).map(Self)
    }

    /// The set's name.
    #[getter]
    fn name(&self) -> &str {
        self.0.name()
    }

    /// k: how many distinct signers of the set must approve.
    #[getter]
    fn threshold(&self) -> usize {
        self.0.threshold()
    }

    /// Counts the distinct signers of the set whose signatures on
    /// `envelope` verify under `registry` keys valid at `at`:
    /// `{"set", "threshold", "approved", "approvers", "signatures"}`.
    fn verify<'py>(
        &self,
        py: Python<'py>,
        envelope: &PyEnvelope,
        registry: &PySignerRegistry,
        at: Str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = timestamp(py, at)?;
        to_py(py, &self.0.verify(&envelope.0, &registry.0, &at).to_value())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ApprovalSet(name={}, threshold={})",
            py_repr(py, self.0.name()),
            self.0.threshold()
        )
    }
}

/// Adds the signing classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPublicKey>()?;
    m.add_class::<PySecretKey>()?;
    m.add_class::<PyPrepared>()?;
    m.add_class::<PyEnvelope>()?;
    m.add_class::<PySignerRegistry>()?;
    m.add_class::<PyApprovalSet>()?;
    m.add_function(wrap_pyfunction!(sign_message, m)?)?;
    m.add_function(wrap_pyfunction!(verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(sign_ed25519ph_digest, m)?)?;
    m.add_function(wrap_pyfunction!(verify_ed25519ph_digest, m)?)?;
    m.add("ROTATION_KIND", trustcore::registry::ROTATION_KIND)?;
    Ok(())
}
