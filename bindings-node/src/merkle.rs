//! Merkle trees over the audit chain (RFC 6962 / RFC 9162), inclusion and
//! consistency proofs, the streaming frontier, and C2SP checkpoints in
//! signed notes.
//!
//! Conversion and error mapping only: every rule is in `trustcore::merkle`.
//! Hashes are 32-byte `Uint8Array`s in and `Buffer`s out. Sizes and
//! indices are taken as a non-negative safe integer `number` (≤ 2^53 − 1)
//! or a `bigint` (≤ 2^64 − 1; the core refuses sizes beyond 2^63 − 1 with
//! its own codes); anything else is a `TypeError` `invalid_argument`. Sizes
//! come back through the one JSON-to-JS rule (`crate::Json`): a number when
//! it is exact, a `bigint` otherwise (2^63 − 1 is `9223372036854775807n`,
//! never a rounded number). Opened checkpoints and chain statuses are the
//! core's values (`to_value_named`), with roots as hex.

use crate::signing::{
    ask_remote_signer, bytes_arg, class_arg, outcome_signature, signer_tsfn, string_arg, PublicKey,
    SecretKey,
};
use crate::{
    array_items, describe, invalid_argument, is_nullish, js_to_json, text_arg, type_of,
    utf16_units, Json, OrThrow, Text, NAMING,
};
use napi::bindgen_prelude::{
    BigInt, Buffer, FromNapiValue, JavaScriptClassExt, JsObjectValue, JsValue, Object, PromiseRaw,
    Unknown,
};
use napi::{Env, ValueType};
use napi_derive::napi;
use trustcore::merkle as tc;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// A size or index: a safe non-negative integer number, or a bigint that
/// fits in 64 bits.
pub(crate) fn size_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<u64> {
    match type_of(value)? {
        ValueType::Number => {
            let n = f64::from_unknown(value)?;
            if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) {
                return Ok(n as u64);
            }
            Err(invalid_argument(
                env,
                format!("{what} must be a non-negative safe integer (at most 2^53 - 1; use a bigint beyond), got {n}"),
            ))
        }
        ValueType::BigInt => {
            // SAFETY: a live value of this call, of type bigint.
            let big = unsafe { BigInt::from_napi_value(env.raw(), value.raw())? };
            let (negative, n, lossless) = big.get_u64();
            if !negative && lossless {
                return Ok(n);
            }
            Err(invalid_argument(
                env,
                format!("{what} must be a bigint from 0 to 2^64 - 1"),
            ))
        }
        _ => Err(invalid_argument(
            env,
            format!(
                "{what} must be a non-negative integer (number or bigint), got {}",
                describe(value)
            ),
        )),
    }
}

/// A 32-byte hash.
fn hash_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<tc::Hash> {
    let bytes = bytes_arg(env, value, what)?;
    <[u8; 32]>::try_from(&bytes[..])
        .map_err(|_| invalid_argument(env, format!("{what} must be 32 bytes, got {}", bytes.len())))
}

/// An array of 32-byte hashes.
pub(crate) fn hashes_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<tc::Hash>> {
    array_items(env, value, what, |env, item, i| {
        hash_arg(env, item, &format!("{what}[{i}]"))
    })
}

fn buffers(hashes: &[tc::Hash]) -> Vec<Buffer> {
    hashes.iter().map(|h| h.to_vec().into()).collect()
}

/// Note text as bytes: a JS string as its UTF-16 code units (WTF-8), so a
/// lone surrogate is the core's `invalid_utf8` at its byte offset.
pub(crate) fn note_bytes(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<Vec<u8>> {
    match text_arg(env, value, what)? {
        Text::Bytes(b) => Ok(b.to_vec()),
        Text::Str(s) => Ok(trustcore::canonical::wtf8_from_utf16(&utf16_units(s)?)),
    }
}

// ---------------------------------------------------------------------------
// Hashing and proofs
// ---------------------------------------------------------------------------

/// The leaf hash of leaf data (an event's 32-byte hash): `SHA-256(0x00 ||
/// data)` (Go: `tlog.RecordHash`).
#[napi(
    js_name = "leafHash",
    ts_args_type = "data: Uint8Array",
    ts_return_type = "Buffer"
)]
pub fn leaf_hash(env: &Env, data: Unknown<'_>) -> napi::Result<Buffer> {
    let data = bytes_arg(env, data, "data")?;
    Ok(tc::leaf_hash(&data).to_vec().into())
}

