#!/usr/bin/env python3
"""Writes ../snapshots.json: signed snapshots of trace batches (builds with
SHA-256 and BLAKE3, local Ed25519 and KMS-digest Ed25519ph), remote answers
that must be refused, every verification failure, refused metadata, record
proofs and the snapshot.published audit link (format: ../README.md).

Independent of trustcore, written from docs/snapshots.md: canonical JSON by
PyPI `rfc8785`, digests by `hashlib` and `blake3`, Ed25519 by
`cryptography`, Ed25519ph by `pycryptodome`, the RFC 6962 tree, the trace
range, the signers-file rules and the verifier below.

    /tmp/tvenv/bin/python test-vectors/tools/gen_snapshots.py
"""

import base64
import calendar
import hashlib
import json
import os
import re

import blake3
import rfc8785
from Crypto.Hash import SHA512
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.exceptions import InvalidSignature

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "snapshots.json")
SNAPSHOT_TYPE = "trustcore.snapshot/v1"
SNAPSHOT_KIND = "trustcore.snapshot"
ZERO = "0" * 64


def canon(v):
    return rfc8785.dumps(v)


def b64(b):
    return base64.b64encode(b).decode()


# ---- strict I-JSON ------------------------------------------------------------

class NotJson(Exception):
    pass


def _no_dupes(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise NotJson("duplicate member")
    return dict(pairs)


def _constant(name):
    raise NotJson("non-finite number " + name)


def _int(text):
    v = int(text)
    if abs(v) > 2**53 - 1:
        raise NotJson("integer beyond 2^53 - 1")
    return v


def strict(b):
    """The value of strict I-JSON bytes (the cases use no lossy-integer or
    surrogate edge: those are pinned by canonical-json.json)."""
    try:
        text = b.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotJson("invalid UTF-8") from e
    if text.startswith("\ufeff"):
        raise NotJson("byte order mark")
    try:
        v = json.loads(text, object_pairs_hook=_no_dupes, parse_constant=_constant, parse_int=_int)
    except ValueError as e:
        raise NotJson(str(e)) from e
    canon(v)  # refuses lone surrogates
    return v


# ---- time ---------------------------------------------------------------------

TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|\+00:00)$")


def instant(t):
    """(seconds, nanoseconds) of an RFC 3339 UTC timestamp (docs/registry.md), or None."""
    if not isinstance(t, str):
        return None
    m = TS.match(t)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    if y < 1 or not (1 <= mo <= 12) or h > 23 or mi > 59 or s > 59:
        return None
    if d < 1 or d > calendar.monthrange(y, mo)[1]:
        return None
    return calendar.timegm((y, mo, d, h, mi, s)), int((m.group(7) or "").ljust(9, "0"))


def rfc3339(at):
    """The canonical text of an instant: Z, fraction without trailing zeros."""
    import time
    secs, nanos = at
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if nanos:
        text += "." + ("%09d" % nanos).rstrip("0")
    return text + "Z"


# ---- keys and the signers file --------------------------------------------------

class Key:
    def __init__(self, n):
        self.seed = hashlib.sha256(b"trustcore snapshot key %d" % n).digest()
        self.sk = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.pk = self.sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.ph = eddsa.new(ECC.construct(curve="Ed25519", seed=self.seed), "rfc8032")

    def sign(self, msg, alg):
        """Signs the signing input: pure Ed25519, or Ed25519ph over its SHA-512."""
        if alg == "ed25519":
            return self.sk.sign(msg)
        return self.ph.sign(SHA512.new(msg))


KEYS = {n: Key(n) for n in range(1, 8)}
SIGNERS = [
    {"signerId": "graph-signer", "publicKey": b64(KEYS[1].pk), "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"},
    {"signerId": "kms-signer", "publicKey": b64(KEYS[2].pk), "algorithm": "ed25519ph", "validFrom": "2026-01-01T00:00:00Z"},
    {"signerId": "graph-signer-2", "publicKey": b64(KEYS[1].pk)},
    {"signerId": "revoked-signer", "publicKey": b64(KEYS[3].pk), "revokedAt": "2026-03-01T00:00:00Z"},
    {"signerId": "successor-signer", "publicKey": b64(KEYS[4].pk), "validFrom": "2026-02-15T00:00:00Z", "rotatedFrom": "revoked-signer"},
    {"signerId": "future-signer", "publicKey": b64(KEYS[5].pk), "validFrom": "2026-06-01T00:00:00Z"},
    {"signerId": "expired-signer", "publicKey": b64(KEYS[6].pk), "validUntil": "2026-02-01T00:00:00Z"},
]
REGISTRY = json.dumps({"signers": SIGNERS})
SIGNER_KEY = {"graph-signer": 1, "kms-signer": 2, "graph-signer-2": 1, "revoked-signer": 3, "successor-signer": 4,
              "future-signer": 5, "expired-signer": 6}


def registry_reason(kid, alg, ts):
    """docs/registry.md: the first failing check of a lookup, or None."""
    at = instant(ts)
    entry = next((s for s in SIGNERS if s["signerId"] == kid), None)
    if entry is None:
        return "unknown_signer"
    if "revokedAt" in entry and at >= instant(entry["revokedAt"]):
        return "signer_revoked"
    if "validFrom" in entry and at < instant(entry["validFrom"]):
        return "signer_not_yet_valid"
    if "validUntil" in entry and at >= instant(entry["validUntil"]):
        return "signer_expired"
    cur, seen = entry, set()
    while "rotatedFrom" in cur and cur["rotatedFrom"] not in seen:
        seen.add(cur["rotatedFrom"])
        cur = next(s for s in SIGNERS if s["signerId"] == cur["rotatedFrom"])
        if "revokedAt" in cur and at >= instant(cur["revokedAt"]):
            return "signer_revoked"
    if entry.get("algorithm", "ed25519") != alg:
        return "algorithm_mismatch"
    return None


