//! Signed snapshots of trace batches (#12) as Python classes:
//! `SnapshotBuilder` → `UnsignedSnapshot` → `sign` or `prepare` (remote /
//! KMS digest) → `PreparedSnapshot.attach` (fails closed) → `Snapshot`;
//! `SnapshotVerifier` (streaming, GIL released while the core works),
//! `verify_snapshot`, `record_proof`, `verify_record`.
//!
//! Conversion and error mapping only: every rule (canonical lines, the
//! digest, `trace_range`, the metadata's shape, the signature, the
//! `snapshot.published` link) is in `trustcore::snapshot`. Gzip is read by
//! the Python layer (`verify_snapshot_file`), never here.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde_json::Value;
use trustcore::options::Naming;
use trustcore::snapshot as ts;
use trustcore::ErrorKind;

use crate::chain::row_bytes;
use crate::signing::{
    algorithm, bytes_arg, py_repr, raise, signer_answer, to_py, with_json, PyPublicKey,
    PySecretKey, PySignerRegistry,
};
use crate::{json_value, not_text, options_value, Guarded, Str, Uint};

/// Snapshot metadata given as a `Snapshot`, a dict or JSON text.
pub(crate) fn snapshot_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<ts::Snapshot> {
    if let Ok(s) = obj.cast::<PySnapshot>() {
        return Ok(s.get().0.clone());
    }
    if obj.is_instance_of::<PyDict>() {
        let v = json_value(obj)?;
        return raise(py, ts::Snapshot::from_value(&v));
    }
    if crate::is_json_text(obj)? {
        return with_json(py, obj, ts::Snapshot::from_json);
    }
    Err(not_text(
        "metadata",
        obj,
        "a Snapshot, a metadata dict or its JSON text (str or bytes)",
    ))
}

/// The SnapshotError a builder used after `finish()` raises.
fn finished(py: Python<'_>, what: &str) -> PyErr {
    crate::misuse_err(
        py,
        ErrorKind::Snapshot,
        ts::ErrorCode::InvalidSnapshot.as_str(),
        &trustcore::ffi::finished_message(what),
    )
}

/// Builds a snapshot from trace records fed one at a time (O(1) memory):
/// `push` returns each record's canonical line to write to the batch.
#[pyclass(name = "SnapshotBuilder", module = "trustcore")]
pub struct PySnapshotBuilder(Option<ts::SnapshotBuilder>);

#[pymethods]
impl PySnapshotBuilder {
    /// A builder. Options (the core's `SnapshotOptions`): `hash_alg`
    /// (`"sha256"` default, `"blake3"` for large batches), `trace_id` and
    /// `ts` (JSON Pointers of each record's trace id and time, default
    /// `/trace_id` and `/ts`).
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let v = options_value(options)?;
        let o = raise(
            py,
            ts::SnapshotOptions::from_value(v.as_ref(), Naming::Snake),
        )?;
        Ok(PySnapshotBuilder(Some(ts::SnapshotBuilder::new(o))))
    }

    /// Adds a record (JSON text as `str` or bytes, or a value such as a
    /// dict) and returns its line (canonical JSON and `\n`) to append to
    /// the batch. SnapshotError `invalid_record` for a record without a
    /// string trace id or an RFC 3339 time at the declared pointers.
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let b = self
            .0
            .as_mut()
            .ok_or_else(|| finished(py, "SnapshotBuilder"))?;
        let line = if crate::is_json_text(record)? {
            let text = row_bytes(record, "record")?;
            raise(py, b.push_text(&text).map(<[u8]>::to_vec))?
        } else {
            let v = json_value(record)?;
            raise(py, b.push_value(&v).map(<[u8]>::to_vec))?
        };
        Ok(PyBytes::new(py, &line))
    }

    /// Records added so far.
    #[getter]
    fn count(&self, py: Python<'_>) -> PyResult<u64> {
        Ok(self
            .0
            .as_ref()
            .ok_or_else(|| finished(py, "SnapshotBuilder"))?
            .count())
    }

    /// Ends the batch: the metadata to sign, under `snapshot_id` (1-128
    /// characters) at `ts` (RFC 3339 UTC). The builder cannot be used
    /// afterwards.
    fn finish(
        &mut self,
        py: Python<'_>,
        snapshot_id: Str,
        ts: Str,
    ) -> PyResult<PyUnsignedSnapshot> {
        let b = self
            .0
            .take()
            .ok_or_else(|| finished(py, "SnapshotBuilder"))?;
        raise(py, b.finish(&snapshot_id.0, &ts.0)).map(PyUnsignedSnapshot)
    }

    fn __repr__(&self) -> String {
        match &self.0 {
            Some(b) => format!("SnapshotBuilder(count={})", b.count()),
            None => "SnapshotBuilder(finished)".to_owned(),
        }
    }
}

