//! The writer: links, hashes and signs the next event, and fails closed
//! with remote signers.

use super::error::*;
use super::event::*;
use crate::canonical::{self, Options};
use crate::digest;
use crate::envelope::{self, Algorithm, Envelope};
use crate::keys::{PublicKey, SecretKey};
use crate::time::Timestamp;

/// How a [`ChainWriter`] is made, as the bindings hand it over.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WriterOptions {
    /// Continue a chain from this head (default: a new chain).
    pub head: Head,
    /// The signature algorithm the registry records for the signer.
    pub alg: Algorithm,
    /// The chain's digest algorithm.
    pub hash_alg: digest::Algorithm,
}

impl WriterOptions {
    /// Reads `{head?, alg?, hash_alg?}` (`hashAlg` in JavaScript); unknown
    /// keys are `unknown_option`, bad values `invalid_option`
    /// (`invalid_state` for a malformed head).
    pub fn from_value(
        value: Option<&serde_json::Value>,
        naming: crate::options::Naming,
    ) -> Result<Self, crate::Error> {
        let mut r = crate::options::Reader::new(value, naming)?;
        let mut out = WriterOptions::default();
        if let Some(h) = r.value("head") {
            out.head = Head::from_value(h)?;
        }
        if let Some(a) = r.choice("alg", &["ed25519", "ed25519ph"])? {
            out.alg = Algorithm::from_name(a)?;
        }
        if let Some(a) = r.choice("hash_alg", &["sha256", "blake3"])? {
            out.hash_alg = digest::Algorithm::from_name(a)?;
        }
        r.finish()?;
        Ok(out)
    }
}

/// An event prepared for a (possibly remote) signer.
#[derive(Clone, Debug)]
pub struct PreparedEvent {
    event: Event,
    prepared: envelope::Prepared,
}

impl PreparedEvent {
    /// What the signer must sign (the signing input, or its SHA-512 for
    /// `ed25519ph`).
    pub fn message(&self) -> Vec<u8> {
        self.prepared.message()
    }

    /// The event with every column but `signature` filled.
    pub fn event(&self) -> &Event {
        &self.event
    }
}

/// Appends events: fills `seq`, `prev_hash`, `hash` and the signature, and
/// never produces an unsigned or unlinked event.
#[derive(Clone, Debug)]
pub struct ChainWriter {
    head: Head,
    hash_alg: digest::Algorithm,
    signer_id: String,
    alg: Algorithm,
    key: PublicKey,
}

impl ChainWriter {
    /// A writer continuing from `head` ([`Head::default`] for a new chain),
    /// signing as `signer_id` with `alg`, whose signatures must verify under
    /// `expected_key` (the registered key).
    pub fn new(
        head: Head,
        hash_alg: digest::Algorithm,
        signer_id: &str,
        alg: Algorithm,
        expected_key: PublicKey,
    ) -> Result<Self, crate::Error> {
        signing_input(&head.hash, hash_alg, alg, signer_id)?;
        Ok(ChainWriter {
            head,
            hash_alg,
            signer_id: signer_id.to_string(),
            alg,
            key: expected_key,
        })
    }

    /// [`ChainWriter::new`] with [`WriterOptions`].
    pub fn with_options(
        signer_id: &str,
        expected_key: PublicKey,
        options: WriterOptions,
    ) -> Result<Self, crate::Error> {
        Self::new(
            options.head,
            options.hash_alg,
            signer_id,
            options.alg,
            expected_key,
        )
    }

    /// The current head.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// Builds the next event from `body` and the bytes to sign. The head
    /// moves only when a valid signature is attached.
    pub fn prepare(&self, body: EventBody) -> Result<PreparedEvent, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidEvent, m);
        let at = Timestamp::parse(&body.ts)?;
        if let Some(prev) = &self.head.ts {
            if at < Timestamp::parse(prev)? {
                return Err(Error::new(
                    ErrorCode::TsRegression,
                    format!("ts {} is before the head's {prev}", body.ts),
                )
                .into());
            }
        }
        canonical::canonicalize_value(&body.payload, &Options::default())?;
        let seq = self
            .head
            .seq
            .checked_add(1)
            .ok_or_else(|| bad("the chain is full".into()))?;
        let mut event = Event {
            id: body.id,
            seq,
            ts: body.ts,
            event_type: body.event_type,
            actor: body.actor,
            payload: body.payload,
            prev_hash: self.head.hash,
            hash: [0; 32],
            signer_id: self.signer_id.clone(),
            signature: [0; 64],
        };
        event.hash = event.compute_hash(self.hash_alg);
        // The row must read back as it will be verified.
        let mut probe = event.to_json().into_bytes();
        if let Err((_, m)) = Event::from_json(&probe) {
            return Err(bad(format!("the event would not be a valid row: {m}")).into());
        }
        probe.clear();
        let payload = format!(
            "{{\"hash\":\"{}:{}\"}}",
            self.hash_alg.name(),
            hex::encode(event.hash)
        );
        let env = Envelope::new(EVENT_KIND, payload.as_bytes())?;
        let prepared = env.prepare(&self.signer_id, self.alg)?;
        Ok(PreparedEvent { event, prepared })
    }

    /// Attaches the signer's answer (verified against the expected key;
    /// fails closed) and advances the head.
    pub fn attach(
        &mut self,
        prepared: PreparedEvent,
        signature: &[u8],
    ) -> Result<Event, crate::Error> {
        let entry = prepared.prepared.attach(signature, &self.key)?;
        if prepared.event.prev_hash != self.head.hash || prepared.event.seq != self.head.seq + 1 {
            return Err(Error::new(
                ErrorCode::InvalidEvent,
                "the prepared event no longer follows the head (another event was appended since)",
            )
            .into());
        }
        let mut event = prepared.event;
        event.signature = entry.sig;
        self.head = Head {
            hash: event.hash,
            seq: event.seq,
            ts: Some(event.ts.clone()),
        };
        Ok(event)
    }

    /// Prepares, signs with a local key and attaches.
    pub fn append(&mut self, body: EventBody, key: &SecretKey) -> Result<Event, crate::Error> {
        let prepared = self.prepare(body)?;
        let msg = prepared.message();
        let sig = match self.alg {
            Algorithm::Ed25519 => crate::sign::sign(key, &msg),
            Algorithm::Ed25519ph => crate::sign::sign_prehashed_digest(key, &msg)?,
        };
        self.attach(prepared, &sig)
    }
}
