"""Runs each configured source on its schedule, through the connectors' own `run_once`.

A source runs every `interval` seconds, counted from the start of its last run (its
`options.interval` in hubbub.toml, e.g. "2m", else the `live_source_interval` setting), never
before a server's Retry-After has passed, and backs off (2×, 4×, up to 8× the interval) while
it keeps failing. A source whose run took longer than its interval is behind: it runs again at
once. Sources run one at a time on this thread: collection is I/O-bound and polite pacing
matters more than parallelism. The Importer stores each page before `run_once` commits its
cursor, so stopping between pages, or crashing, re-fetches at most a page and loses nothing.

The stateful enrichers (the near-duplicate index) live as long as the scheduler: one tail shared
by every run, its state saved every `STATE_SAVE_SECONDS` and at stop, not loaded and saved by
each run (a million-post index costs seconds each way). A crash loses at most the index entries
of the last few minutes: those posts are stored; later copies of them start a new cluster.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hubbub.alerts.rules import parse_duration
from hubbub.connectors.cursors import StateStore, parse_iso
from hubbub.connectors.importers.pipeline import Importer, owner_tail
from hubbub.connectors.run import RunResult, run_once
from hubbub.connectors.sources import load_sources, make_connector
from hubbub.enrich.pipeline import Pipeline
from hubbub.enrich.registry import save_state
from hubbub.errors import HubbubError
from hubbub.live.enrich_process import EnrichProcess

log = logging.getLogger("hubbub.live")
STATE_SAVE_SECONDS = 300.0
# A source never runs more often than this, whatever its interval says: a run that finds
# nothing new is quick, and the next one would otherwise follow at once.
MIN_INTERVAL = 1.0


class SourceScheduler:
    def __init__(
        self,
        home: Path,
        store: Any,
        *,
        interval: float = 300.0,
        enrichers: tuple[str, ...] = (),
        archive: bool = True,
        clock: Callable[[], float] = time.time,
        connector_options: dict[str, Any] | None = None,
    ) -> None:
        self.home = Path(home)
        self.store = store  # a TappedStore: inserts reach the bus
        self.interval = interval
        self.enrichers = enrichers
        self.archive = archive
        self.clock = clock
        self.connector_options = connector_options or {}  # tests inject an HTTP transport
        self.states = StateStore(self.home)
        self._next: dict[str, float] = {}
        self._soonest = float("inf")  # the earliest next run among the sources of the last pass
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.results: list[RunResult] = []
        self._tail: Pipeline | None = None
        self._enrich: EnrichProcess | None = None
        self._tail_dirty = False
        self._tail_saved_at = clock()

    def start(self) -> None:
        # The near-duplicate index and the enrichment models are loaded now, before the server
        # answers: on a home of a million posts that takes seconds of CPU, better spent at
        # start than during the first dashboards.
        enrich = self._enrichment()
        if enrich is not None:
            for loaded in enrich.start():
                loaded.result()
        self._thread = threading.Thread(target=self._loop, name="hubbub-sources", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the source running now finishes its current run (bounded by `timeout`)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._enrich is not None:
            self._enrich.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            pause = 1.0
            try:
                self.run_due()
                if self.clock() - self._tail_saved_at >= STATE_SAVE_SECONDS:
                    self.save_state()
                # Sooner when a source is due within the second (at once after a run that
                # took longer than its interval); hubbub.toml is read again on every pass.
                pause = min(pause, max(0.0, self._soonest - self.clock()))
            except Exception:
                log.exception("source scheduling failed; trying again shortly")
            self._stop.wait(pause)
        self.save_state()

    def save_state(self) -> None:
        """Save the stateful enrichers' state if a run added to it since the last save."""
        self._tail_saved_at = self.clock()
        if self._tail is not None and self._tail_dirty:
            save_state(self._tail, self.home / "state")
            self._tail_dirty = False

    def _enrichment(self) -> EnrichProcess | None:
        """The enrichers, for new rows: the stateless ones in a worker process, then the
        stateful tail here (hubbub.live.enrich_process)."""
        if self._enrich is None and self.enrichers:
            self._tail = owner_tail(self.enrichers, self.home)
            self._enrich = EnrichProcess(self.enrichers, self._tail)
        return self._enrich

    def run_due(self) -> list[RunResult]:
        """Run every source whose time has come (once each); returns their results."""
        out: list[RunResult] = []
        self._soonest = float("inf")
        try:
            sources = load_sources(self.home)
        except HubbubError as exc:
            log.warning("cannot read the sources: %s", exc)
            return out
        for name, config in sources.items():
            if self._stop.is_set():
                break
            started = self.clock()
            if self._next.get(name, 0.0) <= started:
                result = self._run(config)
                out.append(result)
                self.results = [*self.results[-99:], result]
                self._next[name] = self._next_run(name, config.options, started)
            self._soonest = min(self._soonest, self._next[name])
        return out

    def _run(self, config: Any) -> RunResult:
        with (
            Importer(
                self.store,
                self.home,
                archive=self.archive,
                owner_pipeline=self._enrichment(),  # type: ignore[arg-type]
            ) as importer,
            make_connector(config, **self.connector_options) as connector,
        ):
            try:
                return run_once(connector, importer, self.states)
            except HubbubError as exc:  # the store failed: recorded in health by run_once
                log.error("source %s: %s", config.name, exc)
                return RunResult(config.name, error=str(exc), error_kind="store")
            finally:
                self._tail_dirty = self._tail_dirty or importer.summary.imported > 0

    def _next_run(self, name: str, options: dict[str, str], started: float) -> float:
        """When the source may run again: `interval` after this run started, so a source
        that takes longer than its interval to collect (it is behind) runs again as soon as
        it is done. While it keeps failing: 2x, 4x, 8x the interval after the failed run
        ended, and never before a server's Retry-After."""
        every = self.interval
        if options.get("interval"):
            try:
                every = parse_duration(options["interval"], f"source {name} interval")
            except HubbubError as exc:
                log.warning("%s", exc)
        every = max(every, MIN_INTERVAL)
        health = self.states.load(name).health
        failures = min(health.consecutive_failures, 3)
        due = (self.clock() if failures else started) + every * (2**failures)
        if health.retry_after_until:
            due = max(due, parse_iso(health.retry_after_until).timestamp())
        return due
