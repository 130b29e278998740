//! Runs test-vectors/snapshots.json (docs/snapshots.md), written by the
//! independent generator tools/gen_snapshots.py: every build (lines,
//! unsigned metadata, the bytes a remote signer gets, the signed metadata),
//! builder errors, remote answers that must be refused, every verification
//! report (fed whole, byte by byte and in chunks), refused metadata, record
//! proofs and the snapshot.published audit link, all through the public API.

use serde_json::{json, Value};
use trustcore::chain::{ChainWriter, Head, Row};
use trustcore::digest::Algorithm as Digest;
use trustcore::envelope::Algorithm;
use trustcore::keys::{PublicKey, SecretKey};
use trustcore::options::Naming;
use trustcore::profile::ChainProfile;
use trustcore::registry::SignerRegistry;
use trustcore::snapshot::{
    record_proof, verify_record, verify_snapshot, Snapshot, SnapshotBuilder, SnapshotOptions,
    SnapshotReport, SnapshotVerifier,
};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../test-vectors/snapshots.json")).unwrap()
}

fn cases<'v>(doc: &'v Value, section: &str) -> &'v Vec<Value> {
    let list = doc[section].as_array().unwrap();
    assert!(!list.is_empty(), "{section} is empty");
    list
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn registry(doc: &Value) -> SignerRegistry {
    SignerRegistry::from_json(s(&doc["registry"]).as_bytes()).unwrap()
}

fn secret(doc: &Value, name: &Value) -> SecretKey {
    let seed: [u8; 32] = hex::decode(s(&doc["keys"][s(name)]["seed"]))
        .unwrap()
        .try_into()
        .unwrap();
    SecretKey::from_seed(&seed)
}

fn public(doc: &Value, name: &Value) -> PublicKey {
    PublicKey::from_base64(s(&doc["keys"][s(name)]["publicKey"])).unwrap()
}

fn alg(v: &Value) -> Algorithm {
    Algorithm::from_name(s(v)).unwrap()
}

/// The report without messages (they are for people).
fn plain(r: &SnapshotReport) -> Value {
    let mut v = r.to_value();
    for f in v["failures"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("message");
    }
    v
}

fn build(c: &Value) -> Result<(Vec<u8>, trustcore::snapshot::UnsignedSnapshot), (String, String)> {
    let opts = SnapshotOptions::from_value(Some(&c["options"]), Naming::Snake)
        .map_err(|e| ("options".to_string(), e.code().to_string()))?;
    let mut b = SnapshotBuilder::new(opts);
    let mut batch = Vec::new();
    for (i, r) in c["records"].as_array().unwrap().iter().enumerate() {
        let line = b
            .push_text(s(r).as_bytes())
            .map_err(|e| (i.to_string(), e.code().to_string()))?;
        batch.extend_from_slice(line);
    }
    let u = b
        .finish(s(&c["snapshotId"]), s(&c["ts"]))
        .map_err(|e| ("finish".to_string(), e.code().to_string()))?;
    Ok((batch, u))
}

fn built<'v>(doc: &'v Value, id: &str) -> &'v Value {
    cases(doc, "builds")
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no build {id}"))
}

#[test]
fn builds_give_the_lines_the_metadata_and_the_signer_bytes() {
    let doc = vectors();
    let reg = registry(&doc);
    for c in cases(&doc, "builds") {
        let id = s(&c["id"]);
        let (batch, unsigned) = build(c).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let lines: String = c["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{}\n", s(l)))
            .collect();
        assert_eq!(String::from_utf8(batch.clone()).unwrap(), lines, "{id}");
        assert_eq!(s(&c["batch"]).as_bytes(), batch.as_slice(), "{id}");
        assert_eq!(unsigned.to_value(), c["unsigned"], "{id} unsigned metadata");
        let a = alg(&c["alg"]);
        let p = unsigned.prepare(s(&c["signerKid"]), a).unwrap();
        assert_eq!(hex::encode(p.message()), s(&c["message"]), "{id} message");
        if a == Algorithm::Ed25519 {
            assert_eq!(p.message(), s(&c["signingInput"]).as_bytes(), "{id}");
        }
        let snap = unsigned
            .sign(&secret(&doc, &c["key"]), s(&c["signerKid"]), a)
            .unwrap();
        assert_eq!(snap.to_json(), s(&c["metadata"]), "{id} signed metadata");
        let again = Snapshot::from_json(s(&c["metadata"]).as_bytes()).unwrap();
        assert_eq!(again, snap, "{id}");
        let r = verify_snapshot(&again, &batch, &reg);
        assert!(r.valid, "{id}: {}", r.to_value());
        // The seed's field names, exactly.
        for f in [
            "snapshot_id",
            "trace_range",
            "hash",
            "signer_kid",
            "signature",
            "ts",
        ] {
            assert!(snap.to_value().get(f).is_some(), "{id} {f}");
        }
    }
    // Both digests and both signing modes are covered.
    let all = cases(&doc, "builds");
    for (h, a) in [
        ("sha256:", "ed25519"),
        ("blake3:", "ed25519"),
        ("sha256:", "ed25519ph"),
        ("blake3:", "ed25519ph"),
    ] {
        assert!(all
            .iter()
            .any(|c| s(&c["unsigned"]["hash"]).starts_with(h) && c["alg"] == a));
    }
}

#[test]
fn builder_errors_have_their_codes_where_they_happen() {
    let doc = vectors();
    for c in cases(&doc, "buildErrors") {
        let id = s(&c["id"]);
        let e = build(c).err().unwrap_or_else(|| panic!("{id} builds"));
        let at = match &c["error"]["at"] {
            Value::Number(n) => n.to_string(),
            v => s(v).to_string(),
        };
        assert_eq!(e, (at, s(&c["error"]["code"]).to_string()), "{id}");
    }
}

