"""The suites that need every front end at once (issue #11).

* The three `audit-verify` commands — the Rust binary (`cargo install`),
  `npx trustcore` (bindings-node/bin/trustcore.js) and the pip console script
  (`python -m trustcore`) — on the same fixtures: JSONL files valid and
  tampered, a gzipped export, stdin, a resumed state, a PostgreSQL table
  valid and tampered, and bad input. Each case's exit code, stdout (human
  and `--json`) and stderr line must be the same from all three.
* 8 Node and 4 Python appender processes, 2,000 events each, on one
  PostgreSQL table at once: exactly 24,000 rows, one chain (every row links
  to the one before, no two rows share a predecessor), and audit-verify says
  valid from all three commands.

Run by .ci/test-all.sh after the binding suites (they build the packages):
    TRUSTCORE_PG_URL=... bindings-python/.venv/bin/python -m pytest tests/cross
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

import trustcore as tc

ROOT = Path(__file__).resolve().parents[2]
RUST = ROOT / "target" / "debug" / "trustcore"
NODE_BIN = ROOT / "bindings-node" / "bin" / "trustcore.js"
KEY = tc.SecretKey.from_bytes(bytes([4]) * 32)
SIGNERS = json.dumps({"signers": [{"signerId": "kernel-signer", "publicKey": KEY.public_key().to_base64()}]})

COMMANDS = {
    "rust": [str(RUST)],
    "node": ["node", str(NODE_BIN)],
    "python": [sys.executable, "-m", "trustcore"],
}


def pg_url() -> str:
    url = os.environ.get("TRUSTCORE_PG_URL")
    if not url:
        if os.environ.get("TRUSTCORE_SKIP_PG"):
            pytest.skip("TRUSTCORE_SKIP_PG is set")
        pytest.fail("TRUSTCORE_PG_URL is not set: start PostgreSQL with .ci/pg.sh")
    return url


@pytest.fixture(scope="session", autouse=True)
def built():
    subprocess.run(["cargo", "build", "-q", "-p", "trustcore-cli"], cwd=ROOT, check=True)
    assert NODE_BIN.exists(), "bindings-node is not built (run bindings-node/ci.sh)"


@pytest.fixture(scope="session")
def fixtures(tmp_path_factory):
    d = tmp_path_factory.mktemp("cross")
    (d / "signers.json").write_text(SIGNERS)
    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    rows = [
        w.append({"id": str(uuid.UUID(int=(0x6F1C2A4E << 96) | i)), "ts": f"2026-03-01T12:{i // 60:02d}:{i % 60:02d}Z",
                  "event_type": "manifest.signed", "actor": "svc:kernel",
                  "payload": {"n": i, "note": "café", "amount": 12.5}}, KEY)
        for i in range(1, 201)
    ]
    (d / "valid.jsonl").write_text("\n".join(rows) + "\n")
    with gzip.open(d / "valid.jsonl.gz", "wt") as f:
        f.write("\n".join(rows) + "\n")
    bad = list(rows)
    bad[57] = bad[57].replace('"n":58', '"n":580')
    del bad[120]
    bad.insert(150, "{not json")
    (d / "broken.jsonl").write_text("\n".join(bad) + "\n")
    (d / "first.jsonl").write_text("\n".join(rows[:90]) + "\n")
    (d / "rest.jsonl").write_text("\n".join(rows[90:]) + "\n")
    (d / "bad-signers.json").write_text('{"signers": [{"signerId": 1}]}')
    return d


def run(name, args, stdin=None, cwd=None):
    p = subprocess.run(COMMANDS[name] + args, input=stdin, capture_output=True, cwd=cwd, timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def same_from_all(args, stdin=None, cwd=None, expect=None):
    out = {n: run(n, args, stdin, cwd) for n in COMMANDS}
    ref = out["rust"]
    for n, o in out.items():
        assert o == ref, f"{n} differs from rust for {args}:\n{n}: {o}\nrust: {ref}"
    if expect is not None:
        assert ref[0] == expect, ref
    if ref[0] == 2:
        assert ref[2].count("\n") == 1 and ref[2].startswith("trustcore audit-verify: "), ref[2]
    return ref


def test_files_gzip_stdin_and_state_give_the_same_output(fixtures, tmp_path):
    d = fixtures
    s = str(d / "signers.json")
    for out_flag in ([], ["--json"]):
        same_from_all(["audit-verify", str(d / "valid.jsonl"), "--signers", s] + out_flag, expect=0)
        same_from_all(["audit-verify", str(d / "valid.jsonl.gz"), "--signers", s] + out_flag, expect=0)
        code, stdout, _ = same_from_all(["audit-verify", str(d / "broken.jsonl"), "--signers", s] + out_flag, expect=1)
        same_from_all(["audit-verify", "-", "--signers", s] + out_flag, stdin=(d / "broken.jsonl").read_bytes(), expect=1)
        same_from_all(["audit-verify", str(d / "first.jsonl"), str(d / "rest.jsonl"), "--signers", s] + out_flag, expect=0)
    j = json.loads(same_from_all(["audit-verify", str(d / "broken.jsonl"), "--signers", s, "--json"])[1])
    assert [b["reason"] for b in j["breaks"]][:2] == ["hash_mismatch", "seq_gap"], j
    # A state saved by one command is resumed by the others.
    for saver in COMMANDS:
        state = tmp_path / f"{saver}.state"
        assert run(saver, ["audit-verify", str(d / "first.jsonl"), "--signers", s, "--save-state", str(state)])[0] == 0
        same_from_all(["audit-verify", str(d / "rest.jsonl"), "--signers", s, "--from-state", str(state), "--json"], expect=0)
    same_from_all(["--help"], expect=0)


def test_bad_input_is_the_same_line_and_exit_code(fixtures):
    d = fixtures
    s = str(d / "signers.json")
    for args in (
        ["audit-verify", str(d / "missing.jsonl"), "--signers", s],
        ["audit-verify", str(d / "valid.jsonl"), "--signers", str(d / "bad-signers.json")],
        ["audit-verify", str(d / "valid.jsonl"), "--signers", str(d / "nothing.json")],
        ["audit-verify", str(d / "valid.jsonl"), "--signers", s, "--profile", "no-such-profile"],
        ["audit-verify", str(d / "valid.jsonl"), "--signers", s, "--threads", "0"],
        ["audit-verify", str(d / "valid.jsonl")],
        ["audit-verify", "--frobnicate"],
        ["verify-all-the-things"],
    ):
        same_from_all(args, expect=2)


def scratch_db(name):
    admin = pg_url()
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + "/" + name


def migrate(url):
    with psycopg.connect(url, autocommit=True) as c:
        c.execute((ROOT / "sql" / "migrations" / "0001_audit_events.sql").read_text())


def test_a_table_valid_and_tampered_gives_the_same_output(fixtures):
    url = scratch_db("tc_cross_table")
    migrate(url)
    s = str(fixtures / "signers.json")
    p = subprocess.run([sys.executable, "-m", "trustcore.pg", "append", url, "audit_events", "300", "--tag", "7"],
                       capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr
    for out_flag in ([], ["--json"]):
        same_from_all(["audit-verify", "--database-url", url, "--signers", s] + out_flag, expect=0)
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("UPDATE audit_events SET payload = jsonb_set(payload, '{n}', '0') WHERE seq = 40")
        c.execute("DELETE FROM audit_events WHERE seq = 200")
    j = json.loads(same_from_all(["audit-verify", "--database-url", url, "--signers", s, "--json"], expect=1)[1])
    assert [(b["position"], b["reason"]) for b in j["breaks"]] == [(39, "hash_mismatch"), (199, "seq_gap")], j
    bad = url.replace("postgres:trustcore@", "postgres:wrong-password@")
    if bad != url:
        same_from_all(["audit-verify", "--database-url", bad, "--signers", s], expect=2)
    same_from_all(["audit-verify", "--database-url", url, "--table", "no_such_table", "--signers", s], expect=2)


def test_eight_node_and_four_python_appenders_make_one_chain(fixtures):
    url = scratch_db("tc_cross_appenders")
    migrate(url)
    n = 2000
    procs = [
        subprocess.Popen(["node", str(ROOT / "bindings-node" / "test" / "pg-appender.mjs"), url, "audit_events", str(n),
                          "--tag", f"n{i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(8)
    ] + [
        subprocess.Popen([sys.executable, "-m", "trustcore.pg", "append", url, "audit_events", str(n), "--tag", str(100 + i)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(4)
    ]
    for p in procs:
        out, err = p.communicate(timeout=1200)
        assert p.returncode == 0, err.decode()
        summary = json.loads(out.decode().strip().splitlines()[-1])
        assert summary["appended"] == n and summary["failed"] == 0, summary
    with psycopg.connect(url) as c:
        rows, seqs, links = c.execute(
            "SELECT count(*), count(DISTINCT seq), count(DISTINCT prev_hash) FROM audit_events").fetchone()
        unlinked = c.execute(
            "SELECT count(*) FROM audit_events a WHERE a.seq > 1 AND NOT EXISTS "
            "(SELECT 1 FROM audit_events b WHERE b.hash = a.prev_hash AND b.seq = a.seq - 1)").fetchone()[0]
    assert (rows, seqs, links, unlinked) == (12 * n, 12 * n, 12 * n, 0)
    s = str(fixtures / "signers.json")
    j = json.loads(same_from_all(["audit-verify", "--database-url", url, "--signers", s, "--json"], expect=0)[1])
    assert j["count"] == 12 * n and j["head"]["seq"] == 12 * n, j
