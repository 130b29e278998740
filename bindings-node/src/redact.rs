//! PII redaction (#12): policies as data (`loadRedactionPolicy`),
//! `redact` (the redacted document and the record of what was redacted,
//! with salted commitments), `proves`, the commitment form (`commit`),
//! `disclose` and `discloseReport`.
//!
//! Conversion and error mapping only: every rule is in
//! `trustcore::redact` (`docs/redaction.md`). Keys come from the caller
//! (the core has no randomness) and are copied into zeroized memory for
//! the call.

use crate::signing::{bytes_arg, class_arg, string_arg};
use crate::{
    array_items, canonical_value, describe, invalid_argument, js_to_json, text_arg, text_to_json,
    type_of, utf16_units, with_text, Json, OrThrow, Text,
};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use std::sync::Arc;
use trustcore::redact as rd;

/// Whether an argument is JSON text: a string or bytes.
fn is_text(value: Unknown<'_>) -> napi::Result<bool> {
    Ok(match type_of(value)? {
        ValueType::String => true,
        ValueType::Object => value.is_typedarray()?,
        _ => false,
    })
}

/// A document: a JS value (the value rules of `canonicalize`), or JSON
/// text (a string or UTF-8 bytes, strict I-JSON).
fn document_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<serde_json::Value> {
    if is_text(value)? {
        let text = text_arg(env, value, what)?;
        text_to_json(env, &text)
    } else {
        js_to_json(env, value)
    }
}

/// `{ saltKey, pseudonymKey? }`, each 32 bytes (`missing_key` for another
/// length). The bytes are read in place and copied only into the core's
/// zeroized keys.
fn keys_arg(env: &Env, value: Unknown<'_>) -> napi::Result<rd::RedactionKeys> {
    if type_of(value)? != ValueType::Object || value.is_typedarray()? || value.is_array()? {
        return Err(invalid_argument(
            env,
            format!(
                "keys must be {{ saltKey: Uint8Array, pseudonymKey?: Uint8Array }} (32 bytes each), got {}",
                describe(value)
            ),
        ));
    }
    let obj = Object::from_unknown(value)?;
    let salt: Unknown<'_> = obj.get_named_property("saltKey")?;
    let salt = bytes_arg(env, salt, "keys.saltKey")?;
    let pseud: Unknown<'_> = obj.get_named_property("pseudonymKey")?;
    let pseud = if crate::is_nullish(pseud)? {
        None
    } else {
        Some(bytes_arg(env, pseud, "keys.pseudonymKey")?)
    };
    rd::RedactionKeys::from_bytes(&salt, pseud.as_deref()).or_throw(env)
}

/// The salt key alone (`commit`, `proves`).
fn salt_key_arg(env: &Env, value: Unknown<'_>) -> napi::Result<rd::RedactionKeys> {
    let salt = bytes_arg(env, value, "saltKey")?;
    rd::RedactionKeys::from_bytes(&salt, None).or_throw(env)
}

/// A redaction policy (`trustcore.redaction-policy/v1`), checked when it
/// was loaded (`loadRedactionPolicy`).
#[napi]
pub struct RedactionPolicy {
    inner: Arc<rd::RedactionPolicy>,
}

#[napi]
impl RedactionPolicy {
    /// The policy's id.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id.clone()
    }

    /// The policy's version.
    #[napi(getter)]
    pub fn version(&self) -> f64 {
        self.inner.version as f64
    }

    /// `sha256:` of the canonical policy document (what records name).
    #[napi(getter)]
    pub fn digest(&self) -> String {
        self.inner.digest().to_owned()
    }

    /// Whether a rule pseudonymizes (then `redact` needs a pseudonym key).
    #[napi(getter)]
    pub fn needs_pseudonym_key(&self) -> bool {
        self.inner.needs_pseudonym_key()
    }

    /// The policy document.
    #[napi(js_name = "toJSON", ts_return_type = "object")]
    pub fn to_json_value(&self) -> Json {
        Json(self.inner.to_value())
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!(
            "RedactionPolicy {{ id: {:?}, version: {}, rules: {} }}",
            self.inner.id,
            self.inner.version,
            self.inner.rules.len()
        )
    }
}

factory_only!(RedactionPolicy, "loadRedactionPolicy");

