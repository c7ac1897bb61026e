"""Shape and realism of the generated posts (one 20k-post month, see conftest)."""

from __future__ import annotations

import re
import statistics
from collections import Counter

from hubbub.demo import DEFAULT_START, LabeledPost
from hubbub.models import KINDS

from .conftest import N

CHINESE_PLATFORMS = {"weibo", "douyin", "bilibili", "xiaohongshu"}


def test_count_validity_and_identity(labeled: list[LabeledPost]) -> None:
    assert len(labeled) == N
    keys = set()
    for lp in labeled:
        post = lp.post
        post.validate()
        assert post.kind in KINDS
        assert post.collected_at is None
        assert post.text
        keys.add(post.key)
    assert len(keys) == N  # (platform, platform_id) never repeats


def test_time_ordered_inside_the_window(labeled: list[LabeledPost]) -> None:
    times = [lp.post.created_at for lp in labeled]
    assert times == sorted(times)
    assert times[0] >= DEFAULT_START
    assert (times[-1] - DEFAULT_START).days < 30


def test_language_and_platform_mix(labeled: list[LabeledPost]) -> None:
    langs = Counter(lp.post.lang for lp in labeled)
    assert set(langs) == {"en", "zh-Hans", "zh-Hant", "fr", "de", "es", "ja"}
    assert all(count > N * 0.03 for count in langs.values())
    platforms = Counter(lp.post.platform for lp in labeled)
    expected = {"x", "reddit", "weibo", "bilibili", "douyin", "xiaohongshu", "youtube"}
    expected |= {"mastodon", "bluesky", "news"}
    assert expected <= set(platforms)
    kinds = Counter(lp.post.kind for lp in labeled)
    assert {"post", "reply", "repost", "comment", "video", "article", "live_chat", "review"} <= set(
        kinds
    )
    simplified = [lp.post for lp in labeled if lp.post.lang == "zh-Hans"]
    on_chinese = sum(p.platform in CHINESE_PLATFORMS for p in simplified)
    assert on_chinese / len(simplified) > 0.8
    western = [lp.post for lp in labeled if lp.post.lang in ("en", "fr", "de", "es")]
    assert not any(p.platform in CHINESE_PLATFORMS for p in western)


def test_traditional_chinese_is_written_in_traditional_characters(
    labeled: list[LabeledPost],
) -> None:
    hant = " ".join(lp.post.text for lp in labeled if lp.post.lang == "zh-Hant")
    hans = " ".join(lp.post.text for lp in labeled if lp.post.lang == "zh-Hans")
    assert "極光" in hant and "极光" not in hant
    assert "极光" in hans and "極光" not in hans
    assert "過熱" in hant and "过热" in hans


def test_weibo_style_topics_and_mentions(labeled: list[LabeledPost]) -> None:
    weibo = [lp.post.text for lp in labeled if lp.post.platform == "weibo"]
    assert any(re.search(r"#[^#\s]*极光[^#\s]*#", t) for t in weibo)
    assert any("//@" in t for t in weibo)
    english = [lp.post.text for lp in labeled if lp.post.lang == "en"]
    assert any(re.search(r"(?<!\w)#AuroraX5\b", t) for t in english)
    assert any(re.search(r"(?<!\w)@\w+", t) for t in english)
    assert any("https://" in t for t in english)


