"""trustcore: canonical JSON, named digests and Ed25519 signed records.

The same bytes and verdicts as trustcore's Rust core, Node and WASM packages:

* canonical JSON (RFC 8785) from strict I-JSON text (:func:`canonicalize_text`)
  or from Python values (:func:`canonicalize`), and ``sha256:``/``blake3:``
  digests of either;
* Ed25519 keys (:class:`PublicKey`, :class:`SecretKey`) in raw, base64, hex,
  PEM, DER and JWK forms, raw :func:`sign` / :func:`verify`;
* signed envelopes (:class:`Envelope`) signed locally, by a callable
  (:meth:`Envelope.sign_with`, a KMS or signing proxy) or by an async
  callable (:meth:`Envelope.sign_with_async`);
* the signer registry (:class:`SignerRegistry`: windows, revocation,
  rotation, JWKS) and k-of-n approvals (:class:`ApprovalSet`).

Errors are :class:`TrustcoreError` subclasses with a stable ``code``
(:class:`CanonicalJsonError`, :class:`DigestError`, :class:`InvalidKeyError`,
:class:`EnvelopeError`, :class:`TimestampError`, :class:`RegistryError`).
Arguments of the wrong type raise :class:`TypeError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, Union

from ._trustcore import (
    ROTATION_KIND,
    ApprovalSet,
    CanonicalJsonError,
    DigestError,
    Envelope,
    EnvelopeError,
    InvalidKeyError,
    Prepared,
    PublicKey,
    RegistryError,
    SecretKey,
    SignerRegistry,
    TimestampError,
    TrustcoreError,
    __version__,
    canonical_digest,
    canonical_digest_text,
    canonicalize,
    canonicalize_text,
    digest,
    parse_digest,
    sign,
    sign_ed25519ph_digest,
    verify,
    verify_ed25519ph_digest,
)

# ---- Report shapes (plain dicts at run time; these describe them) ----------


class SignatureInfo(TypedDict):
    """One entry of :attr:`Envelope.signatures`."""

    alg: str
    signer: str
    sig: str


class _VerdictBase(TypedDict):
    index: int
    signer: str
    alg: str
    valid: bool


class SignatureVerdict(_VerdictBase, total=False):
    """The verdict on one signature; ``reason`` is present when not valid."""

    reason: str


class EnvelopeReport(TypedDict):
    """:meth:`SignerRegistry.verify_envelope`'s result."""

    valid: bool
    signatures: list[SignatureVerdict]


class _RecordBase(TypedDict):
    signerId: str
    publicKey: str


class SignerRecord(_RecordBase, total=False):
    """A signers-file entry (:meth:`SignerRegistry.get`)."""

    algorithm: str
    validFrom: str
    validUntil: str
    revokedAt: str


Rotation = TypedDict(
    "Rotation",
    {"previous": str, "next": SignerRecord, "previousValidUntil": str, "rotatedAt": str},
)
Rotation.__doc__ = ":meth:`SignerRegistry.verify_rotation` / ``apply_rotation``'s result."

ApprovalReport = TypedDict(
    "ApprovalReport",
    {
        "set": str,
        "threshold": int,
        "approved": bool,
        "approvers": list[str],
        "signatures": list[SignatureVerdict],
    },
)
ApprovalReport.__doc__ = ":meth:`ApprovalSet.verify`'s result."


# ---- Async remote signers ----------------------------------------------------

_Signature = Union[bytes, bytearray, memoryview]  # evaluated at run time (3.9 has no `|`)


async def _sign_with_async(
    self: Envelope,
    signer: str,
    expected_public_key: PublicKey,
    sign_fn: Callable[[bytes], Awaitable[_Signature] | _Signature],
    alg: str = "ed25519",
) -> None:
    """Signs through an async callable (an async KMS or HTTP client).

    ``await sign_fn(message)`` gets exactly ``prepare(signer, alg).message``
    and returns the 64-byte signature; the core verifies it under
    ``expected_public_key`` before attaching it (else EnvelopeError
    ``remote_signature_invalid``). A plain callable returning bytes works
    too. Exceptions from ``sign_fn`` propagate unchanged, a result that is
    not bytes raises TypeError, and the envelope is then left unchanged.
    """
    if not isinstance(expected_public_key, PublicKey):
        raise TypeError(
            "expected_public_key must be a PublicKey, not " + type(expected_public_key).__name__
        )
    if not callable(sign_fn):
        raise TypeError("sign_fn must be callable, not " + type(sign_fn).__name__)
    prepared = self.prepare(signer, alg)
    answer: Any = sign_fn(prepared.message)
    if inspect.isawaitable(answer):
        answer = await answer
    if not isinstance(answer, (bytes, bytearray, memoryview)):
        raise TypeError(
            "sign_fn must return the 64-byte signature as bytes, not " + type(answer).__name__
        )
    self.attach(signer, answer, expected_public_key, alg)


_sign_with_async.__name__ = "sign_with_async"
_sign_with_async.__qualname__ = "Envelope.sign_with_async"
# The native class has every other method; this one awaits Python code, so it
# is written here, on top of prepare() and attach() (where the core checks the
# signature).
Envelope.sign_with_async = _sign_with_async  # type: ignore[attr-defined]


__all__ = [
    "ROTATION_KIND",
    "ApprovalReport",
    "ApprovalSet",
    "CanonicalJsonError",
    "DigestError",
    "Envelope",
    "EnvelopeError",
    "EnvelopeReport",
    "InvalidKeyError",
    "Prepared",
    "PublicKey",
    "RegistryError",
    "Rotation",
    "SecretKey",
    "SignatureInfo",
    "SignatureVerdict",
    "SignerRecord",
    "SignerRegistry",
    "TimestampError",
    "TrustcoreError",
    "__version__",
    "canonical_digest",
    "canonical_digest_text",
    "canonicalize",
    "canonicalize_text",
    "digest",
    "parse_digest",
    "sign",
    "sign_ed25519ph_digest",
    "verify",
    "verify_ed25519ph_digest",
]
