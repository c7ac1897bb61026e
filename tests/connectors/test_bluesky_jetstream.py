"""Bluesky Jetstream: event mapping, keyword filter, time_us cursor, reconnects, end to end."""

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from typer.testing import CliRunner
from websockets.sync.server import ServerConnection

from hubbub.cli.main import app
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.bluesky.jetstream_mapping import map_jetstream_event
from hubbub.connectors.http import RetryPolicy
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.errors import ConfigError, InvalidPost
from hubbub.query import search

from .conftest import fixture_bytes, local_websocket
from .fake_socket import FakeSocket, HandshakeRefused, SocketFactory

LINES = fixture_bytes("jetstream_events.jsonl").decode().splitlines()
EVENTS = [orjson.loads(line) for line in LINES]
T = 1772459000000000
QUERY = "hubbub OR 蜂鸣"


def jetstream(factory, fake_time, query=QUERY, options=None):  # type: ignore[no-untyped-def]
    config = SourceConfig("js", "bluesky_jetstream", query=query, options=options or {})
    return make_connector(
        config,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        env={},
        retry=RetryPolicy(attempts=3, base=1.0, cap=8.0, max_wait=120.0),
        connect=factory,
    )


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_post_events_map_like_search_results():
    reply = map_jetstream_event(EVENTS[1])
    did = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
    assert reply.platform == "bluesky"
    assert reply.platform_id == f"at://{did}/app.bsky.feed.post/3mpost00002"
    assert reply.kind == "reply" and reply.lang == "en"
    assert (
        reply.parent_id
        == reply.root_id
        == ("at://did:plc:cccccccccccccccccccccccc/app.bsky.feed.post/3mroot00001")
    )
    assert reply.author.id == did and reply.author.handle is None  # Jetstream sends no handle
    assert reply.url == f"https://bsky.app/profile/{did}/post/3mpost00002"
    assert reply.metrics.likes is None  # not known, not zero
    assert reply.created_at == datetime(2026, 3, 2, 13, 43, 21, 500000, tzinfo=UTC)
    assert reply.source == "connector:bluesky_jetstream"
    images = map_jetstream_event(EVENTS[2])
    assert images.hashtags == ["review"] and images.urls == ["https://example.org/r"]
    assert images.media[0].url == (
        "https://cdn.bsky.app/img/feed_fullsize/plain/"
        "did:plc:cccccccccccccccccccccccc/bafkreiimage1@jpeg"
    )
    quote = map_jetstream_event(EVENTS[9])
    assert quote.kind == "quote" and quote.repost_of == reply.platform_id


def test_events_that_are_not_posts_map_to_none_and_bad_ones_are_refused():
    like, delete, identity, account, repost = (EVENTS[i] for i in (0, 4, 5, 6, 8))
    assert all(map_jetstream_event(e) is None for e in (like, delete, identity, account, repost))
    with pytest.raises(InvalidPost, match="no record"):
        map_jetstream_event(EVENTS[7])
    with pytest.raises(InvalidPost, match="no did"):
        map_jetstream_event({**EVENTS[1], "did": "bob"})


def test_keyword_filter_and_time_us_cursor(importer, states, fake_time, store):
    socket = FakeSocket([*LINES, "not json"], fake_time)
    factory = SocketFactory(socket)
    with jetstream(factory, fake_time) as js:
        first = run_once(js, importer, states)
        assert js.bad_messages == 1
    # kept: 3 matching posts and 1 malformed post (rejected); dropped: the non-matching post,
    # likes, reposts, a deletion, identity and account events
    assert (first.fetched, first.stored, first.rejected) == (4, 3, 1)
    assert params(factory.urls[0]) == {"wantedCollections": ["app.bsky.feed.post"]}
    assert states.load("js").cursor == {"time_us": T + 600}
    # the filter and the store agree: the query finds exactly what the filter kept
    assert len(search(store, QUERY)) == 3 and not search(store, "lunch")

    again = SocketFactory(FakeSocket(LINES, fake_time))
    with jetstream(again, fake_time) as js:
        second = run_once(js, importer, states)
    assert params(again.urls[0])["cursor"] == [str(T + 600 - 5_000_000)]  # rewound 5 s
    assert second.stored == 0 and second.duplicates == 3
    assert store.count() == 3


