"""The topics of a workspace: the list with sparklines, and the query editor with live
linting, a live count and a sample of matching posts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from hubbub.api.deps import run_on_store
from hubbub.auth import Forbidden
from hubbub.errors import HubbubError
from hubbub.query import lint
from hubbub.query.diagnostics import Diagnostic
from hubbub.topics import Topic
from hubbub.web.context import PageDep
from hubbub.web.forms import form_fields
from hubbub.web.render import render, render_off_loop
from hubbub.web.sparkline import sparkline_svg

router = APIRouter()
GROUPS = ("brand", "product", "competitor", "issue", "category", "other")
SAMPLE = 5


@router.get("/w/{workspace}/topics", include_in_schema=False)
def topic_list(page: PageDep) -> Response:
    topics = page.svc.topics()
    return render(page.request, "topics.html", page.t, topics=topics, **page.context())


@router.get("/w/{workspace}/topics/{name}/sparkline", include_in_schema=False)
async def sparkline(page: PageDep, name: str) -> Response:
    """Daily volume and net sentiment of one topic, as two inline SVG sparklines."""

    def work() -> dict[str, Any]:
        scope = page.svc.scope(topic=name)
        return page.svc.analyze("sentiment", scope, interval="day").to_dict()  # type: ignore[no-any-return]

    data = await run_on_store(page.request, work)
    days = data["over_time"]
    volumes = [sum(d[k] for k in ("positive", "neutral", "negative", "unknown")) for d in days]
    nets = [d["net_sentiment"] for d in days]
    return await render_off_loop(
        page.request,
        "_sparkline.html",
        page.t,
        total=sum(volumes),
        net=data["net_sentiment"],
        volume_svg=sparkline_svg(volumes, "volume"),
        net_svg=sparkline_svg(nets, "net", zero_line=True),
    )


@router.get("/w/{workspace}/new-topic", include_in_schema=False)
def new_topic(page: PageDep) -> Response:
    return _editor(page, Topic("", ""), original=None)


@router.get("/w/{workspace}/topics/{name}/edit", include_in_schema=False)
def edit_topic(page: PageDep, name: str) -> Response:
    return _editor(page, page.svc.topic(name), original=name)


def _editor(
    page: PageDep,
    topic: Topic,
    original: str | None,
    error: str | None = None,
    status: int = 400,
) -> Response:
    return render(
        page.request,
        "editor.html",
        page.t,
        status_code=status if error else 200,
        topic=topic,
        original=original,
        groups=GROUPS,
        error=error,
        mirror=mirror_html(topic.query, lint(topic.query).errors if topic.query else []),
        **page.context(),
    )


@router.post("/w/{workspace}/lint", include_in_schema=False)
async def lint_query(page: PageDep, request: Request) -> Response:
    """The editor's live feedback: errors underlined, warnings, the count and a sample."""
    fields = await form_fields(request)
    query = fields.get("query", "")
    report = lint(query) if query.strip() else None
    preview: dict[str, Any] | None = None
    if report is not None and report.ok:

        def work() -> dict[str, Any]:
            scope = page.svc.scope(q=query)
            counts = page.svc.analyze("breakdown", scope, by="platform").to_dict()
            return {"counts": counts, "sample": page.svc.search(scope, SAMPLE)}

        try:
            preview = await run_on_store(request, work)
        except HubbubError as exc:
            preview = {"error": str(exc)}
    return await render_off_loop(
        request,
        "_lint.html",
        page.t,
        query=query,
        report=report,
        preview=preview,
        mirror=mirror_html(query, report.errors if report else []),
        **page.context(),
    )


@router.post("/w/{workspace}/topics", include_in_schema=False)
async def save_topic(page: PageDep, request: Request) -> Response:
    """Create a topic, or edit the one named in the form's `original` field."""
    fields = await form_fields(request)
    original = fields.get("original") or None
    topic = Topic(
        fields.get("name", "").strip(),
        fields.get("query", ""),
        fields.get("group", "other") or "other",
        fields.get("description", ""),
    )
    try:
        page.who.require("analyst", "change topics")
        if original:
            saved = page.svc.edit_topic(
                original,
                new_name=topic.name,
                query=topic.query,
                group=topic.group,
                description=topic.description,
            )
        else:
            saved = page.svc.add_topic(topic.name, topic.query, topic.group, topic.description)
    except Forbidden as exc:  # a viewer: the form again with the reason, answered as a 403
        return _editor(page, topic, original, error=str(exc), status=403)
    except HubbubError as exc:
        return _editor(page, topic, original, error=str(exc))
    return RedirectResponse(page.topic_url(saved.name), status_code=303)


def mirror_html(query: str, errors: list[Diagnostic]) -> Markup:
    """The query as HTML with each error's span in a <mark>, laid exactly under the textarea
    so the marks underline the characters the errors point at."""
    spans = sorted((d.position, max(1, d.length), d.message) for d in errors)
    out: list[str] = []
    last = 0
    for start, length, message in spans:
        start = min(max(start, last), len(query))
        end = min(start + length, len(query))
        out.append(str(escape(query[last:start])))
        # An error past the end (a missing closing bracket) marks a space after the text.
        marked = escape(query[start:end]) if end > start else Markup("&nbsp;")
        out.append(f'<mark class="lint-error" title="{escape(message)}">{marked}</mark>')
        last = max(end, start)
    out.append(str(escape(query[last:])))
    # A trailing newline needs a character after it to take up a line, as in the textarea.
    return Markup("".join(out) + "\u200b")
