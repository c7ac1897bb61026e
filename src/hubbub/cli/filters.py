"""The WHERE clause for commands that take an optional query and a time window."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def where_clause(
    query: str | None, since: datetime | None = None, until: datetime | None = None
) -> tuple[str, dict[str, Any]]:
    """SQL condition and bound parameters for `query` (the boolean query language) and times."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if query and query.strip():
        from hubbub.query import compile_where

        condition, query_params = compile_where(query)
        parts.append(f"({condition})")
        params.update(query_params)
    if since is not None:
        parts.append("created_at >= {since:DateTime64(3, 'UTC')}")
        params["since"] = since
    if until is not None:
        parts.append("created_at < {until:DateTime64(3, 'UTC')}")
        params["until"] = until
    return (" AND ".join(parts) or "1"), params
