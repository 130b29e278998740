"""PII redaction through the Python API (#12): policies as data (errors
with code and JSON Pointer), redaction reaching nested objects, arrays and
annotations, deterministic bytes and records, pseudonyms that join, a
privileged reader's proof, and redacted copies that still verify against
a signed snapshot (commitment form, disclosures, RFC 9901's refusals)."""

import base64
import json

import pytest

import trustcore as tc

POLICY = {
    "type": "trustcore.redaction-policy/v1", "id": "traces-external", "version": 1,
    "rules": [
        {"id": "emails", "select": {"keys": ["email", "e_mail"]}, "action": "replace",
         "class": "email"},
        {"id": "phones", "select": {"detect": "phone"}, "action": "mask", "keep": 4},
        {"id": "queries", "select": {"pointer": "/steps/*/query"}, "action": "pseudonymize",
         "class": "query"},
        {"id": "secrets", "select": {"pointer": "/**/token"}, "action": "remove",
         "class": "secret"},
    ],
}
SALT = bytes([7]) * 32
KEYS = tc.RedactionKeys(SALT, bytes([8]) * 32)


def policy():
    return tc.load_redaction_policy(POLICY)


def trace(i):
    return {
        "trace_id": f"tr-{i:04d}",
        "ts": f"2026-03-01T12:00:{i:02d}Z",
        "steps": [{"tool": "search", "query": f"q{i}"},
                  {"tool": "answer", "user": {"email": "ann@example.com"}}],
        "annotations": {"reviewer": {"Email": "rev@example.org", "phone": "+14155550123"}},
    }


def b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def unb64(d):
    return base64.urlsafe_b64decode(d + "=" * (-len(d) % 4)).decode()


def test_policies_load_from_dicts_and_text_and_refuse_with_code_and_path():
    p = policy()
    assert (p.id, p.version, p.needs_pseudonym_key) == ("traces-external", 1, True)
    assert p.digest.startswith("sha256:") and p.digest == tc.canonical_digest(POLICY)
    assert tc.load_redaction_policy(json.dumps(POLICY)).digest == p.digest
    assert tc.RedactionPolicy.from_json(json.dumps(POLICY).encode()).to_dict() == POLICY
    assert tc.RedactionPolicy.from_dict(POLICY).to_dict() == POLICY
    bad_rule = dict(POLICY, rules=[dict(POLICY["rules"][0], action="explode")])
    with pytest.raises(tc.RedactionError) as e:
        tc.load_redaction_policy(bad_rule)
    assert e.value.code == "invalid_policy" and e.value.path == "/rules/0/action"
    with pytest.raises(tc.RedactionError) as e:
        tc.load_redaction_policy(dict(POLICY, type="trustcore.redaction-policy/v9"))
    assert e.value.code == "unsupported_policy_version"
    with pytest.raises(tc.CanonicalJsonError):
        tc.load_redaction_policy('{"type":1,"type":2}')
    with pytest.raises(TypeError):
        tc.load_redaction_policy(7)
    assert repr(p) == "RedactionPolicy(id='traces-external', version=1, rules=4)"


def test_redaction_reaches_nested_objects_arrays_and_annotations():
    doc = trace(3)
    doc["steps"][1]["auth"] = {"token": "s3cr3t"}
    doc["annotations"]["notes"] = [{"by": {"e_mail": "x@example.net"}}, ["+14155550199", "ok"]]
    out_bytes, record = tc.redact(doc, policy(), KEYS)
    assert out_bytes == tc.canonicalize(json.loads(out_bytes))
    out = json.loads(out_bytes)
    assert out["steps"][1]["user"]["email"] == "[REDACTED]"
    assert out["annotations"]["reviewer"]["Email"] == "[REDACTED]", "class names ignore case"
    assert out["annotations"]["reviewer"]["phone"] == "********0123"
    assert out["annotations"]["notes"][0]["by"]["e_mail"] == "[REDACTED]", "in an array"
    assert out["annotations"]["notes"][1] == ["********0199", "ok"], "a value detected in an array"
    assert out["steps"][0]["query"].startswith("pseud:")
    assert "token" not in out["steps"][1]["auth"]
    assert out["trace_id"] == "tr-0003" and out["steps"][0]["tool"] == "search"
    assert record["type"] == tc.REDACTION_RECORD_TYPE
    assert record["policy"] == {"id": "traces-external", "version": 1, "digest": policy().digest}
    assert record["original"] == tc.canonical_digest(doc)
    assert record["redacted"] == tc.digest(out_bytes)
    pointers = [e["pointer"] for e in record["redactions"]]
    assert pointers == sorted(pointers) and set(pointers) == {
        "/annotations/notes/0/by/e_mail", "/annotations/notes/1/0",
        "/annotations/reviewer/Email", "/annotations/reviewer/phone",
        "/steps/0/query", "/steps/1/auth/token", "/steps/1/user/email"}
    entry = {e["pointer"]: e for e in record["redactions"]}["/steps/1/auth/token"]
    assert (entry["rule"], entry["class"], entry["action"]) == ("secrets", "secret", "remove")
    # Deterministic: the same bytes and record again, from a dict or its text.
    assert tc.redact(doc, policy(), KEYS) == (out_bytes, record)
    assert tc.redact(json.dumps(doc), policy(), KEYS) == (out_bytes, record)
    # The same query gives the same pseudonym (joins still work); another does not.
    d2 = trace(3)
    assert json.loads(tc.redact(d2, policy(), KEYS)[0])["steps"][0]["query"] == \
        out["steps"][0]["query"]
    assert json.loads(tc.redact(trace(4), policy(), KEYS)[0])["steps"][0]["query"] != \
        out["steps"][0]["query"]
    # A privileged reader proves what was removed; a guess or another key does not.
    assert tc.proves(entry, "s3cr3t", KEYS)
    assert not tc.proves(entry, "guess", KEYS)
    assert not tc.proves(entry, "s3cr3t", tc.RedactionKeys(bytes([9]) * 32))


