"""The streaming helper: SSE parsing, bounds, reconnects and backoff, clean stops, fan-in."""

import socket
from collections.abc import Iterator

import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.http import RetryPolicy
from hubbub.connectors.stream import (
    HandshakeRefused,
    SseEvent,
    StreamBounds,
    StreamClosed,
    StreamContext,
    StreamingConnector,
    merged,
    reconnecting,
    sse_events,
    websocket_connect,
)
from hubbub.errors import ConfigError, SourceAuthError, SourceTerminal, SourceTransient

from .conftest import FakeTime, local_websocket


def test_sse_events_follow_the_event_stream_format():
    lines = [
        ":thump",
        "",
        "event: update",
        'data: {"a":',
        "data: 1}",
        "id: 7",
        "",
        "data:no space",
        "",
        "event: delete\r",
        "data: 42",
    ]
    assert list(sse_events(lines)) == [
        None,  # a comment: a heartbeat
        SseEvent("update", '{"a":\n1}', "7"),
        SseEvent("message", "no space", "7"),
        SseEvent("delete", "42", "7"),  # cut off before its blank line: still delivered
    ]


def test_bounds_from_options():
    assert StreamBounds.from_options({}, once=True).duration == 60.0
    assert StreamBounds.from_options({}, once=False).duration is None  # until interrupted
    limited = StreamBounds.from_options({"max_items": "5"}, once=True)
    assert limited.duration is None and limited.max_items == 5
    with pytest.raises(ConfigError, match="duration='-1' must be greater than 0"):
        StreamBounds.from_options({"duration": "-1"}, once=True)


def context(fake_time: FakeTime, seconds: float | None = 60.0, attempts: int = 3) -> StreamContext:
    return StreamContext(
        "src",
        RetryPolicy(attempts=attempts, base=1.0, cap=8.0, max_wait=100.0),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        rand=lambda: 0.0,
        deadline=None if seconds is None else fake_time.now + seconds,
    )


def scripted(*sessions: list[str] | Exception):  # type: ignore[no-untyped-def]
    queue = list(sessions)

    def open_session() -> Iterator[str | None]:
        session = queue.pop(0) if queue else StreamClosed("gone")
        if isinstance(session, Exception):
            raise session
        yield from session

    return open_session


def test_reconnects_with_backoff_and_gives_up_after_the_attempts(fake_time):
    ctx = context(fake_time)
    got = []
    with pytest.raises(SourceTransient, match="3 tries in a row"):
        for message in reconnecting(scripted(["a"], ["b", "c"]), ctx):
            got.append(message)
    assert got == ["a", "b", "c"]
    # a message resets the count: after each of the two sessions that ended, the first
    # backoff (0.5 s with jitter 0); then 1 s after the 3rd connect fails; the 4th gives up.
    assert fake_time.sleeps == [0.5, 0.5, 1.0]


def test_refused_handshakes_are_sorted_like_http(fake_time):
    with pytest.raises(SourceAuthError, match="credentials"):
        list(reconnecting(scripted(HandshakeRefused(401)), context(fake_time)))
    with pytest.raises(SourceTerminal, match="HTTP 404"):
        list(reconnecting(scripted(HandshakeRefused(404)), context(fake_time)))
    waits = scripted(HandshakeRefused(503, retry_after=4), ["ok"])
    assert next(m for m in reconnecting(waits, context(fake_time)) if m) == "ok"
    assert fake_time.sleeps[0] == 4


def test_the_run_ends_instead_of_waiting_past_its_deadline(fake_time):
    ctx = context(fake_time, seconds=10)
    sessions = scripted(["a"], HandshakeRefused(429, retry_after=30))
    assert list(reconnecting(sessions, ctx)) == ["a"]  # no error: the run was over anyway
    assert fake_time.sleeps == [0.5]


class Counting(StreamingConnector):
    type = "counting"
    platform = "test"
    archive_name = "test"
    default_base_url = ""

    @staticmethod
    def map(raw):  # type: ignore[no-untyped-def]
        return None

    def fetch(self, cursor, since=None):  # type: ignore[no-untyped-def]
        seen = 0

        def handle(message: int) -> list[dict]:
            nonlocal seen
            seen = message
            return [{"n": message}]

        def messages() -> Iterator[int | None]:
            yield 1
            yield None
            self._clock_now.now += 6  # a quiet stream: the flush time passes
            yield None
            yield 2
            raise KeyboardInterrupt  # Ctrl-C

        return self.pages(messages(), self.bounds(), handle, lambda: {"n": seen})


def test_pages_flush_on_time_and_ctrl_c_ends_the_run_cleanly(fake_time):
    source = Counting(SourceConfig("c", "counting"), clock=fake_time.clock, once=False)
    source._clock_now = fake_time  # type: ignore[attr-defined]
    pages = list(source.fetch({}))
    assert [(p.items, p.cursor) for p in pages] == [
        ([{"n": 1}], {"n": 1}),  # flushed after 5 s of waiting
        ([{"n": 2}], {"n": 2}),  # the last page, after Ctrl-C, with its cursor
    ]


def test_merged_streams_keep_going_when_one_fails(fake_time):
    ctx = context(fake_time)

    def good() -> Iterator[str | None]:
        yield from ["a", None, "b"]

    def bad() -> Iterator[str | None]:
        raise SourceTerminal("src: b.example refused")
        yield None

    got = []
    with pytest.raises(SourceTerminal, match=r"b\.example refused"):
        for item in merged({"good": good, "bad": bad}, ctx):
            if item is not None:
                got.append(item)
    assert got == [("good", "a"), ("good", "b")]


def test_the_real_websocket_client_sorts_refusals_and_failures():
    def refuse(connection, request):  # type: ignore[no-untyped-def]
        return connection.respond(429, "slow down\n")

    with local_websocket(lambda ws: None, process_request=refuse) as url:
        with pytest.raises(HandshakeRefused) as refused:
            websocket_connect(f"{url}/", {})
        assert refused.value.status == 429 and "slow down" in str(refused.value)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    with pytest.raises(StreamClosed, match="cannot connect"):
        websocket_connect(f"ws://127.0.0.1:{free}/", {})
    with pytest.raises(ConfigError, match="not a WebSocket URL"):
        websocket_connect("http://127.0.0.1/", {})
