//! WebAssembly binding of trustcore: RFC 8785 canonical JSON, named digests,
//! the verifying side of signing (keys, Ed25519 verify, envelopes, the
//! signer registry, rotations, approvals), of the audit chain (streaming and
//! whole-export verification, replay, one event against a signed Merkle
//! checkpoint with an inclusion proof) and policy evaluation and
//! explanation, for browsers and Node, with the same bytes and verdicts as
//! the Rust core, the Node addon and the Python wheel.
//!
//! This crate only converts JavaScript values to what `trustcore::ffi`
//! expects and maps `trustcore::Error` to JavaScript `Error` objects carrying
//! `name`, `code`, `offset` and `path`. Every rule lives in the core.
//!
//! Nothing here may panic: the module is built with `panic = "abort"`, and a
//! trap would leave the instance unusable. Every JS call that can throw
//! (getters, Proxy traps) is imported with `catch`.

use js_sys::{Array, JsString, Object, Reflect, Uint8Array};
use std::borrow::Cow;
use std::cell::RefCell;
use trustcore::canonical::{ErrorCode, Key, SourceValue, ValueSource};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

mod chain;
mod merkle;
mod policy;
mod signing;

#[wasm_bindgen(typescript_custom_section)]
const TS_API: &'static str = r#"
/** Options for canonicalization. */
export interface CanonicalizeOptions {
  /**
   * Maximum nesting depth of arrays and objects, 1..=1024 (default 128).
   * A deeper document (or a cyclic value) fails with code `depth_limit`.
   */
  maxDepth?: number;
}

/** A digest algorithm name. */
export type Algorithm = "sha256" | "blake3";

/** A parsed digest. */
export interface ParsedDigest {
  /** `"sha256"` or `"blake3"`. */
  algorithm: Algorithm;
  /** The 64 lowercase hex digits. */
  hex: string;
}

/**
 * The errors this module throws: `name` is the core's error class
 * (`CanonicalJsonError`, `DigestError`, `KeyError`, `EnvelopeError`,
 * `TimestampError`, `RegistryError`, `ChainError`, `MerkleError`,
 * `PolicyError`; a `TypeError` with code
 * `invalid_argument` for arguments of the wrong type), `code` is a stable
 * string such as `duplicate_key` or `signer_expired`.
 */
export interface TrustcoreError extends Error {
  name:
    | "CanonicalJsonError"
    | "DigestError"
    | "KeyError"
    | "EnvelopeError"
    | "TimestampError"
    | "RegistryError"
    | "ChainError"
    | "MerkleError"
    | "PolicyError"
    | "TypeError";
  /** Stable error code, e.g. `duplicate_key`, `lone_surrogate`. */
  code: string;
  /** Byte offset into the UTF-8 text (text path) or character offset (digest text). */
  offset?: number;
  /** JSON Pointer of the offending value (value path), or of the offending place in a policy set or record (`PolicyError`). */
  path?: string;
}

/**
 * Canonical bytes (RFC 8785) of a JavaScript value.
 *
 * Accepts `null`, booleans, finite numbers, strings, arrays and plain objects
 * (prototype `Object.prototype` or `null`). Everything else throws with code
 * `unsupported_type`: `undefined` (also as an array element, a hole or a
 * property value), functions, symbols, BigInt, Date, Map, Set, typed arrays,
 * class instances, boxed primitives. NaN and ±Infinity throw
 * `non_finite_number`; a lone surrogate in a string or a key throws
 * `lone_surrogate`; nesting deeper than `maxDepth` (and any cycle) throws
 * `depth_limit`. Errors carry `path`, a JSON Pointer to the offending value.
 */
export function canonicalize(value: unknown, options?: CanonicalizeOptions): Uint8Array;

/**
 * Canonical bytes (RFC 8785) of JSON text, read as strict I-JSON.
 *
 * `text` is UTF-8 bytes or a string (whose UTF-16 code units are read
 * exactly, so a lone surrogate throws `lone_surrogate`). Rejects duplicate
 * member names, invalid UTF-8, lone surrogates, NaN/Infinity, numbers that
 * overflow a double or lose integer precision, nesting deeper than `maxDepth`
 * and trailing data. Errors carry `offset`, a byte offset into the UTF-8 text.
 */
