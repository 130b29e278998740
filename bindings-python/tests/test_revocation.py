"""Key compromise end to end (#10 part 5), as core/tests/compromise.rs:
revoke a signer as of a time (the updated signers file and a signed
revocation record), then re-verify envelopes and chain rows against the new
registry: exactly the items the key signed at or after the revocation are
now invalid. Signers files may hold SPKI DER keys (what a KMS returns)."""

import base64
import json

import pytest

import trustcore as tc


def key(n):
    return tc.SecretKey.from_bytes(bytes([n]) * 32)


def registry():
    return tc.SignerRegistry.from_json(json.dumps({"signers": [
        {"signerId": "kernel-signer", "publicKey": key(1).public_key().to_base64()},
        {"signerId": "security-officer", "publicKey": key(2).public_key().to_base64()},
    ]}))


AT = "2026-03-01T12:00:05Z"


def envelopes():
    out = []
    for i in range(1, 11):
        e = tc.Envelope.create("manifest.signed", {"n": i})
        e.sign(key(1), "kernel-signer")
        out.append((e, f"2026-03-01T12:00:{i:02d}Z"))
    return out


def rows(profile="trustcore/v1"):
    w = tc.ChainWriter("kernel-signer", key(1).public_key(), profile=profile)
    c = w.profile["columns"]
    out = []
    for i in range(1, 11):
        b = {c["id"]: f"00000000-0000-4000-8000-{i:012d}", c["ts"]: f"2026-03-01T12:00:{i:02d}Z",
             c["payload"]: {"n": i}}
        for role in ("eventType", "actor"):
            if c.get(role):
                b[c[role]] = "t"
        out.append(w.append_row(b, key(1)))
    return out


def test_revocation_then_recheck_reports_exactly_the_items_signed_after_it():
    old = registry()
    new, record = tc.revoke_signer(old, "kernel-signer", AT, "key compromise",
                                   "security-officer", key(2))
    assert record.kind == tc.REVOCATION_KIND
    assert json.loads(record.payload) == {"signer": "kernel-signer", "revokedAt": AT,
                                          "reason": "key compromise"}
    assert '"revokedAt":"2026-03-01T12:00:05Z"' in new.to_json()
    assert "revokedAt" not in old.to_json(), "the old registry is unchanged"
    # The published record verifies against the old file and applies to it.
    rec = tc.Envelope.from_json(record.to_json())
    assert tc.verify_revocation(old, rec) == {"signer": "kernel-signer", "revokedAt": AT,
                                              "reason": "key compromise"}
    applied = tc.SignerRegistry.from_json(old.to_json())
    assert tc.apply_revocation(applied, rec)["revokedAt"] == AT
    assert applied.to_json() == new.to_json()

    items = [*envelopes(), *rows()]
    report = tc.recheck(items, old, new)
    now_invalid = [i["index"] for i in report["items"] if i["status"] == "now_invalid"]
    assert now_invalid == [4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18, 19]
    assert all(i["after"] == "signer_revoked" for i in report["items"]
               if i["status"] == "now_invalid")
    assert report["still_valid"] == 8 and report["now_invalid"] == 12
    assert report["was_invalid"] == report["now_valid"] == 0
    assert [i["item"] for i in report["items"]] == ["envelope"] * 10 + ["row"] * 10
    assert report["items"][0]["name"] == "manifest.signed"
    assert report["items"][10]["name"] == "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize("profile", ["kernel/v1", "row-digest/v1", "payload-sig/v1"])
def test_recheck_reads_rows_under_their_profile(profile):
    old = registry()
    new, _ = tc.revoke_signer(old, "kernel-signer", AT, "key compromise",
                              "security-officer", key(2))
    rs = rows(profile)
    report = tc.recheck(rs, old, new, profile=profile)
    assert [i["status"] for i in report["items"]] == ["still_valid"] * 4 + ["now_invalid"] * 6
    # Read under the wrong profile, no row was ever valid.
    wrong = tc.recheck(rs, old, new)
    assert wrong["was_invalid"] == 10


