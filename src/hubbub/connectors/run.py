"""One collection run of one source: fetch since the cursor, store, then commit the cursor.

The order is the point. The pages of raw items go through the Importer (map, validate,
archive the new raw items, enrich, store idempotently on (platform, platform_id)), several
pages per store write (STORE_EVERY_ITEMS), and only then is the last of those pages' cursor
written. A crash between the two re-fetches those pages next time; the store drops what it
already holds, so nothing is lost and nothing is stored twice.

With a background enricher (the live pipeline's worker processes), a group of pages is
enriched while the next one is fetched, and stored when that one is handed over or at the end
of the run: each cursor is still written after its pages are stored, in order.

Health is written whatever happens: last run, last success, new posts, items/hour, lag and
the last error with its kind (transient: try again later; terminal or auth: fix something).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from hubbub.connectors.base import Connector
from hubbub.connectors.cursors import RATE_WINDOW, SourceState, StateStore, iso, parse_iso
from hubbub.connectors.importers.pipeline import ITEM_ERRORS, Importer
from hubbub.errors import HubbubError, SourceAuthError, SourceError, SourceTransient
from hubbub.logs import redact

# A run's pages are stored together, up to this many items per store write: each write of
# posts costs a fixed ~0.1 s in the store (its part, and each topic slice's view running its
# query on it; bench/write_size.py), so a write per page of 100 tweets cost ~1.5 ms a post.
STORE_EVERY_ITEMS = 5_000


@dataclass
class _Waiting:
    """Pages fetched and not stored yet: their items, their numbers and the last cursor."""

    items: list[dict[str, Any]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    cursor: dict[str, Any] | None = None

    def clear(self) -> None:
        self.items, self.pages, self.cursor = [], [], None


@dataclass
class RunResult:
    source: str
    fetched: int = 0  # raw items received
    stored: int = 0  # new posts
    duplicates: int = 0
    rejected: int = 0
    skipped: int = 0  # items that are not posts (deletions, likes)
    pages: int = 0
    requests: int = 0
    seconds: float = 0.0
    error: str | None = None
    error_kind: str | None = None
    rejects_file: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_once(
    connector: Connector,
    importer: Importer,
    states: StateStore,
    *,
    since: datetime | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RunResult:
    """Collect what is new for one source. Source failures are returned in the result (and
    recorded in health); other Hubbub errors (e.g. the store) are recorded and re-raised."""
    name = connector.config.name
    state = states.load(name)
    result = RunResult(name)
    started = time.perf_counter()
    newest = _time(state.health.newest_item_at)
    summary = importer.summary
    before = (summary.imported, summary.duplicates, summary.rejected, summary.skipped)
    waiting = _Waiting()

    def commit(cursor: dict[str, Any]) -> None:
        # The pages are stored: now, and only now, may the cursor move past them.
        state.cursor = cursor
        states.save(name, state)

    def store_waiting() -> None:
        """Hand the pages fetched so far to the importer as one import; their cursor is
        committed once they are stored (at once, or when a background enricher is done)."""
        if waiting.items:
            first, last = waiting.pages[0], waiting.pages[-1]
            label = f"{name} page {first}" + (f"-{last}" if last != first else "")
            importer.import_items(connector.archive_name, waiting.items, connector.map, label)
        if waiting.cursor is not None:
            cursor = waiting.cursor
            importer.when_stored(lambda: commit(cursor))
        waiting.clear()

    try:
        try:
            for page in connector.fetch(dict(state.cursor), since):
                result.pages += 1
                if page.items:
                    result.fetched += len(page.items)
                    waiting.items.extend(page.items)
                    waiting.pages.append(result.pages)
                    newest = _newest(connector, page.items, newest)
                if page.cursor is not None:
                    waiting.cursor = page.cursor
                if len(waiting.items) >= STORE_EVERY_ITEMS:
                    store_waiting()
        except SourceError:
            store_waiting()  # what was fetched before a source error is kept
            importer.flush()
            raise
        store_waiting()
        importer.flush()
    except SourceError as exc:
        _failed(state, exc, now())
        result.error, result.error_kind = str(exc), _kind(exc)
    except HubbubError as exc:
        _failed(state, exc, now())
        raise
    else:
        _succeeded(state, summary.imported - before[0], newest, now())
    finally:
        result.stored = summary.imported - before[0]
        result.duplicates = summary.duplicates - before[1]
        result.rejected = summary.rejected - before[2]
        result.skipped = summary.skipped - before[3]
        result.requests = connector.requests
        result.seconds = round(time.perf_counter() - started, 3)
        result.rejects_file = summary.rejects_file if result.rejected else None
        state.health.last_run_items = result.stored
        state.health.items_total += result.stored
        if newest is not None:
            state.health.newest_item_at = iso(newest)
        states.save(name, state)
    return result


def _succeeded(state: SourceState, stored: int, newest: datetime | None, at: datetime) -> None:
    health = state.health
    health.last_run_at = health.last_success_at = iso(at)
    health.last_error = health.last_error_at = health.last_error_kind = None
    health.retry_after_until = None
    health.consecutive_failures = 0
    health.lag_seconds = round((at - newest).total_seconds(), 1) if newest else None
    runs = [r for r in health.runs if parse_iso(r[0]) > at - RATE_WINDOW]
    health.runs = [*runs, [iso(at), stored]]


def _failed(state: SourceState, exc: HubbubError, at: datetime) -> None:
    health = state.health
    health.last_run_at = health.last_error_at = iso(at)
    health.last_error = redact(str(exc))[:500]  # shown by `source list` and GET /v1/sources
    health.last_error_kind = _kind(exc)
    health.consecutive_failures += 1
    wait = exc.retry_after if isinstance(exc, SourceTransient) else None
    health.retry_after_until = (
        iso(datetime.fromtimestamp(at.timestamp() + wait, UTC)) if wait else None
    )


def _kind(exc: HubbubError) -> str:
    if isinstance(exc, SourceAuthError):
        return "auth"
    if isinstance(exc, SourceError):
        return "transient" if exc.retryable else "terminal"
    return "store" if "Store" in type(exc).__name__ else "error"


def _newest(
    connector: Connector, items: list[dict[str, Any]], newest: datetime | None
) -> datetime | None:
    """The newest created_at among the items that map (mapping is pure and cheap at API rates)."""
    for item in items:
        try:
            post = connector.map(item)
        except ITEM_ERRORS:
            continue
        if post is not None and (newest is None or post.created_at > newest):
            newest = post.created_at
    return newest


def _time(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None
