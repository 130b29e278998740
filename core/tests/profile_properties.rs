//! Chain profiles (issue #10): every built-in profile's rows are written,
//! verified, tampered with and inferred; profile documents are checked with
//! a code and a path for every problem; the generic reader agrees with the
//! trustcore/v1 fast path.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use trustcore::chain::{
    replay_with, verify_jsonl, ChainVerifier, ChainWriter, Head, VerifierState, VerifyOptions,
    WriterOptions,
};
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::profile::{infer_profile, ChainProfile, BUILTIN_NAMES};
use trustcore::registry::SignerRegistry;

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}},{{"signerId":"kms","publicKey":"{}","algorithm":"ed25519ph"}}]}}"#,
            key(1).public_key().to_base64(),
            key(2).public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

fn profile(name: &str) -> Arc<ChainProfile> {
    Arc::new(ChainProfile::builtin(name).unwrap())
}

/// A body in the profile's own columns.
fn body(p: &ChainProfile, i: u64) -> Map<String, Value> {
    let c = &p.columns;
    let mut m = Map::new();
    m.insert(
        c.id.clone(),
        format!("6f1c2a4e-0000-4000-8000-{i:012x}").into(),
    );
    m.insert(
        c.ts.clone(),
        format!("2026-03-01T12:{:02}:{:02}.250Z", i / 60, i % 60).into(),
    );
    if let Some(e) = &c.event_type {
        m.insert(e.clone(), "manifest.signed".into());
    }
    if let Some(a) = &c.actor {
        m.insert(a.clone(), "svc:kernel".into());
    }
    m.insert(
        c.payload.clone(),
        json!({"n": i, "note": "café \u{1F600}", "amount": 12.5}),
    );
    for e in &p.extra {
        m.insert(e.name.clone(), json!("tenant-a"));
    }
    m
}

fn write(p: &Arc<ChainProfile>, n: u64, signer: (&str, u8, Algorithm)) -> Vec<String> {
    let mut w = ChainWriter::with_options(
        signer.0,
        key(signer.1).public_key(),
        WriterOptions {
            alg: signer.2,
            profile: Some(Arc::clone(p)),
            ..WriterOptions::default()
        },
    )
    .unwrap();
    (1..=n)
        .map(|i| w.append_row(body(p, i), &key(signer.1)).unwrap().to_json())
        .collect()
}

fn verify(p: &Arc<ChainProfile>, rows: &[String]) -> trustcore::chain::ChainReport {
    verify_jsonl(
        rows.join("\n").as_bytes(),
        registry(),
        VerifyOptions {
            profile: Some(Arc::clone(p)),
            ..VerifyOptions::default()
        },
    )
}

#[test]
fn every_builtin_writes_rows_that_verify_and_break_where_tampered() {
    for name in BUILTIN_NAMES {
        let p = profile(name);
        for signer in [
            ("kernel-signer", 1, Algorithm::Ed25519),
            ("kms", 2, Algorithm::Ed25519ph),
        ] {
            let rows = write(&p, 6, signer);
            let r = verify(&p, &rows);
            assert!(r.valid, "{name}: {}", r.to_json());
            assert_eq!((r.count, r.merkle.size), (6, 6), "{name}");
            // Every row has exactly the profile's columns.
            let first: Map<String, Value> = serde_json::from_str(&rows[0]).unwrap();
            let mut cols: Vec<&str> = first.keys().map(String::as_str).collect();
            cols.sort();
            assert_eq!(cols, p.column_names(), "{name}");
            // The payload changed: caught by every construction.
            let c = &p.columns;
            let mut bad = rows.clone();
            let mut m: Map<String, Value> = serde_json::from_str(&bad[2]).unwrap();
            m.insert(c.payload.clone(), json!({"n": 999}));
            bad[2] = serde_json::to_string(&m).unwrap();
            let r = verify(&p, &bad);
            assert!(!r.valid, "{name}");
            assert_eq!(r.breaks[0].position, 2, "{name}: {}", r.to_json());
            assert_eq!(r.breaks[0].reason.as_str(), "hash_mismatch", "{name}");
            // A row deleted: the link breaks.
            let mut del = rows.clone();
            del.remove(3);
            let r = verify(&p, &del);
            assert!(!r.valid, "{name}");
            // A missing column is named.
            let mut m: Map<String, Value> = serde_json::from_str(&rows[1]).unwrap();
            m.remove(&c.signature);
            let r = verify(&p, &[rows[0].clone(), serde_json::to_string(&m).unwrap()]);
            assert_eq!(r.breaks[0].reason.as_str(), "malformed_row", "{name}");
            assert!(
                r.breaks[0].message.contains(&c.signature),
                "{name}: {}",
                r.breaks[0].message
            );
            // Replay restores the order of shuffled rows under the profile.
            let mut shuffled = rows.clone();
            shuffled.reverse();
            let rp = replay_with(&shuffled, &Head::default(), &p);
            let order: Vec<String> = rp.events.iter().map(|e| e.to_json()).collect();
            assert_eq!(order, rows, "{name}");
        }
    }
}

