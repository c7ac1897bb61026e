"""What the live pipeline watches: every topic (percolated) and the alert rules on them.

Topics and rules are edited in meta.sqlite3 by the CLI and the API while the server runs, so
the stages ask the `Watchlist` for a fresh copy every few seconds; it reloads only when the
topics' versions or the rules changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubbub.alerts.engine import TopicKey, topic_key
from hubbub.alerts.rules import Rule
from hubbub.alerts.store import AlertStore
from hubbub.query.percolate import Percolator
from hubbub.topics import Topic, TopicFilters, TopicStore


@dataclass(frozen=True)
class Watched:
    topics: tuple[Topic, ...]
    rules: tuple[Rule, ...]
    generation: int = 0  # grows at each change: each stage compares it with what it last saw

    @property
    def groups(self) -> dict[TopicKey, str]:
        return {topic_key(t.workspace, t.name): t.group for t in self.topics}


class TopicMatcher:
    """Percolates rows against topics: each topic's query, then its filters."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self._filters: dict[Hashable, TopicFilters] = {}
        self._percolator = Percolator()
        for topic in topics:
            key = topic_key(topic.workspace, topic.name)
            self._percolator.add(key, topic.query)
            self._filters[key] = topic.filters

    def match(self, rows: Sequence[dict[str, Any]]) -> list[list[TopicKey]]:
        out: list[list[TopicKey]] = []
        for row, found in zip(rows, self._percolator.match_batch(rows), strict=True):
            out.append([k for k in found if passes(row, self._filters[k])])  # type: ignore[misc]
        return out


def passes(row: dict[str, Any], filters: TopicFilters) -> bool:
    """A topic's filters on one row, with the meanings `analytics.scope.Scope` gives them."""
    if filters.platforms and row.get("platform") not in filters.platforms:
        return False
    if filters.languages:
        lang = str(row.get("lang") or "").lower()
        if lang not in filters.languages and lang.split("-")[0] not in filters.languages:
            return False
    if filters.countries:
        country = str(row.get("country") or row.get("author_country") or "").upper()
        if country not in filters.countries:
            return False
    created = row.get("created_at")
    if filters.since is not None and created is not None and created < filters.since:
        return False
    return not (filters.until is not None and created is not None and created >= filters.until)


class Watchlist:
    """Loads topics of every workspace and their rules from `<home>/meta.sqlite3`."""

    def __init__(self, home: Path, every: float = 5.0) -> None:
        self.home = Path(home)
        self.every = every
        self._checked = 0.0
        self._version: Any = None
        self._current = Watched((), ())
        self._lock = threading.Lock()

    def current(self) -> Watched:
        """The watched topics and rules (re-read at most every `every` seconds)."""
        with self._lock:  # two stages ask, from their own threads
            now = time.monotonic()
            if now - self._checked < self.every and self._version is not None:
                return self._current
            self._checked = now
            with TopicStore(self.home) as topics:
                all_topics = tuple(t for w in topics.workspaces() for t in topics.list(w))
            with AlertStore(self.home) as alerts:
                rules = tuple(alerts.rules())
            version = (
                tuple((t.workspace, t.name, t.version) for t in all_topics),
                tuple(repr(r) for r in rules),
            )
            if version != self._version:
                self._version = version
                self._current = Watched(all_topics, rules, self._current.generation + 1)
            return self._current
