"""Keys, raw signatures, envelopes, remote signers, registry and approvals."""

import asyncio
import base64
import copy
import hashlib
import inspect
import json
import pickle
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trustcore
from trustcore import (
    ApprovalSet,
    CanonicalJsonError,
    Envelope,
    EnvelopeError,
    InvalidKeyError,
    PublicKey,
    RegistryError,
    SecretKey,
    SignerRegistry,
    TimestampError,
    TrustcoreError,
)

SEED = bytes(range(32))
OTHER_SEED = bytes([7] * 32)
AT = "2026-03-01T00:00:00Z"


@pytest.fixture
def sk():
    return SecretKey.from_bytes(SEED)


@pytest.fixture
def other():
    return SecretKey.from_bytes(OTHER_SEED)


def signers_file(*entries):
    return json.dumps({"signers": list(entries)})


def entry(signer_id, key, **extra):
    return {"signerId": signer_id, "publicKey": key.public_key().to_base64(), **extra}


# ---- errors ------------------------------------------------------------------


def test_exception_hierarchy_and_names():
    for cls in (InvalidKeyError, EnvelopeError, TimestampError, RegistryError):
        assert issubclass(cls, TrustcoreError)
        assert cls.__module__ == "trustcore"
    # The core's `KeyError` kind is InvalidKeyError: no builtin is shadowed.
    assert not hasattr(trustcore, "KeyError")
    assert not issubclass(InvalidKeyError, KeyError)


def test_errors_carry_code_message_offset_path():
    with pytest.raises(InvalidKeyError) as exc_info:
        PublicKey.from_bytes(b"\x01" * 31)
    e = exc_info.value
    assert (e.code, e.offset, e.path) == ("invalid_key_length", None, None)
    assert e.message == "an Ed25519 public key must be 32 bytes, got 31"
    assert str(e) == e.message + " [invalid_key_length]"
    with pytest.raises(TimestampError) as exc_info:
        SignerRegistry.from_json('{"signers":[]}').key_for("a", "2026-03-01")
    assert exc_info.value.code == "invalid_timestamp"
    assert exc_info.value.offset == 10


# ---- keys ----------------------------------------------------------------------


def test_key_forms_round_trip(sk):
    pk = sk.public_key()
    assert pk.to_bytes() == bytes(pk) and len(pk.to_bytes()) == 32
    forms = [
        PublicKey.from_bytes(pk.to_bytes()),
        PublicKey.from_bytes(bytearray(pk.to_bytes())),
        PublicKey.from_bytes(memoryview(pk.to_bytes())),
        PublicKey.from_base64(pk.to_base64()),
        PublicKey.from_hex(pk.to_hex()),
        PublicKey.from_pem(pk.to_pem()),
        PublicKey.from_der(pk.to_der()),
        PublicKey.from_jwk(pk.to_jwk()),
        PublicKey.from_jwk(json.loads(pk.to_jwk("k1"))),
        # A private JWK's public half.
        PublicKey.from_jwk(sk.export_jwk()),
    ]
    assert all(f == pk for f in forms)
    assert len({hash(f) for f in forms}) == 1
    assert pk.to_pem().startswith("-----BEGIN PUBLIC KEY-----\n")
    assert json.loads(pk.to_jwk("k1")) == {
        "crv": "Ed25519",
        "kid": "k1",
        "kty": "OKP",
        "x": base64.urlsafe_b64encode(pk.to_bytes()).rstrip(b"=").decode(),
    }
    secrets = [
        SecretKey.from_bytes(sk.export_bytes()),
        SecretKey.from_base64(sk.export_base64()),
        SecretKey.from_hex(sk.export_hex()),
        SecretKey.from_pem(sk.export_pem()),
        SecretKey.from_jwk(sk.export_jwk()),
        SecretKey.from_jwk(json.loads(sk.export_jwk(kid="k"))),
    ]
    assert all(s.export_bytes() == SEED for s in secrets)
    assert sk.export_pem().startswith("-----BEGIN PRIVATE KEY-----\n")
    der = sk.export_der()
    assert len(der) == 48 and SecretKey.from_der(der).public_key() == sk.public_key()


