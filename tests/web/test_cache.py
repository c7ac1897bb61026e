"""Recent figures are reused for a minute, and never across a topic edit."""

from __future__ import annotations

import time
from urllib.parse import quote

from fastapi.testclient import TestClient

from hubbub.web.cache import FigureCache
from tests.web.conftest import FORM, WebWorld, sign_in


def test_entries_expire_and_the_least_recent_goes_first() -> None:
    cache = FigureCache(ttl=0.05, max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    time.sleep(0.06)
    assert cache.get("a") is None


def test_editing_a_topic_is_seen_at_once(app_client: TestClient, web_world: WebWorld) -> None:
    app_client.cookies.clear()
    sign_in(app_client, web_world.tokens["admin"])
    save = "name=Cache+probe&group=other&query="
    assert app_client.post("/w/default/topics", content=save + "aurora", headers=FORM).is_redirect
    url = "/w/default/topics/Cache%20probe/data/volume"
    before = app_client.get(url).json()["total"]
    assert app_client.get(url).json()["total"] == before  # from the cache
    edit = "original=Cache+probe&" + save + quote("zephyr")
    assert app_client.post("/w/default/topics", content=edit, headers=FORM).is_redirect
    assert app_client.get(url).json()["total"] != before
