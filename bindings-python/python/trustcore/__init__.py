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
  rotation, JWKS) and k-of-n approvals (:class:`ApprovalSet`);
* hash-linked, signed audit chains: :class:`ChainWriter` (local key, a
  callable or an async callable signs), :class:`ChainVerifier` (streaming,
  resumable), :func:`verify_jsonl`, :func:`verify_file`, :func:`replay` and
  :func:`verify_event_in_checkpoint` (one event against a signed checkpoint);
* RFC 6962 Merkle trees over the chain (:class:`MerkleTree`,
  :class:`Frontier`, :func:`verify_inclusion`, :func:`verify_consistency`)
  and signed checkpoints (:class:`Checkpoint`, :class:`VerifierKey`,
  :func:`open_checkpoint`, :func:`check_against_checkpoint`);
* SentinelNet policies (:class:`PolicySet`, :func:`evaluate`,
  :func:`enforce_or_throw`, :func:`explain`, :func:`impact`,
  :func:`canary_bucket`).

Options are keyword arguments, read by the core (names, types, bounds,
defaults): an unknown name is :class:`OptionsError` ``unknown_option`` (with a
"did you mean" hint), a bad value ``invalid_option``. Reports are the core's
values as plain dicts (described by the ``TypedDict`` classes below).

Errors are :class:`TrustcoreError` subclasses with a stable ``code``
(:class:`CanonicalJsonError`, :class:`DigestError`, :class:`InvalidKeyError`,
:class:`EnvelopeError`, :class:`TimestampError`, :class:`RegistryError`,
:class:`ChainError`, :class:`MerkleError`, :class:`PolicyError`,
:class:`OptionsError`); a policy denial raised by :func:`enforce_or_throw` is
:class:`PolicyDenied`. Arguments of the wrong type raise :class:`TypeError`.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, Union

from ._trustcore import _invalid_option, _remote_signer_failed
from ._trustcore import (
    EVENT_KIND,
    POLICY_SET_TYPE,
    ROTATION_KIND,
    ApprovalSet,
    CanonicalJsonError,
    ChainError,
    ChainVerifier,
    ChainWriter,
    Checkpoint,
    DigestError,
    Envelope,
    EnvelopeError,
    Frontier,
    InvalidKeyError,
    MerkleError,
    MerkleTree,
    OptionsError,
    PolicyDenied,
    PolicyError,
    PolicySet,
    Prepared,
    PreparedEvent,
    PublicKey,
    RegistryError,
    SecretKey,
    SignerRegistry,
    TimestampError,
    TrustcoreError,
    VerifierKey,
    __version__,
    canary_bucket,
    canonical_digest,
    canonical_digest_text,
    canonicalize,
    canonicalize_text,
    check_against_checkpoint,
    check_extension,
    digest,
    enforce_or_throw,
    evaluate,
    explain,
    impact,
    leaf_hash,
    open_checkpoint,
    parse_digest,
    replay,
    sign,
    sign_ed25519ph_digest,
    verify,
    verify_consistency,
    verify_ed25519ph_digest,
    verify_inclusion,
    verify_event_in_checkpoint,
    verify_jsonl,
)
from ._trustcore import (  # chain profiles, revocation (#10)
    PROFILE_TYPE,
    REVOCATION_KIND,
    ProfileError,
    apply_revocation,
    builtin_profiles,
    infer_profile,
    load_profile,
    profile_coverage,
    profile_digest,
    recheck,
    revocation_payload,
    revoke_signer,
    verify_revocation,
    verify_row,
)
from ._trustcore import (  # snapshots, redaction (#12)
    PUBLISHED_EVENT,
    REDACTION_POLICY_TYPE,
    REDACTION_RECORD_TYPE,
    SNAPSHOT_KIND,
    SNAPSHOT_TYPE,
    PreparedSnapshot,
    RedactionError,
    RedactionKeys,
    RedactionPolicy,
    Snapshot,
    SnapshotBuilder,
    SnapshotError,
    SnapshotVerifier,
    UnsignedSnapshot,
    check_snapshot_event,
    commit,
    disclose,
    disclose_report,
    load_redaction_policy,
    proves,
    record_proof,
    redact,
    verify_record,
    verify_snapshot,
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
    rotatedFrom: str


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


class _HeadBase(TypedDict):
    hash: str
    seq: int


class ChainHead(_HeadBase, total=False):
    """A chain head: the last event's ``hash`` (hex) and ``seq``, and ``ts`` when known."""

    ts: str


class _BreakBase(TypedDict):
    position: int
    reason: str
    message: str


class ChainBreak(_BreakBase, total=False):
    """A break: ``seq`` and ``id`` are present when the row could be read."""

    seq: int
    id: str


class TreeHead(TypedDict):
    """A Merkle tree head over the event hashes (``root`` in hex)."""

    size: int
    root: str


class ChainReport(TypedDict):
    """:meth:`ChainVerifier.finish` / :func:`verify_jsonl`'s result.

    ``rows`` read, ``count`` accepted; ``breaks`` holds the first
    ``max_breaks`` breaks (default 1,000) with their messages,
    ``break_count`` counts every break and ``break_counts`` per reason.
    """

    valid: bool
    head: ChainHead
    rows: int
    count: int
    breaks: list[ChainBreak]
    break_count: int
    break_counts: dict[str, int]
    merkle: TreeHead


class ChainRow(TypedDict):
    """One ``audit_events`` row, under its column names (``replay``'s events)."""

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
    """Events that claim the same predecessor, in the order of their hashes."""

    prev_hash: str
    ids: list[str]
    hashes: list[str]


class MalformedRow(TypedDict):
    """An unreadable row given to :func:`replay`."""

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
        "break_counts": "dict[str, int]",
        "stopped": bool,
        "hash_alg": str,
        "merkle": _Frontier,
        "pinned_head": "_PinnedHead | None",
        "pinned_checkpoint": "TreeHead | None",
        "check": str,
    },
)
VerifierState.__doc__ = (
    ":meth:`ChainVerifier.state`: ``trustcore.chain-verifier-state/v2``, with its integrity"
    " ``check``; resume only from an unedited state."
)


