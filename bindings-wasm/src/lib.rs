//! WebAssembly binding of trustcore: RFC 8785 canonical JSON, named digests,
//! the verifying side of signing (keys, Ed25519 verify, envelopes, the
//! signer registry, rotations, approvals), of the audit chain (streaming and
//! whole-export verification, replay, one event against a signed Merkle
//! checkpoint with an inclusion proof) and policy evaluation and
//! explanation, for browsers and Node, with the same bytes and verdicts as
//! the Rust core, the Node addon and the Python wheel.
//!
//! This crate only converts JavaScript values to what the core expects and
//! maps `trustcore::Error` to JavaScript `Error` objects carrying `name`,
//! `code`, `offset` and `path`. Every rule lives in the core, and so does
//! every option (names, bounds, defaults: options objects are converted to
//! a JSON value and read by the core's definitions, spelled
//! `Naming::Camel`) and every report (the core's `to_value_named(Camel)`,
//! converted by [`to_js`], the one JSON-to-JS converter).
//!
//! Nothing here may trap: the module is built with `panic = "abort"`, and a
//! trap (`RuntimeError: unreachable`) would leave the instance unusable.
//! So:
//!
//! * every JS call that can throw (getters, Proxy traps, revoked proxies)
//!   is imported with `catch` (the extern block below), never through a
//!   js-sys binding that would unwind through Rust frames;
//! * nothing is allocated from a length the caller claims: arrays are read
//!   element by element into growing vectors, typed arrays are recognised
//!   and measured with the engine's own `%TypedArray%` getters (a Proxy or
//!   a subclass with a lying `length` is not a `Uint8Array`), and our own
//!   buffers grow with `try_reserve` (a `RangeError` with code
//!   `invalid_argument` when linear memory cannot hold the input);
//! * the value walk keeps one JS reference per open array or object, never
//!   one per element (the externref table holds 10 million at most).

// The verify-only build (`--no-default-features`) leaves out the producing
// side; helpers only that side uses are unused there.
#![cfg_attr(not(feature = "full"), allow(unused))]

use js_sys::{Array, JsString, Uint8Array};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use trustcore::canonical::{ErrorCode, Key, SourceValue, ValueSource};
use trustcore::options::Naming;
use trustcore::ErrorKind;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

mod chain;
mod merkle;
mod policy;
mod profile;
mod segment;
mod signing;
mod snapshot;
#[cfg(feature = "full")]
mod writer;

/// How JavaScript spells option names and report members (`stopAtFirst`,
/// `breakCounts`).
pub(crate) const NAMING: Naming = Naming::Camel;

