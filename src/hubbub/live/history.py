"""Seeding the alert engine's history from the store when the pipeline starts.

Without it, every restart would start the baselines from nothing, and a volume rule would wait
`min_history` windows before it could fire again. One query per watched (topic, window) counts
the last five weeks of the topic's stored posts per window, with the topic's own filters: the
same posts the topic's analytics count.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from hubbub.alerts.engine import AlertEngine, SeedRow, TopicKey, topic_key
from hubbub.alerts.series import HISTORY
from hubbub.analytics.scope import POSTS, Scope
from hubbub.errors import HubbubError
from hubbub.topics import Topic

log = logging.getLogger("hubbub.live")


def window_counts(store: Any, topic: Topic, window: int, since: datetime) -> list[SeedRow]:
    filters = topic.filters
    start = max(since, filters.since) if filters.since else since
    scope = Scope(
        query=topic.query,
        since=start,
        until=filters.until,
        platforms=filters.platforms,
        langs=filters.languages,
        countries=filters.countries,
    )
    where, params = scope.where()
    sql = (
        "SELECT intDiv(toUnixTimestamp(created_at), {w_seconds:UInt32}) * {w_seconds:UInt32} AS t, "
        "count() AS n, countIf(sentiment IN ('positive', 'neutral', 'negative')) AS labelled, "
        "countIf(sentiment = 'negative') AS negative, countIf(sentiment = 'positive') AS positive "
        f"FROM {POSTS} WHERE {where} GROUP BY t ORDER BY t"
    )
    rows = store.rows(sql, {**params, "w_seconds": window})
    return [
        (int(r["t"]), int(r["n"]), int(r["labelled"]), int(r["negative"]), int(r["positive"]))
        for r in rows
    ]


def seed_engine(
    engine: AlertEngine,
    store: Any,
    topics: tuple[Topic, ...],
    now: float,
    only: list[tuple[TopicKey, int]] | None = None,
) -> int:
    """Seed every watched series (or `only` these); returns how many had history. A failing
    query is logged and skipped: the series then starts empty, as it would without seeding."""
    by_key = {topic_key(t.workspace, t.name): t for t in topics}
    since = datetime.fromtimestamp(now, UTC) - timedelta(seconds=HISTORY)
    seeded = 0
    for key, window in engine.watched() if only is None else only:
        topic = by_key.get(key)
        if topic is None:
            continue
        try:
            counts = window_counts(store, topic, window, since)
        except HubbubError as exc:
            log.warning("could not read %s's history for its alert baseline: %s", topic.name, exc)
            continue
        engine.seed(key, window, counts, now)
        seeded += bool(counts)
    return seeded
