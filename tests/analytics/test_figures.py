"""Every figure against the hand-built store of conftest.py, with exact expected numbers."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from hubbub.analytics import (
    Scope,
    authors,
    breakdown,
    compare,
    emerging,
    sentiment,
    share_of_voice,
    top,
    volume,
)
from hubbub.errors import ConfigError
from hubbub.store import EmbeddedStore

from .conftest import CURRENT, SINCE, UNTIL


def g2(a: int, b: int, nc: int, nb: int) -> float:
    """Dunning's G², written out independently of the SQL."""
    n = nc + nb
    cells = [(a, nc * (a + b) / n), (b, nb * (a + b) / n)]
    cells += [(nc - a, nc * (n - a - b) / n), (nb - b, nb * (n - a - b) / n)]
    return 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)


# ---- scope ---------------------------------------------------------------------------------------
def test_bad_scope_is_refused() -> None:
    with pytest.raises(ConfigError, match="must be before"):
        Scope(since=UNTIL, until=SINCE)
    with pytest.raises(ConfigError, match="unknown sentiment"):
        Scope(sentiments=("happy",))


def test_previous_window_has_the_same_length() -> None:
    previous = CURRENT.previous()
    assert (previous.since, previous.until) == (datetime(2024, 6, 7, tzinfo=UTC), SINCE)
    with pytest.raises(ConfigError, match="needs a scope with a since"):
        Scope().previous()


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (CURRENT, 25),
        (Scope(since=SINCE, until=UNTIL, langs=("zh",)), 6),  # 'zh' covers 'zh-Hans'
        (Scope(since=SINCE, until=UNTIL, countries=("gb",)), 4),  # the author's country
        (Scope(since=SINCE, until=UNTIL, sentiments=("unknown",)), 1),
        (Scope(since=SINCE, until=UNTIL, platforms=("weibo", "reddit")), 10),
        (Scope("aurora OR 極光", since=SINCE, until=UNTIL), 20),
        (Scope("nimbus", since=SINCE, until=UNTIL, sentiments=("neutral",)), 5),
    ],
)
def test_scope_filters(store: EmbeddedStore, scope: Scope, expected: int) -> None:
    assert volume(store, scope, "day").total == expected


# ---- volume --------------------------------------------------------------------------------------
def test_volume_per_day_split_by_platform(store: EmbeddedStore) -> None:
    result = volume(store, CURRENT, "day", split_by="platform")
    assert result.interval == "day"
    assert result.keys == ["x", "weibo", "reddit"]
    assert [(b["t"], b["total"], b["by"]) for b in result.buckets] == [
        ("2024-06-10T00:00:00Z", 10, {"x": 10, "weibo": 0, "reddit": 0}),
        ("2024-06-11T00:00:00Z", 6, {"x": 0, "weibo": 6, "reddit": 0}),
        ("2024-06-12T00:00:00Z", 9, {"x": 5, "weibo": 0, "reddit": 4}),
    ]
    assert orjson.loads(orjson.dumps(result.to_dict()))["total"] == 25


def test_volume_fills_empty_buckets(store: EmbeddedStore) -> None:
    scope = Scope(since=datetime(2024, 6, 4, tzinfo=UTC), until=UNTIL)
    totals = [b["total"] for b in volume(store, scope, "day").buckets]
    assert totals == [10, 10, 0, 0, 8, 0, 10, 6, 9]


def test_volume_auto_interval(store: EmbeddedStore) -> None:
    assert volume(store, CURRENT).interval == "hour"  # exactly 3 days
    assert len(volume(store, CURRENT).buckets) == 72
    month = Scope(since=datetime(2024, 5, 14, tzinfo=UTC), until=UNTIL)
    assert volume(store, month).interval == "day"
    half_year = Scope(since=datetime(2024, 1, 1, tzinfo=UTC), until=UNTIL)
    weekly = volume(store, half_year)
    assert weekly.interval == "week"
    assert weekly.buckets[0]["t"] == "2024-01-01T00:00:00Z"  # a Monday
    assert weekly.total == 93


def test_volume_in_a_time_zone(store: EmbeddedStore) -> None:
    # 20:00 UTC on Jun 10 is 04:00 on Jun 11 in Shanghai.
    result = volume(store, CURRENT, "day", tz="Asia/Shanghai")
    assert [(b["t"], b["total"]) for b in result.buckets] == [
        ("2024-06-10T00:00:00+08:00", 0),
        ("2024-06-11T00:00:00+08:00", 16),
        ("2024-06-12T00:00:00+08:00", 9),
        ("2024-06-13T00:00:00+08:00", 0),
    ]


def test_volume_refuses_bad_intervals(store: EmbeddedStore) -> None:
    with pytest.raises(ConfigError, match="unknown interval"):
        volume(store, CURRENT, "minute")
    with pytest.raises(ConfigError, match="pick a larger interval"):
        volume(store, Scope(since=datetime(2023, 1, 1, tzinfo=UTC), until=UNTIL), "hour")
    with pytest.raises(ConfigError, match="unknown time zone"):
        volume(store, CURRENT, "day", tz="Mars/Olympus")
    with pytest.raises(ConfigError, match="cannot split"):
        volume(store, CURRENT, "day", split_by="author")


