"""Query parameters shared by every route that reads posts: what to look at, and filters.

The dependencies are coroutines (they do no I/O): FastAPI runs a plain function dependency in
its thread pool, a hop that costs more than building these."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Depends, Query


@dataclass(frozen=True)
class Filters:
    since: str | None
    until: str | None
    platforms: list[str]
    langs: list[str]
    countries: list[str]
    sentiments: list[str]

    def kwargs(self) -> dict[str, Any]:
        return asdict(self)


async def filters(
    since: Annotated[
        str | None, Query(description="From this day or ISO-8601 time (UTC), inclusive.")
    ] = None,
    until: Annotated[
        str | None, Query(description="Until this day or ISO-8601 time (UTC), exclusive.")
    ] = None,
    platform: Annotated[list[str], Query(description="Only these platforms (repeat).")] = [],  # noqa: B006 (FastAPI copies defaults)
    lang: Annotated[list[str], Query(description="Only these languages, e.g. zh (repeat).")] = [],  # noqa: B006
    country: Annotated[list[str], Query(description="Only these ISO countries (repeat).")] = [],  # noqa: B006
    sentiment: Annotated[
        list[str], Query(description="positive, neutral, negative or unknown (repeat).")
    ] = [],  # noqa: B006
) -> Filters:
    return Filters(since, until, platform, lang, country, sentiment)


@dataclass(frozen=True)
class Target:
    topic: str | None
    q: str | None
    filters: Filters

    def kwargs(self) -> dict[str, Any]:
        return {"topic": self.topic, "q": self.q, **self.filters.kwargs()}


async def target(
    filters: Annotated[Filters, Depends(filters)],
    topic: Annotated[
        str | None, Query(description="A topic of the token's workspace, by name.")
    ] = None,
    q: Annotated[
        str | None,
        Query(description="A boolean query; with `topic`, ANDed with the topic's query."),
    ] = None,
) -> Target:
    return Target(topic, q, filters)


FiltersQ = Annotated[Filters, Depends(filters)]
TargetQ = Annotated[Target, Depends(target)]
