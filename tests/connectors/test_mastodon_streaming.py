"""Mastodon streaming (SSE): several servers, host discovery, keyword filter, catch-up, e2e."""

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.http import RetryPolicy
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector

from .conftest import FixtureHandler, Server, fixture_bytes, fixture_json, local_server

SSE = fixture_bytes("mastodon_stream.sse")
TIMELINE = fixture_json("mastodon_tag_timeline.json")
NEWEST_STREAMED = "113000000000000012"


def streaming_api(request: httpx.Request) -> httpx.Response:
    """Two servers: a.example streams from streaming.a.example, b.example from itself. Each
    stream delivers the recording once; reconnecting is then refused with a long Retry-After,
    which ends a short run cleanly."""
    host, path = request.url.host, request.url.path
    if path == "/api/v2/instance":
        if host == "a.example":
            urls = {"streaming": "wss://streaming.a.example"}
            return httpx.Response(200, json={"configuration": {"urls": urls}})
        return httpx.Response(404, json={"error": "Not found"})
    if path.startswith("/api/v1/timelines/"):
        min_id = int(request.url.params["min_id"])
        return httpx.Response(200, json=[s for s in TIMELINE if int(s["id"]) > min_id])
    assert path.startswith("/api/v1/streaming/") and host in ("streaming.a.example", "b.example")
    served = streaming_api.served  # type: ignore[attr-defined]
    if (host, path) in served:
        return httpx.Response(503, headers={"Retry-After": "600"})
    served.add((host, path))
    return httpx.Response(200, content=SSE, headers={"Content-Type": "text/event-stream"})


@pytest.fixture(autouse=True)
def fresh_server():  # type: ignore[no-untyped-def]
    streaming_api.served = set()  # type: ignore[attr-defined]


def streamer(server, fake_time, query="#hubbub", instances=("a.example", "b.example"), **options):  # type: ignore[no-untyped-def]
    config = SourceConfig(
        "ms",
        "mastodon_stream",
        query=query,
        instances=list(instances),
        options={"duration": "20", "min_interval": "0", **options},
    )
    return make_connector(
        config,
        transport=server.transport,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        env={"HUBBUB_MASTODON_TOKEN": "tok"},
        retry=RetryPolicy(attempts=5, base=1.0, cap=8.0, max_wait=900.0),
    )


def test_hashtag_streams_of_two_servers(importer, states, fake_time, store):
    server = Server(streaming_api)
    with streamer(server, fake_time) as ms:
        result = run_once(ms, importer, states)
    # per server: 4 statuses (one an edit of another) and one broken event; the same posts
    # seen through both servers are stored once
    assert (result.fetched, result.stored, result.rejected, result.error) == (10, 3, 2, None)
    assert result.duplicates == 5
    streams = [r for r in server.requests if "/streaming/" in r.url.path]
    assert {(r.url.host, r.url.path, r.url.params["tag"]) for r in streams} == {
        ("streaming.a.example", "/api/v1/streaming/hashtag", "hubbub"),
        ("b.example", "/api/v1/streaming/hashtag", "hubbub"),
    }
    assert all(r.headers["Authorization"] == "Bearer tok" for r in streams)
    cursor = states.load("ms").cursor["instances"]
    assert cursor == {
        "https://a.example": {"min_id": NEWEST_STREAMED},
        "https://b.example": {"min_id": NEWEST_STREAMED},
    }
    assert store.count() == 3


def test_words_filter_the_public_stream(importer, states, fake_time):
    server = Server(streaming_api)
    with streamer(server, fake_time, query="hubbub", instances=["a.example"], local="true") as ms:
        result = run_once(ms, importer, states)
    # kept: the #hubbub post, its edit, "hubbub team" and the broken event (rejected)
    assert (result.stored, result.rejected, result.fetched) == (2, 1, 4)
    assert {r.url.path for r in server.requests if "/streaming/" in r.url.path} == {
        "/api/v1/streaming/public/local"
    }


def test_a_later_run_catches_up_through_rest_then_listens(importer, states, fake_time):
    state = states.load("ms")
    state.cursor = {"instances": {"https://a.example": {"min_id": "113000000000000001"}}}
    states.save("ms", state)
    server = Server(streaming_api)
    with streamer(server, fake_time, instances=["a.example"]) as ms:
        result = run_once(ms, importer, states)
    rest = [r for r in server.requests if "/timelines/" in r.url.path]
    assert [r.url.params["min_id"] for r in rest] == ["113000000000000001"]
    assert result.stored == 3 + 2  # 2 newer statuses from REST (one a boost), 3 streamed
    assert states.load("ms").cursor["instances"]["https://a.example"] == {"min_id": NEWEST_STREAMED}


def test_refused_stream_names_the_token_variable(importer, states, fake_time):
    def handler(request: httpx.Request) -> httpx.Response:
        if "/streaming/" in request.url.path:
            return httpx.Response(401, json={"error": "This method requires an authenticated user"})
        return httpx.Response(404)

    with streamer(Server(handler), fake_time, instances=["a.example"]) as ms:
        result = run_once(ms, importer, states)
    assert result.error_kind == "auth"
    assert "HUBBUB_MASTODON_TOKEN_A_EXAMPLE" in result.error and "authenticated" in result.error


# ---- end to end --------------------------------------------------------------------------------
class LocalMastodon(FixtureHandler):
    """Serves the recorded stream, then keeps it open with heartbeats until the client leaves."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith("/api/v1/timelines/tag/"):
            min_id = int(parse_qs(url.query)["min_id"][0])
            self.send_json([s for s in TIMELINE if int(s["id"]) > min_id])
            return
        if url.path != "/api/v1/streaming/hashtag":
            self.send_json({}, status=404)
            return
        self.send_response(200)  # no length: the stream lasts until one side leaves
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(SSE)
            for _ in range(100):  # at most 20 s
                self.wfile.write(b":thump\n\n")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client left


@pytest.fixture
def local_mastodon() -> Iterator[str]:
    with local_server(LocalMastodon) as base_url:
        yield base_url


@pytest.mark.slow  # real sockets and a real listening time (~4 s)
def test_source_run_twice_end_to_end(tmp_path, local_mastodon):
    runner = CliRunner()
    home = str(tmp_path)

    def hubbub(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [*args, "--home", home], catch_exceptions=False)

    added = hubbub(
        "source", "add", "ms", "--type", "mastodon_stream", "-q", "#hubbub",
        "-i", local_mastodon, "--set", "max_items=5", "--set", "duration=30",
        "--set", "min_interval=0",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    runs = []
    for _ in range(2):
        ran = hubbub("source", "run", "ms", "--once", "--no-enrich", "--json")
        assert ran.exit_code == 0, ran.output
        runs.append(orjson.loads(ran.stdout)[0])
    assert (runs[0]["stored"], runs[0]["rejected"], runs[0]["duplicates"]) == (3, 1, 1)
    assert runs[1]["stored"] == 0 and runs[1]["error"] is None
    listed = orjson.loads(hubbub("source", "list", "--json").stdout)
    assert listed[0]["items_total"] == 3 and listed[0]["status"] == "ok"