def test_generate_gives_fresh_keys():
    keys = {SecretKey.generate().public_key() for _ in range(8)}
    assert len(keys) == 8


def test_public_key_value_semantics(sk, other):
    pk = sk.public_key()
    assert pk != other.public_key()
    assert pk != pk.to_bytes()  # a key is not its bytes
    assert {pk: 1}[PublicKey.from_hex(pk.to_hex())] == 1
    assert repr(pk) == f"PublicKey('{pk.to_base64()}')"
    assert pickle.loads(pickle.dumps(pk)) == pk
    assert copy.deepcopy(pk) == pk


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda: PublicKey.from_bytes(b"\x00" * 33), "invalid_key_length"),
        (lambda: PublicKey.from_base64("***"), "invalid_key_encoding"),
        (lambda: PublicKey.from_hex("zz" * 32), "invalid_key_encoding"),
        (
            lambda: PublicKey.from_pem("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"),
            "invalid_key_encoding",
        ),
        (lambda: PublicKey.from_der(b"\x30\x00"), "invalid_key_encoding"),
        (
            lambda: PublicKey.from_jwk({"kty": "OKP", "crv": "X25519", "x": "AA"}),
            "invalid_key_encoding",
        ),
        (lambda: PublicKey.from_jwk('{"kty":"OKP","kty":"OKP"}'), "invalid_key_encoding"),
        (lambda: PublicKey.from_hex("01" + "00" * 31).check_hygiene(), "weak_key"),
        (lambda: SecretKey.from_bytes(b"\x00" * 31), "invalid_key_length"),
        (lambda: SecretKey.from_der(b"\x30\x00"), "invalid_key_encoding"),
        (lambda: SecretKey.from_jwk(PublicKey.from_bytes(SEED).to_jwk()), "invalid_key_encoding"),
    ],
)
def test_key_import_errors(call, code):
    with pytest.raises(InvalidKeyError) as exc_info:
        call()
    assert exc_info.value.code == code


def test_key_arguments_of_the_wrong_type_raise_type_error(sk):
    with pytest.raises(TypeError):
        PublicKey.from_bytes("00" * 32)
    with pytest.raises(TypeError):
        PublicKey.from_hex(b"00" * 32)
    with pytest.raises(TypeError):
        PublicKey.from_jwk(["x"])
    with pytest.raises(TypeError):
        trustcore.sign(sk.public_key(), b"m")
    with pytest.raises(TypeError):
        sk.sign("text: sign its UTF-8 bytes explicitly")
    with pytest.raises(TypeError):
        trustcore.verify("pk", b"m", b"s" * 64)
    with pytest.raises(TypeError):
        SecretKey()
    with pytest.raises(TypeError):
        PublicKey()


def test_secret_key_is_never_shown_pickled_or_serialized(sk):
    hex_seed, b64_seed = SEED.hex(), base64.b64encode(SEED).decode()
    shown = [repr(sk), str(sk), f"{sk}", f"{sk!r}", repr([sk]), repr({"k": sk})]
    for text in shown:
        assert hex_seed not in text and b64_seed not in text, text
        assert sk.public_key().to_base64() in text
    assert repr(sk) == f"SecretKey(public_key='{sk.public_key().to_base64()}')"
    for dump in (pickle.dumps, lambda k: pickle.dumps(k, protocol=0)):
        with pytest.raises(TypeError, match="cannot be pickled"):
            dump(sk)
    with pytest.raises(TypeError):
        sk.__getstate__()
    with pytest.raises(TypeError, match="not JSON serializable"):
        json.dumps({"key": sk})
    assert not hasattr(sk, "__dict__")
    # Immutable: a copy is the same object, and no secret is duplicated.
    assert copy.copy(sk) is sk and copy.deepcopy(sk) is sk
    # Error messages never echo a secret given as text.
    bad = "Z" * 43 + "!"
    with pytest.raises(InvalidKeyError) as exc_info:
        SecretKey.from_base64(bad)
    assert bad not in str(exc_info.value)


