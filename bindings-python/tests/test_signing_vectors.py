"""Runs every section of ../test-vectors/signing.json (format in its README).

Expected values there come from `cryptography`, `pycryptodome` and
`rfc8785`, never from trustcore.
"""

import json

import pytest
from conftest import VECTORS_DIR, load_vectors

import trustcore
from trustcore import (
    ApprovalSet,
    Envelope,
    PublicKey,
    SecretKey,
    SignerRegistry,
    TrustcoreError,
)

NAME = "signing.json"


def section(name):
    """parametrize() arguments for one section's cases."""
    cases, ids = load_vectors(NAME, name)
    return {"argvalues": cases, "ids": ids}


def _document():
    path = VECTORS_DIR / NAME
    if not path.is_file():
        return {}
    with open(path, "rb") as f:
        return json.load(f)


DOC = _document()
KEYS = {k["id"]: k for k in DOC.get("keys", [])}
REGISTRIES = DOC.get("registries", {})


def secret(key_id):
    return SecretKey.from_hex(KEYS[key_id]["seed"])


def registry(name):
    return SignerRegistry.from_json(REGISTRIES[name])


def test_every_section_is_present_and_non_empty():
    assert DOC, f"vectors missing: {VECTORS_DIR / NAME}"
    for name in (
        "keys",
        "keyErrors",
        "sign",
        "verify",
        "envelopes",
        "envelopeErrors",
        "registryLoad",
        "jwks",
        "lookups",
        "verifications",
        "rotations",
        "approvals",
    ):
        assert DOC.get(name), name
    assert REGISTRIES


@pytest.mark.parametrize("case", **section("keys"))
def test_keys_import_and_export_every_form(case):
    pub, sec = case["publicKey"], case["secretKey"]
    imported = [
        PublicKey.from_hex(pub["hex"]),
        PublicKey.from_base64(pub["base64"]),
        PublicKey.from_pem(pub["spkiPem"]),
        PublicKey.from_jwk(pub["jwk"]),
        PublicKey.from_jwk(json.loads(pub["jwk"])),
        PublicKey.from_bytes(bytes.fromhex(pub["hex"])),
    ]
    for pk in imported:
        assert pk.to_hex() == pub["hex"]
        assert pk.to_base64() == pub["base64"]
        assert pk.to_pem() == pub["spkiPem"]
        assert pk.to_jwk() == pub["jwk"]
        assert pk == imported[0]
    assert PublicKey.from_der(imported[0].to_der()) == imported[0]

    secrets = [
        SecretKey.from_hex(sec["hex"]),
        SecretKey.from_base64(sec["base64"]),
        SecretKey.from_pem(sec["pkcs8Pem"]),
        SecretKey.from_jwk(sec["jwk"]),
        SecretKey.from_jwk(json.loads(sec["jwk"])),
        SecretKey.from_bytes(bytes.fromhex(case["seed"])),
    ]
    for sk in secrets:
        assert sk.public_key().to_hex() == pub["hex"]
        assert sk.export_hex() == sec["hex"] == case["seed"]
        assert sk.export_base64() == sec["base64"]
        assert sk.export_pem() == sec["pkcs8Pem"]
        assert sk.export_jwk() == sec["jwk"]
        assert sk.export_bytes() == bytes.fromhex(case["seed"])


def _import(case):
    key_class = PublicKey if case["key"] == "public" else SecretKey
    fmt, text = case["format"], case["input"]
    if fmt == "hygiene":
        PublicKey.from_hex(text).check_hygiene()
    else:
        {
            "hex": key_class.from_hex,
            "base64": key_class.from_base64,
            "pem": key_class.from_pem,
            "jwk": key_class.from_jwk,
        }[fmt](text)


@pytest.mark.parametrize("case", **section("keyErrors"))
def test_key_errors(case):
    with pytest.raises(trustcore.InvalidKeyError) as exc_info:
        _import(case)
    assert exc_info.value.code == case["error"], str(exc_info.value)
    # Messages name the form, never the bytes of a secret.
    if case["key"] == "secret" and len(case["input"]) >= 16:
        assert case["input"] not in str(exc_info.value)


@pytest.mark.parametrize("case", **section("sign"))
def test_sign_is_exact(case):
    sk = secret(case["key"])
    message = bytes.fromhex(case["message"])
    assert trustcore.sign(sk, message).hex() == case["signature"]
    assert sk.sign(bytearray(message)).hex() == case["signature"]
    assert trustcore.verify(sk.public_key(), message, bytes.fromhex(case["signature"]))


@pytest.mark.parametrize("case", **section("verify"))
def test_raw_verify(case):
    args = [bytes.fromhex(case[k]) for k in ("publicKey", "message", "signature")]
    if "error" in case:
        with pytest.raises(trustcore.InvalidKeyError) as exc_info:
            trustcore.verify(*args)
        assert exc_info.value.code == case["error"]
    else:
        assert trustcore.verify(*args) is case["valid"]


