"""Signed snapshots of trace batches through the Python API (#12): the
streaming builder, local, remote (KMS DIGEST) and async signing failing
closed, verification of bytes and of .jsonl / .jsonl.gz files (real gzip)
in bounded memory with the GIL released, tampered lines named by their
line number, one-record proofs, and the snapshot.published audit link."""

import asyncio
import gzip
import json
import threading
import time
import tracemalloc

import pytest

import trustcore as tc


def key(n):
    return tc.SecretKey.from_bytes(bytes([n]) * 32)


def registry():
    return tc.SignerRegistry.from_json(json.dumps({"signers": [
        {"signerId": "graph-signer", "publicKey": key(1).public_key().to_base64(),
         "validFrom": "2026-01-01T00:00:00Z"},
        {"signerId": "kms", "publicKey": key(2).public_key().to_base64(), "algorithm": "ed25519ph"},
    ]}))


def trace(i):
    return {
        "trace_id": f"tr-{i:04d}",
        "ts": f"2026-03-01T12:{i // 60:02d}:{i % 60:02d}Z",
        "steps": [{"tool": "search", "query": f"q{i}"},
                  {"tool": "answer", "user": {"email": "ann@example.com"}}],
        "annotations": {"reviewer": {"Email": "rev@example.org", "phone": "+14155550123"}},
    }


def build(n, **options):
    b = tc.SnapshotBuilder(**options)
    batch = bytearray()
    for i in range(1, n + 1):
        # Records as dicts and as JSON text (in any spelling): the same lines.
        rec = trace(i) if i % 2 else json.dumps(trace(i), indent=1)
        batch += b.push(rec)
    assert b.count == n
    return bytes(batch), b.finish("snap-2026-03-01", "2026-03-01T13:00:00Z")


@pytest.mark.parametrize("hash_alg", ["sha256", "blake3"])
def test_a_snapshot_signs_verifies_and_names_a_tampered_line(hash_alg):
    batch, unsigned = build(50, hash_alg=hash_alg)
    assert "signature" not in unsigned.metadata
    snap = unsigned.sign(key(1), "graph-signer")
    meta = snap.metadata
    assert meta["trace_range"] == {"first_trace_id": "tr-0001", "last_trace_id": "tr-0050",
                                   "start": "2026-03-01T12:00:01Z", "end": "2026-03-01T12:00:50Z"}
    for f in ("snapshot_id", "trace_range", "hash", "signer_kid", "signature", "ts"):
        assert f in meta, f
    assert meta["hash"].startswith(hash_alg + ":") and snap.hash == meta["hash"]
    assert (snap.snapshot_id, snap.signer_kid, snap.records) == ("snap-2026-03-01", "graph-signer", 50)
    assert batch.count(b"\n") == 50
    assert batch.split(b"\n")[0] == tc.canonicalize(trace(1))
    reg = registry()
    # Metadata as a Snapshot, a dict, JSON text and bytes: the same report.
    again = tc.Snapshot.from_json(snap.to_json())
    assert again == snap and tc.Snapshot.from_dict(meta) == snap
    for m in (snap, meta, snap.to_json(), snap.to_json().encode()):
        r = tc.verify_snapshot(m, batch, reg)
        assert r == {"valid": True, "snapshot_id": "snap-2026-03-01", "records": 50,
                     "failures": [], "failure_counts": {}}
    # A changed value: the batch digest and root no longer match.
    r = tc.verify_snapshot(snap, batch.replace(b'"q17"', b'"q99"', 1), reg)
    assert not r["valid"]
    assert {"hash_mismatch", "merkle_mismatch"} <= set(r["failure_counts"])
    # A line re-spelled by a tool names its line; so does a broken one.
    lines = batch.decode().splitlines()
    lines[6] = lines[6].replace("{", "{ ", 1)
    lines[20] = lines[20][:-3]
    r = tc.verify_snapshot(snap, "\n".join(lines) + "\n", reg)
    by_code = {f["code"]: f for f in r["failures"]}
    assert by_code["not_canonical"]["line"] == 7
    assert by_code["malformed_line"]["line"] == 21
    # Unknown signer; revoked before ts.
    assert "unknown_signer" in tc.verify_snapshot(
        snap, batch, tc.SignerRegistry.from_json('{"signers":[]}'))["failure_counts"]
    revoked, _ = tc.revoke_signer(
        tc.SignerRegistry.from_json(json.dumps({"signers": [
            {"signerId": "graph-signer", "publicKey": key(1).public_key().to_base64()},
            {"signerId": "officer", "publicKey": key(3).public_key().to_base64()}]})),
        "graph-signer", "2026-03-01T12:30:00Z", "key compromise", "officer", key(3))
    assert "signer_revoked" in tc.verify_snapshot(snap, batch, revoked)["failure_counts"]
    # A changed trace_range in the metadata breaks the signature and the range.
    forged = dict(meta, trace_range=dict(meta["trace_range"], last_trace_id="tr-0049"))
    codes = tc.verify_snapshot(forged, batch, reg)["failure_counts"]
    assert {"trace_range_mismatch", "invalid_signature"} <= set(codes)


