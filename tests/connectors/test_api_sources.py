"""The HTTP API of sources: `GET /v1/sources` (health) and the Zeeschuimer bridge."""

from collections.abc import Iterator

import orjson
import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.cli.main import app as cli
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.cursors import Health, SourceState, StateStore
from hubbub.connectors.sources import add_source, health_report

from .conftest import fixture_bytes

UPLOAD = fixture_bytes("zeeschuimer_tiktok_upload.ndjson")


@pytest.fixture
def api(tmp_path, store, monkeypatch) -> Iterator[tuple[TestClient, dict[str, str]]]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HUBBUB_ENRICHERS", "")  # mapping and storing are what is tested here
    with TokenStore(tmp_path) as tokens:
        made = {role: tokens.create("default", role, role)[1] for role in ("analyst", "viewer")}
    with TestClient(create_app(tmp_path, store)) as client:
        yield client, made


def test_sources_route_serves_what_source_list_prints(api, tmp_path):
    client, tokens = api
    add_source(tmp_path, SourceConfig("rd", "reddit", options={"subreddit": "python"}))
    add_source(tmp_path, SourceConfig("yt", "youtube", query="hubbub"))
    health = Health(
        last_run_at="2026-03-02T14:00:00Z",
        last_error="rd: HTTP 401 Unauthorized: set HUBBUB_REDDIT_CLIENT_ID",
        last_error_kind="auth",
        consecutive_failures=2,
    )
    StateStore(tmp_path).save("rd", SourceState(health=health))
    answer = client.get("/v1/sources", headers={"Authorization": f"Bearer {tokens['viewer']}"})
    assert answer.status_code == 200
    sources = answer.json()["sources"]
    assert [(s["name"], s["type"], s["status"]) for s in sources] == [
        ("rd", "reddit", "failing"),
        ("yt", "youtube", "never run"),
    ]
    assert sources[0]["last_error_kind"] == "auth" and sources[0]["consecutive_failures"] == 2
    assert sources == health_report(tmp_path)  # one function behind the API and the CLI
    from typer.testing import CliRunner

    printed = CliRunner().invoke(cli, ["source", "list", "--json", "--home", str(tmp_path)])
    assert orjson.loads(printed.stdout) == sources
    refused = client.get("/v1/sources")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"


def test_zeeschuimer_upload_imports_once_and_the_status_poll_answers(api, store):
    client, tokens = api
    headers = {
        "X-Zeeschuimer-Platform": "tiktok.com",
        "Content-Type": "application/x-ndjson",
        "Authentication": tokens["analyst"],  # 4CAT's raw-token header
    }
    first = client.post("/api/import-dataset/", content=UPLOAD, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["imported"], body["duplicates"], body["rejected"]) == (3, 0, 1)
    assert store.count() == 3
    again = client.post("/api/import-dataset/", content=UPLOAD, headers=headers)
    assert again.json()["key"] == body["key"]  # the same bytes, the same upload
    assert (again.json()["imported"], again.json()["duplicates"]) == (0, 3)
    assert store.count() == 3

    poll = client.get(f"/api/check-query/?key={body['key']}&access-token={tokens['viewer']}")
    status = poll.json()
    assert status["done"] is True and status["rows"] == 3 and status["datasource"] == "tiktok.com"
    assert status["url"].endswith(f"/api/check-query/?key={body['key']}")
    posts = client.get(
        "/v1/posts",
        params={"platform": "tiktok"},
        headers={"Authorization": f"Bearer {tokens['viewer']}"},
    )
    handles = {p["author_handle"] for p in posts.json()["posts"]}
    assert handles == {"run_with_mei", "kickscheck"}


def test_zeeschuimer_cookie_from_connect_is_accepted_like_4cats_session(api):
    client, tokens = api
    connected = client.get(f"/api/zeeschuimer/connect?access-token={tokens['analyst']}")
    assert connected.status_code == 200 and "hubbub_upload" in connected.cookies
    upload = client.post(
        "/api/import-dataset/", content=UPLOAD, headers={"X-Zeeschuimer-Platform": "tiktok.com"}
    )
    assert upload.status_code == 200 and upload.json()["imported"] == 3


def test_zeeschuimer_refusals_are_clear(api):
    client, tokens = api
    anonymous = client.post(
        "/api/import-dataset/", content=UPLOAD, headers={"X-Zeeschuimer-Platform": "tiktok.com"}
    )
    assert anonymous.status_code == 401 and "connect" in anonymous.json()["error"]["message"]
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    forbidden = client.post(
        "/api/import-dataset/",
        content=UPLOAD,
        headers={**viewer, "X-Zeeschuimer-Platform": "tiktok.com"},
    )
    assert forbidden.status_code == 403
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    unknown = client.post(
        "/api/import-dataset/",
        content=UPLOAD,
        headers={**analyst, "X-Zeeschuimer-Platform": "9gag.com"},
    )
    # Zeeschuimer looks for this sentence to tell the user the platform is not accepted.
    assert unknown.status_code == 404
    assert "Unknown platform or source format" in unknown.text
    missing = client.post("/api/import-dataset/", content=UPLOAD, headers=analyst)
    assert (
        missing.status_code == 400
        and "X-Zeeschuimer-Platform" in missing.json()["error"]["message"]
    )
    no_such = client.get("/api/check-query/?key=abc123", headers=analyst)
    assert no_such.status_code == 400 and "no upload" in no_such.json()["error"]["message"]
