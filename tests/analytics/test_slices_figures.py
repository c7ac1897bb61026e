"""Every figure of a topic is identical read from its slice and from posts (hubbub.store.slices).

The store is the hand-built one of conftest.py; each figure is computed with the slice and with
routing switched off, for several filters, after more posts arrive (the views keep the slice),
and after the topic's posts are re-enriched (the slices it touched are rebuilt).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from hubbub.analytics import (
    Scope,
    authors,
    breakdown,
    compare,
    drilldown,
    emerging,
    sentiment,
    share_of_voice,
    top,
    volume,
)
from hubbub.analytics.breakdown import DIMENSIONS
from hubbub.analytics.top import KINDS
from hubbub.models import Author, Metrics, Post
from hubbub.query import where_clause
from hubbub.store import open_store
from hubbub.store.slices import rebuild_touched, slice_key, sync_slices

from .conftest import SINCE, UNTIL, build_table

TOPIC = "aurora OR 极光"
RIVAL = "nimbus"
NEGATIVE = "(aurora OR 极光) AND sentiment:negative"
FILTERS: list[dict[str, Any]] = [
    {},
    {"platforms": ("x", "weibo")},
    {"langs": ("zh",)},
    {"countries": ("US", "CN")},
    {"sentiments": ("negative", "unknown")},
]
WINDOWS = [(SINCE, UNTIL), (None, None), (SINCE, None), (datetime(2024, 6, 1, tzinfo=UTC), UNTIL)]


@pytest.fixture(scope="module")
def sliced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    opened = open_store(Path(tmp_path_factory.mktemp("sliced-home")))
    try:
        opened.write_table(build_table())
        built = sync_slices(opened, [TOPIC, RIVAL, NEGATIVE])
        assert len(built.built) == 3
        yield opened
    finally:
        opened.close()


def _both(store: Any, figure: Callable[[], Any], scopes: list[Scope]) -> Any:
    """The figure with slices and without; asserts the sliced run did read the slices."""
    for scope in scopes:
        assert scope.source(store).slice == slice_key(scope.query), scope
    with_slices = figure()
    with mock.patch("hubbub.analytics.scope.slice_for", return_value=None):
        assert scopes[0].source(store).slice is None
        without = figure()
    assert with_slices.to_dict() == without.to_dict()
    return with_slices


def _runs(store: Any, scope: Scope) -> list[Callable[[], Any]]:
    """Every figure of one scope (the topic), with the options a dashboard uses."""
    runs: list[Callable[[], Any]] = [
        lambda: volume(store, scope, interval="day"),
        lambda: volume(store, scope, interval="hour", split_by="platform"),
        lambda: volume(store, scope, split_by="sentiment", tz="Asia/Shanghai"),
        lambda: sentiment(store, scope),
        lambda: sentiment(store, scope, interval="day"),
        lambda: authors(store, scope, sort="influence"),
        lambda: authors(store, scope, sort="engagement_rate", limit=3),
        lambda: drilldown(store, scope, order="newest", limit=4),
        lambda: drilldown(store, scope, order="engagement", limit=7),
    ]
    runs += [lambda by=by: breakdown(store, scope, by=by) for by in DIMENSIONS]
    runs += [lambda kind=kind: top(store, scope, kind=kind) for kind in KINDS]
    if scope.since is not None and scope.until is not None:  # an open end reads the clock
        runs += [
            lambda: compare(store, scope),
            lambda: emerging(store, scope, baseline_days=10, min_count=1),
            lambda: top(store, scope, kind="terms", limit=5, trend=False),
        ]
    # Share of voice with a sliced rival, and with one that has no slice (read from posts).
    rival = Scope(
        RIVAL,
        since=scope.since,
        until=scope.until,
        platforms=scope.platforms,
        langs=scope.langs,
        countries=scope.countries,
        sentiments=scope.sentiments,
    )
    camera = Scope("camera", since=scope.since, until=scope.until, platforms=scope.platforms)
    for metric in ("mentions", "engagement"):
        runs += [
            lambda m=metric: share_of_voice(store, {"a": scope, "n": rival}, metric=m),
            lambda m=metric: share_of_voice(
                store, {"a": scope, "n": rival}, metric=m, interval="day"
            ),
        ]
    runs.append(lambda: share_of_voice(store, {"a": scope, "c": camera}, interval="auto"))
    return runs


def _all_figures(store: Any, query: str = TOPIC) -> int:
    """Compare every figure in every window and filter; returns how many were compared."""
    compared = 0
    # Every filter in the main window; the other windows without filters (same SQL otherwise).
    cases = [((SINCE, UNTIL), f) for f in FILTERS] + [(w, {}) for w in WINDOWS[1:]]
    for (since, until), filters in cases:
        scope = Scope(query, since=since, until=until, **filters)
        for run in _runs(store, scope):
            _both(store, run, [scope])
            compared += 1
    return compared


@pytest.mark.slow
def test_every_figure_is_identical_with_and_without_the_slice(sliced: Any) -> None:
    assert _all_figures(sliced) > 200


def test_paging_and_buckets_match(sliced: Any) -> None:
    scope = Scope(TOPIC)
    buckets = [
        {"platform": "weibo"},
        {"hashtag": "#aurora"},
        {"term": "battery"},
        {"sentiment": "unknown"},
        {"country": "US"},
        {"emotion": "anger"},
        {"phrase": "Battery Overheating"},
        {"entity": "Aurora"},
        {"emoji": "🔥"},
        {"mention": "@aurora_support"},
        {"author": "x:a1"},
        {"t": "2024-06-11T00:00:00Z", "interval": "day"},
    ]
    for bucket in [None, *buckets]:
        for order in ("newest", "engagement"):
            pages_with, pages_without = [], []
            for pages, off in ((pages_with, False), (pages_without, True)):
                patch = mock.patch("hubbub.analytics.scope.slice_for", return_value=None)
                with patch if off else mock.MagicMock():
                    cursor = None
                    while True:
                        page = drilldown(
                            store=sliced,
                            scope=scope,
                            order=order,
                            limit=3,
                            cursor=cursor,
                            bucket=bucket,
                        )
                        pages.append(page.to_dict())
                        cursor = page.next_cursor
                        if cursor is None:
                            break
            assert pages_with == pages_without, (bucket, order)


def _late_posts() -> list[Post]:
    author = Author(id="late", handle="late", followers=7, country="US")
    start = datetime(2024, 6, 12, 15, tzinfo=UTC)
    texts = ["aurora comeback #aurora 🔥", "极光 新品", "nimbus and aurora", "camera only"]
    return [
        Post(
            platform="x" if i % 2 else "weibo",
            platform_id=f"late{i}",
            created_at=start + timedelta(minutes=i),
            text=texts[i % len(texts)],
            lang="zh-Hans" if "极光" in texts[i % len(texts)] else "en",
            author=author,
            metrics=Metrics(likes=i),
        )
        for i in range(12)
    ]


@pytest.mark.slow
def test_posts_stored_after_the_build_are_in_the_slice(sliced: Any) -> None:
    before = volume(sliced, Scope(TOPIC)).total
    sliced.write(_late_posts())
    assert volume(sliced, Scope(TOPIC)).total == before + 9
    _all_figures(sliced)


@pytest.mark.slow
def test_a_reenriched_topic_matches_after_its_slices_are_rebuilt(sliced: Any) -> None:
    where = where_clause(TOPIC, SINCE, UNTIL)
    before = sentiment(sliced, Scope(NEGATIVE)).counts
    # What `hubbub reenrich` does to posts: an in-place update that no view sees.
    sliced.execute(
        "ALTER TABLE hubbub.posts UPDATE sentiment = if(sentiment = 'negative', 'positive', "
        f"'negative'), emotion = 'joy' WHERE {where.where} SETTINGS mutations_sync = 2",
        where.params,
    )
    rebuilt = rebuild_touched(sliced, where.where, where.params)
    assert slice_key(TOPIC) in rebuilt and slice_key(NEGATIVE) in rebuilt
    assert sentiment(sliced, Scope(NEGATIVE)).counts != before
    _all_figures(sliced, TOPIC)
    _all_figures(sliced, NEGATIVE)


def test_newest_posts_read_through_the_slice_match_the_search(sliced: Any) -> None:
    from hubbub.analytics.drilldown import newest_rows
    from hubbub.api.service import search_rows
    from hubbub.store.rows import EXPORT_COLUMNS

    for filters in FILTERS:
        scope = Scope(TOPIC, since=SINCE, until=UNTIL, **filters)
        src = scope.source(sliced)
        for limit in (1, 3, 50):
            # Keys fetched a few per statement, as a large page is.
            with mock.patch("hubbub.analytics.drilldown.KEYS_PER_QUERY", 2):
                rows = newest_rows(sliced, src, ", ".join(EXPORT_COLUMNS), limit)
            where, params = scope.where()
            assert rows == search_rows(sliced, where, params, limit)
    unsliced = Scope("camera").source(sliced)
    assert newest_rows(sliced, unsliced, "platform", 5) is None
