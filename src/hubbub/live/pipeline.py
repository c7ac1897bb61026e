"""The live pipeline, wired: sources → store → percolation → alerts → delivery.

`start()` restores the alert cooldowns of the last days (so a restart does not fire again what
it already fired), starts the deliverer, the stages and, unless told not to, the source
scheduler. `stop()` is the graceful shutdown: collection stops first (the run in progress
finishes its page, stores it and commits its cursor), then each stream is drained through its
stage, then the stages and the deliverer stop. Nothing collected is dropped on the way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from hubbub.alerts.channels.base import ChannelSettings
from hubbub.alerts.delivery import Deliverer
from hubbub.alerts.engine import AlertEngine
from hubbub.alerts.model import Alert
from hubbub.alerts.store import AlertStore
from hubbub.bus.base import SUBJECTS, Bus
from hubbub.bus.memory import MemoryBus
from hubbub.live.history import seed_engine
from hubbub.live.scaleout import RawPublisher, WriteStage
from hubbub.live.scheduler import SourceScheduler
from hubbub.live.stages import AlertStage, PercolateStage
from hubbub.live.store_access import TappedStore
from hubbub.live.watchlist import Watchlist

log = logging.getLogger("hubbub.live")
COOLDOWN_MEMORY = timedelta(days=8)


@dataclass
class LiveSettings:
    source_interval: float = 300.0
    max_pending: int = 64
    grace: float = 60.0
    enrichers: tuple[str, ...] = ()
    archive: bool = True
    delivery_attempts: int = 5
    delivery_backoff: float = 1.0
    reload_every: float = 5.0

    @classmethod
    def from_home(cls, home: Path) -> LiveSettings:
        from hubbub import settings
        from hubbub.cli.common import enrichers_setting

        return cls(
            source_interval=float(settings.get("live_source_interval", home)),
            max_pending=int(settings.get("live_max_pending", home)),
            grace=float(settings.get("alert_grace", home)),
            enrichers=enrichers_setting(home, True),
            archive=bool(settings.get("archive_raw", home)),
            delivery_attempts=int(settings.get("alert_delivery_attempts", home)),
        )


class LivePipeline:
    def __init__(
        self,
        home: Path,
        store: Any,
        settings: LiveSettings | None = None,
        channels: ChannelSettings | None = None,
        *,
        bus: Bus | None = None,
        clock: Callable[[], float] = time.time,
        sources: bool = True,
        connector_options: dict[str, Any] | None = None,
        relay_raw: bool = False,
    ) -> None:
        """`store`: anything with `filter_new` and `insert` (in `hubbub serve`, the API's store
        reached through its thread: live/store_access.StoreOnThread).

        `relay_raw` (a bus shared with `hubbub worker --role enrich` processes): collected posts
        go to `hubbub.posts.raw` unenriched, and a write stage here stores what the enrich
        workers send back (live/scaleout.py)."""
        self.home = Path(home)
        self.settings = settings or LiveSettings()
        self.bus: Bus = bus or MemoryBus(self.settings.max_pending)
        self.clock = clock
        self.store = TappedStore(store, self.bus)
        self.watchlist = Watchlist(self.home, self.settings.reload_every)
        self.engine = AlertEngine(grace=self.settings.grace)
        self.deliverer = Deliverer(
            self.home,
            channels,
            max_attempts=self.settings.delivery_attempts,
            backoff=self.settings.delivery_backoff,
        )
        self.percolate = PercolateStage(self.bus, self.watchlist)
        self.alerts = AlertStage(
            self.bus, self.engine, self.store_alerts, clock, self.watchlist, self._seed
        )
        self.write = (
            WriteStage(self.bus, store, self.settings.enrichers, self.home / "state")
            if relay_raw
            else None
        )
        self.scheduler = (
            SourceScheduler(
                self.home,
                RawPublisher(store, self.bus) if relay_raw else self.store,
                interval=self.settings.source_interval,
                enrichers=() if relay_raw else self.settings.enrichers,
                archive=self.settings.archive,
                connector_options=connector_options,
            )
            if sources
            else None
        )
        self.stored_alerts = 0
        self._started = False

    def start(self) -> None:
        with AlertStore(self.home) as alerts:
            self.engine.restore(alerts.recent_subjects(datetime.now(UTC) - COOLDOWN_MEMORY))
        self.percolate.refresh()
        self.alerts.refresh()  # seeds every series from the store (`_seed`)
        self.engine.begin(self.clock())
        self.deliverer.start()
        self.alerts.start()
        self.percolate.start()
        if self.write is not None:
            self.write.start()
        if self.scheduler is not None:
            self.scheduler.start()
        self._started = True

    def stop(self, timeout: float = 60.0) -> bool:
        """Graceful shutdown; False if a stream could not be drained within `timeout`."""
        if not self._started:
            return True
        self._started = False
        deadline = time.monotonic() + timeout
        if self.scheduler is not None:
            self.scheduler.stop(timeout)
        if self.write is not None:  # what the enrich workers still send waits on the server
            self.write.stop()
        drained = True
        for subject in (SUBJECTS["stored"], SUBJECTS["matched"]):
            left = max(0.1, deadline - time.monotonic())
            if not self.bus.wait_drained(subject, left):
                drained = False
                log.warning(
                    "%s: %d batch(es) not processed at shutdown", subject, self.bus.pending(subject)
                )
        self.percolate.stop()
        self.alerts.stop()
        self.deliverer.stop()
        self.bus.close()
        return drained

    def _seed(self, keys: list[Any]) -> None:
        """History for new series (all of them at start, a new rule's later) from the store."""
        if callable(getattr(self.store.inner, "rows", None)):  # it can tell the topics' history
            topics = self.watchlist.current().topics
            seed_engine(self.engine, self.store.inner, topics, self.clock(), keys)

    def ingest(self, table: pa.Table) -> int:
        """Store rows (idempotently) and send the new ones down the pipeline; returns how many
        were new. For posts that do not come from a configured source (bench, tests)."""
        new, _, _ = self.store.filter_new(table)
        self.store.insert(new)
        return int(new.num_rows)

    def store_alerts(self, alerts: list[Alert]) -> None:
        rules = {r.id: r for r in self.engine.rules}
        with AlertStore(self.home) as store:
            for alert in alerts:
                rule = rules.get(alert.rule_id)
                channels = rule.channels if rule is not None else ()
                if store.save(alert, channels, rule.digest if rule else None) is not None:
                    self.stored_alerts += 1
        self.deliverer.wake()