class CheckpointInfo(TypedDict):
    """A checkpoint body: ``root`` in hex."""

    origin: str
    size: int
    root: str
    extensions: list[str]


class UnknownSigner(TypedDict):
    """A signature line by a key that is not trusted (``key_hash``: 8 hex digits)."""

    name: str
    key_hash: str


class OpenedCheckpoint(TypedDict):
    """:func:`open_checkpoint`'s result: the body and who signed it."""

    checkpoint: CheckpointInfo
    signers: list[str]
    unknown: list[UnknownSigner]


class _EventInCheckpointBase(TypedDict):
    valid: bool
    index: int
    checkpoint: OpenedCheckpoint


class EventInCheckpoint(_EventInCheckpointBase, total=False):
    """:func:`verify_event_in_checkpoint`'s result.

    ``event`` is present when the row verified; ``stage`` (``row`` |
    ``inclusion``), ``reason`` and ``message`` when the event is not valid.
    """

    event: ChainRow
    stage: str
    reason: str
    message: str


class ChainStatus(TypedDict):
    """:func:`check_against_checkpoint` / :func:`check_extension`'s result."""

    status: str
    chain_size: int
    checkpoint_size: int


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
    too. An exception from ``sign_fn`` becomes EnvelopeError
    ``remote_signer_failed`` (the original as ``__cause__``), a result that
    is not bytes raises TypeError, and the envelope is then left unchanged.
    """
    if not isinstance(self, Envelope):
        raise TypeError("sign_with_async needs an Envelope, not " + type(self).__name__)
    if not isinstance(expected_public_key, PublicKey):
        raise TypeError(
            "expected_public_key must be a PublicKey, not " + type(expected_public_key).__name__
        )
    if not callable(sign_fn):
        raise TypeError("sign_fn must be callable, not " + type(sign_fn).__name__)
    prepared = self.prepare(signer, alg)
    try:
        answer: Any = sign_fn(prepared.message)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception as exc:  # the signer failed: one error in every binding
        raise _remote_signer_failed(signer, exc) from exc
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


async def _append_with_async(
    self: ChainWriter,
    body: dict[str, Any],
    sign_fn: Callable[[bytes], Awaitable[_Signature] | _Signature],
) -> str:
    """Appends through an async callable (an async KMS or HTTP client).

    ``await sign_fn(message)`` gets exactly ``prepare(body).message`` and
    returns the 64-byte signature; the core verifies it under the writer's
    expected key before the head moves (else EnvelopeError
    ``remote_signature_invalid``) and returns the row (canonical JSON). A
    plain callable returning bytes works too. An exception from ``sign_fn``
    becomes EnvelopeError ``remote_signer_failed`` (the original as
    ``__cause__``), a result that is not bytes raises TypeError, and the
    head is then unchanged. If another event was appended while the
    signer ran, ChainError ``invalid_event`` is raised and nothing changes.
    """
    if not isinstance(self, ChainWriter):
        raise TypeError("append_with_async needs a ChainWriter, not " + type(self).__name__)
    if not callable(sign_fn):
        raise TypeError("sign_fn must be callable, not " + type(sign_fn).__name__)
    prepared = self.prepare(body)
    try:
        answer: Any = sign_fn(prepared.message)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception as exc:  # the signer failed: one error in every binding
        raise _remote_signer_failed(self.signer_id, exc) from exc
    if not isinstance(answer, (bytes, bytearray, memoryview)):
        raise TypeError(
            "sign_fn must return the 64-byte signature as bytes, not " + type(answer).__name__
        )
    return self.attach(prepared, answer)


_append_with_async.__name__ = "append_with_async"
_append_with_async.__qualname__ = "ChainWriter.append_with_async"
# Written here, on top of prepare() and attach() (where the core checks the
# signature and the link), because it awaits Python code.
ChainWriter.append_with_async = _append_with_async  # type: ignore[attr-defined]


async def _append_row_with_async(
    self: ChainWriter,
    body: dict[str, Any],
    sign_fn: Callable[[bytes], Awaitable[_Signature] | _Signature],
) -> str:
    """``append_row`` through an async callable (an async KMS or HTTP client).

    As :meth:`ChainWriter.append_with_async`, for a body in the profile's
    own columns (:meth:`ChainWriter.prepare_row`): the core verifies the
    answer under the writer's expected key before the head moves, and
    returns the row (canonical JSON, in the profile's columns).
    """
    if not isinstance(self, ChainWriter):
        raise TypeError("append_row_with_async needs a ChainWriter, not " + type(self).__name__)
    if not callable(sign_fn):
        raise TypeError("sign_fn must be callable, not " + type(sign_fn).__name__)
    prepared = self.prepare_row(body)
    try:
        answer: Any = sign_fn(prepared.message)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception as exc:  # the signer failed: one error in every binding
        raise _remote_signer_failed(self.signer_id, exc) from exc
    if not isinstance(answer, (bytes, bytearray, memoryview)):
        raise TypeError(
            "sign_fn must return the 64-byte signature as bytes, not " + type(answer).__name__
        )
    return self.attach(prepared, answer)


_append_row_with_async.__name__ = "append_row_with_async"
_append_row_with_async.__qualname__ = "ChainWriter.append_row_with_async"
ChainWriter.append_row_with_async = _append_row_with_async  # type: ignore[attr-defined]


async def _snapshot_sign_with_async(
    self: UnsignedSnapshot,
    signer_kid: str,
    expected_public_key: PublicKey,
    sign_fn: Callable[[bytes], Awaitable[_Signature] | _Signature],
    alg: str = "ed25519",
) -> Snapshot:
    """Signs a snapshot through an async callable (an async KMS client).

    ``await sign_fn(message)`` gets exactly ``prepare(signer_kid, alg).message``
    (for ``ed25519ph``, KMS ``DIGEST`` mode: the 64-byte SHA-512) and returns
    the 64-byte signature; the core checks it under ``expected_public_key``
    before any metadata exists (else SnapshotError
    ``remote_signature_invalid``). An exception from ``sign_fn`` becomes
    EnvelopeError ``remote_signer_failed`` (the original as ``__cause__``).
    """
    if not isinstance(self, UnsignedSnapshot):
        raise TypeError("sign_with_async needs an UnsignedSnapshot, not " + type(self).__name__)
    if not isinstance(expected_public_key, PublicKey):
        raise TypeError(
            "expected_public_key must be a PublicKey, not " + type(expected_public_key).__name__
        )
    if not callable(sign_fn):
        raise TypeError("sign_fn must be callable, not " + type(sign_fn).__name__)
    prepared = self.prepare(signer_kid, alg)
    try:
        answer: Any = sign_fn(prepared.message)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception as exc:  # the signer failed: one error in every binding
        raise _remote_signer_failed(signer_kid, exc) from exc
    if not isinstance(answer, (bytes, bytearray, memoryview)):
        raise TypeError(
            "sign_fn must return the 64-byte signature as bytes, not " + type(answer).__name__
        )
    return prepared.attach(answer, expected_public_key)


_snapshot_sign_with_async.__name__ = "sign_with_async"
_snapshot_sign_with_async.__qualname__ = "UnsignedSnapshot.sign_with_async"
UnsignedSnapshot.sign_with_async = _snapshot_sign_with_async  # type: ignore[attr-defined]


_CHUNK = 1 << 20


def verify_file(
    path: str | os.PathLike[str],
    registry: SignerRegistry,
    *,
    chunk_size: int = _CHUNK,
    **options: Any,
) -> dict[str, Any]:
    """Verifies a JSONL export on disk, streaming it in ``chunk_size`` chunks.

    Memory stays constant however large the file (except the 16 bytes per
    id kept for duplicate detection; pass ``track_ids=False`` to drop it).
    ``options`` are :class:`ChainVerifier`'s (read by the core, before the
    file is opened). Returns the report.
    """
    path = os.fspath(path)  # a path, never a file descriptor number
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool):
        raise TypeError("chunk_size must be an int, not " + type(chunk_size).__name__)
    if chunk_size < 1:
        raise _invalid_option("chunk_size", "an integer of at least 1", chunk_size)
    verifier = ChainVerifier(registry, **options)
    try:
        f = open(path, "rb")
    except ValueError as e:  # a NUL byte or a lone surrogate: no file system path
        raise TypeError(f"path is not a file system path: {e}") from None
    with f:
        while True:
            chunk = f.read(chunk_size)
            if not chunk:
                break
            verifier.feed(chunk)
    return verifier.finish()


# ---- Report shapes of profiles, revocation, snapshots, redaction -------------

ChainProfileDoc = TypedDict(
    "ChainProfileDoc",
    {
        "type": str,
        "name": str,
        "description": str,
        "columns": "dict[str, Any]",
        "extraColumns": "list[dict[str, Any]]",
        "hash": "dict[str, str]",
        "signature": "dict[str, str]",
        "genesis": str,
        "timestamp": str,
        "order": str,
    },
    total=False,
)
ChainProfileDoc.__doc__ = "A chain profile document (``trustcore.chain-profile/v1``)."


class InferenceAttempt(TypedDict):
    """How far one hash construction got on the sample."""

    hash_input: str
    hash_alg: str
    hashes_matched: int
    signatures_verified: dict[str, int]


class Inference(TypedDict):
    """:func:`infer_profile`'s result."""

    rows: int
    matches: list[ChainProfileDoc]
    ambiguous: bool
    attempts: list[InferenceAttempt]
    notes: list[str]


