//! RFC 6962 / RFC 9162 tree hashing, and proof generation from any source
//! of node hashes.

use super::{Error, ErrorCode, Hash};
use sha2::{Digest as _, Sha256};

/// Domain-separation prefix of a leaf hash (RFC 6962 §2.1).
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash (RFC 6962 §2.1).
pub const NODE_PREFIX: u8 = 0x01;

/// The largest tree size any function here accepts: 2^63 − 1, the range of
/// Go's `tlog` (`int64`), so a size valid here is valid there.
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

/// `SHA-256(0x00 || data)`: the hash of a leaf. For the audit chain, `data`
/// is the 32-byte event hash.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")` (RFC 6962 §2.1).
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// The largest power of two strictly less than `n` (`n >= 2`): RFC 6962's
/// split point `k`.
pub(crate) fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

pub(crate) fn check_size(size: u64) -> Result<(), Error> {
    if size > MAX_TREE_SIZE {
        return Err(Error::new(
            ErrorCode::InvalidTreeSize,
            format!("tree size {size} is beyond 2^63 - 1"),
        ));
    }
    Ok(())
}

/// Where proof generation reads hashes from. The core does no IO: a store
/// implements this over whatever it keeps.
///
/// `node(level, index)` is the root of the *complete* subtree of `2^level`
/// leaves `[index · 2^level, (index + 1) · 2^level)`; level 0 is the leaf
/// hash of leaf `index`. This is the layout Go's `tlog` stores
/// (`StoredHashIndex(level, n)`), so a store can keep one hash per node and
/// every proof reads O(log n) of them. Return `None` when the hash is not
/// available; generation then fails with [`ErrorCode::MissingHash`].
pub trait HashSource {
    /// The root of the complete subtree `(level, index)`.
    fn node(&self, level: u32, index: u64) -> Option<Hash>;
}

/// A [`HashSource`] over leaf hashes only: complete subtrees are hashed on
/// demand (cost proportional to their size). Fine for small trees and
/// tests; [`Tree`] caches every level instead.
#[derive(Clone, Copy, Debug)]
pub struct LeafHashes<'a>(pub &'a [Hash]);

impl HashSource for LeafHashes<'_> {
    fn node(&self, level: u32, index: u64) -> Option<Hash> {
        if level >= 64 {
            return None;
        }
        let width = 1u64 << level;
        let lo = index.checked_mul(width)?;
        let hi = lo.checked_add(width)?;
        let leaves = self
            .0
            .get(usize::try_from(lo).ok()?..usize::try_from(hi).ok()?)?;
        Some(hash_complete(leaves))
    }
}

fn hash_complete(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let (l, r) = leaves.split_at(leaves.len() / 2);
            node_hash(&hash_complete(l), &hash_complete(r))
        }
    }
}

/// The root of the (not necessarily complete) range of leaves `[lo, hi)`,
/// `lo < hi`, `lo` aligned as RFC 6962 subtrees are: combines the complete
/// subtrees of the range's binary decomposition, right to left.
fn range_root<S: HashSource + ?Sized>(source: &S, lo: u64, hi: u64) -> Result<Hash, Error> {
    // Decompose [lo, hi) into complete subtrees, left to right: at each step
    // take the largest power of two that fits and keeps alignment.
    let mut parts: Vec<Hash> = Vec::with_capacity(64);
    let mut at = lo;
    while at < hi {
        let remaining = hi - at;
        let mut level = 63 - remaining.leading_zeros();
        if at != 0 {
            level = level.min(at.trailing_zeros());
        }
        let h = source.node(level, at >> level).ok_or_else(|| {
            Error::new(
                ErrorCode::MissingHash,
                format!(
                    "the hash source has no node at level {level}, index {}",
                    at >> level
                ),
            )
        })?;
        parts.push(h);
        at += 1u64 << level;
    }
    let mut acc = parts.pop().unwrap_or_else(empty_root);
    while let Some(left) = parts.pop() {
        acc = node_hash(&left, &acc);
    }
    Ok(acc)
}

/// The Merkle tree hash (RFC 9162 §2.1.1) of the first `size` leaves.
pub fn root<S: HashSource + ?Sized>(source: &S, size: u64) -> Result<Hash, Error> {
    check_size(size)?;
    if size == 0 {
        return Ok(empty_root());
    }
    range_root(source, 0, size)
}

