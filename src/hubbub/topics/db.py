"""The metadata database: `<home>/meta.sqlite3` (stdlib sqlite3, WAL).

Topics, their versions and API tokens live here rather than in the ClickHouse store: they are
small, transactional and written by people, and SQLite in WAL mode lets the CLI edit them while
`hubbub serve` owns the store (chdb allows one owner; SQLite allows many readers and one writer
at a time, across processes).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn
