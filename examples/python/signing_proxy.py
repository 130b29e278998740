"""Signs envelopes through an HTTP signing proxy, the way a service signs with a KMS.

    bindings-python/.venv/bin/python examples/python/signing_proxy.py

Starts small signing proxies on 127.0.0.1 (each holds one key, like a KMS key
or an HSM slot) and a client that never sees a secret key:

* ``GET /public-key`` answers the key's SPKI PEM (KMS ``GetPublicKey``);
* ``POST /sign {"message": <base64>, "mode": "RAW"|"DIGEST"}`` answers
  ``{"signature": <base64>}``. RAW signs the message with pure Ed25519 (with
  PyPI ``cryptography`` when it is installed, else trustcore); DIGEST takes a
  64-byte SHA-512 digest and signs it with Ed25519ph, as AWS KMS does with
  ``MessageType: DIGEST``.

The client signs an ``upgrade.applied`` envelope through two proxies (RAW and
DIGEST) with ``Envelope.sign_with`` and ``sign_with_async``, verifies it with
``SignerRegistry.verify_envelope``, and shows that a proxy answering with
another key's signature is refused (``remote_signature_invalid``: nothing is
attached). If ``examples/out/envelope.json`` and ``examples/out/signers.json``
exist (written by the Node example), the Node-signed envelope is verified too,
at ``$TRUSTCORE_AT`` or now. Exits non-zero on any failure.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustcore
from trustcore import Envelope, EnvelopeError, PublicKey, SecretKey, SignerRegistry

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError:  # the proxy falls back to trustcore
    Ed25519PrivateKey = None  # type: ignore[assignment,misc]

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "examples" / "out"


class SigningProxy:
    """An HTTP signing service holding one key, on 127.0.0.1 and a free port."""

    def __init__(self, name: str, key: SecretKey) -> None:
        self.name = name
        self._key = key
        # A RAW signer from another library, to show any Ed25519 signer works.
        self._raw = (
            Ed25519PrivateKey.from_private_bytes(key.export_bytes())
            if Ed25519PrivateKey is not None
            else None
        )
        self.raw_engine = "cryptography (OpenSSL)" if self._raw else "trustcore"
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/public-key":
                    return self._answer(404, {"error": "not found"})
                self._answer(200, {"publicKeyPem": proxy._key.public_key().to_pem()})

            def do_POST(self) -> None:
                if self.path != "/sign":
                    return self._answer(404, {"error": "not found"})
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                    request = json.loads(self.rfile.read(length))
                    message = base64.b64decode(request["message"], validate=True)
                    signature = proxy.sign(message, request.get("mode", "RAW"))
                except (ValueError, KeyError, TypeError, trustcore.TrustcoreError) as e:
                    return self._answer(400, {"error": str(e)})
                self._answer(200, {"signature": base64.b64encode(signature).decode()})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep the example's output readable

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def sign(self, message: bytes, mode: str) -> bytes:
        self.requests += 1
        if mode == "RAW":
            if self._raw is not None:
                return self._raw.sign(message)
            return trustcore.sign(self._key, message)
        if mode == "DIGEST":
            # Raises InvalidKeyError (invalid_digest_length) unless 64 bytes.
            return trustcore.sign_ed25519ph_digest(self._key, message)
        raise ValueError(f"unknown mode {mode!r}; use RAW or DIGEST")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# ---- the client side: only URLs and public keys ------------------------------


def http_json(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def public_key_of(proxy_url: str) -> PublicKey:
    return PublicKey.from_pem(http_json(proxy_url + "/public-key")["publicKeyPem"])


def proxy_signer(proxy_url: str, mode: str) -> Callable[[bytes], bytes]:
    """A callable for Envelope.sign_with: message bytes in, signature bytes out."""

    def sign(message: bytes) -> bytes:
        answer = http_json(
            proxy_url + "/sign",
            {"message": base64.b64encode(message).decode(), "mode": mode},
        )
        return base64.b64decode(answer["signature"], validate=True)

    return sign


def async_proxy_signer(
    proxy_url: str, mode: str
) -> Callable[[bytes], Awaitable[bytes]]:
    """The same for Envelope.sign_with_async (the HTTP call runs in a thread)."""
    sign = proxy_signer(proxy_url, mode)

    async def sign_async(message: bytes) -> bytes:
        return await asyncio.to_thread(sign, message)

    return sign_async


def now_utc() -> str:
    utc = datetime.timezone.utc  # noqa: UP017 (datetime.UTC needs Python 3.11)
    return datetime.datetime.now(utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"  ok  {what}")


def main() -> None:
    at = "2026-03-01T00:00:00Z"
    with contextlib.ExitStack() as stack:
        proxies = []
        for name in ("raw", "digest", "rogue"):
            proxy = SigningProxy(name, SecretKey.generate())
            proxy.start()
            stack.callback(proxy.stop)
            proxies.append(proxy)
        raw, digest, rogue = proxies
        print(f"signing proxies: RAW {raw.url} ({raw.raw_engine}), DIGEST {digest.url}")
        kernel_pk = public_key_of(raw.url)
        kms_pk = public_key_of(digest.url)
        registry = SignerRegistry.from_json(
            json.dumps(
                {
                    "signers": [
                        {
                            "signerId": "kernel-signer",
                            "publicKey": kernel_pk.to_base64(),
                            "validFrom": "2026-01-01T00:00:00Z",
                        },
                        {
                            "signerId": "kms-digest",
                            "publicKey": kms_pk.to_base64(),
                            "algorithm": "ed25519ph",
                        },
                        {
                            "signerId": "release-bot",
                            "publicKey": kernel_pk.to_base64(),
                        },
                    ]
                }
            )
        )

        envelope = Envelope.create(
            "upgrade.applied",
            {
                "version": "2.4.1",
                "from": "2.4.0",
                "checks": ["backup", "migrate", "smoke"],
            },
        )
        print("\n== signing through the proxies")
        envelope.sign_with("kernel-signer", kernel_pk, proxy_signer(raw.url, "RAW"))
        envelope.sign_with(
            "kms-digest", kms_pk, proxy_signer(digest.url, "DIGEST"), alg="ed25519ph"
        )
        asyncio.run(
            envelope.sign_with_async(
                "release-bot", kernel_pk, async_proxy_signer(raw.url, "RAW")
            )
        )
        print(envelope.to_json())
        report = registry.verify_envelope(envelope, at)
        print(f"verify_envelope at {at}: {json.dumps(report)}")
        check(report["valid"], "the proxy-signed envelope verifies under the registry")
        check(
            [s["alg"] for s in envelope.signatures]
            == ["ed25519", "ed25519ph", "ed25519"],
            "RAW and DIGEST signatures are recorded as ed25519 and ed25519ph",
        )
        check(
            raw.requests == 2 and digest.requests == 1,
            "each proxy was asked once per signature",
        )

        print("\n== a proxy answering with another key is refused")
        attempt = Envelope.create("upgrade.applied", {"version": "2.4.2"})
        try:
            attempt.sign_with(
                "kernel-signer", kernel_pk, proxy_signer(rogue.url, "RAW")
            )
        except EnvelopeError as e:
            print(f"  refused: {e}")
            check(
                e.code == "remote_signature_invalid", "code is remote_signature_invalid"
            )
        else:
            raise SystemExit("FAILED: a wrong signature was attached")
        check(
            attempt.signatures == [], "nothing was attached (no unsigned record either)"
        )

        print("\n== a failing proxy is refused")
        try:
            attempt.sign_with("kernel-signer", kernel_pk, proxy_signer(raw.url, "SHA3"))
        except trustcore.EnvelopeError as e:
            check(e.code == "remote_signer_failed", "code is remote_signer_failed")
            check(
                isinstance(e.__cause__, urllib.error.HTTPError),
                f"the proxy's HTTP {getattr(e.__cause__, 'code', '?')} is the cause",
            )
            check(attempt.signatures == [], "nothing was attached")
        else:
            raise SystemExit("FAILED: an unknown mode was accepted")

    print("\n== the Node example's envelope")
    env_path, signers_path = OUT / "envelope.json", OUT / "signers.json"
    if not (env_path.is_file() and signers_path.is_file()):
        print(
            f"NOTE: {env_path.relative_to(REPO)} and {signers_path.relative_to(REPO)} are absent "
            "(the Node signing example writes them); skipped the cross-language check"
        )
        return
    node_registry = SignerRegistry.from_json(signers_path.read_bytes())
    node_envelope = Envelope.from_json(env_path.read_bytes())
    node_at = os.environ.get("TRUSTCORE_AT", now_utc())
    report = node_registry.verify_envelope(node_envelope, node_at)
    print(f"{node_envelope!r} from {env_path.relative_to(REPO)}")
    print(f"verify_envelope at {node_at}: {json.dumps(report)}")
    check(report["valid"], "the Node-signed envelope verifies in Python")


if __name__ == "__main__":
    # An uncaught exception (a proxy down, a verdict that is not valid) exits 1.
    main()
