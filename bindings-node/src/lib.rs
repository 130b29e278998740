//! Node.js binding of trustcore: RFC 8785 canonical JSON and named digests.
//!
//! This crate only converts JavaScript values to what `trustcore::ffi`
//! expects and maps `trustcore::Error` to JavaScript `Error` objects carrying
//! `code`, `offset`, `path` and `name`. Every rule lives in the core.
//! Keys, signatures, envelopes, the signer registry and approvals are in
//! [`signing`].

#![deny(clippy::all)]

pub mod chain;
pub mod merkle;
pub mod policy;
pub mod signing;

use napi::bindgen_prelude::{
    BufferSlice, FromNapiValue, JsObjectValue, JsValue, KeyCollectionMode, KeyConversion,
    KeyFilter, Object, Uint8ArraySlice, Unknown,
};
use napi::{sys, Env, JsError, JsTypeError, Status, ValueType};
use napi_derive::napi;
use std::cell::Cell;
use trustcore::canonical::{ErrorCode, Key, SourceValue, ValueSource};

/// The version of this package and of the trustcore core it was built from.
#[napi]
pub const VERSION: &str = trustcore::ffi::VERSION;

/// Returns the version of this package (the same as `VERSION`).
#[napi]
pub fn version() -> &'static str {
    trustcore::ffi::VERSION
}

/// Options for canonicalization.
#[napi(object)]
pub struct CanonicalizeOptions {
    /// Maximum nesting depth of arrays and objects, 1..=1024 (default 128).
    /// A deeper document (or a cyclic value) fails with code `depth_limit`.
    pub max_depth: Option<f64>,
}

/// A parsed digest.
#[napi(object)]
pub struct ParsedDigest {
    /// `"sha256"` or `"blake3"`.
    pub algorithm: String,
    /// The 64 lowercase hex digits.
    pub hex: String,
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Throws `err` as a JS `Error` with `name`, `code`, `offset` and `path` and
/// returns the marker napi-rs uses for "an exception is already pending".
fn throw_core(env: &Env, err: trustcore::Error) -> napi::Error {
    let message = err.to_string();
    match core_error_object(env, &err).and_then(|obj| env.throw(obj)) {
        Ok(()) => napi::Error::new(Status::PendingException, message),
        Err(e) => e,
    }
}

/// A core error as the value a Promise rejects with (for callbacks that
/// settle a Promise, where throwing would be an uncaught exception).
fn reject_core(env: &Env, err: trustcore::Error) -> napi::Error {
    match core_error_object(env, &err) {
        Ok(obj) => napi::Error::from(obj.to_unknown()),
        Err(e) => e,
    }
}

/// The JS `Error` object for a core error (not thrown): `name` is the
/// error's kind (`KeyError`, ...), `code` its stable code, plus `offset` and
/// `path` where it has them.
fn core_error_object<'e>(env: &'e Env, err: &trustcore::Error) -> napi::Result<Object<'e>> {
    let js = JsError::from(napi::Error::new(err.code(), err.to_string())).into_unknown(*env);
    let mut obj = Object::from_unknown(js)?;
    obj.set_named_property("name", err.kind().as_str())?;
    if let Some(offset) = err.offset() {
        obj.set_named_property("offset", offset as f64)?;
    }
    if let Some(path) = err.path() {
        obj.set_named_property("path", path)?;
    }
    Ok(obj)
}

/// A `TypeError` with code `invalid_argument`, for arguments of the wrong type.
fn invalid_argument(env: &Env, message: String) -> napi::Error {
    let js = type_error_object(env, &message);
    match env.throw(js) {
        Ok(()) => napi::Error::new(Status::PendingException, message),
        Err(e) => e,
    }
}

/// The `TypeError` object (not thrown) with code `invalid_argument`.
fn type_error_object<'e>(env: &'e Env, message: &str) -> Unknown<'e> {
    JsTypeError::from(napi::Error::new("invalid_argument", message.to_owned())).into_unknown(*env)
}

/// `Result` of the core, mapped onto a thrown JS error.
trait OrThrow<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for Result<T, trustcore::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e))
    }
}