def test_volume_without_a_window_uses_the_data(store: EmbeddedStore) -> None:
    result = volume(store, Scope("nimbus"), "day")
    assert result.buckets[0]["t"] == "2024-06-08T00:00:00Z"
    assert [b["total"] for b in result.buckets] == [3, 0, 0, 0, 5]
    assert volume(store, Scope("nosuchword"), "day").buckets == []


# ---- sentiment -----------------------------------------------------------------------------------
def test_sentiment_counts_and_net(store: EmbeddedStore) -> None:
    result = sentiment(store, CURRENT)
    assert result.counts == {"positive": 10, "neutral": 6, "negative": 8, "unknown": 1}
    assert result.net_sentiment == pytest.approx(2 / 18)
    assert result.over_time is None


def test_sentiment_over_time_sums_to_the_counts(store: EmbeddedStore) -> None:
    result = sentiment(store, CURRENT, interval="day")
    assert result.counts == {"positive": 10, "neutral": 6, "negative": 8, "unknown": 1}
    assert result.over_time is not None
    day3 = result.over_time[2]
    assert (day3["negative"], day3["neutral"], day3["unknown"]) == (2, 6, 1)
    assert day3["net_sentiment"] == -1.0
    assert result.over_time[0]["net_sentiment"] == 1.0
    assert sentiment(store, Scope("nosuchword")).net_sentiment is None


# ---- share of voice ------------------------------------------------------------------------------
def topics() -> dict[str, Scope]:
    return {
        "aurora": Scope("aurora OR 极光", since=SINCE, until=UNTIL),
        "nimbus": Scope("nimbus", since=SINCE, until=UNTIL),
    }


def test_share_of_voice_mentions(store: EmbeddedStore) -> None:
    result = share_of_voice(store, topics())
    assert result.totals == {"aurora": 20, "nimbus": 5}
    assert result.shares == {"aurora": 0.8, "nimbus": 0.2}
    assert result.previous == {"aurora": 5, "nimbus": 3}
    assert result.change is not None
    assert result.change["aurora"]["delta_pct"] == 3.0
    assert result.change["aurora"]["share_delta"] == pytest.approx(0.8 - 0.625)
    assert result.change["nimbus"]["previous_share"] == 0.375


def test_share_of_voice_engagement_over_time(store: EmbeddedStore) -> None:
    result = share_of_voice(store, topics(), metric="engagement", interval="day")
    assert result.totals == {"aurora": 70, "nimbus": 0}
    assert result.shares == {"aurora": 1.0, "nimbus": 0.0}
    assert result.over_time is not None
    assert [b["values"]["aurora"] for b in result.over_time] == [10, 60, 0]
    with pytest.raises(ConfigError, match="unknown share-of-voice metric"):
        share_of_voice(store, topics(), metric="reach")


# ---- top -----------------------------------------------------------------------------------------
def test_top_hashtags_with_previous_period(store: EmbeddedStore) -> None:
    items = top(store, CURRENT, "hashtags").items
    assert [(i["key"], i["count"], i["previous"]) for i in items] == [
        ("aurora", 14, 5),
        ("极光", 6, 0),
        ("nimbus", 5, 3),
        ("battery", 4, 0),
    ]
    assert items[0]["change"] == 9 and items[0]["change_pct"] == pytest.approx(1.8)
    assert items[1]["change_pct"] is None  # nothing to compare with
    assert [i["key"] for i in top(store, CURRENT, "hashtags", limit=2).items] == ["aurora", "极光"]


def test_top_terms_drop_stopwords_numbers_and_single_letters(store: EmbeddedStore) -> None:
    items = top(store, CURRENT, "terms", limit=50).items
    counts = {i["key"]: i["count"] for i in items}
    assert [i["key"] for i in items[:2]] == ["phone", "aurora"]
    assert counts["phone"] == 15 and counts["极光"] == 6 and counts["overheating"] == 4
    assert not {"the", "q", "2024"} & counts.keys()


def test_top_other_kinds(store: EmbeddedStore) -> None:
    def pairs(kind: str) -> list[tuple[str, int]]:
        return [(i["key"], i["count"]) for i in top(store, CURRENT, kind, trend=False).items]

    assert pairs("phrases") == [("aurora phone", 10), ("battery overheating", 4)]
    assert pairs("emojis") == [("🔥", 6)]
    assert pairs("domains") == [("aurora.example.com", 10)]
    assert pairs("mentions") == [("aurora_support", 4)]
    entities = top(store, CURRENT, "entities").items
    assert entities == [
        {
            "key": "Aurora",
            "type": "ORG",
            "count": 10,
            "previous": 0,
            "change": 10,
            "change_pct": None,
        }
    ]
    with pytest.raises(ConfigError, match="unknown kind"):
        top(store, CURRENT, "colours")


