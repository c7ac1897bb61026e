"""Dashboard users: a name, an argon2id password hash and, per workspace, a role.

Users sign in to the web dashboard with their name and password (hubbub.web.routes.auth); the
REST API takes tokens only (hubbub.auth). Roles are the tokens' (viewer < analyst < admin), one
per workspace the user is granted. Kept in `<home>/meta.sqlite3` like the tokens.

Every change that should end a user's sign-ins (a new password, a revoked grant, removal) bumps
the user's `generation`; a web session remembers the generation it was made with and is dropped
when it no longer matches (hubbub.web.session), so the change signs the user out at once.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hubbub.auth import ROLES, Principal, check_role
from hubbub.errors import ConfigError
from hubbub.topics.db import MetaStore
from hubbub.topics.models import check_workspace
from hubbub.topics.storage import TopicStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_grants (
    user TEXT NOT NULL COLLATE NOCASE REFERENCES users(name) ON DELETE CASCADE,
    workspace TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (user, workspace)
);
"""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
# argon2 hashes a password of any length, but a megabyte one would only be a way to burn CPU.
MAX_PASSWORD = 1024


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's current defaults (RFC 9106 low-memory: t=3, m=64 MiB, p=4).
    A stored hash made with other parameters is redone at the next sign-in (`verify`)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked against when the user does not exist, so that an unknown name costs the same
    # argon2 time as a wrong password and timing does not tell which names exist.
    return hasher().hash("hubbub-no-such-user")