def test_keys_are_checked_and_hidden():
    with pytest.raises(tc.RedactionError) as e:
        tc.redact(trace(1), policy(), tc.RedactionKeys(SALT))
    assert e.value.code == "missing_key"
    with pytest.raises(tc.RedactionError) as e:
        tc.RedactionKeys(b"short")
    assert e.value.code == "missing_key"
    with pytest.raises(tc.RedactionError):
        tc.RedactionKeys(SALT, b"short")
    assert repr(KEYS) == "RedactionKeys(salt_key=<hidden>, pseudonym_key=<hidden>)"
    assert SALT.hex() not in repr(KEYS)
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(KEYS)
    with pytest.raises(tc.CanonicalJsonError):
        tc.redact('{"a":1,"a":2}', policy(), KEYS)
    with pytest.raises(tc.RedactionError) as e:
        tc.commit({"_sd": [], "email": "a@b.example"}, policy(), KEYS)
    assert e.value.code == "invalid_document"


def committed_snapshot(n=4):
    b = tc.SnapshotBuilder()
    batch = bytearray()
    disclosures = []
    for i in range(1, n + 1):
        record, ds = tc.commit(trace(i), policy(), KEYS)
        batch += b.push(record)
        disclosures.append(ds)
    key = tc.SecretKey.from_bytes(bytes([1]) * 32)
    snap = b.finish("snap-redacted", "2026-03-01T13:00:00Z").sign(key, "graph-signer")
    reg = tc.SignerRegistry.from_json(json.dumps({"signers": [
        {"signerId": "graph-signer", "publicKey": key.public_key().to_base64()}]}))
    return snap, bytes(batch), disclosures, reg


def test_a_redacted_copy_verifies_against_the_signed_snapshot():
    snap, batch, disclosures, reg = committed_snapshot()
    # A non-privileged reader gets the batch (or one record and its proof)
    # and some disclosures: the snapshot verifies, the reader sees exactly
    # what was disclosed.
    assert tc.verify_snapshot(snap, batch, reg)["valid"]
    line = batch.split(b"\n")[1]
    assert tc.verify_record(snap, line, 1, tc.record_proof(batch, 1), reg)["valid"]
    record = json.loads(line)
    assert "Email" not in record["annotations"]["reviewer"]
    assert "ann@example.com" not in line.decode() and "_sd" in line.decode()
    ds = disclosures[1]
    [email] = [d for d in ds if "rev@example.org" in unb64(d)]
    view = tc.disclose(line, [email])
    assert view["annotations"]["reviewer"]["Email"] == "rev@example.org"
    assert "phone" not in view["annotations"]["reviewer"], "not disclosed, not shown"
    assert "_sd" not in view["annotations"]["reviewer"]
    assert tc.disclose(record, ds) == trace(2), "everything disclosed gives the original"
    assert tc.disclose(record, []) == tc.disclose(line.decode(), [])
    # Refusals, each with its code.
    forged = b64(unb64(email).replace("rev@example.org", "eve@example.org"))
    wrong_salt = b64(json.dumps(["AAAAAAAAAAAAAAAAAAAAAA", "Email", "rev@example.org"]))
    for bad, code in ((forged, "unreferenced_disclosure"),
                      (wrong_salt, "unreferenced_disclosure"),
                      ("not base64!", "invalid_disclosure"),
                      (next(d for d in disclosures[2] if d not in ds),
                       "unreferenced_disclosure")):
        with pytest.raises(tc.RedactionError) as e:
            tc.disclose(record, [bad])
        assert e.value.code == code, bad
    with pytest.raises(tc.RedactionError) as e:
        tc.disclose(record, [email, email])
    assert e.value.code == "duplicate_digest"
    colliding = json.loads(line)
    colliding["annotations"]["reviewer"]["Email"] = "already here"
    with pytest.raises(tc.RedactionError) as e:
        tc.disclose(colliding, [email])
    assert e.value.code == "claim_collision"
    # The commitment form is part of what the snapshot signs: a record whose
    # hidden value was put back verbatim no longer verifies.
    lines = batch.split(b"\n")
    lines[1] = tc.canonicalize(view)
    r = tc.verify_snapshot(snap, b"\n".join(lines), reg)
    assert not r["valid"] and "hash_mismatch" in r["failure_counts"]
    with pytest.raises(TypeError):
        tc.disclose(record, email)
    with pytest.raises(TypeError):
        tc.disclose(record, [1])
