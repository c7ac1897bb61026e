"""POST /v1/posts: writes through the server, as `hubbub import` does them, idempotently; and
`hubbub import` going through a running `hubbub serve` (slow: a real server)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.api.server_file import running_server
from hubbub.auth import TokenStore
from hubbub.demo import generate
from hubbub.export import export_chunks
from hubbub.store import open_store

POSTS = 300


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """NDJSON of demo posts in the hubbub format, as `hubbub export` writes it."""
    home = tmp_path_factory.mktemp("export-home")
    with open_store(home) as store:
        store.write(list(generate(posts=POSTS, seed=11)))
        return b"".join(export_chunks(store, "1", {}, "ndjson"))


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[TestClient, Path, dict[str, str]]]:
    with TokenStore(tmp_path) as tokens:
        analyst = tokens.create("default", "analyst", "importer")[1]
        viewer = tokens.create("default", "viewer", "reader")[1]
    store = open_store(tmp_path)
    try:
        with TestClient(create_app(tmp_path, store)) as client:
            yield client, tmp_path, {"analyst": analyst, "viewer": viewer}
    finally:
        store.close()


def post(client: TestClient, token: str, body: bytes, **params: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/v1/posts",
        params={"enrich": "false", **params},
        content=body,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_import_is_idempotent_and_answers_the_cli_summary(server, exported):
    client, home, tokens = server
    first = post(client, tokens["analyst"], exported, name="posts.ndjson")
    assert first.status_code == 200, first.text
    summary = first.json()
    assert (summary["imported"], summary["duplicates"], summary["rejected"]) == (POSTS, 0, 0)
    assert summary["files"] == 1 and summary["formats"] == {"hubbub": 1}
    again = post(client, tokens["analyst"], exported).json()
    assert (again["imported"], again["duplicates"]) == (0, POSTS)
    stats = client.get("/v1/stats", headers={"Authorization": f"Bearer {tokens['viewer']}"})
    assert stats.json()["total"] == POSTS
    assert not [p for p in (home / "uploads").iterdir()]  # the spooled body is gone


def test_bad_lines_are_rejects_named_by_the_clients_file(server, exported):
    client, home, tokens = server
    lines = exported.splitlines()
    body = b"\n".join([lines[0], b'{"platform": "x"', *lines[1:5]]) + b"\n"
    summary = post(client, tokens["analyst"], body, name="mixed.ndjson", format="hubbub").json()
    assert (summary["imported"], summary["rejected"]) == (5, 1)
    rejects = home / summary["rejects_file"]
    assert not Path(summary["rejects_file"]).is_absolute() and rejects.is_file()
    reject = orjson.loads(rejects.read_bytes().splitlines()[0])
    assert (reject["file"], reject["line"]) == ("mixed.ndjson", 2)


def test_readers_cannot_write_and_bad_options_are_400(server, exported):
    client, _, tokens = server
    denied = post(client, tokens["viewer"], exported)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    orphan = post(client, tokens["analyst"], exported, option="text=body")
    assert orphan.status_code == 400 and "needs format" in orphan.json()["error"]["message"]
    unknown = post(client, tokens["analyst"], b"not a known format at all\n")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "bad-request"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hubbub.cli.main", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_cli_import_goes_through_a_running_server(tmp_path, exported):
    file = tmp_path / "posts.ndjson"
    file.write_bytes(exported)
    home = tmp_path / "home"
    home.mkdir()
    serve = ["serve", "--port", str(free_port()), "--home", str(home)]
    server = subprocess.Popen(
        [sys.executable, "-m", "hubbub.cli.main", *serve],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while running_server(home) is None:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        # The server holds the store's lock: only the API path can succeed here.
        done = cli(home, "import", str(file), str(tmp_path / "missing.ndjson"), "--json")
        assert done.returncode == 0, done.stderr
        summary = orjson.loads(done.stdout)
        assert (summary["imported"], summary["rejected"], summary["files"]) == (POSTS, 1, 2)
        assert "missing.ndjson" in done.stderr
        again = orjson.loads(cli(home, "import", str(file), "--json", "--no-enrich").stdout)
        assert (again["imported"], again["duplicates"]) == (0, POSTS)
        alone = cli(home, "import", str(tmp_path / "missing.ndjson"))
        assert alone.returncode == 2 and "does not exist" in alone.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    with open_store(home) as store:
        assert store.count() == POSTS
