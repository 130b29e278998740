//! Chain profiles (`docs/chain-profiles.md`): the built-in names, loading
//! and checking a profile document, inferring the profile of sample rows,
//! and the `{hashAlg?, profile?}` options of the one-row calls; key
//! compromise replay (`recheck`).
//!
//! Conversion only: profiles are read by `ChainProfile::from_name_or_value`
//! / `from_json`, the options by the core's `options::Reader` and
//! `VerifyOptions::from_value` (so `profile` and `hashAlg` have one
//! definition, with the rule that a profile carries its own digest), the
//! inference report is `Inference::to_value_named(Camel)` (profile
//! documents keep their spelling), and the recheck report
//! `RecheckReport::to_value_named(Camel)`.

use crate::chain::{row_arg, row_profile};
use crate::signing::{at_arg, json_arg, SignerRegistry};
use crate::{array_items, invalid_argument, reflect_get, to_js, OrThrow, NAMING};
use serde_json::{Map, Value};
use trustcore::chain::RecheckItem;
use trustcore::profile::{ChainProfile, BUILTIN_NAMES};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_PROFILE: &'static str = r#"
/**
 * A chain profile document (`trustcore.chain-profile/v1`,
 * `docs/chain-profiles.md`): how a table's rows are linked, hashed and
 * signed. Its members keep the document's spelling.
 */
export interface ChainProfileDocument {
  type: "trustcore.chain-profile/v1";
  name: string;
  description?: string;
  columns: {
    id: string; seq: string | null; ts: string; eventType: string | null; actor: string | null;
    payload: string; prevHash: string; hash: string; signer: string; signature: string;
  };
  extraColumns?: { name: string; hashed?: boolean }[];
  hash: { input: "trustcore/v1" | "row" | "payload" | "prev_hash_payload"; algorithm?: "sha256" | "blake3"; encoding: "hex" | "base64" | "prefixed" };
  signature: { signs: "envelope" | "hash_input" | "digest" | "digest_text"; algorithm?: "registry" | "ed25519" | "ed25519ph"; encoding: "base64" | "base64url" | "hex" };
  genesis: "zeros" | "empty" | "null";
  timestamp: "rfc3339" | "postgres";
  order?: "seq" | "ts";
}

/** A profile: a built-in name (`"kernel/v1"`) or a profile document (an object, or its JSON text where the API says so). */
export type ProfileInput = string | ChainProfileDocument;

/** A loaded profile (`loadProfile`). */
export interface LoadedProfile {
  /** Its name. */
  name: string;
  /** `sha256:` of its canonical document: what reports, states and segment summaries name it by. */
  digest: string;
  /** The document as the core writes it (defaults filled in). */
  document: ChainProfileDocument;
  /** Which columns the hash covers and which the signature covers (`hashed`, `signed`, `unsigned`). */
  coverage: { hashed: string[]; signed: string[]; unsigned: string[] };
}

/** How far one hash construction got on the sample (`inferProfile`). */
export interface InferenceAttempt {
  hashInput: "trustcore/v1" | "row" | "payload" | "prev_hash_payload";
  hashAlg: "sha256" | "blake3";
  /** Rows whose hash column is the digest of this input. */
  hashesMatched: number;
  /** Per signed form (`envelope`, `hash_input`, `digest`, `digest_text`), rows whose signature verified. */
  signaturesVerified: Record<string, number>;
}

/** The outcome of `inferProfile` (the core's `Inference`). */
export interface Inference {
  /** Sample rows. */
  rows: number;
  /** Every profile under which every sample row reads, hashes and verifies. */
  matches: ChainProfileDocument[];
  /** More than one match: the sample cannot tell them apart (see `notes`). */
  ambiguous: boolean;
  attempts: InferenceAttempt[];
  notes: string[];
}

/** Options of the one-row calls (`verifyRow`, `verifyEventInCheckpoint`, `replay`, `recheck`). */
export interface RowOptions {
  /** The digest of the default profile (default `"sha256"`); with `profile`, only that profile's own digest. */
  hashAlg?: "sha256" | "blake3" | null;
  /** The table's profile: a built-in name or a document (default `trustcore/v1`). */
  profile?: ProfileInput | null;
}

/** One item for `recheck`: a signed envelope (its JSON text, `envelope.toJson()`, or document) with the time of the record it signs, or a chain row. */
export type RecheckInput = { envelope: string | Uint8Array | Record<string, unknown>; at: Instant } | string | Uint8Array | Record<string, unknown>;

