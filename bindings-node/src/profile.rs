//! Chain profiles (#10): the built-in profiles, loading a profile document,
//! inference from sample rows, one row on its own (`verifyRow`), writers
//! that take rows in a profile's own columns (`ChainWriter.prepareRow` /
//! `appendRow` / `appendRowWith`), revocation records and the compromise
//! replay (`recheck`).
//!
//! Conversion and error mapping only: every rule is in
//! `trustcore::profile`, `trustcore::chain` and `trustcore::registry`. The
//! `profile` option of every chain call is read by the core
//! (`VerifyOptions` / `WriterOptions`: a built-in name or a profile
//! document); calls whose only options are the chain's format
//! (`replay`, `verifyRow`, `verifyEventInCheckpoint`, `recheck`) take
//! `{ profile?, hashAlg? }`, read by the core's options reader and
//! `VerifyOptions::from_value` (see `crate::chain::profile_options`).

use crate::chain::{lock, profile_options, row_bytes, settle, ChainWriter, PreparedEvent};
use crate::signing::{
    ask_remote_signer, class_arg, outcome_signature, signer_tsfn, string_arg, Envelope, PublicKey,
    SecretKey, SignerRegistry,
};
use crate::{array_items, describe, invalid_argument, js_to_json, type_of, Json, OrThrow, NAMING};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, JsValue, Object, PromiseRaw, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use std::sync::Arc;
use trustcore::chain as tc;
use trustcore::envelope::Envelope as CoreEnvelope;
use trustcore::profile::{ChainProfile, BUILTIN_NAMES};
use trustcore::registry::{Revocation, REVOCATION_KIND as CORE_REVOCATION_KIND};

/// The envelope kind of a signed revocation record.
#[napi]
pub const REVOCATION_KIND: &str = CORE_REVOCATION_KIND;

// ---------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------

/// A chain profile document (`trustcore.chain-profile/v1`,
/// `docs/chain-profiles.md`), as the core writes it back.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ChainProfileDocument {
    /// `'trustcore.chain-profile/v1'`.
    #[napi(js_name = "type", ts_type = "'trustcore.chain-profile/v1'")]
    pub doc_type: String,
    /// The profile's name (`kernel/v1`, ...).
    pub name: String,
    /// For people.
    pub description: Option<String>,
    /// The column of each role (`null`: the table has none).
    #[napi(
        ts_type = "{ id: string; seq?: string | null; ts: string; eventType?: string | null; actor?: string | null; payload: string; prevHash: string; hash: string; signer: string; signature: string }"
    )]
    pub columns: Json,
    /// Other columns, covered by the hash or not.
    #[napi(
        js_name = "extraColumns",
        ts_type = "{ name: string; hashed: boolean }[]"
    )]
    pub extra_columns: Option<Json>,
    /// The hash input, digest and encoding of the hash column.
    #[napi(
        ts_type = "{ input: 'trustcore/v1' | 'row' | 'payload' | 'prev_hash_payload'; algorithm: 'sha256' | 'blake3'; encoding: 'hex' | 'base64' | 'prefixed' }"
    )]
    pub hash: Json,
    /// What is signed, with which algorithm and encoding.
    #[napi(
        ts_type = "{ signs: 'envelope' | 'hash_input' | 'digest' | 'digest_text'; algorithm?: 'registry' | 'ed25519' | 'ed25519ph'; encoding: 'base64' | 'base64url' | 'hex' }"
    )]
    pub signature: Json,
    /// The first row's `prev_hash`.
    #[napi(ts_type = "'zeros' | 'empty' | 'null'")]
    pub genesis: String,
    /// How the timestamp column is written.
    #[napi(ts_type = "'rfc3339' | 'postgres'")]
    pub timestamp: String,
    /// The order rows are read in.
    #[napi(ts_type = "'seq' | 'ts'")]
    pub order: String,
}

