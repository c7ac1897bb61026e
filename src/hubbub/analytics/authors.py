"""Top authors (key opinion leaders) of a scope, with a documented influence score.

    reach            = the author's largest follower count seen in the scope (None if unknown)
    engagement       = Σ engagement (likes + reposts + replies + quotes) of their posts
    engagement_rate  = engagement / posts / reach     (None when reach is unknown or 0)
    influence        = log10(10 + reach) × log10(1 + engagement / posts) × (1 + log10(posts))

Why this shape: reach is the audience an author *could* move and engagement per post is the
audience they *do* move; multiplying them means neither alone makes a KOL: a bought-follower
account whose posts get no reactions scores 0. Unknown reach (news sites, forums) counts as the
floor of 10, so such authors still rank by their engagement. Logarithms keep
one 50M-follower celebrity with a single incidental mention from dwarfing the specialists who
carry the conversation. The last factor rewards a sustained voice on the topic, also on a log
scale so that posting more cannot buy rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.analytics.scope import AUTHOR_KEY, Scope
from hubbub.errors import ConfigError

MAX_LIMIT = 1000
# Secondary keys make the order total, so equal scores never swap places between two calls.
SORTS = {
    "influence": "influence DESC, posts DESC",
    "posts": "posts DESC, engagement DESC",
    "engagement": "engagement DESC, posts DESC",
    "reach": "reach_sort DESC, posts DESC",
    "engagement_rate": "rate_sort DESC, posts DESC",
}


# The author's latest handle, name and verified mark in the scope.
NAMES = (
    "argMax(author_handle, created_at) AS handle, argMax(author_name, created_at) AS name, "
    "argMax(author_verified, created_at) AS verified"
)


@dataclass(frozen=True)
class Authors:
    sort: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"sort": self.sort, "items": [dict(i) for i in self.items]}


def authors(store: Any, scope: Scope, sort: str = "influence", limit: int = 20) -> Authors:
    if sort not in SORTS:
        raise ConfigError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ConfigError(f"limit must be between 1 and {MAX_LIMIT}")
    src = scope.source(store)
    # From a topic slice, authors are ranked first without their latest handle and name
    # (argMax over strings for every author was half the figure's cost there), which are then
    # read for the authors shown only. Over posts that second read would evaluate the query
    # again, so there the names come in the same pass.
    two_step = src.slice is not None
    ranked = store.rows(
        f"""
        SELECT platform, {AUTHOR_KEY} AS author, {"" if two_step else NAMES + ","}
               count() AS posts,
               sum(ifNull(engagement, 0)) AS engagement,
               max(author_followers) AS reach,
               ifNull(reach, 0) AS reach_sort,
               if(ifNull(reach, 0) > 0, engagement / posts / reach, NULL) AS engagement_rate,
               ifNull(engagement_rate, -1) AS rate_sort,
               log10(10 + ifNull(reach, 0)) * log10(1 + engagement / posts)
                   * (1 + log10(posts)) AS influence
        FROM {src.table}
        WHERE {src.where} AND author != ''
        GROUP BY platform, author
        ORDER BY {SORTS[sort]}, platform, author
        LIMIT {int(limit)}
        """,
        src.params,
    )
    latest = {(r["platform"], r["author"]): r for r in ranked}
    if ranked and two_step:
        names = store.rows(
            f"SELECT platform, {AUTHOR_KEY} AS author, {NAMES} "
            f"FROM {src.table} WHERE {src.where} AND has({{a_ids:Array(String)}}, author) "
            "GROUP BY platform, author",
            {**src.params, "a_ids": sorted({str(r["author"]) for r in ranked})},
        )
        latest = {(r["platform"], r["author"]): r for r in names}
    items = []
    for r in ranked:
        who = latest.get((r["platform"], r["author"]), {})
        items.append(
            {
                "platform": r["platform"],
                "author_id": r["author"],
                "handle": who.get("handle"),
                "name": who.get("name"),
                "posts": int(r["posts"]),
                "engagement": int(r["engagement"]),
                "reach": None if r["reach"] is None else int(r["reach"]),
                "engagement_rate": r["engagement_rate"],
                "influence": round(float(r["influence"]), 4),
                "verified": who.get("verified"),
            }
        )
    return Authors(sort, items)
