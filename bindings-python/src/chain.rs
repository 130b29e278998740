//! The audit chain as Python classes: `ChainWriter` (local and remote
//! signers), `ChainVerifier` (streaming, resumable), `verify_jsonl`,
//! `replay` and `verify_event_in_checkpoint`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::chain`.
//! Keyword arguments are the core's options (`VerifyOptions`,
//! `WriterOptions`, read with `Naming::Snake`); event bodies are read by
//! `EventBody::from_value`; reports, states and replays are the core's
//! `to_value()`. Dicts handed in (bodies, heads, states, row dicts) go
//! through the core's value walker first, so a value JSON cannot hold fails
//! with the same `CanonicalJsonError` (and JSON Pointer `path`) as
//! `canonicalize`. JSONL given as `str` is read as its UTF-8 bytes; a `str`
//! holding lone surrogates is read as WTF-8, so such a row is a
//! `malformed_row` break, never a silently replaced character. The
//! CPU-heavy calls (feeding rows, `finish`, `verify_jsonl`, `replay`) run
//! with the GIL released; no Python object is touched while they run.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;
use trustcore::chain as tc;
use trustcore::options::Naming;
use trustcore::ErrorKind;

use crate::signing::{
    bytes_arg, core, py_repr, raise, signer_answer, to_py, PyPublicKey, PySecretKey,
    PySignerRegistry,
};
use crate::{json_value, not_text, str_text, type_name, with_value, Guarded, Str, Text, Uint};

/// A dict argument as a JSON value (TypeError naming `what` otherwise).
fn dict_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    if !obj.is_instance_of::<PyDict>() {
        return Err(not_text(what, obj, "dict"));
    }
    json_value(obj)
}

/// A head dict (`{"hash", "seq", "ts"?}`, read by the core); None: the
/// genesis head.
fn head_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<tc::Head> {
    match obj {
        Some(o) if !o.is_none() => core(py, tc::Head::from_value(&dict_value(o, "head")?)),
        _ => Ok(tc::Head::default()),
    }
}

/// The verifier's keyword arguments, read by the core
/// (`VerifyOptions::from_value`: names, types, bounds, defaults, codes).
fn verify_options(
    py: Python<'_>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<tc::VerifyOptions> {
    let v = crate::profile_args::chain_options(options)?;
    raise(py, tc::VerifyOptions::from_value(v.as_ref(), Naming::Snake))
}

/// JSONL text or one row: `bytes`-like as is, `str` as UTF-8 (WTF-8 when
/// it holds lone surrogates, which the core then reports).
fn jsonl_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match str_text(s)? {
            Text::Utf8(b) => b.as_bytes().to_vec(),
            Text::Utf16(units) => trustcore::canonical::wtf8_from_utf16(&units),
        });
    }
    match crate::Bytes::from_py(obj)? {
        Some(b) => Ok(b.as_slice().to_vec()),
        None => Err(not_text(what, obj, "bytes, bytearray, memoryview or str")),
    }
}

/// One row: its text (`str` or bytes-like) or the row object (a dict, as
/// `replay` returns it), canonicalized by the core's value walker (a value
/// JSON cannot hold is a CanonicalJsonError with its `path`).
pub(crate) fn row_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if obj.is_instance_of::<PyDict>() {
        return with_value(obj, |v| trustcore::ffi::canonicalize_value(v, None));
    }
    jsonl_bytes(obj, what).map_err(|e| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            not_text(what, obj, "str, bytes or a row dict")
        } else {
            e
        }
    })
}

/// An event body dict `{id, ts, event_type, actor, payload}`, read by the
/// core (`EventBody::from_value`: ChainError `invalid_event` naming the
/// member).
fn body_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<tc::EventBody> {
    let v = dict_value(obj, "body")?;
    core(py, tc::EventBody::from_value(&v, Naming::Snake))
}

/// A writer's row body: a dict of the row's own columns (read by the
/// core's value walker).
fn row_body_arg(obj: &Bound<'_, PyAny>) -> PyResult<serde_json::Map<String, Value>> {
    match dict_value(obj, "body")? {
        Value::Object(m) => Ok(m),
        _ => Err(not_text("body", obj, "dict")),
    }
}

// ---- Writer -----------------------------------------------------------------

/// An event prepared for a (possibly remote) signer.
#[pyclass(name = "PreparedEvent", module = "trustcore", frozen)]
pub struct PyPreparedEvent(tc::PreparedEvent);