/// The built-in profiles by name (`trustcore/v1`, the default,
/// `kernel/v1`, `row-digest/v1`, `payload-sig/v1`) as their documents.
/// Any of them, or its name, is a `profile` option.
#[napi(
    js_name = "builtinProfiles",
    ts_return_type = "Record<string, ChainProfileDocument>"
)]
pub fn builtin_profiles(env: &Env) -> napi::Result<Json> {
    let mut out = serde_json::Map::new();
    for name in BUILTIN_NAMES {
        out.insert(
            name.to_owned(),
            ChainProfile::builtin(name).or_throw(env)?.to_value(),
        );
    }
    Ok(Json(serde_json::Value::Object(out)))
}

/// A profile argument: a built-in name or a profile document (an object).
fn profile_arg(env: &Env, value: Unknown<'_>) -> napi::Result<ChainProfile> {
    let v = js_to_json(env, value)?;
    ChainProfile::from_name_or_value(&v).or_throw(env)
}

/// `sha256:` of a profile's canonical document (a built-in name or a
/// document): what verifier states and segment summaries name it by.
#[napi(
    js_name = "profileDigest",
    ts_args_type = "profile: string | ChainProfileDocument | object"
)]
pub fn profile_digest(env: &Env, profile: Unknown<'_>) -> napi::Result<String> {
    Ok(profile_arg(env, profile)?.digest())
}

/// Which columns a profile's hash and signature cover (`{ hashed, signed,
/// unsigned }`, column names): a profile whose hash leaves out `prev_hash`
/// or `ts` can be re-linked or re-dated without the key.
#[napi(
    js_name = "profileCoverage",
    ts_args_type = "profile: string | ChainProfileDocument | object",
    ts_return_type = "{ hashed: string[]; signed: string[]; unsigned: string[] }"
)]
pub fn profile_coverage(env: &Env, profile: Unknown<'_>) -> napi::Result<Json> {
    Ok(Json(profile_arg(env, profile)?.coverage()))
}

/// Loads and checks a profile document: a JS object, or its JSON text (a
/// string or UTF-8 bytes, strict I-JSON). Returns the document as the core
/// writes it back (a `profile` option as it is). Every problem is a
/// `ProfileError` with `code` (`invalid_profile`,
/// `unsupported_profile_version`) and `path`, the JSON Pointer of the
/// offending member.
#[napi(
    js_name = "loadProfile",
    ts_args_type = "document: object | string | Uint8Array",
    ts_return_type = "ChainProfileDocument"
)]
pub fn load_profile(env: &Env, document: Unknown<'_>) -> napi::Result<Json> {
    let profile = match type_of(document)? {
        ValueType::String => {
            let bytes = crate::chain::jsonl_bytes(env, document, "document")?;
            ChainProfile::from_json(&bytes).or_throw(env)?
        }
        ValueType::Object if document.is_typedarray()? => {
            let bytes = crate::chain::jsonl_bytes(env, document, "document")?;
            ChainProfile::from_json(&bytes).or_throw(env)?
        }
        _ => {
            let v = js_to_json(env, document)?;
            ChainProfile::from_value(&v).or_throw(env)?
        }
    };
    Ok(Json(profile.to_value()))
}

/// Tries the known constructions and encodings on a few sample rows with
/// the signers in `registry`, and returns every profile under which every
/// row reads, hashes and verifies (never a guess: ambiguous samples give
/// every match), or, when none does, how far each construction got. The
/// core's `Inference` (`{ rows, matches, ambiguous, attempts: [{ hashInput,
/// hashAlg, hashesMatched, signaturesVerified }], notes }`). `ProfileError`
/// `invalid_sample` for no rows, rows that are not JSON objects or rows of
/// different columns.
#[napi(
    js_name = "inferProfile",
    ts_args_type = "rows: (string | Uint8Array | object)[], registry: SignerRegistry",
    ts_return_type = "Inference"
)]
pub fn infer_profile(env: &Env, rows: Unknown<'_>, registry: Unknown<'_>) -> napi::Result<Json> {
    let rows = array_items(env, rows, "rows", |env, item, i| {
        row_bytes(env, item, &format!("rows[{i}]"))
    })?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let inference = trustcore::profile::infer_profile(&rows, &registry.inner).or_throw(env)?;
    Ok(Json(inference.to_value_named(NAMING)))
}