@settings(max_examples=60, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), kid=st.none() | st.text(max_size=12))
def test_every_key_form_round_trips(seed, kid):
    sk = SecretKey.from_bytes(seed)
    pk = sk.public_key()
    for text, load in (
        (sk.export_base64(), SecretKey.from_base64),
        (sk.export_hex(), SecretKey.from_hex),
        (sk.export_pem(), SecretKey.from_pem),
        (sk.export_jwk(kid), SecretKey.from_jwk),
    ):
        again = load(text)
        assert again.export_bytes() == seed
        assert again.public_key() == pk
    for text, load, dump in (
        (pk.to_base64(), PublicKey.from_base64, PublicKey.to_base64),
        (pk.to_hex(), PublicKey.from_hex, PublicKey.to_hex),
        (pk.to_pem(), PublicKey.from_pem, PublicKey.to_pem),
        (pk.to_jwk(kid), PublicKey.from_jwk, lambda k: k.to_jwk(kid)),
    ):
        assert dump(load(text)) == text
    assert PublicKey.from_der(pk.to_der()).to_der() == pk.to_der()


# ---- raw signatures ---------------------------------------------------------------


def test_sign_and_verify(sk, other):
    msg = b"upgrade 2.4.1"
    sig = trustcore.sign(sk, msg)
    assert len(sig) == 64 and sig == sk.sign(msg)
    pk = sk.public_key()
    for key in (pk, pk.to_bytes(), bytearray(pk.to_bytes()), memoryview(pk.to_bytes())):
        assert trustcore.verify(key, msg, sig) is True
    assert trustcore.verify(pk, bytearray(msg), memoryview(sig)) is True
    assert trustcore.verify(pk, msg + b"!", sig) is False
    assert trustcore.verify(other.public_key(), msg, sig) is False
    flipped = bytes([sig[0] ^ 1]) + sig[1:]
    assert trustcore.verify(pk, msg, flipped) is False
    # Large messages (signed and verified with the GIL released) too.
    big = bytes(200_000)
    assert trustcore.verify(pk, big, trustcore.sign(sk, big))


def test_verify_length_errors(sk):
    pk = sk.public_key()
    with pytest.raises(InvalidKeyError) as exc_info:
        trustcore.verify(pk.to_bytes()[:31], b"m", bytes(64))
    assert exc_info.value.code == "invalid_key_length"
    with pytest.raises(InvalidKeyError) as exc_info:
        trustcore.verify(pk, b"m", bytes(63))
    assert exc_info.value.code == "invalid_signature_length"


def test_ed25519ph_over_a_digest(sk):
    digest = hashlib.sha512(b"payload").digest()
    sig = trustcore.sign_ed25519ph_digest(sk, digest)
    pk = sk.public_key()
    assert trustcore.verify_ed25519ph_digest(pk, digest, sig) is True
    assert trustcore.verify_ed25519ph_digest(pk, hashlib.sha512(b"other").digest(), sig) is False
    # Ed25519ph is a separate algorithm: not a pure signature of the digest.
    assert sig != trustcore.sign(sk, digest)
    assert trustcore.verify(pk, digest, sig) is False
    with pytest.raises(InvalidKeyError) as exc_info:
        trustcore.sign_ed25519ph_digest(sk, hashlib.sha256(b"x").digest())
    assert exc_info.value.code == "invalid_digest_length"


# ---- envelopes ---------------------------------------------------------------------


