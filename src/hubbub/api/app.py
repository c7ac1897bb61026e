"""The FastAPI application: routes under /v1, OpenAPI at /docs, one error shape (api/errors.py).

`create_app(home)` opens the home's store at startup (on its own thread, see api/deps.py) and
closes it at shutdown; tests pass an open `store` instead, which the app then leaves open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse

from hubbub import __version__
from hubbub.api import errors
from hubbub.api.deps import AppState, Who
from hubbub.api.routes import alerts, analytics, posts, sources, tokens, topics, zeeschuimer

DESCRIPTION = """Hubbub's REST API: topics, posts, exports and analyses of one workspace home.

Send `Authorization: Bearer <token>` (`hubbub token create`). A token sees its workspace's
topics; posts are shared by every workspace of a home. The API takes tokens only: the
dashboard's session cookie (password sign-in) is not accepted here. Errors always have the shape
`{"error": {"code", "message", "hint"?, "position"?}}`.
"""


API_CACHE_ENTRIES = 8192


def create_app(home: Path, store: Any = None, state: AppState | None = None) -> FastAPI:
    """The app for `home`. `store`: an open store to use and leave open (tests); `state`: an
    AppState already opened by the caller (`hubbub serve` opens it first, so a locked store
    is a one-line error before uvicorn starts)."""
    state = state or AppState(home, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.open()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="Hubbub",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's own /docs and /redoc load their scripts from a CDN: ours serves Swagger UI
        # from the package (works offline, no third-party script on our origin).
        docs_url=None,
        redoc_url=None,
    )
    app.state.hubbub = state
    from hubbub import settings
    from hubbub.web.cache import FigureCache

    # Entries are small JSON answers (a few KB); a team's views over a month of windows,
    # topics and filters run to thousands (hubbub.api.cached).
    app.state.api_figures = FigureCache(
        ttl=float(settings.get("api_cache_seconds", home)), max_entries=API_CACHE_ENTRIES
    )
    app.state.api_inflight = {}
    errors.install(app)
    from hubbub.web.csrf import CSRFMiddleware
    from hubbub.web.ratelimit import LoginLimiter

    app.state.login_limiter = LoginLimiter()
    app.add_middleware(CSRFMiddleware)
    # Outside Starlette's own error middleware (not `add_middleware`, which goes inside it), so
    # the 500 answer to an unexpected exception gets the headers too, as does every other.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack())  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Liveness, without a token (the CLI uses it to find a running server)."""
        return {"status": "ok", "version": __version__}

    v1 = APIRouter(prefix="/v1")

    @v1.get("/me", tags=["meta"])
    def me(who: Who) -> dict[str, Any]:
        """The token's workspace and role."""
        return who.to_dict()

    for module in (topics, analytics, posts, tokens, sources, alerts):
        v1.include_router(module.router)
    app.include_router(v1)
    # At the root, where the Zeeschuimer extension looks for 4CAT's /api/import-dataset/.
    app.include_router(zeeschuimer.router)
    from hubbub.web import mount

    mount(app)  # the dashboard at /, after /v1 and /health so those paths stay the API's
    return app


# Our pages load scripts, styles and images from /static only (ECharts, htmx: no CDN), and have
# no inline script or <style>: their data sits in <script type="application/json"> blocks, which
# are not run. Style *attributes* stay allowed because ECharts writes its tooltips as HTML with
# style="..." attributes; they cannot run script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# /docs is Swagger UI, vendored in the dashboard's static files and started by a static script;
# it injects <style> elements, so styles may be inline there (it holds only the OpenAPI schema).
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs",)
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hubbub API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# Built once: every answer gets one of these lists (pages, /docs; with HSTS over https).
_EXTRA = {
    (docs, https): (
        *HEADERS,
        (b"content-security-policy", (DOCS_CSP if docs else CSP).encode()),
        *((HSTS,) if https else ()),
    )
    for docs in (False, True)
    for https in (False, True)
}


class SecurityHeaders:
    """Security headers on every answer (pure ASGI, so streamed exports stream on). HSTS only
    over https: over plain http a browser ignores it, and a local server must stay reachable."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _EXTRA[scope["path"].startswith(DOCS_PATHS), scope.get("scheme") == "https"]

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