/// What `inferProfile` returns (`Inference::to_value_named` of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Inference {
    /// Sample rows.
    pub rows: f64,
    /// Every profile under which every sample row verifies (named after
    /// the built-in it equals, else `inferred/v1`).
    pub matches: Vec<ChainProfileDocument>,
    /// More than one match.
    pub ambiguous: bool,
    /// What each hash construction achieved.
    #[napi(
        ts_type = "{ hashInput: string; hashAlg: 'sha256' | 'blake3'; hashesMatched: number; signaturesVerified: Record<string, number> }[]"
    )]
    pub attempts: Json,
    /// Why several profiles match, or why none does.
    pub notes: Vec<String>,
}

/// One row checked on its own (`verifyRow`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RowVerdict {
    /// The row reads under the profile, its hash is right, the signer's key
    /// vouches at its time and the signature verifies.
    pub valid: bool,
    /// The row (its columns), when valid.
    #[napi(ts_type = "Record<string, unknown>")]
    pub row: Option<Json>,
    /// Why not: a break reason (`malformed_row`, `invalid_field`,
    /// `hash_mismatch`, `unknown_signer`, `signer_revoked`,
    /// `invalid_signature`, ...).
    pub reason: Option<String>,
    /// What exactly, for a person.
    pub message: Option<String>,
}

/// Verifies one row on its own under the profile (`{ profile?, hashAlg?
/// }`, default trustcore/v1): well-formed, `hash` right, the signer's key
/// vouching at its time and the signature valid — everything but the links
/// to its neighbours. `{ valid: true, row }` or `{ valid: false, reason,
/// message }` (reasons are the chain's break reasons).
#[napi(
    js_name = "verifyRow",
    ts_args_type = "row: string | Uint8Array | object, registry: SignerRegistry, options?: { profile?: string | object; hashAlg?: 'sha256' | 'blake3' }",
    ts_return_type = "RowVerdict"
)]
pub fn verify_row(
    env: &Env,
    row: Unknown<'_>,
    registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Json> {
    let profile = profile_options(env, options)?;
    let row = row_bytes(env, row, "row")?;
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let mut m = serde_json::Map::new();
    match tc::verify_row_with(&row, &registry.inner, &profile) {
        Ok(r) => {
            m.insert("valid".into(), true.into());
            m.insert("row".into(), r.to_value());
        }
        Err((reason, message)) => {
            m.insert("valid".into(), false.into());
            m.insert("reason".into(), reason.as_str().into());
            m.insert("message".into(), message.into());
        }
    }
    Ok(Json(serde_json::Value::Object(m)))
}

// ---------------------------------------------------------------------------
// Writers in a profile's own columns
// ---------------------------------------------------------------------------

/// A row body: a plain object of the row's own columns.
fn row_body(
    env: &Env,
    value: Unknown<'_>,
) -> napi::Result<serde_json::Map<String, serde_json::Value>> {
    if type_of(value)? != ValueType::Object || value.is_array()? || value.is_typedarray()? {
        return Err(invalid_argument(
            env,
            format!(
                "body must be an object of the row's own columns, got {}",
                describe(value)
            ),
        ));
    }
    match js_to_json(env, value)? {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(invalid_argument(
            env,
            "body must be an object of the row's own columns".to_owned(),
        )),
    }
}

#[napi]
impl ChainWriter {
    /// Builds the next row from `body`, the row's own columns by name
    /// (under the writer's profile: id, timestamp, event type and actor
    /// where the table has them, payload, extra columns; a timestamp may be
    /// RFC 3339 for a `postgres` table), and the bytes to sign; the head
    /// does not move. `ChainError` `invalid_event` names a missing or
    /// unknown column.
    #[napi(ts_args_type = "body: Record<string, unknown>")]
    pub fn prepare_row(&self, env: &Env, body: Unknown<'_>) -> napi::Result<PreparedEvent> {
        let body = row_body(env, body)?;
        let inner = lock(&self.inner).prepare_row(body).or_throw(env)?;
        Ok(PreparedEvent { inner })
    }

    /// `prepareRow`, signed with a local secret key and attached; returns
    /// the row (canonical JSON, the table's columns).
    #[napi(ts_args_type = "body: Record<string, unknown>, secretKey: SecretKey")]
    pub fn append_row(
        &self,
        env: &Env,
        body: Unknown<'_>,
        secret_key: Unknown<'_>,
    ) -> napi::Result<String> {
        let body = row_body(env, body)?;
        let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
        let row = lock(&self.inner)
            .append_row(body, &key.inner)
            .or_throw(env)?;
        Ok(row.to_json())
    }

    /// `prepareRow` through a remote signer (KMS, HSM, signing proxy), as
    /// `appendWith`: `signerFn(message)` returns the signature or a
    /// Promise of it; it must verify under the expected key before the row
    /// exists (fail closed). Resolves to the row.
    #[napi(
        ts_args_type = "body: Record<string, unknown>, signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>",
        ts_return_type = "Promise<string>"
    )]
    pub fn append_row_with<'e>(
        &self,
        env: &'e Env,
        body: Unknown<'_>,
        signer_fn: Unknown<'_>,
    ) -> napi::Result<PromiseRaw<'e, String>> {
        let body = row_body(env, body)?;
        let tsfn = signer_tsfn(env, signer_fn)?;
        let prepared = lock(&self.inner).prepare_row(body).or_throw(env)?;
        let message = prepared.message();
        let writer = Arc::clone(&self.inner);
        let signer = self.signer_id.clone();
        env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
            settle(env, &writer, &signer, prepared, outcome)
        })
    }

    /// The writer's profile, as a document.
    #[napi(getter, ts_return_type = "ChainProfileDocument")]
    pub fn profile(&self) -> Json {
        Json(lock(&self.inner).profile().to_value())
    }
}

