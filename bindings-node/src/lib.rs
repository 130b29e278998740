//! Node.js binding of trustcore: canonical JSON, digests, keys and
//! signatures ([`signing`]), audit chains ([`chain`]), Merkle checkpoints
//! ([`merkle`]) and policy evaluation ([`policy`]).
//!
//! This crate only converts JavaScript values to what the core expects and
//! maps `trustcore::Error` to JavaScript `Error` objects carrying `code`,
//! `offset`, `path` and `name`. Every rule lives in the core, once:
//!
//! * options objects are converted to a JSON value with the value rules of
//!   `canonicalize` and read by the core's definitions
//!   (`VerifyOptions::from_value`, ... with [`NAMING`]), so names, bounds,
//!   defaults and the `unknown_option` / `invalid_option` codes are the
//!   core's;
//! * reports are the core's values (`to_value_named(NAMING)`), turned into
//!   JS by [`Json`], the one JSON-to-JS converter (integers canonical JSON
//!   would not read back as the same number become `BigInt`s);
//! * arrays are read element by element, never pre-allocated from their
//!   `length`, and a hole fails at the first one ([`array_items`]).

#![deny(clippy::all)]

/// Gives a class whose instances come from its factories a `new` that
/// throws a `TypeError` with code `invalid_argument` naming them (instead
/// of napi's code-less "Class contains no `constructor`" error).
macro_rules! factory_only {
    ($ty:ident, $how:literal) => {
        #[napi_derive::napi]
        impl $ty {
            #[doc = concat!("Not for `new`: instances come from ", $how, " (`new` throws a `TypeError` with code `invalid_argument`).")]
            #[napi(constructor)]
            pub fn no_public_constructor(env: &napi::Env) -> napi::Result<Self> {
                Err(crate::invalid_argument(
                    env,
                    concat!(stringify!($ty), " has no public constructor: use ", $how).to_owned(),
                ))
            }
        }
    };
}

pub mod chain;
pub mod cli;
pub mod merkle;
pub mod policy;
pub mod profile;
pub mod redact;
pub mod segment;
pub mod signing;
pub mod snapshot;
pub mod sql;

use napi::bindgen_prelude::{
    BufferSlice, FromNapiValue, JsObjectValue, JsValue, KeyCollectionMode, KeyConversion,
    KeyFilter, Object, Uint8ArraySlice, Unknown,
};
use napi::{sys, Env, JsError, JsTypeError, Status, ValueType};
use napi_derive::napi;
use std::cell::Cell;
use trustcore::canonical::{ErrorCode, Key, SourceValue, ValueSource};
use trustcore::options::Naming;
use trustcore::ErrorKind;

/// How JavaScript spells option and report member names (`stopAtFirst`,
/// `breakCounts`).
pub(crate) const NAMING: Naming = Naming::Camel;

/// The version of this package and of the trustcore core it was built from.
#[napi]
pub const VERSION: &str = trustcore::ffi::VERSION;

/// Returns the version of this package (the same as `VERSION`).
#[napi]
pub fn version() -> &'static str {
    trustcore::ffi::VERSION
}

/// Options for canonicalization (read by the core: an unknown key is
/// `OptionsError` `unknown_option`, a bad value `invalid_option`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CanonicalizeOptions {
    /// Maximum nesting depth of arrays and objects, an integer 1..=1024
    /// (default 128). A deeper document (or a cyclic value) fails with code
    /// `depth_limit`.
    pub max_depth: Option<u32>,
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

/// The `name` of a JS error for a core error kind. An exhaustive match: a
/// new kind in the core does not compile here until it is mapped.
pub(crate) fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Canonical
        | ErrorKind::Chain
        | ErrorKind::Digest
        | ErrorKind::Key
        | ErrorKind::Envelope
        | ErrorKind::Time
        | ErrorKind::Registry
        | ErrorKind::Merkle
        | ErrorKind::Policy
        | ErrorKind::Options
        | ErrorKind::Profile
        | ErrorKind::Cli
        | ErrorKind::Sql
        | ErrorKind::Snapshot
        | ErrorKind::Redact => kind.as_str(),
    }
}

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
    obj.set_named_property("name", kind_name(err.kind()))?;
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

