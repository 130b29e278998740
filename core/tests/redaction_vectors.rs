//! Runs test-vectors/redaction.json (docs/redaction.md), written by the
//! independent generator tools/gen_redaction.py: policies loaded (their
//! digests) and refused (code and JSON Pointer), every detector's edges,
//! redacted bytes and records, pseudonyms under given keys, privileged
//! proofs, commitment forms and their disclosures, every RFC 9901 refusal,
//! and commitment-form snapshots whose redacted views still verify, all
//! through the public API.

use serde_json::Value;
use std::collections::BTreeMap;
use trustcore::canonical;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::redact::{self, detect::Detector, RedactionKeys, RedactionPolicy};
use trustcore::registry::SignerRegistry;
use trustcore::snapshot::{
    record_proof, verify_record, verify_snapshot, SnapshotBuilder, SnapshotOptions,
};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../test-vectors/redaction.json")).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn cases<'v>(doc: &'v Value, section: &str) -> &'v Vec<Value> {
    let list = doc[section].as_array().unwrap();
    assert!(!list.is_empty(), "{section} is empty");
    list
}

fn canon(v: &Value) -> String {
    String::from_utf8(canonical::canonicalize_value(v, &Default::default()).unwrap()).unwrap()
}

fn key(doc: &Value, name: &Value) -> [u8; 32] {
    hex::decode(s(&doc["keys"][s(name)]))
        .unwrap()
        .try_into()
        .unwrap()
}

fn policies(doc: &Value) -> BTreeMap<String, RedactionPolicy> {
    doc["policies"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, d)| {
            let p = RedactionPolicy::from_json(canon(d).as_bytes())
                .unwrap_or_else(|e| panic!("policy {name}: {e}"));
            (name.clone(), p)
        })
        .collect()
}

fn document<'v>(doc: &'v Value, c: &'v Value) -> &'v Value {
    match &c["document"] {
        Value::String(name) => &doc["documents"][name],
        d => d,
    }
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(s).collect()
}

#[test]
fn policies_load_with_their_digests_and_refusals_name_the_member() {
    let doc = vectors();
    for (name, p) in policies(&doc) {
        assert_eq!(p.digest(), s(&doc["policyDigests"][&name]), "{name}");
        assert_eq!(p.to_value(), doc["policies"][&name], "{name}");
    }
    for c in cases(&doc, "policyErrors") {
        let id = s(&c["id"]);
        let text = match c.get("policyText") {
            Some(t) => s(t).to_string(),
            None => canon(&c["policy"]),
        };
        let e = RedactionPolicy::from_json(text.as_bytes())
            .err()
            .unwrap_or_else(|| panic!("{id} loads"));
        assert_eq!(e.code(), s(&c["error"]["code"]), "{id}: {e}");
        if let Some(path) = c["error"].get("path") {
            assert_eq!(e.path(), Some(s(path)), "{id}: {e}");
        }
    }
}

#[test]
fn every_detector_gives_the_vectors_verdict() {
    let doc = vectors();
    let mut seen = std::collections::BTreeSet::new();
    for c in cases(&doc, "detectors") {
        let d = Detector::from_name(s(&c["detector"])).unwrap();
        let v = s(&c["value"]);
        assert_eq!(
            d.matches(v),
            c["matches"].as_bool().unwrap(),
            "{} on {v:?}",
            d.as_str()
        );
        seen.insert((d.as_str(), c["matches"].as_bool().unwrap()));
    }
    for d in Detector::ALL {
        assert!(
            seen.contains(&(d.as_str(), true)) && seen.contains(&(d.as_str(), false)),
            "{d:?}"
        );
    }
}

fn keys(doc: &Value, c: &Value) -> Result<RedactionKeys, trustcore::redact::Error> {
    let salt = key(doc, &c["saltKey"]);
    let n = c.get("saltKeyBytes").and_then(Value::as_u64).unwrap_or(32) as usize;
    let pseudonym = match &c["pseudonymKey"] {
        Value::Null => None,
        name => Some(key(doc, name)),
    };
    RedactionKeys::from_bytes(&salt[..n], pseudonym.as_ref().map(|k| &k[..]))
}

#[test]
fn redactions_give_the_bytes_and_the_record() {
    let doc = vectors();
    let ps = policies(&doc);
    for c in cases(&doc, "redactions") {
        let id = s(&c["id"]);
        let r = redact::redact(
            document(&doc, c),
            &ps[s(&c["policy"])],
            &keys(&doc, c).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(
            String::from_utf8(r.redacted.clone()).unwrap(),
            s(&c["redacted"]),
            "{id}"
        );
        assert_eq!(r.record.to_value(), c["record"], "{id} record");
        // The record's canonical bytes, written directly, are those of
        // canonicalizing the expected document.
        assert_eq!(
            r.record.to_canonical_json(),
            canon(&c["record"]),
            "{id} record bytes"
        );
        // From the document's JSON text: the same bytes and record.
        let text = document(&doc, c).to_string();
        let from_text = redact::redact_text(
            text.as_bytes(),
            &ps[s(&c["policy"])],
            &keys(&doc, c).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{id} from text: {e}"));
        assert_eq!(from_text, r, "{id} from text");
    }
    for c in cases(&doc, "redactErrors") {
        let id = s(&c["id"]);
        let code = match keys(&doc, c) {
            Err(e) => e.code().as_str().to_string(),
            Ok(k) => {
                let p = &ps[s(&c["policy"])];
                let code = redact::redact(document(&doc, c), p, &k)
                    .err()
                    .unwrap_or_else(|| panic!("{id} redacts"))
                    .code()
                    .to_string();
                // From text, the same refusal.
                let text = document(&doc, c).to_string();
                let e = redact::redact_text(text.as_bytes(), p, &k)
                    .err()
                    .unwrap_or_else(|| panic!("{id} redacts from text"));
                assert_eq!(e.code(), code, "{id} from text");
                code
            }
        };
        assert_eq!(code, s(&c["code"]), "{id}");
    }
}

#[test]
fn a_privileged_reader_proves_what_was_removed() {
    let doc = vectors();
    for c in cases(&doc, "proofs") {
        let id = s(&c["id"]);
        let run = cases(&doc, "redactions")
            .iter()
            .find(|r| r["id"] == c["redaction"])
            .unwrap();
        let entry = &run["record"]["redactions"][c["entry"].as_u64().unwrap() as usize];
        assert_eq!(
            redact::proves(entry, &c["value"], &key(&doc, &c["saltKey"])),
            c["proves"].as_bool().unwrap(),
            "{id}"
        );
    }
}

#[test]
fn commitment_forms_and_disclosures() {
    let doc = vectors();
    let ps = policies(&doc);
    let mut committed = BTreeMap::new();
    for c in cases(&doc, "commitments") {
        let id = s(&c["id"]);
        let got = redact::commit(
            document(&doc, c),
            &ps[s(&c["policy"])],
            &key(&doc, &c["saltKey"]),
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(canon(&got.record), s(&c["committed"]), "{id}");
        assert_eq!(got.disclosures, strs(&c["disclosures"]), "{id}");
        committed.insert(id.to_string(), got.record);
    }
    for c in cases(&doc, "commitErrors") {
        let id = s(&c["id"]);
        let e = redact::commit(
            document(&doc, c),
            &ps[s(&c["policy"])],
            &key(&doc, &c["saltKey"]),
        )
        .err()
        .unwrap_or_else(|| panic!("{id} commits"));
        assert_eq!(e.code(), s(&c["code"]), "{id}");
    }
    let mut codes = std::collections::BTreeSet::new();
    for c in cases(&doc, "disclosures") {
        let id = s(&c["id"]);
        let record = match c.get("commitment") {
            Some(name) => &committed[s(name)],
            None => &c["committed"],
        };
        let given = strs(&c["disclosures"]);
        match (redact::disclose_report(record, &given), c.get("error")) {
            (Ok(r), None) => {
                assert_eq!(r.view, c["expected"], "{id}");
                assert_eq!(r.to_value()["opened"], c["opened"], "{id}: opened");
                assert_eq!(r.to_value()["hidden"], c["hidden"], "{id}: hidden");
                assert_eq!(redact::disclose(record, &given).ok(), Some(r.view), "{id}");
            }
            (Err(e), Some(code)) => {
                assert_eq!(e.code(), s(code), "{id}: {e}");
                codes.insert(e.code());
            }
            (got, _) => panic!("{id}: got {got:?}"),
        }
    }
    for code in [
        "invalid_disclosure",
        "duplicate_digest",
        "unreferenced_disclosure",
        "claim_collision",
    ] {
        assert!(codes.contains(code), "no refusal with {code}");
    }
}

fn plain(r: &trustcore::snapshot::SnapshotReport) -> Value {
    let mut v = r.to_value();
    for f in v["failures"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("message");
    }
    v
}

#[test]
fn commitment_form_snapshots_verify_and_disclose() {
    let doc = vectors();
    let ps = policies(&doc);
    let reg = SignerRegistry::from_json(s(&doc["registry"]).as_bytes()).unwrap();
    for c in cases(&doc, "snapshots") {
        let id = s(&c["id"]);
        let policy = &ps[s(&c["policy"])];
        let salt = key(&doc, &c["saltKey"]);
        let mut b = SnapshotBuilder::new(SnapshotOptions::default());
        let mut batch = Vec::new();
        let mut lines = Vec::new();
        for (i, r) in c["records"].as_array().unwrap().iter().enumerate() {
            let cm = redact::commit(r, policy, &salt).unwrap();
            assert_eq!(
                cm.disclosures,
                strs(&c["disclosures"][i]),
                "{id} record {i}"
            );
            let line = b.push_value(&cm.record).unwrap().to_vec();
            assert_eq!(
                std::str::from_utf8(&line).unwrap(),
                format!("{}\n", s(&c["lines"][i])),
                "{id} line {i}"
            );
            batch.extend_from_slice(&line);
            lines.push(cm.record);
        }
        let seed: [u8; 32] = hex::decode(s(&doc["signingKeys"][s(&c["key"])]["seed"]))
            .unwrap()
            .try_into()
            .unwrap();
        let snap = b
            .finish(s(&c["snapshotId"]), s(&c["ts"]))
            .unwrap()
            .sign(
                &SecretKey::from_seed(&seed),
                s(&c["signerKid"]),
                Algorithm::from_name(s(&c["alg"])).unwrap(),
            )
            .unwrap();
        assert_eq!(snap.to_json(), s(&c["metadata"]), "{id} metadata");
        let r = verify_snapshot(&snap, &batch, &reg);
        assert!(r.valid, "{id}: {}", r.to_value());
        // One record on its own, with its proof, verifies too.
        for (i, line) in c["lines"].as_array().unwrap().iter().enumerate() {
            let proof = record_proof(&batch, i as u64).unwrap();
            let want: Vec<String> = strs(&c["proofs"][i])
                .iter()
                .map(|h| h.to_string())
                .collect();
            assert_eq!(
                proof.iter().map(hex::encode).collect::<Vec<_>>(),
                want,
                "{id}"
            );
            assert!(verify_record(&snap, s(line).as_bytes(), i as u64, &proof, &reg).valid);
        }
        for v in c["views"].as_array().unwrap() {
            let ri = v["record"].as_u64().unwrap() as usize;
            let ds = strs(&c["disclosures"][ri]);
            let given: Vec<&str> = v["disclose"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| ds[i.as_u64().unwrap() as usize])
                .collect();
            assert_eq!(
                redact::disclose(&lines[ri], &given).unwrap(),
                v["expected"],
                "{id} view {}",
                v["id"]
            );
        }
        for rf in c["refusals"].as_array().unwrap() {
            let ri = rf["record"].as_u64().unwrap() as usize;
            let e = redact::disclose(&lines[ri], &strs(&rf["disclosures"])).unwrap_err();
            assert_eq!(e.code(), s(&rf["error"]), "{id} {}", rf["id"]);
        }
        let t = &c["tampered"];
        assert_eq!(
            plain(&verify_snapshot(&snap, s(&t["batch"]).as_bytes(), &reg)),
            t["expected"],
            "{id} tampered"
        );
    }
}
