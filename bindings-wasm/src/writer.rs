//! The chain writer of the full module, for remote signers only: the core
//! links and hashes the next row under the table's profile and prepares the
//! exact bytes to sign (`prepare` / `prepareRow`); the caller's KMS, HSM or
//! signing proxy signs them; `attach` verifies the answer under the
//! expected key before the row exists (fails closed). There are no secret
//! keys in this module, and no randomness.
//!
//! Conversion only: `ChainWriter::with_options`, `WriterOptions::
//! from_value`, `EventBody::from_value`, `prepare`, `prepare_row`,
//! `attach`; rows come back as the core's `Row` documents.

use crate::signing::{bytes_arg, bytes_out, string_arg, PublicKey};
use crate::{named_error, options_value, to_js, value_arg, OrThrow, NAMING};
use trustcore::chain as tc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_WRITER: &'static str = r#"
/** Options of `ChainWriter.create` (the core's `WriterOptions`). */
export interface WriterOptions {
  /** Continue a chain from this head (default: a new chain). */
  head?: Head | null;
  /** The signature algorithm the registry records for the signer (default `"ed25519"`). */
  alg?: SignatureAlgorithm | null;
  /** The default profile's digest (default `"sha256"`). */
  hashAlg?: "sha256" | "blake3" | null;
  /** The table's profile: a built-in name or a document. */
  profile?: ProfileInput | null;
}

/** An event body in trustcore's terms (mapped onto the profile's columns by `prepare`). */
export interface EventBody {
  id: string;
  ts: string;
  eventType: string;
  actor: string;
  payload: unknown;
}
"#;

/// Appends rows to a chain with a remote signer (full module).
#[wasm_bindgen]
pub struct ChainWriter {
    inner: tc::ChainWriter,
}

/// A row prepared for a (remote) signer: `message` is what it must sign.
#[wasm_bindgen]
pub struct PreparedEvent {
    inner: Option<tc::PreparedEvent>,
}

#[wasm_bindgen]
impl PreparedEvent {
    /// The bytes the signer must sign (for `ed25519ph`, the SHA-512 digest
    /// a KMS digest mode takes).
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> js_sys::Uint8Array {
        bytes_out(&self.inner.as_ref().map(|p| p.message()).unwrap_or_default())
    }

    /// Every column of the row but the signature.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>")]
    pub fn row(&self) -> Result<JsValue, JsValue> {
        match &self.inner {
            Some(p) => to_js(&p.row()),
            None => Err(used()),
        }
    }
}

fn used() -> JsValue {
    named_error(
        "ChainError",
        "invalid_event",
        "this prepared event has been attached (or refused) already; prepare another",
    )
}

#[wasm_bindgen]
impl ChainWriter {
    /// A writer for `signerId`, whose answers must verify under
    /// `expectedKey` (`WriterOptions`: head, alg, hashAlg, profile).
    pub fn create(
        #[wasm_bindgen(js_name = signerId, unchecked_param_type = "string")] signer_id: JsValue,
        #[wasm_bindgen(js_name = expectedKey)] expected_key: &PublicKey,
        #[wasm_bindgen(unchecked_optional_param_type = "WriterOptions | null")] options: JsValue,
    ) -> Result<ChainWriter, JsValue> {
        let id = string_arg(&signer_id, "signerId")?;
        let options =
            tc::WriterOptions::from_value(options_value(&options)?.as_ref(), NAMING).or_throw()?;
        tc::ChainWriter::with_options(&id, expected_key.inner, options)
            .map(|inner| ChainWriter { inner })
            .or_throw()
    }

    /// The head the next row links to.
    #[wasm_bindgen(getter, unchecked_return_type = "ReportHead")]
    pub fn head(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.head().to_value())
    }

    /// Prepares the next row from trustcore's body `{id, ts, eventType,
    /// actor, payload}` mapped onto the profile's columns.
    #[wasm_bindgen(unchecked_return_type = "PreparedEvent")]
    pub fn prepare(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EventBody")] body: JsValue,
    ) -> Result<PreparedEvent, JsValue> {
        let body = tc::EventBody::from_value(&value_arg(&body)?, NAMING).or_throw()?;
        self.inner
            .prepare(body)
            .map(|p| PreparedEvent { inner: Some(p) })
            .or_throw()
    }

    /// Prepares the next row from the row's own columns by name (id,
    /// timestamp, event type and actor where the table has them, payload,
    /// extra columns); the writer fills seq, prevHash, hash, signer and
    /// signature.
    #[wasm_bindgen(js_name = prepareRow)]
    pub fn prepare_row(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] body: JsValue,
    ) -> Result<PreparedEvent, JsValue> {
        let serde_json::Value::Object(m) = value_arg(&body)? else {
            return Err(crate::invalid_argument(
                "body must be an object of the row's columns".into(),
            ));
        };
        self.inner
            .prepare_row(m)
            .map(|p| PreparedEvent { inner: Some(p) })
            .or_throw()
    }

    /// Attaches the signer's answer (verified under the expected key; a
    /// wrong answer is `EnvelopeError` `remote_signature_invalid` and no
    /// row) and advances the head; returns the row document.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>")]
    pub fn attach(
        &mut self,
        prepared: &mut PreparedEvent,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
    ) -> Result<JsValue, JsValue> {
        let sig = bytes_arg(&signature, "signature")?;
        let p = prepared.inner.take().ok_or_else(used)?;
        let row = self.inner.attach(p, &sig).or_throw()?;
        to_js(&row.to_value())
    }

    /// `attach`, returning the row's canonical JSONL line (without `\n`).
    #[wasm_bindgen(js_name = attachLine)]
    pub fn attach_line(
        &mut self,
        prepared: &mut PreparedEvent,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] signature: JsValue,
    ) -> Result<String, JsValue> {
        let sig = bytes_arg(&signature, "signature")?;
        let p = prepared.inner.take().ok_or_else(used)?;
        let row = self.inner.attach(p, &sig).or_throw()?;
        Ok(row.to_json())
    }
}