#[wasm_bindgen(typescript_custom_section)]
const TS_API: &'static str = r#"
/**
 * Options for canonicalization (read by the core: an unknown key such as
 * `max_depth` throws `OptionsError` `unknown_option`, a bad value
 * `OptionsError` `invalid_option`).
 */
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
 * `PolicyError`, `OptionsError`), `PolicyDeniedError` from
 * `enforceOrThrow`, or `TypeError` / `RangeError` with code
 * `invalid_argument` for arguments of the wrong type (or too large for the
 * module's memory, or a freed object); `code` is a stable string such as
 * `duplicate_key` or `signer_expired`. An exception thrown by the caller's
 * own code while an argument is read (a getter, a Proxy trap) is thrown
 * unchanged.
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
    | "OptionsError"
    | "ProfileError"
    | "CliError"
    | "SqlError"
    | "SnapshotError"
    | "RedactionError"
    | "PolicyDeniedError"
    | "TypeError"
    | "RangeError";
  /** Stable error code, e.g. `duplicate_key`, `lone_surrogate`, `unknown_option`. */
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
export function canonicalize(value: unknown, options?: CanonicalizeOptions | null): Uint8Array;

/**
 * Canonical bytes (RFC 8785) of JSON text, read as strict I-JSON.
 *
 * `text` is UTF-8 bytes or a string (whose UTF-16 code units are read
 * exactly, so a lone surrogate throws `lone_surrogate`). Rejects duplicate
 * member names, invalid UTF-8, lone surrogates, NaN/Infinity, numbers that
 * overflow a double or lose integer precision, nesting deeper than `maxDepth`
 * and trailing data. Errors carry `offset`, a byte offset into the UTF-8 text.
 */
export function canonicalizeText(text: string | Uint8Array, options?: CanonicalizeOptions | null): Uint8Array;

/**
 * Named digest of raw bytes: `"sha256:<64 hex>"` (default) or
 * `"blake3:<64 hex>"`. A string is digested as its UTF-8 bytes; a string
 * holding a lone surrogate has no UTF-8 form and throws `lone_surrogate`.
 */
export function digest(data: Uint8Array | string, algorithm?: Algorithm | null): string;

/** Named digest of the canonical bytes of a JavaScript value (see `canonicalize`). */
export function canonicalDigest(value: unknown, algorithm?: Algorithm | null, options?: CanonicalizeOptions | null): string;

/** Named digest of the canonical bytes of JSON text (see `canonicalizeText`). */
export function canonicalDigestText(text: string | Uint8Array, algorithm?: Algorithm | null, options?: CanonicalizeOptions | null): string;

/**
 * Parses digest text `"sha256:<64 lowercase hex>"` or
 * `"blake3:<64 lowercase hex>"`. Errors have `name` `DigestError` and code
 * `unknown_algorithm` or `malformed_digest`.
 */
export function parseDigest(text: string): ParsedDigest;

/** The version of this package and of the trustcore core it was built from. */
export function version(): string;
"#;

// JS operations that may throw (Proxy traps, getters, revoked proxies) or
// may be missing on old engines, imported with `catch` so a throw becomes a
// `Result`, never an exception unwinding through Rust frames.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["String", "prototype", "isWellFormed"], js_name = call)]
    fn is_well_formed(s: &JsString) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(obj: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = getOwnPropertySymbols)]
    fn object_own_symbols(obj: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["Object", "prototype", "propertyIsEnumerable"], js_name = call)]
    fn property_is_enumerable(obj: &JsValue, key: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get_index(target: &JsValue, index: u32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = has)]
    fn reflect_has_index(target: &JsValue, index: u32) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = getPrototypeOf)]
    fn prototype_of(target: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = getOwnPropertyDescriptor)]
    fn own_property_descriptor(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = apply)]
    fn reflect_apply(f: &JsValue, this: &JsValue, args: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["Uint8Array", "prototype", "set"], js_name = call)]
    fn uint8_set(target: &Uint8Array, source: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = fromEntries)]
    fn object_from_entries(entries: &Array) -> Result<JsValue, JsValue>;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// The JS `name` of an error kind. Exhaustive on purpose: a new kind in the
/// core breaks this build until it is added here and to `TrustcoreError`.
fn kind_name(kind: ErrorKind) -> &'static str {
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

/// A JS `Error` with `name` = the core's kind, `code`, `offset`, `path`.
fn core_error(err: &trustcore::Error) -> JsValue {
    core_error_at(err, "")
}