/// Loads and checks a redaction policy: the document (an object) or its
/// JSON text (a string or UTF-8 bytes, strict I-JSON). Every problem is a
/// `RedactionError` with `code` (`invalid_policy`,
/// `unsupported_policy_version`) and `path`, the JSON Pointer of the
/// offending member.
#[napi(
    js_name = "loadRedactionPolicy",
    ts_args_type = "policy: object | string | Uint8Array"
)]
pub fn load_redaction_policy(env: &Env, policy: Unknown<'_>) -> napi::Result<RedactionPolicy> {
    let inner = if is_text(policy)? {
        let bytes = match text_arg(env, policy, "policy")? {
            Text::Bytes(b) => b.to_vec(),
            Text::Str(s) => trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?),
        };
        rd::RedactionPolicy::from_json(&bytes).or_throw(env)?
    } else {
        let v = js_to_json(env, policy)?;
        rd::RedactionPolicy::from_value(&v).or_throw(env)?
    };
    Ok(RedactionPolicy {
        inner: Arc::new(inner),
    })
}

/// What `redact` returns.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Redacted {
    /// The redacted document, canonical JSON (the same bytes in every
    /// language).
    pub document: napi::bindgen_prelude::Buffer,
    /// The redaction record (`trustcore.redaction-record/v1`): the policy's
    /// id, version and digest, the digests of the original and redacted
    /// documents, and one entry per redacted value (`pointer` in the
    /// original, `rule`, `class`, `action`, `commitment`).
    #[napi(ts_type = "RedactionRecord")]
    pub record: Json,
}

/// A redaction record (`trustcore.redaction-record/v1`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RedactionRecord {
    /// `'trustcore.redaction-record/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.redaction-record/v1'")]
    pub record_type: String,
    /// The policy applied.
    #[napi(ts_type = "{ id: string; version: number; digest: string }")]
    pub policy: Json,
    /// `sha256:` of the canonical original document.
    pub original: String,
    /// `sha256:` of the canonical redacted document.
    pub redacted: String,
    /// One entry per redacted value, in document order.
    pub redactions: Vec<RedactionEntry>,
}

/// One redacted value.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RedactionEntry {
    /// RFC 6901 pointer of the value in the original.
    pub pointer: String,
    /// The rule that selected it.
    pub rule: String,
    /// The class of data.
    pub class: String,
    /// What was done.
    #[napi(ts_type = "'remove' | 'replace' | 'mask' | 'pseudonymize'")]
    pub action: String,
    /// `sha256:` of `[salt, pointer, value]` (the salt derived from the
    /// salt key and the pointer).
    pub commitment: String,
}

/// Redacts `document` (a JS value, or JSON text) under `policy` with the
/// caller's keys (`{ saltKey, pseudonymKey? }`, 32 bytes each, from a
/// secure random source and kept secret): every value a rule selects,
/// wherever it sits (arrays, annotations, any depth). Returns the redacted
/// document (canonical bytes) and the record. Deterministic: the same
/// document, policy and keys give the same bytes in every language.
/// `RedactionError` `missing_key` (a pseudonymizing policy without a
/// pseudonym key, or a key that is not 32 bytes), `invalid_document`.
#[napi(
    ts_args_type = "document: unknown, policy: RedactionPolicy, keys: { saltKey: Uint8Array; pseudonymKey?: Uint8Array }",
    ts_return_type = "Redacted"
)]
pub fn redact<'e>(
    env: &'e Env,
    document: Unknown<'_>,
    policy: Unknown<'_>,
    keys: Unknown<'_>,
) -> napi::Result<Object<'e>> {
    let policy = class_arg::<RedactionPolicy>(env, policy, "policy")?;
    let keys = keys_arg(env, keys)?;
    let p = &policy.inner;
    // Text is redacted as text, and a JS value as its canonical bytes: no
    // tree either way (the core reads the redaction off canonical bytes).
    let r = if is_text(document)? {
        let text = text_arg(env, document, "document")?;
        with_text(
            env,
            &text,
            |b| rd::redact_text(b, p, &keys),
            |u| rd::redact_text(&trustcore::canonical::wtf8_from_utf16(u), p, &keys),
        )?
    } else {
        let canonical = canonical_value(env, document, &Default::default())?;
        rd::redact_text(&canonical, p, &keys).or_throw(env)?
    };
    // Built member by member: a copied Buffer (an external one costs more
    // to make than a ~1 KB document takes to redact) and the record.
    let mut out = Object::new(env)?;
    out.set_named_property("document", crate::buffer(env, &r.redacted)?)?;
    // The record's canonical text, parsed by the engine: no value tree.
    out.set_named_property("record", crate::CanonicalJson(r.record.to_canonical_json()))?;
    Ok(out)
}

