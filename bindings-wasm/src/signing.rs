//! Keys, raw Ed25519 signatures, signed envelopes, the signer registry and
//! k-of-n approvals: what a browser (the control panel) needs to verify
//! what the Node and Python services signed, with the same verdicts.
//!
//! Conversion and error mapping only: every rule is in `trustcore::keys`,
//! `trustcore::sign`, `trustcore::envelope` and `trustcore::registry`.
//! There are no secret keys here: signing in the browser is not offered
//! (importing a secret key would pull in Ed25519's 30 KB basepoint table,
//! PKCS#8 and PEM encoders — +67 KB raw / +42 KB gzipped — for a verifier),
//! and key generation would need `getrandom`. A signature made elsewhere (a
//! KMS, the Node or Python service) is checked and attached with
//! `Envelope.prepare` + `Envelope.attach`.
//!
//! Strings that end up inside signed bytes or are compared (signer ids,
//! JSON text) are read as their exact UTF-16 code units, so a lone surrogate
//! is the core's `lone_surrogate` error instead of a silent U+FFFD.
//!
//! Reports (`verifyEnvelope`, `ApprovalSet.verify`) come back as plain JS
//! objects: the core's report values (`EnvelopeReport::to_value`,
//! `ApprovalReport::to_value`, whose members are camelCase in every
//! language) through the one converter, `to_js`.

use crate::{
    describe, invalid_argument, is_uint8, read_string, set, to_js, uint8_bytes, with_text,
    with_value, Input, JsText, OrThrow,
};
use js_sys::{JsString, Object, Uint8Array};
use trustcore::envelope::Algorithm;
use trustcore::time::Timestamp;
use trustcore::{envelope as tc_envelope, keys as tc_keys, registry as tc_registry};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_SIGNING: &'static str = r#"
/** A signature algorithm: pure Ed25519 (the default) or Ed25519ph (KMS digest mode). */
export type SignatureAlgorithm = "ed25519" | "ed25519ph";

/** Why a signature does not count (`reason` of a verdict). */
export type VerdictReason =
  | "unknown_signer"
  | "signer_not_yet_valid"
  | "signer_expired"
  | "signer_revoked"
  | "algorithm_mismatch"
  | "invalid_signature"
  | "not_in_set"
  | "duplicate_signer"
  | "wrong_kind";

/** One signature of an envelope, as in its JSON. */
export interface EnvelopeSignature {
  alg: SignatureAlgorithm;
  /** The signer id. */
  signer: string;
  /** The 64-byte signature, standard padded base64. */
  sig: string;
}

/** The bytes prepared for a (possibly remote) signer. */
export interface PreparedSigning {
  /** What the signer must sign: the signing input (`ed25519`) or its SHA-512 (`ed25519ph`). */
  message: Uint8Array;
  /** The full signing input (canonical JSON naming kind, signer, alg). */
  signingInput: Uint8Array;
  alg: SignatureAlgorithm;
  signer: string;
}

/** The verdict on one signature of an envelope. */
export interface SignatureVerdict {
  /** Its index in the envelope's `signatures`. */
  index: number;
  /** The signer id it names. */
  signer: string;
  alg: SignatureAlgorithm;
  /** Whether it verifies (and, in an approval report, counts). */
  valid: boolean;
  /** Why not; absent when `valid`. */
  reason?: VerdictReason;
}

/** Every signature of an envelope checked against a registry at a time. */
export interface EnvelopeReport {
  /** True when there is at least one signature and every one verifies under a key valid at the time. */
  valid: boolean;
  /** One verdict per signature, in envelope order. */
  signatures: SignatureVerdict[];
}

/** The outcome of a k-of-n approval check. */
export interface ApprovalReport {
  /** The approval set's name. */
  set: string;
  /** k. */
  threshold: number;
  /** Whether at least k distinct signers of the set approved. */
  approved: boolean;
  /** The counted signers, sorted. */
  approvers: string[];
  /** One verdict per signature, in envelope order. */
  signatures: SignatureVerdict[];
}

