//! The audit chain as Python classes: `ChainWriter` (local and remote
//! signers), `ChainVerifier` (streaming, resumable), `verify_jsonl` and
//! `replay`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::chain`.
//! Dicts handed in (event bodies, heads, states) go through the core's
//! value walker first, so a value JSON cannot hold fails with the same
//! `CanonicalJsonError` (and JSON Pointer `path`) as `canonicalize`. JSONL
//! given as `str` is read as its UTF-8 bytes; a `str` holding lone
//! surrogates is read as WTF-8, so such a row is a `malformed_row` break,
//! never a silently replaced character. The CPU-heavy calls (feeding rows,
//! `finish`, `verify_jsonl`, `replay`) run with the GIL released; no Python
//! object is touched while they run.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;
use trustcore::chain as tc;

use crate::signing::{
    algorithm, bytes_arg, core, py_repr, raise, signer_answer, to_py, PyPublicKey, PySecretKey,
    PySignerRegistry,
};
use crate::{json_value, not_text, str_text, type_name, Text};

/// A dict argument as a JSON value (TypeError naming `what` otherwise).
fn dict_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    if !obj.is_instance_of::<PyDict>() {
        return Err(not_text(what, obj, "dict"));
    }
    json_value(obj)
}

fn head_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<tc::Head> {
    match obj {
        None => Ok(tc::Head::default()),
        Some(o) if o.is_none() => Ok(tc::Head::default()),
        Some(o) => core(py, tc::Head::from_value(&dict_value(o, "head")?)),
    }
}

fn hash_alg(py: Python<'_>, name: &str) -> PyResult<trustcore::digest::Algorithm> {
    raise(py, trustcore::ffi::algorithm(Some(name)))
}