/// [`core_error`] for a value found at `prefix` (a JSON Pointer into the
/// argument, for items of an array argument).
fn core_error_at(err: &trustcore::Error, prefix: &str) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name(kind_name(err.kind()));
    set(&js, "code", &JsValue::from_str(err.code()));
    if let Some(offset) = err.offset() {
        set(&js, "offset", &JsValue::from_f64(offset as f64));
    }
    if let Some(path) = err.path() {
        set(&js, "path", &JsValue::from_str(&format!("{prefix}{path}")));
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

/// A `RangeError` with code `invalid_argument`: an argument whose contents
/// do not fit in the module's linear memory (at most 4 GiB).
fn too_large(what: &str, amount: usize, unit: &str) -> JsValue {
    let js = js_sys::RangeError::new(&format!(
        "{what} ({amount} {unit}) is too large for this WebAssembly module's memory"
    ));
    set(&js, "code", &JsValue::from_str("invalid_argument"));
    js.into()
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on a fresh Error cannot fail; if it somehow
    // does, the error is still thrown without that property.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
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
// Memory: nothing is allocated from a claimed length, our buffers grow
// fallibly
// ---------------------------------------------------------------------------

/// Pushes onto `v`, growing it with `try_reserve` (amortized); `Err` when
/// linear memory is exhausted.
fn push_fallible<T>(v: &mut Vec<T>, item: T) -> Result<(), ()> {
    if v.len() == v.capacity() {
        v.try_reserve(1).map_err(|_| ())?;
    }
    v.push(item);
    Ok(())
}

/// Checks that `bytes` can be allocated right now (and leaves linear memory
/// grown for the allocation that follows), so that wasm-bindgen's own
/// string copy, which aborts when it cannot allocate, never runs out.
fn probe(bytes: usize, what: &str, amount: usize, unit: &str) -> Result<(), JsValue> {
    let mut v: Vec<u8> = Vec::new();
    v.try_reserve_exact(bytes)
        .map_err(|_| too_large(what, amount, unit))
}

/// Strings of at least this many code units are probed before they are
/// copied into linear memory.
const PROBE_UNITS: u32 = 1 << 20;

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

#[wasm_bindgen]
extern "C" {
    /// The engine's `TextEncoder`.
    #[wasm_bindgen(js_name = TextEncoder)]
    type Utf8Encoder;

    #[wasm_bindgen(catch, constructor, js_class = TextEncoder)]
    fn new() -> Result<Utf8Encoder, JsValue>;

    #[wasm_bindgen(catch, method, js_class = TextEncoder, js_name = encodeInto)]
    fn encode_into(
        this: &Utf8Encoder,
        s: &JsString,
        dest: &Uint8Array,
    ) -> Result<EncodeResult, JsValue>;

    /// What `encodeInto` answers.
    type EncodeResult;

    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeResult) -> f64;
}

thread_local! {
    static ENCODER: Option<Utf8Encoder> = Utf8Encoder::new().ok();
}

/// A well-formed JS string's UTF-8 bytes, written by the engine's
/// `TextEncoder.encodeInto` straight into a buffer allocated (fallibly)
/// here: one native call, where wasm-bindgen's own copy walks the string's
/// ASCII prefix in JavaScript one code unit at a time. `None` when the
/// engine has no `TextEncoder` (the caller then takes wasm-bindgen's copy).
fn encode_utf8(s: &JsString, len: usize, what: &str) -> Result<Option<String>, JsValue> {
    ENCODER.with(|e| {
        let Some(e) = e else {
            return Ok(None);
        };
        if len == 0 {
            return Ok(Some(String::new()));
        }
        // A code unit becomes at most 3 UTF-8 bytes (a pair of them, 4).
        let cap = len
            .checked_mul(3)
            .ok_or_else(|| too_large(what, len, "code units"))?;
        let mut out = zeroed(cap).ok_or_else(|| too_large(what, len, "code units"))?;
        // SAFETY: the view covers `out`'s initialised bytes and is used at
        // once, before anything can allocate (and move or grow the memory
        // it views).
        let view = unsafe { Uint8Array::view_mut_raw(out.as_mut_ptr(), cap) };
        let written = e.encode_into(s, &view)?.written();
        out.truncate((written as usize).min(cap));
        // The engine writes UTF-8 for a well-formed string; anything else
        // falls back to the copy below.
        Ok(String::from_utf8(out).ok())
    })
}

/// Reads a JS string (a primitive: its `length` is exact). `what` names it
/// in the error when it does not fit in memory.
fn read_string(s: &JsString, what: &str) -> Result<JsText, JsValue> {
    let len = s.length();
    // `isWellFormed` is one call; a UTF-8 copy (which would replace a lone
    // surrogate) is only made when it cannot replace anything. Engines
    // without `isWellFormed` (before 2023) take the code-unit path.
    if let Ok(true) = is_well_formed(s) {
        // Below the probe size the engine encodes into a buffer of 3 bytes
        // per code unit; larger strings take wasm-bindgen's copy, which
        // holds only what it needs (an ASCII string of 1 GB fits).
        if len < PROBE_UNITS {
            if let Some(text) = encode_utf8(s, len as usize, what)? {
                return Ok(JsText::Str(text));
            }
        } else {
            // UTF-8 takes at most 3 bytes per code unit, and the copy
            // briefly holds the first guess as well.
            probe(
                (len as usize).saturating_mul(4),
                what,
                len as usize,
                "code units",
            )?;
        }
        if let Some(text) = s.as_string() {
            return Ok(JsText::Str(text));
        }
    }
    let mut units: Vec<u16> = Vec::new();
    units
        .try_reserve_exact(len as usize)
        .map_err(|_| too_large(what, len as usize, "code units"))?;
    units.extend(s.iter());
    Ok(JsText::Utf16(units))
}

/// The engine's own `%TypedArray%.prototype` getters, which read a typed
/// array's internal slots (no Proxy, subclass or own property can change
/// what they say).
struct Intrinsics {
    tag: JsValue,
    byte_length: JsValue,
    uint8_name: JsValue,
    no_args: JsValue,
}

impl Intrinsics {
    fn load() -> Option<Intrinsics> {
        let sample: JsValue = Uint8Array::new_with_length(0).into();
        let typed_array = prototype_of(&prototype_of(&sample).ok()?).ok()?;
        let getter = |key: &JsValue| -> Option<JsValue> {
            let desc = own_property_descriptor(&typed_array, key).ok()?;
            let get = reflect_get(&desc, &JsValue::from_str("get")).ok()?;
            get.is_function().then_some(get)
        };
        Some(Intrinsics {
            tag: getter(&js_sys::Symbol::to_string_tag().into())?,
            byte_length: getter(&JsValue::from_str("byteLength"))?,
            uint8_name: JsValue::from_str("Uint8Array"),
            no_args: Array::new().into(),
        })
    }
}

thread_local! {
    static INTRINSICS: Option<Intrinsics> = Intrinsics::load();
}

/// The length of `value` if it is a genuine `Uint8Array` (a Node `Buffer`
/// is one), read from its internal slot.
fn uint8_len(value: &JsValue) -> Option<usize> {
    if !value.is_object() {
        return None;
    }
    INTRINSICS.with(|i| {
        let i = i.as_ref()?;
        let tag = reflect_apply(&i.tag, value, &i.no_args).ok()?;
        if tag != i.uint8_name {
            return None;
        }
        let len = reflect_apply(&i.byte_length, value, &i.no_args).ok()?;
        Some(len.as_f64().unwrap_or(0.0) as usize)
    })
}

/// Whether `value` is a genuine `Uint8Array`.
pub(crate) fn is_uint8(value: &JsValue) -> bool {
    uint8_len(value).is_some()
}

/// `len` zero bytes, or `None` when they cannot be allocated. One fill
/// (`memory.fill`): `Vec::resize` at opt-level z writes byte by byte, a
/// measurable part of a call on a small document.
fn zeroed(len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(len).ok()?;
    // SAFETY: the capacity is at least `len` bytes; they are all written
    // (zeroed) before the length covers them.
    unsafe {
        std::ptr::write_bytes(out.as_mut_ptr(), 0, len);
        out.set_len(len);
    }
    Some(out)
}

/// The bytes of a genuine `Uint8Array`, or `None` if `value` is not one.
fn uint8_bytes(value: &JsValue, what: &str) -> Option<Result<Vec<u8>, JsValue>> {
    let len = uint8_len(value)?;
    Some((|| {
        let mut out = zeroed(len).ok_or_else(|| too_large(what, len, "bytes"))?;
        if len > 0 {
            // SAFETY: the view covers `out`'s initialised bytes and is used
            // at once, before anything can allocate (and move or grow the
            // memory it views).
            let view = unsafe { Uint8Array::view_mut_raw(out.as_mut_ptr(), len) };
            uint8_set(&view, value).map_err(|_| {
                invalid_argument(format!("{what} could not be read (a detached buffer?)"))
            })?;
        }
        Ok(out)
    })())
}

/// JSON text or data from a string or bytes.
enum Input {
    Bytes(Vec<u8>),
    Text(JsText),
}

/// A string or a `Uint8Array`, or `None` for anything else.
fn text_or_bytes(value: &JsValue, what: &str) -> Result<Option<Input>, JsValue> {
    if let Some(s) = value.dyn_ref::<JsString>() {
        return Ok(Some(Input::Text(read_string(s, what)?)));
    }
    match uint8_bytes(value, what) {
        Some(bytes) => Ok(Some(Input::Bytes(bytes?))),
        None => Ok(None),
    }
}

fn input_arg(value: &JsValue, what: &str) -> Result<Input, JsValue> {
    text_or_bytes(value, what)?.ok_or_else(|| {
        invalid_argument(format!(
            "{what} must be a string or a Uint8Array, got {}",
            describe(value)
        ))
    })
}

/// Reads an optional algorithm name; the core rejects unknown names.
fn algorithm_arg(value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.dyn_ref::<JsString>() {
        Some(s) => Ok(Some(match read_string(s, "algorithm")? {
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

/// Whether `value` is a revoked Proxy (the one object `Array.isArray`
/// throws for): reading anything of it throws the engine's `TypeError`.
pub(crate) fn is_revoked_proxy(value: &JsValue) -> bool {
    value.is_object() && is_array(value).is_err()
}

/// The length of an array (or of a Proxy of one): an integer in
/// 0..=2^32-1, or `None` if it says otherwise.
fn array_length(value: &JsValue) -> Result<Option<u32>, JsValue> {
    let len = reflect_get(value, &JsValue::from_str("length"))?;
    Ok(len
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(n))
        .map(|n| n as u32))
}

/// The items of a JS array argument, each converted by `each` (given the
/// item and a name such as `proof[3]` for messages). Elements are read one
/// at a time, so nothing is allocated from `length`: a hole or `undefined`
/// fails at the first one, and a huge sparse array fails at once.
pub(crate) fn array_items<T>(
    value: &JsValue,
    what: &str,
    mut each: impl FnMut(&JsValue, &str, u32) -> Result<T, JsValue>,
) -> Result<Vec<T>, JsValue> {
    let not_array =
        || invalid_argument(format!("{what} must be an array, got {}", describe(value)));
    if !is_array(value).unwrap_or(false) {
        return Err(not_array());
    }
    let len = array_length(value)?.ok_or_else(not_array)?;
    let mut out = Vec::new();
    for i in 0..len {
        let item = if reflect_has_index(value, i)? {
            reflect_get_index(value, i)?
        } else {
            JsValue::UNDEFINED
        };
        let converted = each(&item, &format!("{what}[{i}]"), i)?;
        push_fallible(&mut out, converted).map_err(|_| too_large(what, len as usize, "items"))?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The value path: JS values read through `ValueSource`
// ---------------------------------------------------------------------------

/// State shared by one walk over a JS value.
struct Walk {
    object_prototype: JsValue,
    /// The first exception JS threw while being read (a getter, a Proxy
    /// trap), or one of ours (memory): that exception is what the caller
    /// sees.
    js_exception: RefCell<Option<JsValue>>,
}

/// Where a node's JS value is. Elements and members are read when the core
/// reads them, so a walk holds one JS reference per open array or object
/// (its `Rc`), not one per element: the externref table, which holds at
/// most 10 million, is never exhausted by a long array.
enum At {
    /// A value at hand.
    Value(JsValue),
    /// Element `index` of an array.
    Element(Rc<JsValue>, u32),
    /// The member named by `keys[index]` of an object.
    Member {
        object: Rc<JsValue>,
        keys: Rc<JsValue>,
        index: u32,
    },
    /// An array hole or `undefined` element (refused by the core).
    Hole,
    /// A number, boolean or `null` element, read while the array was.
    Scalar(Scalar),
}

/// An element read while its array was (nothing of it stays in JS).
#[derive(Clone, Copy)]
enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
}

impl Scalar {
    fn of(v: &JsValue) -> Option<Scalar> {
        if let Some(f) = v.as_f64() {
            Some(Scalar::Number(f))
        } else if v.is_null() {
            Some(Scalar::Null)
        } else {
            v.as_bool().map(Scalar::Bool)
        }
    }

    fn read<S>(self) -> SourceValue<'static, S> {
        match self {
            Scalar::Null => SourceValue::Null,
            Scalar::Bool(b) => SourceValue::Bool(b),
            // NaN and infinities are refused by the core (`non_finite_number`).
            Scalar::Number(f) => SourceValue::Number(f),
        }
    }
}

/// One JS value, as the core's canonicalizer reads it.
struct JsNode<'w> {
    walk: &'w Walk,
    at: At,
}

impl Walk {
    fn new() -> Self {
        let object_prototype =
            prototype_of(&js_sys::Object::new().into()).unwrap_or(JsValue::UNDEFINED);
        Walk {
            object_prototype,
            js_exception: RefCell::new(None),
        }
    }

    fn node(&self, at: At) -> JsNode<'_> {
        JsNode { walk: self, at }
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
        match &self.at {
            At::Value(v) => self.classify(v),
            At::Element(array, index) => self.classify(&reflect_get_index(array, *index)?),
            At::Member {
                object,
                keys,
                index,
            } => {
                let name = reflect_get_index(keys, *index)?;
                self.classify(&reflect_get(object, &name)?)
            }
            At::Hole => Ok(SourceValue::Unsupported("undefined".into())),
            At::Scalar(x) => Ok(x.read()),
        }
    }

    fn classify(&self, v: &JsValue) -> Result<SourceValue<'static, Self>, JsValue> {
        if let Some(x) = Scalar::of(v) {
            return Ok(x.read());
        }
        if let Some(s) = v.dyn_ref::<JsString>() {
            return Ok(match read_string(s, "a string in the value")? {
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
            return self.read_object(v);
        } else {
            "a value of unknown type"
        };
        Ok(SourceValue::Unsupported(what.into()))
    }

    fn read_object(&self, v: &JsValue) -> Result<SourceValue<'static, Self>, JsValue> {
        let walk = self.walk;
        // `Array.isArray` throws only for a revoked Proxy, which has nothing
        // left to read.
        let Ok(array) = is_array(v) else {
            return Ok(SourceValue::Unsupported("a revoked Proxy".into()));
        };
        if array {
            let Some(len) = array_length(v)? else {
                return Ok(SourceValue::Unsupported(
                    "an array whose length is not an integer from 0 to 2^32 - 1".into(),
                ));
            };
            // Each element is read once here: scalars are kept as they
            // are, strings, arrays and objects are read again when the core
            // gets to them (so only one of them is in memory at a time).
            let array = Rc::new(v.clone());
            let mut items = Vec::new();
            for i in 0..len {
                let item = reflect_get_index(v, i)?;
                let at = if item.is_undefined() {
                    At::Hole
                } else if let Some(x) = Scalar::of(&item) {
                    At::Scalar(x)
                } else {
                    At::Element(array.clone(), i)
                };
                let stop = matches!(at, At::Hole);
                push_fallible(&mut items, walk.node(at))
                    .map_err(|_| too_large("an array", len as usize, "elements"))?;
                if stop {
                    // A hole or `undefined` is refused by the core; the walk
                    // stops there, so later elements (of a sparse array of
                    // 2^32 - 1) are never read.
                    break;
                }
            }
            return Ok(SourceValue::Array(items));
        }
        let proto = prototype_of(v)?;
        if !(proto.is_null() || proto == walk.object_prototype) {
            return Ok(SourceValue::Unsupported(self.class_name(v)));
        }
        // Own enumerable properties; symbol keys are refused, not dropped.
        let keys = object_keys(v)?;
        let count = array_length(&keys)?.unwrap_or(0);
        let object = Rc::new(v.clone());
        let keys = Rc::new(keys);
        let mut members = Vec::new();
        for index in 0..count {
            let name = reflect_get_index(&keys, index)?;
            let key = match name.dyn_ref::<JsString>() {
                Some(s) => match read_string(s, "a key in the value")? {
                    JsText::Str(t) => Key::Str(Cow::Owned(t)),
                    JsText::Utf16(u) => Key::Utf16(u),
                },
                None => Key::NonString(describe(&name).into()),
            };
            let node = walk.node(At::Member {
                object: object.clone(),
                keys: keys.clone(),
                index,
            });
            push_fallible(&mut members, (key, node))
                .map_err(|_| too_large("an object", count as usize, "members"))?;
        }
        let symbols = object_own_symbols(v)?;
        for i in 0..array_length(&symbols)?.unwrap_or(0) {
            let sym = reflect_get_index(&symbols, i)?;
            if property_is_enumerable(v, &sym)? {
                let node = walk.node(At::Value(JsValue::NULL));
                push_fallible(&mut members, (Key::NonString("symbol".into()), node))
                    .map_err(|_| too_large("an object", count as usize, "members"))?;
            }
        }
        Ok(SourceValue::Object(members))
    }

    /// A readable name for a non-plain object: `a Date`, `a Map`, `an
    /// instance of Foo`.
    fn class_name(&self, v: &JsValue) -> String {
        let ctor = reflect_get(v, &JsValue::from_str("constructor"));
        let name = match ctor {
            // At most as much of the name as a message keeps (the core
            // bounds messages), however long the caller made it.
            Ok(c) if c.is_function() => reflect_get(&c, &JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.dyn_into::<JsString>().ok())
                .and_then(|n| n.slice(0, 1024).as_string()),
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
    with_value_at(value, "", f)
}

/// [`with_value`] for a value found at `prefix` (a JSON Pointer into the
/// argument): a core error's `path` starts with it.
fn with_value_at<T>(
    value: JsValue,
    prefix: &str,
    f: impl for<'w> FnOnce(&JsNode<'w>) -> Result<T, trustcore::Error>,
) -> Result<T, JsValue> {
    let walk = Walk::new();
    let result = f(&walk.node(At::Value(value)));
    match result {
        Ok(out) => Ok(out),
        Err(e) => match walk.js_exception.into_inner() {
            // A getter or Proxy trap threw: let that exception through
            // unchanged (or ours, when memory ran out).
            Some(exception) => Err(exception),
            None => Err(core_error_at(&e, prefix)),
        },
    }
}

/// Canonical bytes of a JS value with the default options.
fn canonical_bytes_at(value: &JsValue, prefix: &str) -> Result<Vec<u8>, JsValue> {
    with_value_at(value.clone(), prefix, |v| {
        Ok(trustcore::canonical::canonicalize_source(
            v,
            &trustcore::canonical::Options::default(),
        )?)
    })
}

/// A JS value as a `serde_json::Value`, read with the rules of
/// `canonicalize` (the conversion every options object, head, state and
/// document object takes before the core reads it).
pub(crate) fn value_arg(value: &JsValue) -> Result<Value, JsValue> {
    let bytes = canonical_bytes_at(value, "")?;
    // Canonical JSON always parses.
    serde_json::from_slice(&bytes).map_err(|e| invalid_argument(e.to_string()))
}

/// An options argument for the core: `undefined` / `null` are no options;
/// anything else is converted with the value rules, and the core's
/// definition reads it (`OptionsError` `unknown_option` / `invalid_option`,
/// also when it is not an object).
pub(crate) fn options_value(value: &JsValue) -> Result<Option<Value>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        value_arg(value).map(Some)
    }
}

// ---------------------------------------------------------------------------
// Reports: the one JSON-to-JS converter
// ---------------------------------------------------------------------------

/// 2^53 − 1: the largest integer a JS number holds exactly together with
/// its neighbours.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn is_safe(n: &serde_json::Number) -> bool {
    if let Some(u) = n.as_u64() {
        u <= MAX_SAFE_INTEGER
    } else if let Some(i) = n.as_i64() {
        i >= -(MAX_SAFE_INTEGER as i64)
    } else {
        true
    }
}

fn has_unsafe_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => !is_safe(n),
        Value::Array(items) => items.iter().any(has_unsafe_integer),
        Value::Object(m) => m.values().any(has_unsafe_integer),
        _ => false,
    }
}

