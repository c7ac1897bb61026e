"""A cached answer outlives its TTL while no write reaches the window it reads; identical
requests in flight share one computation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.api.service import Service
from hubbub.auth import TokenStore
from hubbub.demo import generate
from hubbub.models import Post
from hubbub.store import EmbeddedStore, open_store
from hubbub.topics import load_demo_topics

WINDOW = {"topic": "Aurora", "since": "2026-10-05", "until": "2026-10-12"}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cache-home")
    with open_store(home) as store:
        store.write(list(generate(posts=400, seed=11)))
    load_demo_topics(home)
    return home


@pytest.fixture(scope="module")
def store(home: Path) -> Iterator[EmbeddedStore]:
    opened = open_store(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def app(home: Path, store: EmbeddedStore) -> Any:
    app = create_app(home, store)
    app.state.api_figures.ttl = 1e-9  # every entry is past its TTL: only validity keeps it
    return app


@pytest.fixture(scope="module")
def headers(home: Path) -> dict[str, str]:
    with TokenStore(home) as tokens:
        return {"Authorization": f"Bearer {tokens.create('default', 'viewer', 't')[1]}"}


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def aurora_post(pid: str, when: datetime) -> Post:
    return Post(platform="x", platform_id=pid, created_at=when, text="Aurora X5 hands-on")


def ask(client: TestClient, headers: dict[str, str], path: str, **params: str) -> Any:
    answer = client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


def test_a_past_window_stays_valid_while_newer_posts_arrive(client, headers, store) -> None:
    first = ask(client, headers, "/v1/analytics/volume", **WINDOW)
    assert ask(client, headers, "/v1/analytics/volume", **WINDOW).headers["x-hubbub-cache"] == "hit"
    store.write([aurora_post("cache-new", datetime(2026, 11, 20, tzinfo=UTC))])
    again = ask(client, headers, "/v1/analytics/volume", **WINDOW)
    assert again.headers["x-hubbub-cache"] == "hit" and again.json() == first.json()
    # The same question without `until` reads the new post: recomputed.
    open_ended = {k: v for k, v in WINDOW.items() if k != "until"}
    before = ask(client, headers, "/v1/analytics/volume", **open_ended).json()["total"]
    store.write([aurora_post("cache-newer", datetime(2026, 11, 21, tzinfo=UTC))])
    after = ask(client, headers, "/v1/analytics/volume", **open_ended)
    assert after.headers["x-hubbub-cache"] == "miss" and after.json()["total"] == before + 1
    # A post inside the window makes its entry stale at once.
    store.write([aurora_post("cache-inside", datetime(2026, 10, 8, tzinfo=UTC))])
    inside = ask(client, headers, "/v1/analytics/volume", **WINDOW)
    assert inside.headers["x-hubbub-cache"] == "miss"
    assert inside.json()["total"] == first.json()["total"] + 1


def test_comparisons_with_the_period_before_depend_on_earlier_posts(client, headers, store) -> None:
    params = {**WINDOW, "kind": "hashtags", "trend": "true"}
    ask(client, headers, "/v1/analytics/top", **params)
    assert ask(client, headers, "/v1/analytics/top", **params).headers["x-hubbub-cache"] == "hit"
    store.write([aurora_post("cache-before", datetime(2026, 10, 1, tzinfo=UTC))])
    assert ask(client, headers, "/v1/analytics/top", **params).headers["x-hubbub-cache"] == "miss"


def test_a_page_of_posts_is_shared_the_same_way(client, headers, store) -> None:
    params = {**WINDOW, "limit": "5"}
    ask(client, headers, "/v1/posts", **params)
    store.write([aurora_post("cache-later", datetime(2026, 11, 22, tzinfo=UTC))])
    assert ask(client, headers, "/v1/posts", **params).headers["x-hubbub-cache"] == "hit"


def test_identical_requests_in_flight_share_one_computation(app, headers, monkeypatch) -> None:
    calls: list[str] = []
    started = threading.Event()
    release = threading.Event()
    analyze = Service.analyze

    def slow_analyze(self: Service, name: str, scope: Any, **params: Any) -> Any:
        calls.append(name)
        started.set()
        release.wait(10)  # every request arrives while the first is computed
        return analyze(self, name, scope, **params)

    monkeypatch.setattr(Service, "analyze", slow_analyze)
    params = {**WINDOW, "by": "lang", "sentiment": "negative"}

    async def crowd() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            asks = [
                asyncio.ensure_future(
                    http.get("/v1/analytics/breakdown", params=params, headers=headers)
                )
                for _ in range(5)
            ]
            while not started.is_set():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)  # the other four are waiting by now
            release.set()
            return list(await asyncio.gather(*asks))

    answers = asyncio.run(crowd())
    assert [a.status_code for a in answers] == [200] * 5
    states = sorted(a.headers["x-hubbub-cache"] for a in answers)
    assert states == ["miss"] + ["shared"] * 4
    assert calls == ["breakdown"]
    assert len({a.content for a in answers}) == 1
