"""Importing files: units → raw items → posts → store, streaming, in parallel, idempotently.

The importing process splits a file into units (cheap) and hands batches of them to worker
processes, which parse, map and derive the store columns (the Python-bound part). Results come
back in order and are stored `batch_units` units at a time (several worker batches): for each
store write the store filters out keys it already holds, the raw items of the new posts are
appended to the raw archive, then the new rows are inserted in one statement. A crash at any
point therefore leaves each write either stored whole or not at all, and a re-run stores exactly
what is missing. At most a few batches are in flight and one write is held, so memory stays
constant whatever the file size.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

import orjson
import pyarrow as pa

from hubbub.connectors.importers.base import ImportFormat, Unit
from hubbub.connectors.importers.units import TooLong
from hubbub.enrich.pipeline import Pipeline
from hubbub.enrich.registry import build, save_state
from hubbub.errors import ConfigError, HubbubError, ImportFailed, InvalidPost
from hubbub.store.archive import RawArchive
from hubbub.store.embedded import EmbeddedStore
from hubbub.store.rows import posts_table

# Errors a malformed unit or item may raise inside parse/map; anything else is a bug.
ITEM_ERRORS = (HubbubError, ValueError, KeyError, TypeError, IndexError, AttributeError)
# Errors building the Arrow columns of a batch may raise on a value validate() let through.
TABLE_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError)
# Errors reading a file's stream (truncated or corrupt compressed data, I/O): they end the file.
STREAM_ERRORS = (HubbubError, OSError, EOFError, ValueError)
PARALLEL_MIN_BYTES = 4 << 20  # below this, starting worker processes costs more than it saves
# Units per worker batch, at most: a worker's memory grows with its batch. A store write
# (`batch_units`, the import_batch setting) takes several: the store writes a part per INSERT
# and merges parts in the background, and parts of 100k rows instead of 20k cut its CPU
# (insert + merges) from ~19 to ~5.5 µs per post (measured).
WORKER_UNITS = 20_000


@dataclass
class Reject:
    file: str
    line: int
    reason: str


@dataclass
class BatchResult:
    """What a worker sends back: the rows, their raw items (aligned), rejects, skipped count."""

    table_ipc: bytes
    raw_lines: list[bytes]
    rejects: list[tuple[int, str]]
    skipped: int
    units: int
    peak_rss_kb: int = 0  # of the process that built it, for bench/ingest.py
    enrich_errors: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    files: int = 0
    units: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped: int = 0
    seconds: float = 0.0
    rejects_file: str | None = None
    enrich_errors: int = 0
    first_enrich_error: str | None = None
    formats: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def process_batch(
    parse: Callable[[bytes], list[dict[str, Any]]],
    map_item: Callable[[dict[str, Any]], Any],
    units: list[Unit],
    collected_at: datetime,
    enrichers: tuple[str, ...] = (),
    map_columns: Callable[..., tuple[pa.Table, list[int], list[int]]] | None = None,
    parse_many: Callable[[list[bytes]], list[dict[str, Any]] | None] | None = None,
) -> BatchResult:
    """Worker side: parse, map and enrich (the part of the pipeline that runs in workers).

    Malformed units become rejects, never exceptions. Enrichers travel by name, not as
    objects: each worker builds its own once, models included. With `map_columns` (a format's
    columnar fast path) the items it takes skip `map_item`; the others go through it.
    """
    with paused_gc():
        if map_columns is not None:
            return _columnar_batch(
                parse, parse_many, map_item, map_columns, units, collected_at, enrichers
            )
        return _process_batch(parse, map_item, units, collected_at, enrichers)


@lru_cache(maxsize=4)
def worker_pipeline(names: tuple[str, ...]) -> Pipeline:
    """The part of the named pipeline that runs in workers, built once per worker process."""
    return build(list(names)).split()[0]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a batch.

    A batch allocates ~100 container objects per post and frees them all together; the
    collector's repeated full scans while they build up cost 30-50 % of the batch time, and
    none of these objects form cycles, so reference counting frees them anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _process_batch(
    parse: Callable[[bytes], list[dict[str, Any]]],
    map_item: Callable[[dict[str, Any]], Any],
    units: list[Unit],
    collected_at: datetime,
    enrichers: tuple[str, ...],
) -> BatchResult:
    posts = []
    post_lines: list[int] = []
    raw_lines: list[bytes] = []
    rejects: list[tuple[int, str]] = []
    skipped = 0
    for line_no, item in _unit_items(parse, units, rejects):
        try:
            post = map_item(item)
            if post is None:
                skipped += 1
                continue
            post.validate()
            raw = orjson.dumps(item)
        except ITEM_ERRORS as exc:
            rejects.append((line_no, _reason(exc)))
            continue
        posts.append(post)
        post_lines.append(line_no)
        raw_lines.append(raw)
    try:
        table = posts_table(posts, collected_at)
    except TABLE_ERRORS:
        # One value the store cannot hold must not lose the batch: build post by post and
        # reject only the posts that fail, with their line numbers.
        table, kept = _table_post_by_post(posts, post_lines, collected_at, rejects)
        raw_lines = [raw_lines[i] for i in kept]
    return _result(table, raw_lines, rejects, skipped, len(units), enrichers)


def _result(
    table: pa.Table,
    raw_lines: list[bytes],
    rejects: list[tuple[int, str]],
    skipped: int,
    units: int,
    enrichers: tuple[str, ...],
) -> BatchResult:
    enrich_errors: list[str] = []
    # One record batch per column: the store's key check and insert cost ~2 µs more per post
    # on a table of many small chunks (the columnar path builds 1k-row chunks).
    table = table.combine_chunks()
    if enrichers:
        table = worker_pipeline(enrichers).enrich_table(table, enrich_errors)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return BatchResult(
        sink.getvalue().to_pybytes(), raw_lines, rejects, skipped, units, peak, enrich_errors
    )


def _columnar_batch(
    parse: Callable[[bytes], list[dict[str, Any]]],
    parse_many: Callable[[list[bytes]], list[dict[str, Any]] | None] | None,
    map_item: Callable[[dict[str, Any]], Any],
    map_columns: Callable[..., tuple[pa.Table, list[int], list[int]]],
    units: list[Unit],
    collected_at: datetime,
    enrichers: tuple[str, ...],
) -> BatchResult:
    """`_process_batch` with a columnar fast path: same rows, rejects and order, fewer objects.

    Items the fast path does not take (any value not in canonical shape, valid or not) are
    mapped and validated one by one exactly as `_process_batch` does, then merged back in
    item order, so which duplicate of a key comes first is unchanged.
    """
    rejects: list[tuple[int, str]] = []
    items, lines, raws = _parse_all(parse, parse_many, units)
    if items is None:
        items, lines, raws = _parse_each(parse, units, rejects)
    unfit = [i for i, raw in enumerate(raws) if raw is None]
    fit = [i for i, raw in enumerate(raws) if raw is not None] if unfit else list(range(len(items)))
    try:
        fast, taken, others = map_columns([items[i] for i in fit] if unfit else items, collected_at)
        taken = [fit[i] for i in taken] if unfit else taken
        others = sorted([fit[i] for i in others] + unfit) if unfit else others
    except TABLE_ERRORS:  # a value the fast path cannot convert: all the ordinary way
        fast, taken, others = posts_table([], collected_at), [], list(range(len(items)))
    skipped = 0
    posts, post_lines, post_raws, post_items = [], [], [], []
    for i in others:
        try:
            post = map_item(items[i])
            if post is None:
                skipped += 1
                continue
            post.validate()
            raw = orjson.dumps(items[i])
        except ITEM_ERRORS as exc:
            rejects.append((lines[i], _reason(exc)))
            continue
        posts.append(post)
        post_lines.append(lines[i])
        post_raws.append(raw)
        post_items.append(i)
    raw_lines = [raws[i] for i in taken]
    if posts:
        try:
            slow = posts_table(posts, collected_at)
        except TABLE_ERRORS:
            slow, kept = _table_post_by_post(posts, post_lines, collected_at, rejects)
            post_items = [post_items[j] for j in kept]
            post_raws = [post_raws[j] for j in kept]
        order = sorted(range(len(taken) + len(post_items)), key=(taken + post_items).__getitem__)
        fast = pa.concat_tables([fast, slow]).take(pa.array(order, pa.int64()))
        combined_raws = raw_lines + post_raws
        raw_lines = [combined_raws[j] for j in order]
    rejects.sort(key=lambda r: r[0])
    return _result(fast, raw_lines, rejects, skipped, len(units), enrichers)  # type: ignore[arg-type]


def _parse_all(
    parse: Callable[[bytes], list[dict[str, Any]]],
    parse_many: Callable[[list[bytes]], list[dict[str, Any]] | None] | None,
    units: list[Unit],
) -> tuple[Any, list[int], list[bytes | None]]:
    """All units at once, one item each, when the format can (no Python loop per unit).

    Returns (None, [], []) when it cannot: a line too long, or any unit `parse_many` declines.
    """
    datas = [data for _, data in units]
    if parse_many is None or not set(map(type, datas)) <= {bytes}:
        return None, [], []
    items = parse_many(datas)
    if items is None:
        return None, [], []
    try:
        raws: list[bytes | None] = list(map(orjson.dumps, items))
    except ITEM_ERRORS:
        return None, [], []
    return items, [line_no for line_no, _ in units], raws


def _parse_each(
    parse: Callable[[bytes], list[dict[str, Any]]],
    units: list[Unit],
    rejects: list[tuple[int, str]],
) -> tuple[list[dict[str, Any]], list[int], list[bytes | None]]:
    """Unit by unit: items, the line of each, and its raw JSON (None: the map path rejects it)."""
    items: list[dict[str, Any]] = []
    lines: list[int] = []
    raws: list[bytes | None] = []
    for line_no, item in _unit_items(parse, units, rejects):
        items.append(item)
        lines.append(line_no)
        try:
            raws.append(orjson.dumps(item))
        except ITEM_ERRORS:
            raws.append(None)  # the ordinary path rejects it with its reason
    return items, lines, raws


def _unit_items(
    parse: Callable[[bytes], list[dict[str, Any]]],
    units: list[Unit],
    rejects: list[tuple[int, str]],
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each unit's items with its line number; a unit too long or not parseable is a reject."""
    for line_no, data in units:
        if isinstance(data, TooLong):
            rejects.append((line_no, data.reason()))
            continue
        try:
            parsed = parse(data)
        except ITEM_ERRORS as exc:
            rejects.append((line_no, _reason(exc)))
            continue
        for item in parsed:
            yield line_no, item