/// The inclusion proof (RFC 9162 §2.1.3.1 `PATH`) of leaf `index` in the
/// tree of the first `size` leaves, leaf-side first.
pub fn prove_inclusion<S: HashSource + ?Sized>(
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, Error> {
    check_size(size)?;
    if index >= size {
        return Err(Error::new(
            ErrorCode::IndexOutOfRange,
            format!("leaf index {index} is not in a tree of size {size}"),
        ));
    }
    // Walk from the root down to the leaf; the siblings met on the way are
    // the proof in root-side-first order.
    let mut path = Vec::with_capacity(64);
    let (mut lo, mut hi) = (0u64, size);
    while hi - lo > 1 {
        let k = split(hi - lo);
        if index < lo + k {
            path.push(range_root(source, lo + k, hi)?);
            hi = lo + k;
        } else {
            path.push(range_root(source, lo, lo + k)?);
            lo += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// The consistency proof (RFC 9162 §2.1.4.1 `PROOF`) between the trees of
/// the first `old_size` and `new_size` leaves, `0 < old_size <= new_size`.
/// Equal sizes give the empty proof.
pub fn prove_consistency<S: HashSource + ?Sized>(
    source: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, Error> {
    check_size(new_size)?;
    if old_size == 0 || old_size > new_size {
        return Err(Error::new(
            ErrorCode::InvalidTreeSize,
            format!(
                "no consistency proof from size {old_size} to size {new_size}: need 0 < old <= new"
            ),
        ));
    }
    // SUBPROOF(m, D[lo:hi], b), unrolled from the root down.
    let mut path = Vec::with_capacity(64);
    let (mut lo, mut hi, mut m, mut complete) = (0u64, new_size, old_size, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !complete {
                path.push(range_root(source, lo, hi)?);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            path.push(range_root(source, lo + k, hi)?);
            hi = lo + k;
        } else {
            path.push(range_root(source, lo, lo + k)?);
            lo += k;
            m -= k;
            complete = false;
        }
    }
    path.reverse();
    Ok(path)
}

/// An in-memory tree over leaf hashes that keeps every level (about twice
/// the leaves' memory), for tests, small logs and servers that hold the
/// tree. Streaming verifiers use [`super::Frontier`] instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    /// `levels[0]` are the leaf hashes; `levels[l][i]` the complete subtree
    /// `(l, i)`.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Tree { levels: Vec::new() }
    }

    /// A tree over leaf *data* (the audit chain's 32-byte event hashes);
    /// each is hashed with [`leaf_hash`].
    pub fn from_leaf_data<D: AsRef<[u8]>>(data: &[D]) -> Self {
        let mut t = Tree::new();
        for d in data {
            t.push_leaf_hash(leaf_hash(d.as_ref()));
        }
        t
    }

    /// Appends a leaf given by its data.
    pub fn push(&mut self, data: &[u8]) {
        self.push_leaf_hash(leaf_hash(data));
    }

    /// Appends a leaf given by its leaf hash.
    pub fn push_leaf_hash(&mut self, hash: Hash) {
        let mut level = 0;
        let mut h = hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(h);
            let len = row.len();
            if len % 2 == 1 {
                break;
            }
            h = node_hash(&row[len - 2], &row[len - 1]);
            level += 1;
        }
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The leaf hashes.
    pub fn leaf_hashes(&self) -> &[Hash] {
        self.levels.first().map_or(&[], |l| l.as_slice())
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        self.root_at(self.size()).unwrap_or_else(|_| empty_root())
    }

    /// The root of the first `size` leaves (a past tree head).
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        self.check_within(size)?;
        root(self, size)
    }

    /// Inclusion proof of leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, Error> {
        self.check_within(size)?;
        prove_inclusion(self, index, size)
    }

    /// Consistency proof from the first `old_size` to the first `new_size`
    /// leaves.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>, Error> {
        self.check_within(new_size)?;
        prove_consistency(self, old_size, new_size)
    }

    fn check_within(&self, size: u64) -> Result<(), Error> {
        if size > self.size() {
            return Err(Error::new(
                ErrorCode::InvalidTreeSize,
                format!("the tree has {} leaves, not {size}", self.size()),
            ));
        }
        Ok(())
    }
}

impl HashSource for Tree {
    fn node(&self, level: u32, index: u64) -> Option<Hash> {
        let row = self.levels.get(usize::try_from(level).ok()?)?;
        row.get(usize::try_from(index).ok()?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_single() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let t = Tree::from_leaf_data(&[b""]);
        // RFC 6962 test vector: the leaf hash of empty data.
        assert_eq!(
            hex::encode(t.root()),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(Tree::new().root(), empty_root());
    }

    #[test]
    fn tree_source_and_leaf_source_agree() {
        let leaves: Vec<Hash> = (0u32..37).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut t = Tree::new();
        for l in &leaves {
            t.push_leaf_hash(*l);
        }
        for size in 0..=37u64 {
            let a = root(&LeafHashes(&leaves), size).unwrap();
            assert_eq!(a, t.root_at(size).unwrap(), "size {size}");
            for i in 0..size {
                assert_eq!(
                    prove_inclusion(&LeafHashes(&leaves), i, size).unwrap(),
                    t.inclusion_proof(i, size).unwrap()
                );
            }
        }
        assert_eq!(
            t.root_at(38).unwrap_err().code(),
            ErrorCode::InvalidTreeSize
        );
        assert_eq!(
            prove_inclusion(&LeafHashes(&leaves[..3]), 0, 4)
                .unwrap_err()
                .code(),
            ErrorCode::MissingHash
        );
    }
}