// ---------------------------------------------------------------------------
// Revocation
// ---------------------------------------------------------------------------

/// A verified revocation (the core's `Revocation::to_value`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RevocationInfo {
    /// The revoked signer id.
    pub signer: String,
    /// From when its key vouches for nothing (RFC 3339 UTC).
    pub revoked_at: String,
    /// Why, for people.
    pub reason: String,
}

/// What `revokeSigner` / `revokeSignerWith` return.
#[napi(object, object_from_js = false)]
pub struct RevokedSigner {
    /// The updated registry (a copy; the one given is not changed).
    pub registry: SignerRegistry,
    /// The updated signers file (canonical JSON): publish it.
    pub signers_file: String,
    /// The signed revocation record (an envelope of kind
    /// `REVOCATION_KIND`): publish `record.toJson()`.
    pub record: Envelope,
    /// What was revoked, as of when.
    #[napi(ts_type = "RevocationInfo")]
    pub revocation: Json,
}

/// `at` as RFC 3339 text: a string as given (checked by the core), or a
/// Date as its ISO text.
fn at_text(env: &Env, value: Unknown<'_>) -> napi::Result<String> {
    if type_of(value)? == ValueType::String {
        let s = string_arg(env, value, "at")?;
        trustcore::ffi::timestamp(&s).or_throw(env)?;
        return Ok(s);
    }
    Ok(crate::signing::at_arg(env, value)?.to_string())
}

fn revoked(
    registry: trustcore::registry::SignerRegistry,
    record: CoreEnvelope,
    revocation: &Revocation,
) -> RevokedSigner {
    RevokedSigner {
        signers_file: registry.to_json(),
        registry: SignerRegistry { inner: registry },
        record: Envelope::new(record),
        revocation: Json(revocation.to_value()),
    }
}

/// The signature algorithm the registry records for the authority
/// (`ed25519` for an unknown one: the core then refuses the record).
fn authority_alg(
    registry: &trustcore::registry::SignerRegistry,
    authority: &str,
) -> trustcore::envelope::Algorithm {
    registry
        .get(authority)
        .map(|r| r.algorithm())
        .unwrap_or_default()
}

