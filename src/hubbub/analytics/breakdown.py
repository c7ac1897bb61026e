"""Breakdown: the scope's posts per platform, language, country, kind, emotion or sentiment.

share = count / total posts in scope, so the shares of one breakdown sum to 1. A missing value
is its own 'unknown' item: hiding it would inflate every other share. Country is the post's
country, else its author's (the same rule as the query language's `country:`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.analytics.daily import Tally, tally
from hubbub.analytics.scope import SENTIMENT_KEY, UNKNOWN, Scope
from hubbub.errors import ConfigError

DIMENSIONS = {
    "platform": "platform",
    "lang": f"ifNull(lang, '{UNKNOWN}')",
    "country": f"upperUTF8(coalesce(country, author_country, '{UNKNOWN}'))",
    "kind": "kind",
    "emotion": f"ifNull(emotion, '{UNKNOWN}')",
    "sentiment": SENTIMENT_KEY,
}


@dataclass(frozen=True)
class Breakdown:
    by: str
    total: int
    items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "total": self.total, "items": [dict(i) for i in self.items]}


def breakdown(store: Any, scope: Scope, by: str = "platform") -> Breakdown:
    if by not in DIMENSIONS:
        raise ConfigError(f"cannot break down by {by!r}; use one of {', '.join(DIMENSIONS)}")
    counted = tally(store, scope, Tally(keys=(DIMENSIONS[by],)))
    rows = sorted(
        zip(counted["k0"].to_pylist(), counted["v0"].to_pylist(), strict=True),
        key=lambda row: (-row[1], row[0]),
    )
    # 'UNKNOWN' from upperUTF8 of the country fallback reads as the same label as elsewhere.
    pairs = [(UNKNOWN if key == UNKNOWN.upper() else key, int(n)) for key, n in rows]
    total = sum(n for _, n in pairs)
    items = [{"key": k, "count": n, "share": n / total} for k, n in pairs]
    return Breakdown(by, total, items)