/// The interior node hash `SHA-256(0x01 || left || right)`.
#[napi(
    js_name = "nodeHash",
    ts_args_type = "left: Uint8Array, right: Uint8Array",
    ts_return_type = "Buffer"
)]
pub fn node_hash(env: &Env, left: Unknown<'_>, right: Unknown<'_>) -> napi::Result<Buffer> {
    let l = hash_arg(env, left, "left")?;
    let r = hash_arg(env, right, "right")?;
    Ok(tc::node_hash(&l, &r).to_vec().into())
}

/// Verifies that `leafHash` is leaf `index` of the tree of `size` leaves
/// with root `root`. Returns `true`, or throws `MerkleError`:
/// `index_out_of_range`, `invalid_tree_size`, `invalid_proof` (wrong
/// number of hashes), `root_mismatch`.
#[napi(
    js_name = "verifyInclusion",
    ts_args_type = "leafHash: Uint8Array, index: number | bigint, size: number | bigint, proof: Uint8Array[], root: Uint8Array"
)]
pub fn verify_inclusion(
    env: &Env,
    leaf_hash: Unknown<'_>,
    index: Unknown<'_>,
    size: Unknown<'_>,
    proof: Unknown<'_>,
    root: Unknown<'_>,
) -> napi::Result<bool> {
    let leaf = hash_arg(env, leaf_hash, "leafHash")?;
    let index = size_arg(env, index, "index")?;
    let size = size_arg(env, size, "size")?;
    let proof = hashes_arg(env, proof, "proof")?;
    let root = hash_arg(env, root, "root")?;
    tc::verify_inclusion(&leaf, index, size, &proof, &root)
        .map(|()| true)
        .or_throw(env)
}

/// Verifies that the tree of `oldSize` leaves with `oldRoot` is a prefix of
/// the tree of `newSize` leaves with `newRoot`. Returns `true`, or throws
/// `MerkleError` (`invalid_tree_size` for `oldSize` 0 or above `newSize`,
/// `invalid_proof`, `root_mismatch`).
#[napi(
    js_name = "verifyConsistency",
    ts_args_type = "oldSize: number | bigint, newSize: number | bigint, oldRoot: Uint8Array, newRoot: Uint8Array, proof: Uint8Array[]"
)]
pub fn verify_consistency(
    env: &Env,
    old_size: Unknown<'_>,
    new_size: Unknown<'_>,
    old_root: Unknown<'_>,
    new_root: Unknown<'_>,
    proof: Unknown<'_>,
) -> napi::Result<bool> {
    let old_size = size_arg(env, old_size, "oldSize")?;
    let new_size = size_arg(env, new_size, "newSize")?;
    let old_root = hash_arg(env, old_root, "oldRoot")?;
    let new_root = hash_arg(env, new_root, "newRoot")?;
    let proof = hashes_arg(env, proof, "proof")?;
    tc::verify_consistency(old_size, new_size, &old_root, &new_root, &proof)
        .map(|()| true)
        .or_throw(env)
}

/// An in-memory Merkle tree (every level kept): roots at any size and
/// proofs, for a log holder.
#[napi]
pub struct MerkleTree {
    inner: tc::Tree,
}

#[napi]
impl MerkleTree {
    /// An empty tree.
    #[napi(constructor)]
    pub fn new() -> Self {
        MerkleTree {
            inner: tc::Tree::new(),
        }
    }

