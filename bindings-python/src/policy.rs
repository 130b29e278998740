//! SentinelNet policy evaluation as Python: `PolicySet`, `evaluate`,
//! `enforce_or_throw`, `explain`, `impact`, `canary_bucket`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::policy`.
//! A request, record or policy set given as a Python value is canonicalized
//! by the core's value walker and handed to the core's text entry point;
//! given as `str` or bytes it goes to the text entry point as is (strict
//! I-JSON, `CanonicalJsonError` with a byte offset).

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString, PyTuple};
use trustcore::ffi;
use trustcore::policy::{self as tp, PolicySet};

use crate::signing::{core, py_repr, raise, to_py, with_json};
use crate::{not_text, str_text, with_value, PolicyDenied, Text};

/// JSON text handed to the core: a `str` or bytes-like is JSON text, any
/// other value is canonicalized first (so its errors carry a `path`).
fn json_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return match str_text(s)? {
            Text::Utf8(b) => Ok(b.as_bytes().to_vec()),
            // Lone surrogates: the core's UTF-16 reader reports them.
            Text::Utf16(units) => raise(obj.py(), ffi::canonicalize_utf16(&units, None)),
        };
    }
    if obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
        || obj.is_instance_of::<PyMemoryView>()
    {
        if let Some(b) = crate::Bytes::from_py(obj)? {
            return Ok(b.as_slice().to_vec());
        }
    }
    with_value(obj, |v| ffi::canonicalize_value(v, None))
}

/// A validated, versioned policy set (immutable).
#[pyclass(name = "PolicySet", module = "trustcore", frozen)]
pub struct PyPolicySet(PolicySet);

#[pymethods]
impl PyPolicySet {
    /// Loads a policy-set document (`trustcore.policy-set/v1`) from JSON
    /// text. Raises PolicyError with `code` and the JSON Pointer `path` of
    /// the offending place, or CanonicalJsonError for text that is not
    /// strict I-JSON.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        with_json(py, text, PolicySet::from_json).map(Self)
    }

    /// Loads a policy-set document given as a dict.
    #[staticmethod]
    fn from_dict(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if !obj.is_instance_of::<pyo3::types::PyDict>() {
            return Err(not_text("obj", obj, "dict"));
        }
        let text = with_value(obj, |v| ffi::canonicalize_value(v, None))?;
        raise(py, PolicySet::from_json(&text)).map(Self)
    }

    /// Checks that `candidate` may replace this set: lifecycle transitions
    /// allowed, no published `id@version` changed, no active policy removed.
    /// Raises PolicyError (`invalid_transition`, `modified_version`).
    fn check_update(&self, py: Python<'_>, candidate: &PyPolicySet) -> PyResult<()> {
        core(py, self.0.check_update(&candidate.0))
    }

    /// `sha256:<hex>` of the canonical policy-set document.
    #[getter]
    fn digest(&self) -> &str {
        self.0.digest()
    }

    /// The policy-set document as canonical JSON text.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The policies' `id@version` labels, in document order.
    fn policy_ids(&self) -> Vec<String> {
        self.0
            .policies()
            .iter()
            .map(|p| format!("{}@{}", p.id(), p.version()))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.0.policies().len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PolicySet(policies={}, digest={})",
            self.0.policies().len(),
            py_repr(py, self.0.digest())
        )
    }

    /// Pickles (and copies) as `PolicySet.from_json(policy_set.to_json())`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ctor = py.get_type::<PyPolicySet>().getattr("from_json")?;
        PyTuple::new(py, [ctor, PyTuple::new(py, [self.0.to_json()])?.into_any()])
    }
}

fn decide(py: Python<'_>, set: &PyPolicySet, request: &Bound<'_, PyAny>) -> PyResult<tp::Decision> {
    let text = json_bytes(request)?;
    raise(py, tp::evaluate(&set.0, &text))
}

/// Evaluates `request` (a dict, or its JSON text) under `policy_set`; returns
/// the decision (`trustcore.policy-decision/v1`) with its `policyCheck`
/// records. A denial is a decision, not an error; a request that cannot be
/// evaluated raises (PolicyError `invalid_request`, CanonicalJsonError):
/// treat that as a denial.
#[pyfunction]
fn evaluate<'py>(
    py: Python<'py>,
    policy_set: &PyPolicySet,
    request: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let d = decide(py, policy_set, request)?;
    to_py(py, &d.to_value())
}

/// `evaluate`, then raises PolicyDenied (carrying the decision as
/// `.decision`) unless the request is allowed; returns the decision.
#[pyfunction]
fn enforce_or_throw<'py>(
    py: Python<'py>,
    policy_set: &PyPolicySet,
    request: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let d = decide(py, policy_set, request)?;
    let decision = to_py(py, &d.to_value())?;
    if d.is_allowed() {
        return Ok(decision);
    }
    // The one denial message, the core's (the same in Node and WASM).
    let message = d.denial_message().unwrap_or_default();
    let err = PolicyDenied::new_err(format!("{message} [policy_denied]"));
    let value = err.value(py);
    value.setattr("code", "policy_denied")?;
    value.setattr("message", message)?;
    value.setattr("offset", py.None())?;
    value.setattr("path", py.None())?;
    value.setattr("decision", decision)?;
    Err(err)
}

/// Explains a `policyCheck` record (a dict or its JSON text) against the
/// set that produced it: checks the record is intact and the set holds its
/// policy, and returns the explanation (`trustcore.policy-explanation/v1`).
/// Raises PolicyError (`invalid_record`, `policy_not_found`).
#[pyfunction]
fn explain<'py>(
    py: Python<'py>,
    record: &Bound<'py, PyAny>,
    policy_set: &PyPolicySet,
) -> PyResult<Bound<'py, PyAny>> {
    let text = json_bytes(record)?;
    let x = raise(py, tp::explain(&text, &policy_set.0))?;
    to_py(py, &x)
}

/// Evaluates every request (dicts or JSON texts) under `current` and
/// `candidate` and reports the differences (`trustcore.policy-impact/v1`):
/// changed decisions with the responsible checks, counts, per-policy
/// statistics and the requests that could not be evaluated.
#[pyfunction]
fn impact<'py>(
    py: Python<'py>,
    current: &PyPolicySet,
    candidate: &PyPolicySet,
    requests: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let list = requests
        .cast::<PyList>()
        .map_err(|_| not_text("requests", requests, "a list of dicts or JSON texts"))?;
    let mut texts = Vec::new();
    for r in list.iter() {
        texts.push(json_bytes(&r)?);
    }
    let (cur, cand) = (&current.0, &candidate.0);
    let report = py.detach(|| tp::impact(cur, cand, &texts).to_value());
    to_py(py, &report)
}

/// The canary bucket (0..10000) of a request value: SHA-256 of its
/// canonical JSON, first 8 bytes big-endian, modulo 10000. A canary policy
/// with `basisPoints: n` enforces the requests whose bucket is below n.
#[pyfunction]
fn canary_bucket(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<u32> {
    let v = crate::json_value(value)?;
    raise(py, tp::canary_bucket(&v))
}

/// Adds the policy classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicySet>()?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(enforce_or_throw, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(impact, m)?)?;
    m.add_function(wrap_pyfunction!(canary_bucket, m)?)?;
    m.add("POLICY_SET_TYPE", tp::POLICY_SET_TYPE)?;
    Ok(())
}
