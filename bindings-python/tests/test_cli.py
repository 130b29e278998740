"""`trustcore audit-verify` from the pip package (the console script and
`python -m trustcore`), run as processes over real files, real gzip (one and
several members) and real stdin, against the Rust binary (`cargo build -p
trustcore-cli`: target/debug/trustcore, or TRUSTCORE_CLI_BIN): the same
stdout (human and --json), the same one stderr line and the same exit code
on every fixture."""

from __future__ import annotations

import gzip
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import trustcore as tc

REPO = Path(__file__).resolve().parents[2]
KEY = tc.SecretKey.from_bytes(bytes([4]) * 32)


def rust_bin() -> str:
    p = os.environ.get("TRUSTCORE_CLI_BIN") or str(REPO / "target" / "debug" / "trustcore")
    if not os.path.isfile(p):
        pytest.fail(f"the Rust front end {p} is missing: cargo build -p trustcore-cli "
                    "(ci.sh builds it)", pytrace=False)
    return p


def py_script() -> list[str]:
    script = shutil.which("trustcore", path=os.path.dirname(sys.executable))
    assert script, "the trustcore console script is not installed beside " + sys.executable
    return [script]


class Out:
    def __init__(self, p: subprocess.CompletedProcess) -> None:
        self.code = p.returncode
        self.stdout = p.stdout.decode("utf-8")
        self.stderr = p.stderr.decode("utf-8")

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"Out(code={self.code}, stdout={self.stdout[:300]!r}, stderr={self.stderr!r})"


def run(cmd: list[str], args: list[str], stdin: bytes | None = None, cwd=None) -> Out:
    return Out(subprocess.run(cmd + args, input=stdin, capture_output=True, timeout=300,
                              cwd=cwd))


def run_py(args, stdin=None, cwd=None) -> Out:
    return run(py_script(), args, stdin, cwd)


def run_both(args, stdin=None, cwd=None) -> tuple[Out, Out]:
    """Runs the Rust binary and the console script; asserts they agree
    byte for byte (stdout, stderr, exit code) and returns both."""
    r = run([rust_bin()], args, stdin, cwd)
    p = run_py(args, stdin, cwd)
    assert (p.code, p.stdout, p.stderr) == (r.code, r.stdout, r.stderr), f"rust {r}\npython {p}"
    return r, p


def one_line_error(o: Out) -> None:
    assert o.code == 2, o
    assert o.stderr.endswith("\n") and o.stderr.count("\n") == 1, o
    assert o.stderr.startswith("trustcore audit-verify: "), o
    assert "Traceback" not in o.stderr and "panicked" not in o.stderr, o
    assert o.stdout == "", o


def body(i: int) -> dict:
    return {
        "id": f"6f1c2a4e-0000-4000-8000-{i:012d}",
        "ts": f"2026-03-01T12:{(i // 60) % 60:02d}:{i % 60:02d}.{(i * 7) % 1000:03d}Z",
        "event_type": "manifest.signed",
        "actor": "svc:kernel",
        "payload": {"n": i, "amount": 12.5, "note": "café"},
    }


def rows(n: int) -> list[str]:
    w = tc.ChainWriter("kernel-signer", KEY.public_key())
    return [w.append(body(i), KEY) for i in range(1, n + 1)]


