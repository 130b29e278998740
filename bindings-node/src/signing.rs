//! Keys, raw Ed25519 signatures, signed envelopes (local and remote
//! signers), the signer registry and k-of-n approvals.
//!
//! Conversion and error mapping only: every rule is in `trustcore::keys`,
//! `trustcore::sign`, `trustcore::envelope` and `trustcore::registry`.
//!
//! Strings that end up inside signed bytes or are compared (signer ids,
//! JSON text) are read as their exact UTF-16 code units, so a lone surrogate
//! is the core's `lone_surrogate` error instead of a silent U+FFFD.

use crate::{
    buffer, canonical_value, core_error_object, describe, invalid_argument, text_arg,
    type_error_object, type_of, utf16_units, with_text, with_value, Json, OrThrow, Text,
};
use napi::bindgen_prelude::{
    BufferSlice, ClassInstance, FromNapiValue, Function, JavaScriptClassExt, JsObjectValue,
    JsValue, Object, Promise, PromiseRaw, TypeName, Uint8ArraySlice, Unknown, ValidateNapiValue,
};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{sys, Env, JsError, Status, ValueType};
use napi_derive::napi;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use trustcore::envelope::Algorithm;
use trustcore::time::Timestamp;
use trustcore::{envelope as tc_envelope, keys as tc_keys, registry as tc_registry};

/// The envelope `kind` of a signer-rotation record.
#[napi]
pub const ROTATION_KIND: &str = tc_registry::ROTATION_KIND;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// A string argument as a Rust `String`; a lone surrogate is the core's
/// `lone_surrogate` error (never a silent U+FFFD).
pub(crate) fn string_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<String> {
    if type_of(value)? != ValueType::String {
        return Err(invalid_argument(
            env,
            format!("{what} must be a string, got {}", describe(value)),
        ));
    }
    let units = utf16_units(value)?;
    trustcore::canonical::string_from_utf16(&units).or_throw(env)
}

pub(crate) fn opt_string_arg(
    env: &Env,
    value: Option<Unknown<'_>>,
    what: &str,
) -> napi::Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if matches!(type_of(v)?, ValueType::Undefined | ValueType::Null) => Ok(None),
        Some(v) => string_arg(env, v, what).map(Some),
    }
}

/// Bytes from a `Uint8Array` (a `Buffer` is one).
pub(crate) fn bytes_arg<'a>(
    env: &Env,
    value: Unknown<'a>,
    what: &str,
) -> napi::Result<Uint8ArraySlice<'a>> {
    if type_of(value)? == ValueType::Object && value.is_typedarray()? {
        if let Ok(slice) = Uint8ArraySlice::from_unknown(value) {
            return Ok(slice);
        }
    }
    Err(invalid_argument(
        env,
        format!(
            "{what} must be a Uint8Array (or Buffer), got {}",
            describe_bytes(value)
        ),
    ))
}

fn describe_bytes(value: Unknown<'_>) -> &'static str {
    match value.is_typedarray() {
        Ok(true) => "another TypedArray",
        _ => describe(value),
    }
}

/// A message to sign or verify: bytes, or a string (its UTF-8 bytes; a lone
/// surrogate has none and is `lone_surrogate`).
pub(crate) fn message_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match text_arg(env, value, what)? {
        Text::Bytes(b) => Ok(b.to_vec()),
        Text::Str(s) => {
            let units = utf16_units(s)?;
            trustcore::canonical::string_from_utf16(&units)
                .map(String::into_bytes)
                .or_throw(env)
        }
    }
}

/// JSON text as UTF-8 bytes. A JS string goes through WTF-8, so the core's
/// strict parser reports a lone surrogate as `lone_surrogate` at its offset.
pub(crate) fn json_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match text_arg(env, value, what)? {
        Text::Bytes(b) => Ok(b.to_vec()),
        Text::Str(s) => Ok(trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?)),
    }
}

/// A JWK given as JSON text or as an object (canonicalized with the value
/// rules first, so the core reads exactly what the object holds).
fn jwk_text(env: &Env, value: Unknown<'_>) -> napi::Result<String> {
    match type_of(value)? {
        ValueType::String => string_arg(env, value, "jwk"),
        ValueType::Object if !value.is_typedarray()? => {
            let bytes = canonical_value(env, value, &trustcore::canonical::Options::default())?;
            // Canonical JSON is UTF-8.
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        _ => Err(invalid_argument(
            env,
            format!("jwk must be a string or an object, got {}", describe(value)),
        )),
    }
}

/// An optional signature algorithm name (default `ed25519`).
pub(crate) fn alg_arg(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<Algorithm> {
    let name = match value {
        None => None,
        Some(v) => match type_of(v)? {
            ValueType::Undefined | ValueType::Null => None,
            ValueType::String => Some(String::from_unknown(v)?),
            _ => {
                return Err(invalid_argument(
                    env,
                    format!(
                        "alg must be \"ed25519\" or \"ed25519ph\", got {}",
                        describe(v)
                    ),
                ))
            }
        },
    };
    trustcore::ffi::signature_algorithm(name.as_deref()).or_throw(env)
}

/// A time: an RFC 3339 UTC string, or a `Date` (read as its time value,
/// printed by `Date.prototype.toISOString`). An invalid Date (`new
/// Date(NaN)`) is the core's `TimestampError` `invalid_timestamp`, like any
/// other text that is not a timestamp.
pub(crate) fn at_arg(env: &Env, value: Unknown<'_>) -> napi::Result<Timestamp> {
    let text = match type_of(value)? {
        ValueType::String => string_arg(env, value, "at")?,
        ValueType::Object if value.is_date()? => {
            let date = napi::JsDate::from_unknown(value)?;
            let time = date.value_of()?;
            if time.is_finite() {
                // The engine's own `toISOString` (not one a caller put on
                // the object) of the time value.
                let global = env.get_global()?;
                let ctor: Function<'_, (), Unknown<'_>> = global.get_named_property("Date")?;
                let proto: Object<'_> = ctor.get_named_property("prototype")?;
                let to_iso: Function<(), String> = proto.get_named_property("toISOString")?;
                to_iso.apply(Object::from_unknown(value)?, ())?
            } else {
                "Invalid Date".to_owned()
            }
        }
        _ => {
            return Err(invalid_argument(
                env,
                format!(
                    "at must be an RFC 3339 UTC string (e.g. \"2026-03-01T00:00:00Z\") or a Date, got {}",
                    describe(value)
                ),
            ))
        }
    };
    trustcore::ffi::timestamp(&text).or_throw(env)
}

/// A signature index: a non-negative integer.
pub(crate) fn index_arg(env: &Env, value: Unknown<'_>) -> napi::Result<usize> {
    if type_of(value)? == ValueType::Number {
        let n = f64::from_unknown(value)?;
        if n.fract() == 0.0 && (0.0..=(u32::MAX as f64)).contains(&n) {
            return Ok(n as usize);
        }
    }
    Err(invalid_argument(
        env,
        format!(
            "index must be a non-negative integer, got {}",
            describe(value)
        ),
    ))
}

/// An instance of one of this module's classes.
pub(crate) fn class_arg<'a, T>(
    env: &Env,
    value: Unknown<'a>,
    what: &str,
) -> napi::Result<ClassInstance<'a, T>>
where
    T: JavaScriptClassExt + 'a,
    ClassInstance<'a, T>: FromNapiValue,
{
    if type_of(value)? == ValueType::Object && T::instance_of(env, &value)? {
        // SAFETY: `value` is a live value of this call and an instance of `T`.
        return unsafe { ClassInstance::<'a, T>::from_napi_value(env.raw(), value.raw()) };
    }
    let class = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("the class");
    Err(invalid_argument(
        env,
        format!("{what} must be a {class}, got {}", describe(value)),
    ))
}

pub(crate) fn bytes_out<'e>(env: &'e Env, bytes: &[u8]) -> napi::Result<BufferSlice<'e>> {
    buffer(env, bytes)
}

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

