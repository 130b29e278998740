"""Type stubs for trustcore (native module ``trustcore._trustcore``)."""

from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, final

from typing_extensions import NotRequired, TypeAlias

__version__: str

_Text: TypeAlias = str | bytes | bytearray | memoryview
_Data: TypeAlias = bytes | bytearray | memoryview | str
_Bytes: TypeAlias = bytes | bytearray | memoryview
_Json: TypeAlias = str | bytes | bytearray | memoryview

ROTATION_KIND: str
"""The envelope kind of a key rotation record: ``"trustcore.signer-rotation"``."""

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

class InvalidKeyError(TrustcoreError):
    """A key, signature or digest cannot be used.

    The core's ``KeyError`` kind (renamed so it does not shadow the builtin).
    Codes: ``invalid_key_length``, ``invalid_key_encoding``, ``invalid_key``,
    ``weak_key``, ``non_canonical_key``, ``key_mismatch``,
    ``invalid_signature_length``, ``invalid_digest_length``,
    ``randomness_unavailable``.
    """

class EnvelopeError(TrustcoreError):
    """A malformed envelope or a signature that cannot be attached.

    Codes: ``invalid_envelope``, ``invalid_kind``, ``invalid_signer``,
    ``unsupported_algorithm``, ``invalid_signature_encoding``,
    ``remote_signature_invalid``, ``no_such_signature``.
    """

class TimestampError(TrustcoreError):
    """A time that is not RFC 3339 UTC; ``offset`` is the character offset."""

class RegistryError(TrustcoreError):
    """A malformed signers file, JWKS, approval set or rotation, or no usable key.

    Codes: ``invalid_registry``, ``duplicate_signer``, ``invalid_public_key``,
    ``invalid_window``, ``invalid_approval_set``, ``invalid_rotation``,
    ``unknown_signer``, and from :meth:`SignerRegistry.key_for` the reasons
    ``signer_not_yet_valid``, ``signer_expired``, ``signer_revoked``,
    ``algorithm_mismatch``.
    """

# ---- Reports (plain dicts) ---------------------------------------------------

class SignatureInfo(TypedDict):
    """One entry of :attr:`Envelope.signatures` (``sig`` in standard base64)."""

    alg: str
    signer: str
    sig: str

class SignatureVerdict(TypedDict):
    """The verdict on one signature; ``reason`` is present when not valid."""

    index: int
    signer: str
    alg: str
    valid: bool
    reason: NotRequired[str]

class EnvelopeReport(TypedDict):
    valid: bool
    signatures: list[SignatureVerdict]

class SignerRecord(TypedDict):
    """A signers-file entry."""

    signerId: str
    publicKey: str
    algorithm: NotRequired[str]
    validFrom: NotRequired[str]
    validUntil: NotRequired[str]
    revokedAt: NotRequired[str]

Rotation = TypedDict(
    "Rotation",
    {"previous": str, "next": SignerRecord, "previousValidUntil": str, "rotatedAt": str},
)

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

# ---- Keys --------------------------------------------------------------------