/// The canonical payload of a revocation record (`{ reason, revokedAt,
/// signer }`), to put in an `Envelope` of kind `REVOCATION_KIND` for an
/// authority to sign: `Envelope.fromText(REVOCATION_KIND,
/// revocationPayload(...))`.
#[napi(
    js_name = "revocationPayload",
    ts_args_type = "signer: string, at: string | Date, reason: string"
)]
pub fn revocation_payload(
    env: &Env,
    signer: Unknown<'_>,
    at: Unknown<'_>,
    reason: Unknown<'_>,
) -> napi::Result<String> {
    let signer = string_arg(env, signer, "signer")?;
    let at = at_text(env, at)?;
    let reason = string_arg(env, reason, "reason")?;
    let payload = Revocation::payload(&signer, &at, &reason).or_throw(env)?;
    Ok(String::from_utf8_lossy(&payload).into_owned())
}

/// Revokes `signer` as of `at` in a copy of `registry` (which is not
/// changed): the revocation record is signed by the authority
/// (`authorityId` with `authorityKey`, another registered signer whose key
/// vouches at `at`, with the algorithm the registry records for it),
/// checked and applied by the core exactly as `applyRevocation` does.
/// Returns the updated registry and signers file, the signed record and
/// the revocation. `RegistryError` `invalid_revocation`
/// (the authority is the revoked signer or does not vouch, a bad reason),
/// `unknown_signer`; `TimestampError` for a bad `at`.
#[napi(
    js_name = "revokeSigner",
    ts_args_type = "registry: SignerRegistry, signer: string, at: string | Date, reason: string, authorityId: string, authorityKey: SecretKey"
)]
pub fn revoke_signer(
    env: &Env,
    registry: Unknown<'_>,
    signer: Unknown<'_>,
    at: Unknown<'_>,
    reason: Unknown<'_>,
    authority_id: Unknown<'_>,
    authority_key: Unknown<'_>,
) -> napi::Result<RevokedSigner> {
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?;
    let signer = string_arg(env, signer, "signer")?;
    let at = at_text(env, at)?;
    let reason = string_arg(env, reason, "reason")?;
    let authority_id = string_arg(env, authority_id, "authorityId")?;
    let key = class_arg::<SecretKey>(env, authority_key, "authorityKey")?;
    let alg = authority_alg(&registry.inner, &authority_id);
    let payload = Revocation::payload(&signer, &at, &reason).or_throw(env)?;
    let mut record = CoreEnvelope::new(CORE_REVOCATION_KIND, &payload).or_throw(env)?;
    record.sign(&key.inner, &authority_id, alg).or_throw(env)?;
    let mut updated = registry.inner.clone();
    let revocation = updated.apply_revocation(&record).or_throw(env)?;
    Ok(revoked(updated, record, &revocation))
}

/// `revokeSigner` with the authority's key in a KMS, HSM or signing proxy
/// (`ed25519ph` when the registry records it for the authority):
/// `signerFn(message)` gets exactly the bytes to sign and returns the
/// signature (or a Promise of it), which must verify under
/// `authorityPublicKey`; the record is then checked and applied by the
/// core. Rejects, producing nothing, as `Envelope.signWith` does
/// (`remote_signature_invalid`, `remote_signer_failed` with `cause`,
/// `TypeError` `invalid_argument`) or with the errors of `revokeSigner`.
#[napi(
    js_name = "revokeSignerWith",
    ts_args_type = "registry: SignerRegistry, signer: string, at: string | Date, reason: string, authorityId: string, authorityPublicKey: PublicKey, signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>",
    ts_return_type = "Promise<RevokedSigner>"
)]
#[allow(clippy::too_many_arguments)]
pub fn revoke_signer_with<'e>(
    env: &'e Env,
    registry: Unknown<'_>,
    signer: Unknown<'_>,
    at: Unknown<'_>,
    reason: Unknown<'_>,
    authority_id: Unknown<'_>,
    authority_public_key: Unknown<'_>,
    signer_fn: Unknown<'_>,
) -> napi::Result<PromiseRaw<'e, RevokedSigner>> {
    let registry = class_arg::<SignerRegistry>(env, registry, "registry")?
        .inner
        .clone();
    let signer = string_arg(env, signer, "signer")?;
    let at = at_text(env, at)?;
    let reason = string_arg(env, reason, "reason")?;
    let authority_id = string_arg(env, authority_id, "authorityId")?;
    let expected = class_arg::<PublicKey>(env, authority_public_key, "authorityPublicKey")?.inner;
    let tsfn = signer_tsfn(env, signer_fn)?;
    let alg = authority_alg(&registry, &authority_id);
    let payload = Revocation::payload(&signer, &at, &reason).or_throw(env)?;
    let record = CoreEnvelope::new(CORE_REVOCATION_KIND, &payload).or_throw(env)?;
    let message = record.prepare(&authority_id, alg).or_throw(env)?.message();
    env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
        let sig = outcome_signature(env, &authority_id, outcome)?;
        let mut record = record;
        record
            .attach(&authority_id, alg, &sig, &expected)
            .map_err(|e| crate::reject_core(env, e.into()))?;
        let mut updated = registry;
        let revocation = updated
            .apply_revocation(&record)
            .map_err(|e| crate::reject_core(env, e))?;
        Ok(revoked(updated, record, &revocation))
    })
}

