#!/usr/bin/env python3
"""Writes ../chain.json: audit chains (JSONL) with the verifier's expected
report, good chains and each kind of break (format: ../README.md).

Independent of trustcore: rows are built and signed here with PyPI
`cryptography` (Ed25519) and `rfc8785` (canonical JSON), and the expected
reports come from the small sequential verifier below, written from
docs/audit-chain.md. The replay cases (`replay` in the file) come from the
small replay below, written from the same page ("Deterministic replay").

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


MAX_BREAKS = 1000


def verify(text, reg_text, expected_head=None, stop_at_first=False, checkpoint=None):
    """The reference verifier. Anchors: the trusted head is checked at the
    row that brings the head to its seq or past it (head_mismatch unless it
    is exactly that seq and hash), the checkpoint when the tree reaches its
    size (checkpoint_mismatch); never reached: truncated at the end. A
    checkpoint of size 0 is checked before the first row."""
    reg = json.loads(reg_text)["signers"]
    head = {"hash": ZERO, "seq": 0}
    last_ts = None
    ids = set()
    breaks = []
    counts = {}
    leaves = []
    stopped = False
    position = 0
    count = 0
    pinned_head = pinned_cp = False

    def report(b):
        nonlocal stopped
        counts[b["reason"]] = counts.get(b["reason"], 0) + 1
        if len(breaks) < MAX_BREAKS:
            breaks.append(b)
        if stop_at_first:
            stopped = True

    def anchors(pos, row):
        nonlocal pinned_head, pinned_cp
        where = {"position": pos}
        if row is not None:
            where.update(seq=row["seq"], id=row["id"])
        if expected_head and not pinned_head and head["seq"] >= expected_head["seq"]:
            pinned_head = True
            if head["seq"] != expected_head["seq"] or head["hash"] != expected_head["hash"]:
                report(dict(where, reason="head_mismatch"))
        if checkpoint and not pinned_cp and not stopped and len(leaves) == checkpoint["size"]:
            pinned_cp = True
            if mth(leaves).hex() != checkpoint["root"]:
                report(dict(where, reason="checkpoint_mismatch"))

    anchors(0, None)
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    for ln in lines:
        if stopped:
            break
        if not ln.strip():
            continue
        pos = position
        position += 1
        row, err = parse(ln)
        if row is None:
            report({"position": pos, "reason": err})
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
            report({"position": pos, "seq": row["seq"], "id": row["id"], "reason": reason})
        else:
            count += 1
        last_ts = t
        head = {"hash": row["hash"], "seq": row["seq"], "ts": row["ts"]}
        leaves.append(bytes.fromhex(row["hash"]))
        if not stopped:
            anchors(pos, row)
    if expected_head and not stopped and not pinned_head:
        report({"position": position, "reason": "truncated"})
    if checkpoint and not stopped and not pinned_cp:
        report({"position": position, "reason": "truncated"})
    return {"valid": not counts, "head": head, "rows": position, "count": count, "breaks": breaks,
            "break_count": sum(counts.values()), "break_counts": counts,
            "merkle": {"size": len(leaves), "root": mth(leaves).hex()}}


# ---- the reference replay ---------------------------------------------------

def event_value(row):
    """A readable row as the JSON value of its ten columns (as its canonical
    text reads back: 25.0 is 25)."""
    return json.loads(canon(row))


def replay(rows, start=ZERO):
    """Rows (texts) in any order back into chain order from the head hash
    `start`: unreadable rows by input position; a row seen before (the same
    canonical row, in any spelling) counts once; rows grouped by prev_hash, a
    group of two or more is a fork (members by hash, then by canonical row
    bytes; forks by prev_hash; hashes compared as bytes), so two rows with
    one hash and different signatures are a fork too; from `start`, each step
    takes and removes the first row of the current hash's group; whatever
    readable row is left is an orphan (ids sorted)."""
    groups, seen, malformed = {}, set(), []
    for position, text in enumerate(rows):
        row, reason = parse(text)
        if row is None:
            malformed.append({"position": position, "reason": reason})
            continue
        key = canon(row)
        if key in seen:
            continue  # the same row again, in any spelling
        seen.add(key)
        groups.setdefault(row["prev_hash"], []).append(row)
    forks = []
    for prev in sorted(groups, key=bytes.fromhex):
        group = groups[prev]
        group.sort(key=lambda r: (bytes.fromhex(r["hash"]), canon(r)))
        if len(group) > 1:
            forks.append({"prev_hash": prev, "ids": [r["id"] for r in group], "hashes": [r["hash"] for r in group]})
    events, cur = [], start
    while groups.get(cur):
        row = groups[cur].pop(0)  # taken, so a claimed hash that loops back cannot repeat it
        events.append(event_value(row))
        cur = row["hash"]
    orphans = sorted(r["id"] for g in groups.values() for r in g)
    return {"events": events, "forks": forks, "orphans": orphans, "malformed": malformed}


def permuted(items, salt):
    """A fixed shuffle that depends on no library's random numbers."""
    keyed = sorted(range(len(items)), key=lambda i: hashlib.sha256(b"%s %d" % (salt.encode(), i)).digest())
    return [items[i] for i in keyed]