export function canonicalizeText(text: string | Uint8Array, options?: CanonicalizeOptions): Uint8Array;

/**
 * Named digest of raw bytes: `"sha256:<64 hex>"` (default) or
 * `"blake3:<64 hex>"`. A string is digested as its UTF-8 bytes; a string
 * holding a lone surrogate has no UTF-8 form and throws `lone_surrogate`.
 */
export function digest(data: Uint8Array | string, algorithm?: Algorithm): string;

/** Named digest of the canonical bytes of a JavaScript value (see `canonicalize`). */
export function canonicalDigest(value: unknown, algorithm?: Algorithm, options?: CanonicalizeOptions): string;

/** Named digest of the canonical bytes of JSON text (see `canonicalizeText`). */
export function canonicalDigestText(text: string | Uint8Array, algorithm?: Algorithm, options?: CanonicalizeOptions): string;

/**
 * Parses digest text `"sha256:<64 lowercase hex>"` or
 * `"blake3:<64 lowercase hex>"`. Errors have `name` `DigestError` and code
 * `unknown_algorithm` or `malformed_digest`.
 */
export function parseDigest(text: string): ParsedDigest;

/** The version of this package and of the trustcore core it was built from. */
export function version(): string;
"#;

// JS functions that may throw (Proxy traps, getters) or may be missing on old
// engines, imported with `catch` so a throw becomes a `Result`, never a trap.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["String", "prototype", "isWellFormed"], js_name = call)]
    fn is_well_formed(s: &JsString) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(obj: &JsValue) -> Result<Array, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = getOwnPropertySymbols)]
    fn object_own_symbols(obj: &JsValue) -> Result<Array, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["Object", "prototype", "propertyIsEnumerable"], js_name = call)]
    fn property_is_enumerable(obj: &JsValue, key: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A JS `Error` with `name` = the core's kind, `code`, `offset`, `path`.
fn core_error(err: &trustcore::Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name(err.kind().as_str());
    set(&js, "code", &JsValue::from_str(err.code()));
    if let Some(offset) = err.offset() {
        set(&js, "offset", &JsValue::from_f64(offset as f64));
    }
    if let Some(path) = err.path() {
        set(&js, "path", &JsValue::from_str(path));
    }
    js.into()
}

/// An `Error` named `name` with `code`, for misuse the core has no error
/// value for (a finished `ChainVerifier`).
fn named_error(name: &str, code: &str, message: &str) -> JsValue {
    // Written like the core's errors: the message, then `[code]`.
    let js = js_sys::Error::new(&format!("{message} [{code}]"));
    js.set_name(name);
    set(&js, "code", &JsValue::from_str(code));
    js.into()
}

/// A `TypeError` with code `invalid_argument`, for arguments of the wrong type.
fn invalid_argument(message: String) -> JsValue {
    let js = js_sys::TypeError::new(&message);
    set(&js, "code", &JsValue::from_str("invalid_argument"));
    js.into()
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on a fresh Error cannot fail; if it somehow
    // does, the error is still thrown without that property.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

trait OrThrow<T> {
    fn or_throw(self) -> Result<T, JsValue>;
}

impl<T, E: Into<trustcore::Error>> OrThrow<T> for Result<T, E> {
    fn or_throw(self) -> Result<T, JsValue> {
        self.map_err(|e| core_error(&e.into()))
    }
}

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

fn describe(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.is_string() {
        "a string"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_bigint() {
        "a BigInt"
    } else if value.is_function() {
        "a function"
    } else {
        "an object"
    }
}

/// A JS string's contents, exact: well-formed text as a Rust string, text
/// with lone surrogates as its UTF-16 code units (never U+FFFD).
enum JsText {
    Str(String),
    Utf16(Vec<u16>),
}

fn read_string(s: &JsString) -> JsText {
    // `isWellFormed` is one call; wasm-bindgen's String conversion (one bulk
    // copy) is only used when it cannot replace anything. Engines without
    // `isWellFormed` (before 2023) take the code-unit path.
    if let Ok(true) = is_well_formed(s) {
        if let Some(text) = s.as_string() {
            return JsText::Str(text);
        }
    }
    JsText::Utf16(s.iter().collect())
}

/// JSON text or data from a string or bytes.
enum Input {
    Bytes(Vec<u8>),
    Text(JsText),
}

fn input_arg(value: &JsValue, what: &str) -> Result<Input, JsValue> {
    if let Some(s) = value.dyn_ref::<JsString>() {
        return Ok(Input::Text(read_string(s)));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(Input::Bytes(bytes.to_vec()));
    }
    Err(invalid_argument(format!(
        "{what} must be a string or a Uint8Array, got {}",
        describe(value)
    )))
}

/// Reads `{ maxDepth }`; `undefined`/`null` mean the defaults.
fn options_arg(value: &JsValue) -> Result<Option<f64>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || value.is_function() {
        return Err(invalid_argument(format!(
            "options must be an object, got {}",
            describe(value)
        )));
    }
    let depth = Reflect::get(value, &JsValue::from_str("maxDepth"))?;
    if depth.is_undefined() {
        return Ok(None);
    }
    match depth.as_f64() {
        // The core checks the range 1..=1024 (`invalid_option`).
        Some(d) => Ok(Some(d)),
        None => Err(invalid_argument(format!(
            "options.maxDepth must be a number, got {}",
            describe(&depth)
        ))),
    }
}

/// Reads an optional algorithm name; the core rejects unknown names.
fn algorithm_arg(value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.dyn_ref::<JsString>() {
        Some(s) => Ok(Some(match read_string(s) {
            JsText::Str(t) => t,
            // A lone surrogate becomes U+FFFD here, which no algorithm name
            // holds, so the core still rejects it as `unknown_algorithm`.
            JsText::Utf16(u) => String::from_utf16_lossy(&u),
        })),
        None => Err(invalid_argument(format!(
            "algorithm must be \"sha256\" or \"blake3\", got {}",
            describe(value)
        ))),
    }
}

/// Runs a text-path core call on JSON text given as bytes or a string.
fn with_text<T>(
    input: &Input,
    on_bytes: impl FnOnce(&[u8]) -> Result<T, trustcore::Error>,
    on_utf16: impl FnOnce(&[u16]) -> Result<T, trustcore::Error>,
) -> Result<T, JsValue> {
    match input {
        Input::Bytes(bytes) => on_bytes(bytes).or_throw(),
        // Well-formed UTF-16 has the same UTF-8 bytes the core's UTF-16 path
        // would parse, so offsets agree.
        Input::Text(JsText::Str(s)) => on_bytes(s.as_bytes()).or_throw(),
        Input::Text(JsText::Utf16(units)) => on_utf16(units).or_throw(),
    }
}

// ---------------------------------------------------------------------------
// The value path: JS values read through `ValueSource`
// ---------------------------------------------------------------------------

/// State shared by one walk over a JS value.
struct Walk {
    object_prototype: JsValue,
    /// The first exception JS threw while being read (a getter, a Proxy
    /// trap): that exception is what the caller sees.
    js_exception: RefCell<Option<JsValue>>,
}

/// One JS value, as the core's canonicalizer reads it.
struct JsNode<'w> {
    walk: &'w Walk,
    value: JsValue,
}

impl Walk {
    fn new() -> Self {
        let object_prototype = Object::get_prototype_of(&Object::new().into()).into();
        Walk {
            object_prototype,
            js_exception: RefCell::new(None),
        }
    }

    fn node(&self, value: JsValue) -> JsNode<'_> {
        JsNode { walk: self, value }
    }

    /// Records a JS exception and returns a core error to stop the walk.
    fn host_error(&self, exception: JsValue) -> trustcore::canonical::Error {
        if let Ok(mut slot) = self.js_exception.try_borrow_mut() {
            if slot.is_none() {
                *slot = Some(exception);
            }
        }
        trustcore::canonical::Error::from_host(
            ErrorCode::UnsupportedType,
            "a JavaScript exception was thrown while reading the value",
        )
    }
}