/// Snapshot metadata before it is signed: never published as it is.
#[pyclass(name = "UnsignedSnapshot", module = "trustcore", frozen)]
pub struct PyUnsignedSnapshot(ts::UnsignedSnapshot);

#[pymethods]
impl PyUnsignedSnapshot {
    /// The metadata so far (without `signer_kid`, `alg`, `signature`).
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.to_value())
    }

    /// Signs with a local key as `signer_kid` (`alg`: `"ed25519"` default,
    /// or `"ed25519ph"`).
    #[pyo3(signature = (secret_key, signer_kid, alg = None))]
    fn sign(
        &self,
        py: Python<'_>,
        secret_key: &PySecretKey,
        signer_kid: Str,
        alg: Option<Str>,
    ) -> PyResult<PySnapshot> {
        let alg = algorithm(py, alg)?;
        raise(py, self.0.sign(&secret_key.0, &signer_kid.0, alg)).map(PySnapshot)
    }

    /// Prepares the bytes a remote signer (a KMS; `ed25519ph` is KMS
    /// `DIGEST` mode: 64 bytes of SHA-512) must sign as `signer_kid`.
    #[pyo3(signature = (signer_kid, alg = None))]
    fn prepare(
        &self,
        py: Python<'_>,
        signer_kid: Str,
        alg: Option<Str>,
    ) -> PyResult<PyPreparedSnapshot> {
        let alg = algorithm(py, alg)?;
        raise(py, self.0.prepare(&signer_kid.0, alg)).map(PyPreparedSnapshot)
    }

    /// Signs through a callable (`sign_fn(message) -> bytes`, a KMS or
    /// signing-proxy client): its answer must verify under
    /// `expected_public_key` (else SnapshotError `remote_signature_invalid`
    /// and no metadata). An exception from `sign_fn` becomes EnvelopeError
    /// `remote_signer_failed` (the original as `__cause__`).
    #[pyo3(signature = (signer_kid, expected_public_key, sign_fn, alg = None))]
    fn sign_with(
        &self,
        py: Python<'_>,
        signer_kid: Str,
        expected_public_key: &PyPublicKey,
        sign_fn: &Bound<'_, PyAny>,
        alg: Option<Str>,
    ) -> PyResult<PySnapshot> {
        if !sign_fn.is_callable() {
            return Err(not_text("sign_fn", sign_fn, "callable"));
        }
        let alg = algorithm(py, alg)?;
        let p = raise(py, self.0.prepare(&signer_kid.0, alg))?;
        let answer = crate::call_remote_signer(sign_fn, &p.message(), &signer_kid.0)?;
        let sig = signer_answer(&answer)?;
        raise(py, p.attach(sig.as_slice(), &expected_public_key.0)).map(PySnapshot)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let v = self.0.to_value();
        let id = v
            .get("snapshot_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let n = v.get("records").and_then(Value::as_u64).unwrap_or(0);
        format!(
            "UnsignedSnapshot(snapshot_id={}, records={n})",
            py_repr(py, id)
        )
    }
}

/// Snapshot metadata prepared for a remote signer.
#[pyclass(name = "PreparedSnapshot", module = "trustcore", frozen)]
pub struct PyPreparedSnapshot(ts::PreparedSnapshot);

#[pymethods]
impl PyPreparedSnapshot {
    /// What the signer must sign (for `ed25519ph`: the SHA-512 of the
    /// signing input, as KMS `DIGEST` mode takes it).
    #[getter]
    fn message<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.message())
    }

    /// Attaches the signer's answer after checking it under
    /// `expected_public_key` (the registered key): a wrong or failed answer
    /// gives no metadata at all (SnapshotError `remote_signature_invalid`).
    fn attach(
        &self,
        py: Python<'_>,
        signature: &Bound<'_, PyAny>,
        expected_public_key: &PyPublicKey,
    ) -> PyResult<PySnapshot> {
        let sig = bytes_arg(signature, "signature")?;
        raise(
            py,
            self.0
                .clone()
                .attach(sig.as_slice(), &expected_public_key.0),
        )
        .map(PySnapshot)
    }

    fn __repr__(&self) -> String {
        format!(
            "PreparedSnapshot(message=<{} bytes>)",
            self.0.message().len()
        )
    }
}

