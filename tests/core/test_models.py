from datetime import UTC, datetime, timedelta, timezone

import pytest

from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

T0 = datetime(2026, 10, 5, 12, 30, tzinfo=UTC)


def test_round_trip_through_ndjson_shape_keeps_every_field():
    post = Post(
        platform="weibo",
        platform_id="4890123456789012",
        created_at=T0,
        text="我买了耐克鞋 #耐克#",
        kind="repost",
        url="https://weibo.com/1/abc",
        author=Author(id="1", handle="小米粉丝", followers=1200, verified=True, country="CN"),
        metrics=Metrics(likes=3, reposts=None, replies=0),
        repost_of="4890000000000000",
        hashtags=["耐克"],
        media=[Media("image", "https://wx1.sinaimg.cn/a.jpg")],
        rating=None,
        source="import:weibo",
    )
    again = Post.from_dict(post.to_dict())
    assert again == post
    assert post.to_dict()["created_at"] == "2026-10-05T12:30:00Z"


def test_missing_fields_stay_none_not_zero():
    post = Post.from_dict(
        {"platform": "x", "platform_id": "1", "created_at": "2026-10-05T12:30:00Z"}
    )
    assert post.metrics.likes is None
    assert post.metrics.engagement() is None
    assert post.author.followers is None
    assert post.hashtags is None


def test_engagement_adds_known_parts_only():
    assert Metrics(likes=2, reposts=None, replies=3).engagement() == 5


@pytest.mark.parametrize(
    "data, message",
    [
        ({"platform_id": "1", "created_at": "2026-01-01"}, "platform is missing"),
        ({"platform": "x", "created_at": "2026-01-01"}, "platform_id is missing"),
        ({"platform": "x", "platform_id": "1"}, "created_at is missing"),
        ({"platform": "x", "platform_id": "1", "created_at": "yesterday"}, "cannot read time"),
        (
            {"platform": "x", "platform_id": "1", "created_at": "2026-01-01", "kind": "tweet"},
            "kind",
        ),
        ({"platform": "x", "platform_id": "1", "created_at": "2026-01-01", "likes": 3}, "unknown"),
        (
            {"platform": "x", "platform_id": "1", "created_at": "2026-01-01", "author": {"x": 1}},
            "nested",
        ),
    ],
)
def test_malformed_posts_get_one_line_reasons(data, message):
    with pytest.raises(InvalidPost, match=message) as info:
        Post.from_dict(data)
    assert "\n" not in str(info.value)


def test_times_are_normalized_to_utc():
    assert parse_time("2026-10-05T20:30:00+08:00") == T0.replace(hour=12)
    assert parse_time(1_791_203_400) == parse_time(1_791_203_400_000)
    assert parse_time("2026-10-05T12:30:00").tzinfo is not None
    assert parse_time(T0.astimezone(timezone(timedelta(hours=-5)))) == T0