/** The verdict on one recheck item. */
export interface RecheckVerdict {
  index: number;
  item: "envelope" | "row";
  /** The envelope's kind, or the row's id. */
  name?: string;
  status: "still_valid" | "now_invalid" | "was_invalid" | "now_valid";
  /** Why it is invalid under the old registry. */
  before?: string;
  /** Why it is invalid under the new registry (`signer_revoked`, ...). */
  after?: string;
}

/** The outcome of `recheck` (the core's `RecheckReport`). */
export interface RecheckReport {
  items: RecheckVerdict[];
  stillValid: number;
  nowInvalid: number;
  wasInvalid: number;
  nowValid: number;
}

/** A verified revocation (`verifyRevocation`, `applyRevocation`, `revokeSigner`). */
export interface Revocation {
  signer: string;
  /** When the key stops vouching (RFC 3339 UTC, as given). */
  revokedAt: string;
  reason: string;
}

/** The names of the built-in chain profiles (`trustcore/v1`, `kernel/v1`, ...). */
export function builtinProfiles(): string[];

/**
 * Loads a profile: a built-in name, a profile document (an object), or its
 * JSON text (`Uint8Array`, or a string that starts with `{`). `ProfileError`
 * `invalid_profile` with the JSON Pointer of the offending member in
 * `path`, `unsupported_profile_version`, or `unknown_profile` for a name
 * that is not built in.
 */
export function loadProfile(profile: ProfileInput | Uint8Array): LoadedProfile;

"#;

#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TS_PROFILE_FULL: &'static str = r#"
/**
 * The profiles under which every sample row (JSON text, or a row object)
 * reads, hashes and verifies with the keys of `registry` — every one, never
 * a guess — and how far each construction got. `ProfileError`
 * `invalid_sample` for no rows, rows that are not objects, or rows with
 * other columns than the first.
 */
export function inferProfile(rows: (string | Uint8Array | Record<string, unknown>)[], registry: SignerRegistry): Inference;

/**
 * Re-verifies signed envelopes (each with its record's time) and chain
 * rows under the registry before (`before`) and after (`after`) a change
 * of the signers file, and reports what changed for each: after a
 * revocation at T, exactly the items of that key dated at or after T are
 * `now_invalid` with `signer_revoked`.
 */
export function recheck(before: SignerRegistry, after: SignerRegistry, items: RecheckInput[], options?: RowOptions | null): RecheckReport;
"#;

/// A profile argument: a name, a document object, or the document's JSON
/// text (bytes, or a string starting with `{`).
fn profile_arg(value: &JsValue) -> Result<ChainProfile, JsValue> {
    if let Some(s) = value.dyn_ref::<js_sys::JsString>() {
        let text = crate::signing::string_arg(value, "profile")?;
        let _ = s;
        if text.trim_start().starts_with('{') {
            return ChainProfile::from_json(text.as_bytes()).or_throw();
        }
        return ChainProfile::builtin(&text).or_throw();
    }
    if crate::is_uint8(value) {
        return ChainProfile::from_json(&json_arg(value, "profile")?).or_throw();
    }
    if value.is_object() && !value.is_function() {
        let v = crate::value_arg(value)?;
        return ChainProfile::from_name_or_value(&v).or_throw();
    }
    Err(invalid_argument(format!(
        "profile must be a built-in name, a profile document or its JSON text, got {}",
        crate::describe(value)
    )))
}

/// The names of the built-in chain profiles.
#[wasm_bindgen(js_name = builtinProfiles, skip_typescript)]
pub fn builtin_profiles() -> Vec<String> {
    BUILTIN_NAMES.iter().map(|n| n.to_string()).collect()
}

/// Loads and checks a profile; its name, digest, document and coverage.
#[wasm_bindgen(js_name = loadProfile, skip_typescript)]
pub fn load_profile(profile: JsValue) -> Result<JsValue, JsValue> {
    let p = profile_arg(&profile)?;
    let mut m = Map::new();
    m.insert("name".into(), p.name.clone().into());
    m.insert("digest".into(), p.digest().into());
    m.insert("document".into(), p.to_value());
    m.insert("coverage".into(), p.coverage());
    to_js(&Value::Object(m))
}

#[cfg(feature = "full")]
/// The profiles every sample row verifies under (the core's
/// `infer_profile`).
#[wasm_bindgen(js_name = inferProfile, skip_typescript)]
pub fn infer_profile(rows: JsValue, registry: &SignerRegistry) -> Result<JsValue, JsValue> {
    let rows = array_items(&rows, "rows", |item, what, i| {
        row_arg(item, what, &format!("/{i}"))
    })?;
    let inference = trustcore::profile::infer_profile(&rows, &registry.inner).or_throw()?;
    to_js(&inference.to_value_named(NAMING))
}