/** A signer of a registry: its id, key, algorithm and validity window. */
export interface SignerInfo {
  signerId: string;
  publicKey: PublicKey;
  algorithm: SignatureAlgorithm;
  /** Start of the window (RFC 3339 UTC, as given). */
  validFrom?: string;
  /** End of the window (exclusive). */
  validUntil?: string;
  /** Nothing signed at or after this time verifies. */
  revokedAt?: string;
  /** The signer this one was rotated from: its revocation reaches this one too. */
  rotatedFrom?: string;
}

/** A verified signer rotation. */
export interface Rotation {
  /** The retiring signer id. */
  previous: string;
  /** The new signer. */
  next: SignerInfo;
  /** When the retiring key stops vouching (end of the overlap). */
  previousValidUntil: string;
  /** When the rotation was made. */
  rotatedAt: string;
}

/** A time: an RFC 3339 UTC string (`"2026-03-01T00:00:00Z"`) or a `Date`. */
export type Instant = string | Date;
"#;

// JS calls that may throw, imported with `catch`. `Date.prototype`'s own
// methods read a Date's internal slot: a Proxy, a subclass or an object
// with `Date.prototype` as its prototype cannot pass for one.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["Date", "prototype", "getTime"], js_name = call)]
    fn date_get_time(date: &JsValue) -> Result<f64, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["Date", "prototype", "toISOString"], js_name = call)]
    fn date_to_iso_string(date: &JsValue) -> Result<JsValue, JsValue>;
}

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// A string argument, exact: a lone surrogate is `lone_surrogate`.
pub(crate) fn string_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    let Some(s) = value.dyn_ref::<JsString>() else {
        return Err(invalid_argument(format!(
            "{what} must be a string, got {}",
            describe(value)
        )));
    };
    match read_string(s, what)? {
        JsText::Str(t) => Ok(t),
        JsText::Utf16(u) => trustcore::canonical::string_from_utf16(&u).or_throw(),
    }
}

pub(crate) fn opt_string_arg(value: &JsValue, what: &str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string_arg(value, what).map(Some)
}

/// Bytes from a `Uint8Array` (a Node `Buffer` is one).
pub(crate) fn bytes_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    match uint8_bytes(value, what) {
        Some(bytes) => bytes,
        None => Err(invalid_argument(format!(
            "{what} must be a Uint8Array, got {}",
            describe(value)
        ))),
    }
}

/// A message to sign or verify: bytes, or a string (its UTF-8 bytes; a
/// lone surrogate has none and is `lone_surrogate`).
fn message_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if value.is_string() {
        return string_arg(value, what).map(String::into_bytes);
    }
    match uint8_bytes(value, what) {
        Some(bytes) => bytes,
        None => Err(invalid_argument(format!(
            "{what} must be a Uint8Array or a string, got {}",
            describe(value)
        ))),
    }
}

/// JSON text as UTF-8 bytes. A string with lone surrogates goes through
/// WTF-8, so the core's strict parser reports `lone_surrogate` at its offset.
pub(crate) fn json_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    match crate::input_arg(value, what)? {
        Input::Bytes(b) => Ok(b),
        Input::Text(JsText::Str(s)) => Ok(s.into_bytes()),
        Input::Text(JsText::Utf16(u)) => Ok(trustcore::canonical::wtf8_from_utf16(&u)),
    }
}

