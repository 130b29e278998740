//! Signed snapshots and PII redaction (issue #12): build, sign (locally and
//! remotely, failing closed), verify with line numbers, prove one record,
//! link to the audit chain; redact nested documents deterministically; and
//! a redacted copy that still verifies against the signed snapshot.

use base64::Engine as _;
use proptest::prelude::*;
use serde_json::{json, Value};
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::redact::{self, RedactionKeys, RedactionPolicy};
use trustcore::registry::SignerRegistry;
use trustcore::snapshot::{self, Snapshot, SnapshotBuilder, SnapshotOptions};

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"graph-signer","publicKey":"{}","validFrom":"2026-01-01T00:00:00Z"}},{{"signerId":"kms","publicKey":"{}","algorithm":"ed25519ph"}}]}}"#,
            key(1).public_key().to_base64(),
            key(2).public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

fn trace(i: u64) -> Value {
    json!({
        "trace_id": format!("tr-{i:04}"),
        "ts": format!("2026-03-01T12:{:02}:{:02}Z", i / 60, i % 60),
        "steps": [{"tool": "search", "query": format!("q{i}")}, {"tool": "answer", "user": {"email": "ann@example.com"}}],
        "annotations": {"reviewer": {"Email": "rev@example.org", "phone": "+14155550123"}},
    })
}

fn build(n: u64, alg: trustcore::digest::Algorithm) -> (Vec<u8>, snapshot::UnsignedSnapshot) {
    let mut b = SnapshotBuilder::new(SnapshotOptions {
        hash_alg: alg,
        ..Default::default()
    });
    let mut batch = Vec::new();
    for i in 1..=n {
        batch.extend_from_slice(b.push_value(&trace(i)).unwrap());
    }
    (
        batch,
        b.finish("snap-2026-03-01", "2026-03-01T13:00:00Z").unwrap(),
    )
}

