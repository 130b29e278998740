"""The boundary fuzzer (fuzz/boundary.py) catches what it is for: a bare
exception, a crash and a hang, each reported with the input that caused
it. The fuzz run itself is a step of ci.sh (FUZZ_SECONDS, default 30)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "fuzz" / "boundary.py"


def run(selftest, seconds="3"):
    env = dict(os.environ, FUZZ_SECONDS=seconds, FUZZ_SEED="1", FUZZ_WATCHDOG="3")
    if selftest:
        env["FUZZ_SELFTEST"] = selftest
    p = subprocess.run([sys.executable, str(HARNESS)], env=env, capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout


@pytest.mark.parametrize("mode, word", [("bad", "FAILED"), ("crash", "CRASH"), ("hang", "HANG")])
def test_the_fuzzer_reports_bad_exceptions_crashes_and_hangs(mode, word):
    rc, out = run(mode)
    assert rc == 1, out
    assert word in out, out
    assert "_selftest(" in out, out  # the input that caused it


def test_a_short_clean_run_passes():
    rc, out = run(None, seconds="3")
    assert rc == 0, out
    assert "targets" in out and "calls in" in out
