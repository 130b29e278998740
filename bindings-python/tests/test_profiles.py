"""Chain profiles through the Python API (#10): writers appending rows in
each built-in profile's own columns (local key, prepare_row + attach, a
callable and an async callable signer), those rows verified whole, in
chunks, from a head, one by one, replayed and checked against a signed
checkpoint, every call taking the same `profile=` forms (a built-in name, a
document dict, its JSON bytes); profile errors with code and path."""

import asyncio
import base64
import json
import random

import pytest

import trustcore as tc

SK = tc.SecretKey.from_bytes(bytes([1]) * 32)
SK2 = tc.SecretKey.from_bytes(bytes([2]) * 32)
LOG = "audit.example/log"
NAMES = list(tc.builtin_profiles())


def registry():
    return tc.SignerRegistry.from_json(json.dumps({"signers": [
        {"signerId": "kernel-signer", "publicKey": SK.public_key().to_base64()},
        {"signerId": "kms", "publicKey": SK2.public_key().to_base64(), "algorithm": "ed25519ph"},
    ]}))


def body(profile, i):
    """A body in the profile's own column names, from its document."""
    c = profile["columns"]
    b = {c["id"]: f"6f1c2a4e-0000-4000-8000-{i:012d}", c["ts"]: f"2026-03-01T12:00:{i:02d}Z",
         c["payload"]: {"n": i, "note": f"café #{i}"}}
    if c.get("eventType"):
        b[c["eventType"]] = "manifest.signed"
    if c.get("actor"):
        b[c["actor"]] = "svc:kernel"
    for e in profile.get("extraColumns", []):
        b[e["name"]] = f"x{i}"
    return b


def write(name, n=6, signer="kernel-signer", key=SK, alg="ed25519"):
    """n rows under `name`, signed four ways in turn."""
    w = tc.ChainWriter(signer, key.public_key(), profile=name, alg=alg)
    profile = w.profile
    sign = key.sign if alg == "ed25519" else (lambda m: tc.sign_ed25519ph_digest(key, m))

    async def async_sign(m):
        await asyncio.sleep(0)
        return sign(m)

    rows = []
    for i in range(1, n + 1):
        b = body(profile, i)
        if i % 4 == 1 and alg == "ed25519":
            rows.append(w.append_row(b, key))
        elif i % 4 == 2:
            p = w.prepare_row(b)
            assert "signature" not in p.event or profile["columns"]["signature"] != "signature"
            rows.append(w.attach(p, sign(p.message)))
        elif i % 4 == 3:
            rows.append(w.append_row_with(b, sign))
        else:
            rows.append(asyncio.run(w.append_row_with_async(b, async_sign)))
    return w, rows


def decode_hash(profile, text):
    enc = profile["hash"]["encoding"]
    if enc == "hex":
        return bytes.fromhex(text)
    if enc == "prefixed":
        return bytes.fromhex(text.split(":", 1)[1])
    return base64.b64decode(text)


