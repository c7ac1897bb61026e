"""Who is signed in to the dashboard: a server-side session named by a random id in a cookie.

The cookie (`hubbub_session`: HttpOnly, SameSite=Lax, Secure over https) holds only a random
id; `<home>/meta.sqlite3` keeps its SHA-256 digest with what the session stands for:

- a user (hubbub.users) signed in with a password, with the user's `generation` at sign-in:
  a new password, a revoked grant or removing the user changes it and ends the session;
- and/or up to 8 API tokens signed in with (their digests, never their text): each is checked
  on every request as the API checks it, so a revoked token leaves the session at once. The
  server's local token (`hubbub serve`/`hubbub demo` print it) is an admin of every workspace.

A session ends when unused for `session_idle_hours` (default 12) or `session_max_days` (default
7) after sign-in, whichever comes first, and at sign-out. Each has a random CSRF token that
every form and HTMX request must send back (hubbub.web.csrf).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request

from hubbub import settings
from hubbub.api.deps import LOCAL_TOKEN_ID, app_state, local_client
from hubbub.auth import ROLES, AuthError, Principal, TokenStore, digest
from hubbub.topics import TopicStore
from hubbub.topics.db import MetaStore
from hubbub.topics.models import check_workspace
from hubbub.users import User, UserStore

COOKIE = "hubbub_session"
LANG_COOKIE = "hubbub_lang"
MAX_TOKENS = 8
# How stale `seen_at` may get: writing it on every request would make each page a SQLite write;
# idle expiry is counted in hours, so a minute of slack does not matter.
TOUCH_EVERY = 60.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    id_digest TEXT PRIMARY KEY,
    user TEXT,
    user_generation INTEGER,
    tokens TEXT NOT NULL DEFAULT '',
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions(user);
"""


def now() -> float:
    """The sessions' clock (seconds); tests replace it to move time without sleeping."""
    return time.time()


class SignInRequired(Exception):
    """No signed-in principal reaches this workspace: the page redirects to the sign-in form."""

    def __init__(self, workspace: str | None = None) -> None:
        super().__init__(workspace or "")
        self.workspace = workspace


@dataclass(frozen=True)
class Record:
    """One stored session."""

    id_digest: str
    user: str | None
    user_generation: int | None
    tokens: tuple[str, ...]  # token digests
    csrf: str
    created_at: float
    seen_at: float


class SessionStore(MetaStore):
    SCHEMA = _SCHEMA

    def __init__(
        self,
        home: Path,
        idle: float | None = None,
        absolute: float | None = None,
        clock: Any = None,
    ) -> None:
        super().__init__(home)
        self.idle = idle if idle is not None else settings.get("session_idle_hours", home) * 3600
        self.absolute = (
            absolute if absolute is not None else settings.get("session_max_days", home) * 86400
        )
        self._clock = clock

    def now(self) -> float:
        return self._clock() if self._clock is not None else now()

    def create(self, user: User | None, tokens: list[str]) -> tuple[str, Record]:
        """A new session; returns its id (for the cookie; only its digest is stored)."""
        plain = secrets.token_urlsafe(32)
        at = self.now()
        record = Record(
            _digest(plain),
            user.name if user else None,
            user.generation if user else None,
            tuple(dict.fromkeys(tokens))[-MAX_TOKENS:],
            secrets.token_urlsafe(32),
            at,
            at,
        )
        self._conn.execute(
            "INSERT INTO web_sessions(id_digest, user, user_generation, tokens, csrf, "
            "created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.id_digest,
                record.user,
                record.user_generation,
                " ".join(record.tokens),
                record.csrf,
                at,
                at,
            ),
        )
        return plain, record

    def get(self, plain: str | None) -> Record | None:
        """The live session with this id; an expired one is deleted and None returned."""
        if not plain:
            return None
        row = self._conn.execute(
            "SELECT * FROM web_sessions WHERE id_digest = ?", (_digest(plain),)
        ).fetchone()
        if row is None or not hmac.compare_digest(row["id_digest"], _digest(plain)):
            return None
        record = _record(row)
        at = self.now()
        if at - record.seen_at > self.idle or at - record.created_at > self.absolute:
            self.delete(plain)
            return None
        if at - record.seen_at >= TOUCH_EVERY:
            self._conn.execute(
                "UPDATE web_sessions SET seen_at = ? WHERE id_digest = ?", (at, record.id_digest)
            )
        return record

    def delete(self, plain: str | None) -> None:
        if plain:
            self._conn.execute("DELETE FROM web_sessions WHERE id_digest = ?", (_digest(plain),))

    def delete_user(self, name: str) -> int:
        """End every session of the user; how many there were."""
        cursor = self._conn.execute("DELETE FROM web_sessions WHERE user = ?", (name,))
        return cursor.rowcount

    def purge(self) -> int:
        """Delete expired sessions (sign-in calls it, so the table does not grow)."""
        at = self.now()
        cursor = self._conn.execute(
            "DELETE FROM web_sessions WHERE seen_at < ? OR created_at < ?",
            (at - self.idle, at - self.absolute),
        )
        return cursor.rowcount


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def _record(row: Any) -> Record:
    return Record(
        row["id_digest"],
        row["user"],
        row["user_generation"],
        tuple(t for t in row["tokens"].split(" ") if t),
        row["csrf"],
        row["created_at"],
        row["seen_at"],
    )