def test_envelope_create_from_value_and_text_agree(sk):
    value = {"version": "2.4.1", "checks": [3, 1.5], "note": "caf\u00e9"}
    a = Envelope.create("upgrade.applied", value)
    b = Envelope.from_text("upgrade.applied", json.dumps(value))
    c = Envelope.from_text("upgrade.applied", json.dumps(value).encode())
    assert a == b == c
    assert a.kind == "upgrade.applied"
    assert a.payload == '{"checks":[3,1.5],"note":"café","version":"2.4.1"}'
    assert a.signatures == []
    assert repr(a) == "Envelope(kind='upgrade.applied', signatures=0)"
    a.sign(sk, "kernel-signer")
    assert a != b
    [s] = a.signatures
    assert set(s) == {"alg", "signer", "sig"}
    assert (s["alg"], s["signer"]) == ("ed25519", "kernel-signer")
    assert base64.b64decode(s["sig"]) == trustcore.sign(sk, a.signing_input_of(0))
    doc = json.loads(a.to_json())
    assert doc["type"] == "trustcore.envelope/v1"
    assert Envelope.from_json(a.to_json()) == a
    assert Envelope.from_json(a.to_json().encode()) == a
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a


def test_envelope_errors(sk):
    with pytest.raises(EnvelopeError) as exc_info:
        Envelope.create("bad kind!", {})
    assert exc_info.value.code == "invalid_kind"
    with pytest.raises(CanonicalJsonError) as exc_info:
        Envelope.create("k", {"when": object()})
    assert (exc_info.value.code, exc_info.value.path) == ("unsupported_type", "/when")
    with pytest.raises(CanonicalJsonError) as exc_info:
        Envelope.from_text("k", '{"a":1,"a":2}')
    assert (exc_info.value.code, exc_info.value.offset) == ("duplicate_key", 7)
    with pytest.raises(CanonicalJsonError) as exc_info:
        Envelope.from_text("k", '{"a":"\ud800"}')
    assert exc_info.value.code == "lone_surrogate"
    with pytest.raises(CanonicalJsonError) as exc_info:
        Envelope.from_json('{"kind":"k","payload":"\ud800","signatures":[],"type":"x"}')
    assert exc_info.value.code == "lone_surrogate"
    env = Envelope.create("k", {})
    with pytest.raises(EnvelopeError) as exc_info:
        env.sign(sk, "s", alg="rsa")
    assert exc_info.value.code == "unsupported_algorithm"
    with pytest.raises(EnvelopeError) as exc_info:
        env.sign(sk, "")
    assert exc_info.value.code == "invalid_signer"
    with pytest.raises(EnvelopeError) as exc_info:
        env.verify(0, sk.public_key())
    assert exc_info.value.code == "no_such_signature"
    with pytest.raises(EnvelopeError) as exc_info:
        Envelope.from_json('{"kind":"k","payload":{},"signatures":[],"type":"v2"}')
    assert exc_info.value.code == "invalid_envelope"
    with pytest.raises(TypeError):
        Envelope.from_json(42)
    assert env.signatures == []


def test_envelope_verification_binds_kind_signer_and_algorithm(sk, other):
    env = Envelope.create("upgrade.applied", {"v": 1})
    env.sign(sk, "kernel-signer")
    env.sign(sk, "kms-digest", alg="ed25519ph")
    assert env.verify(0, sk.public_key()) and env.verify(1, sk.public_key())
    assert not env.verify(0, other.public_key())
    assert env.signatures[1]["alg"] == "ed25519ph"
    # The same signature relabelled as another kind or signer does not verify.
    doc = json.loads(env.to_json())
    for field, value in (("kind", "upgrade.rolled-back"),):
        forged = dict(doc, **{field: value})
        assert not Envelope.from_json(json.dumps(forged)).verify(0, sk.public_key())
    relabelled = dict(doc, signatures=[dict(doc["signatures"][0], signer="other")])
    assert not Envelope.from_json(json.dumps(relabelled)).verify(0, sk.public_key())
    as_ph = dict(doc, signatures=[dict(doc["signatures"][0], alg="ed25519ph")])
    assert not Envelope.from_json(json.dumps(as_ph)).verify(0, sk.public_key())


