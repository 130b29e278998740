#!/usr/bin/env python3
"""Generates ../digest.json: named SHA-256 / BLAKE3 digests of raw bytes and
the parsing rules of the digest text form (`sha256:<64 lowercase hex>`).

Digests come from Python's hashlib and PyPI `blake3`, not from trustcore.
Error codes and offsets of the parse cases are written by hand from the
rules in ``../README.md``.

Usage (from the repository root)::

    /tmp/tvenv/bin/python test-vectors/tools/gen_digest.py
"""

import hashlib
import json
import os

import blake3

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "digest.json")

# RFC 8785 section 3.2.2: the canonical form of the example document.
RFC8785_EXAMPLE = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
).encode("utf-8")


def named(data):
    return (
        "sha256:" + hashlib.sha256(data).hexdigest(),
        "blake3:" + blake3.blake3(data).hexdigest(),
    )


cases = []


def case(cid, description, data):
    s, b = named(data)
    cases.append({"id": cid, "description": description, "input_hex": data.hex(), "sha256": s, "blake3": b})


case("bytes/empty", "the empty input", b"")
case("bytes/abc", "\"abc\" (the FIPS 180-2 example)", b"abc")
case("bytes/single-zero", "one zero byte", b"\x00")
case("bytes/all-byte-values", "the 256 byte values in order", bytes(range(256)))
case("bytes/448-bit-message",
     "the two-block FIPS example \"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq\"",
     b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
case("bytes/55-a", "55 bytes: the longest message whose SHA-256 padding fits one block", b"a" * 55)
case("bytes/56-a", "56 bytes: SHA-256 padding spills into a second block", b"a" * 56)
case("bytes/64-a", "exactly one SHA-256 block", b"a" * 64)
case("bytes/1024-a", "exactly one BLAKE3 chunk (1024 bytes)", b"a" * 1024)
case("bytes/1025-a", "one byte past a BLAKE3 chunk: two chunks and a parent node", b"a" * 1025)
case("bytes/3000-pattern", "3000 bytes of the pattern i % 251 (BLAKE3's test input pattern)",
     bytes(i % 251 for i in range(3000)))
case("bytes/utf8-text", "UTF-8 text with non-ASCII characters", "caf\u00e9 \u4e2d\u6587 \U0001F600".encode("utf-8"))
case("bytes/rfc8785-example", "the canonical bytes of the RFC 8785 section 3.2.2 example", RFC8785_EXAMPLE)
case("bytes/canonical-empty-object", "the canonical form of {}", b"{}")

HEX_A = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # sha256("abc")
HEX_B = blake3.blake3(b"abc").hexdigest()
HEX_EMPTY_SHA = hashlib.sha256(b"").hexdigest()

parse = []


def p_ok(cid, description, text):
    alg, hx = text.split(":", 1)
    parse.append({"id": cid, "description": description, "text": text, "algorithm": alg, "hex": hx})


def p_bad(cid, description, text, code, offset):
    assert text.isascii() or offset <= len(text.encode()), cid
    parse.append({"id": cid, "description": description, "text": text, "error": {"code": code, "offset": offset}})


p_ok("parse/sha256", "a SHA-256 digest", "sha256:" + HEX_A)
p_ok("parse/blake3", "a BLAKE3 digest", "blake3:" + HEX_B)
p_ok("parse/sha256-empty", "SHA-256 of the empty input", "sha256:" + HEX_EMPTY_SHA)
p_ok("parse/all-zero", "all-zero digest bytes are syntactically valid", "sha256:" + "0" * 64)
p_ok("parse/all-f", "all-0xff digest bytes", "blake3:" + "f" * 64)

p_bad("parse/uppercase-hex", "hex must be lowercase: offset of the first uppercase digit",
      "sha256:" + HEX_A[:10] + HEX_A[10:].upper(), "malformed_digest", 7 + 10 + next(
          i for i, ch in enumerate(HEX_A[10:]) if ch.isalpha()))
p_bad("parse/all-uppercase-hex", "hex must be lowercase", "sha256:" + HEX_A.upper(), "malformed_digest", 7)
p_bad("parse/short-hex", "63 hex digits: offset of the start of the hex", "sha256:" + HEX_A[:63], "malformed_digest", 7)
p_bad("parse/long-hex", "65 hex digits", "blake3:" + HEX_B + "0", "malformed_digest", 7)
p_bad("parse/empty-hex", "no hex at all", "sha256:", "malformed_digest", 7)
p_bad("parse/128-hex", "a 64-byte digest (SHA-512 length) is not accepted", "sha256:" + HEX_A * 2, "malformed_digest", 7)
p_bad("parse/no-colon", "bare hex without the algorithm", HEX_A, "malformed_digest", 0)
p_bad("parse/no-colon-name", "an algorithm name run into the hex", "sha256" + HEX_A, "malformed_digest", 0)
p_bad("parse/empty", "the empty string", "", "malformed_digest", 0)
p_bad("parse/md5", "md5 is not a supported algorithm", "md5:" + "0" * 32, "unknown_algorithm", 0)
p_bad("parse/uppercase-algorithm", "algorithm names are lowercase", "SHA256:" + HEX_A, "unknown_algorithm", 0)
p_bad("parse/sha-256", "the name is sha256, not sha-256", "sha-256:" + HEX_A, "unknown_algorithm", 0)
p_bad("parse/sha512", "sha512 is not a supported algorithm", "sha512:" + HEX_A, "unknown_algorithm", 0)
p_bad("parse/empty-algorithm", "an empty algorithm name", ":" + HEX_A, "unknown_algorithm", 0)
p_bad("parse/leading-space", "a space before the algorithm is part of the name", " sha256:" + HEX_A, "unknown_algorithm", 0)
p_bad("parse/non-hex", "a non-hex letter in the hex", "sha256:" + HEX_A[:20] + "g" + HEX_A[21:], "malformed_digest", 27)
p_bad("parse/trailing-space", "trailing whitespace is not trimmed: offset of the space", "sha256:" + HEX_A + " ",
      "malformed_digest", 71)
p_bad("parse/trailing-newline", "a trailing newline is not trimmed", "blake3:" + HEX_B + "\n", "malformed_digest", 71)
p_bad("parse/space-after-colon", "a space after the colon", "sha256: " + HEX_A, "malformed_digest", 7)
p_bad("parse/double-colon", "a second colon is part of the hex", "sha256::" + HEX_A, "malformed_digest", 7)
p_bad("parse/0x-prefix", "a 0x prefix is not hex digits", "sha256:0x" + HEX_A[2:], "malformed_digest", 8)
p_bad("parse/non-ascii", "a non-ASCII character in the hex (offsets count bytes; all text before it is ASCII)",
      "sha256:" + HEX_A[:5] + "\u00e9" + HEX_A[6:], "malformed_digest", 12)


def main():
    doc = {
        "format": "trustcore-vectors/digest",
        "version": 1,
        "description": (
            "Named digests (sha256:/blake3: + 64 lowercase hex) of raw bytes, and the digest text form's parse rules. "
            "Generated by tools/gen_digest.py with hashlib and PyPI blake3; see README.md."
        ),
        "cases": cases,
        "parse": parse,
    }
    ids = [c["id"] for c in cases + parse]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    print(f"{len(cases)} digest cases, {len(parse)} parse cases")


if __name__ == "__main__":
    main()