@pytest.mark.parametrize("case", **section("envelopes"))
def test_envelopes(case):
    sk = secret(case["key"])
    for env in (
        Envelope.from_text(case["kind"], case["payload"]),
        Envelope.from_text(case["kind"], case["payload"].encode()),
        Envelope.create(case["kind"], json.loads(case["payload"])),
    ):
        prepared = env.prepare(case["signer"], case["alg"])
        assert prepared.signing_input == case["signingInput"].encode()
        assert prepared.message.hex() == case["message"]
        assert (prepared.signer, prepared.alg) == (case["signer"], case["alg"])
        env.sign(sk, case["signer"], case["alg"])
        assert env.to_json() == case["envelope"]
        assert env.signing_input_of(0) == prepared.signing_input
    parsed = Envelope.from_json(case["envelope"])
    assert parsed.kind == case["kind"]
    assert parsed.verify(0, sk.public_key()) is True
    assert parsed.to_json() == case["envelope"]
    # The same signature through the remote-signer path.
    remote = Envelope.from_text(case["kind"], case["payload"])
    if case["alg"] == "ed25519":
        remote.sign_with(case["signer"], sk.public_key(), sk.sign, case["alg"])
    else:
        remote.sign_with(
            case["signer"],
            sk.public_key(),
            lambda digest: trustcore.sign_ed25519ph_digest(sk, digest),
            case["alg"],
        )
    assert remote.to_json() == case["envelope"]


@pytest.mark.parametrize("case", **section("envelopeErrors"))
def test_envelope_errors(case):
    with pytest.raises(TrustcoreError) as exc_info:
        Envelope.from_json(case["envelope"])
    assert exc_info.value.code == case["error"], str(exc_info.value)


@pytest.mark.parametrize("case", **section("registryLoad"))
def test_registry_load(case):
    load = SignerRegistry.from_json if case["format"] == "signers" else SignerRegistry.from_jwks
    if "error" in case:
        with pytest.raises(TrustcoreError) as exc_info:
            load(case["document"])
        assert exc_info.value.code == case["error"], str(exc_info.value)
    else:
        reg = load(case["document"])
        assert reg.signer_ids() == case["signers"]
        assert len(reg) == len(case["signers"])


@pytest.mark.parametrize("case", **section("jwks"))
def test_jwks(case):
    reg = registry(case["registry"])
    assert reg.to_jwks() == case["jwks"]
    assert reg.to_json() == case["signersJson"]
    assert SignerRegistry.from_jwks(case["jwks"]).to_json() == case["signersJson"]


@pytest.mark.parametrize("case", **section("lookups"))
def test_lookups(case):
    reg = registry(case["registry"])
    if case["reason"] is None:
        key = reg.key_for(case["signerId"], case["at"], case["alg"])
        assert key.to_base64() == reg.get(case["signerId"])["publicKey"]
    else:
        with pytest.raises(trustcore.RegistryError) as exc_info:
            reg.key_for(case["signerId"], case["at"], case["alg"])
        assert exc_info.value.code == case["reason"]


@pytest.mark.parametrize("case", **section("verifications"))
def test_verifications(case):
    reg = registry(case["registry"])
    env = Envelope.from_json(case["envelope"])
    assert reg.verify_envelope(env, case["at"]) == case["expected"]


@pytest.mark.parametrize("case", **section("rotations"))
def test_rotations(case):
    reg = registry(case["registry"])
    env = Envelope.from_json(case["envelope"])
    before = reg.to_json()
    if "error" in case:
        with pytest.raises(TrustcoreError) as exc_info:
            reg.verify_rotation(env)
        assert exc_info.value.code == case["error"], str(exc_info.value)
        with pytest.raises(TrustcoreError):
            reg.apply_rotation(env)
        assert reg.to_json() == before, "a failed rotation must not change the registry"
    else:
        checked = reg.verify_rotation(env)
        assert reg.to_json() == before
        # The payload, with the new key's lineage (rotatedFrom) recorded.
        want = json.loads(env.payload)
        want["next"]["rotatedFrom"] = want["previous"]
        assert checked == want
        assert reg.apply_rotation(env) == checked
        assert reg.to_json() == case["after"]
        # Applying it again changes nothing more. (It may also be refused:
        # when the old key's window ends exactly at rotatedAt, the old key
        # can no longer sign at rotatedAt once the rotation is applied.)
        try:
            reg.apply_rotation(env)
        except trustcore.RegistryError as e:
            assert e.code == "invalid_rotation"
        assert reg.to_json() == case["after"]


@pytest.mark.parametrize("case", **section("approvals"))
def test_approvals(case):
    reg = registry(case["registry"])
    approval_set = ApprovalSet.from_json(case["set"])
    env = Envelope.from_json(case["envelope"])
    report = approval_set.verify(env, reg, case["at"])
    assert report == case["expected"]
    assert approval_set.name == report["set"]
    assert approval_set.threshold == report["threshold"]