def test_prepare_and_attach(sk, other):
    env = Envelope.create("audit.event", {"id": 1})
    p = env.prepare("kernel-signer")
    assert p.signer == "kernel-signer" and p.alg == "ed25519"
    assert p.message == p.signing_input
    assert json.loads(p.signing_input) == {
        "alg": "ed25519",
        "kind": "audit.event",
        "payload": {"id": 1},
        "signer": "kernel-signer",
        "type": "trustcore.signing-input/v1",
    }
    assert "Prepared(signer='kernel-signer'" in repr(p)
    ph = env.prepare("kms", "ed25519ph")
    assert ph.message == hashlib.sha512(ph.signing_input).digest()
    # Attach fails closed: wrong key, wrong length, wrong bytes.
    for bad in (other.sign(p.message), bytes(64), sk.sign(p.message)[:63]):
        with pytest.raises(EnvelopeError) as exc_info:
            env.attach("kernel-signer", bad, sk.public_key())
        assert exc_info.value.code == "remote_signature_invalid"
    assert env.signatures == []
    env.attach("kernel-signer", sk.sign(p.message), sk.public_key())
    env.attach(
        "kms", trustcore.sign_ed25519ph_digest(sk, ph.message), sk.public_key(), alg="ed25519ph"
    )
    assert [s["signer"] for s in env.signatures] == ["kernel-signer", "kms"]
    with pytest.raises(TypeError):
        env.attach("kernel-signer", "not bytes", sk.public_key())


# ---- remote signers ------------------------------------------------------------------


class KmsDown(Exception):
    pass


def test_sign_with_a_callable(sk):
    env = Envelope.create("upgrade.applied", {"version": "2.4.1"})
    seen = []

    def remote(message):
        seen.append(message)
        # The callable may read the envelope it signs for.
        assert env.kind == "upgrade.applied"
        return sk.sign(message)

    env.sign_with("kernel-signer", sk.public_key(), remote)
    assert seen == [env.prepare("kernel-signer").message]
    assert type(seen[0]) is bytes
    assert env.verify(0, sk.public_key())
    # DIGEST mode: the callable gets the 64-byte SHA-512 of the signing input.
    env.sign_with(
        "kms", sk.public_key(), lambda d: trustcore.sign_ed25519ph_digest(sk, d), "ed25519ph"
    )
    assert env.verify(1, sk.public_key())
    # bytearray / memoryview answers are accepted.
    env.sign_with("a", sk.public_key(), lambda m: bytearray(sk.sign(m)))
    env.sign_with("b", sk.public_key(), lambda m: memoryview(sk.sign(m)))
    assert len(env.signatures) == 4


def test_sign_with_fails_closed(sk, other):
    env = Envelope.create("upgrade.applied", {"version": "2.4.1"})
    boom = KmsDown("throttled")

    def raising(message):
        raise boom

    with pytest.raises(EnvelopeError) as exc_info:
        env.sign_with("kernel-signer", sk.public_key(), raising)
    # One code in every binding; the KMS's own exception is the cause.
    assert exc_info.value.code == "remote_signer_failed"
    assert exc_info.value.__cause__ is boom
    assert "throttled" in str(exc_info.value)

    for answer in (other.sign, lambda m: bytes(64), lambda m: sk.sign(m) + b"\0"):
        with pytest.raises(EnvelopeError) as exc_info:
            env.sign_with("kernel-signer", sk.public_key(), answer)
        assert exc_info.value.code == "remote_signature_invalid"

    for answer, name in ((lambda m: None, "NoneType"), (lambda m: sk.sign(m).hex(), "str")):
        with pytest.raises(
            TypeError, match=f"must return the 64-byte signature as bytes, not {name}"
        ):
            env.sign_with("kernel-signer", sk.public_key(), answer)

    async def async_signer(message):
        return sk.sign(message)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "coroutine was never awaited"
        with pytest.raises(TypeError, match="sign_with_async"):
            env.sign_with("kernel-signer", sk.public_key(), async_signer)

    with pytest.raises(TypeError):
        env.sign_with("kernel-signer", sk.public_key(), "not callable")
    with pytest.raises(TypeError):
        env.sign_with("kernel-signer", sk.public_key().to_bytes(), sk.sign)
    assert env.signatures == [], "a failed remote signature never leaves a trace"