#[test]
fn a_snapshot_signs_verifies_and_names_a_tampered_line() {
    for alg in [
        trustcore::digest::Algorithm::Sha256,
        trustcore::digest::Algorithm::Blake3,
    ] {
        let (batch, unsigned) = build(50, alg);
        let snap = unsigned
            .sign(&key(1), "graph-signer", Algorithm::Ed25519)
            .unwrap();
        let meta = snap.to_value();
        assert_eq!(
            meta["trace_range"],
            json!({"first_trace_id": "tr-0001", "last_trace_id": "tr-0050", "start": "2026-03-01T12:00:01Z", "end": "2026-03-01T12:00:50Z"})
        );
        // The seed's field names, exactly.
        for f in [
            "snapshot_id",
            "trace_range",
            "hash",
            "signer_kid",
            "signature",
            "ts",
        ] {
            assert!(meta.get(f).is_some(), "{f}");
        }
        let again = Snapshot::from_json(snap.to_json().as_bytes()).unwrap();
        let r = snapshot::verify_snapshot(&again, &batch, &registry());
        assert!(r.valid, "{}", r.to_value());
        assert_eq!(r.records, 50);
        // A tampered line, reported with its line number.
        let text = String::from_utf8(batch.clone()).unwrap();
        let tampered = text.replacen("q17", "q99", 1);
        let r = snapshot::verify_snapshot(&again, tampered.as_bytes(), &registry());
        assert!(!r.valid);
        assert!(r
            .failure_counts
            .contains_key(&snapshot::Failure::HashMismatch));
        // A re-spelled (not canonical) line names its line.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[6] = lines[6].replacen("{", "{ ", 1);
        let r =
            snapshot::verify_snapshot(&again, (lines.join("\n") + "\n").as_bytes(), &registry());
        let f = r
            .failures
            .iter()
            .find(|f| f.code == snapshot::Failure::NotCanonical)
            .unwrap();
        assert_eq!(f.line, Some(7));
        // Unknown signer, or a time outside the key's window.
        let other = SignerRegistry::from_json(br#"{"signers":[]}"#).unwrap();
        assert!(snapshot::verify_snapshot(&again, &batch, &other)
            .failure_counts
            .contains_key(&snapshot::Failure::UnknownSigner));
    }
}

#[test]
fn remote_signing_fails_closed_and_kms_digest_mode_works() {
    let (batch, unsigned) = build(5, trustcore::digest::Algorithm::Sha256);
    let p = unsigned.prepare("kms", Algorithm::Ed25519ph).unwrap();
    // A KMS in DIGEST mode signs the 64-byte SHA-512 it is given.
    let msg = p.message();
    assert_eq!(msg.len(), 64);
    let good = trustcore::sign::sign_prehashed_digest(&key(2), &msg).unwrap();
    let wrong = trustcore::sign::sign_prehashed_digest(&key(3), &msg).unwrap();
    let e = p.clone().attach(&wrong, &key(2).public_key()).unwrap_err();
    assert_eq!(e.code(), "remote_signature_invalid");
    let snap = p.attach(&good, &key(2).public_key()).unwrap();
    assert!(snapshot::verify_snapshot(&snap, &batch, &registry()).valid);
}

#[test]
fn one_record_is_proven_on_its_own_and_the_audit_event_references_the_snapshot() {
    let (batch, unsigned) = build(9, trustcore::digest::Algorithm::Sha256);
    let snap = unsigned
        .sign(&key(1), "graph-signer", Algorithm::Ed25519)
        .unwrap();
    let lines: Vec<&[u8]> = batch
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    for i in 0..9u64 {
        let proof = snapshot::record_proof(&batch, i).unwrap();
        assert!(snapshot::verify_record(&snap, lines[i as usize], i, &proof, &registry()).valid);
        let other = (i + 1) % 9;
        assert!(
            !snapshot::verify_record(&snap, lines[other as usize], i, &proof, &registry()).valid
        );
    }
    let mut w = trustcore::chain::ChainWriter::new(
        trustcore::chain::Head::default(),
        trustcore::digest::Algorithm::Sha256,
        "graph-signer",
        Algorithm::Ed25519,
        key(1).public_key(),
    )
    .unwrap();
    let row = w
        .append(
            snap.event_body(
                "6f1c2a4e-0000-4000-8000-000000000001",
                "2026-03-01T13:00:01Z",
                "svc:graph",
            ),
            &key(1),
        )
        .unwrap();
    snap.check_event(&row).unwrap();
    let (_, other) = build(3, trustcore::digest::Algorithm::Sha256);
    let other = other
        .sign(&key(1), "graph-signer", Algorithm::Ed25519)
        .unwrap();
    assert_eq!(
        other.check_event(&row).unwrap_err().code(),
        "event_mismatch"
    );
}

fn policy() -> RedactionPolicy {
    RedactionPolicy::from_value(&json!({
        "type": "trustcore.redaction-policy/v1", "id": "traces-external", "version": 1,
        "rules": [
            {"id": "emails", "select": {"keys": ["email", "e_mail"]}, "action": "replace", "class": "email"},
            {"id": "phones", "select": {"detect": "phone"}, "action": "mask", "keep": 4},
            {"id": "queries", "select": {"pointer": "/steps/*/query"}, "action": "pseudonymize", "class": "query"},
            {"id": "secrets", "select": {"pointer": "/**/token"}, "action": "remove", "class": "secret"}
        ]
    }))
    .unwrap()
}

fn keys() -> RedactionKeys {
    RedactionKeys::from_bytes(&[7; 32], Some(&[8; 32])).unwrap()
}

#[test]
fn redaction_reaches_nested_objects_arrays_and_annotations() {
    let mut doc = trace(3);
    doc["steps"][1]["auth"] = json!({"token": "s3cr3t"});
    let r = redact::redact(&doc, &policy(), &keys()).unwrap();
    let out: Value = serde_json::from_slice(&r.redacted).unwrap();
    assert_eq!(out["steps"][1]["user"]["email"], "[REDACTED]");
    assert_eq!(
        out["annotations"]["reviewer"]["Email"], "[REDACTED]",
        "class names are case-insensitive"
    );
    assert_eq!(out["annotations"]["reviewer"]["phone"], "********0123");
    assert!(out["steps"][0]["query"]
        .as_str()
        .unwrap()
        .starts_with("pseud:"));
    assert!(out["steps"][1]["auth"].get("token").is_none());
    let pointers: Vec<&str> = r
        .record
        .redactions
        .iter()
        .map(|e| e.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        [
            "/annotations/reviewer/Email",
            "/annotations/reviewer/phone",
            "/steps/0/query",
            "/steps/1/auth/token",
            "/steps/1/user/email"
        ]
    );
    // Deterministic: the same bytes again; the same query gives the same
    // pseudonym (joins still work).
    assert_eq!(redact::redact(&doc, &policy(), &keys()).unwrap(), r);
    let mut d2 = trace(3);
    d2["steps"][0]["query"] = json!("q3");
    let r2 = redact::redact(&d2, &policy(), &keys()).unwrap();
    let o2: Value = serde_json::from_slice(&r2.redacted).unwrap();
    assert_eq!(o2["steps"][0]["query"], out["steps"][0]["query"]);
    // A privileged reader proves what was removed.
    let record = r.record.to_value();
    let entry = &record["redactions"][3];
    assert!(redact::proves(entry, &json!("s3cr3t"), &[7; 32]));
    assert!(!redact::proves(entry, &json!("guess"), &[7; 32]));
    assert!(!redact::proves(entry, &json!("s3cr3t"), &[9; 32]));
    // No pseudonym key for a policy that pseudonymizes.
    let e = redact::redact(
        &doc,
        &policy(),
        &RedactionKeys::from_bytes(&[7; 32], None).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "missing_key");
}

#[test]
fn a_redacted_copy_verifies_against_the_signed_snapshot() {
    // The producer commits each record and snapshots the commitment form.
    let mut b = SnapshotBuilder::new(SnapshotOptions::default());
    let mut batch = Vec::new();
    let mut all_disclosures = Vec::new();
    for i in 1..=4 {
        let c = redact::commit(&trace(i), &policy(), &[7; 32]).unwrap();
        batch.extend_from_slice(b.push_value(&c.record).unwrap());
        all_disclosures.push(c.disclosures);
    }
    let snap = b
        .finish("snap-redacted", "2026-03-01T13:00:00Z")
        .unwrap()
        .sign(&key(1), "graph-signer", Algorithm::Ed25519)
        .unwrap();
    // A non-privileged reader gets the batch (or one record and its proof)
    // and some disclosures: the snapshot verifies, and they see exactly what
    // was disclosed.
    assert!(snapshot::verify_snapshot(&snap, &batch, &registry()).valid);
    let line = batch.split(|b| *b == b'\n').nth(1).unwrap();
    let record: Value = serde_json::from_slice(line).unwrap();
    assert!(record["annotations"]["reviewer"].get("Email").is_none());
    let ds = &all_disclosures[1];
    let email = ds
        .iter()
        .find(|d| {
            String::from_utf8(
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(d)
                    .unwrap(),
            )
            .unwrap()
            .contains("rev@example.org")
        })
        .unwrap();
    let view = redact::disclose(&record, &[email.as_str()]).unwrap();
    assert_eq!(view["annotations"]["reviewer"]["Email"], "rev@example.org");
    assert!(
        view["annotations"]["reviewer"].get("phone").is_none(),
        "not disclosed, not shown"
    );
    assert!(view["annotations"]["reviewer"].get("_sd").is_none());
    // Everything disclosed gives the original back.
    let all: Vec<&str> = ds.iter().map(String::as_str).collect();
    assert_eq!(redact::disclose(&record, &all).unwrap(), trace(2));
    // Refusals: a disclosed value changed, a value restored with a wrong
    // salt (its digest is nowhere), the same disclosure twice, a collision.
    let forged = {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(email)
            .unwrap();
        let text = String::from_utf8(raw)
            .unwrap()
            .replace("rev@example.org", "eve@example.org");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    };
    assert_eq!(
        redact::disclose(&record, &[forged.as_str()])
            .unwrap_err()
            .code(),
        "unreferenced_disclosure"
    );
    let wrong_salt = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        serde_json::to_vec(&json!([
            "AAAAAAAAAAAAAAAAAAAAAA",
            "Email",
            "rev@example.org"
        ]))
        .unwrap(),
    );
    assert_eq!(
        redact::disclose(&record, &[wrong_salt.as_str()])
            .unwrap_err()
            .code(),
        "unreferenced_disclosure"
    );
    assert_eq!(
        redact::disclose(&record, &[email.as_str(), email.as_str()])
            .unwrap_err()
            .code(),
        "duplicate_digest"
    );
    let mut colliding = record.clone();
    colliding["annotations"]["reviewer"]["Email"] = json!("already here");
    assert_eq!(
        redact::disclose(&colliding, &[email.as_str()])
            .unwrap_err()
            .code(),
        "claim_collision"
    );
    let mut dup = record.clone();
    let d0 = dup["annotations"]["reviewer"]["_sd"][0].clone();
    dup["annotations"]["reviewer"]["_sd"]
        .as_array_mut()
        .unwrap()
        .push(d0);
    assert_eq!(
        redact::disclose(&dup, &[]).unwrap_err().code(),
        "duplicate_digest"
    );
    assert_eq!(
        redact::disclose(&record, &["not base64!"])
            .unwrap_err()
            .code(),
        "invalid_disclosure"
    );
}