    /// A tree over leaf data (e.g. each event's 32-byte hash, in chain order).
    #[napi(ts_args_type = "leafData: Uint8Array[]")]
    pub fn from_leaf_data(env: &Env, leaf_data: Unknown<'_>) -> napi::Result<MerkleTree> {
        let data = array_items(env, leaf_data, "leafData", |env, item, i| {
            bytes_arg(env, item, &format!("leafData[{i}]")).map(|b| b.to_vec())
        })?;
        Ok(MerkleTree {
            inner: tc::Tree::from_leaf_data(&data),
        })
    }

    /// Appends one leaf given by its data.
    #[napi(ts_args_type = "data: Uint8Array")]
    pub fn push(&mut self, env: &Env, data: Unknown<'_>) -> napi::Result<()> {
        let data = bytes_arg(env, data, "data")?;
        self.inner.push(&data);
        Ok(())
    }

    /// The number of leaves (a number: an in-memory tree cannot reach
    /// 2^53 leaves).
    #[napi(getter, ts_return_type = "number")]
    pub fn size(&self) -> Json {
        Json(self.inner.size().into())
    }

    /// The root of the whole tree (`SHA-256("")` when empty).
    #[napi(ts_return_type = "Buffer")]
    pub fn root(&self) -> Buffer {
        self.inner.root().to_vec().into()
    }

    /// The root of the first `size` leaves.
    #[napi(ts_args_type = "size: number | bigint", ts_return_type = "Buffer")]
    pub fn root_at(&self, env: &Env, size: Unknown<'_>) -> napi::Result<Buffer> {
        let size = size_arg(env, size, "size")?;
        Ok(self.inner.root_at(size).or_throw(env)?.to_vec().into())
    }

