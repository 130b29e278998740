"""Ed25519 sign/s and verify/s: trustcore against `cryptography` and PyNaCl.

Usage: python bench/bench_sign.py [--seconds S]

Messages of 64 bytes and of ~800 bytes (the canonical signing input of an
envelope around one ~700-byte event of benches/corpus, or a stand-in).
Each library signs the same messages with the same seed; the signatures are
first checked to be byte-identical (Ed25519 is deterministic) and to verify
everywhere. A library that is not installed is left out. Envelope rows time
the whole typed path: canonical signing input + signature, and the registry's
verdict.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import trustcore

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError:
    Ed25519PrivateKey = None
try:
    import nacl.signing
except ImportError:
    nacl = None

REPO = Path(__file__).resolve().parents[2]
SEED = bytes(range(32))


def event_payload():
    """One corpus event (canonical JSON of ~700 bytes), or a stand-in."""
    events = REPO / "benches" / "corpus" / "events.jsonl"
    if events.is_file():
        for line in events.read_text(encoding="utf-8").splitlines():
            if line.strip():
                return json.loads(line)
    return {"id": "7f1c0e9a", "kind": "upgrade.applied", "detail": "x" * 600}


def measure(fn, inputs, seconds):
    """Best of 3 runs of >= seconds/3 each; returns operations per second."""
    best = float("inf")
    for _ in range(3):
        passes = 0
        start = time.perf_counter()
        while True:
            for x in inputs:
                fn(x)
            passes += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / 3:
                break
        best = min(best, elapsed / passes)
    return len(inputs) / best


def libraries():
    """(name, sign(msg) -> sig, verify(msg, sig) -> bool) for each library."""
    sk = trustcore.SecretKey.from_bytes(SEED)
    pk = sk.public_key()
    pk_bytes = pk.to_bytes()
    libs = [
        (
            "trustcore",
            sk.sign,
            lambda m, s: trustcore.verify(pk, m, s),
        ),
        (
            "trustcore (raw key bytes)",
            lambda m: trustcore.sign(sk, m),
            lambda m, s: trustcore.verify(pk_bytes, m, s),
        ),
    ]
    if Ed25519PrivateKey is not None:
        c_sk = Ed25519PrivateKey.from_private_bytes(SEED)
        c_pk = c_sk.public_key()

        def c_verify(m, s):
            c_pk.verify(s, m)  # raises InvalidSignature
            return True

        libs.append(("cryptography (OpenSSL)", c_sk.sign, c_verify))
    if nacl is not None:
        n_sk = nacl.signing.SigningKey(SEED)
        n_vk = n_sk.verify_key

        def n_verify(m, s):
            n_vk.verify(m, s)  # raises BadSignatureError
            return True

        libs.append(("PyNaCl (libsodium)", lambda m: n_sk.sign(m).signature, n_verify))
    return libs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=1.5, help="time per row")
    args = ap.parse_args()

    payload = event_payload()
    envelope = trustcore.Envelope.create("audit.event", payload)
    long_msg = envelope.prepare("kernel-signer").message
    messages = {
        "64 B": [bytes([i]) * 64 for i in range(16)],
        f"{len(long_msg)} B": [long_msg[:-1] + bytes([i]) for i in range(16)],
    }
    libs = libraries()
    versions = [f"trustcore {trustcore.__version__}"]
    if Ed25519PrivateKey is not None:
        import cryptography

        versions.append(f"cryptography {cryptography.__version__}")
    if nacl is not None:
        versions.append(f"PyNaCl {nacl.__version__}")
    print(", ".join(versions) + f"; Python {platform.python_version()} ({platform.machine()})\n")

    # Same bytes from everyone, and every signature verifies everywhere.
    for msgs in messages.values():
        for m in msgs:
            sigs = {name: sign(m) for name, sign, _ in libs}
            assert len(set(sigs.values())) == 1, f"signatures differ: {sigs}"
            for name, _, verify in libs:
                assert verify(m, sigs["trustcore"]), name

    print("| message | library | sign/s | verify/s |")
    print("|---|---|---:|---:|")
    for label, msgs in messages.items():
        for name, sign, verify in libs:
            pairs = [(m, sign(m)) for m in msgs]
            sign_ops = measure(sign, msgs, args.seconds)
            verify_ops = measure(lambda p, verify=verify: verify(*p), pairs, args.seconds)
            print(f"| {label} | {name} | {sign_ops:,.0f} | {verify_ops:,.0f} |")

    # The typed path around the same event: canonical signing input and
    # signature; the registry's verdict (signing input + verify + window).
    sk = trustcore.SecretKey.from_bytes(SEED)
    registry = trustcore.SignerRegistry.from_json(
        json.dumps(
            {"signers": [{"signerId": "kernel-signer", "publicKey": sk.public_key().to_base64()}]}
        )
    )
    signed = trustcore.Envelope.from_json(envelope.to_json())
    signed.sign(sk, "kernel-signer")
    at = "2026-03-01T00:00:00Z"
    assert registry.verify_envelope(signed, at)["valid"]

    def sign_envelope(_):
        env = trustcore.Envelope.from_json(envelope.to_json())
        env.sign(sk, "kernel-signer")

    env_sign = measure(sign_envelope, [None] * 16, args.seconds)
    env_verify = measure(lambda _: registry.verify_envelope(signed, at), [None] * 16, args.seconds)
    size = len(envelope.payload.encode())
    print(
        f"| envelope ({size} B payload) | trustcore Envelope.from_json + .sign / "
        f"SignerRegistry.verify_envelope | {env_sign:,.0f} | {env_verify:,.0f} |"
    )


if __name__ == "__main__":
    main()
