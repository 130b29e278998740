"""Type stubs for trustcore (native module ``trustcore._trustcore``)."""

import os
from collections.abc import Awaitable, Callable, Sequence
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

class ChainError(TrustcoreError):
    """A chain writer or verifier was given something it cannot use.

    Codes: ``invalid_event``, ``ts_regression``, ``invalid_state``. Breaks
    found while verifying are reported, not raised.
    """

class MerkleError(TrustcoreError):
    """A proof that does not verify, or a checkpoint/note/vkey that cannot be used.

    Proof codes: ``index_out_of_range``, ``invalid_tree_size``,
    ``invalid_proof``, ``root_mismatch``; note and checkpoint codes (with a
    byte ``offset`` where they have a place): ``note_too_large``,
    ``invalid_utf8``, ``control_character``, ``missing_signature_block``,
    ``malformed_signature_line``, ``invalid_key_name``, ``invalid_base64``,
    ``too_many_signatures``, ``invalid_signature``,
    ``no_trusted_signature``, ``ambiguous_key``, ``invalid_verifier_key``,
    ``key_hash_mismatch``, ``unsupported_key_type``, ``invalid_note_text``,
    ``remote_signature_invalid``, ``prepared_mismatch``,
    ``malformed_checkpoint``, ``invalid_origin``, ``malformed_tree_size``,
    ``invalid_root_hash``.
    """

class PolicyError(TrustcoreError):
    """A policy set, update, request or record that cannot be used.

    ``path`` is the JSON Pointer of the offending place. Codes:
    ``invalid_policy``, ``unsupported_format``, ``unknown_operator``,
    ``invalid_pointer``, ``type_mismatch``, ``duplicate_policy``,
    ``invalid_transition``, ``modified_version``, ``invalid_request``,
    ``request_too_large``, ``evaluation_limit``, ``missing_field``,
    ``invalid_record``, ``policy_not_found``.
    """

class OptionsError(TrustcoreError):
    """An options keyword argument the core does not accept.

    Codes: ``unknown_option`` (a name that is not an option of the call,
    often a misspelling: the message suggests the right one),
    ``invalid_option`` (a value of the wrong type or out of bounds).
    """

class ProfileError(TrustcoreError):
    """A chain profile that cannot be used (``path``: JSON Pointer of the offending member).

    Codes: ``invalid_profile``, ``unsupported_profile_version``,
    ``unknown_profile``, ``invalid_sample`` (inference given no rows, or rows
    that are not objects).
    """

class SnapshotError(TrustcoreError):
    """A snapshot that cannot be built, signed or read.

    Codes: ``invalid_record``, ``invalid_metadata``, ``invalid_snapshot``,
    ``remote_signature_invalid`` (no metadata was produced),
    ``event_mismatch``. A batch that does not verify is a report, not an error.
    """

class RedactionError(TrustcoreError):
    """A redaction policy, key, document or disclosure that cannot be used.

    Codes: ``invalid_policy``, ``unsupported_policy_version`` (with
    ``path``), ``missing_key``, ``invalid_document``, ``invalid_disclosure``,
    ``duplicate_digest``, ``unreferenced_disclosure`` (a changed value or a
    wrong salt), ``claim_collision``.
    """

class PolicyDenied(TrustcoreError):
    """Raised by :func:`enforce_or_throw` for a denied request (``code`` ``policy_denied``)."""

    decision: dict[str, Any]
    """The whole decision, with its policyCheck records."""

# ---- Reports (plain dicts) ---------------------------------------------------

class ChainHead(TypedDict):
    """The last event's ``hash`` (hex) and ``seq``; ``ts`` when known."""

    hash: str
    seq: int
    ts: NotRequired[str]

class ChainBreak(TypedDict):
    """A break; ``seq`` and ``id`` are present when the row could be read."""

    position: int
    reason: str
    message: str
    seq: NotRequired[int]
    id: NotRequired[str]

class TreeHead(TypedDict):
    """A Merkle tree head over the event hashes (``root`` in hex)."""

    size: int
    root: str

class ChainReport(TypedDict):
    """The verifier's report: ``rows`` read, ``count`` accepted, the first
    ``max_breaks`` breaks, every break counted (``break_count``, per reason
    in ``break_counts``), and the Merkle tree head."""

    valid: bool
    head: ChainHead
    rows: int
    count: int
    breaks: list[ChainBreak]
    break_count: int
    break_counts: dict[str, int]
    merkle: TreeHead

class ChainRow(TypedDict):
    """One ``audit_events`` row under its column names."""

    actor: str
    event_type: str
    hash: str
    id: str
    payload: Any
    prev_hash: str
    seq: int
    signature: str
    signer_id: str
    ts: str

class Fork(TypedDict):
    prev_hash: str
    ids: list[str]
    hashes: list[str]

class MalformedRow(TypedDict):
    position: int
    reason: str

class Replay(TypedDict):
    """:func:`replay`'s result."""

    events: list[ChainRow]
    forks: list[Fork]
    orphans: list[str]
    malformed: list[MalformedRow]

class _Frontier(TypedDict):
    size: int
    hashes: list[str]

class _PinnedHead(TypedDict):
    seq: int
    hash: str

VerifierState = TypedDict(
    "VerifierState",
    {
        "type": str,
        "head": ChainHead,
        "position": int,
        "count": int,
        "breaks": int,
        "break_counts": dict[str, int],
        "stopped": bool,
        "hash_alg": str,
        "merkle": _Frontier,
        "pinned_head": _PinnedHead | None,
        "pinned_checkpoint": TreeHead | None,
        "check": str,
    },
)

