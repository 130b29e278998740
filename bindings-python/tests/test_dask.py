"""trustcore.dask on a real LocalCluster (two worker processes, one thread
each) over a 1M-event log in 16 files, written once per session with the
Python writer: with and without breaks planted at the seams (a deleted first
row of a file, a row swapped across two files, a duplicate id in two files,
a truncated last file), compared field by field with verify_file over the
concatenated log; and a PostgreSQL table by seq ranges and by windows."""

from __future__ import annotations

import json
import os
import shutil
import uuid

import pytest

import trustcore as tc

distributed = pytest.importorskip("distributed", reason="dask.distributed (trustcore[dask])")
import trustcore.dask as tdask  # noqa: E402

EVENTS = int(os.environ.get("TRUSTCORE_DASK_EVENTS", "1000000"))
FILES = 16
KEY = tc.SecretKey.from_bytes(bytes([4]) * 32)
SIGNERS = json.dumps({"signers": [{"signerId": "kernel-signer",
                                   "publicKey": KEY.public_key().to_base64()}]})


def same_report(got, want, what=""):
    assert sorted(got) == sorted(want), what
    for k in want:
        assert got[k] == want[k], f"{what}: {k}"


@pytest.fixture(scope="session")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as lc, Client(lc) as client:
        yield client


@pytest.fixture(scope="session")
def log(tmp_path_factory):
    """1M events in 16 files (one key; a stable id and time per event)."""
    d = tmp_path_factory.mktemp("dask-log")
    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    per = EVENTS // FILES
    paths = []
    i = 0
    for f in range(FILES):
        p = d / f"part-{f:02d}.jsonl"
        with open(p, "w", encoding="utf-8") as out:
            lines = []
            for _ in range(per if f < FILES - 1 else EVENTS - per * (FILES - 1)):
                i += 1
                lines.append(w.append({
                    "id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
                    "ts": f"2026-03-{1 + (i // 86400) % 28:02d}T{(i // 3600) % 24:02d}:"
                          f"{(i // 60) % 60:02d}:{i % 60:02d}Z",
                    "event_type": "manifest.signed", "actor": "svc:kernel",
                    "payload": {"n": i}}, KEY))
            out.write("\n".join(lines) + "\n")
        paths.append(str(p))
    return {"dir": d, "paths": paths}


def concat(paths, out):
    with open(out, "wb") as o:
        for p in paths:
            with open(p, "rb") as f:
                shutil.copyfileobj(f, o, 1 << 20)
    return out


