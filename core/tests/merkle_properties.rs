//! Properties of the merkle module: generated proofs verify, every single
//! bit flip of a proof or root is caught, the frontier agrees with the tree,
//! notes and checkpoints print and parse back, and parsers never panic.

use proptest::prelude::*;
use trustcore::keys::SecretKey;
use trustcore::merkle::{self, Checkpoint, Frontier, Hash, Note, Tree, VerifierKey};

fn tree(n: u64) -> Tree {
    let mut t = Tree::new();
    for i in 0..n {
        t.push(&i.to_le_bytes());
    }
    t
}

fn flip(h: &mut Hash, bit: usize) {
    h[(bit / 8) % 32] ^= 1 << (bit % 8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inclusion_proofs_verify_and_bit_flips_fail(size in 1u64..300, idx in any::<prop::sample::Index>(), bit in 0usize..256, which in any::<prop::sample::Index>()) {
        let t = tree(size);
        let i = idx.index(size as usize) as u64;
        let root = t.root();
        let leaf = t.leaf_hashes()[i as usize];
        let proof = t.inclusion_proof(i, size).unwrap();
        prop_assert_eq!(proof.len(), merkle::inclusion_proof_len(i, size));
        prop_assert!(merkle::verify_inclusion(&leaf, i, size, &proof, &root).is_ok());
        let mut bad_root = root;
        flip(&mut bad_root, bit);
        prop_assert!(merkle::verify_inclusion(&leaf, i, size, &proof, &bad_root).is_err());
        let mut bad_leaf = leaf;
        flip(&mut bad_leaf, bit);
        prop_assert!(merkle::verify_inclusion(&bad_leaf, i, size, &proof, &root).is_err());
        if !proof.is_empty() {
            let mut p = proof.clone();
            let j = which.index(p.len());
            flip(&mut p[j], bit);
            prop_assert!(merkle::verify_inclusion(&leaf, i, size, &p, &root).is_err());
            prop_assert!(merkle::verify_inclusion(&leaf, i, size, &proof[1..], &root).is_err());
        }
        let mut long = proof.clone();
        long.push(root);
        prop_assert!(merkle::verify_inclusion(&leaf, i, size, &long, &root).is_err());
        prop_assert!(merkle::verify_inclusion(&leaf, size, size, &proof, &root).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_bit_flips_fail(new in 1u64..300, old_idx in any::<prop::sample::Index>(), bit in 0usize..256, which in any::<prop::sample::Index>()) {
        let t = tree(new);
        let old = old_idx.index(new as usize) as u64 + 1;
        let (or, nr) = (t.root_at(old).unwrap(), t.root());
        let proof = t.consistency_proof(old, new).unwrap();
        prop_assert_eq!(proof.len(), merkle::consistency_proof_len(old, new));
        prop_assert!(merkle::verify_consistency(old, new, &or, &nr, &proof).is_ok());
        let (mut bo, mut bn) = (or, nr);
        flip(&mut bo, bit);
        flip(&mut bn, bit);
        prop_assert!(merkle::verify_consistency(old, new, &bo, &nr, &proof).is_err());
        prop_assert!(merkle::verify_consistency(old, new, &or, &bn, &proof).is_err());
        if !proof.is_empty() {
            let mut p = proof.clone();
            let j = which.index(p.len());
            flip(&mut p[j], bit);
            prop_assert!(merkle::verify_consistency(old, new, &or, &nr, &p).is_err());
            prop_assert!(merkle::verify_consistency(old, new, &or, &nr, &proof[..proof.len() - 1]).is_err());
        }
        let mut long = proof.clone();
        long.push(nr);
        prop_assert!(merkle::verify_consistency(old, new, &or, &nr, &long).is_err());
    }

    #[test]
    fn frontier_root_is_tree_root(leaves in prop::collection::vec(any::<[u8; 32]>(), 0..200)) {
        let mut f = Frontier::new();
        let mut t = Tree::new();
        prop_assert_eq!(f.root(), t.root());
        for l in &leaves {
            f.push_data(l);
            t.push(l);
            prop_assert_eq!(f.root(), t.root());
        }
        prop_assert_eq!(Frontier::from_parts(f.size(), f.hashes()).unwrap(), f);
    }

    #[test]
    fn verification_never_panics(leaf in any::<[u8; 32]>(), a in any::<u64>(), b in any::<u64>(), proof in prop::collection::vec(any::<[u8; 32]>(), 0..70), root in any::<[u8; 32]>()) {
        let _ = merkle::verify_inclusion(&leaf, a, b, &proof, &root);
        let _ = merkle::verify_consistency(a, b, &leaf, &root, &proof);
        let _ = merkle::verify_inclusion(&leaf, a % 1000, b % 1000, &proof, &root);
        let _ = merkle::verify_consistency(a % 1000, b % 1000, &leaf, &root, &proof);
        let _ = merkle::inclusion_proof_len(a, b);
        let _ = merkle::consistency_proof_len(a, b);
    }

    #[test]
    fn signed_checkpoints_round_trip(origin in "[a-z]{1,8}(\\.[a-z]{1,8}){0,2}(/[A-Za-z0-9 é]{1,10}){0,2}", size in 0u64..=merkle::MAX_TREE_SIZE, root in any::<[u8; 32]>(), ext in prop::collection::vec("[ -~]{1,20}", 0..3), nkeys in 1usize..4) {
        let mut cp = Checkpoint::new(&origin, size, root).unwrap();
        for e in &ext {
            cp = cp.with_extension(e).unwrap();
        }
        prop_assert_eq!(&Checkpoint::parse(&cp.to_text()).unwrap(), &cp);
        let keys: Vec<SecretKey> = (0..nkeys).map(|i| SecretKey::from_seed(&[i as u8 + 1; 32])).collect();
        let names: Vec<String> = (0..nkeys).map(|i| format!("log{i}.example")).collect();
        let signers: Vec<(&str, &SecretKey)> = names.iter().map(String::as_str).zip(keys.iter()).collect();
        let note = cp.sign(&signers).unwrap();
        let text = note.to_text();
        let back = Note::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(&back, &note);
        prop_assert_eq!(back.to_text(), text.clone());
        let trusted: Vec<VerifierKey> = names.iter().zip(&keys).map(|(n, k)| VerifierKey::new(n, k.public_key()).unwrap()).collect();
        let opened = merkle::open_checkpoint(text.as_bytes(), &trusted).unwrap();
        prop_assert_eq!(opened.checkpoint, cp);
        prop_assert_eq!(opened.verified.signers.len(), nkeys);
        for k in &trusted {
            prop_assert_eq!(VerifierKey::parse(&k.to_string()).unwrap(), k.clone());
        }
    }

    #[test]
    fn note_bit_flips_never_verify_wrongly(bit in any::<prop::sample::Index>()) {
        let key = SecretKey::from_seed(&[7; 32]);
        let cp = Checkpoint::new("audit.example/log", 42, [9; 32]).unwrap();
        let text = cp.sign(&[("audit.example/log", &key)]).unwrap().to_text().into_bytes();
        let trusted = [VerifierKey::new("audit.example/log", key.public_key()).unwrap()];
        let mut bad = text.clone();
        let b = bit.index(bad.len() * 8);
        bad[b / 8] ^= 1 << (b % 8);
        // A flipped note either fails, or (a flip inside the name/hash
        // making the key unknown is also a failure) never yields another body.
        if let Ok(o) = merkle::open_checkpoint(&bad, &trusted) {
            prop_assert_eq!(o.checkpoint, cp);
        }
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), s in "\\PC{0,120}") {
        let _ = Note::parse(&bytes);
        let _ = Note::parse(s.as_bytes());
        let _ = Checkpoint::parse(&s);
        let _ = VerifierKey::parse(&s);
        let _ = merkle::open_checkpoint(&bytes, &[]);
    }
}
