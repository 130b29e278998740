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