def test_sign_with_async(sk, other):
    assert inspect.iscoroutinefunction(Envelope.sign_with_async)
    env = Envelope.create("upgrade.applied", {"version": "2.4.1"})
    seen = []

    async def kms(message):
        seen.append(message)
        await asyncio.sleep(0)
        return sk.sign(message)

    async def kms_digest(digest):
        await asyncio.sleep(0)
        return trustcore.sign_ed25519ph_digest(sk, digest)

    async def run():
        await env.sign_with_async("kernel-signer", sk.public_key(), kms)
        await env.sign_with_async("kms", sk.public_key(), kms_digest, alg="ed25519ph")
        # A plain callable works too.
        await env.sign_with_async("sync", sk.public_key(), sk.sign)

    asyncio.run(run())
    assert seen == [env.prepare("kernel-signer").message]
    assert [env.verify(i, sk.public_key()) for i in range(3)] == [True, True, True]
    assert [s["alg"] for s in env.signatures] == ["ed25519", "ed25519ph", "ed25519"]


def test_sign_with_async_fails_closed(sk, other):
    env = Envelope.create("upgrade.applied", {"version": "2.4.1"})
    boom = KmsDown("throttled")

    async def raising(message):
        raise boom

    async def wrong(message):
        return other.sign(message)

    async def not_bytes(message):
        return base64.b64encode(sk.sign(message)).decode()

    with pytest.raises(EnvelopeError) as exc_info:
        asyncio.run(env.sign_with_async("kernel-signer", sk.public_key(), raising))
    assert exc_info.value.code == "remote_signer_failed"
    assert exc_info.value.__cause__ is boom
    with pytest.raises(EnvelopeError) as exc_info:
        asyncio.run(env.sign_with_async("kernel-signer", sk.public_key(), wrong))
    assert exc_info.value.code == "remote_signature_invalid"
    with pytest.raises(TypeError, match="as bytes, not str"):
        asyncio.run(env.sign_with_async("kernel-signer", sk.public_key(), not_bytes))
    with pytest.raises(TypeError):
        asyncio.run(env.sign_with_async("kernel-signer", sk.public_key().to_bytes(), wrong))
    with pytest.raises(EnvelopeError) as exc_info:
        asyncio.run(env.sign_with_async("kernel-signer", sk.public_key(), wrong, alg="x"))
    assert exc_info.value.code == "unsupported_algorithm"
    assert env.signatures == []


# ---- registry -------------------------------------------------------------------------


