"""``trustcore audit-verify``: the runbook's integrity check, from the pip package.

The console script ``trustcore`` (and ``python -m trustcore``) does what the
Rust binary (``cli/src/main.rs``) does, with the same flags, help, output
(human and ``--json``), progress line, one-line errors and exit codes, all
rendered by the core (``trustcore::cli``); this module only does the IO:

* files, ``.jsonl.gz`` ones gunzipped (``gzip``, every member), in 1 MiB
  chunks, each file ended with a newline;
* stdin (``-``);
* a PostgreSQL table through psycopg 3 (the ``trustcore[postgres]`` extra):
  the core's column query and ``SelectPlan`` statement, read through a
  server-side cursor ``FETCH_ROWS`` rows at a time from the resumed position,
  in bounded memory.

Exit codes: 0 the chain verified, 1 the chain is broken, 2 usage or input
error (one line on stderr). No traceback reaches the user.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import time
import zlib
from typing import Any, Callable, Optional, Sequence

import importlib

# The private command-line helpers of the native module (not in the stub).
_n: Any = importlib.import_module("trustcore._trustcore")

__all__ = ["main"]

_CHUNK = 1 << 20


class _Fail(Exception):
    """A bad input: the core's CliError, with its one line and exit code."""

    def __init__(self, err: BaseException) -> None:
        super().__init__(str(err))
        self.line: str = getattr(err, "line")
        self.exit_code: int = getattr(err, "exit_code")


def _failure(kind: str, detail: str, **where: str) -> _Fail:
    return _Fail(_n._cli_failure(kind, detail, **where))


def _os_words(e: OSError) -> str:
    """An OS error in the words the Rust front end prints (``std::io::Error``'s
    Display): the system's message and ``(os error N)``."""
    if e.errno is not None and e.strerror:
        return f"{e.strerror} (os error {e.errno})"
    return str(e)