def _table_post_by_post(
    posts: list[Any],
    lines: list[int],
    collected_at: datetime,
    rejects: list[tuple[int, str]],
) -> tuple[pa.Table, list[int]]:
    """The table of the posts that can be stored, and their indices; the others are rejects."""
    tables, kept = [], []
    for index, (post, line_no) in enumerate(zip(posts, lines, strict=True)):
        try:
            tables.append(posts_table([post], collected_at))
        except TABLE_ERRORS as exc:
            rejects.append((line_no, f"a value cannot be stored: {_reason(exc)}"))
            continue
        kept.append(index)
    rejects.sort(key=lambda r: r[0])
    table = pa.concat_tables(tables) if tables else posts_table([], collected_at)
    return table, kept


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, HubbubError):
        return text or type(exc).__name__
    if isinstance(exc, UnicodeDecodeError) or (
        isinstance(exc, orjson.JSONDecodeError) and "UTF-8" in text
    ):
        return "not valid UTF-8: re-encode the file as UTF-8"
    if isinstance(exc, orjson.JSONDecodeError):
        return f"not valid JSON: {text}"
    if isinstance(exc, KeyError):
        return f"missing field {text}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _batches(
    units: Iterator[Unit], max_units: int, max_bytes: int = 32 << 20
) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    size = 0
    for unit in units:
        batch.append(unit)
        size += len(unit[1])
        if len(batch) >= max_units or size >= max_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


