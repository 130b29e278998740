#!/usr/bin/env python3
"""Writes ../segments.json: Merkle compact ranges, the part of a segment
summary that stitches the Merkle tree (docs/merkle.md, "Compact ranges";
docs/segments.md): for trees of several sizes cut at several places, the
block hashes of each part [begin, end), the tree head after joining them
left to right, ranges far from leaf 0, and the refused uses (format:
../README.md).

Independent of trustcore: the RFC 6962 hashes by `hashlib`, the
decomposition into maximal aligned blocks and the join written here from
docs/merkle.md. No randomness: the cut points come from SHA-256 of fixed
text.

    /tmp/tvenv/bin/python test-vectors/tools/gen_segments.py
"""

import hashlib
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "segments.json")
MAX = 2**63 - 1


def leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def mth(hashes):
    """RFC 6962 §2.1 over leaf hashes."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def data(i):
    """Leaf i's data: 32 bytes, as an event hash is."""
    return hashlib.sha256(b"trustcore segment leaf %d" % i).digest()


def blocks(begin, end):
    """The maximal aligned blocks [i*2^l, (i+1)*2^l) that make [begin, end), left to right, as (start, level)."""
    out, s = [], begin
    while s < end:
        level = 63 if s == 0 else (s & -s).bit_length() - 1
        while level > 0 and (1 << level) > end - s:
            level -= 1
        out.append((s, level))
        s += 1 << level
    return out


def compact(begin, end, leaf_of):
    """The compact range of [begin, end): (levels, block roots)."""
    bs = blocks(begin, end)
    return [lv for _, lv in bs], [mth([leaf_of(j) for j in range(s, s + (1 << lv))]) for s, lv in bs]


def join(left, right):
    """Joins two adjacent ranges (begin, end, [(level, hash)]) as docs/merkle.md says: each block of the right one
    is pushed, merging with the last block while they are siblings."""
    b1, e1, nodes = left[0], left[1], list(left[2])
    b2, e2, more = right
    assert e1 == b2
    end = e1
    for lv, h in more:
        nodes.append((lv, h))
        end += 1 << lv
        while len(nodes) >= 2:
            (l1, a), (l2, b) = nodes[-2], nodes[-1]
            start = end - (1 << l2)
            if l1 != l2 or (start >> l2) & 1 == 0:
                break
            nodes[-2:] = [(l1 + 1, node(a, b))]
    return b1, end, nodes


def root(rng):
    """The tree head of a range from leaf 0: fold the blocks from the right."""
    assert rng[0] == 0
    nodes = rng[2]
    if not nodes:
        return hashlib.sha256(b"").digest()
    acc = nodes[-1][1]
    for _, h in reversed(nodes[:-1]):
        acc = node(h, acc)
    return acc


def cuts_for(n, label):
    """A few fixed cut points in (0, n) derived from SHA-256 of text."""
    if n < 2:
        return []
    h = hashlib.sha256(("cuts %s %d" % (label, n)).encode()).digest()
    return sorted({1 + h[i] % (n - 1) for i in range(0, 4)})