impl<T> OrThrow<T> for Result<T, trustcore::keys::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e.into()))
    }
}

impl<T> OrThrow<T> for Result<T, trustcore::envelope::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e.into()))
    }
}

impl<T> OrThrow<T> for Result<T, trustcore::chain::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e.into()))
    }
}

impl<T> OrThrow<T> for Result<T, trustcore::merkle::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e.into()))
    }
}

impl<T> OrThrow<T> for Result<T, trustcore::policy::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e.into()))
    }
}

impl<T> OrThrow<T> for Result<T, trustcore::canonical::Error> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw_core(env, e.into()))
    }
}

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

fn type_of(value: Unknown<'_>) -> napi::Result<ValueType> {
    value.get_type()
}

fn describe(value: Unknown<'_>) -> &'static str {
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "a boolean",
        Ok(ValueType::Number) => "a number",
        Ok(ValueType::String) => "a string",
        Ok(ValueType::Symbol) => "a symbol",
        Ok(ValueType::Object) => "an object",
        Ok(ValueType::Function) => "a function",
        Ok(ValueType::BigInt) => "a BigInt",
        _ => "a value of another type",
    }
}

/// Reads the UTF-16 code units of a JS string exactly (lone surrogates kept).
fn utf16_units(value: Unknown<'_>) -> napi::Result<Vec<u16>> {
    let env = value.value().env;
    let raw = value.raw();
    // Short strings (most keys and values) in one call.
    const SHORT: usize = 64;
    let mut short = [0u16; SHORT];
    let mut written = 0usize;
    // SAFETY: `short` has room for `SHORT` units including napi's NUL.
    check(unsafe {
        sys::napi_get_value_string_utf16(env, raw, short.as_mut_ptr(), SHORT, &mut written)
    })?;
    if written < SHORT - 1 {
        return Ok(short[..written].to_vec());
    }
    let mut len = 0usize;
    // SAFETY: `env` and `raw` come from a live `Unknown` of type string; a
    // null buffer asks only for the length.
    check(unsafe {
        sys::napi_get_value_string_utf16(env, raw, std::ptr::null_mut(), 0, &mut len)
    })?;
    let mut units: Vec<u16> = Vec::with_capacity(len + 1);
    let mut written = 0usize;
    // SAFETY: `units` has room for `len + 1` code units (napi writes a
    // terminating NUL); `written` code units are initialised afterwards.
    check(unsafe {
        sys::napi_get_value_string_utf16(env, raw, units.as_mut_ptr(), len + 1, &mut written)
    })?;
    // SAFETY: napi initialised `written <= len` units.
    unsafe { units.set_len(written.min(len)) };
    Ok(units)
}

fn check(status: sys::napi_status) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            Status::from(status),
            "napi call failed".to_owned(),
        ))
    }
}

/// JSON text from a string or bytes.
enum Text<'a> {
    Bytes(Uint8ArraySlice<'a>),
    Str(Unknown<'a>),
}

fn text_arg<'a>(env: &Env, value: Unknown<'a>, what: &str) -> napi::Result<Text<'a>> {
    match type_of(value)? {
        ValueType::String => Ok(Text::Str(value)),
        ValueType::Object if value.is_typedarray()? => match Uint8ArraySlice::from_unknown(value) {
            Ok(slice) => Ok(Text::Bytes(slice)),
            Err(_) => Err(invalid_argument(
                env,
                format!("{what} must be a string or a Uint8Array (Buffer), got another TypedArray"),
            )),
        },
        _ => Err(invalid_argument(
            env,
            format!(
                "{what} must be a string or a Uint8Array (Buffer), got {}",
                describe(value)
            ),
        )),
    }
}

