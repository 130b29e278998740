//! Verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2 and
//! §2.1.4.2).
//!
//! Both verifiers first check the sizes and that the proof has exactly the
//! number of hashes those sizes require, so a truncated or over-long proof
//! is [`ErrorCode::InvalidProof`] and never reaches the hashing; then they
//! recompute the root(s) and compare. They never panic.

use super::tree::{check_size, node_hash};
use super::{Error, ErrorCode, Hash};

fn bit_length(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// The number of hashes in the inclusion proof of `index` in a tree of
/// `size` leaves (`index < size`).
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    if index >= size {
        return 0;
    }
    // Levels where the path to `index` and the path to the last leaf
    // diverge each contribute one sibling; above that, every set bit of the
    // shared prefix is a left sibling of the right border.
    let inner = bit_length(index ^ (size - 1));
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// The number of hashes in the consistency proof from `old_size` to
/// `new_size` (`0 < old_size <= new_size`).
pub fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    if old_size == 0 || old_size >= new_size {
        return 0;
    }
    let shift = old_size.trailing_zeros();
    let inner = bit_length((old_size - 1) ^ (new_size - 1)).saturating_sub(shift);
    let border = (old_size - 1)
        .checked_shr(bit_length((old_size - 1) ^ (new_size - 1)))
        .unwrap_or(0)
        .count_ones();
    let seed = u32::from(!old_size.is_power_of_two());
    (inner + border + seed) as usize
}

