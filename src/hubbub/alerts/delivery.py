"""Delivering alerts to their channels, off the pipeline's path.

The delivery rows in meta.sqlite3 are the queue (alerts/store.py). A `Deliverer` thread sends
what is due on a small thread pool, so a webhook that hangs until its timeout holds up only its
own delivery, and never a pipeline stage. A failed attempt is retried with exponential backoff
(1 s, 4 s, 16 s, 64 s by default) when a retry can help; after the last attempt, or at once
when it cannot (a 4xx, a refused recipient), the delivery is `failed`, with its last error, for
`hubbub alert list` and the API to show. Digest deliveries wait until the end of their hour or
day and then go out as one message per channel.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hubbub.alerts.channels.base import Channel, ChannelSettings, DeliveryFailed, channel_for
from hubbub.alerts.store import AlertStore

log = logging.getLogger("hubbub.alerts")
_Outcome = tuple[list[int], int, str | None, bool]  # ids, attempts so far, error, retryable


class Deliverer:
    def __init__(
        self,
        home: Path,
        settings: ChannelSettings | None = None,
        *,
        max_attempts: int = 5,
        backoff: float = 1.0,
        workers: int = 4,
        clock: Callable[[], float] = time.time,
        channel_factory: Callable[[str, ChannelSettings], Channel] = channel_for,
    ) -> None:
        self.home = Path(home)
        self.settings = settings or ChannelSettings()
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.clock = clock
        self._factory = channel_factory
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hubbub-deliver")
        self._in_flight: set[int] = set()
        self._outcomes: queue.Queue[_Outcome] = queue.Queue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_delivered: Callable[[list[dict[str, Any]]], None] | None = None  # for the bench

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="hubbub-deliverer", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is being sent (bounded by the channels' timeouts); the rest stays queued."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True)
        with AlertStore(self.home) as store:
            self._record(store)

    def _loop(self) -> None:
        with AlertStore(self.home) as store:
            while not self._stop.is_set():
                try:
                    self._record(store)
                    self._submit_due(store)
                    wait = self._until_next(store)
                except Exception:  # a broken delivery must never kill the deliverer
                    log.exception("alert delivery pass failed")
                    wait = 1.0
                self._wake.wait(wait)
                self._wake.clear()

    def _until_next(self, store: AlertStore) -> float:
        due = store.next_due()
        if due is None:
            return 1.0
        return min(1.0, max(0.0, due - self.clock()))

    # ---- one pass (tests call it directly) -----------------------------------------------
    def run_due(self, wait: bool = True) -> int:
        """Send everything due now; with `wait`, also record the outcomes. Returns units sent."""
        with AlertStore(self.home) as store:
            sent = self._submit_due(store)
            if wait:
                while self._in_flight:
                    self._record(store, block=True)
            return sent

    def _submit_due(self, store: AlertStore) -> int:
        units: dict[tuple[str, float, str], list[dict[str, Any]]] = defaultdict(list)
        for row in store.due_deliveries(self.clock()):
            if row["id"] in self._in_flight:
                continue
            if row["status"] == "digest":
                units[(row["channel"], row["next_attempt_at"], row["workspace"])].append(row)
            else:
                units[(row["channel"], -row["id"], "")].append(row)
        for (channel, _, _), rows in units.items():
            ids = [r["id"] for r in rows]
            self._in_flight.update(ids)
            digest = rows[0]["digest"] if rows[0]["status"] == "digest" else None
            self._pool.submit(self._send, channel, rows, digest)
        return len(units)

    def _send(self, channel: str, rows: list[dict[str, Any]], digest: str | None) -> None:
        ids = [r["id"] for r in rows]
        attempts = max(r["attempts"] for r in rows)
        alerts = [r["alert"] for r in rows]
        try:
            self._factory(channel, self.settings).send(alerts, digest)
        except DeliveryFailed as exc:
            self._outcomes.put((ids, attempts, str(exc), exc.retryable))
        except Exception as exc:  # a bug in a channel: fail the delivery, keep the thread
            self._outcomes.put((ids, attempts, f"{type(exc).__name__}: {exc}", False))
        else:
            self._outcomes.put((ids, attempts, None, False))
            if self.on_delivered is not None:
                self.on_delivered(alerts)
        self._wake.set()

    def _record(self, store: AlertStore, block: bool = False) -> None:
        while True:
            try:
                ids, attempts, error, retryable = self._outcomes.get(block=block, timeout=30)
            except queue.Empty:
                return
            block = False
            self._in_flight.difference_update(ids)
            if error is None:
                store.delivered(ids)
                continue
            tried = attempts + 1
            retry_at = None
            if retryable and tried < self.max_attempts:
                retry_at = self.clock() + self.backoff * 4 ** (tried - 1)
            store.attempt_failed(ids, error, retry_at)
            if retry_at is None:
                log.warning("alert delivery failed for good after %d attempt(s): %s", tried, error)
