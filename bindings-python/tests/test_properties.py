"""Property tests (hypothesis): the value path, the text path and an
independent implementation (PyPI `rfc8785`) agree on random values."""

import json

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings
from hypothesis import strategies as st

import trustcore

SAFE = 2**53 - 1

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-SAFE, max_value=SAFE)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(values)
def test_value_path_matches_text_path(value):
    canonical = trustcore.canonicalize(value)
    # Python's json writes the same value as text in another shape.
    assert trustcore.canonicalize_text(json.dumps(value)) == canonical
    assert trustcore.canonicalize_text(json.dumps(value, ensure_ascii=False, indent=1)) == canonical
    # Fixed point on both paths. (json.loads(canonical) == value need not
    # hold: the double 6.334614575581551e16 prints as 63346145755815510,
    # which Python reads back as an int, but that int canonicalizes to the
    # same bytes.)
    assert trustcore.canonicalize_text(canonical) == canonical
    assert trustcore.canonicalize(json.loads(canonical)) == canonical


@settings(max_examples=200, deadline=None)
@given(values)
def test_matches_rfc8785(value):
    rfc8785 = pytest.importorskip("rfc8785")
    assert trustcore.canonicalize(value) == rfc8785.dumps(value)


@settings(max_examples=200, deadline=None)
@given(st.integers())
def test_integers_follow_one_rule_on_both_paths(n):
    try:
        by_value = trustcore.canonicalize(n)
    except trustcore.CanonicalJsonError as e:
        assert e.code == "number_out_of_range"
        with pytest.raises(trustcore.CanonicalJsonError) as exc_info:
            trustcore.canonicalize_text(str(n))
        assert exc_info.value.code == "number_out_of_range"
        assert abs(n) > SAFE
    else:
        assert by_value == trustcore.canonicalize_text(str(n)) == str(n).encode()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_crash(data):
    try:
        out = trustcore.canonicalize_text(data)
    except trustcore.CanonicalJsonError as e:
        assert isinstance(e.code, str) and isinstance(e.offset, int)
        assert 0 <= e.offset <= len(data)
    else:
        assert trustcore.canonicalize_text(out) == out
