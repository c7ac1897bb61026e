"""`hubbub search`, `hubbub stats` and `hubbub export`: read what the store holds."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from hubbub.api.service import post_stats, search_rows
from hubbub.cli.api_client import server_client
from hubbub.cli.common import (
    HomeOption,
    check_window,
    console,
    out,
    parse_day,
    progress_bar,
    store_for,
)
from hubbub.cli.render import about_query, plain
from hubbub.errors import ConfigError
from hubbub.query import where_clause
from hubbub.store.embedded import POSTS
from hubbub.store.rows import row_to_post

QueryArg = Annotated[
    str | None, typer.Argument(help="Boolean query, e.g. '(aurora OR 极光) NOT spam'.")
]
SinceOption = Annotated[str | None, typer.Option("--since", help="From this day (UTC), inclusive.")]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Until this day (UTC), exclusive.")
]


class SearchFormat(StrEnum):
    table = "table"
    ndjson = "ndjson"
    ids = "ids"


class ExportFormat(StrEnum):
    ndjson = "ndjson"
    csv = "csv"
    parquet = "parquet"


def _condition(
    query: str | None, since: str | None, until: str | None
) -> tuple[str, dict[str, Any]]:
    """The WHERE clause and parameters for a query and a --since/--until window, checked."""
    window = parse_day(since, "--since"), parse_day(until, "--until")
    check_window(*window)
    with about_query(query):
        condition = where_clause(query, *window)
    return condition.where, dict(condition.params)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("stats")(stats)
    app.command("export")(export)


def search(
    query: Annotated[
        str, typer.Argument(help="Boolean query, e.g. '華為 AND (发布会 OR launch)'.")
    ],
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = 20,
    format: Annotated[SearchFormat, typer.Option("--format")] = SearchFormat.table,
    home: HomeOption = None,
) -> None:
    """The newest posts matching a query."""
    where, params = _condition(query, since, until)
    remote = server_client(home)  # a running `hubbub serve` owns the store: ask it
    if remote is not None:
        with remote:
            rows = remote.search(query, limit=limit, since=since, until=until)
    else:
        with store_for(home) as store:
            rows = search_rows(store, where, params, limit)
    if format is SearchFormat.ids:
        for row in rows:
            out.print(f"{row['platform']}:{row['platform_id']}", highlight=False, markup=False)
    elif format is SearchFormat.ndjson:
        for row in rows:
            sys.stdout.write(orjson.dumps(row_to_post(row).to_dict()).decode() + "\n")
    else:
        _print_table(rows)


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print("No posts match.")
        return
    table = Table(show_lines=False)
    for name in ("time (UTC)", "platform", "author", "text"):
        table.add_column(name, overflow="fold")
    for row in rows:
        text = " ".join(str(row.get("text") or row.get("title") or "").split())
        author = row.get("author_handle") or row.get("author_name") or ""
        table.add_row(
            str(row["created_at"])[:16], plain(row["platform"]), plain(author), plain(text[:140])
        )
    out.print(table)


def stats(
    query: QueryArg = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """Counts of posts (matching a query, if given) by platform, language and day."""
    where, params = _condition(query, since, until)
    remote = server_client(home)  # a running `hubbub serve` owns the store: ask it
    if remote is not None:
        with remote:
            figures = remote.stats(query, since=since, until=until)
    else:
        with store_for(home) as store:
            figures = post_stats(store, where, params)
    if as_json:
        out.print(orjson.dumps(figures).decode(), highlight=False)
        return
    out.print(f"[bold]{figures['total']:,}[/] posts")
    for title, key in (("platform", "by_platform"), ("language", "by_language"), ("day", "by_day")):
        table = Table(title=f"by {title}", title_justify="left")
        table.add_column(title)
        table.add_column("posts", justify="right")
        for name, count in figures[key].items():
            table.add_row(plain(name), f"{count:,}")
        out.print(table)


def export(
    query: QueryArg = None,
    format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.ndjson,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    home: HomeOption = None,
) -> None:
    """Export matching posts, oldest first, with no row cap (NDJSON re-imports as-is)."""
    where, params = _condition(query, since, until)
    if format is ExportFormat.parquet and output is None and sys.stdout.isatty():
        raise ConfigError("Parquet is binary: pass --output FILE.parquet or redirect stdout")
    remote = server_client(home)  # a running `hubbub serve` owns the store: stream from it
    if remote is not None:
        with remote:
            sys.stdout.flush()
            size = remote.export(
                output or sys.stdout.buffer, format.value, q=query, since=since, until=until
            )
        console.print(f"Exported {size:,} bytes" + (f" to {output}" if output else "") + ".")
        return
    with store_for(home) as store:
        from hubbub.cli.export_writers import write_export

        total = int(store.scalar(f"SELECT count() FROM {POSTS} WHERE {where}", params) or 0)
        with progress_bar("exporting", "posts") as progress:
            task = progress.add_task("", total=total)
            count = write_export(
                store, where, params, format.value, output, lambda n: progress.advance(task, n)
            )
    console.print(f"Exported {count:,} posts" + (f" to {output}" if output else "") + ".")
