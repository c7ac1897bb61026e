from datetime import UTC, datetime

from hubbub.connectors.importers import twitter_v2
from hubbub.models import Media

from .conftest import DATA, run_format


def test_search_page_maps_tweets_with_includes_joined():
    out = run_format(twitter_v2.FORMAT, DATA / "twitter_v2_search.jsonl")
    posts = out.by_id()
    assert sorted(posts) == [f"180000000000000000{i}" for i in range(1, 5)]

    original = posts["1800000000000000001"]
    assert original.platform == "x"
    assert original.created_at == datetime(2024, 6, 1, 8, 30, tzinfo=UTC)
    assert original.collected_at == datetime(2024, 6, 2, tzinfo=UTC)
    assert original.kind == "post"
    assert original.text.startswith("新品發布會 🎉 #華為")
    assert original.url == "https://x.com/lin_mei/status/1800000000000000001"
    assert original.author.id == "9001"
    assert original.author.handle == "lin_mei"
    assert original.author.name == "林美"
    assert original.author.followers == 2500
    assert original.author.following == 180
    assert original.author.verified is True
    assert original.author.url == "https://x.com/lin_mei"
    assert original.metrics.likes == 45
    assert original.metrics.reposts == 12
    assert original.metrics.replies == 3
    assert original.metrics.quotes == 2
    assert original.metrics.views == 1500
    assert original.hashtags == ["華為", "Launch2024"]
    assert original.mentions == ["acme_news"]
    assert original.urls == ["https://example.com/launch"]  # the media link is not a shared URL
    assert original.media == [Media("image", "https://pbs.example/media/111.jpg")]
    assert original.country == "TW"
    assert original.lang == "zh"
    assert original.source == "import:twitter_v2"
    assert original.parent_id is None and original.root_id is None


def test_kinds_from_referenced_tweets():
    posts = run_format(twitter_v2.FORMAT, DATA / "twitter_v2_search.jsonl").by_id()
    retweet = posts["1800000000000000002"]
    assert retweet.kind == "repost"
    assert retweet.repost_of == "1800000000000000001"
    assert retweet.author.verified is False  # from verified_type "none"

    reply = posts["1800000000000000003"]
    assert reply.kind == "reply"  # replies that quote stay replies
    assert reply.parent_id == "1800000000000000001"
    assert reply.root_id == "1800000000000000001"
    assert reply.repost_of == "1799999999999999999"
    assert reply.author.verified is None  # the user object does not say
    assert reply.hashtags is None  # no entities: the store extracts from text


def test_note_tweet_and_video_variant_and_non_language():
    post = run_format(twitter_v2.FORMAT, DATA / "twitter_v2_search.jsonl").by_id()[
        "1800000000000000004"
    ]
    assert post.text.endswith("past the old limit #longform")
    assert post.hashtags == ["longform"]
    assert post.lang is None  # "qme": media only, not a language
    assert post.media == [Media("video", "https://video.example/222-high.mp4")]
    assert post.author.id == "9009" and post.author.handle is None
    assert post.url == "https://x.com/i/web/status/1800000000000000004"


def test_malformed_line_is_rejected_and_error_page_yields_nothing():
    out = run_format(twitter_v2.FORMAT, DATA / "twitter_v2_search.jsonl")
    assert [line for line, _ in out.rejects] == [3]
    assert "not valid JSON" in out.rejects[0][1]
    assert out.skipped == 0


def test_single_pretty_printed_document():
    out = run_format(twitter_v2.FORMAT, DATA / "twitter_v2_pretty.json")
    assert out.rejects == []
    [post] = out.posts
    assert post.platform_id == "1811111111111111111"
    assert post.author.handle == "river_runner"
    assert post.metrics.likes == 7
    assert post.metrics.views is None


def test_parse_gives_self_contained_items():
    line = (DATA / "twitter_v2_search.jsonl").read_bytes().splitlines()[1]
    items = twitter_v2.parse(line)
    assert set(items[0]) == {"tweet", "author", "referenced", "media", "place", "retrieved_at"}
    quoted = items[0]["referenced"][0]
    assert quoted["type"] == "quoted"
    assert quoted["tweet"]["text"] == "Original quoted"
    assert quoted["author"] is None  # 9002 is not in this page's includes.users


def test_not_a_response_is_rejected():
    import pytest

    from hubbub.errors import InvalidPost

    with pytest.raises(InvalidPost, match="not an X API v2 response"):
        twitter_v2.parse(b'{"hello": 1}')