def kms(message):
    """A KMS in DIGEST mode: signs the 64-byte SHA-512 it is given."""
    assert len(message) == 64
    return tc.sign_ed25519ph_digest(key(2), message)


def test_remote_signing_fails_closed_and_kms_digest_mode_works():
    batch, unsigned = build(5)
    p = unsigned.prepare("kms", "ed25519ph")
    wrong = tc.sign_ed25519ph_digest(key(3), p.message)
    with pytest.raises(tc.SnapshotError) as e:
        p.attach(wrong, key(2).public_key())
    assert e.value.code == "remote_signature_invalid"
    with pytest.raises(tc.SnapshotError):
        p.attach(bytes(64), key(2).public_key())
    snap = p.attach(kms(p.message), key(2).public_key())
    assert tc.verify_snapshot(snap, batch, registry())["valid"]
    # Through a callable and an async callable, with the same refusals.
    assert unsigned.sign_with("kms", key(2).public_key(), kms, "ed25519ph") == snap

    async def async_kms(m):
        await asyncio.sleep(0)
        return kms(m)

    got = asyncio.run(unsigned.sign_with_async("kms", key(2).public_key(), async_kms, "ed25519ph"))
    assert got == snap
    with pytest.raises(tc.SnapshotError) as e:
        unsigned.sign_with("kms", key(1).public_key(), kms, "ed25519ph")
    assert e.value.code == "remote_signature_invalid"

    def broken(m):
        raise RuntimeError("kms unavailable")

    with pytest.raises(tc.EnvelopeError) as e:
        unsigned.sign_with("kms", key(2).public_key(), broken, "ed25519ph")
    assert e.value.code == "remote_signer_failed" and isinstance(e.value.__cause__, RuntimeError)
    with pytest.raises(tc.EnvelopeError) as e:
        asyncio.run(unsigned.sign_with_async("kms", key(2).public_key(), broken, "ed25519ph"))
    assert e.value.code == "remote_signer_failed"
    with pytest.raises(TypeError):
        unsigned.sign_with("kms", key(2).public_key(), lambda m: "sig", "ed25519ph")


