"""Audit chains in PostgreSQL with psycopg 3 (``pip install 'trustcore[postgres]'``).

Every statement, type check, retry rule and the head of a table come from
the core (``trustcore::sql``, exposed as :class:`trustcore.AppendPlan`,
:class:`trustcore.SelectPlan`, :func:`trustcore.migration`,
:func:`trustcore.retryable`); this module only executes them:

* :func:`migrate` creates a profile's table (idempotent);
* :func:`append_event` appends one event in one transaction: the table's
  advisory lock, the head, the core's writer (a local key, or a remote
  signer through prepare/attach that fails closed), the INSERT, the commit;
  a conflict (another writer inserted first) is retried from a fresh head
  up to ``APPEND_ATTEMPTS`` times; a signer failure or a lost connection
  rolls back: no row, no gap, and the error is raised;
* :func:`read_rows` streams a table's rows (JSON text) in chain order
  through a server-side cursor.

``python -m trustcore.pg append URL TABLE N [--profile P] [--seed HEX]
[--signer-id ID] [--start I]`` appends N events (the test helper that several
processes run at once; see ``--help``).
"""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Iterator, Optional, Union

from . import APPEND_ATTEMPTS, AppendPlan, EnvelopeError, SelectPlan, Table, migration, retryable

__all__ = [
    "append_event",
    "append_plan",
    "connect",
    "migrate",
    "read_rows",
    "select_plan",
    "table_types",
]

Profile = Union[str, "dict[str, Any]", bytes]


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as e:
        raise ImportError(
            "trustcore.pg needs psycopg 3: pip install 'trustcore[postgres]'"
        ) from e
    return psycopg


def connect(url: str, **kwargs: Any) -> Any:
    """A psycopg connection whose cursors take the core's ``$1`` placeholders
    (``psycopg.RawCursor``), as every function here needs."""
    psycopg = _psycopg()
    kwargs.setdefault("cursor_factory", psycopg.RawCursor)
    return psycopg.connect(url, **kwargs)


def _raw(conn: Any) -> Any:
    psycopg = _psycopg()
    return psycopg.RawCursor(conn)


def table_types(conn: Any, table: Union[str, Table]) -> list[tuple[str, str]]:
    """The table's (column, data_type) pairs, from the core's columns query."""
    t = table if isinstance(table, Table) else Table(table)
    with _raw(conn) as cur:
        cur.execute(Table.columns_query(), t.columns_params())
        return [(str(c), str(ty)) for c, ty in cur.fetchall()]


def append_plan(conn: Any, *, table: Union[str, Table] = "audit_events",
                profile: Profile = "trustcore/v1") -> AppendPlan:
    """The core's append plan for ``table`` (its columns checked against
    ``profile``: SqlError ``missing_table`` / ``missing_column`` /
    ``column_type``). Reusable for many :func:`append_event` calls."""
    types = table_types(conn, table)
    if conn.info.transaction_status != 0 and not conn.autocommit:  # 0: IDLE
        conn.commit()
    return AppendPlan(profile, table, types)


def select_plan(conn: Any, *, table: Union[str, Table] = "audit_events",
                profile: Profile = "trustcore/v1") -> SelectPlan:
    """The core's read plan for ``table`` under ``profile``."""
    types = table_types(conn, table)
    if conn.info.transaction_status != 0 and not conn.autocommit:
        conn.commit()
    return SelectPlan(profile, table, types)


def migrate(conn: Any, *, table: Union[str, Table] = "audit_events",
            profile: Profile = "trustcore/v1") -> str:
    """Creates the profile's table (the core's ``migration()``: unique
    ``prev_hash``, hash and ``seq``, id primary key; idempotent) and commits.
    Returns the SQL it ran. Processes migrating at the same moment can
    collide inside PostgreSQL's catalog (a unique violation); such a
    failure is ``retryable`` and the migration runs again (a no-op once the
    table exists)."""
    psycopg = _psycopg()
    sql = migration(profile, table)
    attempt = 0
    while True:
        attempt += 1
        try:
            with conn.transaction():
                with _raw(conn) as cur:
                    cur.execute(sql)
            return sql
        except psycopg.Error as e:
            state = getattr(e, "sqlstate", None)
            if state and retryable(state) and attempt < APPEND_ATTEMPTS and not _broken(conn):
                continue
            raise


