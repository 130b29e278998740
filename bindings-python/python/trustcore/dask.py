"""Verify an audit log on a Dask cluster (``pip install 'trustcore[dask]'``).

:func:`verify` cuts the log into segments, verifies them on the workers (the
native verifier, the GIL released; each :class:`trustcore.Segment` stays on
the worker that made it, as a future), finds the ids repeated across
segments with a shuffle by id on the cluster (every segment's ids cut into
buckets by id; one task per bucket runs :func:`trustcore.duplicates` over
that bucket from every segment, so no machine holds every id), plans on the
client (:class:`trustcore.Stitcher`, from the small summaries), sends each
segment its request, and finishes on the client with exactly the report one
pass over the whole log gives (docs/segments.md).

The log is either files (JSONL, in log order; a plain file is cut further
into byte ranges with :func:`trustcore.split_bytes`, a ``.gz`` file is one
segment) or a PostgreSQL table (a ``postgres://`` / ``postgresql://`` URL and
``table=``): ``seq`` ranges (``SelectPlan.seq_range_sql``, planned from
``bounds_sql``) for a profile ordered by ``seq``, else windows in chain order
(``SelectPlan.window_sql``). Workers read the files and the database
themselves: nothing but the paths (or the URL) and the signers travel, so it
works unchanged from a ``LocalCluster`` to a multi-node cluster whose workers
see the same paths. Nothing is kept between calls.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Sequence, Union

from . import SegmentVerifier, SignerRegistry, Stitcher, duplicates, split_bytes

__all__ = ["verify"]

_CHUNK = 1 << 20
_I64_MAX = 2**63 - 1

Source = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


def _client(client: Any) -> Any:
    try:
        from distributed import get_client
    except ImportError as e:
        raise ImportError("trustcore.dask needs dask.distributed: "
                          "pip install 'trustcore[dask]'") from e
    return client if client is not None else get_client()


def _registry(signers: Any) -> SignerRegistry:
    if isinstance(signers, SignerRegistry):
        return signers
    if isinstance(signers, (str, bytes, bytearray, memoryview)):
        return SignerRegistry.from_json(signers)
    raise TypeError("signers must be a SignerRegistry or a signers file's JSON text, not "
                    + type(signers).__name__)


# ---- Tasks (run on the workers; module-level so they pickle by name) --------


def _file_size(path: str) -> int:
    return os.stat(path).st_size


def _verify_range(path: str, start: int, end: int, registry: SignerRegistry,
                  options: dict[str, Any]) -> Any:
    v = SegmentVerifier.for_bytes(registry, start, end, **options)
    with open(path, "rb") as f:
        f.seek(max(start - 1, 0))
        while v.needs_more:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            v.push_bytes(chunk)
    return v.finish()


def _verify_gz(path: str, registry: SignerRegistry, options: dict[str, Any]) -> Any:
    import gzip

    v = SegmentVerifier(registry, **options)
    with gzip.open(path, "rb") as f:  # every member
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            v.push_bytes(chunk)
    return v.finish()


def _summary(segment: Any) -> str:
    return str(segment.summary())


def _id_buckets(segment: Any, index: int, buckets: int) -> list[bytes]:
    return list(segment.id_buckets(index, buckets))


def _bucket(parts: list[bytes], b: int) -> bytes:
    return parts[b]


def _duplicates(*bucket: bytes) -> list[tuple[int, int]]:
    return list(duplicates(list(bucket)))


def _answer(segment: Any, request: str) -> str:
    return str(segment.answer(request))


def _table_plan(url: str, table: str, profile: Any) -> tuple[str, int, int, int]:
    """("seq", lo, hi, count) for a profile ordered by seq, else ("window",
    0, 0, count)."""
    from . import pg

    with pg.connect(url) as conn:
        plan = pg.select_plan(conn, table=table, profile=profile)
        if plan.bounds_sql is not None:
            lo, hi, count = conn.execute(plan.bounds_sql).fetchone()
            if lo is None:
                return ("seq", 0, 0, 0)
            return ("seq", int(lo), int(hi), int(count))
        (count,) = conn.execute(plan.count_sql).fetchone()
        return ("window", 0, 0, int(count))


def _verify_table(url: str, table: str, kind: str, a: Optional[int], b: Optional[int],
                  registry: SignerRegistry,
                  options: dict[str, Any]) -> Any:
    import psycopg

    from . import SelectPlan, pg

    profile = options.get("profile", "trustcore/v1")
    v = SegmentVerifier(registry, **options)
    with pg.connect(url) as conn:
        plan = pg.select_plan(conn, table=table, profile=profile)
        sql = plan.seq_range_sql if kind == "seq" else plan.window_sql
        assert sql is not None
        with conn.transaction():
            cur = psycopg.RawServerCursor(conn, "trustcore_segment")
            try:
                cur.execute(sql, (a, b))
                while True:
                    batch = cur.fetchmany(SelectPlan.FETCH_ROWS)
                    if not batch:
                        break
                    v.push_table_rows([r[0] for r in batch])
            finally:
                cur.close()
    return v.finish()


# ---- The client side -----------------------------------------------------------


def _is_url(source: Any) -> bool:
    return isinstance(source, str) and source.split("://", 1)[0] in ("postgres", "postgresql")


def verify(
    source: Source,
    signers: Any,
    *,
    client: Any = None,
    segments_per_file: int = 1,
    table: str = "audit_events",
    segments: Optional[int] = None,
    buckets: Optional[int] = None,
    **options: Any,
) -> dict[str, Any]:
    """Verifies a log on a Dask cluster; returns the one-pass report.

    ``source`` is a JSONL file or a list of them in log order, or a
    PostgreSQL URL (then ``table``, default ``audit_events``, is read in
    ``segments`` parts, default two per worker thread). ``signers`` is a
    :class:`SignerRegistry` or a signers file's JSON text. ``client`` is a
    ``distributed.Client`` (default: the current one). Each plain file is cut
    into ``segments_per_file`` byte ranges. ``buckets`` (default: two per
    worker) is the number of id buckets of the shuffle that finds repeated
    ids. ``options`` are :class:`ChainVerifier`'s, for the whole log; a
    segment's own verifier uses ``threads=1`` unless ``threads`` is given
    (the parallelism is the cluster's).
    """
    c = _client(client)
    registry = _registry(signers)
    import importlib

    native: Any = importlib.import_module("trustcore._trustcore")
    # The core's bounds: segments are parts of the log, buckets its id shards.
    for name, value, none_ok, most in (
            ("segments_per_file", segments_per_file, False, native._MAX_PARTS),
            ("segments", segments, True, native._MAX_PARTS),
            ("buckets", buckets, True, native._MAX_BUCKETS)):
        if value is None and none_ok:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if not 1 <= value <= most:
            raise native._invalid_option(name, f"an integer from 1 to {most}", value)
    seg_options = dict(options)
    seg_options.setdefault("threads", 1)
    # Options are read (and refused) here, before any work is sent.
    SegmentVerifier(registry, **seg_options)
    nthreads = sum(c.nthreads().values()) or 1
    workers = max(len(c.nthreads()), 1)
    futures: list[Any] = []
    try:
        if _is_url(source):
            assert isinstance(source, str)
            profile = options.get("profile", "trustcore/v1")
            kind, lo, hi, count = c.submit(_table_plan, source, table, profile,
                                           pure=False).result()
            n = segments or 2 * nthreads
            if kind == "seq":
                span = hi - lo + 1 if count else 1
                cuts = [lo + (span * i) // n for i in range(n + 1)]
                parts = [(cuts[i], cuts[i + 1]) for i in range(n) if cuts[i] < cuts[i + 1]]
                # Open at both ends: every seq, tampered ones and rows added
                # since are read.
                parts[0] = (None, parts[0][1])
                parts[-1] = (parts[-1][0], None)
            else:
                offs = [(count * i) // n for i in range(n + 1)]
                parts = [(offs[i], offs[i + 1] - offs[i]) for i in range(n)]
                parts[-1] = (offs[-2], _I64_MAX)  # to the end, whatever was added
            futures = [c.submit(_verify_table, source, table, kind, a, b, registry, seg_options,
                                pure=False) for a, b in parts]
        else:
            paths = [os.fspath(source)] if isinstance(source, (str, os.PathLike)) else \
                [os.fspath(p) for p in source]
            sizes = c.gather(c.map(_file_size, paths, pure=False))
            for path, size in zip(paths, sizes):
                if path.endswith(".gz"):
                    futures.append(c.submit(_verify_gz, path, registry, seg_options, pure=False))
                    continue
                for a, b in split_bytes(size, segments_per_file):
                    futures.append(c.submit(_verify_range, path, a, b, registry, seg_options,
                                            pure=False))
        summaries = c.gather([c.submit(_summary, f, pure=False) for f in futures])
        dups: list[tuple[int, int]] = []
        if options.get("track_ids", True) is not False and futures:
            nb = buckets or 2 * workers
            per_segment = [c.submit(_id_buckets, f, k, nb, pure=False)
                           for k, f in enumerate(futures)]
            # One task per bucket, fed bucket b of every segment: the shuffle.
            by_bucket = [c.submit(_duplicates,
                                  *[c.submit(_bucket, p, b, pure=False) for p in per_segment],
                                  pure=False)
                         for b in range(nb)]
            for found in c.gather(by_bucket):
                dups.extend(tuple(x) for x in found)
            dups.sort()
        stitcher = Stitcher(summaries, dups, **options)
        requests = stitcher.requests()
        answers = c.gather([c.submit(_answer, futures[k], q, pure=False)
                            for k, q in zip(stitcher.segments(), requests)])
        return dict(stitcher.finish(answers))
    finally:
        for f in futures:
            f.release()