/// Reads `{ maxDepth }`; `undefined`/`null` mean the defaults.
fn options_arg(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<Option<f64>> {
    let Some(value) = value else { return Ok(None) };
    match type_of(value)? {
        ValueType::Undefined | ValueType::Null => return Ok(None),
        ValueType::Object => {}
        _ => {
            return Err(invalid_argument(
                env,
                format!("options must be an object, got {}", describe(value)),
            ))
        }
    }
    let obj = Object::from_unknown(value)?;
    let depth: Unknown<'_> = obj.get_named_property("maxDepth")?;
    match type_of(depth)? {
        ValueType::Undefined => Ok(None),
        // The core checks the range 1..=1024 (`invalid_option`).
        ValueType::Number => Ok(Some(f64::from_unknown(depth)?)),
        _ => Err(invalid_argument(
            env,
            format!("options.maxDepth must be a number, got {}", describe(depth)),
        )),
    }
}

/// Reads an optional algorithm name; the core rejects unknown names.
fn algorithm_arg(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    match type_of(value)? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::String => Ok(Some(String::from_unknown(value)?)),
        _ => Err(invalid_argument(
            env,
            format!(
                "algorithm must be \"sha256\" or \"blake3\", got {}",
                describe(value)
            ),
        )),
    }
}

fn buffer<'e>(env: &'e Env, bytes: &[u8]) -> napi::Result<BufferSlice<'e>> {
    BufferSlice::copy_from(env, bytes)
}

/// Runs a text-path core call on JSON text given as bytes or a string.
fn with_text<T>(
    env: &Env,
    text: &Text<'_>,
    on_bytes: impl FnOnce(&[u8]) -> Result<T, trustcore::Error>,
    on_utf16: impl FnOnce(&[u16]) -> Result<T, trustcore::Error>,
) -> napi::Result<T> {
    match text {
        Text::Bytes(bytes) => on_bytes(bytes).or_throw(env),
        Text::Str(s) => {
            // The exact UTF-16 code units: a lone surrogate is
            // `lone_surrogate` at the byte offset the Rust parser gives.
            let units = utf16_units(*s)?;
            on_utf16(&units).or_throw(env)
        }
    }
}

// ---------------------------------------------------------------------------
// The value path: JS values read through `ValueSource`
// ---------------------------------------------------------------------------

/// State shared by one walk over a JS value.
struct Walk<'env> {
    env: &'env Env,
    object_prototype: Unknown<'env>,
    /// Set when a napi call failed because JS threw (a getter, a Proxy trap):
    /// that exception is what the caller should see.
    js_exception: Cell<bool>,
}

/// One JS value, as the core's canonicalizer reads it.
struct JsNode<'w, 'env> {
    walk: &'w Walk<'env>,
    value: Unknown<'env>,
}

impl<'env> Walk<'env> {
    fn new(env: &'env Env) -> napi::Result<Self> {
        let global = env.get_global()?;
        let object_ctor: Unknown<'_> = global.get_named_property("Object")?;
        let object_ctor = Object::from_unknown(object_ctor)?;
        let object_prototype: Unknown<'env> = object_ctor.get_named_property("prototype")?;
        Ok(Walk {
            env,
            object_prototype,
            js_exception: Cell::new(false),
        })
    }

    /// Maps a napi failure to a core error, remembering a pending JS exception.
    fn host_error(&self, err: napi::Error) -> trustcore::canonical::Error {
        if err.status == Status::PendingException || self.env_has_exception() {
            self.js_exception.set(true);
        }
        trustcore::canonical::Error::from_host(
            ErrorCode::UnsupportedType,
            format!("could not read the value: {}", err.reason),
        )
    }

    fn env_has_exception(&self) -> bool {
        let mut pending = false;
        // SAFETY: `env` is the live environment of this call.
        let status = unsafe { sys::napi_is_exception_pending(self.env.raw(), &mut pending) };
        status == sys::Status::napi_ok && pending
    }

    fn node(&self, value: Unknown<'env>) -> JsNode<'_, 'env> {
        JsNode { walk: self, value }
    }
}

