"""The stages that only exist when the pipeline spans processes (a NATS bus, `hubbub worker`).

In one process, the Importer maps, enriches and stores a page in one go. Scaled out, the same
work is cut at the bus so the CPU-heavy part runs on as many workers as needed:

    collection ─▶ hubbub.posts.raw ─▶ enrich (N workers) ─▶ hubbub.posts.enriched
        ─▶ write (one owner of the store) ─▶ hubbub.posts.stored ─▶ percolate · alerts

The cut follows the Importer's own split (enrich/pipeline.Pipeline.split): the stateless
enrichers (language, sentiment, ...) run on the enrich workers; the stateful tail (near-
duplicates, flags that need them) runs where the store is, on the posts the store did not hold.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from hubbub.bus.base import SUBJECTS, Bus, BusClosed
from hubbub.enrich.pipeline import Pipeline
from hubbub.enrich.registry import build, save_state
from hubbub.live.stages import FETCH_BATCH, MAX_DELIVERIES, POLL_SECONDS, Stage

log = logging.getLogger("hubbub.live")


class RawPublisher:
    """What the source scheduler writes to when the pipeline is scaled out: the store is asked
    which posts are new (so the raw archive keeps each item once), and new rows go to
    `hubbub.posts.raw` instead of the store. Publishing waits while the stream is full."""

    def __init__(self, store: Any, bus: Bus) -> None:
        self.inner = store
        self._bus = bus

    def filter_new(self, table: pa.Table) -> tuple[pa.Table, list[int], int]:
        return self.inner.filter_new(table)  # type: ignore[no-any-return]

    def insert(self, table: pa.Table) -> None:
        if table.num_rows:
            self._bus.publish(SUBJECTS["raw"], table)


class EnrichStage(Stage):
    """Raw rows → the stateless enrichers → `hubbub.posts.enriched`. Any number of workers
    share the durable `enrich`, each getting different batches."""

    name = "enrich"

    def __init__(self, bus: Bus, enrichers: tuple[str, ...]) -> None:
        super().__init__()
        self.bus = bus
        self.pipeline: Pipeline = build(list(enrichers)).split()[0] if enrichers else Pipeline()
        self.consumer = bus.consumer(SUBJECTS["raw"], "enrich")
        self.posts = 0
        self.enrich_errors = 0

    def step(self) -> None:
        # One batch at a time: a worker holding several would starve the other workers of
        # work they could do now, and a killed one would hold more batches back for ack_wait.
        for message in self.consumer.fetch(1, POLL_SECONDS):
            self.handle(self.consumer, message, self.enrich)

    def enrich(self, table: pa.Table) -> None:
        errors: list[str] = []
        enriched = self.pipeline.enrich_table(table, errors)
        if errors:  # a post an enricher failed on is stored without those fields, as on import
            self.enrich_errors += len(errors)
            log.warning("enrich: %d error(s), first: %s", len(errors), errors[0][:300])
        self.bus.publish(SUBJECTS["enriched"], enriched)
        self.posts += table.num_rows


class WriteStage(Stage):
    """Enriched rows → the stateful enrichers on the new ones → the store → `hubbub.posts.stored`.

    A batch delivered twice (its worker died before acking) adds nothing the second time: the
    store drops the keys it holds. One process owns an embedded store, so one write stage runs.
    """

    name = "write"

    def __init__(
        self, bus: Bus, store: Any, enrichers: tuple[str, ...], state_dir: Path | None
    ) -> None:
        super().__init__()
        self.bus = bus
        self.store = store
        self.state_dir = state_dir
        self.tail: Pipeline = (
            build(list(enrichers), state_dir).split()[1] if enrichers else Pipeline()
        )
        self.consumer = bus.consumer(SUBJECTS["enriched"], "write")
        self.stored = 0
        self.duplicates = 0

    def step(self) -> None:
        messages = self.consumer.fetch(FETCH_BATCH, POLL_SECONDS)
        if any(m.deliveries >= MAX_DELIVERIES for m in messages):
            for message in messages:  # one by one, so a batch that always fails is set aside
                self.handle(self.consumer, message, self.write)
            return
        if not messages:
            return
        # The batches waiting are stored in one insert: a store write has a fixed cost that
        # dominates at a few hundred rows, and this stage is the one that cannot be scaled out.
        try:
            self.write(pa.concat_tables([m.payload for m in messages], promote_options="default"))
        except Exception:
            self.errors += 1
            log.exception("write stage failed on %d batch(es); retrying", len(messages))
            for message in messages:
                self.consumer.nak(message)
            time.sleep(0.2)
            return
        for message in messages:
            self.consumer.ack(message)

    def write(self, table: pa.Table) -> None:
        new, _, duplicates = self.store.filter_new(table)
        if new.num_rows:
            new = self.tail.enrich_table(new)
        self.store.insert(new)
        self.stored += new.num_rows
        self.duplicates += duplicates
        if new.num_rows:
            self._publish_stored(new)

    def _publish_stored(self, table: pa.Table) -> None:
        """Publish rows just stored, retrying until it works: given up, the batch would come
        back, find its posts stored, and they would never be percolated."""
        pause = 0.5
        while True:
            try:
                self.bus.publish(SUBJECTS["stored"], table)
                return
            except BusClosed:
                raise
            except Exception as exc:
                log.warning("write: publishing stored rows failed (%s); retrying", exc)
                time.sleep(pause)
                pause = min(pause * 2, 10.0)

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)
        if self.state_dir is not None and self.stored:
            save_state(self.tail, self.state_dir)
