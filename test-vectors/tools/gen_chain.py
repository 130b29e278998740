#!/usr/bin/env python3
"""Writes ../chain.json: audit chains (JSONL) with the verifier's expected
report, good chains and each kind of break (format: ../README.md).

Independent of trustcore: rows are built and signed here with PyPI
`cryptography` (Ed25519) and `rfc8785` (canonical JSON), and the expected
reports come from the small sequential verifier below, written from
docs/audit-chain.md.

    /tmp/gen/bin/python test-vectors/tools/gen_chain.py
"""

import base64
import calendar
import hashlib
import json
import os
import re

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives import serialization

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain.json")
ZERO = "0" * 64
COLUMNS = {"actor", "event_type", "hash", "id", "payload", "prev_hash", "seq", "signature", "signer_id", "ts"}


def canon(v):
    return rfc8785.dumps(v)


def b64(b):
    return base64.b64encode(b).decode()


def key(n):
    sk = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"trustcore chain key %d" % n).digest())
    pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sk, pk


K1, K2, K3 = key(1), key(2), key(3)
REGISTRY = json.dumps({"signers": [
    {"signerId": "kernel-signer", "publicKey": b64(K1[1]), "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2026-06-01T00:00:00Z"},
    {"signerId": "kernel-signer-2", "publicKey": b64(K2[1]), "validFrom": "2026-05-01T00:00:00Z"},
    {"signerId": "revoked-signer", "publicKey": b64(K3[1]), "revokedAt": "2026-03-01T12:00:05Z"},
]})
KEYS = {"kernel-signer": K1, "kernel-signer-2": K2, "revoked-signer": K3}


def signing_input(h, signer):
    return canon({"alg": "ed25519", "kind": "trustcore.audit-event", "payload": {"hash": "sha256:" + h},
                  "signer": signer, "type": "trustcore.signing-input/v1"})


def body_hash(row):
    body = {k: v for k, v in row.items() if k not in ("hash", "signature")}
    return hashlib.sha256(canon(body)).hexdigest()


def make_row(seq, prev, ts, signer="kernel-signer", sign_key=None, **over):
    row = {
        "id": "6f1c2a4e-0000-4000-8000-%012x" % seq,
        "seq": seq,
        "ts": ts,
        "event_type": "manifest.signed" if seq % 2 else "allocation.approved",
        "actor": "svc:kernel-api",
        "payload": {"n": seq, "amount": 12.5 * seq, "note": "caf\u00e9 #%d" % seq, "nested": {"hash": "not the row's", "signature": None}},
        "prev_hash": prev,
        "signer_id": signer,
    }
    row.update(over)
    row["hash"] = body_hash(row)
    sk = (sign_key or KEYS.get(signer, K1))[0]
    row["signature"] = b64(sk.sign(signing_input(row["hash"], signer)))
    return row


def chain(n, start_ts=0, signer_of=lambda i: "kernel-signer"):
    rows, prev = [], ZERO
    for i in range(1, n + 1):
        s = start_ts + i
        ts = "2026-03-01T12:%02d:%02dZ" % (s // 60, s % 60)
        r = make_row(i, prev, ts, signer_of(i))
        rows.append(r)
        prev = r["hash"]
    return rows


def line(row):
    return canon(row).decode()


# ---- the reference verifier -------------------------------------------------

TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|\+00:00)$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HEX = re.compile(r"^[0-9a-f]{64}$")


def instant(t):
    m = TS.match(t)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    try:
        return calendar.timegm((y, mo, d, h, mi, s)) * 10**9 + int((m.group(7) or "").ljust(9, "0"))
    except (ValueError, OverflowError):
        return None


def signer_reason(reg, sid, t):
    e = next((x for x in reg if x["signerId"] == sid), None)
    if e is None:
        return "unknown_signer", None
    if "revokedAt" in e and t >= instant(e["revokedAt"]):
        return "signer_revoked", None
    if "validFrom" in e and t < instant(e["validFrom"]):
        return "signer_not_yet_valid", None
    if "validUntil" in e and t >= instant(e["validUntil"]):
        return "signer_expired", None
    return None, base64.b64decode(e["publicKey"])


