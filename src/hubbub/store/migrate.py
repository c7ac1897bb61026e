"""Bring an existing store up to schema.sql: add the columns a newer version declares.

schema.sql is the single description of the table. A store created by an older version has
fewer columns; `missing_columns` reads the declared ones from the DDL and the store adds what
it lacks with ``ALTER TABLE … ADD COLUMN`` (a metadata-only change in ClickHouse: old rows read
the column's default until rewritten).
"""

from __future__ import annotations

import re

_COLUMN = re.compile(r"^\s+([a-z_][a-z0-9_]*)\s+(.+?),?\s*$")
_NOT_COLUMNS = {"index", "projection", "constraint"}


def declared_columns(create_table: str) -> list[tuple[str, str]]:
    """(name, type) of each column in a CREATE TABLE statement, in order."""
    body = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    columns = []
    for line in body.splitlines():
        match = _COLUMN.match(line)
        if match and match.group(1).lower() not in _NOT_COLUMNS:
            columns.append((match.group(1), match.group(2)))
    return columns


def missing_columns(create_table: str, existing: set[str]) -> list[tuple[str, str, str | None]]:
    """(name, type, the column it goes after) for each declared column the table lacks."""
    out = []
    previous: str | None = None
    for name, kind in declared_columns(create_table):
        if name not in existing:
            out.append((name, kind, previous))
        previous = name
    return out