/// A JWK as JSON text or an object (canonicalized with the value rules
/// first, so the core reads exactly what the object holds).
fn jwk_arg(value: &JsValue) -> Result<String, JsValue> {
    if value.is_string() {
        return string_arg(value, "jwk");
    }
    if value.is_object() && !value.is_function() && !is_uint8(value) {
        let bytes = with_value(value.clone(), |v| {
            trustcore::ffi::canonicalize_value(v, None)
        })?;
        // Canonical JSON is UTF-8.
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Err(invalid_argument(format!(
        "jwk must be a string or an object, got {}",
        describe(value)
    )))
}

/// An optional signature algorithm (default `ed25519`).
pub(crate) fn alg_arg(value: &JsValue) -> Result<Algorithm, JsValue> {
    let name = if value.is_undefined() || value.is_null() {
        None
    } else if value.is_string() {
        Some(string_arg(value, "alg")?)
    } else {
        return Err(invalid_argument(format!(
            "alg must be \"ed25519\" or \"ed25519ph\", got {}",
            describe(value)
        )));
    };
    trustcore::ffi::signature_algorithm(name.as_deref()).or_throw()
}

/// A time: an RFC 3339 UTC string, or a `Date` (read with
/// `Date.prototype.toISOString`). An invalid Date (`new Date(NaN)`) is the
/// core's `TimestampError` `invalid_timestamp` for its text, `Invalid
/// Date`, like any other text that is not a time.
pub(crate) fn at_arg(value: &JsValue) -> Result<Timestamp, JsValue> {
    let text = instant_text(value)?;
    trustcore::ffi::timestamp(&text).or_throw()
}

/// The text of a time argument (an RFC 3339 string as given, or a `Date`'s
/// `toISOString()`), for the core calls that keep the text.
pub(crate) fn instant_text(value: &JsValue) -> Result<String, JsValue> {
    let text = if value.is_string() {
        string_arg(value, "at")?
    } else if let Ok(time) = date_get_time(value) {
        if time.is_nan() {
            "Invalid Date".to_owned()
        } else {
            date_to_iso_string(value)
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_else(|| "Invalid Date".to_owned())
        }
    } else {
        return Err(invalid_argument(format!(
            "at must be an RFC 3339 UTC string (e.g. \"2026-03-01T00:00:00Z\") or a Date, got {}",
            describe(value)
        )));
    };
    Ok(text)
}

/// A signature index: a non-negative integer.
fn index_arg(value: &JsValue) -> Result<usize, JsValue> {
    if let Some(n) = value.as_f64() {
        if n.fract() == 0.0 && (0.0..=(u32::MAX as f64)).contains(&n) {
            return Ok(n as usize);
        }
    }
    Err(invalid_argument(format!(
        "index must be a non-negative integer, got {}",
        match value.as_f64() {
            Some(n) => n.to_string(),
            None => describe(value).to_owned(),
        }
    )))
}

/// A plain object from canonical JSON text the core produced (a document
/// for `JSON.stringify`: canonical JSON holds no integer a number cannot
/// hold exactly, by the lossy-integer rule).
pub(crate) fn parse_json(text: &str) -> Result<JsValue, JsValue> {
    crate::json_parse(text)
}

pub(crate) fn bytes_out(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

/// An Ed25519 public (verifying) key.
///
/// Import it from any of the forms services hold keys in; export it to the
/// same. `checkHygiene()` refuses small-order and non-canonically encoded
/// keys (the signer registry applies it to every key it loads).
#[wasm_bindgen]
pub struct PublicKey {
    pub(crate) inner: tc_keys::PublicKey,
}

fn public_key(r: Result<tc_keys::PublicKey, tc_keys::Error>) -> Result<PublicKey, JsValue> {
    r.map(|inner| PublicKey { inner }).or_throw()
}

#[wasm_bindgen]
impl PublicKey {
    /// From the 32 raw bytes. `KeyError` `invalid_key_length`, or
    /// `invalid_key` when the bytes are not a curve point.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<PublicKey, JsValue> {
        public_key(tc_keys::PublicKey::from_bytes(&bytes_arg(&bytes, "bytes")?))
    }

    /// From standard padded base64 of the 32 bytes (the signers-file form).
    #[wasm_bindgen(js_name = fromBase64)]
    pub fn from_base64(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<PublicKey, JsValue> {
        public_key(tc_keys::PublicKey::from_base64(&string_arg(&text, "text")?))
    }

    /// From hex of the 32 bytes.
    #[wasm_bindgen(js_name = fromHex)]
    pub fn from_hex(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<PublicKey, JsValue> {
        public_key(tc_keys::PublicKey::from_hex(&string_arg(&text, "text")?))
    }

    #[cfg(feature = "full")]
    /// From an SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as Node `crypto`,
    /// OpenSSL and KMS `GetPublicKey` write it.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(
        #[wasm_bindgen(unchecked_param_type = "string")] pem: JsValue,
    ) -> Result<PublicKey, JsValue> {
        public_key(tc_keys::PublicKey::from_spki_pem(&string_arg(&pem, "pem")?))
    }

    /// From SPKI DER bytes.
    #[wasm_bindgen(js_name = fromDer)]
    pub fn from_der(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] der: JsValue,
    ) -> Result<PublicKey, JsValue> {
        public_key(tc_keys::PublicKey::from_spki_der(&bytes_arg(&der, "der")?))
    }

    /// From a JWK (`{"kty":"OKP","crv":"Ed25519","x":"<base64url>"}`), as
    /// JSON text or an object. A private JWK is accepted; only `x` is used.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(
        #[wasm_bindgen(unchecked_param_type = "string | object")] jwk: JsValue,
    ) -> Result<PublicKey, JsValue> {
        public_key(tc_keys::PublicKey::from_jwk(&jwk_arg(&jwk)?))
    }

    /// The 32 raw bytes.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        bytes_out(&self.inner.to_bytes())
    }

    /// Standard padded base64 of the 32 bytes.
    #[wasm_bindgen(js_name = toBase64)]
    pub fn to_base64(&self) -> String {
        self.inner.to_base64()
    }

    /// Lowercase hex of the 32 bytes.
    #[wasm_bindgen(js_name = toHex)]
    pub fn to_hex(&self) -> String {
        self.inner.to_hex()
    }

    #[cfg(feature = "full")]
    /// SPKI PEM with LF line endings.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> String {
        self.inner.to_spki_pem()
    }

    /// SPKI DER bytes.
    #[wasm_bindgen(js_name = toDer)]
    pub fn to_der(&self) -> Uint8Array {
        bytes_out(&self.inner.to_spki_der())
    }

    /// A public JWK as canonical JSON text, with `kid` when given.
    #[wasm_bindgen(js_name = toJwk)]
    pub fn to_jwk(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] kid: JsValue,
    ) -> Result<String, JsValue> {
        let kid = opt_string_arg(&kid, "kid")?;
        Ok(self.inner.to_jwk(kid.as_deref()))
    }

    /// Throws `KeyError` `weak_key` (small order: any signature could
    /// verify) or `non_canonical_key` for keys unfit for long-term use.
    #[wasm_bindgen(js_name = checkHygiene)]
    pub fn check_hygiene(&self) -> Result<(), JsValue> {
        self.inner.check_hygiene().or_throw()
    }

    /// Whether both are the same key.
    pub fn equals(&self, other: &PublicKey) -> bool {
        self.inner == other.inner
    }

    /// `JSON.stringify` writes the base64 form.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.inner.to_base64()
    }

    /// `PublicKey(<base64>)`.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        format!("PublicKey({})", self.inner.to_base64())
    }
}

