"""Live sources and their health: what `hubbub source list` prints, for dashboards and monitors.

Sources belong to the home (its hubbub.toml), like the posts they collect, so every token of
the home sees them. Reading them touches two small files per source and never the store.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from hubbub.api.deps import Who, app_state
from hubbub.connectors.sources import health_report

router = APIRouter(tags=["sources"])


@router.get("/sources")
def list_sources(request: Request, who: Who) -> dict[str, Any]:
    """Every source: type, status (`never run`, `ok`, `retrying`, `failing`), last success,
    items/hour over the last day, lag of the newest item at the last success, last error."""
    return {"sources": health_report(app_state(request).home)}