/// The root that an inclusion proof leads to from `leaf_hash` at `index`
/// in a tree of `size` leaves. Errors for impossible inputs and wrong proof
/// lengths; compare the result with a trusted root (or use
/// [`verify_inclusion`]).
pub fn root_from_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, Error> {
    check_size(size)?;
    if index >= size {
        return Err(Error::new(
            ErrorCode::IndexOutOfRange,
            format!("leaf index {index} is not in a tree of size {size}"),
        ));
    }
    let want = inclusion_proof_len(index, size);
    if proof.len() != want {
        return Err(Error::new(
            ErrorCode::InvalidProof,
            format!(
                "an inclusion proof of leaf {index} in a tree of size {size} has {want} hashes, this one has {}",
                proof.len()
            ),
        ));
    }
    let (mut fi, mut si) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if fi & 1 == 1 || fi == si {
            r = node_hash(p, &r);
            while fi & 1 == 0 && fi != 0 {
                fi >>= 1;
                si >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fi >>= 1;
        si >>= 1;
    }
    if si != 0 {
        // Unreachable with the length check above; kept so a mistake in
        // that arithmetic can only reject, never accept.
        return Err(Error::new(
            ErrorCode::InvalidProof,
            "the proof is too short",
        ));
    }
    Ok(r)
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves
/// with root `root`.
///
/// Errors: [`ErrorCode::IndexOutOfRange`] (`index >= size`, including any
/// index when `size` is 0), [`ErrorCode::InvalidTreeSize`] (size beyond
/// 2^63 − 1), [`ErrorCode::InvalidProof`] (wrong number of hashes),
/// [`ErrorCode::RootMismatch`].
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), Error> {
    let got = root_from_inclusion(leaf_hash, index, size, proof)?;
    if &got != root {
        return Err(Error::new(
            ErrorCode::RootMismatch,
            format!("the inclusion proof of leaf {index} does not lead to the root of the tree of size {size}"),
        ));
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`.
///
/// `old_size == new_size` needs the empty proof and equal roots. A proof
/// from size 0 is refused with [`ErrorCode::InvalidTreeSize`], as in Go's
/// `tlog.CheckTree` and RFC 9162 (the empty tree is a prefix of every tree;
/// no proof is needed or possible). Errors otherwise as for
/// [`verify_inclusion`]; a proof that does not reproduce both roots is
/// [`ErrorCode::RootMismatch`].
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), Error> {
    check_size(new_size)?;
    if old_size == 0 || old_size > new_size {
        return Err(Error::new(
            ErrorCode::InvalidTreeSize,
            format!(
                "no consistency proof from size {old_size} to size {new_size}: need 0 < old <= new"
            ),
        ));
    }
    let want = consistency_proof_len(old_size, new_size);
    if proof.len() != want {
        return Err(Error::new(
            ErrorCode::InvalidProof,
            format!(
                "a consistency proof from size {old_size} to {new_size} has {want} hashes, this one has {}",
                proof.len()
            ),
        ));
    }
    let mismatch = || {
        Error::new(
            ErrorCode::RootMismatch,
            format!("the consistency proof from size {old_size} to {new_size} does not reproduce both roots"),
        )
    };
    if old_size == new_size {
        return if old_root == new_root {
            Ok(())
        } else {
            Err(mismatch())
        };
    }
    // When old_size is a power of two the old root is itself the first
    // node of the path (RFC 9162 step 2).
    let (seed, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(Error::new(ErrorCode::InvalidProof, "empty proof")),
        }
    };
    let (mut fi, mut si) = (old_size - 1, new_size - 1);
    while fi & 1 == 1 {
        fi >>= 1;
        si >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in rest {
        if si == 0 {
            return Err(Error::new(ErrorCode::InvalidProof, "the proof is too long"));
        }
        if fi & 1 == 1 || fi == si {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fi & 1 == 0 && fi != 0 {
                fi >>= 1;
                si >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fi >>= 1;
        si >>= 1;
    }
    if si != 0 {
        return Err(Error::new(
            ErrorCode::InvalidProof,
            "the proof is too short",
        ));
    }
    if &fr == old_root && &sr == new_root {
        Ok(())
    } else {
        Err(mismatch())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::{leaf_hash, Tree};
    use super::*;

    fn tree(n: u64) -> Tree {
        let mut t = Tree::new();
        for i in 0..n {
            t.push(&i.to_be_bytes());
        }
        t
    }

    #[test]
    fn all_small_proofs_verify_and_lengths_match() {
        let t = tree(70);
        for size in 1..=70u64 {
            let root = t.root_at(size).unwrap();
            for i in 0..size {
                let p = t.inclusion_proof(i, size).unwrap();
                assert_eq!(p.len(), inclusion_proof_len(i, size), "({i},{size})");
                verify_inclusion(&t.leaf_hashes()[i as usize], i, size, &p, &root).unwrap();
            }
            for old in 1..=size {
                let p = t.consistency_proof(old, size).unwrap();
                assert_eq!(p.len(), consistency_proof_len(old, size), "({old},{size})");
                verify_consistency(old, size, &t.root_at(old).unwrap(), &root, &p).unwrap();
            }
        }
    }

    #[test]
    fn bad_inputs_are_errors() {
        let t = tree(5);
        let root = t.root();
        let p = t.inclusion_proof(2, 5).unwrap();
        let l = leaf_hash(&2u64.to_be_bytes());
        let code = |r: Result<(), Error>| r.unwrap_err().code();
        assert_eq!(
            code(verify_inclusion(&l, 5, 5, &p, &root)),
            ErrorCode::IndexOutOfRange
        );
        assert_eq!(
            code(verify_inclusion(&l, 0, 0, &[], &root)),
            ErrorCode::IndexOutOfRange
        );
        assert_eq!(
            code(verify_inclusion(&l, 2, 5, &p[1..], &root)),
            ErrorCode::InvalidProof
        );
        let mut long = p.clone();
        long.push([0; 32]);
        assert_eq!(
            code(verify_inclusion(&l, 2, 5, &long, &root)),
            ErrorCode::InvalidProof
        );
        assert_eq!(
            code(verify_inclusion(&l, 2, 5, &p, &[0; 32])),
            ErrorCode::RootMismatch
        );
        assert_eq!(
            code(verify_inclusion(&l, 2, u64::MAX, &p, &root)),
            ErrorCode::InvalidTreeSize
        );
        let c = t.consistency_proof(3, 5).unwrap();
        let r3 = t.root_at(3).unwrap();
        assert_eq!(
            code(verify_consistency(0, 5, &r3, &root, &c)),
            ErrorCode::InvalidTreeSize
        );
        assert_eq!(
            code(verify_consistency(5, 3, &root, &r3, &c)),
            ErrorCode::InvalidTreeSize
        );
        assert_eq!(
            code(verify_consistency(3, 5, &root, &r3, &c)),
            ErrorCode::RootMismatch
        );
        assert_eq!(
            code(verify_consistency(5, 5, &root, &root, &c)),
            ErrorCode::InvalidProof
        );
        assert_eq!(
            code(verify_consistency(5, 5, &root, &r3, &[])),
            ErrorCode::RootMismatch
        );
        assert!(verify_consistency(5, 5, &root, &root, &[]).is_ok());
    }
}
