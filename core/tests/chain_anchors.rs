//! Trust anchors are exact (issue #15): a trusted head pins the row at its
//! seq whatever comes after, a checkpoint pins every row it covers, a saved
//! state cannot weaken the checks, and the break list stays bounded.

use proptest::prelude::*;
use serde_json::{json, Value};
use trustcore::chain::{
    verify_jsonl, ChainVerifier, ChainWriter, EventBody, Head, TreeHead, VerifierState,
    VerifyOptions,
};
use trustcore::digest::Algorithm as HashAlg;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::registry::SignerRegistry;

/// The log holder also holds the signing key: the worst case for anchors.
fn key() -> SecretKey {
    SecretKey::from_seed(&[7u8; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"s1","publicKey":"{}"}}]}}"#,
            key().public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

fn body(i: u64, tag: &str) -> EventBody {
    EventBody {
        id: format!("6f1c2a4e-0000-4000-8000-{i:012}"),
        ts: format!("2026-03-01T12:{:02}:{:02}Z", (i / 60) % 60, i % 60),
        event_type: "t".into(),
        actor: "a".into(),
        payload: json!({ "p": tag }),
    }
}

fn writer(head: Head) -> ChainWriter {
    ChainWriter::new(
        head,
        HashAlg::Sha256,
        "s1",
        Algorithm::Ed25519,
        key().public_key(),
    )
    .unwrap()
}

/// Rows 1..=n, with the head after each.
fn chain(n: u64, tag: &str) -> (Vec<String>, Vec<Head>) {
    let mut w = writer(Head::default());
    let mut rows = Vec::new();
    let mut heads = vec![Head::default()];
    for i in 1..=n {
        rows.push(w.append(body(i, tag), &key()).unwrap().to_json());
        heads.push(w.head().clone());
    }
    (rows, heads)
}

/// The original rows up to seq `keep`, then a validly signed forgery from
/// there: `extra` new rows linked to the kept prefix.
fn rewrite(rows: &[String], heads: &[Head], keep: usize, extra: u64) -> Vec<String> {
    let mut out: Vec<String> = rows[..keep].to_vec();
    let mut w = writer(heads[keep].clone());
    for i in 0..extra {
        out.push(
            w.append(body(1000 + keep as u64 + i, "forged"), &key())
                .unwrap()
                .to_json(),
        );
    }
    out
}

fn report(rows: &[String], options: VerifyOptions) -> trustcore::chain::ChainReport {
    verify_jsonl(rows.join("\n").as_bytes(), registry(), options)
}

fn tree_head(rows: &[String], size: usize) -> TreeHead {
    report(&rows[..size], VerifyOptions::default()).merkle
}