#[napi]
impl SignerRegistry {
    /// Revokes `signer` as of `at` in this registry (the key, and every key
    /// rotated from it, vouches for nothing dated at or after `at`; an
    /// earlier `revokedAt` stays) and returns the revocation, to sign into
    /// a record (`revocationPayload`) and publish with `toJson()`.
    /// `RegistryError` `unknown_signer`, `invalid_revocation` (a reason
    /// that is not 1-512 characters); `TimestampError`.
    #[napi(
        ts_args_type = "signer: string, at: string | Date, reason: string",
        ts_return_type = "RevocationInfo"
    )]
    pub fn revoke(
        &mut self,
        env: &Env,
        signer: Unknown<'_>,
        at: Unknown<'_>,
        reason: Unknown<'_>,
    ) -> napi::Result<Json> {
        let signer = string_arg(env, signer, "signer")?;
        let at = at_text(env, at)?;
        let reason = string_arg(env, reason, "reason")?;
        let r = self.inner.revoke(&signer, &at, &reason).or_throw(env)?;
        Ok(Json(r.to_value()))
    }

    /// Checks a revocation record (an envelope of kind `REVOCATION_KIND`)
    /// without changing the registry: its payload, the revoked signer
    /// registered, and a valid signature by another registered signer whose
    /// key vouches at `revokedAt`. `RegistryError` `invalid_revocation`,
    /// `unknown_signer`.
    #[napi(ts_args_type = "record: Envelope", ts_return_type = "RevocationInfo")]
    pub fn verify_revocation(&self, env: &Env, record: Unknown<'_>) -> napi::Result<Json> {
        let record = class_arg::<Envelope>(env, record, "record")?;
        record
            .with(|e| self.inner.verify_revocation(e))
            .map(|r| Json(r.to_value()))
            .or_throw(env)
    }

    /// Verifies a revocation record and applies it (`revoke`). A record
    /// that does not verify changes nothing.
    #[napi(ts_args_type = "record: Envelope", ts_return_type = "RevocationInfo")]
    pub fn apply_revocation(&mut self, env: &Env, record: Unknown<'_>) -> napi::Result<Json> {
        let record = class_arg::<Envelope>(env, record, "record")?;
        let inner = &mut self.inner;
        record
            .with(|e| inner.apply_revocation(e))
            .map(|r| Json(r.to_value()))
            .or_throw(env)
    }

    /// A copy of this registry (to revoke or rotate without changing it).
    #[napi(js_name = "clone")]
    pub fn clone_registry(&self) -> SignerRegistry {
        SignerRegistry {
            inner: self.inner.clone(),
        }
    }
}

// ---------------------------------------------------------------------------
// Compromise replay
// ---------------------------------------------------------------------------

enum Item {
    Envelope(CoreEnvelope, trustcore::time::Timestamp),
    Row(Vec<u8>),
}