def _now() -> str:
    """The current UTC time as RFC 3339 text with microseconds (the
    binding's clock; ``AppendPlan.body_ts`` gives it the core's form)."""
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append_event(
    conn: Any,
    *,
    body: "dict[str, Any]",
    signer_id: str,
    key: Any = None,
    signer: Optional[Callable[[bytes], Any]] = None,
    public_key: Any = None,
    table: Union[str, Table] = "audit_events",
    profile: Profile = "trustcore/v1",
    plan: Optional[AppendPlan] = None,
    alg: Optional[str] = None,
) -> str:
    """Appends one event to ``table`` in one transaction and returns the row
    (canonical JSON text, as :meth:`ChainWriter.append` gives it).

    ``body`` is the event (``{"id", "ts", "event_type", "actor", "payload"}``,
    as for :meth:`ChainWriter.prepare`); without ``ts`` the current time is
    taken once the table is locked, so concurrent appenders never write a
    time before the head's (a given ``ts`` before it is ChainError
    ``ts_regression``). Sign with a local ``key``
    (:class:`SecretKey`) or with ``signer`` (``signer(message) -> bytes``, a
    KMS or signing-proxy client) whose answer must verify under
    ``public_key`` (the registered key) before anything is inserted.

    The transaction takes the table's advisory lock (``AppendPlan.lock_sql``,
    so concurrent appenders serialize), reads the head, builds and signs the
    next row with the core's writer, inserts it and commits. A retryable
    failure (``retryable(sqlstate)``: another writer inserted first, a
    serialization failure, a deadlock) runs it again from a fresh head, up
    to ``APPEND_ATTEMPTS`` times. Any other failure rolls the transaction
    back and is raised as it is: EnvelopeError ``remote_signer_failed`` /
    ``remote_signature_invalid`` for a signer, ChainError for a body the
    writer refuses, psycopg's ``OperationalError`` for a lost connection;
    no row is left and no gap. Called inside a transaction of the caller's,
    the append is a savepoint of it and commits with it.
    """
    from . import ChainWriter, PublicKey, SecretKey

    psycopg = _psycopg()
    if (key is None) == (signer is None):
        raise TypeError("give exactly one of key (a SecretKey) and signer (a callable)")
    if key is not None:
        if not isinstance(key, SecretKey):
            raise TypeError("key must be a SecretKey, not " + type(key).__name__)
        expected = key.public_key()
    else:
        if not callable(signer):
            raise TypeError("signer must be callable, not " + type(signer).__name__)
        if not isinstance(public_key, PublicKey):
            raise TypeError("a remote signer needs public_key (the registered PublicKey)")
        expected = public_key
    if not isinstance(body, dict):
        raise TypeError("body must be a dict, not " + type(body).__name__)
    if plan is None:
        plan = append_plan(conn, table=table, profile=profile)
    writer_options: dict[str, Any] = {"profile": profile}
    if alg is not None:
        writer_options["alg"] = alg
    ts = body.get("ts")
    if isinstance(ts, str):
        body = dict(body, ts=plan.body_ts(ts))
    stamp = "ts" not in body
    attempt = 0
    while True:
        attempt += 1
        try:
            with conn.transaction():
                with _raw(conn) as cur:
                    cur.execute(plan.lock_sql, (str(plan.lock_key),))
                    cur.execute(plan.head_sql)
                    got = cur.fetchone()
                    last, count = (got[0], int(got[1])) if got else (None, 0)
                    head = plan.head(last, count)
                    writer = ChainWriter(signer_id, expected, head=head, **writer_options)
                    # Without a ts, the time is read under the lock; a clock
                    # behind the head's time (a writer with a finer clock,
                    # or a step back) takes the head's time (plan.stamp).
                    event = dict(body, ts=plan.stamp(last, count, _now())) if stamp else body
                    if key is not None:
                        row = writer.append(event, key)
                    else:
                        row = writer.append_with(event, signer)  # type: ignore[arg-type]
                    cur.execute(plan.insert_sql, plan.params(row))
            return row
        except psycopg.Error as e:
            state = getattr(e, "sqlstate", None)
            if state and retryable(state) and attempt < APPEND_ATTEMPTS and not _broken(conn):
                continue
            raise


def _broken(conn: Any) -> bool:
    return bool(getattr(conn, "broken", False) or conn.closed)


def read_rows(conn: Any, plan: SelectPlan, *, offset: int = 0,
              name: str = "trustcore_rows") -> Iterator[str]:
    """The table's rows (JSON text) in chain order from ``offset``, through a
    server-side cursor, ``SelectPlan.FETCH_ROWS`` at a time (bounded memory).
    Runs in a transaction of its own when none is open."""
    psycopg = _psycopg()
    with conn.transaction():
        cur = psycopg.RawServerCursor(conn, name)
        try:
            cur.execute(plan.sql, (offset,))
            while True:
                batch = cur.fetchmany(SelectPlan.FETCH_ROWS)
                if not batch:
                    return
                for (text,) in batch:
                    yield text
        finally:
            cur.close()