/// An Ed25519 public (verifying) key.
///
/// Import it from any of the forms services hold keys in; export it to the
/// same. `checkHygiene()` refuses small-order and non-canonically encoded
/// keys (the signer registry applies it to every key it loads).
#[napi]
pub struct PublicKey {
    pub(crate) inner: tc_keys::PublicKey,
}

#[napi]
impl PublicKey {
    /// From the 32 raw bytes. Errors (`KeyError`): `invalid_key_length`,
    /// `invalid_key` (not a curve point).
    #[napi(ts_args_type = "bytes: Uint8Array")]
    pub fn from_bytes(env: &Env, bytes: Unknown<'_>) -> napi::Result<PublicKey> {
        let bytes = bytes_arg(env, bytes, "bytes")?;
        Self::wrap(env, tc_keys::PublicKey::from_bytes(&bytes))
    }

    /// From standard padded base64 of the 32 bytes (the signers-file form).
    #[napi(ts_args_type = "text: string")]
    pub fn from_base64(env: &Env, text: Unknown<'_>) -> napi::Result<PublicKey> {
        let text = string_arg(env, text, "text")?;
        Self::wrap(env, tc_keys::PublicKey::from_base64(&text))
    }

    /// From hex of the 32 bytes.
    #[napi(ts_args_type = "text: string")]
    pub fn from_hex(env: &Env, text: Unknown<'_>) -> napi::Result<PublicKey> {
        let text = string_arg(env, text, "text")?;
        Self::wrap(env, tc_keys::PublicKey::from_hex(&text))
    }

    /// From an SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as Node `crypto`,
    /// OpenSSL and KMS `GetPublicKey` write it.
    #[napi(ts_args_type = "pem: string")]
    pub fn from_pem(env: &Env, pem: Unknown<'_>) -> napi::Result<PublicKey> {
        let pem = string_arg(env, pem, "pem")?;
        Self::wrap(env, tc_keys::PublicKey::from_spki_pem(&pem))
    }

    /// From SPKI DER bytes.
    #[napi(ts_args_type = "der: Uint8Array")]
    pub fn from_der(env: &Env, der: Unknown<'_>) -> napi::Result<PublicKey> {
        let der = bytes_arg(env, der, "der")?;
        Self::wrap(env, tc_keys::PublicKey::from_spki_der(&der))
    }

    /// From a JWK (`{"kty":"OKP","crv":"Ed25519","x":"<base64url>"}`), as
    /// JSON text or an object. A private JWK is accepted; only `x` is used.
    #[napi(ts_args_type = "jwk: string | object")]
    pub fn from_jwk(env: &Env, jwk: Unknown<'_>) -> napi::Result<PublicKey> {
        let text = jwk_text(env, jwk)?;
        Self::wrap(env, tc_keys::PublicKey::from_jwk(&text))
    }

    fn wrap(env: &Env, r: Result<tc_keys::PublicKey, tc_keys::Error>) -> napi::Result<PublicKey> {
        r.map(|inner| PublicKey { inner }).or_throw(env)
    }

    /// The 32 raw bytes.
    #[napi(ts_return_type = "Buffer")]
    pub fn to_bytes<'e>(&self, env: &'e Env) -> napi::Result<BufferSlice<'e>> {
        bytes_out(env, &self.inner.to_bytes())
    }

    /// Standard padded base64 of the 32 bytes.
    #[napi]
    pub fn to_base64(&self) -> String {
        self.inner.to_base64()
    }

    /// Lowercase hex of the 32 bytes.
    #[napi]
    pub fn to_hex(&self) -> String {
        self.inner.to_hex()
    }

    /// SPKI PEM with LF line endings (what `crypto.createPublicKey` reads).
    #[napi]
    pub fn to_pem(&self) -> String {
        self.inner.to_spki_pem()
    }

    /// SPKI DER bytes.
    #[napi(ts_return_type = "Buffer")]
    pub fn to_der<'e>(&self, env: &'e Env) -> napi::Result<BufferSlice<'e>> {
        bytes_out(env, &self.inner.to_spki_der())
    }

    /// A public JWK as canonical JSON text, with `kid` when given.
    #[napi(ts_args_type = "kid?: string")]
    pub fn to_jwk(&self, env: &Env, kid: Option<Unknown<'_>>) -> napi::Result<String> {
        let kid = opt_string_arg(env, kid, "kid")?;
        Ok(self.inner.to_jwk(kid.as_deref()))
    }

    /// Throws `KeyError` `weak_key` (small order: any signature could verify)
    /// or `non_canonical_key` for keys unfit for long-term use.
    #[napi]
    pub fn check_hygiene(&self, env: &Env) -> napi::Result<()> {
        self.inner.check_hygiene().or_throw(env)
    }

    /// Whether both are the same key.
    #[napi(ts_args_type = "other: PublicKey")]
    pub fn equals(&self, env: &Env, other: Unknown<'_>) -> napi::Result<bool> {
        let other = class_arg::<PublicKey>(env, other, "other")?;
        Ok(self.inner == other.inner)
    }

    /// `JSON.stringify` writes the base64 form.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.inner.to_base64()
    }

    /// `PublicKey(<base64>)`.
    #[napi]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        format!("PublicKey({})", self.inner.to_base64())
    }

    /// What `util.inspect` (and `console.log`) shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!("PublicKey {{ base64: '{}' }}", self.inner.to_base64())
    }
}

