#!/usr/bin/env python3
"""Writes ../signing.json: keys, raw signatures, envelopes, the signer
registry, rotation records and k-of-n approvals (format: ../README.md).

Independent of trustcore: Ed25519 from PyPI `cryptography` (OpenSSL),
Ed25519ph from `pycryptodome`, canonical JSON from `rfc8785`, and the
registry rules (windows, revocation, algorithm, counting) written out here
from docs/registry.md in a few lines. Deterministic: keys come from fixed
seeds, Ed25519 signatures are deterministic.

    python3 -m venv /tmp/gen && /tmp/gen/bin/pip install cryptography pycryptodome rfc8785
    /tmp/gen/bin/python test-vectors/tools/gen_signing.py
"""

import base64
import calendar
import hashlib
import json
import os
import re

import rfc8785
from Crypto.Hash import SHA512
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "signing.json")


def canon(v):
    return rfc8785.dumps(v).decode("utf-8")


def b64(b):
    return base64.b64encode(b).decode()


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


# ---- keys ----------------------------------------------------------------

def seed(n):
    return hashlib.sha256(b"trustcore test key %d" % n).digest()


class Key:
    def __init__(self, n):
        self.id = "k%d" % n
        self.seed = seed(n)
        self.sk = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.pk = self.sk.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.ph = eddsa.new(ECC.construct(curve="Ed25519", seed=self.seed), "rfc8032")

    def sign(self, msg, alg="ed25519"):
        if alg == "ed25519":
            return self.sk.sign(msg)
        return self.ph.sign(SHA512.new(msg))


KEYS = {n: Key(n) for n in range(1, 11)}


def key_forms(k):
    spki = k.sk.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    pkcs8 = k.sk.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "id": k.id,
        "seed": k.seed.hex(),
        "publicKey": {
            "hex": k.pk.hex(),
            "base64": b64(k.pk),
            "spkiPem": spki,
            "jwk": canon({"kty": "OKP", "crv": "Ed25519", "x": b64url(k.pk)}),
        },
        "secretKey": {
            "hex": k.seed.hex(),
            "base64": b64(k.seed),
            "pkcs8Pem": pkcs8,
            "jwk": canon(
                {"kty": "OKP", "crv": "Ed25519", "x": b64url(k.pk), "d": b64url(k.seed)}
            ),
        },
    }


P = 2**255 - 19
D = (-121665 * pow(121666, P - 2, P)) % P


