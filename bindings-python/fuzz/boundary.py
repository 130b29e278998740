"""Fuzzes the Python binding at its boundary (issue #15).

Random Python objects, drawn by hypothesis strategies, go into every public
function of `trustcore` and every constructor, static method, method,
property and implemented dunder of every public class, all found by
introspection (`trustcore.__all__`, `dir()` of each class): nothing is
hand-listed, so a new export is fuzzed as soon as it exists (a new class
only needs a builder of valid instances below, or the run fails).

Arguments mix hostile objects (str with lone surrogates, huge and negative
ints, NaN/inf/-0.0, bytes, bytearray, memoryview (released ones too),
nested lists/tuples/dicts with non-str keys, cyclic lists, objects whose
`__str__`, `__repr__`, `__index__`, `__iter__`, `__len__`, `__getattr__` or
`__await__` raise or lie, generators, sets, classes, callables that raise
or answer junk) with valid and mutated domain values (keys, rows, chains,
heads, states, notes, vkeys, hashes, policy sets, requests, and whole
valid calls with one argument replaced), so calls get past the first
argument check and reach the core. Every target gets an equal share of the
time, round after round, each share one hypothesis run.

Asserted, per call: no crash (abort, segfault, Rust panic reaching Python
as PanicException), no hang (each call under PER_CALL seconds; a child
that makes no progress for WATCHDOG seconds is killed), and every exception
is a `trustcore.TrustcoreError` subclass with a non-empty string `code`,
a `TypeError` (a Python argument of the wrong type), the fuzzer's own
`Boom` raised by a hostile object's method and propagated unchanged, or,
for `verify_file` only, an `OSError` for a path that cannot be opened.
Never `SystemError`, `UnicodeEncodeError`, `OverflowError`, a bare
`ValueError`/`RuntimeError`, or anything else.

The calls run in a child process (`--child`); this parent reads, over a
pipe, the description of each call before it is made, so a crash or a
hang is reported with the input that caused it. Bounded by FUZZ_SECONDS
(default 30); FUZZ_SEED fixes hypothesis' seed. Exit status 0 only when
nothing bad was found. FUZZ_SELFTEST=bad|crash|hang adds a broken target
(tests/test_fuzz_harness.py checks that each is caught and reported).

Usage: python fuzz/boundary.py        (from bindings-python, trustcore installed)
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time

PER_CALL = 2.0  # seconds a single call may take
WATCHDOG = float(os.environ.get("FUZZ_WATCHDOG", "5"))  # seconds without progress: a hang


# ---- Parent: runs the child, watches it ------------------------------------


def parent() -> int:
    seconds = float(os.environ.get("FUZZ_SECONDS", "30"))
    seed = int(os.environ.get("FUZZ_SEED", str(int.from_bytes(os.urandom(4), "big"))))
    read_fd, write_fd = os.pipe()
    env = dict(os.environ, FUZZ_FD=str(write_fd), FUZZ_SECONDS=str(seconds), FUZZ_SEED=str(seed))
    # Hypothesis caches its Unicode tables in its storage directory: one that
    # outlives the child's scratch directory is built once, not every run.
    env.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                   os.path.join(tempfile.gettempdir(), "trustcore-fuzz-hypothesis"))
    work = tempfile.mkdtemp(prefix="trustcore-fuzz-")
    log = open(os.path.join(work, "child.log"), "w+b")
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--child"],
        pass_fds=(write_fd,), env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT,
    )
    os.close(write_fd)
    reader = os.fdopen(read_fd, "r", encoding="utf-8", errors="replace")
    last_call, stats, bad = None, None, []
    last_progress = time.monotonic()
    deadline = time.monotonic() + seconds + 120  # generous: start-up, the last calls
    buf = ""
    while True:
        r, _, _ = select.select([reader], [], [], 0.5)
        now = time.monotonic()
        if r:
            chunk = os.read(read_fd, 1 << 16).decode("utf-8", "replace")
            if not chunk:
                break  # EOF: the child exited
            buf += chunk
            *lines, buf = buf.split("\n")
            for line in lines:
                tag, _, rest = line.partition(" ")
                if tag == "C":
                    last_call = rest
                    last_progress = now
                elif tag == "B":
                    bad.append(json.loads(rest))
                elif tag == "S":
                    stats = json.loads(rest)
        if now - last_progress > WATCHDOG or now > deadline:
            child.kill()
            child.wait()
            print(f"fuzz: HANG: no progress for {WATCHDOG:.0f} s (seed {seed}); last call:\n  {last_call}")
            return 1
    rc = child.wait()
    log.seek(0)
    tail = log.read()[-4000:].decode("utf-8", "replace")
    if rc != 0 or stats is None:
        print(f"fuzz: CRASH: the child exited with status {rc} (seed {seed}); last call:\n  {last_call}")
        print(tail)
        return 1
    print(
        "fuzz: {calls} calls in {seconds:.1f} s ({rate:.0f}/s), seed {seed}: {targets} targets "
        "({functions} functions; {methods} constructors, methods and properties of {classes} classes)".format(
            rate=stats["calls"] / max(stats["seconds"], 1e-9), seed=seed, **stats))
    print("fuzz: outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["outcomes"].items())))
    never_ok = stats["never_returned"]
    print(f"fuzz: {stats['targets'] - len(never_ok)} of {stats['targets']} targets returned normally "
          f"at least once; {len(stats['codes'])} distinct error codes seen")
    if stats["unreached"]:
        print("fuzz: targets never called: " + ", ".join(stats["unreached"]))
    if bad:
        print(f"fuzz: FAILED: {len(bad)} calls raised what they must not:")
        for b in bad[:20]:
            print(f"  {b['target']}: {b['error']}\n    input: {b['input']}")
        return 1
    if stats["unreached"] and stats["calls"] >= 20 * stats["targets"]:
        print("fuzz: FAILED: a full run must call every target")
        return 1
    return 0


# ---- Child: the fuzz loop ------------------------------------------------------


def child() -> int:
    import asyncio
    import datetime
    import gzip
    import decimal
    import hashlib
    import inspect
    import itertools
    import zlib

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hyp_seed
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    import trustcore as tc

    proto = os.fdopen(int(os.environ["FUZZ_FD"]), "w", buffering=1, encoding="utf-8",
                      errors="backslashreplace")
    seconds = float(os.environ["FUZZ_SECONDS"])
    seed = int(os.environ["FUZZ_SEED"])

    # -- hostile objects ---------------------------------------------------------

    class Boom(Exception):
        """What the fuzzer's hostile objects raise; the binding must pass it on."""

    class RaisesStr:
        def __str__(self):
            raise Boom("__str__")

        def __repr__(self):
            return "RaisesStr()"

        def __format__(self, spec):
            raise Boom("__format__")

    class RaisesIndex:
        def __index__(self):
            raise Boom("__index__")

        def __int__(self):
            raise Boom("__int__")

        def __repr__(self):
            return "RaisesIndex()"

    class RaisesIter:
        def __iter__(self):
            raise Boom("__iter__")

        def __len__(self):
            return 3

        def __repr__(self):
            return "RaisesIter()"

    class RaisesLater:
        """Iterates two items, then raises."""

        def __iter__(self):
            yield b"\x00" * 32
            yield "x"
            raise Boom("third item")

        def __repr__(self):
            return "RaisesLater()"

    class Lying:
        """Claims a huge length, holds two junk items."""

        def __len__(self):
            return sys.maxsize

        def __length_hint__(self):
            return sys.maxsize

        def __iter__(self):
            return iter([object(), 1])

        def __getitem__(self, i):
            if i < 2:
                return object()
            raise IndexError(i)

        def __repr__(self):
            return "Lying()"

    class RaisesGetattr:
        def __getattr__(self, name):
            raise Boom("__getattr__ " + name)

        def __repr__(self):
            return "RaisesGetattr()"

    class BadAwait:
        def __await__(self):
            raise Boom("__await__")

        def __repr__(self):
            return "BadAwait()"

    class EvilStr(str):
        def encode(self, *a, **k):
            raise Boom("encode")

        def __str__(self):
            raise Boom("__str__")

    class EvilInt(int):
        def __index__(self):
            raise Boom("__index__")

        def __str__(self):
            raise Boom("__str__")

    class EvilDict(dict):
        def __iter__(self):
            raise Boom("__iter__")

        def keys(self):
            raise Boom("keys")

        def items(self):
            raise Boom("items")

    class EvilList(list):
        def __iter__(self):
            raise Boom("__iter__")

        def __len__(self):
            return sys.maxsize

    class EvilBytes(bytes):
        def __bytes__(self):
            raise Boom("__bytes__")

    def raising_fn(message):
        raise Boom("signer offline")

    async def async_signer(message):
        return SK.sign(message)

    async def async_raising(message):
        raise Boom("async signer offline")

    def junk_signer(message):
        return "not bytes"

    def bad_await_signer(message):
        return BadAwait()

    released = memoryview(b"released")
    released.release()
    cyclic = [1]
    cyclic.append(cyclic)
    cyclic_dict = {}
    cyclic_dict["self"] = cyclic_dict

    # -- valid domain values -----------------------------------------------------

    SK = tc.SecretKey.from_bytes(bytes([7]) * 32)
    SK2 = tc.SecretKey.from_bytes(bytes([8]) * 32)
    LOG = "audit.example/log"
    signers_doc = {"signers": [
        {"signerId": "s1", "publicKey": SK.public_key().to_base64()},
        {"signerId": "s2", "publicKey": SK2.public_key().to_base64(), "algorithm": "ed25519ph",
         "revokedAt": "2026-06-01T00:00:00Z"},
    ]}
    signers_json = json.dumps(signers_doc)

    def registry():
        return tc.SignerRegistry.from_json(signers_json)

    def ev_body(i):
        return {"id": f"6f1c2a4e-0000-4000-8000-{i:012d}", "ts": f"2026-03-01T12:00:{i % 60:02d}Z",
                "event_type": "t", "actor": "a", "payload": {"n": i}}

    w = tc.ChainWriter("s1", SK.public_key())
    ROWS = [w.append(ev_body(i), SK) for i in range(1, 9)]
    HEAD = w.head
    JSONL = "\n".join(ROWS) + "\n"
    HASHES = [bytes.fromhex(json.loads(r)["hash"]) for r in ROWS]
    TREE = tc.MerkleTree(HASHES)
    CP = tc.Checkpoint(LOG, len(HASHES), TREE.root())
    NOTE = CP.sign([(LOG, SK)])
    VKEY = tc.VerifierKey(LOG, SK.public_key())
    v = tc.ChainVerifier(registry())
    v.feed("\n".join(ROWS[:4]) + "\n")
    STATE = v.state()
    POLICY = {"type": "trustcore.policy-set/v1", "defaultDecision": "allow", "policies": [
        {"id": "p", "version": 1, "state": "active", "mode": "enforce", "severity": "high",
         "target": {"actions": ["POST /x*"]},
         "condition": {"op": "gt", "path": "/body/amount", "value": 10},
         "effect": "deny", "rationale": "too much"}]}
    POLICY_JSON = json.dumps(POLICY)
    REQUEST = {"action": "POST /x", "subject": {"id": "u", "roles": ["r"]}, "body": {"amount": 50}}
    RECORD = tc.evaluate(tc.PolicySet.from_json(POLICY_JSON), REQUEST)["policyChecks"][0]
    ENVELOPE = tc.Envelope.create("k", {"a": 1})
    ENVELOPE.sign(SK, "s1")
    ENV_JSON = ENVELOPE.to_json()
    ROTATION = tc.Envelope.create(tc.ROTATION_KIND, {
        "previous": "s1", "next": {"signerId": "s3", "publicKey": SK2.public_key().to_base64(),
                                   "validFrom": "2026-04-01T00:00:00Z"},
        "previousValidUntil": "2026-05-01T00:00:00Z", "rotatedAt": "2026-04-01T00:00:00Z"})
    ROTATION.sign(SK, "s1")
    ROTATION.sign(SK2, "s3")
    with open("chain.jsonl", "w", encoding="utf-8") as f:
        f.write(JSONL)

    # Fresh valid instances of every public class (methods may mutate them).
    def writer():
        return tc.ChainWriter("s1", SK.public_key(), head=HEAD)

    def verifier():
        x = tc.ChainVerifier(registry())
        x.feed(ROWS[0] + "\n")
        return x

    def envelope():
        return tc.Envelope.from_json(ENV_JSON)

    INSTANCES = {
        "PublicKey": lambda: SK.public_key(),
        "SecretKey": lambda: SK,
        "Prepared": lambda: envelope().prepare("s1"),
        "Envelope": envelope,
        "SignerRegistry": registry,
        "ApprovalSet": lambda: tc.ApprovalSet.from_json(
            '{"name":"n","threshold":1,"signers":["s1","s2"]}'),
        "PreparedEvent": lambda: writer().prepare(ev_body(9)),
        "ChainWriter": writer,
        "ChainVerifier": verifier,
        "MerkleTree": lambda: tc.MerkleTree(HASHES[:5]),
        "Frontier": lambda: tc.Frontier.from_parts(8, TREE_FRONTIER),
        "VerifierKey": lambda: VKEY,
        "Checkpoint": lambda: CP,
        "PolicySet": lambda: tc.PolicySet.from_json(POLICY_JSON),
    }
    f8 = tc.Frontier()
    for h in HASHES:
        f8.push_data(h)
    TREE_FRONTIER = f8.hashes()

    # Chain profiles, revocation (#10); snapshots and redaction (#12).
    KERNEL = tc.builtin_profiles()["kernel/v1"]
    kw = tc.ChainWriter("s1", SK.public_key(), profile="kernel/v1")
    KROWS = [kw.append_row({"id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
                            "created_at": f"2026-03-01T12:00:{i:02d}Z", "event_type": "t",
                            "payload": {"n": i}}, SK) for i in range(1, 5)]
    KBODY = {"id": "6f1c2a4e-0000-4000-8000-000000000099", "created_at": "2026-03-01T13:00:00Z",
             "event_type": "t", "payload": {"n": 99}}
    OFFICER = tc.SecretKey.from_bytes(bytes([9]) * 32)
    REG2_JSON = json.dumps({"signers": signers_doc["signers"] + [
        {"signerId": "officer", "publicKey": OFFICER.public_key().to_base64()}]})
    REG_REVOKED, REVOCATION = tc.revoke_signer(
        tc.SignerRegistry.from_json(REG2_JSON), "s1", "2026-03-01T12:00:03Z", "key compromise",
        "officer", OFFICER)

    def registry2():
        return tc.SignerRegistry.from_json(REG2_JSON)

    def trace(i):
        return {"trace_id": f"tr-{i}", "ts": f"2026-03-01T12:00:{i % 60:02d}Z",
                "user": {"email": "ann@example.com"}, "notes": [{"phone": "+14155550123"}]}

    sb = tc.SnapshotBuilder()
    BATCH = b"".join(sb.push(trace(i)) for i in range(1, 6))
    UNSIGNED = sb.finish("snap-1", "2026-03-01T13:00:00Z")
    SNAP = UNSIGNED.sign(SK, "s1")
    SNAP_JSON = SNAP.to_json()
    SNAP_PROOF = tc.record_proof(BATCH, 2)
    BATCH_LINES = [x for x in BATCH.split(b"\n") if x]
    with gzip.open("snap.jsonl.gz", "wb") as f:
        f.write(BATCH)
    with open("snap.jsonl", "wb") as f:
        f.write(BATCH)
    RPOLICY = {"type": tc.REDACTION_POLICY_TYPE, "id": "p", "version": 1, "rules": [
        {"id": "e", "select": {"keys": ["email"]}, "action": "replace", "class": "email"},
        {"id": "ph", "select": {"detect": "phone"}, "action": "pseudonymize", "class": "phone"}]}
    RKEYS = tc.RedactionKeys(bytes([7]) * 32, bytes([8]) * 32)
    COMMITTED, DISCLOSURES = tc.commit(trace(1), tc.load_redaction_policy(RPOLICY), RKEYS)
    _, RRECORD = tc.redact(trace(1), tc.load_redaction_policy(RPOLICY), RKEYS)
    PUBLISHED = tc.ChainWriter("s1", SK.public_key()).append(
        SNAP.event_body("6f1c2a4e-0000-4000-8000-000000000001", "2026-03-01T13:00:01Z", "svc"), SK)

    def snapshot_builder():
        b = tc.SnapshotBuilder()
        b.push(trace(1))
        return b

    def snapshot_verifier():
        v = tc.SnapshotVerifier(SNAP, registry())
        v.feed(BATCH[:40])
        return v

    INSTANCES.update({
        "SnapshotBuilder": snapshot_builder,
        "UnsignedSnapshot": lambda: UNSIGNED,
        "PreparedSnapshot": lambda: UNSIGNED.prepare("s2", "ed25519ph"),
        "Snapshot": lambda: SNAP,
        "SnapshotVerifier": snapshot_verifier,
        "RedactionPolicy": lambda: tc.load_redaction_policy(RPOLICY),
        "RedactionKeys": lambda: RKEYS,
    })

    # PostgreSQL plans (#11) and segments (#14).
    PG_TYPES = [("id", "uuid"), ("seq", "bigint"), ("ts", "timestamp with time zone"),
                ("event_type", "text"), ("actor", "text"), ("payload", "jsonb"),
                ("prev_hash", "text"), ("hash", "text"), ("signer_id", "text"),
                ("signature", "text")]
    JB = JSONL.encode()

    def segment_of(text, **o):
        x = tc.SegmentVerifier(registry(), **o)
        x.push_bytes(text)
        return x.finish()

    SEGS3 = [segment_of("\n".join(ROWS[a:b]) + "\n") for a, b in ((0, 3), (3, 5), (5, 8))]
    SUMS = [s.summary() for s in SEGS3]
    SEG_BUCKETS = [s.id_buckets(k, 2) for k, s in enumerate(SEGS3)]
    DUPS = tc.duplicates([b[0] for b in SEG_BUCKETS]) + tc.duplicates([b[1] for b in SEG_BUCKETS])
    STITCHER = tc.Stitcher(SUMS, DUPS)
    SEG_REQS = STITCHER.requests()
    SEG_ANSWERS = [SEGS3[json.loads(q)["segment"]].answer(q) for q in SEG_REQS]

    def segment_verifier():
        x = tc.SegmentVerifier.for_bytes(registry(), 0, len(JB) // 2)
        x.push_bytes(JB[:100])
        return x

    INSTANCES.update({
        "Table": lambda: tc.Table("audit.events"),
        "SelectPlan": lambda: tc.SelectPlan("trustcore/v1", "audit_events", PG_TYPES),
        "AppendPlan": lambda: tc.AppendPlan("trustcore/v1", "audit_events", PG_TYPES),
        "SegmentVerifier": segment_verifier,
        "Segment": lambda: SEGS3[0],
        "Stitcher": lambda: tc.Stitcher(SUMS, DUPS),
    })

    # -- strategies ----------------------------------------------------------------

    def pool(items):
        """One of `items`, drawn by index: hypothesis never looks at (or
        reprs) the objects themselves, some of which raise when it does."""
        items = list(items)

        def pick(i):
            return items[i]

        return st.integers(0, len(items) - 1).map(pick)

    lone = st.integers(0xD800, 0xDFFF).map(chr)
    text = st.one_of(
        st.text(max_size=40),
        st.builds(lambda a, s, b: a + s + b, st.text(max_size=10), lone, st.text(max_size=10)),
        st.sampled_from(["", "s1", "s2", "ed25519", "ed25519ph", "sha256", "blake3", "md5",
                         "2026-03-01T12:00:00Z", "2026-03-01T12:00:00+01:00", "k", LOG,
                         tc.ROTATION_KIND, tc.EVENT_KIND, "\x00", "\ufeff{}", "chain.jsonl", ".",
                         "nonexistent", "{}", "[]", "null", '{"a":1,"a":2}', "1e400",
                         "9007199254740993", "x" * 5000]),
        st.builds(lambda s: EvilStr(s), st.text(max_size=5)),
    )
    ints = st.one_of(
        st.integers(-10, 70),
        st.integers(),
        st.sampled_from([2**31, 2**31 + 1, 2**32, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1,
                         2**64, -(2**63) - 1, 10**30, -1, 0, 1024, 1025, 1000001]),
        # More digits than Python prints (by index: hypothesis reprs samples).
        pool([10**5000, -(10**100000)]),
        st.builds(EvilInt, st.integers(0, 9)),
    )
    floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from([float("nan"), float("inf"), -float("inf"), -0.0, 1e308,
                                        1.5, 2.0]))
    raw = st.one_of(
        st.binary(max_size=80),
        st.sampled_from([b"", bytes(31), bytes(32), bytes(33), bytes(64), b"\xff\xfe", b"\xed\xa0\x80"]),
        st.builds(bytearray, st.binary(max_size=40)),
        st.builds(memoryview, st.binary(max_size=40)),
        st.builds(EvilBytes, st.binary(max_size=8)),
    )
    hostile = pool([
        released, None, True, False, object(), RaisesStr(), RaisesIndex(), RaisesIter(), RaisesLater(),
        Lying(), RaisesGetattr(), BadAwait(), EvilDict(a=1), EvilList([1]), cyclic, cyclic_dict,
        set(), frozenset({1}), {1, 2}, complex(1, 2), decimal.Decimal("1.5"),
        datetime.datetime(2026, 1, 1), range(2**62), range(0), itertools.count(),
        (i for i in range(3)), iter([1, 2]), type, tc, tc.TrustcoreError, Ellipsis,
        NotImplemented, raising_fn, junk_signer, bad_await_signer, async_signer, async_raising,
        SK.sign, SK2.sign, print, lambda *a: None, "x" * (1 << 21), [None] * 10000,
    ])
    domain = pool([
        JSONL, JSONL.encode(), ROWS[0], ROWS[3].encode(), json.loads(ROWS[2]),
        ROWS[1].replace('"t"', '"u"'), ROWS, [json.loads(r) for r in ROWS], ROWS[::-1],
        HEAD, {"hash": "0" * 64, "seq": 0}, {"hash": "ab" * 32, "seq": 3, "ts": "2026-03-01T12:00:03Z"},
        {"size": 8, "root": TREE.root().hex()}, {"size": 0, "root": "00" * 32},
        STATE, dict(STATE, stopped=True), dict(STATE, check="sha256:" + "0" * 64),
        ev_body(20), dict(ev_body(21), seq=1), HASHES[0], HASHES, TREE.root(),
        TREE.inclusion_proof(2, 8), TREE.consistency_proof(3, 8), NOTE, NOTE.encode(),
        NOTE.replace("\n8\n", "\n7\n"), str(VKEY), VKEY, [VKEY], [str(VKEY)], CP,
        SK.public_key(), SK, SK2, [(LOG, SK)], registry(), envelope(), ROTATION, ENV_JSON,
        POLICY, POLICY_JSON, POLICY_JSON.encode(), tc.PolicySet.from_json(POLICY_JSON),
        REQUEST, json.dumps(REQUEST), [REQUEST, "{}", b"[]"], RECORD, dict(RECORD, id="x"),
        signers_json, signers_doc, SK.export_pem(), SK.public_key().to_pem(),
        SK.public_key().to_hex(), SK.public_key().to_base64(), SK.public_key().to_jwk(),
        json.loads(SK.export_jwk()), SK.public_key().to_der(), SK.export_der(),
        tc.MerkleTree(HASHES[:3]), f8, writer().prepare(ev_body(9)), envelope().prepare("s1"),
        verifier(), writer(), tc.ApprovalSet.from_json('{"name":"n","threshold":1,"signers":["s1"]}'),
        ["ext line"], {"max_depth": 3}, 0, 1, 3, 8, 9, 2**63 - 1,
    ])
    # Valid values by parameter name (over every function and method that
    # has one), so that most calls get past their first argument and reach
    # the core; mutated now and then.
    MSG = b"fuzz message"
    HINTS = {
        "text": [JSONL, JSONL.encode(), ROWS[0], '{"b":1,"a":[1.5,true]}', ENV_JSON, signers_json,
                 POLICY_JSON, SK.public_key().to_hex(), SK.public_key().to_base64(), str(VKEY),
                 CP.to_text(), tc.digest(b""), SK.export_hex(), json.dumps({"keys": [json.loads(SK.public_key().to_jwk("s1"))]}),
                 '{"name":"n","threshold":1,"signers":["s1"]}'],
        "chunk": [JSONL, JSONL.encode(), JSONL[:100], bytearray(JSONL.encode())],
        "row": [ROWS[0], ROWS[5].encode(), json.loads(ROWS[3]), ROWS[2].replace('"t"', '"u"')],
        "rows": [ROWS, ROWS[::-1], [json.loads(r) for r in ROWS], ROWS + ["junk"], ROWS[2:]],
        "registry": [registry()], "envelope": [envelope(), ROTATION],
        "public_key": [SK.public_key(), SK.public_key().to_bytes()],
        "expected_public_key": [SK.public_key()], "secret_key": [SK, SK2],
        "index": [0, 1, 2, 3, 7, 8], "size": [1, 3, 5, 8], "old_size": [1, 3, 8],
        "new_size": [3, 5, 8], "chain_size": [5, 8, 9],
        "proof": [TREE.inclusion_proof(2, 8), TREE.inclusion_proof(0, 8), TREE.consistency_proof(3, 8), []],
        "root": [TREE.root(), TREE.root_at(3)], "old_root": [TREE.root_at(3)], "new_root": [TREE.root()],
        "chain_root": [TREE.root()], "leaf_hash": [tc.leaf_hash(HASHES[2]), tc.leaf_hash(HASHES[0])],
        "note": [NOTE, NOTE.encode()], "checkpoint_note": [NOTE],
        "verifier_keys": [[VKEY], [str(VKEY)], []], "verifier_key": [VKEY],
        "checkpoint": [CP], "frontier": [f8, tc.Frontier()],
        "policy_set": [tc.PolicySet.from_json(POLICY_JSON)], "current": [tc.PolicySet.from_json(POLICY_JSON)],
        "candidate": [tc.PolicySet.from_json(POLICY_JSON)], "request": [REQUEST, json.dumps(REQUEST)],
        "record": [RECORD, json.dumps(RECORD)], "requests": [[REQUEST, "{}", json.dumps(REQUEST)]],
        "value": [REQUEST, "u1", 42, {"tenant": "a"}], "obj": [REQUEST, {"a": [1, 2.5, None]}],
        "payload": [{"version": "1"}, [1, 2], None], "payload_json": ['{"a":1}', b"[1]"],
        "at": ["2026-03-01T12:00:00Z", "2026-07-01T00:00:00Z", "2025-01-01T00:00:00.5+00:00"],
        "signer": ["s1", "s2"], "signer_id": ["s1", "s2", "s3"], "name": [LOG],
        "alg": ["ed25519", "ed25519ph"], "algorithm": ["sha256", "blake3"],
        "kind": ["k", tc.ROTATION_KIND], "state": [STATE], "head": [HEAD], "start": [HEAD, None],
        "body": [ev_body(9), ev_body(10)], "sign_fn": [SK.sign, raising_fn, junk_signer, async_signer],
        "prepared": [writer().prepare(ev_body(9))], "signers": [[(LOG, SK)], [(LOG, SK), (LOG, SK2)]],
        "extensions": [["line one"], []], "data": [HASHES[0], b"", MSG], "message": [MSG],
        "signature": [SK.sign(MSG), bytes(64)], "digest": [bytes(64)], "der": [SK.public_key().to_der(), SK.export_der()],
        "pem": [SK.public_key().to_pem(), SK.export_pem()], "jwk": [SK.public_key().to_jwk(), json.loads(SK.export_jwk())],
        "path": ["chain.jsonl", "nonexistent"], "kid": ["k1", None], "leaf_data": [HASHES, HASHES[:3]],
        "hashes": [TREE_FRONTIER], "memo": [{}], "signer_id_": ["s1"],
    }
    for k, v in {
        "profile": ["kernel/v1", "trustcore/v1", KERNEL, json.dumps(KERNEL).encode(), "nope/v1", None],
        "doc": [KERNEL, json.dumps(KERNEL), RPOLICY, json.dumps(RPOLICY), trace(2), "kernel/v1"],
        "rows": [KROWS, KROWS[::-1]], "row": [KROWS[0], PUBLISHED, json.loads(PUBLISHED)],
        "items": [[(envelope(), "2026-03-01T12:00:00Z"), ROWS[0]], ROWS, KROWS],
        "old": [registry2()], "new": [REG_REVOKED], "record": [REVOCATION, COMMITTED, BATCH_LINES[2]],
        "revoked_at": ["2026-03-01T12:00:03Z"], "reason": ["key compromise", ""],
        "authority": ["officer", "s1"], "authority_key": [OFFICER, SK],
        "metadata": [SNAP, SNAP_JSON, SNAP.metadata, SNAP_JSON.encode()],
        "batch": [BATCH, BATCH.decode(), BATCH[:-30]], "snapshot_id": ["snap-1", ""],
        "signer_kid": ["s1", "s2"], "ts": ["2026-03-01T13:00:00Z"], "id": ["6f1c2a4e-0000-4000-8000-000000000002"],
        "actor": ["svc"], "policy": [tc.load_redaction_policy(RPOLICY)], "keys": [RKEYS],
        "salt_key": [bytes(32), b"short"], "pseudonym_key": [bytes(32), None],
        "entry": [RRECORD["redactions"][0]], "disclosures": [DISCLOSURES, DISCLOSURES[:1], ["x"]],
        "path": ["snap.jsonl.gz", "snap.jsonl"], "chunk": [BATCH, BATCH[:33]],
        "body": [KBODY], "expected_public_key": [SK2.public_key()],
    }.items():
        HINTS[k] = HINTS.get(k, []) + v
    for k, v in {  # PostgreSQL plans (#11) and segments (#14)
        "types": [PG_TYPES, PG_TYPES[:-1], [], [("id", "integer")]],
        "table": ["audit_events", "audit.events", "x; DROP TABLE y", tc.Table("t")],
        "summaries": [SUMS, SUMS[:2], SUMS[::-1]], "duplicates": [DUPS, [(0, 1)], [(9, 0)]],
        "answers": [SEG_ANSWERS, SEG_ANSWERS[:1]], "segments": [SEGS3, SEGS3[:1], []],
        "buckets": [[b[0] for b in SEG_BUCKETS], [bytes(27)], 2, 1],
        "segment": [0, 1, 2], "request": SEG_REQS, "length": [len(JB), 0, 100],
        "parts": [1, 3, 1000], "start": [0, 100, len(JB)], "end": [len(JB), 200],
        "sqlstate": ["23505", "40001", "42P01"], "count": [8, 0], "ts": ["2026-03-01T12:00:00.5Z"],
        "data": [SEGS3[0].to_bytes()], "name": ["audit_events", "audit.events"],
        "row": [ROWS[7]], "profile": ["trustcore/v1"],
    }.items():
        HINTS[k] = HINTS.get(k, []) + v
    HINTS = {k: pool(v) for k, v in HINTS.items()}
    # Whole valid calls, for the targets whose arguments must agree with each
    # other (a proof and its root, a signature and its message): used as they
    # are, or with one argument replaced by anything.
    D64 = hashlib.sha512(MSG).digest()
    PE = writer().prepare(ev_body(9))
    CP3 = tc.Checkpoint(LOG, 3, TREE.root_at(3))
    PS = tc.PolicySet.from_json(POLICY_JSON)
    VALID = {
        "verify_inclusion": [(tc.leaf_hash(HASHES[2]), 2, 8, TREE.inclusion_proof(2, 8), TREE.root())],
        "verify_consistency": [(3, 8, TREE.root_at(3), TREE.root(), TREE.consistency_proof(3, 8))],
        "check_extension": [(CP3, 8, TREE.root(), TREE.consistency_proof(3, 8))],
        "check_against_checkpoint": [(CP, f8), (CP3, f8)],
        "verify": [(SK.public_key(), MSG, SK.sign(MSG))],
        "verify_ed25519ph_digest": [(SK.public_key(), D64, tc.sign_ed25519ph_digest(SK, D64))],
        "verify_event_in_checkpoint": [(ROWS[2], 2, TREE.inclusion_proof(2, 8), NOTE, [VKEY], registry())],
        "open_checkpoint": [(NOTE, [VKEY]), (NOTE.encode(), [str(VKEY)])],
        "enforce_or_throw": [(PS, dict(REQUEST, body={"amount": 1})), (PS, REQUEST)],
        "evaluate": [(PS, REQUEST)], "explain": [(RECORD, PS)], "impact": [(PS, PS, [REQUEST])],
        "verify_jsonl": [(JSONL, registry())], "verify_file": [("chain.jsonl", registry())],
        "replay": [(ROWS[::-1],), (ROWS, HEAD)],
        "canonicalize_text": [('{"b":[1,2.50],"a":"\\u00e9"}',)],
        "canonical_digest_text": [("[1,2]", "blake3")], "parse_digest": [(tc.digest(b"x"),)],
        "Envelope.attach": [("s1", SK.sign(envelope().prepare("s1").message), SK.public_key())],
        "Envelope.sign": [(SK, "s1"), (SK, "s2", "ed25519ph")],
        "Envelope.sign_with": [("s1", SK.public_key(), SK.sign)],
        "Envelope.sign_with_async": [("s1", SK.public_key(), async_signer)],
        "Envelope.from_json": [(ENV_JSON,)], "Envelope.from_text": [("k", '{"a":1}')],
        "ChainWriter.prepare": [(ev_body(9),)], "ChainWriter.attach": [(PE, SK.sign(PE.message))],
        "ChainWriter.append": [(ev_body(9), SK)], "ChainWriter.append_with": [(ev_body(9), SK.sign)],
        "ChainWriter.append_with_async": [(ev_body(9), async_signer)],
        "ChainVerifier.resume": [(registry(), STATE)], "ChainVerifier.from_head": [(registry(), HEAD)],
        "SignerRegistry.apply_rotation": [(ROTATION,)], "SignerRegistry.verify_rotation": [(ROTATION,)],
        "SignerRegistry.get": [("s1",)], "SignerRegistry.key_for": [("s1", "2026-03-01T00:00:00Z")],
        "SignerRegistry.from_json": [(signers_json,)], "SignerRegistry.from_jwks": [(registry().to_jwks(),)],
        "ApprovalSet.from_json": [('{"name":"n","threshold":1,"signers":["s1"]}',)],
        "PolicySet.from_json": [(POLICY_JSON,)], "PolicySet.from_dict": [(POLICY,)],
        "PublicKey.from_base64": [(SK.public_key().to_base64(),)], "PublicKey.from_der": [(SK.public_key().to_der(),)],
        "PublicKey.from_hex": [(SK.public_key().to_hex(),)], "PublicKey.from_pem": [(SK.public_key().to_pem(),)],
        "PublicKey.from_jwk": [(SK.public_key().to_jwk(),)], "PublicKey.from_bytes": [(SK.public_key().to_bytes(),)],
        "SecretKey.from_bytes": [(bytes(32),)], "SecretKey.from_der": [(SK.export_der(),)],
        "SecretKey.from_hex": [(SK.export_hex(),)], "SecretKey.from_base64": [(SK.export_base64(),)],
        "SecretKey.from_pem": [(SK.export_pem(),)], "SecretKey.from_jwk": [(SK.export_jwk(),)],
        "VerifierKey.parse": [(str(VKEY),)], "Checkpoint.parse": [(CP.to_text(),)],
        "Checkpoint.sign_with": [(VKEY, SK.sign), (VKEY, SK.sign, NOTE)],
        "Frontier.from_parts": [(8, TREE_FRONTIER)], "MerkleTree.consistency_proof": [(3, 5)],
        "MerkleTree.inclusion_proof": [(2, 5)], "ApprovalSet.verify": [(envelope(), registry(), "2026-03-01T00:00:00Z")],
    }
    VALID.update({
        "infer_profile": [(KROWS[:3], registry())], "verify_row": [(KROWS[1], registry(), "kernel/v1")],
        "load_profile": [(KERNEL,), ("kernel/v1",)], "profile_digest": [("kernel/v1",)],
        "profile_coverage": [(KERNEL,)],
        "revoke_signer": [(registry2(), "s1", "2026-03-01T12:00:03Z", "x", "officer", OFFICER)],
        "verify_revocation": [(registry2(), REVOCATION)], "apply_revocation": [(registry2(), REVOCATION)],
        "revocation_payload": [("s1", "2026-03-01T12:00:03Z", "x")],
        "recheck": [([(envelope(), "2026-03-01T12:00:00Z"), *ROWS[:3]], registry2(), REG_REVOKED),
                    (KROWS, registry2(), REG_REVOKED, "kernel/v1")],
        "verify_snapshot": [(SNAP, BATCH, registry())], "verify_snapshot_file": [(SNAP, "snap.jsonl.gz", registry())],
        "record_proof": [(BATCH, 2)], "verify_record": [(SNAP, BATCH_LINES[2], 2, SNAP_PROOF, registry())],
        "check_snapshot_event": [(SNAP, PUBLISHED)], "Snapshot.check_event": [(PUBLISHED,)],
        "Snapshot.from_json": [(SNAP_JSON,)], "Snapshot.from_dict": [(SNAP.metadata,)],
        "Snapshot.event_body": [("6f1c2a4e-0000-4000-8000-000000000002", "2026-03-01T13:00:00Z", "svc")],
        "SnapshotBuilder.push": [(trace(3),), (json.dumps(trace(4)),)],
        "SnapshotBuilder.finish": [("snap-2", "2026-03-01T13:00:00Z")],
        "SnapshotVerifier.feed": [(BATCH[40:],)],
        "UnsignedSnapshot.sign": [(SK, "s1"), (SK2, "s2", "ed25519ph")],
        "UnsignedSnapshot.prepare": [("s2", "ed25519ph")],
        "UnsignedSnapshot.sign_with": [("s1", SK.public_key(), SK.sign)],
        "UnsignedSnapshot.sign_with_async": [("s1", SK.public_key(), async_signer)],
        "PreparedSnapshot.attach": [(tc.sign_ed25519ph_digest(SK2, UNSIGNED.prepare("s2", "ed25519ph").message),
                                     SK2.public_key())],
        "load_redaction_policy": [(RPOLICY,), (json.dumps(RPOLICY),)],
        "RedactionPolicy.from_dict": [(RPOLICY,)], "RedactionPolicy.from_json": [(json.dumps(RPOLICY),)],
        "redact": [(trace(2), tc.load_redaction_policy(RPOLICY), RKEYS)],
        "commit": [(trace(2), tc.load_redaction_policy(RPOLICY), RKEYS)],
        "disclose": [(COMMITTED, DISCLOSURES), (COMMITTED, DISCLOSURES[:1])],
        "proves": [(RRECORD["redactions"][0], "ann@example.com", RKEYS)],
        "ChainWriter.append_row": [(KBODY, SK)], "ChainWriter.prepare_row": [(KBODY,)],
        "ChainWriter.append_row_with": [(KBODY, SK.sign)],
        "ChainWriter.append_row_with_async": [(KBODY, async_signer)],
        "replay": [(ROWS[::-1],), (ROWS, HEAD), (KROWS[::-1], None)],
    })
    VALID.update({  # PostgreSQL plans (#11) and segments (#14)
        "Table": [("audit_events",), ("audit.events",)],
        "SelectPlan": [("trustcore/v1", "audit_events", PG_TYPES)],
        "AppendPlan": [("trustcore/v1", "audit_events", PG_TYPES)],
        "AppendPlan.head": [(ROWS[7], 8), (None, 0)], "AppendPlan.params": [(ROWS[0],)],
        "AppendPlan.body_ts": [("2026-03-01T12:00:00.5Z",)],
        "migration": [("trustcore/v1", "audit_events"), ("kernel/v1", "audit.events")],
        "retryable": [("23505",), ("42P01",)],
        "SegmentVerifier": [(registry(),)], "SegmentVerifier.for_bytes": [(registry(), 0, 200)],
        "SegmentVerifier.push_bytes": [(JB[100:],)], "SegmentVerifier.push_row": [(ROWS[1],)],
        "SegmentVerifier.push_rows": [(ROWS[1:3],)],
        "Segment.answer": [(SEG_REQS[0],)], "Segment.id_buckets": [(0, 2)],
        "Segment.from_bytes": [(SEGS3[1].to_bytes(),)],
        "Stitcher": [(SUMS, DUPS)], "Stitcher.finish": [(SEG_ANSWERS,)],
        "duplicates": [([b[0] for b in SEG_BUCKETS],)], "stitch": [(SEGS3,)],
        "split_bytes": [(len(JB), 3)],
    })
    OPTION_HINTS = {
        "max_depth": [1, 2, 128, 1024], "stop_at_first": [True, False], "track_ids": [True, False],
        "expected_head": [HEAD, {"hash": "0" * 64, "seq": 0}], "checkpoint": [{"size": 8, "root": TREE.root().hex()}],
        "hash_alg": ["sha256", "blake3"], "threads": [1, 2, None], "max_row_bytes": [1, 300, 1 << 20],
        "max_breaks": [0, 1, 1000], "head": [HEAD], "alg": ["ed25519", "ed25519ph"], "chunk_size": [1, 7, 4096],
        "profile": ["kernel/v1", "row-digest/v1", KERNEL, json.dumps(KERNEL).encode(), "nope/v1"],
        "trace_id": ["/trace_id", "/id", "x"], "ts": ["/ts", "/at"],
    }
    OPTION_HINTS = {k: pool(v) for k, v in OPTION_HINTS.items()}

    def mutate(x, r):
        """A small change that keeps the type: a lone surrogate, a flipped
        byte, an int far out of range, a member more or less."""
        if isinstance(x, str) and x:
            i = r % len(x)
            return (x[:i] + "\ud800" + x[i + 1:]) if r % 2 else x[: i]
        if isinstance(x, bytes) and x:
            i = r % len(x)
            return x[:i] + bytes([x[i] ^ 1]) + x[i + 1:]
        if isinstance(x, int) and not isinstance(x, bool):
            return [-x - 1, x + 2**64, x * 2**40][r % 3]
        if isinstance(x, dict) and x:
            k = sorted(x, key=str)[r % len(x)]
            y = dict(x)
            if r % 2:
                del y[k]
            else:
                y[k] = [None, "x", -1, {}][r % 4]
            return y
        if isinstance(x, list) and x:
            return x[: r % len(x)] + x[r % len(x) + 1:]
        return x

    leaf = st.one_of(text, ints, floats, raw, hostile, domain)
    value = st.recursive(
        leaf,
        lambda children: st.one_of(
            st.lists(children, max_size=6),
            st.tuples(children, children),
            st.dictionaries(st.one_of(text, ints, st.none(), floats), children, max_size=5),
            st.dictionaries(text, children, max_size=5),
        ),
        max_leaves=12,
    )

    OPTION_NAMES = ["max_depth", "stop_at_first", "track_ids", "expected_head", "checkpoint",
                    "hash_alg", "threads", "max_row_bytes", "max_breaks", "head", "alg",
                    "chunk_size", "kid", "start", "extensions", "note", "algorithm",
                    "expectedHead", "stopAtFirst", "maxDepth", "hashAlg", "hash_algorithm",
                    "profile", "trace_id", "ts"]
    option_values = st.one_of(st.booleans(), st.integers(-2, 2000), st.sampled_from(
        [None, "sha256", "blake3", "ed25519ph", HEAD, {"size": 8, "root": TREE.root().hex()}]),
        value)

    # -- targets, by introspection -------------------------------------------------

    def is_typeddict(o):
        return isinstance(o, type) and issubclass(o, dict) and hasattr(o, "__total__")

    DUNDERS = {"__repr__", "__str__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
               "__hash__", "__len__", "__contains__", "__bytes__", "__copy__", "__deepcopy__",
               "__reduce__", "__getstate__"}
    targets = []  # (name, kind, cls_name, attr)
    functions = methods = classes = 0
    for name in tc.__all__:
        obj = getattr(tc, name)
        if isinstance(obj, type):
            if issubclass(obj, BaseException) or is_typeddict(obj):
                continue
            classes += 1
            if name not in INSTANCES:
                raise SystemExit(f"fuzz: no instance builder for the new class {name}: add one")
            targets.append((f"{name}()", "new", name, None))
            for attr in dir(obj):
                if attr.startswith("_") and not (attr in DUNDERS and attr in obj.__dict__):
                    continue
                static = inspect.getattr_static(obj, attr)
                if isinstance(static, staticmethod) or (
                        inspect.isbuiltin(getattr(obj, attr)) and getattr(obj, attr).__self__ is obj):
                    kind = "static"
                elif inspect.isdatadescriptor(static) or isinstance(static, property):
                    kind = "property"
                else:
                    kind = "method"
                targets.append((f"{name}.{attr}", kind, name, attr))
                methods += 1
            methods += 1
        elif callable(obj):
            targets.append((name, "function", None, name))
            functions += 1

    def params_of(f):
        """(positional parameter names, takes **options?)."""
        try:
            sig = inspect.signature(f)
        except (TypeError, ValueError):
            return ["a", "b", "c"], False
        pos = [p.name for p in sig.parameters.values()
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("self", "cls")]
        kw = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
        kwonly = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]
        return pos + [f"*{k}" for k in kwonly], kw

    def callable_of(t):
        name, kind, cls, attr = t
        if kind == "function":
            return getattr(tc, attr)
        c = getattr(tc, cls)
        if kind == "new":
            return c
        if kind == "static":
            return getattr(c, attr)
        return getattr(c, attr)  # unbound: the instance comes first

    selftest = os.environ.get("FUZZ_SELFTEST")
    if selftest:
        def _selftest(text):
            if selftest == "crash":
                os.abort()
            if selftest == "hang":
                time.sleep(3600)
            if isinstance(text, str):
                raise ValueError("a bare ValueError")

        tc._selftest = _selftest
        targets = [("_selftest", "function", None, "_selftest")] * 20 + targets

    SIGS = {t[0]: params_of(callable_of(t)) for t in targets}

    # -- safe descriptions of inputs ----------------------------------------------------

    def describe(x, depth=0):
        try:
            if isinstance(x, (list, tuple)) and depth < 3:
                inner = ", ".join(describe(i, depth + 1) for i in list(x)[:8])
                more = ", ..." if len(x) > 8 else ""
                return ("[%s%s]" if isinstance(x, list) else "(%s%s)") % (inner, more)
            if isinstance(x, dict) and depth < 3 and type(x) is dict:
                inner = ", ".join(f"{describe(k, depth + 1)}: {describe(v, depth + 1)}"
                                  for k, v in list(x.items())[:8])
                return "{%s}" % inner
            r = repr(x)
        except BaseException:  # noqa: BLE001 - a description must never fail
            r = f"<{type(x).__name__}>"
        return r if len(r) <= 300 else r[:150] + f"...<{len(r)} chars>..." + r[-100:]

    # -- the loop ---------------------------------------------------------------------

    stats = {"calls": 0, "outcomes": {}, "codes": set(), "returned": set(), "called": set()}
    started = time.monotonic()

    class StopFuzz(Exception):
        """The time is up (hypothesis sees a failing example and stops)."""

    def classify(name, e):
        """None when the exception is allowed, else what is wrong with it."""
        if isinstance(e, tc.TrustcoreError):
            code = getattr(e, "code", None)
            if not isinstance(code, str) or not code:
                return f"{type(e).__name__} without a string code: {e!r}"
            stats["codes"].add(code)
            return None
        if type(e) is TypeError or (isinstance(e, TypeError) and not isinstance(e, tc.TrustcoreError)):
            return None
        if isinstance(e, Boom):
            return None
        if name == "verify_file" and isinstance(e, OSError):
            return None
        # A path that cannot be opened, or a gzip stream cut short or
        # corrupt, as Python's own file and gzip modules report them.
        if name == "verify_snapshot_file" and isinstance(e, (OSError, EOFError, zlib.error)):
            return None
        return f"{type(e).__module__}.{type(e).__name__}: {describe(e)}"

    def outcome(name, kind):
        stats["outcomes"][kind] = stats["outcomes"].get(kind, 0) + 1

    def draw_arg(data, pname, hints=HINTS):
        # Hypothesis starts from the smallest choices: 0 is the plain valid value.
        r = data.draw(st.integers(0, 19))
        if r < 13 and pname in hints:
            x = data.draw(hints[pname])
            return mutate(x, data.draw(st.integers(0, 1 << 16))) if r == 12 else x
        if r < 16:
            return data.draw(domain)
        return data.draw(value)

    def run_target(t, until, round_seed):
        """One hypothesis run for target `t`, until the monotonic time `until`."""

        @hyp_seed(round_seed)
        @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False, print_blob=False)
        @given(st.data())
        def one(data):
            # Several calls per example: hypothesis' cost per example is shared.
            for _ in range(data.draw(st.integers(1, 16))):
                data.draw(st.integers(0, 1))  # so that hypothesis' replay of the stop is the same
                if time.monotonic() > until:
                    raise StopFuzz
                one_call(data, t)

        try:
            one()
        except StopFuzz:
            pass
        except HypothesisException:
            # Hypothesis replaying the stop differently is still the end of
            # the slice; anything else is the fuzzer's own bug.
            if time.monotonic() <= until:
                raise

    def one_call(data, t):
        name, kind, cls, attr = t
        params, takes_options = SIGS[name]
        pos = [p for p in params if not p.startswith("*")]
        kwonly = [p[1:] for p in params if p.startswith("*")]
        if name in VALID and data.draw(st.integers(0, 9)) < 4:
            args = list(data.draw(pool(VALID[name])))
            if args and data.draw(st.booleans()):
                i = data.draw(st.integers(0, len(args) - 1))
                args[i] = draw_arg(data, pos[i] if i < len(pos) else "extra")
        else:
            n = max(0, len(pos) + data.draw(st.sampled_from([0, 0, 0, 0, -1, 1])))
            args = [draw_arg(data, pos[i] if i < len(pos) else "extra") for i in range(n)]
        kwargs = {}
        if takes_options or kwonly:
            for _ in range(data.draw(st.integers(0, 3))):
                key = data.draw(st.one_of(st.sampled_from(OPTION_NAMES + kwonly), st.text(max_size=8)))
                kwargs[key] = draw_arg(data, key, OPTION_HINTS)
        target = callable_of(t)
        self_obj = None
        if kind in ("method", "property"):
            # Mostly a fresh valid instance, sometimes anything at all.
            foreign = data.draw(value) if data.draw(st.integers(0, 9)) == 0 else None
        try:
            if kind in ("method", "property"):
                self_obj = INSTANCES[cls]() if foreign is None else foreign
        except Exception as e:  # building a valid instance must work
            bad = {"target": name, "error": f"instance builder failed: {e!r}", "input": ""}
            proto.write("B " + json.dumps(bad) + "\n")
            return
        desc = f"{name}(" + ", ".join([describe(a) for a in args] +
                                     [f"{k}={describe(v)}" for k, v in kwargs.items()]) + ")"
        if len(desc) > 3000:
            desc = desc[:2000] + f"...<{len(desc)} chars>..." + desc[-500:]
        proto.write("C " + desc.replace("\n", "\\n") + "\n")
        stats["calls"] += 1
        stats["called"].add(name)
        t0 = time.monotonic()
        try:
            if kind == "property":
                # Through the descriptor, so a foreign `self` is the
                # binding's TypeError, not the harness's AttributeError.
                result = inspect.getattr_static(getattr(tc, cls), attr).__get__(self_obj, getattr(tc, cls))
            elif kind == "method":
                result = target(self_obj, *args, **kwargs)
            else:
                result = target(*args, **kwargs)
            if inspect.iscoroutine(result):
                result = asyncio.run(result)
            stats["returned"].add(name)
            outcome(name, "returned")
        except (KeyboardInterrupt, SystemExit, StopFuzz):
            raise
        except BaseException as e:  # noqa: BLE001 - classifying is the point
            wrong = classify(name, e)
            if wrong is None:
                outcome(name, type(e).__name__ if not isinstance(e, tc.TrustcoreError)
                        else "TrustcoreError")
            else:
                outcome(name, "BAD")
                proto.write("B " + json.dumps({"target": name, "error": wrong, "input": desc}) + "\n")
        dt = time.monotonic() - t0
        if dt > PER_CALL:
            proto.write("B " + json.dumps({"target": name, "error": f"took {dt:.1f} s (limit {PER_CALL} s)",
                                           "input": desc}) + "\n")

    # Hypothesis builds its Unicode tables on the first text draw, which
    # takes seconds on a loaded machine: build them now, then tell the
    # parent, so its watchdog times calls, not this start-up.
    try:
        from hypothesis.internal.charmap import charmap

        charmap()
    except Exception:  # noqa: BLE001 - a private helper; without it the first draw does it
        pass
    proto.write("C (start-up done; no call yet)\n")

    # Every target in turn, each for an equal slice of the time, in a
    # shuffled order, round after round until the time is up: hypothesis'
    # own choice among targets would be far from uniform.
    import random

    order = random.Random(seed)
    rounds = 0
    end = started + seconds
    slice_ = max(seconds / len(targets) / 2, 0.02)
    while time.monotonic() < end:
        queue = list(targets)
        order.shuffle(queue)
        for t in queue:
            now = time.monotonic()
            if now >= end:
                break
            run_target(t, min(now + slice_, end), order.randrange(1 << 30))
        rounds += 1
    elapsed = time.monotonic() - started
    names = [t[0] for t in targets]
    proto.write("S " + json.dumps({
        "calls": stats["calls"], "seconds": elapsed, "targets": len(targets),
        "functions": functions, "methods": methods, "classes": classes,
        "outcomes": stats["outcomes"], "codes": sorted(stats["codes"]),
        "never_returned": sorted(set(names) - stats["returned"]),
        "unreached": sorted(set(names) - stats["called"]),
    }) + "\n")
    proto.close()
    return 0


if __name__ == "__main__":
    sys.exit(child() if "--child" in sys.argv else parent())