@dataclass(frozen=True)
class User:
    name: str
    grants: dict[str, str]  # workspace -> role
    generation: int = 0
    created_at: datetime | None = None
    password_changed_at: datetime | None = None

    def principal(self, workspace: str) -> Principal | None:
        role = self.grants.get(workspace)
        if role is None:
            return None
        return Principal(f"user:{self.name}", workspace, role, self.name, kind="user")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "grants": dict(sorted(self.grants.items())),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "password_changed_at": (
                self.password_changed_at.isoformat() if self.password_changed_at else None
            ),
        }


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise ConfigError(
            f"user name {name!r} is not valid: use letters, digits, '.', '_', '@' or '-' "
            "(up to 64, starting with a letter or digit)"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ConfigError(f"the password is too long: use at most {MAX_PASSWORD} characters")
    return password


class UserStore(MetaStore):
    SCHEMA = _SCHEMA

    def add(self, name: str, password: str, workspace: str, role: str) -> User:
        check_name(name)
        check_password(password)
        self._grantable(workspace, role)
        now = datetime.now(UTC).isoformat()
        hashed = hasher().hash(password)
        with self._write() as conn:
            if self._row(name) is not None:
                raise ConfigError(f"user {name!r} exists; `hubbub user grant` adds a workspace")
            conn.execute(
                "INSERT INTO users(name, password_hash, created_at, password_changed_at) "
                "VALUES (?, ?, ?, ?)",
                (name, hashed, now, now),
            )
            conn.execute(
                "INSERT INTO user_grants(user, workspace, role) VALUES (?, ?, ?)",
                (name, workspace, role),
            )
        return self.get(name)

    def get(self, name: str) -> User:
        user = self.find(name)
        if user is None:
            raise ConfigError(f"no user {name!r}; `hubbub user list` shows them")
        return user

    def find(self, name: str) -> User | None:
        row = self._row(name)
        return None if row is None else self._user(row)

    def list(self, workspace: str | None = None) -> list[User]:
        rows = self._conn.execute("SELECT * FROM users ORDER BY name").fetchall()
        users = [self._user(r) for r in rows]
        return [u for u in users if workspace is None or workspace in u.grants]

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM users").fetchone()[0])

    def set_password(self, name: str, password: str) -> User:
        """A new password; signs the user out everywhere."""
        check_password(password)
        hashed = hasher().hash(password)
        with self._write() as conn:
            self._require(name)
            conn.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ?, "
                "generation = generation + 1 WHERE name = ?",
                (hashed, datetime.now(UTC).isoformat(), name),
            )
        return self.get(name)

    def grant(self, name: str, workspace: str, role: str) -> User:
        """Give (or change) the user's role in `workspace`. A lower role signs the user out."""
        self._grantable(workspace, role)
        with self._write() as conn:
            user = self._user(self._require(name))
            conn.execute(
                "INSERT INTO user_grants(user, workspace, role) VALUES (?, ?, ?) "
                "ON CONFLICT(user, workspace) DO UPDATE SET role = excluded.role",
                (user.name, workspace, role),
            )
            old = user.grants.get(workspace)
            if old is not None and ROLES.index(role) < ROLES.index(old):
                self._bump(user.name)
        return self.get(name)

    def revoke(self, name: str, workspace: str) -> User:
        """Take the user's role in `workspace` away; signs the user out everywhere."""
        with self._write() as conn:
            user = self._user(self._require(name))
            if workspace not in user.grants:
                raise ConfigError(f"user {user.name!r} has no role in workspace {workspace!r}")
            conn.execute(
                "DELETE FROM user_grants WHERE user = ? AND workspace = ?", (user.name, workspace)
            )
            self._bump(user.name)
        return self.get(name)

    def remove(self, name: str) -> User:
        """Delete the user (and its grants); its sessions end with it."""
        with self._write() as conn:
            user = self._user(self._require(name))
            conn.execute("DELETE FROM user_grants WHERE user = ?", (user.name,))
            conn.execute("DELETE FROM users WHERE name = ?", (user.name,))
        return user

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if `password` is theirs, else None (same cost for an unknown name).
        A hash made with older argon2 parameters is replaced by one with the current ones."""
        row = self._row(name) if _NAME.match(name or "") else None
        stored = row["password_hash"] if row is not None else _dummy_hash()
        try:
            hasher().verify(stored, password[:MAX_PASSWORD])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if hasher().check_needs_rehash(stored):
            # Not a password change: the generation stays, so no session ends.
            self._conn.execute(
                "UPDATE users SET password_hash = ? WHERE name = ?",
                (hasher().hash(password), row["name"]),
            )
        return self._user(row)

    def _grantable(self, workspace: str, role: str) -> None:
        check_workspace(workspace)
        check_role(role)
        with TopicStore(self.home) as topics:
            topics.ensure_workspace(workspace)

    def _bump(self, name: str) -> None:
        self._conn.execute("UPDATE users SET generation = generation + 1 WHERE name = ?", (name,))

    def _row(self, name: str) -> Any:
        return self._conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def _require(self, name: str) -> Any:
        row = self._row(name)
        if row is None:
            raise ConfigError(f"no user {name!r}; `hubbub user list` shows them")
        return row

    def _user(self, row: Any) -> User:
        grants = self._conn.execute(
            "SELECT workspace, role FROM user_grants WHERE user = ?", (row["name"],)
        ).fetchall()
        return User(
            name=row["name"],
            grants={g["workspace"]: g["role"] for g in grants},
            generation=int(row["generation"]),
            created_at=datetime.fromisoformat(row["created_at"]),
            password_changed_at=datetime.fromisoformat(row["password_changed_at"]),
        )


def auth_configured(home: Path) -> bool:
    """Whether anyone can sign in to this home: a user, or a token not revoked."""
    from hubbub.auth import TokenStore

    with UserStore(home) as users, TokenStore(home) as tokens:
        return users.count() > 0 or bool(tokens.list())


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (a host name other than localhost might not)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(home: Path, host: str) -> None:
    """Refuse to listen beyond this machine while nobody could sign in but the local token."""
    if not is_loopback(host) and not auth_configured(home):
        raise ConfigError(
            f"refusing to listen on {host} without sign-in configured: add a user first "
            "(`hubbub user add NAME --role admin`) or a token (`hubbub token create`), "
            "or keep the default --host 127.0.0.1"
        )
