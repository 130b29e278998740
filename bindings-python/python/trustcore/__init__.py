"""trustcore: RFC 8785 canonical JSON and named digests.

The same bytes as trustcore's Rust core, Node and WASM packages: canonical
JSON from strict I-JSON text (:func:`canonicalize_text`) or from Python values
(:func:`canonicalize`), and ``sha256:``/``blake3:`` digests of either.

Errors are :class:`TrustcoreError` subclasses with a stable ``code``
(:class:`CanonicalJsonError`, :class:`DigestError`). Arguments of the wrong
type raise :class:`TypeError`.
"""

from ._trustcore import (
    CanonicalJsonError,
    DigestError,
    TrustcoreError,
    __version__,
    canonical_digest,
    canonical_digest_text,
    canonicalize,
    canonicalize_text,
    digest,
    parse_digest,
)

__all__ = [
    "CanonicalJsonError",
    "DigestError",
    "TrustcoreError",
    "__version__",
    "canonical_digest",
    "canonical_digest_text",
    "canonicalize",
    "canonicalize_text",
    "digest",
    "parse_digest",
]
