//! The checks of one row on its own (hash, signer window, signature): the
//! part of verification that needs no neighbours, so it runs in parallel.

use super::error::*;
use super::event::*;
use super::row::{fault, Row};
use crate::digest::{self, Digest};
use crate::envelope;
use crate::keys::PublicKey;
use crate::profile::{ChainProfile, RowView};
use crate::registry::SignerRegistry;
use crate::text::quote;
use crate::time::Timestamp;

/// What linking needs of a row that could be read.
pub(super) struct Facts {
    pub(super) id: String,
    pub(super) id_bits: u128,
    /// `None` for profiles without a seq column.
    pub(super) seq: Option<u64>,
    pub(super) ts: String,
    pub(super) prev_hash: [u8; 32],
    /// `prev_hash` is the profile's genesis spelling (what the first row
    /// must carry).
    pub(super) prev_genesis: bool,
    pub(super) hash: [u8; 32],
    /// Its instant.
    pub(super) at: Timestamp,
}

/// A row checked on its own (the part of verification that can run in
/// parallel).
pub(super) struct Checked {
    pub(super) event: Option<Facts>,
    /// The first row-local failure: malformed, hash, signer, signature.
    pub(super) row_error: Option<(Reason, String)>,
    pub(super) hash_error: Option<String>,
    pub(super) sig_error: Option<(Reason, String)>,
}

impl Checked {
    pub(super) fn failed(e: (Reason, String)) -> Checked {
        Checked {
            event: None,
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

/// Checks one row on its own under `profile`: trustcore/v1 rows take the
/// fast in-place reading, every other profile the profile's reader.
pub(super) fn check_row(row: &[u8], registry: &SignerRegistry, profile: &ChainProfile) -> Checked {
    let canon = match canonical_row(row) {
        Ok(c) => c,
        Err(e) => return Checked::failed(e),
    };
    if !profile.is_trustcore_v1() {
        return check_profile_row(&canon, registry, profile);
    }
    let hash_alg = profile.hash_alg;
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
            seq: Some(v.seq),
            ts: v.ts.to_owned(),
            prev_hash: v.prev_hash,
            prev_genesis: v.prev_hash == GENESIS_PREV_HASH,
            hash: v.hash,
            at: v.at,
        }),
        row_error: None,
        hash_error,
        sig_error,
    }
}

/// The key that vouches for `signer`'s `alg` signatures at `at`, or the
/// break (unknown signer, window, revocation).
fn signer_key<'r>(
    registry: &'r SignerRegistry,
    signer: &str,
    alg: impl Fn(envelope::Algorithm) -> envelope::Algorithm,
    at: &Timestamp,
    ts: &str,
) -> Result<(&'r PublicKey, envelope::Algorithm), Finding> {
    let Some(rec) = registry.get(signer) else {
        return Err((
            Reason::UnknownSigner,
            format!("signer {} is not in the registry", quote(signer)),
        ));
    };
    let alg = alg(rec.algorithm());
    registry
        .key_for(signer, alg, at)
        .map(|k| (k, alg))
        .map_err(|r| {
            (
                Reason::from_registry(r),
                format!(
                    "signer {} does not vouch for events at {}: {}",
                    quote(signer),
                    quote(ts),
                    r.as_str()
                ),
            )
        })
}

fn bad_signature(signer: &str) -> Finding {
    (
        Reason::InvalidSignature,
        format!(
            "the signature does not verify under signer {}'s key",
            quote(signer)
        ),
    )
}

/// The signer's key must vouch at the row's `ts` and the signature verify.
pub(super) fn check_signature(
    v: &Valid<'_>,
    registry: &SignerRegistry,
    hash_alg: digest::Algorithm,
) -> Option<(Reason, String)> {
    let (key, alg) = match signer_key(registry, v.signer_id, |a| a, &v.at, v.ts) {
        Ok(k) => k,
        Err(e) => return Some(e),
    };
    let ok = signing_input(&v.hash, hash_alg, alg, v.signer_id)
        .map(|input| envelope::verify_signing_input(alg, &input, &v.signature, key))
        .unwrap_or(false);
    (!ok).then(|| bad_signature(v.signer_id))
}

/// The row-local verdicts of a row read under a profile other than
/// trustcore/v1 (the same checks, in the same order, through the
/// profile's hash input and signed form).
fn profile_verdicts(
    profile: &ChainProfile,
    v: &RowView<'_>,
    registry: &SignerRegistry,
) -> (Option<String>, Option<Finding>) {
    let input = profile.hash_input(v);
    let computed = *Digest::of(profile.hash_alg, &input).as_bytes();
    let hash_error = (computed != v.hash).then(|| {
        format!(
            "hash {} is not the digest of the row's {} ({})",
            quote(&v.hash_text),
            profile.hash_input.as_str(),
            profile.encode_hash(&computed)
        )
    });
    let sig_error = match signer_key(
        registry,
        &v.signer_id,
        |a| profile.signature_alg(a),
        &v.at,
        &v.ts,
    ) {
        Err(e) => Some(e),
        Ok((key, alg)) => {
            let ok = profile
                .signed_bytes(&input, &v.hash, &v.hash_text, &v.signer_id, alg)
                .is_some_and(|msg| envelope::verify_signing_input(alg, &msg, &v.signature, key));
            (!ok).then(|| bad_signature(&v.signer_id))
        }
    };
    (hash_error, sig_error)
}

fn check_profile_row(canon: &[u8], registry: &SignerRegistry, profile: &ChainProfile) -> Checked {
    let v = match profile.read_row(canon) {
        Ok(v) => v,
        Err(f) => return Checked::failed(fault(f)),
    };
    let (hash_error, sig_error) = profile_verdicts(profile, &v, registry);
    Checked {
        event: Some(Facts {
            id: v.id.to_string(),
            id_bits: v.id_bits,
            seq: v.seq,
            // Heads keep RFC 3339 whatever the column's format.
            ts: match profile.timestamp {
                crate::profile::TimeFormat::Rfc3339 => v.ts.to_string(),
                crate::profile::TimeFormat::Postgres => v.at.to_string(),
            },
            prev_hash: v.prev_hash,
            prev_genesis: v.genesis,
            hash: v.hash,
            at: v.at,
        }),
        row_error: None,
        hash_error,
        sig_error,
    }
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

/// [`verify_row`] under any profile: the row, or the first reason it fails.
pub fn verify_row_with(
    row: &[u8],
    registry: &SignerRegistry,
    profile: &ChainProfile,
) -> Result<Row, (Reason, String)> {
    if profile.is_trustcore_v1() {
        return verify_row(row, registry, profile.hash_alg).map(|e| Row::from(&e));
    }
    let canon = canonical_row(row)?;
    let v = profile.read_row(&canon).map_err(fault)?;
    let (hash_error, sig_error) = profile_verdicts(profile, &v, registry);
    if let Some(m) = hash_error {
        return Err((Reason::HashMismatch, m));
    }
    if let Some(e) = sig_error {
        return Err(e);
    }
    Row::from_view(&canon, &v)
}