@final
class PublicKey:
    """An Ed25519 public key: immutable, hashable, comparable, picklable."""

    @staticmethod
    def from_bytes(data: _Bytes) -> PublicKey:
        """From the 32-byte encoding."""
    @staticmethod
    def from_base64(text: str) -> PublicKey:
        """From standard padded base64 of the 32 bytes."""
    @staticmethod
    def from_hex(text: str) -> PublicKey:
        """From hex of the 32 bytes."""
    @staticmethod
    def from_pem(pem: str) -> PublicKey:
        """From an SPKI PEM (``-----BEGIN PUBLIC KEY-----``)."""
    @staticmethod
    def from_der(der: _Bytes) -> PublicKey:
        """From SPKI DER."""
    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> PublicKey:
        """From an OKP/Ed25519 JWK as JSON text or a dict."""
    def to_bytes(self) -> bytes:
        """The 32-byte encoding."""
    def to_base64(self) -> str:
        """Standard padded base64."""
    def to_hex(self) -> str:
        """Lowercase hex."""
    def to_pem(self) -> str:
        """SPKI PEM, LF line endings."""
    def to_der(self) -> bytes:
        """SPKI DER."""
    def to_jwk(self, kid: str | None = None) -> str:
        """A public JWK as canonical JSON text."""
    def check_hygiene(self) -> None:
        """Raises InvalidKeyError (``weak_key``, ``non_canonical_key``)."""
    def __bytes__(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class SecretKey:
    """An Ed25519 secret key. Never printed, pickled or JSON-serialized."""

    @staticmethod
    def generate() -> SecretKey:
        """A new key from the operating system's randomness."""
    @staticmethod
    def from_bytes(data: _Bytes) -> SecretKey:
        """From the 32-byte seed."""
    @staticmethod
    def from_base64(text: str) -> SecretKey:
        """From standard padded base64 of the seed."""
    @staticmethod
    def from_hex(text: str) -> SecretKey:
        """From hex of the seed."""
    @staticmethod
    def from_pem(pem: str) -> SecretKey:
        """From PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``), v1 or v2."""
    @staticmethod
    def from_der(der: _Bytes) -> SecretKey:
        """From PKCS#8 DER."""
    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> SecretKey:
        """From a private JWK (``d`` and a matching ``x``)."""
    def public_key(self) -> PublicKey:
        """The matching public key."""
    def sign(self, message: _Bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
    def export_bytes(self) -> bytes:
        """The 32-byte seed (secret)."""
    def export_base64(self) -> str:
        """The seed as standard padded base64 (secret)."""
    def export_hex(self) -> str:
        """The seed as lowercase hex (secret)."""
    def export_pem(self) -> str:
        """PKCS#8 v1 PEM (secret)."""
    def export_der(self) -> bytes:
        """PKCS#8 v1 DER, the 48 bytes inside the PEM (secret)."""
    def export_jwk(self, kid: str | None = None) -> str:
        """A private JWK as canonical JSON text (secret)."""
    def __copy__(self) -> SecretKey: ...
    def __deepcopy__(self, memo: Any, /) -> SecretKey: ...

def sign(secret_key: SecretKey, message: _Bytes) -> bytes:
    """Pure Ed25519 signature (64 bytes) of ``message``."""

def verify(public_key: PublicKey | _Bytes, message: _Bytes, signature: _Bytes) -> bool:
    """Whether ``signature`` verifies (the verdict of Go and OpenSSL).

    Raises InvalidKeyError for a key that is not 32 bytes
    (``invalid_key_length``) or a signature that is not 64
    (``invalid_signature_length``).
    """

def sign_ed25519ph_digest(secret_key: SecretKey, digest: _Bytes) -> bytes:
    """Ed25519ph over a 64-byte SHA-512 digest (KMS ``MessageType: DIGEST``)."""

def verify_ed25519ph_digest(
    public_key: PublicKey | _Bytes, digest: _Bytes, signature: _Bytes
) -> bool:
    """Verifies an Ed25519ph signature over a 64-byte SHA-512 digest."""

# ---- Envelopes ---------------------------------------------------------------

@final
class Prepared:
    """What a signer must sign for one signature."""

    @property
    def message(self) -> bytes:
        """The signing input (``ed25519``) or its SHA-512 (``ed25519ph``)."""
    @property
    def signing_input(self) -> bytes:
        """The canonical JSON the signature covers."""
    @property
    def alg(self) -> str: ...
    @property
    def signer(self) -> str: ...

_SignFn: TypeAlias = Callable[[bytes], _Bytes]
_AsyncSignFn: TypeAlias = Callable[[bytes], Awaitable[_Bytes] | _Bytes]

@final
class Envelope:
    """A typed JSON payload with Ed25519 signatures over its signing input."""

    @staticmethod
    def create(kind: str, payload: Any) -> Envelope:
        """A new unsigned envelope around a Python value."""
    @staticmethod
    def from_text(kind: str, payload_json: _Json) -> Envelope:
        """A new unsigned envelope around strict I-JSON text."""
    @staticmethod
    def from_json(text: _Json) -> Envelope:
        """Reads an envelope (EnvelopeError ``invalid_envelope``, ...)."""
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> str:
        """The payload as canonical JSON text."""
    @property
    def signatures(self) -> list[SignatureInfo]: ...
    def prepare(self, signer: str, alg: str = "ed25519") -> Prepared:
        """What ``signer`` must sign with ``alg``."""
    def attach(
        self,
        signer: str,
        signature: _Bytes,
        expected_public_key: PublicKey,
        alg: str = "ed25519",
    ) -> None:
        """Attaches a signature made elsewhere after verifying it (fails closed)."""
    def sign(self, secret_key: SecretKey, signer: str, alg: str = "ed25519") -> None:
        """Signs with a local key and attaches the signature."""
    def sign_with(
        self,
        signer: str,
        expected_public_key: PublicKey,
        sign_fn: _SignFn,
        alg: str = "ed25519",
    ) -> None:
        """Signs through a callable ``sign_fn(message) -> signature``."""
    async def sign_with_async(
        self,
        signer: str,
        expected_public_key: PublicKey,
        sign_fn: _AsyncSignFn,
        alg: str = "ed25519",
    ) -> None:
        """Signs through an async callable ``await sign_fn(message)``."""
    def verify(self, index: int, public_key: PublicKey) -> bool:
        """Whether signature ``index`` verifies under ``public_key``."""
    def signing_input_of(self, index: int) -> bytes:
        """The exact bytes signature ``index`` covers."""
    def to_json(self) -> str:
        """The envelope as canonical JSON text."""
    def __eq__(self, other: object, /) -> bool: ...

# ---- Registry and approvals --------------------------------------------------

@final
class SignerRegistry:
    """Which public key speaks for which signer id, and when."""

    @staticmethod
    def from_json(text: _Json) -> SignerRegistry:
        """Loads a signers file."""
    @staticmethod
    def from_jwks(text: _Json) -> SignerRegistry:
        """Loads a JWKS document."""
    def to_json(self) -> str:
        """The signers file (canonical JSON)."""
    def to_jwks(self) -> str:
        """The JWKS document (canonical JSON)."""
    def signer_ids(self) -> list[str]:
        """Signer ids in load order."""
    def get(self, signer_id: str) -> SignerRecord | None:
        """A signer's record, or None."""
    def key_for(self, signer_id: str, at: str, alg: str = "ed25519") -> PublicKey:
        """The key vouching for ``signer_id`` at ``at`` (RegistryError with the reason)."""
    def verify_envelope(self, envelope: Envelope, at: str) -> EnvelopeReport:
        """Verdicts on every signature of ``envelope`` at ``at``."""
    def verify_rotation(self, envelope: Envelope) -> Rotation:
        """Checks a rotation record without applying it."""
    def apply_rotation(self, envelope: Envelope) -> Rotation:
        """Checks and applies a rotation record."""
    def __len__(self) -> int: ...
    def __contains__(self, signer_id: object, /) -> bool: ...

@final
class ApprovalSet:
    """A named k-of-n approval set."""

    @staticmethod
    def from_json(text: _Json) -> ApprovalSet:
        """Loads ``{"name", "threshold", "signers", "kind"?}``."""
    @property
    def name(self) -> str: ...
    @property
    def threshold(self) -> int: ...
    def verify(self, envelope: Envelope, registry: SignerRegistry, at: str) -> ApprovalReport:
        """Counts distinct valid approvers of ``envelope`` at ``at``."""

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
