"""The embedded store: ClickHouse in-process (chdb) over a data directory in the workspace home.

One process owns the directory (chdb locks it); we take our own lock first so a second command
gets a one-line explanation naming the owner instead of ClickHouse's lock error.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from hubbub.errors import StoreError, StoreLocked
from hubbub.store.base import DATABASE, POSTS, BaseStore, WriteResult, first_line
from hubbub.store.params import encode_params

__all__ = ["DATABASE", "POSTS", "EmbeddedStore", "WriteResult", "open_store"]


class EmbeddedStore(BaseStore):
    """Posts in a chdb data directory. Use `open_store(home)`; close when done."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.data_dir = self.home / "store"
        self._lock_file = self._acquire_lock()
        try:
            from chdb import session

            self._session = session.Session(str(self.data_dir))
            self._readers = threading.local()
            self._reader_sessions: list[Any] = []
        except Exception as exc:  # chdb raises its own error types for a locked/corrupt dir
            self._release_lock()
            raise StoreError(
                f"cannot open the store at {self.data_dir}: {str(exc).splitlines()[0]}"
            ) from None
        self._migrate()

    # ---- ownership -------------------------------------------------------------------------
    def _acquire_lock(self):  # type: ignore[no-untyped-def]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.home / "store.lock"
        handle = open(path, "a+")  # noqa: SIM115 (held for the store's lifetime)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            handle.close()
            raise StoreLocked(
                f"the store in {self.home} is in use by {owner}; search, stats, export, topics "
                "and analytics go through a running `hubbub serve`; stop the owner to run this one"
            ) from None
        handle.seek(0)
        handle.truncate()
        command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv[:2]))
        handle.write(f"`{command}` (pid {os.getpid()})")
        handle.flush()
        return handle

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.seek(0)
            self._lock_file.truncate()
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def close(self) -> None:
        for reader in getattr(self, "_reader_sessions", []):
            reader.close()
        self._reader_sessions = []
        session = getattr(self, "_session", None)
        if session is not None:
            session.close()
            self._session = None  # type: ignore[assignment]
        self._release_lock()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Queries of this thread, until the block ends, go through its own session.

        One chdb session must not run two queries at once: their query parameters are the
        session's, and one query's replace the other's ("Substitution `slice` is not set").
        Sessions of one process on one directory share its engine and its data, so each
        reader thread gets a session of its own, opened at its first read and kept until the
        store closes. Only reads may run beside each other (api/store_thread.py).
        """
        if self._session is None:
            raise StoreError("the store is closed")
        session = getattr(self._readers, "session", None)
        if session is None:
            from chdb import session as chdb_session

            session = chdb_session.Session(str(self.data_dir))
            # Readers run side by side, one per core: a query's own threads would only
            # contend with the other reader's (a figure on a 400k-post slice took the same
            # time or less on one thread, for less CPU; bench/load.py).
            session.query("SET max_threads = 1")
            self._reader_sessions.append(session)
            self._readers.session = session
        self._readers.active = True
        try:
            yield
        finally:
            self._readers.active = False

    def __enter__(self) -> EmbeddedStore:
        return self

    # ---- SQL -------------------------------------------------------------------------------
    def execute(self, sql: str, params: dict[str, Any] | None = None, **tables: Any) -> None:
        self._run(sql, params, "Null", tables)

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT; one dict per row. User values only through `params` ({name:Type})."""
        out = self._run(sql, params, "JSONEachRow", {})
        data = out.bytes() if out is not None else b""
        return [orjson.loads(line) for line in data.splitlines() if line]

    def arrow(self, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
        out = self._run(sql, params, "ArrowTable", {})
        return out  # type: ignore[return-value]

    def _run(self, sql: str, params: dict[str, Any] | None, fmt: str, tables: dict[str, Any]):  # type: ignore[no-untyped-def]
        if self._session is None:
            raise StoreError("the store is closed")
        session = (
            self._readers.session if getattr(self._readers, "active", False) else self._session
        )
        # chdb's Python() table function finds Arrow tables by name in the calling frames'
        # globals, so tables passed in are exposed as _hubbub_tbl_<name> for the query's life.
        for name, table in tables.items():
            globals()[f"_hubbub_tbl_{name}"] = table
        try:
            return session.query(sql, fmt, params=encode_params(params) if params else None)
        except Exception as exc:
            raise StoreError(f"store query failed: {first_line(exc)}") from None
        finally:
            for name in tables:
                globals().pop(f"_hubbub_tbl_{name}", None)

    # ---- writes ----------------------------------------------------------------------------
    def existing_keys(self, table: pa.Table) -> set[tuple[str, str]]:
        """Which (platform, platform_id) of `table` are already stored.

        The query matches the ids alone and the pairs are checked here: it reads every stored id
        (the sort key starts with created_at), a cost that grows with the store, and probing a
        set of strings costs about half as much as a set of (platform, id) tuples (measured).
        """
        keys = table.select(["platform_id"])
        globals()["_hubbub_keys"] = keys
        try:
            out = self._session.query(
                f"SELECT platform, platform_id FROM {POSTS} WHERE platform_id IN "
                "(SELECT platform_id FROM Python(_hubbub_keys))",
                "JSONCompactEachRow",
            )
        except Exception as exc:
            raise StoreError(f"store query failed: {str(exc).splitlines()[0]}") from None
        finally:
            globals().pop("_hubbub_keys", None)
        found = {tuple(orjson.loads(line)) for line in out.bytes().splitlines() if line}
        if not found:
            return set()
        wanted = zip(table["platform"].to_pylist(), table["platform_id"].to_pylist(), strict=True)
        return found.intersection(wanted)  # type: ignore[arg-type]

    def insert_arrow(self, table_name: str, table: pa.Table) -> None:
        """Insert an Arrow table (columns in the target's order) as one INSERT.

        The skip indexes (the text indexes of tokens and grams, the hashtag bloom filter) are
        not built for the inserted part: background merges build them for the merged part
        anyway, so building them at insert too cost 70 % of the insert (18.1 vs 5.4 µs per post,
        docs/design.md). A query reads a part without them in full, with the same answer; only
        the newest, small parts are in that state, until their first merge.

        `optimize_on_insert = 0`: ReplacingMergeTree would otherwise sort-merge each inserted
        block to fold rows with equal keys, but every writer inserts rows `filter_new` left
        (no key twice), so that pass found nothing and cost ~2 µs per post (measured).
        """
        if self._session is None:
            raise StoreError("the store is closed")
        globals()["_hubbub_new"] = table
        try:
            self._session.query(
                f"INSERT INTO {table_name} SETTINGS materialize_skip_indexes_on_insert = 0, "
                "optimize_on_insert = 0 "
                "SELECT * FROM Python(_hubbub_new)"
            )
        except Exception as exc:
            raise StoreError(self._write_failure(first_line(exc))) from None
        finally:
            globals().pop("_hubbub_new", None)

    def _disk_full_hint(self) -> str:
        return str(self.data_dir)


def open_store(home: Path) -> EmbeddedStore:
    """The workspace's embedded store, whatever the `store` setting says (backups use this)."""
    return EmbeddedStore(home)