/// An Ed25519 secret key (the 32-byte seed; RFC 8032 private key).
///
/// Zeroized when collected. `util.inspect`, `String()` and
/// `JSON.stringify` show only its public key; the secret leaves only
/// through the `export*` methods.
#[napi]
pub struct SecretKey {
    pub(crate) inner: tc_keys::SecretKey,
}

#[napi]
impl SecretKey {
    /// A new key from the operating system's randomness.
    #[napi]
    pub fn generate(env: &Env) -> napi::Result<SecretKey> {
        Self::wrap(env, tc_keys::SecretKey::generate())
    }

    /// From the 32-byte seed. `KeyError` `invalid_key_length` otherwise.
    #[napi(ts_args_type = "seed: Uint8Array")]
    pub fn from_bytes(env: &Env, seed: Unknown<'_>) -> napi::Result<SecretKey> {
        let seed = bytes_arg(env, seed, "seed")?;
        Self::wrap(env, tc_keys::SecretKey::from_bytes(&seed))
    }

    /// The same as `fromBytes`.
    #[napi(ts_args_type = "seed: Uint8Array")]
    pub fn from_seed(env: &Env, seed: Unknown<'_>) -> napi::Result<SecretKey> {
        Self::from_bytes(env, seed)
    }

    /// From standard padded base64 of the seed.
    #[napi(ts_args_type = "text: string")]
    pub fn from_base64(env: &Env, text: Unknown<'_>) -> napi::Result<SecretKey> {
        let text = string_arg(env, text, "text")?;
        Self::wrap(env, tc_keys::SecretKey::from_base64(&text))
    }

    /// From hex of the seed.
    #[napi(ts_args_type = "text: string")]
    pub fn from_hex(env: &Env, text: Unknown<'_>) -> napi::Result<SecretKey> {
        let text = string_arg(env, text, "text")?;
        Self::wrap(env, tc_keys::SecretKey::from_hex(&text))
    }

    /// From PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, v1 or v2), as
    /// `crypto.generateKeyPairSync('ed25519')` and OpenSSL write it.
    #[napi(ts_args_type = "pem: string")]
    pub fn from_pem(env: &Env, pem: Unknown<'_>) -> napi::Result<SecretKey> {
        let pem = string_arg(env, pem, "pem")?;
        Self::wrap(env, tc_keys::SecretKey::from_pkcs8_pem(&pem))
    }

    /// From PKCS#8 DER bytes.
    #[napi(ts_args_type = "der: Uint8Array")]
    pub fn from_der(env: &Env, der: Unknown<'_>) -> napi::Result<SecretKey> {
        let der = bytes_arg(env, der, "der")?;
        Self::wrap(env, tc_keys::SecretKey::from_pkcs8_der(&der))
    }

    /// From a private JWK (`d` and `x`; `x` must match `d`), as JSON text or
    /// an object.
    #[napi(ts_args_type = "jwk: string | object")]
    pub fn from_jwk(env: &Env, jwk: Unknown<'_>) -> napi::Result<SecretKey> {
        let text = jwk_text(env, jwk)?;
        Self::wrap(env, tc_keys::SecretKey::from_jwk(&text))
    }

    fn wrap(env: &Env, r: Result<tc_keys::SecretKey, tc_keys::Error>) -> napi::Result<SecretKey> {
        r.map(|inner| SecretKey { inner }).or_throw(env)
    }

    /// The matching public key.
    #[napi]
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: self.inner.public_key(),
        }
    }

    /// Signs `message` (pure Ed25519); a string is signed as its UTF-8.
    #[napi(
        ts_args_type = "message: Uint8Array | string",
        ts_return_type = "Buffer"
    )]
    pub fn sign<'e>(&self, env: &'e Env, message: Unknown<'_>) -> napi::Result<BufferSlice<'e>> {
        let message = message_bytes(env, message, "message")?;
        bytes_out(env, &trustcore::sign::sign(&self.inner, &message))
    }

    /// The 32-byte seed. Handle with care.
    #[napi(ts_return_type = "Buffer")]
    pub fn export_bytes<'e>(&self, env: &'e Env) -> napi::Result<BufferSlice<'e>> {
        bytes_out(env, self.inner.to_bytes().as_slice())
    }

    /// The seed as standard padded base64.
    #[napi]
    pub fn export_base64(&self) -> String {
        self.inner.to_base64().to_string()
    }

    /// The seed as lowercase hex.
    #[napi]
    pub fn export_hex(&self) -> String {
        self.inner.to_hex().to_string()
    }

    /// PKCS#8 v1 PEM (the form `crypto.createPrivateKey` reads).
    #[napi]
    pub fn export_pem(&self) -> String {
        self.inner.to_pkcs8_pem().to_string()
    }

    /// A private JWK (with `d`) as JSON text, with `kid` when given.
    #[napi(ts_args_type = "kid?: string")]
    pub fn export_jwk(&self, env: &Env, kid: Option<Unknown<'_>>) -> napi::Result<String> {
        let kid = opt_string_arg(env, kid, "kid")?;
        Ok(self.inner.to_jwk(kid.as_deref()).to_string())
    }

    /// `JSON.stringify` writes only the public key: `{"publicKey":"<base64>"}`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> SecretKeyJson {
        SecretKeyJson {
            public_key: self.inner.public_key().to_base64(),
        }
    }

    /// `SecretKey(publicKey=<base64>)`: never the secret.
    #[napi]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        format!(
            "SecretKey(publicKey={})",
            self.inner.public_key().to_base64()
        )
    }

    /// What `util.inspect` (and `console.log`) shows: the public key only.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!(
            "SecretKey {{ publicKey: '{}' }}",
            self.inner.public_key().to_base64()
        )
    }
}

/// What `JSON.stringify(secretKey)` writes.
#[napi(object, object_from_js = false)]
pub struct SecretKeyJson {
    /// The public key, standard base64.
    pub public_key: String,
}

// ---------------------------------------------------------------------------
// Raw signatures
// ---------------------------------------------------------------------------

