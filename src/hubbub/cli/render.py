"""Showing user content in the terminal without Rich reading it as markup.

Posts, handles, ids and queries are data: forum BBCode such as ``[/quote]`` or ``[link=…]`` in
a post must be printed as it is, never interpreted (or crash the table).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.text import Text

from hubbub.errors import QueryError


def plain(value: Any) -> Text:
    """A table cell or line that Rich prints literally."""
    return Text("" if value is None else str(value))


@contextmanager
def about_query(query: str | None) -> Iterator[None]:
    """Attach the query text to a QueryError raised inside, so the CLI can draw the caret."""
    try:
        yield
    except QueryError as exc:
        if exc.query is None:
            exc.query = query
        raise