class RowVerdict(TypedDict, total=False):
    """:func:`verify_row`'s result: ``row`` when valid, ``reason`` and ``message`` when not."""

    valid: bool
    row: dict[str, Any]
    reason: str
    message: str


class ProfileCoverage(TypedDict):
    """:func:`profile_coverage`'s result (column names)."""

    hashed: list[str]
    signed: list[str]
    unsigned: list[str]


Revocation = TypedDict("Revocation", {"signer": str, "revokedAt": str, "reason": str})
Revocation.__doc__ = ":func:`verify_revocation` / :func:`apply_revocation`'s result."


class RecheckVerdict(TypedDict, total=False):
    """One item of :func:`recheck`'s report."""

    index: int
    item: str
    name: str
    status: str
    before: str
    after: str


class RecheckReport(TypedDict):
    """:func:`recheck`'s result."""

    items: list[RecheckVerdict]
    still_valid: int
    now_invalid: int
    was_invalid: int
    now_valid: int


class TraceRange(TypedDict):
    """First and last trace id in batch order, earliest and latest record time."""

    first_trace_id: str
    last_trace_id: str
    start: str
    end: str


class SnapshotMetadata(TypedDict, total=False):
    """Snapshot metadata (the seed's names and ``type``, ``records``, ``merkle_root``, ...)."""

    type: str
    snapshot_id: str
    trace_range: TraceRange
    hash: str
    merkle_root: str
    records: int
    fields: dict[str, str]
    ts: str
    signer_kid: str
    alg: str
    signature: str


