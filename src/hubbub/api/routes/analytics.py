"""Every analysis, for a topic, an ad-hoc query, both, or every post (see hubbub.analytics).

Options left out take the analysis' own defaults, so the API, the SDK and the CLI agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from hubbub.api.deps import Svc, run_on_store
from hubbub.api.routes.params import FiltersQ, TargetQ
from hubbub.web.cache import FigureCache

router = APIRouter(prefix="/analytics", tags=["analytics"])

Interval = Annotated[str | None, Query(description="auto, hour, day or week.")]
Tz = Annotated[str | None, Query(description="IANA time zone for buckets, e.g. Asia/Shanghai.")]
Limit = Annotated[int | None, Query(ge=1, description="How many items.")]


async def _analyze(request: Request, svc: Svc, name: str, target: TargetQ, **options: Any) -> Any:
    def work() -> dict[str, Any]:
        scope = svc.scope(**target.kwargs())
        return svc.analyze(name, scope, **options).to_dict()  # type: ignore[no-any-return]

    return await _cached(request, svc, work)


async def _cached(request: Request, svc: Svc, work: Callable[[], dict[str, Any]]) -> Any:
    """`work`'s answer, or the same request's answer of the last `api_cache_seconds`.

    Many analysts watching one topic ask the same questions; each answer costs the store's single
    thread tens of milliseconds on a million posts, so identical requests share one. The key is
    the workspace, the path, every query parameter and every topic's version (an edit is seen
    at once); new posts show when the entry expires. `Cache-Control: no-cache` asks for a fresh
    answer, and the `X-Hubbub-Cache` header says which it was.
    """
    cache: FigureCache | None = getattr(request.app.state, "api_figures", None)
    fresh = "no-cache" in request.headers.get("cache-control", "").lower()
    if cache is None or cache.ttl <= 0:
        return await run_on_store(request, work)
    topics = tuple((t.name, t.version) for t in svc.topics())
    key = (
        svc.workspace,
        request.url.path,
        tuple(sorted(request.query_params.multi_items())),
        topics,
    )
    found = None if fresh else cache.get(key)
    if found is None:
        found = await run_on_store(request, work)
        cache.put(key, found)
        state = "miss"
    else:
        state = "hit"
    return JSONResponse(found, headers={"X-Hubbub-Cache": state})


@router.get("/volume")
async def volume(
    request: Request,
    svc: Svc,
    target: TargetQ,
    interval: Interval = None,
    split_by: Annotated[str | None, Query(description="platform, lang or sentiment.")] = None,
    tz: Tz = None,
) -> dict[str, Any]:
    """Posts per time bucket, empty buckets included."""
    return await _analyze(
        request, svc, "volume", target, interval=interval, split_by=split_by, tz=tz
    )


@router.get("/sov")
async def share_of_voice(
    request: Request,
    svc: Svc,
    filters: FiltersQ,
    topic: Annotated[list[str], Query(description="Topics to compare (repeat).")] = [],  # noqa: B006
    group: Annotated[str | None, Query(description="Every topic of this group.")] = None,
    metric: Annotated[str | None, Query(description="mentions or engagement.")] = None,
    interval: Interval = None,
    tz: Tz = None,
) -> dict[str, Any]:
    """How the conversation divides between topics."""

    def work() -> dict[str, Any]:
        scopes = svc.group_scopes(topic, group, **filters.kwargs())
        result = svc.share_of_voice(scopes, metric=metric, interval=interval, tz=tz)
        return result.to_dict()  # type: ignore[no-any-return]

    return await _cached(request, svc, work)


@router.get("/sentiment")
async def sentiment(
    request: Request, svc: Svc, target: TargetQ, interval: Interval = None, tz: Tz = None
) -> dict[str, Any]:
    """Posts by sentiment and net sentiment, overall or per bucket."""
    return await _analyze(request, svc, "sentiment", target, interval=interval, tz=tz)


@router.get("/top")
async def top(
    request: Request,
    svc: Svc,
    target: TargetQ,
    kind: Annotated[str | None, Query(description="hashtags, terms, phrases, …")] = None,
    limit: Limit = None,
    trend: Annotated[bool | None, Query(description="Compare with the previous period.")] = None,
) -> dict[str, Any]:
    """The most frequent hashtags, terms, phrases, mentions, emoji, domains or entities."""
    return await _analyze(request, svc, "top", target, kind=kind, limit=limit, trend=trend)


@router.get("/authors")
async def authors(
    request: Request,
    svc: Svc,
    target: TargetQ,
    sort: Annotated[str | None, Query(description="influence, posts or engagement.")] = None,
    limit: Limit = None,
) -> dict[str, Any]:
    """Key opinion leaders: the authors who drive the conversation."""
    return await _analyze(request, svc, "authors", target, sort=sort, limit=limit)


@router.get("/compare")
async def compare(request: Request, svc: Svc, target: TargetQ) -> dict[str, Any]:
    """This period against the one just before it (needs `since`)."""
    return await _analyze(request, svc, "compare", target)


@router.get("/emerging")
async def emerging(
    request: Request,
    svc: Svc,
    target: TargetQ,
    baseline_days: Annotated[int | None, Query(ge=1)] = None,
    min_count: Annotated[int | None, Query(ge=1)] = None,
    limit: Limit = None,
) -> dict[str, Any]:
    """Terms rising against a baseline before the window."""
    return await _analyze(
        request,
        svc,
        "emerging",
        target,
        baseline_days=baseline_days,
        min_count=min_count,
        limit=limit,
    )


@router.get("/breakdown")
async def breakdown(
    request: Request,
    svc: Svc,
    target: TargetQ,
    by: Annotated[str | None, Query(description="platform, lang, country, …")] = None,
) -> dict[str, Any]:
    """Posts per platform, language, country, sentiment or another dimension."""
    return await _analyze(request, svc, "breakdown", target, by=by)
