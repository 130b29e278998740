"""Text path, digests, argument handling and the package surface."""

import hashlib
import importlib.resources
import threading

import pytest

import trustcore
from trustcore import CanonicalJsonError, DigestError, TrustcoreError


def test_version_and_exports():
    assert trustcore.__version__ == "0.1.0"
    for name in trustcore.__all__:
        assert hasattr(trustcore, name), name
    assert issubclass(CanonicalJsonError, TrustcoreError)
    assert issubclass(DigestError, TrustcoreError)
    assert issubclass(TrustcoreError, Exception)
    assert TrustcoreError.__module__ == "trustcore"
    assert CanonicalJsonError.__name__ == "CanonicalJsonError"


def test_package_ships_type_information():
    files = importlib.resources.files("trustcore")
    assert files.joinpath("py.typed").is_file()
    stub = files.joinpath("__init__.pyi").read_text()
    for name in trustcore.__all__:
        assert name in stub, name


def test_canonicalize_text_inputs():
    text = '{"b": [1E2, 0.50, "\\u00e9\\n"], "a": {}}'
    expected = b'{"a":{},"b":[100,0.5,"\xc3\xa9\\n"]}'
    for given in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        assert trustcore.canonicalize_text(given) == expected


@pytest.mark.parametrize(
    "text, code, offset",
    [
        (b'{"a":1,"a":2}', "duplicate_key", 7),
        (b"[1,]", "syntax", 3),
        (b"", "syntax", 0),
        (b"[NaN]", "non_finite_number", 1),
        (b"1e400", "number_out_of_range", 0),
        (b"9007199254740993", "number_out_of_range", 0),
        (b"[1] x", "trailing_data", 4),
        (b'["\xff"]', "invalid_utf8", 2),
        (b'["\\ud800"]', "lone_surrogate", 2),
        (b'["ab\xed\xa0\x80"]', "lone_surrogate", 4),
    ],
)
def test_text_rejections(text, code, offset):
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonicalize_text(text)
    err = exc_info.value
    assert (err.code, err.offset, err.path) == (code, offset, None)
    assert f"at byte {offset}" in str(err)


def test_str_with_lone_surrogate_reports_same_offset_as_wtf8_bytes():
    text = '{"k\u00e9": "x\ud800"}'
    wtf8 = text.encode("utf-8", "surrogatepass")
    with pytest.raises(CanonicalJsonError) as from_str:
        trustcore.canonicalize_text(text)
    with pytest.raises(CanonicalJsonError) as from_bytes:
        trustcore.canonicalize_text(wtf8)
    assert from_str.value.code == from_bytes.value.code == "lone_surrogate"
    assert from_str.value.offset == from_bytes.value.offset == 10
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonical_digest_text(text)
    assert exc_info.value.code == "lone_surrogate"
    # Outside a string the surrogate is just a bad byte sequence for the parser.
    with pytest.raises(CanonicalJsonError):
        trustcore.canonicalize_text("[1,\udc00]")


def test_text_max_depth():
    assert trustcore.canonicalize_text("[[1]]", max_depth=2) == b"[[1]]"
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonicalize_text("[[1]]", max_depth=1)
    assert exc_info.value.code == "depth_limit"
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonicalize_text("[" * 129 + "]" * 129)
    assert exc_info.value.code == "depth_limit"
    assert exc_info.value.offset == 128


@pytest.mark.parametrize("bad", [None, 1, 1.5, [b"[]"], {"a": 1}])
def test_text_wrong_type_is_type_error(bad):
    with pytest.raises(TypeError):
        trustcore.canonicalize_text(bad)
    with pytest.raises(TypeError):
        trustcore.canonical_digest_text(bad)


def test_wrong_argument_types():
    with pytest.raises(TypeError):
        trustcore.digest(5)
    with pytest.raises(TypeError):
        trustcore.digest([1])
    with pytest.raises(TypeError):
        trustcore.digest(b"", 256)
    with pytest.raises(TypeError):
        trustcore.parse_digest(b"sha256:00")
    with pytest.raises(trustcore.OptionsError) as exc_info:
        trustcore.canonicalize([], max_depth="3")  # an option: the core reads it
    assert exc_info.value.code == "invalid_option"
    with pytest.raises(TypeError):
        trustcore.canonicalize([], 3)  # max_depth is keyword-only