/// One recheck item: `{ envelope, at }` or `{ row }`.
fn recheck_item(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Item> {
    if type_of(value)? == ValueType::Object && !value.is_array()? && !value.is_typedarray()? {
        let obj = Object::from_unknown(value)?;
        if obj.has_named_property("envelope")? {
            let e: Unknown<'_> = obj.get_named_property("envelope")?;
            let envelope =
                class_arg::<Envelope>(env, e, &format!("{what}.envelope"))?.with(|e| e.clone());
            let at: Unknown<'_> = obj.get_named_property("at")?;
            let at = crate::signing::at_arg(env, at)?;
            return Ok(Item::Envelope(envelope, at));
        }
        if obj.has_named_property("row")? {
            let r: Unknown<'_> = obj.get_named_property("row")?;
            return Ok(Item::Row(row_bytes(env, r, &format!("{what}.row"))?));
        }
    }
    Err(invalid_argument(
        env,
        format!(
            "{what} must be {{ envelope, at }} or {{ row }}, got {}",
            describe(value)
        ),
    ))
}

/// Re-verifies signed envelopes (`{ envelope, at }`: the time of the record
/// each signs) and chain rows (`{ row }`, under the profile of `options`,
/// `{ profile?, hashAlg? }`) against the registry before (`oldRegistry`)
/// and after (`newRegistry`) a change such as a revocation, and reports,
/// per item, what changed: `still_valid`, `now_invalid` (with `after`, the
/// reason: `signer_revoked` for an item signed at or after the revocation,
/// `signer_expired` outside the new window, ...), `was_invalid`,
/// `now_valid` (the core's `RecheckReport`).
#[napi(
    ts_args_type = "items: ({ envelope: Envelope; at: string | Date } | { row: string | Uint8Array | object })[], oldRegistry: SignerRegistry, newRegistry: SignerRegistry, options?: { profile?: string | object; hashAlg?: 'sha256' | 'blake3' }",
    ts_return_type = "RecheckReport"
)]
pub fn recheck(
    env: &Env,
    items: Unknown<'_>,
    old_registry: Unknown<'_>,
    new_registry: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Json> {
    let profile = profile_options(env, options)?;
    let items = array_items(env, items, "items", |env, item, i| {
        recheck_item(env, item, &format!("items[{i}]"))
    })?;
    let old = class_arg::<SignerRegistry>(env, old_registry, "oldRegistry")?;
    let new = class_arg::<SignerRegistry>(env, new_registry, "newRegistry")?;
    let refs: Vec<tc::RecheckItem<'_>> = items
        .iter()
        .map(|i| match i {
            Item::Envelope(e, at) => tc::RecheckItem::Envelope(e, *at),
            Item::Row(r) => tc::RecheckItem::Row(r),
        })
        .collect();
    let report = tc::recheck(&old.inner, &new.inner, &refs, &profile);
    Ok(Json(report.to_value_named(NAMING)))
}

/// One item of a `RecheckReport`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RecheckVerdict {
    /// Its index in `items`.
    pub index: f64,
    /// What it is.
    #[napi(ts_type = "'envelope' | 'row'")]
    pub item: String,
    /// The envelope's kind, or the row's id (absent when unreadable).
    pub name: Option<String>,
    /// What changed.
    #[napi(ts_type = "'still_valid' | 'now_invalid' | 'was_invalid' | 'now_valid'")]
    pub status: String,
    /// Why it is invalid under the old registry, if it is.
    pub before: Option<String>,
    /// Why it is invalid under the new registry, if it is.
    pub after: Option<String>,
}

/// The outcome of `recheck` (`RecheckReport::to_value_named` of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RecheckReport {
    /// One verdict per item, in order.
    pub items: Vec<RecheckVerdict>,
    /// Items valid before and after.
    pub still_valid: f64,
    /// Items valid before, not after.
    pub now_invalid: f64,
    /// Items invalid before already.
    pub was_invalid: f64,
    /// Items invalid before, valid now.
    pub now_valid: f64,
}
