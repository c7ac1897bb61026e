"""kill -9 `hubbub serve` during live collection, restart: nothing lost, nothing twice.

The slow test runs bench/crash.py --live (a few kills; the >= 100-kill figure comes from
`python bench/crash.py --live --kills 100`). The fast ones check its fixture: the stand-in for
X's recent search pages like X does, so the X connector's cursor and walk resume work on it.
"""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.sources import make_connector

from .conftest import BENCH
from .test_crash import assert_nothing_lost_or_doubled, crash_figures

sys.path.insert(0, str(BENCH))
from live_fixture import Feed, tweet_key


class Clock:
    """The fixture's time.time, moved by hand: tweets are published as it advances."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def feed(monkeypatch: pytest.MonkeyPatch) -> tuple[Feed, Clock]:
    made = Feed(rate=100.0, hold=True)
    made.start()
    clock = Clock(made.t0)
    monkeypatch.setattr("live_fixture.time.time", clock)
    return made, clock


def connector(feed: Feed, max_pages: int) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/2/tweets/search/recent"
        return httpx.Response(200, json=feed.search(dict(request.url.params)))

    config = SourceConfig(
        name="fixture",
        type="x",
        query="crash",
        base_url="http://fixture.test",
        options={"min_interval": "0", "max_pages": str(max_pages)},
    )
    return make_connector(
        config, transport=httpx.MockTransport(handle), env={"HUBBUB_X_BEARER_TOKEN": "t"}
    )


def collect(feed: Feed, cursor: dict[str, Any], max_pages: int, stop_after: int | None = None):
    """Run the connector like run_once: items of each page, then its cursor (unless the run
    is 'killed' after `stop_after` pages, before committing that page's cursor)."""
    keys: list[tuple[str, str]] = []
    with connector(feed, max_pages) as source:
        for number, page in enumerate(source.fetch(dict(cursor)), 1):
            keys += [("x", item["tweet"]["id"]) for item in page.items]
            if stop_after is not None and number > stop_after:
                return keys, cursor  # killed between the store write and the commit
            if page.cursor is not None:
                cursor = page.cursor
    return keys, cursor


def test_the_fixture_pages_newest_first_and_a_second_run_collects_only_newer(feed):
    made, clock = feed
    clock.now += 3.5  # 350 tweets published
    keys, cursor = collect(made, {}, max_pages=10)
    assert sorted(keys, key=lambda k: int(k[1])) == [tweet_key(n) for n in range(350)]
    assert cursor == {"since_id": tweet_key(349)[1]}
    clock.now += 1.0
    keys, _ = collect(made, cursor, max_pages=10)
    assert sorted(keys) == sorted(tweet_key(n) for n in range(350, 450))


def test_a_walk_killed_midway_and_resumed_loses_nothing_while_tweets_keep_coming(feed):
    made, clock = feed
    clock.now += 10.0  # 1,000 tweets: a walk of 10 pages, 3 per run
    stored: set[tuple[str, str]] = set()
    cursor: dict[str, Any] = {}
    keys, cursor = collect(made, cursor, max_pages=3, stop_after=2)
    stored.update(keys)
    for _ in range(10):  # restarts: each resumes the committed walk; more tweets meanwhile
        clock.now += 0.7
        keys, cursor = collect(made, cursor, max_pages=3)
        stored.update(keys)
    published = made.freeze()
    keys, cursor = collect(made, cursor, max_pages=50)
    stored.update(keys)
    assert stored == {tweet_key(n) for n in range(published)}
    assert cursor == {"since_id": tweet_key(published - 1)[1]}


def test_the_fixture_holds_its_tweets_until_started():
    held = Feed(rate=1000.0, hold=True)
    assert held.published() == 0
    assert held.search({})["meta"] == {"result_count": 0}


@pytest.mark.slow
def test_random_kills_of_the_live_server_lose_and_double_nothing():
    figures = crash_figures("--live", "--kills", "2", "--seed", "2", "--rate", "150")
    assert_nothing_lost_or_doubled(figures, 2)
    assert figures["posts_checked"] > 0
