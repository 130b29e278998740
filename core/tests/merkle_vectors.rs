//! Runs `test-vectors/merkle.json` and `test-vectors/checkpoint.json`
//! (written by an independent Python reference) through the merkle module.

use base64::Engine as _;
use serde_json::Value;
use std::path::Path;
use trustcore::keys::SecretKey;
use trustcore::merkle::{self, Checkpoint, Frontier, Hash, Note, Tree, VerifierKey};

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("vectors missing: cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn h32(v: &Value) -> Hash {
    let b = hex::decode(v.as_str().expect("hex string")).expect("hex");
    b.try_into().expect("32 bytes")
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array().expect("array").iter().map(h32).collect()
}

fn u(v: &Value) -> u64 {
    v.as_u64().expect("integer")
}

fn tree() -> (Value, Tree) {
    let v = load("merkle.json");
    assert_eq!(v["format"], "trustcore-vectors/merkle");
    assert_eq!(v["version"], 1);
    let leaves = hashes(&v["leaves"]);
    let t = Tree::from_leaf_data(&leaves);
    (v, t)
}

#[test]
fn leaf_hashes_and_roots() {
    let (v, t) = tree();
    for c in v["leaf_hashes"].as_array().unwrap() {
        let data = hex::decode(c["data"].as_str().unwrap()).unwrap();
        assert_eq!(merkle::leaf_hash(&data), h32(&c["leaf_hash"]));
    }
    let roots = v["roots"].as_array().unwrap();
    assert!(roots.len() >= 30);
    for c in roots {
        let size = u(&c["size"]);
        let want = h32(&c["root"]);
        assert_eq!(t.root_at(size).unwrap(), want, "tree root at {size}");
        let leaves = t.leaf_hashes();
        assert_eq!(
            merkle::root(&merkle::LeafHashes(leaves), size).unwrap(),
            want,
            "leaf-source root at {size}"
        );
        let mut f = Frontier::new();
        for l in &leaves[..size as usize] {
            f.push(*l).unwrap();
        }
        assert_eq!(f.root(), want, "frontier root at {size}");
    }
}

#[test]
fn inclusion_proofs() {
    let (v, t) = tree();
    let cases = v["inclusion"].as_array().unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let (leaf, index, size) = (
            h32(&c["leaf_hash"]),
            u(&c["leaf_index"]),
            u(&c["tree_size"]),
        );
        let (proof, root) = (hashes(&c["proof"]), h32(&c["root"]));
        let got = merkle::verify_inclusion(&leaf, index, size, &proof, &root);
        if c["valid"].as_bool().unwrap() {
            valid += 1;
            assert!(got.is_ok(), "{id}: {got:?}");
            if id.starts_with("valid/") {
                assert_eq!(
                    t.inclusion_proof(index, size).unwrap(),
                    proof,
                    "{id}: generated"
                );
            }
        } else {
            invalid += 1;
            let e = got.expect_err(id);
            assert_eq!(e.code().as_str(), c["error"].as_str().unwrap(), "{id}: {e}");
        }
    }
    assert!(
        valid > 50 && invalid > 100,
        "{valid} valid, {invalid} invalid"
    );
}

#[test]
fn consistency_proofs() {
    let (v, t) = tree();
    for c in v["consistency"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let (old, new) = (u(&c["old_size"]), u(&c["new_size"]));
        let (or, nr, proof) = (
            h32(&c["old_root"]),
            h32(&c["new_root"]),
            hashes(&c["proof"]),
        );
        let got = merkle::verify_consistency(old, new, &or, &nr, &proof);
        if c["valid"].as_bool().unwrap() {
            assert!(got.is_ok(), "{id}: {got:?}");
            if id.starts_with("valid/") {
                assert_eq!(
                    t.consistency_proof(old, new).unwrap(),
                    proof,
                    "{id}: generated"
                );
            }
        } else {
            let e = got.expect_err(id);
            assert_eq!(e.code().as_str(), c["error"].as_str().unwrap(), "{id}: {e}");
        }
    }
}

fn checkpoint_file() -> Value {
    let v = load("checkpoint.json");
    assert_eq!(v["format"], "trustcore-vectors/checkpoint");
    assert_eq!(v["version"], 1);
    v
}

fn note_bytes(c: &Value) -> Vec<u8> {
    match (c["note"].as_str(), c["note_hex"].as_str()) {
        (Some(s), None) => s.as_bytes().to_vec(),
        (None, Some(h)) => hex::decode(h).unwrap(),
        _ => panic!("{}: needs exactly one of note / note_hex", c["id"]),
    }
}

