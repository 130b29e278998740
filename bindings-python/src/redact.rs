//! PII redaction (#12) as Python classes and functions: `RedactionPolicy`
//! (`load_redaction_policy`), `RedactionKeys`, `redact`, `proves`,
//! `commit` (the SD-JWT-style commitment form a snapshot signs) and
//! `disclose`.
//!
//! Conversion and error mapping only: every rule (selectors, detectors,
//! actions, the record, commitments, disclosures and RFC 9901's refusals)
//! is in `trustcore::redact`. Documents are dicts (read by the core's value
//! walker, so a value JSON cannot hold fails as in `canonicalize`) or JSON
//! text (strict I-JSON).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde_json::Value;
use trustcore::redact as tr;

use crate::signing::{bytes_arg, core, py_repr, raise, to_py, with_json};
use crate::{json_value, not_text, Str};

/// A JSON document argument: a value (dict, list, ...) or JSON text (`str`
/// or bytes, strict I-JSON).
fn doc_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if crate::is_json_text(obj)? {
        return with_json(py, obj, |b| {
            let c = trustcore::canonical::canonicalize_text(b)?;
            Ok(serde_json::from_slice(&c).unwrap_or(Value::Null))
        });
    }
    json_value(obj)
}

/// A redaction policy (`trustcore.redaction-policy/v1`), validated when
/// loaded.
#[pyclass(name = "RedactionPolicy", module = "trustcore", frozen)]
pub struct PyRedactionPolicy(tr::RedactionPolicy);

fn load(py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<tr::RedactionPolicy> {
    // A list is a JSON document too: the core refuses it with
    // `invalid_policy` (as Node does for an array), not a TypeError here.
    if doc.is_instance_of::<PyDict>() || doc.is_instance_of::<PyList>() {
        let v = json_value(doc)?;
        return core(py, tr::RedactionPolicy::from_value(&v));
    }
    if crate::is_json_text(doc)? {
        return with_json(py, doc, tr::RedactionPolicy::from_json);
    }
    Err(not_text(
        "doc",
        doc,
        "a policy document (dict) or its JSON text (str or bytes)",
    ))
}

#[pymethods]
impl PyRedactionPolicy {
    /// Loads a policy from its JSON text (RedactionError `invalid_policy`
    /// or `unsupported_policy_version`, with the JSON Pointer `path`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, tr::RedactionPolicy::from_json).map(Self)
    }

    /// Loads a policy from a dict.
    #[staticmethod]
    fn from_dict(py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<Self> {
        if !doc.is_instance_of::<PyDict>() {
            return Err(not_text("doc", doc, "dict"));
        }
        load(py, doc).map(Self)
    }

    /// The policy id.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }

    /// The policy version.
    #[getter]
    fn version(&self) -> u64 {
        self.0.version
    }

    /// `sha256:<hex>` of the canonical policy document.
    #[getter]
    fn digest(&self) -> &str {
        self.0.digest()
    }

    /// Whether a rule pseudonymizes (then `RedactionKeys` needs a
    /// pseudonym key).
    #[getter]
    fn needs_pseudonym_key(&self) -> bool {
        self.0.needs_pseudonym_key()
    }

    /// The policy document.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.to_value())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RedactionPolicy(id={}, version={}, rules={})",
            py_repr(py, self.0.id.as_str()),
            self.0.version,
            self.0.rules.len()
        )
    }
}

/// Loads a redaction policy from a dict or its JSON text.
#[pyfunction]
fn load_redaction_policy(py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<PyRedactionPolicy> {
    load(py, doc).map(PyRedactionPolicy)
}

/// The caller's keys (the core has no randomness): `salt_key` (32 bytes;
/// salts are derived from it per pointer, so the record is reproducible by
/// whoever holds it) and, for a policy that pseudonymizes, `pseudonym_key`
/// (32 bytes). RedactionError `missing_key` for a key of another length.
#[pyclass(name = "RedactionKeys", module = "trustcore", frozen)]
pub struct PyRedactionKeys(tr::RedactionKeys);

#[pymethods]
impl PyRedactionKeys {
    #[new]
    #[pyo3(signature = (salt_key, pseudonym_key = None))]
    fn new(
        py: Python<'_>,
        salt_key: &Bound<'_, PyAny>,
        pseudonym_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let salt = bytes_arg(salt_key, "salt_key")?;
        let pseudo = match pseudonym_key {
            Some(p) if !p.is_none() => Some(bytes_arg(p, "pseudonym_key")?),
            _ => None,
        };
        let keys =
            tr::RedactionKeys::from_bytes(salt.as_slice(), pseudo.as_ref().map(|p| p.as_slice()));
        core(py, keys).map(Self)
    }

    /// Whether a pseudonym key was given.
    #[getter]
    fn has_pseudonym_key(&self) -> bool {
        self.0.pseudonym_key.is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "RedactionKeys(salt_key=<hidden>, pseudonym_key={})",
            if self.0.pseudonym_key.is_some() {
                "<hidden>"
            } else {
                "None"
            }
        )
    }

    /// Keys are secret: not picklable.
    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "RedactionKeys cannot be pickled (they are secret)",
        ))
    }
}

