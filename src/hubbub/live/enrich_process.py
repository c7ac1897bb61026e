"""The live pipeline's stateless enrichers, in a worker process of their own.

A server collecting 1,000 posts a second spent a quarter of its time enriching them on the
sources thread (language, sentiment with its sentence encoder, emotion, keyphrases), holding
the GIL the HTTP loop and the store's readers also need, on one core. Here those enrichers run
in long-lived worker processes (models loaded once; a large batch is cut in two, enriched side
by side), on the rows the store does not hold yet,
and the stateful tail (near-duplicates, then flags) runs after them in the server, as before:
same enrichers, same order, same columns. The table travels as Arrow IPC.

The Importer hands a live run's group of posts over (`submit`) and stores the previous group
meanwhile (`finish`), so the workers enrich while the server fetches, checks keys and inserts
(hubbub.connectors.run).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import pyarrow as pa

from hubbub.enrich.pipeline import Pipeline

WORKERS = 2  # the cores here
SPLIT_ROWS = 500  # below this a batch is not worth cutting
# The workers run at a lower CPU priority than the server: when the cores are short, an
# analyst's dashboard query goes first and the enrichment of the live stream catches up after
# (bench/load.py: p99 of the API against posts stored per second, docs/operations.md).
NICENESS = 10
_HEADS: dict[tuple[str, ...], Pipeline] = {}  # in the worker: the head of each enricher list


class EnrichProcess:
    """`enrich_table` like a Pipeline's, computed by the stateless head of `enrichers` in a
    worker process; then `tail` (a Pipeline) in this process."""

    def __init__(self, enrichers: tuple[str, ...], tail: Pipeline | None) -> None:
        self.enrichers = tuple(enrichers)
        self.tail = tail
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> list[Future[int]]:
        """Start the workers and load their models now (done when the futures are)."""
        return [self._executor().submit(_warm, self.enrichers) for _ in range(WORKERS)]

    def enrich_table(self, table: pa.Table, errors: list[str] | None = None) -> pa.Table:
        return self.finish(self.submit(table), [] if errors is None else errors)

    def submit(self, table: pa.Table) -> list[Future[tuple[bytes, list[str]]]]:
        """Start enriching `table` in the workers; `finish` takes the result."""
        if not (table.num_rows and self.enrichers):
            return [_done(table)]
        # Large batches are cut in WORKERS parts enriched side by side: collection waits on
        # the result, and a second core is idle meanwhile.
        step = max(SPLIT_ROWS, -(-table.num_rows // WORKERS))
        return [
            self._executor().submit(_enrich, self.enrichers, _ipc(table.slice(at, step)))
            for at in range(0, table.num_rows, step)
        ]

    def finish(
        self,
        job: list[Future[tuple[bytes, list[str]]]],
        errors: list[str],
        keep: list[int] | None = None,
    ) -> pa.Table:
        """The enriched table of `job`, only its rows `keep` (all if None), through the tail."""
        tables = []
        for part in job:
            data, found = part.result()
            tables.append(pa.ipc.open_stream(data).read_all())
            errors.extend(found)
        table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        if keep is not None:
            table = table.take(pa.array(keep, pa.int64()))
        if self.tail is not None:
            table = self.tail.enrich_table(table, errors)
        return table

    def cancel(self, job: list[Future[tuple[bytes, list[str]]]] | None) -> None:
        for part in job or ():
            part.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver, as the importer's workers: never fork a process running chdb threads.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["hubbub.live.enrich_process"])
            self._pool = ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=context, initializer=_lower_priority
            )
        return self._pool


def _lower_priority() -> None:
    os.nice(NICENESS)


def _head(enrichers: tuple[str, ...]) -> Pipeline:
    if enrichers not in _HEADS:
        from hubbub.enrich.registry import build

        _HEADS[enrichers] = build(list(enrichers)).split()[0]
    return _HEADS[enrichers]


def _warm(enrichers: tuple[str, ...]) -> int:
    """Enrich a few sample posts, which loads every model the head uses."""
    from datetime import UTC, datetime

    from hubbub.models import Post
    from hubbub.store.rows import posts_table

    now = datetime.now(UTC)
    samples = ["Loving the new phone!", "电池续航太差了", "Le service client est lent"]
    posts = [Post("warm", str(n), now, text=text) for n, text in enumerate(samples)]
    return _head(enrichers).enrich_table(posts_table(posts, now)).num_rows


def _enrich(enrichers: tuple[str, ...], data: bytes) -> tuple[bytes, list[str]]:
    errors: list[str] = []
    table = _head(enrichers).enrich_table(pa.ipc.open_stream(data).read_all(), errors)
    return _ipc(table), errors


def _done(table: pa.Table) -> Future[tuple[bytes, list[str]]]:
    """A finished job: `table` as it is."""
    future: Future[tuple[bytes, list[str]]] = Future()
    future.set_result((_ipc(table), []))
    return future


def _ipc(table: pa.Table) -> Any:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