class SnapshotFailure(TypedDict, total=False):
    """One failure of a snapshot verification (``line`` from 1, for line failures)."""

    code: str
    line: int
    message: str


class SnapshotReport(TypedDict):
    """:func:`verify_snapshot`'s result."""

    valid: bool
    snapshot_id: str
    records: int
    failures: list[SnapshotFailure]
    failure_counts: dict[str, int]


class HiddenDigests(TypedDict):
    """A node of a disclosed view that keeps digests no disclosure opened."""

    pointer: str
    digests: int


class DisclosedView(TypedDict):
    """:func:`disclose_report`'s result: the view, the pointers (in the view)
    of the values the disclosures put back, and where digests stay unopened,
    both in document order."""

    view: dict[str, Any]
    opened: list[str]
    hidden: list[HiddenDigests]


class RedactionEntry(TypedDict):
    """One redacted value in a record (and ``class``, a Python keyword: ``entry["class"]``)."""

    pointer: str
    rule: str
    action: str
    commitment: str


class RedactionRecord(TypedDict):
    """A redaction record (``trustcore.redaction-record/v1``)."""

    type: str
    policy: dict[str, Any]
    original: str
    redacted: str
    redactions: list[RedactionEntry]


_GZIP_MAGIC = b"\x1f\x8b"


