"""The ClickHouse-server store end to end, as a user runs it: `hubbub serve --store URL` (on
clickhouse-connect's chdb backend, the stand-in for a server here), `hubbub import` through its
API, a topic, every analytics endpoint equal to the same data served from an embedded home, the
dashboard, the live pipeline collecting from a local feed, and a restart that loses and
duplicates nothing. Every hubbub process is a subprocess: chdb runs one engine per process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from hubbub.api.server_file import running_server
from tests.scaleout.helpers import free_port, wait_for

pytestmark = pytest.mark.slow
TOPIC, QUERY = "Aurora", "aurora OR 极光"
FEED_WORD = "feedword"  # in every feed item, in no fixture post
ENV = {
    "HUBBUB_ENRICHERS": "language,sentiment",  # deterministic, and quick to load
    "HUBBUB_LIVE_SOURCE_INTERVAL": "10",  # the setting's minimum
    "HUBBUB_ALLOW_PRIVATE_URLS": "1",  # the feed is on 127.0.0.1
}
# (path, params) of every analytics endpoint; fixed windows, so "now" plays no part.
ANALYTICS: list[tuple[str, dict[str, Any]]] = [
    ("volume", {"topic": TOPIC, "interval": "day"}),
    ("volume", {"topic": TOPIC, "split_by": "sentiment"}),
    ("sov", {"topic": [TOPIC, "Nimbus"]}),
    ("sentiment", {"topic": TOPIC, "interval": "week"}),
    ("top", {"topic": TOPIC, "kind": "hashtags"}),
    ("top", {"topic": TOPIC, "kind": "terms", "since": "2026-10-10", "trend": "true"}),
    ("authors", {"topic": TOPIC, "limit": 10}),
    ("compare", {"topic": TOPIC, "since": "2026-10-15", "until": "2026-10-29"}),
    ("emerging", {"topic": TOPIC, "since": "2026-10-20", "until": "2026-10-31"}),
    ("breakdown", {"topic": TOPIC, "by": "lang"}),
    ("breakdown", {"q": "nimbus OR 云雀", "by": "platform"}),
]
OTHER: list[tuple[str, dict[str, Any]]] = [
    ("stats", {"topic": TOPIC}),
    ("stats", {}),
    ("posts", {"topic": TOPIC, "limit": 50}),
    ("search", {"q": "aurora", "limit": 20}),
]


def hubbub(*args: str) -> list[str]:
    return [sys.executable, "-m", "hubbub.cli.main", *args]


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*hubbub(*args), "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ, **ENV),
    )


class Feed:
    """An RSS feed on 127.0.0.1 whose item count the test raises between source runs."""

    def __init__(self) -> None:
        self.items = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = feed.xml().encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def xml(self) -> str:
        from datetime import UTC, datetime, timedelta

        t0 = datetime(2026, 10, 30, 12, tzinfo=UTC)
        items = "".join(
            f"<item><title>Item {n}</title><link>https://feed.example/{n}</link>"
            f"<guid>https://feed.example/{n}</guid>"
            f"<pubDate>{format_datetime(t0 + timedelta(minutes=n))}</pubDate>"
            f"<description>{FEED_WORD} number {n} from the local feed</description></item>"
            for n in range(self.items)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Local</title><link>https://feed.example/</link>{items}</channel></rss>"
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Served:
    """`hubbub serve` on a home (and a store URL), with the API's local admin token."""

    def __init__(self, home: Path, store: str | None) -> None:
        self.home, self.store = home, store
        self.process: subprocess.Popen[bytes] | None = None
        self.url = self.token = ""
        self.log = home.parent / f"{home.name}.serve.log"

    def errors(self) -> str:
        """The server log's lines that are not access lines, for failure messages."""
        text = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        return "\n".join(line for line in text.splitlines() if "INFO:" not in line)[-3000:]

    def start(self) -> Served:
        extra = ["--store", self.store] if self.store else []
        self.process = subprocess.Popen(
            [*hubbub("serve", "--port", str(free_port()), "--home", str(self.home), *extra)],
            env=dict(os.environ, **ENV),
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),  # a file: a full pipe would block the server
        )
        process = self.process

        def up() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"hubbub serve exited: {self.errors()}")
            return running_server(self.home) is not None

        wait_for(up, 120, "hubbub serve to start")
        info = orjson.loads((self.home / "server.json").read_bytes())
        self.url, self.token = info["url"], info["token"]
        return self

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = httpx.get(
            f"{self.url}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=120,
        )
        assert response.status_code == 200, (path, response.text, self.errors())
        return response.json()

    def count(self, q: str | None = None) -> int:
        return int(self.get("/v1/stats", {"q": q} if q else {})["total"])

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        assert not (self.home / "server.json").exists()


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo posts as `hubbub export` writes them (NDJSON), made in a child process."""
    out = tmp_path_factory.mktemp("fixture")
    script = (
        "import sys; from pathlib import Path; from hubbub.demo import generate; "
        "from hubbub.export import export_chunks; from hubbub.store import open_store\n"
        "with open_store(Path(sys.argv[1]) / 'home') as s:\n"
        "    s.write(list(generate(posts=400, seed=11)))\n"
        "    Path(sys.argv[1], 'posts.ndjson').write_bytes("
        "b''.join(export_chunks(s, '1', {}, 'ndjson')))\n"
    )
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, timeout=180)
    return out / "posts.ndjson"


def browser(served: Served) -> httpx.Client:
    """A browser session on the dashboard, signed in with the server's token."""
    client = httpx.Client(base_url=served.url, timeout=120)
    page = client.get("/signin").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    signed = client.post("/signin", data={"token": served.token, "csrf_token": csrf})
    assert signed.status_code == 303, (signed.text, served.errors())
    return client