def test_digest():
    assert trustcore.digest(b"abc") == "sha256:" + hashlib.sha256(b"abc").hexdigest()
    assert trustcore.digest("é") == "sha256:" + hashlib.sha256("é".encode()).hexdigest()
    assert trustcore.digest(b"abc", "blake3") == (
        "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
    )
    assert trustcore.digest(b"abc", algorithm="blake3") == trustcore.digest(
        bytearray(b"abc"), "blake3"
    )
    big = bytes(range(256)) * 4096
    assert trustcore.digest(memoryview(big)) == "sha256:" + hashlib.sha256(big).hexdigest()
    # No UTF-8 form: the same code as Node and WASM, not UnicodeEncodeError.
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.digest("\ud800")
    assert exc_info.value.code == "lone_surrogate"


@pytest.mark.parametrize("alg", ["md5", "SHA256", "sha-256", ""])
def test_unknown_algorithm(alg):
    for call in (
        lambda: trustcore.digest(b"", alg),
        lambda: trustcore.canonical_digest({}, alg),
        lambda: trustcore.canonical_digest_text("{}", alg),
    ):
        with pytest.raises(DigestError) as exc_info:
            call()
        assert exc_info.value.code == "unknown_algorithm"
        assert isinstance(exc_info.value, TrustcoreError)


def test_canonical_digest_matches_digest_of_canonical_bytes():
    value = {"b": [1, 2.5], "a": "x"}
    canonical = trustcore.canonicalize(value)
    for alg in ("sha256", "blake3"):
        assert trustcore.canonical_digest(value, alg) == trustcore.digest(canonical, alg)
        assert trustcore.canonical_digest_text('{"a":"x","b":[1,2.50]}', alg) == trustcore.digest(
            canonical, alg
        )
    assert trustcore.canonical_digest(value) == trustcore.digest(canonical, "sha256")


def test_parse_digest():
    d = trustcore.digest(b"")
    assert trustcore.parse_digest(d) == ("sha256", d[len("sha256:") :])
    b = trustcore.digest(b"", "blake3")
    assert trustcore.parse_digest(b) == ("blake3", b[len("blake3:") :])
    for text, code in [
        ("sha256:" + "0" * 63, "malformed_digest"),
        ("sha256:" + "A" * 64, "malformed_digest"),
        ("md5:" + "0" * 64, "unknown_algorithm"),
        ("0" * 64, "malformed_digest"),
        ("sha256:" + "0" * 63 + "\ud800", "malformed_digest"),
    ]:
        with pytest.raises(DigestError) as exc_info:
            trustcore.parse_digest(text)
        assert exc_info.value.code == code, text
        assert exc_info.value.path is None


def test_errors_pickle():
    import pickle

    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonicalize_text(b'{"a":1,"a":2}')
    copy = pickle.loads(pickle.dumps(exc_info.value))
    assert type(copy) is CanonicalJsonError
    assert (copy.code, copy.offset, str(copy)) == ("duplicate_key", 7, str(exc_info.value))


def test_large_input_from_threads():
    # Large texts are canonicalized without the GIL; results stay correct
    # when several threads do it at once.
    pad = "x" * 50
    doc = "[" + ",".join(f'{{"b":{i},"a":"{pad}"}}' for i in range(5000)) + "]"
    expected = trustcore.canonicalize_text(doc)
    assert len(doc) > 64 * 1024
    results = []

    def work():
        results.append(trustcore.canonicalize_text(doc.encode()))
        results.append(trustcore.canonicalize_text(bytearray(doc.encode())))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 8


AUDIT_COLUMNS = [("id", "uuid"), ("seq", "bigint"), ("ts", "timestamp with time zone"),
                 ("event_type", "text"), ("actor", "text"), ("payload", "jsonb"),
                 ("prev_hash", "text"), ("hash", "text"), ("signer_id", "text"),
                 ("signature", "text")]


@pytest.mark.parametrize("count", [-1, 2**63, 2**64 + 8, -(2**200), 2**200])
def test_a_head_count_that_is_no_row_count_is_the_cores_sql_error(count):
    """Any int reaches the core, which refuses what a count(*) cannot be
    (found by the boundary fuzzer: 2**64 + 8 was an OverflowError)."""
    plan = trustcore.AppendPlan("trustcore/v1", trustcore.Table("audit_events"), AUDIT_COLUMNS)
    for call in (lambda: plan.head(None, count),
                 lambda: plan.stamp(None, count, "2026-12-07T00:00:00Z")):
        with pytest.raises(trustcore.SqlError) as e:
            call()
        assert e.value.code == "invalid_count"
        assert "row count" in str(e.value)
    assert plan.head(None, 2**63 - 1)["seq"] == 0
    assert plan.stamp(None, 0, "2026-12-07T00:00:00Z") == "2026-12-07T00:00:00Z"
    with pytest.raises(TypeError):
        plan.head(None, 1.0)
