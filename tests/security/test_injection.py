"""Injection: hostile text in posts, author handles, topic names, queries and filters can change
neither the HTML we render nor the SQL we run, through the web, the API and the CLI.

(The compiler's own guarantee, user text only as bound parameters, is tested on the store in
tests/query/test_store.py and tests/store/test_slices.py; these go through the front doors.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.cli.main import app as cli
from hubbub.models import Author, Post
from hubbub.store import open_store
from hubbub.topics import Topic, TopicStore
from tests.alerts.test_store import alert
from tests.web.conftest import sign_in

NOW = datetime.now(UTC).replace(microsecond=0)
# Each payload carries a marker; the raw markup must never reach a page unescaped.
XSS_TEXT = "aurora <script>alert('xss-text')</script> <img src=x onerror=alert('xss-img')>"
XSS_HANDLE = "<svg onload=alert('xss-handle')>"
XSS_NAME = "\"><script>alert('xss-name')</script>"
XSS_TOPIC = "<img src=x onerror=alert('xss-topic')>"  # topic names may not hold '/'
XSS_DESCRIPTION = "<b onmouseover=alert('xss-desc')>hover</b>"
RAW = ("<script>alert(", "<img src=x onerror", "<svg onload", "<b onmouseover", "javascript:alert")
SQL = [
    "' OR 1=1 --",
    "x') OR 1=1 --",
    "'); DROP TABLE hubbub.posts; --",
    "\\'; SELECT 1; --",
    "{q0:String}",
    "1; SELECT * FROM system.tables",
    '" OR ""="',
    "%' OR '%'='",
]
POSTS = 30


def _posts() -> list[Post]:
    normal = [
        Post(
            "weibo" if i % 2 else "x",
            f"n{i}",
            NOW - timedelta(hours=i + 2),
            text=f"aurora phone battery review {i}",
            author=Author(id=f"a{i}", handle=f"user{i}", name=f"User {i}"),
        )
        for i in range(POSTS)
    ]
    hostile = Post(
        "x",
        "hostile",
        NOW - timedelta(hours=1),
        text=XSS_TEXT,
        title=XSS_TEXT,
        url="javascript:alert('xss-url')",
        author=Author(
            id="evil", handle=XSS_HANDLE, name=XSS_NAME, url="javascript:alert('xss-author-url')"
        ),
    )
    return [*normal, hostile]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("injection")
    with open_store(home) as store:
        store.write(_posts())
    with TopicStore(home) as topics:
        topics.add("default", Topic(XSS_TOPIC, "aurora", "brand", XSS_DESCRIPTION), by="t")
    with AlertStore(home) as alerts:
        rule = alerts.add_rule(make_rule(XSS_TOPIC, "volume_spike", name=XSS_NAME), by="t")
        fired = dataclasses.replace(
            alert(0, topic=XSS_TOPIC, rule_id=rule.id or 1),
            summary=f"{XSS_TOPIC}: 80 posts",
            drivers={
                "top_posts": [{"platform_id": "hostile", "text": XSS_TEXT, "author": XSS_HANDLE}],
                "top_authors": [{"author": XSS_HANDLE, "posts": 3}],
                "top_terms": [{"term": XSS_TEXT, "score": 1.0}],
            },
        )
        alerts.save(fired, (), None)
    return home


@pytest.fixture(scope="module")
def token(home: Path) -> str:
    with TokenStore(home) as tokens:
        return tokens.create("default", "admin", "injection")[1]


def test_cli_takes_hostile_queries_as_text_and_prints_names_literally(home: Path) -> None:
    """First, while no test client holds the store (one process owns it at a time)."""
    runner = CliRunner()
    for payload in SQL:
        result = runner.invoke(cli, ["search", payload, "--home", str(home), "--format", "json"])
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 0:  # a valid (odd) query: it matched nothing, not everything
            assert "hostile" not in result.output and "n1" not in result.output
    stats = runner.invoke(cli, ["stats", "--json", "--home", str(home)])
    assert stats.exit_code == 0 and str(POSTS + 1) in stats.output
    # Rich markup in a topic name is printed as typed, not interpreted.
    added = runner.invoke(cli, ["topic", "add", "[red]pwn", "aurora", "--home", str(home)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["topic", "list", "--home", str(home)])
    assert "[red]pwn" in listed.output
    removed = runner.invoke(cli, ["topic", "rm", "[red]pwn", "--home", str(home)])
    assert removed.exit_code == 0, removed.output


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    with (
        open_store(home) as store,
        TestClient(create_app(home, store), follow_redirects=False) as test_client,
    ):
        yield test_client


def _pages() -> list[str]:
    name = quote(XSS_TOPIC, safe="")
    return [
        "/w/default/topics",
        f"/w/default/topics/{name}",
        f"/w/default/topics/{name}/posts",
        f"/w/default/topics/{name}/edit",
        f"/w/default/topics/{name}/sparkline",
        "/w/default/alerts",
        "/w/default/compare",
        "/w/default/sources",
    ]


def test_hostile_text_handles_and_names_are_escaped_in_every_page(
    client: TestClient, token: str
) -> None:
    sign_in(client, token)
    bodies = {}
    for path in _pages():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        bodies[path] = response.text
        for raw in RAW:
            assert raw not in response.text, (path, raw)
    everything = "".join(bodies.values())
    # The hostile values are there, escaped: the test looks at pages that show them.
    assert "&lt;img src=x onerror=alert(" in everything  # the topic name
    posts = bodies[f"/w/default/topics/{quote(XSS_TOPIC, safe='')}/posts"]
    assert "&lt;script&gt;alert(" in posts and "&lt;svg onload" in posts
    alerts = bodies["/w/default/alerts"]
    assert "&lt;img src=x onerror" in alerts
    assert 'href="javascript:' not in everything.replace(" ", "")


def test_panel_data_is_json_not_html(client: TestClient, token: str) -> None:
    sign_in(client, token)
    name = quote(XSS_TOPIC, safe="")
    for panel in ("authors", "terms", "hashtags", "volume"):
        response = client.get(f"/w/default/topics/{name}/data/{panel}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        orjson.loads(response.content)  # whatever it holds, it is data the charts escape


@pytest.mark.parametrize("payload", SQL)
def test_hostile_queries_and_filters_never_error_nor_widen_results(
    client: TestClient, token: str, payload: str
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    base = client.get("/v1/search", params={"q": "aurora", "limit": 100}, headers=auth)
    assert base.status_code == 200
    everything = len(base.json()["rows"])
    assert everything == POSTS + 1
    attempts = [
        {"q": payload},
        {"q": f'author:"{payload}"'},
        {"q": f'site:"{payload}"'},
        {"q": "aurora", "platform": payload},
        {"q": "aurora", "lang": payload},
        {"q": "aurora", "country": payload},
        {"q": "aurora", "sentiment": payload},
        {"q": "aurora", "since": payload},
        {"topic": payload},
    ]
    for params in attempts:
        for path in ("/v1/search", "/v1/stats", "/v1/analytics/volume", "/v1/analytics/authors"):
            response = client.get(path, params={**params, "limit": 100}, headers=auth)
            assert response.status_code in (200, 400, 404, 422), (path, params, response.text)
            assert "error" in response.json() or response.status_code == 200
            if path == "/v1/search" and response.status_code == 200:
                assert len(response.json()["rows"]) < everything, (params, "widened")
    bucket = orjson.dumps({"platform": payload}).decode()
    response = client.get("/v1/posts", params={"q": "aurora", "bucket": bucket}, headers=auth)
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        assert response.json()["posts"] == []
    # Nothing was dropped or changed.
    after = client.get("/v1/search", params={"q": "aurora", "limit": 100}, headers=auth)
    assert len(after.json()["rows"]) == everything


@pytest.mark.parametrize("payload", [*SQL[:3], XSS_TOPIC])
def test_hostile_topic_names_and_queries_round_trip_as_data(
    client: TestClient, token: str, payload: str
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    name = f"t {payload}".replace("/", "|")
    created = client.post("/v1/topics", json={"name": name, "query": "aurora"}, headers=auth)
    assert created.status_code == 201, created.text
    fetched = client.get(f"/v1/topics/{quote(name, safe='')}", headers=auth)
    assert fetched.status_code == 200 and fetched.json()["name"] == name
    counted = client.get("/v1/stats", params={"topic": name}, headers=auth)
    assert counted.status_code == 200, counted.text
    deleted = client.delete(f"/v1/topics/{quote(name, safe='')}", headers=auth)
    assert deleted.status_code == 200