// ---------------------------------------------------------------------------
// Raw signatures
// ---------------------------------------------------------------------------

/// Verifies an Ed25519 signature under the raw 32-byte public key.
///
/// The verdict is the one Go `crypto/ed25519` and OpenSSL give on every
/// edge case (never WebCrypto's or noble's). A key that is not a curve point
/// gives `false`; wrong lengths throw `KeyError` `invalid_key_length` /
/// `invalid_signature_length`. No key hygiene is applied (see
/// `PublicKey.checkHygiene`). A string message is verified as its UTF-8.
#[wasm_bindgen]
pub fn verify(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "Uint8Array")] public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] message: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
) -> Result<bool, JsValue> {
    let pk = bytes_arg(&public_key, "publicKey")?;
    let message = message_arg(&message, "message")?;
    let sig = bytes_arg(&signature, "signature")?;
    trustcore::sign::verify(&pk, &message, &sig).or_throw()
}

// ---------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------

/// A payload of a named kind with its signatures.
///
/// What a signature covers is the canonical JSON of
/// `{"alg","kind","payload","signer","type":"trustcore.signing-input/v1"}`,
/// so it cannot be replayed as another kind, relabelled to another signer,
/// or read as the other algorithm.
#[wasm_bindgen]
pub struct Envelope {
    pub(crate) inner: tc_envelope::Envelope,
}

