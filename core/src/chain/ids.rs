//! Exact duplicate-id tracking in about 16 bytes per id.

use std::collections::HashSet;

/// The ids seen so far, exactly, in 16 bytes each plus a few percent: a
/// small hash set of recent ids, and the older ones as one sorted sequence
/// stored in fixed blocks, merged in place when the recent set fills.
///
/// A plain `HashSet<u128>` would hold 2-3 times as much (its load factor,
/// and its doubling on growth), which is what a 1M-event audit under 64 MB
/// cannot afford. Blocks, not one vector, so that growing never reallocates
/// (and for a moment doubles) the whole set: the peak is the set plus one
/// block and the recent ids. 16 bytes is close to the floor for exact
/// answers: a million random UUIDs carry about 13 bytes of information
/// each.
#[derive(Debug, Default)]
pub(super) struct IdSet {
    pub(super) recent: HashSet<u128>,
    /// Sorted ids, `BLOCK` per block (the last one partly used).
    pub(super) blocks: Vec<Box<[u128]>>,
    pub(super) len: usize,
}

impl IdSet {
    const SHIFT: u32 = 14;
    /// Ids per block (256 KiB).
    const BLOCK: usize = 1 << Self::SHIFT;
    /// The recent set is merged when it holds this many ids, or 1/128 of
    /// the sorted ones if more: few merges on long chains, little memory.
    const RECENT: usize = 4096;

    pub(super) fn sorted_contains(&self, id: u128) -> bool {
        // The last block whose first id is <= `id` is the only one that
        // can hold it.
        let b = self
            .blocks
            .partition_point(|blk| blk.first().is_some_and(|f| *f <= id));
        let Some(b) = b.checked_sub(1) else {
            return false;
        };
        let used = self.len.saturating_sub(b * Self::BLOCK).min(Self::BLOCK);
        self.blocks
            .get(b)
            .and_then(|blk| blk.get(..used))
            .is_some_and(|blk| blk.binary_search(&id).is_ok())
    }

    pub(super) fn at(&mut self, i: usize) -> Option<&mut u128> {
        self.blocks
            .get_mut(i >> Self::SHIFT)?
            .get_mut(i & (Self::BLOCK - 1))
    }

    /// Adds `id`; false when it was already there.
    pub(super) fn insert(&mut self, id: u128) -> bool {
        if self.sorted_contains(id) || !self.recent.insert(id) {
            return false;
        }
        if self.recent.len() >= Self::RECENT.max(self.len / 128) {
            self.merge_recent();
        }
        true
    }

    /// Moves the recent ids into the sorted blocks (a merge from the back,
    /// into room added at the end).
    pub(super) fn merge_recent(&mut self) {
        let mut batch: Vec<u128> = self.recent.drain().collect();
        crate::sort::sort_unstable(&mut batch);
        let old = self.len;
        let new_len = old + batch.len();
        while self.blocks.len() * Self::BLOCK < new_len {
            self.blocks
                .push(vec![0u128; Self::BLOCK].into_boxed_slice());
        }
        self.len = new_len;
        let (mut i, mut j, mut k) = (old, batch.len(), new_len);
        while let Some(&b) = j.checked_sub(1).and_then(|p| batch.get(p)) {
            k -= 1;
            let top = i.checked_sub(1).and_then(|p| self.at(p)).map(|v| *v);
            let v = match top {
                Some(t) if t > b => {
                    i -= 1;
                    t
                }
                _ => {
                    j -= 1;
                    b
                }
            };
            if let Some(slot) = self.at(k) {
                *slot = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn id_set_is_exact_across_merges() {
        let mut set = IdSet::default();
        let mut reference = HashSet::new();
        let mut seen = Vec::new();
        let mut x: u128 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..(3 * IdSet::BLOCK + 123) {
            // Fresh ids, and every 97th one seen long before (in the sorted
            // part) or just before (in the recent set).
            let id = match i % 97 {
                0 if i > 0 => seen[i / 3],
                1 if i > 1 => seen[i - 2],
                _ => x,
            };
            assert_eq!(set.insert(id), reference.insert(id), "{i}");
            seen.push(id);
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
        }
        let mut all: Vec<u128> = set.blocks.iter().flat_map(|b| b.iter().copied()).collect();
        all.truncate(set.len);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(set.len > IdSet::BLOCK, "the test must cross blocks");
    }
}
