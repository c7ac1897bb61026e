"""Hacker News (Algolia): mapping, the backwards keyset walk, cursor resume, idempotent re-runs."""

from datetime import UTC, datetime

import httpx
import orjson
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.hackernews.mapping import map_hit
from hubbub.connectors.run import run_once

from .conftest import Server, connector_for, fixture_json

PAGE1 = fixture_json("hn_search_page1.json")
PAGE2 = fixture_json("hn_search_page2.json")
EMPTY = {"hits": [], "nbHits": 0, "page": 0, "nbPages": 0, "hitsPerPage": 2}


def config(**options: str) -> SourceConfig:
    return SourceConfig(
        "hn", "hackernews", query="hubbub", options={"hits_per_page": "2", **options}
    )


def algolia(request: httpx.Request) -> httpx.Response:
    """Serves page 1 for the newest window, page 2 below it, nothing above the newest hit."""
    assert request.url.path == "/api/v1/search_by_date"
    filters = request.url.params["numericFilters"]
    lower = int(filters.split(",")[0].split(">")[1])
    if lower >= 1772445605:
        return httpx.Response(200, json=EMPTY)
    if "<=" in filters:
        upper = int(filters.split("<=")[1])
        hits = [h for h in PAGE1["hits"] + PAGE2["hits"] if lower < h["created_at_i"] <= upper]
        return httpx.Response(200, json={**PAGE2, "hits": hits[-1:] if hits else []})
    return httpx.Response(200, json=PAGE1)


def test_comment_mapping_strips_html_and_keeps_unknown_counts_unknown():
    post = map_hit(PAGE1["hits"][0])
    assert post.platform == "hackernews" and post.platform_id == "9000003"
    assert post.kind == "comment" and post.parent_id == "9000002" and post.root_id == "9000001"
    assert post.created_at == datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC)
    assert post.text == (
        "We moved our listening stack to ClickHouse & it's fast.\n\n"
        "Details: https://example.org/post"
    )
    assert post.urls == ["https://example.org/post"]
    assert post.metrics.likes is None and post.metrics.replies is None
    assert post.url == "https://news.ycombinator.com/item?id=9000003"
    assert post.author.handle == "grace"


def test_story_mapping_title_text_url_and_zero_points():
    story = map_hit(PAGE1["hits"][1])
    assert story.kind == "post" and story.title == "Show HN: Hubbub, open social listening"
    assert story.metrics.likes == 0 and story.metrics.replies == 2  # 0 is a count, not unknown
    assert story.urls == ["https://example.org/hubbub"]
    ask = map_hit(PAGE2["hits"][0])
    assert ask.text == (
        "Ask HN: How do you track brand mentions?\n\nLooking for something like hubbub.\n"
        "Open source, ideally."
    )


def test_walks_back_by_time_commits_then_resumes_from_the_cursor(importer, states, fake_time):
    server = Server(algolia)
    with connector_for(config(), server, fake_time) as hn:
        first = run_once(hn, importer, states)
    assert (first.stored, first.pages, first.error) == (3, 2, None)
    filters = [r.url.params["numericFilters"] for r in server.requests]
    assert filters[1].endswith(",created_at_i<=1772443800")  # keyset: below the oldest seen
    assert server.requests[0].url.params["query"] == "hubbub"
    assert states.load("hn").cursor == {"created_at_i": 1772445605}
    # Paced by the documented quota: the second request waited, on the fake clock.
    assert fake_time.sleeps == [pytest.approx(0.4)]

    server.requests.clear()
    with connector_for(config(), server, fake_time) as hn:
        second = run_once(hn, importer, states)
    assert second.stored == 0 and second.fetched == 0
    assert server.requests[0].url.params["numericFilters"] == "created_at_i>1772445605"
    health = states.load("hn").health
    assert health.items_total == 3 and health.newest_item_at == "2026-03-02T10:00:05Z"
    assert health.last_error is None and health.consecutive_failures == 0


def test_backfill_rerun_adds_no_duplicates(importer, states, fake_time, store):
    server = Server(algolia)
    since = datetime(2026, 3, 1, tzinfo=UTC)
    for _ in range(2):
        with connector_for(config(), server, fake_time) as hn:
            result = run_once(hn, importer, states, since=since)
    assert (result.stored, result.duplicates) == (0, 3)
    assert store.count() == 3


def test_max_pages_commits_the_walk_and_the_next_run_finishes_it(importer, states, fake_time):
    server = Server(algolia)
    with connector_for(config(max_pages="1"), server, fake_time) as hn:
        run_once(hn, importer, states)
    cursor = states.load("hn").cursor
    assert cursor["walk"]["upper"] == 1772443800 and cursor["walk"]["newest"] == 1772445605
    with connector_for(config(), server, fake_time) as hn:
        result = run_once(hn, importer, states)
    assert result.stored == 1  # the Ask HN story below the first page
    assert states.load("hn").cursor == {"created_at_i": 1772445605}


def test_malformed_hits_become_rejects_and_the_rest_is_stored(importer, states, fake_time):
    page = {**PAGE2, "hits": [*PAGE2["hits"], {"objectID": "x"}, "not an object"]}
    server = Server(lambda r: httpx.Response(200, content=orjson.dumps(page)))
    with connector_for(config(hits_per_page="10"), server, fake_time) as hn:
        result = run_once(hn, importer, states)
    assert (result.stored, result.rejected, result.error) == (1, 2, None)
    importer.close()  # flushes the rejects file
    assert "numeric objectID" in open(result.rejects_file).read()


def test_server_errors_are_retried_then_reported_in_health(importer, states, fake_time):
    server = Server(lambda r: httpx.Response(503, text="busy"))
    with connector_for(config(), server, fake_time, attempts=3) as hn:
        result = run_once(hn, importer, states)
    assert len(server.requests) == 3 and result.error_kind == "transient"
    assert len([s for s in fake_time.sleeps if s >= 0.5]) == 2  # two backoffs, never real
    health = states.load("hn").health
    assert "503" in health.last_error and health.status() == "retrying"
    assert health.consecutive_failures == 1 and health.last_success_at is None
    assert states.load("hn").cursor == {}  # nothing committed