#[pymethods]
impl PyPreparedEvent {
    /// The bytes the signer must sign (the signing input of the event's
    /// envelope, or its SHA-512 digest for `ed25519ph`).
    #[getter]
    fn message<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.message())
    }

    /// The event's columns as a dict: the core's row object without
    /// `signature`, which does not exist yet.
    #[getter]
    fn event<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.row())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let row = self.0.row();
        let seq = row.get("seq").map_or("None".to_string(), |s| s.to_string());
        let id = row
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        format!(
            "PreparedEvent(seq={seq}, id={}, message=<{} bytes>)",
            py_repr(py, &id),
            self.0.message().len()
        )
    }
}

/// Appends events to an audit chain: fills `seq`, `prev_hash`, `hash` and
/// the signature, and never returns an unsigned or unlinked row.
#[pyclass(name = "ChainWriter", module = "trustcore")]
pub struct PyChainWriter {
    writer: tc::ChainWriter,
    signer_id: String,
}

#[pymethods]
impl PyChainWriter {
    /// A writer signing as `signer_id`, whose signatures must verify under
    /// `expected_public_key` (the registered key). Options (the core's
    /// `WriterOptions`): `head` (a dict `{"hash", "seq", "ts"?}`: continue
    /// an existing chain; default a new one), `alg` (`"ed25519"` |
    /// `"ed25519ph"`), `hash_alg` (`"sha256"` | `"blake3"`).
    #[new]
    #[pyo3(signature = (signer_id, expected_public_key, **options))]
    fn new(
        py: Python<'_>,
        signer_id: Str,
        expected_public_key: &PyPublicKey,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let v = crate::profile_args::chain_options(options)?;
        let opts = raise(py, tc::WriterOptions::from_value(v.as_ref(), Naming::Snake))?;
        let writer = raise(
            py,
            tc::ChainWriter::with_options(&signer_id.0, expected_public_key.0, opts),
        )?;
        Ok(PyChainWriter {
            writer,
            signer_id: signer_id.0,
        })
    }

    /// The current head: `{"hash", "seq", "ts"?}`.
    #[getter]
    fn head<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.writer.head().to_value())
    }

    /// The signer id every event is signed as.
    #[getter]
    fn signer_id(&self) -> &str {
        &self.signer_id
    }

    /// Builds the next event from `body` (`{"id", "ts", "event_type",
    /// "actor", "payload"}`); the head moves only when `attach` accepts a
    /// signature.
    fn prepare(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyPreparedEvent> {
        let body = body_arg(py, body)?;
        raise(py, self.writer.prepare(body)).map(PyPreparedEvent)
    }

    /// Attaches a signature made elsewhere for `prepared`, after checking
    /// it verifies under the expected key (else EnvelopeError
    /// `remote_signature_invalid`, and nothing changes); returns the row as
    /// canonical JSON text.
    fn attach(
        &mut self,
        py: Python<'_>,
        prepared: &PyPreparedEvent,
        signature: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let sig = bytes_arg(signature, "signature")?;
        let event = raise(py, self.writer.attach(prepared.0.clone(), sig.as_slice()))?;
        Ok(event.to_json())
    }

    /// Prepares, signs with a local key and attaches; returns the row.
    fn append(
        &mut self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        secret_key: &PySecretKey,
    ) -> PyResult<String> {
        let body = body_arg(py, body)?;
        let event = raise(py, self.writer.append(body, &secret_key.0))?;
        Ok(event.to_json())
    }

    /// Appends through a callable (a KMS, HSM or signing-proxy client):
    /// `sign_fn(message: bytes) -> bytes` gets exactly `prepare(body).message`
    /// and returns the 64-byte signature, which must verify under the
    /// expected key before the head moves (else EnvelopeError
    /// `remote_signature_invalid`). An exception raised by `sign_fn`
    /// becomes EnvelopeError `remote_signer_failed` (the original as its
    /// `__cause__`); a return value that is not bytes raises TypeError. On
    /// every failure the head is unchanged.
    fn append_with(
        slf: &Bound<'_, Self>,
        body: &Bound<'_, PyAny>,
        sign_fn: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let py = slf.py();
        if !sign_fn.is_callable() {
            return Err(not_text("sign_fn", sign_fn, "callable"));
        }
        // The borrow ends before the callable runs (it may read the head);
        // `attach` refuses the event if the head moved meanwhile.
        let prepared = slf.try_borrow()?.prepare(py, body)?;
        let signer_id = slf.try_borrow()?.signer_id.clone();
        let answer = crate::call_remote_signer(sign_fn, &prepared.0.message(), &signer_id)?;
        let sig = signer_answer(&answer)?;
        let mut writer = slf.try_borrow_mut()?;
        let event = raise(py, writer.writer.attach(prepared.0, sig.as_slice()))?;
        Ok(event.to_json())
    }

    /// The writer's profile as its document (trustcore/v1 by default).
    #[getter]
    fn profile<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.writer.profile().to_value())
    }

    /// Builds the next row from `body`, a dict of the row's own columns
    /// under the profile's column names (id, timestamp, event type and
    /// actor where the table has them, payload, extra columns; the writer
    /// fills the sequence, prev_hash, hash, signer and signature columns).
    /// A timestamp may be RFC 3339 for a table that stores PostgreSQL text.
    /// The head moves only when `attach` accepts a signature.
    fn prepare_row(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PyPreparedEvent> {
        let body = row_body_arg(body)?;
        raise(py, self.writer.prepare_row(body)).map(PyPreparedEvent)
    }

    /// `prepare_row`, signed with a local key and attached; returns the row
    /// (canonical JSON text, in the profile's columns).
    fn append_row(
        &mut self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        secret_key: &PySecretKey,
    ) -> PyResult<String> {
        let body = row_body_arg(body)?;
        let row = raise(py, self.writer.append_row(body, &secret_key.0))?;
        Ok(row.to_json())
    }

    /// `prepare_row` signed through a callable (`sign_fn(message) ->
    /// bytes`), with the same fail-closed rules as `append_with`.
    fn append_row_with(
        slf: &Bound<'_, Self>,
        body: &Bound<'_, PyAny>,
        sign_fn: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let py = slf.py();
        if !sign_fn.is_callable() {
            return Err(not_text("sign_fn", sign_fn, "callable"));
        }
        let prepared = slf.try_borrow()?.prepare_row(py, body)?;
        let signer_id = slf.try_borrow()?.signer_id.clone();
        let answer = crate::call_remote_signer(sign_fn, &prepared.0.message(), &signer_id)?;
        let sig = signer_answer(&answer)?;
        let mut writer = slf.try_borrow_mut()?;
        let row = raise(py, writer.writer.attach(prepared.0, sig.as_slice()))?;
        Ok(row.to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ChainWriter(signer_id={}, seq={})",
            py_repr(py, &self.signer_id),
            self.writer.head().seq
        )
    }
}