#[test]
fn the_issue_reproducer_is_refused() {
    // Node: three rows, the saved head at seq 3; a forgery keeps row 1 and
    // continues with four new rows.
    let (rows, heads) = chain(3, "orig");
    let saved = heads[3].clone();
    let forged = rewrite(&rows, &heads, 1, 4);
    let with_head = |r: &[String]| {
        report(
            r,
            VerifyOptions {
                expected_head: Some(saved.clone()),
                ..VerifyOptions::default()
            },
        )
    };
    assert!(!with_head(&forged[..3]).valid);
    let r = with_head(&forged);
    assert!(!r.valid, "{}", r.to_json());
    assert_eq!(r.breaks[0].reason.as_str(), "head_mismatch");
    assert_eq!(r.breaks[0].seq, Some(3));
    assert!(with_head(&rows).valid);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Any rewrite at or before the trusted head's seq is refused, however
    /// long the forged continuation; an honest extension verifies.
    #[test]
    fn a_trusted_head_pins_history(n in 2u64..10, pin in any::<prop::sample::Index>(), keep in any::<prop::sample::Index>(), extra in 1u64..8) {
        let (rows, heads) = chain(n, "orig");
        let pin = 1 + pin.index(n as usize);
        let keep = keep.index(pin);
        let forged = rewrite(&rows, &heads, keep, (pin - keep) as u64 + extra);
        let opts = VerifyOptions { expected_head: Some(heads[pin].clone()), ..VerifyOptions::default() };
        let r = report(&forged, opts.clone());
        prop_assert!(!r.valid, "{}", r.to_json());
        prop_assert_eq!(r.breaks[0].reason.as_str(), "head_mismatch");
        // Extending the true history after the pin is fine.
        let honest = rewrite(&rows, &heads, pin, extra);
        prop_assert!(report(&honest, opts).valid);
    }

    /// The same for a signed checkpoint's tree head: any rewrite of a row it
    /// covers is refused.
    #[test]
    fn a_checkpoint_pins_every_row_it_covers(n in 2u64..10, size in any::<prop::sample::Index>(), keep in any::<prop::sample::Index>(), extra in 1u64..8) {
        let (rows, heads) = chain(n, "orig");
        let size = 1 + size.index(n as usize);
        let keep = keep.index(size);
        let cp = tree_head(&rows, size);
        let forged = rewrite(&rows, &heads, keep, (size - keep) as u64 + extra);
        let opts = VerifyOptions { checkpoint: Some(cp), ..VerifyOptions::default() };
        let r = report(&forged, opts.clone());
        prop_assert!(!r.valid, "{}", r.to_json());
        prop_assert_eq!(r.breaks[0].reason.as_str(), "checkpoint_mismatch");
        prop_assert!(report(&rewrite(&rows, &heads, size, extra), opts).valid);
    }

    /// Every edit of a saved state is refused, or the resumed verifier
    /// reports exactly what the unedited state gives (edits of a member the
    /// check covers are refused even when the editor recomputes the check,
    /// unless they describe a state a real run could write).
    #[test]
    fn an_edited_state_is_refused_or_changes_nothing(n in 4u64..12, cut in any::<prop::sample::Index>(), tamper in any::<prop::sample::Index>(), field in 0usize..9, delta in 1u64..3, recheck in any::<bool>(), garbage in any::<bool>()) {
        let (mut rows, heads) = chain(n, "orig");
        if tamper.index(4) == 0 {
            let i = tamper.index(rows.len());
            rows[i] = rows[i].replace("orig", "ORIG");
        }
        let cut = 1 + cut.index(rows.len() - 1);
        let opts = VerifyOptions { expected_head: Some(heads[n as usize].clone()), ..VerifyOptions::default() };
        let mut v = ChainVerifier::new(registry(), opts.clone());
        for r in &rows[..cut] { v.push_row(r.as_bytes()); }
        let state = v.state().to_value();
        let tail: Vec<String> = if garbage { vec!["not json".into(); 3] } else { rows[cut..].to_vec() };
        let finish = |s: &Value| -> Option<(bool, u64)> {
            let st = VerifierState::from_value(s).ok()?;
            let mut w = ChainVerifier::resume(registry(), opts.clone(), st).ok()?;
            for r in &tail { w.push_row(r.as_bytes()); }
            let r = w.finish();
            Some((r.valid, r.break_count()))
        };
        let original = finish(&state).expect("an unedited state resumes");
        let mut edited = state.clone();
        let bump = |v: &mut Value| { *v = json!(v.as_u64().unwrap_or(0) + delta) };
        match field {
            0 => edited["stopped"] = json!(!state["stopped"].as_bool().unwrap()),
            1 => bump(&mut edited["breaks"]),
            2 => bump(&mut edited["count"]),
            3 => bump(&mut edited["position"]),
            4 => { edited["break_counts"] = json!({}); edited["breaks"] = json!(0); }
            5 => edited["head"]["hash"] = json!("ab".repeat(32)),
            6 => bump(&mut edited["head"]["seq"]),
            7 => bump(&mut edited["merkle"]["size"]),
            _ => edited["pinned_head"] = json!({"seq": 1, "hash": "00".repeat(32)}),
        }
        prop_assume!(edited != state, "a no-op edit");
        if recheck {
            // The editor recomputes the integrity check.
            let mut body = edited.as_object().unwrap().clone();
            body.remove("check");
            let canon = trustcore::canonical::canonicalize_value(&Value::Object(body.clone()), &Default::default()).unwrap();
            body.insert("check".into(), json!(trustcore::digest::Digest::of(HashAlg::Sha256, &canon).to_string()));
            edited = Value::Object(body);
        }
        match finish(&edited) {
            None => {}
            Some(got) => {
                // Accepted: it can never pass where the original fails, and
                // it never hides a break the original counted.
                prop_assert!(recheck, "an edit without a new check was accepted");
                prop_assert!(!got.0 || original.0, "edit {field} turned {original:?} into {got:?}");
                prop_assert!(got.1 >= original.1 || !got.0, "edit {field} hid breaks: {original:?} -> {got:?}");
            }
        }
    }
}

