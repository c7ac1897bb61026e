"""Reddit, YouTube, X and Weibo end to end: `hubbub source add`, then `source run` twice,
against a local HTTP server (127.0.0.1 only) serving each API's documented payloads at the
source's configured base URL. The first run collects everything, the second adds nothing."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app

from .conftest import FixtureHandler, fixture_json, local_server

runner = CliRunner()
X_NEWEST = "1897000000000000003"
WEIBO_NEWEST = "5270000000000003"


class PlatformAPIs(FixtureHandler):
    """Four APIs under one local server, told apart by the first path segment."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        assert self.path == "/reddit/api/v1/access_token"
        assert form == {"grant_type": ["client_credentials"]}
        assert self.headers["Authorization"].startswith("Basic ")
        self.send_json(fixture_json("reddit_token.json"))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path == "/reddit/r/socialmedia/new":
            assert self.headers["Authorization"] == "Bearer eyJhbGciOiJSUzI1NiJ9.app-only"
            page = "reddit_new_page2.json" if query.get("after") else "reddit_new_page1.json"
            self.send_json(fixture_json(page))
        elif path == "/youtube/v3/search":
            page = (
                "youtube_search_page2.json" if "pageToken" in query else "youtube_search_page1.json"
            )
            self.send_json(fixture_json(page))
        elif path == "/youtube/v3/commentThreads":
            if query["videoId"] == "vid00000003":
                self.send_json(fixture_json("youtube_threads.json"))
            else:
                self.send_json({"kind": "youtube#commentThreadListResponse", "items": []})
        elif path == "/x/2/tweets/search/recent":
            assert self.headers["Authorization"] == "Bearer x-test-token"
            if query.get("since_id") == X_NEWEST:
                self.send_json({"meta": {"result_count": 0}})
            else:
                page = "x_search_page2.json" if "next_token" in query else "x_search_page1.json"
                self.send_json(fixture_json(page))
        elif path == "/weibo/2/statuses/user_timeline.json":
            assert query["access_token"] == "weibo-test-token"
            if query.get("since_id") == WEIBO_NEWEST:
                self.send_json({"statuses": []})
            else:
                page = (
                    "weibo_open_timeline_page2.json"
                    if "max_id" in query
                    else "weibo_open_timeline_page1.json"
                )
                self.send_json(fixture_json(page))
        else:
            self.send_error(404)


@pytest.fixture
def api(monkeypatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    for name, value in {
        "HUBBUB_REDDIT_CLIENT_ID": "app-id",
        "HUBBUB_REDDIT_CLIENT_SECRET": "app-secret",
        "HUBBUB_YOUTUBE_API_KEY": "AIza-test",
        "HUBBUB_X_BEARER_TOKEN": "x-test-token",
        "HUBBUB_WEIBO_ACCESS_TOKEN": "weibo-test-token",
    }.items():
        monkeypatch.setenv(name, value)
    with local_server(PlatformAPIs) as base_url:
        yield base_url


def hubbub(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        (
            "rd",
            [
                "--type",
                "reddit",
                "--base-url",
                "{api}/reddit",
                "--set",
                "subreddit=socialmedia",
                "--set",
                "token_url={api}/reddit/api/v1/access_token",
            ],
            3,
        ),
        (
            "yt",
            [
                "--type",
                "youtube",
                "-q",
                "hubbub",
                "--base-url",
                "{api}/youtube/v3",
                "--set",
                "follow_days=100000",
            ],
            6,
        ),
        ("xs", ["--type", "x", "-q", "hubbub lang:en", "--base-url", "{api}/x"], 3),
        (
            "wb",
            [
                "--type",
                "weibo",
                "--base-url",
                "{api}/weibo/2",
                "--set",
                "uid=1700000002",
                "--set",
                "count=2",
            ],
            3,
        ),
    ],
)
def test_add_run_twice_collects_once(tmp_path, api, name, args, expected):
    home = str(tmp_path)
    options = [a.replace("{api}", api) for a in args]
    added = hubbub("source", "add", name, *options, "--set", "min_interval=0", "--home", home)
    assert added.exit_code == 0, added.output

    # The fixtures are from March 2026: a backfill reaches them, whatever today's date is.
    first = hubbub(
        "source",
        "run",
        name,
        "--no-enrich",
        "--json",
        "--backfill-since",
        "2026-03-01",
        "--home",
        home,
    )
    assert first.exit_code == 0, first.output
    result = orjson.loads(first.stdout)[0]
    assert (result["stored"], result["error"]) == (expected, None)

    second = hubbub("source", "run", name, "--no-enrich", "--json", "--home", home)
    assert second.exit_code == 0, second.output
    again = orjson.loads(second.stdout)[0]
    assert again["stored"] == 0 and again["error"] is None

    listed = orjson.loads(hubbub("source", "list", "--json", "--home", home).stdout)
    assert [(s["name"], s["status"], s["items_total"]) for s in listed] == [(name, "ok", expected)]
    stats = orjson.loads(hubbub("stats", "--json", "--home", home).stdout)
    assert stats["total"] == expected  # stored once, whatever the runs fetched twice
