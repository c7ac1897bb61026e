"""Weibo: open API timelines (since_id, max_id walk) and m.weibo.cn search (relative times)."""

from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.connectors.weibo.mapping import BEIJING, map_weibo, resolve_display_time
from hubbub.errors import ConfigError

from .conftest import Server, connector_for, fixture_json

PAGE1 = fixture_json("weibo_open_timeline_page1.json")
PAGE2 = fixture_json("weibo_open_timeline_page2.json")
SEARCH = fixture_json("weibo_mweibo_search_page1.json")
SEARCH_END = fixture_json("weibo_mweibo_search_end.json")
ENV = {"HUBBUB_WEIBO_ACCESS_TOKEN": "2.00token"}
NEWEST = "5270000000000003"
FETCHED = "2026-03-02T14:00:00Z"  # 22:00 in Beijing


def open_config(**options: str) -> SourceConfig:
    return SourceConfig("wb", "weibo", options={"uid": "1700000002", "count": "2", **options})


def mweibo_config(**options: str) -> SourceConfig:
    return SourceConfig("wm", "weibo", query="耐克", options={"api": "mweibo", **options})


def open_api(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/2/statuses/user_timeline.json"
    params = request.url.params
    assert params["access_token"] == "2.00token" and params["uid"] == "1700000002"
    if params.get("since_id") == NEWEST:
        return httpx.Response(200, json={"statuses": [], "total_number": 3})
    return httpx.Response(200, json=PAGE2 if params.get("max_id") else PAGE1)


def mweibo(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/api/container/getIndex"
    page = request.url.params["page"]
    return httpx.Response(200, json=SEARCH if page == "1" else SEARCH_END)


def test_open_api_repost_and_pictures_mapping():
    repost = map_weibo({"mblog": PAGE1["statuses"][0]})
    assert (repost.platform, repost.platform_id, repost.kind) == ("weibo", NEWEST, "repost")
    assert repost.repost_of == "5270000000000000" and repost.source == "connector:weibo"
    assert repost.created_at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    assert repost.mentions == ["品牌观察员"]
    post = map_weibo({"mblog": PAGE1["statuses"][1]})
    assert post.hashtags == ["跑步"] and post.media[0].url.endswith("thumbnail/abc.jpg")
    assert (post.metrics.likes, post.metrics.reposts, post.metrics.replies) == (21, 3, 5)
    assert post.author.handle == "小王爱跑步" and post.author.followers == 88
    assert post.url == "https://weibo.com/1700000002/5270000000000002"


def test_mweibo_html_is_stripped_and_relative_times_resolved_at_fetch_time():
    card = {"mblog": SEARCH["data"]["cards"][0]["mblog"], "fetched_at": FETCHED}
    post = map_weibo(card)
    assert post.created_at == datetime(2026, 3, 2, 13, 55, tzinfo=UTC)  # "5分钟前"
    assert post.text == "#耐克#新鞋到了[笑cry] 谢谢@品牌观察员\n详情 网页链接"
    assert post.hashtags == ["耐克"] and post.mentions == ["品牌观察员"]
    assert "https://example.com/nike" in post.urls or "http://t.cn/A6z9" in post.urls
    assert post.media[0].url == "https://wx1.sinaimg.cn/large/abc.jpg"
    yesterday = map_weibo(
        {"mblog": SEARCH["data"]["cards"][1]["card_group"][0]["mblog"], "fetched_at": FETCHED}
    )
    assert yesterday.created_at == datetime(2026, 3, 1, 18, 30, tzinfo=BEIJING)
    with pytest.raises(Exception, match="relative"):
        map_weibo({"mblog": card["mblog"]})  # without fetched_at, no guessing


def test_display_times():
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert resolve_display_time("刚刚", at) == at
    assert resolve_display_time("3小时前", at) == at - timedelta(hours=3)
    assert resolve_display_time("今天 08:05", at) == datetime(2026, 3, 2, 8, 5, tzinfo=BEIJING)
    assert resolve_display_time("03-01", at) == datetime(2026, 3, 1, tzinfo=BEIJING)
    assert resolve_display_time("12-31", at) == datetime(2025, 12, 31, tzinfo=BEIJING)
    assert resolve_display_time("Mon Mar 02 21:00:00 +0800 2026", at) is None


def test_open_api_walks_down_with_max_id_then_resumes_with_since_id(
    importer, states, fake_time, store
):
    server = Server(open_api)
    with connector_for(open_config(), server, fake_time, env=ENV) as wb:
        first = run_once(wb, importer, states)
    assert (first.stored, first.pages, first.error) == (3, 2, None)
    assert server.requests[1].url.params["max_id"] == "5270000000000001"  # below the oldest seen
    assert states.load("wb").cursor == {"since_id": NEWEST}
    server.requests.clear()
    with connector_for(open_config(), server, fake_time, env=ENV) as wb:
        second = run_once(wb, importer, states)
    assert (second.stored, second.fetched) == (0, 0)
    assert server.requests[0].url.params["since_id"] == NEWEST
    assert store.count() == 3


def test_an_interrupted_walk_resumes_at_its_max_id(importer, states, fake_time):
    server = Server(open_api)
    with connector_for(open_config(max_pages="1"), server, fake_time, env=ENV) as wb:
        assert run_once(wb, importer, states).stored == 2
    assert states.load("wb").cursor["walk"] == {"max_id": "5270000000000001", "newest_id": NEWEST}
    server.requests.clear()
    with connector_for(open_config(), server, fake_time, env=ENV) as wb:
        assert run_once(wb, importer, states).stored == 1
    assert server.requests[0].url.params["max_id"] == "5270000000000001"
    assert states.load("wb").cursor == {"since_id": NEWEST}


def test_expired_token_names_the_variable_and_request_limits_are_transient(
    importer, states, fake_time
):
    expired = Server(lambda r: httpx.Response(400, json=fixture_json("weibo_error_expired.json")))
    with connector_for(open_config(), expired, fake_time, env=ENV) as wb:
        result = run_once(wb, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_WEIBO_ACCESS_TOKEN" in result.error
    assert "expired_token" in result.error
    limit = {"error": "User requests out of rate limit!", "error_code": 10023, "request": "/2/x"}
    limited = Server(lambda r: httpx.Response(403, json=limit))
    with connector_for(open_config(), limited, fake_time, env=ENV) as wb:
        result = run_once(wb, importer, states)
    assert result.error_kind == "transient" and len(limited.requests) == 1


def test_429_retry_after_and_5xx_then_success(importer, states, fake_time):
    answers = [httpx.Response(429, headers={"Retry-After": "20"}), httpx.Response(502)]
    server = Server(lambda r: answers.pop(0) if answers else open_api(r))
    with connector_for(open_config(), server, fake_time, env=ENV, attempts=4) as wb:
        result = run_once(wb, importer, states)
    assert (result.stored, result.error) == (3, None)
    assert fake_time.sleeps[0] == 20


def test_malformed_statuses_are_rejected_and_the_rest_stored(importer, states, fake_time):
    bad = [
        {"text": "no id", "user": {"id": 1}},
        {**PAGE2["statuses"][0], "idstr": "9", "id": 9, "created_at": "sometime"},
    ]
    page = {"statuses": [*PAGE1["statuses"], *bad]}
    server = Server(lambda r: httpx.Response(200, content=orjson.dumps(page)))
    with connector_for(open_config(count="100"), server, fake_time, env=ENV) as wb:
        result = run_once(wb, importer, states)
    assert (result.stored, result.rejected, result.error) == (2, 2, None)


def test_mweibo_search_reads_back_a_day_then_a_backfill_pages_until_no_content(
    importer, states, fake_time, store
):
    server = Server(mweibo)
    with connector_for(mweibo_config(), server, fake_time, env={}) as wm:
        first = run_once(wm, importer, states)
    # "5分钟前" is new; "昨天 18:30" is older than the first run's day: the walk stops there.
    assert (first.stored, first.error) == (1, None)
    params = server.requests[0].url.params
    assert params["containerid"] == "100103type=61&q=耐克&t=" and params["page_type"] == "searchall"
    assert [r.url.params["page"] for r in server.requests] == ["1"]
    server.requests.clear()
    since = datetime(2026, 3, 1, tzinfo=UTC)
    with connector_for(mweibo_config(), server, fake_time, env={}) as wm:
        backfill = run_once(wm, importer, states, since=since)
    assert (backfill.stored, backfill.duplicates) == (1, 1)
    assert [r.url.params["page"] for r in server.requests] == ["1", "2"]  # until "no content"
    with connector_for(mweibo_config(), server, fake_time, env={}) as wm:
        again = run_once(wm, importer, states)
    assert again.stored == 0 and store.count() == 2


def test_mweibo_login_page_asks_for_the_cookie(importer, states, fake_time):
    page = b"<!DOCTYPE html><html><head><title>Sina Visitor System</title></head></html>"
    server = Server(
        lambda r: httpx.Response(200, content=page, headers={"content-type": "text/html"})
    )
    env = {"HUBBUB_WEIBO_COOKIE": "SUB=_2A25; SUBP=0033"}
    with connector_for(mweibo_config(), server, fake_time, env=env) as wm:
        result = run_once(wm, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_WEIBO_COOKIE" in result.error
    assert server.requests[0].headers["cookie"] == "SUB=_2A25; SUBP=0033"


def test_settings_are_checked():
    with pytest.raises(ConfigError, match="needs --query"):
        make_connector(SourceConfig("w", "weibo", options={"api": "mweibo"}))
    with pytest.raises(ConfigError, match="endpoint"):
        make_connector(SourceConfig("w", "weibo", options={"endpoint": "friendships/create"}))
    with pytest.raises(ConfigError, match="option count must be a whole number, not 'many'"):
        make_connector(SourceConfig("w", "weibo", options={"count": "many"}))
