//! Merkle trees over the audit chain (RFC 6962 / RFC 9162), inclusion and
//! consistency proofs, and signed C2SP checkpoints: what the control panel
//! needs to check one event against a signed checkpoint without the rest
//! of the chain.
//!
//! Conversion and error mapping only: every rule is in `trustcore::merkle`,
//! and the opened checkpoint is the core's `OpenedCheckpoint::
//! to_value_named(Camel)`. Hashes come in as 32-byte `Uint8Array`s or 64
//! lowercase hex digits and go out as `Uint8Array`s (the opened
//! checkpoint's `root` is hex, as in the chain report). Sizes and indices
//! are a non-negative safe integer `number` (≤ 2^53 − 1) or a `bigint`
//! (≤ 2^64 − 1; the core refuses sizes beyond 2^63 − 1 with its own codes);
//! anything else is a `TypeError` `invalid_argument`. There is no
//! checkpoint signing here (no secret keys in the browser module, see
//! `signing.rs`).

use crate::signing::{bytes_out, json_arg, string_arg, PublicKey};
use crate::{
    array_items, describe, invalid_argument, is_revoked_proxy, read_string, reflect_get, to_js,
    uint8_bytes, JsText, OrThrow, NAMING,
};
use js_sys::{Array, JsString, Uint8Array};
use trustcore::merkle as tc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_MERKLE: &'static str = r#"
/** A 32-byte hash: bytes, or 64 lowercase hex digits. */
export type HashInput = Uint8Array | string;

/** A tree size or leaf index: a safe integer, or a bigint. */
export type SizeInput = number | bigint;

/** A signature line of a key that is not trusted (ignored). */
export interface UnknownNoteSigner {
  /** Its key name. */
  name: string;
  /** Its key hash, 8 lowercase hex digits. */
  keyHash: string;
}

/** The body of a checkpoint (its signed note's text). */
export interface CheckpointBody {
  /** The log's origin line. */
  origin: string;
  /** The tree size it commits to (a `bigint` beyond 2^53 − 1). */
  size: ReportInteger;
  /** The root hash, 64 lowercase hex digits. */
  root: string;
  /** Extension lines (usually none). */
  extensions: string[];
}

/** A signed checkpoint whose note verified against the trusted keys (the core's `OpenedCheckpoint`). */
export interface OpenedCheckpoint {
  /** What it commits to. */
  checkpoint: CheckpointBody;
  /** The trusted keys whose signatures verified (vkey text, line order). */
  signers: string[];
  /** Signature lines of keys not trusted (ignored, as the spec requires). */
  unknown: UnknownNoteSigner[];
}
"#;

// ---------------------------------------------------------------------------
// Argument conversion
// ---------------------------------------------------------------------------

/// A size or index: a safe non-negative integer number, or a bigint that
/// fits in 64 bits.
pub(crate) fn size_arg(value: &JsValue, what: &str) -> Result<u64, JsValue> {
    if let Some(n) = value.as_f64() {
        if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) {
            return Ok(n as u64);
        }
        return Err(invalid_argument(format!(
            "{what} must be a non-negative safe integer (at most 2^53 - 1; use a bigint beyond), got {n}"
        )));
    }
    if value.is_bigint() {
        return u64::try_from(value.clone())
            .map_err(|_| invalid_argument(format!("{what} must be a bigint from 0 to 2^64 - 1")));
    }
    Err(invalid_argument(format!(
        "{what} must be a non-negative integer (number or bigint), got {}",
        describe(value)
    )))
}

/// A 32-byte hash: a `Uint8Array` of 32 bytes or 64 lowercase hex digits.
pub(crate) fn hash_arg(value: &JsValue, what: &str) -> Result<tc::Hash, JsValue> {
    if let Some(bytes) = uint8_bytes(value, what) {
        let v = bytes?;
        return <[u8; 32]>::try_from(v.as_slice())
            .map_err(|_| invalid_argument(format!("{what} must be 32 bytes, got {}", v.len())));
    }
    if let Some(s) = value.dyn_ref::<JsString>() {
        // A string of any other length is refused without reading it.
        let hash = if s.length() == 64 {
            match read_string(s, what)? {
                JsText::Str(t) => hex32(&t),
                JsText::Utf16(_) => None,
            }
        } else {
            None
        };
        return hash.ok_or_else(|| {
            let head = String::from_utf16_lossy(&s.slice(0, 80).iter().collect::<Vec<u16>>());
            invalid_argument(format!(
                "{what} must be 64 lowercase hex digits (or 32 bytes), got {} ({} characters)",
                trustcore::text::quote(&head),
                s.length()
            ))
        });
    }
    Err(invalid_argument(format!(
        "{what} must be a Uint8Array of 32 bytes or 64 lowercase hex digits, got {}",
        describe(value)
    )))
}