def verify_sig(pk, alg, msg, sig):
    if len(sig) != 64:
        return False
    if alg == "ed25519":
        try:
            Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
            return True
        except InvalidSignature:
            return False
    try:
        eddsa.new(eddsa.import_public_key(pk), "rfc8032").verify(SHA512.new(msg), sig)
        return True
    except ValueError:
        return False


# ---- the RFC 6962 tree ------------------------------------------------------------

def leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def mth(leaves):
    """RFC 6962 §2.1 over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    """RFC 6962 §2.1.1 PATH(m, D[n]), leaf side first."""
    n = len(leaves)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def root_from_path(leaf_hash, m, n, proof):
    """RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or None."""
    if m >= n:
        return None
    fn, sn, r = m, n - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


# ---- reading records ----------------------------------------------------------------

def tokens(pointer):
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def at_pointer(v, toks):
    for t in toks:
        if isinstance(v, dict):
            if t not in v:
                return None
            v = v[t]
        elif isinstance(v, list):
            if not re.fullmatch(r"0|[1-9][0-9]*", t) or int(t) >= len(v):
                return None
            v = v[int(t)]
        else:
            return None
    return v


def facts(record, fields):
    """(trace id, instant) of a record, or an error text."""
    tid = at_pointer(record, tokens(fields["trace_id"]))
    if not isinstance(tid, str):
        return "the record has no string trace id at the declared pointer"
    t = at_pointer(record, tokens(fields["ts"]))
    if not isinstance(t, str) or instant(t) is None:
        return "the record has no time (an RFC 3339 string) at the declared pointer"
    return tid, instant(t)


class Range:
    def __init__(self):
        self.first = self.last = self.start = self.end = None

    def push(self, tid, at):
        if self.first is None:
            self.first = tid
        self.last = tid
        self.start = at if self.start is None else min(self.start, at)
        self.end = at if self.end is None else max(self.end, at)

    def value(self):
        return {"first_trace_id": self.first, "last_trace_id": self.last,
                "start": None if self.start is None else rfc3339(self.start),
                "end": None if self.end is None else rfc3339(self.end)}


def named_digest(alg, data):
    if alg == "sha256":
        return "sha256:" + hashlib.sha256(data).hexdigest()
    return "blake3:" + blake3.blake3(data).hexdigest()


# ---- building and signing ---------------------------------------------------------------

class BuildError(Exception):
    def __init__(self, code, record=None):
        super().__init__(code)
        self.code, self.record = code, record


DEFAULT_FIELDS = {"trace_id": "/trace_id", "ts": "/ts"}


def build(records, snapshot_id, ts, hash_alg="sha256", fields=None):
    """The lines and the unsigned metadata of a batch of record texts."""
    fields = dict(fields or DEFAULT_FIELDS)
    lines, rng = [], Range()
    for i, text in enumerate(records):
        try:
            v = strict(text.encode())
        except NotJson:
            raise BuildError("canonical", i)
        line = canon(v)
        f = facts(v, fields)
        if isinstance(f, str):
            raise BuildError("invalid_record", i)
        rng.push(*f)
        lines.append(line)
    if not snapshot_id or len(snapshot_id) > 128 or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in snapshot_id):
        raise BuildError("invalid_snapshot")
    if instant(ts) is None:
        raise BuildError("invalid_timestamp")
    if not lines:
        raise BuildError("invalid_snapshot")
    batch = b"".join(line + b"\n" for line in lines)
    meta = {"type": SNAPSHOT_TYPE, "snapshot_id": snapshot_id, "trace_range": rng.value(),
            "hash": named_digest(hash_alg, batch), "merkle_root": "sha256:" + mth([leaf(x) for x in lines]).hex(),
            "records": len(lines), "fields": fields, "ts": ts}
    return lines, batch, meta


def signing_input(meta):
    """The canonical typed signing input of metadata (without signature)."""
    payload = {k: v for k, v in meta.items() if k != "signature"}
    return canon({"alg": meta["alg"], "kind": SNAPSHOT_KIND, "payload": payload, "signer": meta["signer_kid"],
                  "type": "trustcore.signing-input/v1"})


def sign(meta, kid, alg, key=None):
    m = dict(meta, signer_kid=kid, alg=alg)
    m.pop("signature", None)
    k = KEYS[key if key is not None else SIGNER_KEY[kid]]
    m["signature"] = b64(k.sign(signing_input(m), alg))
    return m


def message(meta):
    """What a (remote) signer is handed: the input, or its SHA-512 for ed25519ph."""
    si = signing_input(meta)
    return si if meta["alg"] == "ed25519" else hashlib.sha512(si).digest()


# ---- the verifier (docs/snapshots.md, "Verification") --------------------------------------

def verify(meta, batch):
    failures, records = [], 0
    tree, rng = [], Range()
    digest = hashlib.sha256() if meta["hash"].startswith("sha256:") else blake3.blake3()
    parts = batch.split(b"\n")
    lines = [(p, True) for p in parts[:-1]] + ([(parts[-1], False)] if parts[-1] else [])
    for n, (line, nl) in enumerate(lines, start=1):
        digest.update(line + (b"\n" if nl else b""))
        try:
            v = strict(line)
        except NotJson:
            failures.append({"code": "malformed_line", "line": n})
            continue
        records += 1
        c = canon(v)
        if c != line:
            failures.append({"code": "not_canonical", "line": n})
        tree.append(leaf(c))
        f = facts(v, meta["fields"])
        if isinstance(f, str):
            failures.append({"code": "missing_field", "line": n})
        else:
            rng.push(*f)
    if records != meta["records"]:
        failures.append({"code": "count_mismatch"})
    if (meta["hash"].split(":")[0] + ":" + digest.hexdigest()) != meta["hash"]:
        failures.append({"code": "hash_mismatch"})
    if "sha256:" + mth(tree).hex() != meta["merkle_root"]:
        failures.append({"code": "merkle_mismatch"})
    if rng.value() != meta["trace_range"]:
        failures.append({"code": "trace_range_mismatch"})
    sig = signature_failure(meta)
    if sig:
        failures.append({"code": sig})
    return report(meta, records, failures)


def signature_failure(meta):
    reason = registry_reason(meta["signer_kid"], meta["alg"], meta["ts"])
    if reason:
        return reason
    pk = base64.b64decode(next(s for s in SIGNERS if s["signerId"] == meta["signer_kid"])["publicKey"])
    if not verify_sig(pk, meta["alg"], signing_input(meta), base64.b64decode(meta["signature"])):
        return "invalid_signature"
    return None


def report(meta, records, failures):
    counts = {}
    for f in failures:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    return {"valid": not failures, "snapshot_id": meta["snapshot_id"], "records": records,
            "failures": failures[:100], "failure_counts": dict(sorted(counts.items()))}


def verify_record(meta, record, index, proof):
    failures = []
    record = record[:-1] if record.endswith(b"\n") else record
    try:
        v = strict(record)
    except NotJson:
        v = None
        failures.append({"code": "malformed_line"})
    if v is not None:
        if canon(v) != record:
            failures.append({"code": "not_canonical"})
        else:
            r = root_from_path(leaf(record), index, meta["records"], proof)
            if r is None or "sha256:" + r.hex() != meta["merkle_root"]:
                failures.append({"code": "not_included"})
    sig = signature_failure(meta)
    if sig:
        failures.append({"code": sig})
    return report(meta, 1, failures)


# ---- audit rows (docs/audit-chain.md, trustcore/v1) ---------------------------------------

def audit_row(body, signer="graph-signer"):
    """The genesis trustcore/v1 row of an event body, signed by `signer`'s key."""
    row = {"id": body["id"], "seq": 1, "ts": body["ts"], "event_type": body["event_type"], "actor": body["actor"],
           "payload": body["payload"], "prev_hash": ZERO, "signer_id": signer}
    row["hash"] = hashlib.sha256(canon(row)).hexdigest()
    si = canon({"alg": "ed25519", "kind": "trustcore.audit-event", "payload": {"hash": "sha256:" + row["hash"]},
                "signer": signer, "type": "trustcore.signing-input/v1"})
    row["signature"] = b64(KEYS[SIGNER_KEY[signer]].sk.sign(si))
    return canon(row).decode()