# ---- authors -------------------------------------------------------------------------------------
def test_authors_by_influence(store: EmbeddedStore) -> None:
    items = authors(store, CURRENT).items
    assert [i["author_id"] for i in items] == ["w1", "a1", "n1", "r1"]
    w1, a1 = items[0], items[1]
    assert w1["influence"] == pytest.approx(
        math.log10(100_010) * math.log10(11) * (1 + math.log10(6)), abs=1e-4
    )
    assert a1["influence"] == pytest.approx(math.log10(1010) * math.log10(2) * 2, abs=1e-4)
    assert (a1["handle"], a1["name"], a1["verified"], a1["posts"], a1["reach"]) == (
        "ann",
        "Ann",
        True,
        10,
        1000,
    )
    assert a1["engagement_rate"] == pytest.approx(0.001)
    assert items[3]["reach"] is None and items[3]["engagement_rate"] is None


def test_authors_other_sorts(store: EmbeddedStore) -> None:
    def order(sort: str) -> list[str]:
        return [i["author_id"] for i in authors(store, CURRENT, sort=sort).items]

    assert order("posts") == ["a1", "w1", "n1", "r1"]
    assert order("engagement") == ["w1", "a1", "n1", "r1"]
    assert order("reach") == ["w1", "a1", "n1", "r1"]
    assert order("engagement_rate") == ["a1", "w1", "n1", "r1"]
    assert [i["author_id"] for i in authors(store, CURRENT, limit=1).items] == ["w1"]


# ---- compare -------------------------------------------------------------------------------------
def test_compare_with_the_previous_period(store: EmbeddedStore) -> None:
    figures = compare(store, CURRENT).figures
    assert figures["total"] == {"current": 25, "previous": 8, "delta": 17, "delta_pct": 17 / 8}
    assert figures["engagement"] == {"current": 70, "previous": 5, "delta": 65, "delta_pct": 13.0}
    assert figures["unique_authors"]["current"] == 4
    assert figures["unique_authors"]["previous"] == 2
    net = figures["net_sentiment"]
    assert net["current"] == pytest.approx(2 / 18) and net["previous"] == 1.0
    assert net["delta"] == pytest.approx(2 / 18 - 1) and net["delta_pct"] is None


# ---- emerging ------------------------------------------------------------------------------------
def test_emerging_terms(store: EmbeddedStore) -> None:
    result = emerging(store, CURRENT, baseline_days=28, min_count=3)
    assert (result.posts, result.baseline_posts) == (25, 68)
    by_term = {i["term"]: i for i in result.items}
    assert result.items[0]["term"] == "aurora"
    assert by_term["aurora"]["count"] == 14 and by_term["aurora"]["baseline"] == 5
    assert by_term["aurora"]["score"] == pytest.approx(g2(14, 5, 25, 68), abs=1e-3)
    assert by_term["overheating"]["baseline"] == 0
    assert by_term["overheating"]["score"] == pytest.approx(g2(4, 0, 25, 68), abs=1e-3)
    # Falling terms never emerge, whatever their G².
    assert "camera" not in by_term and "review" not in by_term
    scores = [i["score"] for i in result.items]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 10.83


def test_emerging_needs_support(store: EmbeddedStore) -> None:
    terms = {i["term"] for i in emerging(store, CURRENT, min_count=5).items}
    assert "overheating" not in terms and "aurora" in terms
    assert (
        emerging(
            store,
            Scope(since=datetime(2020, 1, 1, tzinfo=UTC), until=datetime(2020, 2, 1, tzinfo=UTC)),
        ).items
        == []
    )


# ---- breakdown -----------------------------------------------------------------------------------
def test_breakdowns(store: EmbeddedStore) -> None:
    def pairs(by: str) -> list[tuple[str, int]]:
        return [(i["key"], i["count"]) for i in breakdown(store, CURRENT, by).items]

    result = breakdown(store, CURRENT, "platform")
    assert [(i["key"], i["count"], i["share"]) for i in result.items] == [
        ("x", 15, 0.6),
        ("weibo", 6, 0.24),
        ("reddit", 4, 0.16),
    ]
    assert pairs("country") == [("US", 10), ("CN", 6), ("unknown", 5), ("GB", 4)]
    assert pairs("lang") == [("en", 19), ("zh-Hans", 6)]
    assert pairs("emotion") == [("unknown", 21), ("anger", 4)]
    assert pairs("kind") == [("post", 25)]
    with pytest.raises(ConfigError, match="cannot break down"):
        breakdown(store, CURRENT, "colour")


def test_results_are_json_ready(store: EmbeddedStore) -> None:
    for result in [
        volume(store, CURRENT),
        sentiment(store, CURRENT, "day"),
        share_of_voice(store, topics(), interval="day"),
        top(store, CURRENT),
        authors(store, CURRENT),
        compare(store, CURRENT),
        emerging(store, CURRENT, min_count=3),
        breakdown(store, CURRENT),
    ]:
        assert orjson.loads(orjson.dumps(result.to_dict())) == result.to_dict()


def test_open_ended_window_trend_uses_now(store: EmbeddedStore) -> None:
    recent = Scope(since=datetime.now(UTC) - timedelta(days=1))
    assert top(store, recent).items == []
