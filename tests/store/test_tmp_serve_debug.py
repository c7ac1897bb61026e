"""`hubbub serve` for real: it owns the store, writes server.json (mode 600), other commands and
`hubbub.open(home)` go through its API with the same numbers, and it cleans up on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time

import orjson
import pytest

import hubbub
from hubbub.api.server_file import running_server
from hubbub.demo import generate
from hubbub.sdk import HttpClient, LocalClient
from hubbub.store import open_store
from hubbub.topics import load_demo_topics

pytestmark = pytest.mark.slow


def cli(home, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hubbub.cli.main", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_owns_the_store_and_the_cli_goes_through_it(tmp_path):
    with open_store(tmp_path) as store:
        store.write(list(generate(posts=600, seed=9)))
    load_demo_topics(tmp_path)
    before = orjson.loads(cli(tmp_path, "volume", "Aurora", "--json").stdout)
    stats_before = cli(tmp_path, "stats", "aurora", "--json").stdout
    export_before = cli(tmp_path, "export", "aurora", "--format", "csv").stdout

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hubbub.cli.main",
            "serve",
            "--port",
            str(free_port()),
            "--home",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while running_server(tmp_path) is None:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        info = tmp_path / "server.json"
        assert stat.S_IMODE(info.stat().st_mode) == 0o600
        assert "serve" in (tmp_path / "store.lock").read_text()

        during = cli(tmp_path, "volume", "Aurora", "--json")
        assert during.returncode == 0, during.stderr
        assert orjson.loads(during.stdout) == before
        assert cli(tmp_path, "stats", "aurora", "--json").stdout == stats_before
        assert cli(tmp_path, "export", "aurora", "--format", "csv").stdout == export_before
        search = cli(tmp_path, "search", "aurora", "--format", "ids", "--limit", "5")
        assert search.returncode == 0, search.stderr
        added = cli(tmp_path, "topic", "add", "Nimbus only", "nimbus NOT zephyr")
        assert added.returncode == 0, added.stderr
        bad = cli(tmp_path, "volume", "aurora AND")
        assert bad.returncode == 2 and "at character 8" in bad.stderr
        with hubbub.open(tmp_path) as client:
            assert isinstance(client, HttpClient)
            assert client.volume("Aurora").to_dict() == before
            assert "Nimbus only" in {t.name for t in client.topics()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert not (tmp_path / "server.json").exists()
    with hubbub.open(tmp_path) as client:  # the store is free again
        assert isinstance(client, LocalClient)
        assert client.volume("Aurora").to_dict() == before


def test_a_stale_server_file_is_ignored(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    (tmp_path / "server.json").write_bytes(
        orjson.dumps({"pid": int(dead), "url": "http://127.0.0.1:9", "token": "x"})
    )
    assert running_server(tmp_path) is None
    assert os.path.exists(tmp_path / "server.json")
