"""The metadata database: `<home>/meta.sqlite3` (stdlib sqlite3, WAL).

Topics, their versions and API tokens live here rather than in the ClickHouse store: they are
small, transactional and written by people, and SQLite in WAL mode lets the CLI edit them while
`hubbub serve` owns the store (chdb allows one owner; SQLite allows many readers and one writer
at a time, across processes).

Opening a connection costs more than the queries an API request makes (the file, its WAL and
shared-memory index, the schema): a server verifying a token and listing topics on every
request spent a third of its time there. So a `MetaStore` borrows its connection from a small
per-file pool and gives it back on `close()`, and each store class applies its schema once per
file and process. The pool is keyed by the file's identity (device and inode), checked on every
open: a file replaced under the same path (a restored backup) gets fresh connections, never the
old file's. A pooled connection keeps its file open, so that identity cannot be reused meanwhile.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

META_FILE = "meta.sqlite3"
# Idle connections kept per file: enough for the server's concurrent requests to find one.
POOL_SIZE = 8
# Files whose idle connections are kept (least recently used dropped first), so a process that
# opens many homes (tests, scripts) does not pile up open files.
POOL_FILES = 8


def connect(home: Path) -> sqlite3.Connection:
    """A new connection to the home's metadata database, created on first use.

    `check_same_thread=False`: the API server's stores run in whichever thread a request runs
    in, and pooled connections move between threads; a connection is never used by two threads
    at the same time (a store holds it from open to close).
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


class FilePool:
    """The connections of one meta.sqlite3 file (one identity) in this process."""

    def __init__(self, path: str, identity: tuple[int, int]) -> None:
        self.path = path
        self.identity = identity
        self.idle: list[sqlite3.Connection] = []
        self.lent = 0
        # Store classes whose SCHEMA ran on this file; values derived from the file that its
        # stores may keep between opens (TopicStore's topic lists), each checked on use.
        self.prepared: set[type] = set()
        self.shared: dict[Any, Any] = {}


_pools: OrderedDict[str, FilePool] = OrderedDict()
_lock = threading.Lock()


def _after_fork() -> None:
    # A forked child must not use its parent's connections (SQLite forbids it), and the lock
    # may have been held by a parent thread at the fork.
    global _pools, _lock
    _pools = OrderedDict()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def borrow(home: Path) -> tuple[sqlite3.Connection, FilePool]:
    """A connection to the home's meta.sqlite3 (pooled or new) and the pool to give it back to."""
    path = os.path.abspath(Path(home) / META_FILE)
    with _lock:
        pool = _pools.get(path)
        if pool is not None and pool.idle and pool.identity == _identity(path):
            conn = pool.idle.pop()
            pool.lent += 1
            _pools.move_to_end(path)
            # A store may have changed these on its connection (a test turns foreign keys off).
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            return conn, pool
    conn = connect(Path(home))  # outside the lock: it may wait for another process
    identity = _identity(path)
    with _lock:
        pool = _pools.get(path)
        if pool is None or pool.identity != identity:
            if pool is not None:
                _drop(pool)
            pool = FilePool(path, identity or (-1, -1))
            _pools[path] = pool
            while len(_pools) > POOL_FILES:
                _drop(next(iter(_pools.values())))
        pool.lent += 1
        _pools.move_to_end(path)
    return conn, pool


def give_back(conn: sqlite3.Connection, pool: FilePool) -> None:
    """Return a borrowed connection: kept for the next store of the same file, or closed."""
    keep = not conn.in_transaction  # a store closed mid-transaction: do not lend that state
    with _lock:
        pool.lent -= 1
        if keep and _pools.get(pool.path) is pool and len(pool.idle) < POOL_SIZE:
            pool.idle.append(conn)
            return
        if _pools.get(pool.path) is pool and not pool.idle and not pool.lent:
            del _pools[pool.path]  # no connection holds the file: its identity may be reused
    if conn.in_transaction:
        conn.rollback()
    conn.close()


def _drop(pool: FilePool) -> None:
    """Forget a pool (under `_lock`): close its idle connections; lent ones close on return."""
    if _pools.get(pool.path) is pool:
        del _pools[pool.path]
    for conn in pool.idle:
        conn.close()
    pool.idle.clear()


class MetaStore:
    """Base of the stores kept in meta.sqlite3 (topics, tokens, alerts): one connection with the
    class's `SCHEMA` applied, closed by `close()` or a `with` block. Cheap to open: the
    connection comes from the file's pool and goes back to it on close."""

    SCHEMA = ""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self._conn, self._pool = borrow(self.home)
        if type(self) not in self._pool.prepared:
            self._conn.executescript(self.SCHEMA)
            self._prepare()
            self._pool.prepared.add(type(self))

    def _prepare(self) -> None:
        """Once per file and process, after SCHEMA: upgrades of files made by older versions."""

    def close(self) -> None:
        conn, self._conn = self._conn, None  # type: ignore[assignment]
        if conn is not None:
            give_back(conn, self._pool)

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