# ---- The appender as a program (tests run several at once) -----------------

_USAGE = """\
usage: python -m trustcore.pg append URL TABLE N [options]

Appends N events to TABLE (created with the profile's migration if absent)
through append_event, one transaction each, and prints one JSON line at the
end: {"appended": N, "first_seq": S, "last_seq": S}.

Options:
  --profile NAME        chain profile (default trustcore/v1)
  --seed HEX            the signing key's 32-byte seed in hex (default 04 * 32)
  --signer-id ID        the signer id (default kernel-signer)
  --tag N               distinguishes the event ids of concurrent writers (an
                        integer below 2^28; ids 6f1c2a4e-TTTT-4TTT-8000-<i:012d>;
                        default the process id)
  --start I             the first event number (default 1)
  --remote              sign through a callable (prepare/attach), not the key
  --fail-every K        with --remote: the signer raises on every K-th call
                        (the failed appends are reported, not retried)
  --progress-file PATH  write the number appended so far after each commit
"""


def _event_id(tag: int, i: int) -> str:
    # 28 bits of tag: 16 in the third group, 12 in the fourth (after the version).
    return f"6f1c2a4e-{(tag >> 12) & 0xffff:04x}-4{tag & 0xfff:03x}-8000-{i:012d}"


def _main(argv: list[str]) -> int:
    import os

    from . import SecretKey

    if len(argv) < 4 or argv[0] != "append" or argv[1] in ("-h", "--help"):
        sys.stdout.write(_USAGE)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    url, table, n = argv[1], argv[2], int(argv[3])
    opts = {"--profile": "trustcore/v1", "--seed": "04" * 32, "--signer-id": "kernel-signer",
            "--tag": str(os.getpid()), "--start": "1", "--fail-every": "0",
            "--progress-file": ""}
    remote = False
    rest = argv[4:]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--remote":
            remote = True
            i += 1
            continue
        if a not in opts or i + 1 >= len(rest):
            sys.stderr.write(f"unknown or incomplete option {a!r}\n" + _USAGE)
            return 2
        opts[a] = rest[i + 1]
        i += 2
    key = SecretKey.from_bytes(bytes.fromhex(opts["--seed"]))
    tag = int(opts["--tag"]) & 0xFFFFFFF
    start = int(opts["--start"])
    fail_every = int(opts["--fail-every"])
    profile: Profile = opts["--profile"]
    calls = [0]

    def remote_signer(message: bytes) -> bytes:
        calls[0] += 1
        if fail_every and calls[0] % fail_every == 0:
            raise ConnectionError("the signing service is unavailable")
        return key.sign(message)

    conn = connect(url)
    migrate(conn, table=table, profile=profile)
    plan = append_plan(conn, table=table, profile=profile)
    # A profile without an event type or actor column has them empty.
    from . import load_profile

    columns: Any = load_profile(profile)["columns"]
    cols = {"event_type": columns.get("eventType"), "actor": columns.get("actor")}
    seqs: list[int] = []
    failed = 0
    for k in range(start, start + n):
        body = {
            "id": _event_id(tag, k),
            "event_type": "manifest.signed" if cols["event_type"] else "",
            "actor": f"svc:writer-{tag}" if cols["actor"] else "",
            "payload": {"n": k, "writer": tag, "amount": 12.5, "note": "café"},
        }
        try:
            if remote:
                row = append_event(conn, body=body, signer_id=opts["--signer-id"],
                                   signer=remote_signer, public_key=key.public_key(),
                                   table=table, profile=profile, plan=plan)
            else:
                row = append_event(conn, body=body, signer_id=opts["--signer-id"], key=key,
                                   table=table, profile=profile, plan=plan)
        except EnvelopeError as e:
            if remote and e.code == "remote_signer_failed":
                failed += 1
                continue
            raise
        seqs.append(json.loads(row).get("seq", 0))
        if opts["--progress-file"]:
            with open(opts["--progress-file"], "w") as f:
                f.write(str(len(seqs)))
    conn.close()
    sys.stdout.write(json.dumps({
        "appended": len(seqs), "failed": failed,
        "first_seq": seqs[0] if seqs else None, "last_seq": seqs[-1] if seqs else None,
    }) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
