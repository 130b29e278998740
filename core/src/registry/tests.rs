use super::*;
use crate::envelope::{Algorithm, Envelope};
use crate::keys::SecretKey;
use crate::time::Timestamp;
use base64::Engine as _;

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}
fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}
fn entry(id: &str, n: u8, extra: &str) -> String {
    format!(
        r#"{{"signerId":"{id}","publicKey":"{}"{extra}}}"#,
        key(n).public_key().to_base64()
    )
}
fn registry(entries: &[String]) -> Result<SignerRegistry, crate::Error> {
    SignerRegistry::from_json(format!(r#"{{"signers":[{}]}}"#, entries.join(",")).as_bytes())
}

#[test]
fn seed_format_loads_and_round_trips() {
    let reg = registry(&[
        entry("kernel-signer", 1, ""),
        entry(
            "kms",
            2,
            r#","algorithm":"ed25519ph","validFrom":"2026-01-01T00:00:00Z""#,
        ),
    ])
    .unwrap();
    assert_eq!(reg.len(), 2);
    let again = SignerRegistry::from_json(reg.to_json().as_bytes()).unwrap();
    assert_eq!(again, reg);
    let jwks = SignerRegistry::from_jwks(reg.to_jwks().as_bytes()).unwrap();
    assert_eq!(jwks, reg);
    assert!(reg.to_jwks().contains(r#""kid":"kernel-signer""#));
}

#[test]
fn a_document_is_read_as_a_signers_file_or_a_jwks_by_its_members() {
    let reg = registry(&[entry("kernel-signer", 1, "")]).unwrap();
    assert_eq!(
        SignerRegistry::from_document(reg.to_json().as_bytes()).unwrap(),
        reg
    );
    assert_eq!(
        SignerRegistry::from_document(reg.to_jwks().as_bytes()).unwrap(),
        reg
    );
    // Both members: a signers file, refused for the one it does not have.
    let mut both: serde_json::Value = serde_json::from_str(&reg.to_jwks()).unwrap();
    both["signers"] = serde_json::json!([]);
    let e = SignerRegistry::from_document(both.to_string().as_bytes()).unwrap_err();
    assert_eq!(e.code(), "invalid_registry", "{e}");
    assert!(e.to_string().contains("\"keys\""), "{e}");
    // Not JSON: the signers file's parse error, with its position.
    let e = SignerRegistry::from_document(b"{\"keys\": [").unwrap_err();
    assert_eq!(
        e.to_string(),
        SignerRegistry::from_json(b"{\"keys\": [")
            .unwrap_err()
            .to_string()
    );
}

#[test]
fn load_errors_have_codes() {
    let code = |r: Result<SignerRegistry, crate::Error>| r.unwrap_err().code();
    assert_eq!(
        code(registry(&[entry("a", 1, ""), entry("a", 2, "")])),
        "duplicate_signer"
    );
    assert_eq!(
        code(registry(&[entry(
            "a",
            1,
            r#","validUntill":"2027-01-01T00:00:00Z""#
        )])),
        "invalid_registry"
    );
    assert_eq!(
        code(registry(&[
            r#"{"signerId":"a","publicKey":"not base64!"}"#.into()
        ])),
        "invalid_public_key"
    );
    // The identity point: small order.
    let weak = base64::engine::general_purpose::STANDARD.encode({
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    });
    assert_eq!(
        code(registry(&[format!(
            r#"{{"signerId":"a","publicKey":"{weak}"}}"#
        )])),
        "invalid_public_key"
    );
    assert_eq!(
        code(registry(&[entry("a", 1, r#","validFrom":"2026-01-01""#)])),
        "invalid_window"
    );
    assert_eq!(
        code(registry(&[entry(
            "a",
            1,
            r#","validFrom":"2026-01-01T00:00:00Z","validUntil":"2026-01-01T00:00:00Z""#
        )])),
        "invalid_window"
    );
    assert_eq!(
        code(SignerRegistry::from_json(br#"{"signers":[],"signers":[]}"#)),
        "duplicate_key"
    );
}

#[test]
fn windows_and_revocation() {
    let reg = registry(&[entry(
        "k",
        1,
        r#","validFrom":"2026-01-01T00:00:00Z","validUntil":"2026-07-01T00:00:00Z","revokedAt":"2026-05-01T00:00:00Z""#,
    )])
    .unwrap();
    let at = |s| reg.key_for("k", Algorithm::Ed25519, &ts(s)).err();
    assert_eq!(
        at("2025-12-31T23:59:59.999Z"),
        Some(Reason::SignerNotYetValid)
    );
    assert_eq!(at("2026-01-01T00:00:00Z"), None);
    assert_eq!(at("2026-04-30T23:59:59Z"), None);
    assert_eq!(at("2026-05-01T00:00:00Z"), Some(Reason::SignerRevoked));
    assert_eq!(at("2026-08-01T00:00:00Z"), Some(Reason::SignerRevoked));
    assert_eq!(
        reg.key_for("k", Algorithm::Ed25519ph, &ts("2026-02-01T00:00:00Z"))
            .err(),
        Some(Reason::AlgorithmMismatch)
    );
    assert_eq!(
        reg.key_for("x", Algorithm::Ed25519, &ts("2026-02-01T00:00:00Z"))
            .err(),
        Some(Reason::UnknownSigner)
    );
}

fn rotation_env(next: u8, until: &str, signers: &[(u8, &str)]) -> Envelope {
    let rec = SignerRecord::new("k2", key(next).public_key())
        .unwrap()
        .with_valid_from("2026-06-01T00:00:00Z")
        .unwrap();
    let payload = Rotation::payload("k1", &rec, until, "2026-06-01T00:00:00Z").unwrap();
    let mut env = Envelope::new(ROTATION_KIND, &payload).unwrap();
    for (n, id) in signers {
        env.sign(&key(*n), id, Algorithm::Ed25519).unwrap();
    }
    env
}

#[test]
fn rotation_needs_both_keys() {
    let mut reg = registry(&[entry("k1", 1, "")]).unwrap();
    let good = rotation_env(2, "2026-07-01T00:00:00Z", &[(1, "k1"), (2, "k2")]);
    let only_old = rotation_env(2, "2026-07-01T00:00:00Z", &[(1, "k1")]);
    let only_new = rotation_env(2, "2026-07-01T00:00:00Z", &[(2, "k2")]);
    let wrong_old = rotation_env(2, "2026-07-01T00:00:00Z", &[(3, "k1"), (2, "k2")]);
    for bad in [&only_old, &only_new, &wrong_old] {
        assert_eq!(
            reg.verify_rotation(bad).unwrap_err().code(),
            "invalid_rotation"
        );
    }
    let gap = rotation_env(2, "2026-06-01T00:00:00Z", &[(1, "k1"), (2, "k2")]);
    assert!(
        reg.verify_rotation(&gap).is_ok(),
        "adjacent windows are fine"
    );
    let retro = rotation_env(2, "2026-05-01T00:00:00Z", &[(1, "k1"), (2, "k2")]);
    assert_eq!(
        reg.verify_rotation(&retro).unwrap_err().code(),
        "invalid_rotation"
    );

    reg.apply_rotation(&good).unwrap();
    let before = reg.clone();
    reg.apply_rotation(&good).unwrap();
    assert_eq!(reg, before, "idempotent");
    assert_eq!(
        reg.get("k1").unwrap().valid_until(),
        Some("2026-07-01T00:00:00Z")
    );
    let at = ts("2026-06-15T00:00:00Z");
    assert!(
        reg.key_for("k1", Algorithm::Ed25519, &at).is_ok(),
        "overlap"
    );
    assert!(
        reg.key_for("k2", Algorithm::Ed25519, &at).is_ok(),
        "overlap"
    );
    assert_eq!(
        reg.key_for("k1", Algorithm::Ed25519, &ts("2026-07-01T00:00:00Z"))
            .err(),
        Some(Reason::SignerExpired)
    );
    assert_eq!(
        reg.key_for("k2", Algorithm::Ed25519, &ts("2026-05-01T00:00:00Z"))
            .err(),
        Some(Reason::SignerNotYetValid)
    );
}

#[test]
fn approvals_count_distinct_valid_signers() {
    let reg = registry(&[
        entry("a", 1, ""),
        entry("b", 2, ""),
        entry("c", 3, r#","validUntil":"2026-01-01T00:00:00Z""#),
        entry("d", 4, ""),
        entry("e", 5, ""),
        entry("x", 6, ""),
    ])
    .unwrap();
    let set = ApprovalSet::from_json(
        br#"{"name":"upgrade","threshold":3,"signers":["a","b","c","d","e"],"kind":"upgrade.applied"}"#,
    )
    .unwrap();
    let mut env = Envelope::new("upgrade.applied", br#"{"version":"2.4.1"}"#).unwrap();
    env.sign(&key(1), "a", Algorithm::Ed25519).unwrap();
    env.sign(&key(1), "a", Algorithm::Ed25519).unwrap(); // duplicate
    env.sign(&key(3), "c", Algorithm::Ed25519).unwrap(); // expired
    env.sign(&key(6), "x", Algorithm::Ed25519).unwrap(); // not in set
    env.sign(&key(9), "zz", Algorithm::Ed25519).unwrap(); // not in set either
    env.sign(&key(2), "b", Algorithm::Ed25519).unwrap();
    let at = ts("2026-03-01T00:00:00Z");
    let r = set.verify(&env, &reg, &at);
    assert!(!r.approved);
    assert_eq!(r.approvers, ["a", "b"]);
    let reasons: Vec<_> = r.signatures.iter().map(|s| s.reason).collect();
    assert_eq!(
        reasons,
        [
            None,
            Some(Reason::DuplicateSigner),
            Some(Reason::SignerExpired),
            Some(Reason::NotInSet),
            Some(Reason::NotInSet),
            None
        ]
    );
    env.sign(&key(7), "d", Algorithm::Ed25519).unwrap(); // wrong key for d
    assert!(!set.verify(&env, &reg, &at).approved);
    env.sign(&key(4), "d", Algorithm::Ed25519).unwrap();
    let r = set.verify(&env, &reg, &at);
    assert!(r.approved, "{}", r.to_json());
    assert_eq!(r.signatures[6].reason, Some(Reason::InvalidSignature));

    let mut other = Envelope::new("snapshot.manifest", br#"{"version":"2.4.1"}"#).unwrap();
    for (n, id) in [(1, "a"), (2, "b"), (4, "d")] {
        other.sign(&key(n), id, Algorithm::Ed25519).unwrap();
    }
    assert!(!set.verify(&other, &reg, &at).approved, "wrong kind");

    for bad in [
        &br#"{"name":"s","threshold":0,"signers":["a"]}"#[..],
        br#"{"name":"s","threshold":2,"signers":["a"]}"#,
        br#"{"name":"s","threshold":1,"signers":["a","a"]}"#,
        br#"{"name":"s","threshold":1.5,"signers":["a","b"]}"#,
        br#"{"name":"s","threshold":1,"signers":["a"],"quorum":1}"#,
    ] {
        assert_eq!(
            ApprovalSet::from_json(bad).unwrap_err().code(),
            "invalid_approval_set"
        );
    }
}

/// A rotation from `prev` (key `pn`) to `next` (key `nn`), dated and
/// windowed as the attacker likes, signed by both keys.
fn rotation(
    prev: (&str, u8),
    next: (&str, u8),
    rotated_at: &str,
    next_from: &str,
    until: &str,
) -> Envelope {
    let rec = SignerRecord::new(next.0, key(next.1).public_key())
        .unwrap()
        .with_valid_from(next_from)
        .unwrap();
    let payload = Rotation::payload(prev.0, &rec, until, rotated_at).unwrap();
    let mut env = Envelope::new(ROTATION_KIND, &payload).unwrap();
    env.sign(&key(prev.1), prev.0, Algorithm::Ed25519).unwrap();
    env.sign(&key(next.1), next.0, Algorithm::Ed25519).unwrap();
    env
}

const REVOKED: &str = r#","revokedAt":"2026-05-01T00:00:00Z""#;

#[test]
fn a_thief_with_a_revoked_key_cannot_install_a_successor_past_the_revocation() {
    let reg = registry(&[entry("k1", 1, REVOKED)]).unwrap();
    let code = |env: &Envelope| reg.clone().apply_rotation(env).unwrap_err().code();
    // Back-dated before the revocation, with a far-future overlap.
    let far = rotation(
        ("k1", 1),
        ("k3", 3),
        "2026-04-01T00:00:00Z",
        "2026-04-01T00:00:00Z",
        "2099-01-01T00:00:00Z",
    );
    assert_eq!(code(&far), "invalid_rotation");
    // Dated at or after the revocation.
    let late = rotation(
        ("k1", 1),
        ("k3", 3),
        "2026-05-01T00:00:00Z",
        "2026-05-01T00:00:00Z",
        "2026-05-01T00:00:00Z",
    );
    assert_eq!(code(&late), "invalid_rotation");
    // The new key starting at the revocation.
    let start = rotation(
        ("k1", 1),
        ("k3", 3),
        "2026-04-01T00:00:00Z",
        "2026-05-01T00:00:00Z",
        "2026-05-01T00:00:00Z",
    );
    assert_eq!(code(&start), "invalid_rotation");
    // Back-dating the new key before the rotation itself.
    let back = rotation(
        ("k1", 1),
        ("k3", 3),
        "2026-04-01T00:00:00Z",
        "2026-03-01T00:00:00Z",
        "2026-04-15T00:00:00Z",
    );
    assert_eq!(code(&back), "invalid_rotation");

    // Everything inside the window before the revocation is accepted (the
    // thief could sign there with k1 itself), but the successor inherits
    // the revocation: nothing it signs at or after it counts.
    let mut reg = reg;
    let inside = rotation(
        ("k1", 1),
        ("k3", 3),
        "2026-04-01T00:00:00Z",
        "2026-04-01T00:00:00Z",
        "2026-05-01T00:00:00Z",
    );
    reg.apply_rotation(&inside).unwrap();
    assert_eq!(reg.get("k3").unwrap().rotated_from(), Some("k1"));
    let k3 = |at| reg.key_for("k3", Algorithm::Ed25519, &ts(at)).err();
    assert_eq!(k3("2026-04-15T00:00:00Z"), None);
    assert_eq!(k3("2026-05-01T00:00:00Z"), Some(Reason::SignerRevoked));
    assert_eq!(k3("2029-01-01T00:00:00Z"), Some(Reason::SignerRevoked));
    // The lineage survives a round trip through the signers file and JWKS.
    let again = SignerRegistry::from_json(reg.to_json().as_bytes()).unwrap();
    assert_eq!(again, reg);
    assert_eq!(
        SignerRegistry::from_jwks(reg.to_jwks().as_bytes()).unwrap(),
        reg
    );
}

#[test]
fn revocation_follows_chains_of_rotations() {
    // k1 -> k2 -> k3, rotated legitimately; then k1 is found compromised.
    let mut reg = registry(&[entry("k1", 1, "")]).unwrap();
    reg.apply_rotation(&rotation(
        ("k1", 1),
        ("k2", 2),
        "2026-02-01T00:00:00Z",
        "2026-02-01T00:00:00Z",
        "2026-03-01T00:00:00Z",
    ))
    .unwrap();
    reg.apply_rotation(&rotation(
        ("k2", 2),
        ("k3", 3),
        "2026-03-15T00:00:00Z",
        "2026-03-15T00:00:00Z",
        "2026-04-01T00:00:00Z",
    ))
    .unwrap();
    let at = ts("2026-06-01T00:00:00Z");
    assert!(reg.key_for("k3", Algorithm::Ed25519, &at).is_ok());
    let revoked = reg.to_json().replacen(
        r#""signerId":"k1""#,
        r#""revokedAt":"2026-05-01T00:00:00Z","signerId":"k1""#,
        1,
    );
    let reg = SignerRegistry::from_json(revoked.as_bytes()).unwrap();
    assert_eq!(
        reg.key_for("k3", Algorithm::Ed25519, &at).err(),
        Some(Reason::SignerRevoked)
    );
    assert!(reg
        .key_for("k3", Algorithm::Ed25519, &ts("2026-04-15T00:00:00Z"))
        .is_ok());
    // The successor's own approvals stop counting at the revocation too.
    let set = ApprovalSet::from_json(br#"{"name":"s","threshold":1,"signers":["k3"]}"#).unwrap();
    let mut env = Envelope::new("upgrade.applied", b"{}").unwrap();
    env.sign(&key(3), "k3", Algorithm::Ed25519).unwrap();
    assert!(!set.verify(&env, &reg, &at).approved);
    assert!(set.verify(&env, &reg, &ts("2026-04-15T00:00:00Z")).approved);
    // Re-anchoring k3 in the signers file (dropping rotatedFrom) is the
    // operator's explicit decision to trust it on its own.
    let anchored = revoked.replace(r#","rotatedFrom":"k2""#, "");
    let reg = SignerRegistry::from_json(anchored.as_bytes()).unwrap();
    assert!(reg.key_for("k3", Algorithm::Ed25519, &at).is_ok());
}

#[test]
fn lineage_must_resolve() {
    let code = |r: Result<SignerRegistry, crate::Error>| r.unwrap_err().code();
    assert_eq!(
        code(registry(&[entry("k2", 2, r#","rotatedFrom":"gone""#)])),
        "invalid_registry"
    );
    assert_eq!(
        code(registry(&[
            entry("a", 1, r#","rotatedFrom":"b""#),
            entry("b", 2, r#","rotatedFrom":"a""#)
        ])),
        "invalid_registry"
    );
    assert_eq!(
        code(registry(&[entry("a", 1, r#","rotatedFrom":"a""#)])),
        "invalid_registry"
    );
}
