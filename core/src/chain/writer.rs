//! The writer: links, hashes and signs the next row under the chain's
//! profile, and fails closed with remote signers.

use super::error::*;
use super::event::*;
use super::row::{check_body, Row};
use crate::canonical::{self, Options};
use crate::digest;
use crate::envelope::{self, Algorithm};
use crate::keys::{PublicKey, SecretKey};
use crate::profile::{ChainProfile, TimeFormat};
use crate::text::quote;
use crate::time::Timestamp;
use serde_json::{Map, Value};
use std::sync::Arc;

/// How a [`ChainWriter`] is made, as the bindings hand it over.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WriterOptions {
    /// Continue a chain from this head (default: a new chain).
    pub head: Head,
    /// The signature algorithm the registry records for the signer.
    pub alg: Algorithm,
    /// The chain's digest algorithm (of the default profile).
    pub hash_alg: digest::Algorithm,
    /// The table's profile (`None`: trustcore/v1 with `hash_alg`).
    pub profile: Option<Arc<ChainProfile>>,
}

impl WriterOptions {
    /// Reads `{head?, alg?, hash_alg?, profile?}` (`hashAlg` in
    /// JavaScript; `profile` a built-in name or a profile document);
    /// unknown keys are `unknown_option`, bad values `invalid_option`
    /// (`invalid_state` for a malformed head, `ProfileError` for a bad
    /// profile).
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
        if let Some(p) = super::options::read_digest_and_profile(&mut r, &mut out.hash_alg)? {
            out.profile = Some(p);
        }
        r.finish()?;
        Ok(out)
    }
}

/// A row prepared for a (possibly remote) signer.
#[derive(Clone, Debug)]
pub struct PreparedEvent {
    /// Every column but the signature.
    row: Map<String, Value>,
    head: Head,
    prepared: envelope::Prepared,
}

impl PreparedEvent {
    /// What the signer must sign (for `ed25519ph`, the SHA-512 of it).
    pub fn message(&self) -> Vec<u8> {
        self.prepared.message()
    }

    /// The row with every column but the signature filled, under its
    /// column names.
    pub fn row(&self) -> Value {
        Value::Object(self.row.clone())
    }
}

/// Appends rows: fills the sequence, `prev_hash`, hash, signer and
/// signature columns as the profile says, and never produces an unsigned or
/// unlinked row.
#[derive(Clone, Debug)]
pub struct ChainWriter {
    head: Head,
    profile: Arc<ChainProfile>,
    signer_id: String,
    alg: Algorithm,
    key: PublicKey,
}

impl ChainWriter {
    /// A trustcore/v1 writer continuing from `head` ([`Head::default`] for
    /// a new chain), signing as `signer_id` with `alg`, whose signatures
    /// must verify under `expected_key` (the registered key).
    pub fn new(
        head: Head,
        hash_alg: digest::Algorithm,
        signer_id: &str,
        alg: Algorithm,
        expected_key: PublicKey,
    ) -> Result<Self, crate::Error> {
        Self::with_options(
            signer_id,
            expected_key,
            WriterOptions {
                head,
                alg,
                hash_alg,
                profile: None,
            },
        )
    }

    /// A writer for any profile.
    pub fn with_options(
        signer_id: &str,
        expected_key: PublicKey,
        options: WriterOptions,
    ) -> Result<Self, crate::Error> {
        let profile = match options.profile {
            Some(p) => p,
            None => Arc::new(ChainProfile::trustcore_v1().with_hash_alg(options.hash_alg)),
        };
        envelope::signing_input(EVENT_KIND, b"{}", options.alg, signer_id)?;
        Ok(ChainWriter {
            head: options.head,
            profile,
            signer_id: signer_id.to_string(),
            alg: options.alg,
            key: expected_key,
        })
    }

    /// The current head (its `ts` is RFC 3339, whatever the profile's
    /// timestamp format).
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The writer's profile.
    pub fn profile(&self) -> &ChainProfile {
        &self.profile
    }

    /// Builds the next trustcore-shaped event: `body`'s columns go to the
    /// profile's id, timestamp, event type, actor and payload columns (an
    /// event type or actor the profile has no column for must be empty).
    pub fn prepare(&self, body: EventBody) -> Result<PreparedEvent, crate::Error> {
        let c = &self.profile.columns;
        let bad = |m: String| Error::new(ErrorCode::InvalidEvent, m);
        let mut m = Map::new();
        m.insert(c.id.clone(), body.id.into());
        m.insert(c.ts.clone(), body.ts.into());
        for (col, value, role) in [
            (&c.event_type, body.event_type, "an event type"),
            (&c.actor, body.actor, "an actor"),
        ] {
            match col {
                Some(name) => {
                    m.insert(name.clone(), value.into());
                }
                None if value.is_empty() => {}
                None => {
                    return Err(bad(format!(
                        "profile {} has no column for {role}; leave it empty",
                        self.profile.name
                    ))
                    .into())
                }
            }
        }
        m.insert(c.payload.clone(), body.payload);
        self.prepare_row(m)
    }