#[test]
fn policies_are_checked_with_a_path() {
    let base = policy().to_value();
    let check = |edit: &dyn Fn(&mut Value), code: &str, path: &str| {
        let mut d = base.clone();
        edit(&mut d);
        let e = RedactionPolicy::from_value(&d).unwrap_err();
        assert_eq!((e.code().as_str(), e.path()), (code, Some(path)), "{e}");
    };
    check(
        &|d| d["rules"][1]["select"]["detect"] = json!("ssn-us"),
        "invalid_policy",
        "/rules/1/select/detect",
    );
    check(
        &|d| d["rules"][0]["action"] = json!("hash"),
        "invalid_policy",
        "/rules/0/action",
    );
    check(
        &|d| d["rules"][2]["select"]["pointer"] = json!("steps/*"),
        "invalid_policy",
        "/rules/2/select/pointer",
    );
    check(
        &|d| d["rules"][0]["keep"] = json!(2),
        "invalid_policy",
        "/rules/0/keep",
    );
    check(
        &|d| d["rules"][3]["id"] = json!("emails"),
        "invalid_policy",
        "/rules/3/id",
    );
    check(
        &|d| d["type"] = json!("trustcore.redaction-policy/v9"),
        "unsupported_policy_version",
        "/type",
    );
    check(
        &|d| d["rules"][0]["select"]["pointer"] = json!("/x"),
        "invalid_policy",
        "/rules/0/select",
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Committing then disclosing everything gives the record back; any
    /// subset shows exactly the disclosed members; the redacted view never
    /// shows an undisclosed selected value.
    #[test]
    fn commit_disclose_round_trip(i in 1u64..500, mask in any::<u8>()) {
        let doc = trace(i);
        let c = redact::commit(&doc, &policy(), &[5; 32]).unwrap();
        let all: Vec<&str> = c.disclosures.iter().map(String::as_str).collect();
        prop_assert_eq!(redact::disclose(&c.record, &all).unwrap(), doc.clone());
        let some: Vec<&str> = all.iter().enumerate().filter(|(j, _)| mask & (1 << (j % 8)) != 0).map(|(_, d)| *d).collect();
        let view = redact::disclose(&c.record, &some).unwrap();
        let text = serde_json::to_string(&view).unwrap();
        prop_assert!(!text.contains("_sd"));
        let has_rev = text.contains("rev@example.org");
        let gave_rev = some.iter().any(|d| String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(d).unwrap()).unwrap().contains("rev@example.org"));
        prop_assert_eq!(has_rev, gave_rev);
        // The report: each given disclosure opened once, at a pointer that
        // resolves in the view; every other digest counted where it sits.
        let r = redact::disclose_report(&c.record, &some).unwrap();
        prop_assert_eq!(&r.view, &view);
        prop_assert_eq!(r.opened.len(), some.len());
        for p in &r.opened {
            prop_assert!(view.pointer(p).is_some(), "{} not in the view", p);
        }
        let left: u64 = r.hidden.iter().map(|h| h.digests).sum();
        prop_assert_eq!(left as usize, all.len() - some.len());
        for h in &r.hidden {
            prop_assert!(view.pointer(&h.pointer).is_some_and(|n| n.is_object() || n.is_array()));
        }
        let everything = redact::disclose_report(&c.record, &all).unwrap();
        prop_assert!(everything.hidden.is_empty());
    }
}