def signers_file(d: Path) -> str:
    p = d / "signers.json"
    p.write_text(json.dumps({"signers": [
        {"signerId": "kernel-signer", "publicKey": KEY.public_key().to_base64()}]}))
    return str(p)


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    r = rows(300)
    text = "\n".join(r) + "\n"
    (d / "export.jsonl").write_text(text)
    with gzip.open(d / "export.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(text)
    # Several gzip members, as `cat a.gz b.gz` or a rotating writer makes.
    with open(d / "multi.jsonl.gz", "wb") as f:
        for part in (r[:100], r[100:250], r[250:]):
            f.write(gzip.compress(("\n".join(part) + "\n").encode()))
    # Split in two files, the first without a final newline.
    (d / "a.jsonl").write_text("\n".join(r[:120]))
    (d / "b.jsonl").write_text("\n".join(r[120:]) + "\n")
    t = list(r)
    t[41] = t[41].replace("café", "cafe")
    (d / "tampered.jsonl").write_text("\n".join(t))
    (d / "first.jsonl").write_text("\n".join(r[:150]))
    (d / "rest.jsonl").write_text("\n".join(r[150:]))
    (d / "bad_signers.json").write_text('{"signers":[{"signerId":"x"}]}')
    (d / "not_json.json").write_text("{nope")
    (d / "bad.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    return {"dir": d, "rows": r, "signers": signers_file(d), "text": text}


def test_files_gzip_multimember_and_split_files_agree_with_rust(fx):
    d, s = fx["dir"], fx["signers"]
    r, p = run_both([f"audit-verify", str(d / "export.jsonl"), "--signers", s, "--json"])
    j = p.json()
    assert p.code == 0 and j["valid"] and j["count"] == 300
    assert j["source"] == {"files": [str(d / "export.jsonl")]}
    # The report is the core's: the same as verify_jsonl's.
    core = tc.verify_jsonl(fx["text"], tc.SignerRegistry.from_json(Path(s).read_text()))
    assert {k: j[k] for k in core} == core
    for name in ("export.jsonl.gz", "multi.jsonl.gz"):
        _, g = run_both(["audit-verify", str(d / name), "--signers", s, "--json"])
        gj = g.json()
        gj["source"] = j["source"]
        assert gj == j, name
    _, two = run_both(["audit-verify", str(d / "a.jsonl"), str(d / "b.jsonl"), "--signers", s,
                       "--json"])
    tj = two.json()
    tj["source"] = j["source"]
    assert tj == j
    # Human output: the head hash, thousands separators.
    _, h = run_both(["audit-verify", str(d / "export.jsonl"), "--signers", s])
    assert h.stdout.startswith("VALID") and j["head"]["hash"] in h.stdout


def test_a_tampered_row_is_exit_1_at_its_row(fx):
    d, s = fx["dir"], fx["signers"]
    _, p = run_both(["audit-verify", str(d / "tampered.jsonl"), "--signers", s, "--json"])
    assert p.code == 1
    b = p.json()["breaks"][0]
    assert (b["position"], b["reason"]) == (41, "hash_mismatch")
    _, h = run_both(["audit-verify", str(d / "tampered.jsonl"), "--signers", s, "--show", "1"])
    assert h.stdout.startswith("BROKEN: 1 break (hash_mismatch 1)")


def test_stdin_and_python_dash_m(fx):
    s = fx["signers"]
    data = fx["text"].encode()
    _, p = run_both(["audit-verify", "-", "--signers", s, "--json"], stdin=data)
    assert p.code == 0 and p.json()["source"] == {"stdin": True}
    m = run([sys.executable, "-m", "trustcore"], ["audit-verify", "-", "--signers", s, "--json"],
            stdin=data)
    assert (m.code, m.stdout, m.stderr) == (p.code, p.stdout, p.stderr)


def test_resume_from_a_saved_state(fx, tmp_path):
    d, s = fx["dir"], fx["signers"]
    st_r, st_p = tmp_path / "rust.json", tmp_path / "py.json"
    r1 = run([rust_bin()], ["audit-verify", str(d / "first.jsonl"), "--signers", s,
                            "--save-state", str(st_r)])
    p1 = run_py(["audit-verify", str(d / "first.jsonl"), "--signers", s,
                 "--save-state", str(st_p)])
    assert (p1.code, p1.stdout, p1.stderr) == (r1.code, r1.stdout, r1.stderr) and p1.code == 0
    assert st_p.read_bytes() == st_r.read_bytes()
    _, whole = run_both(["audit-verify", str(d / "export.jsonl"), "--signers", s, "--json"])
    _, p2 = run_both(["audit-verify", str(d / "rest.jsonl"), "--signers", s, "--from-state",
                      str(st_p), "--json"])
    assert p2.code == 0 and p2.json()["head"] == whole.json()["head"]
    assert p2.json()["merkle"] == whole.json()["merkle"]


def test_bad_input_is_one_line_exit_2_the_same_as_rust(fx, tmp_path):
    d, s = fx["dir"], fx["signers"]
    e = str(d / "export.jsonl")
    cases = [
        ["audit-verify", "/nonexistent.jsonl", "--signers", s],          # unreadable file
        ["audit-verify", str(d), "--signers", s],                        # a directory
        ["audit-verify", e, "--signers", str(d / "bad_signers.json")],    # malformed signers
        ["audit-verify", e, "--signers", str(d / "not_json.json")],
        ["audit-verify", e, "--signers", "/nonexistent/signers.json"],
        ["audit-verify", e, "--signers", s, "--profile", "nope/v1"],      # unknown profile
        ["audit-verify", e, "--signers", s, "--profile", str(d / "not_json.json")],
        ["audit-verify", e],                                              # usage
        ["audit-verify", e, "--signers", s, "--threads", "0"],
        ["audit-verify", e, "--signers", s, "--frobnicate"],
        ["audit-verify", e, "--signers", s, "--checkpoint", "c.txt"],
        ["audit-verify", e, "--signers", s, "--from-state", str(d / "not_json.json")],
        ["audit-verify", e, "--signers", s, "--save-state", str(tmp_path / "no" / "dir")],
        ["audit-verify", e, "--signers", s, "--table", "t"],
        ["verify", e],
    ]
    for args in cases:
        r, p = run_both(args)
        one_line_error(p)
    # A directory as a flag's file; a gzip file that is not gzip: one line
    # each, exit 2 (the words after the path are each library's own).
    one_line_error(run_py(["audit-verify", e, "--signers", str(d)]))
    bad = run_py(["audit-verify", str(d / "bad.gz"), "--signers", s])
    one_line_error(bad)
    assert bad.stderr.startswith(f"trustcore audit-verify: {d / 'bad.gz'}: "), bad
    for args in (["--help"], ["-h"], ["--version"], []):
        r, p = run_both(args)
        assert p.code == 0 and p.stdout


def test_the_progress_line_only_when_asked_or_on_a_terminal(fx):
    d, s = fx["dir"], fx["signers"]
    e = str(d / "export.jsonl")
    # Not a terminal: nothing extra; --progress forces the (cleared) line.
    _, quiet = run_both(["audit-verify", e, "--signers", s])
    assert quiet.stderr == ""
    _, forced = run_both(["audit-verify", e, "--signers", s, "--progress"])
    assert forced.stderr == "\r\x1b[K"
    # stderr a terminal, rows arriving slowly on stdin: the core's line.
    master, slave = pty.openpty()
    proc = subprocess.Popen(py_script() + ["audit-verify", "-", "--signers", s],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    try:
        for chunk in (fx["rows"][i:i + 30] for i in range(0, 300, 30)):
            proc.stdin.write(("\n".join(chunk) + "\n").encode())
            proc.stdin.flush()
            time.sleep(0.12)
            while select.select([master], [], [], 0)[0]:
                seen += os.read(master, 4096)
        proc.stdin.close()
        out = proc.stdout.read()
        proc.wait(30)
        while select.select([master], [], [], 0.2)[0]:
            try:
                b = os.read(master, 4096)
            except OSError:
                break
            if not b:
                break
            seen += b
    finally:
        os.close(master)
    assert proc.returncode == 0, out
    assert b"verifying: " in seen and b" events, " in seen, seen
    last = seen.decode().split("\r")
    assert last[-1] == "\x1b[K", seen  # the line is cleared at the end
    line = next(x for x in last if x.startswith("verifying: "))
    assert re.fullmatch(r"verifying: [0-9,]+ events, [0-9,]+/s\x1b\[K", line), line


def test_progress_line_is_the_cores():
    assert tc._trustcore.progress_line(50_000, 50, 100, 2.0) == \
        "verifying: 50,000 events, 25,000/s, 50%, 0:02 left"
    assert tc._trustcore.progress_line(3, 0, None, 0.0) == "verifying: 3 events, 0/s"


def test_postgres_without_psycopg_says_how_to_install_it(fx):
    code = ("import sys; sys.modules['psycopg'] = None; from trustcore.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    o = run([sys.executable, "-c", code], ["audit-verify", "--database-url",
                                            "postgres://x@127.0.0.1:1/db", "--signers",
                                            fx["signers"]])
    one_line_error(o)
    assert "pip install 'trustcore[postgres]'" in o.stderr, o


def test_no_traceback_on_an_internal_failure(fx):
    # A broken stdout does not make a traceback either.
    code = ("import sys; from trustcore.cli import main; sys.stdout.close(); "
            "sys.exit(main(sys.argv[1:]))")
    o = run([sys.executable, "-c", code], ["audit-verify", str(fx["dir"] / "export.jsonl"),
                                            "--signers", fx["signers"]])
    assert o.code == 0 and o.stderr == "", o
