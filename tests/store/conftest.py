"""The store tests run on every backend: embedded chdb, the clickhouse-connect (server) code
path on chdb, and a real ClickHouse server when HUBBUB_TEST_CLICKHOUSE_URL names one.

The real-server variant creates, truncates and alters `hubbub.posts` there: point it only at
a disposable server. chdb runs one engine per process, so a backend's store is closed before
the next backend's opens (module scope, one parameter at a time).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubbub.store import open_store
from hubbub.store.base import BaseStore

SERVER_ENV = "HUBBUB_TEST_CLICKHOUSE_URL"
BACKENDS = ["embedded", "connect-chdb", "server"]


def open_backend(backend: str, home: Path) -> BaseStore:
    if backend == "embedded":
        return open_store(home, "embedded")
    if backend == "connect-chdb":
        return open_store(home, f"chdb://{home / 'chdb'}")
    url = os.environ.get(SERVER_ENV)
    if not url:
        pytest.skip(f"no ClickHouse server: set {SERVER_ENV}=clickhouse://user@host:8123/hubbub")
    return open_store(home, url)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def store(backend, tmp_path_factory) -> BaseStore:
    opened = open_backend(backend, tmp_path_factory.mktemp("home"))
    yield opened
    opened.close()