    /// The leaf hashes, in order.
    #[napi(ts_return_type = "Buffer[]")]
    pub fn leaf_hashes(&self) -> Vec<Buffer> {
        buffers(self.inner.leaf_hashes())
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size`
    /// leaves (RFC 9162 order, what Go's `tlog.ProveRecord` gives).
    #[napi(
        ts_args_type = "index: number | bigint, size: number | bigint",
        ts_return_type = "Buffer[]"
    )]
    pub fn inclusion_proof(
        &self,
        env: &Env,
        index: Unknown<'_>,
        size: Unknown<'_>,
    ) -> napi::Result<Vec<Buffer>> {
        let index = size_arg(env, index, "index")?;
        let size = size_arg(env, size, "size")?;
        Ok(buffers(
            &self.inner.inclusion_proof(index, size).or_throw(env)?,
        ))
    }

    /// The consistency proof from the first `oldSize` leaves to the first
    /// `newSize` (Go's `tlog.ProveTree`).
    #[napi(
        ts_args_type = "oldSize: number | bigint, newSize: number | bigint",
        ts_return_type = "Buffer[]"
    )]
    pub fn consistency_proof(
        &self,
        env: &Env,
        old_size: Unknown<'_>,
        new_size: Unknown<'_>,
    ) -> napi::Result<Vec<Buffer>> {
        let old_size = size_arg(env, old_size, "oldSize")?;
        let new_size = size_arg(env, new_size, "newSize")?;
        Ok(buffers(
            &self
                .inner
                .consistency_proof(old_size, new_size)
                .or_throw(env)?,
        ))
    }
}

impl Default for MerkleTree {
    fn default() -> Self {
        Self::new()
    }
}

/// The right edge of a Merkle tree: the root of a stream of leaves in
/// O(log n) memory (at most 63 hashes).
#[napi]
pub struct Frontier {
    pub(crate) inner: tc::Frontier,
}

#[napi]
impl Frontier {
    /// The frontier of the empty tree.
    #[napi(constructor)]
    pub fn new() -> Self {
        Frontier {
            inner: tc::Frontier::new(),
        }
    }

    /// Resumes from a saved `size` and `hashes()`. `MerkleError` when they
    /// do not fit together.
    #[napi(ts_args_type = "size: number | bigint, hashes: Uint8Array[]")]
    pub fn from_parts(env: &Env, size: Unknown<'_>, hashes: Unknown<'_>) -> napi::Result<Frontier> {
        let size = size_arg(env, size, "size")?;
        let hashes = hashes_arg(env, hashes, "hashes")?;
        tc::Frontier::from_parts(size, &hashes)
            .map(|inner| Frontier { inner })
            .or_throw(env)
    }

    /// Appends a leaf given by its leaf hash.
    #[napi(ts_args_type = "leafHash: Uint8Array")]
    pub fn push(&mut self, env: &Env, leaf_hash: Unknown<'_>) -> napi::Result<()> {
        let h = hash_arg(env, leaf_hash, "leafHash")?;
        self.inner.push(h).or_throw(env)
    }

    /// Appends a leaf given by its data (hashes it first).
    #[napi(ts_args_type = "data: Uint8Array")]
    pub fn push_data(&mut self, env: &Env, data: Unknown<'_>) -> napi::Result<()> {
        let data = bytes_arg(env, data, "data")?;
        self.inner.push_data(&data);
        Ok(())
    }

    /// The number of leaves: a number, or a `bigint` beyond what a number
    /// holds exactly (a frontier resumed at 2^63 − 1).
    #[napi(getter, ts_return_type = "number | bigint")]
    pub fn size(&self) -> Json {
        Json(self.inner.size().into())
    }

    /// The root of the leaves so far.
    #[napi(ts_return_type = "Buffer")]
    pub fn root(&self) -> Buffer {
        self.inner.root().to_vec().into()
    }

    /// The subtree roots, largest first (save them with `size`).
    #[napi(ts_return_type = "Buffer[]")]
    pub fn hashes(&self) -> Vec<Buffer> {
        buffers(self.inner.hashes())
    }
}

impl Default for Frontier {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------------------
// Checkpoints and signed notes
// ---------------------------------------------------------------------------

/// A verifier key (Go's `vkey`): `<name>+<8 hex key hash>+<base64(0x01 ||
/// public key)>`.
#[napi]
pub struct VerifierKey {
    inner: tc::VerifierKey,
}

#[napi]
impl VerifierKey {
    /// The verifier key of `publicKey` under the key name `name`
    /// (`MerkleError` `invalid_key_name`; weak keys are refused).
    #[napi(ts_args_type = "name: string, publicKey: PublicKey")]
    pub fn create(
        env: &Env,
        name: Unknown<'_>,
        public_key: Unknown<'_>,
    ) -> napi::Result<VerifierKey> {
        let name = string_arg(env, name, "name")?;
        let key = class_arg::<PublicKey>(env, public_key, "publicKey")?.inner;
        tc::VerifierKey::new(&name, key)
            .map(|inner| VerifierKey { inner })
            .or_throw(env)
    }

    /// Parses a vkey (`MerkleError` with `code` and `offset`:
    /// `invalid_verifier_key`, `key_hash_mismatch`, `unsupported_key_type`,
    /// ...).
    #[napi(ts_args_type = "vkey: string")]
    pub fn parse(env: &Env, vkey: Unknown<'_>) -> napi::Result<VerifierKey> {
        let text = string_arg(env, vkey, "vkey")?;
        tc::VerifierKey::parse(&text)
            .map(|inner| VerifierKey { inner })
            .or_throw(env)
    }

    /// The key name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The key hash, 8 lowercase hex digits.
    #[napi(getter)]
    pub fn key_hash(&self) -> String {
        format!("{:08x}", self.inner.key_hash())
    }

    /// The Ed25519 public key.
    #[napi(getter)]
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: *self.inner.public_key(),
        }
    }

    /// The vkey text.
    #[napi]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        self.inner.to_string()
    }

    /// `JSON.stringify` writes the vkey text.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.inner.to_string()
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!("VerifierKey({})", self.inner)
    }
}

/// One signer of a checkpoint: a key name and a local secret key.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CheckpointSigner {
    /// The key name (usually the log's origin).
    pub name: String,
    /// The secret key.
    #[napi(ts_type = "SecretKey")]
    pub secret_key: crate::Json,
}

/// A C2SP tlog checkpoint: origin, tree size, root hash (and optional
/// extension lines).
#[napi]
pub struct Checkpoint {
    inner: tc::Checkpoint,
}

