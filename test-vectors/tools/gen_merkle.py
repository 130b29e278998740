#!/usr/bin/env python3
"""Generates ../merkle.json and ../checkpoint.json.

Everything here is an independent reference, written from RFC 6962 / RFC 9162
and the C2SP signed-note and tlog-checkpoint specifications, never from
trustcore's code:

* tree hashes, inclusion proofs (PATH) and consistency proofs (PROOF) follow
  the recursive definitions of RFC 6962 section 2.1 literally;
* proof verification (to decide the expected verdict and error code of each
  mutated proof) is a recursive descent over [lo, hi) that consumes the proof
  from its end, a different algorithm from the iterative one in RFC 9162
  section 2.1.3.2 / 2.1.4.2 that trustcore uses;
* SHA-256 comes from hashlib, Ed25519 signatures from PyPI `cryptography`
  (RFC 8032 signatures are deterministic, so the notes are reproducible).

Usage (from the repository root)::

    python3 test-vectors/tools/gen_merkle.py

Needs only the standard library and `cryptography` (Debian: python3-cryptography).
"""

import base64
import functools
import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_MERKLE = os.path.join(HERE, "..", "merkle.json")
OUT_CHECKPOINT = os.path.join(HERE, "..", "checkpoint.json")

# ---------------------------------------------------------------- hashing

NLEAVES = 1025
LEAF_DATA = [hashlib.sha256(b"trustcore merkle vector leaf %d" % i).digest() for i in range(NLEAVES)]


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


LEAF_HASHES = [leaf_hash(d) for d in LEAF_DATA]


