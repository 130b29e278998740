#!/usr/bin/env python3
"""Writes ../profiles.json: audit chains under chain profiles
(`trustcore.chain-profile/v1`, docs/chain-profiles.md) with the verifier's
expected report, profile inference cases and refused profile documents
(format: ../README.md).

Independent of trustcore: the profile documents are read by the loader
below, rows are built and signed here with PyPI `cryptography` (Ed25519),
`pycryptodome` (Ed25519ph), `rfc8785` (canonical JSON) and `blake3`, and the
expected reports come from the small sequential verifier below, the
inference results from the small inference below, and the document errors
from the loader below, all written from docs/chain-profiles.md and
docs/audit-chain.md (the verifier follows tools/gen_chain.py's).

    /tmp/gen/bin/python test-vectors/tools/gen_profiles.py
"""

import base64
import binascii
import datetime
import hashlib
import json
import os
import re

import blake3
import rfc8785
from Crypto.Hash import SHA512
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "profiles.json")
PROFILE_TYPE = "trustcore.chain-profile/v1"
ZERO32 = bytes(32)


def canon(v):
    return rfc8785.dumps(v)


def b64(b):
    return base64.b64encode(b).decode()


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


# ---- keys and the signers file ---------------------------------------------

class Key:
    """A deterministic test key: pure Ed25519 through `cryptography`,
    Ed25519ph (RFC 8032, SHA-512 prehash, empty context) through
    `pycryptodome`."""

    def __init__(self, n):
        self.seed = hashlib.sha256(b"trustcore profile key %d" % n).digest()
        self.sk = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.pk = self.sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.ph = eddsa.new(ECC.construct(curve="Ed25519", seed=self.seed), "rfc8032")

    def sign(self, msg, alg):
        if alg == "ed25519":
            return self.sk.sign(msg)
        return self.ph.sign(SHA512.new(msg))


K_KERNEL, K_KMS, K_OTHER, K_FOREIGN_KERNEL, K_FOREIGN_KMS = (Key(n) for n in range(1, 6))
KERNEL, KMS = "kernel-signer", "kms-digest"
REGISTRY = json.dumps({"signers": [
    {"signerId": KERNEL, "publicKey": b64(K_KERNEL.pk), "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2026-06-01T00:00:00Z"},
    {"signerId": KMS, "publicKey": b64(K_KMS.pk), "algorithm": "ed25519ph", "validFrom": "2026-02-01T00:00:00Z"},
]})
# The same signer ids with other keys: rows of REGISTRY's signers hash
# right under it but verify under no signed form.
FOREIGN_REGISTRY = json.dumps({"signers": [
    {"signerId": KERNEL, "publicKey": b64(K_FOREIGN_KERNEL.pk)},
    {"signerId": KMS, "publicKey": b64(K_FOREIGN_KMS.pk), "algorithm": "ed25519ph"},
]})
SIGNING_KEYS = {KERNEL: K_KERNEL, KMS: K_KMS}


# ---- timestamps --------------------------------------------------------------

RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|\+00:00)$")
POSTGRES = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{0,5}[1-9]))?\+00$")
EPOCH = datetime.datetime(1970, 1, 1)


def instant(text, fmt="rfc3339"):
    """Nanoseconds since the epoch, or None when `text` is not a timestamp
    in the format (rfc3339: docs/registry.md; postgres: timestamptz text in
    UTC with 1-6 fraction digits without trailing zeros)."""
    m = (RFC3339 if fmt == "rfc3339" else POSTGRES).match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    try:
        t = datetime.datetime(y, mo, d, h, mi, s)  # refuses year 0, 02-30, :60, hour 24
    except ValueError:
        return None
    return ((t - EPOCH).days * 86400 + (t - EPOCH).seconds) * 10**9 + int((m.group(7) or "").ljust(9, "0"))


