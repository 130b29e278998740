//! The checks of one row on its own (hash, signer window, signature): the
//! part of verification that needs no neighbours, so it runs in parallel.

use super::error::*;
use super::event::*;
use crate::digest::{self, Digest};
use crate::envelope;
use crate::registry::SignerRegistry;
use crate::text::quote;
use crate::time::Timestamp;

/// What linking needs of a row that could be read.
pub(super) struct Facts {
    pub(super) id: String,
    pub(super) id_bits: u128,
    pub(super) seq: u64,
    pub(super) ts: String,
    pub(super) prev_hash: [u8; 32],
    pub(super) hash: [u8; 32],
}

/// A row checked on its own (the part of verification that can run in
/// parallel).
pub(super) struct Checked {
    pub(super) event: Option<Facts>,
    pub(super) at: Option<Timestamp>,
    /// The first row-local failure: malformed, hash, signer, signature.
    pub(super) row_error: Option<(Reason, String)>,
    pub(super) hash_error: Option<String>,
    pub(super) sig_error: Option<(Reason, String)>,
}

impl Checked {
    pub(super) fn failed(e: (Reason, String)) -> Checked {
        Checked {
            event: None,
            at: None,
            row_error: Some(e),
            hash_error: None,
            sig_error: None,
        }
    }
}

/// A break reason with its message.
pub(super) type Finding = (Reason, String);

/// The row-local verdicts after a row was read: whether `hash` is the
/// digest of the row (its message if not), and whether the signer's key
/// vouches at `ts` and the signature verifies.
pub(super) fn check_read_row(
    canon: &[u8],
    v: &Valid<'_>,
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Result<(Option<String>, Option<Finding>), Finding> {
    let computed = match Event::hashed_bytes(canon, &v.hash, &v.signature) {
        Some(bytes) => *Digest::of(hash_alg, &bytes).as_bytes(),
        // Not reachable for a row that was read; kept as the definition.
        None => Event::from_canonical(canon)?.compute_hash(hash_alg),
    };
    let hash_error = (computed != v.hash).then(|| {
        format!(
            "hash {} is not the digest of the row ({})",
            hex::encode(v.hash),
            hex::encode(computed)
        )
    });
    Ok((hash_error, check_signature(v, registry, hash_alg)))
}

pub(super) fn check_row(
    row: &[u8],
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Checked {
    let canon = match canonical_row(row) {
        Ok(c) => c,
        Err(e) => return Checked::failed(e),
    };
    // The fast path reads the columns in place; anything else (and every
    // malformed row) goes through the full reading for its verdict.
    let full;
    let v = match Columns::scan(&canon) {
        Some(cols) => cols.validate(),
        None => {
            full = Event::from_canonical(&canon);
            match &full {
                Ok(e) => Valid::of(e),
                Err(e) => Err(e.clone()),
            }
        }
    };
    let v = match v {
        Ok(v) => v,
        Err(e) => return Checked::failed(e),
    };
    let (hash_error, sig_error) = match check_read_row(&canon, &v, registry, hash_alg) {
        Ok(verdicts) => verdicts,
        Err(e) => return Checked::failed(e),
    };
    Checked {
        event: Some(Facts {
            id: v.id.to_owned(),
            id_bits: v.id_bits,
            seq: v.seq,
            ts: v.ts.to_owned(),
            prev_hash: v.prev_hash,
            hash: v.hash,
        }),
        at: Some(v.at),
        row_error: None,
        hash_error,
        sig_error,
    }
}

/// The signer's key must vouch at the row's `ts` and the signature verify.
pub(super) fn check_signature(
    v: &Valid<'_>,
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Option<(Reason, String)> {
    let Some(rec) = registry.get(v.signer_id) else {
        return Some((
            Reason::UnknownSigner,
            format!("signer {} is not in the registry", quote(v.signer_id)),
        ));
    };
    let key = match registry.key_for(v.signer_id, rec.algorithm(), &v.at) {
        Ok(key) => key,
        Err(r) => {
            return Some((
                Reason::from_registry(r),
                format!(
                    "signer {} does not vouch for events at {}: {}",
                    quote(v.signer_id),
                    v.ts,
                    r.as_str()
                ),
            ))
        }
    };
    let ok = signing_input(&v.hash, hash_alg, rec.algorithm(), v.signer_id)
        .map(|input| envelope::verify_signing_input(rec.algorithm(), &input, &v.signature, key))
        .unwrap_or(false);
    (!ok).then(|| {
        (
            Reason::InvalidSignature,
            format!(
                "the signature does not verify under signer {}'s key",
                quote(v.signer_id)
            ),
        )
    })
}

/// Verifies one row on its own: well-formed, `hash` right, the signer's key
/// vouching at `ts` and the signature valid — everything but the links to
/// its neighbours (check those with a [`ChainVerifier`](super::ChainVerifier), or its place in
/// the chain with a Merkle inclusion proof against a signed checkpoint, as
/// the browser does). Returns the event, or the first reason it fails with a
/// message.
pub fn verify_row(
    row: &[u8],
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Result<Event, (Reason, String)> {
    let (event, canon) = Event::parse_row(row)?;
    let (hash_error, sig_error) = check_read_row(&canon, &Valid::of(&event)?, registry, hash_alg)?;
    if let Some(m) = hash_error {
        return Err((Reason::HashMismatch, m));
    }
    if let Some(e) = sig_error {
        return Err(e);
    }
    Ok(event)
}