#[napi]
impl Checkpoint {
    /// A checkpoint for the tree of `size` leaves with root `root` issued by
    /// the log `origin` (`MerkleError` `invalid_origin`,
    /// `malformed_tree_size`, `malformed_checkpoint` for a bad extension).
    #[napi(
        ts_args_type = "origin: string, size: number | bigint, root: Uint8Array, extensions?: string[]"
    )]
    pub fn create(
        env: &Env,
        origin: Unknown<'_>,
        size: Unknown<'_>,
        root: Unknown<'_>,
        extensions: Option<Unknown<'_>>,
    ) -> napi::Result<Checkpoint> {
        let origin = string_arg(env, origin, "origin")?;
        let size = size_arg(env, size, "size")?;
        let root = hash_arg(env, root, "root")?;
        let mut cp = tc::Checkpoint::new(&origin, size, root).or_throw(env)?;
        if let Some(ext) = extensions {
            if !is_nullish(ext)? {
                let lines = array_items(env, ext, "extensions", |env, item, i| {
                    string_arg(env, item, &format!("extensions[{i}]"))
                })?;
                for line in lines {
                    cp = cp.with_extension(&line).or_throw(env)?;
                }
            }
        }
        Ok(Checkpoint { inner: cp })
    }

    /// Parses a checkpoint body (unsigned text; to verify a signed note use
    /// `openCheckpoint`).
    #[napi(ts_args_type = "text: string")]
    pub fn parse(env: &Env, text: Unknown<'_>) -> napi::Result<Checkpoint> {
        let text = string_arg(env, text, "text")?;
        tc::Checkpoint::parse(&text)
            .map(|inner| Checkpoint { inner })
            .or_throw(env)
    }

    /// The log's origin line.
    #[napi(getter)]
    pub fn origin(&self) -> String {
        self.inner.origin().to_owned()
    }

    /// The tree size: a number, or a `bigint` beyond what a number holds
    /// exactly (up to 2^63 − 1).
    #[napi(getter, ts_return_type = "number | bigint")]
    pub fn size(&self) -> Json {
        Json(self.inner.size().into())
    }

    /// The root hash.
    #[napi(getter, ts_return_type = "Buffer")]
    pub fn root(&self) -> Buffer {
        self.inner.root().to_vec().into()
    }

    /// The extension lines.
    #[napi(getter)]
    pub fn extensions(&self) -> Vec<String> {
        self.inner.extensions().to_vec()
    }

    /// The checkpoint text (the note body, ending in a newline).
    #[napi]
    pub fn to_text(&self) -> String {
        self.inner.to_text()
    }

    /// Signs with local keys (e.g. the old and the new key during a
    /// rotation) and returns the signed note text.
    #[napi(ts_args_type = "signers: CheckpointSigner[]")]
    pub fn sign(&self, env: &Env, signers: Unknown<'_>) -> napi::Result<String> {
        let list = array_items(env, signers, "signers", |env, item, i| {
            if type_of(item)? != ValueType::Object {
                return Err(invalid_argument(
                    env,
                    format!(
                        "signers[{i}] must be {{name, secretKey}}, got {}",
                        describe(item)
                    ),
                ));
            }
            let obj = Object::from_unknown(item)?;
            let name: Unknown<'_> = obj.get_named_property("name")?;
            let name = string_arg(env, name, &format!("signers[{i}].name"))?;
            let key: Unknown<'_> = obj.get_named_property("secretKey")?;
            let key = class_arg::<SecretKey>(env, key, &format!("signers[{i}].secretKey"))?;
            Ok((name, key.inner.clone()))
        })?;
        let refs: Vec<(&str, &trustcore::keys::SecretKey)> =
            list.iter().map(|(n, k)| (n.as_str(), k)).collect();
        Ok(self.inner.sign(&refs).or_throw(env)?.to_text())
    }

    /// Signs through a remote signer (a KMS, HSM or signing proxy):
    /// `signerFn(message)` gets exactly the checkpoint text and returns (or
    /// resolves to) the 64-byte Ed25519 signature, which must verify under
    /// `verifierKey` before its line is added (else `MerkleError`
    /// `remote_signature_invalid`). `note` continues a note of this
    /// checkpoint already signed by other keys (a rotation: old and new key;
    /// a note of another checkpoint is `MerkleError` `prepared_mismatch`).
    /// Resolves to the signed note text; a signer that throws or rejects is
    /// `EnvelopeError` `remote_signer_failed` with the error as `cause`.
    #[napi(
        ts_args_type = "verifierKey: VerifierKey, signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>, note?: string | Uint8Array",
        ts_return_type = "Promise<string>"
    )]
    pub fn sign_with<'e>(
        &self,
        env: &'e Env,
        verifier_key: Unknown<'_>,
        signer_fn: Unknown<'_>,
        note: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'e, String>> {
        let vkey = class_arg::<VerifierKey>(env, verifier_key, "verifierKey")?
            .inner
            .clone();
        let tsfn = signer_tsfn(env, signer_fn)?;
        let mut n = match note {
            Some(text) if type_of(text)? != ValueType::Undefined => self
                .inner
                .continue_note(&note_bytes(env, text, "note")?)
                .or_throw(env)?,
            _ => self.inner.to_note().or_throw(env)?,
        };
        let prepared = n.prepare(&vkey);
        let message = prepared.message().to_vec();
        let name = vkey.name().to_owned();
        env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
            let sig = outcome_signature(env, &name, outcome)?;
            n.attach(&prepared, &sig)
                .map_err(|err| crate::reject_core(env, err.into()))?;
            Ok(n.to_text())
        })
    }

    /// What `util.inspect` shows.
    #[napi(symbol_for = "nodejs.util.inspect.custom", skip_typescript)]
    pub fn inspect(&self) -> String {
        format!(
            "Checkpoint {{ origin: {:?}, size: {} }}",
            self.inner.origin(),
            self.inner.size()
        )
    }
}