// ---- Verifier ---------------------------------------------------------------

/// Verifies an audit chain fed as JSONL chunks or one row at a time.
#[pyclass(name = "ChainVerifier", module = "trustcore", frozen)]
pub struct PyChainVerifier(Guarded<Option<tc::ChainVerifier>>);

impl PyChainVerifier {
    fn wrap(v: tc::ChainVerifier) -> Self {
        PyChainVerifier(Guarded::new(
            Some(v),
            "ChainVerifier",
            ErrorKind::Chain,
            tc::ErrorCode::InvalidState.as_str(),
        ))
    }
}

#[pymethods]
impl PyChainVerifier {
    /// A verifier for a chain from its first event. Options (the core's
    /// `VerifyOptions`): `stop_at_first` (default: collect every break),
    /// `track_ids` (detect duplicate ids, 16 bytes per event),
    /// `expected_head` (`{"hash", "seq"}`: a trusted head; the row at its
    /// seq must have its hash, and the chain must reach it), `checkpoint`
    /// (`{"size", "root"}` from a signed checkpoint), `hash_alg`, `threads`
    /// (1..=1024, default every core; the report never depends on it),
    /// `max_row_bytes` (1..=2^31, default 1 MiB; a longer row is a
    /// `malformed_row` break and is never buffered) and `max_breaks`
    /// (0..=1,000,000, default 1,000: breaks kept with their messages;
    /// every break is still counted in `break_counts`).
    #[new]
    #[pyo3(signature = (registry, **options))]
    fn new(
        py: Python<'_>,
        registry: &PySignerRegistry,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let options = verify_options(py, options)?;
        Ok(PyChainVerifier::wrap(tc::ChainVerifier::new(
            registry.0.clone(),
            options,
        )))
    }

    /// Continues from a saved `state()` (refused, ChainError
    /// `invalid_state`, when it was edited, is impossible, is for another
    /// `hash_alg`, or is past a trusted head or checkpoint it never
    /// checked), with the same options as the constructor.
    #[staticmethod]
    #[pyo3(signature = (registry, state, **options))]
    fn resume(
        py: Python<'_>,
        registry: &PySignerRegistry,
        state: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let options = verify_options(py, options)?;
        let state = core(
            py,
            tc::VerifierState::from_value(&dict_value(state, "state")?),
        )?;
        let v = core(
            py,
            tc::ChainVerifier::resume(registry.0.clone(), options, state),
        )?;
        Ok(PyChainVerifier::wrap(v))
    }

