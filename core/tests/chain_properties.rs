//! The audit chain: writer and verifier agree, and every single-bit flip,
//! deletion, reordering, duplication or truncation of a random chain is
//! found at the right row with the right reason.

use proptest::prelude::*;
use serde_json::json;
use trustcore::chain::{verify_jsonl, ChainVerifier, ChainWriter, EventBody, Head, VerifyOptions};
use trustcore::digest::Algorithm as HashAlg;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::registry::SignerRegistry;

fn key() -> SecretKey {
    SecretKey::from_seed(&[5u8; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}","validFrom":"2026-01-01T00:00:00Z"}}]}}"#,
            key().public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

fn body(i: u64, salt: u64) -> EventBody {
    EventBody {
        id: format!("00000000-0000-4000-8000-{:012x}", i * 7919 + salt),
        ts: format!("2026-03-01T12:{:02}:{:02}Z", (i / 60) % 60, i % 60),
        event_type: "manifest.signed".into(),
        actor: "svc:kernel".into(),
        payload: json!({"n": i, "note": format!("event {i} \u{e9}"), "salt": salt}),
    }
}

fn chain(n: u64, salt: u64) -> (Vec<String>, Head) {
    let mut w = ChainWriter::new(
        Head::default(),
        HashAlg::Sha256,
        "kernel-signer",
        Algorithm::Ed25519,
        key().public_key(),
    )
    .unwrap();
    let rows = (1..=n)
        .map(|i| w.append(body(i, salt), &key()).unwrap().to_json())
        .collect();
    (rows, w.head().clone())
}

fn verify(
    rows: &[String],
    expected: Option<Head>,
    threads: usize,
) -> trustcore::chain::ChainReport {
    let text = rows.join("\n");
    verify_jsonl(
        text.as_bytes(),
        registry(),
        VerifyOptions {
            expected_head: expected,
            threads: Some(threads),
            ..VerifyOptions::default()
        },
    )
}

fn first(rows: &[String], expected: Option<Head>) -> (u64, &'static str) {
    let r = verify(rows, expected, 2);
    assert!(!r.valid);
    let b = &r.breaks[0];
    (b.position, b.reason.as_str())
}

#[test]
fn a_written_chain_verifies_and_reaches_the_writers_head() {
    let (rows, head) = chain(40, 1);
    for threads in [1, 2, 3] {
        let r = verify(&rows, Some(head.clone()), threads);
        assert!(r.valid, "{}", r.to_json());
        assert_eq!(r.head, head);
        assert_eq!(r.rows, 40);
    }
    // Genesis link and seq.
    let first: serde_json::Value = serde_json::from_str(&rows[0]).unwrap();
    assert_eq!(first["prev_hash"], "0".repeat(64));
    assert_eq!(first["seq"], 1);
}

#[test]
fn a_stream_split_anywhere_and_resumed_gives_the_same_verdict() {
    let (rows, head) = chain(30, 2);
    let text = rows.join("\n") + "\n";
    for cut in [0, 1, 17, text.len() / 2, text.len() - 1] {
        let mut v = ChainVerifier::new(registry(), VerifyOptions::default());
        v.push_bytes(&text.as_bytes()[..cut]);
        let state = v.state();
        // Resume from the saved state in a new verifier.
        let state = trustcore::chain::VerifierState::from_value(&state.to_value()).unwrap();
        let mut w = ChainVerifier::resume(registry(), VerifyOptions::default(), state).unwrap();
        // The bytes of a partial line were not consumed by the first one:
        // start the second at the first unread row.
        let consumed: usize = text[..cut].rfind('\n').map(|i| i + 1).unwrap_or(0);
        w.push_bytes(&text.as_bytes()[consumed..]);
        let r = w.finish();
        assert!(r.valid, "cut {cut}: {}", r.to_json());
        assert_eq!(r.head, head);
    }
}

#[test]
fn remote_signatures_are_checked_before_they_are_attached() {
    let mut w = ChainWriter::new(
        Head::default(),
        HashAlg::Sha256,
        "kernel-signer",
        Algorithm::Ed25519ph,
        key().public_key(),
    )
    .unwrap();
    let p = w.prepare(body(1, 0)).unwrap();
    assert_eq!(p.message().len(), 64, "ed25519ph sends the SHA-512 digest");
    let wrong = trustcore::sign::sign(&key(), &p.message());
    assert_eq!(
        w.attach(p.clone(), &wrong).unwrap_err().code(),
        "remote_signature_invalid"
    );
    assert_eq!(w.head(), &Head::default(), "no event, no head change");
    let right = trustcore::sign::sign_prehashed_digest(&key(), &p.message()).unwrap();
    let e = w.attach(p, &right).unwrap();
    assert_eq!(w.head().seq, 1);
    assert_eq!(w.head().hash, e.hash());
    // A registry that says kernel-signer signs ed25519 refuses the ph row.
    let r = verify(&[e.to_json()], None, 1);
    assert_eq!(r.breaks[0].reason.as_str(), "invalid_signature");
    // Time never goes back.
    let mut early = body(2, 0);
    early.ts = "2026-02-01T00:00:00Z".into();
    assert_eq!(w.prepare(early).unwrap_err().code(), "ts_regression");
}

#[test]
fn signer_windows_apply_at_each_events_time() {
    let (rows, _) = chain(3, 3);
    let reg = SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}","validUntil":"2026-03-01T12:00:02Z"}}]}}"#,
            key().public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap();
    let r = verify_jsonl(rows.join("\n").as_bytes(), reg, VerifyOptions::default());
    let reasons: Vec<_> = r
        .breaks
        .iter()
        .map(|b| (b.position, b.reason.as_str()))
        .collect();
    assert_eq!(reasons, [(1, "signer_expired"), (2, "signer_expired")]);
}

#[test]
fn stop_at_first_reports_one_break() {
    let (mut rows, _) = chain(10, 4);
    rows.remove(3);
    rows.remove(6);
    let r = verify_jsonl(
        rows.join("\n").as_bytes(),
        registry(),
        VerifyOptions {
            stop_at_first: true,
            ..VerifyOptions::default()
        },
    );
    assert_eq!(r.breaks.len(), 1);
    assert_eq!(r.breaks[0].reason.as_str(), "seq_gap");
    let all = verify(&rows, None, 2);
    assert_eq!(all.breaks.len(), 2, "{}", all.to_json());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_single_bit_flip_is_found_at_its_row(n in 2u64..12, salt in 0u64..1000, line in any::<prop::sample::Index>(), byte in any::<prop::sample::Index>(), bit in 0u8..8) {
        let (mut rows, head) = chain(n, salt);
        let k = line.index(rows.len());
        let mut b = rows[k].clone().into_bytes();
        let i = byte.index(b.len());
        b[i] ^= 1 << bit;
        prop_assume!(b[i] != b'\n');
        rows[k] = String::from_utf8_lossy(&b).into_owned();
        let raw: Vec<String> = rows.clone();
        let r = {
            // Feed the mutated bytes exactly (not the lossy string).
            let mut text = Vec::new();
            for (j, row) in raw.iter().enumerate() {
                if j == k { text.extend_from_slice(&b) } else { text.extend_from_slice(row.as_bytes()) }
                text.push(b'\n');
            }
            verify_jsonl(&text, registry(), VerifyOptions { expected_head: Some(head), ..VerifyOptions::default() })
        };
        prop_assert!(!r.valid);
        prop_assert_eq!(r.breaks[0].position, k as u64, "{}", r.to_json());
    }

    #[test]
    fn deletion_reordering_duplication_truncation(n in 3u64..12, salt in 0u64..1000, at in any::<prop::sample::Index>(), cut in 1usize..3) {
        let (rows, head) = chain(n, salt);
        let k = at.index(rows.len() - 1);
        // Deletion of a row that is not the last: the next row's seq jumps.
        let mut del = rows.clone();
        del.remove(k);
        prop_assert_eq!(first(&del, Some(head.clone())), (k as u64, "seq_gap"));
        // Two rows swapped.
        let mut swap = rows.clone();
        swap.swap(k, k + 1);
        prop_assert_eq!(first(&swap, Some(head.clone())), (k as u64, "seq_gap"));
        // A row repeated.
        let mut dup = rows.clone();
        dup.insert(k + 1, rows[k].clone());
        prop_assert_eq!(first(&dup, Some(head.clone())), (k as u64 + 1, "duplicate_id"));
        // The tail cut off: only the expected head can tell.
        let short = &rows[..rows.len() - cut];
        prop_assert!(verify(short, None, 2).valid);
        prop_assert_eq!(first(short, Some(head.clone())), ((rows.len() - cut) as u64, "truncated"));
        // Another chain with the same length: the head differs.
        let (other, _) = chain(n, salt + 1000);
        // Reported at the row that reaches the trusted seq.
        prop_assert_eq!(first(&other, Some(head)), (n - 1, "head_mismatch"));
    }

    #[test]
    fn the_verdict_does_not_depend_on_threads(n in 1u64..40, salt in 0u64..100, drop in any::<prop::sample::Index>()) {
        let (mut rows, _) = chain(n, salt);
        if n > 2 { rows.remove(drop.index(rows.len())); }
        let one = verify(&rows, None, 1);
        for t in [2, 4] {
            prop_assert_eq!(&verify(&rows, None, t), &one);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn replay_restores_the_order_of_shuffled_rows(n in 1u64..30, salt in 0u64..100, seed in any::<u64>()) {
        let (rows, head) = chain(n, salt);
        let mut shuffled = rows.clone();
        // A deterministic Fisher-Yates from the seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        shuffled.push(rows[0].clone()); // a repeated row is not a fork
        let r = trustcore::chain::replay(&shuffled, &Head::default());
        let order: Vec<String> = r.events.iter().map(|e| e.to_json()).collect();
        prop_assert_eq!(&order, &rows);
        prop_assert!(r.forks.is_empty() && r.orphans.is_empty() && r.malformed.is_empty());
        prop_assert_eq!(r.events.last().map(|e| e.hash()), Some(head.hash));
    }
}

#[test]
fn replay_reports_forks_and_orphans() {
    let (rows, _) = chain(5, 7);
    let (other, _) = chain(5, 8);
    // A second event 3 that also follows event 2 (a fork), and an event
    // whose predecessor is missing (an orphan).
    let mut w = ChainWriter::new(
        Head {
            hash: serde_json::from_str::<serde_json::Value>(&rows[1])
                .map(|v| {
                    let mut h = [0u8; 32];
                    hex::decode_to_slice(v["hash"].as_str().unwrap(), &mut h).unwrap();
                    h
                })
                .unwrap(),
            seq: 2,
            ts: None,
        },
        HashAlg::Sha256,
        "kernel-signer",
        Algorithm::Ed25519,
        key().public_key(),
    )
    .unwrap();
    let fork = w.append(body(99, 7), &key()).unwrap().to_json();
    let mut input = rows.clone();
    input.push(fork);
    input.push(other[3].clone());
    input.push("not json".into());
    let r = trustcore::chain::replay(&input, &Head::default());
    assert_eq!(r.forks.len(), 1);
    assert_eq!(r.forks[0].ids.len(), 2);
    assert_eq!(
        r.malformed,
        vec![(7, trustcore::chain::Reason::MalformedRow)]
    );
    // The losing branch and the stray event are orphans; the replay is
    // deterministic whichever branch wins.
    assert_eq!(r.orphans.len(), 2 + usize::from(r.events.len() == 3) * 2);
    let again = trustcore::chain::replay(
        &input.iter().rev().cloned().collect::<Vec<_>>(),
        &Head::default(),
    );
    assert_eq!(again.events, r.events);
}

#[test]
fn a_single_row_verifies_on_its_own() {
    let (rows, _) = chain(3, 9);
    let reg = registry();
    let e = trustcore::chain::verify_row(rows[2].as_bytes(), &reg, HashAlg::Sha256).unwrap();
    assert_eq!(e.seq, 3);
    let tampered = rows[2].replacen("event 3", "event 4", 1);
    let (reason, _) =
        trustcore::chain::verify_row(tampered.as_bytes(), &reg, HashAlg::Sha256).unwrap_err();
    assert_eq!(reason.as_str(), "hash_mismatch");
    let (reason, _) =
        trustcore::chain::verify_row(rows[2].as_bytes(), &SignerRegistry::new(), HashAlg::Sha256)
            .unwrap_err();
    assert_eq!(reason.as_str(), "unknown_signer");
}

#[test]
fn over_long_rows_are_breaks_and_never_buffered() {
    let (rows, _) = chain(3, 11);
    let opts = || VerifyOptions {
        max_row_bytes: 2000,
        ..VerifyOptions::default()
    };
    // A 1 MB line without a newline between two good rows, fed in pieces.
    let mut v = ChainVerifier::new(registry(), opts());
    v.push_bytes(format!("{}\n", rows[0]).as_bytes());
    for _ in 0..1000 {
        v.push_bytes(&[b'x'; 1000]);
    }
    v.push_bytes(format!("\n{}\n", rows[1]).as_bytes());
    let r = v.finish();
    let got: Vec<_> = r
        .breaks
        .iter()
        .map(|b| (b.position, b.reason.as_str()))
        .collect();
    assert_eq!(got, [(1, "malformed_row")]);
    assert!(
        r.breaks[0].message.contains("1000000 bytes"),
        "{}",
        r.breaks[0].message
    );
    // Unterminated at the end, and through push_row.
    let mut v = ChainVerifier::new(registry(), opts());
    v.push_bytes(&[b'y'; 5000]);
    assert_eq!(v.finish().breaks[0].reason.as_str(), "malformed_row");
    let mut v = ChainVerifier::new(registry(), opts());
    v.push_row(&[b'z'; 5000]);
    v.push_row(rows[0].as_bytes());
    let r = v.finish();
    assert_eq!(r.breaks.len(), 1);
    assert_eq!(r.head.seq, 1);
}

#[test]
fn a_stopped_verifier_stays_stopped_when_resumed() {
    let (mut rows, _) = chain(5, 12);
    rows.remove(1);
    let opts = || VerifyOptions {
        stop_at_first: true,
        ..VerifyOptions::default()
    };
    let mut v = ChainVerifier::new(registry(), opts());
    v.push_bytes(format!("{}\n{}\n", rows[0], rows[1]).as_bytes());
    let state = v.state();
    assert!(state.stopped);
    let state = trustcore::chain::VerifierState::from_value(&state.to_value()).unwrap();
    let mut w = ChainVerifier::resume(registry(), opts(), state).unwrap();
    w.push_bytes(format!("{}\n{}\n", rows[2], rows[3]).as_bytes());
    let r = w.finish();
    assert!(!r.valid);
    assert!(r.breaks.is_empty(), "nothing new is read after the stop");
}

#[test]
fn one_event_against_a_signed_checkpoint() {
    use trustcore::chain::{verify_event_in_checkpoint, EventCheckStage};
    use trustcore::merkle::{Checkpoint, Tree, VerifierKey};
    let (rows, _) = chain(10, 3);
    let reg = registry();
    let mut tree = Tree::new();
    for r in &rows {
        tree.push(
            &trustcore::chain::Event::from_json(r.as_bytes())
                .unwrap()
                .hash,
        );
    }
    let log_key = SecretKey::from_seed(&[77; 32]);
    let root = tree.root();
    let note = Checkpoint::new("audit.example/log", 10, root)
        .unwrap()
        .sign(&[("audit.example/log", &log_key)])
        .unwrap()
        .to_text();
    let keys = [VerifierKey::new("audit.example/log", log_key.public_key()).unwrap()];
    let check = |row: &str, index: u64, proof: &[[u8; 32]]| {
        verify_event_in_checkpoint(
            row.as_bytes(),
            index,
            proof,
            note.as_bytes(),
            &keys,
            &reg,
            HashAlg::Sha256,
        )
        .unwrap()
    };
    for i in 0..10u64 {
        let proof = tree.inclusion_proof(i, 10).unwrap();
        let r = check(&rows[i as usize], i, &proof);
        assert!(r.valid(), "{i}: {:?}", r.failure);
        assert_eq!(r.event.unwrap().seq(), Some(i + 1));
        assert_eq!(r.checkpoint.checkpoint.size(), 10);
        // The right row at the wrong index, or with another row's proof.
        let other = tree.inclusion_proof((i + 1) % 10, 10).unwrap();
        let r = check(&rows[i as usize], i, &other);
        let f = r.failure.unwrap();
        assert_eq!(f.stage, EventCheckStage::Inclusion);
        // Another leaf's path: a wrong root, or the wrong length for this one.
        assert!(
            matches!(f.reason, "root_mismatch" | "invalid_proof"),
            "{}",
            f.reason
        );
        assert!(r.event.is_some(), "the row itself verified");
    }
    // A tampered row fails on its own, before the proof.
    let tampered = rows[4].replacen("event 5", "event 6", 1);
    assert_ne!(tampered, rows[4]);
    let r = check(&tampered, 4, &tree.inclusion_proof(4, 10).unwrap());
    let f = r.failure.unwrap();
    assert_eq!((f.stage.as_str(), f.reason), ("row", "hash_mismatch"));
    assert!(r.event.is_none());
    // A note under another key opens to an error, not a verdict.
    let stranger = [VerifierKey::new(
        "audit.example/log",
        SecretKey::from_seed(&[78; 32]).public_key(),
    )
    .unwrap()];
    let err = verify_event_in_checkpoint(
        rows[0].as_bytes(),
        0,
        &tree.inclusion_proof(0, 10).unwrap(),
        note.as_bytes(),
        &stranger,
        &reg,
        HashAlg::Sha256,
    )
    .unwrap_err();
    assert_eq!(err.code().as_str(), "no_trusted_signature");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A body handed back by a binding (`to_value`) reads back to itself
    /// (`from_value`) in either naming; the payload keeps its own names.
    #[test]
    fn event_bodies_round_trip_through_their_documents(
        id in "[a-z0-9_-]{1,12}", actor in "\\PC{0,8}", snake in any::<bool>(), key in "[a-z]{1,3}_[a-z]{1,3}",
    ) {
        use trustcore::options::Naming;
        let b = EventBody {
            id,
            ts: "2026-03-01T12:00:00Z".into(),
            event_type: "snapshot.published".into(),
            actor,
            payload: json!({ key.clone(): [1, { "x_y": null }] }),
        };
        let naming = if snake { Naming::Snake } else { Naming::Camel };
        let v = b.to_value(naming);
        prop_assert_eq!(v.get(if snake { "event_type" } else { "eventType" }), Some(&json!("snapshot.published")));
        prop_assert!(v["payload"].get(&key).is_some(), "the payload keeps {}", key);
        prop_assert_eq!(EventBody::from_value(&v, naming).unwrap(), b);
    }
}
