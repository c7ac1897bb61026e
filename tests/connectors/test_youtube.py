"""YouTube Data API v3: search → videos → comment threads, quota counting, Google's errors."""

from datetime import UTC, datetime

import httpx
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.connectors.youtube.mapping import map_resource
from hubbub.errors import ConfigError

from .conftest import Server, connector_for, fixture_json

SEARCH1 = fixture_json("youtube_search_page1.json")
SEARCH2 = fixture_json("youtube_search_page2.json")
THREADS = fixture_json("youtube_threads.json")
ENV = {"HUBBUB_YOUTUBE_API_KEY": "AIza-test-key"}
EMPTY = {"kind": "youtube#commentThreadListResponse", "items": []}


def config(**options: str) -> SourceConfig:
    return SourceConfig("yt", "youtube", query="hubbub", options=options)


def youtube(request: httpx.Request, threads=THREADS) -> httpx.Response:  # type: ignore[no-untyped-def]
    assert request.url.params["key"] == "AIza-test-key"
    if request.url.path == "/youtube/v3/search":
        return httpx.Response(200, json=SEARCH2 if request.url.params.get("pageToken") else SEARCH1)
    assert request.url.path == "/youtube/v3/commentThreads"
    video = request.url.params["videoId"]
    if video == "vid00000002":
        return httpx.Response(403, json=fixture_json("youtube_error_disabled.json"))
    return httpx.Response(200, json=threads if video == "vid00000003" else EMPTY)


def test_video_thread_and_reply_mapping():
    video = map_resource(SEARCH1["items"][0])
    assert (video.platform, video.platform_id, video.kind) == ("youtube", "vid00000003", "video")
    assert video.title == "Hubbub review: open social listening"
    assert video.text.endswith("Code: https://example.org/hubbub ...")
    assert video.url == "https://www.youtube.com/watch?v=vid00000003"
    assert video.author.id == "UCh7bBb0Lq2sMq5Zq1Yb9ZwA" and video.author.name == "Listening Lab"
    assert video.metrics.likes is None and video.metrics.views is None  # search gives no counts
    assert map_resource(SEARCH1["items"][1]) is None  # a channel result is not a post
    thread = map_resource(THREADS["items"][0])
    assert (thread.kind, thread.platform_id, thread.parent_id) == (
        "comment",
        "UgzThreadB",
        "vid00000003",
    )
    assert thread.text == "Does it do Weibo & Bilibili?" and thread.metrics.replies == 1
    assert thread.created_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert thread.url == "https://www.youtube.com/watch?v=vid00000003&lc=UgzThreadB"
    reply = map_resource(THREADS["items"][0]["replies"]["comments"][0])
    assert (reply.parent_id, reply.root_id) == ("UgzThreadB", "vid00000003")
    assert reply.urls == ["https://example.org/docs"] and reply.author.handle == "ListeningLab"


def test_search_then_comments_quota_counted_and_second_run_adds_nothing(
    importer, states, fake_time, store
):
    server = Server(youtube)
    with connector_for(config(), server, fake_time, env=ENV) as yt:
        first = run_once(yt, importer, states)
    assert (first.error, first.stored, first.skipped) == (
        None,
        6,
        1,
    )  # 3 videos, 2 threads, 1 reply
    search = server.requests[0].url.params
    assert (search["order"], search["type"], search["q"]) == ("date", "video", "hubbub")
    assert search["publishedAfter"] == "2026-03-01T14:00:00Z"  # a first run reads a day back
    cursor = states.load("yt").cursor
    assert cursor["quota"]["units"] == 2 * 100 + 3  # two search pages, three thread pages
    assert cursor["videos"]["vid00000002"]["closed"] is True  # comments disabled: skipped
    assert cursor["videos"]["vid00000003"]["comments"] == {"newest": 1772452800.0}

    server.requests.clear()
    with connector_for(config(), server, fake_time, env=ENV) as yt:
        second = run_once(yt, importer, states)
    assert (second.error, second.stored) == (None, 0)
    assert server.requests[0].url.params["publishedAfter"] == "2026-03-02T10:00:00Z"
    videos = [r.url.params.get("videoId") for r in server.requests[1:]]
    assert "vid00000002" not in videos  # closed videos are not asked again
    assert states.load("yt").cursor["quota"]["units"] == 203 + 100 + 2
    assert store.count() == 6


