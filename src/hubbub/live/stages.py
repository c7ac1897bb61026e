"""The stages after the store: percolation, then the alert engine. Each is a thread reading a
durable consumer, acknowledging a message only once its effects are done (published onwards,
alerts stored), so a stage stopped mid-batch leaves the message for the next read."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from hubbub.alerts.engine import AlertEngine
from hubbub.alerts.model import Alert
from hubbub.bus.base import SUBJECTS, Bus, BusClosed, Consumer, Message
from hubbub.live.watchlist import TopicMatcher, Watchlist

log = logging.getLogger("hubbub.live")
FETCH_BATCH = 16
MAX_DELIVERIES = 3
POLL_SECONDS = 0.2


class Stage:
    """A thread running `step` until stopped; a failing step is logged and retried, never
    allowed to end the thread (a bad batch must not stall the pipeline)."""

    name = "stage"
    retry_safe = True  # whether a failed batch may be processed again from the start

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors = 0
        self.skipped = 0  # batches given up after MAX_DELIVERIES failures

    def handle(self, consumer: Consumer, message: Message, work: Callable[[Any], None]) -> None:
        """Run `work` on a message and ack it. On a failure, have it delivered again (where
        that is safe); after MAX_DELIVERIES failures, ack it anyway: a batch that always breaks
        the code (a bug) must not hold a place in the stream forever. Its posts are stored all
        the same; only their percolation or alert test is lost, and the log says so."""
        try:
            work(message.payload)
        except Exception:
            self.errors += 1
            if self.retry_safe and message.deliveries < MAX_DELIVERIES:
                log.exception("%s stage failed on batch %d; retrying", self.name, message.seq)
                consumer.nak(message)
                time.sleep(0.2)
                return
            self.skipped += 1
            log.exception(
                "%s stage failed on batch %d (delivery %d); skipping it",
                self.name,
                message.seq,
                message.deliveries,
            )
        consumer.ack(message)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"hubbub-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except BusClosed:
                return
            except Exception:
                self.errors += 1
                log.exception("%s stage failed on a batch; it will be retried", self.name)
                time.sleep(0.5)

    def step(self) -> None:
        raise NotImplementedError


# Columns neither a topic's query, its filters nor the alert engine reads. A batch of 5,000
# posts turned into Python rows with them was ~100k more lists and tuples, whose allocation
# and cyclic-GC passes paused the whole server (bench/load.py).
UNREAD_COLUMNS = frozenset(
    {
        "collected_at",
        "author_following",
        "author_url",
        "parent_id",
        "root_id",
        "repost_of",
        "urls",
        "media_types",
        "media_urls",
        "source",
        "lang_score",
        "sentiment_score",
        "emotion_score",
        "entity_texts",
        "entity_types",
        "dup_cluster",
        "dup_size",
        "flags",
        "enrichers",
    }
)


class PercolateStage(Stage):
    """Stored rows → the topics each matches → `hubbub.posts.matched`."""

    name = "percolate"

    def __init__(self, bus: Bus, watchlist: Watchlist | None, matcher: TopicMatcher | None = None):
        super().__init__()
        self.bus = bus
        self.watchlist = watchlist
        self.matcher = matcher or TopicMatcher(())
        self.consumer = bus.consumer(SUBJECTS["stored"], "percolate")
        self.posts = 0
        self.generation = -1

    def refresh(self) -> None:
        if self.watchlist is None:
            return
        watched = self.watchlist.current()
        if watched.generation != self.generation:
            self.matcher = TopicMatcher(watched.topics)
            self.generation = watched.generation

    def step(self) -> None:
        self.refresh()
        for message in self.consumer.fetch(FETCH_BATCH, POLL_SECONDS):
            self.handle(self.consumer, message, self.percolate)

    def percolate(self, table: pa.Table) -> None:
        rows = table.select([c for c in table.column_names if c not in UNREAD_COLUMNS]).to_pylist()
        matches = self.matcher.match(rows)
        kept = [(r, m) for r, m in zip(rows, matches, strict=True) if m]
        # Published even when nothing matched: the batch's newest time moves event time.
        newest = max((r["created_at"].timestamp() for r in rows), default=None)
        self.bus.publish(SUBJECTS["matched"], ([r for r, _ in kept], [m for _, m in kept], newest))
        self.posts += len(rows)


class AlertStage(Stage):
    """Matched rows → the alert engine → `sink` (store and deliver, or print in a replay).

    `clock` gives "now" in epoch seconds; None means event time (the newest post seen), which
    is what a replay uses so that buckets close as the stream's time passes.
    """

    name = "alerts"
    retry_safe = False  # the engine has counted part of the batch: again would count twice

    def __init__(
        self,
        bus: Bus,
        engine: AlertEngine,
        sink: Callable[[list[Alert]], None],
        clock: Callable[[], float] | None = time.time,
        watchlist: Watchlist | None = None,
        on_new_series: Callable[[list[Any]], None] | None = None,
    ) -> None:
        """`on_new_series(keys)` is called with the (topic, window) series a rule change
        created, so the pipeline can read their history from the store."""
        super().__init__()
        self.on_new_series = on_new_series
        self.bus = bus
        self.engine = engine
        self.sink = sink
        self.clock = clock
        self.watchlist = watchlist
        self.consumer = bus.consumer(SUBJECTS["matched"], "alerts")
        self.generation = -1

    def now(self) -> float:
        if self.clock is not None:
            return self.clock()
        return self.engine.watermark if self.engine.watermark is not None else 0.0

    def refresh(self) -> None:
        if self.watchlist is None:
            return
        watched = self.watchlist.current()
        if watched.generation != self.generation:
            created = self.engine.set_rules(watched.rules, watched.groups)
            self.generation = watched.generation
            if created and self.on_new_series is not None:
                self.on_new_series(created)

    def step(self) -> None:
        self.refresh()
        for message in self.consumer.fetch(FETCH_BATCH, POLL_SECONDS):
            self.handle(self.consumer, message, self.process)
            self.flush()  # after each batch: in event time, its posts are what moves the clock
        self.flush()

    def process(self, payload: tuple[list[dict[str, Any]], list[list[Any]], float | None]) -> None:
        rows, matches, newest = payload
        if newest is not None:
            self.engine.saw(newest)
        alerts = self.engine.observe(rows, matches, self.now())
        if alerts:
            self.sink(alerts)

    def flush(self) -> None:
        """Close the buckets whose time has come."""
        if self.engine.watermark is None and self.clock is None:
            return
        alerts = self.engine.advance(self.now())
        if alerts:
            self.sink(alerts)