/// A core value as a plain JS value (objects, arrays, strings, numbers,
/// booleans, `null`). The one rule: an integer beyond ±(2^53 − 1) becomes a
/// `bigint`, never a number that would silently stand for its neighbours
/// too. Values without one go through `JSON.parse` in one call.
pub(crate) fn to_js(v: &Value) -> Result<JsValue, JsValue> {
    if !has_unsafe_integer(v) {
        return json_parse(&v.to_string());
    }
    match v {
        Value::Number(n) => Ok(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => js_sys::BigInt::from(u).into(),
            (None, Some(i)) => js_sys::BigInt::from(i).into(),
            _ => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::Array(items) => {
            let out = Array::new();
            for item in items {
                out.push(&to_js(item)?);
            }
            Ok(out.into())
        }
        Value::Object(m) => {
            // `Object.fromEntries` defines own data properties, so a member
            // named `__proto__` stays a member (as `JSON.parse` makes it).
            let entries = Array::new();
            for (k, item) in m {
                entries.push(&Array::of2(&JsValue::from_str(k), &to_js(item)?));
            }
            object_from_entries(&entries)
        }
        other => json_parse(&other.to_string()),
    }
}

// ---------------------------------------------------------------------------
// Exported functions (TypeScript declarations are in `TS_API` above)
// ---------------------------------------------------------------------------

/// The core's canonicalization options from a JS options object.
fn canonical_options(options: &JsValue) -> Result<trustcore::canonical::Options, JsValue> {
    trustcore::ffi::canonicalize_options(options_value(options)?.as_ref(), NAMING).or_throw()
}

fn canonical_digest_of(
    alg: trustcore::digest::Algorithm,
    bytes: Result<Vec<u8>, JsValue>,
) -> Result<String, JsValue> {
    Ok(trustcore::digest::Digest::of(alg, &bytes?).to_string())
}

/// Canonical bytes (RFC 8785) of a JavaScript value.
#[wasm_bindgen(skip_typescript)]
pub fn canonicalize(value: JsValue, options: JsValue) -> Result<Vec<u8>, JsValue> {
    let options = canonical_options(&options)?;
    with_value(value, |v| {
        Ok(trustcore::canonical::canonicalize_source(v, &options)?)
    })
}

fn canonical_text(
    input: &Input,
    options: &trustcore::canonical::Options,
) -> Result<Vec<u8>, JsValue> {
    with_text(
        input,
        |b| Ok(trustcore::canonical::canonicalize_text_with(b, options)?),
        |u| Ok(trustcore::canonical::canonicalize_utf16(u, options)?),
    )
}

/// Canonical bytes (RFC 8785) of JSON text (a string or UTF-8 bytes).
#[wasm_bindgen(js_name = canonicalizeText, skip_typescript)]
pub fn canonicalize_text(text: JsValue, options: JsValue) -> Result<Vec<u8>, JsValue> {
    let input = input_arg(&text, "text")?;
    let options = canonical_options(&options)?;
    canonical_text(&input, &options)
}

/// Named digest of raw bytes (a string is digested as its UTF-8 bytes).
#[wasm_bindgen(skip_typescript)]
pub fn digest(data: JsValue, algorithm: JsValue) -> Result<String, JsValue> {
    let input = input_arg(&data, "data")?;
    let algorithm = algorithm_arg(&algorithm)?;
    let alg = algorithm.as_deref();
    // A lone surrogate has no UTF-8 form (`lone_surrogate`).
    with_text(
        &input,
        |b| trustcore::ffi::digest(b, alg),
        |u| trustcore::ffi::digest_utf16(u, alg),
    )
}

/// Named digest of the canonical bytes of a JavaScript value.
#[wasm_bindgen(js_name = canonicalDigest, skip_typescript)]
pub fn canonical_digest(
    value: JsValue,
    algorithm: JsValue,
    options: JsValue,
) -> Result<String, JsValue> {
    let alg = trustcore::ffi::algorithm(algorithm_arg(&algorithm)?.as_deref()).or_throw()?;
    let options = canonical_options(&options)?;
    canonical_digest_of(
        alg,
        with_value(value, |v| {
            Ok(trustcore::canonical::canonicalize_source(v, &options)?)
        }),
    )
}

/// Named digest of the canonical bytes of JSON text.
#[wasm_bindgen(js_name = canonicalDigestText, skip_typescript)]
pub fn canonical_digest_text(
    text: JsValue,
    algorithm: JsValue,
    options: JsValue,
) -> Result<String, JsValue> {
    let input = input_arg(&text, "text")?;
    let alg = trustcore::ffi::algorithm(algorithm_arg(&algorithm)?.as_deref()).or_throw()?;
    let options = canonical_options(&options)?;
    canonical_digest_of(alg, canonical_text(&input, &options))
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
    let text = match read_string(s, "text")? {
        JsText::Str(t) => t,
        JsText::Utf16(u) => String::from_utf16_lossy(&u),
    };
    let parsed = trustcore::ffi::parse_digest(&text).or_throw()?;
    to_js(&serde_json::json!({"algorithm": parsed.algorithm, "hex": parsed.hex}))
}

/// The version of this package and of the trustcore core it was built from.
#[wasm_bindgen(skip_typescript)]
pub fn version() -> String {
    trustcore::ffi::VERSION.to_owned()
}

/// A non-negative integer with thousands separators (`1,234,567`): the
/// core's rule (`cli::thousands`), the one the CLI prints counts with.
#[wasm_bindgen]
pub fn thousands(
    #[wasm_bindgen(unchecked_param_type = "number | bigint")] n: JsValue,
) -> Result<String, JsValue> {
    Ok(trustcore::cli::thousands(merkle::size_arg(&n, "n")?))
}
