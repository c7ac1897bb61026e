"""Shared pieces: recorded responses from tests/data/connectors, a fake clock, a mock server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.cursors import StateStore
from hubbub.connectors.http import RetryPolicy
from hubbub.connectors.importers.pipeline import Importer
from hubbub.connectors.sources import make_connector
from hubbub.store import open_store


@pytest.fixture(autouse=True)
def _allow_private_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests talk to servers on 127.0.0.1: allow it the way an admin would
    (the SSRF guard itself is tested in tests/security/test_ssrf.py)."""
    monkeypatch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "1")


DATA = Path(__file__).parents[1] / "data" / "connectors"
START = 1772460000.0  # 2026-03-02T14:00:00Z


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


def fixture_json(name: str):  # type: ignore[no-untyped-def]
    return orjson.loads(fixture_bytes(name))


class FakeTime:
    """A clock that only moves when code sleeps: tests never wait, and can check every wait."""

    def __init__(self, start: float = START) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Server:
    """A mock API: `handler(request) -> Response`, with every request kept for assertions."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def store(tmp_path):  # type: ignore[no-untyped-def]
    opened = open_store(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def importer(store, tmp_path):  # type: ignore[no-untyped-def]
    with Importer(store, tmp_path) as imp:
        yield imp


@pytest.fixture
def states(tmp_path) -> StateStore:
    return StateStore(tmp_path)


def connector_for(config: SourceConfig, server: Server, fake_time: FakeTime, env=None, attempts=3):  # type: ignore[no-untyped-def]
    return make_connector(
        config,
        transport=server.transport,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        env=env or {},
        retry=RetryPolicy(attempts=attempts, base=1.0, cap=8.0, max_wait=120.0),
    )


class FixtureHandler(BaseHTTPRequestHandler):
    """A local API's request handler: subclasses define do_GET/do_POST and answer with these."""

    def send_body(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, body: object, status: int = 200) -> None:
        self.send_body(orjson.dumps(body), "application/json", status)

    def log_message(self, *args: object) -> None:
        pass  # keep test output clean


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True  # a stream still being served must not hold up the shutdown
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def local_websocket(handler: Callable[[Any], None], **options: Any) -> Iterator[str]:
    """Serve a WebSocket `handler` (websockets' sync server) on 127.0.0.1; yields ws://host:port."""
    from websockets.sync.server import serve

    server = serve(handler, "127.0.0.1", 0, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
    finally:
        server.shutdown()
