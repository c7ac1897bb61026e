"""`hubbub user add|list|passwd|rm|grant|revoke`: dashboard users, with a role per workspace.

Passwords are read with a hidden prompt (typed twice), or from standard input with
`--password-stdin` (for scripts), and stored as argon2id hashes (hubbub.users). A new password,
a revoked grant or removing a user signs that user out of every dashboard session.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hubbub.auth import ROLES
from hubbub.cli.api_client import JsonOption, print_json
from hubbub.cli.common import HomeOption, console, home_path, out
from hubbub.errors import ConfigError
from hubbub.topics import DEFAULT_WORKSPACE
from hubbub.users import UserStore, check_password

user_app = typer.Typer(no_args_is_help=True, add_completion=False)

RoleOption = Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")]
WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (one line)."),
]


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user", help="Dashboard users (name, password, roles).")


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
    else:
        if not sys.stdin.isatty():
            raise ConfigError("no terminal to ask the password in; pipe it with --password-stdin")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return check_password(password)


def _sign_out(home: Path, name: str) -> int:
    from hubbub.web.session import SessionStore

    with SessionStore(home) as sessions:
        return sessions.delete_user(name)


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: RoleOption,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    password_stdin: PasswordStdin = False,
    home: HomeOption = None,
) -> None:
    """Add a user with a role in one workspace (`user grant` adds more)."""
    path = home_path(home)
    with UserStore(path) as users:
        if users.find(name) is not None:
            raise ConfigError(f"user {name!r} exists; `hubbub user grant` adds a workspace")
        made = users.add(name, read_password(password_stdin), workspace, role)
    console.print(f"Added user {made.name!r}: {role} of workspace {workspace!r}.")


@user_app.command("list")
def list_users(
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Only users with a role here.")
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Users and their roles (never their password hashes)."""
    with UserStore(home_path(home)) as users:
        found = users.list(workspace)
    if as_json:
        print_json({"users": [u.to_dict() for u in found]})
        return
    table = Table()
    for column in ("name", "roles", "created (UTC)", "password set (UTC)"):
        table.add_column(column)
    for user in found:
        table.add_row(
            user.name,
            ", ".join(f"{role} of {ws}" for ws, role in sorted(user.grants.items())) or "none",
            f"{user.created_at:%Y-%m-%d %H:%M}" if user.created_at else "",
            f"{user.password_changed_at:%Y-%m-%d %H:%M}" if user.password_changed_at else "",
        )
    out.print(table)


@user_app.command("passwd")
def passwd(
    name: str,
    password_stdin: PasswordStdin = False,
    home: HomeOption = None,
) -> None:
    """Set a user's password; signs the user out everywhere."""
    path = home_path(home)
    with UserStore(path) as users:
        users.get(name)
        changed = users.set_password(name, read_password(password_stdin))
    ended = _sign_out(path, changed.name)
    console.print(f"New password for {changed.name!r}; {ended} session(s) signed out.")


@user_app.command("rm")
def remove(name: str, home: HomeOption = None) -> None:
    """Remove a user; its sessions end at once."""
    path = home_path(home)
    with UserStore(path) as users:
        gone = users.remove(name)
    ended = _sign_out(path, gone.name)
    console.print(f"Removed user {gone.name!r}; {ended} session(s) signed out.")


@user_app.command("grant")
def grant(
    name: str,
    role: RoleOption,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    home: HomeOption = None,
) -> None:
    """Give a user a role in a workspace (or change it; a lower role signs the user out)."""
    with UserStore(home_path(home)) as users:
        user = users.grant(name, workspace, role)
    console.print(f"{user.name!r} is now {role} of workspace {workspace!r}.")


@user_app.command("revoke")
def revoke(
    name: str,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    home: HomeOption = None,
) -> None:
    """Take a user's role in a workspace away; signs the user out everywhere."""
    path = home_path(home)
    with UserStore(path) as users:
        user = users.revoke(name, workspace)
    ended = _sign_out(path, user.name)
    console.print(f"{user.name!r} has no role in {workspace!r} now; {ended} session(s) signed out.")
