"""What the embedded store and the ClickHouse server store share.

Both speak the same ClickHouse SQL over the same schema; they differ only in how a statement
reaches the engine (chdb in-process, or clickhouse-connect over HTTP) and how Arrow tables go
in. A subclass provides `execute`, `rows`, `arrow`, `existing_keys`, `insert_arrow`, `close`
and `_disk_full_hint`; everything built on those lives here once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hubbub.models import Post
from hubbub.store.changes import ChangeLog
from hubbub.store.migrate import missing_columns
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


def first_line(exc: BaseException) -> str:
    """The first line of an error's text (ClickHouse errors carry a stack trace after it)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)


class BaseStore(ABC):
    """The store interface: SQL in, rows or Arrow out, idempotent writes of posts."""

    # A ClickHouse cluster name: the tables are then replicated and distributed (store/ddl.py).
    _cluster: str | None = None

    def reading(self) -> AbstractContextManager[None]:
        """A block of reads that may run beside reads of other threads (api/store_thread.py);
        a backend whose connection cannot serve two queries at once makes them take turns."""
        return nullcontext()

    @cached_property
    def changes(self) -> ChangeLog:
        """The time ranges written since a moment (what keeps a cached figure valid)."""
        return ChangeLog()

    # ---- what a backend provides ----------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None: ...

    @abstractmethod
    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT; one dict per row. User values only through `params` ({name:Type})."""

    @abstractmethod
    def arrow(self, sql: str, params: dict[str, Any] | None = None) -> pa.Table: ...

    @abstractmethod
    def existing_keys(self, table: pa.Table) -> set[tuple[str, str]]:
        """Which (platform, platform_id) of `table` are already stored."""

    @abstractmethod
    def insert_arrow(self, table_name: str, table: pa.Table) -> None:
        """Insert an Arrow table (columns in the target's order) as one INSERT."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _disk_full_hint(self) -> str:
        """Where the full disk is, for the disk-full message."""

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- schema ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Create what is missing and add the columns schema.sql declares that the store lacks."""
        from hubbub.store.ddl import add_column_statements, posts_create_table, schema_statements

        for statement in schema_statements(self._cluster):
            self.execute(statement)

        existing = {
            r["name"]
            for r in self.rows(
                "SELECT name FROM system.columns WHERE database = {db:String} AND table = 'posts'",
                {"db": DATABASE},
            )
        }
        for name, kind, after in missing_columns(posts_create_table(), existing):
            for statement in add_column_statements(POSTS, name, kind, after, self._cluster):
                self.execute(statement)

    # ---- reads -----------------------------------------------------------------------------
    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        rows = self.rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def count(self) -> int:
        return int(self.scalar(f"SELECT count() AS n FROM {POSTS}") or 0)

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

    # ---- writes ----------------------------------------------------------------------------
    def filter_new(self, table: pa.Table) -> tuple[pa.Table, list[int], int]:
        """Rows of `table` whose key is not stored yet (first of each key within the batch).

        Returns the new rows, their indices in `table`, and how many rows were duplicates.
        """
        existing = self.existing_keys(table) if table.num_rows else set()
        if not existing and _keys_distinct(table):
            # The usual batch of a first import: nothing to drop, settled in Arrow (converting
            # the keys to Python to check them cost ~2 µs per post in the importing process).
            return table, list(range(table.num_rows)), 0
        platforms = table.column("platform").to_pylist()
        ids = table.column("platform_id").to_pylist()
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
        self.insert_arrow(POSTS, table)
        self.changes.note_table(table)  # after the write: a figure computed before it is stale

    def write_table(self, table: pa.Table) -> WriteResult:
        """Store the rows whose key is not stored yet; the rest count as duplicates."""
        new, _, duplicates = self.filter_new(table)
        self.insert(new)
        return WriteResult(inserted=new.num_rows, duplicates=duplicates)

    def write(self, posts: list[Post]) -> WriteResult:
        for post in posts:
            post.validate()
        return self.write_table(posts_table(posts, datetime.now(UTC)))

    def _write_failure(self, first: str) -> str:
        """The one-line message for a failed write (`first`: the engine's error line); a full
        disk says what to do about it."""
        if any(sign in first for sign in _DISK_FULL_SIGNS):
            return (
                f"the disk holding {self._disk_full_hint()} is full ({first}); free space, then "
                "re-run: the batches stored so far stay stored, and a re-run adds only what is "
                "missing"
            )
        return f"store write failed: {first}"


def _keys_distinct(table: pa.Table) -> bool:
    """Whether no (platform, platform_id) repeats in `table` (False may be wrong, True is not).

    The keys are joined with a separator; a platform or id containing it can only make two
    different keys look equal, which sends the batch to the exact check.
    """
    keys = pc.binary_join_element_wise(table["platform"], table["platform_id"], "\x1f")
    return bool(pc.count_distinct(keys, mode="all").as_py() == table.num_rows)


def split_sql(ddl: str) -> list[str]:
    """Statements of a .sql file, comment lines dropped."""
    body = "\n".join(line for line in ddl.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
