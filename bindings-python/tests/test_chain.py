"""The audit chain: writer, remote signers (fail closed), streaming
verification, resume, replay and argument errors."""

import asyncio
import json
import random
import threading

import pytest

import trustcore as tc

SK = tc.SecretKey.from_bytes(bytes([7]) * 32)
OTHER = tc.SecretKey.from_bytes(bytes([8]) * 32)


def registry(**extra):
    rec = {"signerId": "kernel", "publicKey": SK.public_key().to_base64(), **extra}
    return tc.SignerRegistry.from_json(json.dumps({"signers": [rec]}))


def body(i, **over):
    b = {
        "id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
        "ts": f"2026-03-01T12:{i // 60 % 60:02d}:{i % 60:02d}Z",
        "event_type": "manifest.signed",
        "actor": "svc:kernel",
        "payload": {"n": i, "note": "café", "amount": 12.5},
    }
    b.update(over)
    return b


def chain(n, **kw):
    w = tc.ChainWriter("kernel", SK.public_key(), **kw)
    return w, [w.append(body(i + 1), SK) for i in range(n)]


def test_rows_are_canonical_linked_and_verify():
    w, rows = chain(5)
    first = json.loads(rows[0])
    assert first["seq"] == 1 and first["prev_hash"] == "0" * 64
    assert first["signer_id"] == "kernel"
    assert tc.canonicalize_text(rows[0]).decode() == rows[0]
    for a, b in zip(rows, rows[1:]):
        assert json.loads(b)["prev_hash"] == json.loads(a)["hash"]
    assert w.head == {"hash": json.loads(rows[-1])["hash"], "seq": 5, "ts": body(5)["ts"]}
    report = tc.verify_jsonl("\n".join(rows), registry())
    assert report["valid"] and report["rows"] == 5 and report["breaks"] == []
    assert report["head"] == w.head
    # The Merkle head is the RFC 6962 root over the event hashes.
    tree = tc.MerkleTree([bytes.fromhex(json.loads(r)["hash"]) for r in rows])
    assert report["merkle"] == {"size": 5, "root": tree.root().hex()}


def test_hash_is_sha256_of_canonical_row_without_hash_and_signature():
    import hashlib

    _, rows = chain(1)
    row = json.loads(rows[0])
    h = row.pop("hash")
    row.pop("signature")
    assert hashlib.sha256(tc.canonicalize(row)).hexdigest() == h


def test_blake3_chain_needs_the_declared_algorithm():
    _, rows = chain(3, hash_alg="blake3")
    text = "\n".join(rows)
    assert tc.verify_jsonl(text, registry(), hash_alg="blake3")["valid"]
    report = tc.verify_jsonl(text, registry())
    assert {b["reason"] for b in report["breaks"]} == {"hash_mismatch"}


def test_tampered_row_is_one_break_with_position_and_reason():
    _, rows = chain(10)
    rows[4] = rows[4].replace('"n":5', '"n":55')
    report = tc.verify_jsonl("\n".join(rows), registry())
    assert not report["valid"]
    [b] = report["breaks"]
    assert (b["position"], b["seq"], b["reason"]) == (4, 5, "hash_mismatch")
    assert b["id"] == body(5)["id"] and "digest" in b["message"]


def test_signature_from_another_key_and_unknown_signer():
    w = tc.ChainWriter("kernel", OTHER.public_key())
    rows = [w.append(body(1), OTHER)]
    assert tc.verify_jsonl(rows[0], registry())["breaks"][0]["reason"] == "invalid_signature"
    w = tc.ChainWriter("nobody", SK.public_key())
    row = w.append(body(1), SK)
    assert tc.verify_jsonl(row, registry())["breaks"][0]["reason"] == "unknown_signer"


def test_registry_window_applies_at_the_event_time():
    _, rows = chain(3)
    reg = registry(revokedAt=body(2)["ts"])
    reasons = [b["reason"] for b in tc.verify_jsonl("\n".join(rows), reg)["breaks"]]
    assert reasons == ["signer_revoked", "signer_revoked"]


