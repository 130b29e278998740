"""The value path: canonicalize(obj) on Python values, and its rejections."""

import collections
import datetime
import decimal
import enum
import math

import pytest

import trustcore
from trustcore import CanonicalJsonError, TrustcoreError


def rejects(value, code, path="", **kw):
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonicalize(value, **kw)
    err = exc_info.value
    assert isinstance(err, TrustcoreError)
    assert err.code == code, str(err)
    assert err.path == path, str(err)
    assert err.offset is None
    assert str(err).endswith(f"[{code}]")
    assert err.message and err.message in str(err)
    # The digest entry point walks the same way.
    with pytest.raises(CanonicalJsonError) as exc_info:
        trustcore.canonical_digest(value, **kw)
    assert exc_info.value.code == code
    return err


def test_basic_value():
    value = {"b": 1000.0, "a": "caf\u00e9", "n": [1.5, True, None, False], "t": (1, -2)}
    assert trustcore.canonicalize(value) == (
        '{"a":"café","b":1000,"n":[1.5,true,null,false],"t":[1,-2]}'.encode()
    )


def test_members_sorted_by_utf16_code_units():
    # U+1F600 (surrogates D83D DE00) sorts before U+FFFD in UTF-16 order,
    # after it in code point order.
    value = {"\ufffd": 1, "\U0001f600": 2, "a": 3}
    assert trustcore.canonicalize(value) == '{"a":3,"\U0001f600":2,"\ufffd":1}'.encode()


def test_numbers_print_like_ecmascript():
    cases = [
        (0.0, b"0"),
        (-0.0, b"0"),
        (1e21, b"1e+21"),
        (1e20, b"100000000000000000000"),
        (1e-7, b"1e-7"),
        (0.000001, b"0.000001"),
        (5e-324, b"5e-324"),
        (0.1 + 0.2, b"0.30000000000000004"),
        (-1.5, b"-1.5"),
    ]
    for value, expected in cases:
        assert trustcore.canonicalize(value) == expected, value


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats(value):
    rejects(value, "non_finite_number")
    rejects({"x": [value]}, "non_finite_number", "/x/0")


@pytest.mark.parametrize(
    "value, type_name",
    [
        (b"bytes", "bytes"),
        (bytearray(b"x"), "bytearray"),
        ({1, 2}, "set"),
        (frozenset(), "frozenset"),
        (decimal.Decimal("1.5"), "Decimal"),
        (datetime.datetime(2026, 1, 1), "datetime"),
        (datetime.date(2026, 1, 1), "date"),
        (object(), "object"),
        (1 + 2j, "complex"),
        (range(3), "range"),
    ],
)
def test_unsupported_types(value, type_name):
    err = rejects(value, "unsupported_type")
    assert type_name in err.message
    rejects([1, {"k": value}], "unsupported_type", "/1/k")


@pytest.mark.parametrize(
    "key, type_name",
    [(1, "int"), ((1, 2), "tuple"), (None, "NoneType"), (1.5, "float"), (True, "bool")],
)
def test_non_string_keys(key, type_name):
    err = rejects({key: 1}, "non_string_key")
    assert type_name in err.message
    rejects({"outer": {key: 1}}, "non_string_key", "/outer")


def test_lone_surrogate_in_value_and_key():
    rejects("\ud800", "lone_surrogate")
    rejects(["ok", "a\udfffb"], "lone_surrogate", "/1")
    rejects({"k": "\udc00"}, "lone_surrogate", "/k")
    err = rejects({"a\ud800": 1}, "lone_surrogate", "/a\\ud800")
    assert "U+D800" in err.message


def test_surrogate_pairs_are_fine():
    # A str built from a well-formed pair is one code point; fine.
    assert trustcore.canonicalize("\U0001f600") == '"\U0001f600"'.encode()


@pytest.mark.parametrize(
    "value, ok",
    [
        (2**53 - 1, True),
        (-(2**53 - 1), True),
        (2**53, True),
        (-(2**53), True),
        (2**53 + 1, False),
        (2**63 - 1, False),
        (2**63, False),  # ES spells that double 9223372036854776000
        (9223372036854776000, True),
        (-9223372036854776000, True),
        (2**64, False),
        (2**64 - 1, False),
        (123456789012345680000, True),
        (34710072054341912, False),
        (34710072054341910, True),
        (10**21, False),  # ES prints 1e+21, not the integer
        (-(10**400), False),
        (2**1100, False),
    ],
)
def test_lossy_integer_rule(value, ok):
    if ok:
        assert trustcore.canonicalize(value) == str(value).encode()
        # Same rule as the text path.
        assert trustcore.canonicalize(value) == trustcore.canonicalize_text(str(value))
    else:
        rejects(value, "number_out_of_range")
        rejects({"n": value}, "number_out_of_range", "/n")
        with pytest.raises(CanonicalJsonError) as exc_info:
            trustcore.canonicalize_text(str(value))
        assert exc_info.value.code == "number_out_of_range"