def test_a_thief_cannot_revoke_by_themselves():
    old = registry()
    payload = tc.revocation_payload("kernel-signer", AT, "key compromise")
    selfish = tc.Envelope.from_text(tc.REVOCATION_KIND, payload)
    selfish.sign(key(1), "kernel-signer")
    for call in (tc.verify_revocation, tc.apply_revocation):
        with pytest.raises(tc.RegistryError) as e:
            call(old, selfish)
        assert e.value.code == "invalid_revocation"
    assert "revokedAt" not in old.to_json()
    with pytest.raises(tc.RegistryError) as e:
        tc.revoke_signer(old, "kernel-signer", AT, "key compromise", "kernel-signer", key(1))
    assert e.value.code == "invalid_revocation"
    # An authority that signs with another key than its registered one.
    with pytest.raises(tc.RegistryError) as e:
        tc.revoke_signer(old, "kernel-signer", AT, "x", "security-officer", key(3))
    assert e.value.code == "invalid_revocation"
    with pytest.raises(tc.RegistryError) as e:
        tc.revoke_signer(old, "nobody", AT, "x", "security-officer", key(2))
    assert e.value.code == "unknown_signer"
    with pytest.raises(tc.TimestampError):
        tc.revoke_signer(old, "kernel-signer", "yesterday", "x", "security-officer", key(2))
    with pytest.raises(tc.RegistryError) as e:
        tc.revoke_signer(old, "kernel-signer", AT, "", "security-officer", key(2))
    assert e.value.code == "invalid_revocation"


def test_a_remote_authority_signs_the_record_through_sign_with():
    old = registry()
    record = tc.Envelope.from_text(tc.REVOCATION_KIND,
                                   tc.revocation_payload("kernel-signer", AT, "rotation drill"))
    record.sign_with("security-officer", key(2).public_key(), key(2).sign)
    updated = tc.SignerRegistry.from_json(old.to_json())
    assert tc.apply_revocation(updated, record)["reason"] == "rotation drill"
    assert updated.get("kernel-signer")["revokedAt"] == AT


def test_recheck_arguments():
    reg = registry()
    with pytest.raises(TypeError):
        tc.recheck("row", reg, reg)
    with pytest.raises(TypeError):
        tc.recheck([(1, 2)], reg, reg)
    with pytest.raises(TypeError):
        tc.recheck([(envelopes()[0][0], "a", "b")], reg, reg)
    with pytest.raises(tc.TimestampError):
        tc.recheck([(envelopes()[0][0], "not a time")], reg, reg)
    with pytest.raises(TypeError):
        tc.apply_revocation("registry", envelopes()[0][0])
    # An unreadable row is reported, not raised.
    r = tc.recheck(["{}"], reg, reg)
    assert r["items"][0]["status"] == "was_invalid" and r["items"][0]["before"] == "malformed_row"


def test_a_signers_file_may_hold_spki_der_keys():
    der = key(1).public_key().to_der()
    b64 = base64.b64encode(der).decode()
    reg = tc.SignerRegistry.from_json(json.dumps(
        {"signers": [{"signerId": "kernel-signer", "publicKey": b64}]}))
    assert reg.get("kernel-signer")["publicKey"] == b64, "written back as given"
    assert reg.key_for("kernel-signer", "2026-03-01T00:00:00Z") == key(1).public_key()
    text = "\n".join(rows())
    assert tc.verify_jsonl(text, reg)["valid"]
    # The same hygiene as raw keys: a small-order point in SPKI is refused.
    weak = der[:-32] + bytes([1]) + bytes(31)
    with pytest.raises(tc.TrustcoreError) as e:
        tc.SignerRegistry.from_json(json.dumps({"signers": [
            {"signerId": "kms", "publicKey": base64.b64encode(weak).decode()}]}))
    assert e.value.code == "invalid_public_key"