impl<'w, 'env> JsNode<'w, 'env> {
    fn read_inner(&self) -> napi::Result<SourceValue<'static, Self>> {
        let v = self.value;
        Ok(match v.get_type()? {
            ValueType::Null => SourceValue::Null,
            ValueType::Boolean => SourceValue::Bool(bool::from_unknown(v)?),
            // NaN and infinities are refused by the core (`non_finite_number`).
            ValueType::Number => SourceValue::Number(f64::from_unknown(v)?),
            ValueType::String => SourceValue::Utf16(utf16_units(v)?),
            ValueType::Undefined => SourceValue::Unsupported("undefined".into()),
            ValueType::Symbol => SourceValue::Unsupported("a symbol".into()),
            ValueType::Function => SourceValue::Unsupported("a function".into()),
            ValueType::BigInt => SourceValue::Unsupported(
                "a BigInt (convert it to a number or a string first)".into(),
            ),
            ValueType::External => SourceValue::Unsupported("an external value".into()),
            ValueType::Object => self.read_object()?,
            _ => SourceValue::Unsupported("a value of unknown type".into()),
        })
    }

    fn read_object(&self) -> napi::Result<SourceValue<'static, Self>> {
        let v = self.value;
        let walk = self.walk;
        if v.is_array()? {
            let array = Object::from_unknown(v)?;
            let len = array.get_array_length()?;
            let mut items = Vec::with_capacity(len as usize);
            for i in 0..len {
                // A hole reads as `undefined`, which the core refuses.
                let item: Unknown<'env> = array.get_element(i)?;
                items.push(walk.node(item));
            }
            return Ok(SourceValue::Array(items));
        }
        // Plain objects only: Date, Map, Set, RegExp, Buffer, typed arrays,
        // boxed primitives and class instances all have another prototype.
        let obj = Object::from_unknown(v)?;
        let proto = obj.get_prototype()?;
        let plain = walk.env.strict_equals(proto, walk.object_prototype)?
            || proto.get_type()? == ValueType::Null;
        if !plain {
            if v.is_typedarray()? || v.is_buffer()? {
                return Ok(SourceValue::Unsupported(format!(
                    "{} (binary data)",
                    self.class_name()
                )));
            }
            return Ok(SourceValue::Unsupported(self.class_name()));
        }
        // Own enumerable properties, symbols included so they are refused
        // rather than dropped; integer-like names come back as strings.
        let names = obj.get_all_property_names(
            KeyCollectionMode::OwnOnly,
            KeyFilter::Enumerable,
            KeyConversion::NumbersToStrings,
        )?;
        let count = names.get_array_length()?;
        let mut members = Vec::with_capacity(count as usize);
        for i in 0..count {
            let name: Unknown<'env> = names.get_element(i)?;
            let key = match name.get_type()? {
                ValueType::String => Key::Utf16(utf16_units(name)?),
                ValueType::Symbol => Key::NonString("symbol".into()),
                _ => Key::NonString(describe(name).into()),
            };
            let value: Unknown<'env> = obj.get_property(name)?;
            members.push((key, walk.node(value)));
        }
        Ok(SourceValue::Object(members))
    }

    /// A readable name for a non-plain object: `a Date`, `a Map`, `an
    /// instance of Foo`.
    fn class_name(&self) -> String {
        let name = Object::from_unknown(self.value)
            .and_then(|o| o.get_named_property::<Unknown<'_>>("constructor"))
            .and_then(|c| {
                if c.get_type()? == ValueType::Function {
                    let f = Object::from_unknown(c)?;
                    let n: Unknown<'_> = f.get_named_property("name")?;
                    if n.get_type()? == ValueType::String {
                        return String::from_unknown(n).map(Some);
                    }
                }
                Ok(None)
            });
        match name {
            Ok(n) => trustcore::canonical::describe_js_object(n.as_deref()),
            Err(e) => {
                // A throwing `constructor` getter: keep its exception.
                self.walk.host_error(e);
                trustcore::canonical::describe_js_object(None)
            }
        }
    }
}

impl<'w, 'env> ValueSource for JsNode<'w, 'env> {
    fn read(&self) -> Result<SourceValue<'_, Self>, trustcore::canonical::Error> {
        if self.walk.js_exception.get() {
            return Err(self.walk.host_error(napi::Error::new(
                Status::PendingException,
                "a JavaScript exception is pending".to_owned(),
            )));
        }
        self.read_inner().map_err(|e| self.walk.host_error(e))
    }
}

