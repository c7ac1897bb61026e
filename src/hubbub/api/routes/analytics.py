"""Every analysis, for a topic, an ad-hoc query, both, or every post (see hubbub.analytics).

Options left out take the analysis' own defaults, so the API, the SDK and the CLI agree.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from hubbub.api.cached import cached_answer
from hubbub.api.deps import Svc
from hubbub.api.routes.params import FiltersQ, TargetQ

router = APIRouter(prefix="/analytics", tags=["analytics"])

Interval = Annotated[str | None, Query(description="auto, hour, day or week.")]
Tz = Annotated[str | None, Query(description="IANA time zone for buckets, e.g. Asia/Shanghai.")]
Limit = Annotated[int | None, Query(ge=1, description="How many items.")]


async def _analyze(request: Request, svc: Svc, name: str, target: TargetQ, **options: Any) -> Any:
    def work() -> dict[str, Any]:
        scope = svc.scope(**target.kwargs())
        return svc.analyze(name, scope, **options).to_dict()  # type: ignore[no-any-return]

    # These compare the window with the time before it: posts before `since` count too.
    earlier = name in ("top", "emerging", "compare")
    return await cached_answer(request, svc, work, reads_before_since=earlier)


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

    return await cached_answer(request, svc, work)


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
