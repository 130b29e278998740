//! Chain profiles (#10): the built-in profiles, loading a profile document,
//! profile inference from sample rows, one row on its own under a profile,
//! revocation records and the compromise replay (`recheck`).
//!
//! Conversion and error mapping only: every rule is in `trustcore::profile`,
//! `trustcore::chain` (`verify_row_with`, `recheck`) and
//! `trustcore::registry` (`revoke`, `verify_revocation`,
//! `apply_revocation`). A profile argument is a built-in name (`str`), a
//! profile document (`dict`) or a document's JSON text (`bytes`); it is read
//! by `ChainProfile::from_name_or_value` / `ChainProfile::from_json`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use trustcore::chain as tc;
use trustcore::envelope::Envelope;
use trustcore::options::Naming;
use trustcore::profile::{infer_profile as core_infer, ChainProfile, BUILTIN_NAMES};
use trustcore::registry::{Revocation, REVOCATION_KIND};

use crate::chain::row_bytes;
use crate::profile_args::profile_arg;
use crate::signing::{core, raise, to_py, with_json, PyEnvelope, PySecretKey, PySignerRegistry};
use crate::{json_value, not_text, type_name, Str};

/// The built-in profiles, by name, as their documents (`trustcore/v1`
/// first: the default).
#[pyfunction]
fn builtin_profiles<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for name in BUILTIN_NAMES {
        let p = core(py, ChainProfile::builtin(name))?;
        out.set_item(name, to_py(py, &p.to_value())?)?;
    }
    Ok(out)
}

/// Loads and validates a profile document (a dict, or its JSON text as
/// `str` or bytes) or a built-in name, and returns the document the core
/// reads back (defaults filled in), which every `profile=` accepts.
/// ProfileError (`invalid_profile`, `unsupported_profile_version`,
/// `unknown_profile`) with `code` and the JSON Pointer `path` otherwise.
#[pyfunction]
fn load_profile<'py>(py: Python<'py>, doc: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let p = if let Ok(s) = doc.cast::<PyString>() {
        let text = crate::str_string(s)?.0;
        if BUILTIN_NAMES.contains(&text.as_str()) || !text.trim_start().starts_with('{') {
            core(py, ChainProfile::builtin(&text))?
        } else {
            with_json(py, doc, ChainProfile::from_json)?
        }
    } else if doc.is_instance_of::<PyDict>() {
        let v = json_value(doc)?;
        core(py, ChainProfile::from_value(&v))?
    } else if crate::Bytes::from_py(doc)?.is_some() {
        with_json(py, doc, ChainProfile::from_json)?
    } else {
        return Err(not_text(
            "doc",
            doc,
            "a profile document (dict, str or bytes)",
        ));
    };
    to_py(py, &p.to_value())
}

/// `sha256:<hex>` of a profile's canonical document: what verifier states
/// and reports name the profile by.
#[pyfunction]
fn profile_digest(py: Python<'_>, profile: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(profile_arg(py, Some(profile))?.digest())
}

/// Which columns a profile's hash and signature cover:
/// `{"hashed", "signed", "unsigned"}` (column names).
#[pyfunction]
fn profile_coverage<'py>(
    py: Python<'py>,
    profile: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &profile_arg(py, Some(profile))?.coverage())
}

/// Rows as the core reads them, one at a time (nothing is allocated from
/// a claimed length).
fn rows_arg(rows: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<u8>>> {
    if rows.is_instance_of::<PyString>()
        || rows.is_instance_of::<PyDict>()
        || crate::Bytes::from_py(rows)?.is_some()
    {
        return Err(PyTypeError::new_err(
            "rows must be a list of rows (str, bytes or row dicts), not a single one",
        ));
    }
    let mut data = Vec::new();
    for (i, row) in crate::iter_arg(rows, "rows", "a list of str, bytes or row dicts")?.enumerate()
    {
        data.push(row_bytes(&row?, &format!("rows[{i}]"))?);
    }
    Ok(data)
}

/// Tries the known constructions and encodings on a few sample rows with
/// the signers in `registry` and returns the core's inference: `{"rows",
/// "matches": [profile documents], "ambiguous", "attempts": [{"hash_input",
/// "hash_alg", "hashes_matched", "signatures_verified": {form: n}}],
/// "notes"}`. Every profile under which the rows verify is a match (never
/// a guess); with none, `attempts` and `notes` say how far each got.
/// ProfileError `invalid_sample` for no rows or rows that are not objects.
#[pyfunction]
fn infer_profile<'py>(
    py: Python<'py>,
    rows: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
) -> PyResult<Bound<'py, PyAny>> {
    let data = rows_arg(rows)?;
    let reg = registry.0.clone();
    let r = py.detach(|| core_infer(&data, &reg).map(|i| i.to_value_named(Naming::Snake)));
    let v = core(py, r)?;
    to_py(py, &v)
}

