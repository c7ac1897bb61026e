"""Warming computes each topic's dashboard panels, so the first dashboards sum kept days."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hubbub.analytics import Scope, daily, volume
from hubbub.store import open_store
from hubbub.topics import Topic, TopicStore
from hubbub.web.panels import PANELS
from hubbub.web.warm import warm_dashboards
from tests.analytics.conftest import SINCE, UNTIL, build_table


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("warm-home")
    with TopicStore(path) as topics:
        topics.add("default", Topic("Aurora", "aurora OR 极光", "brand"), by="test")
        topics.add("default", Topic("Nimbus", "nimbus", "competitor"), by="test")
        topics.add("other", Topic("Camera", "camera"), by="test")
    store = open_store(path)
    store.write_table(build_table())
    yield path, store
    store.close()


def test_every_topic_s_panels_are_computed_then_summed_from_kept_days(
    home: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, store = home
    # Three topics, each unfiltered and filtered on a platform.
    assert warm_dashboards(path, lambda: store) == 3 * 2 * len(PANELS)
    asked: list[str] = []
    arrow = store.arrow
    monkeypatch.setattr(
        store, "arrow", lambda sql, params=None: asked.append(sql) or arrow(sql, params)
    )
    for scope in (Scope("aurora OR 极光", SINCE, UNTIL), Scope("camera", platforms=("x",))):
        volume(store, scope, "day", "platform")
    assert asked == []  # every day of both was kept by the warming


def test_a_store_that_keeps_no_partials_is_not_warmed(home: Any) -> None:
    path, store = home
    daily.keep_no_partials(store)
    try:
        assert warm_dashboards(path, lambda: store) == 0
    finally:
        store._no_partials = False


def test_warming_stops_at_its_budget(home: Any) -> None:
    path, store = home
    assert warm_dashboards(Path(path), lambda: store, budget=0.0) == 0