class CheckpointInfo(TypedDict):
    """A checkpoint body (``root`` in hex)."""

    origin: str
    size: int
    root: str
    extensions: list[str]

class UnknownSigner(TypedDict):
    """A signature by an untrusted key (``key_hash``: 8 hex digits)."""

    name: str
    key_hash: str

class OpenedCheckpoint(TypedDict):
    """:func:`open_checkpoint`'s result."""

    checkpoint: CheckpointInfo
    signers: list[str]
    unknown: list[UnknownSigner]

class EventInCheckpoint(TypedDict):
    """:func:`verify_event_in_checkpoint`'s result."""

    valid: bool
    index: int
    checkpoint: OpenedCheckpoint
    event: NotRequired[ChainRow]
    stage: NotRequired[str]
    reason: NotRequired[str]
    message: NotRequired[str]

class ChainStatus(TypedDict):
    """:func:`check_against_checkpoint` / :func:`check_extension`'s result."""

    status: str
    chain_size: int
    checkpoint_size: int

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
    rotatedFrom: NotRequired[str]

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

# ---- Audit chain -------------------------------------------------------------

EVENT_KIND: str
"""The envelope kind event signatures are made under: ``"trustcore.audit-event"``."""

@final
class PreparedEvent:
    """An event prepared for a (possibly remote) signer."""

    @property
    def message(self) -> bytes:
        """The bytes to sign (the event envelope's signing input, or its SHA-512 for ed25519ph)."""
    @property
    def event(self) -> dict[str, Any]:
        """Every column of the row but ``signature``."""

_EventBody: TypeAlias = dict[str, Any]

@final
class ChainWriter:
    """Appends signed, hash-linked events; never returns an unsigned row."""

    def __new__(
        cls,
        signer_id: str,
        expected_public_key: PublicKey,
        *,
        head: ChainHead | dict[str, Any] | None = None,
        alg: str | None = "ed25519",
        hash_alg: str | None = "sha256",
        profile: _Profile | None = None,
    ) -> ChainWriter:
        """Options are read by the core (OptionsError for an unknown or bad one)."""
    @property
    def head(self) -> ChainHead:
        """The current head."""
    @property
    def signer_id(self) -> str: ...
    def prepare(self, body: _EventBody) -> PreparedEvent:
        """Builds the next event from ``{id, ts, event_type, actor, payload}``."""
    def attach(self, prepared: PreparedEvent, signature: _Bytes) -> str:
        """Attaches a verified signature, moves the head, returns the row."""
    def append(self, body: _EventBody, secret_key: SecretKey) -> str:
        """Prepares, signs locally, attaches; returns the row (canonical JSON)."""
    def append_with(self, body: _EventBody, sign_fn: _SignFn) -> str:
        """Appends through a callable ``sign_fn(message) -> signature``."""
    async def append_with_async(self, body: _EventBody, sign_fn: _AsyncSignFn) -> str:
        """Appends through an async callable ``await sign_fn(message)``."""
    @property
    def profile(self) -> ChainProfileDoc:
        """The writer's profile document (trustcore/v1 by default)."""
    def prepare_row(self, body: dict[str, Any]) -> PreparedEvent:
        """Builds the next row from the row's own columns under the profile's names."""
    def append_row(self, body: dict[str, Any], secret_key: SecretKey) -> str:
        """``prepare_row``, signed locally and attached; returns the row (canonical JSON)."""
    def append_row_with(self, body: dict[str, Any], sign_fn: _SignFn) -> str:
        """``prepare_row`` signed through a callable ``sign_fn(message) -> signature``."""
    async def append_row_with_async(self, body: dict[str, Any], sign_fn: _AsyncSignFn) -> str:
        """``prepare_row`` signed through an async callable ``await sign_fn(message)``."""

@final
class ChainVerifier:
    """Verifies a chain fed as JSONL chunks or rows (streaming, resumable)."""

    def __new__(
        cls,
        registry: SignerRegistry,
        *,
        stop_at_first: bool | None = False,
        track_ids: bool | None = True,
        expected_head: ChainHead | dict[str, Any] | None = None,
        checkpoint: TreeHead | dict[str, Any] | None = None,
        hash_alg: str | None = "sha256",
        threads: int | None = None,
        max_row_bytes: int | None = 1048576,
        max_breaks: int | None = 1000,
        profile: _Profile | None = None,
    ) -> ChainVerifier:
        """Options are read by the core (OptionsError for an unknown or bad one)."""
    @staticmethod
    def resume(
        registry: SignerRegistry,
        state: dict[str, Any],
        *,
        stop_at_first: bool | None = False,
        track_ids: bool | None = True,
        expected_head: ChainHead | dict[str, Any] | None = None,
        checkpoint: TreeHead | dict[str, Any] | None = None,
        hash_alg: str | None = "sha256",
        threads: int | None = None,
        max_row_bytes: int | None = 1048576,
        max_breaks: int | None = 1000,
        profile: _Profile | None = None,
    ) -> ChainVerifier:
        """Continues from a saved, unedited :meth:`state` (ChainError ``invalid_state`` otherwise)."""
    @staticmethod
    def from_head(
        registry: SignerRegistry,
        head: ChainHead | dict[str, Any],
        *,
        stop_at_first: bool | None = False,
        track_ids: bool | None = True,
        expected_head: ChainHead | dict[str, Any] | None = None,
        checkpoint: TreeHead | dict[str, Any] | None = None,
        hash_alg: str | None = "sha256",
        threads: int | None = None,
        max_row_bytes: int | None = 1048576,
        max_breaks: int | None = 1000,
        profile: _Profile | None = None,
    ) -> ChainVerifier:
        """Verifies only the rows after a trusted ``head``."""
    def feed(self, chunk: _Text) -> None:
        """Feeds a chunk of JSONL (lines may span chunks)."""
    def feed_row(self, row: _Text | ChainRow | dict[str, Any]) -> None:
        """Feeds one row: a JSONL line without its newline, or a row dict."""
    def state(self) -> VerifierState:
        """The resumable state (``trustcore.chain-verifier-state/v2``)."""
    def breaks(self) -> list[ChainBreak]:
        """The breaks kept so far (at most ``max_breaks``)."""
    def finish(self) -> ChainReport:
        """Ends the stream and reports; afterwards every method raises ChainError ``invalid_state``."""