/// Builds the core's options from the keyword arguments.
#[allow(clippy::too_many_arguments)]
fn verify_options(
    py: Python<'_>,
    stop_at_first: bool,
    track_ids: bool,
    expected_head: Option<&Bound<'_, PyAny>>,
    checkpoint: Option<&Bound<'_, PyAny>>,
    hash_alg_name: &str,
    threads: Option<usize>,
    max_row_bytes: Option<usize>,
) -> PyResult<tc::VerifyOptions> {
    if threads == Some(0) {
        return Err(PyValueError::new_err(
            "threads must be at least 1 (None: every core)",
        ));
    }
    if max_row_bytes == Some(0) {
        return Err(PyValueError::new_err(
            "max_row_bytes must be at least 1 (None: 1 MiB)",
        ));
    }
    let expected_head = match expected_head {
        Some(h) if !h.is_none() => Some(head_arg(py, Some(h))?),
        _ => None,
    };
    let checkpoint = match checkpoint {
        Some(c) if !c.is_none() => Some(core(
            py,
            tc::TreeHead::from_value(&dict_value(c, "checkpoint")?),
        )?),
        _ => None,
    };
    Ok(tc::VerifyOptions {
        hash_alg: hash_alg(py, hash_alg_name)?,
        stop_at_first,
        track_ids,
        expected_head,
        checkpoint,
        threads,
        max_row_bytes: max_row_bytes.unwrap_or(tc::VerifyOptions::default().max_row_bytes),
    })
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

const BODY_KEYS: [&str; 5] = ["id", "ts", "event_type", "actor", "payload"];

/// An event body dict `{id, ts, event_type, actor, payload}`.
fn body_arg(obj: &Bound<'_, PyAny>) -> PyResult<tc::EventBody> {
    let Value::Object(mut m) = dict_value(obj, "body")? else {
        return Err(PyTypeError::new_err("body must be a dict"));
    };
    if let Some(k) = m.keys().find(|k| !BODY_KEYS.contains(&k.as_str())) {
        return Err(PyTypeError::new_err(format!(
            "body has an unknown key {k:?} (expected id, ts, event_type, actor, payload; the writer fills seq, prev_hash, hash, signer_id and signature)"
        )));
    }
    let mut text = |name: &str| match m.remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(PyTypeError::new_err(format!(
            "body[{name:?}] must be a str, not {}",
            json_type(&other)
        ))),
        None => Err(PyTypeError::new_err(format!(
            "body needs {name:?} (keys: id, ts, event_type, actor, payload)"
        ))),
    };
    let id = text("id")?;
    let ts = text("ts")?;
    let event_type = text("event_type")?;
    let actor = text("actor")?;
    let payload = m.remove("payload").ok_or_else(|| {
        PyTypeError::new_err("body needs \"payload\" (any JSON value; None for none)")
    })?;
    Ok(tc::EventBody {
        id,
        ts,
        event_type,
        actor,
        payload,
    })
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "None",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// An event's columns but `signature`, as the row names them.
fn event_value(e: &tc::Event) -> Value {
    let mut v: Value = serde_json::from_str(&e.to_json()).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.remove("signature");
    }
    v
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

    /// The event's columns (every one but `signature`) as a dict.
    #[getter]
    fn event<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &event_value(self.0.event()))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let e = self.0.event();
        format!(
            "PreparedEvent(seq={}, id={}, message=<{} bytes>)",
            e.seq,
            py_repr(py, &e.id),
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
    /// `expected_public_key` (the registered key). `head` (a dict
    /// `{"hash", "seq", "ts"?}`) continues an existing chain; None starts a
    /// new one.
    #[new]
    #[pyo3(signature = (signer_id, expected_public_key, *, head = None, alg = "ed25519", hash_alg = "sha256"))]
    fn new(
        py: Python<'_>,
        signer_id: String,
        expected_public_key: &PyPublicKey,
        head: Option<&Bound<'_, PyAny>>,
        alg: &str,
        hash_alg: &str,
    ) -> PyResult<Self> {
        let head = head_arg(py, head)?;
        let alg = algorithm(py, alg)?;
        let hash_alg = self::hash_alg(py, hash_alg)?;
        let writer = raise(
            py,
            tc::ChainWriter::new(head, hash_alg, &signer_id, alg, expected_public_key.0),
        )?;
        Ok(PyChainWriter { writer, signer_id })
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
        let body = body_arg(body)?;
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
        let body = body_arg(body)?;
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
#[pyclass(name = "ChainVerifier", module = "trustcore")]
pub struct PyChainVerifier(Option<tc::ChainVerifier>);

impl PyChainVerifier {
    fn live(&mut self) -> PyResult<&mut tc::ChainVerifier> {
        self.0
            .as_mut()
            .ok_or_else(|| PyValueError::new_err("the verifier has finished; create a new one"))
    }
}

#[pymethods]
impl PyChainVerifier {
    /// A verifier for a chain from its first event. Options: `stop_at_first`
    /// (default: collect every break), `track_ids` (detect duplicate ids,
    /// 16 bytes per event), `expected_head` (`{"hash", "seq"}`: the chain
    /// must reach it), `checkpoint` (`{"size", "root"}` from a signed
    /// checkpoint), `hash_alg`, `threads` (None: every core; the report
    /// never depends on it) and `max_row_bytes` (None: 1 MiB; a longer row
    /// is a `malformed_row` break and is never buffered).
    #[new]
    #[pyo3(signature = (registry, *, stop_at_first = false, track_ids = true, expected_head = None, checkpoint = None, hash_alg = "sha256", threads = None, max_row_bytes = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        registry: &PySignerRegistry,
        stop_at_first: bool,
        track_ids: bool,
        expected_head: Option<&Bound<'_, PyAny>>,
        checkpoint: Option<&Bound<'_, PyAny>>,
        hash_alg: &str,
        threads: Option<usize>,
        max_row_bytes: Option<usize>,
    ) -> PyResult<Self> {
        let options = verify_options(
            py,
            stop_at_first,
            track_ids,
            expected_head,
            checkpoint,
            hash_alg,
            threads,
            max_row_bytes,
        )?;
        Ok(PyChainVerifier(Some(tc::ChainVerifier::new(
            registry.0.clone(),
            options,
        ))))
    }

    /// Continues from a saved `state()` (or a dict holding a trusted head
    /// in the same shape), with the same options as the constructor.
    #[staticmethod]
    #[pyo3(signature = (registry, state, *, stop_at_first = false, track_ids = true, expected_head = None, checkpoint = None, hash_alg = "sha256", threads = None, max_row_bytes = None))]
    #[allow(clippy::too_many_arguments)]
    fn resume(
        py: Python<'_>,
        registry: &PySignerRegistry,
        state: &Bound<'_, PyAny>,
        stop_at_first: bool,
        track_ids: bool,
        expected_head: Option<&Bound<'_, PyAny>>,
        checkpoint: Option<&Bound<'_, PyAny>>,
        hash_alg: &str,
        threads: Option<usize>,
        max_row_bytes: Option<usize>,
    ) -> PyResult<Self> {
        let state = core(
            py,
            tc::VerifierState::from_value(&dict_value(state, "state")?),
        )?;
        let options = verify_options(
            py,
            stop_at_first,
            track_ids,
            expected_head,
            checkpoint,
            hash_alg,
            threads,
            max_row_bytes,
        )?;
        Ok(PyChainVerifier(Some(tc::ChainVerifier::resume(
            registry.0.clone(),
            options,
            state,
        ))))
    }

    /// Feeds a chunk of JSONL (`bytes`-like, or `str`); lines may span
    /// chunks, `\r\n` and blank lines are accepted.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = self.live()?;
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

    /// Feeds one row (one JSONL line without its newline).
    fn feed_row(&mut self, py: Python<'_>, row: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = self.live()?;
        if let Ok(b) = row.cast::<PyBytes>() {
            let data = b.as_bytes();
            py.detach(|| v.push_row(data));
            return Ok(());
        }
        let data = jsonl_bytes(row, "row")?;
        py.detach(|| v.push_row(&data));
        Ok(())
    }

    /// Checks everything fed so far (a partial last line stays buffered)
    /// and returns the resumable state as a dict (JSON-serializable).
    fn state<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.live()?;
        let state = py.detach(|| v.state().to_value());
        to_py(py, &state)
    }

    /// The breaks found so far (checks pending rows first).
    fn breaks<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.live()?;
        let breaks: Vec<Value> = py.detach(|| v.breaks().iter().map(tc::Break::to_value).collect());
        to_py(py, &Value::Array(breaks))
    }

    /// Ends the stream (a last line without newline included), checks the
    /// expected head and checkpoint, and returns the report
    /// `{"valid", "head", "rows", "breaks", "merkle"}`. The verifier cannot
    /// be fed afterwards.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.live()?;
        let v = self
            .0
            .take()
            .ok_or_else(|| PyValueError::new_err("finished"))?;
        let report = py.detach(|| v.finish().to_value());
        to_py(py, &report)
    }

    fn __repr__(&self) -> String {
        match &self.0 {
            Some(_) => "ChainVerifier(open)".to_owned(),
            None => "ChainVerifier(finished)".to_owned(),
        }
    }
}

