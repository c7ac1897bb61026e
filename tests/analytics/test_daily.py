"""Figures summed from kept per-day partials equal the same figures queried directly, and a
write makes the partials of the days it reached (only those) be queried again. The `store`
fixture (conftest.py) is this module's own: the tests here write to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hubbub.analytics import (
    Scope,
    authors,
    breakdown,
    daily,
    emerging,
    sentiment,
    share_of_voice,
    top,
    volume,
)
from hubbub.models import Author, Post
from hubbub.store.changes import DAY_MS, ChangeLog
from tests.analytics.conftest import SINCE, UNTIL


def _figures(scope: Scope) -> list[Callable[[Any], Any]]:
    aurora = Scope("aurora OR 极光", scope.since, scope.until, langs=scope.langs)
    nimbus = Scope("nimbus", scope.since, scope.until, langs=scope.langs)
    runs: list[Callable[[Any], Any]] = [
        lambda s: volume(s, scope, "auto", "platform"),
        lambda s: volume(s, scope, "week", "sentiment", tz="Asia/Shanghai"),
        lambda s: volume(s, scope, "hour", "lang", tz="America/New_York"),
        lambda s: sentiment(s, scope, "day"),
        lambda s: sentiment(s, scope),
        lambda s: breakdown(s, scope, "country"),
        lambda s: breakdown(s, scope, "lang"),
        lambda s: top(s, scope, "hashtags", 5),
        lambda s: top(s, scope, "terms", 7),
        lambda s: top(s, scope, "entities", 3),
        lambda s: share_of_voice(s, {"a": aurora, "n": nimbus}, "engagement", "day"),
        lambda s: authors(s, scope, "influence", 3),
        lambda s: authors(s, scope, "engagement_rate", 10),
    ]
    if scope.since is not None:
        runs.append(lambda s: emerging(s, scope, baseline_days=10, min_count=1))
    return runs


SCOPES = [
    Scope(since=SINCE, until=UNTIL),  # whole UTC days
    Scope("aurora OR nimbus", SINCE + timedelta(hours=13), UNTIL - timedelta(hours=5)),  # edges
    Scope(since=SINCE + timedelta(hours=3)),  # open end
    Scope("phone", until=UNTIL),  # open start
    Scope(langs=("en",)),  # all time
    Scope(since=SINCE + timedelta(hours=1), until=SINCE + timedelta(hours=22)),  # within a day
    Scope("aurora OR 极光", SINCE, UNTIL, platforms=("weibo", "reddit")),  # filters: facets
    Scope(since=SINCE, langs=("zh",)),  # 'zh' covers the posts in zh-Hans
    Scope(platforms=("x",), langs=("en",), until=UNTIL + timedelta(hours=5)),
    # Filtered, inside one day: one query, grouped by the facets too, summed again here.
    Scope(
        "aurora OR nimbus", SINCE + timedelta(hours=49), SINCE + timedelta(hours=71), langs=("en",)
    ),
]


def _direct(monkeypatch: pytest.MonkeyPatch, run: Callable[[Any], Any], store: Any) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(daily, "_keeper", lambda _store: None)
        return run(store).to_dict()


@pytest.mark.parametrize("scope", SCOPES, ids=range(len(SCOPES)))
def test_every_figure_equals_its_direct_query(
    store: Any, scope: Scope, monkeypatch: pytest.MonkeyPatch
) -> None:
    for run in _figures(scope):
        first = run(store).to_dict()  # computes and keeps the partials
        again = run(store).to_dict()  # sums the kept ones
        assert first == again == _direct(monkeypatch, run, store)


def _counting(store: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    arrow = store.arrow

    def counted(sql: str, params: Any = None) -> Any:
        asked.append(sql)
        return arrow(sql, params)

    monkeypatch.setattr(store, "arrow", counted)
    return asked


def _post(pid: str, when: datetime) -> Post:
    return Post(
        platform="x",
        platform_id=pid,
        created_at=when,
        text="aurora phone #aurora",
        lang="en",
        author=Author(id="late", handle="late"),
    )


def test_a_write_requeries_only_the_days_it_reached(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scope = Scope("aurora", SINCE, UNTIL)
    before = volume(store, scope, "day").to_dict()
    asked = _counting(store, monkeypatch)
    assert volume(store, scope, "day").to_dict() == before
    assert asked == []  # every day kept, nothing asked

    store.write([_post("late-1", SINCE + timedelta(days=1, hours=2))])
    after = volume(store, scope, "day")
    assert [b["total"] for b in after.to_dict()["buckets"]] == [
        b["total"] + (1 if i == 1 else 0) for i, b in enumerate(before["buckets"])
    ]
    # One query, over the one day the write reached.
    assert len(asked) == 1 and "_day" in asked[0]
    monkeypatch.undo()
    assert after.to_dict() == _direct(monkeypatch, lambda s: volume(s, scope, "day"), store)


def test_each_filter_value_sums_the_same_kept_partials(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    weibo = Scope("aurora OR 极光", SINCE, UNTIL, platforms=("weibo",))
    others = [replace(weibo, platforms=("x",)), replace(weibo, langs=("en",))]
    expected = [_direct(monkeypatch, lambda s, o=o: breakdown(s, o, "lang"), store) for o in others]
    breakdown(store, weibo, "lang")
    asked = _counting(store, monkeypatch)
    assert [breakdown(store, o, "lang").to_dict() for o in others] == expected
    assert asked == []


def test_an_open_window_reaches_a_post_newer_than_every_kept_day(store: Any) -> None:
    scope = Scope("aurora")
    before = volume(store, scope, "day").total
    store.write([_post("late-2", UNTIL + timedelta(days=40))])
    assert volume(store, scope, "day").total == before + 1


def test_posts_before_1970_land_on_their_own_day(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write([_post("old-1", datetime(1969, 12, 31, 23, tzinfo=UTC))])
    for day, expected in ((30, 0), (31, 1)):
        since = datetime(1969, 12, day, tzinfo=UTC)
        scope = Scope("aurora", since, since + timedelta(days=1))
        got = breakdown(store, scope, "platform").to_dict()
        assert got == _direct(monkeypatch, lambda s, sc=scope: breakdown(s, sc, "platform"), store)
        assert got["total"] == expected


def test_a_store_others_also_write_keeps_no_partials(store: Any) -> None:
    class Shared:
        changes = ChangeLog(others_write=True)

    assert daily._keeper(Shared()) is None
    assert daily._keeper(store) is daily._keeper(store)


def test_the_change_log_knows_the_last_write_of_each_day() -> None:
    log = ChangeLog()
    mark = log.mark()
    log.note(3 * DAY_MS + 5, 4 * DAY_MS + 1)  # days 3 and 4
    assert log.day_touched(mark, 3) and log.day_touched(mark, 4)
    assert not log.day_touched(mark, 2) and not log.day_touched(mark, 5)
    assert not log.day_touched(log.mark(), 3)
    assert log.extent() == (3 * DAY_MS + 5, 4 * DAY_MS + 1)
    later = log.mark()
    log.touch_all()
    assert log.day_touched(later, 99) and log.extent() == (3 * DAY_MS + 5, 4 * DAY_MS + 1)
    wide = log.mark()
    log.note(0, 10_000 * DAY_MS)  # an import of decades counts for every day
    assert log.day_touched(wide, 12_345)


def test_kept_rows_stay_within_their_budget(store: Any) -> None:
    keeper = daily.DayPartials(store.changes, max_rows=3)
    scope = Scope(since=SINCE - timedelta(days=10), until=UNTIL)
    parts = keeper.days(store, scope, daily.Tally(keys=("platform",)), 19_874, 19_887)
    assert sum(p.num_rows for p in parts) > 3
    assert keeper._rows <= 3
