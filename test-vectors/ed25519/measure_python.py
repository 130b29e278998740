"""Python verdicts on the shared Ed25519 vectors.

`cryptography` (OpenSSL): Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
libsodium via PyNaCl:    nacl.signing.VerifyKey(pk).verify(msg, sig)

Usage: python measure_python.py all_normalized.json
Output: {"openssl_python": {...}, "libsodium": {...}}, each {"library", "verdicts"}.
Wrong-length inputs, keys that fail to import and any exception count as false.
"""

import json
import sys

import cryptography
import nacl
import nacl.signing
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.backends.openssl.backend import backend
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def openssl_verify(pk: bytes, msg: bytes, sig: bytes) -> bool:
    if len(pk) != 32 or len(sig) != 64:
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(pk)
    except Exception:
        return False
    try:
        key.verify(sig, msg)
        return True
    except InvalidSignature:
        return False
    except Exception:
        return False


def sodium_verify(pk: bytes, msg: bytes, sig: bytes) -> bool:
    if len(pk) != 32 or len(sig) != 64:
        return False
    try:
        key = nacl.signing.VerifyKey(pk)
    except Exception:
        return False
    try:
        key.verify(msg, sig)
        return True
    except Exception:  # nacl.exceptions.BadSignatureError and friends
        return False


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python measure_python.py all_normalized.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        vectors = json.load(f)
    openssl, sodium = {}, {}
    for v in vectors:
        pk, msg, sig = (bytes.fromhex(v[k]) for k in ("pk", "msg", "sig"))
        openssl[v["id"]] = openssl_verify(pk, msg, sig)
        sodium[v["id"]] = sodium_verify(pk, msg, sig)
    out = {
        "openssl_python": {
            "library": f"Python cryptography {cryptography.__version__} ({backend.openssl_version_text()})",
            "verdicts": openssl,
        },
        "libsodium": {
            "library": f"PyNaCl {nacl.__version__} (bundled libsodium, crypto_sign_open)",
            "verdicts": sodium,
        },
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