/// What `commit` returns.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Committed {
    /// The document in commitment form: each selected object member
    /// replaced by a digest in the object's `_sd` array, each selected
    /// array element by `{ "...": digest }` (what a snapshot signs).
    #[napi(ts_type = "unknown")]
    pub record: Json,
    /// One disclosure per hidden value (base64url), in document order:
    /// keep them beside the record and hand a reader the ones they may see.
    pub disclosures: Vec<String>,
}

/// The commitment form of `document` under `policy` (every selected value
/// hidden, whatever the rule's action, SD-JWT style: RFC 9901), with its
/// disclosures; salts are derived from `saltKey` (32 bytes) and each
/// value's pointer. `RedactionError` `invalid_document` (an object that
/// already has an `_sd` member), `missing_key`.
#[napi(
    ts_args_type = "document: unknown, policy: RedactionPolicy, saltKey: Uint8Array",
    ts_return_type = "Committed"
)]
pub fn commit(
    env: &Env,
    document: Unknown<'_>,
    policy: Unknown<'_>,
    salt_key: Unknown<'_>,
) -> napi::Result<Json> {
    let policy = class_arg::<RedactionPolicy>(env, policy, "policy")?;
    let keys = salt_key_arg(env, salt_key)?;
    let doc = document_arg(env, document, "document")?;
    let c = rd::commit(&doc, &policy.inner, &keys.salt_key).or_throw(env)?;
    Ok(Json(
        serde_json::json!({ "record": c.record, "disclosures": c.disclosures }),
    ))
}

/// The record (commitment form) as a reader sees it with `disclosures`:
/// each disclosed value back in its place, every other hidden value left
/// out. Refused as RFC 9901 refuses: `RedactionError`
/// `unreferenced_disclosure` (a disclosure whose digest the record does not
/// reference: a changed value, a wrong salt), `duplicate_digest`,
/// `claim_collision`, `invalid_disclosure`.
#[napi(
    ts_args_type = "record: unknown, disclosures: string[]",
    ts_return_type = "unknown"
)]
pub fn disclose(env: &Env, record: Unknown<'_>, disclosures: Unknown<'_>) -> napi::Result<Json> {
    let (record, list) = disclose_args(env, record, disclosures)?;
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    Ok(Json(rd::disclose(&record, &refs).or_throw(env)?))
}

fn disclose_args(
    env: &Env,
    record: Unknown<'_>,
    disclosures: Unknown<'_>,
) -> napi::Result<(serde_json::Value, Vec<String>)> {
    let record = document_arg(env, record, "record")?;
    let list = array_items(env, disclosures, "disclosures", |env, item, i| {
        string_arg(env, item, &format!("disclosures[{i}]"))
    })?;
    Ok((record, list))
}

/// What `discloseReport` returns.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct DisclosedView {
    /// The record as the reader sees it (what `disclose` returns).
    #[napi(ts_type = "unknown")]
    pub view: Json,
    /// The JSON Pointer, in `view`, of each value a disclosure brought
    /// back, in document order.
    pub opened: Vec<String>,
    /// Each node of `view` that keeps digests no disclosure opened (hidden
    /// values or decoys), with how many, in document order.
    pub hidden: Vec<HiddenDigests>,
}

/// A node of a view that keeps unopened digests.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct HiddenDigests {
    /// The node's JSON Pointer in the view.
    pub pointer: String,
    /// How many digests stay unopened there.
    pub digests: u32,
}

/// `disclose`, and where the disclosures put values back (`opened`) and
/// where digests stay unopened (`hidden`): what a display needs without
/// knowing the commitment form. Refuses what `disclose` refuses.
#[napi(
    ts_args_type = "record: unknown, disclosures: string[]",
    ts_return_type = "DisclosedView"
)]
pub fn disclose_report(
    env: &Env,
    record: Unknown<'_>,
    disclosures: Unknown<'_>,
) -> napi::Result<Json> {
    let (record, list) = disclose_args(env, record, disclosures)?;
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    Ok(Json(
        rd::disclose_report(&record, &refs)
            .or_throw(env)?
            .to_value(),
    ))
}

/// Whether `value` is the one a redaction record entry committed to, given
/// the salt key (a privileged reader's proof of what was removed). A wrong
/// value or a wrong key is `false`.
#[napi(ts_args_type = "entry: RedactionEntry | object, value: unknown, saltKey: Uint8Array")]
pub fn proves(
    env: &Env,
    entry: Unknown<'_>,
    value: Unknown<'_>,
    salt_key: Unknown<'_>,
) -> napi::Result<bool> {
    let entry = js_to_json(env, entry)?;
    let value = js_to_json(env, value)?;
    let keys = salt_key_arg(env, salt_key)?;
    Ok(rd::proves(&entry, &value, &keys.salt_key))
}