/// Verifies a whole JSONL export in one call (same options as
/// ChainVerifier); returns the report.
#[pyfunction]
#[pyo3(signature = (text, registry, *, stop_at_first = false, track_ids = true, expected_head = None, checkpoint = None, hash_alg = "sha256", threads = None, max_row_bytes = None))]
#[allow(clippy::too_many_arguments)]
fn verify_jsonl<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
    stop_at_first: bool,
    track_ids: bool,
    expected_head: Option<&Bound<'py, PyAny>>,
    checkpoint: Option<&Bound<'py, PyAny>>,
    hash_alg: &str,
    threads: Option<usize>,
    max_row_bytes: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = verify_options(
        py,
        stop_at_first,
        track_ids,
        expected_head,
        checkpoint,
        hash_alg,
        threads,
        max_row_bytes,
    )?;
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

/// Deterministic replay: orders rows given in any order by following
/// `prev_hash` from `start` (a head dict; None: the genesis head) and
/// reports forks, orphans and unreadable rows:
/// `{"events": [row dicts], "forks", "orphans", "malformed"}`. It orders,
/// it does not verify: feed the events to a ChainVerifier.
#[pyfunction]
#[pyo3(signature = (rows, start = None))]
fn replay<'py>(
    py: Python<'py>,
    rows: &Bound<'py, PyAny>,
    start: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let start = head_arg(py, start)?;
    if rows.is_instance_of::<PyString>() || crate::Bytes::from_py(rows)?.is_some() {
        return Err(PyTypeError::new_err(
            "rows must be a list of rows (str or bytes), not a single text",
        ));
    }
    let mut data = Vec::new();
    for (i, row) in rows
        .try_iter()
        .map_err(|_| not_text("rows", rows, "a list of str or bytes"))?
        .enumerate()
    {
        let row = row?;
        data.push(jsonl_bytes(&row, &format!("rows[{i}]")).map_err(|e| {
            if e.is_instance_of::<PyTypeError>(py) {
                PyTypeError::new_err(format!(
                    "rows[{i}] must be str or bytes, not {}",
                    type_name(&row)
                ))
            } else {
                e
            }
        })?);
    }
    let out = py.detach(|| tc::replay(&data, &start).to_value());
    to_py(py, &out)
}

/// Verifies one event against a signed checkpoint without the rest of the
/// chain: opens `checkpoint_note` with the trusted `verifier_keys` (a note
/// that does not open raises MerkleError), checks the row on its own (hash,
/// the signer's key at its `ts`, signature), then the inclusion `proof` of
/// its hash at leaf `index` up to the checkpoint's root. Returns `{"valid",
/// "index", "checkpoint": <open_checkpoint's dict>, "event": <row dict>
/// (when the row verified), "stage": "row" | "inclusion", "reason",
/// "message" (when not valid)}`.
#[pyfunction]
#[pyo3(signature = (row, index, proof, checkpoint_note, verifier_keys, registry, *, hash_alg = "sha256"))]
#[allow(clippy::too_many_arguments)]
fn verify_event_in_checkpoint<'py>(
    py: Python<'py>,
    row: &Bound<'py, PyAny>,
    index: u64,
    proof: &Bound<'py, PyAny>,
    checkpoint_note: &Bound<'py, PyAny>,
    verifier_keys: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
    hash_alg: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let row = jsonl_bytes(row, "row")?;
    let proof = crate::merkle::hashes_arg(proof, "proof")?;
    let note = crate::merkle::note_bytes(checkpoint_note)?;
    let keys = crate::merkle::verifier_keys(py, verifier_keys)?;
    let alg = self::hash_alg(py, hash_alg)?;
    let r = crate::merkle::merkle(
        py,
        tc::verify_event_in_checkpoint(&row, index, &proof, &note, &keys, &registry.0, alg),
    )?;
    let d = PyDict::new(py);
    d.set_item("valid", r.valid())?;
    d.set_item("index", r.index)?;
    d.set_item("checkpoint", crate::merkle::opened_dict(py, &r.checkpoint)?)?;
    if let Some(e) = &r.event {
        d.set_item("event", to_py(py, &e.to_value())?)?;
    }
    if let Some(f) = &r.failure {
        d.set_item("stage", f.stage.as_str())?;
        d.set_item("reason", f.reason)?;
        d.set_item("message", &f.message)?;
    }
    Ok(d)
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