def test_huge_int_beyond_str_digits_limit():
    rejects(10**5000, "number_out_of_range")


def test_cycles_end_at_depth_limit():
    cyclic_list = []
    cyclic_list.append(cyclic_list)
    err = rejects(cyclic_list, "depth_limit", "/0" * 128)
    assert "128" in err.message
    cyclic_dict = {}
    cyclic_dict["self"] = cyclic_dict
    rejects(cyclic_dict, "depth_limit", "/self" * 128)
    rejects(cyclic_list, "depth_limit", "/0" * 5, max_depth=5)


def test_max_depth():
    nested = [[[1]]]
    assert trustcore.canonicalize(nested, max_depth=3) == b"[[[1]]]"
    rejects(nested, "depth_limit", "/0/0", max_depth=2)
    assert trustcore.canonicalize(1, max_depth=1) == b"1"
    deep = 0
    for _ in range(1024):
        deep = [deep]
    assert trustcore.canonicalize(deep, max_depth=1024) == b"[" * 1024 + b"0" + b"]" * 1024
    rejects(deep, "depth_limit", "/0" * 128)


@pytest.mark.parametrize("bad", [0, -1, 1025, 2**40, 1.5, "3", True])
def test_max_depth_out_of_range(bad):
    # The core's options reader: OptionsError invalid_option, in every call.
    for call in (
        lambda: trustcore.canonicalize([], max_depth=bad),
        lambda: trustcore.canonicalize_text(b"[]", max_depth=bad),
        lambda: trustcore.canonical_digest([], max_depth=bad),
        lambda: trustcore.canonical_digest_text("[]", "blake3", max_depth=bad),
    ):
        with pytest.raises(trustcore.OptionsError) as exc_info:
            call()
        assert exc_info.value.code == "invalid_option"
        assert isinstance(exc_info.value, trustcore.TrustcoreError)
        # The message names the option and the value the caller gave.
        assert "max_depth" in str(exc_info.value) and "got " in str(exc_info.value)
    assert f"got {bad}" in str(exc_info.value) or type(bad) is not int


def test_unknown_canonicalize_options_are_refused():
    for call in (
        lambda: trustcore.canonicalize([], maxDepth=5),
        lambda: trustcore.canonicalize_text("[]", max_dept=5),
        lambda: trustcore.canonical_digest([], depth=5),
    ):
        with pytest.raises(trustcore.OptionsError) as exc_info:
            call()
        assert exc_info.value.code == "unknown_option"
    assert "did you mean \"max_depth\"" in str(exc_info.value) or "max_depth" in str(exc_info.value)
    # None is "not given": the default.
    assert trustcore.canonicalize([[1]], max_depth=None) == b"[[1]]"


class MyStr(str):
    def __str__(self):
        return "not me"


class MyInt(int):
    def __str__(self):
        return "not me"

    __repr__ = __str__


class MyFloat(float):
    pass


class Color(enum.IntEnum):
    RED = 1


def test_subclasses_count_as_their_base_type():
    value = collections.OrderedDict(
        [
            ("z", MyStr("s")),
            ("i", MyInt(7)),
            ("big", MyInt(123456789012345680000)),
            ("mid", MyInt(2**53)),
            ("f", MyFloat(2.5)),
            ("e", Color.RED),
        ]
    )
    value["d"] = collections.defaultdict(list, {"x": []})
    assert trustcore.canonicalize(value) == (
        b'{"big":123456789012345680000,"d":{"x":[]},"e":1,"f":2.5,"i":7,"mid":9007199254740992,"z":"s"}'
    )
    assert trustcore.canonicalize({MyStr("k"): 1}) == b'{"k":1}'


def test_bool_is_not_int():
    assert trustcore.canonicalize([True, False, 1, 0]) == b"[true,false,1,0]"


def test_duplicate_names_after_conversion_cannot_happen_in_dicts():
    # A dict cannot hold two equal str keys; distinct keys stay distinct.
    assert trustcore.canonicalize({"a": 1, "A": 2}) == b'{"A":2,"a":1}'


def test_string_escaping():
    value = '"\\/\b\f\n\r\t\x00\x1f\x7f\u2028'
    assert (
        trustcore.canonicalize(value) == b'"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\xe2\x80\xa8"'
    )
    assert trustcore.canonicalize(value) == trustcore.canonicalize_text(
        trustcore.canonicalize(value)
    )