#[test]
fn the_issue_state_is_refused() {
    // stopped: true with no break, which no real run writes: the check
    // recomputed so only the consistency rules stand in the way.
    let st = VerifierState {
        stopped: true,
        ..VerifierState::from_head(
            Head::default(),
            &trustcore::profile::ChainProfile::trustcore_v1(),
        )
    };
    let e = VerifierState::from_value(&st.to_value()).unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_state");
    assert!(e.message().contains("stops only at a break"), "{e}");
}

#[test]
fn a_state_past_an_unchecked_anchor_is_refused() {
    let (rows, heads) = chain(6, "orig");
    let mut v = ChainVerifier::new(registry(), VerifyOptions::default());
    for r in &rows[..4] {
        v.push_row(r.as_bytes());
    }
    let state = v.state();
    let with = |o: VerifyOptions| ChainVerifier::resume(registry(), o, state.clone());
    let e = with(VerifyOptions {
        expected_head: Some(heads[2].clone()),
        ..VerifyOptions::default()
    })
    .unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_state");
    assert!(with(VerifyOptions {
        checkpoint: Some(tree_head(&rows, 3)),
        ..VerifyOptions::default()
    })
    .is_err());
    // Ahead of the state: checked when the chain gets there.
    let mut ok = with(VerifyOptions {
        expected_head: Some(heads[6].clone()),
        checkpoint: Some(tree_head(&rows, 5)),
        ..VerifyOptions::default()
    })
    .unwrap();
    for r in &rows[4..] {
        ok.push_row(r.as_bytes());
    }
    assert!(ok.finish().valid);
    // A state that checked the anchor resumes with the same anchor.
    let opts = VerifyOptions {
        expected_head: Some(heads[2].clone()),
        ..VerifyOptions::default()
    };
    let mut v = ChainVerifier::new(registry(), opts.clone());
    for r in &rows[..4] {
        v.push_row(r.as_bytes());
    }
    let st = VerifierState::from_value(&v.state().to_value()).unwrap();
    assert!(ChainVerifier::resume(registry(), opts, st).is_ok());
}

#[test]
fn an_empty_checkpoint_is_checked() {
    let bogus = TreeHead {
        size: 0,
        root: [9; 32],
    };
    let r = report(
        &[],
        VerifyOptions {
            checkpoint: Some(bogus),
            ..VerifyOptions::default()
        },
    );
    assert!(!r.valid);
    assert_eq!(r.breaks[0].reason.as_str(), "checkpoint_mismatch");
    let empty = tree_head(&[], 0);
    let r = report(
        &[],
        VerifyOptions {
            checkpoint: Some(empty),
            ..VerifyOptions::default()
        },
    );
    assert!(r.valid, "{}", r.to_json());
}

#[test]
fn twenty_megabytes_of_garbage_keep_a_bounded_break_list() {
    let line = "x".repeat(99);
    let mut text = Vec::with_capacity(20 << 20);
    while text.len() < 20 << 20 {
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    let r = verify_jsonl(&text, registry(), VerifyOptions::default());
    assert!(!r.valid);
    assert_eq!(r.breaks.len(), trustcore::chain::DEFAULT_MAX_BREAKS);
    assert_eq!(r.break_count(), r.rows);
    assert_eq!(
        r.break_counts.get(&trustcore::chain::Reason::MalformedRow),
        Some(&r.rows)
    );
    let few = verify_jsonl(
        &text,
        registry(),
        VerifyOptions {
            max_breaks: 3,
            ..VerifyOptions::default()
        },
    );
    assert_eq!(few.breaks.len(), 3);
    assert_eq!(few.break_count(), r.break_count());
    // Each kept message quotes at most a short excerpt of the input.
    let huge_id = format!(
        r#"{{"actor":"a","event_type":"t","hash":"{z}","id":"{}","payload":null,"prev_hash":"{z}","seq":1,"signature":"{s}","signer_id":"s1","ts":"2026-03-01T12:00:00Z"}}"#,
        "x".repeat(500_000),
        z = "0".repeat(64),
        s = "A".repeat(86) + "=="
    );
    let r = verify_jsonl(huge_id.as_bytes(), registry(), VerifyOptions::default());
    assert!(
        r.breaks[0].message.len() < 300,
        "{}",
        r.breaks[0].message.len()
    );
}
