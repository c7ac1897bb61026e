"""Each planted story is visible in a small month, where the docstring says it is."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

from hubbub.demo import STORIES, LabeledPost, summary
from hubbub.demo.people import KOLS

from .conftest import N


def _story(key: str):  # type: ignore[no-untyped-def]
    return next(s for s in STORIES if s.key == key)


def _daily(labeled: list[LabeledPost], topic: str) -> Counter[str]:
    return Counter(lp.post.created_at.date().isoformat() for lp in labeled if lp.topic == topic)


def test_default_story_dates_match_the_docstring() -> None:
    when = {s.key: (s.start, s.end) for s in STORIES}
    assert when["launch"][0] == datetime(2026, 10, 8, tzinfo=UTC)
    assert when["viral"][0] == datetime(2026, 10, 11, 12, tzinfo=UTC)
    assert when["campaign"] == (
        datetime(2026, 10, 14, tzinfo=UTC),
        datetime(2026, 10, 18, tzinfo=UTC),
    )
    assert when["crisis"] == (
        datetime(2026, 10, 19, 2, tzinfo=UTC),
        datetime(2026, 10, 21, tzinfo=UTC),
    )
    assert when["spam"] == (
        datetime(2026, 10, 24, 13, tzinfo=UTC),
        datetime(2026, 10, 24, 15, tzinfo=UTC),
    )
    assert all(s.query and s.name and s.description for s in STORIES)
    moved = summary(datetime(2025, 3, 1, tzinfo=UTC), days=30)
    assert moved[0].start == datetime(2025, 3, 8, tzinfo=UTC)


def test_story_posts_fall_inside_their_windows(labeled: list[LabeledPost]) -> None:
    for story in STORIES:
        times = [lp.post.created_at for lp in labeled if lp.story == story.key]
        assert times, story.key
        assert story.start <= min(times) and max(times) < story.end, story.key


def test_launch_day_spikes_and_is_positive(labeled: list[LabeledPost]) -> None:
    daily = _daily(labeled, "aurora")
    median = statistics.median(daily.values())
    assert daily["2026-10-08"] >= 3 * median
    launch = [lp for lp in labeled if lp.story == "launch"]
    sentiments = Counter(lp.sentiment for lp in launch)
    assert sentiments["positive"] > 0.6 * len(launch)
    texts = " ".join(lp.post.text + (lp.post.title or "") for lp in launch)
    assert "#AuroraX5" in texts and "#极光X5发布会#" in texts
    live = [lp.post for lp in launch if lp.post.kind == "live_chat"]
    assert any(p.platform == "bilibili" for p in live)


def test_crisis_is_negative_and_names_overheating(labeled: list[LabeledPost]) -> None:
    day = [
        lp
        for lp in labeled
        if lp.topic == "aurora" and lp.post.created_at.date().isoformat() == "2026-10-19"
    ]
    assert Counter(lp.sentiment for lp in day)["negative"] > 0.5 * len(day)
    crisis = [lp for lp in labeled if lp.story == "crisis"]
    words = re.compile(r"overheat|burn|过热|過熱|发烫|爆炸|焦味|surchauff|überhitz|sobrecalent|熱")
    assert sum(
        bool(words.search(lp.post.text + (lp.post.title or ""))) for lp in crisis
    ) > 0.4 * len(crisis)
    # It starts in Chinese and reaches other languages.
    first = sorted(crisis, key=lambda lp: lp.post.created_at)[:20]
    assert Counter(lp.post.lang for lp in first)["zh-Hans"] > 10
    assert len({lp.post.lang for lp in crisis}) >= 5
    daily = _daily(labeled, "aurora")
    assert daily["2026-10-19"] > 2 * statistics.median(daily.values())


def test_kol_post_goes_viral_with_a_repost_cascade(labeled: list[LabeledPost]) -> None:
    kol_nick = KOLS[0][2]
    roots = [lp.post for lp in labeled if lp.story == "viral" and lp.post.kind == "post"]
    assert len(roots) == 1
    root = roots[0]
    assert root.platform == "weibo" and root.author.handle == kol_nick
    assert root.author.followers >= 1_000_000
    reposts = [lp.post for lp in labeled if lp.post.repost_of == root.platform_id]
    assert len(reposts) >= N * 0.01
    assert all(p.kind == "repost" and p.created_at > root.created_at for p in reposts)
    assert all(f"//@{kol_nick}:" in p.text or "//@" in p.text for p in reposts)
    copying = sum(root.text[:30] in p.text for p in reposts)
    assert copying > 0.6 * len(reposts)  # near-duplicates of the KOL's text
    assert any(p.text.count("//@") >= 2 for p in reposts)  # chains through other reposters
    assert root.metrics.reposts and root.metrics.reposts > 100


def test_spam_burst_is_near_duplicate_from_new_accounts(labeled: list[LabeledPost]) -> None:
    spam = [lp.post for lp in labeled if lp.story == "spam"]
    assert len(spam) >= N * 0.008
    assert max(p.created_at for p in spam) - min(p.created_at for p in spam) <= timedelta(hours=2)
    assert all("https://auroradeals.shop/" in p.text for p in spam)
    assert all((p.author.followers or 0) <= 40 for p in spam)
    # Strip the parts that vary (link codes, prices, hashtags): few skeletons remain.
    skeletons = {re.sub(r"https?://\S+|\d+|#\S+", "", p.text) for p in spam}
    assert len(skeletons) <= 6
    handles = {p.author.handle for p in spam}
    assert len(handles) > 20  # many accounts, not one


def test_competitor_campaign_lifts_nimbus(labeled: list[LabeledPost]) -> None:
    daily = _daily(labeled, "nimbus")
    during = statistics.mean(daily[f"2026-10-{d}"] for d in (14, 15, 16, 17))
    before = statistics.mean(daily[f"2026-10-{d:02d}"] for d in range(1, 8))
    assert during > 2 * before
    campaign = [lp.post.text + (lp.post.title or "") for lp in labeled if lp.story == "campaign"]
    tagged = sum("#NimbusNightShot" in t or "#云雀夜拍挑战#" in t for t in campaign)
    assert tagged > 0.3 * len(campaign)