/// Signs `message` with pure Ed25519 (RFC 8032); returns the 64-byte
/// signature. A string is signed as its UTF-8 bytes.
#[napi(
    ts_args_type = "secretKey: SecretKey, message: Uint8Array | string",
    ts_return_type = "Buffer"
)]
pub fn sign<'e>(
    env: &'e Env,
    secret_key: Unknown<'_>,
    message: Unknown<'_>,
) -> napi::Result<BufferSlice<'e>> {
    let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
    let message = message_bytes(env, message, "message")?;
    bytes_out(env, &trustcore::sign::sign(&key.inner, &message))
}

/// Verifies an Ed25519 signature under the raw 32-byte public key.
///
/// The verdict is the one Go `crypto/ed25519` and OpenSSL (Node `crypto`)
/// give on every edge case. A key that is not a curve point gives `false`;
/// wrong lengths throw `KeyError` `invalid_key_length` /
/// `invalid_signature_length`. No key hygiene is applied (see
/// `PublicKey.checkHygiene`).
#[napi(ts_args_type = "publicKey: Uint8Array, message: Uint8Array | string, signature: Uint8Array")]
pub fn verify(
    env: &Env,
    public_key: Unknown<'_>,
    message: Unknown<'_>,
    signature: Unknown<'_>,
) -> napi::Result<bool> {
    let pk = bytes_arg(env, public_key, "publicKey")?;
    let message = message_bytes(env, message, "message")?;
    let sig = bytes_arg(env, signature, "signature")?;
    trustcore::sign::verify(&pk, &message, &sig).or_throw(env)
}

/// Ed25519ph (RFC 8032, empty context) over a 64-byte SHA-512 digest: what
/// a KMS in digest mode (AWS KMS `MessageType: DIGEST`) computes. For
/// signing services and test doubles; `Envelope.prepare(signer,
/// 'ed25519ph').message` is such a digest. `KeyError`
/// `invalid_digest_length` unless 64 bytes.
#[napi(
    js_name = "signEd25519phDigest",
    ts_args_type = "secretKey: SecretKey, digest: Uint8Array",
    ts_return_type = "Buffer"
)]
pub fn sign_ed25519ph_digest<'e>(
    env: &'e Env,
    secret_key: Unknown<'_>,
    digest: Unknown<'_>,
) -> napi::Result<BufferSlice<'e>> {
    let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
    let digest = bytes_arg(env, digest, "digest")?;
    let sig = trustcore::sign::sign_prehashed_digest(&key.inner, &digest).or_throw(env)?;
    bytes_out(env, &sig)
}

/// Verifies an Ed25519ph signature (empty context) over a 64-byte SHA-512
/// digest under the raw 32-byte public key, with the same rule as `verify`.
#[napi(
    js_name = "verifyEd25519phDigest",
    ts_args_type = "publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array"
)]
pub fn verify_ed25519ph_digest(
    env: &Env,
    public_key: Unknown<'_>,
    digest: Unknown<'_>,
    signature: Unknown<'_>,
) -> napi::Result<bool> {
    let pk = bytes_arg(env, public_key, "publicKey")?;
    let digest = bytes_arg(env, digest, "digest")?;
    let sig = bytes_arg(env, signature, "signature")?;
    trustcore::sign::verify_prehashed_digest(&pk, &digest, &sig).or_throw(env)
}

// ---------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------

/// One signature of an envelope, as in its JSON.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct EnvelopeSignature {
    /// The algorithm.
    #[napi(ts_type = "'ed25519' | 'ed25519ph'")]
    pub alg: String,
    /// The signer id.
    pub signer: String,
    /// The 64-byte signature, standard padded base64.
    pub sig: String,
}

/// The bytes prepared for a (possibly remote) signer.
#[napi(object, object_from_js = false)]
pub struct PreparedSigning {
    /// What the signer must sign: the signing input (`ed25519`) or its
    /// 64-byte SHA-512 digest (`ed25519ph`, KMS `MessageType: DIGEST`).
    #[napi(ts_type = "Buffer")]
    pub message: napi::bindgen_prelude::Buffer,
    /// The full signing input (canonical JSON naming kind, signer, alg).
    #[napi(ts_type = "Buffer")]
    pub signing_input: napi::bindgen_prelude::Buffer,
    /// The algorithm.
    #[napi(ts_type = "'ed25519' | 'ed25519ph'")]
    pub alg: String,
    /// The signer id.
    pub signer: String,
}

/// A payload of a named kind with its signatures.
///
/// What a signature covers is the canonical JSON of
/// `{"alg","kind","payload","signer","type":"trustcore.signing-input/v1"}`,
/// so it cannot be replayed as another kind, relabelled to another signer,
/// or read as the other algorithm.
#[napi]
pub struct Envelope {
    // Shared with a pending `signWith`, which attaches on the JS thread
    // when the remote signer answers. An `Arc<Mutex>` rather than an
    // `Rc<RefCell>` because napi moves that continuation through its async
    // runtime (and may drop it there at shutdown). Only the JS thread locks
    // it, never across a call into JS, so the lock is never contended.
    inner: Arc<Mutex<tc_envelope::Envelope>>,
}

/// The envelope, even if a previous holder panicked (none can: the core
/// does not panic, but a poisoned lock is no reason to fail).
fn lock(m: &Mutex<tc_envelope::Envelope>) -> MutexGuard<'_, tc_envelope::Envelope> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Envelope {
    pub(crate) fn new(inner: tc_envelope::Envelope) -> Envelope {
        Envelope {
            inner: Arc::new(Mutex::new(inner)),
        }
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&tc_envelope::Envelope) -> T) -> T {
        f(&lock(&self.inner))
    }

    fn with_mut<T>(&self, f: impl FnOnce(&mut tc_envelope::Envelope) -> T) -> T {
        f(&mut lock(&self.inner))
    }
}

#[napi]
impl Envelope {
    /// A new unsigned envelope of `kind` around a JS value, canonicalized
    /// with the rules of `canonicalize` (plain objects, arrays, strings,
    /// finite numbers, booleans, null). `kind` is 1-128 characters of
    /// `A-Z a-z 0-9 . _ : / -` (`EnvelopeError` `invalid_kind`).
    #[napi(ts_args_type = "kind: string, payload: unknown")]
    pub fn create(env: &Env, kind: Unknown<'_>, payload: Unknown<'_>) -> napi::Result<Envelope> {
        let kind = string_arg(env, kind, "kind")?;
        with_value(env, payload, |v| {
            trustcore::ffi::envelope_from_value(&kind, v)
        })
        .map(Self::new)
    }

