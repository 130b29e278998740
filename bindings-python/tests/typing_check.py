"""Type-checked by mypy in ci.sh (not run): the stub's report TypedDicts
and keyword options as a user's code sees them. A wrong key or a wrong
option type here is a mypy error."""

from __future__ import annotations

import trustcore as tc


def reports(registry: tc.SignerRegistry, text: str, head: tc.ChainHead) -> int:
    report: tc.ChainReport = tc.verify_jsonl(
        text, registry, expected_head=head, stop_at_first=False, threads=2, max_breaks=10,
        max_row_bytes=4096, hash_alg="sha256", track_ids=True,
    )
    counts: dict[str, int] = report["break_counts"]
    n: int = report["count"] + report["break_count"] + len(report["breaks"]) + sum(counts.values())
    v = tc.ChainVerifier(registry, checkpoint={"size": 1, "root": "00" * 32})
    state: tc.VerifierState = v.state()
    again = tc.ChainVerifier.resume(registry, dict(state), max_breaks=0)
    after = tc.ChainVerifier.from_head(registry, head)
    replayed: tc.Replay = tc.replay([text], start=head)
    for event in replayed["events"]:
        again.feed_row(event)
        after.feed_row(event["hash"])
    fork: tc.Fork
    for fork in replayed["forks"]:
        n += len(fork["ids"])
    return n + again.finish()["rows"] + after.finish()["rows"]


def checkpoints(note: str, keys: list[tc.VerifierKey], cp: tc.Checkpoint, f: tc.Frontier) -> str:
    opened: tc.OpenedCheckpoint = tc.open_checkpoint(note, keys)
    status: tc.ChainStatus = tc.check_against_checkpoint(cp, f)
    unknown = [u["key_hash"] for u in opened["unknown"]]
    return opened["checkpoint"]["root"] + status["status"] + "".join(unknown)


def one_event(row: str, proof: list[bytes], note: str, keys: list[tc.VerifierKey],
              registry: tc.SignerRegistry) -> bool:
    r: tc.EventInCheckpoint = tc.verify_event_in_checkpoint(
        row, 0, proof, note, keys, registry, hash_alg="blake3")
    return r["valid"] and r["checkpoint"]["checkpoint"]["size"] > 0


def canonical(obj: object) -> bytes:
    try:
        return tc.canonicalize(obj, max_depth=16) + tc.canonicalize_text("[]", max_depth=None)
    except tc.OptionsError as e:
        return e.code.encode()


def profiles(registry: tc.SignerRegistry, rows: list[str], sk: tc.SecretKey) -> int:
    docs: dict[str, tc.ChainProfileDoc] = tc.builtin_profiles()
    doc: tc.ChainProfileDoc = tc.load_profile(docs["kernel/v1"])
    inf: tc.Inference = tc.infer_profile(rows, registry)
    attempt: tc.InferenceAttempt
    n = sum(attempt["hashes_matched"] for attempt in inf["attempts"]) + inf["rows"]
    report: tc.ChainReport = tc.verify_jsonl("\n".join(rows), registry, profile="kernel/v1")
    v = tc.ChainVerifier(registry, profile=doc)
    v.feed(b"")
    w = tc.ChainWriter("s", sk.public_key(), profile=b"{}", head=None)
    row: str = w.append_row({"id": "x"}, sk)
    prepared = w.prepare_row({"id": "y"})
    row += w.attach(prepared, sk.sign(prepared.message))
    verdict: tc.RowVerdict = tc.verify_row(row, registry, "kernel/v1")
    replayed: tc.Replay = tc.replay(rows, None, profile="kernel/v1")
    cov: tc.ProfileCoverage = tc.profile_coverage(doc)
    new, record = tc.revoke_signer(registry, "a", "2026-03-01T00:00:00Z", "x", "b", sk)
    revocation: tc.Revocation = tc.verify_revocation(registry, record)
    applied: tc.Revocation = tc.apply_revocation(new, record)
    env = tc.Envelope.from_text(tc.REVOCATION_KIND, tc.revocation_payload("a", "t", "r"))
    rc: tc.RecheckReport = tc.recheck([(env, "2026-03-01T00:00:00Z"), row], registry, new)
    item: tc.RecheckVerdict = rc["items"][0]
    return (n + report["count"] + len(replayed["events"]) + rc["now_invalid"] + len(cov["hashed"])
            + len(revocation["signer"] + applied["revokedAt"] + item["status"] + tc.profile_digest(doc))
            + int(verdict["valid"]))