def test_registry_lookups_and_reports(sk, other):
    reg = SignerRegistry.from_json(
        signers_file(
            entry(
                "kernel-signer",
                sk,
                validFrom="2026-01-01T00:00:00Z",
                validUntil="2026-07-01T00:00:00Z",
            ),
            entry("kms", other, algorithm="ed25519ph", revokedAt="2026-05-01T00:00:00Z"),
        )
    )
    assert len(reg) == 2 and reg.signer_ids() == ["kernel-signer", "kms"]
    assert "kms" in reg and "nobody" not in reg and 3 not in reg
    assert reg.get("nobody") is None
    assert reg.get("kms") == {
        "signerId": "kms",
        "publicKey": other.public_key().to_base64(),
        "algorithm": "ed25519ph",
        "revokedAt": "2026-05-01T00:00:00Z",
    }
    assert repr(reg) == "SignerRegistry(signers=['kernel-signer', 'kms'])"
    assert reg.key_for("kernel-signer", AT) == sk.public_key()
    assert reg.key_for("kms", AT, alg="ed25519ph") == other.public_key()
    for args, reason in (
        (("kernel-signer", "2025-12-31T23:59:59Z"), "signer_not_yet_valid"),
        (("kernel-signer", "2026-07-01T00:00:00Z"), "signer_expired"),
        (("kms", "2026-05-01T00:00:00Z", "ed25519ph"), "signer_revoked"),
        (("kms", AT), "algorithm_mismatch"),
        (("nobody", AT), "unknown_signer"),
    ):
        with pytest.raises(RegistryError) as exc_info:
            reg.key_for(*args)
        assert exc_info.value.code == reason

    env = Envelope.create("upgrade.applied", {"version": "2.4.1"})
    env.sign(sk, "kernel-signer")
    env.sign(other, "kms", "ed25519ph")
    assert reg.verify_envelope(env, AT) == {
        "valid": True,
        "signatures": [
            {"index": 0, "signer": "kernel-signer", "alg": "ed25519", "valid": True},
            {"index": 1, "signer": "kms", "alg": "ed25519ph", "valid": True},
        ],
    }
    late = reg.verify_envelope(env, "2026-06-01T00:00:00Z")
    assert late["valid"] is False
    assert late["signatures"][1]["reason"] == "signer_revoked"
    assert reg.verify_envelope(Envelope.create("k", {}), AT) == {"valid": False, "signatures": []}
    with pytest.raises(TimestampError):
        reg.verify_envelope(env, "2026-03-01T00:00:00+01:00")

    again = SignerRegistry.from_jwks(reg.to_jwks())
    assert again.to_json() == reg.to_json()
    assert pickle.loads(pickle.dumps(reg)).to_json() == reg.to_json()


def test_registry_load_errors(sk):
    weak = {"signerId": "a", "publicKey": base64.b64encode(b"\x01" + bytes(31)).decode()}
    cases = [
        (signers_file(weak), "invalid_public_key", RegistryError),
        (signers_file(entry("a", sk), entry("a", sk)), "duplicate_signer", RegistryError),
        (
            signers_file(entry("a", sk, validUntill="2027-01-01T00:00:00Z")),
            "invalid_registry",
            RegistryError,
        ),
        ('{"signers":[],"signers":[]}', "duplicate_key", CanonicalJsonError),
    ]
    for text, code, cls in cases:
        with pytest.raises(cls) as exc_info:
            SignerRegistry.from_json(text)
        assert exc_info.value.code == code
    private = {"keys": [json.loads(sk.export_jwk(kid="a"))]}
    with pytest.raises(RegistryError) as exc_info:
        SignerRegistry.from_jwks(json.dumps(private))
    assert exc_info.value.code == "invalid_registry"


def rotation_envelope(previous_id, previous_key, next_id, next_key, **payload):
    body = {
        "previous": previous_id,
        "next": {
            "signerId": next_id,
            "publicKey": next_key.public_key().to_base64(),
            "validFrom": payload.pop("validFrom", "2026-06-01T00:00:00Z"),
        },
        "previousValidUntil": "2026-07-01T00:00:00Z",
        "rotatedAt": "2026-06-01T00:00:00Z",
        **payload,
    }
    env = Envelope.create(trustcore.ROTATION_KIND, body)
    env.sign(previous_key, previous_id)
    env.sign(next_key, next_id)
    return env


