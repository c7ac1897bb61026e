"""API tokens: random, shown once, stored as SHA-256 digests in `<home>/meta.sqlite3`.

A token is 32 random bytes (256 bits), so a fast digest is enough: nobody can guess one, and a
stolen database does not reveal usable tokens. (User passwords get argon2: hubbub.users.)
A token belongs to one workspace and has one role:

    viewer    read topics, posts and analyses
    analyst   viewer + create, edit, delete and revert topics
    admin     analyst + manage the workspace's tokens

Dashboard users (hubbub.users) have the same roles, per workspace, and sign in with a password;
the API itself takes tokens only.

`hubbub serve` also mints an in-memory "local" token for the CLI on the same machine (see
hubbub.api.deps); it is never stored here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hubbub.errors import ConfigError, HubbubError, NotFound
from hubbub.topics.db import MetaStore
from hubbub.topics.storage import TopicStore

ROLES = ("viewer", "analyst", "admin")
PREFIX = "hbb_"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    workspace TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
"""
# How stale a token's last-used time may get: recording every request would make each one a
# SQLite write; to the minute is what an admin deciding which token to revoke needs.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class AuthError(HubbubError):
    """No token, an unknown or revoked one (the API answers 401)."""


class Forbidden(HubbubError):
    """The token's role does not allow this (the API answers 403)."""


@dataclass(frozen=True)
class Principal:
    """Who is asking: a token's (or a signed-in user's) id, workspace and role.
    `kind` is "token", "user" (hubbub.users) or "local" (the server's own token)."""

    token_id: str
    workspace: str
    role: str
    name: str = ""
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    kind: str = "token"

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def require(self, role: str, action: str) -> None:
        if not self.can(role):
            raise Forbidden(f"a {self.role} token cannot {action}; it needs the {role} role")

    @property
    def label(self) -> str:
        """How versions record who made a change."""
        if self.kind == "user":
            return f"user:{self.name}"
        return f"token:{self.name or self.token_id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.token_id,
            "workspace": self.workspace,
            "role": self.role,
            "name": self.name,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role


class TokenStore(MetaStore):
    SCHEMA = _SCHEMA

    def _prepare(self) -> None:
        columns = {r["name"] for r in self._conn.execute("PRAGMA table_info(tokens)")}
        if "last_used_at" not in columns:  # a home made before tokens recorded their use
            self._conn.execute("ALTER TABLE tokens ADD COLUMN last_used_at TEXT")

    def create(self, workspace: str, role: str, name: str = "") -> tuple[Principal, str]:
        """A new token; returns it with its plain text, which is never stored."""
        check_role(role)
        with TopicStore(self.home) as topics:
            topics.ensure_workspace(workspace)
        token_id = secrets.token_hex(4)
        plain = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        now = datetime.now(UTC)
        self._conn.execute(
            "INSERT INTO tokens(id, digest, workspace, role, name, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (token_id, digest(plain), workspace, role, name, now.isoformat()),
        )
        return Principal(token_id, workspace, role, name, now), plain

    def list(self, workspace: str | None = None, revoked: bool = False) -> list[Principal]:
        sql = "SELECT * FROM tokens WHERE (? IS NULL OR workspace = ?)"
        if not revoked:
            sql += " AND revoked_at IS NULL"
        rows = self._conn.execute(sql + " ORDER BY created_at", (workspace, workspace))
        return [_principal(r) for r in rows]

    def revoke(self, token_id: str, workspace: str | None = None) -> Principal:
        """Revoke by id (the `hbb_<id>_` part); `workspace` limits it to that workspace's."""
        token_id = token_id.removeprefix(PREFIX).split("_")[0]
        row = self._conn.execute(
            "SELECT * FROM tokens WHERE id = ? AND (? IS NULL OR workspace = ?)",
            (token_id, workspace, workspace),
        ).fetchone()
        if row is None:  # also another workspace's token: 404, as for any object not ours
            raise NotFound(f"no token {token_id!r}; `hubbub token list` shows them")
        if row["revoked_at"] is None:
            self._conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE id = ?",
                (datetime.now(UTC).isoformat(), token_id),
            )
        return _principal(
            self._conn.execute("SELECT * FROM tokens WHERE id = ?", (token_id,)).fetchone()
        )

    def verify(self, plain: str | None) -> Principal:
        return self.verify_digest(digest(_sent(plain)))

    def check(self, plain: str | None) -> tuple[Principal, bool]:
        """`verify` without its write (see `check_digest`)."""
        return self.check_digest(digest(_sent(plain)))

    def verify_digest(self, token_digest: str) -> Principal:
        """`verify` for a token known by its digest (web sessions keep only digests)."""
        who, due = self.check_digest(token_digest)
        if due:
            self.touch(who.token_id)
        return who

    def check_digest(self, token_digest: str) -> tuple[Principal, bool]:
        """`verify_digest` without its write: the token's principal, and whether its last-used
        time is due to be recorded (`touch`). Only reads, so the API checks tokens without
        waiting for SQLite's write lock (api/deps.py)."""
        row = self._conn.execute(
            "SELECT * FROM tokens WHERE digest = ?", (token_digest,)
        ).fetchone()
        # compare_digest keeps the check constant-time even though the lookup is by digest.
        if row is None or not hmac.compare_digest(row["digest"], token_digest):
            raise AuthError("unknown API token; create one with `hubbub token create`")
        if row["revoked_at"] is not None:
            raise AuthError("this API token was revoked; create a new one")
        who = _principal(row)
        now = datetime.now(UTC)
        return who, who.last_used_at is None or now - who.last_used_at >= LAST_USED_RESOLUTION

    def touch(self, token_id: str) -> None:
        """Record that the token was used now."""
        self._conn.execute(
            "UPDATE tokens SET last_used_at = ? WHERE id = ?",
            (datetime.now(UTC).isoformat(), token_id),
        )


def _sent(plain: str | None) -> str:
    if not plain:
        raise AuthError("this needs an API token: send `Authorization: Bearer <token>`")
    return plain


def _principal(row: Any) -> Principal:
    return Principal(
        token_id=row["id"],
        workspace=row["workspace"],
        role=row["role"],
        name=row["name"],
        created_at=datetime.fromisoformat(row["created_at"]),
        revoked_at=datetime.fromisoformat(row["revoked_at"]) if row["revoked_at"] else None,
        last_used_at=_time(row["last_used_at"]),
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
