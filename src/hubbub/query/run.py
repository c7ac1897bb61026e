"""Running a query against the store: `search` (newest first) and `count`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hubbub.query.ast import Node
from hubbub.query.compile_sql import SqlQuery, compile_sql
from hubbub.query.parser import ParsedQuery

POSTS = "hubbub.posts"
DEFAULT_COLUMNS = (
    "platform",
    "platform_id",
    "created_at",
    "author_handle",
    "title",
    "text",
    "url",
    "lang",
    "engagement",
)


def where_clause(
    query: str | ParsedQuery | Node | None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> SqlQuery:
    """The query's WHERE fragment, with the time window ANDed in front (it prunes partitions).

    No query (None or blank) means every post in the window.
    """
    blank = query is None or (isinstance(query, str) and not query.strip())
    compiled = SqlQuery("1", {}) if blank else compile_sql(query)  # type: ignore[arg-type]
    parts = []
    params = dict(compiled.params)
    if since is not None:
        parts.append("created_at >= {since:DateTime64(3, 'UTC')}")
        params["since"] = since
    if until is not None:
        parts.append("created_at < {until:DateTime64(3, 'UTC')}")
        params["until"] = until
    parts.append(compiled.where)
    return SqlQuery(" AND ".join(parts), params)


def search(
    store: Any,
    query: str | ParsedQuery | Node,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    columns: tuple[str, ...] | list[str] = DEFAULT_COLUMNS,
) -> list[dict[str, Any]]:
    """The newest `limit` matching posts (dicts of `columns`), newest first."""
    where = where_clause(query, since, until)
    select = ", ".join(_column(c) for c in columns)
    sql = (
        f"SELECT {select} FROM {POSTS} WHERE {where.where} "
        f"ORDER BY created_at DESC LIMIT {int(limit)}"
    )
    return store.rows(sql, where.params)  # type: ignore[no-any-return]


def count(
    store: Any,
    query: str | ParsedQuery | Node,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many stored posts match."""
    where = where_clause(query, since, until)
    rows = store.rows(f"SELECT count() AS n FROM {POSTS} WHERE {where.where}", where.params)
    return int(rows[0]["n"]) if rows else 0


def _column(name: str) -> str:
    # Column names are ours, never user text; refuse anything else rather than quote it.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a column name: {name!r}")
    return name
