"""The Alerts and Sources pages (what web/seams.py reports; empty states until configured)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from hubbub.api.deps import app_state
from hubbub.web.context import PageDep
from hubbub.web.render import render
from hubbub.web.seams import alert_rules, recent_alerts, source_health

router = APIRouter()


@router.get("/w/{workspace}/alerts", include_in_schema=False)
def alerts(page: PageDep) -> Response:
    home = app_state(page.request).home
    rules = alert_rules(home, page.workspace)
    fired = recent_alerts(home, page.workspace) if rules else []
    return render(page.request, "alerts.html", page.t, rules=rules, alerts=fired, **page.context())


@router.get("/w/{workspace}/sources", include_in_schema=False)
def sources(page: PageDep) -> Response:
    rows = source_health(app_state(page.request).home)
    return render(page.request, "sources.html", page.t, sources=rows, **page.context())
