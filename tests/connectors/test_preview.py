"""`hubbub source test`: one request (or a bounded stream read), mapped, nothing stored."""

import httpx
import orjson

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.cursors import SourceState
from hubbub.connectors.preview import preview
from hubbub.connectors.stream import SAMPLE_SECONDS

from .conftest import START, Server, connector_for, fixture_bytes, fixture_json
from .fake_socket import FakeSocket, SocketFactory
from .test_bluesky_jetstream import LINES, jetstream

PAGE1 = fixture_json("hn_search_page1.json")


def hn_config() -> SourceConfig:
    return SourceConfig("hn", "hackernews", query="hubbub", options={"hits_per_page": "2"})


def test_first_page_only_mapped_with_rejects(fake_time, tmp_path):
    bad = {"created_at_i": 1772445000}  # no objectID
    server = Server(lambda r: httpx.Response(200, json={**PAGE1, "hits": [*PAGE1["hits"], bad]}))
    with connector_for(hn_config(), server, fake_time) as hn:
        result = preview(hn, {})
    # A full page would make a run ask for the next one; the test stops after one request.
    assert len(server.requests) == 1 and result.requests == 1
    assert [row["id"] for row in result.rows()] == ["9000003", "9000001"]
    assert result.fetched == 3 and result.rejected == ["Hacker News hit has no numeric objectID"]
    row = result.rows()[0]
    assert row["platform"] == "hackernews" and row["created_at"].startswith("2026-03-02T10:00:05")
    assert row["author"] and len(row["text"]) <= 80
    assert orjson.loads(orjson.dumps(result.to_dict()))["posts"][0]["id"] == "9000003"
    assert not list(tmp_path.iterdir())  # nothing written anywhere


def test_the_saved_cursor_is_used_and_not_changed(fake_time):
    server = Server(lambda r: httpx.Response(200, json={"hits": []}))
    cursor = {"created_at_i": 1772445605}
    with connector_for(hn_config(), server, fake_time) as hn:
        result = preview(hn, cursor)
    assert "created_at_i>1772445605" in server.requests[0].url.params["numericFilters"]
    assert result.posts == [] and cursor == {"created_at_i": 1772445605}


def test_a_stream_is_read_briefly_and_filtered_like_a_run(fake_time):
    socket = FakeSocket(LINES, fake_time)  # then stays quiet, as a real stream may
    with jetstream(SocketFactory(socket), fake_time) as js:
        result = preview(js, {"time_us": 1})
        assert js._sample_bounds is None and js.bounds().duration == 60.0
    # the keyword filter keeps 3 posts and 1 malformed post, as in a run
    assert (len(result.posts), len(result.rejected), result.requests) == (3, 1, 1)
    assert fake_time.now - START <= SAMPLE_SECONDS + 1  # a glimpse, not a 60 s run
    assert socket.closed


def test_a_stream_stops_at_the_sample_size(fake_time):
    many = [LINES[1]] * 50  # one matching post, again and again
    with jetstream(SocketFactory(FakeSocket(many, fake_time)), fake_time, query=None) as js:
        result = preview(js, {})
    assert result.fetched == 20


def test_cli_prints_the_table_and_writes_nothing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from hubbub.cli.main import app
    from hubbub.connectors.cursors import StateStore
    from hubbub.connectors.sources import add_source

    add_source(tmp_path, SourceConfig("feed", "rss", url="http://feeds.example/feed.rss"))
    StateStore(tmp_path).save("feed", SourceState(cursor={"etag": '"v1"'}))
    before = (tmp_path / "connectors" / "feed.json").read_bytes()
    body = fixture_bytes("feed_latin1.rss")
    server = Server(lambda r: httpx.Response(200, content=body))
    monkeypatch.setattr(
        "hubbub.cli.source_cmd.make_connector",
        lambda config: connector_for(config, server, _no_wait()),
    )
    runner = CliRunner()
    shown = runner.invoke(app, ["source", "test", "feed", "--home", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "a run would collect 2 posts from 2 items" in shown.stdout
    assert "news" in shown.stdout and "Nothing was stored" in shown.stdout
    assert server.requests[0].headers["If-None-Match"] == '"v1"'
    assert (tmp_path / "connectors" / "feed.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["connectors", "hubbub.toml"]
    as_json = runner.invoke(app, ["source", "test", "feed", "--json", "--home", str(tmp_path)])
    assert len(orjson.loads(as_json.stdout)["posts"]) == 2


def _no_wait():  # type: ignore[no-untyped-def]
    from .conftest import FakeTime

    return FakeTime()