def answers(served: Served) -> dict[str, Any]:
    """Every analytics endpoint, the other reads, and every panel of the topic's dashboard."""
    from hubbub.web.panels import PANELS

    got: dict[str, Any] = {}
    client = browser(served)
    try:
        page = client.get(f"/w/default/topics/{TOPIC}")
        assert page.status_code == 200 and TOPIC in page.text
        for panel in PANELS:
            response = client.get(f"/w/default/topics/{TOPIC}/data/{panel}")
            assert response.status_code == 200, (panel, response.text, served.errors())
            got[f"panel {panel}"] = response.json()
    finally:
        client.close()
    for path, params in ANALYTICS:
        got[f"analytics/{path} {params}"] = served.get(f"/v1/analytics/{path}", params)
    for path, params in OTHER:
        got[f"{path} {params}"] = served.get(f"/v1/{path}", params)
    return got


def prepare(home: Path, fixture: Path, served: Served, feed: Feed) -> None:
    """What a user does on a fresh home: a source, an import through the server, topics."""
    added = run(home, "source", "add", "local", "--type", "rss", "--url", feed.url)
    assert added.returncode == 0, added.stderr
    served.start()
    imported = run(home, "import", str(fixture), "--json")
    assert imported.returncode == 0, imported.stderr
    summary = orjson.loads(imported.stdout)
    assert (summary["imported"], summary["duplicates"], summary["rejected"]) == (400, 0, 0)
    for name, query in ((TOPIC, QUERY), ("Nimbus", "nimbus OR 云雀")):
        made = run(home, "topic", "add", name, query)
        assert made.returncode == 0, made.stderr


@pytest.fixture(scope="module")
def feed() -> Iterator[Feed]:
    made = Feed()
    made.items = 5
    yield made
    made.close()


def settle(served: Served, feed: Feed, total: int) -> None:
    """Wait until the live source has stored every feed item and the import is all in."""
    expected: Callable[[], bool] = lambda: served.count(FEED_WORD) == feed.items  # noqa: E731
    wait_for(expected, 120, f"{feed.items} feed items stored")
    assert served.count() == total + feed.items


def test_serve_on_a_server_store_answers_as_the_embedded_home_does(
    tmp_path: Path, fixture_file: Path, feed: Feed
):
    embedded = Served(tmp_path / "embedded", None)
    try:
        prepare(embedded.home, fixture_file, embedded, feed)
        settle(embedded, feed, 400)
        expected = answers(embedded)
    finally:
        embedded.stop()

    store = f"chdb://{tmp_path / 'clickhouse'}"
    served = Served(tmp_path / "server-home", store)
    try:
        prepare(served.home, fixture_file, served, feed)
        assert not (served.home / "store").exists()  # the posts are in the store URL only
        assert not (served.home / "store.lock").exists()  # and nothing in the home is owned
        settle(served, feed, 400)
        got = answers(served)
        assert got.keys() == expected.keys()
        for key in expected:
            assert got[key] == expected[key], key

        # Restart: nothing lost, nothing stored twice; the source carries on from its cursor.
        before = served.count()
        served.stop()
        feed.items += 3
        served.start()
        # all there at once; the source's first run may already have added the new items
        assert before <= served.count() <= before + 3
        settle(served, feed, 400)
        assert served.count() == before + 3
        again = run(served.home, "import", str(fixture_file), "--json")
        assert orjson.loads(again.stdout)["duplicates"] == 400, again.stderr
        assert served.count() == before + 3
        assert (
            answers(served)[f"analytics/volume {ANALYTICS[0][1]}"]
            == expected[f"analytics/volume {ANALYTICS[0][1]}"]
        )
    finally:
        served.stop()
