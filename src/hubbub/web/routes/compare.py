"""Compare 2-5 topics on the same figures: volume over time, share of voice, sentiment,
platforms and top hashtags, each topic one colour throughout."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from hubbub.errors import ConfigError
from hubbub.web.context import PageDep
from hubbub.web.render import render
from hubbub.web.state import ViewState

router = APIRouter()
MIN_TOPICS, MAX_TOPICS = 2, 5
TOP_HASHTAGS = 8

TopicsQ = Annotated[list[str], Query(alias="topic")]


@router.get("/w/{workspace}/compare", include_in_schema=False)
def compare_page(page: PageDep, topic: TopicsQ = []) -> Response:  # noqa: B006
    chosen = list(dict.fromkeys(topic))
    error = None
    if chosen and not MIN_TOPICS <= len(chosen) <= MAX_TOPICS:
        error = page.t("compare.count", low=MIN_TOPICS, high=MAX_TOPICS)
    return render(
        page.request,
        "compare.html",
        page.t,
        topics=page.svc.topics(),
        chosen=chosen,
        ready=bool(chosen) and error is None,
        error=error,
        state=ViewState.from_request(page.request),
        **page.context(),
    )


@router.get("/w/{workspace}/compare/data", include_in_schema=False)
async def compare_data(page: PageDep, topic: TopicsQ = []) -> Response:  # noqa: B006
    names = list(dict.fromkeys(topic))
    if not MIN_TOPICS <= len(names) <= MAX_TOPICS:
        raise ConfigError(f"compare {MIN_TOPICS} to {MAX_TOPICS} topics (repeat topic=)")
    filters = ViewState.from_request(page.request).scope_kwargs()
    t = page.t

    def work() -> dict[str, Any]:
        svc = page.svc
        scopes = {n: svc.scope(topic=n, **filters) for n in names}
        per_topic = {}
        for name, scope in scopes.items():
            volume = svc.analyze("volume", scope, interval="day").to_dict()
            feeling = svc.analyze("sentiment", scope).to_dict()
            platforms = svc.analyze("breakdown", scope, by="platform").to_dict()
            tags = svc.analyze("top", scope, kind="hashtags", limit=TOP_HASHTAGS).to_dict()
            per_topic[name] = {
                "volume": volume["buckets"],
                "total": volume["total"],
                "sentiment": feeling["counts"],
                "net_sentiment": feeling["net_sentiment"],
                "platforms": {i["key"]: i["count"] for i in platforms["items"]},
                "hashtags": tags["items"],
            }
        sov = svc.share_of_voice(scopes).to_dict()
        keys = sorted({k for d in per_topic.values() for k in d["platforms"]})
        return {
            "topics": names,
            "per_topic": per_topic,
            "sov": sov,
            "platform_labels": {k: t.label("platform", k) for k in keys},
            "sentiment_labels": {
                k: t.label("sentiment", k) for k in ("positive", "neutral", "negative", "unknown")
            },
        }

    versions = tuple((t.name, t.version) for t in map(page.svc.topic, names))
    query = ViewState.from_request(page.request).query_string(with_bucket=False)
    return JSONResponse(await page.cached(("compare", versions, query), work))
