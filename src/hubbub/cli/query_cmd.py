"""`hubbub query check|lint|explain QUERY`: the query language from the command line.

`check` prints the tree (exit 0) or the error with a caret under its position (exit 2);
`lint` adds advice; `explain` prints the SQL the store would run, with its bound parameters.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from hubbub.errors import QueryError
from hubbub.query import compile_sql, describe, lint, parse

query_app = typer.Typer(no_args_is_help=True, add_completion=False)

QueryArg = Annotated[str, typer.Argument(help="The boolean query, quoted for the shell.")]


def _fail(exc: QueryError, query: str) -> None:
    typer.echo(exc.render(query), err=True)
    raise typer.Exit(2)


@query_app.command("check")
def check(query: QueryArg) -> None:
    """Parse QUERY: print its tree and warnings, or the error (exit 2)."""
    try:
        parsed = parse(query)
    except QueryError as exc:
        _fail(exc, query)
        return
    typer.echo(describe(parsed.root))
    for diag in parsed.warnings:
        typer.echo(diag.render(query), err=True)


@query_app.command("lint")
def lint_cmd(query: QueryArg) -> None:
    """Every error and warning about QUERY, each with a fix hint (exit 2 on errors)."""
    report = lint(query)
    if report.errors or report.warnings:
        typer.echo(report.render(), err=True)
    else:
        typer.echo("no problems found")
    if report.errors:
        raise typer.Exit(2)


@query_app.command("explain")
def explain(query: QueryArg) -> None:
    """Show the SQL WHERE clause QUERY compiles to, and its bound parameters."""
    try:
        sql = compile_sql(query)
    except QueryError as exc:
        _fail(exc, query)
        return
    typer.echo(f"SELECT ... FROM hubbub.posts\nWHERE {sql.where}")
    typer.echo("-- parameters (bound, never spliced into the SQL):")
    for name, value in sql.params.items():
        typer.echo(f"--   {name} = {json.dumps(value, ensure_ascii=False)}")
