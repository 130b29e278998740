//! The right edge of a growing tree: O(log n) memory, O(1) amortized
//! hashing per leaf.

use super::tree::{check_size, empty_root, leaf_hash, node_hash, MAX_TREE_SIZE};
use super::{Error, ErrorCode, Hash};

/// The compact "range" of a tree of `size` leaves: the roots of the complete
/// subtrees of its binary decomposition, largest (leftmost) first — one per
/// set bit of `size`, so at most 63 hashes. Pushing a leaf merges equal
/// subtrees the way binary addition carries; [`Frontier::root`] folds them
/// right to left into the RFC 6962 root.
///
/// This is what a streaming verifier keeps: it can check a chain of a
/// million events against a signed checkpoint in constant memory
/// ([`super::check_against_checkpoint`]). It holds no heap memory.
///
/// ```
/// use trustcore::merkle::{Frontier, Tree};
/// let mut f = Frontier::new();
/// let mut t = Tree::new();
/// for i in 0u32..1000 {
///     let event_hash = [i as u8; 32];
///     f.push_data(&event_hash);
///     t.push(&event_hash);
/// }
/// assert_eq!((f.size(), f.root()), (t.size(), t.root()));
/// ```
#[derive(Clone)]
pub struct Frontier {
    size: u64,
    len: usize,
    stack: [Hash; 64],
}

impl Default for Frontier {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Frontier {
    fn eq(&self, other: &Self) -> bool {
        self.size == other.size && self.hashes() == other.hashes()
    }
}

impl Eq for Frontier {}

impl std::fmt::Debug for Frontier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frontier")
            .field("size", &self.size)
            .field("root", &hex::encode(self.root()))
            .finish()
    }
}

impl Frontier {
    /// The frontier of the empty tree.
    pub const fn new() -> Self {
        Frontier {
            size: 0,
            len: 0,
            stack: [[0; 32]; 64],
        }
    }

    /// Appends a leaf given by its leaf hash (`SHA-256(0x00 || data)`).
    ///
    /// # Errors
    /// [`ErrorCode::InvalidTreeSize`] once the tree holds 2^63 − 1 leaves.
    pub fn push(&mut self, leaf_hash: Hash) -> Result<(), Error> {
        if self.size >= MAX_TREE_SIZE {
            return Err(Error::new(
                ErrorCode::InvalidTreeSize,
                "the tree already holds 2^63 - 1 leaves",
            ));
        }
        let mut h = leaf_hash;
        // Every trailing one bit of `size` is a complete subtree of the same
        // height as `h` is about to be: merge (carry).
        let mut carries = self.size.trailing_ones();
        while carries > 0 {
            let Some(top) = self.len.checked_sub(1) else {
                break;
            };
            if let Some(left) = self.stack.get(top) {
                h = node_hash(left, &h);
            }
            self.len = top;
            carries -= 1;
        }
        if let Some(slot) = self.stack.get_mut(self.len) {
            *slot = h;
            self.len += 1;
        }
        self.size += 1;
        Ok(())
    }

    /// Appends a leaf given by its data (the 32-byte event hash).
    pub fn push_data(&mut self, data: &[u8]) {
        // A chain of 2^63 events cannot exist in practice; saturate silently
        // rather than make every caller handle it (the size check is in `push`).
        let _ = self.push(leaf_hash(data));
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The RFC 6962 root of the leaves pushed so far (`SHA-256("")` when
    /// empty).
    pub fn root(&self) -> Hash {
        let hashes = self.hashes();
        let Some((last, rest)) = hashes.split_last() else {
            return empty_root();
        };
        rest.iter()
            .rev()
            .fold(*last, |acc, left| node_hash(left, &acc))
    }

    /// The subtree roots, largest first (one per set bit of `size`), to
    /// save the frontier and resume later with [`Frontier::from_parts`].
    pub fn hashes(&self) -> &[Hash] {
        self.stack.get(..self.len).unwrap_or(&[])
    }

    /// Restores a frontier saved with [`Frontier::size`] and
    /// [`Frontier::hashes`]. The number of hashes must be the number of set
    /// bits of `size`. The hashes themselves cannot be checked here: take
    /// them only from a trusted place (or check the resulting root).
    pub fn from_parts(size: u64, hashes: &[Hash]) -> Result<Self, Error> {
        check_size(size)?;
        if hashes.len() != size.count_ones() as usize {
            return Err(Error::new(
                ErrorCode::InvalidProof,
                format!(
                    "a frontier of size {size} has {} hashes, not {}",
                    size.count_ones(),
                    hashes.len()
                ),
            ));
        }
        let mut f = Frontier::new();
        for (slot, h) in f.stack.iter_mut().zip(hashes) {
            *slot = *h;
        }
        f.len = hashes.len();
        f.size = size;
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::Tree;
    use super::*;

    #[test]
    fn frontier_matches_tree_and_resumes() {
        let mut f = Frontier::new();
        let mut t = Tree::new();
        assert_eq!(f.root(), empty_root());
        for i in 0u64..300 {
            f.push_data(&i.to_le_bytes());
            t.push(&i.to_le_bytes());
            assert_eq!(f.root(), t.root(), "size {}", i + 1);
            assert_eq!(f.hashes().len(), f.size().count_ones() as usize);
            let g = Frontier::from_parts(f.size(), f.hashes()).unwrap();
            assert_eq!(g, f);
        }
        assert!(Frontier::from_parts(3, &[[0; 32]]).is_err());
        let mut full = Frontier::from_parts(MAX_TREE_SIZE, &[[1; 32]; 63]).unwrap();
        assert_eq!(
            full.push([0; 32]).unwrap_err().code(),
            ErrorCode::InvalidTreeSize
        );
    }
}