#[cfg(feature = "full")]
/// One recheck item as given: an envelope with its time, or a row.
enum Item {
    Envelope(trustcore::envelope::Envelope, trustcore::time::Timestamp),
    Row(Vec<u8>),
}

#[cfg(feature = "full")]
/// Re-verifies items under two registries (the core's `chain::recheck`).
#[wasm_bindgen(skip_typescript)]
pub fn recheck(
    before: &SignerRegistry,
    after: &SignerRegistry,
    items: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let profile = row_profile(&options)?;
    let items = array_items(&items, "items", |item, what, i| {
        // A revoked Proxy has nothing to read: it goes on as a row, which
        // the value rules refuse with a code.
        let envelope =
            if item.is_object() && !crate::is_uint8(item) && !crate::is_revoked_proxy(item) {
                reflect_get(item, &JsValue::from_str("envelope"))?
            } else {
                JsValue::UNDEFINED
            };
        if envelope.is_undefined() {
            return row_arg(item, what, &format!("/{i}")).map(Item::Row);
        }
        // The envelope's document: JSON text (`envelope.toJson()`) or the
        // plain object (`envelope.toJSON()`).
        let text = match crate::text_or_bytes(&envelope, "envelope")? {
            Some(_) => json_arg(&envelope, &format!("{what}.envelope"))?,
            None => crate::canonical_bytes_at(&envelope, &format!("/{i}/envelope"))?,
        };
        let env = trustcore::envelope::Envelope::from_json(&text).or_throw()?;
        let at = at_arg(&reflect_get(item, &JsValue::from_str("at"))?)?;
        Ok(Item::Envelope(env, at))
    })?;
    let refs: Vec<RecheckItem<'_>> = items
        .iter()
        .map(|i| match i {
            Item::Envelope(e, at) => RecheckItem::Envelope(e, *at),
            Item::Row(r) => RecheckItem::Row(r),
        })
        .collect();
    let report = trustcore::chain::recheck(&before.inner, &after.inner, &refs, &profile);
    to_js(&report.to_value_named(NAMING))
}

#[cfg(feature = "full")]
fn revocation(r: &trustcore::registry::Revocation) -> Result<JsValue, JsValue> {
    to_js(&r.to_value())
}

#[cfg(feature = "full")]
/// Revocation (`docs/registry.md`): a key revoked as of a time, by a record
/// another registered signer signs.
#[wasm_bindgen]
impl SignerRegistry {
    /// Revokes `signer` as of `at`: its key (and every key rotated from it)
    /// vouches for nothing dated at or after `at` (an earlier revocation
    /// stays). Publish the updated file (`toJson()`) with a signed
    /// revocation record. `RegistryError` `unknown_signer`,
    /// `invalid_revocation` (a reason of 1-512 characters);
    /// `TimestampError` for `at`.
    #[wasm_bindgen(js_name = revokeSigner, unchecked_return_type = "Revocation")]
    pub fn revoke_signer(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] signer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reason: JsValue,
    ) -> Result<JsValue, JsValue> {
        let signer = crate::signing::string_arg(&signer, "signer")?;
        let at = crate::signing::instant_text(&at)?;
        let reason = crate::signing::string_arg(&reason, "reason")?;
        let r = self.inner.revoke(&signer, &at, &reason).or_throw()?;
        revocation(&r)
    }

    /// Checks a revocation record (an envelope of kind
    /// `trustcore.signer-revocation`, payload `{signer, revokedAt, reason}`,
    /// signed by another registered signer whose key vouches at
    /// `revokedAt`) without changing the registry. `RegistryError`
    /// `invalid_revocation` or `unknown_signer`.
    #[wasm_bindgen(js_name = verifyRevocation, unchecked_return_type = "Revocation")]
    pub fn verify_revocation(
        &self,
        envelope: &crate::signing::Envelope,
    ) -> Result<JsValue, JsValue> {
        let r = self.inner.verify_revocation(&envelope.inner).or_throw()?;
        revocation(&r)
    }

    /// Verifies a revocation record and applies it (`revokeSigner`); a
    /// record that does not verify changes nothing.
    #[wasm_bindgen(js_name = applyRevocation, unchecked_return_type = "Revocation")]
    pub fn apply_revocation(
        &mut self,
        envelope: &crate::signing::Envelope,
    ) -> Result<JsValue, JsValue> {
        let r = self.inner.apply_revocation(&envelope.inner).or_throw()?;
        revocation(&r)
    }

    /// An independent copy (to revoke in while keeping the registry before
    /// the change, for `recheck`).
    #[wasm_bindgen(js_name = clone)]
    pub fn clone_js(&self) -> SignerRegistry {
        SignerRegistry {
            inner: self.inner.clone(),
        }
    }
}
