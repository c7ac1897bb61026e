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
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hubbub.analytics.daily import Tally, tally
from hubbub.analytics.scope import AUTHOR_KEY, Scope
from hubbub.errors import ConfigError

MAX_LIMIT = 1000
# Secondary keys make the order total, so equal scores never swap places between two calls.
SORTS = {
    "influence": ("influence", "posts"),
    "posts": ("posts", "engagement"),
    "engagement": ("engagement", "posts"),
    "reach": ("reach_sort", "posts"),
    "engagement_rate": ("rate_sort", "posts"),
}

# Per (platform, author): posts, engagement, largest follower count, time of the last post.
PER_AUTHOR = Tally(
    keys=("platform", AUTHOR_KEY),
    values=(
        ("count()", "sum"),
        ("sum(ifNull(engagement, 0))", "sum"),
        ("max(author_followers)", "max"),
        ("toUnixTimestamp64Milli(max(created_at))", "max"),
    ),
)

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
    counted = tally(store, scope, PER_AUTHOR)
    counted = counted.filter(pc.not_equal(counted["k1"], ""))
    best = _ranked(counted, sort, int(limit))
    latest = _names(store, scope, best)
    items = []
    for r in best.to_pylist():
        who = latest.get((r["k0"], r["k1"]), {})
        reach = r["v2"]
        items.append(
            {
                "platform": r["k0"],
                "author_id": r["k1"],
                "handle": who.get("handle"),
                "name": who.get("name"),
                "posts": int(r["v0"]),
                "engagement": int(r["v1"]),
                "reach": None if reach is None else int(reach),
                "engagement_rate": r["engagement_rate"],
                "influence": round(float(r["influence"]), 4),
                "verified": who.get("verified"),
            }
        )
    return Authors(sort, items)


def _ranked(counted: pa.Table, sort: str, limit: int) -> pa.Table:
    """The `limit` authors first by `sort`, with the score columns the items report."""
    posts = counted["v0"].to_numpy().astype(np.float64)
    engagement = counted["v1"].to_numpy(zero_copy_only=False).astype(np.float64)
    reach = counted["v2"].fill_null(0).to_numpy().astype(np.float64)
    per_post = engagement / np.maximum(posts, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(reach > 0, per_post / reach, np.nan)
    influence = np.log10(10 + reach) * np.log10(1 + per_post) * (1 + np.log10(posts))
    table = (
        counted.append_column("influence", pa.array(influence))
        .append_column("posts", counted["v0"])
        .append_column("engagement", counted["v1"])
        .append_column("reach_sort", pa.array(reach))
        .append_column("rate_sort", pa.array(np.nan_to_num(rate, nan=-1.0)))
        .append_column("engagement_rate", pa.array(rate, from_pandas=True))
    )
    first, second = SORTS[sort]
    order = [(first, "descending"), (second, "descending"), ("k0", "ascending")]
    order.append(("k1", "ascending"))
    # The keys end with (platform, author), unique per row: the order is total.
    return table.take(pc.select_k_unstable(table, limit, order))


def _names(store: Any, scope: Scope, best: pa.Table) -> dict[tuple[str, str], dict[str, Any]]:
    """Each shown author's latest handle, name and verified mark, read at the time of their
    last post only: the window's primary-key range then narrows to a few granules (reading
    every author's names in the window was half the figure's cost)."""
    if not best.num_rows:
        return {}
    src = scope.source(store)
    times = sorted({datetime.fromtimestamp(ms / 1000, UTC) for ms in best["v3"].to_pylist()})
    rows = store.rows(
        f"SELECT platform, {AUTHOR_KEY} AS author, {NAMES} FROM {src.table} "
        f"WHERE {src.where} AND created_at IN {{a_times:Array(DateTime64(3, 'UTC'))}} "
        "AND has({a_ids:Array(String)}, author) GROUP BY platform, author",
        {**src.params, "a_times": times, "a_ids": sorted(set(best["k1"].to_pylist()))},
    )
    return {(r["platform"], r["author"]): r for r in rows}
