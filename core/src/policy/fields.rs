//! Field readers for the policy formats (the policy set and the RBAC
//! table): each checks one member and its kind, and every error carries
//! the JSON Pointer of the place.

use super::pointer::Pointer;
use super::vocab::{kind, Mode, MAX_SAFE_INTEGER};
use super::{push_token, Error, ErrorCode};
use serde_json::{Map, Value};

pub(crate) fn object<'v>(v: &'v Value, at: &str) -> Result<&'v Map<String, Value>, Error> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("expected an object, found {}", kind(other)),
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn allowed_keys(
    m: &Map<String, Value>,
    at: &str,
    allowed: &[&str],
) -> Result<(), Error> {
    // serde_json's map iterates in byte order: the first unknown key is
    // reported the same way every time.
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(Error::new(
                ErrorCode::InvalidPolicy,
                format!("unknown field {k:?}; allowed here: {}", allowed.join(", ")),
                Some(push_token(at, k)),
            ));
        }
    }
    Ok(())
}

pub(crate) fn string_field<'v>(
    m: &'v Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<&'v str, Error> {
    match m.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("{name:?} must be a string, found {}", kind(other)),
            Some(push_token(at, name)),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("missing required field {name:?}"),
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn id_field<'v>(m: &'v Map<String, Value>, at: &str) -> Result<&'v str, Error> {
    let id = string_field(m, at, "id")?;
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'/'));
    if !ok {
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("id {id:?} must be 1 to 128 characters of A-Z a-z 0-9 . _ - : /"),
            Some(push_token(at, "id")),
        ));
    }
    Ok(id)
}

pub(crate) fn version_field(m: &Map<String, Value>, at: &str) -> Result<u64, Error> {
    let here = push_token(at, "version");
    match m.get("version") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if (1..=MAX_SAFE_INTEGER).contains(&v) => Ok(v),
            _ => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f >= 1.0 && f <= MAX_SAFE_INTEGER as f64 => {
                    Ok(f as u64)
                }
                _ => Err(Error::new(
                    ErrorCode::InvalidPolicy,
                    format!("version must be an integer from 1 to 2^53-1, got {n}"),
                    Some(here),
                )),
            },
        },
        Some(other) => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!(
                "version must be an integer from 1 to 2^53-1, found {}",
                kind(other)
            ),
            Some(here),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidPolicy,
            "missing required field \"version\"",
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn mode_field(m: &Map<String, Value>, at: &str) -> Result<Mode, Error> {
    match string_field(m, at, "mode")? {
        "enforce" => Ok(Mode::Enforce),
        "simulate" => Ok(Mode::Simulate),
        other => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("mode must be \"enforce\" or \"simulate\", got {other:?}"),
            Some(push_token(at, "mode")),
        )),
    }
}

pub(crate) fn rationale_field<'v>(m: &'v Map<String, Value>, at: &str) -> Result<&'v str, Error> {
    let r = string_field(m, at, "rationale")?;
    if r.trim().is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidPolicy,
            "rationale must say why the policy exists; it is shown to whoever is denied",
            Some(push_token(at, "rationale")),
        ));
    }
    Ok(r)
}

pub(crate) fn pointer_field(
    m: &Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<Pointer, Error> {
    let here = push_token(at, name);
    match m.get(name) {
        Some(Value::String(s)) => {
            Pointer::parse(s).map_err(|msg| Error::new(ErrorCode::InvalidPointer, msg, Some(here)))
        }
        Some(other) => Err(Error::new(
            ErrorCode::InvalidPointer,
            format!(
                "{name:?} must be a JSON Pointer string such as \"/body/amount\", found {}",
                kind(other)
            ),
            Some(here),
        )),
        None => Err(Error::new(
            ErrorCode::InvalidPolicy,
            format!("missing required field {name:?}"),
            Some(at.to_owned()),
        )),
    }
}

pub(crate) fn string_list(
    m: &Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<Vec<String>, Error> {
    let here = push_token(at, name);
    let bad = |msg: String, p: String| Error::new(ErrorCode::InvalidPolicy, msg, Some(p));
    match m.get(name) {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                other => Err(bad(
                    format!(
                        "{name:?} must hold non-empty strings, found {}",
                        kind(other)
                    ),
                    format!("{here}/{i}"),
                )),
            })
            .collect(),
        Some(_) => Err(bad(
            format!("{name:?} must be a non-empty array of strings"),
            here,
        )),
        None => Err(bad(
            format!("missing required field {name:?}"),
            at.to_owned(),
        )),
    }
}
