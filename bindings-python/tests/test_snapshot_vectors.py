"""Runs every section of ../test-vectors/snapshots.json (#12, format in its
README) through the Python API, as bindings-node/test/snapshot-vectors.test.mjs
does through Node's:

* `builds`: lines and batch, unsigned metadata, the bytes a remote signer
  gets (and the signing input for Ed25519), the signed metadata (canonical
  text), its verification, and the same lines from records given as dicts;
* `buildErrors`: where the build fails (options, record index, finish) and
  with which code;
* `remote`: a remote signer's answer attached through `prepare().attach`,
  `sign_with` and `sign_with_async`: the build's metadata or the refusal;
* `verify`: every report (bytes, str with the metadata as dict and as a
  Snapshot, a SnapshotVerifier fed in chunks of 1, 7 and 4096 bytes, .jsonl
  and two-member .jsonl.gz files), and every failure code reached but
  `not_included`;
* `metadataErrors`: refused by `verify_snapshot` and `SnapshotVerifier`;
* `proofs` / `proofErrors`: `record_proof` of a build's batch and
  `verify_record` reports; the refused index;
* `eventBody` / `events`: the snapshot.published body and the row a
  ChainWriter appends for it, and `check_snapshot_event` verdicts.

Expected values come from the independent generator tools/gen_snapshots.py,
never from trustcore.

Python has no module-level `snapshot_event_body` (Node's
`snapshotEventBody`): the event body is `Snapshot.event_body`, which is what
is run on the build's metadata.
"""

import asyncio
import gzip
import json

import pytest
from conftest import vector_doc, vector_section

import trustcore as tc

NAME = "snapshots.json"


def section(name):
    """parametrize() arguments for one section's cases."""
    return vector_section(NAME, name)


@pytest.fixture(scope="module")
def doc():
    return vector_doc(NAME)


@pytest.fixture(scope="module")
def registry(doc):
    return tc.SignerRegistry.from_json(doc["registry"])


def secret(doc, name):
    return tc.SecretKey.from_hex(doc["keys"][name]["seed"])


def public_key(doc, name):
    return tc.PublicKey.from_base64(doc["keys"][name]["publicKey"])


def build_of(doc, build_id):
    return next(b for b in doc["builds"] if b["id"] == build_id)


def plain(report):
    """The report as the vectors spell it: without the failures' messages."""
    assert "failure_counts" in report, "snake_case report members"
    out = dict(report, failures=[])
    for f in report["failures"]:
        assert isinstance(f["message"], str) and f["message"]
        out["failures"].append({k: v for k, v in f.items() if k != "message"})
    return out


def run(c):
    """Builds a case: (batch, unsigned snapshot), or where it failed and its code."""
    try:
        b = tc.SnapshotBuilder(**c["options"])
    except tc.TrustcoreError as e:
        return {"at": "options", "code": e.code}
    lines = []
    for i, r in enumerate(c["records"]):
        try:
            lines.append(b.push(r))
        except tc.TrustcoreError as e:
            return {"at": i, "code": e.code}
    try:
        return b"".join(lines), b.finish(c["snapshotId"], c["ts"])
    except tc.TrustcoreError as e:
        return {"at": "finish", "code": e.code}


def test_every_section_is_present_and_non_empty(doc):
    for name in ("registry", "keys", "builds", "buildErrors", "remote", "verify",
                 "metadataErrors", "proofs", "proofErrors", "eventBody", "events"):
        assert doc.get(name), name


@pytest.mark.parametrize("case", **section("builds"))
def test_build(doc, registry, case):
    got = run(case)
    assert isinstance(got, tuple), got
    batch, unsigned = got
    assert batch.decode() == "".join(line + "\n" for line in case["lines"])
    assert batch.decode() == case["batch"]
    assert unsigned.metadata == case["unsigned"]
    prepared = unsigned.prepare(case["signerKid"], case["alg"])
    assert prepared.message.hex() == case["message"]
    if case["alg"] == "ed25519":
        assert prepared.message.decode() == case["signingInput"]
    snap = unsigned.sign(secret(doc, case["key"]), case["signerKid"], case["alg"])
    assert snap.to_json() == case["metadata"], "signed metadata"
    meta = snap.metadata
    assert tc.canonicalize(meta).decode() == case["metadata"], "signed metadata"
    for f in ("snapshot_id", "trace_range", "hash", "signer_kid", "signature", "ts"):
        assert f in meta, f
    assert tc.verify_snapshot(case["metadata"], batch, registry)["valid"] is True
    # Records as Python values give the same lines.
    again = tc.SnapshotBuilder(**case["options"])
    lines = b"".join(again.push(json.loads(r)) for r in case["records"])
    assert lines.decode() == case["batch"]


@pytest.mark.parametrize("case", **section("buildErrors"))
def test_build_error(case):
    assert run(case) == case["error"]


