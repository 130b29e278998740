"""Type stubs for trustcore (native module ``trustcore._trustcore``)."""

from typing import Any

from typing_extensions import TypeAlias

__version__: str

_Text: TypeAlias = str | bytes | bytearray | memoryview
_Data: TypeAlias = bytes | bytearray | memoryview | str

class TrustcoreError(Exception):
    """Base class of every trustcore error."""

    code: str
    """Stable error code, e.g. ``"duplicate_key"``."""
    message: str
    """What went wrong, without the position."""
    offset: int | None
    """Byte offset into JSON text (text path) or character offset into digest text."""
    path: str | None
    """JSON Pointer of the offending value (value path); ``""`` is the top level."""

class CanonicalJsonError(TrustcoreError):
    """The input cannot be canonicalized."""

class DigestError(TrustcoreError):
    """Unknown digest algorithm or malformed digest text."""

def canonicalize(obj: Any, *, max_depth: int | None = None) -> bytes:
    """Canonical JSON (RFC 8785) bytes of a Python value.

    Accepts None, bool, int, float, str, list, tuple and dict with str keys
    (subclasses included). Raises CanonicalJsonError otherwise, with ``code``
    ``unsupported_type``, ``non_string_key``, ``non_finite_number``,
    ``number_out_of_range``, ``lone_surrogate`` or ``depth_limit`` and the
    JSON Pointer ``path`` of the offending value.
    """

def canonicalize_text(text: _Text, *, max_depth: int | None = None) -> bytes:
    """Canonical JSON (RFC 8785) bytes of strict I-JSON text.

    Raises CanonicalJsonError with ``code`` and byte ``offset`` (into the
    UTF-8 encoding of a ``str``). Raises TypeError for other argument types.
    """

def digest(data: _Data, algorithm: str = "sha256") -> str:
    """Named digest (``sha256:<hex>`` / ``blake3:<hex>``) of raw bytes.

    A ``str`` is digested as its UTF-8 encoding; one holding lone surrogates
    has none and raises CanonicalJsonError (``lone_surrogate``), as in Node
    and WASM. Raises DigestError (``unknown_algorithm``).
    """

def canonical_digest(obj: Any, algorithm: str = "sha256", *, max_depth: int | None = None) -> str:
    """Named digest of ``canonicalize(obj)``."""

def canonical_digest_text(
    text: _Text, algorithm: str = "sha256", *, max_depth: int | None = None
) -> str:
    """Named digest of ``canonicalize_text(text)``."""

def parse_digest(text: str) -> tuple[str, str]:
    """Parses ``sha256:<hex>`` / ``blake3:<hex>`` into ``(algorithm, hex)``.

    Raises DigestError (``unknown_algorithm`` or ``malformed_digest``, with
    the character ``offset``).
    """

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
