"""The alert engine on small, exact streams: what fires, when, and what it says."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hubbub.alerts.engine import AlertEngine, topic_key
from hubbub.alerts.rules import make_rule

T0 = datetime(2026, 3, 2, tzinfo=UTC).timestamp()  # a Monday, 00:00 UTC
HOUR = 3600
AURORA = topic_key("default", "Aurora")


def row(at: float, n: int, **fields: Any) -> dict[str, Any]:
    return {
        "created_at": datetime.fromtimestamp(at, UTC),
        "platform": fields.pop("platform", "x"),
        "platform_id": f"p{n}",
        "author_handle": fields.pop("author", f"u{n % 7}"),
        "text": fields.pop("text", "aurora"),
        "engagement": fields.pop("engagement", n % 5),
        **fields,
    }


def feed(engine: AlertEngine, hours: list[int], key=AURORA, make=row, start: float = T0):
    """Each hour's posts spread over the hour in 6 batches; the clock closes each hour."""
    alerts, n = [], 0
    for hour, count in enumerate(hours):
        stamps = [start + hour * HOUR + (i + 0.5) * HOUR / count for i in range(count)]
        for part in range(6):
            edge = start + hour * HOUR + (part + 1) * HOUR / 6
            batch = [s for s in stamps if edge - HOUR / 6 <= s < edge]
            rows = []
            for stamp in batch:
                n += 1
                rows.append(make(stamp, n))
            if rows:
                alerts += engine.observe(rows, [[key]] * len(rows), edge)
            engine.saw(edge)
            alerts += engine.advance(edge)
    return alerts


def test_a_spike_fires_once_early_and_explains_itself():
    rule = make_rule("Aurora", "volume_spike", "1h", id=1)
    engine = AlertEngine([rule])
    engine.begin(T0)
    alerts = feed(engine, [10] * 30 + [80, 60, 10])
    assert len(alerts) == 1  # the next hour is still high, but in cooldown
    alert = alerts[0]
    assert alert.window_start == datetime.fromtimestamp(T0 + 30 * HOUR, UTC)
    assert alert.partial and alert.fired_at < alert.window_end  # before the hour was over
    assert alert.observed > alert.expected and alert.score >= rule.params["min_score"]
    assert "negative binomial" in alert.test and "p = " in alert.test
    drivers = alert.drivers
    assert (
        drivers["top_posts"]
        and drivers["top_authors"]
        and drivers["platforms"] == {"x": drivers["posts_in_window"]}
    )
    assert alert.link == (
        "/topics/Aurora?since=2026-03-03T06%3A00%3A00Z&until=2026-03-03T07%3A00%3A00Z"
    )


def test_a_steady_stream_and_too_little_history_fire_nothing():
    rule = make_rule("Aurora", "volume_spike", "1h", id=1)
    assert feed(AlertEngine([rule]), [12] * 200) == []
    # a jump in the first hours: no baseline yet (min_history 24)
    fresh = AlertEngine([rule])
    fresh.begin(T0)
    assert feed(fresh, [5, 5, 90]) == []


def test_cooldown_and_dedup_across_restarts():
    rule = make_rule("Aurora", "volume_spike", "1h", cooldown="1h", id=1)
    engine = AlertEngine([rule])
    engine.begin(T0)
    alerts = feed(engine, [10] * 30 + [80, 10, 10, 80])
    assert [a.window_start.hour for a in alerts] == [6, 9]
    restarted = AlertEngine([rule])
    restarted.restore([(1, "", alerts[-1].window_start)])
    restarted.begin(T0)
    again = feed(restarted, [10] * 33 + [80])
    assert again == []  # hour 33 was already alerted before the restart


def test_kol_mention_fires_per_author_with_its_cooldown():
    rule = make_rule("Aurora", "kol_mention", "1h", {"min_followers": 100_000}, id=2)
    engine = AlertEngine([rule])

    def make(at: float, n: int) -> dict[str, Any]:
        big = n in (3, 5, 9)
        return row(
            at, n, author="star" if big else f"u{n}", author_followers=500_000 if big else 10
        )

    alerts = feed(engine, [6, 6], make=make)
    assert len(alerts) == 1  # 'star' posted three times within the cooldown
    alert = alerts[0]
    assert alert.kind == "kol_mention" and alert.observed == 500_000
    assert alert.drivers["top_posts"][0]["platform_id"] == "p3"
    assert "@star" in alert.summary and alert.key.startswith("author:star@")