@pytest.mark.parametrize("case", **section("remote"))
def test_remote_answer(doc, case):
    b = build_of(doc, case["build"])
    got = run(b)
    assert isinstance(got, tuple), got
    unsigned = got[1]
    answer = bytes.fromhex(case["answer"])
    expected_key = public_key(doc, case["expectedKey"])
    want = case["error"] if case["error"] is not None else b["metadata"]
    prepared = unsigned.prepare(b["signerKid"], b["alg"])

    def outcome(sign):
        try:
            return sign().to_json()
        except tc.TrustcoreError as e:
            return e.code

    assert outcome(lambda: prepared.attach(answer, expected_key)) == want
    # The same answer from a KMS-like signer, synchronous and async: the same
    # outcome, and nothing else on a refusal.
    asked = []

    def sign_fn(message):
        asked.append(bytes(message))
        return answer

    async def async_sign_fn(message):
        return sign_fn(message)

    assert outcome(lambda: unsigned.sign_with(
        b["signerKid"], expected_key, sign_fn, b["alg"])) == want
    assert outcome(lambda: asyncio.run(unsigned.sign_with_async(
        b["signerKid"], expected_key, async_sign_fn, b["alg"]))) == want
    assert asked == [prepared.message] * 2


@pytest.mark.parametrize("case", **section("verify"))
def test_verify(registry, tmp_path, case):
    data = case["batch"].encode()
    meta = case["metadata"]
    assert plain(tc.verify_snapshot(meta, data, registry)) == case["expected"], "bytes"
    assert plain(tc.verify_snapshot(json.loads(meta), case["batch"], registry)) == \
        case["expected"], "str, metadata dict"
    assert plain(tc.verify_snapshot(tc.Snapshot.from_json(meta), data, registry)) == \
        case["expected"], "Snapshot"
    for size in (1, 7, 4096):
        v = tc.SnapshotVerifier(meta, registry)
        for i in range(0, len(data), size):
            v.feed(data[i:i + size])
        assert plain(v.finish()) == case["expected"], f"chunks of {size}"
    path = tmp_path / "batch.jsonl"
    path.write_bytes(data)
    assert plain(tc.verify_snapshot_file(meta, path, registry)) == case["expected"], ".jsonl"
    # Gzipped in two members (cut mid-line): every member is read.
    cut = len(data) // 2
    gz = tmp_path / "batch.jsonl.gz"
    gz.write_bytes(gzip.compress(data[:cut]) + gzip.compress(data[cut:]))
    assert plain(tc.verify_snapshot_file(meta, gz, registry)) == case["expected"], ".jsonl.gz"


def test_the_verify_cases_reach_every_failure_code_but_not_included(doc):
    # not_included is a proof's failure (the `proofs` section).
    codes = {f["code"] for c in doc["verify"] for f in c["expected"]["failures"]}
    for code in ("malformed_line", "not_canonical", "missing_field", "count_mismatch",
                 "hash_mismatch", "merkle_mismatch", "trace_range_mismatch", "unknown_signer",
                 "signer_not_yet_valid", "signer_expired", "signer_revoked",
                 "algorithm_mismatch", "invalid_signature"):
        assert code in codes, code


@pytest.mark.parametrize("case", **section("metadataErrors"))
def test_metadata_error(registry, case):
    with pytest.raises(tc.TrustcoreError) as e:
        tc.verify_snapshot(case["metadata"], "", registry)
    assert e.value.code == case["code"], str(e.value)
    with pytest.raises(tc.TrustcoreError) as e:
        tc.SnapshotVerifier(case["metadata"], registry)
    assert e.value.code == case["code"], str(e.value)


@pytest.mark.parametrize("case", **section("proofs"))
def test_proof(doc, registry, case):
    if "batch" in case:
        proof = tc.record_proof(build_of(doc, case["batch"])["batch"], case["index"])
        assert [h.hex() for h in proof] == case["proof"]
    proof = [bytes.fromhex(h) for h in case["proof"]]
    report = tc.verify_record(case["metadata"], case["record"], case["index"], proof, registry)
    assert plain(report) == case["expected"]


@pytest.mark.parametrize("case", **section("proofErrors"))
def test_proof_error(doc, case):
    with pytest.raises(tc.TrustcoreError) as e:
        tc.record_proof(build_of(doc, case["batch"])["batch"], case["index"])
    assert e.value.code == case["code"], str(e.value)


def test_the_snapshot_published_event_body_row_and_check(doc):
    eb = doc["eventBody"]
    b = build_of(doc, eb["build"])
    event = eb["event"]
    body = tc.Snapshot.from_json(b["metadata"]).event_body(event["id"], event["ts"],
                                                           event["actor"])
    assert body == eb["body"]
    w = tc.ChainWriter("graph-signer", secret(doc, "1").public_key())
    assert w.append(body, secret(doc, "1")) == eb["row"]
    for c in doc["events"]:
        got = [code_of(tc.check_snapshot_event, c["metadata"], c["row"]),
               code_of(tc.Snapshot.from_json(c["metadata"]).check_event, c["row"])]
        assert got == [c["error"]] * 2, c["id"]


def code_of(f, *args):
    """None when `f(*args)` returns, else the code of the TrustcoreError it raises."""
    try:
        f(*args)
    except tc.TrustcoreError as e:
        return e.code
    return None