    /// Builds the next row from `body` (the row's own columns by name: id,
    /// timestamp, event type and actor where the table has them, payload,
    /// extra columns) and the bytes to sign. A timestamp may be given as
    /// RFC 3339 for a table that stores PostgreSQL text: it is written in
    /// the profile's format. The head moves only when a valid signature is
    /// attached.
    pub fn prepare_row(&self, mut body: Map<String, Value>) -> Result<PreparedEvent, crate::Error> {
        let p = &*self.profile;
        let c = &p.columns;
        let bad = |m: String| Error::new(ErrorCode::InvalidEvent, m);
        check_body(p, &body)?;
        let Some(Value::String(ts)) = body.get(&c.ts).cloned() else {
            return Err(bad(format!("the body's {} must be a string", c.ts)).into());
        };
        if p.timestamp == TimeFormat::Rfc3339 {
            Timestamp::parse(&ts)?;
        }
        let written = match p.timestamp {
            TimeFormat::Rfc3339 => ts.clone(),
            TimeFormat::Postgres if Timestamp::parse(&ts).is_ok() => {
                p.format_ts(&ts).map_err(bad)?
            }
            TimeFormat::Postgres => ts.clone(),
        };
        body.insert(c.ts.clone(), written.into());
        let seq = self
            .head
            .seq
            .checked_add(1)
            .ok_or_else(|| bad("the chain is full".into()))?;
        if let Some(name) = &c.seq {
            body.insert(name.clone(), seq.into());
        }
        body.insert(c.prev_hash.clone(), p.prev_value(&self.head.hash));
        body.insert(c.signer.clone(), self.signer_id.clone().into());
        // Placeholders of the right spelling: the hash input never includes
        // the hash or signature columns.
        body.insert(c.hash.clone(), p.encode_hash(&[0; 32]).into());
        body.insert(c.signature.clone(), p.encode_sig(&[0; 64]).into());
        let canon =
            canonical::canonicalize_value(&Value::Object(body.clone()), &Options::default())?;
        let view = p.read_row(&canon).map_err(|f| {
            bad(format!(
                "the row would not be valid under profile {}: {}",
                p.name, f.message
            ))
        })?;
        let at = view.at;
        if let Some(prev) = &self.head.ts {
            if at < Timestamp::parse(prev)? {
                return Err(Error::new(
                    ErrorCode::TsRegression,
                    format!("ts {} is before the head's {prev}", quote(&ts)),
                )
                .into());
            }
        }
        let input = p.hash_input(&view).into_owned();
        let hash = *digest::Digest::of(p.hash_alg, &input).as_bytes();
        let hash_text = p.encode_hash(&hash);
        let alg = p.signature_alg(self.alg);
        let message = p
            .signed_bytes(&input, &hash, &hash_text, &self.signer_id, alg)
            .ok_or_else(|| {
                bad(format!(
                    "signer id {} cannot sign an envelope",
                    quote(&self.signer_id)
                ))
            })?;
        drop(view);
        body.insert(c.hash.clone(), hash_text.into());
        body.remove(&c.signature);
        Ok(PreparedEvent {
            row: body,
            head: Head {
                hash,
                seq,
                // RFC 3339 whatever the column's format (heads are RFC 3339).
                ts: Some(match p.timestamp {
                    TimeFormat::Rfc3339 => ts,
                    TimeFormat::Postgres => at.to_string(),
                }),
            },
            prepared: envelope::Prepared::raw(alg, &self.signer_id, message),
        })
    }

    /// Attaches the signer's answer (verified against the expected key;
    /// fails closed) and advances the head; returns the row.
    pub fn attach(
        &mut self,
        prepared: PreparedEvent,
        signature: &[u8],
    ) -> Result<Row, crate::Error> {
        let entry = prepared.prepared.attach(signature, &self.key)?;
        let expected_prev = self.profile.prev_value(&self.head.hash);
        let follows = prepared.head.seq == self.head.seq.wrapping_add(1)
            && prepared.row.get(&self.profile.columns.prev_hash) == Some(&expected_prev);
        if !follows {
            return Err(Error::new(
                ErrorCode::InvalidEvent,
                "the prepared event no longer follows the head (another event was appended since)",
            )
            .into());
        }
        let mut row = prepared.row;
        row.insert(
            self.profile.columns.signature.clone(),
            self.profile.encode_sig(&entry.sig).into(),
        );
        let canon = canonical::canonicalize_value(&Value::Object(row), &Options::default())?;
        // The row reads back under its profile as it will be verified.
        let out = Row::read(&canon, &self.profile).map_err(|(_, m)| {
            Error::new(
                ErrorCode::InvalidEvent,
                format!("the row would not be valid: {m}"),
            )
        })?;
        self.head = prepared.head;
        Ok(out)
    }

    /// Prepares, signs with a local key and attaches.
    pub fn append(&mut self, body: EventBody, key: &SecretKey) -> Result<Row, crate::Error> {
        let prepared = self.prepare(body)?;
        self.sign_locally(prepared, key)
    }

    /// [`Self::prepare_row`], signed with a local key and attached.
    pub fn append_row(
        &mut self,
        body: Map<String, Value>,
        key: &SecretKey,
    ) -> Result<Row, crate::Error> {
        let prepared = self.prepare_row(body)?;
        self.sign_locally(prepared, key)
    }

    fn sign_locally(
        &mut self,
        prepared: PreparedEvent,
        key: &SecretKey,
    ) -> Result<Row, crate::Error> {
        let msg = prepared.message();
        let sig = match prepared.prepared.alg() {
            Algorithm::Ed25519 => crate::sign::sign(key, &msg),
            Algorithm::Ed25519ph => crate::sign::sign_prehashed_digest(key, &msg)?,
        };
        self.attach(prepared, &sig)
    }
}
