"""Sign in with an API token, sign out, and switch the interface language."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hubbub.api.deps import principal
from hubbub.errors import HubbubError
from hubbub.web.context import Tr
from hubbub.web.forms import form_fields
from hubbub.web.i18n import LANGUAGES
from hubbub.web.render import render
from hubbub.web.session import COOKIE, LANG_COOKIE, join_tokens, read_session, split_tokens

router = APIRouter()
YEAR = 365 * 24 * 3600


def _home_of(workspace: str) -> str:
    return f"/w/{quote(workspace, safe='')}/topics"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: a sign-in link must not bounce the browser to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@router.get("/", include_in_schema=False)
def index(request: Request) -> Response:
    session = read_session(request)
    if not session.entries:
        return RedirectResponse("/signin", status_code=303)
    return RedirectResponse(_home_of(session.entries[0][1].workspace), status_code=303)


@router.get("/signin", include_in_schema=False)
def signin_form(request: Request, t: Tr, next: str | None = None) -> Response:
    return render(request, "signin.html", t, next=_safe_next(next), error=None)


@router.post("/signin", include_in_schema=False)
async def signin(request: Request, t: Tr) -> Response:
    fields = await form_fields(request)
    token = fields.get("token", "").strip()
    target = _safe_next(fields.get("next"))
    try:
        who = principal(request, f"Bearer {token}" if token else None, None)
    except HubbubError:
        return render(
            request, "signin.html", t, status_code=401, next=target, error=t("signin.invalid")
        )
    tokens = [*split_tokens(request.cookies.get(COOKIE)), token]
    response = RedirectResponse(target or _home_of(who.workspace), status_code=303)
    response.set_cookie(
        COOKIE, join_tokens(tokens), max_age=30 * 24 * 3600, httponly=True, samesite="lax"
    )
    return response


@router.post("/signout", include_in_schema=False)
def signout() -> Response:
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/lang/{lang}", include_in_schema=False)
def switch_language(lang: str, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next) or "/", status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, samesite="lax")
    return response