impl<'w> JsNode<'w> {
    fn read_inner(&self) -> Result<SourceValue<'static, Self>, JsValue> {
        let v = &self.value;
        if v.is_null() {
            return Ok(SourceValue::Null);
        }
        if let Some(b) = v.as_bool() {
            return Ok(SourceValue::Bool(b));
        }
        if let Some(f) = v.as_f64() {
            // NaN and infinities are refused by the core (`non_finite_number`).
            return Ok(SourceValue::Number(f));
        }
        if let Some(s) = v.dyn_ref::<JsString>() {
            return Ok(match read_string(s) {
                JsText::Str(t) => SourceValue::Str(Cow::Owned(t)),
                JsText::Utf16(u) => SourceValue::Utf16(u),
            });
        }
        let what = if v.is_undefined() {
            "undefined"
        } else if v.is_symbol() {
            "a symbol"
        } else if v.is_function() {
            "a function"
        } else if v.is_bigint() {
            "a BigInt (convert it to a number or a string first)"
        } else if v.is_object() {
            return self.read_object();
        } else {
            "a value of unknown type"
        };
        Ok(SourceValue::Unsupported(what.into()))
    }

    fn read_object(&self) -> Result<SourceValue<'static, Self>, JsValue> {
        let v = &self.value;
        let walk = self.walk;
        if is_array(v)? {
            let len = Reflect::get(v, &JsValue::from_str("length"))?
                .as_f64()
                .unwrap_or(0.0) as u32;
            let mut items = Vec::with_capacity(len.min(1 << 16) as usize);
            for i in 0..len {
                let index = JsValue::from_f64(i as f64);
                if !Reflect::has(v, &index)? {
                    // A hole reads as `undefined`, which the core refuses;
                    // the walk stops there, so later elements are not read.
                    items.push(walk.node(JsValue::UNDEFINED));
                    break;
                }
                items.push(walk.node(Reflect::get(v, &index)?));
            }
            return Ok(SourceValue::Array(items));
        }
        let proto: JsValue = Reflect::get_prototype_of(v)?.into();
        if !(proto.is_null() || proto == walk.object_prototype) {
            return Ok(SourceValue::Unsupported(self.class_name()));
        }
        // Own enumerable properties; symbol keys are refused, not dropped.
        let mut members = Vec::new();
        for name in object_keys(v)?.iter() {
            let key = match name.dyn_ref::<JsString>() {
                Some(s) => match read_string(s) {
                    JsText::Str(t) => Key::Str(Cow::Owned(t)),
                    JsText::Utf16(u) => Key::Utf16(u),
                },
                None => Key::NonString(describe(&name).into()),
            };
            let value = Reflect::get(v, &name)?;
            members.push((key, walk.node(value)));
        }
        for sym in object_own_symbols(v)?.iter() {
            if property_is_enumerable(v, &sym)? {
                members.push((Key::NonString("symbol".into()), walk.node(JsValue::NULL)));
            }
        }
        Ok(SourceValue::Object(members))
    }

    /// A readable name for a non-plain object: `a Date`, `a Map`, `an
    /// instance of Foo`.
    fn class_name(&self) -> String {
        let ctor = Reflect::get(&self.value, &JsValue::from_str("constructor"));
        let name = match ctor {
            Ok(c) if c.is_function() => Reflect::get(&c, &JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.as_string()),
            Ok(_) => None,
            Err(e) => {
                // A throwing `constructor` getter: keep its exception.
                self.walk.host_error(e);
                None
            }
        };
        trustcore::canonical::describe_js_object(name.as_deref())
    }
}