@pytest.mark.parametrize("name", NAMES)
def test_rows_written_in_each_builtin_profile_verify_under_it(name):
    w, rows = write(name)
    profile = tc.builtin_profiles()[name]
    assert w.profile == profile
    columns = {v for v in profile["columns"].values() if v}
    for r in rows:
        assert set(json.loads(r)) == columns, "exactly the profile's own columns"
    text = "\n".join(rows) + "\n"
    reg = registry()
    for given in (name, profile, json.dumps(profile).encode()):
        report = tc.verify_jsonl(text, reg, profile=given)
        assert report["valid"] and report["count"] == 6, report
    assert report["head"]["hash"] == w.head["hash"] or profile["hash"]["encoding"] != "hex"
    # Streaming in chunks, resumed from a state, and from a trusted head.
    cut = text.index("\n", len(text) // 2) + 1
    v = tc.ChainVerifier(reg, profile=name)
    for i in range(0, cut, 9):
        v.feed(text[i:min(i + 9, cut)])
    state = json.loads(json.dumps(v.state()))
    r = tc.ChainVerifier.resume(reg, state, profile=name)
    r.feed(text[cut:])
    assert r.finish() == report
    first = tc.verify_jsonl("\n".join(rows[:3]), reg, profile=name)
    h = tc.ChainVerifier.from_head(reg, first["head"], profile=name)
    for row in rows[3:]:
        h.feed_row(row)
    assert h.finish()["valid"]
    # Under another profile the rows do not read: malformed_row naming a column.
    other = next(n for n in NAMES if n != name)
    bad = tc.verify_jsonl(text, reg, profile=other)
    assert not bad["valid"] and bad["breaks"][0]["reason"] in ("malformed_row", "invalid_field")


@pytest.mark.parametrize("name", NAMES)
def test_the_ed25519ph_kms_signer_writes_in_each_profile(name):
    _, rows = write(name, n=4, signer="kms", key=SK2, alg="ed25519ph")
    assert tc.verify_jsonl("\n".join(rows), registry(), profile=name)["valid"]


@pytest.mark.parametrize("name", NAMES)
def test_one_row_replay_and_checkpoint_under_each_profile(name):
    _, rows = write(name, n=8)
    profile = tc.builtin_profiles()[name]
    reg = registry()
    for r in rows:
        v = tc.verify_row(r, reg, profile=name)
        assert v["valid"] and v["row"] == json.loads(r)
        assert tc.verify_row(json.loads(r), reg, profile) == v
    # A payload changed after hashing: hash_mismatch.
    row = json.loads(rows[2])
    row[profile["columns"]["payload"]]["n"] = 99
    v = tc.verify_row(row, reg, profile=name)
    assert (v["valid"], v["reason"]) == (False, "hash_mismatch") and v["message"]
    # A signer the registry does not know.
    assert tc.verify_row(rows[0], tc.SignerRegistry.from_json('{"signers":[]}'),
                         profile=name)["reason"] == "unknown_signer"
    # Replay orders shuffled rows under the profile.
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    replayed = tc.replay(shuffled, profile=name)
    assert [json.dumps(e, sort_keys=True) for e in replayed["events"]] == \
        [json.dumps(json.loads(r), sort_keys=True) for r in rows]
    assert replayed["forks"] == [] and replayed["orphans"] == []
    fed = tc.ChainVerifier(reg, profile=name)
    for e in replayed["events"]:
        fed.feed_row(e)
    report = fed.finish()
    assert report["valid"]
    # One event against a signed checkpoint over the chain's hashes.
    hashes = [decode_hash(profile, json.loads(r)[profile["columns"]["hash"]]) for r in rows]
    tree = tc.MerkleTree(hashes)
    assert tree.root().hex() == report["merkle"]["root"]
    note = tc.Checkpoint(LOG, len(hashes), tree.root()).sign([(LOG, SK)])
    keys = [tc.VerifierKey(LOG, SK.public_key())]
    for i in (0, 5):
        got = tc.verify_event_in_checkpoint(rows[i], i, tree.inclusion_proof(i, 8), note, keys,
                                            reg, profile=name)
        assert got["valid"], got
    wrong = tc.verify_event_in_checkpoint(rows[1], 1, tree.inclusion_proof(0, 8), note, keys,
                                          reg, profile=name)
    assert (wrong["valid"], wrong["stage"]) == (False, "inclusion")
    if name != "trustcore/v1":
        # Without the profile the row does not read.
        plain = tc.verify_event_in_checkpoint(rows[0], 0, tree.inclusion_proof(0, 8), note, keys,
                                              reg)
        assert (plain["valid"], plain["stage"]) == (False, "row")


def test_postgres_timestamps_are_written_in_the_tables_format():
    w, rows = write("kernel/v1", n=2)
    ts = json.loads(rows[0])["created_at"]
    assert "T" not in ts and ts.startswith("2026-03-01 12:00:01"), ts
    assert w.head["ts"] == "2026-03-01T12:00:02Z"


def test_a_writer_body_must_be_the_profiles_own_columns():
    w = tc.ChainWriter("kernel-signer", SK.public_key(), profile="kernel/v1")
    b = body(w.profile, 1)
    with pytest.raises(tc.ChainError) as e:
        w.append_row(dict(b, seq=1), SK)
    assert e.value.code == "invalid_event"
    b.pop("payload")
    with pytest.raises(tc.ChainError) as e:
        w.prepare_row(b)
    assert e.value.code == "invalid_event" and "payload" in e.value.message
    with pytest.raises(TypeError):
        w.prepare_row("{}")
    # A failing or wrong remote signer: nothing moves.
    head = w.head
    with pytest.raises(tc.EnvelopeError) as e:
        w.append_row_with(body(w.profile, 1), SK2.sign)
    assert e.value.code == "remote_signature_invalid"
    assert w.head == head


def test_profile_errors_and_option_rules_are_the_cores():
    reg = registry()
    calls = [
        lambda p: tc.verify_jsonl("", reg, profile=p),
        lambda p: tc.ChainVerifier(reg, profile=p),
        lambda p: tc.ChainWriter("kernel-signer", SK.public_key(), profile=p),
        lambda p: tc.replay([], profile=p),
        lambda p: tc.verify_row("{}", reg, profile=p),
        lambda p: tc.recheck([], reg, reg, profile=p),
        tc.load_profile,
        lambda p: tc.verify_event_in_checkpoint("{}", 0, [], "", [], reg, profile=p),
    ]
    for call in calls:
        with pytest.raises(tc.ProfileError) as e:
            call("nope/v9")
        assert e.value.code == "unknown_profile" and "kernel/v1" in e.value.message
        with pytest.raises(tc.ProfileError) as e:
            call({"type": "trustcore.chain-profile/v1", "name": "x"})
        assert e.value.code == "invalid_profile" and e.value.path == "/columns"
        with pytest.raises(tc.ProfileError) as e:
            call(b'{"type":"trustcore.chain-profile/v9"}')
        assert e.value.code == "unsupported_profile_version"
        with pytest.raises(TypeError):
            call(7)
    # A profile carries its digest: another hash_alg is the core's invalid_option.
    for call in (lambda: tc.verify_jsonl("", reg, profile="kernel/v1", hash_alg="blake3"),
                 lambda: tc.verify_event_in_checkpoint("{}", 0, [], "", [], reg,
                                                       profile="kernel/v1", hash_alg="blake3")):
        with pytest.raises(tc.OptionsError) as e:
            call()
        assert e.value.code == "invalid_option"
    with pytest.raises(tc.OptionsError) as e:
        tc.verify_event_in_checkpoint("{}", 0, [], "", [], reg, profile="kernel/v1", stop=1)
    assert e.value.code == "unknown_option"
    # JSON text with a duplicate member: the core's canonical JSON error.
    with pytest.raises(tc.CanonicalJsonError):
        tc.load_profile('{"type":"a","type":"b"}')


def test_coverage_and_digest_of_a_profile():
    cov = tc.profile_coverage("payload-sig/v1")
    assert cov["hashed"] == ["body"] and "prev" in cov["unsigned"]
    assert tc.profile_coverage("trustcore/v1")["unsigned"] == []
    digests = {tc.profile_digest(n) for n in NAMES}
    assert len(digests) == len(NAMES) and all(d.startswith("sha256:") for d in digests)
    assert tc.profile_digest(tc.builtin_profiles()["kernel/v1"]) == tc.profile_digest("kernel/v1")


@pytest.mark.parametrize("name", NAMES)
def test_verify_file_streams_rows_of_each_profile(tmp_path, name):
    _, rows = write(name, n=5)
    path = tmp_path / "audit.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = tc.verify_file(path, registry(), chunk_size=11, profile=name)
    assert report == tc.verify_jsonl("\n".join(rows) + "\n", registry(), profile=name)
    assert report["valid"] and report["count"] == 5
    with pytest.raises(tc.ProfileError):
        tc.verify_file(path, registry(), profile="nope/v1")