    /// A verifier for the rows after a trusted `head` (`{"hash", "seq",
    /// "ts"?}`, e.g. the head of the last verified run): the first row fed
    /// must be `head.seq + 1` and link to `head.hash`. The Merkle tree then
    /// covers those rows only. Options as for the constructor.
    #[staticmethod]
    #[pyo3(signature = (registry, head, **options))]
    fn from_head(
        py: Python<'_>,
        registry: &PySignerRegistry,
        head: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let options = verify_options(py, options)?;
        let head = head_arg(py, Some(head))?;
        let state = tc::VerifierState::from_head(head, &options.profile());
        let v = core(
            py,
            tc::ChainVerifier::resume(registry.0.clone(), options, state),
        )?;
        Ok(PyChainVerifier::wrap(v))
    }

    /// Feeds a chunk of JSONL (`bytes`-like, or `str`); lines may span
    /// chunks, `\r\n` and blank lines are accepted.
    fn feed(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        if let Ok(b) = chunk.cast::<PyBytes>() {
            // `bytes` is immutable and referenced here: the slice stays
            // valid without the GIL.
            let data = b.as_bytes();
            py.detach(|| v.push_bytes(data));
            return Ok(());
        }
        let data = jsonl_bytes(chunk, "chunk")?;
        py.detach(|| v.push_bytes(&data));
        Ok(())
    }

    /// Feeds one row: its text (one JSONL line without its newline, `str`
    /// or bytes) or a row dict (as `replay` returns them), canonicalized
    /// by the core.
    fn feed_row(&self, py: Python<'_>, row: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        if let Ok(b) = row.cast::<PyBytes>() {
            let data = b.as_bytes();
            py.detach(|| v.push_row(data));
            return Ok(());
        }
        let data = row_bytes(row, "row")?;
        py.detach(|| v.push_row(&data));
        Ok(())
    }

    /// Checks everything fed so far (a partial last line stays buffered)
    /// and returns the resumable state (`trustcore.chain-verifier-state/v2`,
    /// with its integrity `check`) as a JSON-serializable dict.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        let state = py.detach(|| v.state().to_value());
        to_py(py, &state)
    }

    /// The breaks kept so far (at most `max_breaks`; checks pending rows
    /// first).
    fn breaks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        let breaks: Vec<Value> = py.detach(|| v.breaks().iter().map(tc::Break::to_value).collect());
        to_py(py, &Value::Array(breaks))
    }

    /// Ends the stream (a last line without newline included), checks the
    /// expected head and checkpoint, and returns the report `{"valid",
    /// "head", "rows", "count", "breaks", "break_count", "break_counts",
    /// "merkle"}`. The verifier cannot be used afterwards (ChainError
    /// `invalid_state`).
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.0.take(py)?;
        let report = py.detach(|| v.finish().to_value());
        to_py(py, &report)
    }

    fn __repr__(&self) -> String {
        self.0.repr(|v| match v {
            Some(_) => "ChainVerifier(open)".to_owned(),
            None => "ChainVerifier(finished)".to_owned(),
        })
    }
}

/// Verifies a whole JSONL export in one call (options as for
/// ChainVerifier); returns the report.
#[pyfunction]
#[pyo3(signature = (text, registry, **options))]
fn verify_jsonl<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = verify_options(py, options)?;
    let registry = registry.0.clone();
    let report = if let Ok(b) = text.cast::<PyBytes>() {
        let data = b.as_bytes();
        py.detach(|| tc::verify_jsonl(data, registry, options).to_value())
    } else {
        let data = jsonl_bytes(text, "text")?;
        py.detach(|| tc::verify_jsonl(&data, registry, options).to_value())
    };
    to_py(py, &report)
}