fn hex32(s: &str) -> Option<tc::Hash> {
    if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Leaf data: bytes, or lowercase hex of any even length.
fn data_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(bytes) = uint8_bytes(value, what) {
        return bytes;
    }
    if let Some(s) = value.dyn_ref::<JsString>() {
        if let JsText::Str(s) = read_string(s, what)? {
            if s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                if let Ok(bytes) = hex::decode(&s) {
                    return Ok(bytes);
                }
            }
        }
        return Err(invalid_argument(format!(
            "{what} given as a string must be lowercase hex of whole bytes"
        )));
    }
    Err(invalid_argument(format!(
        "{what} must be a Uint8Array or lowercase hex, got {}",
        describe(value)
    )))
}

pub(crate) fn hashes_arg(value: &JsValue, what: &str) -> Result<Vec<tc::Hash>, JsValue> {
    array_items(value, what, |item, what, _| hash_arg(item, what))
}

fn hashes_out(hashes: &[tc::Hash]) -> Array {
    hashes.iter().map(|h| JsValue::from(bytes_out(h))).collect()
}

/// Trusted verifier keys: `VerifierKey` objects or vkey strings. An object
/// counts by its vkey text (`toString()`), which the core parses and
/// checks again, so what is trusted is always a well-formed, hygienic key.
pub(crate) fn vkeys_arg(value: &JsValue, what: &str) -> Result<Vec<tc::VerifierKey>, JsValue> {
    array_items(value, what, |item, what, _| {
        if item.is_string() {
            return tc::VerifierKey::parse(&string_arg(item, what)?).or_throw();
        }
        let not_a_key = || {
            invalid_argument(format!(
                "{what} must be a VerifierKey or a vkey string, got {}",
                describe(item)
            ))
        };
        if !item.is_object() || item.is_function() || is_revoked_proxy(item) {
            return Err(not_a_key());
        }
        // `VerifierKey` objects made by this module carry their vkey text;
        // anything else (a plain object, another class) is refused.
        let text = reflect_get(item, &JsValue::from_str("vkey"))?;
        match text.dyn_ref::<JsString>() {
            Some(_) => tc::VerifierKey::parse(&string_arg(&text, what)?).or_throw(),
            None => Err(not_a_key()),
        }
    })
}

// ---------------------------------------------------------------------------
// Hashing and proofs
// ---------------------------------------------------------------------------

/// The leaf hash of leaf data (an event's 32-byte hash): `SHA-256(0x00 ||
/// data)` (Go: `tlog.RecordHash`). `data` is bytes or lowercase hex.
#[wasm_bindgen(js_name = leafHash)]
pub fn leaf_hash(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] data: JsValue,
) -> Result<Uint8Array, JsValue> {
    let data = data_arg(&data, "data")?;
    Ok(bytes_out(&tc::leaf_hash(&data)))
}

/// The interior node hash `SHA-256(0x01 || left || right)`.
#[wasm_bindgen(js_name = nodeHash)]
pub fn node_hash(
    #[wasm_bindgen(unchecked_param_type = "HashInput")] left: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HashInput")] right: JsValue,
) -> Result<Uint8Array, JsValue> {
    let l = hash_arg(&left, "left")?;
    let r = hash_arg(&right, "right")?;
    Ok(bytes_out(&tc::node_hash(&l, &r)))
}