def _read(path: str, flag: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except (OSError, ValueError) as e:
        detail = _os_words(e) if isinstance(e, OSError) else str(e)
        raise _failure("read_flag", detail, flag=flag, path=path) from None


class _Meter:
    """The progress line on stderr, redrawn at most every 250 ms."""

    def __init__(self, mode: str, total: Optional[int]) -> None:
        if mode == "always":
            self.on = True
        elif mode == "never":
            self.on = False
        else:
            try:
                self.on = sys.stderr.isatty()
            except (AttributeError, ValueError, OSError):
                self.on = False
        self.start = self.last = time.monotonic()
        self.total = total

    def tick(self, events: int, nbytes: int) -> None:
        now = time.monotonic()
        if not self.on or now - self.last < 0.25:
            return
        self.last = now
        line = _n.progress_line(events, nbytes, self.total, now - self.start)
        _write_err(f"\r{line}\x1b[K")

    def done(self) -> None:
        if self.on:
            _write_err("\r\x1b[K")


def _write_err(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


class _Counting:
    """A raw file that counts the bytes read through it (compressed bytes
    for a ``.gz``), for the progress line."""

    def __init__(self, f: Any, counter: list[int]) -> None:
        self.f = f
        self.counter = counter

    def read(self, n: int = -1) -> bytes:
        b = self.f.read(n)
        self.counter[0] += len(b)
        return b

    def readinto(self, buf: Any) -> int:
        k = self.f.readinto(buf)
        self.counter[0] += k or 0
        return k or 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.f.close()


def _feed_reader(run: Any, read: Callable[[int], bytes], meter: _Meter, counter: list[int],
                 what: str) -> None:
    lines = 0
    while True:
        try:
            chunk = read(_CHUNK)
        except InterruptedError:
            continue
        except (OSError, EOFError, ValueError, zlib.error) as e:
            detail = _os_words(e) if type(e) is not gzip.BadGzipFile and isinstance(e, OSError) \
                else str(e)
            raise _failure("read_input", detail, what=what) from None
        if not chunk:
            return
        lines += chunk.count(b"\n")
        run.feed(chunk)
        meter.tick(lines, counter[0])


def _verify_files(run: Any, files: Sequence[str], progress: str) -> None:
    total = 0
    for f in files:
        try:
            total += os.stat(f).st_size
        except (OSError, ValueError):
            pass
    meter = _Meter(progress, total)
    counter = [0]
    for path in files:
        try:
            raw = open(path, "rb", buffering=_CHUNK)
        except (OSError, ValueError) as e:
            detail = _os_words(e) if isinstance(e, OSError) else str(e)
            raise _failure("read_input", detail, what=path) from None
        with raw:
            counting = _Counting(raw, counter)
            if path.endswith(".gz"):
                # GzipFile reads every member of a multi-member file.
                gz = gzip.GzipFile(fileobj=counting, mode="rb")  # type: ignore[call-overload]
                _feed_reader(run, gz.read, meter, counter, path)
            else:
                _feed_reader(run, counting.read, meter, counter, path)
        # A file that does not end with a newline still ends its last row.
        run.feed(b"\n")
    meter.done()


def _verify_stdin(run: Any, progress: str) -> None:
    meter = _Meter(progress, None)
    counter = [0]
    stdin = sys.stdin.buffer if sys.stdin is not None else None
    if stdin is None:
        raise _failure("read_input", "no standard input", what="stdin")
    read1 = getattr(stdin, "read1", stdin.read)

    def read(n: int) -> bytes:
        b = read1(n)
        counter[0] += len(b)
        return b

    _feed_reader(run, read, meter, counter, "stdin")
    meter.done()


_SERVER_WORDS = re.compile(r"(?:FATAL|ERROR|PANIC):\s+(.*)")


def db_error(e: BaseException) -> str:
    """The server's own message (password authentication failed, relation
    does not exist, ...) when there is one, else the client's (as the Rust
    front end prints them)."""
    diag = getattr(e, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        return str(primary)
    lines = str(e).strip().splitlines()
    # A connection the server refused: libpq's text holds the server's words.
    for line in lines:
        m = _SERVER_WORDS.search(line)
        if m:
            return m.group(1).strip()
    # Else the client's first line (libpq adds hints on the next ones).
    return lines[0].strip() if lines else type(e).__name__


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise _failure("missing_client", "", install="pip install 'trustcore[postgres]'") from None
    return psycopg


def _verify_database(run: Any, cmd: Any, url: str, progress: str, profile_doc: Optional[bytes],
                     offset: int) -> None:
    table_sql, schema, name = cmd.table()
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(url, autocommit=False, cursor_factory=psycopg.RawCursor)
    except Exception as e:  # noqa: BLE001 - psycopg's errors, and libpq's on a bad URL
        raise _failure("connect", db_error(e)) from None
    with conn:
        try:
            types = conn.execute(_n.Table.columns_query(), (schema, name)).fetchall()
        except psycopg.Error as e:
            raise _failure("database", db_error(e)) from None
        sql, fetch_rows, count_sql = cmd.select_sql([(c, t) for c, t in types], profile_doc)
        meter = _Meter(progress, None)
        if meter.on:
            try:
                (n,) = conn.execute(count_sql).fetchone()
                meter.total = max(int(n), 0)
            except psycopg.Error:
                conn.rollback()
        try:
            cur = psycopg.RawServerCursor(conn, "trustcore_audit_verify")
            cur.execute(sql, (offset,))
        except psycopg.Error as e:
            raise _failure("database", db_error(e)) from None
        rows = 0
        while True:
            try:
                batch = cur.fetchmany(fetch_rows)
            except psycopg.Error as e:
                raise _failure("read_table", db_error(e), table=table_sql) from None
            if not batch:
                break
            run.feed_rows([r[0] for r in batch])
            rows += len(batch)
            meter.tick(rows, rows)
        meter.done()
        try:
            cur.close()
            conn.commit()
        except psycopg.Error:
            pass


def _audit_verify(cmd: Any) -> int:
    plan = cmd.plan()
    signers = _read(plan["signers"], "--signers")
    profile_doc = None if plan["profile_is_builtin"] else _read(plan["profile"], "--profile")
    checkpoint = _read(plan["checkpoint"], "--checkpoint") if plan["checkpoint"] else None
    state = _read(plan["from_state"], "--from-state") if plan["from_state"] else None
    try:
        run = cmd.start(signers, profile_doc, checkpoint, state)
    except _n.CliError as e:
        raise _Fail(e) from None
    source = plan["source"]
    if source == "files":
        _verify_files(run, plan["files"], plan["progress"])
    elif source == "stdin":
        _verify_stdin(run, plan["progress"])
    else:
        _verify_database(run, cmd, plan["url"], plan["progress"], profile_doc, run.position)
    stdout, saved, code = run.finish()
    if plan["save_state"] and saved is not None:
        path = plan["save_state"]
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(saved)
        except (OSError, ValueError) as e:
            detail = _os_words(e) if isinstance(e, OSError) else str(e)
            raise _failure("save_state", detail, path=path) from None
    _write_out(stdout)
    return int(code)


def _write_out(text: str) -> None:
    try:
        out = sys.stdout.buffer
        out.write(text.encode("utf-8"))
        out.flush()
    except (OSError, ValueError, AttributeError):
        # Like the Rust front end: a closed stdout does not change the exit code.
        pass


def run(argv: Sequence[str]) -> int:
    """Runs ``trustcore`` with ``argv`` (the arguments after the program
    name) and returns the exit code; prints what the command prints."""
    try:
        try:
            kind, value = _n._cli_parse(list(argv))
        except _n.CliError as e:
            raise _Fail(e) from None
        if kind == "print":
            _write_out(value)
            return 0
        try:
            return _audit_verify(value)
        except _n.CliError as e:
            raise _Fail(e) from None
    except _Fail as f:
        _write_err(f.line + "\n")
        return f.exit_code


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The console script: ``trustcore audit-verify ...``; exits with the
    command's exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = run(args)
    except KeyboardInterrupt:
        code = 130
    except BaseException as e:  # noqa: BLE001 - never a traceback: one line, exit 2
        if isinstance(e, SystemExit):
            raise
        _write_err(_n._cli_failure("layout", f"{type(e).__name__}: {e}").line + "\n")
        code = int(_n.EXIT_ERROR)
    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return code


if __name__ == "__main__":
    sys.exit(main())