def replay_cases():
    out = []

    def add(cid, desc, rows, start=None, events=None, orphans=None, forks=None, malformed=None):
        """`events` (ids in order), `orphans`, `forks` (lists of ids) and
        `malformed` (reasons by position) are what the case means, written
        from the rows; the reference must agree with them."""
        texts = [line(r) if isinstance(r, dict) else r for r in rows]
        c = {"id": cid, "description": desc, "rows": texts}
        if start is not None:
            c["start"] = start
        got = replay(texts, start["hash"] if start else ZERO)
        for name, want, have in [
            ("events", events, [e["id"] for e in got["events"]]),
            ("orphans", orphans, got["orphans"]),
            ("forks", forks, [f["ids"] for f in got["forks"]]),
            ("malformed", malformed, [(m["position"], m["reason"]) for m in got["malformed"]]),
        ]:
            if want is not None and want != have:
                raise SystemExit("%s: %s %r, meant %r" % (cid, name, have, want))
        c["expected"] = got
        out.append(c)

    ids = lambda rs: [r["id"] for r in rs]
    good = chain(10)
    add("replay/in-order", "ten events in chain order come back as they are", good,
        events=ids(good), orphans=[], forks=[], malformed=[])
    add("replay/shuffled", "the same ten events in a fixed shuffled order: one chain order", permuted(good, "shuffled"),
        events=ids(good), orphans=[], forks=[], malformed=[])
    add("replay/reversed", "newest first (a query ordered by seq descending)", good[::-1],
        events=ids(good), orphans=[], forks=[], malformed=[])
    a, b = good[:6], good[3:]
    inter = [r for pair in zip(a + [None] * (len(b) - len(a)), b) for r in pair if r is not None]
    add("replay/two-exports-interleaved", "two workers' exports of rows 1-6 and 4-10, interleaved row by row: the overlap counts once",
        inter, events=ids(good), orphans=[], forks=[], malformed=[])
    add("replay/two-exports-concatenated", "the export of rows 4-10 followed by the export of rows 1-6", b + a,
        events=ids(good), orphans=[], forks=[], malformed=[])

    # A second branch from row 4: rows 5', 6', 7' by another actor. Pick
    # the branch's first payload so that it loses (larger hash) in one case
    # and wins (smaller hash) in the other.
    def branch(tag, want_smaller):
        for k in range(100):
            rows, prev = [], good[3]["hash"]
            for i in range(5, 8):
                r = make_row(i, prev, good[i - 1]["ts"], id="7a2b3c4d-0000-4000-8000-%012x" % (i + 100 * k),
                             actor="svc:worker-b", payload={"branch": tag, "n": i, "try": k})
                rows.append(r)
                prev = r["hash"]
            if (bytes.fromhex(rows[0]["hash"]) < bytes.fromhex(good[4]["hash"])) == want_smaller:
                return rows
        raise SystemExit("no branch found")

    lose = branch("b", False)
    add("fork/branch-loses", "rows 5'-7' also hang off row 4; row 5 has the smaller hash, so rows 5-10 are followed and the other branch is orphaned",
        permuted(good + lose, "fork-lose"), events=ids(good), orphans=sorted(ids(lose)),
        forks=[ids(sorted([good[4], lose[0]], key=lambda r: r["hash"]))], malformed=[])
    win = branch("w", True)
    add("fork/branch-wins", "rows 5'-7' hang off row 4 and 5' has the smaller hash: 1-4 then 5'-7' are followed; rows 5-10 (the loser and its descendants) are orphans",
        permuted(good + win, "fork-win"), events=ids(good[:4] + win), orphans=sorted(ids(good[4:])),
        forks=[[win[0]["id"], good[4]["id"]]], malformed=[])
    resigned = make_row(5, good[3]["hash"], good[4]["ts"], payload={"n": 999})
    assert bytes.fromhex(resigned["hash"]) < bytes.fromhex(good[4]["hash"])
    add("fork/rewritten-row-beside-original", "row 5 rewritten and re-signed, exported after the original: a fork of two rows with the same id; "
        "the rewritten row has the smaller hash, so it is followed and the original row 5 and rows 6-10 are orphans",
        good + [resigned], events=ids(good[:5]), orphans=ids(good[4:]), forks=[[resigned["id"], good[4]["id"]]], malformed=[])
    other = [make_row(i, prev, "2026-03-01T13:00:%02dZ" % i, id="5e6f7a8b-0000-4000-8000-%012x" % i) for i, prev in [(1, ZERO)]]
    for i in range(2, 6):
        other.append(make_row(i, other[-1]["hash"], "2026-03-01T13:00:%02dZ" % i, id="5e6f7a8b-0000-4000-8000-%012x" % i))
    first = min([good, other], key=lambda rs: bytes.fromhex(rs[0]["hash"]))
    second = other if first is good else good
    add("fork/two-chains-from-genesis", "two chains that both start at genesis, interleaved: the one whose first event has the smaller hash is followed, the other is orphaned",
        [r for pair in zip(good, other + [None] * 5) for r in pair if r is not None],
        events=ids(first), orphans=sorted(ids(second)), forks=[sorted([good[0]["id"], other[0]["id"]], key=lambda i: next(r["hash"] for r in good + other if r["id"] == i))], malformed=[])
    alt8 = make_row(8, good[6]["hash"], good[7]["ts"], id="7a2b3c4d-0000-4000-8000-0000000000f8", actor="svc:worker-b")
    alt3 = next(r for r in (make_row(3, good[1]["hash"], good[2]["ts"], id="7a2b3c4d-0000-4000-8000-0000000000f3",
                                     actor="svc:worker-b", payload={"try": k}) for k in range(100))
                if bytes.fromhex(r["hash"]) > bytes.fromhex(good[2]["hash"]))
    assert bytes.fromhex(alt8["hash"]) > bytes.fromhex(good[7]["hash"])
    add("fork/two-forks", "rows 3' and 8' also follow rows 2 and 7, with larger hashes than rows 3 and 8: two forks, listed in the order of their prev_hash, "
        "each with its rows by hash; the walk passes both and 3', 8' are orphans",
        permuted(good + [alt8, alt3], "two-forks"), events=ids(good), orphans=sorted([alt3["id"], alt8["id"]]),
        forks=[f for _, f in sorted([(good[1]["hash"], [good[2]["id"], alt3["id"]]), (good[6]["hash"], [good[7]["id"], alt8["id"]])])],
        malformed=[])

    add("missing/middle-row", "row 5 is missing: rows 1-4 are replayed, rows 6-10 are orphans", permuted(good[:4] + good[5:], "missing"),
        events=ids(good[:4]), orphans=ids(good[5:]), forks=[], malformed=[])
    add("missing/first-row", "row 1 is missing: nothing hangs off genesis, every row is an orphan", good[1:],
        events=[], orphans=ids(good[1:]), forks=[], malformed=[])
    add("missing/fork-among-orphans", "row 5 is missing and rows 8 and 8' both follow row 7: the fork is reported although replay never reaches it",
        permuted(good[:4] + good[5:] + [alt8], "orphan-fork"), events=ids(good[:4]), orphans=sorted(ids(good[5:] + [alt8])), malformed=[])

    add("duplicates/identical-rows", "every row twice and row 3 a third time: the same row is one event, not a fork",
        permuted(good + good + [good[2]], "dupes"), events=ids(good), orphans=[], forks=[], malformed=[])
    twin = make_row(4, good[2]["hash"], good[3]["ts"], sign_key=K2)
    assert twin["hash"] == good[3]["hash"] and twin["signature"] != good[3]["signature"]
    add("fork/same-hash-other-signature", "row 4 twice with the same hash but another signature (the hash does not cover it): "
        "two rows compete for one place, a fork whatever the input order; the one first by canonical row is followed",
        permuted(good + [twin], "twin"), events=ids(good), orphans=[good[3]["id"]], forks=[[good[3]["id"], good[3]["id"]]], malformed=[])
    respelled = [json.dumps(r, indent=1, sort_keys=False, ensure_ascii=True) for r in good[:3]]
    add("duplicates/same-row-other-spelling", "rows 1-3 also given with other member order, whitespace and escapes: the same hash, one event each",
        good[:5] + respelled, events=ids(good[:5]), orphans=[], forks=[], malformed=[])

    def mutated(i, **over):
        r = dict(good[i])
        r.update(over)
        return line(r)
    extra = dict(good[1]); extra["extra"] = 1
    nopayload = {k: v for k, v in good[2].items() if k != "payload"}
    bad_rows = [
        ("", "malformed_row"),
        (line(good[1])[:-1], "malformed_row"),
        ("[]", "malformed_row"),
        ("{}", "malformed_row"),
        (line(extra), "malformed_row"),
        (line(nopayload), "malformed_row"),
        (line(good[1]).replace('"actor":', '"actor":"x","actor":', 1), "malformed_row"),
        (mutated(3, actor=7), "malformed_row"),
        (mutated(1, id=good[1]["id"].upper()), "invalid_field"),
        (mutated(1, hash=good[1]["hash"].upper()), "invalid_field"),
        (mutated(1, ts="2026-03-01T13:00:02+01:00"), "invalid_field"),
        (mutated(0, seq=0), "invalid_field"),
        (mutated(1, seq="2"), "invalid_field"),
        (mutated(1, signature=good[1]["signature"][:-4]), "invalid_field"),
        (mutated(1, actor=""), "invalid_field"),
    ]
    mixed, want_bad = [], []
    for i, r in enumerate(good):
        mixed.append(r)
        for text, reason in bad_rows[i * 2:i * 2 + 2] if i < 7 else []:
            want_bad.append((len(mixed), reason))
            mixed.append(text)
    for text, reason in bad_rows[14:]:
        want_bad.append((len(mixed), reason))
        mixed.append(text)
    assert len(want_bad) == len(bad_rows)
    add("malformed/mixed-in", "unreadable rows (malformed_row: not JSON, cut short, not an object, a column too many or missing, a duplicate member, a non-string column; invalid_field: uppercase id or hash, an offset time, seq 0 or a string, a short signature, an empty actor) among the ten good rows: listed by input position, the chain is whole",
        mixed, events=ids(good), orphans=[], forks=[], malformed=want_bad)
    add("malformed/replaces-a-link", "row 5 is only there with an uppercase hash: it is unreadable, so rows 6-10 are orphans",
        good[:4] + [mutated(4, hash=good[4]["hash"].upper())] + good[5:],
        events=ids(good[:4]), orphans=ids(good[5:]), forks=[], malformed=[(4, "invalid_field")])

    start4 = {"hash": good[3]["hash"], "seq": 4}
    add("start/non-genesis", "replay from the head after row 4 (a checkpoint or an earlier run) of rows 5-10 in shuffled order",
        permuted(good[4:], "start"), start=start4, events=ids(good[4:]), orphans=[], forks=[], malformed=[])
    add("start/non-genesis-with-earlier-rows", "replay from the head after row 4 of the whole chain: rows 1-4 do not hang off the start and are orphans",
        permuted(good, "start-all"), start=start4, events=ids(good[4:]), orphans=ids(good[:4]), forks=[], malformed=[])
    add("start/head-nothing-follows", "a start head that no row names as prev_hash: no events, every row an orphan",
        good[:3], start={"hash": hashlib.sha256(b"no such event").hexdigest(), "seq": 7}, events=[], orphans=ids(good[:3]), forks=[], malformed=[])
    add("start/last-row", "the start head is the last row's: nothing follows, the rows before are orphans",
        good, start={"hash": good[-1]["hash"], "seq": 10}, events=[], orphans=ids(good), forks=[], malformed=[])

    add("empty/no-rows", "no rows: nothing to replay", [], events=[], orphans=[], forks=[], malformed=[])
    add("empty/no-rows-with-start", "no rows from a non-genesis head", [], start=start4, events=[], orphans=[], forks=[], malformed=[])
    add("empty/only-unreadable", "only unreadable rows", ["", "null", "{\"id\":1}"], events=[], orphans=[], forks=[],
        malformed=[(0, "malformed_row"), (1, "malformed_row"), (2, "malformed_row")])

    tampered = dict(good[2]); tampered["payload"] = {"n": 999}
    add("unverified/tampered-payload", "replay orders by the hash columns and does not verify: row 3 with a changed payload keeps its place",
        permuted(good[:2] + [tampered] + good[3:], "tampered"), events=ids(good), orphans=[], forks=[], malformed=[])
    looped = make_row(2, good[0]["hash"], good[1]["ts"])
    looped["hash"] = ZERO  # claims the genesis value as its own hash
    add("unverified/claimed-hash-loops-back", "row 2 claims the all-zero hash, so the walk comes back to the start: each row is taken once and the walk ends",
        [looped, good[0]], events=[good[0]["id"], looped["id"]], orphans=[], forks=[], malformed=[])
    return out


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

    # Trusted anchors pin history: the log holder re-signs a rewritten
    # history with the real key and extends it past the anchor.
    def continue_from(prefix, n, tag):
        rows, prev = list(prefix), prefix[-1]["hash"] if prefix else ZERO
        for i in range(len(prefix) + 1, len(prefix) + n + 1):
            r = make_row(i, prev, "2026-03-01T12:30:%02dZ" % i, payload={"forged": tag, "n": i})
            rows.append(r)
            prev = r["hash"]
        return rows
    head3 = {"hash": good[2]["hash"], "seq": 3}
    add("anchor/rewritten-before-head-and-extended", "rows 2-3 rewritten and re-signed by the real key, the chain extended past the trusted head at seq 3: "
        "refused at the row that reaches seq 3, however the chain continues", continue_from(good[:1], 6, "a"), expected_head=head3)
    add("anchor/extended-after-head", "the true rows 1-3 and an extension after the trusted head: valid", continue_from(good[:3], 4, "b"), expected_head=head3)
    jump = [good[0], good[1], make_row(4, good[1]["hash"], good[3]["ts"])]
    add("anchor/jumps-past-head", "seq 3 is skipped (2 then 4): the trusted head at seq 3 is never reached", jump, expected_head=head3)
    add("anchor/rewritten-inside-checkpoint", "rows 2-10 rewritten and re-signed, extended to 12: the checkpoint of 10 refuses it",
        continue_from(good[:1], 11, "d"), checkpoint=cp)
    empty_root = mth([]).hex()
    add("checkpoint/empty-right-root", "a checkpoint of size 0 with the empty tree's root, over an empty export", [], raw="",
        checkpoint={"size": 0, "root": empty_root})
    add("checkpoint/empty-wrong-root", "a checkpoint of size 0 whose root is not the empty tree's: checked before the first row",
        good[:2], checkpoint={"size": 0, "root": "ab" * 32})

    doc = {
        "format": "trustcore-vectors/chain",
        "version": 1,
        "description": "Audit chains as JSONL exports with the expected verification report. Generated by tools/gen_chain.py with cryptography (Ed25519) and rfc8785; see README.md.",
        "registry": REGISTRY,
        "cases": cases,
        "replay": replay_cases(),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %s: %d cases, %d replay cases" % (os.path.relpath(OUT), len(cases), len(doc["replay"])))


if __name__ == "__main__":
    main()