/// Verifies that `leafHash` is leaf `index` of the tree of `size` leaves
/// with root `root`. Returns `true`, or throws `MerkleError`:
/// `index_out_of_range`, `invalid_tree_size`, `invalid_proof` (wrong
/// number of hashes), `root_mismatch`. Take `size` and `root` together from
/// a signed checkpoint (`openCheckpoint`): a proof alone does not bind the
/// size.
#[wasm_bindgen(js_name = verifyInclusion)]
pub fn verify_inclusion(
    #[wasm_bindgen(js_name = leafHash, unchecked_param_type = "HashInput")] leaf_hash: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SizeInput")] index: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SizeInput")] size: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HashInput[]")] proof: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HashInput")] root: JsValue,
) -> Result<bool, JsValue> {
    let leaf = hash_arg(&leaf_hash, "leafHash")?;
    let index = size_arg(&index, "index")?;
    let size = size_arg(&size, "size")?;
    let proof = hashes_arg(&proof, "proof")?;
    let root = hash_arg(&root, "root")?;
    tc::verify_inclusion(&leaf, index, size, &proof, &root)
        .map(|()| true)
        .or_throw()
}

/// Verifies that the tree of `oldSize` leaves with `oldRoot` is a prefix of
/// the tree of `newSize` leaves with `newRoot` (the log only grew). Returns
/// `true`, or throws `MerkleError` (`invalid_tree_size` for `oldSize` 0 or
/// above `newSize`, `invalid_proof`, `root_mismatch`).
#[wasm_bindgen(js_name = verifyConsistency)]
pub fn verify_consistency(
    #[wasm_bindgen(js_name = oldSize, unchecked_param_type = "SizeInput")] old_size: JsValue,
    #[wasm_bindgen(js_name = newSize, unchecked_param_type = "SizeInput")] new_size: JsValue,
    #[wasm_bindgen(js_name = oldRoot, unchecked_param_type = "HashInput")] old_root: JsValue,
    #[wasm_bindgen(js_name = newRoot, unchecked_param_type = "HashInput")] new_root: JsValue,
    #[wasm_bindgen(unchecked_param_type = "HashInput[]")] proof: JsValue,
) -> Result<bool, JsValue> {
    let old_size = size_arg(&old_size, "oldSize")?;
    let new_size = size_arg(&new_size, "newSize")?;
    let old_root = hash_arg(&old_root, "oldRoot")?;
    let new_root = hash_arg(&new_root, "newRoot")?;
    let proof = hashes_arg(&proof, "proof")?;
    tc::verify_consistency(old_size, new_size, &old_root, &new_root, &proof)
        .map(|()| true)
        .or_throw()
}

#[cfg(feature = "full")]
/// An in-memory Merkle tree (every level kept): roots at any size and
/// proofs, e.g. to hand a browser the inclusion proof of one event.
#[wasm_bindgen]
pub struct MerkleTree {
    inner: tc::Tree,
}

#[cfg(feature = "full")]
impl Default for MerkleTree {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl MerkleTree {
    /// An empty tree.
    #[wasm_bindgen(constructor)]
    pub fn new() -> MerkleTree {
        MerkleTree {
            inner: tc::Tree::new(),
        }
    }

    /// A tree over leaf data (each event's 32-byte hash, in chain order;
    /// bytes or hex).
    #[wasm_bindgen(js_name = fromLeafData)]
    pub fn from_leaf_data(
        #[wasm_bindgen(js_name = leafData, unchecked_param_type = "(Uint8Array | string)[]")]
        leaf_data: JsValue,
    ) -> Result<MerkleTree, JsValue> {
        let data = array_items(&leaf_data, "leafData", |item, what, _| data_arg(item, what))?;
        Ok(MerkleTree {
            inner: tc::Tree::from_leaf_data(&data),
        })
    }

    /// Appends one leaf given by its data.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] data: JsValue,
    ) -> Result<(), JsValue> {
        let data = data_arg(&data, "data")?;
        self.inner.push(&data);
        Ok(())
    }