#[wasm_bindgen]
impl Envelope {
    #[cfg(feature = "full")]
    /// A new unsigned envelope of `kind` around a JS value, canonicalized
    /// with the rules of `canonicalize`. `kind` is 1-128 characters of
    /// `A-Z a-z 0-9 . _ : / -` (`EnvelopeError` `invalid_kind`).
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] payload: JsValue,
    ) -> Result<Envelope, JsValue> {
        let kind = string_arg(&kind, "kind")?;
        with_value(payload, |v| trustcore::ffi::envelope_from_value(&kind, v))
            .map(|inner| Envelope { inner })
    }

    #[cfg(feature = "full")]
    /// A new unsigned envelope around JSON text (a string or UTF-8 bytes),
    /// read as strict I-JSON like `canonicalizeText`.
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(js_name = payloadJson, unchecked_param_type = "string | Uint8Array")]
        payload_json: JsValue,
    ) -> Result<Envelope, JsValue> {
        let kind = string_arg(&kind, "kind")?;
        let input = crate::input_arg(&payload_json, "payloadJson")?;
        with_text(
            &input,
            |b| tc_envelope::Envelope::new(&kind, b),
            |u| trustcore::ffi::envelope_from_utf16(&kind, u),
        )
        .map(|inner| Envelope { inner })
    }

    /// Reads an envelope from its JSON text (strict I-JSON; unknown members
    /// and versions are refused with `EnvelopeError` `invalid_envelope`).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<Envelope, JsValue> {
        let bytes = json_arg(&text, "text")?;
        tc_envelope::Envelope::from_json(&bytes)
            .map(|inner| Envelope { inner })
            .or_throw()
    }

    /// The record kind.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.inner.kind().to_owned()
    }

    /// The payload as canonical JSON text.
    #[wasm_bindgen(getter)]
    pub fn payload(&self) -> String {
        String::from_utf8_lossy(self.inner.payload()).into_owned()
    }

    /// The signatures, in the order they were added: `[{ alg, signer, sig }]`.
    #[wasm_bindgen(getter, unchecked_return_type = "EnvelopeSignature[]")]
    pub fn signatures(&self) -> Result<JsValue, JsValue> {
        to_js(&trustcore::ffi::envelope_signatures(&self.inner))
    }

    #[cfg(feature = "full")]
    /// The bytes a signer with id `signer` must sign for `alg` (default
    /// `ed25519`): hand `message` to a remote signer, then `attach` its
    /// answer.
    #[wasm_bindgen(unchecked_return_type = "PreparedSigning")]
    pub fn prepare(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] signer: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm")] alg: JsValue,
    ) -> Result<JsValue, JsValue> {
        let signer = string_arg(&signer, "signer")?;
        let alg = alg_arg(&alg)?;
        let prepared = self.inner.prepare(&signer, alg).or_throw()?;
        let out = Object::new();
        set(&out, "message", &bytes_out(&prepared.message()));
        set(&out, "signingInput", &bytes_out(prepared.signing_input()));
        set(&out, "alg", &JsValue::from_str(alg.name()));
        set(&out, "signer", &JsValue::from_str(&signer));
        Ok(out.into())
    }

    #[cfg(feature = "full")]
    /// Attaches a signature made elsewhere for `signer`/`alg`, after
    /// checking it verifies under `expectedPublicKey`. One that does not
    /// (or is not 64 bytes) throws `EnvelopeError` `remote_signature_invalid`
    /// and leaves the envelope unchanged.
    pub fn attach(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] signer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
        #[wasm_bindgen(js_name = expectedPublicKey)] expected_public_key: &PublicKey,
        #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm")] alg: JsValue,
    ) -> Result<(), JsValue> {
        let signer = string_arg(&signer, "signer")?;
        let sig = bytes_arg(&signature, "signature")?;
        let alg = alg_arg(&alg)?;
        self.inner
            .attach(&signer, alg, &sig, &expected_public_key.inner)
            .or_throw()
    }

    /// Whether signature `index` verifies under `publicKey` (resolve the
    /// signer id to a key yourself, or use `SignerRegistry.verifyEnvelope`).
    /// `EnvelopeError` `no_such_signature` when there is no such index.
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue,
        #[wasm_bindgen(js_name = publicKey)] public_key: &PublicKey,
    ) -> Result<bool, JsValue> {
        let index = index_arg(&index)?;
        self.inner.verify(index, &public_key.inner).or_throw()
    }

    /// The exact bytes signature `index` covers.
    #[wasm_bindgen(js_name = signingInputOf)]
    pub fn signing_input_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let index = index_arg(&index)?;
        let input = self.inner.signing_input_of(index).or_throw()?;
        Ok(bytes_out(&input))
    }

    /// The envelope as canonical JSON text (what `fromJson` reads).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// `JSON.stringify` writes the envelope document (use `toJson()` for
    /// the canonical text).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "object")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        parse_json(&self.inner.to_json())
    }

    /// The canonical JSON text, as `toJson()`.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.inner.to_json()
    }
}