    /// A new unsigned envelope around JSON text (a string or UTF-8 bytes),
    /// read as strict I-JSON like `canonicalizeText`.
    #[napi(ts_args_type = "kind: string, payloadJson: string | Uint8Array")]
    pub fn from_text(
        env: &Env,
        kind: Unknown<'_>,
        payload_json: Unknown<'_>,
    ) -> napi::Result<Envelope> {
        let kind = string_arg(env, kind, "kind")?;
        let text = text_arg(env, payload_json, "payloadJson")?;
        with_text(
            env,
            &text,
            |b| tc_envelope::Envelope::new(&kind, b),
            |u| trustcore::ffi::envelope_from_utf16(&kind, u),
        )
        .map(Self::new)
    }

    /// Reads an envelope from its JSON text (strict I-JSON; unknown members
    /// and versions are refused with `EnvelopeError` `invalid_envelope`).
    #[napi(ts_args_type = "text: string | Uint8Array")]
    pub fn from_json(env: &Env, text: Unknown<'_>) -> napi::Result<Envelope> {
        let bytes = json_bytes(env, text, "text")?;
        tc_envelope::Envelope::from_json(&bytes)
            .or_throw(env)
            .map(Self::new)
    }

    /// The record kind.
    #[napi(getter)]
    pub fn kind(&self) -> String {
        self.with(|e| e.kind().to_owned())
    }

    /// The payload as canonical JSON text.
    #[napi(getter)]
    pub fn payload(&self) -> String {
        self.with(|e| String::from_utf8_lossy(e.payload()).into_owned())
    }

    /// The signatures, in the order they were added.
    #[napi(getter, ts_return_type = "EnvelopeSignature[]")]
    pub fn signatures(&self) -> Json {
        Json(self.with(trustcore::ffi::envelope_signatures))
    }

    /// The bytes a signer with id `signer` must sign for `alg` (default
    /// `ed25519`): hand `message` to a KMS, HSM or signing proxy, then
    /// `attach` its answer.
    #[napi(ts_args_type = "signer: string, alg?: 'ed25519' | 'ed25519ph'")]
    pub fn prepare(
        &self,
        env: &Env,
        signer: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<PreparedSigning> {
        let signer = string_arg(env, signer, "signer")?;
        let alg = alg_arg(env, alg)?;
        let prepared = self.with(|e| e.prepare(&signer, alg)).or_throw(env)?;
        Ok(PreparedSigning {
            message: prepared.message().into(),
            signing_input: prepared.signing_input().to_vec().into(),
            alg: alg.name().to_owned(),
            signer,
        })
    }

    /// Attaches a signature made elsewhere for `signer`/`alg`, after
    /// checking it verifies under `expectedPublicKey`. A signature that does
    /// not (or is not 64 bytes) throws `EnvelopeError`
    /// `remote_signature_invalid` and leaves the envelope unchanged.
    #[napi(
        ts_args_type = "signer: string, signature: Uint8Array, expectedPublicKey: PublicKey, alg?: 'ed25519' | 'ed25519ph'"
    )]
    pub fn attach(
        &self,
        env: &Env,
        signer: Unknown<'_>,
        signature: Unknown<'_>,
        expected_public_key: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<()> {
        let signer = string_arg(env, signer, "signer")?;
        let sig = bytes_arg(env, signature, "signature")?;
        let expected = class_arg::<PublicKey>(env, expected_public_key, "expectedPublicKey")?;
        let alg = alg_arg(env, alg)?;
        self.with_mut(|e| e.attach(&signer, alg, &sig, &expected.inner))
            .or_throw(env)
    }

    /// Signs with a local secret key as `signer` and attaches the signature.
    #[napi(ts_args_type = "secretKey: SecretKey, signer: string, alg?: 'ed25519' | 'ed25519ph'")]
    pub fn sign(
        &self,
        env: &Env,
        secret_key: Unknown<'_>,
        signer: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<()> {
        let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
        let signer = string_arg(env, signer, "signer")?;
        let alg = alg_arg(env, alg)?;
        self.with_mut(|e| e.sign(&key.inner, &signer, alg))
            .or_throw(env)
    }

    /// Signs through a remote signer (KMS, HSM, signing proxy).
    ///
    /// `signerFn(message)` gets exactly `prepare(signer, alg).message` and
    /// returns the 64-byte signature, or a Promise of it (a `Uint8Array`,
    /// `Buffer` or `ArrayBuffer`). The answer must verify under
    /// `expectedPublicKey` before it is attached. The returned Promise
    /// resolves once it is attached and rejects, leaving the envelope
    /// unchanged, with:
    /// - `EnvelopeError` `remote_signature_invalid`: a wrong signature or
    ///   length;
    /// - `EnvelopeError` `remote_signer_failed`: `signerFn` threw or its
    ///   Promise rejected (the original Error is `cause`; a non-Error value
    ///   becomes an Error with its text);
    /// - `TypeError` `invalid_argument`: it returned something other than
    ///   bytes.
    #[napi(
        ts_args_type = "signer: string, expectedPublicKey: PublicKey, signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>, alg?: 'ed25519' | 'ed25519ph'",
        ts_return_type = "Promise<void>"
    )]
    pub fn sign_with<'e>(
        &self,
        env: &'e Env,
        signer: Unknown<'_>,
        expected_public_key: Unknown<'_>,
        signer_fn: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'e, ()>> {
        let signer = string_arg(env, signer, "signer")?;
        let expected = class_arg::<PublicKey>(env, expected_public_key, "expectedPublicKey")?.inner;
        let tsfn = signer_tsfn(env, signer_fn)?;
        let alg = alg_arg(env, alg)?;
        // Prepared now: the bytes are fixed when the call is made (kind and
        // payload never change, so attaching later recomputes the same).
        let message = self
            .with(|e| e.prepare(&signer, alg))
            .or_throw(env)?
            .message();
        let envelope = Arc::clone(&self.inner);
        env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
            settle(env, &envelope, &signer, alg, &expected, outcome)
        })
    }

    /// Whether signature `index` verifies under `publicKey` (resolve the
    /// signer id to a key yourself, or use `SignerRegistry.verifyEnvelope`).
    /// `EnvelopeError` `no_such_signature` when there is no such index.
    #[napi(ts_args_type = "index: number, publicKey: PublicKey")]
    pub fn verify(
        &self,
        env: &Env,
        index: Unknown<'_>,
        public_key: Unknown<'_>,
    ) -> napi::Result<bool> {
        let index = index_arg(env, index)?;
        let key = class_arg::<PublicKey>(env, public_key, "publicKey")?;
        self.with(|e| e.verify(index, &key.inner)).or_throw(env)
    }

    /// The exact bytes signature `index` covers.
    #[napi(ts_args_type = "index: number", ts_return_type = "Buffer")]
    pub fn signing_input_of<'e>(
        &self,
        env: &'e Env,
        index: Unknown<'_>,
    ) -> napi::Result<BufferSlice<'e>> {
        let index = index_arg(env, index)?;
        let input = self.with(|e| e.signing_input_of(index)).or_throw(env)?;
        bytes_out(env, &input)
    }

    /// The envelope as canonical JSON text (what `fromJson` reads).
    #[napi]
    pub fn to_json(&self) -> String {
        self.with(|e| e.to_json())
    }

    /// `JSON.stringify` writes the envelope document (use `toJson()` for
    /// the canonical text).
    #[napi(js_name = "toJSON", ts_return_type = "object")]
    pub fn to_json_value<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        let text = self.with(|e| e.to_json());
        let global = env.get_global()?;
        let json: Object<'_> = global.get_named_property("JSON")?;
        let parse: Function<'_, String, Unknown<'_>> = json.get_named_property("parse")?;
        parse.apply(json, text)
    }

    /// The canonical JSON text, as `toJson()`.
    #[napi]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        self.to_json()
    }

    /// What `util.inspect` shows: the kind and the signers.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        self.with(|e| {
            let signers: Vec<String> = e
                .signatures()
                .iter()
                .map(|s| format!("{:?} ({})", s.signer, s.alg.name()))
                .collect();
            format!(
                "Envelope {{ kind: '{}', signatures: [{}] }}",
                e.kind(),
                signers.join(", ")
            )
        })
    }
}