/// Deterministic replay: orders rows given in any order (texts or row
/// dicts) by following `prev_hash` from `start` (a head dict; None: the
/// genesis head) and reports forks, orphans and unreadable rows:
/// `{"events": [row dicts], "forks", "orphans", "malformed"}`. It orders,
/// it does not verify: feed the events to a ChainVerifier (`feed_row`
/// takes them as they are).
/// `profile` (a built-in name, a profile document or its JSON bytes):
/// the rows' profile (default trustcore/v1).
#[pyfunction]
#[pyo3(signature = (rows, start = None, *, profile = None))]
fn replay<'py>(
    py: Python<'py>,
    rows: &Bound<'py, PyAny>,
    start: Option<&Bound<'py, PyAny>>,
    profile: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let profile = crate::profile_args::profile_arg(py, profile)?;
    let start = head_arg(py, start)?;
    if rows.is_instance_of::<PyString>()
        || rows.is_instance_of::<PyDict>()
        || crate::Bytes::from_py(rows)?.is_some()
    {
        return Err(PyTypeError::new_err(
            "rows must be a list of rows (str, bytes or row dicts), not a single one",
        ));
    }
    // Read one by one: nothing is allocated from a claimed length.
    let mut data = Vec::new();
    for (i, row) in crate::iter_arg(rows, "rows", "a list of str, bytes or row dicts")?.enumerate()
    {
        data.push(row_bytes(&row?, &format!("rows[{i}]"))?);
    }
    let out = py.detach(|| tc::replay_with(&data, &start, &profile).to_value());
    to_py(py, &out)
}

/// Verifies one event against a signed checkpoint without the rest of the
/// chain: opens `checkpoint_note` with the trusted `verifier_keys` (a note
/// that does not open raises MerkleError), checks the row (text or row
/// dict) on its own (hash, the signer's key at its `ts`, signature), then
/// the inclusion `proof` of its hash at leaf `index` up to the checkpoint's
/// root. Returns the core's report `{"valid", "index", "checkpoint":
/// <open_checkpoint's report>, "event": <row dict> (when the row verified),
/// "stage": "row" | "inclusion", "reason", "message" (when not valid)}`.
/// Options (`hash_alg`, `profile`: the row's profile, default trustcore/v1) are
/// read before anything else.
#[pyfunction]
#[pyo3(signature = (row, index, proof, checkpoint_note, verifier_keys, registry, **options))]
#[allow(clippy::too_many_arguments)]
fn verify_event_in_checkpoint<'py>(
    py: Python<'py>,
    row: &Bound<'py, PyAny>,
    index: &Bound<'py, PyAny>,
    proof: &Bound<'py, PyAny>,
    checkpoint_note: &Bound<'py, PyAny>,
    verifier_keys: &Bound<'py, PyAny>,
    registry: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let profile = checkpoint_profile(py, options)?;
    let row = row_bytes(row, "row")?;
    let index: Uint = index.extract()?;
    let proof = crate::merkle::hashes_arg(proof, "proof")?;
    let note = crate::merkle::note_bytes(checkpoint_note)?;
    let keys = crate::merkle::verifier_keys(py, verifier_keys)?;
    let registry = registry.cast::<PySignerRegistry>().map_err(|_| {
        PyTypeError::new_err(format!(
            "registry must be a SignerRegistry, not {}",
            type_name(registry)
        ))
    })?;
    let r = crate::merkle::merkle(
        py,
        tc::verify_event_in_checkpoint_with(
            &row,
            index.0,
            &proof,
            &note,
            &keys,
            &registry.borrow().0,
            &profile,
        ),
    )?;
    to_py(py, &r.to_value())
}

/// The options of `verify_event_in_checkpoint` (`hash_alg`, `profile`):
/// every key but `profile` is read by the core's `hash_alg_options` (which
/// refuses unknown ones); with a profile, the verifier's own reader
/// (`VerifyOptions`) reads the two together, so a `hash_alg` that is not
/// the profile's is refused as it is everywhere.
fn checkpoint_profile(
    py: Python<'_>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<std::sync::Arc<trustcore::profile::ChainProfile>> {
    let v = crate::profile_args::chain_options(options)?;
    let mut rest = v.clone();
    let profile = match &mut rest {
        Some(Value::Object(m)) => m.remove("profile"),
        _ => None,
    };
    let alg = raise(
        py,
        trustcore::ffi::hash_alg_options(rest.as_ref(), Naming::Snake),
    )?;
    match profile {
        None => Ok(std::sync::Arc::new(
            trustcore::profile::ChainProfile::trustcore_v1().with_hash_alg(alg),
        )),
        Some(_) => {
            let o = raise(py, tc::VerifyOptions::from_value(v.as_ref(), Naming::Snake))?;
            Ok(o.profile())
        }
    }
}

/// Adds the chain classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPreparedEvent>()?;
    m.add_class::<PyChainWriter>()?;
    m.add_class::<PyChainVerifier>()?;
    m.add_function(wrap_pyfunction!(verify_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(replay, m)?)?;
    m.add_function(wrap_pyfunction!(verify_event_in_checkpoint, m)?)?;
    m.add("EVENT_KIND", tc::EVENT_KIND)?;
    Ok(())
}
