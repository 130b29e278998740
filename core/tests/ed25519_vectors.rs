//! Ed25519 against the third-party vectors in ../shared/vectors/ed25519/:
//! RFC 8032 / SUPERCOP signing (exact signatures), Wycheproof (expected
//! verdicts), and the speccheck + CCTV edge cases (no panics; verdict counts).

use std::path::PathBuf;
use trustcore::keys::SecretKey;
use trustcore::sign;

fn shared(name: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/ed25519")
        .join(name);
    match std::fs::read_to_string(&p) {
        Ok(t) => Some(t),
        Err(_) => {
            eprintln!(
                "NOTE: {} is absent; these third-party vectors were not run",
                p.display()
            );
            None
        }
    }
}

#[test]
fn rfc8032_and_supercop_signatures_are_exact() {
    let Some(text) = shared("rfc8032_sign.input") else {
        return;
    };
    let mut n = 0;
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(':').collect();
        let sk_pk = hex::decode(f[0]).unwrap();
        let msg = hex::decode(f[2]).unwrap();
        let sig_msg = hex::decode(f[3]).unwrap();
        let sk = SecretKey::from_bytes(&sk_pk[..32]).unwrap();
        assert_eq!(
            sk.public_key().to_bytes().as_slice(),
            &sk_pk[32..],
            "line {n}"
        );
        let sig = sign::sign(&sk, &msg);
        assert_eq!(sig.as_slice(), &sig_msg[..64], "line {n}");
        assert!(sign::verify(&sk_pk[32..], &msg, &sig).unwrap(), "line {n}");
        n += 1;
    }
    assert_eq!(n, 128);
}

#[test]
fn edge_vectors_match_expected_verdicts() {
    let Some(text) = shared("all_normalized.json") else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1077);
    let (mut checked, mut accepted) = (0, 0);
    for v in all {
        let h = |k: &str| hex::decode(v[k].as_str().unwrap()).unwrap();
        let verdict = match sign::verify(&h("pk"), &h("msg"), &h("sig")) {
            Ok(b) => b,
            // Wycheproof has wrong-length signatures: an error is an "invalid" verdict.
            Err(e) => {
                assert_eq!(e.code().as_str(), "invalid_signature_length", "{}", v["id"]);
                false
            }
        };
        accepted += verdict as usize;
        if let Some(expected) = v["expected"].as_str() {
            assert_eq!(verdict, expected == "valid", "{}", v["id"]);
            checked += 1;
        }
    }
    assert_eq!(
        checked, 151,
        "every Wycheproof case has an expected verdict"
    );
    eprintln!("accepted {accepted} of 1077 edge vectors");
}