/// Redacts `doc` (a dict or JSON text) under `policy`: every value a rule
/// selects, wherever it sits (nested objects, arrays, annotations). Returns
/// `(redacted document as canonical JSON bytes, record)`; the record
/// (`trustcore.redaction-record/v1`) names each redacted value (`pointer`
/// in the original, `rule`, `class`, `action`) with a salted `commitment`.
#[pyfunction]
fn redact<'py>(
    py: Python<'py>,
    doc: &Bound<'py, PyAny>,
    policy: &PyRedactionPolicy,
    keys: &PyRedactionKeys,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyAny>)> {
    let (p, k) = (&policy.0, &keys.0);
    // Text is redacted as text, and a dict as its canonical bytes: no tree
    // either way (the core reads the redaction off canonical bytes).
    let r = if crate::is_json_text(doc)? {
        with_json(py, doc, |b| tr::redact_text(b, p, k))?
    } else {
        let canonical = crate::with_value(doc, |v| trustcore::ffi::canonicalize_value(v, None))?;
        raise(py, py.detach(|| tr::redact_text(&canonical, p, k)))?
    };
    Ok((
        PyBytes::new(py, &r.redacted),
        to_py(py, &r.record.to_value())?,
    ))
}

/// Whether `value` is the one a record entry (`record["redactions"][i]`)
/// committed to, given the salt key in `keys`: a privileged reader's proof
/// of what was removed.
#[pyfunction]
fn proves(
    py: Python<'_>,
    entry: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    keys: &PyRedactionKeys,
) -> PyResult<bool> {
    let e = doc_arg(py, entry)?;
    let v = json_value(value)?;
    Ok(tr::proves(&e, &v, &keys.0.salt_key))
}

/// The commitment form of `doc` (a dict or JSON text) under `policy`:
/// every selected value replaced by the digest of a disclosure (SD-JWT
/// style), for a snapshot to sign. Returns `(record dict, disclosures)`;
/// keep the disclosures beside the snapshot and hand out any subset.
#[pyfunction]
fn commit<'py>(
    py: Python<'py>,
    doc: &Bound<'py, PyAny>,
    policy: &PyRedactionPolicy,
    keys: &PyRedactionKeys,
) -> PyResult<(Bound<'py, PyAny>, Vec<String>)> {
    let v = doc_arg(py, doc)?;
    let (p, k) = (&policy.0, &keys.0);
    let c = raise(py, py.detach(|| tr::commit(&v, p, &k.salt_key)))?;
    Ok((to_py(py, &c.record)?, c.disclosures))
}

/// The record (commitment form, a dict or JSON text such as a snapshot
/// line) as a reader sees it with `disclosures` (a list of str): each
/// disclosed value back in its place, every other hidden value left out.
/// Refused with RedactionError (`invalid_disclosure`, `duplicate_digest`,
/// `unreferenced_disclosure` — a changed value or a wrong salt —,
/// `claim_collision`).
#[pyfunction]
fn disclose<'py>(
    py: Python<'py>,
    record: &Bound<'py, PyAny>,
    disclosures: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (v, ds) = disclose_args(py, record, disclosures)?;
    let refs: Vec<&str> = ds.iter().map(String::as_str).collect();
    let out = raise(py, tr::disclose(&v, &refs))?;
    to_py(py, &out)
}

fn disclose_args(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    disclosures: &Bound<'_, PyAny>,
) -> PyResult<(Value, Vec<String>)> {
    let v = doc_arg(py, record)?;
    if disclosures.is_instance_of::<PyString>() {
        return Err(not_text("disclosures", disclosures, "a list of str"));
    }
    let mut ds = Vec::new();
    for (i, d) in crate::iter_arg(disclosures, "disclosures", "a list of str")?.enumerate() {
        let d = d?;
        let s: Str = d
            .extract()
            .map_err(|_| not_text(&format!("disclosures[{i}]"), &d, "str"))?;
        ds.push(s.0);
    }
    Ok((v, ds))
}

/// `disclose`, and where the disclosures put values back and where digests
/// stay unopened: a dict `{"view", "opened", "hidden": [{"pointer",
/// "digests"}]}` (pointers in the view, document order). Refuses what
/// `disclose` refuses.
#[pyfunction]
fn disclose_report<'py>(
    py: Python<'py>,
    record: &Bound<'py, PyAny>,
    disclosures: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (v, ds) = disclose_args(py, record, disclosures)?;
    let refs: Vec<&str> = ds.iter().map(String::as_str).collect();
    let out = raise(py, tr::disclose_report(&v, &refs))?;
    to_py(py, &out.to_value())
}

/// Adds the redaction classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRedactionPolicy>()?;
    m.add_class::<PyRedactionKeys>()?;
    m.add_function(wrap_pyfunction!(load_redaction_policy, m)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(proves, m)?)?;
    m.add_function(wrap_pyfunction!(commit, m)?)?;
    m.add_function(wrap_pyfunction!(disclose, m)?)?;
    m.add_function(wrap_pyfunction!(disclose_report, m)?)?;
    m.add("REDACTION_POLICY_TYPE", tr::POLICY_TYPE)?;
    m.add("REDACTION_RECORD_TYPE", tr::RECORD_TYPE)?;
    Ok(())
}