/// Signed snapshot metadata: `snapshot_id`, `trace_range`, `hash`,
/// `signer_kid`, `signature`, `ts` (the seed's names), with `type`,
/// `records`, `merkle_root`, `fields` and `alg`.
#[pyclass(name = "Snapshot", module = "trustcore", frozen, eq)]
#[derive(PartialEq)]
pub struct PySnapshot(pub(crate) ts::Snapshot);

#[pymethods]
impl PySnapshot {
    /// Reads metadata from its JSON text (strict I-JSON; SnapshotError
    /// `invalid_metadata` for another shape).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, ts::Snapshot::from_json).map(Self)
    }

    /// Reads metadata from a dict.
    #[staticmethod]
    fn from_dict(py: Python<'_>, metadata: &Bound<'_, PyAny>) -> PyResult<Self> {
        if !metadata.is_instance_of::<PyDict>() {
            return Err(not_text("metadata", metadata, "dict"));
        }
        let v = json_value(metadata)?;
        raise(py, ts::Snapshot::from_value(&v)).map(Self)
    }

    /// The metadata as a dict.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.to_value())
    }

    /// The metadata as canonical JSON text (what to publish).
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    #[getter]
    fn snapshot_id(&self) -> &str {
        self.0.snapshot_id()
    }

    /// The named digest of the batch.
    #[getter]
    fn hash(&self) -> &str {
        self.0.hash()
    }

    #[getter]
    fn signer_kid(&self) -> &str {
        self.0.signer_kid()
    }

    #[getter]
    fn ts(&self) -> &str {
        self.0.ts()
    }

    #[getter]
    fn records(&self) -> u64 {
        self.0.records()
    }

    /// The body of the `snapshot.published` audit event that references
    /// this snapshot (`{"id", "ts", "event_type", "actor", "payload"}`,
    /// the metadata as payload), for `ChainWriter.append`.
    fn event_body<'py>(
        &self,
        py: Python<'py>,
        id: Str,
        ts: Str,
        actor: Str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let b = self.0.event_body(&id.0, &ts.0, &actor.0);
        to_py(py, &b.to_value(Naming::Snake))
    }

    /// Checks that an audit row (trustcore/v1; text or row dict) publishes
    /// this snapshot; SnapshotError `event_mismatch` otherwise. Verify the
    /// row itself with the chain verifier.
    fn check_event(&self, py: Python<'_>, row: &Bound<'_, PyAny>) -> PyResult<()> {
        check_event(py, &self.0, row)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Snapshot(snapshot_id={}, records={}, signer_kid={})",
            py_repr(py, self.0.snapshot_id()),
            self.0.records(),
            py_repr(py, self.0.signer_kid())
        )
    }
}

fn check_event(py: Python<'_>, snap: &ts::Snapshot, row: &Bound<'_, PyAny>) -> PyResult<()> {
    let text = row_bytes(row, "row")?;
    let profile = trustcore::profile::ChainProfile::trustcore_v1();
    // A row that cannot be read as an audit row publishes nothing: the
    // core's `event_mismatch`, with the reader's message.
    let row = trustcore::chain::Row::read(&text, &profile).map_err(|(reason, m)| {
        crate::misuse_err(
            py,
            ErrorKind::Snapshot,
            ts::ErrorCode::EventMismatch.as_str(),
            &format!("the row cannot be read ({}): {m}", reason.as_str()),
        )
    })?;
    raise(py, snap.check_event(&row))
}

/// Checks that an audit row publishes the snapshot `metadata` (a Snapshot,
/// dict or JSON text); SnapshotError `event_mismatch` otherwise.
#[pyfunction]
fn check_snapshot_event(
    py: Python<'_>,
    metadata: &Bound<'_, PyAny>,
    row: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let snap = snapshot_arg(py, metadata)?;
    check_event(py, &snap, row)
}

/// Verifies a batch against its signed metadata, fed in chunks of JSONL
/// (lines may span chunks). Memory is one line (at most 16 MiB) whatever
/// the batch size.
#[pyclass(name = "SnapshotVerifier", module = "trustcore", frozen)]
pub struct PySnapshotVerifier(Guarded<Option<ts::SnapshotVerifier>>);

#[pymethods]
impl PySnapshotVerifier {
    /// A verifier of `metadata` (a Snapshot, dict or JSON text) with the
    /// signers in `registry`.
    #[new]
    fn new(
        py: Python<'_>,
        metadata: &Bound<'_, PyAny>,
        registry: &PySignerRegistry,
    ) -> PyResult<Self> {
        let snap = snapshot_arg(py, metadata)?;
        Ok(PySnapshotVerifier(Guarded::new(
            Some(ts::SnapshotVerifier::new(snap, registry.0.clone())),
            "SnapshotVerifier",
            ErrorKind::Snapshot,
            ts::ErrorCode::InvalidSnapshot.as_str(),
        )))
    }