def verify_jsonl(
    text: _Text,
    registry: SignerRegistry,
    *,
    stop_at_first: bool | None = False,
    track_ids: bool | None = True,
    expected_head: ChainHead | dict[str, Any] | None = None,
    checkpoint: TreeHead | dict[str, Any] | None = None,
    hash_alg: str | None = "sha256",
    threads: int | None = None,
    max_row_bytes: int | None = 1048576,
    max_breaks: int | None = 1000,
    profile: _Profile | None = None,
) -> ChainReport:
    """Verifies a whole JSONL export in one call."""

def verify_file(
    path: str | os.PathLike[str],
    registry: SignerRegistry,
    *,
    chunk_size: int = 1048576,
    stop_at_first: bool | None = False,
    track_ids: bool | None = True,
    expected_head: ChainHead | dict[str, Any] | None = None,
    checkpoint: TreeHead | dict[str, Any] | None = None,
    hash_alg: str | None = "sha256",
    threads: int | None = None,
    max_row_bytes: int | None = 1048576,
    max_breaks: int | None = 1000,
    profile: _Profile | None = None,
) -> ChainReport:
    """Verifies a JSONL file, streaming it in ``chunk_size`` chunks."""

def verify_event_in_checkpoint(
    row: _Text | ChainRow | dict[str, Any],
    index: int,
    proof: list[bytes],
    checkpoint_note: str | _Bytes,
    verifier_keys: list[VerifierKey | str] | list[VerifierKey] | list[str],
    registry: SignerRegistry,
    *,
    hash_alg: str | None = "sha256",
    profile: _Profile | None = None,
) -> EventInCheckpoint:
    """One event against a signed checkpoint (options read first, by the core)."""

def replay(
    rows: list[str | bytes | ChainRow | dict[str, Any]]
    | list[str]
    | list[bytes]
    | list[ChainRow]
    | list[dict[str, Any]],
    start: ChainHead | dict[str, Any] | None = None,
    *,
    profile: _Profile | None = None,
) -> Replay:
    """Orders rows given in any order; reports forks, orphans and unreadable rows."""

# ---- Merkle trees and checkpoints --------------------------------------------