def test_builder_and_metadata_refusals():
    b = tc.SnapshotBuilder()
    with pytest.raises(tc.SnapshotError) as e:
        b.push({"trace_id": 7, "ts": "2026-03-01T12:00:00Z"})
    assert e.value.code == "invalid_record"
    with pytest.raises(tc.CanonicalJsonError):
        b.push('{"trace_id":"a","trace_id":"b"}')
    with pytest.raises(tc.SnapshotError) as e:
        b.finish("s", "2026-03-01T12:00:00Z")
    assert e.value.code == "invalid_snapshot"  # no records
    with pytest.raises(tc.SnapshotError) as e:
        b.push(trace(1))  # finished
    assert e.value.code == "invalid_snapshot"
    with pytest.raises(tc.OptionsError) as e:
        tc.SnapshotBuilder(trace_id="trace_id")
    assert e.value.code == "invalid_option"
    with pytest.raises(tc.OptionsError) as e:
        tc.SnapshotBuilder(hash="sha256")
    assert e.value.code == "unknown_option"
    # Custom pointers.
    b = tc.SnapshotBuilder(trace_id="/meta/id", ts="/meta/at")
    b.push({"meta": {"id": "x1", "at": "2026-03-01T12:00:00Z"}})
    meta = b.finish("s1", "2026-03-01T12:00:01Z").metadata
    assert meta["fields"] == {"trace_id": "/meta/id", "ts": "/meta/at"}
    _, unsigned = build(2)
    snap = unsigned.sign(key(1), "graph-signer")
    for bad in (dict(snap.metadata, extra=1), {k: v for k, v in snap.metadata.items() if k != "ts"},
                dict(snap.metadata, signature="AA==")):
        with pytest.raises(tc.SnapshotError) as e:
            tc.Snapshot.from_dict(bad)
        assert e.value.code == "invalid_metadata"
        with pytest.raises(tc.SnapshotError):
            tc.verify_snapshot(bad, b"", registry())
    with pytest.raises(TypeError):
        tc.verify_snapshot(7, b"", registry())


def write(path, data, gz):
    if gz:
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)


@pytest.mark.parametrize("gz", [False, True], ids=["jsonl", "jsonl.gz"])
def test_files_verify_streaming_and_a_tampered_line_is_named(tmp_path, gz):
    batch, unsigned = build(40)
    snap = unsigned.sign(key(1), "graph-signer")
    path = tmp_path / ("batch.jsonl.gz" if gz else "batch.jsonl")
    write(path, batch, gz)
    reg = registry()
    for chunk_size in (7, 1 << 20):
        r = tc.verify_snapshot_file(snap, path, reg, chunk_size=chunk_size)
        assert r["valid"] and r["records"] == 40, r
    assert tc.verify_snapshot_file(snap.to_json(), str(path), reg)["valid"]
    lines = batch.split(b"\n")
    lines[12] = lines[12].replace(b'"tool":"search"', b'"tool": "search"')
    bad = tmp_path / ("bad.jsonl.gz" if gz else "bad.jsonl")
    write(bad, b"\n".join(lines), gz)
    r = tc.verify_snapshot_file(snap, bad, reg, chunk_size=5)
    assert not r["valid"]
    assert [f["line"] for f in r["failures"] if f["code"] == "not_canonical"] == [13]
    # A gzip stream that is cut short is the gzip module's EOFError, never a report.
    if gz:
        cut = tmp_path / "cut.jsonl.gz"
        cut.write_bytes(path.read_bytes()[:-20])
        with pytest.raises(EOFError):
            tc.verify_snapshot_file(snap, cut, reg)
    with pytest.raises(tc.OptionsError):
        tc.verify_snapshot_file(snap, path, reg, chunk_size=0)
    with pytest.raises(TypeError):
        tc.verify_snapshot_file(snap, 3, reg)
    with pytest.raises(FileNotFoundError):
        tc.verify_snapshot_file(snap, tmp_path / "missing.jsonl", reg)


def test_a_large_gz_batch_verifies_in_bounded_memory(tmp_path):
    n = 20000
    b = tc.SnapshotBuilder()
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        for i in range(n):
            f.write(b.push(dict(trace(i % 3000 + 1), trace_id=f"tr-{i:06d}", pad="x" * 700)))
    snap = b.finish("big", "2026-03-01T13:00:00Z").sign(key(1), "graph-signer")
    size = n * 900
    tracemalloc.start()
    r = tc.verify_snapshot_file(snap, path, registry(), chunk_size=1 << 16)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert r["valid"] and r["records"] == n
    assert peak < size / 10, f"Python peak {peak} bytes for a {size}-byte batch"