    /// The number of leaves.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.size() as f64
    }

    /// The root of the whole tree (`SHA-256("")` when empty).
    pub fn root(&self) -> Uint8Array {
        bytes_out(&self.inner.root())
    }

    /// The root of the first `size` leaves.
    #[wasm_bindgen(js_name = rootAt)]
    pub fn root_at(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SizeInput")] size: JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let size = size_arg(&size, "size")?;
        Ok(bytes_out(&self.inner.root_at(size).or_throw()?))
    }

    /// The leaf hashes, in order.
    #[wasm_bindgen(js_name = leafHashes, unchecked_return_type = "Uint8Array[]")]
    pub fn leaf_hashes(&self) -> Array {
        hashes_out(self.inner.leaf_hashes())
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size`
    /// leaves (RFC 9162 order, what Go's `tlog.ProveRecord` gives).
    #[wasm_bindgen(js_name = inclusionProof, unchecked_return_type = "Uint8Array[]")]
    pub fn inclusion_proof(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SizeInput")] index: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SizeInput")] size: JsValue,
    ) -> Result<Array, JsValue> {
        let index = size_arg(&index, "index")?;
        let size = size_arg(&size, "size")?;
        Ok(hashes_out(
            &self.inner.inclusion_proof(index, size).or_throw()?,
        ))
    }

    /// The consistency proof from the first `oldSize` leaves to the first
    /// `newSize` (Go's `tlog.ProveTree`).
    #[wasm_bindgen(js_name = consistencyProof, unchecked_return_type = "Uint8Array[]")]
    pub fn consistency_proof(
        &self,
        #[wasm_bindgen(js_name = oldSize, unchecked_param_type = "SizeInput")] old_size: JsValue,
        #[wasm_bindgen(js_name = newSize, unchecked_param_type = "SizeInput")] new_size: JsValue,
    ) -> Result<Array, JsValue> {
        let old_size = size_arg(&old_size, "oldSize")?;
        let new_size = size_arg(&new_size, "newSize")?;
        Ok(hashes_out(
            &self
                .inner
                .consistency_proof(old_size, new_size)
                .or_throw()?,
        ))
    }
}

// ---------------------------------------------------------------------------
// Checkpoints and signed notes
// ---------------------------------------------------------------------------

/// A trusted note verifier key (Go's `vkey`): `<name>+<8 hex key
/// hash>+<base64(0x01 || public key)>`.
#[wasm_bindgen]
pub struct VerifierKey {
    inner: tc::VerifierKey,
}

#[wasm_bindgen]
impl VerifierKey {
    /// The verifier key of `publicKey` under the key name `name`
    /// (`MerkleError` `invalid_key_name`; `invalid_verifier_key` for a weak
    /// key).
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(js_name = publicKey)] public_key: &PublicKey,
    ) -> Result<VerifierKey, JsValue> {
        let name = string_arg(&name, "name")?;
        tc::VerifierKey::new(&name, public_key.inner)
            .map(|inner| VerifierKey { inner })
            .or_throw()
    }

    /// Parses a vkey. `MerkleError` with `code` and `offset`
    /// (`invalid_verifier_key`, `key_hash_mismatch`, `unsupported_key_type`,
    /// `invalid_key_name`, `invalid_base64`).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] vkey: JsValue,
    ) -> Result<VerifierKey, JsValue> {
        let text = string_arg(&vkey, "vkey")?;
        tc::VerifierKey::parse(&text)
            .map(|inner| VerifierKey { inner })
            .or_throw()
    }

    /// The key name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The key hash, 8 lowercase hex digits.
    #[wasm_bindgen(getter, js_name = keyHash)]
    pub fn key_hash(&self) -> String {
        format!("{:08x}", self.inner.key_hash())
    }

    /// The Ed25519 public key.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: *self.inner.public_key(),
        }
    }

    /// The vkey text.
    #[wasm_bindgen(getter)]
    pub fn vkey(&self) -> String {
        self.inner.to_string()
    }

    /// The vkey text.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.inner.to_string()
    }

    /// `JSON.stringify` writes the vkey text.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.inner.to_string()
    }
}

/// Parses a signed checkpoint note (untrusted text or bytes), verifies it
/// against the trusted verifier keys (`VerifierKey`s or vkey strings) as
/// Go's `note.Open` does, and only then parses the body. `MerkleError` with
/// `code` and `offset` (`invalid_signature`, `no_trusted_signature`,
/// `ambiguous_key`, `malformed_signature_line`, `invalid_utf8`, ...).
#[wasm_bindgen(js_name = openCheckpoint, unchecked_return_type = "OpenedCheckpoint")]
pub fn open_checkpoint(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] note: JsValue,
    #[wasm_bindgen(js_name = verifierKeys, unchecked_param_type = "(VerifierKey | string)[]")]
    verifier_keys: JsValue,
) -> Result<JsValue, JsValue> {
    let msg = json_arg(&note, "note")?;
    let keys = vkeys_arg(&verifier_keys, "verifierKeys")?;
    let opened = tc::open_checkpoint(&msg, &keys).or_throw()?;
    to_js(&opened.to_value_named(NAMING))
}