def verify_snapshot_file(
    metadata: Snapshot | dict[str, Any] | str | bytes,
    path: str | os.PathLike[str],
    registry: SignerRegistry,
    *,
    chunk_size: int = _CHUNK,
) -> dict[str, Any]:
    """Verifies a snapshot batch on disk, ``.jsonl`` or gzipped ``.jsonl.gz``.

    A file that starts with the gzip magic bytes is decompressed with
    Python's :mod:`gzip` as it is read (whatever its name); either way it is
    streamed in ``chunk_size`` chunks into a :class:`SnapshotVerifier`, which
    works on each chunk with the GIL released, so memory stays bounded (one
    chunk and one line) however large the batch. ``metadata`` is a
    :class:`Snapshot`, its dict or JSON text. Returns the report (failures
    name their line, counted from 1 in the decompressed batch).
    """
    import gzip

    path = os.fspath(path)  # a path, never a file descriptor number
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool):
        raise TypeError("chunk_size must be an int, not " + type(chunk_size).__name__)
    if chunk_size < 1:
        raise _invalid_option("chunk_size", "an integer of at least 1", chunk_size)
    verifier = SnapshotVerifier(metadata, registry)
    try:
        raw = open(path, "rb")
    except ValueError as e:  # a NUL byte or a lone surrogate: no file system path
        raise TypeError(f"path is not a file system path: {e}") from None
    with raw:
        f: Any = gzip.GzipFile(fileobj=raw, mode="rb") if raw.peek(2)[:2] == _GZIP_MAGIC else raw
        with f:
            while True:
                chunk = f.read(chunk_size)
                if not chunk:
                    break
                verifier.feed(chunk)
    return verifier.finish()


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
    "DisclosedView",
    "HiddenDigests",
    "SnapshotVerifier",
    "TraceRange",
    "UnsignedSnapshot",
    "check_snapshot_event",
    "commit",
    "disclose",
    "disclose_report",
    "load_redaction_policy",
    "proves",
    "record_proof",
    "redact",
    "verify_record",
    "verify_snapshot",
    "verify_snapshot_file",
]


# ---- PostgreSQL plans (#11) and segments (#14) --------------------------------
# (trustcore.pg executes the plans with psycopg 3; trustcore.cli is the
# `trustcore audit-verify` console script; trustcore.dask runs segments on Dask.)

from ._trustcore import (  # noqa: E402
    APPEND_ATTEMPTS,
    AppendPlan,
    CliError,
    Segment,
    SegmentVerifier,
    SelectPlan,
    SqlError,
    Stitcher,
    Table,
    duplicates,
    migration,
    retryable,
    split_bytes,
    stitch,
)

__all__ += [
    "APPEND_ATTEMPTS",
    "AppendPlan",
    "CliError",
    "Segment",
    "SegmentVerifier",
    "SelectPlan",
    "SqlError",
    "Stitcher",
    "Table",
    "duplicates",
    "migration",
    "retryable",
    "split_bytes",
    "stitch",
]