def test_prepare_attach_remote_signer_and_fail_closed():
    w = tc.ChainWriter("kernel", SK.public_key())
    p = w.prepare(body(1))
    assert isinstance(p.message, bytes) and b"trustcore.audit-event" in p.message
    assert p.event["seq"] == 1 and "signature" not in p.event
    head = w.head
    # A wrong signature, a short one, one by another key: refused, head unchanged.
    for bad in (bytes(64), b"\x01" * 10, OTHER.sign(p.message)):
        with pytest.raises(tc.EnvelopeError) as e:
            w.attach(p, bad)
        assert e.value.code == "remote_signature_invalid"
        assert w.head == head
    row = w.attach(p, SK.sign(p.message))
    assert json.loads(row)["hash"] == p.event["hash"] == w.head["hash"]
    # The same prepared event cannot be attached twice (the head moved).
    with pytest.raises(tc.ChainError) as e:
        w.attach(p, SK.sign(p.message))
    assert e.value.code == "invalid_event"


def test_append_with_callable():
    seen = []
    w = tc.ChainWriter("kernel", SK.public_key())

    def kms(message):
        seen.append(message)
        return SK.sign(message)

    row = w.append_with(body(1), kms)
    assert len(seen) == 1 and tc.verify_jsonl(row, registry())["valid"]

    def broken(message):
        raise ConnectionError("kms down")

    head = w.head
    with pytest.raises(tc.EnvelopeError) as failed:
        w.append_with(body(2), broken)
    assert failed.value.code == "remote_signer_failed"
    assert isinstance(failed.value.__cause__, ConnectionError)
    with pytest.raises(TypeError, match="bytes"):
        w.append_with(body(2), lambda m: "not bytes")
    with pytest.raises(tc.EnvelopeError) as e:
        w.append_with(body(2), lambda m: OTHER.sign(m))
    assert e.value.code == "remote_signature_invalid"
    with pytest.raises(TypeError, match="callable"):
        w.append_with(body(2), "kms")
    assert w.head == head


def test_append_with_callable_that_appends_meanwhile_is_refused():
    w = tc.ChainWriter("kernel", SK.public_key())

    def sneaky(message):
        w.append(body(1, id="6f1c2a4e-0000-4000-8000-0000000000ff"), SK)
        return SK.sign(message)

    with pytest.raises(tc.ChainError) as e:
        w.append_with(body(1), sneaky)
    assert e.value.code == "invalid_event"
    assert w.head["seq"] == 1


def test_append_with_async():
    w = tc.ChainWriter("kernel", SK.public_key())

    async def kms(message):
        await asyncio.sleep(0)
        return SK.sign(message)

    async def failing(message):
        raise TimeoutError("kms timeout")

    async def wrong(message):
        return OTHER.sign(message)

    async def main():
        rows = [await w.append_with_async(body(i + 1), kms) for i in range(3)]
        head = w.head
        with pytest.raises(tc.EnvelopeError) as failed:
            await w.append_with_async(body(4), failing)
        assert failed.value.code == "remote_signer_failed"
        assert isinstance(failed.value.__cause__, TimeoutError)
        with pytest.raises(tc.EnvelopeError):
            await w.append_with_async(body(4), wrong)
        assert w.head == head
        return rows

    rows = asyncio.run(main())
    assert tc.verify_jsonl("\n".join(rows), registry())["valid"]


def test_writer_refuses_bad_bodies():
    w = tc.ChainWriter("kernel", SK.public_key())
    w.append(body(5), SK)
    with pytest.raises(tc.ChainError) as e:
        w.append(body(4), SK)
    assert e.value.code == "ts_regression"
    with pytest.raises(tc.ChainError) as e:
        w.append(body(6, id="{6f1c2a4e-0000-4000-8000-000000000006}"), SK)
    assert e.value.code == "invalid_event"
    with pytest.raises(tc.TimestampError):
        w.append(body(6, ts="2026-03-01 12:00:06"), SK)
    with pytest.raises(tc.CanonicalJsonError) as e:
        w.append(body(6, payload={"x": float("nan")}), SK)
    assert e.value.code == "non_finite_number" and e.value.path == "/payload/x"
    # The body is read by the core (EventBody::from_value): invalid_event
    # naming the member.
    for bad, word in (
        ({**body(6), "seq": 6}, "seq"),
        ({k: v for k, v in body(6).items() if k != "ts"}, "ts"),
        (body(6, actor=3), "actor"),
        ({**body(6), "eventType": "x"}, "eventType"),
    ):
        with pytest.raises(tc.ChainError, match=word) as e:
            w.append(bad, SK)
        assert e.value.code == "invalid_event"
        with pytest.raises(tc.ChainError):
            w.prepare(bad)
    with pytest.raises(TypeError):
        w.append([body(6)], SK)  # not a dict at all: the wrong Python type
    assert w.head["seq"] == 1


