//! The streaming builder, the unsigned metadata and its signing (local or
//! remote, verified before any metadata exists).

use super::fields::{snapshot_id_problem, Fields, Range};
use super::*;
use crate::canonical::{self, Options as CanonOptions};
use crate::digest::Hasher;
use crate::envelope::{self, Algorithm};
use crate::keys::{PublicKey, SecretKey};
use crate::merkle::Frontier;
use crate::time::Timestamp;
use serde_json::{json, Map, Value};

/// Builds a snapshot from records fed one at a time.
#[derive(Debug)]
pub struct SnapshotBuilder {
    options: SnapshotOptions,
    fields: Fields,
    hasher: Hasher,
    tree: Frontier,
    count: u64,
    range: Range,
    line: Vec<u8>,
}

impl SnapshotBuilder {
    /// A builder (see [`SnapshotOptions`]).
    pub fn new(options: SnapshotOptions) -> Self {
        SnapshotBuilder {
            fields: Fields::new(&options.trace_id, &options.ts),
            hasher: Hasher::new(options.hash_alg),
            tree: Frontier::new(),
            count: 0,
            range: Range::default(),
            line: Vec::new(),
            options,
        }
    }

    /// Adds a record given as JSON text and returns its line (canonical
    /// JSON and `\n`) to write to the batch.
    pub fn push_text(&mut self, record: &[u8]) -> Result<&[u8], crate::Error> {
        let spans = self.fields.canonicalize(record, &mut self.line)?;
        self.add(spans)
    }

    /// Adds a record given as a value.
    pub fn push_value(&mut self, record: &Value) -> Result<&[u8], crate::Error> {
        self.line = canonical::canonicalize_value(record, &CanonOptions::default())?;
        let spans = self.fields.spans(&self.line);
        self.add(spans)
    }

    fn add(&mut self, spans: [Option<(usize, usize)>; 2]) -> Result<&[u8], crate::Error> {
        Fields::read(&self.line, spans, &mut self.range).map_err(|m| {
            Error::new(
                ErrorCode::InvalidRecord,
                format!("record {}: {m}", self.count + 1),
            )
        })?;
        self.tree.push_data(&self.line);
        self.line.push(b'\n');
        self.hasher.update(&self.line);
        self.count += 1;
        Ok(&self.line)
    }

    /// Records added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Ends the batch: the metadata to sign, under `snapshot_id` (1-128
    /// characters without control characters) at `ts` (RFC 3339 UTC).
    ///
    /// The builder is kept: a refused id or time can be corrected and
    /// `finish` called again (the records streamed so far are not lost), and
    /// more records may follow for a later snapshot of the same stream.
    pub fn finish(&self, snapshot_id: &str, ts: &str) -> Result<UnsignedSnapshot, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidSnapshot, m);
        if let Some(m) = snapshot_id_problem(snapshot_id) {
            return Err(bad(m.into()).into());
        }
        Timestamp::parse(ts)?;
        if self.count == 0 {
            return Err(bad("a snapshot has at least one record".into()).into());
        }
        let mut meta = Map::new();
        meta.insert("type".into(), SNAPSHOT_TYPE.into());
        meta.insert("snapshot_id".into(), snapshot_id.into());
        meta.insert("trace_range".into(), self.range.to_value());
        meta.insert(
            "hash".into(),
            self.hasher.clone().finish().to_string().into(),
        );
        meta.insert(
            "merkle_root".into(),
            format!("sha256:{}", hex::encode(self.tree.root())).into(),
        );
        meta.insert("records".into(), self.count.into());
        meta.insert(
            "fields".into(),
            json!({"trace_id": self.options.trace_id, "ts": self.options.ts}),
        );
        meta.insert("ts".into(), ts.into());
        Ok(UnsignedSnapshot { meta })
    }
}

/// A snapshot's metadata before it is signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedSnapshot {
    meta: Map<String, Value>,
}

pub(super) fn signing_input(
    meta: &Map<String, Value>,
    signer: &str,
    alg: Algorithm,
) -> Result<Vec<u8>, crate::Error> {
    let payload =
        canonical::canonicalize_value(&Value::Object(meta.clone()), &CanonOptions::default())?;
    Ok(envelope::signing_input(
        SNAPSHOT_KIND,
        &payload,
        alg,
        signer,
    )?)
}

impl UnsignedSnapshot {
    /// The metadata so far (without `signer_kid`, `alg`, `signature`).
    pub fn to_value(&self) -> Value {
        Value::Object(self.meta.clone())
    }

    /// Prepares the bytes a (remote) signer must sign as `signer_kid`.
    pub fn prepare(
        &self,
        signer_kid: &str,
        alg: Algorithm,
    ) -> Result<PreparedSnapshot, crate::Error> {
        let mut meta = self.meta.clone();
        meta.insert("signer_kid".into(), signer_kid.into());
        meta.insert("alg".into(), alg.name().into());
        let input = signing_input(&meta, signer_kid, alg)?;
        Ok(PreparedSnapshot {
            prepared: envelope::Prepared::raw(alg, signer_kid, input),
            meta,
        })
    }

    /// Signs with a local key.
    pub fn sign(
        &self,
        key: &SecretKey,
        signer_kid: &str,
        alg: Algorithm,
    ) -> Result<Snapshot, crate::Error> {
        let p = self.prepare(signer_kid, alg)?;
        let msg = p.message();
        let sig = match alg {
            Algorithm::Ed25519 => crate::sign::sign(key, &msg),
            Algorithm::Ed25519ph => crate::sign::sign_prehashed_digest(key, &msg)?,
        };
        p.attach(&sig, &key.public_key())
    }
}

/// Snapshot metadata prepared for a (remote) signer.
#[derive(Clone, Debug)]
pub struct PreparedSnapshot {
    meta: Map<String, Value>,
    prepared: envelope::Prepared,
}

impl PreparedSnapshot {
    /// What the signer must sign (for `ed25519ph`: the SHA-512 of the
    /// signing input, as KMS `DIGEST` mode takes it).
    pub fn message(&self) -> Vec<u8> {
        self.prepared.message()
    }

    /// Attaches the signer's answer after checking it under `expected` (the
    /// registered key): a wrong or failed answer gives no metadata at all.
    pub fn attach(self, signature: &[u8], expected: &PublicKey) -> Result<Snapshot, crate::Error> {
        let entry = self
            .prepared
            .attach(signature, expected)
            .map_err(|e| Error::new(ErrorCode::RemoteSignatureInvalid, e.message().to_string()))?;
        let mut meta = self.meta;
        meta.insert(
            "signature".into(),
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, entry.sig).into(),
        );
        Ok(Snapshot { meta })
    }
}