#[test]
fn checkpoints() {
    let v = checkpoint_file();
    let keys = v["keys"].as_array().unwrap();
    let secret = |kid: &str| -> (String, SecretKey) {
        let k = keys.iter().find(|k| k["id"] == kid).expect("key id");
        let seed = hex::decode(k["seed"].as_str().unwrap()).unwrap();
        (
            k["name"].as_str().unwrap().to_string(),
            SecretKey::from_bytes(&seed).unwrap(),
        )
    };
    for k in keys {
        let (name, sk) = secret(k["id"].as_str().unwrap());
        let vk = VerifierKey::new(&name, sk.public_key()).unwrap();
        assert_eq!(vk.to_string(), k["vkey"].as_str().unwrap());
        assert_eq!(
            format!("{:08x}", vk.key_hash()),
            k["key_hash"].as_str().unwrap()
        );
    }
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let msg = note_bytes(c);
        let trusted: Vec<VerifierKey> = c["trusted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| VerifierKey::parse(k.as_str().unwrap()).unwrap())
            .collect();
        let got = merkle::open_checkpoint(&msg, &trusted);
        if let Some(exp) = c.get("expected") {
            let o = got.unwrap_or_else(|e| panic!("{id}: {e}"));
            let cp = &o.checkpoint;
            assert_eq!(cp.origin(), exp["origin"].as_str().unwrap(), "{id}");
            assert_eq!(cp.size(), u(&exp["size"]), "{id}");
            assert_eq!(
                base64::engine::general_purpose::STANDARD.encode(cp.root()),
                exp["root"].as_str().unwrap(),
                "{id}"
            );
            let ext: Vec<&str> = exp["extensions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            assert_eq!(cp.extensions(), ext.as_slice(), "{id}");
            let signers: Vec<String> = o.verified.signers.iter().map(|k| k.to_string()).collect();
            let want: Vec<&str> = exp["signers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert_eq!(signers, want, "{id}");
            let unknown: Vec<(String, String)> = o
                .verified
                .unknown
                .iter()
                .map(|s| (s.name().to_string(), format!("{:08x}", s.key_hash())))
                .collect();
            let want: Vec<(String, String)> = exp["unknown"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["name"].as_str().unwrap().to_string(),
                        s["key_hash"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(unknown, want, "{id}");
            // Printing the parsed note gives the input back.
            assert_eq!(o.note.to_text().as_bytes(), msg.as_slice(), "{id}: print");
            // Notes that are just signatures over the text: we sign the same bytes.
            if let Some(with) = c.get("signed_with") {
                let mut note = Note::new(o.note.text()).unwrap();
                for kid in with.as_array().unwrap() {
                    let (name, sk) = secret(kid.as_str().unwrap());
                    note.sign(&name, &sk).unwrap();
                }
                assert_eq!(note.to_text().as_bytes(), msg.as_slice(), "{id}: re-signed");
                assert_eq!(cp.to_text(), o.note.text(), "{id}: checkpoint text");
                let again = Checkpoint::parse(&cp.to_text()).unwrap();
                assert_eq!(&again, cp);
            }
        } else {
            let err = &c["error"];
            let e = got.err().unwrap_or_else(|| panic!("{id}: accepted"));
            assert_eq!(
                e.code().as_str(),
                err["code"].as_str().unwrap(),
                "{id}: {e}"
            );
            let want_offset = err["offset"].as_u64().map(|o| o as usize);
            assert_eq!(e.offset(), want_offset, "{id}: offset ({e})");
        }
    }
}

#[test]
fn verifier_keys() {
    let v = checkpoint_file();
    for c in v["verifier_keys"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let got = VerifierKey::parse(c["vkey"].as_str().unwrap());
        if let Some(exp) = c.get("expected") {
            let k = got.unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(k.name(), exp["name"].as_str().unwrap());
            assert_eq!(
                format!("{:08x}", k.key_hash()),
                exp["key_hash"].as_str().unwrap()
            );
            assert_eq!(k.public_key().to_hex(), exp["public_key"].as_str().unwrap());
        } else {
            let e = got.expect_err(id);
            assert_eq!(
                e.code().as_str(),
                c["error"]["code"].as_str().unwrap(),
                "{id}: {e}"
            );
            assert_eq!(
                e.offset(),
                c["error"]["offset"].as_u64().map(|o| o as usize),
                "{id}: {e}"
            );
        }
    }
}