// ---------------------------------------------------------------------------
// Signer registry and approvals
// ---------------------------------------------------------------------------

/// `{ signerId, publicKey: PublicKey, algorithm, validFrom?, validUntil?, revokedAt? }`.
fn signer_info(r: &tc_registry::SignerRecord) -> JsValue {
    let out = Object::new();
    set(&out, "signerId", &JsValue::from_str(r.signer_id()));
    let key: JsValue = PublicKey {
        inner: *r.public_key(),
    }
    .into();
    set(&out, "publicKey", &key);
    set(&out, "algorithm", &JsValue::from_str(r.algorithm().name()));
    for (name, value) in [
        ("validFrom", r.valid_from()),
        ("validUntil", r.valid_until()),
        ("revokedAt", r.revoked_at()),
        ("rotatedFrom", r.rotated_from()),
    ] {
        if let Some(v) = value {
            set(&out, name, &JsValue::from_str(v));
        }
    }
    out.into()
}

#[cfg(feature = "full")]
fn rotation(r: &tc_registry::Rotation) -> JsValue {
    let out = Object::new();
    set(&out, "previous", &JsValue::from_str(&r.previous));
    set(&out, "next", &signer_info(&r.next));
    set(
        &out,
        "previousValidUntil",
        &JsValue::from_str(&r.previous_valid_until),
    );
    set(&out, "rotatedAt", &JsValue::from_str(&r.rotated_at));
    out.into()
}

/// Which public key speaks for which signer id, and when.
///
/// Loads the signers file (`{"signers":[{"signerId","publicKey",
/// "validFrom"?, "validUntil"?, "revokedAt"?, "algorithm"?}]}`) or a JWKS
/// document; every key passes `checkHygiene` on the way in.
#[wasm_bindgen]
pub struct SignerRegistry {
    pub(crate) inner: tc_registry::SignerRegistry,
}