/// What a signer function returned (read on the JS thread).
pub(crate) enum SignerAnswer {
    Bytes(Vec<u8>),
    Pending(Promise<SignerBytes>),
    NotBytes(&'static str),
}

/// What a signer function's Promise resolved to.
pub(crate) struct SignerBytes(pub(crate) Result<Vec<u8>, &'static str>);

/// Copies the bytes of a `Uint8Array` (or `Buffer`) or an `ArrayBuffer`.
pub(crate) fn answer_bytes(value: Unknown<'_>) -> napi::Result<Result<Vec<u8>, &'static str>> {
    if type_of(value)? == ValueType::Object {
        if value.is_typedarray()? {
            return Ok(match Uint8ArraySlice::from_unknown(value) {
                Ok(s) => Ok(s.to_vec()),
                Err(_) => Err("another TypedArray"),
            });
        }
        if value.is_arraybuffer()? {
            let ab = napi::bindgen_prelude::ArrayBuffer::from_unknown(value)?;
            return Ok(Ok(ab.to_vec()));
        }
    }
    Ok(Err(describe(value)))
}

impl TypeName for SignerAnswer {
    fn type_name() -> &'static str {
        "Uint8Array | Promise<Uint8Array>"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for SignerAnswer {}

impl FromNapiValue for SignerAnswer {
    unsafe fn from_napi_value(env: sys::napi_env, napi_val: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi hands us a live value of this env.
        let value = unsafe { Unknown::from_napi_value(env, napi_val)? };
        if value.is_promise()? {
            // SAFETY: as above; it is a native Promise.
            let p = unsafe { Promise::<SignerBytes>::from_napi_value(env, napi_val)? };
            return Ok(SignerAnswer::Pending(p));
        }
        Ok(match answer_bytes(value)? {
            Ok(b) => SignerAnswer::Bytes(b),
            Err(what) => SignerAnswer::NotBytes(what),
        })
    }
}

impl TypeName for SignerBytes {
    fn type_name() -> &'static str {
        "Uint8Array"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for SignerBytes {}

impl FromNapiValue for SignerBytes {
    unsafe fn from_napi_value(env: sys::napi_env, napi_val: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi hands us a live value of this env.
        let value = unsafe { Unknown::from_napi_value(env, napi_val)? };
        answer_bytes(value).map(SignerBytes)
    }
}

/// How a remote signing attempt ended, before attaching.
pub(crate) enum Outcome {
    Bytes(Vec<u8>),
    NotBytes(&'static str),
    /// The function threw or its Promise rejected.
    Failed(napi::Error),
}

/// A remote signer as the JS function `(message: Buffer) => signature`
/// (or a Promise of it), callable from the async runtime.
pub(crate) type SignerTsfn = ThreadsafeFunction<
    napi::bindgen_prelude::Buffer,
    SignerAnswer,
    napi::bindgen_prelude::Buffer,
    Status,
    false,
>;

/// `signerFn` as a [`SignerTsfn`]; a non-function is `invalid_argument`.
pub(crate) fn signer_tsfn(env: &Env, signer_fn: Unknown<'_>) -> napi::Result<SignerTsfn> {
    if type_of(signer_fn)? != ValueType::Function {
        return Err(invalid_argument(
            env,
            format!(
                "signerFn must be a function (message: Buffer) => signature, got {}",
                describe(signer_fn)
            ),
        ));
    }
    let func: Function<'_, napi::bindgen_prelude::Buffer, SignerAnswer> =
        Function::from_unknown(signer_fn)?;
    func.build_threadsafe_function()
        .callee_handled::<false>()
        .build()
}

/// Calls the caller's signer function (sync or async) with the prepared
/// message, off the JS thread, and says how it ended. Shared by
/// `Envelope.signWith`, `ChainWriter.appendWith` and `Checkpoint.signWith`.
pub(crate) async fn ask_remote_signer(tsfn: SignerTsfn, message: Vec<u8>) -> napi::Result<Outcome> {
    let answer = tsfn.call_async_catch(message.into()).await;
    // Release the function before awaiting its Promise.
    drop(tsfn);
    Ok(match answer {
        Err(e) => Outcome::Failed(e),
        Ok(SignerAnswer::Bytes(b)) => Outcome::Bytes(b),
        Ok(SignerAnswer::NotBytes(what)) => Outcome::NotBytes(what),
        Ok(SignerAnswer::Pending(p)) => match p.await {
            Err(e) => Outcome::Failed(e),
            Ok(SignerBytes(Ok(b))) => Outcome::Bytes(b),
            Ok(SignerBytes(Err(what))) => Outcome::NotBytes(what),
        },
    })
}

/// The signature the remote signer returned, or the JS error the Promise
/// rejects with: `TypeError` `invalid_argument` for an answer that is not
/// bytes, `EnvelopeError` `remote_signer_failed` (original error as
/// `cause`) when the function threw or rejected.
pub(crate) fn outcome_signature(
    env: &Env,
    signer: &str,
    outcome: Outcome,
) -> napi::Result<Vec<u8>> {
    match outcome {
        Outcome::Bytes(sig) => Ok(sig),
        Outcome::NotBytes(what) => Err(rejection(type_error_object(
            env,
            &format!(
                "signerFn must return (or resolve to) the 64-byte signature as a Uint8Array, Buffer or ArrayBuffer, got {what}"
            ),
        ))),
        Outcome::Failed(err) => {
            let core = trustcore::envelope::remote_signer_failed(signer, &err.reason);
            let cause = JsError::from(err).into_unknown(*env);
            let mut obj = core_error_object(env, &core.into())?;
            obj.set_named_property("cause", cause)?;
            Err(rejection(obj.to_unknown()))
        }
    }
}

/// Runs on the JS thread when the remote signer has answered: attaches the
/// signature, or rejects the Promise with an Error carrying a `code`.
fn settle(
    env: &Env,
    envelope: &Mutex<tc_envelope::Envelope>,
    signer: &str,
    alg: Algorithm,
    expected: &tc_keys::PublicKey,
    outcome: Outcome,
) -> napi::Result<()> {
    let sig = outcome_signature(env, signer, outcome)?;
    let attached = lock(envelope).attach(signer, alg, &sig, expected);
    attached.map_err(|err| crate::reject_core(env, err.into()))
}

/// A napi error that rejects the Promise with exactly this JS value.
pub(crate) fn rejection(value: Unknown<'_>) -> napi::Error {
    napi::Error::from(value)
}

// ---------------------------------------------------------------------------
// Signer registry and approvals
// ---------------------------------------------------------------------------

/// A signer as the signers file records it (the core's document, the same
/// in every language): `{signerId, publicKey, algorithm?, validFrom?,
/// validUntil?, revokedAt?, rotatedFrom?}`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SignerEntry {
    /// The signer id.
    pub signer_id: String,
    /// Its public key, standard padded base64 of the 32 bytes.
    pub public_key: String,
    /// The algorithm its signatures must use, when not `ed25519`.
    #[napi(ts_type = "'ed25519ph'")]
    pub algorithm: Option<String>,
    /// Start of the window (RFC 3339 UTC, as given), if any.
    pub valid_from: Option<String>,
    /// End of the window (exclusive), if any.
    pub valid_until: Option<String>,
    /// Revocation time: nothing signed at or after it verifies (and no
    /// successor rotated from it vouches from then on).
    pub revoked_at: Option<String>,
    /// The signer this one was rotated from, if it came from a rotation.
    pub rotated_from: Option<String>,
}

/// The verdict on one signature of an envelope.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SignatureVerdict {
    /// Its index in the envelope's `signatures`.
    pub index: u32,
    /// The signer id it names.
    pub signer: String,
    /// Its algorithm.
    #[napi(ts_type = "'ed25519' | 'ed25519ph'")]
    pub alg: String,
    /// Whether it verifies (and, in an approval report, counts).
    pub valid: bool,
    /// Why not, when it does not (absent when `valid`).
    #[napi(
        ts_type = "'unknown_signer' | 'signer_not_yet_valid' | 'signer_expired' | 'signer_revoked' | 'algorithm_mismatch' | 'invalid_signature' | 'not_in_set' | 'duplicate_signer' | 'wrong_kind'"
    )]
    pub reason: Option<String>,
}

/// Every signature of an envelope checked against the registry at a time
/// (`EnvelopeReport::to_value` of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct EnvelopeReport {
    /// True when there is at least one signature and every one verifies
    /// under a registered key valid at the time.
    pub valid: bool,
    /// One verdict per signature, in envelope order.
    pub signatures: Vec<SignatureVerdict>,
}

/// The outcome of a k-of-n approval check (`ApprovalReport::to_value` of
/// the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ApprovalReport {
    /// The approval set's name.
    pub set: String,
    /// k.
    pub threshold: u32,
    /// Whether at least k distinct signers of the set approved.
    pub approved: bool,
    /// The counted signers, sorted.
    pub approvers: Vec<String>,
    /// One verdict per signature, in envelope order.
    pub signatures: Vec<SignatureVerdict>,
}