/// A signature line of a key not in the trusted set.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct UnknownSigner {
    /// Its key name.
    pub name: String,
    /// Its key hash, 8 lowercase hex digits.
    pub key_hash: String,
}

/// A checkpoint body as a value: the opened checkpoint's `checkpoint`
/// (the root as 64 lowercase hex digits, like every root in the chain's
/// reports; pass it as `VerifyOptions.checkpoint` or to
/// `checkAgainstCheckpoint`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CheckpointValue {
    /// The log's origin line.
    pub origin: String,
    /// The tree size (a `bigint` beyond what a number holds exactly).
    #[napi(ts_type = "number | bigint")]
    pub size: Json,
    /// The root hash, 64 lowercase hex digits.
    pub root: String,
    /// The extension lines.
    pub extensions: Vec<String>,
}

/// A signed checkpoint whose note verified (`OpenedCheckpoint::to_value_named`
/// of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct OpenedCheckpoint {
    /// The checkpoint body.
    pub checkpoint: CheckpointValue,
    /// The trusted keys whose signatures verified (vkey text, line order).
    pub signers: Vec<String>,
    /// Signature lines of keys not trusted (ignored).
    pub unknown: Vec<UnknownSigner>,
}

/// Parses a signed checkpoint note (untrusted text or bytes), verifies it
/// against the trusted verifier keys as Go's `note.Open` does, and only
/// then parses the body. `MerkleError` with `code` and `offset`
/// (`invalid_signature`, `no_trusted_signature`, `ambiguous_key`,
/// `malformed_signature_line`, `invalid_utf8`, ...).
#[napi(
    js_name = "openCheckpoint",
    ts_args_type = "note: string | Uint8Array, verifierKeys: VerifierKey[]",
    ts_return_type = "OpenedCheckpoint"
)]
pub fn open_checkpoint(
    env: &Env,
    note: Unknown<'_>,
    verifier_keys: Unknown<'_>,
) -> napi::Result<Json> {
    let msg = note_bytes(env, note, "note")?;
    let keys = verifier_keys_arg(env, verifier_keys, "verifierKeys")?;
    let opened = tc::open_checkpoint(&msg, &keys).or_throw(env)?;
    Ok(Json(opened.to_value_named(NAMING)))
}