def non_canonical_point():
    """y + p for the smallest y >= 2 that is on the curve: the same point as
    y, encoded with y >= p (not small order)."""
    for y in range(2, 19):
        u = (y * y - 1) % P
        v = (D * y * y + 1) % P
        x2 = u * pow(v, P - 2, P) % P
        if x2 == 0 or pow(x2, (P - 1) // 2, P) == 1:
            return (y + P).to_bytes(32, "little")
    raise SystemExit("no non-canonical encoding found")


def key_errors():
    k = KEYS[1]
    other = KEYS[2]
    weak = bytes([1] + [0] * 31)  # the identity point: small order
    spki_pem = key_forms(k)["publicKey"]["spkiPem"]
    return [
        {"id": "public/hex-31-bytes", "description": "31 bytes", "key": "public", "format": "hex", "input": k.pk[:31].hex(), "error": "invalid_key_length"},
        {"id": "public/hex-not-hex", "description": "not hex", "key": "public", "format": "hex", "input": "zz" * 32, "error": "invalid_key_encoding"},
        {"id": "public/base64-bad", "description": "not base64", "key": "public", "format": "base64", "input": "not base64!", "error": "invalid_key_encoding"},
        {"id": "public/base64-33-bytes", "description": "33 bytes", "key": "public", "format": "base64", "input": b64(k.pk + b"\0"), "error": "invalid_key_length"},
        {"id": "public/pem-garbage", "description": "PEM armour around garbage", "key": "public", "format": "pem", "input": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "error": "invalid_key_encoding"},
        {"id": "public/pem-is-private", "description": "a PKCS#8 private key where a public SPKI is expected", "key": "public", "format": "pem", "input": key_forms(k)["secretKey"]["pkcs8Pem"], "error": "invalid_key_encoding"},
        {"id": "public/jwk-wrong-crv", "description": "X25519 is not a signing key", "key": "public", "format": "jwk", "input": canon({"kty": "OKP", "crv": "X25519", "x": b64url(k.pk)}), "error": "invalid_key_encoding"},
        {"id": "public/jwk-padded-x", "description": "JWK x must be unpadded base64url", "key": "public", "format": "jwk", "input": canon({"kty": "OKP", "crv": "Ed25519", "x": b64url(k.pk) + "="}), "error": "invalid_key_encoding"},
        {"id": "public/jwk-duplicate-x", "description": "two x members are ambiguous", "key": "public", "format": "jwk", "input": '{"kty":"OKP","crv":"Ed25519","x":"%s","x":"%s"}' % (b64url(k.pk), b64url(other.pk)), "error": "invalid_key_encoding"},
        {"id": "secret/hex-16-bytes", "description": "16 bytes", "key": "secret", "format": "hex", "input": k.seed[:16].hex(), "error": "invalid_key_length"},
        {"id": "secret/pem-is-public", "description": "an SPKI public key where PKCS#8 is expected", "key": "secret", "format": "pem", "input": spki_pem, "error": "invalid_key_encoding"},
        {"id": "secret/jwk-no-d", "description": "a public JWK where a private one is expected", "key": "secret", "format": "jwk", "input": canon({"kty": "OKP", "crv": "Ed25519", "x": b64url(k.pk)}), "error": "invalid_key_encoding"},
        {"id": "secret/jwk-x-mismatch", "description": "x is not the public key of d", "key": "secret", "format": "jwk", "input": canon({"kty": "OKP", "crv": "Ed25519", "x": b64url(other.pk), "d": b64url(k.seed)}), "error": "key_mismatch"},
        {"id": "hygiene/identity", "description": "the identity point has small order", "key": "public", "format": "hygiene", "input": weak.hex(), "error": "weak_key"},
        {"id": "hygiene/order-2", "description": "(0, -1) has order 2", "key": "public", "format": "hygiene", "input": ((P - 1).to_bytes(32, "little")).hex(), "error": "weak_key"},
        {"id": "hygiene/non-canonical-y", "description": "y encoded as y + p", "key": "public", "format": "hygiene", "input": non_canonical_point().hex(), "error": "non_canonical_key"},
    ]


# ---- raw sign / verify -----------------------------------------------------

L = 2**252 + 27742317777372353535851937790883648493


def verify_openssl(pk, msg, sig):
    if len(pk) != 32 or len(sig) != 64:
        raise ValueError("length")
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def raw_cases():
    k = KEYS[1]
    msgs = [b"", b"abc", b"trustcore raw signature " * 30]
    sign = [
        {"id": "sign/%d" % i, "key": k.id, "message": m.hex(), "signature": k.sign(m).hex()}
        for i, m in enumerate(msgs)
    ] + [{"id": "sign/k2", "key": "k2", "message": b"abc".hex(), "signature": KEYS[2].sign(b"abc").hex()}]
    m = b"abc"
    sig = k.sign(m)
    s_plus_l = sig[:32] + ((int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little"))
    flipped = bytes([sig[0] ^ 1]) + sig[1:]
    bad_point = bytes([2] + [0] * 31)
    verify = []

    def add(i, desc, pk, msg, s):
        case = {"id": "verify/" + i, "description": desc, "publicKey": pk.hex(), "message": msg.hex(), "signature": s.hex()}
        if len(pk) != 32:
            case["error"] = "invalid_key_length"
        elif len(s) != 64:
            case["error"] = "invalid_signature_length"
        else:
            case["valid"] = verify_openssl(pk, msg, s)
        verify.append(case)

    add("valid", "a valid signature", k.pk, m, sig)
    add("wrong-message", "another message", k.pk, b"abd", sig)
    add("wrong-key", "another key", KEYS[2].pk, m, sig)
    add("flipped-r", "one bit of R flipped", k.pk, m, flipped)
    add("s-plus-l", "S + L: same S modulo L but not canonical (rejected by the one rule)", k.pk, m, s_plus_l)
    add("ph-as-pure", "an Ed25519ph signature is not a pure Ed25519 one", k.pk, m, k.sign(m, "ed25519ph"))
    add("key-not-a-point", "32 bytes that are not a curve point", bad_point, m, sig)
    add("key-31-bytes", "wrong key length is an error", k.pk[:31], m, sig)
    add("sig-63-bytes", "wrong signature length is an error", k.pk, m, sig[:63])
    add("sig-65-bytes", "wrong signature length is an error", k.pk, m, sig + b"\0")
    assert verify[0]["valid"] and not any(c.get("valid") for c in verify[1:])
    return sign, verify


# ---- envelopes -------------------------------------------------------------

def signing_input(kind, payload_value, alg, signer):
    return canon({"alg": alg, "kind": kind, "payload": payload_value, "signer": signer, "type": "trustcore.signing-input/v1"})


def envelope(kind, payload_value, sigs):
    return canon({
        "kind": kind,
        "payload": payload_value,
        "signatures": [{"alg": a, "signer": s, "sig": b64(sig)} for (a, s, sig) in sigs],
        "type": "trustcore.envelope/v1",
    })


def sign_envelope(kind, payload_value, signers):
    """signers: [(Key, signer id, alg)] -> envelope text."""
    sigs = []
    for k, sid, alg in signers:
        sigs.append((alg, sid, k.sign(signing_input(kind, payload_value, alg, sid).encode(), alg)))
    return envelope(kind, payload_value, sigs)


def envelope_cases():
    cases = []
    specs = [
        ("basic", "upgrade.applied", '{"version":"2.4.1","checks":3,"ok":true}', "kernel-signer", "ed25519", 1),
        ("ph", "upgrade.applied", '{"version":"2.4.1","checks":3}', "kms-digest", "ed25519ph", 3),
        ("numbers-canonicalized", "audit.event", '{"amount": 1.50, "big": 1e21, "small": 0.000001, "neg0": -0}', "kernel-signer", "ed25519", 1),
        ("unicode", "trace.snapshot", '{"note":"caf\\u00e9 \u2705","\u00e9":"\\ud83d\\ude00"}', "signer \u00e9\"quoted\"", "ed25519", 2),
        ("scalar-payload", "note", '"just a string"', "kernel-signer", "ed25519", 1),
        ("array-payload", "batch", '[3,2,1,{"b":null,"a":[]}]', "kernel-signer", "ed25519ph", 1),
        ("empty-object", "x", "{}", "k", "ed25519", 4),
    ]
    for cid, kind, payload, signer, alg, kn in specs:
        value = json.loads(payload)
        si = signing_input(kind, value, alg, signer).encode()
        msg = si if alg == "ed25519" else hashlib.sha512(si).digest()
        cases.append({
            "id": "envelope/" + cid,
            "kind": kind,
            "payload": payload,
            "signer": signer,
            "alg": alg,
            "key": "k%d" % kn,
            "signingInput": si.decode(),
            "message": msg.hex(),
            "envelope": sign_envelope(kind, value, [(KEYS[kn], signer, alg)]),
        })
    return cases


def envelope_errors():
    good = json.loads(sign_envelope("upgrade.applied", {"v": 1}, [(KEYS[1], "kernel-signer", "ed25519")]))
    sig = good["signatures"][0]

    def with_(**kw):
        d = dict(good)
        d.update(kw)
        return canon(d)

    def sig_with(**kw):
        s = dict(sig)
        s.update(kw)
        return with_(signatures=[s])

    return [
        {"id": "unknown-member", "description": "members other than type, kind, payload, signatures are refused", "envelope": with_(extra=1), "error": "invalid_envelope"},
        {"id": "wrong-type", "description": "another format version", "envelope": with_(type="trustcore.envelope/v2"), "error": "invalid_envelope"},
        {"id": "no-signatures-array", "description": "signatures must be an array", "envelope": with_(signatures={}), "error": "invalid_envelope"},
        {"id": "kind-with-space", "description": "kind characters are limited", "envelope": with_(kind="upgrade applied"), "error": "invalid_kind"},
        {"id": "empty-kind", "description": "kind must not be empty", "envelope": with_(kind=""), "error": "invalid_kind"},
        {"id": "alg-ed448", "description": "only ed25519 and ed25519ph", "envelope": sig_with(alg="ed448"), "error": "unsupported_algorithm"},
        {"id": "alg-EdDSA", "description": "JOSE names are not algorithm names here", "envelope": sig_with(alg="EdDSA"), "error": "unsupported_algorithm"},
        {"id": "sig-not-base64", "description": "sig must be standard base64", "envelope": sig_with(sig="!!!"), "error": "invalid_signature_encoding"},
        {"id": "sig-63-bytes", "description": "sig must be 64 bytes", "envelope": sig_with(sig=b64(b"\1" * 63)), "error": "invalid_signature_encoding"},
        {"id": "empty-signer", "description": "the signer id must not be empty", "envelope": sig_with(signer=""), "error": "invalid_signer"},
        {"id": "signer-not-string", "description": "the signer id is a string", "envelope": sig_with(signer=7), "error": "invalid_envelope"},
        {"id": "duplicate-member", "description": "strict I-JSON: a duplicate member is refused before anything else", "envelope": canon(good)[:-1] + ',"kind":"other"}', "error": "duplicate_key"},
        {"id": "not-json", "description": "not JSON", "envelope": "{kind:", "error": "syntax"},
    ]


# ---- registry --------------------------------------------------------------

TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|\+00:00)$")


def instant(text):
    m = TS.match(text)
    assert m, text
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    return calendar.timegm((y, mo, d, h, mi, s)) * 10**9 + int(frac or "0")


def entry(sid, kn, **extra):
    e = {"signerId": sid, "publicKey": b64(KEYS[kn].pk)}
    e.update(extra)
    return e


MAIN = [
    entry("kernel-signer", 1, validFrom="2026-01-01T00:00:00Z", validUntil="2026-07-01T00:00:00Z"),
    entry("kernel-signer-2", 2, validFrom="2026-06-01T00:00:00Z"),
    entry("kms-digest", 3, algorithm="ed25519ph"),
    entry("revoked-signer", 4, revokedAt="2026-03-01T00:00:00Z"),
    entry("approver-1", 5),
    entry("approver-2", 6, algorithm="ed25519"),
    entry("approver-3", 7, validFrom="2026-01-01T00:00:00.000Z"),
    entry("approver-4", 8),
    entry("approver-5", 9, validUntil="2026-02-01T00:00:00Z"),
]
KEY_OF = {e["signerId"]: n for e, n in zip(MAIN, [1, 2, 3, 4, 5, 6, 7, 8, 9])}
ROT = [entry("kernel-signer", 1, validFrom="2026-01-01T00:00:00Z")]
# kernel-signer found compromised on 2026-06-20: a thief holding its key
# tries to install a successor of their own (rotation cases).
ROT_REVOKED = [entry("kernel-signer", 1, validFrom="2026-01-01T00:00:00Z", revokedAt="2026-06-20T00:00:00Z")]
# Keys rotated root -> mid -> leaf, then the root revoked: revocation follows
# rotatedFrom to every successor (lookup cases).
LINEAGE = [
    entry("root-signer", 1, validUntil="2026-03-01T00:00:00Z", revokedAt="2026-05-01T00:00:00Z"),
    entry("mid-signer", 2, validFrom="2026-02-01T00:00:00Z", validUntil="2026-04-01T00:00:00Z", rotatedFrom="root-signer"),
    entry("leaf-signer", 3, validFrom="2026-03-15T00:00:00Z", rotatedFrom="mid-signer"),
    entry("anchored-signer", 4, validFrom="2026-03-15T00:00:00Z"),
]

REGISTRIES = {
    "main": json.dumps({"signers": MAIN}, ensure_ascii=False, indent=1),
    "seed": json.dumps({"signers": [{"signerId": "kernel-signer", "publicKey": b64(KEYS[1].pk)}]}),
    "rotation": json.dumps({"signers": ROT}),
    "rotation-revoked": json.dumps({"signers": ROT_REVOKED}),
    "lineage": json.dumps({"signers": LINEAGE}),
}


def registry_doc(entries):
    """The registry's own signers file: canonical, algorithm only when not ed25519."""
    out = []
    for e in entries:
        e = dict(e)
        if e.get("algorithm") == "ed25519":
            del e["algorithm"]
        out.append(e)
    return canon({"signers": out})


def jwks_doc(entries):
    keys = []
    for e in entries:
        j = {"kty": "OKP", "crv": "Ed25519", "x": b64url(base64.b64decode(e["publicKey"])), "kid": e["signerId"], "use": "sig"}
        alg = e.get("algorithm", "ed25519")
        if alg == "ed25519":
            j["alg"] = "EdDSA"
        else:
            j["algorithm"] = alg
        for f in ("validFrom", "validUntil", "revokedAt"):
            if f in e:
                j[f] = e[f]
        keys.append(j)
    return canon({"keys": keys})


def reason_for(entries, sid, alg, at):
    e = next((x for x in entries if x["signerId"] == sid), None)
    if e is None:
        return "unknown_signer"
    t = instant(at)
    if "revokedAt" in e and t >= instant(e["revokedAt"]):
        return "signer_revoked"
    if "validFrom" in e and t < instant(e["validFrom"]):
        return "signer_not_yet_valid"
    if "validUntil" in e and t >= instant(e["validUntil"]):
        return "signer_expired"
    # Revocation is transitive: a key rotated from a revoked key (directly
    # or through others) vouches for nothing at or after that revocation.
    cur, seen = e, set()
    while cur.get("rotatedFrom") and cur["rotatedFrom"] not in seen:
        seen.add(cur["rotatedFrom"])
        cur = next(x for x in entries if x["signerId"] == cur["rotatedFrom"])
        if "revokedAt" in cur and t >= instant(cur["revokedAt"]):
            return "signer_revoked"
    if e.get("algorithm", "ed25519") != alg:
        return "algorithm_mismatch"
    return None


def verdicts(entries, env_text, at):
    env = json.loads(env_text)
    out = []
    for i, s in enumerate(env["signatures"]):
        r = reason_for(entries, s["signer"], s["alg"], at)
        if r is None:
            e = next(x for x in entries if x["signerId"] == s["signer"])
            pk = base64.b64decode(e["publicKey"])
            si = signing_input(env["kind"], env["payload"], s["alg"], s["signer"]).encode()
            sig = base64.b64decode(s["sig"])
            if s["alg"] == "ed25519":
                ok = verify_openssl(pk, si, sig)
            else:
                try:
                    eddsa.new(eddsa.import_public_key(pk), "rfc8032").verify(SHA512.new(si), sig)
                    ok = True
                except ValueError:
                    ok = False
            if not ok:
                r = "invalid_signature"
        v = {"index": i, "signer": s["signer"], "alg": s["alg"], "valid": r is None}
        if r is not None:
            v["reason"] = r
        out.append(v)
    return out


def registry_cases():
    weak = b64(bytes([1] + [0] * 31))
    load = [
        {"id": "load/main", "description": "windows, revocation, algorithm; an explicit ed25519 is the default", "format": "signers", "document": REGISTRIES["main"], "signers": [e["signerId"] for e in MAIN]},
        {"id": "load/seed", "description": "the seed format, unchanged", "format": "signers", "document": REGISTRIES["seed"], "signers": ["kernel-signer"]},
        {"id": "load/empty", "description": "no signers is a valid (empty) registry", "format": "signers", "document": '{"signers":[]}', "signers": []},
        {"id": "load/jwks", "description": "a JWKS document", "format": "jwks", "document": jwks_doc(MAIN), "signers": [e["signerId"] for e in MAIN]},
    ]

    def err(i, desc, doc, code, fmt="signers"):
        load.append({"id": "load/" + i, "description": desc, "format": fmt, "document": doc, "error": code})

    def signers(*entries):
        return json.dumps({"signers": list(entries)})

    err("duplicate-id", "two keys under one id", signers(entry("a", 1), entry("a", 2)), "duplicate_signer")
    load.append({"id": "load/lineage", "description": "rotatedFrom links to signers of the same file", "format": "signers", "document": REGISTRIES["lineage"], "signers": [e["signerId"] for e in LINEAGE]})
    err("rotated-from-unknown", "rotatedFrom names a signer that is not in the file (revocation could not follow it)", signers(entry("b", 2, rotatedFrom="gone")), "invalid_registry")
    err("rotated-from-loop", "rotatedFrom links that loop", signers(entry("a", 1, rotatedFrom="b"), entry("b", 2, rotatedFrom="a")), "invalid_registry")
    err("rotated-from-self", "a signer rotated from itself", signers(entry("a", 1, rotatedFrom="a")), "invalid_registry")
    err("unknown-member", "a misspelt validUntil would leave the key valid forever", signers(entry("a", 1, validUntill="2027-01-01T00:00:00Z")), "invalid_registry")
    err("missing-signers", "no signers array", "{}", "invalid_registry")
    err("extra-top-level", "unknown top-level member", '{"signers":[],"version":2}', "invalid_registry")
    err("not-object", "an array", "[]", "invalid_registry")
    err("missing-public-key", "no publicKey", signers({"signerId": "a"}), "invalid_registry")
    err("empty-id", "empty signer id", signers(entry("", 1)), "invalid_registry")
    err("bad-algorithm", "an unknown algorithm", signers(entry("a", 1, algorithm="rsa")), "invalid_registry")
    err("bad-base64", "malformed base64", signers({"signerId": "a", "publicKey": "not base64!"}), "invalid_public_key")
    err("short-key", "31 bytes", signers({"signerId": "a", "publicKey": b64(KEYS[1].pk[:31])}), "invalid_public_key")
    err("weak-key", "a small-order key", signers({"signerId": "a", "publicKey": weak}), "invalid_public_key")
    err("non-canonical-key", "y encoded as y + p", signers({"signerId": "a", "publicKey": b64(non_canonical_point())}), "invalid_public_key")
    err("bad-timestamp", "a date without a time", signers(entry("a", 1, validFrom="2026-01-01")), "invalid_window")
    err("offset-timestamp", "only UTC", signers(entry("a", 1, validFrom="2026-01-01T00:00:00+01:00")), "invalid_window")
    err("empty-window", "validUntil not after validFrom", signers(entry("a", 1, validFrom="2026-01-01T00:00:00Z", validUntil="2026-01-01T00:00:00Z")), "invalid_window")
    err("window-not-string", "a number for a time", signers(entry("a", 1, validFrom=1767225600)), "invalid_window")
    err("duplicate-member", "strict I-JSON first", '{"signers":[],"signers":[]}', "duplicate_key")
    jwk = json.loads(jwks_doc([entry("a", 1)]))["keys"][0]

    def jwks(**kw):
        j = dict(jwk)
        for k, v in kw.items():
            if v is None:
                j.pop(k, None)
            else:
                j[k] = v
        return canon({"keys": [j]})

    err("jwks-private", "a private JWK is never loaded into a registry", jwks(d=b64url(KEYS[1].seed)), "invalid_registry", "jwks")
    err("jwks-rsa", "not an Ed25519 key", jwks(kty="RSA"), "invalid_registry", "jwks")
    err("jwks-no-kid", "kid is the signer id", jwks(kid=None), "invalid_registry", "jwks")
    err("jwks-enc", "use must be sig", jwks(use="enc"), "invalid_registry", "jwks")
    err("jwks-bad-x", "x is not base64url", jwks(x="***"), "invalid_public_key", "jwks")
    err("jwks-weak", "a small-order key", jwks(x=b64url(bytes([1] + [0] * 31))), "invalid_public_key", "jwks")
    err("jwks-no-keys", "no keys array", "{}", "invalid_registry", "jwks")

    jw = [
        {"id": "jwks/main", "registry": "main", "jwks": jwks_doc(MAIN), "signersJson": registry_doc(MAIN)},
        {"id": "jwks/seed", "registry": "seed", "jwks": jwks_doc([entry("kernel-signer", 1)]), "signersJson": registry_doc([entry("kernel-signer", 1)])},
    ]

    lookups = []
    for sid, alg, at in [
        ("kernel-signer", "ed25519", "2026-03-01T00:00:00Z"),
        ("kernel-signer", "ed25519", "2026-01-01T00:00:00Z"),
        ("kernel-signer", "ed25519", "2025-12-31T23:59:59.999999999Z"),
        ("kernel-signer", "ed25519", "2026-06-30T23:59:59.999Z"),
        ("kernel-signer", "ed25519", "2026-07-01T00:00:00Z"),
        ("kernel-signer", "ed25519", "2026-07-01T00:00:00.000+00:00"),
        ("kernel-signer", "ed25519ph", "2026-03-01T00:00:00Z"),
        ("kernel-signer-2", "ed25519", "2026-05-31T23:59:59Z"),
        ("kernel-signer-2", "ed25519", "2026-06-15T00:00:00Z"),
        ("kernel-signer-2", "ed25519", "2030-01-01T00:00:00Z"),
        ("kms-digest", "ed25519ph", "2026-03-01T00:00:00Z"),
        ("kms-digest", "ed25519", "2026-03-01T00:00:00Z"),
        ("revoked-signer", "ed25519", "2026-02-28T23:59:59Z"),
        ("revoked-signer", "ed25519", "2026-03-01T00:00:00Z"),
        ("revoked-signer", "ed25519", "2027-01-01T00:00:00Z"),
        ("approver-3", "ed25519", "2025-12-31T23:59:59.5Z"),
        ("nobody", "ed25519", "2026-03-01T00:00:00Z"),
        ("Kernel-Signer", "ed25519", "2026-03-01T00:00:00Z"),
    ]:
        lookups.append({"id": "lookup/%s/%s/%s" % (sid, alg, at), "registry": "main", "signerId": sid, "alg": alg, "at": at, "reason": reason_for(MAIN, sid, alg, at)})
    for sid, at in [
        ("mid-signer", "2026-03-20T00:00:00Z"),
        ("leaf-signer", "2026-04-30T23:59:59Z"),
        ("leaf-signer", "2026-05-01T00:00:00Z"),
        ("leaf-signer", "2030-01-01T00:00:00Z"),
        ("anchored-signer", "2030-01-01T00:00:00Z"),
        ("root-signer", "2026-04-01T00:00:00Z"),
    ]:
        lookups.append({"id": "lookup/lineage/%s/%s" % (sid, at), "registry": "lineage", "signerId": sid, "alg": "ed25519", "at": at,
                        "reason": reason_for(LINEAGE, sid, "ed25519", at)})
    return load, jw, lookups


def verification_cases():
    cases = []
    payload = {"version": "2.4.1", "checks": ["db", "api", "ui"]}

    def add(i, desc, env_text, at):
        cases.append({"id": "verify/" + i, "description": desc, "registry": "main", "envelope": env_text, "at": at,
                      "expected": {"valid": None, "signatures": verdicts(MAIN, env_text, at)}})
        sigs = cases[-1]["expected"]["signatures"]
        cases[-1]["expected"]["valid"] = bool(sigs) and all(s["valid"] for s in sigs)

    k1 = sign_envelope("upgrade.applied", payload, [(KEYS[1], "kernel-signer", "ed25519")])
    add("in-window", "kernel-signer inside its window", k1, "2026-03-01T00:00:00Z")
    add("before-window", "before validFrom", k1, "2025-06-01T00:00:00Z")
    add("after-window", "at validUntil (exclusive)", k1, "2026-07-01T00:00:00Z")
    both = sign_envelope("upgrade.applied", payload, [(KEYS[1], "kernel-signer", "ed25519"), (KEYS[2], "kernel-signer-2", "ed25519")])
    add("overlap-both", "both rotation keys during the overlap", both, "2026-06-15T00:00:00Z")
    add("overlap-after", "after the overlap only the new key vouches", both, "2026-08-01T00:00:00Z")
    ph = sign_envelope("upgrade.applied", payload, [(KEYS[3], "kms-digest", "ed25519ph")])
    add("kms-digest-ph", "an ed25519ph signature by a key registered for ed25519ph", ph, "2026-03-01T00:00:00Z")
    add("kms-digest-pure", "a pure ed25519 signature by a key registered for ed25519ph",
        sign_envelope("upgrade.applied", payload, [(KEYS[3], "kms-digest", "ed25519")]), "2026-03-01T00:00:00Z")
    add("ph-by-pure-key", "an ed25519ph signature by a key registered for ed25519",
        sign_envelope("upgrade.applied", payload, [(KEYS[1], "kernel-signer", "ed25519ph")]), "2026-03-01T00:00:00Z")
    rv = sign_envelope("upgrade.applied", payload, [(KEYS[4], "revoked-signer", "ed25519")])
    add("revoked-before", "signed before revocation", rv, "2026-02-28T23:59:59Z")
    add("revoked-at", "at the revocation instant", rv, "2026-03-01T00:00:00Z")
    add("unknown-signer", "a signer the registry does not know",
        sign_envelope("upgrade.applied", payload, [(KEYS[10], "intruder", "ed25519")]), "2026-03-01T00:00:00Z")
    e = json.loads(k1)
    e["kind"] = "snapshot.manifest"
    add("replayed-as-other-kind", "the same signature on another kind", canon(e), "2026-03-01T00:00:00Z")
    e = json.loads(k1)
    e["signatures"][0]["signer"] = "kernel-signer-2"
    add("relabelled-signer", "kernel-signer's signature relabelled as kernel-signer-2", canon(e), "2026-06-15T00:00:00Z")
    e = json.loads(ph)
    e["signatures"][0]["alg"] = "ed25519"
    add("relabelled-alg", "an ed25519ph signature relabelled ed25519", canon(e), "2026-03-01T00:00:00Z")
    e = json.loads(k1)
    e["payload"]["version"] = "2.4.2"
    add("tampered-payload", "payload changed after signing", canon(e), "2026-03-01T00:00:00Z")
    e = json.loads(both)
    e["signatures"][1]["sig"] = e["signatures"][0]["sig"]
    add("one-bad-of-two", "every signature must verify", canon(e), "2026-06-15T00:00:00Z")
    add("unsigned", "no signatures is not valid", envelope("upgrade.applied", payload, []), "2026-03-01T00:00:00Z")
    return cases


def rotation_cases():
    cases = []
    nxt = entry("kernel-signer-2", 2, validFrom="2026-06-01T00:00:00Z")

    def rot(payload, signers, kind="trustcore.signer-rotation"):
        return sign_envelope(kind, payload, signers)

    def payload(**kw):
        p = {"previous": "kernel-signer", "next": nxt, "previousValidUntil": "2026-07-01T00:00:00Z", "rotatedAt": "2026-06-01T00:00:00Z"}
        for k, v in kw.items():
            if v is None:
                p.pop(k)
            else:
                p[k] = v
        return p

    both = [(KEYS[1], "kernel-signer", "ed25519"), (KEYS[2], "kernel-signer-2", "ed25519")]

    def ok(i, desc, p, signers=both, registry="rotation"):
        prev = dict((ROT_REVOKED if registry == "rotation-revoked" else ROT)[0])
        prev["validUntil"] = p["previousValidUntil"]
        nxt_after = dict(p["next"], rotatedFrom=p["previous"])
        cases.append({"id": "rotation/" + i, "description": desc, "registry": registry, "envelope": rot(p, signers),
                      "after": registry_doc([prev, nxt_after])})

    def bad(i, desc, env_text, code, registry="rotation"):
        cases.append({"id": "rotation/" + i, "description": desc, "registry": registry, "envelope": env_text, "error": code})

    ok("good", "signed by the old and the new key, one month of overlap", payload())
    ok("adjacent", "the new key starts exactly when the old one ends", payload(previousValidUntil="2026-06-01T00:00:00Z"))
    ok("new-signs-first", "signature order does not matter", payload(), list(reversed(both)))
    bad("old-only", "the new key did not sign (no proof it is held)", rot(payload(), both[:1]), "invalid_rotation")
    bad("new-only", "the old key did not sign", rot(payload(), both[1:]), "invalid_rotation")
    bad("old-wrong-key", "signed as kernel-signer by another key", rot(payload(), [(KEYS[9], "kernel-signer", "ed25519"), both[1]]), "invalid_rotation")
    bad("new-wrong-key", "signed as kernel-signer-2 by a key other than next.publicKey", rot(payload(), [both[0], (KEYS[9], "kernel-signer-2", "ed25519")]), "invalid_rotation")
    bad("retroactive", "previousValidUntil before rotatedAt", rot(payload(previousValidUntil="2026-05-01T00:00:00Z"), both), "invalid_rotation")
    bad("gap", "the new key would start after the old one ends", rot(payload(next=entry("kernel-signer-2", 2, validFrom="2026-08-01T00:00:00Z")), both), "invalid_rotation")
    bad("no-valid-from", "next.validFrom is required", rot(payload(next=entry("kernel-signer-2", 2)), both), "invalid_rotation")
    bad("old-not-valid-yet", "the old key could not sign at rotatedAt", rot(payload(rotatedAt="2025-06-01T00:00:00Z", next=entry("kernel-signer-2", 2, validFrom="2025-06-01T00:00:00Z")), both), "invalid_rotation")
    bad("unknown-previous", "the previous signer is not registered", rot(payload(previous="someone"), [(KEYS[1], "someone", "ed25519"), both[1]]), "unknown_signer")
    bad("same-id", "the next signer needs a new id", rot(payload(next=entry("kernel-signer", 2, validFrom="2026-06-01T00:00:00Z")), [both[0], (KEYS[2], "kernel-signer", "ed25519")]), "invalid_rotation")
    bad("wrong-kind", "a rotation record has its own kind", rot(payload(), both, kind="upgrade.applied"), "invalid_rotation")
    bad("unknown-member", "unknown payload member", rot(payload(reason="scheduled"), both), "invalid_rotation")
    bad("back-dated-next", "next.validFrom before rotatedAt: the new key would vouch for records dated before the rotation",
        rot(payload(next=entry("kernel-signer-2", 2, validFrom="2026-05-01T00:00:00Z")), both), "invalid_rotation")
    bad("next-rotated-from-another", "next.rotatedFrom names another signer than previous",
        rot(payload(next=entry("kernel-signer-2", 2, validFrom="2026-06-01T00:00:00Z", rotatedFrom="someone-else")), both), "invalid_rotation")
    # The thief's variants, against a registry where kernel-signer is revoked
    # at 2026-06-20T00:00:00Z.
    rv = "rotation-revoked"
    bad("revoked/back-dated-far-future", "rotatedAt back-dated before the revocation with previousValidUntil far in the future",
        rot(payload(previousValidUntil="2099-01-01T00:00:00Z"), both), "invalid_rotation", rv)
    bad("revoked/after-revocation", "a rotation dated after the revocation",
        rot(payload(rotatedAt="2026-06-25T00:00:00Z", next=entry("kernel-signer-2", 2, validFrom="2026-06-25T00:00:00Z")), both), "invalid_rotation", rv)
    bad("revoked/next-starts-at-revocation", "the new key would start at the revocation",
        rot(payload(previousValidUntil="2026-06-20T00:00:00Z", next=entry("kernel-signer-2", 2, validFrom="2026-06-20T00:00:00Z")), both), "invalid_rotation", rv)
    bad("revoked/overlap-past-revocation", "an overlap that would outlive the revocation",
        rot(payload(), both), "invalid_rotation", rv)
    ok("revoked/inside-window", "everything before the revocation: accepted, and the successor records rotatedFrom so the revocation reaches it",
        payload(previousValidUntil="2026-06-20T00:00:00Z"), registry=rv)
    bad("weak-next-key", "the next key must pass hygiene", rot(payload(next={"signerId": "kernel-signer-2", "publicKey": b64(bytes([1] + [0] * 31)), "validFrom": "2026-06-01T00:00:00Z"}), both[:1]), "invalid_public_key")
    return cases


def approval_cases():
    cases = []
    set_doc = canon({"name": "upgrade-approvers", "threshold": 3, "kind": "upgrade.applied",
                     "signers": ["approver-1", "approver-2", "approver-3", "approver-4", "approver-5"]})
    set_unknown = canon({"name": "with-unknown", "threshold": 2, "signers": ["approver-1", "approver-6"]})
    manifest = {"event": "upgrade.applied", "version": "2.4.1", "checklist": ["backup", "migrate", "smoke"]}
    A = {i: (KEYS[4 + i], "approver-%d" % i, "ed25519") for i in range(1, 6)}

    def count(set_text, env_text, at):
        s = json.loads(set_text)
        env = json.loads(env_text)
        sigs = verdicts(MAIN, env_text, at)
        counted = []
        for v in sigs:
            if s.get("kind") is not None and env["kind"] != s["kind"]:
                v.update(valid=False, reason="wrong_kind")
            elif v["signer"] not in s["signers"]:
                v.update(valid=False, reason="not_in_set")
            if v["valid"]:
                if v["signer"] in counted:
                    v.update(valid=False, reason="duplicate_signer")
                else:
                    counted.append(v["signer"])
        return {"set": s["name"], "threshold": s["threshold"], "approved": len(counted) >= s["threshold"],
                "approvers": sorted(counted), "signatures": sigs}

    def add(i, desc, signers, at="2026-03-01T00:00:00Z", kind="upgrade.applied", set_text=set_doc, tamper=None):
        env_text = sign_envelope(kind, manifest, signers)
        if tamper:
            e = json.loads(env_text)
            tamper(e)
            env_text = canon(e)
        cases.append({"id": "approval/" + i, "description": desc, "registry": "main", "set": set_text,
                      "envelope": env_text, "at": at, "expected": count(set_text, env_text, at)})

    def break_sig(n):
        def f(e):
            s = bytearray(base64.b64decode(e["signatures"][n]["sig"]))
            s[0] ^= 1
            e["signatures"][n]["sig"] = b64(bytes(s))
        return f

    add("3-of-5", "three distinct valid approvers", [A[1], A[2], A[3]])
    add("5-of-5", "all five (approver-5 before its validUntil)", [A[1], A[2], A[3], A[4], A[5]], at="2026-01-15T00:00:00Z")
    add("2-of-5", "two are not enough", [A[1], A[2]])
    add("duplicate", "the same approver twice counts once", [A[1], A[1], A[2]])
    add("expired-approver", "approver-5 is past its window", [A[1], A[2], A[5]])
    add("not-in-set", "kernel-signer is registered but not an approver", [A[1], A[2], (KEYS[1], "kernel-signer", "ed25519")])
    add("unknown", "a signer in no registry", [A[1], A[2], (KEYS[10], "approver-9", "ed25519")],
        set_text=canon({"name": "upgrade-approvers", "threshold": 3, "kind": "upgrade.applied", "signers": ["approver-1", "approver-2", "approver-3", "approver-4", "approver-9"]}))
    add("invalid-signature", "a broken signature is reported and not counted", [A[1], A[2], A[3]], tamper=break_sig(2))
    add("invalid-then-valid", "a broken signature, then a valid one by the same approver: counted once", [A[3], A[1], A[2], A[3]], tamper=break_sig(0))
    add("wrong-kind", "approvals for another kind do not count", [A[1], A[2], A[3]], kind="snapshot.manifest")
    add("set-member-not-registered", "a set member missing from the registry", [A[1], (KEYS[10], "approver-6", "ed25519")], set_text=set_unknown)
    add("no-signatures", "an unsigned manifest", [])
    return cases


def main():
    sign, verify = raw_cases()
    load, jw, lookups = registry_cases()
    doc = {
        "format": "trustcore-vectors/signing",
        "version": 1,
        "description": "Ed25519 keys, raw signatures, typed envelopes, the signer registry (windows, revocation, algorithm, JWKS), rotation records and k-of-n approvals. Generated by tools/gen_signing.py with cryptography (OpenSSL), pycryptodome (Ed25519ph) and rfc8785; see README.md.",
        "keys": [key_forms(KEYS[n]) for n in range(1, 11)],
        "keyErrors": key_errors(),
        "sign": sign,
        "verify": verify,
        "envelopes": envelope_cases(),
        "envelopeErrors": [dict(c, id="envelope-error/" + c["id"]) for c in envelope_errors()],
        "registries": REGISTRIES,
        "registryLoad": load,
        "jwks": jw,
        "lookups": lookups,
        "verifications": verification_cases(),
        "rotations": rotation_cases(),
        "approvals": approval_cases(),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    n = sum(len(v) for k, v in doc.items() if isinstance(v, list))
    print("wrote %s: %d cases" % (os.path.relpath(OUT), n))


if __name__ == "__main__":
    main()
