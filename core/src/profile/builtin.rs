//! The built-in profiles, written as the documents a user would write
//! (`docs/chain-profiles.md` shows an example row of each).

use super::doc::ChainProfile;
use serde_json::{json, Value};

/// The names of the built-in profiles; `trustcore/v1` is the default.
pub const BUILTIN_NAMES: [&str; 4] = [
    "trustcore/v1",
    "kernel/v1",
    "row-digest/v1",
    "payload-sig/v1",
];

fn document(name: &str) -> Option<Value> {
    Some(match name {
        // trustcore's own format (docs/audit-chain.md): unchanged bytes.
        "trustcore/v1" => json!({
            "type": "trustcore.chain-profile/v1",
            "name": "trustcore/v1",
            "description": "trustcore's own audit_events rows: the canonical row without hash and signature is hashed (hex), and a typed trustcore.audit-event envelope naming the hash is signed (base64).",
            "columns": {"id": "id", "seq": "seq", "ts": "ts", "eventType": "event_type", "actor": "actor",
                        "payload": "payload", "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"},
            "hash": {"input": "trustcore/v1", "algorithm": "sha256", "encoding": "hex"},
            "signature": {"signs": "envelope", "algorithm": "registry", "encoding": "base64"},
            "genesis": "zeros",
            "timestamp": "rfc3339",
            "order": "seq"
        }),
        // The Kernel's appendAuditEvent: no seq, no actor, a timestamptz
        // column, hash = SHA-256(prev_hash text || canonical payload), and
        // the Ed25519 signature over those same bytes.
        "kernel/v1" => json!({
            "type": "trustcore.chain-profile/v1",
            "name": "kernel/v1",
            "description": "The Kernel's audit_events table: SHA-256 of the prev_hash text followed by the canonical payload (hex), an Ed25519 signature over those bytes (base64), created_at as PostgreSQL timestamptz text, no seq (rows in created_at, id order).",
            "columns": {"id": "id", "seq": null, "ts": "created_at", "eventType": "event_type", "actor": null,
                        "payload": "payload", "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"},
            "hash": {"input": "prev_hash_payload", "algorithm": "sha256", "encoding": "hex"},
            "signature": {"signs": "hash_input", "algorithm": "registry", "encoding": "base64"},
            "genesis": "zeros",
            "timestamp": "postgres",
            "order": "ts"
        }),
        // A generic ledger: the canonical row is hashed and named
        // (`sha256:<hex>`), the raw 32 digest bytes are signed (hex), the
        // first row's prev_hash is empty.
        "row-digest/v1" => json!({
            "type": "trustcore.chain-profile/v1",
            "name": "row-digest/v1",
            "description": "A ledger that hashes the canonical row without hash and signature into a named digest (sha256:<hex>) and signs the 32 raw digest bytes (hex); the first row's prev_hash is empty.",
            "columns": {"id": "event_id", "seq": "seq", "ts": "occurred_at", "eventType": "type", "actor": "actor",
                        "payload": "data", "prevHash": "prev_hash", "hash": "row_hash", "signer": "key_id", "signature": "sig"},
            "hash": {"input": "row", "algorithm": "sha256", "encoding": "prefixed"},
            "signature": {"signs": "digest", "algorithm": "registry", "encoding": "hex"},
            "genesis": "empty",
            "timestamp": "rfc3339",
            "order": "seq"
        }),
        // An application log that signs only its payloads: SHA-256 of the
        // canonical payload (base64), the signature over that digest text
        // (base64url), prev_hash null at the start.
        "payload-sig/v1" => json!({
            "type": "trustcore.chain-profile/v1",
            "name": "payload-sig/v1",
            "description": "An application log that hashes the canonical payload alone (base64) and signs the hash column's text (base64url); the first row's prev_hash is null. The hash does not cover prev_hash, seq or ts: only a trusted head or checkpoint pins the order.",
            "columns": {"id": "id", "seq": "seq", "ts": "ts", "eventType": "kind", "actor": "actor",
                        "payload": "body", "prevHash": "prev", "hash": "digest", "signer": "signer", "signature": "signature"},
            "hash": {"input": "payload", "algorithm": "sha256", "encoding": "base64"},
            "signature": {"signs": "digest_text", "algorithm": "registry", "encoding": "base64url"},
            "genesis": "null",
            "timestamp": "rfc3339",
            "order": "seq"
        }),
        _ => return None,
    })
}

/// A built-in profile by name.
pub(super) fn builtin(name: &str) -> Option<ChainProfile> {
    // The documents above are valid (a test loads every one).
    document(name).and_then(|d| ChainProfile::from_value(&d).ok())
}

impl ChainProfile {
    /// trustcore's own profile, `trustcore/v1` (the default).
    pub fn trustcore_v1() -> ChainProfile {
        builtin("trustcore/v1").unwrap_or_else(unreachable_v1)
    }
}

/// Not reachable: the trustcore/v1 document is a constant that loads (a
/// test proves it); an empty placeholder keeps this path panic-free.
fn unreachable_v1() -> ChainProfile {
    ChainProfile {
        name: String::new(),
        description: None,
        columns: super::doc::Columns {
            id: String::new(),
            seq: None,
            ts: String::new(),
            event_type: None,
            actor: None,
            payload: String::new(),
            prev_hash: String::new(),
            hash: String::new(),
            signer: String::new(),
            signature: String::new(),
        },
        extra: Vec::new(),
        hash_input: super::doc::HashInput::Row,
        hash_alg: crate::digest::Algorithm::Sha256,
        hash_encoding: super::doc::HashEncoding::Hex,
        signs: super::doc::SignedForm::Envelope,
        sig_alg: None,
        sig_encoding: super::doc::SigEncoding::Base64,
        genesis: super::doc::Genesis::Zeros,
        timestamp: super::doc::TimeFormat::Rfc3339,
        order: super::doc::Order::Seq,
        members: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads_and_round_trips() {
        for name in BUILTIN_NAMES {
            let p = builtin(name).unwrap_or_else(|| panic!("{name} does not load"));
            assert_eq!(p.name, name);
            assert_eq!(
                ChainProfile::from_value(&p.to_value()).unwrap(),
                p,
                "{name}"
            );
        }
        assert!(ChainProfile::trustcore_v1().is_trustcore_v1());
        assert!(!builtin("kernel/v1").unwrap().is_trustcore_v1());
    }
}