#[test]
fn the_generic_reader_agrees_with_the_trustcore_fast_path() {
    // The trustcore/v1 document with its name changed is no longer taken
    // as the built-in: it goes through the profile reader.
    let mut doc = ChainProfile::trustcore_v1().to_value();
    doc["name"] = json!("copy/v1");
    doc["signature"]["algorithm"] = json!("registry");
    let generic = ChainProfile::from_value(&doc).unwrap();
    assert!(generic.is_trustcore_v1(), "same construction");
    let mut as_row = doc.clone();
    as_row["hash"]["input"] = json!("row");
    let generic = Arc::new(ChainProfile::from_value(&as_row).unwrap());
    assert!(!generic.is_trustcore_v1());
    let v1 = profile("trustcore/v1");
    let rows = write(&v1, 8, ("kernel-signer", 1, Algorithm::Ed25519));
    let a = verify(&v1, &rows);
    let b = verify(&generic, &rows);
    assert!(a.valid && b.valid);
    assert_eq!((a.head, a.merkle, a.count), (b.head, b.merkle, b.count));
    // And the same rows written by the generic writer are byte-identical.
    assert_eq!(
        write(&generic, 8, ("kernel-signer", 1, Algorithm::Ed25519)),
        rows
    );
}

#[test]
fn a_resumed_state_is_bound_to_its_profile() {
    let p = profile("kernel/v1");
    let rows = write(&p, 4, ("kernel-signer", 1, Algorithm::Ed25519));
    let opts = VerifyOptions {
        profile: Some(Arc::clone(&p)),
        ..VerifyOptions::default()
    };
    let mut v = ChainVerifier::new(registry(), opts.clone());
    v.push_row(rows[0].as_bytes());
    v.push_row(rows[1].as_bytes());
    let state = VerifierState::from_value(&v.state().to_value()).unwrap();
    let e = ChainVerifier::resume(registry(), VerifyOptions::default(), state.clone()).unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_state");
    let mut w = ChainVerifier::resume(registry(), opts, state).unwrap();
    w.push_row(rows[2].as_bytes());
    w.push_row(rows[3].as_bytes());
    assert!(w.finish().valid);
}

#[test]
fn postgres_timestamps_are_written_and_read_canonically() {
    let p = profile("kernel/v1");
    let rows = write(&p, 2, ("kernel-signer", 1, Algorithm::Ed25519));
    let first: Value = serde_json::from_str(&rows[0]).unwrap();
    assert_eq!(first["created_at"], "2026-03-01 12:00:01.25+00");
    // Trailing zeros, a T or another offset are not PostgreSQL's text.
    for bad in [
        "2026-03-01 12:00:01.250+00",
        "2026-03-01T12:00:01.25+00",
        "2026-03-01 12:00:01.25+01",
    ] {
        let mut m: Map<String, Value> = serde_json::from_str(&rows[0]).unwrap();
        m.insert("created_at".into(), bad.into());
        let r = verify(&p, &[serde_json::to_string(&m).unwrap()]);
        assert_eq!(r.breaks[0].reason.as_str(), "invalid_field", "{bad}");
    }
}

#[test]
fn profile_documents_are_checked_with_a_path() {
    let base = ChainProfile::builtin("kernel/v1").unwrap().to_value();
    let check = |edit: &dyn Fn(&mut Value), code: &str, path: &str| {
        let mut d = base.clone();
        edit(&mut d);
        let e = ChainProfile::from_value(&d).unwrap_err();
        assert_eq!((e.code().as_str(), e.path()), (code, Some(path)), "{e}");
    };
    check(
        &|d| d["type"] = json!("trustcore.chain-profile/v2"),
        "unsupported_profile_version",
        "/type",
    );
    check(
        &|d| d["hash"]["input"] = json!("sha256(row)"),
        "invalid_profile",
        "/hash/input",
    );
    check(
        &|d| d["columns"]["hash"] = json!("prev_hash"),
        "invalid_profile",
        "/columns/hash",
    );
    check(
        &|d| d["columns"]["id"] = json!("id; DROP TABLE"),
        "invalid_profile",
        "/columns/id",
    );
    check(
        &|d| d["columns"]["payloads"] = json!("x"),
        "invalid_profile",
        "/columns/payloads",
    );
    check(&|d| d["order"] = json!("seq"), "invalid_profile", "/order");
    check(
        &|d| d["signature"]["encoding"] = json!("base58"),
        "invalid_profile",
        "/signature/encoding",
    );
    check(
        &|d| d["extraColumns"] = json!([{"name": "payload"}]),
        "invalid_profile",
        "/extraColumns/0/name",
    );
    check(
        &|d| d["hash"]["input"] = json!("trustcore/v1"),
        "invalid_profile",
        "/hash/input",
    );
    let e = ChainProfile::builtin("kernel/v2").unwrap_err();
    assert_eq!(e.code().as_str(), "unknown_profile");
}