@dataclass(frozen=True)
class Session:
    """The browser's session: its user (if signed in with a password) and valid tokens."""

    record: Record | None = None
    user: User | None = None
    principals: tuple[Principal, ...] = field(default_factory=tuple)
    token_digests: tuple[str, ...] = field(default_factory=tuple)

    @property
    def signed_in(self) -> bool:
        return self.user is not None or bool(self.principals)

    @property
    def csrf(self) -> str | None:
        return self.record.csrf if self.record else None

    @property
    def is_local(self) -> bool:
        return any(who.token_id == LOCAL_TOKEN_ID for who in self.principals)

    def workspaces(self, request: Request) -> list[str]:
        """Every workspace the session may open (the local token opens all)."""
        names: list[str] = []
        if self.is_local:
            with TopicStore(app_state(request).home) as topics:
                names = topics.workspaces()
        names += [who.workspace for who in self.principals]
        if self.user is not None:
            names += list(self.user.grants)
        return sorted(set(names))

    def principal(self, request: Request, workspace: str) -> Principal:
        """The signed-in principal for `workspace` with the strongest role."""
        if self.is_local:
            check_workspace(workspace)
            return Principal(LOCAL_TOKEN_ID, workspace, "admin", "local-cli", kind="local")
        found = [who for who in self.principals if who.workspace == workspace]
        if self.user is not None and (mine := self.user.principal(workspace)) is not None:
            found.append(mine)
        if not found:
            raise SignInRequired(workspace)
        return max(found, key=lambda who: ROLES.index(who.role))

    def first_workspace(self, request: Request) -> str | None:
        names = self.workspaces(request)
        return names[0] if names else None


def read_session(request: Request) -> Session:
    """The request's live session with its user and tokens re-checked, or an empty Session.
    A session whose user is gone or changed (password, grants) is deleted. The CSRF token is
    left in `request.state.csrf_token` for the templates."""
    cached = getattr(request.state, "hubbub_session", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    state = app_state(request)
    plain = request.cookies.get(COOKIE)
    session = Session()
    with SessionStore(state.home) as sessions:
        record = sessions.get(plain)
        if record is not None:
            session = _resolve(request, sessions, plain, record)
    if session.record is not None:
        request.state.csrf_token = session.record.csrf
    request.state.hubbub_session = session
    return session


def _resolve(
    request: Request, sessions: SessionStore, plain: str | None, record: Record
) -> Session:
    state = app_state(request)
    user = None
    if record.user is not None:
        with UserStore(state.home) as users:
            user = users.find(record.user)
        if user is None or user.generation != record.user_generation:
            sessions.delete(plain)
            return Session()
    principals: list[Principal] = []
    valid: list[str] = []
    local = digest(state.local_token)
    with TokenStore(state.home) as tokens:
        for token_digest in record.tokens:
            if hmac.compare_digest(token_digest, local):
                if local_client(request):
                    principals.append(
                        Principal(LOCAL_TOKEN_ID, "default", "admin", "local-cli", kind="local")
                    )
                    valid.append(token_digest)
                continue
            try:
                principals.append(tokens.verify_digest(token_digest))
                valid.append(token_digest)
            except AuthError:
                continue
    session = Session(record, user, tuple(principals), tuple(valid))
    if not session.signed_in:
        sessions.delete(plain)
        return Session()
    return session


def is_https(request: Request) -> bool:
    """Over https (uvicorn sets the scheme from X-Forwarded-Proto of a trusted proxy)."""
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Any, plain: str, max_age: float) -> None:
    response.set_cookie(
        COOKIE,
        plain,
        max_age=int(max_age),
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )
