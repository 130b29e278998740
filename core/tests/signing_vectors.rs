//! Runs test-vectors/signing.json (format: test-vectors/README.md): keys,
//! raw signatures, envelopes, the signer registry, rotations and approvals.
//! The expected values come from independent implementations
//! (tools/gen_signing.py), so every assertion here is a cross-check.

use serde_json::Value;
use trustcore::envelope::{Algorithm, Envelope};
use trustcore::keys::{PublicKey, SecretKey};
use trustcore::registry::{ApprovalSet, SignerRegistry};
use trustcore::time::Timestamp;
use trustcore::{ffi, sign};

fn vectors() -> Value {
    let text = include_str!("../../test-vectors/signing.json");
    serde_json::from_str(text).expect("signing.json is JSON")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
}

fn h(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(s(v, k)).unwrap()
}

fn cases<'a>(doc: &'a Value, section: &str) -> &'a Vec<Value> {
    let list = doc[section].as_array().unwrap();
    assert!(!list.is_empty(), "{section} is empty");
    list
}

fn secret(doc: &Value, id: &str) -> SecretKey {
    let k = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    SecretKey::from_hex(s(k, "seed")).unwrap()
}

fn registry(doc: &Value, name: &str) -> SignerRegistry {
    SignerRegistry::from_json(doc["registries"][name].as_str().unwrap().as_bytes()).unwrap()
}

fn ts(v: &Value) -> Timestamp {
    Timestamp::parse(s(v, "at")).unwrap()
}

#[test]
fn keys_import_and_export_byte_for_byte() {
    let doc = vectors();
    for k in cases(&doc, "keys") {
        let id = s(k, "id");
        let p = &k["publicKey"];
        let want = s(p, "hex");
        let imports = [
            PublicKey::from_hex(s(p, "hex")).unwrap(),
            PublicKey::from_base64(s(p, "base64")).unwrap(),
            PublicKey::from_spki_pem(s(p, "spkiPem")).unwrap(),
            PublicKey::from_jwk(s(p, "jwk")).unwrap(),
        ];
        for pk in &imports {
            assert_eq!(pk.to_hex(), want, "{id}");
        }
        let pk = &imports[0];
        assert_eq!(pk.to_base64(), s(p, "base64"), "{id}");
        assert_eq!(pk.to_spki_pem(), s(p, "spkiPem"), "{id}");
        assert_eq!(pk.to_jwk(None), s(p, "jwk"), "{id}");

        let q = &k["secretKey"];
        let secrets = [
            SecretKey::from_hex(s(q, "hex")).unwrap(),
            SecretKey::from_base64(s(q, "base64")).unwrap(),
            SecretKey::from_pkcs8_pem(s(q, "pkcs8Pem")).unwrap(),
            SecretKey::from_jwk(s(q, "jwk")).unwrap(),
        ];
        for sk in &secrets {
            assert_eq!(sk.public_key().to_hex(), want, "{id}");
        }
        let sk = &secrets[0];
        assert_eq!(sk.to_hex().as_str(), s(q, "hex"), "{id}");
        assert_eq!(sk.to_base64().as_str(), s(q, "base64"), "{id}");
        assert_eq!(sk.to_pkcs8_pem().as_str(), s(q, "pkcs8Pem"), "{id}");
        assert_eq!(sk.to_jwk(None).as_str(), s(q, "jwk"), "{id}");
    }
}

#[test]
fn key_errors_have_their_codes() {
    let doc = vectors();
    for c in cases(&doc, "keyErrors") {
        let input = s(c, "input");
        let got = match (s(c, "key"), s(c, "format")) {
            ("public", "hex") => PublicKey::from_hex(input).map(|_| ()),
            ("public", "base64") => PublicKey::from_base64(input).map(|_| ()),
            ("public", "pem") => PublicKey::from_spki_pem(input).map(|_| ()),
            ("public", "jwk") => PublicKey::from_jwk(input).map(|_| ()),
            ("public", "hygiene") => PublicKey::from_hex(input).and_then(|k| k.check_hygiene()),
            ("secret", "hex") => SecretKey::from_hex(input).map(|_| ()),
            ("secret", "base64") => SecretKey::from_base64(input).map(|_| ()),
            ("secret", "pem") => SecretKey::from_pkcs8_pem(input).map(|_| ()),
            ("secret", "jwk") => SecretKey::from_jwk(input).map(|_| ()),
            other => panic!("unknown key error case {other:?}"),
        };
        let err = got.expect_err(s(c, "id"));
        assert_eq!(err.code().as_str(), s(c, "error"), "{}: {err}", s(c, "id"));
    }
}

#[test]
fn raw_sign_and_verify() {
    let doc = vectors();
    for c in cases(&doc, "sign") {
        let sk = secret(&doc, s(c, "key"));
        assert_eq!(
            sign::sign(&sk, &h(c, "message")).to_vec(),
            h(c, "signature"),
            "{}",
            s(c, "id")
        );
    }
    for c in cases(&doc, "verify") {
        let got = sign::verify(&h(c, "publicKey"), &h(c, "message"), &h(c, "signature"));
        match c.get("error") {
            Some(code) => assert_eq!(got.unwrap_err().code().as_str(), code, "{}", s(c, "id")),
            None => assert_eq!(
                got.unwrap(),
                c["valid"].as_bool().unwrap(),
                "{}",
                s(c, "id")
            ),
        }
    }
}

#[test]
fn envelopes_sign_and_verify_exactly() {
    let doc = vectors();
    for c in cases(&doc, "envelopes") {
        let id = s(c, "id");
        let sk = secret(&doc, s(c, "key"));
        let alg = Algorithm::from_name(s(c, "alg")).unwrap();
        let mut env = Envelope::new(s(c, "kind"), s(c, "payload").as_bytes()).unwrap();
        let prepared = env.prepare(s(c, "signer"), alg).unwrap();
        assert_eq!(
            prepared.signing_input(),
            s(c, "signingInput").as_bytes(),
            "{id}"
        );
        assert_eq!(prepared.message(), h(c, "message"), "{id}");
        env.sign(&sk, s(c, "signer"), alg).unwrap();
        assert_eq!(env.to_json(), s(c, "envelope"), "{id}");
        // The remote path: a KMS signs the prepared message.
        let mut remote = Envelope::new(s(c, "kind"), s(c, "payload").as_bytes()).unwrap();
        let sig = match alg {
            Algorithm::Ed25519 => sign::sign(&sk, &prepared.message()),
            Algorithm::Ed25519ph => sign::sign_prehashed_digest(&sk, &prepared.message()).unwrap(),
        };
        remote
            .attach(s(c, "signer"), alg, &sig, &sk.public_key())
            .unwrap();
        assert_eq!(remote.to_json(), s(c, "envelope"), "{id} remote");
        let back = Envelope::from_json(s(c, "envelope").as_bytes()).unwrap();
        assert!(back.verify(0, &sk.public_key()).unwrap(), "{id}");
    }
    for c in cases(&doc, "envelopeErrors") {
        let err = Envelope::from_json(s(c, "envelope").as_bytes()).expect_err(s(c, "id"));
        assert_eq!(err.code(), s(c, "error"), "{}: {err}", s(c, "id"));
    }
}

#[test]
fn registry_load_jwks_and_lookups() {
    let doc = vectors();
    for c in cases(&doc, "registryLoad") {
        let id = s(c, "id");
        let text = s(c, "document").as_bytes();
        let got = match s(c, "format") {
            "signers" => SignerRegistry::from_json(text),
            "jwks" => SignerRegistry::from_jwks(text),
            f => panic!("format {f}"),
        };
        match c.get("error") {
            Some(code) => assert_eq!(got.expect_err(id).code(), code, "{id}"),
            None => {
                let reg = got.unwrap_or_else(|e| panic!("{id}: {e}"));
                let ids: Vec<&str> = reg.records().map(|r| r.signer_id()).collect();
                let want: Vec<&str> = c["signers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(ids, want, "{id}");
            }
        }
    }
    for c in cases(&doc, "jwks") {
        let reg = registry(&doc, s(c, "registry"));
        assert_eq!(reg.to_jwks(), s(c, "jwks"), "{}", s(c, "id"));
        assert_eq!(reg.to_json(), s(c, "signersJson"), "{}", s(c, "id"));
        let back = SignerRegistry::from_jwks(s(c, "jwks").as_bytes()).unwrap();
        assert_eq!(back.to_json(), s(c, "signersJson"), "{}", s(c, "id"));
    }
    for c in cases(&doc, "lookups") {
        let reg = registry(&doc, s(c, "registry"));
        let alg = ffi::signature_algorithm(Some(s(c, "alg"))).unwrap();
        let got = reg.key_for(s(c, "signerId"), alg, &ts(c)).err();
        assert_eq!(
            got.map(|r| r.as_str()),
            c["reason"].as_str(),
            "{}",
            s(c, "id")
        );
        match reg.require_key(s(c, "signerId"), alg, &ts(c)) {
            Ok(_) => assert!(c["reason"].is_null()),
            Err(e) => assert_eq!(Some(e.code().as_str()), c["reason"].as_str()),
        }
    }
}

#[test]
fn envelope_verification_reports() {
    let doc = vectors();
    for c in cases(&doc, "verifications") {
        let reg = registry(&doc, s(c, "registry"));
        let env = Envelope::from_json(s(c, "envelope").as_bytes()).unwrap();
        let report = reg.verify_envelope(&env, &ts(c));
        assert_eq!(report.to_value(), c["expected"], "{}", s(c, "id"));
    }
}

#[test]
fn rotations_apply_or_fail_with_codes() {
    let doc = vectors();
    for c in cases(&doc, "rotations") {
        let id = s(c, "id");
        let mut reg = registry(&doc, s(c, "registry"));
        let before = reg.clone();
        let env = Envelope::from_json(s(c, "envelope").as_bytes()).unwrap();
        match c.get("error") {
            Some(code) => {
                assert_eq!(reg.apply_rotation(&env).expect_err(id).code(), code, "{id}");
                assert_eq!(reg, before, "{id}: a failed rotation changes nothing");
            }
            None => {
                reg.apply_rotation(&env)
                    .unwrap_or_else(|e| panic!("{id}: {e}"));
                assert_eq!(reg.to_json(), s(c, "after"), "{id}");
            }
        }
    }
}

#[test]
fn approval_reports() {
    let doc = vectors();
    for c in cases(&doc, "approvals") {
        let reg = registry(&doc, s(c, "registry"));
        let set = ApprovalSet::from_json(s(c, "set").as_bytes()).unwrap();
        let env = Envelope::from_json(s(c, "envelope").as_bytes()).unwrap();
        let report = set.verify(&env, &reg, &ts(c));
        assert_eq!(report.to_value(), c["expected"], "{}", s(c, "id"));
    }
}