def lines_of(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")[:-1]


def test_the_clean_log_gives_the_one_pass_report(cluster, log, tmp_path):
    reg = tc.SignerRegistry.from_json(SIGNERS)
    whole = concat(log["paths"], tmp_path / "all.jsonl")
    want = tc.verify_file(whole, reg)
    assert want["valid"] and want["count"] == EVENTS
    os.unlink(whole)
    got = tdask.verify(log["paths"], SIGNERS, client=cluster, segments_per_file=2)
    same_report(got, want, "clean")


def test_breaks_planted_at_the_seams_give_the_one_pass_report(cluster, log, tmp_path):
    reg = tc.SignerRegistry.from_json(SIGNERS)
    paths = list(log["paths"])
    edited = {}

    def edit(k, fn):
        lines = edited.get(k) or lines_of(paths[k])
        edited[k] = fn(lines)

    edit(3, lambda ls: ls[1:])                                   # the first row of a file deleted
    last5, first6 = lines_of(paths[5])[-1], lines_of(paths[6])[0]
    edit(5, lambda ls: ls[:-1] + [first6])                       # a row swapped across two files
    edit(6, lambda ls: [last5] + ls[1:])
    dup = lines_of(paths[2])[100]
    edit(10, lambda ls: [dup] + ls)                              # an id repeated in two files
    for k, ls in edited.items():
        p = tmp_path / f"edited-{k:02d}.jsonl"
        p.write_bytes(b"\n".join(ls) + b"\n")
        paths[k] = str(p)
    last = tmp_path / "truncated.jsonl"                          # a truncated last file
    data = open(paths[-1], "rb").read()
    last.write_bytes(data[:-150])
    paths[-1] = str(last)
    whole = concat(paths, tmp_path / "all.jsonl")
    want = tc.verify_file(whole, reg)
    os.unlink(whole)
    reasons = set(want["break_counts"])
    assert {"seq_gap", "duplicate_id", "malformed_row"} <= reasons, want["break_counts"]
    assert not want["valid"] and want["breaks"][0]["position"] == 3 * (EVENTS // FILES)
    got = tdask.verify(paths, SIGNERS, client=cluster)
    same_report(got, want, "planted")
    # stop_at_first and a trusted head, decided by the stitch at the right rows.
    head = json.loads(lines_of(log["paths"][1])[7])
    opts = {"stop_at_first": True}
    # (the first five files: the first break is in the fourth)
    same_report(tdask.verify(paths[:5], SIGNERS, client=cluster, **opts),
                tc.verify_file(concat(paths[:5], tmp_path / "b.jsonl"), reg, **opts), "stop")
    opts = {"expected_head": {"hash": head["hash"], "seq": head["seq"]}, "track_ids": False}
    same_report(tdask.verify(log["paths"][:3], SIGNERS, client=cluster, **opts),
                tc.verify_file(concat(log["paths"][:3], tmp_path / "c.jsonl"), reg, **opts),
                "head")


def test_gzip_files_and_bad_arguments(cluster, tmp_path):
    import gzip

    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    rows = [w.append({"id": f"6f1c2a4e-0000-4000-8000-{i:012d}", "ts": "2026-03-01T12:00:00Z",
                      "event_type": "t", "actor": "a", "payload": {"n": i}}, KEY)
            for i in range(1, 301)]
    a, b = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl"
    with open(a, "wb") as f:  # two gzip members
        f.write(gzip.compress(("\n".join(rows[:50]) + "\n").encode()))
        f.write(gzip.compress(("\n".join(rows[50:120]) + "\n").encode()))
    b.write_text("\n".join(rows[120:]) + "\n")
    reg = tc.SignerRegistry.from_json(SIGNERS)
    want = tc.verify_jsonl("\n".join(rows), reg)
    same_report(tdask.verify([a, b], reg, client=cluster, segments_per_file=5), want, "gz")
    with pytest.raises(tc.OptionsError):
        tdask.verify([b], reg, client=cluster, frobnicate=1)
    with pytest.raises(tc.OptionsError):
        tdask.verify([b], reg, client=cluster, segments_per_file=0)
    # The core's bounds, refused before any work is sent.
    with pytest.raises(tc.OptionsError, match="from 1 to 16777216"):
        tdask.verify([b], reg, client=cluster, segments_per_file=(1 << 24) + 1)
    with pytest.raises(tc.OptionsError, match="from 1 to 1048576"):
        tdask.verify([b], reg, client=cluster, buckets=(1 << 20) + 1)
    with pytest.raises(TypeError):
        tdask.verify([b], 42, client=cluster)


def test_a_postgresql_table_by_seq_ranges_and_by_windows(cluster, tmp_path):
    psycopg = pytest.importorskip("psycopg")
    import trustcore.pg as tpg
    from test_pg import admin_url

    admin = admin_url()
    name = "tc_py_dask_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    url = admin.rpartition("/")[0] + "/" + name
    reg = tc.SignerRegistry.from_json(SIGNERS)
    try:
        for profile, table in (("trustcore/v1", "audit_events"), ("kernel/v1", "kernel_events")):
            cols = tc._trustcore._profile_columns(profile)
            with tpg.connect(url) as c:
                tpg.migrate(c, table=table, profile=profile)
                plan = tpg.append_plan(c, table=table, profile=profile)
                for i in range(1, 1201):
                    tpg.append_event(c, body={
                        "id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
                        "ts": f"2026-03-01T12:{i // 60 % 60:02d}:{i % 60:02d}Z",
                        "event_type": "t" if cols["event_type"] else "",
                        "actor": "a" if cols["actor"] else "", "payload": {"n": i}},
                        signer_id="kernel-signer", key=KEY, table=table, profile=profile,
                        plan=plan)
            with psycopg.connect(url, autocommit=True) as c:
                c.execute(f'DELETE FROM "{table}" WHERE "{cols["id"]}" = '
                          "'6f1c2a4e-0000-4000-8000-000000000600'")
            with tpg.connect(url) as c:
                sp = tpg.select_plan(c, table=table, profile=profile)
                rows = list(tpg.read_rows(c, sp))
            want = tc.verify_jsonl("\n".join(rows), reg, profile=profile)
            assert not want["valid"]
            got = tdask.verify(url, SIGNERS, client=cluster, table=table, segments=5,
                               profile=profile)
            same_report(got, want, profile)
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