/// A verified signer rotation: the rotation payload (the core's document).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Rotation {
    /// The retiring signer id.
    pub previous: String,
    /// The new signer, as the signers file records it.
    pub next: SignerEntry,
    /// When the retiring key stops vouching (end of the overlap).
    pub previous_valid_until: String,
    /// When the rotation was made.
    pub rotated_at: String,
}

/// Which public key speaks for which signer id, and when.
///
/// Loads the signers file (`{"signers":[{"signerId","publicKey",
/// "validFrom"?, "validUntil"?, "revokedAt"?, "algorithm"?}]}`) or a JWKS
/// document; every key passes `checkHygiene` on the way in.
#[napi]
pub struct SignerRegistry {
    pub(crate) inner: tc_registry::SignerRegistry,
}

#[napi]
impl SignerRegistry {
    /// Loads a signers file (JSON text or UTF-8 bytes). `RegistryError`
    /// (`invalid_registry`, `invalid_public_key`, `duplicate_signer`,
    /// `invalid_window`) or `CanonicalJsonError` for JSON that is not
    /// strict I-JSON.
    #[napi(ts_args_type = "text: string | Uint8Array")]
    pub fn from_json(env: &Env, text: Unknown<'_>) -> napi::Result<SignerRegistry> {
        let bytes = json_bytes(env, text, "text")?;
        tc_registry::SignerRegistry::from_json(&bytes)
            .map(|inner| SignerRegistry { inner })
            .or_throw(env)
    }

    /// Loads a JWKS document (public Ed25519 JWKs, `kid` = signer id; a
    /// private JWK is refused).
    #[napi(ts_args_type = "text: string | Uint8Array")]
    pub fn from_jwks(env: &Env, text: Unknown<'_>) -> napi::Result<SignerRegistry> {
        let bytes = json_bytes(env, text, "text")?;
        tc_registry::SignerRegistry::from_jwks(&bytes)
            .map(|inner| SignerRegistry { inner })
            .or_throw(env)
    }

    /// The registry as a signers file (canonical JSON, load order).
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The registry as a JWKS document (canonical JSON), for
    /// `/.well-known/jwks.json`.
    #[napi]
    pub fn to_jwks(&self) -> String {
        self.inner.to_jwks()
    }