/// Verifies one row on its own under a profile (default trustcore/v1):
/// readable, its hash, the signer's key at its time, its signature. Returns
/// `{"valid": True, "row": <row dict>}` or `{"valid": False, "reason":
/// <break reason>, "message"}`; it does not link rows (use ChainVerifier).
#[pyfunction]
#[pyo3(signature = (row, registry, profile = None))]
fn verify_row<'py>(
    py: Python<'py>,
    row: &Bound<'py, PyAny>,
    registry: &PySignerRegistry,
    profile: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let profile = profile_arg(py, profile)?;
    let data = row_bytes(row, "row")?;
    let reg = &registry.0;
    let r = py.detach(|| tc::verify_row_with(&data, reg, &profile));
    let v = match r {
        Ok(row) => serde_json::json!({"valid": true, "row": row.to_value()}),
        Err((reason, message)) => {
            serde_json::json!({"valid": false, "reason": reason.as_str(), "message": message})
        }
    };
    to_py(py, &v)
}

// ---- Revocation and compromise replay -------------------------------------

fn registry_arg<'a, 'py>(
    obj: &'a Bound<'py, PyAny>,
    what: &str,
) -> PyResult<&'a Bound<'py, PySignerRegistry>> {
    obj.cast::<PySignerRegistry>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a SignerRegistry, not {}",
            type_name(obj)
        ))
    })
}

fn envelope_arg<'a, 'py>(obj: &'a Bound<'py, PyAny>) -> PyResult<&'a Bound<'py, PyEnvelope>> {
    obj.cast::<PyEnvelope>().map_err(|_| {
        PyTypeError::new_err(format!(
            "record must be an Envelope, not {}",
            type_name(obj)
        ))
    })
}

/// The canonical payload of a revocation record (`{"signer", "revokedAt",
/// "reason"}`), to wrap in an Envelope of kind REVOCATION_KIND and have an
/// authority sign (locally, or through `Envelope.sign_with` for a KMS).
#[pyfunction]
fn revocation_payload(
    py: Python<'_>,
    signer: Str,
    revoked_at: Str,
    reason: Str,
) -> PyResult<String> {
    let p = raise(py, Revocation::payload(&signer.0, &revoked_at.0, &reason.0))?;
    Ok(String::from_utf8_lossy(&p).into_owned())
}

/// Revokes `signer` as of `revoked_at` (RFC 3339 UTC) on the authority's
/// word: builds the revocation record, has `authority` (another registered
/// signer) sign it with `authority_key`, and applies it to a copy of
/// `registry` exactly as `apply_revocation` would (so a record that would
/// not verify is refused: RegistryError `invalid_revocation` /
/// `unknown_signer`). Returns `(updated registry, signed record)`; publish
/// `updated.to_json()` and `record.to_json()`. `registry` is unchanged.
#[pyfunction]
#[pyo3(signature = (registry, signer, revoked_at, reason, authority, authority_key))]
fn revoke_signer(
    py: Python<'_>,
    registry: &PySignerRegistry,
    signer: Str,
    revoked_at: Str,
    reason: Str,
    authority: Str,
    authority_key: &PySecretKey,
) -> PyResult<(PySignerRegistry, PyEnvelope)> {
    let payload = raise(py, Revocation::payload(&signer.0, &revoked_at.0, &reason.0))?;
    let mut record = raise(py, Envelope::new(REVOCATION_KIND, &payload))?;
    let alg = registry
        .0
        .get(&authority.0)
        .map(|r| r.algorithm())
        .unwrap_or_default();
    core(py, record.sign(&authority_key.0, &authority.0, alg))?;
    let mut updated = registry.0.clone();
    raise(py, updated.apply_revocation(&record))?;
    Ok((PySignerRegistry(updated), PyEnvelope(record)))
}

/// Checks a revocation record against `registry` without changing it;
/// returns the revocation `{"signer", "revokedAt", "reason"}`.
#[pyfunction]
fn verify_revocation<'py>(
    py: Python<'py>,
    registry: &PySignerRegistry,
    record: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let env = envelope_arg(record)?.borrow();
    let r = raise(py, registry.0.verify_revocation(&env.0))?;
    to_py(py, &r.to_value())
}