def leaf_hash(data: _Bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""

def verify_inclusion(
    leaf_hash: _Bytes, index: int, size: int, proof: list[bytes], root: _Bytes
) -> bool:
    """True, or MerkleError with the reason."""

def verify_consistency(
    old_size: int, new_size: int, old_root: _Bytes, new_root: _Bytes, proof: list[bytes]
) -> bool:
    """True, or MerkleError with the reason."""

@final
class MerkleTree:
    """An RFC 6962 tree in memory."""

    def __new__(cls, leaf_data: list[bytes] | None = None) -> MerkleTree: ...
    def push(self, data: _Bytes) -> None: ...
    @property
    def size(self) -> int: ...
    def leaf_hashes(self) -> list[bytes]: ...
    def root(self) -> bytes: ...
    def root_at(self, size: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...
    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]: ...
    def __len__(self) -> int: ...

@final
class Frontier:
    """The right edge of a tree: its root over a stream in O(log n) memory."""

    def __new__(cls) -> Frontier: ...
    @staticmethod
    def from_parts(size: int, hashes: list[bytes]) -> Frontier: ...
    def push(self, leaf_hash: _Bytes) -> None: ...
    def push_data(self, data: _Bytes) -> None: ...
    @property
    def size(self) -> int: ...
    def root(self) -> bytes: ...
    def hashes(self) -> list[bytes]: ...
    def __copy__(self) -> Frontier: ...
    def __deepcopy__(self, memo: Any, /) -> Frontier: ...

@final
class VerifierKey:
    """A signed-note verifier key (``<name>+<hash>+<base64>``)."""

    def __new__(cls, name: str, public_key: PublicKey) -> VerifierKey: ...
    @staticmethod
    def parse(text: str) -> VerifierKey: ...
    @property
    def name(self) -> str: ...
    @property
    def key_hash(self) -> int: ...
    @property
    def public_key(self) -> PublicKey: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Checkpoint:
    """A C2SP tlog-checkpoint."""

    def __new__(
        cls, origin: str, size: int, root: _Bytes, extensions: list[str] | None = None
    ) -> Checkpoint: ...
    @staticmethod
    def parse(text: str) -> Checkpoint: ...
    @property
    def origin(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def root(self) -> bytes: ...
    @property
    def extensions(self) -> list[str]: ...
    def to_text(self) -> str: ...
    def sign(self, signers: list[tuple[str, SecretKey]]) -> str:
        """The signed note text."""
    def sign_with(
        self, verifier_key: VerifierKey, sign_fn: _SignFn, note: str | bytes | None = None
    ) -> str:
        """Signs through a callable; the answer is verified before it is added."""
    def __eq__(self, other: object, /) -> bool: ...

def open_checkpoint(
    note: str | _Bytes, verifier_keys: list[VerifierKey | str] | list[VerifierKey] | list[str]
) -> OpenedCheckpoint:
    """Verifies a signed checkpoint against trusted keys, then parses it."""

def check_against_checkpoint(checkpoint: Checkpoint, frontier: Frontier) -> ChainStatus:
    """``{"status", "chain_size", "checkpoint_size"}``."""

def check_extension(
    checkpoint: Checkpoint, chain_size: int, chain_root: _Bytes, proof: list[bytes]
) -> ChainStatus:
    """Like :func:`check_against_checkpoint`, with a consistency proof."""

# ---- Policy --------------------------------------------------------------------

POLICY_SET_TYPE: str

@final
class PolicySet:
    """A validated, versioned policy set."""

    @staticmethod
    def from_json(text: _Json) -> PolicySet: ...
    @staticmethod
    def from_dict(obj: dict[str, Any]) -> PolicySet: ...
    def check_update(self, candidate: PolicySet) -> None:
        """PolicyError (``invalid_transition``, ``modified_version``) if not allowed."""
    @property
    def digest(self) -> str: ...
    def to_json(self) -> str: ...
    def policy_ids(self) -> list[str]: ...
    def __len__(self) -> int: ...

_Request: TypeAlias = dict[str, Any] | str | bytes | bytearray | memoryview

def evaluate(policy_set: PolicySet, request: _Request) -> dict[str, Any]:
    """The decision (with its policyCheck records); a denial is not an error."""

def enforce_or_throw(policy_set: PolicySet, request: _Request) -> dict[str, Any]:
    """The decision if allowed; raises PolicyDenied (``.decision``) otherwise."""

def explain(record: _Request, policy_set: PolicySet) -> dict[str, Any]:
    """Explains a policyCheck record against the set that produced it."""

def impact(current: PolicySet, candidate: PolicySet, requests: list[_Request]) -> dict[str, Any]:
    """What would change if ``candidate`` replaced ``current``."""

def canary_bucket(value: Any) -> int:
    """The canary bucket (0..10000) of a request value."""

def canonicalize(obj: Any, *, max_depth: int | None = 128) -> bytes:
    """Canonical JSON (RFC 8785) bytes of a Python value.

    Accepts None, bool, int, float, str, list, tuple and dict with str keys
    (subclasses included). Raises CanonicalJsonError otherwise, with ``code``
    ``unsupported_type``, ``non_string_key``, ``non_finite_number``,
    ``number_out_of_range``, ``lone_surrogate`` or ``depth_limit`` and the
    JSON Pointer ``path`` of the offending value. ``max_depth`` (1..1024)
    is read by the core: OptionsError for another option or a bad value.
    """

def canonicalize_text(text: _Text, *, max_depth: int | None = 128) -> bytes:
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

def canonical_digest(obj: Any, algorithm: str = "sha256", *, max_depth: int | None = 128) -> str:
    """Named digest of ``canonicalize(obj)``."""

def canonical_digest_text(
    text: _Text, algorithm: str = "sha256", *, max_depth: int | None = 128
) -> str:
    """Named digest of ``canonicalize_text(text)``."""

def parse_digest(text: str) -> tuple[str, str]:
    """Parses ``sha256:<hex>`` / ``blake3:<hex>`` into ``(algorithm, hex)``.

    Raises DigestError (``unknown_algorithm`` or ``malformed_digest``, with
    the character ``offset``).
    """

__all__ = [
    "ApprovalReport",
    "ApprovalSet",
    "CanonicalJsonError",
    "ChainBreak",
    "ChainError",
    "ChainHead",
    "ChainReport",
    "ChainRow",
    "ChainStatus",
    "ChainVerifier",
    "ChainWriter",
    "Checkpoint",
    "CheckpointInfo",
    "DigestError",
    "EVENT_KIND",
    "Envelope",
    "EnvelopeError",
    "EnvelopeReport",
    "EventInCheckpoint",
    "Fork",
    "Frontier",
    "InvalidKeyError",
    "MalformedRow",
    "MerkleError",
    "MerkleTree",
    "OpenedCheckpoint",
    "OptionsError",
    "POLICY_SET_TYPE",
    "PolicyDenied",
    "PolicyError",
    "PolicySet",
    "Prepared",
    "PreparedEvent",
    "PublicKey",
    "ROTATION_KIND",
    "RegistryError",
    "Replay",
    "Rotation",
    "SecretKey",
    "SignatureInfo",
    "SignatureVerdict",
    "SignerRecord",
    "SignerRegistry",
    "TimestampError",
    "TreeHead",
    "TrustcoreError",
    "UnknownSigner",
    "VerifierKey",
    "VerifierState",
    "__version__",
    "canary_bucket",
    "canonical_digest",
    "canonical_digest_text",
    "canonicalize",
    "canonicalize_text",
    "check_against_checkpoint",
    "check_extension",
    "digest",
    "enforce_or_throw",
    "evaluate",
    "explain",
    "impact",
    "leaf_hash",
    "open_checkpoint",
    "parse_digest",
    "replay",
    "sign",
    "sign_ed25519ph_digest",
    "verify",
    "verify_consistency",
    "verify_ed25519ph_digest",
    "verify_event_in_checkpoint",
    "verify_file",
    "verify_inclusion",
    "verify_jsonl",
]

# Chain profiles and revocation (#10).
__all__ += [
    "ChainProfileDoc",
    "Inference",
    "InferenceAttempt",
    "PROFILE_TYPE",
    "ProfileCoverage",
    "ProfileError",
    "REVOCATION_KIND",
    "RecheckReport",
    "RecheckVerdict",
    "Revocation",
    "RowVerdict",
    "apply_revocation",
    "builtin_profiles",
    "infer_profile",
    "load_profile",
    "profile_coverage",
    "profile_digest",
    "recheck",
    "revocation_payload",
    "revoke_signer",
    "verify_revocation",
    "verify_row",
]

# Snapshots and redaction (#12).
__all__ += [
    "PUBLISHED_EVENT",
    "PreparedSnapshot",
    "REDACTION_POLICY_TYPE",
    "REDACTION_RECORD_TYPE",
    "RedactionEntry",
    "RedactionError",
    "RedactionKeys",
    "RedactionPolicy",
    "RedactionRecord",
    "SNAPSHOT_KIND",
    "SNAPSHOT_TYPE",
    "Snapshot",
    "SnapshotBuilder",
    "SnapshotError",
    "SnapshotFailure",
    "SnapshotMetadata",
    "SnapshotReport",
    "SnapshotVerifier",
    "TraceRange",
    "UnsignedSnapshot",
    "check_snapshot_event",
    "commit",
    "disclose",
    "disclose_report",
    "DisclosedView",
    "HiddenDigests",
    "load_redaction_policy",
    "proves",
    "record_proof",
    "redact",
    "verify_record",
    "verify_snapshot",
    "verify_snapshot_file",
]

# ---- Chain profiles, inference, revocation (#10) -----------------------------

PROFILE_TYPE: str
"""The ``type`` of a profile document: ``"trustcore.chain-profile/v1"``."""
REVOCATION_KIND: str
"""The envelope kind of a revocation record: ``"trustcore.signer-revocation"``."""

ChainProfileDoc = TypedDict(
    "ChainProfileDoc",
    {
        "type": str,
        "name": str,
        "description": NotRequired[str],
        "columns": dict[str, str | None],
        "extraColumns": NotRequired[list[dict[str, Any]]],
        "hash": dict[str, str],
        "signature": dict[str, str],
        "genesis": str,
        "timestamp": str,
        "order": str,
    },
)

_Profile: TypeAlias = str | bytes | ChainProfileDoc | dict[str, Any]

class InferenceAttempt(TypedDict):
    hash_input: str
    hash_alg: str
    hashes_matched: int
    signatures_verified: dict[str, int]

class Inference(TypedDict):
    rows: int
    matches: list[ChainProfileDoc]
    ambiguous: bool
    attempts: list[InferenceAttempt]
    notes: list[str]

class RowVerdict(TypedDict):
    valid: bool
    row: NotRequired[dict[str, Any]]
    reason: NotRequired[str]
    message: NotRequired[str]

class ProfileCoverage(TypedDict):
    hashed: list[str]
    signed: list[str]
    unsigned: list[str]

Revocation = TypedDict("Revocation", {"signer": str, "revokedAt": str, "reason": str})

class RecheckVerdict(TypedDict):
    index: int
    item: str
    name: NotRequired[str]
    status: str
    before: NotRequired[str]
    after: NotRequired[str]

class RecheckReport(TypedDict):
    items: list[RecheckVerdict]
    still_valid: int
    now_invalid: int
    was_invalid: int
    now_valid: int

def builtin_profiles() -> dict[str, ChainProfileDoc]:
    """The built-in profiles by name (``trustcore/v1`` first), as documents."""

def load_profile(doc: str | _Bytes | ChainProfileDoc | dict[str, Any]) -> ChainProfileDoc:
    """Validates a profile document (dict or JSON text) or a built-in name; ProfileError otherwise."""

def profile_digest(profile: _Profile) -> str:
    """``sha256:<hex>`` of the profile's canonical document."""

def profile_coverage(profile: _Profile) -> ProfileCoverage:
    """Which columns the profile's hash and signature cover."""

def infer_profile(
    rows: list[str | bytes | dict[str, Any]] | list[str] | list[bytes] | list[dict[str, Any]],
    registry: SignerRegistry,
) -> Inference:
    """Every profile under which the sample rows verify, or how far each construction got."""

def verify_row(
    row: _Text | dict[str, Any], registry: SignerRegistry, profile: _Profile | None = None
) -> RowVerdict:
    """One row on its own under a profile (hash, key at its time, signature)."""

def revocation_payload(signer: str, revoked_at: str, reason: str) -> str:
    """The canonical payload of a revocation record, for an authority to sign."""

def revoke_signer(
    registry: SignerRegistry,
    signer: str,
    revoked_at: str,
    reason: str,
    authority: str,
    authority_key: SecretKey,
) -> tuple[SignerRegistry, Envelope]:
    """Revokes ``signer`` as of ``revoked_at``: (updated registry, signed revocation record)."""

def verify_revocation(registry: SignerRegistry, record: Envelope) -> Revocation:
    """Checks a revocation record without changing the registry."""

def apply_revocation(registry: SignerRegistry, record: Envelope) -> Revocation:
    """Verifies a revocation record and applies it to ``registry`` in place."""

def recheck(
    items: Sequence[tuple[Envelope, str] | str | bytes | dict[str, Any]],
    old: SignerRegistry,
    new: SignerRegistry,
    profile: _Profile | None = None,
) -> RecheckReport:
    """Re-verifies envelopes ``(Envelope, at)`` and rows under the old and new registry."""

# ---- Snapshots (#12) ---------------------------------------------------------

SNAPSHOT_KIND: str
"""The envelope kind snapshot signatures are made under: ``"trustcore.snapshot"``."""
SNAPSHOT_TYPE: str
"""The ``type`` of snapshot metadata: ``"trustcore.snapshot/v1"``."""
PUBLISHED_EVENT: str
"""The event type of the audit event that publishes a snapshot: ``"snapshot.published"``."""

class TraceRange(TypedDict):
    first_trace_id: str
    last_trace_id: str
    start: str
    end: str

class SnapshotMetadata(TypedDict):
    type: str
    snapshot_id: str
    trace_range: TraceRange
    hash: str
    merkle_root: str
    records: int
    fields: dict[str, str]
    ts: str
    signer_kid: NotRequired[str]
    alg: NotRequired[str]
    signature: NotRequired[str]

class SnapshotFailure(TypedDict):
    code: str
    line: NotRequired[int]
    message: str

class SnapshotReport(TypedDict):
    valid: bool
    snapshot_id: str
    records: int
    failures: list[SnapshotFailure]
    failure_counts: dict[str, int]

_Metadata: TypeAlias = Snapshot | SnapshotMetadata | dict[str, Any] | str | _Bytes

@final
class SnapshotBuilder:
    """Builds a snapshot from trace records fed one at a time (O(1) memory)."""

    def __new__(
        cls,
        *,
        hash_alg: str | None = "sha256",
        trace_id: str | None = "/trace_id",
        ts: str | None = "/ts",
    ) -> SnapshotBuilder:
        """Options are read by the core (OptionsError for an unknown or bad one)."""
    def push(self, record: _Text | dict[str, Any]) -> bytes:
        """Adds a record; returns its canonical line (with ``\\n``) to write to the batch."""
    @property
    def count(self) -> int:
        """Records added so far."""
    def finish(self, snapshot_id: str, ts: str) -> UnsignedSnapshot:
        """Ends the batch: the metadata to sign."""

@final
class UnsignedSnapshot:
    """Snapshot metadata before it is signed."""

    @property
    def metadata(self) -> SnapshotMetadata:
        """The metadata so far (no ``signer_kid``, ``alg``, ``signature``)."""
    def sign(self, secret_key: SecretKey, signer_kid: str, alg: str | None = None) -> Snapshot:
        """Signs with a local key."""
    def prepare(self, signer_kid: str, alg: str | None = None) -> PreparedSnapshot:
        """The bytes a remote signer (KMS; ``ed25519ph`` = DIGEST mode) must sign."""
    def sign_with(
        self,
        signer_kid: str,
        expected_public_key: PublicKey,
        sign_fn: _SignFn,
        alg: str | None = None,
    ) -> Snapshot:
        """Signs through a callable; fails closed."""
    async def sign_with_async(
        self,
        signer_kid: str,
        expected_public_key: PublicKey,
        sign_fn: _AsyncSignFn,
        alg: str = "ed25519",
    ) -> Snapshot:
        """Signs through an async callable; fails closed."""

@final
class PreparedSnapshot:
    """Snapshot metadata prepared for a remote signer."""

    @property
    def message(self) -> bytes:
        """What the signer must sign."""
    def attach(self, signature: _Bytes, expected_public_key: PublicKey) -> Snapshot:
        """Attaches a verified signature (SnapshotError ``remote_signature_invalid`` otherwise)."""

@final
class Snapshot:
    """Signed snapshot metadata."""

    @staticmethod
    def from_json(text: _Json) -> Snapshot:
        """Reads metadata from JSON text."""
    @staticmethod
    def from_dict(metadata: SnapshotMetadata | dict[str, Any]) -> Snapshot:
        """Reads metadata from a dict."""
    @property
    def metadata(self) -> SnapshotMetadata: ...
    def to_json(self) -> str:
        """The metadata as canonical JSON text."""
    @property
    def snapshot_id(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def signer_kid(self) -> str: ...
    @property
    def ts(self) -> str: ...
    @property
    def records(self) -> int: ...
    def event_body(self, id: str, ts: str, actor: str) -> dict[str, Any]:
        """The ``snapshot.published`` audit event body (metadata as payload)."""
    def check_event(self, row: _Text | dict[str, Any]) -> None:
        """SnapshotError ``event_mismatch`` unless the row publishes this snapshot."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class SnapshotVerifier:
    """Verifies a batch against its metadata, fed in chunks (bounded memory)."""

    def __new__(cls, metadata: _Metadata, registry: SignerRegistry) -> SnapshotVerifier: ...
    def feed(self, chunk: _Text) -> None:
        """Feeds a chunk of the batch (GIL released while the core reads it)."""
    def finish(self) -> SnapshotReport:
        """Ends the batch and reports."""

def verify_snapshot(metadata: _Metadata, batch: _Text, registry: SignerRegistry) -> SnapshotReport:
    """Verifies a whole batch against its metadata."""

def verify_snapshot_file(
    metadata: _Metadata,
    path: str | os.PathLike[str],
    registry: SignerRegistry,
    *,
    chunk_size: int = 1048576,
) -> SnapshotReport:
    """Verifies a ``.jsonl`` or gzipped ``.jsonl.gz`` batch on disk, streaming."""

def record_proof(batch: _Text, index: int) -> list[bytes]:
    """The inclusion proof of record ``index`` (from 0) in a batch."""

def verify_record(
    metadata: _Metadata, record: _Text, index: int, proof: list[bytes], registry: SignerRegistry
) -> SnapshotReport:
    """One record against signed metadata (signature, then inclusion)."""

def check_snapshot_event(metadata: _Metadata, row: _Text | dict[str, Any]) -> None:
    """SnapshotError ``event_mismatch`` unless the audit row publishes the snapshot."""

# ---- Redaction (#12) ---------------------------------------------------------

REDACTION_POLICY_TYPE: str
"""``"trustcore.redaction-policy/v1"``."""
REDACTION_RECORD_TYPE: str
"""``"trustcore.redaction-record/v1"``."""

class RedactionEntry(TypedDict):
    pointer: str
    rule: str
    action: str
    commitment: str
    # ``class`` is a keyword: read it as ``entry["class"]``.

class RedactionRecord(TypedDict):
    type: str
    policy: dict[str, Any]
    original: str
    redacted: str
    redactions: list[RedactionEntry]

@final
class RedactionPolicy:
    """A redaction policy (``trustcore.redaction-policy/v1``), validated when loaded."""

    @staticmethod
    def from_json(text: _Json) -> RedactionPolicy: ...
    @staticmethod
    def from_dict(doc: dict[str, Any]) -> RedactionPolicy: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def digest(self) -> str: ...
    @property
    def needs_pseudonym_key(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class RedactionKeys:
    """The caller's 32-byte salt key and, for pseudonyms, 32-byte pseudonym key."""

    def __new__(cls, salt_key: _Bytes, pseudonym_key: _Bytes | None = None) -> RedactionKeys: ...
    @property
    def has_pseudonym_key(self) -> bool: ...

def load_redaction_policy(doc: dict[str, Any] | list[Any] | _Json) -> RedactionPolicy:
    """Loads a policy (RedactionError with ``code`` and ``path`` otherwise)."""

def redact(
    doc: dict[str, Any] | _Json, policy: RedactionPolicy, keys: RedactionKeys
) -> tuple[bytes, RedactionRecord]:
    """(redacted document as canonical JSON bytes, redaction record)."""

def proves(entry: RedactionEntry | dict[str, Any], value: Any, keys: RedactionKeys) -> bool:
    """Whether ``value`` is the one the record entry committed to."""

def commit(
    doc: dict[str, Any] | _Json, policy: RedactionPolicy, keys: RedactionKeys
) -> tuple[dict[str, Any], list[str]]:
    """The commitment form (SD-JWT style) and its disclosures."""

def disclose(record: dict[str, Any] | _Json, disclosures: list[str]) -> dict[str, Any]:
    """The record with the given disclosures applied (RFC 9901's refusals)."""

class HiddenDigests(TypedDict):
    """A node of a disclosed view that keeps digests no disclosure opened."""

    pointer: str
    digests: int

class DisclosedView(TypedDict):
    """:func:`disclose_report`'s result."""

    view: dict[str, Any]
    opened: list[str]
    hidden: list[HiddenDigests]

def disclose_report(record: dict[str, Any] | _Json, disclosures: list[str]) -> DisclosedView:
    """``disclose``'s view, the pointers (in the view) of the values the
    disclosures put back, and the view's nodes that keep unopened digests
    (document order); refuses what ``disclose`` refuses."""

# ---- PostgreSQL plans (#11) --------------------------------------------------

__all__ += [
    "APPEND_ATTEMPTS",
    "AppendPlan",
    "CliError",
    "SelectPlan",
    "SqlError",
    "Table",
    "migration",
    "retryable",
]

class CliError(TrustcoreError):
    """An audit-verify command line or input that cannot be used (``code`` says which)."""

class SqlError(TrustcoreError):
    """A table name or table layout that does not fit the profile (``code`` says which)."""

APPEND_ATTEMPTS: int
"""How many times an append transaction that failed with a :func:`retryable` state is run."""

@final
class Table:
    """A table name, ``name`` or ``schema.name``, checked and quoted for SQL."""

    def __new__(cls, name: str) -> Table: ...
    @property
    def schema(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    def sql(self) -> str:
        """The quoted name (``"schema"."name"``)."""
    @staticmethod
    def columns_query() -> str:
        """The query listing the table's columns and types (``$1`` schema or NULL, ``$2`` table)."""
    def columns_params(self) -> list[str | None]: ...

@final
class SelectPlan:
    """The streaming read of a table under a profile (statements with ``$n`` placeholders)."""

    FETCH_ROWS: int
    def __new__(
        cls, profile: _Profile, table: Table | str, types: list[tuple[str, str]]
    ) -> SelectPlan: ...
    @property
    def sql(self) -> str:
        """Every row's JSON text in chain order; ``$1`` rows skipped."""
    @property
    def window_sql(self) -> str:
        """``$1`` rows skipped, at most ``$2`` read."""
    @property
    def seq_range_sql(self) -> str | None:
        """For a profile ordered by seq: ``$1 <= seq < $2``."""
    @property
    def bounds_sql(self) -> str | None:
        """For a profile ordered by seq: min and max seq and the row count, as text."""
    @property
    def count_sql(self) -> str:
        """The row count, as text."""

@final
class AppendPlan:
    """One append transaction: lock, head, the writer's row into the INSERT."""

    def __new__(
        cls, profile: _Profile, table: Table | str, types: list[tuple[str, str]]
    ) -> AppendPlan: ...
    @property
    def lock_sql(self) -> str: ...
    @property
    def lock_key(self) -> int:
        """The advisory lock's key (send it as text)."""
    @property
    def head_sql(self) -> str: ...
    @property
    def insert_sql(self) -> str: ...
    @property
    def profile(self) -> str: ...
    def head(self, row: str | None, count: int) -> ChainHead:
        """The writer's head from ``head_sql``'s answer (last row's JSON or None, row count;
        SqlError ``invalid_count`` outside 0 to 2**63-1)."""
    def body_ts(self, ts: str) -> str:
        """A body's ts as the table gives it back (SqlError ``unwritable_row`` beyond microseconds)."""
    def stamp(self, row: str | None, count: int, now: str) -> str:
        """The ts of a row appended at ``now`` on top of that head: never before the head's ts
        (SqlError ``invalid_count`` as for ``head``)."""
    def params(self, row: str) -> list[str | None]:
        """The INSERT's text parameters for a row the writer returned."""

def retryable(sqlstate: str) -> bool:
    """Whether an append transaction that failed with this SQLSTATE may run again."""

def migration(profile: _Profile, table: Table | str) -> str:
    """The profile's table (``CREATE TABLE IF NOT EXISTS``), a fork impossible to insert."""

# ---- Segments (#14) -----------------------------------------------------------

__all__ += [
    "Segment",
    "SegmentVerifier",
    "Stitcher",
    "duplicates",
    "split_bytes",
    "stitch",
]

@final
class SegmentVerifier:
    """Verifies one segment of a log (rows of a file, a byte range, rows of a table)."""

    def __new__(
        cls,
        registry: SignerRegistry,
        *,
        stop_at_first: bool | None = False,
        track_ids: bool | None = True,
        expected_head: ChainHead | dict[str, Any] | None = None,
        checkpoint: TreeHead | dict[str, Any] | None = None,
        hash_alg: str | None = "sha256",
        threads: int | None = None,
        max_row_bytes: int | None = 1048576,
        max_breaks: int | None = 1000,
        profile: _Profile | None = None,
    ) -> SegmentVerifier:
        """The whole log's options (the trusted head, checkpoint and stop take effect in the stitch)."""
    @staticmethod
    def for_bytes(
        registry: SignerRegistry,
        start: int,
        end: int,
        *,
        stop_at_first: bool | None = False,
        track_ids: bool | None = True,
        expected_head: ChainHead | dict[str, Any] | None = None,
        checkpoint: TreeHead | dict[str, Any] | None = None,
        hash_alg: str | None = "sha256",
        threads: int | None = None,
        max_row_bytes: int | None = 1048576,
        max_breaks: int | None = 1000,
        profile: _Profile | None = None,
    ) -> SegmentVerifier:
        """The byte range ``[start, end)`` of a file: feed it from ``max(start - 1, 0)``."""
    @property
    def needs_more(self) -> bool:
        """False once a byte-range segment has all its lines."""
    @property
    def rows_fed(self) -> int: ...
    def push_bytes(self, chunk: _Text) -> None:
        """Feeds JSONL bytes (GIL released)."""
    def push_row(self, row: _Text | dict[str, Any]) -> None: ...
    def push_rows(self, rows: list[str] | list[bytes] | list[dict[str, Any]]) -> None: ...
    def push_table_rows(self, rows: list[str] | list[bytes]) -> None:
        """Rows as a PostgreSQL table returned them (SelectPlan's text):
        numbers get JSON's spelling back before they are verified."""
    def finish(self) -> Segment: ...

@final
class Segment:
    """A verified segment: its summary, and what it keeps to answer the stitch."""

    def summary(self) -> str:
        """The summary (``trustcore.chain-segment/v1``) as JSON text."""
    @property
    def rows(self) -> int: ...
    def id_buckets(self, segment: int, buckets: int) -> list[bytes]:
        """Its ids in ``buckets`` buckets by id, tagged with its index ``segment`` (``buckets`` 1..=2^20, else TypeError)."""
    def answer(self, request: str | bytes) -> str:
        """The answer (JSON text) to a Stitcher request (JSON text)."""
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: _Bytes) -> Segment: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def duplicates(buckets: list[bytes] | list[_Bytes]) -> list[tuple[int, int]]:
    """Every repeated id's later occurrences in buckets of ids, as (segment, row)."""

@final
class Stitcher:
    """Plans the stitch of summaries (in log order); ``finish`` gives the one-pass report."""

    def __new__(
        cls,
        summaries: list[str] | list[bytes],
        duplicates: list[tuple[int, int]],
        *,
        stop_at_first: bool | None = False,
        track_ids: bool | None = True,
        expected_head: ChainHead | dict[str, Any] | None = None,
        checkpoint: TreeHead | dict[str, Any] | None = None,
        hash_alg: str | None = "sha256",
        threads: int | None = None,
        max_row_bytes: int | None = 1048576,
        max_breaks: int | None = 1000,
        profile: _Profile | None = None,
    ) -> Stitcher: ...
    def requests(self) -> list[str]:
        """The requests (JSON text), one per segment that must answer."""
    def segments(self) -> list[int]:
        """The segments that must answer, in the order of :meth:`requests`."""
    def finish(self, answers: list[str] | list[bytes]) -> ChainReport: ...

def stitch(
    segments: list[Segment],
    *,
    stop_at_first: bool | None = False,
    track_ids: bool | None = True,
    expected_head: ChainHead | dict[str, Any] | None = None,
    checkpoint: TreeHead | dict[str, Any] | None = None,
    hash_alg: str | None = "sha256",
    threads: int | None = None,
    max_row_bytes: int | None = 1048576,
    max_breaks: int | None = 1000,
    profile: _Profile | None = None,
) -> ChainReport:
    """Stitches segments held in one place into the report of one pass."""

def split_bytes(length: int, parts: int) -> list[tuple[int, int]]:
    """Byte ranges that cut a file into ``parts`` nearly equal parts (``parts`` 1..=2^24, else TypeError)."""