impl<T, E: Into<trustcore::Error>> OrThrow<T> for Result<T, E> {
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

/// Whether `value` is `undefined` or `null` (an optional argument left out).
fn is_nullish(value: Unknown<'_>) -> napi::Result<bool> {
    Ok(matches!(
        type_of(value)?,
        ValueType::Undefined | ValueType::Null
    ))
}

/// Reads the UTF-16 code units of a JS string exactly (lone surrogates kept).
/// The string exists in the engine, so its length is real; the copy is
/// reserved fallibly so that even a string too large to copy is an error,
/// never an aborted process.
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
    let mut units: Vec<u16> = Vec::new();
    units.try_reserve_exact(len + 1).map_err(|_| {
        napi::Error::new(
            Status::GenericFailure,
            format!("a string of {len} UTF-16 code units is too large to read"),
        )
    })?;
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

/// An options argument as the core reads it: `undefined` / `null` (or left
/// out) is `None`; anything else is converted with the value rules of
/// `canonicalize` (so `undefined` members, BigInt, Date, getters that throw
/// are refused or propagate, never dropped) and handed to the core's
/// reader, which refuses a non-object (`invalid_option`) and unknown keys
/// (`unknown_option`).
pub(crate) fn options_value(
    env: &Env,
    value: Option<Unknown<'_>>,
) -> napi::Result<Option<serde_json::Value>> {
    match value {
        None => Ok(None),
        Some(v) if is_nullish(v)? => Ok(None),
        Some(v) => js_to_json(env, v).map(Some),
    }
}

/// Canonicalization options through the core (`{maxDepth?}`).
fn canonicalize_options(
    env: &Env,
    value: Option<Unknown<'_>>,
) -> napi::Result<trustcore::canonical::Options> {
    let v = options_value(env, value)?;
    trustcore::ffi::canonicalize_options(v.as_ref(), NAMING).or_throw(env)
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
pub(crate) fn with_text<T, E: Into<trustcore::Error>>(
    env: &Env,
    text: &Text<'_>,
    on_bytes: impl FnOnce(&[u8]) -> Result<T, E>,
    on_utf16: impl FnOnce(&[u16]) -> Result<T, E>,
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
// Arrays: element by element, never from the claimed length
// ---------------------------------------------------------------------------

/// Arrays up to this length are read without the hole scan: their length
/// bounds the work whatever their elements are.
const SCAN_FROM: u32 = 256;

/// The per-environment helpers of this addon (`Env` instance data): two
/// small JS functions, compiled once per environment, that do what
/// Node-API cannot (see [`own_prefix`] and [`object_kind`]).
struct Helpers {
    /// `(array, length) => index of the first element that is not an own
    /// property (a hole), or length`.
    own_prefix: sys::napi_ref,
    /// `(object) => 0 (plain), 1 (an array: a Proxy of one), 2 (another
    /// prototype)`, through the engine's own `Array.isArray` and
    /// `Object.getPrototypeOf` (which see through a Proxy).
    kind: sys::napi_ref,
    /// `JSON.parse` as it was when the helpers were made (a later
    /// replacement of the global does not see the core's reports).
    parse: sys::napi_ref,
}

/// The helper functions' source: captured builtins, so a caller replacing
/// `Object.hasOwn` later does not change what they do.
const HELPERS_JS: &str = "(() => { \
    const hasOwn = Object.hasOwn, isArray = Array.isArray, protoOf = Object.getPrototypeOf, objectProto = Object.prototype, parse = JSON.parse; \
    return [ \
      (a, n) => { for (let i = 0; i < n; i++) if (!hasOwn(a, i)) return i; return n; }, \
      (o) => { if (isArray(o)) return 1; const p = protoOf(o); return p === null || p === objectProto ? 0 : 2; }, \
      (text) => parse(text), \
    ]; })()";

/// Calls helper `pick` of this env with `args`.
fn call_helper(
    env: &Env,
    pick: fn(&Helpers) -> sys::napi_ref,
    args: &[sys::napi_value],
) -> napi::Result<sys::napi_value> {
    let raw_env = env.raw();
    let helpers: &Helpers = match env.get_instance_data::<Helpers>()? {
        Some(h) => h,
        None => {
            let list: Object<'_> = env.run_script(HELPERS_JS)?;
            let mut refs = [std::ptr::null_mut(); 3];
            for (i, r) in refs.iter_mut().enumerate() {
                let f: Unknown<'_> = list.get_element(i as u32)?;
                // SAFETY: `f` is a live function value of this env.
                check(unsafe { sys::napi_create_reference(raw_env, f.raw(), 1, r) })?;
            }
            env.set_instance_data(
                Helpers {
                    own_prefix: refs[0],
                    kind: refs[1],
                    parse: refs[2],
                },
                (),
                |_| {},
            )?;
            match env.get_instance_data::<Helpers>()? {
                Some(h) => h,
                None => return Err(napi::Error::from_reason("helpers were not kept")),
            }
        }
    };
    let mut func = std::ptr::null_mut();
    let mut undefined = std::ptr::null_mut();
    let mut out = std::ptr::null_mut();
    // SAFETY: the references were created in this env and are never
    // deleted; every out-pointer is a local.
    unsafe {
        check(sys::napi_get_reference_value(
            raw_env,
            pick(helpers),
            &mut func,
        ))?;
        check(sys::napi_get_undefined(raw_env, &mut undefined))?;
        check(sys::napi_call_function(
            raw_env,
            undefined,
            func,
            args.len(),
            args.as_ptr(),
            &mut out,
        ))?;
    }
    Ok(out)
}

/// The number of leading elements of `array` (of `len`) that are its own
/// properties: a hole ends them. A sparse array's `length` claims elements
/// that take no memory (`new Array(2 ** 32 - 1)`), and holes read through
/// the prototype chain, which a Proxy can fill with values: scanning for
/// the first hole (in the engine, without allocating) keeps every read
/// proportional to memory the array really holds.
fn own_prefix(env: &Env, array: &Object<'_>, len: u32) -> napi::Result<u32> {
    if len <= SCAN_FROM {
        return Ok(len);
    }
    let mut n = std::ptr::null_mut();
    // SAFETY: a local out-pointer in this env.
    check(unsafe { sys::napi_create_uint32(env.raw(), len, &mut n) })?;
    let out = call_helper(env, |h| h.own_prefix, &[array.raw(), n])?;
    let mut prefix = 0u32;
    // SAFETY: `out` is the helper's number result.
    check(unsafe { sys::napi_get_value_uint32(env.raw(), out, &mut prefix) })?;
    Ok(prefix.min(len))
}

/// What an object Node-API sees with a `null` prototype really is: a
/// Proxy hides its target's prototype (and array-ness) from Node-API, so
/// the engine is asked. `0`: plain, `1`: an array (a Proxy of one), `2`:
/// anything else. A throwing trap propagates.
fn object_kind(env: &Env, value: Unknown<'_>) -> napi::Result<u32> {
    let out = call_helper(env, |h| h.kind, &[value.raw()])?;
    let mut kind = 2u32;
    // SAFETY: `out` is the helper's number result.
    check(unsafe { sys::napi_get_value_uint32(env.raw(), out, &mut kind) })?;
    Ok(kind)
}

/// Converts the elements of a JS array one by one with `each(env, item,
/// index)`, stopping at the first failure. Nothing is allocated from the
/// array's `length`; a hole (or `undefined`) reaches `each` as `undefined`
/// (every converter refuses it with its own code) and nothing after it is
/// read.
pub(crate) fn array_items<T>(
    env: &Env,
    value: Unknown<'_>,
    what: &str,
    mut each: impl FnMut(&Env, Unknown<'_>, u32) -> napi::Result<T>,
) -> napi::Result<Vec<T>> {
    if type_of(value)? != ValueType::Object || !value.is_array()? {
        return Err(invalid_argument(
            env,
            format!("{what} must be an array, got {}", describe(value)),
        ));
    }
    let list = Object::from_unknown(value)?;
    let len = list.get_array_length()?;
    let own = own_prefix(env, &list, len)?;
    let mut out = Vec::new();
    for i in 0..len {
        if i >= own {
            return Err(invalid_argument(
                env,
                format!("{what}[{i}] is an empty slot (a hole in a sparse array)"),
            ));
        }
        let item: Unknown<'_> = list.get_element(i)?;
        out.push(each(env, item, i)?);
    }
    Ok(out)
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

/// One JS value, as the core's canonicalizer reads it (`None`: an empty
/// array slot).
struct JsNode<'w, 'env> {
    walk: &'w Walk<'env>,
    value: Option<Unknown<'env>>,
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
        JsNode {
            walk: self,
            value: Some(value),
        }
    }

    fn hole(&self) -> JsNode<'_, 'env> {
        JsNode {
            walk: self,
            value: None,
        }
    }
}

impl<'w, 'env> JsNode<'w, 'env> {
    fn read_inner(&self, v: Unknown<'env>) -> napi::Result<SourceValue<'static, Self>> {
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
            ValueType::Object => self.read_object(v)?,
            _ => SourceValue::Unsupported("a value of unknown type".into()),
        })
    }

    fn read_object(&self, v: Unknown<'env>) -> napi::Result<SourceValue<'static, Self>> {
        let walk = self.walk;
        if v.is_array()? {
            let array = Object::from_unknown(v)?;
            let len = array.get_array_length()?;
            let own = own_prefix(walk.env, &array, len)?;
            // Grown as elements are read, never from `length`; the core
            // refuses the first `undefined` or hole, so nothing after one
            // is read.
            let mut items = Vec::new();
            for i in 0..own {
                let item: Unknown<'env> = array.get_element(i)?;
                let undefined = item.get_type()? == ValueType::Undefined;
                items.push(walk.node(item));
                if undefined {
                    return Ok(SourceValue::Array(items));
                }
            }
            if own < len {
                items.push(walk.hole());
            }
            return Ok(SourceValue::Array(items));
        }
        // Plain objects only: Date, Map, Set, RegExp, Buffer, typed arrays,
        // boxed primitives and class instances all have another prototype.
        let obj = Object::from_unknown(v)?;
        let proto = obj.get_prototype()?;
        let plain = if walk.env.strict_equals(proto, walk.object_prototype)? {
            true
        } else if proto.get_type()? == ValueType::Null {
            // A null-prototype object, or a Proxy (whose target Node-API
            // does not see): the engine says which.
            match object_kind(walk.env, v)? {
                0 => true,
                1 => {
                    return Ok(SourceValue::Unsupported(
                        "a Proxy of an array (pass the array itself)".into(),
                    ))
                }
                _ => false,
            }
        } else {
            false
        };
        if !plain {
            if v.is_typedarray()? || v.is_buffer()? {
                return Ok(SourceValue::Unsupported(format!(
                    "{} (binary data)",
                    self.class_name(v)
                )));
            }
            return Ok(SourceValue::Unsupported(self.class_name(v)));
        }
        // Own enumerable properties, symbols included so they are refused
        // rather than dropped; integer-like names come back as strings.
        let names = obj.get_all_property_names(
            KeyCollectionMode::OwnOnly,
            KeyFilter::Enumerable,
            KeyConversion::NumbersToStrings,
        )?;
        let count = names.get_array_length()?;
        let mut members = Vec::new();
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
    fn class_name(&self, v: Unknown<'env>) -> String {
        let name = Object::from_unknown(v)
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
        match self.value {
            None => Ok(SourceValue::Unsupported(
                "an empty array slot (a hole in a sparse array)".into(),
            )),
            Some(v) => self.read_inner(v).map_err(|e| self.walk.host_error(e)),
        }
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

/// Canonical bytes of a JS value with the value rules.
pub(crate) fn canonical_value(
    env: &Env,
    value: Unknown<'_>,
    options: &trustcore::canonical::Options,
) -> napi::Result<Vec<u8>> {
    with_value(env, value, |v| {
        Ok(trustcore::canonical::canonicalize_source(v, options)?)
    })
}

// ---------------------------------------------------------------------------
// Exported functions
// ---------------------------------------------------------------------------

/// Canonical bytes (RFC 8785) of a JavaScript value.
///
/// Accepts `null`, booleans, finite numbers, strings, arrays and plain
/// objects (prototype `Object.prototype` or `null`). Everything else throws
/// with code `unsupported_type`: `undefined` (also as an array element or a
/// property value), holes of sparse arrays, functions, symbols, BigInt,
/// Date, Map, Set, Buffer and typed arrays, RegExp, class instances, boxed
/// primitives. NaN and ±Infinity throw `non_finite_number`; a lone
/// surrogate in a string or a key throws `lone_surrogate`; nesting deeper
/// than `maxDepth` (and any cycle) throws `depth_limit`.
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
    let options = canonicalize_options(env, options)?;
    let bytes = canonical_value(env, value, &options)?;
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
    let options = canonicalize_options(env, options)?;
    let bytes = with_text(
        env,
        &text,
        |b| trustcore::canonical::canonicalize_text_with(b, &options),
        |u| trustcore::canonical::canonicalize_utf16(u, &options),
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

/// The named digest of canonical bytes.
fn digest_of(alg: Option<&str>, bytes: &[u8]) -> Result<String, trustcore::Error> {
    let alg = trustcore::ffi::algorithm(alg)?;
    Ok(trustcore::digest::Digest::of(alg, bytes).to_string())
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
    let options = canonicalize_options(env, options)?;
    // The algorithm is checked before the value is read.
    trustcore::ffi::algorithm(algorithm.as_deref()).or_throw(env)?;
    let bytes = canonical_value(env, value, &options)?;
    digest_of(algorithm.as_deref(), &bytes).or_throw(env)
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
    let options = canonicalize_options(env, options)?;
    trustcore::ffi::algorithm(algorithm.as_deref()).or_throw(env)?;
    let bytes = with_text(
        env,
        &text,
        |b| trustcore::canonical::canonicalize_text_with(b, &options),
        |u| trustcore::canonical::canonicalize_utf16(u, &options),
    )?;
    digest_of(algorithm.as_deref(), &bytes).or_throw(env)
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

/// A core value (`serde_json::Value`: a report, a row, a decision) handed
/// to JavaScript as plain data. The one rule for numbers: an integer
/// becomes a JS number when canonical JSON would read it back as the same
/// number (every integer within ±(2^53−1), and beyond only the exact
/// ECMAScript spelling of a double: the core's lossy-integer rule,
/// `trustcore::canonical::integer_text_to_f64`); any other integer (a tree
/// size of 2^63−1) becomes a `BigInt`, never a rounded number. So every
/// number handed out canonicalizes again to the same text, and nothing is
/// silently rounded.
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
        unsafe { json_to_js(env, &val.0) }
    }
}

/// Canonical JSON text made by the core (a decision, an impact report),
/// handed to JavaScript like [`Json`] but straight from its text: the
/// canonical writer refuses every integer a JS number would round (the
/// lossy-integer rule), so the engine's `JSON.parse` of it gives exactly
/// what [`Json`] gives for its value, without building the value first.
pub struct CanonicalJson(pub String);

impl napi::bindgen_prelude::TypeName for CanonicalJson {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl napi::bindgen_prelude::ToNapiValue for CanonicalJson {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let env = Env::from_raw(env);
        parse_json(&env, val.0).map(|u| u.raw())
    }
}

/// The number rule of [`Json`]: `Some(double)` when the integer is a JS
/// number exactly, `None` when it must be a `BigInt`.
fn integer_as_number(text: String) -> Option<f64> {
    trustcore::canonical::integer_text_to_f64(&text).ok()
}

/// Whether any integer in `v` must become a `BigInt`.
fn needs_bigint(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => false,
        Value::Number(n) => integer_as_number(n.to_string()).is_none(),
        Value::Array(items) => items.iter().any(needs_bigint),
        Value::Object(m) => m.values().any(needs_bigint),
        _ => false,
    }
}

/// # Safety
/// `env` must be a live napi environment on its JS thread.
unsafe fn json_to_js(env: sys::napi_env, v: &serde_json::Value) -> napi::Result<sys::napi_value> {
    use serde_json::Value;
    // Objects and arrays without BigInts are built by the engine's own
    // `JSON.parse` of their text: much faster than member by member through
    // Node-API, and (like `JSON.parse`) every member an own data property,
    // `__proto__` included. The text is serde_json's, whose numbers parse
    // back to the same doubles (integers here all pass the rule above).
    if matches!(v, Value::Array(_) | Value::Object(_)) && !needs_bigint(v) {
        let env_ref = Env::from_raw(env);
        let text = serde_json::to_string(v)
            .map_err(|e| napi::Error::from_reason(format!("unprintable value: {e}")))?;
        return parse_json(&env_ref, text).map(|u| u.raw());
    }
    // SAFETY: the caller's contract.
    unsafe { build_js(env, v) }
}

/// Builds a value member by member (the path with BigInts).
///
/// # Safety
/// `env` must be a live napi environment on its JS thread.
unsafe fn build_js(env: sys::napi_env, v: &serde_json::Value) -> napi::Result<sys::napi_value> {
    use napi::bindgen_prelude::{Null, ToNapiValue};
    use serde_json::Value;
    // SAFETY (all calls below): `env` is live (caller's contract); every
    // out-pointer is a local.
    unsafe {
        match v {
            Value::Null => Null::to_napi_value(env, Null),
            Value::Bool(b) => bool::to_napi_value(env, *b),
            Value::Number(n) => {
                let mut out = std::ptr::null_mut();
                if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                    check(sys::napi_create_double(env, f, &mut out))?;
                } else if let Some(f) = integer_as_number(n.to_string()) {
                    check(sys::napi_create_double(env, f, &mut out))?;
                } else if let Some(i) = n.as_i64() {
                    check(sys::napi_create_bigint_int64(env, i, &mut out))?;
                } else {
                    let u = n.as_u64().unwrap_or_default();
                    check(sys::napi_create_bigint_uint64(env, u, &mut out))?;
                }
                Ok(out)
            }
            Value::String(s) => <&str>::to_napi_value(env, s.as_str()),
            Value::Array(items) => {
                let mut arr = std::ptr::null_mut();
                check(sys::napi_create_array(env, &mut arr))?;
                for (i, item) in items.iter().enumerate() {
                    let js = build_js(env, item)?;
                    let index = u32::try_from(i)
                        .map_err(|_| napi::Error::from_reason("array too long for JavaScript"))?;
                    check(sys::napi_set_element(env, arr, index, js))?;
                }
                Ok(arr)
            }
            Value::Object(map) => {
                let mut obj = std::ptr::null_mut();
                check(sys::napi_create_object(env, &mut obj))?;
                // Defined, not assigned: a member named `__proto__` is an
                // own property, as `JSON.parse` makes it.
                let mut props = Vec::with_capacity(map.len());
                for (k, item) in map {
                    props.push(sys::napi_property_descriptor {
                        utf8name: std::ptr::null(),
                        name: <&str>::to_napi_value(env, k.as_str())?,
                        method: None,
                        getter: None,
                        setter: None,
                        value: build_js(env, item)?,
                        attributes: sys::PropertyAttributes::writable
                            | sys::PropertyAttributes::enumerable
                            | sys::PropertyAttributes::configurable,
                        data: std::ptr::null_mut(),
                    });
                }
                check(sys::napi_define_properties(
                    env,
                    obj,
                    props.len(),
                    props.as_ptr(),
                ))?;
                Ok(obj)
            }
        }
    }
}

/// JSON text made by the core as a JS value, built by the engine's own
/// `JSON.parse` (see [`Json`], whose number rule the text must already
/// satisfy).
pub(crate) fn parse_json<'e>(env: &'e Env, text: String) -> napi::Result<Unknown<'e>> {
    use napi::bindgen_prelude::ToNapiValue;
    // SAFETY: a live env of this call; the string is a new value in it.
    let arg = unsafe { String::to_napi_value(env.raw(), text)? };
    let out = call_helper(env, |h| h.parse, &[arg])?;
    // SAFETY: `out` is a live value the helper returned in this env.
    unsafe { Unknown::from_napi_value(env.raw(), out) }
}

/// A JS value as a core value, read with the rules of `canonicalize` (so
/// `undefined`, BigInt, Date, Map, lone surrogates, holes, ... fail with the
/// canonical-JSON error codes instead of being dropped or replaced, and an
/// exception from a getter propagates).
pub(crate) fn js_to_json(env: &Env, value: Unknown<'_>) -> napi::Result<serde_json::Value> {
    let bytes = canonical_value(env, value, &trustcore::canonical::Options::default())?;
    json_from_canonical(env, &bytes)
}

/// JSON text (a string, checked for lone surrogates, or UTF-8 bytes) read
/// as strict I-JSON into a core value.
pub(crate) fn text_to_json(env: &Env, text: &Text<'_>) -> napi::Result<serde_json::Value> {
    let options = trustcore::canonical::Options::default();
    let bytes = with_text(
        env,
        text,
        |b| trustcore::canonical::canonicalize_text_with(b, &options),
        |u| trustcore::canonical::canonicalize_utf16(u, &options),
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

/// Throws an error of one of trustcore's classes (`ChainError`, …) with
/// `code`, written like the core's errors: the message, then `[code]`
/// (as in Python and WASM).
pub(crate) fn coded_error(env: &Env, name: &str, code: &str, message: &str) -> napi::Error {
    named_error(env, name, code, &format!("{message} [{code}]"))
}

/// Throws an `Error` of a given `name` and `code`, for conditions the
/// binding itself detects (a file that cannot be read).
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