#[test]
fn remote_answers_are_verified_before_any_metadata_exists() {
    let doc = vectors();
    for c in cases(&doc, "remote") {
        let id = s(&c["id"]);
        let b = built(&doc, s(&c["build"]));
        let (_, unsigned) = build(b).unwrap();
        let p = unsigned
            .prepare(s(&b["signerKid"]), alg(&b["alg"]))
            .unwrap();
        let answer = hex::decode(s(&c["answer"])).unwrap();
        match (
            p.attach(&answer, &public(&doc, &c["expectedKey"])),
            &c["error"],
        ) {
            (Ok(snap), Value::Null) => assert_eq!(snap.to_json(), s(&b["metadata"]), "{id}"),
            (Err(e), Value::String(code)) => assert_eq!(e.code(), code, "{id}"),
            (got, want) => panic!("{id}: got {got:?}, want {want}"),
        }
    }
}

#[test]
fn verification_reports_every_failure_with_its_line() {
    let doc = vectors();
    let reg = registry(&doc);
    let mut codes = std::collections::BTreeSet::new();
    for c in cases(&doc, "verify") {
        let id = s(&c["id"]);
        let snap = Snapshot::from_json(s(&c["metadata"]).as_bytes())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let batch = s(&c["batch"]).as_bytes();
        let whole = verify_snapshot(&snap, batch, &reg);
        assert_eq!(plain(&whole), c["expected"], "{id}");
        for chunk in [1, 7, 4096] {
            let mut v = SnapshotVerifier::new(snap.clone(), reg.clone());
            for part in batch.chunks(chunk) {
                v.push_bytes(part);
            }
            assert_eq!(
                plain(&v.finish()),
                c["expected"],
                "{id} in chunks of {chunk}"
            );
        }
        for f in whole.failures {
            codes.insert(f.code.as_str());
        }
    }
    // Every report code but not_included (a record proof's) is in a case.
    let all: Vec<&str> = trustcore::snapshot::Failure::ALL
        .iter()
        .map(|f| f.as_str())
        .filter(|c| *c != "not_included")
        .collect();
    let missing: Vec<&&str> = all.iter().filter(|c| !codes.contains(**c)).collect();
    assert!(missing.is_empty(), "no verify case has {missing:?}");
}

#[test]
fn refused_metadata_has_its_code() {
    let doc = vectors();
    for c in cases(&doc, "metadataErrors") {
        let id = s(&c["id"]);
        let e = Snapshot::from_json(s(&c["metadata"]).as_bytes())
            .err()
            .unwrap_or_else(|| panic!("{id} is read"));
        assert_eq!(e.code(), s(&c["code"]), "{id}: {e}");
    }
}

#[test]
fn one_record_is_proven_on_its_own() {
    let doc = vectors();
    let reg = registry(&doc);
    for c in cases(&doc, "proofs") {
        let id = s(&c["id"]);
        let snap = Snapshot::from_json(s(&c["metadata"]).as_bytes()).unwrap();
        let proof: Vec<[u8; 32]> = c["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| hex::decode(s(h)).unwrap().try_into().unwrap())
            .collect();
        let index = c["index"].as_u64().unwrap();
        if let Some(b) = c.get("batch") {
            let batch = s(&built(&doc, s(b))["batch"]).as_bytes();
            assert_eq!(record_proof(batch, index).unwrap(), proof, "{id}");
        }
        let r = verify_record(&snap, s(&c["record"]).as_bytes(), index, &proof, &reg);
        assert_eq!(plain(&r), c["expected"], "{id}");
    }
    for c in cases(&doc, "proofErrors") {
        let batch = s(&built(&doc, s(&c["batch"]))["batch"]).as_bytes();
        let e = record_proof(batch, c["index"].as_u64().unwrap()).unwrap_err();
        assert_eq!(e.code(), s(&c["code"]), "{}", c["id"]);
    }
}

#[test]
fn the_audit_event_publishes_the_snapshot() {
    let doc = vectors();
    let eb = &doc["eventBody"];
    let b = built(&doc, s(&eb["build"]));
    let snap = Snapshot::from_json(s(&b["metadata"]).as_bytes()).unwrap();
    let e = &eb["event"];
    let body = snap.event_body(s(&e["id"]), s(&e["ts"]), s(&e["actor"]));
    assert_eq!(
        json!({"id": body.id, "ts": body.ts, "event_type": body.event_type, "actor": body.actor, "payload": body.payload}),
        eb["body"]
    );
    let key = secret(&doc, &json!("1"));
    let mut w = ChainWriter::new(
        Head::default(),
        Digest::Sha256,
        "graph-signer",
        Algorithm::Ed25519,
        key.public_key(),
    )
    .unwrap();
    let row = w.append(body, &key).unwrap();
    assert_eq!(row.to_json(), s(&eb["row"]));
    let profile = ChainProfile::builtin("trustcore/v1").unwrap();
    for c in cases(&doc, "events") {
        let id = s(&c["id"]);
        let snap = Snapshot::from_json(s(&c["metadata"]).as_bytes()).unwrap();
        let row = Row::read(s(&c["row"]).as_bytes(), &profile).unwrap();
        match (snap.check_event(&row), &c["error"]) {
            (Ok(()), Value::Null) => {}
            (Err(e), Value::String(code)) => assert_eq!(e.code(), code, "{id}"),
            (got, want) => panic!("{id}: got {got:?}, want {want}"),
        }
    }
}