/// Runs a value-path core call on a JS value.
fn with_value<'env, T>(
    env: &'env Env,
    value: Unknown<'env>,
    f: impl for<'w> FnOnce(&JsNode<'w, 'env>) -> Result<T, trustcore::Error>,
) -> napi::Result<T> {
    let walk = Walk::new(env)?;
    let result = f(&walk.node(value));
    match result {
        Ok(out) => Ok(out),
        // A getter or Proxy trap threw: let that exception through unchanged.
        Err(_) if walk.js_exception.get() && walk.env_has_exception() => Err(napi::Error::new(
            Status::PendingException,
            "JavaScript exception while reading the value".to_owned(),
        )),
        Err(e) => Err(throw_core(env, e)),
    }
}

// ---------------------------------------------------------------------------
// Exported functions
// ---------------------------------------------------------------------------

/// Canonical bytes (RFC 8785) of a JavaScript value.
///
/// Accepts `null`, booleans, finite numbers, strings, arrays and plain
/// objects (prototype `Object.prototype` or `null`). Everything else throws
/// with code `unsupported_type`: `undefined` (also as an array element or a
/// property value), functions, symbols, BigInt, Date, Map, Set, Buffer and
/// typed arrays, RegExp, class instances, boxed primitives. NaN and
/// ±Infinity throw `non_finite_number`; a lone surrogate in a string or a
/// key throws `lone_surrogate`; nesting deeper than `maxDepth` (and any
/// cycle) throws `depth_limit`.
///
/// Errors are `Error` objects with `name` (`CanonicalJsonError`), `code`,
/// `message` and `path` (a JSON Pointer to the offending value).
#[napi(
    ts_args_type = "value: unknown, options?: CanonicalizeOptions",
    ts_return_type = "Buffer"
)]
pub fn canonicalize<'e>(
    env: &'e Env,
    value: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<BufferSlice<'e>> {
    let max_depth = options_arg(env, options)?;
    let bytes = with_value(env, value, |v| {
        trustcore::ffi::canonicalize_value(v, max_depth)
    })?;
    buffer(env, &bytes)
}

/// Canonical bytes (RFC 8785) of JSON text, read as strict I-JSON.
///
/// `text` is UTF-8 bytes (a `Buffer` or `Uint8Array`) or a string. Rejects
/// duplicate member names, invalid UTF-8, lone surrogates (escaped, encoded,
/// or in the JS string itself), NaN/Infinity, numbers that overflow a double
/// or lose integer precision, nesting deeper than `maxDepth` and trailing
/// data. Errors are `Error` objects with `name` (`CanonicalJsonError`),
/// `code` and `offset` (a byte offset into the UTF-8 text).
#[napi(
    js_name = "canonicalizeText",
    ts_args_type = "text: string | Uint8Array, options?: CanonicalizeOptions",
    ts_return_type = "Buffer"
)]
pub fn canonicalize_text<'e>(
    env: &'e Env,
    text: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<BufferSlice<'e>> {
    let text = text_arg(env, text, "text")?;
    let max_depth = options_arg(env, options)?;
    let bytes = with_text(
        env,
        &text,
        |b| trustcore::ffi::canonicalize_text(b, max_depth),
        |u| trustcore::ffi::canonicalize_utf16(u, max_depth),
    )?;
    buffer(env, &bytes)
}

/// Named digest of raw bytes: `"sha256:<64 hex>"` (default) or
/// `"blake3:<64 hex>"`. A string is digested as its UTF-8 bytes; a string
/// holding a lone surrogate has no UTF-8 form and throws `lone_surrogate`.
#[napi(
    ts_args_type = "data: Uint8Array | string, algorithm?: 'sha256' | 'blake3'",
    ts_return_type = "string"
)]
pub fn digest(
    env: &Env,
    data: Unknown<'_>,
    algorithm: Option<Unknown<'_>>,
) -> napi::Result<String> {
    let data = text_arg(env, data, "data")?;
    let algorithm = algorithm_arg(env, algorithm)?;
    let alg = algorithm.as_deref();
    // A string with a lone surrogate has no UTF-8 form (`lone_surrogate`).
    with_text(
        env,
        &data,
        |b| trustcore::ffi::digest(b, alg),
        |u| trustcore::ffi::digest_utf16(u, alg),
    )
}

