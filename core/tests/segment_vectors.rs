//! Runs test-vectors/segments.json, written by the independent generator
//! tools/gen_segments.py: Merkle compact ranges of parts of trees cut at
//! many places (each part's block hashes, built knowing only its offset),
//! the tree head after joining them left to right, ranges far from leaf 0
//! and the refused uses, all through `merkle::CompactRange`.

use serde_json::Value;
use trustcore::merkle::{CompactRange, Hash, Tree};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../test-vectors/segments.json")).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a u64: {v}"))
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| hex::decode(s(h)).unwrap().try_into().unwrap())
        .collect()
}

fn leaves(doc: &Value) -> Vec<Vec<u8>> {
    doc["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| hex::decode(s(h)).unwrap())
        .collect()
}

#[test]
fn parts_built_apart_join_into_the_tree_head() {
    let doc = vectors();
    let data = leaves(&doc);
    let list = doc["compactRanges"].as_array().unwrap();
    assert!(list.len() > 50);
    for c in list {
        let id = s(&c["id"]);
        let n = u(&c["size"]) as usize;
        let mut whole = CompactRange::new(0);
        for (p, joined) in c["parts"]
            .as_array()
            .unwrap()
            .iter()
            .zip(c["joined"].as_array().unwrap())
        {
            let (b, e) = (u(&p["begin"]), u(&p["end"]));
            let mut part = CompactRange::new(b);
            for d in &data[b as usize..e as usize] {
                part.push_data(d).unwrap();
            }
            assert_eq!(part.hashes(), hashes(&p["hashes"]), "{id} [{b}, {e})");
            assert_eq!(
                CompactRange::from_hashes(b, e, hashes(&p["hashes"])).unwrap(),
                part,
                "{id}"
            );
            whole.append(&part).unwrap();
            assert_eq!(whole.hashes(), hashes(joined), "{id} joined through {e}");
        }
        assert_eq!(whole.end(), n as u64, "{id}");
        let root = whole.root().unwrap();
        assert_eq!(hex::encode(root), s(&c["root"]), "{id}");
        assert_eq!(root, Tree::from_leaf_data(&data[..n]).root(), "{id}");
    }
}

#[test]
fn ranges_far_from_leaf_zero() {
    let doc = vectors();
    let data = leaves(&doc);
    for c in doc["farRanges"].as_array().unwrap() {
        let (b, e) = (u(&c["begin"]), u(&c["end"]));
        let mut r = CompactRange::new(b);
        for d in &data[..(e - b) as usize] {
            r.push_data(d).unwrap();
        }
        assert_eq!(r.hashes(), hashes(&c["hashes"]), "{}", c["id"]);
        assert_eq!(
            CompactRange::from_hashes(b, e, hashes(&c["hashes"])).unwrap(),
            r
        );
    }
}

fn range(v: &Value) -> CompactRange {
    CompactRange::from_hashes(u(&v["begin"]), u(&v["end"]), hashes(&v["hashes"])).unwrap()
}

#[test]
fn refused_uses_have_their_codes() {
    let doc = vectors();
    for c in doc["errors"].as_array().unwrap() {
        let id = s(&c["id"]);
        let e = match s(&c["op"]) {
            "fromHashes" => {
                CompactRange::from_hashes(u(&c["begin"]), u(&c["end"]), hashes(&c["hashes"]))
                    .unwrap_err()
            }
            "append" => range(&c["left"]).append(&range(&c["right"])).unwrap_err(),
            "root" => range(&c["left"]).root().unwrap_err(),
            "push" => range(&c["left"]).push_data(b"x").unwrap_err(),
            op => panic!("{id}: unknown op {op}"),
        };
        assert_eq!(e.code().as_str(), s(&c["code"]), "{id}: {e}");
    }
}