def test_verification_releases_the_gil():
    batch, unsigned = build(1)
    line = batch
    big = line * 40000  # the same record: canonical, counted, hashed
    b = tc.SnapshotBuilder()
    for _ in range(40000):
        b.push(trace(1))
    snap = b.finish("g", "2026-03-01T13:00:00Z").sign(key(1), "graph-signer")
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)

    v = tc.SnapshotVerifier(snap, registry())
    t = threading.Thread(target=ticker)
    t.start()
    try:
        time.sleep(0.01)
        before = len(ticks)
        start = time.perf_counter()
        v.feed(big)
        elapsed = time.perf_counter() - start
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert v.finish()["valid"]
    # With the GIL held for the whole call the other thread could not tick.
    assert during > 100, (during, elapsed)


def test_one_record_is_proven_on_its_own():
    batch, unsigned = build(9)
    snap = unsigned.sign(key(1), "graph-signer")
    lines = [x for x in batch.split(b"\n") if x]
    reg = registry()
    for i in range(9):
        proof = tc.record_proof(batch, i)
        assert all(isinstance(h, bytes) and len(h) == 32 for h in proof)
        assert tc.verify_record(snap, lines[i], i, proof, reg)["valid"]
        assert tc.verify_record(snap.metadata, lines[i].decode() + "\n", i, proof, reg)["valid"]
        r = tc.verify_record(snap, lines[(i + 1) % 9], i, proof, reg)
        assert not r["valid"] and "not_included" in r["failure_counts"]
    r = tc.verify_record(snap, b"{ }", 0, tc.record_proof(batch, 0), reg)
    assert "not_canonical" in r["failure_counts"]
    with pytest.raises(tc.MerkleError):
        tc.record_proof(batch, 9)


def test_the_audit_event_references_the_snapshot():
    _, unsigned = build(3)
    snap = unsigned.sign(key(1), "graph-signer")
    body = snap.event_body("6f1c2a4e-0000-4000-8000-000000000001", "2026-03-01T13:00:01Z",
                           "svc:graph")
    assert body["event_type"] == tc.PUBLISHED_EVENT == "snapshot.published"
    assert body["payload"] == snap.metadata
    w = tc.ChainWriter("graph-signer", key(1).public_key())
    row = w.append(body, key(1))
    assert tc.verify_jsonl(row, registry())["valid"]
    snap.check_event(row)
    tc.check_snapshot_event(snap.to_json(), json.loads(row))
    _, other = build(4)
    other = other.sign(key(1), "graph-signer")
    for r in (row, "{}"):
        with pytest.raises(tc.SnapshotError) as e:
            other.check_event(r)
        assert e.value.code == "event_mismatch"
    with pytest.raises(tc.SnapshotError) as e:
        tc.check_snapshot_event(other.metadata, row)
    assert e.value.code == "event_mismatch"


def test_reprs_and_finished_objects():
    batch, unsigned = build(2)
    assert repr(unsigned) == "UnsignedSnapshot(snapshot_id='snap-2026-03-01', records=2)"
    p = unsigned.prepare("kms", "ed25519ph")
    assert repr(p) == "PreparedSnapshot(message=<64 bytes>)"
    snap = unsigned.sign(key(1), "graph-signer")
    assert repr(snap).startswith("Snapshot(snapshot_id='snap-2026-03-01', records=2")
    v = tc.SnapshotVerifier(snap, registry())
    v.feed(batch)
    assert repr(v) == "SnapshotVerifier(open)"
    assert v.finish()["valid"]
    with pytest.raises(tc.SnapshotError):
        v.finish()
    with pytest.raises(TypeError):
        tc.SnapshotVerifier(snap, registry()).feed({"a": 1})
