//! Reading a `profile` argument and a chain call's keyword options into
//! the values the core reads (the profile's name, document or JSON text;
//! the options object): shared by every chain, profile, segment and SQL
//! call.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;
use trustcore::profile::ChainProfile;

use crate::signing::{raise, with_json};
use crate::{json_value, not_text};

/// A `profile` argument as the JSON value the core reads: a `str` is a
/// built-in name, a `dict` a document, bytes-like the document's JSON text
/// (loaded here, so its errors carry the core's code and path).
pub(crate) fn profile_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(crate::str_string(s)?.0));
    }
    if obj.is_instance_of::<PyDict>() {
        return json_value(obj);
    }
    if crate::Bytes::from_py(obj)?.is_some() {
        let p = with_json(py, obj, ChainProfile::from_json)?;
        return Ok(p.to_value());
    }
    Err(not_text(
        "profile",
        obj,
        "a built-in profile name (str), a profile document (dict) or its JSON text (bytes)",
    ))
}

/// A `profile` argument as the core's profile (None: trustcore/v1).
pub(crate) fn profile_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<Arc<ChainProfile>> {
    match obj {
        Some(o) if !o.is_none() => {
            let v = profile_value(o)?;
            raise(py, ChainProfile::from_name_or_value(&v)).map(Arc::new)
        }
        _ => Ok(Arc::new(ChainProfile::trustcore_v1())),
    }
}

/// The keyword arguments of a chain call as the options object the core
/// reads, with a `profile` given as JSON bytes read first (a name or a dict
/// goes through as it is).
pub(crate) fn chain_options(options: Option<&Bound<'_, PyDict>>) -> PyResult<Option<Value>> {
    let Some(d) = options else { return Ok(None) };
    if d.is_empty() {
        return Ok(None);
    }
    let mut v = json_value_except_profile(d)?;
    if let (Value::Object(m), Some(p)) = (&mut v, d.get_item("profile")?) {
        m.insert("profile".into(), profile_value(&p)?);
    }
    Ok(Some(v))
}

/// The options dict without its `profile` member as a JSON value (the
/// profile is read by `profile_value`).
fn json_value_except_profile(d: &Bound<'_, PyDict>) -> PyResult<Value> {
    if d.contains("profile")? {
        let rest = d.copy()?;
        rest.del_item("profile")?;
        json_value(rest.as_any())
    } else {
        json_value(d.as_any())
    }
}
