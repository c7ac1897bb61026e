"""Who is signed in to the dashboard: the API tokens kept in an HttpOnly cookie.

A token belongs to one workspace (hubbub.auth), so signing in with several tokens gives the
workspace switcher several entries; the server's local token (`hubbub serve`/`hubbub demo`
print it) is an admin of every workspace. Tokens are checked on every request exactly as the
API checks them (hubbub.api.deps.principal), so a revoked token signs the browser out at once.

The cookie is SameSite=Lax, so another site cannot make the browser post a form with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from hubbub.api.deps import LOCAL_TOKEN_ID, app_state, principal
from hubbub.auth import Principal
from hubbub.errors import HubbubError
from hubbub.topics import TopicStore

COOKIE = "hubbub_session"
LANG_COOKIE = "hubbub_lang"
# Token characters are URL-safe base64 and "_", so "." cannot occur inside one.
SEPARATOR = "."
MAX_TOKENS = 8


class SignInRequired(Exception):
    """No signed-in token reaches this workspace: the page redirects to the sign-in form."""

    def __init__(self, workspace: str | None = None) -> None:
        super().__init__(workspace or "")
        self.workspace = workspace


@dataclass(frozen=True)
class Session:
    """The browser's valid tokens, each with the principal it stands for."""

    entries: tuple[tuple[str, Principal], ...]

    @property
    def tokens(self) -> list[str]:
        return [token for token, _ in self.entries]

    def workspaces(self, request: Request) -> list[str]:
        """Every workspace a signed-in token may open (the local token opens all)."""
        names: list[str] = []
        if any(who.token_id == LOCAL_TOKEN_ID for _, who in self.entries):
            with TopicStore(app_state(request).home) as topics:
                names = topics.workspaces()
        names += [who.workspace for _, who in self.entries]
        return sorted(set(names))

    def principal(self, request: Request, workspace: str) -> Principal:
        """The signed-in principal for `workspace`, the strongest role first."""
        for token, who in sorted(self.entries, key=lambda e: e[1].token_id != LOCAL_TOKEN_ID):
            if who.token_id == LOCAL_TOKEN_ID:
                return principal(request, f"Bearer {token}", workspace)
            if who.workspace == workspace:
                return who
        raise SignInRequired(workspace)


def read_session(request: Request) -> Session:
    """The cookie's tokens that still verify; revoked or unknown ones are dropped."""
    entries = []
    for token in split_tokens(request.cookies.get(COOKIE)):
        try:
            entries.append((token, principal(request, f"Bearer {token}", None)))
        except HubbubError:
            continue
    return Session(tuple(entries))


def split_tokens(value: str | None) -> list[str]:
    return [t for t in (value or "").split(SEPARATOR) if t][:MAX_TOKENS]


def join_tokens(tokens: list[str]) -> str:
    unique = list(dict.fromkeys(tokens))
    return SEPARATOR.join(unique[-MAX_TOKENS:])
