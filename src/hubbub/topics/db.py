"""The metadata database: `<home>/meta.sqlite3` (stdlib sqlite3, WAL).

Topics, their versions and API tokens live here rather than in the ClickHouse store: they are
small, transactional and written by people, and SQLite in WAL mode lets the CLI edit them while
`hubbub serve` owns the store (chdb allows one owner; SQLite allows many readers and one writer
at a time, across processes).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

META_FILE = "meta.sqlite3"


def connect(home: Path) -> sqlite3.Connection:
    """A connection to the home's metadata database, created on first use.

    `check_same_thread=False`: the API server opens one per request in whichever thread the
    request runs; a connection is never shared between threads at the same time.
    """
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        home / META_FILE, timeout=10, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=10000")
    _use_wal(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _use_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    # WAL is a property of the file, set once; switching to it needs a moment alone with the
    # file and SQLite answers "locked" at once instead of waiting, which happened when two
    # threads opened a new home together. So: skip it when already set, else retry briefly.
    for attempt in range(attempts):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


class MetaStore:
    """Base of the stores kept in meta.sqlite3 (topics, tokens, alerts): one connection with the
    class's `SCHEMA` applied, closed by `close()` or a `with` block. Cheap to open."""

    SCHEMA = ""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self._conn = connect(self.home)
        self._conn.executescript(self.SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so read-then-write cannot race another process.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