impl<'w> ValueSource for JsNode<'w> {
    fn read(&self) -> Result<SourceValue<'_, Self>, trustcore::canonical::Error> {
        let pending = matches!(self.walk.js_exception.try_borrow(), Ok(slot) if slot.is_some());
        if pending {
            return Err(self.walk.host_error(JsValue::UNDEFINED));
        }
        self.read_inner().map_err(|e| self.walk.host_error(e))
    }
}

/// Runs a value-path core call on a JS value.
fn with_value<T>(
    value: JsValue,
    f: impl for<'w> FnOnce(&JsNode<'w>) -> Result<T, trustcore::Error>,
) -> Result<T, JsValue> {
    let walk = Walk::new();
    let result = f(&walk.node(value));
    match result {
        Ok(out) => Ok(out),
        Err(e) => match walk.js_exception.into_inner() {
            // A getter or Proxy trap threw: let that exception through unchanged.
            Some(exception) => Err(exception),
            None => Err(core_error(&e)),
        },
    }
}

fn digest_input(input: &Input, algorithm: Option<&str>) -> Result<String, JsValue> {
    // A lone surrogate has no UTF-8 form (`lone_surrogate`).
    with_text(
        input,
        |b| trustcore::ffi::digest(b, algorithm),
        |u| trustcore::ffi::digest_utf16(u, algorithm),
    )
}

// ---------------------------------------------------------------------------
// Exported functions (TypeScript declarations are in `TS_API` above)
// ---------------------------------------------------------------------------

/// Canonical bytes (RFC 8785) of a JavaScript value.
#[wasm_bindgen(skip_typescript)]
pub fn canonicalize(value: JsValue, options: JsValue) -> Result<Vec<u8>, JsValue> {
    let max_depth = options_arg(&options)?;
    with_value(value, |v| trustcore::ffi::canonicalize_value(v, max_depth))
}

/// Canonical bytes (RFC 8785) of JSON text (a string or UTF-8 bytes).
#[wasm_bindgen(js_name = canonicalizeText, skip_typescript)]
pub fn canonicalize_text(text: JsValue, options: JsValue) -> Result<Vec<u8>, JsValue> {
    let input = input_arg(&text, "text")?;
    let max_depth = options_arg(&options)?;
    with_text(
        &input,
        |b| trustcore::ffi::canonicalize_text(b, max_depth),
        |u| trustcore::ffi::canonicalize_utf16(u, max_depth),
    )
}

/// Named digest of raw bytes (a string is digested as its UTF-8 bytes).
#[wasm_bindgen(skip_typescript)]
pub fn digest(data: JsValue, algorithm: JsValue) -> Result<String, JsValue> {
    let input = input_arg(&data, "data")?;
    let algorithm = algorithm_arg(&algorithm)?;
    digest_input(&input, algorithm.as_deref())
}

/// Named digest of the canonical bytes of a JavaScript value.
#[wasm_bindgen(js_name = canonicalDigest, skip_typescript)]
pub fn canonical_digest(
    value: JsValue,
    algorithm: JsValue,
    options: JsValue,
) -> Result<String, JsValue> {
    let algorithm = algorithm_arg(&algorithm)?;
    let max_depth = options_arg(&options)?;
    let alg = algorithm.as_deref();
    with_value(value, |v| {
        trustcore::ffi::canonical_digest_value(v, alg, max_depth)
    })
}

/// Named digest of the canonical bytes of JSON text.
#[wasm_bindgen(js_name = canonicalDigestText, skip_typescript)]
pub fn canonical_digest_text(
    text: JsValue,
    algorithm: JsValue,
    options: JsValue,
) -> Result<String, JsValue> {
    let input = input_arg(&text, "text")?;
    let algorithm = algorithm_arg(&algorithm)?;
    let max_depth = options_arg(&options)?;
    let alg = algorithm.as_deref();
    with_text(
        &input,
        |b| trustcore::ffi::canonical_digest_text(b, alg, max_depth),
        |u| trustcore::ffi::canonical_digest_utf16(u, alg, max_depth),
    )
}

/// Parses `"sha256:<64 lowercase hex>"` / `"blake3:<64 lowercase hex>"` into
/// `{ algorithm, hex }`.
#[wasm_bindgen(js_name = parseDigest, skip_typescript)]
pub fn parse_digest(text: JsValue) -> Result<JsValue, JsValue> {
    let Some(s) = text.dyn_ref::<JsString>() else {
        return Err(invalid_argument(format!(
            "text must be a string, got {}",
            describe(&text)
        )));
    };
    // A lone surrogate cannot be part of a digest; U+FFFD in its place is
    // rejected by the parser just the same.
    let text = match read_string(s) {
        JsText::Str(t) => t,
        JsText::Utf16(u) => String::from_utf16_lossy(&u),
    };
    let parsed = trustcore::ffi::parse_digest(&text).or_throw()?;
    let out = Object::new();
    set(&out, "algorithm", &JsValue::from_str(parsed.algorithm));
    set(&out, "hex", &JsValue::from_str(&parsed.hex));
    Ok(out.into())
}

/// The version of this package and of the trustcore core it was built from.
#[wasm_bindgen(skip_typescript)]
pub fn version() -> String {
    trustcore::ffi::VERSION.to_owned()
}