#[wasm_bindgen]
impl SignerRegistry {
    /// Loads a signers file (JSON text or UTF-8 bytes). `RegistryError`
    /// (`invalid_registry`, `invalid_public_key`, `duplicate_signer`,
    /// `invalid_window`) or `CanonicalJsonError` for JSON that is not
    /// strict I-JSON.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<SignerRegistry, JsValue> {
        let bytes = json_arg(&text, "text")?;
        tc_registry::SignerRegistry::from_json(&bytes)
            .map(|inner| SignerRegistry { inner })
            .or_throw()
    }

    /// Loads a signers file or a JWKS document, told apart by the core
    /// (a JWKS has `"keys"` and no `"signers"`).
    #[wasm_bindgen(js_name = fromDocument)]
    pub fn from_document(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<SignerRegistry, JsValue> {
        let bytes = json_arg(&text, "text")?;
        tc_registry::SignerRegistry::from_document(&bytes)
            .map(|inner| SignerRegistry { inner })
            .or_throw()
    }

    /// Loads a JWKS document (public Ed25519 JWKs, `kid` = signer id; a
    /// private JWK is refused).
    #[wasm_bindgen(js_name = fromJwks)]
    pub fn from_jwks(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<SignerRegistry, JsValue> {
        let bytes = json_arg(&text, "text")?;
        tc_registry::SignerRegistry::from_jwks(&bytes)
            .map(|inner| SignerRegistry { inner })
            .or_throw()
    }

    /// The registry as a signers file (canonical JSON, load order).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The registry as a JWKS document (canonical JSON).
    #[wasm_bindgen(js_name = toJwks)]
    pub fn to_jwks(&self) -> String {
        self.inner.to_jwks()
    }

    /// The signer ids, in load order.
    #[wasm_bindgen(js_name = signerIds)]
    pub fn signer_ids(&self) -> Vec<String> {
        self.inner
            .records()
            .map(|r| r.signer_id().to_owned())
            .collect()
    }

    /// The number of signers.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// A signer's record, or `null`.
    #[wasm_bindgen(unchecked_return_type = "SignerInfo | null")]
    pub fn get(
        &self,
        #[wasm_bindgen(js_name = signerId, unchecked_param_type = "string")] signer_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = string_arg(&signer_id, "signerId")?;
        Ok(self.inner.get(&id).map_or(JsValue::NULL, signer_info))
    }

    /// The key that vouches for `signerId`'s `alg` (default `ed25519`)
    /// signatures on records at `at`. Otherwise throws `RegistryError` whose
    /// `code` is the reason: `unknown_signer`, `signer_not_yet_valid`,
    /// `signer_expired`, `signer_revoked`, `algorithm_mismatch`.
    #[wasm_bindgen(js_name = keyFor)]
    pub fn key_for(
        &self,
        #[wasm_bindgen(js_name = signerId, unchecked_param_type = "string")] signer_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignatureAlgorithm")] alg: JsValue,
    ) -> Result<PublicKey, JsValue> {
        let id = string_arg(&signer_id, "signerId")?;
        let at = at_arg(&at)?;
        let alg = alg_arg(&alg)?;
        self.inner
            .require_key(&id, alg, &at)
            .map(|k| PublicKey { inner: *k })
            .or_throw()
    }

    /// Verifies every signature of `envelope` as of `at` (the record's
    /// time). Never throws for a bad signature: each verdict says why.
    #[wasm_bindgen(js_name = verifyEnvelope, unchecked_return_type = "EnvelopeReport")]
    pub fn verify_envelope(
        &self,
        envelope: &Envelope,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let at = at_arg(&at)?;
        to_js(&self.inner.verify_envelope(&envelope.inner, &at).to_value())
    }

    #[cfg(feature = "full")]
    /// Checks a rotation record (an envelope of kind
    /// `"trustcore.signer-rotation"` signed by the previous and the next
    /// key) without changing the registry. `RegistryError`
    /// `invalid_rotation`, `unknown_signer`, `duplicate_signer`, ... when it
    /// does not hold.
    #[wasm_bindgen(js_name = verifyRotation, unchecked_return_type = "Rotation")]
    pub fn verify_rotation(&self, envelope: &Envelope) -> Result<JsValue, JsValue> {
        self.inner
            .verify_rotation(&envelope.inner)
            .map(|r| rotation(&r))
            .or_throw()
    }

    #[cfg(feature = "full")]
    /// Verifies a rotation record and applies it: the previous signer's
    /// window closes at `previousValidUntil` and the next signer is added.
    /// A failed rotation changes nothing.
    #[wasm_bindgen(js_name = applyRotation, unchecked_return_type = "Rotation")]
    pub fn apply_rotation(&mut self, envelope: &Envelope) -> Result<JsValue, JsValue> {
        self.inner
            .apply_rotation(&envelope.inner)
            .map(|r| rotation(&r))
            .or_throw()
    }
}

#[cfg(feature = "full")]
/// A named k-of-n approval set:
/// `{"name","threshold","signers":[ids],"kind"?}`.
#[wasm_bindgen]
pub struct ApprovalSet {
    inner: tc_registry::ApprovalSet,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl ApprovalSet {
    /// Loads an approval set from JSON text. `RegistryError`
    /// `invalid_approval_set` when the threshold is not in 1..=n, an id is
    /// listed twice, or a member is unknown.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<ApprovalSet, JsValue> {
        let bytes = json_arg(&text, "text")?;
        tc_registry::ApprovalSet::from_json(&bytes)
            .map(|inner| ApprovalSet { inner })
            .or_throw()
    }

    /// The set's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// k: how many distinct signers of the set must approve.
    #[wasm_bindgen(getter)]
    pub fn threshold(&self) -> u32 {
        u32::try_from(self.inner.threshold()).unwrap_or(u32::MAX)
    }

    /// Counts the distinct signers of the set whose signatures on
    /// `envelope` verify under keys of `registry` valid at `at`; every
    /// signature that does not count has a reason.
    #[wasm_bindgen(unchecked_return_type = "ApprovalReport")]
    pub fn verify(
        &self,
        envelope: &Envelope,
        registry: &SignerRegistry,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let at = at_arg(&at)?;
        to_js(
            &self
                .inner
                .verify(&envelope.inner, &registry.inner, &at)
                .to_value(),
        )
    }
}
