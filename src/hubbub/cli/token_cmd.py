"""`hubbub token create|list|revoke`: API tokens, one workspace and one role each.

A token is printed once, at creation; only its SHA-256 digest is kept (in meta.sqlite3).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hubbub.auth import ROLES, TokenStore
from hubbub.cli.api_client import JsonOption, print_json
from hubbub.cli.common import HomeOption, console, home_path, out
from hubbub.topics import DEFAULT_WORKSPACE
from hubbub.topics.models import check_workspace

token_app = typer.Typer(no_args_is_help=True, add_completion=False)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token", help="API tokens for `hubbub serve`.")


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    workspace: Annotated[str, typer.Option("--workspace", "-w")] = DEFAULT_WORKSPACE,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "",
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Create a token; it is shown once, so keep it (e.g. in HUBBUB_TOKEN)."""
    check_workspace(workspace)
    with TokenStore(home_path(home)) as tokens:
        made, plain = tokens.create(workspace, role, name)
    if as_json:
        print_json({**made.to_dict(), "token": plain})
        return
    console.print(
        f"Token {made.token_id} ({made.role} of workspace {made.workspace!r}); shown only now:"
    )
    out.print(plain, highlight=False)


@token_app.command("list")
def list_tokens(
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Only this workspace's.")
    ] = None,
    revoked: Annotated[bool, typer.Option("--revoked", help="Include revoked ones.")] = False,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Tokens (their ids, never their text)."""
    with TokenStore(home_path(home)) as tokens:
        found = tokens.list(workspace, revoked)
    if as_json:
        print_json({"tokens": [t.to_dict() for t in found]})
        return
    table = Table()
    for column in ("id", "workspace", "role", "name", "created (UTC)", "last used", "revoked"):
        table.add_column(column)
    for token in found:
        table.add_row(
            token.token_id,
            token.workspace,
            token.role,
            token.name,
            f"{token.created_at:%Y-%m-%d %H:%M}" if token.created_at else "",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never",
            f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
        )
    out.print(table)


@token_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (from `token list`).")],
    home: HomeOption = None,
) -> None:
    """Revoke a token: the API refuses it from the next request on."""
    with TokenStore(home_path(home)) as tokens:
        gone = tokens.revoke(token_id)
    console.print(f"Revoked token {gone.token_id} ({gone.role} of {gone.workspace!r}).")