def test_daily_quota_stops_the_run_until_the_pacific_reset(importer, states, fake_time):
    server = Server(youtube)
    with connector_for(config(daily_quota="150"), server, fake_time, env=ENV) as yt:
        result = run_once(yt, importer, states)
    assert result.error_kind == "transient" and "150 units" in result.error
    assert result.stored == 2 and len(server.requests) == 1  # the first page is kept
    # 14:00 UTC on 2 March is 06:00 in Los Angeles: the reset is 18 hours away.
    assert "after the daily reset in 18.0 h" in result.error
    assert states.load("yt").health.retry_after_until is not None


def test_google_quota_error_is_a_wait_and_an_expired_key_names_the_variable(
    importer, states, fake_time
):
    quota = Server(lambda r: httpx.Response(403, json=fixture_json("youtube_error_quota.json")))
    with connector_for(config(), quota, fake_time, env=ENV) as yt:
        result = run_once(yt, importer, states)
    assert result.error_kind == "transient" and "quota exceeded" in result.error
    assert len(quota.requests) == 1
    expired = Server(lambda r: httpx.Response(400, json=fixture_json("youtube_error_key.json")))
    with connector_for(config(), expired, fake_time, env=ENV) as yt:
        result = run_once(yt, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_YOUTUBE_API_KEY" in result.error
    assert "API key expired" in result.error
    with connector_for(config(), expired, fake_time, env={}) as yt:
        missing = run_once(yt, importer, states)
    assert "set the environment variable HUBBUB_YOUTUBE_API_KEY" in missing.error


def test_5xx_and_429_with_retry_after_then_success(importer, states, fake_time):
    answers = [httpx.Response(500), httpx.Response(429, headers={"Retry-After": "3"})]

    def flaky(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else youtube(request)

    server = Server(flaky)
    with connector_for(config(), server, fake_time, env=ENV, attempts=4) as yt:
        result = run_once(yt, importer, states)
    assert (result.error, result.stored) == (None, 6)
    assert fake_time.sleeps[1] == 3  # after the 500's backoff, the 429's Retry-After


def test_malformed_thread_is_rejected_and_the_rest_collected(importer, states, fake_time):
    threads = {
        **THREADS,
        "items": [*THREADS["items"], {"kind": "youtube#commentThread", "id": "x"}],
    }
    server = Server(lambda r: youtube(r, threads))
    with connector_for(config(), server, fake_time, env=ENV) as yt:
        result = run_once(yt, importer, states)
    assert (result.stored, result.rejected) == (6, 1)


def test_page_limit_commits_the_search_walk_and_a_restart_resumes_it(importer, states, fake_time):
    server = Server(youtube)
    with connector_for(
        config(max_pages="1", video_ids="vid00000009"), server, fake_time, env=ENV
    ) as yt:
        run_once(yt, importer, states)
    walk = states.load("yt").cursor["search"]["walk"]
    assert walk["token"] == "CDIQAA"
    server.requests.clear()
    with connector_for(config(), server, fake_time, env=ENV) as yt:
        result = run_once(yt, importer, states)
    resumed = server.requests[0].url.params
    assert resumed["pageToken"] == "CDIQAA"
    assert resumed["publishedAfter"] == "2026-03-01T14:00:00Z"  # the walk's own parameters
    assert result.error is None and states.load("yt").cursor["search"] == {"newest": 1772445600.0}


def test_settings_are_checked():
    with pytest.raises(ConfigError, match="needs --query"):
        make_connector(SourceConfig("y", "youtube"))
    with pytest.raises(ConfigError, match="whole number"):
        make_connector(SourceConfig("y", "youtube", query="x", options={"daily_quota": "lots"}))