def parse(text):
    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate")
        return dict(pairs)
    try:
        row = json.loads(text, object_pairs_hook=no_dupes)
    except ValueError:
        return None, "malformed_row"
    if not isinstance(row, dict) or set(row) != COLUMNS:
        return None, "malformed_row"
    for k in COLUMNS - {"payload", "seq"}:
        if not isinstance(row[k], str):
            return None, "malformed_row"
    if not UUID.match(row["id"]) or instant(row["ts"]) is None:
        return None, "invalid_field"
    if not all(row[k] and not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in row[k]) for k in ("event_type", "actor", "signer_id")):
        return None, "invalid_field"
    if not HEX.match(row["prev_hash"]) or not HEX.match(row["hash"]):
        return None, "invalid_field"
    try:
        sig = base64.b64decode(row["signature"], validate=True)
    except ValueError:
        return None, "invalid_field"
    if len(sig) != 64 or b64(sig) != row["signature"]:
        return None, "invalid_field"
    if type(row["seq"]) is not int or row["seq"] < 1:
        return None, "invalid_field"
    return row, None


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


def verify(text, reg_text, expected_head=None, stop_at_first=False, checkpoint=None):
    reg = json.loads(reg_text)["signers"]
    head = {"hash": ZERO, "seq": 0}
    last_ts = None
    ids = set()
    breaks = []
    leaves = []
    stopped = False
    position = 0
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    for ln in lines:
        if not ln.strip():
            continue
        pos = position
        position += 1
        row, err = parse(ln)
        if row is None:
            breaks.append({"position": pos, "reason": err})
            if stop_at_first:
                stopped = True
                break
            continue
        t = instant(row["ts"])
        reason = None
        if row["id"] in ids:
            reason = "duplicate_id"
        ids.add(row["id"])
        if reason is None and row["seq"] != head["seq"] + 1:
            reason = "seq_gap"
        elif reason is None and row["prev_hash"] != head["hash"]:
            reason = "prev_hash_mismatch"
        elif reason is None and body_hash(row) != row["hash"]:
            reason = "hash_mismatch"
        elif reason is None and last_ts is not None and t < last_ts:
            reason = "ts_regression"
        if reason is None:
            reason, pk = signer_reason(reg, row["signer_id"], t)
            if reason is None:
                try:
                    Ed25519PublicKey.from_public_bytes(pk).verify(
                        base64.b64decode(row["signature"]), signing_input(row["hash"], row["signer_id"]))
                except InvalidSignature:
                    reason = "invalid_signature"
        if reason:
            breaks.append({"position": pos, "seq": row["seq"], "id": row["id"], "reason": reason})
            stopped = stop_at_first
        last_ts = t
        head = {"hash": row["hash"], "seq": row["seq"], "ts": row["ts"]}
        leaves.append(bytes.fromhex(row["hash"]))
        if checkpoint and not stopped and len(leaves) == checkpoint["size"] and mth(leaves).hex() != checkpoint["root"]:
            breaks.append({"position": pos, "seq": row["seq"], "id": row["id"], "reason": "checkpoint_mismatch"})
            stopped = stop_at_first
        if stopped:
            break
    if expected_head and not stopped:
        if head["seq"] < expected_head["seq"]:
            breaks.append({"position": position, "reason": "truncated"})
        elif head["seq"] == expected_head["seq"] and head["hash"] != expected_head["hash"]:
            breaks.append({"position": position, "reason": "head_mismatch"})
    if checkpoint and not stopped and len(leaves) < checkpoint["size"]:
        breaks.append({"position": position, "reason": "truncated"})
    return {"valid": not breaks, "head": head, "rows": position, "breaks": breaks,
            "merkle": {"size": len(leaves), "root": mth(leaves).hex()}}