def rfc3339_text(ns):
    """The canonical RFC 3339 text of an instant: fraction without trailing zeros."""
    t = EPOCH + datetime.timedelta(seconds=ns // 10**9)
    frac = ("%09d" % (ns % 10**9)).rstrip("0")
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ("." + frac if frac else "") + "Z"


def postgres_text(ns):
    """What PostgreSQL prints for a timestamptz in UTC (microseconds at most)."""
    assert ns % 1000 == 0
    return rfc3339_text(ns).replace("T", " ").replace("Z", "+00")


def at(day, second, frac_us=0):
    """2026-<day> 12:00:00 + second seconds + frac_us microseconds, in ns."""
    base = instant("2026-%sT12:00:00Z" % day)
    return base + second * 10**9 + frac_us * 1000


# ---- profile documents: the loader -------------------------------------------

class ProfileError(Exception):
    def __init__(self, code, path):
        super().__init__("%s at %r" % (code, path))
        self.code, self.path = code, path


ROLES = ["id", "seq", "ts", "eventType", "actor", "payload", "prevHash", "hash", "signer", "signature"]
OPTIONAL_ROLES = {"seq", "eventType", "actor"}
STRING_ROLES = ["id", "ts", "eventType", "actor", "hash", "signer", "signature"]
TOP_MEMBERS = ["type", "name", "description", "columns", "extraColumns", "hash", "signature", "genesis", "timestamp", "order"]
COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")
V1_COLUMNS = {"id": "id", "seq": "seq", "ts": "ts", "eventType": "event_type", "actor": "actor", "payload": "payload",
              "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"}


def pointer(*parts):
    """A JSON Pointer (RFC 6901) of member names and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Profile:
    """A profile document, checked as docs/chain-profiles.md says."""

    def __init__(self, doc):
        def bad(*path):
            raise ProfileError("invalid_profile", pointer(*path))

        def members(obj, allowed, *at):
            for k in obj:
                if k not in allowed:
                    bad(*at, k)

        def one_of(obj, name, choices, default, *at):
            if name not in obj:
                if default is None:
                    bad(*at, name)
                return default
            if obj[name] not in choices:  # also a non-string
                bad(*at, name)
            return obj[name]

        if not isinstance(doc, dict):
            bad()
        t = doc.get("type")
        if t != PROFILE_TYPE:
            if isinstance(t, str) and t.startswith("trustcore.chain-profile/"):
                raise ProfileError("unsupported_profile_version", "/type")
            bad("type")
        members(doc, TOP_MEMBERS)
        if not isinstance(doc.get("name"), str) or not PROFILE_NAME.match(doc["name"]):
            bad("name")
        self.name = doc["name"]
        if "description" in doc and not isinstance(doc["description"], str):
            bad("description")
        cols = doc.get("columns")
        if not isinstance(cols, dict):
            bad("columns")
        members(cols, ROLES, "columns")
        self.col = {}
        for role in ROLES:
            v = cols.get(role)
            if v is None:
                if role not in OPTIONAL_ROLES:
                    bad("columns", role)
                continue
            if not isinstance(v, str) or not COLUMN_NAME.match(v):
                bad("columns", role)
            self.col[role] = v
        self.extra = []  # (name, hashed)
        extra = doc.get("extraColumns", [])
        if not isinstance(extra, list):
            bad("extraColumns")
        for i, e in enumerate(extra):
            if not isinstance(e, dict):
                bad("extraColumns", i)
            members(e, ["name", "hashed"], "extraColumns", i)
            if not isinstance(e.get("name"), str) or not COLUMN_NAME.match(e["name"]):
                bad("extraColumns", i, "name")
            hashed = e.get("hashed", True)
            if not isinstance(hashed, bool):
                bad("extraColumns", i, "hashed")
            self.extra.append((e["name"], hashed))
        h = doc.get("hash")
        if not isinstance(h, dict):
            bad("hash")
        members(h, ["input", "algorithm", "encoding"], "hash")
        self.hash_input = one_of(h, "input", ["trustcore/v1", "row", "payload", "prev_hash_payload"], None, "hash")
        self.hash_alg = one_of(h, "algorithm", ["sha256", "blake3"], "sha256", "hash")
        self.hash_encoding = one_of(h, "encoding", ["hex", "base64", "prefixed"], None, "hash")
        s = doc.get("signature")
        if not isinstance(s, dict):
            bad("signature")
        members(s, ["signs", "algorithm", "encoding"], "signature")
        self.signs = one_of(s, "signs", ["envelope", "hash_input", "digest", "digest_text"], None, "signature")
        self.sig_alg = one_of(s, "algorithm", ["registry", "ed25519", "ed25519ph"], "registry", "signature")
        self.sig_encoding = one_of(s, "encoding", ["base64", "base64url", "hex"], None, "signature")
        self.genesis = one_of(doc, "genesis", ["zeros", "empty", "null"], None)
        self.timestamp = one_of(doc, "timestamp", ["rfc3339", "postgres"], None)
        self.order = one_of(doc, "order", ["seq", "ts"], "seq" if "seq" in self.col else "ts")
        if self.order == "seq" and "seq" not in self.col:
            bad("order")
        # A name plays one role: the later use is the problem.
        seen = set()
        for where, name in [(("columns", r), self.col[r]) for r in ROLES if r in self.col] + \
                           [(("extraColumns", i, "name"), n) for i, (n, _) in enumerate(self.extra)]:
            if name in seen:
                bad(*where)
            seen.add(name)
        if self.hash_input == "trustcore/v1" and (self.col != V1_COLUMNS or self.extra):
            bad("hash", "input")
        self.doc = doc
        self.columns = sorted(seen)
        self.unhashed = {n for n, hashed in self.extra if not hashed}

    # -- encodings --

    def enc_hash(self, digest):
        if self.hash_encoding == "hex":
            return digest.hex()
        if self.hash_encoding == "base64":
            return b64(digest)
        return self.hash_alg + ":" + digest.hex()

    def dec_hash(self, text):
        """The 32 bytes a hash column spells, or None (canonical spellings only)."""
        if not isinstance(text, str):
            return None
        if self.hash_encoding == "prefixed":
            if not text.startswith(self.hash_alg + ":"):
                return None
            text = text[len(self.hash_alg) + 1:]
        if self.hash_encoding in ("hex", "prefixed"):
            return bytes.fromhex(text) if re.fullmatch(r"[0-9a-f]{64}", text) else None
        try:
            b = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None
        return b if len(b) == 32 and b64(b) == text else None

    def genesis_value(self):
        return {"zeros": self.enc_hash(ZERO32), "empty": "", "null": None}[self.genesis]

    def enc_sig(self, sig):
        return {"base64": b64, "base64url": b64url, "hex": bytes.hex}[self.sig_encoding](sig)

    def dec_sig(self, text):
        if self.sig_encoding == "hex":
            return bytes.fromhex(text) if re.fullmatch(r"[0-9a-f]{128}", text) else None
        try:
            if self.sig_encoding == "base64":
                b = base64.b64decode(text, validate=True)
            else:
                if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
                    return None
                b = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            return None
        return b if len(b) == 64 and self.enc_sig(b) == text else None

    def fmt_ts(self, ns):
        return rfc3339_text(ns) if self.timestamp == "rfc3339" else postgres_text(ns)

    # -- constructions --

    def digest(self, data):
        return hashlib.sha256(data).digest() if self.hash_alg == "sha256" else blake3.blake3(data).digest()

    def hash_input_of(self, row):
        c = self.col
        if self.hash_input in ("trustcore/v1", "row"):
            return canon({k: v for k, v in row.items() if k not in (c["hash"], c["signature"]) and k not in self.unhashed})
        if self.hash_input == "payload":
            return canon(row[c["payload"]])
        prev = row[c["prevHash"]]
        return (prev if prev is not None else "").encode() + canon(row[c["payload"]])

    def alg_for(self, registered):
        return registered if self.sig_alg == "registry" else self.sig_alg

    def signed_bytes(self, hash_input, digest, hash_text, signer, alg):
        if self.signs == "hash_input":
            return hash_input
        if self.signs == "digest":
            return digest
        if self.signs == "digest_text":
            return hash_text.encode()
        return canon({"alg": alg, "kind": "trustcore.audit-event", "payload": {"hash": "%s:%s" % (self.hash_alg, digest.hex())},
                      "signer": signer, "type": "trustcore.signing-input/v1"})

    def value(self, role, row):
        return row[self.col[role]]


def control_free(s):
    return s != "" and not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in s)


UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def strict_json(text):
    """The value of strict I-JSON text, or None (duplicate names, NaN,
    lone surrogates, integers rfc8785 refuses)."""
    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate")
        return dict(pairs)

    def refuse(_):
        raise ValueError("not I-JSON")
    try:
        v = json.loads(text, object_pairs_hook=no_dupes, parse_constant=refuse)
        canon(v)
    except (ValueError, TypeError, rfc8785.CanonicalizationError):
        return None, False
    return v, True


def read_row(p, text):
    """The row (a dict) or the reason it cannot be read, in the order of
    docs/chain-profiles.md ("Reading a row")."""
    row, ok = strict_json(text)
    if not ok or not isinstance(row, dict) or set(row) != set(p.columns):
        return None, "malformed_row"
    c = p.col
    for role in STRING_ROLES:
        if role in c and not isinstance(row[c[role]], str):
            return None, "malformed_row"
    prev = row[c["prevHash"]]
    if not isinstance(prev, str) and not (prev is None and p.genesis == "null"):
        return None, "malformed_row"  # a string, or null where the genesis is null
    if not UUID.match(row[c["id"]]):
        return None, "invalid_field"
    if instant(row[c["ts"]], p.timestamp) is None:
        return None, "invalid_field"
    for role in ("eventType", "actor", "signer"):
        if role in c and not control_free(row[c[role]]):
            return None, "invalid_field"
    if prev != p.genesis_value() and p.dec_hash(prev) is None:
        return None, "invalid_field"
    if p.dec_hash(row[c["hash"]]) is None or p.dec_sig(row[c["signature"]]) is None:
        return None, "invalid_field"
    if "seq" in c and (type(row[c["seq"]]) is not int or row[c["seq"]] < 1):
        return None, "invalid_field"
    return row, None


# ---- the registry lookup and the signature rule ------------------------------

def signer_key(reg, sid, alg, t):
    """(reason, public key): docs/registry.md, "Lookups and verdicts"; an
    algorithm the registry does not record for the signer is a signature
    that does not verify (invalid_signature) in a chain."""
    e = next((x for x in json.loads(reg)["signers"] if x["signerId"] == sid), None)
    if e is None:
        return "unknown_signer", None
    if "revokedAt" in e and t >= instant(e["revokedAt"]):
        return "signer_revoked", None
    if "validFrom" in e and t < instant(e["validFrom"]):
        return "signer_not_yet_valid", None
    if "validUntil" in e and t >= instant(e["validUntil"]):
        return "signer_expired", None
    if e.get("algorithm", "ed25519") != alg:
        return "invalid_signature", None
    return None, base64.b64decode(e["publicKey"])


def registered_alg(reg, sid):
    e = next((x for x in json.loads(reg)["signers"] if x["signerId"] == sid), None)
    return e.get("algorithm", "ed25519") if e else None


def verifies(pk, alg, msg, sig):
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


def row_verdicts(p, row, reg):
    """(hash matches, signer/signature reason or None) of a readable row."""
    c = p.col
    hinput = p.hash_input_of(row)
    digest = p.digest(hinput)
    claimed = p.dec_hash(row[c["hash"]])
    t = instant(row[c["ts"]], p.timestamp)
    sid = row[c["signer"]]
    reg_alg = registered_alg(reg, sid)
    if reg_alg is None:
        return digest == claimed, "unknown_signer"
    alg = p.alg_for(reg_alg)
    reason, pk = signer_key(reg, sid, alg, t)
    if reason is None:
        msg = p.signed_bytes(hinput, claimed, row[c["hash"]], sid, alg)
        if not verifies(pk, alg, msg, p.dec_sig(row[c["signature"]])):
            reason = "invalid_signature"
    return digest == claimed, reason


# ---- the reference verifier --------------------------------------------------

def mth(leaves):
    """RFC 6962 Merkle tree hash of leaf data (event hashes, 32 bytes each)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def verify(p, text, reg, expected_head=None, stop_at_first=False, checkpoint=None):
    """The reference verifier under profile `p` (docs/audit-chain.md with
    docs/chain-profiles.md): rows read as the profile says, then duplicate
    id, seq (when the profile has one), the link (the first row's prevHash
    is the genesis spelling, every later one the previous row's hash),
    hash, ts order, signer window, signature. A profile without seq numbers
    rows by their place in the chain (readable rows), and its breaks carry
    no seq. Reports hashes as hex whatever the column encoding, and the
    head's ts as RFC 3339: as written for rfc3339 profiles, the canonical
    text of the instant for postgres ones."""
    c = p.col
    head = {"hash": ZERO32, "seq": 0, "ts": None}
    at_genesis = True
    last_t = None
    ids = set()
    breaks, counts, leaves = [], {}, []
    stopped = False
    position = count = 0
    pinned_head = pinned_cp = False

    def report(b):
        nonlocal stopped
        counts[b["reason"]] = counts.get(b["reason"], 0) + 1
        if len(breaks) < 1000:
            breaks.append(b)
        if stop_at_first:
            stopped = True

    def where(pos, row):
        w = {"position": pos}
        if row is not None:
            if "seq" in c:
                w["seq"] = row[c["seq"]]
            w["id"] = row[c["id"]]
        return w

    def anchors(pos, row):
        nonlocal pinned_head, pinned_cp
        if expected_head and not pinned_head and head["seq"] >= expected_head["seq"]:
            pinned_head = True
            if head["seq"] != expected_head["seq"] or head["hash"].hex() != expected_head["hash"]:
                report(dict(where(pos, row), reason="head_mismatch"))
        if checkpoint and not pinned_cp and not stopped and len(leaves) == checkpoint["size"]:
            pinned_cp = True
            if mth(leaves).hex() != checkpoint["root"]:
                report(dict(where(pos, row), reason="checkpoint_mismatch"))

    anchors(0, None)
    for ln in text.split("\n"):
        ln = ln[:-1] if ln.endswith("\r") else ln
        if stopped:
            break
        if not ln.strip():
            continue
        pos = position
        position += 1
        row, err = read_row(p, ln)
        if row is None:
            report({"position": pos, "reason": err})
            continue
        seq = row[c["seq"]] if "seq" in c else head["seq"] + 1
        prev = row[c["prevHash"]]
        if at_genesis:
            linked = prev == p.genesis_value()
        else:
            linked = prev != p.genesis_value() and p.dec_hash(prev) == head["hash"]
        hash_ok, sig_reason = row_verdicts(p, row, reg)
        t = instant(row[c["ts"]], p.timestamp)
        reason = None
        if row[c["id"]] in ids:
            reason = "duplicate_id"
        ids.add(row[c["id"]])
        if reason is None and "seq" in c and seq != head["seq"] + 1:
            reason = "seq_gap"
        elif reason is None and not linked:
            reason = "prev_hash_mismatch"
        elif reason is None and not hash_ok:
            reason = "hash_mismatch"
        elif reason is None and last_t is not None and t < last_t:
            reason = "ts_regression"
        reason = reason or sig_reason
        if reason:
            report(dict(where(pos, row), reason=reason))
        else:
            count += 1
        last_t = t
        ts = row[c["ts"]] if p.timestamp == "rfc3339" else rfc3339_text(t)
        head = {"hash": p.dec_hash(row[c["hash"]]), "seq": seq, "ts": ts}
        at_genesis = False
        leaves.append(head["hash"])
        if not stopped:
            anchors(pos, row)
    if expected_head and not stopped and not pinned_head:
        report({"position": position, "reason": "truncated"})
    if checkpoint and not stopped and not pinned_cp:
        report({"position": position, "reason": "truncated"})
    h = {"hash": head["hash"].hex(), "seq": head["seq"]}
    if head["ts"] is not None:
        h["ts"] = head["ts"]
    return {"valid": not counts, "head": h, "rows": position, "count": count, "breaks": breaks,
            "break_count": sum(counts.values()), "break_counts": counts,
            "merkle": {"size": len(leaves), "root": mth(leaves).hex()}}


# ---- writing rows --------------------------------------------------------------

def payload_of(i, tag=None):
    v = {"n": i, "amount": 12.5 * i, "note": "caf\u00e9 \U0001F600 #%d" % i}
    if tag is not None:
        v["tag"] = tag
    return v


def make_row(p, i, prev, ns, signer=KERNEL, key=None, over=None, alg=None):
    """Row i of profile p after the row whose digest is `prev` (None: the
    first row), dated `ns`, signed by `signer` (with `key`, by default the
    signer's own; `alg` overrides the algorithm signed with). `over` sets
    columns by role (or name) before hashing."""
    c = p.col
    row = {c["id"]: "6f1c2a4e-0000-4000-8000-%012x" % i, c["ts"]: p.fmt_ts(ns), c["payload"]: payload_of(i),
           c["prevHash"]: p.genesis_value() if prev is None else p.enc_hash(prev), c["signer"]: signer}
    if "seq" in c:
        row[c["seq"]] = i
    if "eventType" in c:
        row[c["eventType"]] = "manifest.signed" if i % 2 else "allocation.approved"
    if "actor" in c:
        row[c["actor"]] = "svc:kernel-api"
    for name, hashed in p.extra:
        row[name] = "tenant-a" if hashed else {"ingested": i, "by": "etl"}
    for k, v in (over or {}).items():
        row[c.get(k, k)] = v
    hinput = p.hash_input_of(row)
    digest = p.digest(hinput)
    row[c["hash"]] = p.enc_hash(digest)
    alg = alg or p.alg_for(registered_alg(REGISTRY, signer) or "ed25519")
    msg = p.signed_bytes(hinput, digest, row[c["hash"]], signer, alg)
    row[c["signature"]] = p.enc_sig((key or SIGNING_KEYS.get(signer, K_OTHER)).sign(msg, alg))
    return row


def digest_of(p, row):
    return p.dec_hash(row[p.col["hash"]])


# Fractions (microseconds) of the rows' times: none, short and long, so
# PostgreSQL's text (no trailing zeros) and the canonical head ts are tested.
FRACS = [250000, 0, 125000, 500000, 123456, 100000, 999999, 10000, 20000, 300000]


def times(n, day="03-01", start=1):
    return [at(day, start + k, FRACS[(start + k) % len(FRACS)]) for k in range(n)]


def signers_for(p, n):
    """Who signs row i of a good chain: kernel-signer (Ed25519) then
    kms-digest (Ed25519ph), as the profile allows."""
    if p.sig_alg == "ed25519ph":
        return [KMS] * n
    if p.sig_alg == "ed25519":
        return [KERNEL] * n
    return [KERNEL if i < n // 2 else KMS for i in range(n)]


def build(p, n, ts=None, signers=None, over=None, first=1, prev=None):
    """A chain of n rows (rows first..first+n-1 after `prev`); `over` maps a
    row number to `over` columns."""
    ts = ts or times(n, start=first)
    signers = signers or signers_for(p, n)
    rows = []
    for k in range(n):
        i = first + k
        r = make_row(p, i, prev, ts[k], signers[k], over=(over or {}).get(i))
        rows.append(r)
        prev = digest_of(p, r)
    return rows


def line(row):
    return canon(row).decode()


# ---- the profiles ------------------------------------------------------------

BUILTINS = [
    {"type": PROFILE_TYPE, "name": "trustcore/v1",
     "description": "trustcore's own audit_events rows: the canonical row without hash and signature is hashed (hex), and a typed trustcore.audit-event envelope naming the hash is signed (base64).",
     "columns": {"id": "id", "seq": "seq", "ts": "ts", "eventType": "event_type", "actor": "actor",
                 "payload": "payload", "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"},
     "hash": {"input": "trustcore/v1", "algorithm": "sha256", "encoding": "hex"},
     "signature": {"signs": "envelope", "algorithm": "registry", "encoding": "base64"},
     "genesis": "zeros", "timestamp": "rfc3339", "order": "seq"},
    {"type": PROFILE_TYPE, "name": "kernel/v1",
     "description": "The Kernel's audit_events table: SHA-256 of the prev_hash text followed by the canonical payload (hex), an Ed25519 signature over those bytes (base64), created_at as PostgreSQL timestamptz text, no seq (rows in created_at, id order).",
     "columns": {"id": "id", "seq": None, "ts": "created_at", "eventType": "event_type", "actor": None,
                 "payload": "payload", "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"},
     "hash": {"input": "prev_hash_payload", "algorithm": "sha256", "encoding": "hex"},
     "signature": {"signs": "hash_input", "algorithm": "registry", "encoding": "base64"},
     "genesis": "zeros", "timestamp": "postgres", "order": "ts"},
    {"type": PROFILE_TYPE, "name": "row-digest/v1",
     "description": "A ledger that hashes the canonical row without hash and signature into a named digest (sha256:<hex>) and signs the 32 raw digest bytes (hex); the first row's prev_hash is empty.",
     "columns": {"id": "event_id", "seq": "seq", "ts": "occurred_at", "eventType": "type", "actor": "actor",
                 "payload": "data", "prevHash": "prev_hash", "hash": "row_hash", "signer": "key_id", "signature": "sig"},
     "hash": {"input": "row", "algorithm": "sha256", "encoding": "prefixed"},
     "signature": {"signs": "digest", "algorithm": "registry", "encoding": "hex"},
     "genesis": "empty", "timestamp": "rfc3339", "order": "seq"},
    {"type": PROFILE_TYPE, "name": "payload-sig/v1",
     "description": "An application log that hashes the canonical payload alone (base64) and signs the hash column's text (base64url); the first row's prev_hash is null. The hash does not cover prev_hash, seq or ts: only a trusted head or checkpoint pins the order.",
     "columns": {"id": "id", "seq": "seq", "ts": "ts", "eventType": "kind", "actor": "actor",
                 "payload": "body", "prevHash": "prev", "hash": "digest", "signer": "signer", "signature": "signature"},
     "hash": {"input": "payload", "algorithm": "sha256", "encoding": "base64"},
     "signature": {"signs": "digest_text", "algorithm": "registry", "encoding": "base64url"},
     "genesis": "null", "timestamp": "rfc3339", "order": "seq"},
]

CUSTOM = [
    {"type": PROFILE_TYPE, "name": "acme/tenant-ledger",
     "description": "trustcore's columns plus a hashed tenant_id and an ingested_at column the hash leaves out; the canonical row is hashed, the envelope signed.",
     "columns": {"id": "id", "seq": "seq", "ts": "ts", "eventType": "event_type", "actor": "actor",
                 "payload": "payload", "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"},
     "extraColumns": [{"name": "tenant_id", "hashed": True}, {"name": "ingested_at", "hashed": False}],
     "hash": {"input": "row", "encoding": "hex"},
     "signature": {"signs": "envelope", "encoding": "base64"},
     "genesis": "zeros", "timestamp": "rfc3339"},
    {"type": PROFILE_TYPE, "name": "acme/blake3-pg",
     "description": "BLAKE3 of the prev_hash text and the canonical payload as blake3:<hex>, the envelope signed (hex), PostgreSQL timestamps, an empty genesis, no seq.",
     "columns": {"id": "event_id", "ts": "created_at", "eventType": "kind", "payload": "data",
                 "prevHash": "previous_hash", "hash": "row_hash", "signer": "signer", "signature": "sig"},
     "hash": {"input": "prev_hash_payload", "algorithm": "blake3", "encoding": "prefixed"},
     "signature": {"signs": "envelope", "encoding": "hex"},
     "genesis": "empty", "timestamp": "postgres", "order": "ts"},
    {"type": PROFILE_TYPE, "name": "acme/kms-only",
     "description": "Only Ed25519ph (a KMS key that signs SHA-512 digests) may sign: the canonical row is hashed (base64), the raw digest signed (base64url); a null genesis.",
     "columns": {"id": "id", "seq": "seq_no", "ts": "ts", "eventType": None, "actor": "principal",
                 "payload": "data", "prevHash": "prev_digest", "hash": "digest", "signer": "key_id", "signature": "signature"},
     "hash": {"input": "row", "algorithm": "sha256", "encoding": "base64"},
     "signature": {"signs": "digest", "algorithm": "ed25519ph", "encoding": "base64url"},
     "genesis": "null", "timestamp": "rfc3339", "order": "seq"},
    {"type": PROFILE_TYPE, "name": "acme/ts-ordered",
     "description": "No seq column: rows in ts order, the canonical row hashed (hex) and its digest text signed (base64).",
     "columns": {"id": "id", "ts": "ts", "actor": "actor", "payload": "payload", "prevHash": "prev_hash",
                 "hash": "hash", "signer": "signer_id", "signature": "signature"},
     "hash": {"input": "row", "algorithm": "sha256", "encoding": "hex"},
     "signature": {"signs": "digest_text", "algorithm": "registry", "encoding": "base64"},
     "genesis": "zeros", "timestamp": "rfc3339", "order": "ts"},
]


# ---- chain cases ---------------------------------------------------------------

def respell_hash(p, text):
    """The same digest spelled in a way the profile's encoding refuses."""
    if p.hash_encoding == "hex":
        out = text.upper()
    elif p.hash_encoding == "base64":
        out = text.rstrip("=")
    else:
        out = text.replace(p.hash_alg + ":", p.hash_alg.upper() + ":", 1)
    assert out != text and p.dec_hash(out) is None
    return out


def respell_sig(p, text):
    if p.sig_encoding == "hex":
        out = text.upper()
    elif p.sig_encoding == "base64":
        out = text.rstrip("=")
    else:
        out = text + "=="
    assert out != text and p.dec_sig(out) is None
    return out


def other_genesis(p):
    """A first-row prevHash that is no genesis spelling of this profile: the
    empty string where the genesis is zeros or null, a digest with no hex
    where it is empty (never the 32 zero bytes in this profile's hash
    encoding: see the genesis-zero-bytes cases; null where the genesis is
    not null is malformed_row, see malformed/prev-hash-null)."""
    if p.genesis == "empty":
        return p.hash_alg + ":" if p.hash_encoding == "prefixed" else "0"
    return ""


# Kinds that do not depend on what a profile says about hashing and
# signing (row shape, a few field rules, links, options): each runs on two
# profiles among those it applies to, chosen by a fixed rotation, so the
# file stays small; every other kind runs on every profile.
ROTATED = {
    "good/member-order": lambda p: True,
    "anchor/mid-chain-head": lambda p: True,
    "anchor/checkpoint-truncated": lambda p: True,
    "break/rewritten-resigned": lambda p: True,
    "break/duplicate-id": lambda p: True,
    "break/ts-regression": lambda p: True,
    "break/stop-at-first": lambda p: True,
    "break/collect-all": lambda p: True,
    "malformed/wrong-type": lambda p: True,
    "malformed/not-json": lambda p: True,
    "malformed/duplicate-member": lambda p: True,
    "malformed/prev-hash-number": lambda p: True,
    "invalid/signer-empty": lambda p: True,
    "invalid/event-type-control": lambda p: "eventType" in p.col,
    "invalid/seq-string": lambda p: "seq" in p.col,
    "invalid/seq-zero": lambda p: "seq" in p.col,
    "invalid/ts-offset": lambda p: p.timestamp == "rfc3339",
    "invalid/ts-postgres-text": lambda p: p.timestamp == "rfc3339",
    "signature/from-another-row": lambda p: True,
    "signer/unknown": lambda p: True,
    "good/ts-as-written": lambda p: p.timestamp == "rfc3339",
}
PROFILES = []  # filled by main


def wanted(kind, p):
    need = ROTATED.get(kind)
    if need is None:
        return True
    eligible = [q.name for q in PROFILES if need(q)]
    k = int(hashlib.sha256(kind.encode()).hexdigest()[:8], 16)
    return p.name in {eligible[k % len(eligible)], eligible[(k + len(eligible) // 2) % len(eligible)]}


def profile_cases(p, add_case):
    c = p.col
    seqless = "seq" not in c
    n = 6
    good = build(p, n)
    hx = lambda r: digest_of(p, r).hex()
    head = {"hash": hx(good[-1]), "seq": n}
    cp = {"size": n, "root": mth([digest_of(p, r) for r in good]).hex()}
    sigs = signers_for(p, n)

    def add(kind, *args, **kw):
        if wanted(kind, p):
            add_case(p, kind, *args, **kw)

    def mutated(i, **cols):
        """good with row i (1-based) changed after signing (cols by role or name)."""
        rows = [dict(r) for r in good]
        for k, v in cols.items():
            k = c.get(k, k)
            if v is DROP:
                del rows[i - 1][k]
            else:
                rows[i - 1][k] = v
        return rows

    def rebuilt_from(i, rows, **kw):
        """rows[:i] followed by rows i+1..n built again after them."""
        return rows[:i] + build(p, n - i, ts=[instant_of(p, r) for r in good[i:]], signers=sigs[i:], first=i + 1,
                                prev=digest_of(p, rows[i - 1]), **kw)

    signer_note = "kernel-signer (Ed25519) signs rows 1-3, kms-digest (Ed25519ph, a KMS digest key) rows 4-6" \
        if p.sig_alg == "registry" else "kms-digest (Ed25519ph) signs every row: the profile requires ed25519ph"
    add("good/chain", "six rows; " + signer_note, good)
    add("good/anchored", "the same chain with a trusted head at its last row (seq %d%s) and a checkpoint of its %d rows" %
        (n, ", its place: the profile has no seq column" if seqless else "", n), good, expected_head=head, checkpoint=cp)
    add("anchor/mid-chain-head", "a trusted head at row 4 (seq 4%s), then two more rows: valid" %
        (", the row's place" if seqless else ""), good, expected_head={"hash": hx(good[3]), "seq": 4})
    add("good/member-order", "member order, whitespace and escapes of a stored row do not matter (the hash is over canonical forms)",
        [json.dumps(r, indent=None, sort_keys=False, ensure_ascii=True, separators=(", ", " : ")) for r in reversed_members(good)])

    add("break/hash-mismatch", "row 4's %s changed after hashing: hash_mismatch" % c["payload"], mutated(4, payload={"n": 999}))
    bad = list(good)
    bad[3] = make_row(p, 4, digest_of(p, good[2]), instant_of(p, good[3]), sigs[3], over={"payload": {"n": 999}})
    add("break/rewritten-resigned", "row 4 rewritten, re-hashed and re-signed by its signer: row 5's %s no longer links" % c["prevHash"], bad)
    bad = good[:4] + good[5:]
    add("break/deleted-row", "row 5 deleted: %s" % (
        "prev_hash_mismatch at position 4, a break without seq (the profile has no seq column)" if seqless else "seq_gap at position 4"), bad)
    add("anchor/deleted-row-truncated", "row 5 deleted under a trusted head at seq %d: the link breaks and the chain ends short of the head%s" %
        (n, " (rows are numbered by place, so 5 rows reach seq 5)" if seqless else ""), bad, expected_head=head)
    add("break/swapped-rows", "rows 4 and 5 swapped", good[:3] + [good[4], good[3]] + good[5:])
    bad = list(good)
    bad[4] = make_row(p, 5, digest_of(p, good[3]), instant_of(p, good[4]), sigs[4], over={"id": good[1][c["id"]]})
    add("break/duplicate-id", "row 5 carries row 2's id (hashed and signed as such): duplicate_id", rebuilt_from(5, bad))
    bad = list(good)
    bad[3] = make_row(p, 4, digest_of(p, good[2]), instant_of(p, good[2]) - 10**9, sigs[3])
    add("break/ts-regression", "row 4 is dated a second before row 3 (hashed and signed as such)", rebuilt_from(4, bad))
    multi = mutated(3, payload={"x": 1})[:4] + good[5:]
    add("break/stop-at-first", "row 3 tampered and row 5 deleted, with stopAtFirst: one break", multi, stop_at_first=True)
    add("break/collect-all", "row 3 tampered and row 5 deleted: two breaks, no cascade", multi)

    add("malformed/missing-column", "row 3 has no %s column: malformed_row" % c["ts"], mutated(3, ts=DROP))
    add("malformed/unknown-column", "row 3 has a column the profile does not name: malformed_row", mutated(3, comment="x"))
    add("malformed/wrong-type", "row 3's %s is a number: malformed_row" % c["signer"], mutated(3, signer=7))
    texts = [line(r) for r in good]
    add("malformed/not-json", "row 3 cut short", texts[:2] + [texts[2][:-1]] + texts[3:])
    add("malformed/duplicate-member", "strict I-JSON: row 3 has its %s twice" % c["id"],
        texts[:2] + [texts[2].replace('"%s":' % c["id"], '"%s":"x","%s":' % (c["id"], c["id"]), 1)] + texts[3:])
    add("invalid/id-uppercase", "row 3's id in uppercase: ids are plain lowercase UUIDs", mutated(3, id=good[2][c["id"]].upper()))
    ts3, t3 = good[2][c["ts"]], instant_of(p, good[2])
    if p.timestamp == "postgres":
        frac_zero = ts3[:-3] + ("0" if "." in ts3 else ".0") + "+00"
        add("invalid/ts-spelling", "row 3's %s has a trailing zero in its fraction (%s): PostgreSQL prints none" % (c["ts"], frac_zero),
            mutated(3, ts=frac_zero))
        add("invalid/ts-t-separator", "row 3's %s has a T between date and time (%s): that is not PostgreSQL's text" % (c["ts"], ts3.replace(" ", "T")),
            mutated(3, ts=ts3.replace(" ", "T")))
        add("invalid/ts-long-offset", "row 3's %s ends +00:00: PostgreSQL prints +00" % c["ts"], mutated(3, ts=ts3 + ":00"))
        add("invalid/ts-rfc3339", "row 3's %s in RFC 3339 (%s) in a postgres-timestamp profile" % (c["ts"], rfc3339_text(t3)),
            mutated(3, ts=rfc3339_text(t3)))
        add("invalid/ts-seven-digits", "row 3's %s has seven fraction digits: timestamptz keeps microseconds" % c["ts"],
            mutated(3, ts=ts3[:-3].split(".")[0] + ".%06d1+00" % (t3 // 1000 % 10**6)))
    else:
        add("invalid/ts-spelling", "row 3's %s with a space for the T (%s)" % (c["ts"], ts3.replace("T", " ")), mutated(3, ts=ts3.replace("T", " ")))
        add("invalid/ts-offset", "row 3's %s with an offset: times are UTC" % c["ts"], mutated(3, ts=ts3.replace("Z", "+01:00")))
        add("invalid/ts-postgres-text", "row 3's %s as PostgreSQL text in an rfc3339 profile" % c["ts"], mutated(3, ts=postgres_text(t3)))
    add("invalid/hash-spelling", "row 3's %s spelled %s: not the profile's %s encoding" %
        (c["hash"], {"hex": "in uppercase", "base64": "without padding", "prefixed": "with an uppercase algorithm name"}[p.hash_encoding], p.hash_encoding),
        mutated(3, hash=respell_hash(p, good[2][c["hash"]])))
    add("invalid/prev-hash-spelling", "row 3's %s spelled like that too" % c["prevHash"],
        mutated(3, prevHash=respell_hash(p, good[2][c["prevHash"]])))
    og = other_genesis(p)
    add("invalid/genesis-spelling", "row 1's %s is %s, not the profile's genesis (%s)" % (c["prevHash"], json.dumps(og), p.genesis),
        mutated(1, prevHash=og))
    add("invalid/signature-spelling", "row 3's %s spelled %s: not the profile's %s encoding" %
        (c["signature"], {"hex": "in uppercase", "base64": "without padding", "base64url": "with padding"}[p.sig_encoding], p.sig_encoding),
        mutated(3, signature=respell_sig(p, good[2][c["signature"]])))
    add("invalid/signer-empty", "row 3's %s is empty" % c["signer"], mutated(3, signer=""))
    if "eventType" in c:
        add("invalid/event-type-control", "row 3's %s holds a control character" % c["eventType"], mutated(3, eventType="manifest\u0007signed"))
    if not seqless:
        add("invalid/seq-string", "row 3's %s is a string" % c["seq"], mutated(3, seq="3"))
        add("invalid/seq-zero", "row 1's %s is 0: seq counts from 1" % c["seq"], mutated(1, seq=0))
    if p.genesis != "null":
        add("malformed/prev-hash-null", "row 3's %s is null, a column of the wrong JSON type where the genesis is not null (as in "
            "trustcore/v1): malformed_row" % c["prevHash"], mutated(3, prevHash=None))
    add("malformed/prev-hash-number", "row 3's %s is a number: malformed_row" % c["prevHash"], mutated(3, prevHash=3))
    bad = list(good)
    bad[1] = make_row(p, 2, None, instant_of(p, good[1]), sigs[1])
    add("break/genesis-later", "row 2 carries the genesis spelling (%s) as its %s (hashed and signed as such): it does not link to row 1" %
        (json.dumps(p.genesis_value()), c["prevHash"]), rebuilt_from(2, bad))

    bad = list(good)
    bad[5] = make_row(p, 6, digest_of(p, good[4]), instant_of(p, good[5]), sigs[5], key=K_OTHER)
    add("signature/other-key", "row 6 signed by a key that is not %s's: invalid_signature" % sigs[5], bad)
    add("signature/from-another-row", "row 2 carries row 3's signature", mutated(2, signature=good[2][c["signature"]]))
    bad = list(good)
    bad[4] = make_row(p, 5, digest_of(p, good[3]), instant_of(p, good[4]), "intruder", key=K_OTHER, alg="ed25519")
    add("signer/unknown", "row 5 names a signer the registry does not know", rebuilt_from(5, bad))
    if p.sig_alg == "ed25519ph":
        early = build(p, 4, ts=[at("01-31", 43200 - 2 + k) for k in range(4)], signers=[KMS] * 4)
        add("signer/outside-window", "kms-digest's key vouches from 2026-02-01: rows 1-2, dated 2026-01-31T23:59:58 and 59, are "
            "signer_not_yet_valid", early)
        bad = list(good)
        bad[3] = make_row(p, 4, digest_of(p, good[2]), instant_of(p, good[3]), KERNEL, alg="ed25519")
        add("signer/algorithm-not-allowed", "row 4 is signed by kernel-signer, whose key the registry records for ed25519, under a profile "
            "that requires ed25519ph: invalid_signature", rebuilt_from(4, bad))
    else:
        late = build(p, 4, ts=[at("05-31", 43200 - 2 + k) for k in range(4)], signers=[KERNEL] * 4)
        add("signer/outside-window", "kernel-signer's key vouches until 2026-06-01: rows 3-4, dated 2026-06-01T00:00:00 and 01, are "
            "signer_expired", late)

    other = build(p, n, over={i: {"payload": payload_of(i, "other")} for i in range(1, n + 1)})
    add("anchor/head-mismatch", "another chain of the same length under the trusted head", other, expected_head=head)
    add("anchor/truncated", "the last two rows are missing under the trusted head", good[:n - 2], expected_head=head)
    forged = good[:1] + build(p, n - 1, over={i: {"payload": payload_of(i, "forged")} for i in range(2, n + 1)}, first=2, prev=digest_of(p, good[0]))
    add("anchor/checkpoint-rewritten", "rows 2-%d rewritten and re-signed with the real keys: the checkpoint of %d refuses them" % (n, n), forged, checkpoint=cp)
    add("anchor/checkpoint-truncated", "the tail was cut after the checkpoint was signed", good[:n - 1], checkpoint=cp)

    # What the profile's hash does not cover can be changed without the key.
    if p.hash_input == "payload":
        sw = [dict(r) for r in good]
        sw[3], sw[4] = dict(good[4]), dict(good[3])
        for k, r in enumerate(sw):
            r[c["seq"]] = k + 1
            r[c["ts"]] = good[k][c["ts"]]
            r[c["prevHash"]] = p.genesis_value() if k == 0 else sw[k - 1][c["hash"]]
        add("uncovered/reordered", "rows 4 and 5 swapped with their %s, %s and %s rewritten to fit: the hash covers only the payload, so the "
            "chain verifies" % (c["seq"], c["ts"], c["prevHash"]), sw)
        add("uncovered/reordered-checkpoint", "the same reordering under a checkpoint of the true order: checkpoint_mismatch", sw, checkpoint=cp)
    if p.hash_input == "prev_hash_payload":
        redated = [dict(r) for r in good]
        redated[3][c["ts"]] = p.fmt_ts(instant_of(p, good[3]) + 1000)
        if "eventType" in c:
            redated[3][c["eventType"]] = "manifest.revoked"
        add("uncovered/redated", "row 4's %s moved a microsecond later%s: the hash does not cover them, so the chain verifies" %
            (c["ts"], " and its %s changed" % c["eventType"] if "eventType" in c else ""), redated)
    if p.unhashed:
        (unhashed,) = p.unhashed
        add("uncovered/unhashed-extra-column", "row 4's %s (hashed: false) changed: the chain verifies" % unhashed,
            mutated(4, **{unhashed: {"ingested": 0, "by": "someone else"}}))
        hashed = next(name for name, h in p.extra if h)
        add("break/hashed-extra-column", "row 4's %s (hashed) changed: hash_mismatch" % hashed, mutated(4, **{hashed: "tenant-b"}))
        add("malformed/missing-unhashed-extra-column", "row 4 lacks %s: an extra column the hash leaves out is still a column of the row" % unhashed,
            mutated(4, **{unhashed: DROP}))
    if p.timestamp == "rfc3339":
        t = times(3)
        variants = [rfc3339_text(t[0]).replace("Z", "+00:00"),
                    rfc3339_text(t[1])[:-1] + ("0Z" if "." in rfc3339_text(t[1]) else ".000Z"),
                    rfc3339_text(t[2] - t[2] % 10**9)[:-1] + ".%09dZ" % (t[2] % 10**9)]
        rows = build(p, 3, over={k + 1: {"ts": v} for k, v in enumerate(variants)})
        add("good/ts-as-written", "RFC 3339 spellings the format allows (+00:00, trailing fraction zeros, nine digits): the head's ts is the "
            "last row's as written", rows)


DROP = object()


def instant_of(p, row):
    return instant(row[p.col["ts"]], p.timestamp)


def reversed_members(rows):
    return [dict(reversed(list(r.items()))) for r in rows]


def genesis_zero_bytes_cases(profiles, add):
    """A first row whose prevHash is the 32 zero bytes in the hash encoding
    under a profile whose genesis is "" or null: the spec says the first
    row's prevHash is the genesis spelling, so the row does not link."""
    for p in profiles:
        if p.genesis == "zeros":
            continue
        rows, prev = [], None
        for k, sid in enumerate(signers_for(p, 3)):
            over = {"prevHash": p.enc_hash(ZERO32)} if k == 0 else None
            r = make_row(p, k + 1, prev, times(3)[k], sid, over=over)
            rows.append(r)
            prev = digest_of(p, r)
        add(p, "break/genesis-zero-bytes", "row 1's %s is the 32 zero bytes in the hash encoding (%s), not the profile's genesis (%s): "
            "prev_hash_mismatch (readable: it is a valid hash spelling)" % (p.col["prevHash"], rows[0][p.col["prevHash"]], p.genesis), rows)


# ---- inference -------------------------------------------------------------------

# Column names inference looks for, per role, in order (docs/chain-profiles.md).
SYNONYMS = {
    "id": ["id", "event_id"], "seq": ["seq"], "ts": ["ts", "created_at", "occurred_at"],
    "eventType": ["event_type", "type", "kind"], "actor": ["actor"], "payload": ["payload", "data", "body"],
    "prevHash": ["prev_hash", "previous_hash", "prev"], "hash": ["hash", "row_hash", "digest"],
    "signer": ["signer_id", "signer", "key_id"], "signature": ["signature", "sig"],
}


def summary(doc):
    """What a matched profile is, beyond its column layout."""
    return {"name": doc["name"], "hash": {"input": doc["hash"]["input"], "algorithm": doc["hash"].get("algorithm", "sha256"),
                                          "encoding": doc["hash"]["encoding"]},
            "signature": {"signs": doc["signature"]["signs"], "encoding": doc["signature"]["encoding"]},
            "genesis": doc["genesis"], "timestamp": doc["timestamp"]}


def infer(texts, reg):
    """The reference inference: every profile of the known constructions
    under which every sample row reads, hashes and verifies. Layouts: each
    built-in whose columns the rows have (other columns extra, hashed), and
    one from the common names; hash and signature encodings from the first
    row's values; both digests; every hash input (on trustcore's ten
    columns, `row` is `trustcore/v1`: tried once) and signed form; the
    genesis a first row shows, else every spelling. Returns the matching
    documents and the best (hash input, digest, rows hashed, signatures)."""
    rows = [json.loads(t) for t in texts]
    keys = sorted(rows[0])
    layouts = []
    for b in BUILTINS:
        if set(Profile(b).columns) <= set(keys):
            layouts.append({r: v for r, v in b["columns"].items() if v is not None})
    pick = {r: next((n for n in names if n in keys), None) for r, names in SYNONYMS.items()}
    if all(pick[r] for r in ROLES if r not in OPTIONAL_ROLES):
        layout = {r: v for r, v in pick.items() if v}
        if layout not in layouts:
            layouts.append(layout)
    matches, best = [], None
    for cols in layouts:
        extra = [k for k in keys if k not in cols.values()]
        h0, s0, t0 = rows[0][cols["hash"]], rows[0][cols["signature"]], rows[0][cols["ts"]]
        if re.fullmatch(r"(sha256|blake3):[0-9a-f]{64}", h0):
            encodings = [("prefixed", h0.split(":")[0])]
        elif re.fullmatch(r"[0-9a-f]{64}", h0):
            encodings = [("hex", "sha256"), ("hex", "blake3")]
        elif len(h0) == 44 and h0.endswith("="):
            encodings = [("base64", "sha256"), ("base64", "blake3")]
        else:
            encodings = []
        sig_enc = "hex" if re.fullmatch(r"[0-9a-f]{128}", s0) else "base64" if len(s0) == 88 else "base64url" if len(s0) == 86 else None
        timestamp = "rfc3339" if "T" in t0 else "postgres"
        prevs = [r[cols["prevHash"]] for r in rows]
        for encoding, alg in encodings:
            zero = Profile(doc_of(cols, extra, "row", alg, encoding, "envelope", "base64", "zeros", timestamp)).enc_hash(ZERO32)
            geneses = ["null"] if None in prevs else ["empty"] if "" in prevs else ["zeros"] if zero in prevs else ["zeros", "empty", "null"]
            for hinput in ["trustcore/v1", "row", "payload", "prev_hash_payload"]:
                v1 = cols == V1_COLUMNS and not extra
                if (hinput == "trustcore/v1" and not v1) or (hinput == "row" and v1) or sig_enc is None:
                    continue
                p = Profile(doc_of(cols, extra, hinput, alg, encoding, "envelope", sig_enc, geneses[0], timestamp))
                read = [read_row(p, canon(r).decode())[0] for r in rows]
                if any(r is None for r in read):
                    continue
                hashed = sum(row_verdicts(p, r, reg)[0] for r in read)
                sigs = {}
                for signs in ["envelope", "hash_input", "digest", "digest_text"]:
                    q = Profile(doc_of(cols, extra, hinput, alg, encoding, signs, sig_enc, geneses[0], timestamp))
                    sigs[signs] = sum(row_verdicts(q, r, reg)[1] is None for r in read)
                    if hashed == len(rows) and sigs[signs] == len(rows):
                        for g in geneses:
                            d = doc_of(cols, extra, hinput, alg, encoding, signs, sig_enc, g, timestamp)
                            if d not in matches:
                                matches.append(d)
                score = (hashed, max(sigs.values()))
                if best is None or score > best[0]:
                    best = (score, {"hashInput": hinput, "hashAlgorithm": alg, "hashesMatched": hashed, "signaturesVerified": max(sigs.values())})
    for d in matches:
        for b in BUILTINS:
            if dict(d, name=b["name"], description=b["description"]) == b:
                d["name"], d["description"] = b["name"], b["description"]
    return matches, best[1] if best else None


def doc_of(cols, extra, hinput, alg, encoding, signs, sig_enc, genesis, timestamp):
    """An inferred profile document (every member written out, as a
    built-in's)."""
    d = {"type": PROFILE_TYPE, "name": "inferred/v1", "description": None,
         "columns": {r: cols.get(r) for r in ROLES},
         "hash": {"input": hinput, "algorithm": alg, "encoding": encoding},
         "signature": {"signs": signs, "algorithm": "registry", "encoding": sig_enc},
         "genesis": genesis, "timestamp": timestamp, "order": "seq" if "seq" in cols else "ts"}
    if extra:
        d["extraColumns"] = [{"name": k, "hashed": True} for k in extra]
    return {k: v for k, v in d.items() if v is not None}


def inference_cases(profiles):
    out = []

    def add(cid, desc, rows, expect_names, registry=None, note=None, expect_explanation=None):
        texts = [line(r) if isinstance(r, dict) else r for r in rows]
        matches, best = infer(texts, registry or REGISTRY)
        names = sorted(d["name"] for d in matches)
        if names != sorted(expect_names):
            raise SystemExit("inference %s: matched %r, meant %r" % (cid, names, expect_names))
        expected = {"matches": names, "ambiguous": len(matches) > 1,
                    "matched": sorted((summary(d) for d in matches), key=lambda s: (s["name"], canon(s)))}
        if not matches:
            if expect_explanation is not None:
                for k, v in expect_explanation.items():
                    if best[k] != v:
                        raise SystemExit("inference %s: %s is %r, meant %r" % (cid, k, best[k], v))
            if best is not None:  # something was tried
                expected["explanation"] = best
            if note:
                expected["note"] = note
        c = {"id": cid, "description": desc, "rows": texts}
        if registry:
            c["registry"] = registry
        c["expected"] = expected
        out.append(c)

    by = {p.name: p for p in profiles}
    for name in [b["name"] for b in BUILTINS]:
        p = by[name]
        rows = build(p, 6)
        add("builtin/%s/first-rows" % name, "rows 1-3 of a %s chain (the first one shows the genesis spelling): exactly %s" % (name, name),
            rows[:3], [name])
        add("builtin/%s/later-rows" % name, "rows 4-6 of the same chain: no first row, so every genesis spelling fits: %s and two inferred/v1 "
            "variants (ambiguous)" % name, rows[3:], [name, "inferred/v1", "inferred/v1"])
        add("hopeless/%s/other-registry" % name, "rows 1-3 under a signers file with other keys for the same signer ids: no match; the hash matches "
            "under %s but no signature verifies" % p.hash_input, rows[:3], [], registry=FOREIGN_REGISTRY,
            note="the hash matches under %s (%s), but the signature does not verify under any signed form with the registered keys" % (p.hash_input, p.hash_alg),
            expect_explanation={"hashInput": p.hash_input, "hashAlgorithm": p.hash_alg, "hashesMatched": 3, "signaturesVerified": 0})
        edited = [dict(r) for r in rows[:3]]
        edited[1][p.col["payload"]] = {"n": 999}
        add("hopeless/%s/edited-row" % name, "rows 1-3 with row 2's %s edited: no match, the hash matches on 2 of 3 rows at best" % p.col["payload"],
            edited, [], expect_explanation={"hashInput": p.hash_input, "hashAlgorithm": p.hash_alg, "hashesMatched": 2})
    p = by["payload-sig/v1"]
    add("ambiguous/payload-sig-first-row-alone", "the first payload-sig/v1 row alone: with a null prev, prev_hash_payload hashes the same bytes "
        "as payload, so both fit (ambiguous)", build(p, 1), ["payload-sig/v1", "inferred/v1"])
    p = by["kernel/v1"]
    add("builtin/kernel/v1/both-signers", "rows 1-3 of a kernel/v1 chain, rows 2-3 signed by kms-digest (Ed25519ph): the registry's algorithm applies",
        build(p, 3, signers=[KERNEL, KMS, KMS]), ["kernel/v1"])
    p = by["acme/ts-ordered"]
    add("custom/acme-ts-ordered", "rows 1-3 of a custom profile with common column names: one inferred/v1 profile (row, digest_text)",
        build(p, 3), ["inferred/v1"])
    p = by["acme/blake3-pg"]
    add("custom/acme-blake3-pg", "rows 1-3 of a BLAKE3, PostgreSQL-timestamp table with common column names of no built-in: one inferred/v1 "
        "profile (prev_hash_payload, blake3, prefixed, envelope, hex, empty genesis, postgres)", build(p, 3), ["inferred/v1"])
    rename = {"id": "ident", "ts": "stamp", "actor": "who", "payload": "body_json", "prev_hash": "parent", "hash": "checksum",
              "signer_id": "signed_by", "signature": "mac"}
    add("hopeless/unknown-columns", "rows whose column names are neither a built-in's nor common ones: no layout, nothing tried, no match",
        [{rename[k]: v for k, v in r.items()} for r in build(by["acme/ts-ordered"], 3)], [])
    return out


# ---- refused documents ---------------------------------------------------------

def document_cases():
    base = BUILTINS[1]
    out = []

    def add(cid, desc, doc, code, path):
        try:
            Profile(doc)
        except ProfileError as e:
            if (e.code, e.path) != (code, path):
                raise SystemExit("document %s: %s at %r, meant %s at %r" % (cid, e.code, e.path, code, path))
        else:
            raise SystemExit("document %s loads" % cid)
        out.append({"id": cid, "description": desc, "document": doc, "expected": {"code": code, "path": path}})

    def edit(**changes):
        d = json.loads(json.dumps(base))
        for k, v in changes.items():
            parts = k.split("__")
            o = d
            for part in parts[:-1]:
                o = o[part]
            if v is DROP:
                del o[parts[-1]]
            else:
                o[parts[-1]] = v
        return d

    add("not-an-object", "a profile is a JSON object", ["kernel/v1"], "invalid_profile", "")
    add("type/missing", "no type", edit(type=DROP), "invalid_profile", "/type")
    add("type/other-format", "a type that is not a chain profile", edit(type="trustcore.policy-set/v1"), "invalid_profile", "/type")
    add("type/future-version", "a later profile version", edit(type="trustcore.chain-profile/v2"), "unsupported_profile_version", "/type")
    add("unknown-member", "a top-level member the format does not have", edit(owner="ops"), "invalid_profile", "/owner")
    add("unknown-member-escaped", "an unknown member whose name holds / and ~: the pointer escapes them (RFC 6901)", edit(**{"a/b~c": 1}),
        "invalid_profile", "/a~1b~0c")
    add("name/missing", "no name", edit(name=DROP), "invalid_profile", "/name")
    add("name/characters", "a name with a space", edit(name="kernel v1"), "invalid_profile", "/name")
    add("name/too-long", "a name of 65 characters", edit(name="n" * 65), "invalid_profile", "/name")
    add("description/not-a-string", "a description that is not a string", edit(description=["x"]), "invalid_profile", "/description")
    add("columns/missing", "no columns", edit(columns=DROP), "invalid_profile", "/columns")
    add("columns/unknown-role", "a role the format does not have", edit(columns__tenant="tenant_id"), "invalid_profile", "/columns/tenant")
    add("columns/required-missing", "no hash column", edit(columns__hash=DROP), "invalid_profile", "/columns/hash")
    add("columns/required-null", "the signature column null", edit(columns__signature=None), "invalid_profile", "/columns/signature")
    add("columns/not-an-identifier", "a column name with a space", edit(columns__ts="created at"), "invalid_profile", "/columns/ts")
    add("columns/leading-digit", "a column name starting with a digit", edit(columns__payload="1payload"), "invalid_profile", "/columns/payload")
    add("columns/too-long", "a column name of 64 characters", edit(columns__id="c" * 64), "invalid_profile", "/columns/id")
    add("columns/not-a-string", "a column name that is a number", edit(columns__eventType=5), "invalid_profile", "/columns/eventType")
    add("columns/used-twice", "one column for two roles: the later role is named", edit(columns__signer="hash"), "invalid_profile", "/columns/signer")
    add("extraColumns/not-an-array", "extraColumns is an object", edit(extraColumns={"name": "x"}), "invalid_profile", "/extraColumns")
    add("extraColumns/entry-not-an-object", "an extra column given as a string", edit(extraColumns=["tenant_id"]), "invalid_profile", "/extraColumns/0")
    add("extraColumns/bad-name", "an extra column with a dash", edit(extraColumns=[{"name": "tenant_id"}, {"name": "tenant-id"}]), "invalid_profile",
        "/extraColumns/1/name")
    add("extraColumns/hashed-not-boolean", "hashed given as a string", edit(extraColumns=[{"name": "tenant_id", "hashed": "no"}]), "invalid_profile",
        "/extraColumns/0/hashed")
    add("extraColumns/unknown-member", "an extra column with a type", edit(extraColumns=[{"name": "tenant_id", "type": "text"}]), "invalid_profile",
        "/extraColumns/0/type")
    add("extraColumns/plays-a-role", "an extra column that is also the payload column", edit(extraColumns=[{"name": "payload"}]), "invalid_profile",
        "/extraColumns/0/name")
    add("extraColumns/twice", "the same extra column twice", edit(extraColumns=[{"name": "tenant_id"}, {"name": "tenant_id", "hashed": False}]),
        "invalid_profile", "/extraColumns/1/name")
    add("hash/missing", "no hash", edit(hash=DROP), "invalid_profile", "/hash")
    add("hash/unknown-input", "a construction that is not in the closed set", edit(hash__input="row_without_ts"), "invalid_profile", "/hash/input")
    add("hash/input-missing", "no hash input", edit(hash__input=DROP), "invalid_profile", "/hash/input")
    add("hash/algorithm", "md5 is not a digest the format knows", edit(hash__algorithm="md5"), "invalid_profile", "/hash/algorithm")
    add("hash/encoding-missing", "no hash encoding (it has no default)", edit(hash__encoding=DROP), "invalid_profile", "/hash/encoding")
    add("hash/encoding", "uppercase hex is not an encoding", edit(hash__encoding="HEX"), "invalid_profile", "/hash/encoding")
    add("hash/unknown-member", "a salt member", edit(hash__salt="x"), "invalid_profile", "/hash/salt")
    add("hash/trustcore-v1-on-other-columns", "the trustcore/v1 construction on kernel/v1's columns", edit(hash__input="trustcore/v1"),
        "invalid_profile", "/hash/input")
    add("signature/missing", "no signature", edit(signature=DROP), "invalid_profile", "/signature")
    add("signature/signs", "a signed form that is not in the set", edit(signature__signs="row"), "invalid_profile", "/signature/signs")
    add("signature/algorithm", "ed448 is not an algorithm the format knows", edit(signature__algorithm="ed448"), "invalid_profile", "/signature/algorithm")
    add("signature/encoding", "base32 is not a signature encoding", edit(signature__encoding="base32"), "invalid_profile", "/signature/encoding")
    add("signature/not-an-object", "signature given as a string", edit(signature="ed25519"), "invalid_profile", "/signature")
    add("genesis/missing", "no genesis (it has no default)", edit(genesis=DROP), "invalid_profile", "/genesis")
    add("genesis/unknown", "a genesis spelling the format does not have", edit(genesis="none"), "invalid_profile", "/genesis")
    add("timestamp/unknown", "iso8601 is not a timestamp format", edit(timestamp="iso8601"), "invalid_profile", "/timestamp")
    add("timestamp/missing", "no timestamp", edit(timestamp=DROP), "invalid_profile", "/timestamp")
    add("order/unknown", "an order by id", edit(order="id"), "invalid_profile", "/order")
    add("order/seq-without-column", "order seq in a profile without a seq column", edit(order="seq"), "invalid_profile", "/order")
    return out


# ---- the file ----------------------------------------------------------------------

def main():
    profiles = [Profile(d) for d in BUILTINS + CUSTOM]
    PROFILES.extend(profiles)
    assert len({p.name for p in profiles}) == len(profiles)
    cases = []

    def add(p, kind, desc, rows, expected_head=None, stop_at_first=False, checkpoint=None, raw=None):
        text = raw if raw is not None else "".join((line(r) if isinstance(r, dict) else r) + "\n" for r in rows)
        c = {"id": "%s@%s" % (kind, p.name), "description": desc, "profile": p.name, "jsonl": text}
        opts = {}
        if expected_head:
            opts["expectedHead"] = expected_head
        if stop_at_first:
            opts["stopAtFirst"] = True
        if checkpoint:
            opts["checkpoint"] = checkpoint
        if opts:
            c["options"] = opts
        c["expected"] = verify(p, text, REGISTRY, expected_head, stop_at_first, checkpoint)
        cases.append(c)

    for p in profiles:
        profile_cases(p, add)
    add(profiles[1], "good/empty", "an empty export is a valid empty chain", [], raw="")
    genesis_zero_bytes_cases(profiles, add)
    sanity(cases)

    doc = {
        "format": "trustcore-vectors/profiles",
        "version": 1,
        "description": "Audit chains under chain profiles (trustcore.chain-profile/v1) with the expected verification report, profile "
                       "inference from sample rows and refused profile documents. Generated by tools/gen_profiles.py with cryptography "
                       "(Ed25519), pycryptodome (Ed25519ph), rfc8785 and blake3; see README.md.",
        "registry": REGISTRY,
        "profiles": [p.doc for p in profiles],
        "cases": cases,
        "inference": inference_cases(profiles),
        "documents": document_cases(),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %s: %d profiles, %d cases, %d inference cases, %d documents" % (
        os.path.relpath(OUT), len(profiles), len(cases), len(doc["inference"]), len(doc["documents"])))


def sanity(cases):
    """Each case shows what its name says: good ones verify, break ones
    break with the reason they are named after."""
    want = {"good/": None, "anchor/mid-chain-head": None, "uncovered/reordered@": None, "uncovered/redated": None,
            "uncovered/unhashed": None, "break/hash-mismatch": "hash_mismatch", "break/rewritten-resigned": "prev_hash_mismatch",
            "break/duplicate-id": "duplicate_id", "break/ts-regression": "ts_regression", "malformed/": "malformed_row",
            "invalid/": "invalid_field", "signature/": "invalid_signature", "signer/unknown": "unknown_signer",
            "signer/algorithm-not-allowed": "invalid_signature", "anchor/head-mismatch": "head_mismatch", "anchor/truncated": "truncated",
            "anchor/checkpoint-rewritten": "checkpoint_mismatch", "anchor/checkpoint-truncated": "truncated",
            "uncovered/reordered-checkpoint": "checkpoint_mismatch", "break/hashed-extra-column": "hash_mismatch",
            "break/genesis-later": "prev_hash_mismatch", "break/genesis-zero-bytes": "prev_hash_mismatch"}
    for c in cases:
        e = c["expected"]
        for prefix, reason in want.items():
            if c["id"].startswith(prefix):
                first = e["breaks"][0]["reason"] if e["breaks"] else None
                if first != reason:
                    raise SystemExit("%s: first break %r, meant %r" % (c["id"], first, reason))
        if c["id"].startswith("break/deleted-row@"):
            assert e["breaks"][0]["reason"] in ("seq_gap", "prev_hash_mismatch")
        if c["id"].startswith("signer/outside-window@"):
            assert e["breaks"][0]["reason"] in ("signer_expired", "signer_not_yet_valid")


if __name__ == "__main__":
    main()