def test_rotation(sk, other):
    reg = SignerRegistry.from_json(signers_file(entry("kernel-signer", sk)))
    env = rotation_envelope("kernel-signer", sk, "kernel-signer-2", other)
    rotation = reg.verify_rotation(env)
    # The core's rotation report: the payload, with the new key's lineage.
    want = json.loads(env.payload)
    want["next"]["rotatedFrom"] = "kernel-signer"
    assert rotation == want
    assert len(reg) == 1  # verify only
    assert reg.apply_rotation(env) == rotation
    assert reg.signer_ids() == ["kernel-signer", "kernel-signer-2"]
    assert reg.get("kernel-signer")["validUntil"] == "2026-07-01T00:00:00Z"
    with pytest.raises(RegistryError) as exc_info:
        reg.key_for("kernel-signer", "2026-07-01T00:00:00Z")
    assert exc_info.value.code == "signer_expired"
    assert reg.key_for("kernel-signer-2", "2026-08-01T00:00:00Z") == other.public_key()

    # Without the new key's signature (no proof of possession) it is refused.
    reg = SignerRegistry.from_json(signers_file(entry("kernel-signer", sk)))
    unsigned_by_next = Envelope.from_json(env.to_json())
    doc = json.loads(unsigned_by_next.to_json())
    doc["signatures"] = doc["signatures"][:1]
    with pytest.raises(RegistryError) as exc_info:
        reg.apply_rotation(Envelope.from_json(json.dumps(doc)))
    assert exc_info.value.code == "invalid_rotation"
    assert reg.signer_ids() == ["kernel-signer"]


def test_approvals(sk, other):
    third = SecretKey.from_bytes(bytes([9] * 32))
    outsider = SecretKey.from_bytes(bytes([11] * 32))
    reg = SignerRegistry.from_json(
        signers_file(entry("a", sk), entry("b", other), entry("c", third), entry("x", outsider))
    )
    aset = ApprovalSet.from_json(
        json.dumps(
            {
                "name": "release",
                "threshold": 2,
                "signers": ["a", "b", "c"],
                "kind": "upgrade.applied",
            }
        )
    )
    assert (aset.name, aset.threshold) == ("release", 2)
    assert repr(aset) == "ApprovalSet(name='release', threshold=2)"
    env = Envelope.create("upgrade.applied", {"version": "2.4.1"})
    env.sign(sk, "a")
    env.sign(sk, "a")  # the same approver twice counts once
    env.sign(outsider, "x")
    report = aset.verify(env, reg, AT)
    assert report["approved"] is False and report["approvers"] == ["a"]
    assert [s.get("reason") for s in report["signatures"]] == [
        None,
        "duplicate_signer",
        "not_in_set",
    ]
    env.sign(third, "c")
    report = aset.verify(env, reg, AT)
    assert report["approved"] is True and report["approvers"] == ["a", "c"]
    other_kind = Envelope.create("upgrade.rolled-back", {})
    other_kind.sign(sk, "a")
    other_kind.sign(other, "b")
    assert aset.verify(other_kind, reg, AT)["approved"] is False
    with pytest.raises(RegistryError) as exc_info:
        ApprovalSet.from_json('{"name":"n","threshold":4,"signers":["a","b","c"]}')
    assert exc_info.value.code == "invalid_approval_set"


# ---- other libraries agree ---------------------------------------------------------------


def test_cryptography_interoperates(sk):
    ed = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    ser = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    theirs = ed.Ed25519PrivateKey.from_private_bytes(SEED)
    msg = b"the same bytes in every language"
    assert theirs.sign(msg) == sk.sign(msg)  # Ed25519 is deterministic
    theirs.public_key().verify(sk.sign(msg), msg)  # raises if invalid
    pem = theirs.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    assert pem.decode() == sk.export_pem()
    spki = theirs.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
    assert spki.decode() == sk.public_key().to_pem()
    der = theirs.public_key().public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    assert PublicKey.from_der(der) == sk.public_key()
    pkcs8_der = theirs.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    assert SecretKey.from_der(pkcs8_der).export_bytes() == SEED
    loaded = ser.load_pem_private_key(sk.export_pem().encode(), password=None)
    assert loaded.sign(msg) == sk.sign(msg)


@settings(max_examples=40, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), msg=st.binary(max_size=512))
def test_signatures_match_pynacl(seed, msg):
    signing = pytest.importorskip("nacl.signing")
    theirs = signing.SigningKey(seed)
    ours = SecretKey.from_bytes(seed)
    assert bytes(theirs.verify_key) == ours.public_key().to_bytes()
    sig = ours.sign(msg)
    assert theirs.sign(msg).signature == sig
    theirs.verify_key.verify(msg, sig)
