"""`hubbub user add|list|passwd|rm|grant|revoke`, and `hubbub serve --host` refusing to listen
beyond this machine while nobody but the local token could sign in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app
from hubbub.errors import ConfigError
from hubbub.users import UserStore
from hubbub.web.session import SessionStore
from tests.security.test_auth_support import PASSWORD, cheap_hashes  # noqa: F401

pytestmark = pytest.mark.usefixtures("cheap_hashes")
runner = CliRunner()


def user(home: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["user", *args, "--home", str(home)], input=input)


def test_add_list_grant_revoke_passwd_rm(tmp_path: Path) -> None:
    added = user(
        tmp_path, "add", "alice", "--role", "analyst", "--password-stdin", input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    assert user(tmp_path, "grant", "alice", "-w", "other", "--role", "viewer").exit_code == 0
    listed = json.loads(user(tmp_path, "list", "--json").stdout)
    assert listed["users"][0]["grants"] == {"default": "analyst", "other": "viewer"}
    assert "password" not in json.dumps(listed).replace("password_changed_at", "")
    assert json.loads(user(tmp_path, "list", "-w", "nowhere", "--json").stdout)["users"] == []
    table = user(tmp_path, "list").stdout
    assert "alice" in table and "analyst of" in table
    assert user(tmp_path, "revoke", "alice", "-w", "other").exit_code == 0
    changed = user(tmp_path, "passwd", "alice", "--password-stdin", input="a new password\n")
    assert changed.exit_code == 0, changed.output
    with UserStore(tmp_path) as users:
        assert users.authenticate("alice", "a new password") is not None
        assert users.get("alice").grants == {"default": "analyst"}
    assert user(tmp_path, "rm", "alice").exit_code == 0
    with UserStore(tmp_path) as users:
        assert users.list() == []


def test_removing_a_user_ends_its_sessions(tmp_path: Path) -> None:
    user(tmp_path, "add", "alice", "--role", "viewer", "--password-stdin", input=PASSWORD)
    with UserStore(tmp_path) as users, SessionStore(tmp_path) as sessions:
        plain, _ = sessions.create(users.get("alice"), [])
    result = user(tmp_path, "rm", "alice")
    assert "1 session(s) signed out" in result.output
    with SessionStore(tmp_path) as sessions:
        assert sessions.get(plain) is None


@pytest.mark.parametrize(
    ("args", "input", "message"),
    [
        (("add", "alice", "--role", "viewer", "--password-stdin"), "short\n", "too short"),
        (("add", "alice", "--role", "owner", "--password-stdin"), PASSWORD, "role"),
        (("add", "bad name", "--role", "viewer", "--password-stdin"), PASSWORD, "user name"),
        (("add", "alice", "--role", "viewer"), "", "--password-stdin"),  # no terminal
        (("rm", "nobody"), None, "no user"),
        (("passwd", "nobody", "--password-stdin"), PASSWORD, "no user"),
    ],
)
def test_mistakes_are_one_line_errors(
    tmp_path: Path, args: tuple[str, ...], input: str | None, message: str
) -> None:
    result = user(tmp_path, *args, input=input)
    assert isinstance(result.exception, ConfigError), result.output
    assert message in str(result.exception) and "\n" not in str(result.exception)


def _hubbub(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUBBUB_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "hubbub.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_serve_refuses_a_public_address_without_sign_in(tmp_path: Path) -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.org"):
        result = runner.invoke(app, ["serve", "--host", host, "--home", str(tmp_path)])
        assert isinstance(result.exception, ConfigError), result.output
        assert "hubbub user add" in str(result.exception)
    assert not (tmp_path / "server.json").exists()


@pytest.mark.slow  # a real process: ~3-6 s to start on a loaded machine
def test_serve_refusal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _hubbub(tmp_path, "serve", "--host", "0.0.0.0", "--port", "1")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "hubbub user add" in lines[0], result.stderr
    assert not (tmp_path / "server.json").exists()
