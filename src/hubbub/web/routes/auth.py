"""Sign in (user name and password, or an API token), sign out, and switch the language.

A sign-in makes a new server-side session (hubbub.web.session) and drops the old one, keeping
the tokens already signed in with: a session id seen before sign-in is never the one after it.
Failed sign-ins are rate-limited (hubbub.web.ratelimit) and answer the same for an unknown name
and a wrong password.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hubbub.api.deps import app_state, principal
from hubbub.auth import digest
from hubbub.errors import HubbubError
from hubbub.users import User, UserStore
from hubbub.web.context import Tr
from hubbub.web.csrf import set_pre_cookie, signin_token
from hubbub.web.forms import form_fields
from hubbub.web.i18n import LANGUAGES, Translator
from hubbub.web.ratelimit import LoginLimiter
from hubbub.web.render import render
from hubbub.web.session import (
    COOKIE,
    LANG_COOKIE,
    SessionStore,
    read_session,
    set_session_cookie,
)

router = APIRouter()
YEAR = 365 * 24 * 3600
TOKEN_KEY = "#token"  # the rate limit's "user name" for token sign-ins


def _home_of(workspace: str) -> str:
    return f"/w/{quote(workspace, safe='')}/topics"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: a sign-in link must not bounce the browser to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def limiter(request: Request) -> LoginLimiter:
    found: LoginLimiter | None = getattr(request.app.state, "login_limiter", None)
    if found is None:
        found = request.app.state.login_limiter = LoginLimiter()
    return found


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/", include_in_schema=False)
def index(request: Request) -> Response:
    session = read_session(request)
    first = session.first_workspace(request) if session.signed_in else None
    if first is None:
        return RedirectResponse("/signin", status_code=303)
    return RedirectResponse(_home_of(first), status_code=303)


def _form(
    request: Request,
    t: Translator,
    status_code: int = 200,
    next: str | None = None,
    error: str | None = None,
    user: str = "",
    retry_after: int = 0,
) -> Response:
    csrf, new = signin_token(request)
    response = render(
        request,
        "signin.html",
        t,
        status_code=status_code,
        next=next,
        error=error,
        user=user,
        csrf_token=csrf,
    )
    if new:
        set_pre_cookie(request, response, csrf)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@router.get("/signin", include_in_schema=False)
def signin_form(request: Request, t: Tr, next: str | None = None) -> Response:
    return _form(request, t, next=_safe_next(next))


@router.post("/signin", include_in_schema=False)
async def signin(request: Request, t: Tr) -> Response:
    fields = await form_fields(request)
    target = _safe_next(fields.get("next"))
    token = fields.get("token", "").strip()
    name = fields.get("user", "").strip()
    password = fields.get("password", "")
    by_token = bool(token) or not name
    key = TOKEN_KEY if by_token else name
    address = _address(request)
    # Counted now, before the password is checked (see LoginLimiter.begin).
    wait = limiter(request).begin(address, key)
    if wait:
        message = t("signin.too_many", minutes=max(1, -(-wait // 60)))
        return _form(request, t, 429, target, message, name, retry_after=wait)
    session = await run_in_threadpool(read_session, request)
    user = session.user
    tokens = list(session.token_digests)
    if by_token:
        try:
            who = principal(request, f"Bearer {token}" if token else None, None)
        except HubbubError:
            return _form(request, t, 401, target, t("signin.invalid"))
        tokens.append(digest(token))
        first = who.workspace
    else:
        found = await run_in_threadpool(_authenticate, request, name, password)
        if found is None:
            return _form(request, t, 401, target, t("signin.invalid_password"), name)
        user = found
        first = sorted(found.grants)[0]
    limiter(request).succeeded(address, key, began=True)
    response = RedirectResponse(target or _home_of(first), status_code=303)
    with SessionStore(app_state(request).home) as sessions:
        sessions.delete(request.cookies.get(COOKIE))
        sessions.purge()
        plain, _ = sessions.create(user, tokens)
        set_session_cookie(request, response, plain, sessions.absolute)
    return response


def _authenticate(request: Request, name: str, password: str) -> User | None:
    """The user, if the password is right and the user has a workspace to open."""
    with UserStore(app_state(request).home) as users:
        user = users.authenticate(name, password)
    # A user without any grant could not open a page: answering like a wrong password keeps
    # the form from telling such a user's password apart from a wrong one.
    return user if user is not None and user.grants else None


@router.post("/signout", include_in_schema=False)
def signout(request: Request) -> Response:
    with SessionStore(app_state(request).home) as sessions:
        sessions.delete(request.cookies.get(COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/lang/{lang}", include_in_schema=False)
def switch_language(lang: str, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next) or "/", status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, samesite="lax")
    return response