# ---- the cases ----------------------------------------------------------------------------

def trace(i, **over):
    v = {
        "trace_id": "tr-%04d" % i,
        "ts": "2026-03-01T12:%02d:%02dZ" % (i // 60, i % 60),
        "steps": [{"tool": "search", "query": "q%d" % i, "score": 0.5 + i / 8},
                  {"tool": "answer", "user": {"email": "ann@example.com", "name": "Ann \u00c5ngstr\u00f6m"}}],
        "annotations": {"reviewer": {"Email": "rev@example.org", "phone": "+14155550123"}, "tags": ["ok", "\u2603"]},
    }
    v.update(over)
    return v


def spelled(v, style):
    """A record's JSON text as a producer might write it (not canonical)."""
    if style == "canonical":
        return canon(v).decode()
    if style == "pretty":
        return json.dumps(v, indent=2, ensure_ascii=True)
    if style == "reversed":
        def rev(x):
            if isinstance(x, dict):
                return {k: rev(x[k]) for k in reversed(list(x))}
            if isinstance(x, list):
                return [rev(y) for y in x]
            return x
        return json.dumps(rev(v), separators=(" , ", " : "), ensure_ascii=False)
    raise ValueError(style)


SNAP_TS = "2026-03-01T13:00:00Z"


def main():
    doc = {
        "format": "trustcore-vectors/snapshots",
        "version": 1,
        "description": "Signed snapshots of trace batches (docs/snapshots.md): builds, refused remote answers, every "
                       "verification failure, refused metadata, one-record proofs and the snapshot.published link. "
                       "Generated by tools/gen_snapshots.py (rfc8785, hashlib, blake3, cryptography, pycryptodome), "
                       "independently of trustcore.",
        "registry": REGISTRY,
        "keys": {str(n): {"seed": k.seed.hex(), "publicKey": b64(k.pk)} for n, k in KEYS.items()},
        "builds": [], "buildErrors": [], "remote": [], "verify": [], "metadataErrors": [], "proofs": [], "events": [],
    }
    builds = {}

    def add_build(cid, desc, records, snapshot_id, hash_alg, kid, alg, fields=None, ts=SNAP_TS, options=None):
        lines, batch, meta = build(records, snapshot_id, ts, hash_alg, fields)
        signed = sign(meta, kid, alg)
        opts = {} if options is None else options
        doc["builds"].append({
            "id": cid, "description": desc, "options": opts, "records": records, "snapshotId": snapshot_id, "ts": ts,
            "signerKid": kid, "alg": alg, "key": str(SIGNER_KEY[kid]),
            "lines": [x.decode() for x in lines], "batch": batch.decode(), "unsigned": meta,
            "signingInput": signing_input(signed).decode(), "message": message(signed).hex(),
            "metadata": canon(signed).decode(),
        })
        assert verify(signed, batch)["valid"], cid
        builds[cid] = (signed, batch, lines)
        return signed, batch

    six = [trace(i) for i in range(1, 7)]
    styles = ["canonical", "pretty", "reversed", "canonical", "pretty", "reversed"]
    six_text = [spelled(v, s) for v, s in zip(six, styles)]
    add_build("sha256/ed25519", "six traces, SHA-256 batch digest, signed locally with Ed25519; records given in "
              "canonical, pretty-printed and member-reversed spellings (the lines are canonical)",
              six_text, "snap-2026-03-01", "sha256", "graph-signer", "ed25519")
    add_build("blake3/ed25519", "the same traces with the BLAKE3 batch digest", six_text, "snap-2026-03-01-b3",
              "blake3", "graph-signer", "ed25519", options={"hash_alg": "blake3"})
    add_build("sha256/ed25519ph", "the same traces signed through a KMS in digest mode (Ed25519ph: the signer is "
              "handed the SHA-512 of the signing input)", six_text, "snap-2026-03-01-kms", "sha256", "kms-signer",
              "ed25519ph")
    add_build("blake3/ed25519ph", "BLAKE3 and Ed25519ph", six_text, "snap-2026-03-01-kms-b3", "blake3",
              "kms-signer", "ed25519ph", options={"hash_alg": "blake3"})
    unordered = [
        {"meta": {"trace": "z-last-by-name", "at": "2026-03-01T12:00:05.250+00:00"}, "n": 1},
        {"meta": {"trace": "a-first-by-name", "at": "2026-03-01T11:59:59.000000001Z"}, "n": 2},
        {"meta": {"trace": "m", "at": "2026-03-01T12:30:00.500000000Z"}, "n": 3.0},
        {"meta": {"trace": "z-last-by-name", "at": "2026-03-01T12:00:00Z"}, "n": 1e21},
    ]
    add_build("fields/custom-pointers", "trace id and time at other pointers; times out of order, with +00:00 and "
              "trailing zeros (start/end are the earliest/latest instants, written canonically); a repeated trace id; "
              "first/last are batch order", [canon(v).decode() for v in unordered], "snap-fields", "sha256",
              "graph-signer", "ed25519", fields={"trace_id": "/meta/trace", "ts": "/meta/at"},
              options={"trace_id": "/meta/trace", "ts": "/meta/at"})
    escaped = [{"ids": ["t-%d" % i, "other"], "a/b": {"~t": "2026-03-0%dT00:00:00Z" % i}} for i in (2, 1, 3)]
    add_build("fields/escaped-pointers", "pointers with an array index and ~1 / ~0 escapes (/ids/0, /a~1b/~0t)",
              [canon(v).decode() for v in escaped], "snap-escaped", "sha256", "graph-signer", "ed25519",
              fields={"trace_id": "/ids/0", "ts": "/a~1b/~0t"}, options={"trace_id": "/ids/0", "ts": "/a~1b/~0t"})
    one = [canon({"trace_id": "t", "ts": "2026-03-01T12:00:00Z"}).decode()]
    add_build("one-record", "a single record (the docs' example: the batch is 44 bytes)", one, "s", "sha256",
              "graph-signer", "ed25519")
    long_id = "\u00e9" * 100 + "x" * 28
    seven = [trace(i) for i in range(1, 8)]
    add_build("seven/long-id", "seven records (a tree that is not perfect, for the proofs) under a 128-character "
              "snapshot id", [canon(v).decode() for v in seven], long_id, "sha256", "graph-signer", "ed25519")
    add_build("window/at-valid-from", "ts exactly at the signer's validFrom vouches", one, "s-from", "sha256",
              "graph-signer", "ed25519", ts="2026-01-01T00:00:00Z")

    # ---- builder errors
    def add_build_error(cid, desc, records, code, at, snapshot_id="snap-x", ts=SNAP_TS, options=None):
        if at != "options":
            try:
                build(records, snapshot_id, ts)
                raise AssertionError(cid + " builds")
            except BuildError as e:
                assert e.record == (None if at == "finish" else at), cid
                assert e.code == ("canonical" if code in ("syntax", "duplicate_key") else code), (cid, e.code)
        doc["buildErrors"].append({"id": cid, "description": desc, "options": options or {}, "records": records,
                                   "snapshotId": snapshot_id, "ts": ts, "error": {"at": at, "code": code}})

    good = canon(trace(1)).decode()
    add_build_error("record/not-json", "a record that is not JSON", [good, '{"trace_id":"t",'], "syntax", 1)
    add_build_error("record/duplicate-member", "a record with a member twice",
                    [good, '{"trace_id":"a","trace_id":"b","ts":"2026-03-01T12:00:00Z"}'], "duplicate_key", 1)
    add_build_error("record/no-trace-id", "no trace id at /trace_id", [canon({"ts": SNAP_TS}).decode()],
                    "invalid_record", 0)
    add_build_error("record/trace-id-number", "a trace id that is not a string",
                    [good, canon({"trace_id": 7, "ts": SNAP_TS}).decode()], "invalid_record", 1)
    add_build_error("record/ts-impossible-date", "a time on 2026-02-30",
                    [canon({"trace_id": "t", "ts": "2026-02-30T00:00:00Z"}).decode()], "invalid_record", 0)
    add_build_error("record/ts-offset", "a time with another offset than UTC",
                    [canon({"trace_id": "t", "ts": "2026-03-01T12:00:00+01:00"}).decode()], "invalid_record", 0)
    add_build_error("record/ts-lowercase", "a lowercase t and z",
                    [canon({"trace_id": "t", "ts": "2026-03-01t12:00:00z"}).decode()], "invalid_record", 0)
    add_build_error("record/not-object", "a record that is an array", ["[1,2]"], "invalid_record", 0)
    add_build_error("finish/no-records", "a snapshot has at least one record", [], "invalid_snapshot", "finish")
    add_build_error("finish/empty-id", "an empty snapshot id", [good], "invalid_snapshot", "finish", snapshot_id="")
    add_build_error("finish/id-129", "a snapshot id of 129 characters", [good], "invalid_snapshot", "finish",
                    snapshot_id="x" * 129)
    add_build_error("finish/id-control", "a control character in the snapshot id", [good], "invalid_snapshot",
                    "finish", snapshot_id="snap\n1")
    add_build_error("finish/bad-ts", "the snapshot time is not RFC 3339 UTC", [good], "invalid_timestamp", "finish",
                    ts="2026-03-01 13:00:00Z")
    add_build_error("options/hash-alg", "an unknown digest", [good], "invalid_option", "options",
                    options={"hash_alg": "md5"})
    add_build_error("options/pointer", "a pointer that does not start with /", [good], "invalid_option", "options",
                    options={"trace_id": "trace_id"})
    add_build_error("options/unknown", "a misspelt option", [good], "unknown_option", "options",
                    options={"hash": "sha256"})

    # ---- remote answers
    meta_ph, batch_ph, _ = builds["sha256/ed25519ph"]
    si = signing_input(meta_ph)
    msg = hashlib.sha512(si).digest()
    other_meta = builds["blake3/ed25519ph"][0]

    def add_remote(cid, desc, build_id, answer, expected_key, error):
        doc["remote"].append({"id": cid, "description": desc, "build": build_id, "answer": answer.hex(),
                              "expectedKey": str(expected_key), "error": error})

    add_remote("ph/good", "the KMS's answer (Ed25519ph over the digest) is attached", "sha256/ed25519ph",
               KEYS[2].ph.sign(SHA512.new(si)), 2, None)
    add_remote("ph/other-key", "an answer by another key", "sha256/ed25519ph", KEYS[3].ph.sign(SHA512.new(si)), 2,
               "remote_signature_invalid")
    add_remote("ph/pure-over-digest", "pure Ed25519 over the 64 digest bytes, not Ed25519ph", "sha256/ed25519ph",
               KEYS[2].sk.sign(msg), 2, "remote_signature_invalid")
    add_remote("ph/other-snapshot", "the right key's answer for another snapshot", "sha256/ed25519ph",
               KEYS[2].ph.sign(SHA512.new(signing_input(other_meta))), 2, "remote_signature_invalid")
    add_remote("ph/short", "63 bytes", "sha256/ed25519ph", KEYS[2].ph.sign(SHA512.new(si))[:63], 2,
               "remote_signature_invalid")
    add_remote("ph/empty", "an empty answer (a failed signer)", "sha256/ed25519ph", b"", 2,
               "remote_signature_invalid")
    meta_e, _, _ = builds["sha256/ed25519"]
    add_remote("ed25519/good", "a remote pure Ed25519 signer's answer over the signing input", "sha256/ed25519",
               KEYS[1].sk.sign(signing_input(meta_e)), 1, None)
    add_remote("ed25519/ph-answer", "an Ed25519ph answer where pure Ed25519 was asked", "sha256/ed25519",
               KEYS[1].ph.sign(SHA512.new(signing_input(meta_e))), 1, "remote_signature_invalid")
    add_remote("ed25519/expected-other-key", "a good signature checked against another expected key",
               "sha256/ed25519", KEYS[1].sk.sign(signing_input(meta_e)), 2, "remote_signature_invalid")

    # ---- verification
    def add_verify(cid, desc, meta, batch, want=None):
        r = verify(meta, batch)
        codes = [f["code"] for f in r["failures"]]
        if want is not None:
            assert codes == want, (cid, codes, want)
        doc["verify"].append({"id": cid, "description": desc, "metadata": canon(meta).decode(),
                              "batch": batch.decode("utf-8", "surrogateescape") if isinstance(batch, bytes) else batch,
                              "expected": r})

    base, bb, lines = builds["sha256/ed25519"]
    L = [x.decode() for x in lines]

    def joined(ls, final=True):
        return ("\n".join(ls) + ("\n" if final else "")).encode()

    for bid in ("sha256/ed25519", "blake3/ed25519", "sha256/ed25519ph", "blake3/ed25519ph", "fields/custom-pointers",
                "fields/escaped-pointers", "one-record", "seven/long-id", "window/at-valid-from"):
        m, b, _ = builds[bid]
        add_verify("good/" + bid, "the build's batch verifies", m, b, [])
    resp = list(L)
    resp[2] = resp[2].replace("{", "{ ", 1)
    add_verify("line/not-canonical-space", "a space added in line 3: not canonical, and the batch digest differs "
               "(the Merkle root does not: it is over canonical records)", base, joined(resp),
               ["not_canonical", "hash_mismatch"])
    reord = list(L)
    v2 = json.loads(L[1])
    reord[1] = json.dumps({k: v2[k] for k in reversed(list(v2))}, separators=(",", ":"), ensure_ascii=False)
    add_verify("line/not-canonical-order", "line 2's members reordered", base, joined(reord),
               ["not_canonical", "hash_mismatch"])
    esc = list(L)
    esc[3] = esc[3].replace('"tool"', '"\\u0074ool"', 1)
    add_verify("line/not-canonical-escape", "line 4 spells a letter as \\u0074", base, joined(esc),
               ["not_canonical", "hash_mismatch"])
    crlf = list(L)
    crlf[3] = crlf[3] + "\r"
    add_verify("line/crlf", "line 4 ends with a carriage return (a Windows line end): not canonical", base,
               joined(crlf), ["not_canonical", "hash_mismatch"])
    num = list(L)
    num[4] = num[4].replace('"score":', '"score": ', 1)
    add_verify("line/not-canonical-number-space", "line 5 with a space after a colon", base, joined(num),
               ["not_canonical", "hash_mismatch"])
    bad = list(L)
    bad[1] = "{"
    add_verify("line/not-json", "line 2 is not JSON: not a record", base, joined(bad),
               ["malformed_line", "count_mismatch", "hash_mismatch", "merkle_mismatch"])
    dup = list(L)
    dup[2] = dup[2].replace('{"annotations"', '{"annotations":1,"annotations"', 1)
    add_verify("line/duplicate-member", "line 3 has a member twice: not strict I-JSON", base, joined(dup),
               ["malformed_line", "count_mismatch", "hash_mismatch", "merkle_mismatch"])
    add_verify("line/empty", "an empty line after line 3", base, joined(L[:3] + [""] + L[3:]),
               ["malformed_line", "hash_mismatch"])
    add_verify("line/trailing-empty", "an empty line at the end (two line feeds)", base, bb + b"\n",
               ["malformed_line", "hash_mismatch"])
    add_verify("line/bom", "a byte order mark before line 1", base, b"\xef\xbb\xbf" + bb,
               ["malformed_line", "count_mismatch", "hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    alt = list(L)
    alt[2] = alt[2].replace('"q3"', '"q99"')
    add_verify("altered/value", "a value in line 3 changed", base, joined(alt), ["hash_mismatch", "merkle_mismatch"])
    first = list(L)
    first[0] = first[0].replace("tr-0001", "tr-9999")
    add_verify("altered/first-trace-id", "line 1's trace id changed: the range's first id moves", base, joined(first),
               ["hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    late = list(L)
    late[5] = late[5].replace("12:00:06Z", "12:00:07Z")
    add_verify("altered/end-time", "the latest record's time changed", base, joined(late),
               ["hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    add_verify("missing/middle-line", "line 3 deleted", base, joined(L[:2] + L[3:]),
               ["count_mismatch", "hash_mismatch", "merkle_mismatch"])
    add_verify("missing/last-line", "the last line deleted (truncated batch)", base, joined(L[:5]),
               ["count_mismatch", "hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    add_verify("missing/first-line", "the first line deleted", base, joined(L[1:]),
               ["count_mismatch", "hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    add_verify("extra/line-middle", "a record inserted between lines 2 and 3 (its id and time inside the range)",
               base, joined(L[:2] + [canon(trace(2, trace_id="tr-0002b")).decode()] + L[2:]),
               ["count_mismatch", "hash_mismatch", "merkle_mismatch"])
    add_verify("extra/line-appended", "line 2 repeated at the end: the last id moves", base, joined(L + [L[1]]),
               ["count_mismatch", "hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    add_verify("swapped/lines-2-3", "lines 2 and 3 swapped", base, joined([L[0], L[2], L[1]] + L[3:]),
               ["hash_mismatch", "merkle_mismatch"])
    add_verify("swapped/first-last", "the first and last lines swapped: both ends of the range move", base,
               joined([L[5]] + L[1:5] + [L[0]]), ["hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    add_verify("truncated/final-newline", "the final line feed removed: the last line is read, the digest differs",
               base, bb[:-1], ["hash_mismatch"])
    mf = list(L)
    v3 = json.loads(L[2])
    del v3["trace_id"]
    mf[2] = canon(v3).decode()
    add_verify("field/missing-trace-id", "line 3 has no trace id: missing_field, and it takes no part in the range",
               base, joined(mf), ["missing_field", "hash_mismatch", "merkle_mismatch"])
    v4 = json.loads(L[3])
    v4["ts"] = "2026-02-30T12:00:04Z"
    mt = list(L)
    mt[3] = canon(v4).decode()
    add_verify("field/impossible-time", "line 4's time is 2026-02-30", base, joined(mt),
               ["missing_field", "hash_mismatch", "merkle_mismatch"])
    add_verify("all/garbage", "no line is a record: the Merkle root is the empty tree's, the range all null", base,
               b"garbage\nmore garbage\n", ["malformed_line", "malformed_line", "count_mismatch", "hash_mismatch",
                                             "merkle_mismatch", "trace_range_mismatch"])
    add_verify("all/empty-batch", "an empty batch", base, b"",
               ["count_mismatch", "hash_mismatch", "merkle_mismatch", "trace_range_mismatch"])
    multi = list(L)
    multi[1] = multi[1].replace("{", "{ ", 1)
    multi[3] = "not json"
    add_verify("multi/ordered", "line failures in line order, then the batch checks, then the signature", dict(
        base, ts="2026-03-01T13:00:01Z"), joined(multi),
        ["not_canonical", "malformed_line", "count_mismatch", "hash_mismatch", "merkle_mismatch", "invalid_signature"])

    def resigned(**over):
        return sign(dict(base, **over), base["signer_kid"], base["alg"])

    wrong_hash = named_digest("sha256", b"another batch\n")
    add_verify("metadata/hash-signed", "the metadata's hash is another batch's, and it is signed", resigned(
        hash=wrong_hash), bb, ["hash_mismatch"])
    add_verify("metadata/hash-edited", "the hash edited after signing", dict(base, hash=wrong_hash), bb,
               ["hash_mismatch", "invalid_signature"])
    add_verify("metadata/hash-other-algorithm", "a BLAKE3 hash of this very batch where SHA-256 was signed: the "
               "digest matches, the signature does not", dict(base, hash=named_digest("blake3", bb)), bb,
               ["invalid_signature"])
    add_verify("metadata/merkle-root-signed", "a signed merkle_root of other records",
               resigned(merkle_root="sha256:" + mth([leaf(b"x")]).hex()), bb, ["merkle_mismatch"])
    add_verify("metadata/records-signed", "a signed record count of 7", resigned(records=7), bb, ["count_mismatch"])
    add_verify("metadata/trace-range-signed", "a signed range whose last id is another", resigned(
        trace_range=dict(base["trace_range"], last_trace_id="tr-0007")), bb, ["trace_range_mismatch"])
    add_verify("metadata/trace-range-respelled", "a signed range whose start is spelled with a zero fraction (the "
               "range is compared as JSON: its times are canonical)", resigned(
        trace_range=dict(base["trace_range"], start=base["trace_range"]["start"].replace("Z", ".000Z"))), bb,
        ["trace_range_mismatch"])
    add_verify("metadata/fields-signed", "signed fields pointing elsewhere: no record has a trace id there",
               resigned(fields={"trace_id": "/id", "ts": "/ts"}), bb,
               ["missing_field"] * 6 + ["trace_range_mismatch"])
    add_verify("metadata/ts-edited", "ts changed after signing (still in the window)", dict(
        base, ts="2026-03-01T13:00:01Z"), bb, ["invalid_signature"])
    add_verify("metadata/snapshot-id-edited", "snapshot_id changed after signing", dict(base, snapshot_id="snap-x"),
               bb, ["invalid_signature"])
    sig = bytearray(base64.b64decode(base["signature"]))
    sig[10] ^= 1
    add_verify("signature/bit-flipped", "one bit of the signature flipped", dict(base, signature=b64(bytes(sig))), bb,
               ["invalid_signature"])
    add_verify("signature/other-key", "signed as graph-signer by another key", sign(base, "graph-signer", "ed25519",
                                                                                    key=3), bb, ["invalid_signature"])
    relabel = dict(base, signer_kid="graph-signer-2")
    add_verify("signature/relabelled", "graph-signer's signature relabelled to graph-signer-2, which has the same "
               "key: the signer id is signed", relabel, bb, ["invalid_signature"])
    add_verify("signature/relabelled-signed", "the same batch signed as graph-signer-2 verifies",
               sign(base, "graph-signer-2", "ed25519"), bb, [])
    add_verify("signer/unknown", "a signer id the registry does not have", sign(base, "nobody", "ed25519", key=1), bb,
               ["unknown_signer"])
    add_verify("signer/not-yet-valid", "the key's window starts after ts", sign(base, "future-signer", "ed25519"), bb,
               ["signer_not_yet_valid"])
    add_verify("signer/expired", "the key's window ended before ts", sign(base, "expired-signer", "ed25519"), bb,
               ["signer_expired"])
    add_verify("signer/expired-at-valid-until", "ts exactly at validUntil: expired", sign(
        dict(base, ts="2027-01-01T00:00:00Z"), "graph-signer", "ed25519"), bb, ["signer_expired"])
    add_verify("signer/revoked", "the key is revoked before ts", sign(base, "revoked-signer", "ed25519"), bb,
               ["signer_revoked"])
    add_verify("signer/revoked-at-ts", "ts exactly at revokedAt: revoked", sign(
        dict(base, ts="2026-03-01T00:00:00Z"), "revoked-signer", "ed25519"), bb, ["signer_revoked"])
    add_verify("signer/revoked-before-ts-not", "ts just before revokedAt: the key still vouches", sign(
        dict(base, ts="2026-02-28T23:59:59.999999999Z"), "revoked-signer", "ed25519"), bb, [])
    add_verify("signer/revoked-lineage", "a key rotated from a revoked key is revoked too (transitive)",
               sign(base, "successor-signer", "ed25519"), bb, ["signer_revoked"])
    add_verify("signer/algorithm-mismatch", "pure Ed25519 under a signer registered for ed25519ph",
               sign(base, "kms-signer", "ed25519"), bb, ["algorithm_mismatch"])
    add_verify("signer/ph-where-pure", "Ed25519ph under a signer registered for ed25519",
               sign(base, "graph-signer", "ed25519ph"), bb, ["algorithm_mismatch"])
    ph = builds["sha256/ed25519ph"][0]
    add_verify("signer/ph-alg-relabelled", "an Ed25519ph snapshot whose alg is edited to ed25519",
               dict(ph, alg="ed25519"), builds["sha256/ed25519ph"][1], ["algorithm_mismatch"])
    pure_sig_ph = dict(ph, signature=b64(KEYS[2].sk.sign(signing_input(ph))))
    add_verify("signature/pure-under-ph", "a pure Ed25519 signature labelled ed25519ph", pure_sig_ph,
               builds["sha256/ed25519ph"][1], ["invalid_signature"])

    # ---- metadata documents refused
    def add_meta_error(cid, desc, text, code):
        doc["metadataErrors"].append({"id": cid, "description": desc, "metadata": text, "code": code})

    bt = canon(base).decode()

    def edited(**over):
        m = dict(base)
        for k, v in over.items():
            if v is DELETE:
                del m[k]
            else:
                m[k] = v
        return canon(m).decode()

    add_meta_error("not-object", "metadata is an object", "[]", "invalid_metadata")
    add_meta_error("not-json", "not JSON", bt[:-1], "syntax")
    add_meta_error("duplicate-member", "a member twice", bt.replace('{"alg":"ed25519"', '{"alg":"ed25519","alg":"ed25519"'),
                   "duplicate_key")
    add_meta_error("unknown-member", "a member the format does not have", edited(extra=1), "invalid_metadata")
    for k in ["signature", "trace_range", "hash", "snapshot_id", "signer_kid", "ts", "type", "records", "fields",
              "merkle_root", "alg"]:
        add_meta_error("missing/" + k, "no %s" % k, edited(**{k: DELETE}), "invalid_metadata")
    add_meta_error("type/other", "another type", edited(type="trustcore.snapshot/v2"), "invalid_metadata")
    add_meta_error("snapshot-id/number", "snapshot_id is a number", edited(snapshot_id=7), "invalid_metadata")
    # The builder's rule for snapshot_id holds when metadata is read (docs/snapshots.md, "Edges").
    add_meta_error("snapshot-id/empty", "an empty snapshot_id", edited(snapshot_id=""), "invalid_metadata")
    add_meta_error("snapshot-id/129", "a snapshot_id of 129 characters", edited(snapshot_id="s" * 129),
                   "invalid_metadata")
    add_meta_error("snapshot-id/newline", "a line feed in snapshot_id", edited(snapshot_id="snap\n1"),
                   "invalid_metadata")
    add_meta_error("snapshot-id/c1-control", "a C1 control character (U+0085) in snapshot_id",
                   edited(snapshot_id="snap\u00851"), "invalid_metadata")
    add_meta_error("signer-kid/null", "signer_kid is null", edited(signer_kid=None), "invalid_metadata")
    add_meta_error("ts/not-utc", "ts with an offset", edited(ts="2026-03-01T13:00:00+02:00"), "invalid_timestamp")
    add_meta_error("alg/unknown", "alg is not ed25519 or ed25519ph", edited(alg="rsa"), "unsupported_algorithm")
    add_meta_error("hash/unknown-algorithm", "md5", edited(hash="md5:" + "0" * 32), "unknown_algorithm")
    add_meta_error("hash/uppercase-hex", "uppercase hex", edited(hash=base["hash"].upper().replace("SHA256", "sha256")),
                   "malformed_digest")
    add_meta_error("merkle-root/blake3", "merkle_root is an RFC 6962 root: SHA-256 only",
                   edited(merkle_root="blake3:" + "0" * 64), "invalid_metadata")
    add_meta_error("records/zero", "records 0", edited(records=0), "invalid_metadata")
    add_meta_error("records/negative", "records -1", edited(records=-1), "invalid_metadata")
    add_meta_error("records/string", "records as a string", edited(records="6"), "invalid_metadata")
    add_meta_error("records/float-spelling", "records written 6.0", bt.replace('"records":6', '"records":6.0'),
                   "invalid_metadata")
    add_meta_error("signature/unpadded", "signature without its padding",
                   edited(signature=base["signature"].rstrip("=")), "invalid_metadata")
    add_meta_error("signature/63-bytes", "a signature of 63 bytes",
                   edited(signature=b64(base64.b64decode(base["signature"])[:63])), "invalid_metadata")
    add_meta_error("signature/base64url", "a signature in base64url",
                   edited(signature=base64.urlsafe_b64encode(b"\xfb" * 64).decode()), "invalid_metadata")
    add_meta_error("fields/missing-ts", "fields without ts", edited(fields={"trace_id": "/trace_id"}),
                   "invalid_metadata")
    add_meta_error("fields/extra", "fields with a third member", edited(fields=dict(DEFAULT_FIELDS, actor="/a")),
                   "invalid_metadata")
    add_meta_error("fields/not-pointer", "a field that is not a pointer", edited(fields={"trace_id": "trace_id",
                                                                                        "ts": "/ts"}),
                   "invalid_metadata")
    add_meta_error("trace-range/missing-end", "trace_range without end",
                   edited(trace_range={k: v for k, v in base["trace_range"].items() if k != "end"}), "invalid_metadata")
    add_meta_error("trace-range/extra", "trace_range with a fifth member",
                   edited(trace_range=dict(base["trace_range"], count="6")), "invalid_metadata")
    add_meta_error("trace-range/null", "a null member in trace_range",
                   edited(trace_range=dict(base["trace_range"], end=None)), "invalid_metadata")

    # ---- one record on its own
    m7, b7, l7 = builds["seven/long-id"]
    leaves7 = [leaf(x) for x in l7]

    def add_proof(cid, desc, meta, record, index, proof, want, from_batch=None):
        r = verify_record(meta, record, index, proof)
        assert [f["code"] for f in r["failures"]] == want, (cid, r)
        c = {"id": cid, "description": desc, "metadata": canon(meta).decode(), "record": record.decode(),
             "index": index, "proof": [p.hex() for p in proof], "expected": r}
        if from_batch:
            c["batch"] = from_batch
        doc["proofs"].append(c)

    for i in range(7):
        add_proof("good/%d" % i, "record %d of 7 with record_proof(batch, %d)" % (i, i), m7, l7[i], i,
                  path(i, leaves7), [], from_batch="seven/long-id")
    add_proof("good/with-newline", "the record given with its line feed", m7, l7[3] + b"\n", 3, path(3, leaves7), [])
    add_proof("bad/other-record", "record 4's proof with record 5", m7, l7[5], 4, path(4, leaves7), ["not_included"])
    add_proof("bad/other-index", "record 4 and its proof claimed at index 5", m7, l7[4], 5, path(4, leaves7),
              ["not_included"])
    add_proof("bad/index-past-end", "index 7 in a snapshot of 7", m7, l7[6], 7, path(6, leaves7), ["not_included"])
    tampered = list(path(2, leaves7))
    tampered[0] = bytes(32)
    add_proof("bad/tampered-proof", "a proof hash replaced", m7, l7[2], 2, tampered, ["not_included"])
    add_proof("bad/short-proof", "a proof missing its last hash", m7, l7[2], 2, path(2, leaves7)[:-1],
              ["not_included"])
    add_proof("bad/long-proof", "a proof with an extra hash", m7, l7[2], 2, path(2, leaves7) + [bytes(32)],
              ["not_included"])
    add_proof("bad/altered-record", "a value in the record changed", m7, l7[1].replace(b'"q2"', b'"q20"'), 1,
              path(1, leaves7), ["not_included"])
    add_proof("bad/not-canonical", "the record re-spelled", m7, l7[1].replace(b"{", b"{ ", 1), 1, path(1, leaves7),
              ["not_canonical"])
    add_proof("bad/not-json", "the record is not JSON", m7, b"{", 1, path(1, leaves7), ["malformed_line"])
    add_proof("bad/signature", "a good proof under metadata edited after signing", dict(m7, ts="2026-03-01T13:00:01Z"),
              l7[1], 1, path(1, leaves7), ["invalid_signature"])
    add_proof("bad/signer", "a good proof under metadata by an expired signer", sign(m7, "expired-signer", "ed25519"),
              l7[1], 1, path(1, leaves7), ["signer_expired"])
    doc["proofErrors"] = [{"id": "index-out-of-range", "description": "record_proof past the last record",
                           "batch": "seven/long-id", "index": 7, "code": "index_out_of_range"}]

    # ---- the audit link
    def add_event(cid, desc, meta, row, mismatch):
        doc["events"].append({"id": cid, "description": desc, "metadata": canon(meta).decode(), "row": row,
                              "error": "event_mismatch" if mismatch else None})

    event = {"id": "6f1c2a4e-0000-4000-8000-000000000001", "ts": "2026-03-01T13:00:01Z", "actor": "svc:graph"}
    body = dict(event, event_type="snapshot.published", payload=base)
    doc["eventBody"] = {"build": "sha256/ed25519", "event": event, "body": body, "row": audit_row(body)}
    add_event("good", "the row appended from event_body publishes the snapshot", base, audit_row(body), False)
    add_event("other-snapshot", "the row publishes another snapshot", builds["blake3/ed25519"][0], audit_row(body), True)
    add_event("other-type", "a row of another event type with the same payload", base,
              audit_row(dict(body, event_type="snapshot.retracted")), True)
    add_event("payload-edited", "a row whose payload is the metadata with another ts", base,
              audit_row(dict(body, payload=dict(base, ts="2026-03-01T13:00:01Z"))), True)

    for s in ("builds", "buildErrors", "remote", "verify", "metadataErrors", "proofs", "events"):
        sids = [c["id"] for c in doc[s]]
        assert len(sids) == len(set(sids)), s
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


DELETE = object()

if __name__ == "__main__":
    main()
