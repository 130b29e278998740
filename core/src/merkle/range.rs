//! Compact ranges: the Merkle summary of a contiguous run of leaves
//! `[begin, end)` of an RFC 6962 tree, in O(log n) hashes, that joins with
//! its neighbours into the range of both.
//!
//! A range is the roots of the perfect subtrees of its unique maximal
//! decomposition into aligned blocks (`[i·2^l, (i+1)·2^l)`), left to right.
//! Which blocks those are depends on where the range sits in the tree, not
//! only on its leaves: a segment verified without knowing how many leaves
//! come before it cannot build its range until it is told (see
//! `chain::segment`). [`Frontier`](super::Frontier) is the special case
//! `begin = 0`.

use super::tree::{empty_root, leaf_hash, node_hash, MAX_TREE_SIZE};
use super::{Error, ErrorCode, Hash};

/// The Merkle summary of the leaves `[begin, end)` of a tree.
///
/// ```
/// use trustcore::merkle::{CompactRange, Tree};
/// let data: Vec<[u8; 32]> = (0u8..10).map(|i| [i; 32]).collect();
/// // Two parts built apart, each knowing where it starts...
/// let mut left = CompactRange::new(0);
/// let mut right = CompactRange::new(4);
/// for d in &data[..4] { left.push_data(d)?; }
/// for d in &data[4..] { right.push_data(d)?; }
/// // ...join into the range of the whole, whose root is the tree's.
/// left.append(&right)?;
/// assert_eq!(left.root()?, Tree::from_leaf_data(&data).root());
/// # Ok::<(), trustcore::merkle::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactRange {
    begin: u64,
    end: u64,
    /// (level, root) of each block, left to right.
    nodes: Vec<(u8, Hash)>,
}

/// The levels of the maximal aligned blocks of `[begin, end)`, left to
/// right.
fn decomposition(begin: u64, end: u64) -> Vec<u8> {
    let mut levels = Vec::new();
    let mut s = begin;
    while s < end {
        let mut l = if s == 0 { 63 } else { s.trailing_zeros() };
        while l > 0 && (1u128 << l) > u128::from(end - s) {
            l -= 1;
        }
        levels.push(l as u8);
        s += 1u64 << l;
    }
    levels
}

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidRange, message)
}

impl CompactRange {
    /// The empty range at leaf index `begin`.
    pub fn new(begin: u64) -> Self {
        CompactRange {
            begin,
            end: begin,
            nodes: Vec::new(),
        }
    }

    /// A range from its bounds and block hashes (as [`Self::hashes`] gives
    /// them).
    ///
    /// # Errors
    /// [`ErrorCode::InvalidTreeSize`] for bounds beyond 2^63 − 1 or
    /// reversed, [`ErrorCode::InvalidRange`] when the number of hashes is
    /// not the number of blocks of `[begin, end)`.
    pub fn from_hashes(begin: u64, end: u64, hashes: Vec<Hash>) -> Result<Self, Error> {
        if end > MAX_TREE_SIZE || begin > end {
            return Err(Error::new(
                ErrorCode::InvalidTreeSize,
                format!("a range [{begin}, {end}) is not within [0, 2^63 - 1]"),
            ));
        }
        let levels = decomposition(begin, end);
        if levels.len() != hashes.len() {
            return Err(bad(format!(
                "the range [{begin}, {end}) has {} blocks, not {} hashes",
                levels.len(),
                hashes.len()
            )));
        }
        Ok(CompactRange {
            begin,
            end,
            nodes: levels.into_iter().zip(hashes).collect(),
        })
    }

    /// Its first leaf index.
    pub fn begin(&self) -> u64 {
        self.begin
    }

    /// One past its last leaf index.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The block roots, left to right (at most 2·63).
    pub fn hashes(&self) -> Vec<Hash> {
        self.nodes.iter().map(|(_, h)| *h).collect()
    }

    /// Adds the block `(level, hash)` ending at `end + 2^level`, merging
    /// siblings.
    fn push_node(&mut self, level: u8, hash: Hash) -> Result<(), Error> {
        let width = 1u64 << level;
        let end = self
            .end
            .checked_add(width)
            .filter(|e| *e <= MAX_TREE_SIZE)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidTreeSize,
                    "the range would pass 2^63 - 1 leaves",
                )
            })?;
        self.nodes.push((level, hash));
        self.end = end;
        // The last block ends at `end`; it is a right sibling when its index
        // at its level is odd, and the block before it is its left sibling
        // when it has the same level.
        while let [.., (l1, left), (l2, right)] = self.nodes[..] {
            let start = self.end - (1u64 << l2);
            if l1 != l2 || (start >> l2) & 1 == 0 {
                break;
            }
            self.nodes.truncate(self.nodes.len() - 2);
            self.nodes.push((l1 + 1, node_hash(&left, &right)));
        }
        Ok(())
    }

    /// Appends a leaf given by its leaf hash.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidTreeSize`] past 2^63 − 1 leaves.
    pub fn push(&mut self, leaf_hash: Hash) -> Result<(), Error> {
        self.push_node(0, leaf_hash)
    }

    /// Appends a leaf given by its data (for the chain, the event hash).
    ///
    /// # Errors
    /// As [`Self::push`].
    pub fn push_data(&mut self, data: &[u8]) -> Result<(), Error> {
        self.push(leaf_hash(data))
    }

    /// Joins the range that starts where this one ends.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidRange`] when `right` does not start at
    /// [`Self::end`].
    pub fn append(&mut self, right: &CompactRange) -> Result<(), Error> {
        if right.begin != self.end {
            return Err(bad(format!(
                "a range ending at {} cannot be joined with one starting at {}",
                self.end, right.begin
            )));
        }
        for &(level, hash) in &right.nodes {
            self.push_node(level, hash)?;
        }
        Ok(())
    }

    /// The RFC 6962 root of the tree of the first [`Self::end`] leaves.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidRange`] unless the range starts at leaf 0.
    pub fn root(&self) -> Result<Hash, Error> {
        if self.begin != 0 {
            return Err(bad(format!(
                "only a range from leaf 0 has a root; this one starts at {}",
                self.begin
            )));
        }
        let Some(((_, last), rest)) = self.nodes.split_last() else {
            return Ok(empty_root());
        };
        Ok(rest
            .iter()
            .rev()
            .fold(*last, |acc, (_, left)| node_hash(left, &acc)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{Frontier, Tree};
    use proptest::prelude::*;

    fn data(n: u64) -> Vec<[u8; 32]> {
        (0..n)
            .map(|i| {
                let mut d = [0u8; 32];
                d[..8].copy_from_slice(&i.to_be_bytes());
                d
            })
            .collect()
    }

    proptest! {
        // Ranges cut anywhere and joined give the tree's root, and match the
        // canonical decomposition of their bounds.
        #[test]
        fn cut_and_joined_ranges_give_the_root(n in 0u64..300, cuts in proptest::collection::vec(0u64..300, 0..6)) {
            let d = data(n);
            let mut points: Vec<u64> = cuts.into_iter().map(|c| c % (n + 1)).collect();
            points.push(0);
            points.push(n);
            points.sort_unstable();
            points.dedup();
            let mut whole = CompactRange::new(0);
            for w in points.windows(2) {
                let mut part = CompactRange::new(w[0]);
                for x in &d[w[0] as usize..w[1] as usize] {
                    part.push_data(x).unwrap();
                }
                let again = CompactRange::from_hashes(part.begin(), part.end(), part.hashes()).unwrap();
                prop_assert_eq!(&again, &part);
                whole.append(&part).unwrap();
            }
            let mut f = Frontier::new();
            for x in &d { f.push_data(x); }
            prop_assert_eq!(whole.root().unwrap(), f.root());
            prop_assert_eq!(whole.root().unwrap(), Tree::from_leaf_data(&d).root());
            prop_assert_eq!(whole.hashes().len(), n.count_ones() as usize);
        }
    }

    #[test]
    fn misuse_is_refused_with_codes() {
        let mut a = CompactRange::new(0);
        a.push_data(b"x").unwrap();
        let b = CompactRange::new(5);
        assert_eq!(a.append(&b).unwrap_err().code(), ErrorCode::InvalidRange);
        assert_eq!(b.root().unwrap_err().code(), ErrorCode::InvalidRange);
        assert_eq!(
            CompactRange::from_hashes(3, 8, vec![[0; 32]])
                .unwrap_err()
                .code(),
            ErrorCode::InvalidRange
        );
        assert_eq!(
            CompactRange::from_hashes(9, 8, vec![]).unwrap_err().code(),
            ErrorCode::InvalidTreeSize
        );
        assert_eq!(CompactRange::new(0).root().unwrap(), empty_root());
        let mut big = CompactRange::new(MAX_TREE_SIZE);
        assert_eq!(
            big.push_data(b"x").unwrap_err().code(),
            ErrorCode::InvalidTreeSize
        );
    }
}
