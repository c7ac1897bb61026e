"""The Alerts and Sources pages (what web/seams.py reports; empty states until configured)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from hubbub.api.deps import app_state
from hubbub.web.context import PageDep
from hubbub.web.render import render
from hubbub.web.seams import alert_rules, source_health

router = APIRouter()


@router.get("/w/{workspace}/alerts", include_in_schema=False)
def alerts(page: PageDep) -> Response:
    rules = alert_rules(app_state(page.request).home, page.workspace)
    return render(page.request, "alerts.html", page.t, rules=rules, **page.context())


@router.get("/w/{workspace}/sources", include_in_schema=False)
def sources(page: PageDep) -> Response:
    rows = source_health(app_state(page.request).home)
    return render(page.request, "sources.html", page.t, sources=rows, **page.context())
