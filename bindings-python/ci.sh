#!/usr/bin/env bash
# Builds the trustcore wheel (release, abi3), runs the Python tests, writes
# the cross-binding report dump and fuzzes the binding's boundary.
# Idempotent and non-interactive: reuses bindings-python/.venv and dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
here=$(pwd)

PYTHON=${PYTHON:-python3}
venv="$here/.venv"
py="$venv/bin/python"

if [ ! -x "$py" ]; then
  if ! "$PYTHON" -m venv "$venv" 2>/dev/null; then
    # Debian ships venv support separately.
    rm -rf "$venv"
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "python${ver}-venv" >/dev/null ||
        { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "python${ver}-venv" >/dev/null; }
    fi
    "$PYTHON" -m venv "$venv"
  fi
fi

# Without --upgrade pip does not touch the network once these are present.
"$py" -m pip install -q --disable-pip-version-check "maturin>=1.9.4,<2" pytest rfc8785 hypothesis cryptography PyNaCl mypy
# The optional extras the tests use: trustcore[postgres] (psycopg 3) and
# trustcore[dask] (dask.distributed).
"$py" -m pip install -q --disable-pip-version-check "psycopg[binary]>=3.2" "dask[distributed]>=2024.1"

# Same target triple as the Node build, so the two share compiled crates in
# the workspace target dir.
target=$(rustc -vV | sed -n 's/^host: //p')
rm -f dist/trustcore-*.whl
echo "== maturin build --release --target $target"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$venv/bin/maturin" build --release --strip --target "$target" -i "$py" -o dist >"$log" 2>&1; then
  cat "$log" >&2
  echo "maturin build failed" >&2
  exit 1
fi
grep -E "Built wheel" "$log" || true
wheel=$(ls dist/trustcore-0.1.0-*.whl)
[ -f "$wheel" ] || { echo "no wheel built" >&2; exit 1; }

# The wheel must carry the type information.
"$py" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
missing = {"trustcore/__init__.py", "trustcore/__init__.pyi", "trustcore/py.typed"} - names
assert not missing, f"wheel lacks {sorted(missing)}"
assert any(n.startswith("trustcore/_trustcore") and n.endswith(".so") for n in names), names
print(f"wheel ok: {sys.argv[1]}")
PY

"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"

# Import from outside the source tree: the installed wheel, not python/.
(cd / && "$py" -c 'import trustcore, sys; assert "site-packages" in trustcore.__file__, trustcore.__file__; print("import ok:", trustcore.__version__, trustcore.__file__)')

# `ci.sh --build-only` (used by examples/demo.sh) stops after the build.
if [ "${1:-}" = "--build-only" ]; then exit 0; fi

# The .pyi stub must describe what the module really has (names,
# signatures, positional-only parameters).
echo "== stubtest"
(cd / && "$py" -m mypy.stubtest trustcore)
# ...and a user's code type-checks against it (report keys, option types).
echo "== mypy (stub usage)"
(cd / && "$py" -m mypy --strict --cache-dir=/dev/null "$here/tests/typing_check.py")

# PostgreSQL (#11): the server .ci/pg.sh starts; never one of our own.
if [ -z "${TRUSTCORE_PG_URL:-}" ]; then
  if [ "${TRUSTCORE_SKIP_PG:-}" = 1 ]; then
    echo "SKIPPED: PostgreSQL tests (TRUSTCORE_SKIP_PG=1)"
  else
    echo "TRUSTCORE_PG_URL is not set: start PostgreSQL with .ci/pg.sh (or set TRUSTCORE_SKIP_PG=1 to skip the PostgreSQL tests)" >&2
    exit 1
  fi
fi
# The Rust front end, which the console script must match byte for byte.
echo "== cargo build -p trustcore-cli"
(cd "$here/.." && cargo build -q -p trustcore-cli)
export TRUSTCORE_CLI_BIN="$here/../target/debug/trustcore"

echo "== pytest"
"$py" -m pytest -q -rs -p no:cacheprovider tests

# The cross-binding report dump (issue #16): <repo>/target/reports/python.json,
# compared with Node's and WASM's by .ci/compare_reports.py.
echo "== report dump"
"$py" tests/report_dump.py

# Random Python objects into every public function and method (issue #15),
# in a watched child process: no crash, no hang, no untyped exception.
echo "== fuzz (binding boundary, FUZZ_SECONDS=${FUZZ_SECONDS:-30})"
"$py" fuzz/boundary.py
