"""Audit chains in a real PostgreSQL server (TRUSTCORE_PG_URL, a superuser
URL; each test makes a fresh, uniquely named database and drops it):
appends from concurrent Python processes, a writer killed mid-run, failing
and lying remote signers, a lost connection, a conflict retried, tampering
found at the right row from the table and from a JSONL export, and bad
input answered exactly as the Rust binary answers it.

Without TRUSTCORE_PG_URL the tests fail with a message saying so, unless
TRUSTCORE_SKIP_PG=1 says to skip them (loudly)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import trustcore as tc
from test_cli import KEY, one_line_error, run_both, run_py, signers_file

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 (trustcore[postgres]) is needed")
import trustcore.pg as tpg  # noqa: E402

ADMIN = os.environ.get("TRUSTCORE_PG_URL")


def admin_url() -> str:
    if ADMIN:
        return ADMIN
    if os.environ.get("TRUSTCORE_SKIP_PG") == "1":
        pytest.skip("SKIPPED: PostgreSQL tests (TRUSTCORE_SKIP_PG=1)")
    pytest.fail("TRUSTCORE_PG_URL is not set: start PostgreSQL (.ci/pg.sh) or set "
                "TRUSTCORE_SKIP_PG=1 to skip", pytrace=False)


@pytest.fixture
def db():
    admin = admin_url()
    name = "tc_py_" + uuid.uuid4().hex[:16]
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    base, _, _ = admin.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def signers(tmp_path):
    return signers_file(tmp_path)


def body(i: int, profile: str = "trustcore/v1", tag: int = 0) -> dict:
    cols = tc._trustcore._profile_columns(profile)
    return {
        "id": f"6f1c2a4e-{tag:04x}-4000-8000-{i:012d}",
        "ts": f"2026-03-01T12:{(i // 60) % 60:02d}:{i % 60:02d}.{(i * 7) % 1000:03d}Z",
        "event_type": "manifest.signed" if cols["event_type"] else "",
        "actor": "svc:kernel" if cols["actor"] else "",
        "payload": {"n": i, "amount": 12.5, "note": "café"},
    }


def verify_db(url, signers, *extra, table=None):
    args = ["audit-verify", "--database-url", url, "--signers", signers, "--json", *extra]
    if table:
        args += ["--table", table]
    r, p = run_both(args)
    return p


def count_rows(url, table="audit_events"):
    with psycopg.connect(url) as c:
        return c.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def export(url, path, table="audit_events", profile="trustcore/v1"):
    with tpg.connect(url) as c:
        plan = tpg.select_plan(c, table=table, profile=profile)
        with open(path, "w", encoding="utf-8") as f:
            for text in tpg.read_rows(c, plan):
                f.write(text + "\n")


def test_every_builtin_profile_appends_verifies_and_finds_an_update(db, signers, tmp_path):
    for name in tc._trustcore.builtin_profiles():
        table = "t_" + name.replace("/", "_").replace("-", "_")
        with tpg.connect(db) as c:
            sql = tpg.migrate(c, table=table, profile=name)
            assert sql == tc.migration(name, table)
            for i in range(1, 41):
                row = tpg.append_event(c, body=body(i, name), signer_id="kernel-signer", key=KEY,
                                       table=table, profile=name)
                assert json.loads(row)  # the writer's row, canonical JSON text
        o = verify_db(db, signers, "--profile", name, table=table)
        assert o.code == 0 and o.json()["count"] == 40, (name, o)
        cols = tc._trustcore._profile_columns(name)
        with psycopg.connect(db) as c:
            c.execute(f'UPDATE "{table}" SET "{cols["payload"]}" = \'{{"n": 999}}\' '
                      f'WHERE "{cols["id"]}" = %s', (body(7)["id"],))
        o = verify_db(db, signers, "--profile", name, table=table)
        assert o.code == 1, (name, o)
        b = o.json()["breaks"][0]
        assert (b["position"], b["reason"]) == (6, "hash_mismatch"), (name, b)
        # The same break from a JSONL export of the table.
        path = tmp_path / f"{table}.jsonl"
        export(db, path, table=table, profile=name)
        _, e = run_both(["audit-verify", str(path), "--signers", signers, "--profile", name,
                         "--json"])
        assert e.json()["breaks"] == o.json()["breaks"], name


def appender(url, n, *extra, table="audit_events"):
    return subprocess.Popen([sys.executable, "-m", "trustcore.pg", "append", url, table, str(n),
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finished(p, timeout=600):
    out, err = p.communicate(timeout=timeout)
    assert p.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


def test_four_concurrent_appender_processes_make_one_chain(db, signers):
    procs = [appender(db, 2000, "--tag", str(k + 1)) for k in range(4)]
    results = [finished(p) for p in procs]
    assert [r["appended"] for r in results] == [2000] * 4
    assert count_rows(db) == 8000
    with psycopg.connect(db) as c:
        seqs = [r[0] for r in c.execute("SELECT seq FROM audit_events ORDER BY seq")]
        assert seqs == list(range(1, 8001))
        # One chain: every row but the first names another row as its predecessor.
        (linked,) = c.execute("SELECT count(*) FROM audit_events a JOIN audit_events b "
                              "ON a.prev_hash = b.hash").fetchone()
        assert linked == 7999
    o = verify_db(db, signers)
    j = o.json()
    assert o.code == 0 and j["valid"] and j["count"] == 8000 and j["head"]["seq"] == 8000


def test_a_writer_killed_mid_run_leaves_no_partial_row(db, signers, tmp_path):
    prog = tmp_path / "victim.count"
    victim = appender(db, 100000, "--tag", "1", "--progress-file", str(prog))
    survivor = appender(db, 1500, "--tag", "2")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if prog.exists() and prog.read_text().strip() and int(prog.read_text() or 0) >= 300:
            break
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    assert victim.returncode == -signal.SIGKILL
    assert finished(survivor)["appended"] == 1500
    # Every row in the table is whole and linked: the killed transaction left nothing.
    n = count_rows(db)
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == n and n >= 1800
    # And the chain carries on after the kill.
    assert finished(appender(db, 200, "--tag", "3"))["appended"] == 200
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == n + 200


def test_a_failing_remote_signer_leaves_no_row_and_no_gap(db, signers):
    flaky = appender(db, 700, "--tag", "1", "--remote", "--fail-every", "7")
    steady = appender(db, 700, "--tag", "2")
    f, s = finished(flaky), finished(steady)
    assert f["failed"] == 100 and f["appended"] == 600 and s["appended"] == 700
    assert count_rows(db) == 1300
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == 1300


def test_signer_failures_and_lies_in_process_roll_back(db):
    with tpg.connect(db) as c:
        tpg.migrate(c)
        tpg.append_event(c, body=body(1), signer_id="kernel-signer", key=KEY)

        def offline(message):
            raise TimeoutError("KMS timed out")

        with pytest.raises(tc.EnvelopeError) as e:
            tpg.append_event(c, body=body(2), signer_id="kernel-signer", signer=offline,
                             public_key=KEY.public_key())
        assert e.value.code == "remote_signer_failed"
        assert isinstance(e.value.__cause__, TimeoutError)
        other = tc.SecretKey.from_bytes(bytes([9]) * 32)
        with pytest.raises(tc.EnvelopeError) as e:
            tpg.append_event(c, body=body(2), signer_id="kernel-signer", signer=other.sign,
                             public_key=KEY.public_key())
        assert e.value.code == "remote_signature_invalid"
        # A body the writer refuses: ChainError, nothing inserted.
        with pytest.raises(tc.ChainError):
            tpg.append_event(c, body=dict(body(2), ts="2020-01-01T00:00:00Z"),
                             signer_id="kernel-signer", key=KEY)
        assert count_rows(db) == 1
        # No gap: the next good append is seq 2.
        row = tpg.append_event(c, body=body(2), signer_id="kernel-signer", signer=KEY.sign,
                               public_key=KEY.public_key())
        assert json.loads(row)["seq"] == 2
        with pytest.raises(TypeError):
            tpg.append_event(c, body=body(3), signer_id="kernel-signer")


def test_a_clock_behind_the_head_stamps_the_heads_time(db, signers):
    """Another writer's clock ahead of ours (a second, then an hour: a
    clock stepped back): an append without ts takes the head's time instead
    of failing with ts_regression; a ts the caller gives is still checked."""
    import datetime as dt

    def ahead(seconds):
        t = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
        return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "007Z"

    with tpg.connect(db) as c:
        tpg.migrate(c)
        for i, ts in enumerate([ahead(1), ahead(3600)]):
            head = json.loads(tpg.append_event(c, body=dict(body(2 * i + 1), ts=ts),
                                               signer_id="kernel-signer", key=KEY))
            b = body(2 * i + 2)
            del b["ts"]
            nxt = json.loads(tpg.append_event(c, body=b, signer_id="kernel-signer", key=KEY))
            assert (nxt["seq"], nxt["ts"]) == (head["seq"] + 1, ts)
        with pytest.raises(tc.ChainError) as e:
            tpg.append_event(c, body=dict(body(9), ts=ahead(0)), signer_id="kernel-signer", key=KEY)
        assert e.value.code == "ts_regression"
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == 4, o


def test_a_lost_connection_rolls_back(db, signers):
    with tpg.connect(db) as c:
        tpg.migrate(c)
        tpg.append_event(c, body=body(1), signer_id="kernel-signer", key=KEY)
    c = tpg.connect(db)
    pid = c.info.backend_pid

    def kill_my_connection(message):
        with psycopg.connect(db, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return KEY.sign(message)

    with pytest.raises(psycopg.OperationalError):
        tpg.append_event(c, body=body(2), signer_id="kernel-signer", signer=kill_my_connection,
                         public_key=KEY.public_key())
    c.close()
    assert count_rows(db) == 1
    with tpg.connect(db) as c:
        row = tpg.append_event(c, body=body(2), signer_id="kernel-signer", key=KEY)
        assert json.loads(row)["seq"] == 2
    assert verify_db(db, signers).code == 0


def test_a_conflict_is_retried_from_a_fresh_head_not_a_fork(db, signers):
    with tpg.connect(db) as c:
        tpg.migrate(c)
        tpg.append_event(c, body=body(1), signer_id="kernel-signer", key=KEY)
        plan = tpg.append_plan(c)
    intruded = []

    def signer_racing_a_writer_that_skips_the_lock(message):
        # While our transaction holds the lock, a writer that does not take
        # it inserts the next row: our INSERT then hits the unique seq /
        # prev_hash (23505), which is retried from the new head.
        if not intruded:
            with tpg.connect(db, autocommit=True) as other:
                last, count = other.execute(plan.head_sql).fetchone()
                w = tc.ChainWriter("kernel-signer", KEY.public_key(), head=plan.head(last, count))
                row = w.append(dict(body(50), ts=plan.body_ts(body(50)["ts"])), KEY)
                other.execute(plan.insert_sql, plan.params(row))
            intruded.append(row)
        return KEY.sign(message)

    with tpg.connect(db) as c:
        row = tpg.append_event(c, body=body(51), signer_id="kernel-signer",
                               signer=signer_racing_a_writer_that_skips_the_lock,
                               public_key=KEY.public_key(), plan=plan)
    assert json.loads(row)["seq"] == 3 and json.loads(intruded[0])["seq"] == 2
    assert tc.retryable("23505") and not tc.retryable("42P01")
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == 3


def test_tampering_is_found_at_its_row_from_the_table_and_an_export(db, signers, tmp_path):
    n = 60
    with tpg.connect(db) as c:
        for t in ("t_update", "t_delete", "t_forged"):
            tpg.migrate(c, table=t)
            plan = tpg.append_plan(c, table=t)
            for i in range(1, n + 1):
                tpg.append_event(c, body=body(i), signer_id="kernel-signer", key=KEY, table=t,
                                 plan=plan)
    attacker = tc.SecretKey.from_bytes(bytes([66]) * 32)
    with tpg.connect(db, autocommit=True) as c:
        c.execute("UPDATE t_update SET payload = '{\"n\": 1, \"amount\": 1e6}' WHERE seq = 20")
        c.execute("DELETE FROM t_delete WHERE seq = 30")
        # A row inserted with a forged signature: linked and hashed right,
        # signed by a key that is not the signer's.
        plan = tpg.append_plan(c, table="t_forged")
        last, count = c.execute(plan.head_sql).fetchone()
        w = tc.ChainWriter("kernel-signer", attacker.public_key(), head=plan.head(last, count))
        forged = w.append(dict(body(n + 1), ts=plan.body_ts(body(n + 1)["ts"])), attacker)
        c.execute(plan.insert_sql, plan.params(forged))
    expected = {"t_update": (19, "hash_mismatch"), "t_delete": (29, "seq_gap"),
                "t_forged": (60, "invalid_signature")}
    registry = tc.SignerRegistry.from_json(Path(signers).read_text())
    for table, (position, reason) in expected.items():
        o = verify_db(db, signers, table=table)
        assert o.code == 1, (table, o)
        b = o.json()["breaks"]
        assert [(x["position"], x["reason"]) for x in b] == [(position, reason)], (table, b)
        path = tmp_path / f"{table}.jsonl"
        export(db, path, table=table)
        _, e = run_both(["audit-verify", str(path), "--signers", signers, "--json"])
        assert e.code == 1 and e.json()["breaks"] == b, table
        # The core's one-pass report over the same rows says the same.
        assert tc.verify_file(path, registry)["breaks"] == b


def test_bad_database_input_is_the_rust_binarys_line(db, signers, tmp_path):
    # A missing table.
    r, p = run_both(["audit-verify", "--database-url", db, "--signers", signers])
    one_line_error(p)
    assert "does not exist" in p.stderr
    # A wrong password (the test server asks for one over TCP).
    scheme, _, rest = db.partition("://")
    userinfo, _, host = rest.rpartition("@")
    if ":" in userinfo:
        user = userinfo.split(":")[0]
        bad = f"{scheme}://{user}:not-the-password@{host}"
        _, p = run_both(["audit-verify", "--database-url", bad, "--signers", signers])
        one_line_error(p)
        assert "password" in p.stderr
    else:
        print("SKIPPED: the wrong-password case (TRUSTCORE_PG_URL has no password)")
    # A column of the wrong type.
    with psycopg.connect(db, autocommit=True) as c:
        c.execute("CREATE TABLE audit_events (id uuid, seq bigint, ts timestamptz, event_type "
                  "text, actor text, payload integer, prev_hash text, hash text, signer_id text, "
                  "signature text)")
    _, p = run_both(["audit-verify", "--database-url", db, "--signers", signers])
    one_line_error(p)
    assert "payload" in p.stderr
    with psycopg.connect(db, autocommit=True) as c:
        c.execute("DROP TABLE audit_events")
        c.execute(tc.migration("trustcore/v1", "audit_events"))
    # An unknown profile, a malformed signers file, a table name that is not one.
    (tmp_path / "bad.json").write_text('{"signers":[{"signerId":"x"}]}')
    for args in (["--profile", "nope/v1"], ["--signers", str(tmp_path / "bad.json")],
                 ["--table", "x; DROP TABLE y"], ["--signers", str(tmp_path / "none.json")]):
        full = ["audit-verify", "--database-url", db, "--signers", signers, *args]
        if args[0] == "--signers":
            full = ["audit-verify", "--database-url", db, *args]
        _, p = run_both(full)
        one_line_error(p)
    # A refused connection: one line, exit 2 (the words are each client's own).
    one_line_error(run_py(["audit-verify", "--database-url",
                           "postgres://postgres@127.0.0.1:1/none", "--signers", signers]))
    # An empty table verifies, the same in both.
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == 0


def test_resume_from_a_saved_state_skips_the_verified_rows(db, signers, tmp_path):
    with tpg.connect(db) as c:
        tpg.migrate(c)
        plan = tpg.append_plan(c)
        for i in range(1, 101):
            tpg.append_event(c, body=body(i), signer_id="kernel-signer", key=KEY, plan=plan)
    st = tmp_path / "state.json"
    o = run_py(["audit-verify", "--database-url", db, "--signers", signers, "--save-state",
                str(st)])
    assert o.code == 0
    with tpg.connect(db) as c:
        for i in range(101, 151):
            tpg.append_event(c, body=body(i), signer_id="kernel-signer", key=KEY, plan=plan)
    o = verify_db(db, signers, "--from-state", str(st))
    j, whole = o.json(), verify_db(db, signers).json()
    assert o.code == 0 and j["head"]["seq"] == 150 and j["rows"] == 150
    assert (j["head"], j["merkle"], j["count"]) == (whole["head"], whole["merkle"], 150)


def _numbers(v):
    if isinstance(v, float):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _numbers(x)
    elif isinstance(v, list):
        for x in v:
            yield from _numbers(x)


def _vector_payloads():
    vectors = json.loads((Path(__file__).resolve().parents[2] / "test-vectors" /
                          "canonical-json.json").read_text(encoding="utf-8"))
    out = []
    for c in vectors["cases"]:
        if "expected" not in c:
            continue
        try:
            p = json.loads(c["expected"])
            tc.canonicalize({"row": {"payload": p}})  # within the depth limit in a row
        except (RecursionError, ValueError, tc.TrustcoreError):
            continue
        # A null payload too: it is written as jsonb's null, not SQL NULL.
        out.append((c["id"], p))
    return out


def _jsonb_rewrites_to_a_long_integer(p):
    # jsonb prints 1e+21 as 1000000000000000000000 (the test after the next).
    return any(abs(x) >= 1e21 for x in _numbers(p))


def test_canonical_json_payloads_survive_jsonb(db, signers):
    """jsonb reorders members and rewrites numbers; the hash must not depend
    on that. PostgreSQL's jsonb cannot hold U+0000: such a payload is
    refused by the server (22P05) and leaves no row."""
    payloads = [(i, p) for i, p in _vector_payloads() if not _jsonb_rewrites_to_a_long_integer(p)]
    assert len(payloads) > 100
    n = refused = 0
    with tpg.connect(db) as c:
        tpg.migrate(c)
        plan = tpg.append_plan(c)
        for _, p in payloads:
            b = dict(body(n + 1), payload=p)
            try:
                tpg.append_event(c, body=b, signer_id="kernel-signer", key=KEY, plan=plan)
                n += 1
            except psycopg.errors.UntranslatableCharacter:
                assert "\\u0000" in json.dumps(p), p
                refused += 1
    assert n > 100 and refused == 3
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == n, o


def test_payload_numbers_of_1e21_and_more_survive_jsonb(db, signers):
    """jsonb prints 1e+21 as 1000000000000000000000; the core gives it back its
    JSON spelling (trustcore::sql::table_row) when the table is read."""
    big = [(i, p) for i, p in _vector_payloads() if _jsonb_rewrites_to_a_long_integer(p)]
    assert big
    with tpg.connect(db) as c:
        tpg.migrate(c)
        plan = tpg.append_plan(c)
        for k, (_, p) in enumerate(big):
            tpg.append_event(c, body=dict(body(k + 1), payload=p), signer_id="kernel-signer",
                             key=KEY, plan=plan)
    o = verify_db(db, signers)
    assert o.code == 0 and o.json()["count"] == len(big), o
