"""A topic's dashboard: the page (filters and empty chart cards, painted at once), each
panel's figures as JSON for its chart, the post stream as an HTML fragment, and exports.

The view's state (filters and the drill-down bucket) lives in the URL (web/state.py), so a
dashboard, filtered and drilled into, can be shared as a link.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from hubbub.api.deps import run_on_store
from hubbub.api.routes import posts as api_posts
from hubbub.api.routes.params import Filters, Target
from hubbub.errors import ConfigError
from hubbub.topics import DEFAULT_WORKSPACE
from hubbub.web.context import PageDep
from hubbub.web.panels import PANELS
from hubbub.web.render import render, render_off_loop
from hubbub.web.state import ViewState

router = APIRouter()
STREAM_PAGE = 20
# The sentiment filter's values; the platform, language and country filters are filled by the
# page's script from the panels' breakdowns, so the page paints before any query runs.
SENTIMENTS = ("positive", "neutral", "negative", "unknown")


@router.get("/topics/{name}", include_in_schema=False)
def topic_link(request: Request, name: str, workspace: str = DEFAULT_WORKSPACE) -> Response:
    """The short link alerts carry (`/topics/<name>?since=…&until=…[&workspace=…]`)."""
    rest = [(k, v) for k, v in request.query_params.multi_items() if k != "workspace"]
    target = f"/w/{quote(workspace, safe='')}/topics/{quote(name, safe='')}"
    return RedirectResponse(target + (f"?{urlencode(rest)}" if rest else ""), status_code=303)


@router.get("/w/{workspace}/topics/{name}", include_in_schema=False)
def dashboard(page: PageDep, name: str) -> Response:
    topic = page.svc.topic(name)
    state = ViewState.from_request(page.request)
    state.bucket_dict()  # a malformed bucket is a clear error now, not a broken stream later
    return render(
        page.request,
        "dashboard.html",
        page.t,
        topic=topic,
        state=state,
        sentiments=SENTIMENTS,
        **page.context(),
    )


@router.get("/w/{workspace}/topics/{name}/data/{panel}", include_in_schema=False)
async def panel_data(page: PageDep, name: str, panel: str) -> Response:
    if panel not in PANELS:
        raise ConfigError(f"no dashboard panel {panel!r}; use one of {', '.join(PANELS)}")
    state = ViewState.from_request(page.request)
    filters = state.scope_kwargs()
    topic = page.svc.topic(name)  # its version keys the cache: an edit shows at once
    key = ("panel", panel, topic.name, topic.version, state.query_string(with_bucket=False))
    data = await page.cached(key, lambda: PANELS[panel](page.svc, topic.name, filters, page.t))
    return JSONResponse(data)


@router.get("/w/{workspace}/topics/{name}/posts", include_in_schema=False)
async def post_stream(
    page: PageDep,
    name: str,
    order: Annotated[str, Query()] = "newest",
    cursor: Annotated[str | None, Query()] = None,
) -> Response:
    """A page of the post stream, narrowed to the drill-down bucket; "more" loads the next."""
    state = ViewState.from_request(page.request)
    topic = page.svc.topic(name)

    def work() -> dict[str, Any]:
        scope = page.svc.scope(topic=name, **state.scope_kwargs())
        result = page.svc.analyze(
            "posts",
            scope,
            order=order,
            limit=STREAM_PAGE,
            cursor=cursor,
            bucket=state.bucket_dict(),
        )
        return result.to_dict()  # type: ignore[no-any-return]

    data = await run_on_store(page.request, work)
    return await render_off_loop(
        page.request,
        "_posts.html",
        page.t,
        posts=data["posts"],
        next_cursor=data["next_cursor"],
        order=order,
        query=topic.query,
        state=state,
        stream_url=page.topic_url(name, "/posts"),
        first_page=cursor is None,
        **page.context(),
    )


@router.get("/w/{workspace}/topics/{name}/export", include_in_schema=False)
async def export(page: PageDep, name: str, format: str = "csv") -> StreamingResponse:
    """The filtered posts of the topic, through the API's own streaming export."""
    state = ViewState.from_request(page.request)
    kwargs = state.scope_kwargs()
    filters = Filters(
        kwargs["since"],
        kwargs["until"],
        kwargs["platforms"],
        kwargs["langs"],
        kwargs["countries"],
        kwargs["sentiments"],
    )
    response = await api_posts.export(
        page.request, page.svc, Target(name, None, filters), format=format, bucket=state.bucket
    )
    safe = "".join(c if c.isalnum() else "-" for c in name).strip("-") or "topic"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}.{format}"'
    return response