/// Named digest of the canonical bytes of a JavaScript value (see
/// `canonicalize`).
#[napi(
    js_name = "canonicalDigest",
    ts_args_type = "value: unknown, algorithm?: 'sha256' | 'blake3', options?: CanonicalizeOptions",
    ts_return_type = "string"
)]
pub fn canonical_digest(
    env: &Env,
    value: Unknown<'_>,
    algorithm: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> napi::Result<String> {
    let algorithm = algorithm_arg(env, algorithm)?;
    let max_depth = options_arg(env, options)?;
    let alg = algorithm.as_deref();
    with_value(env, value, |v| {
        trustcore::ffi::canonical_digest_value(v, alg, max_depth)
    })
}

/// Named digest of the canonical bytes of JSON text (see
/// `canonicalizeText`).
#[napi(
    js_name = "canonicalDigestText",
    ts_args_type = "text: string | Uint8Array, algorithm?: 'sha256' | 'blake3', options?: CanonicalizeOptions",
    ts_return_type = "string"
)]
pub fn canonical_digest_text(
    env: &Env,
    text: Unknown<'_>,
    algorithm: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> napi::Result<String> {
    let text = text_arg(env, text, "text")?;
    let algorithm = algorithm_arg(env, algorithm)?;
    let max_depth = options_arg(env, options)?;
    let alg = algorithm.as_deref();
    with_text(
        env,
        &text,
        |b| trustcore::ffi::canonical_digest_text(b, alg, max_depth),
        |u| trustcore::ffi::canonical_digest_utf16(u, alg, max_depth),
    )
}

/// Parses digest text `"sha256:<64 lowercase hex>"` or
/// `"blake3:<64 lowercase hex>"`. Errors have `name` `DigestError` and code
/// `unknown_algorithm` or `malformed_digest`.
#[napi(
    js_name = "parseDigest",
    ts_args_type = "text: string",
    ts_return_type = "ParsedDigest"
)]
pub fn parse_digest(env: &Env, text: Unknown<'_>) -> napi::Result<ParsedDigest> {
    if type_of(text)? != ValueType::String {
        return Err(invalid_argument(
            env,
            format!("text must be a string, got {}", describe(text)),
        ));
    }
    let units = utf16_units(text)?;
    // A lone surrogate cannot be part of a digest; U+FFFD in its place is
    // rejected by the parser just the same.
    let text = String::from_utf16_lossy(&units);
    let parsed = trustcore::ffi::parse_digest(&text).or_throw(env)?;
    Ok(ParsedDigest {
        algorithm: parsed.algorithm.to_owned(),
        hex: parsed.hex,
    })
}

// ---------------------------------------------------------------------------
// JSON values between the core and JavaScript
// ---------------------------------------------------------------------------

/// A core value (`serde_json::Value`) handed to JavaScript as plain data,
/// as `JSON.parse` of its text would build it: every number is a JS number
/// (never a BigInt), objects are plain objects.
pub struct Json(pub serde_json::Value);

impl napi::bindgen_prelude::TypeName for Json {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl napi::bindgen_prelude::ToNapiValue for Json {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: `env` is the live environment napi hands to the conversion.
        unsafe { json_to_napi(env, &val.0) }
    }
}

