"""The connectors' HTTP client: retries, backoff with jitter, Retry-After, rate-limit headers."""

import httpx
import pytest

from hubbub.connectors.http import HttpClient, RetryPolicy, reset_time, retry_after
from hubbub.errors import SourceAuthError, SourceTerminal, SourceTransient

from .conftest import START, FakeTime, Server


def client(server: Server, fake_time: FakeTime, **kwargs) -> HttpClient:  # type: ignore[no-untyped-def]
    kwargs.setdefault("retry", RetryPolicy(attempts=4, base=1.0, cap=8.0, max_wait=60.0))
    return HttpClient(
        "https://api.example",
        source="test",
        transport=server.transport,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        rand=lambda: 0.5,
        **kwargs,
    )


def replies(*responses):  # type: ignore[no-untyped-def]
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return Server(handler)


def test_5xx_and_connect_errors_back_off_exponentially_with_jitter(fake_time):
    server = replies(
        httpx.Response(500),
        httpx.ConnectError("refused"),
        httpx.Response(502),
        httpx.Response(200, json={"ok": True}),
    )
    assert client(server, fake_time).get_json("/x") == {"ok": True}
    assert fake_time.sleeps == [0.75, 1.5, 3.0]  # half fixed + half jittered (rand 0.5)


def test_retry_after_is_honoured_in_seconds_and_as_a_date(fake_time):
    server = replies(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503, headers={"Retry-After": "Mon, 02 Mar 2026 14:00:20 GMT"}),
        httpx.Response(200, json=[]),
    )
    client(server, fake_time).get_json("/x")
    assert fake_time.sleeps == [7.0, 13.0]  # the date is 20 s after START; 7 s already passed


def test_a_wait_longer_than_max_wait_ends_the_run_with_retry_after(fake_time):
    server = replies(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(SourceTransient) as caught:
        client(server, fake_time).get_json("/x")
    assert caught.value.retry_after == 3600 and caught.value.retryable
    assert fake_time.sleeps == []


def test_spent_budget_waits_for_the_reset_before_the_next_request(fake_time):
    reset = "2026-03-02T14:00:30Z"  # Mastodon's format: an ISO time
    server = replies(
        httpx.Response(
            200, json=1, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
        ),
        httpx.Response(200, json=2, headers={"ratelimit-remaining": "5", "ratelimit-reset": "1"}),
    )
    http = client(server, fake_time)
    assert http.get_json("/a") == 1 and http.get_json("/b") == 2
    assert fake_time.sleeps == [30.0]


def test_transient_failures_end_as_transient_after_the_last_attempt(fake_time):
    server = Server(lambda r: httpx.Response(504))
    with pytest.raises(SourceTransient, match="504"):
        client(server, fake_time).get_json("/x")
    assert len(server.requests) == 4


def test_terminal_errors_are_not_retried(fake_time):
    server = Server(lambda r: httpx.Response(401, json={"error": "token expired"}))
    with pytest.raises(SourceAuthError, match=r"token expired.*set HUBBUB_X"):
        client(server, fake_time, auth_hint="set HUBBUB_X").get_json("/x")
    server = Server(lambda r: httpx.Response(404))
    with pytest.raises(SourceTerminal, match="base URL"):
        client(server, fake_time).get_json("/x")
    server = Server(lambda r: httpx.Response(200, text="<html>proxy login</html>"))
    with pytest.raises(SourceTerminal, match="not JSON"):
        client(server, fake_time).get_json("/x")
    assert len(server.requests) == 1 and not fake_time.sleeps


def test_min_interval_paces_requests(fake_time):
    server = Server(lambda r: httpx.Response(200, json={}))
    http = client(server, fake_time, min_interval=0.5)
    for _ in range(3):
        http.get_json("/x")
    assert fake_time.sleeps == [0.5, 0.5]


def test_header_formats():
    assert retry_after({"retry-after": "12"}, START) == 12
    assert retry_after({"retry-after": "soon"}, START) is None
    assert reset_time("1772460100", START) == 1772460100  # epoch (GitHub, Bluesky)
    assert reset_time("60", START) == START + 60  # seconds from now (Reddit, IETF draft)
    assert reset_time("2026-03-02T14:01:00.000Z", START) == START + 60  # ISO (Mastodon)
    assert reset_time("garbage", START) is None