/// The edges the independent generator's author found (docs/snapshots.md,
/// docs/redaction.md): each rule is the same on every path.
#[test]
fn edges_hold_whatever_the_path() {
    // A snapshot id is checked when metadata is read, as when it is built.
    let (_, unsigned) = build(2, trustcore::digest::Algorithm::Sha256);
    let snap = unsigned
        .sign(&key(1), "graph-signer", Algorithm::Ed25519)
        .unwrap();
    let mut meta = snap.to_value();
    meta["snapshot_id"] = json!("x".repeat(129));
    let e = Snapshot::from_value(&meta).unwrap_err();
    assert_eq!(e.code(), "invalid_metadata", "{e}");

    // A line over 16 MiB is one malformed line, however the batch is cut.
    let (batch, unsigned) = build(3, trustcore::digest::Algorithm::Sha256);
    let snap = unsigned
        .sign(&key(1), "graph-signer", Algorithm::Ed25519)
        .unwrap();
    let mut big = batch.clone();
    let second = batch.iter().position(|b| *b == b'\n').unwrap() + 1;
    big.splice(
        second..second,
        std::iter::repeat(b'x').take((16 << 20) + 5).chain([b'\n']),
    );
    let whole = snapshot::verify_snapshot(&snap, &big, &registry());
    for chunk in [1 << 20, 7_777_777, 3] {
        let mut v = snapshot::SnapshotVerifier::new(snap.clone(), registry());
        let step = if chunk == 3 { big.len() - 3 } else { chunk };
        for c in big.chunks(step) {
            v.push_bytes(c);
        }
        let r = v.finish();
        assert_eq!(r, whole, "cut every {step} bytes");
    }
    let f = &whole.failures[0];
    assert_eq!(
        (f.code.as_str(), f.line),
        ("malformed_line", Some(2)),
        "{:?}",
        whole
    );
    assert_eq!(whole.records, 3);

    // Array indexes in pointer patterns are plain decimals.
    let p = RedactionPolicy::from_value(&json!({
        "type": "trustcore.redaction-policy/v1", "id": "p", "version": 1,
        "rules": [
            {"id": "plus", "select": {"pointer": "/a/+1"}, "action": "remove"},
            {"id": "zero", "select": {"pointer": "/a/01"}, "action": "remove"},
            {"id": "one", "select": {"pointer": "/b/1"}, "action": "remove"}
        ]
    }))
    .unwrap();
    let r = redact::redact(&json!({"a": [0, 1, 2], "b": [0, 1, 2]}), &p, &keys()).unwrap();
    assert_eq!(r.redacted, br#"{"a":[0,1,2],"b":[0,2]}"#.to_vec());

    // The root must be an object; commitment form refuses what looks like
    // commitment form anywhere, hidden or not.
    for doc in [json!([1, 2]), json!("text")] {
        assert_eq!(
            redact::redact(&doc, &policy(), &keys()).unwrap_err().code(),
            "invalid_document"
        );
        assert_eq!(
            redact::commit(&doc, &policy(), &[7; 32])
                .unwrap_err()
                .code(),
            "invalid_document"
        );
    }
    for doc in [
        json!({"steps": [{"...": "x"}]}),
        json!({"user": {"email": {"_sd": ["x"]}}}),
    ] {
        let e = redact::commit(&doc, &policy(), &[7; 32]).unwrap_err();
        assert_eq!(e.code(), "invalid_document", "{e}");
    }
}
