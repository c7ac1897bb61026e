"""Templates: one Jinja2 environment over web/templates, autoescaped, with the reader's
translator and formatters in every page's context."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from hubbub import __version__
from hubbub.web.highlight import highlight
from hubbub.web.i18n import Translator


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hubbub.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_safe"] = to_json
    env.filters["link_url"] = link_url
    env.globals["highlight"] = highlight
    env.globals["version"] = __version__
    return env


def link_url(value: Any) -> str | None:
    """A URL fit for an href: http(s) only. Post URLs come from platforms and files, and a
    `javascript:` one would run in the dashboard when clicked (escaping does not stop that)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def to_json(value: Any) -> Markup:
    """JSON for a <script> block: '<', '>' and '&' escaped so text cannot close the tag."""
    text = orjson.dumps(value).decode("utf-8")
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def render(
    request: Request, name: str, t: Translator, status_code: int = 200, **context: Any
) -> HTMLResponse:
    template = environment().get_template(name)
    html = template.render(request=request, t=t, lang=t.lang, **context)
    return HTMLResponse(html, status_code=status_code)


async def render_off_loop(
    request: Request, name: str, t: Translator, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """`render` in a worker thread, for async routes: highlighting posts folds their text
    (the first fold builds a table), which must not stall the event loop serving other pages."""
    return await run_in_threadpool(render, request, name, t, status_code, **context)