def test_writer_continues_from_a_head():
    w, rows = chain(3)
    w2 = tc.ChainWriter("kernel", SK.public_key(), head=w.head)
    rows.append(w2.append(body(4), SK))
    assert tc.verify_jsonl("\n".join(rows), registry())["valid"]
    with pytest.raises(tc.ChainError) as e:
        tc.ChainWriter("kernel", SK.public_key(), head={"hash": "AB" * 32, "seq": 1})
    assert e.value.code == "invalid_state"
    # Options are the core's WriterOptions.
    for opts, code in (
        ({"alg": "rsa"}, "invalid_option"),
        ({"hash_alg": "md5"}, "invalid_option"),
        ({"hashAlg": "blake3"}, "unknown_option"),
        ({"heads": None}, "unknown_option"),
    ):
        with pytest.raises(tc.OptionsError) as e:
            tc.ChainWriter("kernel", SK.public_key(), **opts)
        assert e.value.code == code


def test_streaming_chunks_and_rows_match_one_call():
    _, rows = chain(50)
    rows[10] = rows[10].replace("svc:kernel", "svc:evil")
    text = ("\r\n".join(rows) + "\n\n").encode()
    want = tc.verify_jsonl(text, registry())
    for size in (1, 7, 1000, len(text)):
        v = tc.ChainVerifier(registry())
        for i in range(0, len(text), size):
            v.feed(memoryview(text)[i : i + size])
        assert v.finish() == want
    v = tc.ChainVerifier(registry())
    for r in rows:
        v.feed_row(r.encode() if len(r) % 2 else r)
    assert v.finish() == want


def test_a_verifier_in_use_by_another_thread_refuses_with_a_code_and_is_unchanged():
    # One thread feeds a large chunk (verified with the GIL released) while
    # the other calls the same verifier: a call that overlaps is refused with
    # ChainError invalid_state and the core's message (not pyo3's bare
    # "Already borrowed"), and changes nothing, so the report is the
    # one-thread report.
    _, rows = chain(2000)
    text = ("\n".join(rows) + "\n").encode()
    v = tc.ChainVerifier(registry())
    refused = []
    done = threading.Event()

    def feed():
        try:
            while True:
                try:
                    v.feed(text)
                    return
                except tc.ChainError as e:
                    refused.append(e)
        finally:
            done.set()

    t = threading.Thread(target=feed)
    t.start()
    while not done.is_set():
        try:
            v.breaks()
        except tc.ChainError as e:
            refused.append(e)
    t.join()
    assert refused, "no call overlapped the feed"
    for e in refused:
        assert e.code == "invalid_state", e
        assert "this ChainVerifier is in use by a call that has not returned" in str(e)
    assert v.finish() == tc.verify_jsonl(text, registry())


