"""One JSON error shape for every answer that is not a success:

    {"error": {"code": "not-found", "message": "...", "hint": "...", "position": 12}}

`hint` and `position` appear when known (a query error has both). The status says whose fault it
is: 4xx for the request, 500 only for a bug (logged with its stack trace; the client gets the
shape and no internals).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hubbub.auth import AuthError, Forbidden
from hubbub.errors import (
    ConfigError,
    HubbubError,
    NotFound,
    QueryError,
    StoreError,
    StoreLocked,
)
from hubbub.logs import redact
from hubbub.topics import TopicExists

log = logging.getLogger("hubbub.api")

# Most specific first: the first class an error is an instance of decides.
_STATUS: tuple[tuple[type[HubbubError], int, str], ...] = (
    (QueryError, 400, "invalid-query"),
    (NotFound, 404, "not-found"),
    (TopicExists, 409, "conflict"),
    (AuthError, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (StoreLocked, 503, "store-locked"),
    (StoreError, 500, "store-error"),
    (ConfigError, 400, "invalid-parameter"),
    (HubbubError, 400, "bad-request"),
)
_HTTP_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
}


def error_body(
    code: str, message: str, hint: str | None = None, position: int | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": redact(message)}  # no secret in answers
    if hint:
        error["hint"] = hint
    if position is not None:
        error["position"] = position
    return {"error": error}


def classify(exc: HubbubError) -> tuple[int, str]:
    for kind, status, code in _STATUS:
        if isinstance(exc, kind):
            return status, code
    return 400, "bad-request"  # unreachable: HubbubError is last


async def _hubbub_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HubbubError)
    status, code = classify(exc)
    if isinstance(exc, QueryError):
        body = error_body(code, exc.message, exc.hint, exc.position)
    else:
        body = error_body(code, str(exc))
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    message = str(exc.detail) if exc.detail else code.replace("-", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no route {request.url.path}; see /docs for the API"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}; see /docs"
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for item in exc.errors():
        loc = list(item.get("loc", ()))
        if loc and loc[0] in ("query", "body", "path", "header"):
            loc = loc[1:]  # where the value came from is clear from the name
        where = ".".join(str(p) for p in loc)
        problems.append(f"{where or 'request'}: {item.get('msg', 'invalid')}")
    return JSONResponse(
        error_body("invalid-request", "; ".join(problems) or "invalid request"), status_code=422
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(
        error_body(
            "internal-error",
            "an unexpected error occurred; this is a bug in Hubbub",
            hint="the server log has the details; please report it",
        ),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(HubbubError, _hubbub_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
