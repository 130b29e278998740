//! The crate's one sort.
//!
//! Natively every call is the standard library's stable sort. In
//! WebAssembly, where the module's size is the browser's download, the
//! standard sort costs about 4.3 KB of code for every element type it is
//! used with (fourteen of them in the verifier module), so there every call
//! goes through [`compact`]: a stable merge sort on indices whose merging is
//! compiled once for the whole crate (it compares through a `dyn` closure),
//! plus a few hundred bytes per element type for the insertion sort of short
//! slices and the final permutation.
//!
//! Both are stable sorts under the same comparator, so they put every slice
//! in the same order: the bytes and verdicts do not depend on the target
//! (`tests` holds `compact` to the standard sort).

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`.
#[inline]
pub(crate) fn sort_by<T>(
    v: &mut [T],
    #[allow(unused_mut)] mut cmp: impl FnMut(&T, &T) -> Ordering,
) {
    #[cfg(not(target_family = "wasm"))]
    v.sort_by(cmp);
    #[cfg(target_family = "wasm")]
    compact(v, &mut cmp);
}

/// Sorts `v` stably in its `Ord` order.
#[inline]
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp)
}

/// Sorts `v` stably by the key `f` gives each element.
#[inline]
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)))
}

/// Sorts `v` in its `Ord` order where equal elements are indistinguishable
/// or their order does not matter (natively the standard unstable sort).
#[inline]
pub(crate) fn sort_unstable<T: Ord>(v: &mut [T]) {
    #[cfg(not(target_family = "wasm"))]
    v.sort_unstable();
    #[cfg(target_family = "wasm")]
    compact(v, &mut T::cmp);
}

/// Sorts `v` by `cmp` where elements that compare equal are
/// indistinguishable or their order does not matter (natively the standard
/// unstable sort).
#[inline]
pub(crate) fn sort_unstable_by<T>(
    v: &mut [T],
    #[allow(unused_mut)] mut cmp: impl FnMut(&T, &T) -> Ordering,
) {
    #[cfg(not(target_family = "wasm"))]
    v.sort_unstable_by(cmp);
    #[cfg(target_family = "wasm")]
    compact(v, &mut cmp);
}

/// Slices up to this length are sorted in place by insertion.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
const SHORT: usize = 16;

/// A stable sort small in code: insertion sort for short slices, otherwise
/// a merge sort of the indices (compiled once, whatever `T` is) and one
/// permutation of the elements.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
pub(crate) fn compact<T>(v: &mut [T], cmp: &mut dyn FnMut(&T, &T) -> Ordering) {
    if v.len() <= SHORT {
        insertion(v, cmp);
        return;
    }
    let mut order = {
        let items = &*v;
        merge_order(items.len(), &mut |i, j| cmp(&items[i], &items[j]))
    };
    permute(v, &mut order);
}

/// Stable insertion sort in place (an element moves left past strictly
/// greater ones only).
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
fn insertion<T>(v: &mut [T], cmp: &mut dyn FnMut(&T, &T) -> Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The indices `0..n` in the stable order of `cmp` (which compares two
/// indices' elements): runs of `SHORT` sorted by insertion, then merged
/// bottom-up, the left run winning ties.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
fn merge_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    for run in a.chunks_mut(SHORT) {
        insertion(run, &mut |i, j| cmp(*i, *j));
    }
    let mut b = vec![0usize; n];
    let mut width = SHORT;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = lo.saturating_add(width).min(n);
            let hi = mid.saturating_add(width).min(n);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut b[lo..hi] {
                let take_right = i == mid || (j < hi && cmp(a[j], a[i]) == Ordering::Less);
                if take_right {
                    *slot = a[j];
                    j += 1;
                } else {
                    *slot = a[i];
                    i += 1;
                }
            }
            lo = hi;
        }
        std::mem::swap(&mut a, &mut b);
        width = width.saturating_mul(2);
    }
    a
}

/// Rearranges `v` so that position `k` holds what was at `order[k]`
/// (`order` is a permutation of `0..v.len()`; it is used up as the marks of
/// the cycles already placed).
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..v.len() {
        let mut cur = start;
        loop {
            let next = order[cur];
            order[cur] = cur;
            if next == start || next == cur {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// `compact` orders every slice as the standard stable sort does,
        /// equal keys in input order included (the second field tells equal
        /// keys apart), for lengths on both sides of `SHORT` and of every
        /// merge width.
        #[test]
        fn compact_is_the_standard_stable_sort(
            keys in prop::collection::vec(0u8..12, 0..300),
        ) {
            let items: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut ours = items.clone();
            compact(&mut ours, &mut |a, b| a.0.cmp(&b.0));
            let mut std_sorted = items;
            std_sorted.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, std_sorted);
        }

        /// The permutation step on its own: any permutation is applied.
        #[test]
        fn permute_applies_the_order(order in (0usize..200).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle())) {
            let mut v: Vec<String> = (0..order.len()).map(|i| i.to_string()).collect();
            let expected: Vec<String> = order.iter().map(|i| i.to_string()).collect();
            let mut o = order.clone();
            permute(&mut v, &mut o);
            prop_assert_eq!(v, expected);
        }
    }

    #[test]
    fn wrappers_sort() {
        let mut v = vec![3, 1, 2];
        sort(&mut v);
        assert_eq!(v, [1, 2, 3]);
        let mut w = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        sort_by_key(&mut w, |p| p.0);
        assert_eq!(w, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }
}