    /// The signer ids, in load order.
    #[napi]
    pub fn signer_ids(&self) -> Vec<String> {
        self.inner
            .records()
            .map(|r| r.signer_id().to_owned())
            .collect()
    }

    /// The number of signers.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// A signer's record as the signers file holds it, or `null`.
    #[napi(
        ts_args_type = "signerId: string",
        ts_return_type = "SignerEntry | null"
    )]
    pub fn get(&self, env: &Env, signer_id: Unknown<'_>) -> napi::Result<Json> {
        let id = string_arg(env, signer_id, "signerId")?;
        Ok(Json(
            self.inner
                .get(&id)
                .map(|r| r.to_value())
                .unwrap_or(serde_json::Value::Null),
        ))
    }

    /// The key that vouches for `signerId`'s `alg` (default `ed25519`)
    /// signatures on records at `at`. Otherwise throws `RegistryError` whose
    /// `code` is the reason: `unknown_signer`, `signer_not_yet_valid`,
    /// `signer_expired`, `signer_revoked`, `algorithm_mismatch`.
    #[napi(ts_args_type = "signerId: string, at: string | Date, alg?: 'ed25519' | 'ed25519ph'")]
    pub fn key_for(
        &self,
        env: &Env,
        signer_id: Unknown<'_>,
        at: Unknown<'_>,
        alg: Option<Unknown<'_>>,
    ) -> napi::Result<PublicKey> {
        let id = string_arg(env, signer_id, "signerId")?;
        let at = at_arg(env, at)?;
        let alg = alg_arg(env, alg)?;
        self.inner
            .require_key(&id, alg, &at)
            .map(|k| PublicKey { inner: *k })
            .map_err(trustcore::Error::from)
            .or_throw(env)
    }

    /// Verifies every signature of `envelope` as of `at` (the record's
    /// time). Never throws for a bad signature: each verdict says why.
    #[napi(
        ts_args_type = "envelope: Envelope, at: string | Date",
        ts_return_type = "EnvelopeReport"
    )]
    pub fn verify_envelope(
        &self,
        env: &Env,
        envelope: Unknown<'_>,
        at: Unknown<'_>,
    ) -> napi::Result<Json> {
        let envelope = class_arg::<Envelope>(env, envelope, "envelope")?;
        let at = at_arg(env, at)?;
        let report = envelope.with(|e| self.inner.verify_envelope(e, &at));
        Ok(Json(report.to_value()))
    }

    /// Checks a rotation record (an envelope of kind `ROTATION_KIND` signed
    /// by the previous and the next key) without changing the registry.
    /// `RegistryError` `invalid_rotation`, `unknown_signer`,
    /// `duplicate_signer`, ... when it does not hold.
    #[napi(ts_args_type = "envelope: Envelope", ts_return_type = "Rotation")]
    pub fn verify_rotation(&self, env: &Env, envelope: Unknown<'_>) -> napi::Result<Json> {
        let envelope = class_arg::<Envelope>(env, envelope, "envelope")?;
        envelope
            .with(|e| self.inner.verify_rotation(e))
            .map(|r| Json(r.to_value()))
            .or_throw(env)
    }

    /// Verifies a rotation record and applies it: the previous signer's
    /// window closes at `previousValidUntil` and the next signer is added.
    /// A failed rotation changes nothing.
    #[napi(ts_args_type = "envelope: Envelope", ts_return_type = "Rotation")]
    pub fn apply_rotation(&mut self, env: &Env, envelope: Unknown<'_>) -> napi::Result<Json> {
        let envelope = class_arg::<Envelope>(env, envelope, "envelope")?;
        let inner = &mut self.inner;
        envelope
            .with(|e| inner.apply_rotation(e))
            .map(|r| Json(r.to_value()))
            .or_throw(env)
    }

    /// What `util.inspect` shows: the signer ids.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        let ids: Vec<String> = self
            .inner
            .records()
            .map(|r| format!("{:?}", r.signer_id()))
            .collect();
        format!("SignerRegistry {{ signers: [{}] }}", ids.join(", "))
    }
}

/// A named k-of-n approval set:
/// `{"name","threshold","signers":[ids],"kind"?}`.
#[napi]
pub struct ApprovalSet {
    inner: tc_registry::ApprovalSet,
}

#[napi]
impl ApprovalSet {
    /// Loads an approval set from JSON text. `RegistryError`
    /// `invalid_approval_set` when the threshold is not in 1..=n, an id is
    /// listed twice, or a member is unknown.
    #[napi(ts_args_type = "text: string | Uint8Array")]
    pub fn from_json(env: &Env, text: Unknown<'_>) -> napi::Result<ApprovalSet> {
        let bytes = json_bytes(env, text, "text")?;
        tc_registry::ApprovalSet::from_json(&bytes)
            .map(|inner| ApprovalSet { inner })
            .or_throw(env)
    }

    /// The set's name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// k: how many distinct signers of the set must approve.
    #[napi(getter)]
    pub fn threshold(&self) -> u32 {
        u32::try_from(self.inner.threshold()).unwrap_or(u32::MAX)
    }

    /// Counts the distinct signers of the set whose signatures on
    /// `envelope` verify under keys of `registry` valid at `at`; every
    /// signature that does not count has a reason.
    #[napi(
        ts_args_type = "envelope: Envelope, registry: SignerRegistry, at: string | Date",
        ts_return_type = "ApprovalReport"
    )]
    pub fn verify(
        &self,
        env: &Env,
        envelope: Unknown<'_>,
        registry: Unknown<'_>,
        at: Unknown<'_>,
    ) -> napi::Result<Json> {
        let envelope = class_arg::<Envelope>(env, envelope, "envelope")?;
        let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
        let at = at_arg(env, at)?;
        let report = envelope.with(|e| self.inner.verify(e, &registry.inner, &at));
        Ok(Json(report.to_value()))
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!(
            "ApprovalSet {{ name: {:?}, threshold: {} }}",
            self.inner.name(),
            self.inner.threshold()
        )
    }
}

factory_only!(
    PublicKey,
    "PublicKey.fromBytes, fromBase64, fromHex, fromPem, fromDer or fromJwk"
);
factory_only!(
    SecretKey,
    "SecretKey.generate, fromBytes, fromSeed, fromBase64, fromHex, fromPem, fromDer or fromJwk"
);
factory_only!(
    Envelope,
    "Envelope.create, Envelope.fromText or Envelope.fromJson"
);
factory_only!(
    SignerRegistry,
    "SignerRegistry.fromJson or SignerRegistry.fromJwks"
);
factory_only!(ApprovalSet, "ApprovalSet.fromJson");