def test_verifier_breaks_state_resume_and_finish_once():
    _, rows = chain(20)
    rows[3] = rows[3].replace('"n":4', '"n":40')
    text = "\n".join(rows) + "\n"
    v = tc.ChainVerifier(registry())
    v.feed(text[: len(text) // 2])
    assert [b["reason"] for b in v.breaks()] == ["hash_mismatch"]
    state = v.state()
    assert state["type"] == "trustcore.chain-verifier-state/v2"
    assert state["breaks"] == 1 and state["break_counts"] == {"hash_mismatch": 1}
    assert state["check"].startswith("sha256:")
    resumed = tc.ChainVerifier.resume(registry(), json.loads(json.dumps(state)))
    # The partial line is not in the state: resume from the first unread line.
    consumed = state["position"]
    resumed.feed("\n".join(rows[consumed:]))
    report = resumed.finish()
    assert report["rows"] == 20 and report["breaks"] == []
    assert report["head"] == tc.verify_jsonl(text, registry())["head"]
    v.feed(text[len(text) // 2 :])
    v.finish()
    # A finished verifier: ChainError invalid_state from every method.
    for call in (lambda: v.feed(b""), lambda: v.feed_row("{}"), v.state, v.breaks, v.finish):
        with pytest.raises(tc.ChainError, match="finished") as e:
            call()
        assert e.value.code == "invalid_state"
        # The core's sentence, the same in Node and WASM.
        assert e.value.message == "this ChainVerifier has finished (finish() was called); create or resume another"
    assert repr(v) == "ChainVerifier(finished)"
    with pytest.raises(tc.ChainError) as e:
        tc.ChainVerifier.resume(registry(), {"type": "nope"})
    assert e.value.code == "invalid_state"


def test_expected_head_catches_truncation():
    w, rows = chain(6)
    report = tc.verify_jsonl("\n".join(rows[:4]), registry(), expected_head=w.head)
    assert [b["reason"] for b in report["breaks"]] == ["truncated"]
    assert tc.verify_jsonl("\n".join(rows), registry(), expected_head=w.head)["valid"]


def test_duplicate_ids_tracked_or_not():
    w = tc.ChainWriter("kernel", SK.public_key())
    rows = [w.append(body(1), SK), w.append(body(2, id=body(1)["id"]), SK)]
    text = "\n".join(rows)
    assert tc.verify_jsonl(text, registry())["breaks"][0]["reason"] == "duplicate_id"
    assert tc.verify_jsonl(text, registry(), track_ids=False)["valid"]


def test_threads_do_not_change_the_report():
    _, rows = chain(40)
    for i in (5, 17, 33):
        rows[i] = rows[i].replace("café", "cafe")
    text = "\n".join(rows)
    reports = [tc.verify_jsonl(text, registry(), threads=t) for t in (1, 2, 3, None)]
    assert all(r == reports[0] for r in reports)
    for bad in (0, 1025, -1, 1.5, "2", True):
        with pytest.raises(tc.OptionsError) as e:
            tc.verify_jsonl(text, registry(), threads=bad)
        assert e.value.code == "invalid_option"


def test_max_row_bytes_makes_longer_rows_malformed_breaks(tmp_path):
    _, rows = chain(5)
    text = "\n".join(rows) + "\n"
    longest = max(len(r.encode()) for r in rows)
    assert tc.verify_jsonl(text, registry(), max_row_bytes=longest)["valid"]
    limit = len(rows[2].encode()) - 1
    tight = sum(len(r.encode()) > limit for r in rows)
    p = tmp_path / "chain.jsonl"
    p.write_text(text, encoding="utf-8")
    v = tc.ChainVerifier(registry(), max_row_bytes=limit)
    for i in range(0, len(text), 3):
        v.feed(text[i : i + 3])
    for report in (
        tc.verify_jsonl(text, registry(), max_row_bytes=limit),
        tc.verify_file(p, registry(), chunk_size=7, max_row_bytes=limit),
        v.finish(),
    ):
        malformed = [b for b in report["breaks"] if b["reason"] == "malformed_row"]
        assert len(malformed) == tight
        assert f"longer than max_row_bytes ({limit})" in malformed[0]["message"]
        assert report["rows"] == 5
    for bad in (0, -1, 2**31 + 1, 2**64):
        with pytest.raises(tc.TrustcoreError) as e:
            tc.ChainVerifier(registry(), max_row_bytes=bad)
        assert e.value.code in ("invalid_option", "number_out_of_range")
    with pytest.raises(tc.OptionsError) as e:
        tc.verify_jsonl(text, registry(), max_row_bytes=-1)
    assert e.value.code == "invalid_option"


def test_lone_surrogate_in_jsonl_is_a_malformed_row():
    _, rows = chain(2)
    text = rows[0] + "\n" + rows[1].replace("café", "caf\ud800") + "\n"
    report = tc.verify_jsonl(text, registry())
    assert report["breaks"][0]["reason"] == "malformed_row"
    assert report["breaks"][0]["position"] == 1


def test_argument_types():
    with pytest.raises(TypeError):
        tc.verify_jsonl(123, registry())
    with pytest.raises(tc.ChainError) as e:  # a head the core cannot read
        tc.ChainVerifier(registry(), expected_head="abc")
    assert e.value.code == "invalid_state"
    with pytest.raises(TypeError):
        tc.replay("one text")
    with pytest.raises(TypeError):
        tc.replay([1, 2])


def test_replay_orders_shuffled_rows_and_reports_forks():
    _, rows = chain(30)
    shuffled = rows[:]
    random.Random(5).shuffle(shuffled)
    r = tc.replay(shuffled + [shuffled[0], "not json"])
    assert [tc.canonicalize(e).decode() for e in r["events"]] == rows
    assert r["forks"] == [] and r["orphans"] == []
    assert r["malformed"] == [{"position": 31, "reason": "malformed_row"}]
    # A fork: another event after row 10.
    w = tc.ChainWriter("kernel", SK.public_key(), head={"hash": json.loads(rows[9])["hash"], "seq": 10})
    fork = w.append(body(11, id="6f1c2a4e-0000-4000-8000-0000000000aa"), SK)
    r = tc.replay(rows + [fork])
    [f] = r["forks"]
    assert f["prev_hash"] == json.loads(rows[9])["hash"] and len(f["ids"]) == 2
    assert len(r["events"]) in (11, 30) and r["orphans"]
    # Start from a head in the middle.
    mid = {"hash": json.loads(rows[19])["hash"], "seq": 20}
    assert len(tc.replay(rows, start=mid)["events"]) == 10


def test_verify_file_streams(tmp_path):
    _, rows = chain(25)
    p = tmp_path / "chain.jsonl"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert tc.verify_file(p, registry(), chunk_size=100) == tc.verify_jsonl(p.read_bytes(), registry())
    assert tc.verify_file(str(p), registry(), stop_at_first=True)["valid"]
    with pytest.raises(tc.OptionsError) as e:
        tc.verify_file(p, registry(), chunk_size=0)
    assert e.value.code == "invalid_option" and "chunk_size" in str(e.value)
    with pytest.raises(TypeError):
        tc.verify_file(p, registry(), chunk_size="7")
    with pytest.raises(TypeError):
        tc.verify_file(0, registry())  # a path, never a file descriptor
    with pytest.raises(tc.OptionsError) as e:
        tc.verify_file(p, registry(), stop_at_frist=True)
    assert e.value.code == "unknown_option"


def test_verification_releases_the_gil():
    _, rows = chain(300)
    text = ("\n".join(rows) + "\n").encode() * 1
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        for _ in range(5):
            tc.verify_jsonl(text, registry(), track_ids=False)
    finally:
        stop.set()
        t.join()
    assert ticks  # the other thread ran meanwhile


def test_reprs():
    w, _ = chain(2)
    assert repr(w) == "ChainWriter(signer_id='kernel', seq=2)"
    p = w.prepare(body(3))
    assert repr(p).startswith("PreparedEvent(seq=3")
    assert repr(tc.ChainVerifier(registry())) == "ChainVerifier(open)"


def test_from_head_verifies_only_the_rows_after_a_trusted_head():
    w, rows = chain(10)
    mid = json.loads(rows[5])
    head = {"hash": mid["hash"], "seq": mid["seq"], "ts": mid["ts"]}
    v = tc.ChainVerifier.from_head(registry(), head, expected_head=w.head)
    v.feed("\n".join(rows[6:]))
    report = v.finish()
    assert report["valid"] and report["rows"] == 4 and report["count"] == 4
    assert report["head"] == w.head and report["merkle"]["size"] == 4
    # A row that does not follow the trusted head is a break.
    v = tc.ChainVerifier.from_head(registry(), head)
    v.feed("\n".join(rows[7:]))
    assert [b["reason"] for b in v.finish()["breaks"]][:1] == ["seq_gap"]
    with pytest.raises(tc.ChainError) as e:
        tc.ChainVerifier.from_head(registry(), {"hash": "zz", "seq": 1})
    assert e.value.code == "invalid_state"
    with pytest.raises(tc.OptionsError):
        tc.ChainVerifier.from_head(registry(), head, hashAlg="sha256")


def test_report_counts_and_kept_breaks():
    _, rows = chain(6)
    rows[1] = rows[1].replace('"n":2', '"n":20')
    rows.insert(3, "garbage")
    r = tc.verify_jsonl("\n".join(rows), registry(), max_breaks=1)
    assert r["rows"] == 7 and r["count"] == 5 and r["break_count"] == 2
    assert r["break_counts"] == {"hash_mismatch": 1, "malformed_row": 1}
    assert [b["reason"] for b in r["breaks"]] == ["hash_mismatch"]
    full = tc.verify_jsonl("\n".join(rows), registry())
    assert [b["reason"] for b in full["breaks"]] == ["hash_mismatch", "malformed_row"]


def test_feed_row_takes_row_dicts_and_texts_alike():
    _, rows = chain(4)
    want = tc.verify_jsonl("\n".join(rows), registry())
    v = tc.ChainVerifier(registry())
    for i, r in enumerate(rows):
        v.feed_row(json.loads(r) if i % 2 else r)
    assert v.finish() == want
    v = tc.ChainVerifier(registry())
    with pytest.raises(tc.CanonicalJsonError) as e:
        v.feed_row({"payload": float("nan")})
    assert e.value.path == "/payload"
    with pytest.raises(TypeError):
        v.feed_row(5)