/// Verifies a revocation record and applies it to `registry` (in place, as
/// `SignerRegistry.apply_rotation` does); returns the revocation.
#[pyfunction]
fn apply_revocation<'py>(
    py: Python<'py>,
    registry: &Bound<'py, PyAny>,
    record: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let registry = registry_arg(registry, "registry")?;
    let env = envelope_arg(record)?.borrow().0.clone();
    let r = raise(py, registry.try_borrow_mut()?.0.apply_revocation(&env))?;
    to_py(py, &r.to_value())
}

/// One item of a recheck batch, as read from Python.
enum Item {
    Envelope(Envelope, trustcore::time::Timestamp),
    Row(Vec<u8>),
}

/// Re-verifies a batch of signed envelopes and chain rows under the `old`
/// and the `new` registry (rows under `profile`, default trustcore/v1) and
/// says for each what changed. An item is an `(Envelope, at)` pair (`at`:
/// the RFC 3339 time of the record it signs) or a row (text or row dict).
/// Returns the core's report `{"items": [{"index", "item", "name"?,
/// "status": "still_valid" | "now_invalid" | "was_invalid" | "now_valid",
/// "before"?, "after"?}], "still_valid", "now_invalid", "was_invalid",
/// "now_valid"}`: after a revocation at T, exactly the items the key signed
/// at or after T are `now_invalid` with `after` = `signer_revoked`.
#[pyfunction]
#[pyo3(signature = (items, old, new, profile = None))]
fn recheck<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    old: &PySignerRegistry,
    new: &PySignerRegistry,
    profile: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let profile = profile_arg(py, profile)?;
    if items.is_instance_of::<PyString>() || items.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(
            "items must be a list of (Envelope, at) pairs and rows, not a single one",
        ));
    }
    let mut read = Vec::new();
    let expected = "a list of (Envelope, at) pairs and rows";
    for (i, item) in crate::iter_arg(items, "items", expected)?.enumerate() {
        let item = item?;
        if let Ok(t) = item.cast::<PyTuple>() {
            if t.len() != 2 {
                return Err(PyTypeError::new_err(format!(
                    "items[{i}] must be an (Envelope, at) pair, not a tuple of {}",
                    t.len()
                )));
            }
            let env = t.get_item(0)?;
            let env = env
                .cast::<PyEnvelope>()
                .map_err(|_| not_text(&format!("items[{i}][0]"), &env, "an Envelope"))?;
            let at: Str = t.get_item(1)?.extract()?;
            let at = raise(py, trustcore::ffi::timestamp(&at.0))?;
            read.push(Item::Envelope(env.borrow().0.clone(), at));
        } else {
            read.push(Item::Row(row_bytes(&item, &format!("items[{i}]"))?));
        }
    }
    let refs: Vec<tc::RecheckItem<'_>> = read
        .iter()
        .map(|i| match i {
            Item::Envelope(e, at) => tc::RecheckItem::Envelope(e, *at),
            Item::Row(r) => tc::RecheckItem::Row(r),
        })
        .collect();
    let (old, new) = (&old.0, &new.0);
    let report = py.detach(|| tc::recheck(old, new, &refs, &profile).to_value_named(Naming::Snake));
    to_py(py, &report)
}

/// Adds the profile and revocation functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(builtin_profiles, m)?)?;
    m.add_function(wrap_pyfunction!(load_profile, m)?)?;
    m.add_function(wrap_pyfunction!(profile_digest, m)?)?;
    m.add_function(wrap_pyfunction!(profile_coverage, m)?)?;
    m.add_function(wrap_pyfunction!(infer_profile, m)?)?;
    m.add_function(wrap_pyfunction!(verify_row, m)?)?;
    m.add_function(wrap_pyfunction!(revocation_payload, m)?)?;
    m.add_function(wrap_pyfunction!(revoke_signer, m)?)?;
    m.add_function(wrap_pyfunction!(verify_revocation, m)?)?;
    m.add_function(wrap_pyfunction!(apply_revocation, m)?)?;
    m.add_function(wrap_pyfunction!(recheck, m)?)?;
    m.add("REVOCATION_KIND", REVOCATION_KIND)?;
    m.add("PROFILE_TYPE", trustcore::profile::PROFILE_TYPE)?;
    Ok(())
}