    /// Feeds a chunk of the batch (bytes-like or str), with the GIL
    /// released while the core reads it.
    fn feed(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        if let Ok(b) = chunk.cast::<PyBytes>() {
            let data = b.as_bytes();
            py.detach(|| v.push_bytes(data));
            return Ok(());
        }
        let data = row_bytes_plain(chunk)?;
        py.detach(|| v.push_bytes(&data));
        Ok(())
    }

    /// Ends the batch and returns the report `{"valid", "snapshot_id",
    /// "records", "failures": [{"code", "line"?, "message"}],
    /// "failure_counts"}` (lines from 1). The verifier cannot be used
    /// afterwards.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.0.take(py)?;
        let r = py.detach(|| v.finish().to_value_named(Naming::Snake));
        to_py(py, &r)
    }

    fn __repr__(&self) -> String {
        self.0.repr(|v| match v {
            Some(_) => "SnapshotVerifier(open)".to_owned(),
            None => "SnapshotVerifier(finished)".to_owned(),
        })
    }
}

/// A chunk as bytes (a `str` as its UTF-8; lone surrogates as WTF-8, which
/// the core then reports as a malformed line).
fn row_bytes_plain(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if obj.is_instance_of::<PyDict>() {
        return Err(not_text(
            "chunk",
            obj,
            "bytes, bytearray, memoryview or str",
        ));
    }
    row_bytes(obj, "chunk").map_err(|e| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            not_text("chunk", obj, "bytes, bytearray, memoryview or str")
        } else {
            e
        }
    })
}

/// Verifies a whole batch (bytes or str) against its metadata (a Snapshot,
/// dict or JSON text) with the signers in `registry`; returns the report
/// (as `SnapshotVerifier.finish`).
#[pyfunction]
fn verify_snapshot<'py>(
    py: Python<'py>,
    metadata: &Bound<'py, PyAny>,
    batch: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
) -> PyResult<Bound<'py, PyAny>> {
    let snap = snapshot_arg(py, metadata)?;
    let data = row_bytes_plain(batch)?;
    let reg = &registry.0;
    let r = py.detach(|| ts::verify_snapshot(&snap, &data, reg).to_value_named(Naming::Snake));
    to_py(py, &r)
}

/// The inclusion proof (a list of 32-byte hashes) of record `index` (from
/// 0) in a batch, for a reader who gets one record on its own.
#[pyfunction]
fn record_proof<'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    index: Uint,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let data = row_bytes_plain(batch)?;
    let proof = raise(py, py.detach(|| ts::record_proof(&data, index.0)))?;
    Ok(proof.iter().map(|h| PyBytes::new(py, h)).collect())
}

/// Verifies one record (a batch line) against signed metadata: the
/// signature, then its inclusion at `index` under `merkle_root`. Returns a
/// report as `verify_snapshot` does (`records` is 1).
#[pyfunction]
fn verify_record<'py>(
    py: Python<'py>,
    metadata: &Bound<'py, PyAny>,
    record: &Bound<'py, PyAny>,
    index: Uint,
    proof: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
) -> PyResult<Bound<'py, PyAny>> {
    let snap = snapshot_arg(py, metadata)?;
    let data = row_bytes_plain(record)?;
    let proof = crate::merkle::hashes_arg(proof, "proof")?;
    let r = ts::verify_record(&snap, &data, index.0, &proof, &registry.0);
    to_py(py, &r.to_value_named(Naming::Snake))
}

/// Adds the snapshot classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySnapshotBuilder>()?;
    m.add_class::<PyUnsignedSnapshot>()?;
    m.add_class::<PyPreparedSnapshot>()?;
    m.add_class::<PySnapshot>()?;
    m.add_class::<PySnapshotVerifier>()?;
    m.add_function(wrap_pyfunction!(verify_snapshot, m)?)?;
    m.add_function(wrap_pyfunction!(record_proof, m)?)?;
    m.add_function(wrap_pyfunction!(verify_record, m)?)?;
    m.add_function(wrap_pyfunction!(check_snapshot_event, m)?)?;
    m.add("SNAPSHOT_KIND", ts::SNAPSHOT_KIND)?;
    m.add("SNAPSHOT_TYPE", ts::SNAPSHOT_TYPE)?;
    m.add("PUBLISHED_EVENT", ts::PUBLISHED_EVENT)?;
    Ok(())
}
