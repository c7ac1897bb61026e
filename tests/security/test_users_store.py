"""Users: argon2id hashes (never the password), authentication with the same answer and cost
for an unknown name, rehash when the argon2 parameters change, and the generation that ends
sessions on a new password, a revoked grant or removal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from hubbub import users as users_module
from hubbub.errors import ConfigError
from hubbub.users import UserStore, auth_configured, check_bind, is_loopback
from tests.security.test_auth_support import CHEAP, PASSWORD, cheap_hashes  # noqa: F401

pytestmark = pytest.mark.usefixtures("cheap_hashes")


def test_the_password_is_stored_only_as_an_argon2id_hash(tmp_path: Path) -> None:
    with UserStore(tmp_path) as users:
        users.add("alice", PASSWORD, "default", "analyst")
    raw = sqlite3.connect(tmp_path / "meta.sqlite3").execute("SELECT * FROM users").fetchall()
    dumped = repr(raw)
    assert PASSWORD not in dumped and "$argon2id$" in dumped


def test_authenticate_right_wrong_and_unknown(tmp_path: Path) -> None:
    with UserStore(tmp_path) as users:
        users.add("alice", PASSWORD, "default", "analyst")
        assert users.authenticate("alice", PASSWORD).grants == {"default": "analyst"}  # type: ignore[union-attr]
        assert users.authenticate("ALICE", PASSWORD) is not None  # names are case-insensitive
        assert users.authenticate("alice", PASSWORD + "x") is None
        assert users.authenticate("nobody", PASSWORD) is None
        assert users.authenticate("../bad name", PASSWORD) is None


def test_an_unknown_name_is_still_checked_against_a_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []

    class Spy(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            checked.append(str(hash))
            return super().verify(hash, password)

    spy = Spy(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users_module, "hasher", lambda: spy)
    with UserStore(tmp_path) as users:
        assert users.authenticate("nobody", PASSWORD) is None
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_a_hash_with_old_parameters_is_redone_at_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UserStore(tmp_path) as users:
        users.add("alice", PASSWORD, "default", "analyst")
        old = users._row("alice")["password_hash"]
        stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
        monkeypatch.setattr(users_module, "hasher", lambda: stronger)
        assert stronger.check_needs_rehash(old)
        assert users.authenticate("alice", PASSWORD) is not None
        new = users._row("alice")["password_hash"]
        assert new != old and not stronger.check_needs_rehash(new)
        assert users.get("alice").generation == 0  # a rehash is no password change
        assert users.authenticate("alice", PASSWORD) is not None


def test_the_default_parameters_are_argon2id_with_real_cost() -> None:
    params = PasswordHasher().hash("x")
    assert params.startswith("$argon2id$") and "m=65536" in params
    assert users_module.PasswordHasher is PasswordHasher


def test_changes_that_end_sessions_bump_the_generation(tmp_path: Path) -> None:
    with UserStore(tmp_path) as users:
        users.add("alice", PASSWORD, "default", "viewer")
        assert users.grant("alice", "other", "analyst").generation == 0  # more rights: no
        assert users.grant("alice", "other", "admin").generation == 0
        assert users.grant("alice", "other", "viewer").generation == 1  # fewer rights: yes
        assert users.revoke("alice", "other").generation == 2
        assert users.set_password("alice", "another password").generation == 3
        assert users.authenticate("alice", PASSWORD) is None
        assert users.authenticate("alice", "another password") is not None


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("bad name", PASSWORD, "user name"),
        ("", PASSWORD, "user name"),
        ("alice", "short", "too short"),
        ("alice", "x" * 2000, "too long"),
    ],
)
def test_bad_names_and_passwords_are_one_line_errors(
    tmp_path: Path, name: str, password: str, message: str
) -> None:
    with UserStore(tmp_path) as users, pytest.raises(ConfigError, match=message):
        users.add(name, password, "default", "viewer")


def test_roles_and_workspaces_are_checked(tmp_path: Path) -> None:
    with UserStore(tmp_path) as users:
        with pytest.raises(ConfigError, match="role"):
            users.add("alice", PASSWORD, "default", "owner")
        with pytest.raises(ConfigError, match="workspace"):
            users.add("alice", PASSWORD, "bad workspace", "viewer")
        users.add("alice", PASSWORD, "default", "viewer")
        with pytest.raises(ConfigError, match="exists"):
            users.add("Alice", PASSWORD, "default", "viewer")
        with pytest.raises(ConfigError, match="no role"):
            users.revoke("alice", "other")
        with pytest.raises(ConfigError, match="no user"):
            users.remove("bob")


def test_binding_beyond_loopback_needs_a_user_or_token(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.org")
    check_bind(tmp_path, "127.0.0.1")
    with pytest.raises(ConfigError, match="hubbub user add"):
        check_bind(tmp_path, "0.0.0.0")
    assert not auth_configured(tmp_path)
    with UserStore(tmp_path) as users:
        users.add("alice", PASSWORD, "default", "admin")
    check_bind(tmp_path, "0.0.0.0")