def test_negative_surge_needs_share_and_count():
    rule = make_rule("Aurora", "negative_surge", "1h", {"min_count": 8}, id=3)
    engine = AlertEngine([rule])
    engine.begin(T0)

    def make(at: float, n: int) -> dict[str, Any]:
        hour = int((at - T0) // HOUR)
        angry = (hour == 30 and n % 4 != 0) or n % 10 == 0
        return row(at, n, sentiment="negative" if angry else "positive")

    alerts = feed(engine, [20] * 31, make=make)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.window_start.hour == 6 and alert.expected < 0.15 < 0.5 < alert.observed
    assert "binomial" in alert.test
    assert all(p["sentiment"] == "negative" for p in alert.drivers["top_posts"])


def test_new_term_breaks_out_against_the_baseline():
    rule = make_rule("Aurora", "new_term", "1h", {"min_count": 5}, id=4)
    engine = AlertEngine([rule])

    def make(at: float, n: int) -> dict[str, Any]:
        hour = int((at - T0) // HOUR)
        tags = ["aurora"] + (["overheat"] if hour == 24 and n % 2 else [])
        return row(at, n, hashtags=tags)

    alerts = feed(engine, [20] * 25, make=make)
    assert [a.drivers["top_terms"][0]["term"] for a in alerts] == ["#overheat"]
    assert alerts[0].key.startswith("term:#overheat@") and "G²" in alerts[0].test


def test_thresholds_on_share_of_voice_and_net_sentiment_wait_for_the_close():
    groups = {AURORA: "brand", topic_key("default", "Nimbus"): "brand"}
    sov = make_rule(
        "Aurora", "threshold", "1h", {"analytic": "share_of_voice", "op": "<", "value": 0.4}, id=5
    )
    net = make_rule(
        "Aurora", "threshold", "1h", {"analytic": "net_sentiment", "op": "<=", "value": -0.5}, id=6
    )
    engine = AlertEngine([sov, net], groups)
    nimbus = topic_key("default", "Nimbus")
    rows = [row(T0 + i * 60, i, sentiment="negative") for i in range(30)]
    others = [row(T0 + i * 60, 100 + i) for i in range(50)]
    alerts = engine.observe(rows, [[AURORA]] * 30, T0 + 1800)
    alerts += engine.observe(others, [[nimbus]] * 50, T0 + 3000)
    assert alerts == []  # ratios are only tested on a closed window
    closed = engine.advance(T0 + HOUR)
    by_rule = {a.rule_id: a for a in closed}
    assert by_rule[5].observed == 0.375 and by_rule[6].observed == -1.0
    assert by_rule[5].test == "share_of_voice 0.375 < 0.4"


def test_a_volume_threshold_fires_as_soon_as_it_is_crossed():
    rule = make_rule("Aurora", "threshold", "1h", {"value": 5}, id=7)
    engine = AlertEngine([rule])
    first = engine.observe([row(T0 + i, i) for i in range(4)], [[AURORA]] * 4, T0 + 10)
    second = engine.observe([row(T0 + 20, 9)], [[AURORA]], T0 + 20)
    assert first == [] and len(second) == 1 and second[0].partial


def test_a_rule_change_keeps_history_and_names_the_new_series():
    hourly = make_rule("Aurora", "volume_spike", "1h", id=1)
    engine = AlertEngine()
    assert engine.set_rules([hourly], {}) == [(AURORA, 3600)]
    feed(engine, [5, 5, 5])
    quarter = make_rule("Aurora", "volume_spike", "15m", id=2)
    assert engine.set_rules([hourly, quarter], {}) == [(AURORA, 900)]
    assert engine._series[(AURORA, 3600)].count_at(int(T0)) == 5  # kept across the reload