@runtime_checkable
class BackgroundEnricher(Protocol):
    """An owner pipeline that enriches while its caller does something else (the live
    pipeline's hubbub.live.enrich_process.EnrichProcess)."""

    def submit(self, table: pa.Table) -> Any: ...

    def finish(self, job: Any, errors: list[str], keep: list[int] | None) -> pa.Table: ...

    def cancel(self, job: Any) -> None: ...


@dataclass
class _Ahead:
    """A group handed to a background enricher: its new rows (not enriched yet), their raw
    items, the duplicates its key check found, and what to call once it is stored."""

    fmt: ImportFormat
    new: pa.Table
    raws: list[bytes]
    duplicates: int
    errors: list[str]
    job: Any = None
    on_stored: list[Callable[[], None]] = field(default_factory=list)


def owner_tail(enrichers: tuple[str, ...], home: Path) -> Pipeline:
    """The stateful tail of the enrichers (near-duplicates, then flags), resumed from the
    home's saved state: it runs where the store is, on the rows the store did not hold."""
    return build(list(enrichers), Path(home) / "state").split()[1]


class Importer:
    """Imports files into one store. Use as a context manager: it owns worker processes."""

    def __init__(
        self,
        store: EmbeddedStore,
        home: Path,
        *,
        batch_units: int = 100_000,
        workers: int = 0,
        archive: bool = True,
        enrichers: tuple[str, ...] = (),
        on_progress: Callable[[int], None] | None = None,
        owner_pipeline: Pipeline | BackgroundEnricher | None = None,
    ) -> None:
        self.store = store
        self.home = Path(home)
        # Enriched rows are several times larger, and the stateful tail enriches a whole write
        # at once: with enrichers a write is one worker batch (bench/enrich.py: importing
        # process 2.7 GB peak with writes of 100k posts).
        enriched = bool(enrichers) or owner_pipeline is not None
        self.batch_units = min(batch_units, WORKER_UNITS) if enriched else batch_units
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.archive = RawArchive(home) if archive else None
        # Enrichers by short name; the stateful tail (dedup, then flags) runs here, on new rows.
        self.enrichers = tuple(enrichers)
        # A caller running many short imports (the live scheduler) passes its own stateful tail
        # and saves its state itself: loading and saving the near-duplicate index on every run
        # costs seconds once it holds a million posts.
        self._owns_state = owner_pipeline is None
        self._owner_pipeline = owner_pipeline or (
            owner_tail(enrichers, self.home) if enrichers else None
        )
        self.on_progress = on_progress
        self.summary = ImportSummary()
        self._pool: ProcessPoolExecutor | None = None
        self.peak_batch_rss_kb = 0  # largest peak RSS of a process that built a batch
        self._rejects_handle: BinaryIO | None = None
        self._started = time.perf_counter()
        # Batches taken but not stored yet (table, raw lines, enrichment errors) and their
        # units: stored together once they reach `batch_units` (see WORKER_UNITS).
        self._group: list[tuple[pa.Table, list[bytes], list[str]]] = []
        self._group_units = 0
        # With a background enricher: the group handed over and not stored yet, and the keys
        # of the group stored last (see `_store_ahead`).
        self._ahead: _Ahead | None = None
        self._stored_keys: set[tuple[str, str]] = set()

    # ---- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Importer:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self.flush()
        finally:
            self.close()

    def close(self) -> None:
        """Release the workers. A group still enriched in the background is not stored: its
        cursor was not committed either, so the source fetches it again."""
        self._drop_ahead()
        owner = self._owner_pipeline
        if self._owns_state and isinstance(owner, Pipeline) and self.summary.imported:
            save_state(owner, self.home / "state")
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._rejects_handle is not None:
            self._rejects_handle.close()
            self._rejects_handle = None
        self.summary.seconds = round(time.perf_counter() - self._started, 3)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers fork from a clean process, never from one running chdb threads.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["hubbub.connectors.importers.pipeline"])
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    # ---- rejects ---------------------------------------------------------------------------
    def _reject(self, reject: Reject) -> None:
        if self._rejects_handle is None:
            folder = self.home / "rejects"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            # The server runs several imports (uploads, sources) in one process, possibly in
            # the same second: a random suffix keeps each import's rejects in its own file.
            path = folder / f"import-{stamp}-{os.getpid()}-{os.urandom(3).hex()}.rejects.ndjson"
            self._rejects_handle = open(path, "xb")  # noqa: SIM115 (closed in close())
            self.summary.rejects_file = str(path)
        self._rejects_handle.write(orjson.dumps(asdict(reject)) + b"\n")
        self.summary.rejected += 1

    # ---- import ----------------------------------------------------------------------------
    def import_units(self, fmt: ImportFormat, units: Iterator[Unit], label: str, size: int) -> None:
        """Import one stream of units; `label` names it in rejects, `size` picks parallelism."""
        self.summary.files += 1
        self.summary.formats[fmt.name] = self.summary.formats.get(fmt.name, 0) + 1
        collected_at = datetime.now(UTC)
        parallel = self.workers > 1 and size >= PARALLEL_MIN_BYTES
        pending: deque[Future[BatchResult] | BatchResult] = deque()
        stream = _GuardedUnits(units)
        try:
            # A stream error (truncated or corrupt file) ends the units: the partial batch read
            # before it is still processed below, then the damage is reported.
            for batch in _batches(iter(stream), min(self.batch_units, WORKER_UNITS)):
                args = (
                    fmt.parse,
                    fmt.map,
                    batch,
                    collected_at,
                    self.enrichers,
                    fmt.map_columns,
                    fmt.parse_many,
                )
                if parallel:
                    pending.append(self._executor().submit(process_batch, *args))
                    while len(pending) > self.workers * 2:
                        self._absorb(fmt, label, pending.popleft())
                else:
                    self._absorb(fmt, label, process_batch(*args))
        finally:
            while pending:
                self._absorb(fmt, label, pending.popleft())
            self._store_group(fmt)
        if stream.error is not None:
            self._reject(
                Reject(
                    label,
                    stream.last_line + 1,
                    f"file unreadable from here: {_reason(stream.error)}",
                )
            )

    def reject_file(self, label: str, reason: str) -> None:
        """A whole file that cannot be imported (unknown format, missing): one reject, line 0."""
        self.summary.files += 1
        self._reject(Reject(label, 0, reason))

    def _note_enrich_errors(self, errors: list[str]) -> None:
        # Enrichment failures never reject a post (it is stored, those fields stay empty);
        # they are counted and the first one is shown so a broken model is noticed.
        if errors:
            self.summary.enrich_errors += len(errors)
            if self.summary.first_enrich_error is None:
                self.summary.first_enrich_error = errors[0][:300]

    def _absorb(
        self, fmt: ImportFormat, label: str, item: Future[BatchResult] | BatchResult
    ) -> None:
        """Take one batch's result: rejects now, rows into the group `_store_group` writes."""
        result = item.result() if isinstance(item, Future) else item
        for line_no, reason in result.rejects:
            self._reject(Reject(label, line_no, reason))
        self.summary.units += result.units
        self.peak_batch_rss_kb = max(self.peak_batch_rss_kb, result.peak_rss_kb)
        self.summary.skipped += result.skipped
        table = pa.ipc.open_stream(result.table_ipc).read_all()
        self._group.append((table, result.raw_lines, result.enrich_errors))
        self._group_units += result.units
        if self._group_units >= self.batch_units:
            self._store_group(fmt)
        if self.on_progress is not None:
            self.on_progress(result.units)

    def _store_group(self, fmt: ImportFormat) -> None:
        """Store the batches taken since the last call, in order, as one key check and INSERT.

        Keys repeated across these batches are caught by the key check's within-table rule
        (first one kept), exactly as if each batch had been stored before the next was checked.
        With an owner pipeline that enriches in the background (the live pipeline's worker
        processes), the group is handed over instead and stored by the next call or `flush`.
        """
        group, self._group, self._group_units = self._group, [], 0
        if not group:
            return
        table = pa.concat_tables([t for t, _, _ in group]) if len(group) > 1 else group[0][0]
        raws = [raw for _, lines, _ in group for raw in lines] if len(group) > 1 else group[0][1]
        errors = [error for _, _, batch_errors in group for error in batch_errors]
        new, kept, duplicates = self.store.filter_new(table)
        kept_raws = raws if len(kept) == len(raws) else [raws[i] for i in kept]
        if isinstance(self._owner_pipeline, BackgroundEnricher):
            ahead = _Ahead(fmt, new, kept_raws, duplicates, errors)
            if new.num_rows:
                ahead.job = self._owner_pipeline.submit(new)
            # While this group is enriched, the previous one is stored: its enrichment ran
            # while the caller fetched this one (hubbub.connectors.run).
            previous, self._ahead = self._ahead, ahead
            if previous is not None:
                try:
                    self._store_ahead(previous)
                except BaseException:
                    # Never store this group after one before it failed: its cursor would
                    # be committed past the failed one's posts.
                    self._drop_ahead()
                    raise
            return
        if self._owner_pipeline is not None and new.num_rows:
            with paused_gc():
                new = self._owner_pipeline.enrich_table(new, errors)
        self._store_new(fmt, new, kept_raws, duplicates, errors)

    def _store_new(
        self,
        fmt: ImportFormat,
        new: pa.Table,
        raws: list[bytes],
        duplicates: int,
        errors: list[str],
    ) -> None:
        """Archive the raw items of enriched new rows, then insert the rows."""
        self._note_enrich_errors(errors)
        if self.archive is not None and raws:
            self.archive.append(fmt.name, raws)
        self.store.insert(new)
        self.summary.imported += new.num_rows
        self.summary.duplicates += duplicates

    def _store_ahead(self, ahead: _Ahead) -> None:
        """Store a handed-over group. Its key check ran before the group handed over just
        before it was stored: rows with a key that group stored are dropped as duplicates."""
        assert isinstance(self._owner_pipeline, BackgroundEnricher)
        keep: list[int] | None = None
        if self._stored_keys and ahead.new.num_rows:
            keys = zip(
                ahead.new.column("platform").to_pylist(),
                ahead.new.column("platform_id").to_pylist(),
                strict=True,
            )
            keep = [i for i, key in enumerate(keys) if key not in self._stored_keys]
            if len(keep) == ahead.new.num_rows:
                keep = None
        new = ahead.new
        if ahead.job is not None:
            with paused_gc():
                new = self._owner_pipeline.finish(ahead.job, ahead.errors, keep)
        elif keep is not None:
            new = new.take(pa.array(keep, pa.int64()))
        raws = ahead.raws if keep is None else [ahead.raws[i] for i in keep]
        dropped = ahead.new.num_rows - new.num_rows
        self._store_new(ahead.fmt, new, raws, ahead.duplicates + dropped, ahead.errors)
        self._stored_keys = set(
            zip(
                new.column("platform").to_pylist(),
                new.column("platform_id").to_pylist(),
                strict=True,
            )
        )
        for callback in ahead.on_stored:
            callback()

    def _drop_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None and isinstance(self._owner_pipeline, BackgroundEnricher):
            self._owner_pipeline.cancel(ahead.job)

    def when_stored(self, callback: Callable[[], None]) -> None:
        """Call `callback` once everything imported so far is stored (now, unless a group is
        still being enriched in the background)."""
        if self._ahead is not None:
            self._ahead.on_stored.append(callback)
        else:
            callback()

    def flush(self) -> None:
        """Store the group still being enriched in the background, if any."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            self._store_ahead(ahead)

    def import_items(
        self,
        name: str,
        items: list[dict[str, Any]],
        map_item: Callable[[dict[str, Any]], Any],
        label: str,
    ) -> None:
        """Import raw items that are already parsed (a live connector's page), in this process.

        They take the same path as a file's lines: mapped, validated, archived under `name`
        when new, enriched and stored idempotently; a malformed item becomes a reject whose
        "line" is its 1-based position in `items`. Each item is serialized first so the archive
        keeps exactly the JSON that `map_item` saw. Added for hubbub.connectors.run.
        """
        units = [(number, orjson.dumps(item)) for number, item in enumerate(items, 1)]
        fmt = ImportFormat(name, label, _never_sniffed, _no_units, _parse_one_item, map_item)
        self.import_units(fmt, iter(units), label, 0)  # size 0: small, no worker processes

    def import_file(self, path: Path, format_name: str | None = None, **options: Any) -> None:
        """Import one file, detecting its format unless `format_name` is given.

        Raises ImportFailed when the file is missing or its format cannot be told (the CLI
        turns that into a reject when several files are imported). An empty file imports
        nothing and is no error.
        """
        from hubbub.connectors.importers.detect import (
            detect_format,
            get_format,
            is_empty,
            open_stream,
        )

        path = Path(path)
        if not path.is_file():
            raise ImportFailed(f"{path} does not exist or is not a file")
        if format_name:
            fmt = get_format(format_name, **options)
        elif is_empty(path):
            self.summary.files += 1
            return
        else:
            fmt = detect_format(path)
        size = path.stat().st_size
        with open_stream(path) as stream:
            self.import_units(fmt, fmt.units(stream), str(path), size)


class _GuardedUnits:
    """Units of a stream that end, instead of raising, at a read error (kept in `error`).

    `last_line` is the line of the last unit delivered: the damage is on the line after it.
    A ConfigError (e.g. a CSV mapping naming a column the header lacks) is not damage and
    propagates.
    """

    def __init__(self, units: Iterator[Unit]) -> None:
        self._units = units
        self.error: BaseException | None = None
        self.last_line = 0

    def __iter__(self) -> Iterator[Unit]:
        try:
            for unit in self._units:
                self.last_line = unit[0]
                yield unit
        except ConfigError:
            raise
        except STREAM_ERRORS as exc:
            self.error = exc


def _never_sniffed(head: bytes, name: str) -> bool:
    return False


def _no_units(stream: Any) -> Iterator[Unit]:
    return iter(())


def _parse_one_item(unit: bytes) -> list[dict[str, Any]]:
    item = orjson.loads(unit)
    if not isinstance(item, dict):
        raise InvalidPost("a raw item must be a JSON object")
    return [item]