def test_without_a_query_every_post_is_kept(importer, states, fake_time):
    with jetstream(SocketFactory(FakeSocket(LINES, fake_time)), fake_time, query=None) as js:
        result = run_once(js, importer, states)
    assert (result.stored, result.rejected) == (4, 1)


def test_reconnect_resumes_from_the_newest_event(importer, states, fake_time):
    first = FakeSocket(LINES[:3], fake_time, then_close=True)
    second = FakeSocket(LINES[3:], fake_time)
    factory = SocketFactory(first, second)
    options = {"rewind_seconds": "0", "duration": "30"}
    with jetstream(factory, fake_time, options=options) as js:
        result = run_once(js, importer, states)
    assert result.stored == 3 and result.error is None
    assert "cursor" not in params(factory.urls[0])
    assert params(factory.urls[1])["cursor"] == [str(T + 350)]


def test_429_with_retry_after_then_5xx_then_success(importer, states, fake_time):
    factory = SocketFactory(
        HandshakeRefused(429, retry_after=3), HandshakeRefused(502), FakeSocket(LINES, fake_time)
    )
    with jetstream(factory, fake_time) as js:
        result = run_once(js, importer, states)
    assert (result.stored, result.error) == (3, None) and len(factory.urls) == 3
    assert fake_time.sleeps[0] == 3 and 1.0 <= fake_time.sleeps[1] <= 2.0  # 2nd backoff


def test_backfill_and_bad_settings(importer, states, fake_time):
    factory = SocketFactory(FakeSocket(LINES, fake_time))
    since = datetime(2026, 3, 2, 12, tzinfo=UTC)
    with jetstream(factory, fake_time, options={"dids": "did:plc:aaa,did:web:b.example"}) as js:
        run_once(js, importer, states, since=since)
    assert params(factory.urls[0])["cursor"] == [str(int(since.timestamp()) * 1_000_000)]
    assert params(factory.urls[0])["wantedDids"] == ["did:plc:aaa", "did:web:b.example"]
    with pytest.raises(ConfigError, match="query cannot be read"):
        jetstream(factory, fake_time, query="a AND b OR c")
    with pytest.raises(ConfigError, match="dids must be DIDs"):
        jetstream(factory, fake_time, options={"dids": "alice.bsky.social"})
    with pytest.raises(ConfigError, match="duration"):
        jetstream(factory, fake_time, options={"duration": "soon"})


# ---- end to end: `hubbub source run` against a local Jetstream ----------------------------------
def replay(ws: ServerConnection) -> None:
    """A Jetstream: replays the recorded events from the cursor on, then stays open."""
    query = parse_qs(urlsplit(ws.request.path).query)
    assert query["wantedCollections"] == ["app.bsky.feed.post"]
    cursor = int(query.get("cursor", ["0"])[0])
    for line, event in zip(LINES, EVENTS, strict=True):
        if event["time_us"] >= cursor:
            ws.send(line)
    for _ in ws:
        pass


@pytest.fixture
def local_jetstream() -> Iterator[str]:
    with local_websocket(replay) as url:
        yield url


@pytest.mark.slow  # real sockets and a real listening time (~4 s)
def test_source_run_twice_end_to_end(tmp_path, local_jetstream):
    runner = CliRunner()
    home = str(tmp_path)

    def hubbub(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [*args, "--home", home], catch_exceptions=False)

    added = hubbub(
        "source", "add", "js", "--type", "bluesky_jetstream", "-q", QUERY,
        "--base-url", local_jetstream, "--set", "max_items=4", "--set", "duration=30",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    runs = []
    for _ in range(2):
        ran = hubbub("source", "run", "js", "--once", "--no-enrich", "--json")
        assert ran.exit_code == 0, ran.output
        runs.append(orjson.loads(ran.stdout)[0])
    assert (runs[0]["stored"], runs[0]["rejected"]) == (3, 1)
    assert (runs[1]["stored"], runs[1]["duplicates"]) == (0, 3)
    listed = orjson.loads(hubbub("source", "list", "--json").stdout)
    assert listed[0]["items_total"] == 3 and listed[0]["status"] == "ok"
