"""Shared helpers: where the language-neutral vectors live."""

import json
import os
from pathlib import Path

import pytest

# ../test-vectors beside bindings-python; TRUSTCORE_VECTORS overrides it.
VECTORS_DIR = Path(
    os.environ.get("TRUSTCORE_VECTORS", Path(__file__).resolve().parents[2] / "test-vectors")
)


def load_vectors(name, section="cases"):
    """Returns (params, ids) for pytest.mark.parametrize.

    A missing file becomes one failing case, so the run fails clearly with
    "vectors missing" instead of silently testing nothing.
    """
    path = VECTORS_DIR / name
    if not path.is_file():
        return [pytest.param(None, marks=pytest.mark.vectors_missing(str(path)))], [
            "vectors-missing"
        ]
    with open(path, "rb") as f:
        doc = json.load(f)
    expected_format = "trustcore-vectors/" + name[: -len(".json")]
    assert doc.get("format") == expected_format, f"{path}: format {doc.get('format')!r}"
    assert doc.get("version") == 1, f"{path}: version {doc.get('version')!r}"
    cases = doc.get(section, [])
    return cases, [c["id"] for c in cases]


def vector_section(name, section):
    """``parametrize()`` keyword arguments for one section's cases of the
    vector file ``name`` (``@pytest.mark.parametrize("case", **...)``)."""
    cases, ids = load_vectors(name, section)
    return {"argvalues": cases, "ids": ids}


def vector_doc(name):
    """The whole vector file ``name``; fails the test (not skips it) when
    the file is missing."""
    path = VECTORS_DIR / name
    if not path.is_file():
        pytest.fail(f"vectors missing: {path}", pytrace=False)
    with open(path, "rb") as f:
        return json.load(f)


def pytest_configure(config):
    config.addinivalue_line("markers", "vectors_missing(path): vector file not found")


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("vectors_missing")
    if marker is not None:
        pytest.fail(f"vectors missing: {marker.args[0]}", pytrace=False)