/// # Safety
/// `env` must be a live napi environment on its JS thread.
unsafe fn json_to_napi(env: sys::napi_env, v: &serde_json::Value) -> napi::Result<sys::napi_value> {
    use napi::bindgen_prelude::{Null, ToNapiValue};
    use serde_json::Value;
    // SAFETY (all calls below): `env` is live (caller's contract); every
    // out-pointer is a local.
    unsafe {
        match v {
            Value::Null => Null::to_napi_value(env, Null),
            Value::Bool(b) => bool::to_napi_value(env, *b),
            Value::Number(n) => f64::to_napi_value(env, n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => <&str>::to_napi_value(env, s.as_str()),
            Value::Array(items) => {
                let mut arr = std::ptr::null_mut();
                check(sys::napi_create_array_with_length(
                    env,
                    items.len(),
                    &mut arr,
                ))?;
                for (i, item) in items.iter().enumerate() {
                    let js = json_to_napi(env, item)?;
                    check(sys::napi_set_element(env, arr, i as u32, js))?;
                }
                Ok(arr)
            }
            Value::Object(map) => {
                let mut obj = std::ptr::null_mut();
                check(sys::napi_create_object(env, &mut obj))?;
                for (k, item) in map {
                    let key = <&str>::to_napi_value(env, k.as_str())?;
                    let js = json_to_napi(env, item)?;
                    check(sys::napi_set_property(env, obj, key, js))?;
                }
                Ok(obj)
            }
        }
    }
}

/// JSON text made by the core (canonical, so valid JSON) as a JS value,
/// built by the engine's own `JSON.parse` (much faster than setting
/// properties one by one through Node-API).
pub(crate) fn parse_json<'e>(env: &'e Env, text: String) -> napi::Result<Unknown<'e>> {
    let global = env.get_global()?;
    let json: Object<'_> = global.get_named_property("JSON")?;
    let parse: napi::bindgen_prelude::Function<'_, String, Unknown<'_>> =
        json.get_named_property("parse")?;
    parse.apply(json, text)
}

/// A JS value as a core value, read with the rules of `canonicalize` (so
/// `undefined`, BigInt, Date, Map, lone surrogates, ... fail with the
/// canonical-JSON error codes instead of being dropped or replaced).
pub(crate) fn js_to_json(env: &Env, value: Unknown<'_>) -> napi::Result<serde_json::Value> {
    let bytes = with_value(env, value, |v| trustcore::ffi::canonicalize_value(v, None))?;
    json_from_canonical(env, &bytes)
}

/// JSON text (a string, checked for lone surrogates, or UTF-8 bytes) read
/// as strict I-JSON into a core value.
pub(crate) fn text_to_json(env: &Env, text: &Text<'_>) -> napi::Result<serde_json::Value> {
    let bytes = with_text(
        env,
        text,
        |b| trustcore::ffi::canonicalize_text(b, None),
        |u| trustcore::ffi::canonicalize_utf16(u, None),
    )?;
    json_from_canonical(env, &bytes)
}

/// A JS object/array as a core value, or JSON text parsed strictly.
pub(crate) fn value_or_text(env: &Env, value: Unknown<'_>) -> napi::Result<serde_json::Value> {
    match type_of(value)? {
        ValueType::String => text_to_json(env, &Text::Str(value)),
        ValueType::Object if value.is_typedarray()? => {
            let text = text_arg(env, value, "text")?;
            text_to_json(env, &text)
        }
        _ => js_to_json(env, value),
    }
}

fn json_from_canonical(env: &Env, bytes: &[u8]) -> napi::Result<serde_json::Value> {
    // Canonical JSON always reads back; a failure here would be a core bug.
    serde_json::from_slice(bytes)
        .map_err(|e| invalid_argument(env, format!("unreadable value: {e}")))
}

/// Throws an `Error` of a given `name` and `code`, for
/// conditions the binding itself detects (a finished verifier).
pub(crate) fn named_error(env: &Env, name: &str, code: &str, message: &str) -> napi::Error {
    let js = JsError::from(napi::Error::new(code, message.to_owned())).into_unknown(*env);
    let thrown = Object::from_unknown(js)
        .and_then(|mut obj| {
            obj.set_named_property("name", name)?;
            Ok(obj)
        })
        .and_then(|obj| env.throw(obj));
    match thrown {
        Ok(()) => napi::Error::new(Status::PendingException, message.to_owned()),
        Err(e) => e,
    }
}