def snapshots(registry: tc.SignerRegistry, sk: tc.SecretKey, path: str) -> int:
    b = tc.SnapshotBuilder(hash_alg="blake3", trace_id="/id", ts="/at")
    line: bytes = b.push({"id": "a", "at": "2026-03-01T00:00:00Z"}) + b.push("{}")
    unsigned: tc.UnsignedSnapshot = b.finish("s", "2026-03-01T00:00:00Z")
    meta: tc.SnapshotMetadata = unsigned.metadata
    snap: tc.Snapshot = unsigned.sign(sk, "k")
    prepared: tc.PreparedSnapshot = unsigned.prepare("k", "ed25519ph")
    again: tc.Snapshot = prepared.attach(sk.sign(prepared.message), sk.public_key())
    remote: tc.Snapshot = unsigned.sign_with("k", sk.public_key(), sk.sign)
    report: tc.SnapshotReport = tc.verify_snapshot(snap.metadata, line, registry)
    failure: tc.SnapshotFailure
    lines = [failure.get("line", 0) for failure in report["failures"]]
    from_file: tc.SnapshotReport = tc.verify_snapshot_file(snap.to_json(), path, registry,
                                                           chunk_size=4096)
    v = tc.SnapshotVerifier(again, registry)
    v.feed(line)
    proof: list[bytes] = tc.record_proof(line, 0)
    one: tc.SnapshotReport = tc.verify_record(remote, line, 0, proof, registry)
    body = snap.event_body("id", "2026-03-01T00:00:00Z", "svc")
    tc.check_snapshot_event(snap, body)
    return (sum(lines) + from_file["records"] + v.finish()["records"] + one["records"]
            + len(meta["trace_range"]["first_trace_id"]) + report["failure_counts"].get("x", 0))


def redaction(doc: dict[str, object]) -> bool:
    policy: tc.RedactionPolicy = tc.load_redaction_policy({"type": tc.REDACTION_POLICY_TYPE})
    keys = tc.RedactionKeys(bytes(32), pseudonym_key=None)
    out, record = tc.redact(doc, policy, keys)
    rec: tc.RedactionRecord = record
    entry: tc.RedactionEntry = rec["redactions"][0]
    committed, disclosures = tc.commit(out, policy, keys)
    view: dict[str, object] = tc.disclose(committed, disclosures[:1])
    return tc.proves(entry, "x", keys) and bool(view) and entry["pointer"] != policy.digest


def segments_and_plans(registry: tc.SignerRegistry, log: bytes,
                       types: list[tuple[str, str]]) -> int:
    """Segments (#14) and the PostgreSQL plans (#11)."""
    segs: list[tc.Segment] = []
    for start, end in tc.split_bytes(len(log), 3):
        v = tc.SegmentVerifier.for_bytes(registry, start, end, max_breaks=10, profile="kernel/v1")
        v.push_bytes(log[max(start - 1, 0):])
        more: bool = v.needs_more
        segs.append(v.finish())
    buckets: list[list[bytes]] = [s.id_buckets(k, 2) for k, s in enumerate(segs)]
    dups: list[tuple[int, int]] = tc.duplicates([b[0] for b in buckets])
    st = tc.Stitcher([s.summary() for s in segs], dups, stop_at_first=True)
    answers: list[str] = [segs[k].answer(q) for k, q in zip(st.segments(), st.requests())]
    report: tc.ChainReport = st.finish(answers)
    again: tc.ChainReport = tc.stitch([tc.Segment.from_bytes(s.to_bytes()) for s in segs])
    plan = tc.AppendPlan("trustcore/v1", tc.Table("audit_events"), types)
    head: tc.ChainHead = plan.head(None, 0)
    params: list[str | None] = plan.params("{}")
    sel = tc.SelectPlan("trustcore/v1", "audit_events", types)
    seq_sql: str | None = sel.seq_range_sql
    ok: bool = tc.retryable("23505") and more
    n = tc.APPEND_ATTEMPTS + sel.FETCH_ROWS + plan.lock_key + len(tc.migration("kernel/v1", "t"))
    return n + report["count"] + again["rows"] + head["seq"] + len(params) + len(seq_sql or "") + ok