#[test]
fn inference_names_each_builtin_from_three_rows() {
    for name in BUILTIN_NAMES {
        let p = profile(name);
        let rows = write(&p, 5, ("kernel-signer", 1, Algorithm::Ed25519));
        // Three rows including the first: the genesis spelling is known.
        let inf = infer_profile(&rows[..3], &registry()).unwrap();
        let names: Vec<&str> = inf.matches.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, [name], "{name}: {}", inf.to_value());
        assert_eq!(inf.matches[0], *p);
        // Three rows without the first: the genesis cannot be told, and
        // every spelling is returned, never a guess.
        let later = infer_profile(&rows[2..5], &registry()).unwrap();
        assert!(later.matches.len() > 1, "{name}: {}", later.to_value());
        assert!(later.matches.contains(&p), "{name}");
        assert!(later.to_value()["ambiguous"].as_bool().unwrap());
    }
}

#[test]
fn inference_says_how_far_it_got() {
    let p = profile("row-digest/v1");
    let rows = write(&p, 3, ("kernel-signer", 1, Algorithm::Ed25519));
    // Another signers file: hashes match, no signature verifies.
    let other = SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}}]}}"#,
            key(9).public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap();
    let inf = infer_profile(&rows, &other).unwrap();
    assert!(inf.matches.is_empty());
    let v = inf.to_value();
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .contains("hash matches under row"),
        "{v}"
    );
    // Edited rows: the hash matches nowhere.
    let edited: Vec<String> = rows.iter().map(|r| r.replace("café", "cafe")).collect();
    let inf = infer_profile(&edited, &registry()).unwrap();
    assert!(inf.matches.is_empty());
    assert!(
        inf.notes
            .iter()
            .any(|n| n.contains("no known construction") || n.contains("edited")),
        "{:?}",
        inf.notes
    );
    assert_eq!(
        infer_profile::<&[u8]>(&[], &registry())
            .unwrap_err()
            .code()
            .as_str(),
        "invalid_sample"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any single-byte change of any row of any built-in profile is found
    /// at that row.
    #[test]
    fn any_flip_is_found_at_its_row(which in 0usize..4, n in 2u64..6, line in any::<prop::sample::Index>(), byte in any::<prop::sample::Index>(), bit in 0u8..8) {
        let p = profile(BUILTIN_NAMES[which]);
        let rows = write(&p, n, ("kernel-signer", 1, Algorithm::Ed25519));
        let k = line.index(rows.len());
        let mut b = rows[k].clone().into_bytes();
        let i = byte.index(b.len());
        b[i] ^= 1 << bit;
        prop_assume!(b[i] != b'\n' && b[i] != b'\r');
        let mut text = Vec::new();
        for (j, r) in rows.iter().enumerate() {
            if j == k { text.extend_from_slice(&b) } else { text.extend_from_slice(r.as_bytes()) }
            text.push(b'\n');
        }
        let r = verify_jsonl(&text, registry(), VerifyOptions { profile: Some(Arc::clone(&p)), ..VerifyOptions::default() });
        // Whitespace flips of canonical text still parse to the same row, and
        // a column the profile's hash and signature do not cover (kernel/v1's
        // created_at, payload-sig/v1's seq and ts) can change unseen: that is
        // what `coverage()` reports. Every other change must be found.
        let before: Value = serde_json::from_str(&rows[k]).unwrap();
        let after = serde_json::from_slice::<Value>(&b).ok();
        prop_assume!(after.as_ref() != Some(&before));
        if let Some(a) = &after {
            let cov = p.coverage();
            let c = &p.columns;
            let mut guarded: Vec<String> = cov["signed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
            guarded.extend([c.hash.clone(), c.signature.clone(), c.prev_hash.clone()]);
            let changed_guarded = a.as_object().map_or(true, |o| {
                o.len() != before.as_object().unwrap().len()
                    || guarded.iter().any(|g| o.get(g) != before.get(g))
                    || o.keys().any(|key| before.get(key).is_none())
            });
            prop_assume!(changed_guarded);
        }
        prop_assert!(!r.valid, "{}", BUILTIN_NAMES[which]);
        prop_assert_eq!(r.breaks[0].position, k as u64);
    }
}