def k_of(n):
    """Largest power of two strictly less than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@functools.lru_cache(maxsize=None)
def mth(lo, hi):
    """MTH(D[lo:hi]) of RFC 6962 section 2.1."""
    n = hi - lo
    if n == 0:
        return sha256(b"")
    if n == 1:
        return LEAF_HASHES[lo]
    k = k_of(n)
    return node_hash(mth(lo, lo + k), mth(lo + k, hi))


def path(m, lo, hi):
    """PATH(m, D[lo:hi]) of RFC 6962 section 2.1.1; m is relative to lo."""
    n = hi - lo
    if n == 1:
        return []
    k = k_of(n)
    if m < k:
        return path(m, lo, lo + k) + [mth(lo + k, hi)]
    return path(m - k, lo + k, hi) + [mth(lo, lo + k)]


def subproof(m, lo, hi, b):
    """SUBPROOF(m, D[lo:hi], b) of RFC 6962 section 2.1.2."""
    n = hi - lo
    if m == n:
        return [] if b else [mth(lo, hi)]
    k = k_of(n)
    if m <= k:
        return subproof(m, lo, lo + k, b) + [mth(lo + k, hi)]
    return subproof(m - k, lo + k, hi, False) + [mth(lo, lo + k)]


def consistency(m, n):
    return subproof(m, 0, n, True)


def path_len(m, n):
    """len(PATH(m, D[n])), by the same recursion without hashing."""
    if n == 1:
        return 0
    k = k_of(n)
    return 1 + (path_len(m, k) if m < k else path_len(m - k, n - k))


def subproof_len(m, n, b):
    """len(SUBPROOF(m, D[n], b)), by the same recursion without hashing."""
    if m == n:
        return 0 if b else 1
    k = k_of(n)
    return 1 + (subproof_len(m, k, b) if m <= k else subproof_len(m - k, n - k, False))


# -------------------------------------------------- reference verification


class Fail(Exception):
    pass


def run_inclusion(proof, lo, hi, index, h):
    """Root of [lo, hi) given leaf hash h at index, consuming proof from the end."""
    if hi - lo == 1:
        if proof:
            raise Fail()
        return h
    if not proof:
        raise Fail()
    k = k_of(hi - lo)
    last = proof[-1]
    if index < lo + k:
        return node_hash(run_inclusion(proof[:-1], lo, lo + k, index, h), last)
    return node_hash(last, run_inclusion(proof[:-1], lo + k, hi, index, h))


def inclusion_verdict(leaf, index, size, proof, root):
    """(valid, error code) by the rules in test-vectors/README.md."""
    if size == 0 or index >= size:
        return False, "index_out_of_range"
    if len(proof) != path_len(index, size):
        return False, "invalid_proof"
    try:
        got = run_inclusion(proof, 0, size, index, leaf)
    except Fail:
        raise AssertionError("length checked, so the descent cannot fail")
    return (True, None) if got == root else (False, "root_mismatch")


def run_consistency(proof, lo, hi, m, old):
    """(old root, new root) of the trees [lo, m) and [lo, hi), old known when m == hi at lo == 0."""
    if m == hi:
        if lo == 0:
            if proof:
                raise Fail()
            return old, old
        if len(proof) != 1:
            raise Fail()
        return proof[0], proof[0]
    if not proof:
        raise Fail()
    k = k_of(hi - lo)
    last = proof[-1]
    if m <= lo + k:
        o, t = run_consistency(proof[:-1], lo, lo + k, m, old)
        return o, node_hash(t, last)
    o, t = run_consistency(proof[:-1], lo + k, hi, m, old)
    return node_hash(last, o), node_hash(last, t)


def consistency_verdict(old_size, new_size, old_root, new_root, proof):
    if old_size == 0 or old_size > new_size:
        return False, "invalid_tree_size"
    if len(proof) != subproof_len(old_size, new_size, True):
        return False, "invalid_proof"
    try:
        o, t = run_consistency(proof, 0, new_size, old_size, old_root)
    except Fail:
        raise AssertionError("length checked, so the descent cannot fail")
    return (True, None) if (o == old_root and t == new_root) else (False, "root_mismatch")


def flip(h, bit):
    b = bytearray(h)
    b[(bit // 8) % 32] ^= 1 << (bit % 8)
    return bytes(b)


def hx(b):
    return b.hex()


# ------------------------------------------------------------ merkle.json

ROOT_SIZES = list(range(0, 21)) + [31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 1000, 1023, 1024, 1025]

roots = [{"size": n, "root": hx(mth(0, n))} for n in ROOT_SIZES]

inclusion = []


def add_inclusion(cid, description, leaf, index, size, proof, root, expect=None):
    valid, code = inclusion_verdict(leaf, index, size, proof, root)
    if expect is not None:
        assert valid == expect, (cid, valid, code)
    case = {
        "id": cid,
        "description": description,
        "leaf_hash": hx(leaf),
        "leaf_index": index,
        "tree_size": size,
        "proof": [hx(p) for p in proof],
        "root": hx(root),
        "valid": valid,
    }
    if not valid:
        case["error"] = code
    elif cid.startswith("invalid/"):
        case["id"] = "mutated-still-valid/" + cid[len("invalid/"):]
        case["description"] += ": still valid, because a proof alone does not bind the tree size (the signed checkpoint does)"
    inclusion.append(case)


pairs = [(i, n) for n in range(1, 9) for i in range(n)]
for n in [13, 20, 32, 33, 100, 257, 1024, 1025]:
    for i in sorted({0, 1, n // 2, n - 2, n - 1}):
        pairs.append((i, n))
for i, n in pairs:
    add_inclusion(
        "valid/%d-of-%d" % (i, n),
        "leaf %d of a tree of %d leaves" % (i, n),
        LEAF_HASHES[i], i, n, path(i, 0, n), mth(0, n), expect=True,
    )

for i, n in [(0, 1), (2, 5), (6, 8), (3, 7), (12, 13), (500, 1025)]:
    leaf, proof, root = LEAF_HASHES[i], path(i, 0, n), mth(0, n)
    base = "invalid/%d-of-%d/" % (i, n)
    for j in range(len(proof)):
        for bit in (0, 255, 8 * j + 3):
            p = list(proof)
            p[j] = flip(p[j], bit)
            add_inclusion(base + "flip-node%d-bit%d" % (j, bit), "bit %d of proof node %d flipped" % (bit, j), leaf, i, n, p, root, expect=False)
    for bit in (0, 131, 255):
        add_inclusion(base + "flip-root-bit%d" % bit, "bit %d of the root flipped" % bit, leaf, i, n, proof, flip(root, bit), expect=False)
        add_inclusion(base + "flip-leaf-bit%d" % bit, "bit %d of the leaf hash flipped" % bit, flip(leaf, bit), i, n, proof, root, expect=False)
    add_inclusion(base + "leaf-data-not-hashed", "the leaf data instead of its leaf hash", LEAF_DATA[i], i, n, proof, root, expect=False)
    add_inclusion(base + "empty-tree-root", "the root of the empty tree", leaf, i, n, proof, sha256(b""), expect=False)
    if n > 1:
        add_inclusion(base + "root-of-smaller-tree", "the root of the tree one leaf smaller", leaf, i, n, proof, mth(0, n - 1), expect=False)
    if proof:
        add_inclusion(base + "truncated-last", "proof without its last node", leaf, i, n, proof[:-1], root, expect=False)
        add_inclusion(base + "truncated-first", "proof without its first node", leaf, i, n, proof[1:], root, expect=False)
        add_inclusion(base + "empty-proof", "an empty proof", leaf, i, n, [], root, expect=False)
    if len(proof) >= 2:
        add_inclusion(base + "reversed", "proof nodes in reverse order", leaf, i, n, proof[::-1], root, expect=False)
    add_inclusion(base + "extended-zero", "a zero hash appended", leaf, i, n, proof + [bytes(32)], root, expect=False)
    add_inclusion(base + "extended-leaf", "the leaf hash prepended", leaf, i, n, [leaf] + proof, root, expect=False)
    add_inclusion(base + "extended-root", "the root appended", leaf, i, n, proof + [root], root, expect=False)
    if i + 1 < n:
        add_inclusion(base + "index-plus-1", "wrong leaf index (+1)", leaf, i + 1, n, proof, root, expect=None)
    if i > 0:
        add_inclusion(base + "index-minus-1", "wrong leaf index (-1)", leaf, i - 1, n, proof, root, expect=None)
    add_inclusion(base + "index-equals-size", "leaf index equal to the tree size", leaf, n, n, proof, root, expect=False)
    add_inclusion(base + "index-beyond-size", "leaf index beyond the tree size", leaf, n + 5, n, proof, root, expect=False)
    add_inclusion(base + "size-plus-1", "wrong tree size (+1)", leaf, i, n + 1, proof, root, expect=None)
    if n - 1 > i:
        add_inclusion(base + "size-minus-1", "wrong tree size (-1)", leaf, i, n - 1, proof, root, expect=None)
    add_inclusion(base + "size-doubled", "wrong tree size (x2)", leaf, i, 2 * n, proof, root, expect=None)
    add_inclusion(base + "size-zero", "tree size 0", leaf, i, 0, proof, root, expect=False)
add_inclusion("invalid/empty-tree", "no leaf is in the empty tree", LEAF_HASHES[0], 0, 0, [], sha256(b""), expect=False)

consistency_cases = []


def add_consistency(cid, description, old, new, old_root, new_root, proof, expect=None):
    valid, code = consistency_verdict(old, new, old_root, new_root, proof)
    if expect is not None:
        assert valid == expect, (cid, valid, code)
    case = {
        "id": cid,
        "description": description,
        "old_size": old,
        "new_size": new,
        "old_root": hx(old_root),
        "new_root": hx(new_root),
        "proof": [hx(p) for p in proof],
        "valid": valid,
    }
    if not valid:
        case["error"] = code
    elif cid.startswith("invalid/"):
        case["id"] = "mutated-still-valid/" + cid[len("invalid/"):]
        case["description"] += ": still valid, because a proof alone does not bind the tree size (the signed checkpoint does)"
    consistency_cases.append(case)


cpairs = [(m, n) for n in range(1, 9) for m in range(1, n + 1)]
cpairs += [(1, 1025), (3, 1025), (7, 13), (12, 13), (100, 257), (256, 257), (257, 1024), (512, 1025), (1000, 1024), (1024, 1025), (1025, 1025)]
for m, n in cpairs:
    add_consistency(
        "valid/%d-to-%d" % (m, n),
        "the tree of %d leaves is a prefix of the tree of %d" % (m, n),
        m, n, mth(0, m), mth(0, n), consistency(m, n), expect=True,
    )

for m, n in [(1, 2), (3, 7), (4, 8), (6, 8), (5, 13), (512, 1025), (1000, 1024), (7, 7)]:
    o, t, proof = mth(0, m), mth(0, n), consistency(m, n)
    base = "invalid/%d-to-%d/" % (m, n)
    for j in range(len(proof)):
        for bit in (0, 255, 8 * j + 5):
            p = list(proof)
            p[j] = flip(p[j], bit)
            add_consistency(base + "flip-node%d-bit%d" % (j, bit), "bit %d of proof node %d flipped" % (bit, j), m, n, o, t, p, expect=False)
    for bit in (0, 255):
        add_consistency(base + "flip-old-root-bit%d" % bit, "bit %d of the old root flipped" % bit, m, n, flip(o, bit), t, proof, expect=False)
        add_consistency(base + "flip-new-root-bit%d" % bit, "bit %d of the new root flipped" % bit, m, n, o, flip(t, bit), proof, expect=False)
    if m != n:
        add_consistency(base + "swapped-roots", "old and new roots swapped", m, n, t, o, proof, expect=False)
        add_consistency(base + "swapped-sizes", "old and new sizes swapped", n, m, o, t, proof, expect=False)
        add_consistency(base + "new-root-twice", "the new root given as the old one too", m, n, t, t, proof, expect=False)
    if proof:
        add_consistency(base + "truncated-last", "proof without its last node", m, n, o, t, proof[:-1], expect=False)
        add_consistency(base + "truncated-first", "proof without its first node", m, n, o, t, proof[1:], expect=False)
        add_consistency(base + "empty-proof", "an empty proof", m, n, o, t, [], expect=False)
    if len(proof) >= 2:
        add_consistency(base + "reversed", "proof nodes in reverse order", m, n, o, t, proof[::-1], expect=False)
    add_consistency(base + "extended-zero", "a zero hash appended", m, n, o, t, proof + [bytes(32)], expect=False)
    add_consistency(base + "extended-old-root", "the old root prepended", m, n, o, t, [o] + proof, expect=False)
    if m > 1:
        add_consistency(base + "old-size-minus-1", "wrong old size (-1)", m - 1, n, o, t, proof, expect=None)
    if m + 1 <= n:
        add_consistency(base + "old-size-plus-1", "wrong old size (+1)", m + 1, n, o, t, proof, expect=None)
    add_consistency(base + "new-size-plus-1", "wrong new size (+1)", m, n + 1, o, t, proof, expect=None)
    if n - 1 >= m:
        add_consistency(base + "new-size-minus-1", "wrong new size (-1)", m, n - 1, o, t, proof, expect=None)
    add_consistency(base + "old-size-zero", "a consistency proof from size 0 (refused, as by Go tlog.CheckTree)", 0, n, sha256(b""), t, proof, expect=False)
add_consistency("invalid/equal-sizes/non-empty-proof", "equal sizes need the empty proof", 5, 5, mth(0, 5), mth(0, 5), [mth(0, 5)], expect=False)
add_consistency("invalid/equal-sizes/different-roots", "equal sizes need equal roots", 5, 5, mth(0, 5), mth(0, 4), [], expect=False)
add_consistency("invalid/zero-to-zero", "no consistency proof from the empty tree", 0, 0, sha256(b""), sha256(b""), [], expect=False)

for i, n in pairs:
    assert path_len(i, n) == len(path(i, 0, n))
for m, n in cpairs:
    assert subproof_len(m, n, True) == len(consistency(m, n))
for group in (inclusion, consistency_cases):
    ids = [c["id"] for c in group]
    assert len(ids) == len(set(ids)), "duplicate ids"

merkle = {
    "format": "trustcore-vectors/merkle",
    "version": 1,
    "description": (
        "RFC 6962 / RFC 9162 Merkle tree hashing over audit event hashes: leaf hash = SHA-256(0x00 || data), "
        "node hash = SHA-256(0x01 || left || right), empty root = SHA-256(''). Roots, inclusion and consistency "
        "proofs, and mutated negatives. Generated by test-vectors/tools/gen_merkle.py (independent Python reference)."
    ),
    "leaf_rule": "leaves[i] = SHA-256(ASCII 'trustcore merkle vector leaf ' + decimal i)",
    "leaves": [hx(d) for d in LEAF_DATA],
    "leaf_hashes": [
        {"data": "", "leaf_hash": hx(leaf_hash(b""))},
        {"data": hx(LEAF_DATA[0]), "leaf_hash": hx(LEAF_HASHES[0])},
        {"data": "00" * 32, "leaf_hash": hx(leaf_hash(bytes(32)))},
        {"data": "ff" * 32, "leaf_hash": hx(leaf_hash(b"\xff" * 32))},
    ],
    "roots": roots,
    "inclusion": inclusion,
    "consistency": consistency_cases,
}

# -------------------------------------------------------- checkpoint.json


def seed(n):
    return bytes([n]) * 32


def pub_of(seed_bytes):
    return Ed25519PrivateKey.from_private_bytes(seed_bytes).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_hash(name, pub):
    return struct.unpack(">I", sha256(name.encode() + b"\n\x01" + pub)[:4])[0]


def b64(b):
    return base64.b64encode(b).decode()


KEYS = {}


def add_key(kid, name, n):
    pub = pub_of(seed(n))
    h = key_hash(name, pub)
    KEYS[kid] = {
        "id": kid,
        "name": name,
        "seed": hx(seed(n)),
        "public_key": hx(pub),
        "key_hash": "%08x" % h,
        "vkey": "%s+%08x+%s" % (name, h, b64(b"\x01" + pub)),
    }


ORIGIN = "audit.example/chain/prod"
add_key("old", ORIGIN, 1)
add_key("new", ORIGIN, 2)
add_key("witness", "witness.example/w1", 3)
add_key("rogue", "rogue.example/log", 4)


def sig_line(kid, text, mutate=None):
    k = KEYS[kid]
    sig = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed"])).sign(text.encode())
    raw = struct.pack(">I", int(k["key_hash"], 16)) + sig
    if mutate:
        raw = mutate(raw)
    return "\u2014 %s %s\n" % (k["name"], b64(raw))


def body(size, root, origin=ORIGIN, ext=()):
    t = "%s\n%d\n%s\n" % (origin, size, b64(root))
    for e in ext:
        t += e + "\n"
    return t


def vk(*kids):
    return [KEYS[k]["vkey"] for k in kids]


cp_cases = []


def add_cp(cid, description, note, trusted, expected=None, error=None, signed_with=None):
    case = {"id": cid, "description": description}
    if isinstance(note, bytes):
        case["note_hex"] = note.hex()
    else:
        case["note"] = note
    case["trusted"] = trusted
    if expected is not None:
        case["expected"] = expected
    else:
        code, offset = error
        case["error"] = {"code": code, "offset": offset}
    if signed_with is not None:
        case["signed_with"] = signed_with
    cp_cases.append(case)


def exp(text_size, root, signers, unknown=(), origin=ORIGIN, ext=()):
    return {
        "origin": origin,
        "size": text_size,
        "root": b64(root),
        "extensions": list(ext),
        "signers": vk(*signers),
        "unknown": [{"name": n, "key_hash": h} for n, h in unknown],
    }


def unk(kid):
    return (KEYS[kid]["name"], KEYS[kid]["key_hash"])


R = mth(0, 13)
T = body(13, R)
add_cp("valid/one-key", "one Ed25519 signature by the trusted key", T + "\n" + sig_line("old", T), vk("old"), exp(13, R, ["old"]), signed_with=["old"])
add_cp("valid/rotation-both-trusted", "signed by the old and the new key (rotation), both trusted", T + "\n" + sig_line("old", T) + sig_line("new", T), vk("old", "new"), exp(13, R, ["old", "new"]), signed_with=["old", "new"])
add_cp("valid/rotation-old-trusted", "signed by both keys; only the old key is trusted: the new key's line (same name, other key hash) is ignored", T + "\n" + sig_line("old", T) + sig_line("new", T), vk("old"), exp(13, R, ["old"], [unk("new")]), signed_with=["old", "new"])
add_cp("valid/rotation-new-trusted", "signed by both keys; only the new key is trusted", T + "\n" + sig_line("old", T) + sig_line("new", T), vk("new"), exp(13, R, ["new"], [unk("old")]), signed_with=["old", "new"])
add_cp("valid/trusted-order-irrelevant", "trusted keys listed in the other order; signers are reported in line order", T + "\n" + sig_line("new", T) + sig_line("old", T), vk("old", "new"), exp(13, R, ["new", "old"]), signed_with=["new", "old"])
add_cp("valid/witness-cosigned", "log key and a witness with another name", T + "\n" + sig_line("old", T) + sig_line("witness", T), vk("old", "witness"), exp(13, R, ["old", "witness"]), signed_with=["old", "witness"])
add_cp("valid/unknown-key-ignored", "an unknown key's signature line is ignored", T + "\n" + sig_line("rogue", T) + sig_line("old", T), vk("old"), exp(13, R, ["old"], [unk("rogue")]), signed_with=["rogue", "old"])
cosig = "\u2014 witness.example/w2 %s\n" % b64(b"\x12\x34\x56\x78" + bytes(range(72)))
add_cp("valid/unknown-other-algorithm", "an unknown key with a 72-byte (non-Ed25519) signature is ignored", T + "\n" + sig_line("old", T) + cosig, vk("old"), exp(13, R, ["old"], [("witness.example/w2", "12345678")]))
bad_rogue = sig_line("rogue", T, lambda r: r[:4] + bytes(64))
add_cp("valid/unknown-bad-signature-ignored", "an unknown key's line is not verified, even if its signature is garbage", T + "\n" + bad_rogue + sig_line("old", T), vk("old"), exp(13, R, ["old"], [unk("rogue")]))
add_cp("valid/duplicate-line", "the same valid line twice counts once (as in Go note.Open)", T + "\n" + sig_line("old", T) + sig_line("old", T), vk("old"), exp(13, R, ["old"]))
add_cp("valid/good-then-bad-same-key", "only the first line of a trusted key is verified; a later bad line by the same key is skipped (Go note.Open does the same)", T + "\n" + sig_line("old", T) + sig_line("old", T, lambda r: r[:10] + bytes([r[10] ^ 1]) + r[11:]), vk("old"), exp(13, R, ["old"]))
E = body(13, R, ext=["timestamp 1700000000", "x-chain-head sha256:" + "ab" * 32])
add_cp("valid/extension-lines", "two extension lines", E + "\n" + sig_line("old", E), vk("old"), exp(13, R, ["old"], ext=["timestamp 1700000000", "x-chain-head sha256:" + "ab" * 32]), signed_with=["old"])
Z = body(0, sha256(b""))
add_cp("valid/empty-tree", "size 0 with the empty root", Z + "\n" + sig_line("old", Z), vk("old"), exp(0, sha256(b""), ["old"]), signed_with=["old"])
Rb = mth(0, 1025)
Bg = body(9223372036854775807, Rb)
add_cp("valid/max-size", "the largest size: 2^63 - 1", Bg + "\n" + sig_line("old", Bg), vk("old"), exp(9223372036854775807, Rb, ["old"]), signed_with=["old"])
S = body(1025, Rb, origin="audit example log")
add_cp("valid/origin-with-spaces", "the origin may contain spaces (only the key name may not)", S + "\n" + sig_line("old", S), vk("old"), exp(1025, Rb, ["old"], origin="audit example log"), signed_with=["old"])
G = "go.sum database tree\n%d\n%s\n" % (1025, b64(Rb))
add_cp("valid/go-sum-origin", "origin 'go.sum database tree': also parsed by Go tlog.ParseTree", G + "\n" + sig_line("old", G), vk("old"), exp(1025, Rb, ["old"], origin="go.sum database tree"), signed_with=["old"])
U = body(7, mth(0, 7), origin="journal.example/caf\u00e9/\u65e5\u672c")
add_cp("valid/unicode-origin", "non-ASCII origin", U + "\n" + sig_line("old", U), vk("old"), exp(7, mth(0, 7), ["old"], origin="journal.example/caf\u00e9/\u65e5\u672c"), signed_with=["old"])
many = T + "\n" + "".join(sig_line("rogue", T) if i % 2 else sig_line("witness", T) for i in range(99)) + sig_line("old", T)
add_cp("valid/100-signatures", "exactly 100 signature lines (the limit)", many, vk("old"), exp(13, R, ["old"], [unk("witness"), unk("rogue")]))

# Verification failures.
good = sig_line("old", T)
flipped = sig_line("old", T, lambda r: r[:20] + bytes([r[20] ^ 0x40]) + r[21:])
add_cp("invalid/invalid_signature/bit-flip", "a trusted key's signature with one bit flipped", T + "\n" + flipped, vk("old"), error=("invalid_signature", None))
add_cp("invalid/invalid_signature/bad-among-good", "a bad line by one trusted key rejects the note even if another trusted key signed well", T + "\n" + sig_line("new", T) + flipped, vk("old", "new"), error=("invalid_signature", None))
add_cp("invalid/invalid_signature/bad-then-good-same-key", "the first line of a trusted key is bad: rejected, whatever follows", T + "\n" + flipped + good, vk("old"), error=("invalid_signature", None))
add_cp("invalid/invalid_signature/short-signature", "a trusted key's signature of 63 bytes", T + "\n" + sig_line("old", T, lambda r: r[:-1]), vk("old"), error=("invalid_signature", None))
add_cp("invalid/invalid_signature/long-signature", "a trusted key's signature of 65 bytes", T + "\n" + sig_line("old", T, lambda r: r + b"\x00"), vk("old"), error=("invalid_signature", None))
T2 = body(14, R)
add_cp("invalid/invalid_signature/other-text", "a signature of another checkpoint (size changed after signing)", T2 + "\n" + good, vk("old"), error=("invalid_signature", None))
add_cp("invalid/no_trusted_signature/unknown-only", "only an unknown key signed", T + "\n" + sig_line("rogue", T), vk("old"), error=("no_trusted_signature", None))
add_cp("invalid/no_trusted_signature/wrong-key-hash", "the trusted key's name with another key hash: treated as unknown", T + "\n" + sig_line("old", T, lambda r: bytes([r[0] ^ 1]) + r[1:]), vk("old"), error=("no_trusted_signature", None))
wrong_name = good.replace(ORIGIN, "audit.example/chain/staging", 1)
add_cp("invalid/no_trusted_signature/wrong-name", "the trusted key's hash under another name: treated as unknown", T + "\n" + wrong_name, vk("old"), error=("no_trusted_signature", None))
add_cp("invalid/no_trusted_signature/no-trusted-keys", "an empty trusted set", T + "\n" + good, [], error=("no_trusted_signature", None))
add_cp("invalid/no_trusted_signature/new-key-only-trusted", "signed by the old key only, the verifier trusts only the new one", T + "\n" + good, vk("new"), error=("no_trusted_signature", None))

# Note structure.
msg = T + sig_line("old", T)
add_cp("invalid/missing_signature_block/no-blank-line", "no blank line between text and signatures", msg, vk("old"), error=("missing_signature_block", None))
add_cp("invalid/missing_signature_block/no-signatures", "a blank line and nothing after it", T + "\n", vk("old"), error=("missing_signature_block", None))
add_cp("invalid/missing_signature_block/text-only", "the checkpoint text alone", T, vk("old"), error=("missing_signature_block", None))
add_cp("invalid/missing_signature_block/empty", "empty input", "", vk("old"), error=("missing_signature_block", None))
L = len(T) + 1
add_cp("invalid/malformed_signature_line/hyphen", "a hyphen instead of the em dash", T + "\n" + good.replace("\u2014", "-", 1), vk("old"), error=("malformed_signature_line", L))
add_cp("invalid/malformed_signature_line/no-space-after-dash", "no space after the em dash", T + "\n" + good.replace("\u2014 ", "\u2014", 1), vk("old"), error=("malformed_signature_line", L))
add_cp("invalid/malformed_signature_line/no-final-newline", "the last signature line has no newline", T + "\n" + good[:-1], vk("old"), error=("malformed_signature_line", L))
add_cp("invalid/malformed_signature_line/no-signature", "a name without a signature", T + "\n\u2014 %s\n" % ORIGIN, vk("old"), error=("malformed_signature_line", L + 4 + len(ORIGIN)))
add_cp("invalid/malformed_signature_line/signature-too-short", "a 4-byte signature (key hash only)", T + "\n\u2014 %s %s\n" % (ORIGIN, b64(bytes.fromhex(KEYS["old"]["key_hash"]))), vk("old"), error=("malformed_signature_line", L + 4 + len(ORIGIN) + 1))
add_cp("invalid/malformed_signature_line/trailing-garbage-line", "a line after the signatures that is not a signature", T + "\n" + good + "trailer\n", vk("old"), error=("malformed_signature_line", L + len(good.encode())))
add_cp("invalid/invalid_key_name/empty", "two spaces after the dash: empty key name", T + "\n" + good.replace("\u2014 ", "\u2014  ", 1), vk("old"), error=("invalid_key_name", L + 4))
plus = good.replace(ORIGIN, ORIGIN + "+x", 1)
add_cp("invalid/invalid_key_name/plus", "a key name containing '+'", T + "\n" + plus, vk("old"), error=("invalid_key_name", L + 4))
nbsp = good.replace(ORIGIN, "audit.example\u00a0chain", 1)
add_cp("invalid/invalid_key_name/no-break-space", "a key name containing U+00A0 (a Unicode space)", T + "\n" + nbsp, vk("old"), error=("invalid_key_name", L + 4))
g64 = good.split(" ")[2]
at64 = L + 4 + len(ORIGIN) + 1
add_cp("invalid/invalid_base64/bad-character", "a '*' in the signature's base64", T + "\n" + good.replace(g64, "*" + g64[1:], 1), vk("old"), error=("invalid_base64", at64))
add_cp("invalid/invalid_base64/no-padding", "the signature's base64 without its '=' padding", T + "\n" + good.replace(g64, g64.rstrip("=\n") + "\n", 1), vk("old"), error=("invalid_base64", at64))
add_cp("invalid/invalid_base64/url-alphabet", "base64url instead of standard base64", T + "\n" + sig_line("old", T, lambda r: r).replace(g64, g64.replace("+", "-").replace("/", "_"), 1) if ("+" in g64 or "/" in g64) else T + "\n" + good.replace(g64, "-" + g64[1:], 1), vk("old"), error=("invalid_base64", at64))
# 68 bytes -> 92 characters, one '=', 2 padding bits; set the lowest one.
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
g = g64.rstrip("\n")
assert g.endswith("=") and not g.endswith("==")
last = alphabet.index(g[-2])
assert last & 3 == 0
noncanon = g[:-2] + alphabet[last | 1] + "="
assert base64.b64decode(noncanon) == base64.b64decode(g)
add_cp("invalid/invalid_base64/non-canonical-padding-bits", "the signature's base64 with a non-zero padding bit (decodes to the same bytes; Go's lenient decoder accepts it)", T + "\n" + good.replace(g, noncanon, 1), vk("old"), error=("invalid_base64", at64))
too_many = T + "\n" + "".join(sig_line("witness", T) for _ in range(100)) + good
add_cp("invalid/too_many_signatures/101", "101 signature lines", too_many, vk("old"), error=("too_many_signatures", L + 100 * len(sig_line("witness", T).encode())))
tab = body(13, R, origin="audit.example\tchain")
add_cp("invalid/control_character/tab-in-origin", "a tab in the origin", tab + "\n" + sig_line("old", tab), vk("old"), error=("control_character", len("audit.example")))
crlf = T.replace("\n", "\r\n")
add_cp("invalid/control_character/crlf", "CRLF line endings", crlf + "\r\n" + sig_line("old", crlf).replace("\n", "\r\n"), vk("old"), error=("control_character", len(ORIGIN)))
add_cp("invalid/control_character/nul-in-signature-line", "a NUL byte in a signature line", T + "\n" + good[:-1] + "\x00\n", vk("old"), error=("control_character", L + len(good.encode()) - 1))
bad_utf8 = (T + "\n" + good).encode()
bad_utf8 = bad_utf8[:5] + b"\xff" + bad_utf8[6:]
add_cp("invalid/invalid_utf8/ff-in-origin", "a 0xFF byte in the origin", bad_utf8, vk("old"), error=("invalid_utf8", 5))
sur = (T + "\n" + good).encode()
sur = sur[:5] + b"\xed\xa0\x80" + sur[8:]
add_cp("invalid/invalid_utf8/encoded-surrogate", "an encoded UTF-16 surrogate (ED A0 80)", sur, vk("old"), error=("invalid_utf8", 5))


# Checkpoint body (properly signed, so only the body is wrong).
def signed(text, kid="old"):
    return text + "\n" + sig_line(kid, text)


lines_at = [0, len(ORIGIN) + 1, len(ORIGIN) + 1 + len("13") + 1]
rb = b64(R)
for cid, desc, size_text in [
    ("leading-zero", "size with a leading zero", "013"),
    ("plus-sign", "size with a '+' sign", "+13"),
    ("negative", "negative size", "-1"),
    ("hex", "size in hex", "0xd"),
    ("trailing-space", "size followed by a space", "13 "),
    ("fraction", "size with a fraction", "13.0"),
    ("non-ascii-digit", "size in Arabic-Indic digits", "\u0661\u0663"),
    ("too-large", "size 2^63 (beyond int64)", "9223372036854775808"),
    ("u64-overflow", "size beyond 2^64", "18446744073709551616"),
]:
    text = "%s\n%s\n%s\n" % (ORIGIN, size_text, rb)
    add_cp("invalid/malformed_tree_size/" + cid, desc, signed(text), vk("old"), error=("malformed_tree_size", lines_at[1]))
root_at = len(ORIGIN) + 1 + 3
for cid, desc, rt in [
    ("bad-character", "a '*' in the root's base64", "*" + rb[1:]),
    ("no-padding", "root base64 without padding", rb.rstrip("=")),
    ("31-bytes", "a 31-byte root", b64(R[:31])),
    ("33-bytes", "a 33-byte root", b64(R + b"\x00")),
    ("hex", "the root in hex", R.hex()),
    ("non-canonical-padding-bits", "root base64 with a non-zero padding bit", rb[:-2] + alphabet[alphabet.index(rb[-2]) | 1] + "="),
]:
    text = "%s\n%s\n%s\n" % (ORIGIN, 13, rt)
    add_cp("invalid/invalid_root_hash/" + cid, desc, signed(text), vk("old"), error=("invalid_root_hash", root_at))
two = "%s\n13\n" % ORIGIN
add_cp("invalid/malformed_checkpoint/two-lines", "no root hash line", signed(two), vk("old"), error=("malformed_checkpoint", len(two)))
one = "%s\n" % ORIGIN
add_cp("invalid/malformed_checkpoint/origin-only", "only the origin line", signed(one), vk("old"), error=("malformed_checkpoint", len(one)))
emp = "\n13\n%s\n" % rb
add_cp("invalid/malformed_checkpoint/empty-origin", "an empty origin line", signed(emp), vk("old"), error=("malformed_checkpoint", 0))
ee = T + "\nx-ext\n"
add_cp("invalid/malformed_checkpoint/empty-extension-line", "an empty line among the extension lines", signed(ee), vk("old"), error=("malformed_checkpoint", len(T)))
eb = T + "\n"
# T + "\n" + "\n" + sig: the last blank line splits, so the text is T + "\n", whose last line is empty.
add_cp("invalid/malformed_checkpoint/trailing-empty-line", "an empty line after the root (two blank lines before the signatures)", signed(eb), vk("old"), error=("malformed_checkpoint", len(T)))

# Verifier keys.
vkeys = []


def add_vkey(cid, description, text, ok=None, error=None):
    c = {"id": cid, "description": description, "vkey": text}
    if ok is not None:
        c["expected"] = ok
    else:
        c["error"] = {"code": error[0], "offset": error[1]}
    vkeys.append(c)


for kid, k in KEYS.items():
    add_vkey("valid/" + kid, "the verifier key of test key %r" % kid, k["vkey"], {"name": k["name"], "key_hash": k["key_hash"], "public_key": k["public_key"]})
add_vkey("valid/go-doc-example", "the example key of Go's sumdb/note documentation", "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
         {"name": "PeterNeumann", "key_hash": "c74f20a3", "public_key": base64.b64decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")[1:].hex()})
ok = KEYS["old"]
n0 = len(ok["name"])
add_vkey("valid/uppercase-hash", "the key hash in uppercase hex (Go accepts it too)", ok["vkey"].replace(ok["key_hash"], ok["key_hash"].upper()), {"name": ok["name"], "key_hash": ok["key_hash"], "public_key": ok["public_key"]})
add_vkey("invalid/key_hash_mismatch/flipped", "a key hash that is not the hash of the name and key", ok["vkey"].replace(ok["key_hash"], "%08x" % (int(ok["key_hash"], 16) ^ 1)), error=("key_hash_mismatch", n0 + 1))
add_vkey("invalid/key_hash_mismatch/other-name", "the key under another name with the original hash", ok["vkey"].replace(ok["name"], "other.example", 1), error=("key_hash_mismatch", len("other.example") + 1))
add_vkey("invalid/invalid_verifier_key/short-hash", "a 7-digit key hash", ok["vkey"].replace(ok["key_hash"], ok["key_hash"][1:]), error=("invalid_verifier_key", n0 + 1))
add_vkey("invalid/invalid_verifier_key/no-plus", "no '+' at all", "justaname", error=("invalid_verifier_key", 0))
add_vkey("invalid/invalid_verifier_key/one-plus", "name and hash only", "name+01020304", error=("invalid_verifier_key", 5))
add_vkey("invalid/invalid_key_name/space", "a space in the name", "bad name+%s" % ok["vkey"].split("+", 1)[1], error=("invalid_key_name", 0))
add_vkey("invalid/invalid_key_name/empty", "an empty name", "+" + ok["vkey"].split("+", 1)[1], error=("invalid_key_name", 0))


def raw_vkey(name, raw):
    h = struct.unpack(">I", sha256(name.encode() + b"\n" + raw)[:4])[0]
    return "%s+%08x+%s" % (name, h, b64(raw))


add_vkey("invalid/unsupported_key_type/ecdsa", "signature type 0x02 (ECDSA), consistent hash", raw_vkey("k.example", b"\x02" + bytes.fromhex(ok["public_key"])), error=("unsupported_key_type", len("k.example") + 10))
add_vkey("invalid/invalid_verifier_key/31-byte-key", "an Ed25519 key of 31 bytes, consistent hash", raw_vkey("k.example", b"\x01" + bytes(31)), error=("invalid_verifier_key", len("k.example") + 10))
add_vkey("invalid/invalid_verifier_key/weak-key", "the identity point (small order), consistent hash: refused by key hygiene (Go accepts it)", raw_vkey("k.example", b"\x01" + b"\x01" + bytes(31)), error=("invalid_verifier_key", len("k.example") + 10))
add_vkey("invalid/invalid_base64/bad-character", "a '*' in the key's base64", ok["vkey"][:-3] + "*" + ok["vkey"][-2:], error=("invalid_base64", n0 + 10))

for group in (cp_cases, vkeys):
    ids = [c["id"] for c in group]
    assert len(ids) == len(set(ids)), "duplicate ids"

checkpoint = {
    "format": "trustcore-vectors/checkpoint",
    "version": 1,
    "description": (
        "C2SP tlog-checkpoint bodies in C2SP signed notes with Ed25519 keys (key hash = SHA-256(name || 0x0A || 0x01 || key)[:4]); "
        "verification against a set of trusted verifier keys, as Go's golang.org/x/mod/sumdb/note.Open does. "
        "Generated by test-vectors/tools/gen_merkle.py with PyPI cryptography."
    ),
    "keys": list(KEYS.values()),
    "cases": cp_cases,
    "verifier_keys": vkeys,
}

for path_, doc in ((OUT_MERKLE, merkle), (OUT_CHECKPOINT, checkpoint)):
    with open(path_, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.relpath(path_), os.path.getsize(path_), "bytes")
print(len(roots), "roots,", len(inclusion), "inclusion,", len(consistency_cases), "consistency,", len(cp_cases), "checkpoint,", len(vkeys), "vkey cases")
