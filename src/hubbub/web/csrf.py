"""CSRF protection for the dashboard: every POST/PUT/PATCH/DELETE a browser sends with a session
cookie must carry the session's CSRF token, in the `X-CSRF-Token` header (HTMX sends it from
`hx-headers` on <body>) or a `csrf_token` form field (plain forms).

The sign-in form has no session yet, so it uses a double-submit token instead: a random value in
the `hubbub_csrf` cookie (HttpOnly, SameSite=Strict) that the form must repeat; another site can
neither read the cookie nor set it, so it cannot sign a browser in to an account of its choosing.

Not checked: the API (/v1, /api), authenticated by a bearer token the browser never adds by
itself, never by the cookie. An `Authorization` header does not exempt a dashboard request: the
pages act on the session cookie, and a browser adds `Authorization: Basic` by itself to every
request (cross-site ones too) to a site behind a basic-auth proxy. A request whose cookie names
no live session passes on: it has no authority to borrow, and the page it reaches answers with
the sign-in form.

Any dashboard write a browser marks `Sec-Fetch-Site: cross-site` or `same-site` is refused
first, whatever its cookies and tokens.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, Response

from hubbub.web.forms import MAX_FORM_BYTES
from hubbub.web.session import is_https, read_session

HEADER = "x-csrf-token"
FIELD = "csrf_token"
PRE_COOKIE = "hubbub_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIXES = ("/v1/", "/api/")
SIGNIN = "/signin"
# Bodies are read here before the route sees them; a web form is a few kilobytes.
MAX_BODY = 4 * MAX_FORM_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class CSRFMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware), so streamed exports pass through untouched."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"].startswith(API_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # Another site's page, a sibling subdomain's included (it is "same-site", so SameSite
        # cookies reach us, and it can plant a `hubbub_csrf` cookie): browsers say so in
        # Sec-Fetch-Site, and no dashboard form is ever sent from there.
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            message = "this form did not come from this site; open Hubbub and try again"
            await _refuse(request, 403, message)(scope, receive, send)
            return
        session = await run_in_threadpool(read_session, request)
        expected = session.csrf
        if expected is None and scope["path"] == SIGNIN:
            expected = request.cookies.get(PRE_COOKIE) or ""
        if expected is None:
            await self.app(scope, receive, send)
            return
        sent = request.headers.get(HEADER)
        body = b""
        if sent is None:
            body, too_big = await _read_body(receive)
            if too_big:
                await _refuse(request, 413, "this form is too large")(scope, receive, send)
                return
            if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
                text = body[:MAX_FORM_BYTES].decode("utf-8", errors="replace")
                values = parse_qs(text, keep_blank_values=True).get(FIELD)
                sent = values[-1] if values else None
        if not expected or not sent or not hmac.compare_digest(sent, expected):
            message = (
                "this form has expired or did not come from this site; reload the page and "
                "try again"
            )
            await _refuse(request, 403, message)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive) if body else receive, send)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's later messages (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _refuse(request: Request, status: int, message: str) -> Response:
    if "text/html" in request.headers.get("accept", "") and "hx-request" not in request.headers:
        page = (
            '<!doctype html><meta charset="utf-8"><title>Hubbub</title>'
            f'<p>{escape(message)}.</p><p><a href="/">Hubbub</a></p>'
        )
        return HTMLResponse(page, status_code=status)
    code = "csrf" if status == 403 else "too_large"
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def signin_token(request: Request) -> tuple[str, bool]:
    """The CSRF token the sign-in form sends back: the session's when there is one, else the
    double-submit cookie's; True when that is new (the caller sets it with `set_pre_cookie`)."""
    session = read_session(request)
    if session.csrf:
        return session.csrf, False
    token = request.cookies.get(PRE_COOKIE)
    if token:
        return token, False
    return secrets.token_urlsafe(32), True


def set_pre_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        PRE_COOKIE, token, httponly=True, samesite="strict", secure=is_https(request), path="/"
    )