def main():
    size_max = 300
    leaves = [data(i) for i in range(size_max)]
    hashes = [leaf(x) for x in leaves]
    doc = {
        "format": "trustcore-vectors/segments",
        "version": 1,
        "description": "Merkle compact ranges (docs/merkle.md, docs/segments.md): block hashes of [begin, end), the "
                       "tree head after joining parts left to right, ranges far from leaf 0, refused uses. Generated "
                       "by tools/gen_segments.py (hashlib), independently of trustcore.",
        "leafData": "leaf i's data is SHA-256 of the ASCII text 'trustcore segment leaf <i>' (decimal i); its leaf "
                    "hash is SHA-256(0x00 || data)",
        "leaves": [x.hex() for x in leaves],
        "compactRanges": [],
        "farRanges": [],
        "errors": [],
    }

    def add(cid, desc, n, points):
        points = sorted(set([0, n] + list(points)))
        parts, whole, prefixes = [], (0, 0, []), []
        for a, b in zip(points, points[1:]):
            levels, hs = compact(a, b, lambda j: hashes[j])
            parts.append({"begin": a, "end": b, "levels": levels, "hashes": [h.hex() for h in hs]})
            whole = join(whole, (a, b, list(zip(levels, hs))))
            prefixes.append([h.hex() for _, h in whole[2]])
        assert whole[1] == n
        r = root(whole)
        assert r == mth(hashes[:n]), cid
        # The joined range is the compact range of [0, n): one block per set bit of n.
        assert [lv for lv, _ in whole[2]] == compact(0, n, lambda j: hashes[j])[0]
        assert len(whole[2]) == bin(n).count("1")
        doc["compactRanges"].append({"id": cid, "description": desc, "size": n, "parts": parts, "joined": prefixes,
                                     "root": r.hex()})

    for n in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 255, 256, 257, 300]:
        add("whole/%d" % n, "one part of %d leaves" % n, n, [])
        if n >= 2:
            add("cut/%d" % n, "%d leaves cut at fixed places" % n, n, cuts_for(n, "a"))
            add("cut2/%d" % n, "%d leaves cut at other places" % n, n, cuts_for(n, "b"))
        if 2 <= n <= 17:
            add("singletons/%d" % n, "%d leaves, one part per leaf" % n, n, range(1, n))
    for n, pts, desc in [
        (16, [8], "two perfect halves"), (16, [1, 15], "one leaf, fourteen, one"),
        (33, [1, 2, 4, 8, 16, 32], "cut at every power of two"), (100, [3, 5, 7, 11, 13, 17, 19, 23, 29, 31], "primes"),
        (300, [255, 256, 257], "around 2^8"), (64, [31, 33], "straddling the middle"),
        (17, [16], "a perfect tree and one more leaf"), (7, [0, 0, 7], "empty parts at the ends are nothing"),
    ]:
        add("chosen/%d-%s" % (n, "-".join(map(str, pts))), desc, n, pts)

    # Ranges far from leaf 0: leaves are the same data, numbered from begin.
    for begin, count in [(2**40 - 3, 8), (2**62 + 1, 5), (MAX - 4, 4), (MAX - 1, 1), (12345, 0), (2**32, 33)]:
        levels, hs = compact(begin, begin + count, lambda j: hashes[j - begin])
        doc["farRanges"].append({"id": "far/%d+%d" % (begin, count), "description": "%d leaves from leaf %d (leaf "
                                 "data 0.. of the list)" % (count, begin), "begin": begin, "end": begin + count,
                                 "levels": levels, "hashes": [h.hex() for h in hs]})

    z = "00" * 32
    doc["errors"] = [
        {"id": "from-hashes/too-few", "description": "[3, 8) has two blocks ([3,4), [4,8)), not one",
         "op": "fromHashes", "begin": 3, "end": 8, "hashes": [z], "code": "invalid_range"},
        {"id": "from-hashes/too-many", "description": "[0, 4) is one block", "op": "fromHashes", "begin": 0, "end": 4,
         "hashes": [z, z], "code": "invalid_range"},
        {"id": "from-hashes/empty-with-hash", "description": "an empty range has no block", "op": "fromHashes",
         "begin": 5, "end": 5, "hashes": [z], "code": "invalid_range"},
        {"id": "from-hashes/reversed", "description": "begin after end", "op": "fromHashes", "begin": 9, "end": 8,
         "hashes": [], "code": "invalid_tree_size"},
        {"id": "from-hashes/past-max", "description": "an end beyond 2^63 - 1", "op": "fromHashes", "begin": 0,
         "end": 2**63, "hashes": [z], "code": "invalid_tree_size"},
        {"id": "append/gap", "description": "[0, 1) then [5, 5)", "op": "append", "left": [0, 1], "right": [5, 5],
         "code": "invalid_range"},
        {"id": "append/overlap", "description": "[0, 4) then [3, 6)", "op": "append", "left": [0, 4], "right": [3, 6],
         "code": "invalid_range"},
        {"id": "root/not-from-zero", "description": "only a range from leaf 0 has a root", "op": "root",
         "left": [4, 8], "code": "invalid_range"},
        {"id": "push/past-max", "description": "a leaf past 2^63 - 1", "op": "push", "left": [MAX, MAX],
         "code": "invalid_tree_size"},
    ]
    assert blocks(3, 8) == [(3, 0), (4, 2)]
    for c in doc["errors"]:
        for k in ("left", "right"):
            if k in c:
                b, e = c[k]
                lv, hs = compact(b, e, lambda j: hashes[j - b])
                c[k] = {"begin": b, "end": e, "hashes": [h.hex() for h in hs]}
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
