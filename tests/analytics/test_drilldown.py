"""Drill-down pages: keyset cursors that never skip or repeat, foreign cursors refused, and
buckets that narrow the scope to what one chart element counted."""

from __future__ import annotations

import base64

import orjson
import pytest

from hubbub.analytics import Scope, drilldown, volume
from hubbub.errors import ConfigError
from hubbub.store import EmbeddedStore

from .conftest import CURRENT, SINCE, UNTIL


def all_pages(store: EmbeddedStore, scope: Scope, order: str, limit: int, **kw) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        page = drilldown(store, scope, order=order, limit=limit, cursor=cursor, **kw)
        pages.append(page.posts)
        cursor = page.next_cursor
        if cursor is None:
            return pages


@pytest.mark.parametrize("limit", [1, 4, 7, 25, 50])
@pytest.mark.parametrize("order", ["newest", "engagement"])
def test_pages_cover_every_post_once(store: EmbeddedStore, order: str, limit: int) -> None:
    pages = all_pages(store, CURRENT, order, limit)
    ids = [p["platform_id"] for page in pages for p in page]
    assert len(ids) == len(set(ids)) == 25  # no overlap, no gap
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages) == -(-25 // limit)


def test_newest_order(store: EmbeddedStore) -> None:
    posts = drilldown(store, CURRENT, limit=50).posts
    times = [p["created_at"] for p in posts]
    assert times == sorted(times, reverse=True)
    assert posts[0]["created_at"] == "2024-06-12T11:04:00Z"
    # six weibo posts share one timestamp: their order is by key, stable across pages
    same = [p["platform_id"] for p in posts if p["platform"] == "weibo"]
    assert same == sorted(same, reverse=True)


def test_engagement_order(store: EmbeddedStore) -> None:
    posts = drilldown(store, CURRENT, order="engagement", limit=8).posts
    assert [p["engagement"] for p in posts] == [10] * 6 + [1] * 2
    assert posts[0]["text"] == "极光手机发布 #极光# 🔥"


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ({"platform": "weibo"}, 6),
        ({"t": "2024-06-12T00:00:00Z", "interval": "day"}, 9),
        ({"t": "2024-06-11T00:00:00+08:00", "interval": "day", "tz": "Asia/Shanghai"}, 16),
        ({"t": "2024-06-12T10:00:00Z", "interval": "hour", "platform": "reddit"}, 4),
        ({"sentiment": "negative"}, 8),
        ({"sentiment": "unknown"}, 1),
        ({"hashtag": "#Battery"}, 4),
        ({"hashtag": "#極光#"}, 6),
        ({"term": "Overheating"}, 4),
        ({"author": "weibo:w1"}, 6),
        ({"lang": "zh"}, 6),
        ({"country": "us"}, 10),
        ({"phrase": "Battery Overheating"}, 4),
        ({"emoji": "🔥"}, 6),
        ({"domain": "aurora.example.com"}, 10),
        ({"entity": "Aurora"}, 10),
        ({"emotion": "anger"}, 4),
        ({"mention": "@aurora_support"}, 4),
    ],
)
def test_buckets(store: EmbeddedStore, bucket: dict, expected: int) -> None:
    pages = all_pages(store, CURRENT, "newest", 5, bucket=bucket)
    assert sum(len(p) for p in pages) == expected


def test_a_volume_bucket_drills_down_to_its_posts(store: EmbeddedStore) -> None:
    for b in volume(store, CURRENT, "hour").buckets:
        if b["total"]:
            page = drilldown(store, CURRENT, limit=50, bucket={"t": b["t"], "interval": "hour"})
            assert len(page.posts) == b["total"]


def test_foreign_cursor_is_refused(store: EmbeddedStore) -> None:
    cursor = drilldown(store, CURRENT, limit=3).next_cursor
    assert cursor is not None
    other = Scope("aurora", since=SINCE, until=UNTIL)
    message = "this cursor belongs to another query; start without a cursor"
    for kwargs in [
        {"scope": other},
        {"scope": CURRENT, "order": "engagement"},
        {"scope": CURRENT, "bucket": {"platform": "x"}},
    ]:
        with pytest.raises(ConfigError) as info:
            drilldown(store, limit=3, cursor=cursor, **kwargs)
        assert str(info.value) == message
    with pytest.raises(ConfigError, match="start without a cursor"):
        drilldown(store, CURRENT, cursor="not a cursor!")
    forged = base64.urlsafe_b64encode(orjson.dumps({"k": [1], "h": "x"})).decode()
    with pytest.raises(ConfigError, match="another query"):
        drilldown(store, CURRENT, cursor=forged)


def test_bad_options_are_refused(store: EmbeddedStore) -> None:
    with pytest.raises(ConfigError, match="unknown order"):
        drilldown(store, CURRENT, order="random")
    with pytest.raises(ConfigError, match="cannot drill down"):
        drilldown(store, CURRENT, bucket={"colour": "red"})
    with pytest.raises(ConfigError, match="needs an interval"):
        drilldown(store, CURRENT, bucket={"t": "2024-06-12T00:00:00Z"})
    with pytest.raises(ConfigError, match="limit"):
        drilldown(store, CURRENT, limit=0)


def test_page_is_json_ready(store: EmbeddedStore) -> None:
    page = drilldown(store, CURRENT, limit=3)
    assert orjson.loads(orjson.dumps(page.to_dict())) == page.to_dict()
    assert set(page.posts[0]) >= {"platform", "platform_id", "created_at", "text", "engagement"}