# ---- cases -------------------------------------------------------------------

def main():
    cases = []

    def add(cid, desc, rows, expected_head=None, stop_at_first=False, raw=None, checkpoint=None):
        text = raw if raw is not None else "\n".join(line(r) if isinstance(r, dict) else r for r in rows) + "\n"
        c = {"id": cid, "description": desc, "jsonl": text}
        opts = {}
        if expected_head:
            opts["expectedHead"] = expected_head
        if stop_at_first:
            opts["stopAtFirst"] = True
        if checkpoint:
            opts["checkpoint"] = checkpoint
        if opts:
            c["options"] = opts
        c["expected"] = verify(text, REGISTRY, expected_head, stop_at_first, checkpoint)
        cases.append(c)

    good = chain(10)
    head = {"hash": good[-1]["hash"], "seq": 10}
    add("good/ten", "ten events, genesis prev_hash is 64 zeros", good, expected_head=head)
    add("good/empty", "an empty export is a valid empty chain", [], raw="")
    add("good/crlf-and-blank-lines", "CRLF line ends and blank lines are accepted", [], raw="\r\n".join(line(r) for r in good[:3]) + "\r\n\r\n")
    add("good/member-order", "member order and whitespace in a row do not matter", [json.dumps(r, indent=None, sort_keys=False, ensure_ascii=True) for r in good[:4]])
    # A rotation in the middle, inside both windows (May 2026).
    rot, prev = [], ZERO
    for i in range(1, 7):
        signer = "kernel-signer" if i <= 3 else "kernel-signer-2"
        r = make_row(i, prev, "2026-05-15T00:00:%02dZ" % i, signer)
        rot.append(r)
        prev = r["hash"]
    add("good/rotation", "kernel-signer then kernel-signer-2 during the overlap", rot)

    bad = [dict(r) for r in good]
    bad[4]["payload"] = {"n": 999}
    add("break/hash-mismatch", "payload changed after hashing", bad)
    bad = [dict(r) for r in good]
    bad[4] = make_row(5, good[3]["hash"], good[4]["ts"], payload={"n": 999})
    add("break/rehashed-resigned-by-same-key", "a row rewritten and re-signed: the next row's link breaks", bad)
    bad = good[:4] + good[5:]
    add("break/deleted-row", "row 5 deleted", bad, expected_head=head)
    bad = good[:4] + [good[5], good[4]] + good[6:]
    add("break/swapped-rows", "rows 5 and 6 swapped", bad)
    bad = good[:5] + [good[4]] + good[5:]
    add("break/duplicated-row", "row 5 appears twice", bad)
    add("break/truncated", "the last three rows are missing", good[:7], expected_head=head)
    other = chain(10, start_ts=100)
    add("break/head-mismatch", "another chain of the same length", other, expected_head=head)
    bad = [dict(r) for r in good]
    bad[2]["signature"] = good[3]["signature"]
    add("break/signature-from-another-row", "a valid signature of another row", bad)
    bad = list(good)
    bad[6] = make_row(7, good[5]["hash"], good[6]["ts"], sign_key=K2)
    add("break/signed-by-another-key", "row 7 signed with a key that is not kernel-signer's", bad)
    bad = list(good)
    bad[6] = make_row(7, good[5]["hash"], good[6]["ts"], signer="intruder", sign_key=K2)
    add("break/unknown-signer", "row 7 names a signer the registry does not know", bad)
    early = []
    prev = ZERO
    for i in range(1, 4):
        r = make_row(i, prev, "2025-12-31T23:59:5%dZ" % i)
        early.append(r)
        prev = r["hash"]
    add("break/signer-not-yet-valid", "events dated before the key's window", early)
    late, prev = [], ZERO
    for i in range(1, 4):
        r = make_row(i, prev, "2026-06-01T00:00:0%dZ" % (i - 1))
        late.append(r)
        prev = r["hash"]
    add("break/signer-expired", "events dated at and after validUntil", late)
    rv, prev = [], ZERO
    for i in range(1, 9):
        r = make_row(i, prev, "2026-03-01T12:00:%02dZ" % i, "revoked-signer")
        rv.append(r)
        prev = r["hash"]
    add("break/signer-revoked", "a key revoked at 12:00:05 signs events up to 12:00:08", rv)
    ts, prev = [], ZERO
    for i, s in enumerate([1, 2, 9, 3, 4], start=1):
        r = make_row(i, prev, "2026-03-01T12:00:%02dZ" % s)
        ts.append(r)
        prev = r["hash"]
    add("break/ts-regression", "the fourth event is dated before the third", ts)
    bad = [line(r) for r in good]
    bad[1] = bad[1][:-1]
    add("break/malformed-json", "a row cut short", bad)
    bad = [line(r) for r in good]
    bad[1] = bad[1].replace('"actor":', '"actor":"x","actor":', 1)
    add("break/duplicate-member", "strict I-JSON: a duplicate column", bad)
    bad = [dict(r) for r in good]
    bad[1]["extra"] = 1
    add("break/unknown-column", "a column that is not in audit_events", bad)
    bad = [dict(r) for r in good]
    bad[1]["id"] = bad[1]["id"].upper()
    add("break/uppercase-uuid", "ids are plain lowercase UUIDs", bad)
    bad = [dict(r) for r in good]
    bad[1]["id"] = "evt_" + bad[1]["id"]
    add("break/prefixed-id", "ids have no prefix", bad)
    bad = [dict(r) for r in good]
    bad[1]["hash"] = bad[1]["hash"].upper()
    add("break/uppercase-hash", "hashes are lowercase hex", bad)
    bad = [dict(r) for r in good]
    bad[1]["ts"] = "2026-03-01T13:00:02+01:00"
    add("break/ts-with-offset", "times are UTC", bad)
    bad = [dict(r) for r in good]
    bad[1]["seq"] = "2"
    add("break/seq-string", "seq is a JSON integer, not a string", bad)
    bad = [dict(r) for r in good]
    bad[0]["seq"] = 0
    add("break/seq-zero", "seq counts from 1", bad)
    bad = [dict(r) for r in good]
    bad[1]["signature"] = bad[1]["signature"][:-4]
    add("break/short-signature", "signature of 61 bytes", bad)
    multi = [dict(r) for r in good]
    multi[2]["payload"] = {"x": 1}
    multi = multi[:6] + multi[7:]
    add("break/collect-all", "a tampered row and a deleted one: two breaks, no cascade", multi)
    add("break/stop-at-first", "the same with stop-at-first: one break", multi, stop_at_first=True)
    cp = {"size": 10, "root": mth([bytes.fromhex(r["hash"]) for r in good]).hex()}
    add("checkpoint/consistent", "the chain has the checkpoint's size and root", good, checkpoint=cp)
    add("checkpoint/grown", "the chain grew past the checkpoint: its first 10 events still match", good + chain(12)[10:], checkpoint=cp)
    add("checkpoint/truncated", "the tail was cut after the checkpoint was signed", good[:7], checkpoint=cp)
    add("checkpoint/rewritten", "a valid chain of the same length that is not the checkpointed one", other, checkpoint=cp)
    cp5 = {"size": 5, "root": mth([bytes.fromhex(r["hash"]) for r in good[:5]]).hex()}
    add("checkpoint/rewritten-after", "rows after a checkpoint of 5 were replaced: the checkpoint still matches, the links break", good[:5] + other[5:], checkpoint=cp5)

    doc = {
        "format": "trustcore-vectors/chain",
        "version": 1,
        "description": "Audit chains as JSONL exports with the expected verification report. Generated by tools/gen_chain.py with cryptography (Ed25519) and rfc8785; see README.md.",
        "registry": REGISTRY,
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %s: %d cases" % (os.path.relpath(OUT), len(cases)))


if __name__ == "__main__":
    main()