def test_platform_ids_and_urls(labeled: list[LabeledPost]) -> None:
    seen = set()
    for lp in labeled:
        p = lp.post
        if p.platform == "x":
            assert p.platform_id.isdigit()
            assert p.url == f"https://x.com/{p.author.handle}/status/{p.platform_id}"
        elif p.platform == "weibo" and p.kind != "comment":
            assert re.fullmatch(r"https://weibo\.com/\d{10}/[0-9A-Za-z]{9}", p.url or "")
        elif p.platform == "reddit" and p.kind == "post":
            assert p.title and p.platform_id.startswith("t3_")
            assert re.fullmatch(r"https://www\.reddit\.com/r/\w+/comments/\w+/\w*/", p.url or "")
        elif p.platform == "reddit":
            assert p.platform_id.startswith("t1_") and p.parent_id.startswith("t3_")
        elif p.platform == "youtube" and p.kind == "video":
            assert re.fullmatch(r"https://www\.youtube\.com/watch\?v=[\w-]{11}", p.url or "")
        elif p.platform == "bilibili" and p.kind == "video":
            assert re.fullmatch(r"BV1\w{9}", p.platform_id)
        elif p.platform == "bluesky":
            assert p.platform_id.startswith("at://did:plc:")
        seen.add(p.platform)
    assert {"x", "weibo", "reddit", "youtube", "bilibili", "bluesky"} <= seen


def test_metrics_titles_ratings(labeled: list[LabeledPost]) -> None:
    videos = [lp.post for lp in labeled if lp.post.kind == "video"]
    assert videos and all(
        (p.metrics.views is not None and p.title) or p.platform == "douyin" for p in videos
    )
    reviews = [lp.post for lp in labeled if lp.post.kind == "review"]
    assert reviews and all(p.rating in (1.0, 2.0, 3.0, 4.0, 5.0) for p in reviews)
    positive = [
        lp.post.rating for lp in labeled if lp.post.kind == "review" and lp.sentiment == "positive"
    ]
    negative = [
        lp.post.rating for lp in labeled if lp.post.kind == "review" and lp.sentiment == "negative"
    ]
    assert statistics.mean(positive) > 4 > 2 > statistics.mean(negative)
    news = [lp.post for lp in labeled if lp.post.platform == "news"]
    assert news and all(p.title and p.metrics.engagement() is None for p in news)


def test_replies_point_at_earlier_posts_on_the_same_platform(labeled: list[LabeledPost]) -> None:
    index = {lp.post.platform_id: lp.post for lp in labeled}
    replies = [lp.post for lp in labeled if lp.post.parent_id or lp.post.repost_of]
    assert len(replies) > N * 0.2
    for p in replies:
        target = index[p.parent_id or p.repost_of]  # type: ignore[index]
        assert target.platform == p.platform
        assert target.created_at <= p.created_at


def test_followers_are_heavy_tailed(labeled: list[LabeledPost]) -> None:
    followers = {}
    for lp in labeled:
        a = lp.post.author
        if a.followers is not None:
            followers[(lp.post.platform, a.id)] = a.followers
    values = sorted(followers.values())
    median = statistics.median(values)
    assert median < 500
    assert values[-1] > 1_000_000  # the KOLs
    assert values[-1] / median > 1000
    top1 = values[-max(1, len(values) // 100) :]
    assert sum(top1) / sum(values) > 0.3  # the top 1% hold a large share of the audience
    kols = {
        (lp.post.author.handle, lp.post.author.verified)
        for lp in labeled
        if (lp.post.author.followers or 0) >= 1_000_000
    }
    assert kols and all(verified is not False for _, verified in kols)  # None: not shown


def test_daily_and_weekly_seasonality(labeled: list[LabeledPost]) -> None:
    # Beijing time (UTC+8): Chinese posts peak in the evening and dip before dawn.
    base = [lp.post for lp in labeled if lp.story == "baseline" and lp.post.lang == "zh-Hans"]
    local_hours = Counter((p.created_at.hour + 8) % 24 for p in base)
    evening = sum(local_hours[h] for h in (19, 20, 21, 22))
    night = sum(local_hours[h] for h in (2, 3, 4, 5))
    assert evening > 4 * night
    everyone = [lp.post for lp in labeled if lp.story == "baseline"]
    by_weekday = Counter(p.created_at.weekday() for p in everyone)
    weekday_mean = statistics.mean(by_weekday[d] for d in range(5)) / 5 * 5
    assert by_weekday[6] < weekday_mean * 0.95  # quieter on Sundays
