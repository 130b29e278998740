//! Key compromise end to end (issue #10, part 5): revoke a signer as of a
//! time, producing the updated signers file and a signed revocation
//! record, then re-verify envelopes and chain rows: exactly the items the
//! key signed at or after the revocation become invalid.

use serde_json::json;
use trustcore::chain::{recheck, ChainWriter, EventBody, Head, RecheckItem, RecheckStatus};
use trustcore::digest::Algorithm as HashAlg;
use trustcore::envelope::{Algorithm, Envelope};
use trustcore::keys::SecretKey;
use trustcore::profile::ChainProfile;
use trustcore::registry::{Revocation, SignerRegistry, REVOCATION_KIND};
use trustcore::time::Timestamp;

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}},{{"signerId":"security-officer","publicKey":"{}"}}]}}"#,
            key(1).public_key().to_base64(),
            key(2).public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

#[test]
fn revocation_then_replay_reports_exactly_the_items_signed_after_it() {
    let old = registry();
    // The revocation record, signed by the authority.
    let payload =
        Revocation::payload("kernel-signer", "2026-03-01T12:00:05Z", "key compromise").unwrap();
    let mut record = Envelope::new(REVOCATION_KIND, &payload).unwrap();
    record
        .sign(&key(2), "security-officer", Algorithm::Ed25519)
        .unwrap();
    let mut new = old.clone();
    let r = new.apply_revocation(&record).unwrap();
    assert_eq!(r.revoked_at, "2026-03-01T12:00:05Z");
    assert!(new
        .to_json()
        .contains(r#""revokedAt":"2026-03-01T12:00:05Z""#));
    // The same record signed only by the revoked key is not enough: a thief
    // could revoke by themselves to end honest history early.
    let mut selfish = Envelope::new(REVOCATION_KIND, &payload).unwrap();
    selfish
        .sign(&key(1), "kernel-signer", Algorithm::Ed25519)
        .unwrap();
    assert_eq!(
        old.clone().apply_revocation(&selfish).unwrap_err().code(),
        "invalid_revocation"
    );

    // Ten envelopes and ten rows, one per second from 12:00:01.
    let mut envs = Vec::new();
    for i in 1..=10 {
        let mut e = Envelope::new("manifest.signed", format!("{{\"n\":{i}}}").as_bytes()).unwrap();
        e.sign(&key(1), "kernel-signer", Algorithm::Ed25519)
            .unwrap();
        envs.push((
            e,
            Timestamp::parse(&format!("2026-03-01T12:00:{i:02}Z")).unwrap(),
        ));
    }
    let mut w = ChainWriter::new(
        Head::default(),
        HashAlg::Sha256,
        "kernel-signer",
        Algorithm::Ed25519,
        key(1).public_key(),
    )
    .unwrap();
    let rows: Vec<String> = (1..=10)
        .map(|i| {
            w.append(
                EventBody {
                    id: format!("00000000-0000-4000-8000-{i:012}"),
                    ts: format!("2026-03-01T12:00:{i:02}Z"),
                    event_type: "t".into(),
                    actor: "a".into(),
                    payload: json!({"n": i}),
                },
                &key(1),
            )
            .unwrap()
            .to_json()
        })
        .collect();
    let mut items: Vec<RecheckItem<'_>> = envs
        .iter()
        .map(|(e, at)| RecheckItem::Envelope(e, *at))
        .collect();
    items.extend(rows.iter().map(|r| RecheckItem::Row(r.as_bytes())));
    let report = recheck(&old, &new, &items, &ChainProfile::trustcore_v1());
    let now_invalid: Vec<usize> = report
        .items
        .iter()
        .filter(|i| i.status == RecheckStatus::NowInvalid)
        .map(|i| i.index)
        .collect();
    // Items 5..=10 of each batch (12:00:05 and later).
    assert_eq!(now_invalid, [4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18, 19]);
    assert!(report
        .items
        .iter()
        .filter(|i| i.status == RecheckStatus::NowInvalid)
        .all(|i| i.after == Some("signer_revoked")));
    assert_eq!(report.count(RecheckStatus::StillValid), 8);
    let v = report.to_value();
    assert_eq!(v["now_invalid"], 12);
}

#[test]
fn a_signers_file_may_hold_spki_der_keys() {
    // What a KMS GetPublicKey returns: base64 of SPKI DER.
    let der = key(1).public_key().to_spki_der();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let text = format!(r#"{{"signers":[{{"signerId":"kms","publicKey":"{b64}"}}]}}"#);
    let reg = SignerRegistry::from_json(text.as_bytes()).unwrap();
    assert_eq!(reg.get("kms").unwrap().public_key(), &key(1).public_key());
    // Written back as it was given.
    assert!(reg.to_json().contains(&b64));
    // The same hygiene as raw keys: a small-order point in SPKI is refused.
    let mut weak = der.clone();
    let n = weak.len();
    weak[n - 32..].copy_from_slice(&{
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    });
    let text = format!(
        r#"{{"signers":[{{"signerId":"kms","publicKey":"{}"}}]}}"#,
        base64::engine::general_purpose::STANDARD.encode(&weak)
    );
    assert_eq!(
        SignerRegistry::from_json(text.as_bytes())
            .unwrap_err()
            .code(),
        "invalid_public_key"
    );
}
