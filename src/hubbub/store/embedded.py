"""The embedded store: ClickHouse in-process (chdb) over a data directory in the workspace home.

One process owns the directory (chdb locks it); we take our own lock first so a second command
gets a one-line explanation naming the owner instead of ClickHouse's lock error.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from hubbub.errors import StoreError, StoreLocked
from hubbub.models import Post
from hubbub.store.migrate import missing_columns
from hubbub.store.params import encode_params
from hubbub.store.rows import posts_table

DATABASE = "hubbub"
POSTS = f"{DATABASE}.posts"
# How ClickHouse reports a full disk (error 243, or the OS error it wraps).
_DISK_FULL_SIGNS = ("NOT_ENOUGH_SPACE", "No space left on device")


@dataclass
class WriteResult:
    inserted: int = 0
    duplicates: int = 0

    def __iadd__(self, other: WriteResult) -> WriteResult:
        self.inserted += other.inserted
        self.duplicates += other.duplicates
        return self


class EmbeddedStore:
    """Posts in a chdb data directory. Use `open_store(home)`; close when done."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.data_dir = self.home / "store"
        self._lock_file = self._acquire_lock()
        try:
            from chdb import session

            self._session = session.Session(str(self.data_dir))
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
        session = getattr(self, "_session", None)
        if session is not None:
            session.close()
            self._session = None  # type: ignore[assignment]
        self._release_lock()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- schema ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        self.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        ddl = resources.files("hubbub.store").joinpath("schema.sql").read_text("utf-8")
        for statement in _split_sql(ddl):
            statement = statement.replace("{db}", DATABASE)
            self.execute(statement)
            if statement.startswith(f"CREATE TABLE IF NOT EXISTS {POSTS}"):
                self._add_missing_columns(statement)

    def _add_missing_columns(self, create_table: str) -> None:
        existing = {
            r["name"]
            for r in self.rows(
                "SELECT name FROM system.columns WHERE database = {db:String} AND table = 'posts'",
                {"db": DATABASE},
            )
        }
        for name, kind, after in missing_columns(create_table, existing):
            position = f" AFTER {after}" if after else " FIRST"
            self.execute(f"ALTER TABLE {POSTS} ADD COLUMN IF NOT EXISTS {name} {kind}{position}")

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

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        rows = self.rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def _run(self, sql: str, params: dict[str, Any] | None, fmt: str, tables: dict[str, Any]):  # type: ignore[no-untyped-def]
        if self._session is None:
            raise StoreError("the store is closed")
        # chdb's Python() table function finds Arrow tables by name in the calling frames'
        # globals, so tables passed in are exposed as _hubbub_tbl_<name> for the query's life.
        for name, table in tables.items():
            globals()[f"_hubbub_tbl_{name}"] = table
        try:
            return self._session.query(sql, fmt, params=encode_params(params) if params else None)
        except Exception as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise StoreError(f"store query failed: {message}") from None
        finally:
            for name in tables:
                globals().pop(f"_hubbub_tbl_{name}", None)

    # ---- writes ----------------------------------------------------------------------------
    def existing_keys(self, table: pa.Table) -> set[tuple[str, str]]:
        """Which (platform, platform_id) of `table` are already stored."""
        keys = table.select(["platform", "platform_id"])
        globals()["_hubbub_keys"] = keys
        try:
            out = self._session.query(
                f"SELECT platform, platform_id FROM {POSTS} WHERE (platform, platform_id) IN "
                "(SELECT platform, platform_id FROM Python(_hubbub_keys))",
                "JSONCompactEachRow",
            )
        except Exception as exc:
            raise StoreError(f"store query failed: {str(exc).splitlines()[0]}") from None
        finally:
            globals().pop("_hubbub_keys", None)
        return {tuple(orjson.loads(line)) for line in out.bytes().splitlines() if line}  # type: ignore[misc]

    def filter_new(self, table: pa.Table) -> tuple[pa.Table, list[int], int]:
        """Rows of `table` whose key is not stored yet (first of each key within the batch).

        Returns the new rows, their indices in `table`, and how many rows were duplicates.
        """
        platforms = table.column("platform").to_pylist()
        ids = table.column("platform_id").to_pylist()
        existing = self.existing_keys(table) if table.num_rows else set()
        seen: set[tuple[str, str]] = set()
        keep: list[int] = []
        for index, key in enumerate(zip(platforms, ids, strict=True)):
            if key in existing or key in seen:
                continue
            seen.add(key)
            keep.append(index)
        if len(keep) == table.num_rows:
            return table, keep, 0
        return table.take(pa.array(keep, pa.int64())), keep, table.num_rows - len(keep)

    def insert(self, table: pa.Table) -> None:
        """Insert rows already filtered by `filter_new`, as one INSERT (it lands whole or not)."""
        if table.num_rows == 0:
            return
        globals()["_hubbub_new"] = table
        try:
            self._session.query(f"INSERT INTO {POSTS} SELECT * FROM Python(_hubbub_new)")
        except Exception as exc:
            raise StoreError(self._write_failure(exc)) from None
        finally:
            globals().pop("_hubbub_new", None)

    def _write_failure(self, exc: Exception) -> str:
        """The one-line message for a failed write; a full disk says what to do about it."""
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        if any(sign in first for sign in _DISK_FULL_SIGNS):
            return (
                f"the disk holding {self.data_dir} is full ({first}); free space, then re-run: "
                "the batches stored so far stay stored, and a re-run adds only what is missing"
            )
        return f"store write failed: {first}"

    def write_table(self, table: pa.Table) -> WriteResult:
        """Store the rows whose key is not stored yet; the rest count as duplicates."""
        new, _, duplicates = self.filter_new(table)
        self.insert(new)
        return WriteResult(inserted=new.num_rows, duplicates=duplicates)

    def write(self, posts: list[Post]) -> WriteResult:
        for post in posts:
            post.validate()
        return self.write_table(posts_table(posts, datetime.now(UTC)))

    def pages(
        self,
        columns: str,
        where: str = "1",
        params: dict[str, Any] | None = None,
        size: int = 20_000,
    ) -> Iterator[pa.Table]:
        """Matching rows as Arrow tables of `size` rows, in (created_at, platform, platform_id)
        order; keyset pagination, so memory stays flat and no row is read twice."""
        key = "(created_at, platform, platform_id)"
        after: tuple[Any, str, str] | None = None
        while True:
            condition, page_params = where, dict(params or {})
            if after is not None:
                condition = (
                    f"({where}) AND {key} > "
                    "({after_t:DateTime64(3, 'UTC')}, {after_p:String}, {after_i:String})"
                )
                page_params.update(after_t=after[0], after_p=after[1], after_i=after[2])
            table = self.arrow(
                f"SELECT {columns}, created_at AS _k_t, platform AS _k_p, platform_id AS _k_i "
                f"FROM {POSTS} WHERE {condition} ORDER BY {key} LIMIT {int(size)}",
                page_params,
            )
            if table.num_rows == 0:
                return
            last = (
                table.slice(table.num_rows - 1, 1).select(["_k_t", "_k_p", "_k_i"]).to_pylist()[0]
            )
            after = (last["_k_t"], last["_k_p"], last["_k_i"])
            yield table.drop_columns(["_k_t", "_k_p", "_k_i"])
            if table.num_rows < size:
                return

    def count(self) -> int:
        return int(self.scalar(f"SELECT count() AS n FROM {POSTS}") or 0)


def _split_sql(ddl: str) -> list[str]:
    body = "\n".join(line for line in ddl.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def open_store(home: Path) -> EmbeddedStore:
    return EmbeddedStore(home)
