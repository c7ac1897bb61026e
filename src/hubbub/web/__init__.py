"""The web dashboard: server-rendered pages (Jinja2 + HTMX) with Apache ECharts charts, in
English and Simplified Chinese, served by the API's app at `/` (the API stays under /v1).

    routes/auth.py       sign in with an API token, sign out, switch language
    routes/topics.py     topics list with sparklines; query editor with live lint and count
    routes/dashboard.py  a topic's dashboard, its panels' JSON, post stream, exports
    routes/compare.py    2-5 topics side by side
    routes/status.py     Alerts and Sources pages (web/seams.py)
    panels.py            which analyses each dashboard panel runs (through api.service)
    cache.py             recent figures, kept a minute, so a reopened view is instant
    state.py             the view's filters and drill-down, kept in the URL
    session.py           the signed-in tokens (HttpOnly cookie) and the workspace switcher
    i18n.py, i18n/       catalogs and locale formatting
    static/              CSS, the page scripts, vendor/ (ECharts, echarts-wordcloud, htmx)

Everything works offline: no asset is loaded from another site.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from hubbub.api.errors import classify
from hubbub.errors import HubbubError
from hubbub.web.cache import FigureCache
from hubbub.web.context import translator
from hubbub.web.render import render
from hubbub.web.session import SignInRequired

STATIC_DIR = __path__[0] + "/static"


def mount(app: FastAPI) -> None:
    """Add the dashboard's routes, static files and HTML error pages to the API's app."""
    from hubbub.web.routes import auth, compare, dashboard, status, topics

    for module in (auth, topics, dashboard, compare, status):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.web_figures = FigureCache()
    json_errors: Callable[[Request, Exception], Awaitable[Response]]
    json_errors = app.exception_handlers[HubbubError]  # type: ignore[assignment]

    async def sign_in_first(request: Request, exc: Exception) -> Response:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    async def html_errors(request: Request, exc: Exception) -> Response:
        """Pages answer with an HTML page; the scripts' JSON and the API keep the JSON shape."""
        wants_html = "text/html" in request.headers.get("accept", "")
        if not (wants_html and request.url.path.startswith("/w/")) or "/data" in request.url.path:
            return await json_errors(request, exc)
        status, _ = classify(exc)  # type: ignore[arg-type]
        return render(request, "error.html", translator(request), status, message=str(exc))

    app.add_exception_handler(SignInRequired, sign_in_first)
    app.add_exception_handler(HubbubError, html_errors)