/// `VerifierKey[]` as the core's keys.
pub(crate) fn verifier_keys_arg(
    env: &Env,
    value: Unknown<'_>,
    what: &str,
) -> napi::Result<Vec<tc::VerifierKey>> {
    array_items(env, value, what, |env, item, i| {
        class_arg::<VerifierKey>(env, item, &format!("{what}[{i}]")).map(|k| k.inner.clone())
    })
}

/// How a chain (its frontier) stands against a checkpoint
/// (`ChainStatus::to_value` of the core).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CheckpointStatus {
    /// `consistent`; `truncated` (the chain is shorter); `root_mismatch`
    /// (rewritten or forked); `needs_proof` (the chain is longer: check when
    /// the frontier reaches the checkpoint's size, or use a consistency
    /// proof).
    #[napi(ts_type = "'consistent' | 'truncated' | 'root_mismatch' | 'needs_proof'")]
    pub status: String,
    /// Leaves in the chain.
    #[napi(ts_type = "number | bigint")]
    pub chain_size: Json,
    /// Leaves the checkpoint commits to.
    #[napi(ts_type = "number | bigint")]
    pub checkpoint_size: Json,
}

/// A checkpoint argument: a `Checkpoint`, or a checkpoint value (an opened
/// checkpoint's `checkpoint`: `{origin, size, root}` with the root in hex,
/// read by the core's tree-head reader).
fn checkpoint_arg(env: &Env, value: Unknown<'_>) -> napi::Result<tc::Checkpoint> {
    if type_of(value)? == ValueType::Object && Checkpoint::instance_of(env, &value)? {
        return Ok(class_arg::<Checkpoint>(env, value, "checkpoint")?
            .inner
            .clone());
    }
    if type_of(value)? != ValueType::Object || value.is_array()? {
        return Err(invalid_argument(
            env,
            format!(
                "checkpoint must be a Checkpoint or an opened checkpoint's checkpoint {{origin, size, root}}, got {}",
                describe(value)
            ),
        ));
    }
    // Member by member: the size may be a bigint (as `openCheckpoint` hands
    // out sizes beyond 2^53 - 1), which the value rules refuse.
    let obj = Object::from_unknown(value)?;
    let size: Unknown<'_> = obj.get_named_property("size")?;
    let size = size_arg(env, size, "checkpoint.size")?;
    let root: Unknown<'_> = obj.get_named_property("root")?;
    let root = js_to_json(env, root)?;
    let head =
        trustcore::chain::TreeHead::from_value(&serde_json::json!({ "size": size, "root": root }))
            .or_throw(env)?;
    let origin: Unknown<'_> = obj.get_named_property("origin")?;
    let origin = string_arg(env, origin, "checkpoint.origin")?;
    tc::Checkpoint::new(&origin, head.size, head.root).or_throw(env)
}

/// Compares a chain, summarized by its frontier, with a checkpoint (a
/// `Checkpoint`, or an opened checkpoint's `checkpoint`).
#[napi(
    js_name = "checkAgainstCheckpoint",
    ts_args_type = "checkpoint: Checkpoint | CheckpointValue, frontier: Frontier",
    ts_return_type = "CheckpointStatus"
)]
pub fn check_against_checkpoint(
    env: &Env,
    checkpoint: Unknown<'_>,
    frontier: Unknown<'_>,
) -> napi::Result<Json> {
    let cp = checkpoint_arg(env, checkpoint)?;
    let f = class_arg::<Frontier>(env, frontier, "frontier")?;
    let status = tc::check_against_checkpoint(&cp, &f.inner);
    Ok(Json(
        NAMING.rename(status.to_value(f.inner.size(), cp.size()), &[]),
    ))
}

factory_only!(VerifierKey, "VerifierKey.create or VerifierKey.parse");
factory_only!(Checkpoint, "Checkpoint.create or Checkpoint.parse");
