"""Period over period: the scope's window against the window of equal length just before it.

For each figure: current, previous, delta = current − previous, and delta_pct = delta /
previous (None when previous is 0). Net sentiment is already a ratio in [−1, 1], so its delta
is a difference of points and its delta_pct is None: a percentage of a signed index misleads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.analytics.scope import AUTHOR_KEY, Scope, iso, pct_change
from hubbub.analytics.sentiment import net


@dataclass(frozen=True)
class Comparison:
    since: str | None
    until: str | None
    previous_since: str | None
    previous_until: str | None
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "previous_since": self.previous_since,
            "previous_until": self.previous_until,
            "figures": {k: dict(v) for k, v in self.figures.items()},
        }


def compare(store: Any, scope: Scope) -> Comparison:
    previous = scope.previous()  # refuses a scope without a start, with a one-line message
    src = scope.with_window(previous.since, scope.until).source(store)
    params = dict(src.params)
    params["t_since"] = scope.since
    cur = "(created_at >= {t_since:DateTime64(3, 'UTC')})"
    author = f"({AUTHOR_KEY} != '')"
    parts = []
    for suffix, cond in (("c", cur), ("p", f"NOT {cur}")):
        parts += [
            f"countIf({cond}) AS total_{suffix}",
            f"sumIf(ifNull(engagement, 0), {cond}) AS engagement_{suffix}",
            f"uniqExactIf((platform, {AUTHOR_KEY}), {cond} AND {author}) AS authors_{suffix}",
            f"countIf({cond} AND sentiment = 'positive') AS pos_{suffix}",
            f"countIf({cond} AND sentiment = 'negative') AS neg_{suffix}",
        ]
    row = store.rows(f"SELECT {', '.join(parts)} FROM {src.table} WHERE {src.where}", params)[0]

    def figure(current: float | None, before: float | None, relative: bool = True) -> dict:
        if current is None or before is None:
            return {"current": current, "previous": before, "delta": None, "delta_pct": None}
        delta = current - before
        pct = pct_change(current, before) if relative else None
        return {"current": current, "previous": before, "delta": delta, "delta_pct": pct}

    figures = {
        "total": figure(int(row["total_c"]), int(row["total_p"])),
        "engagement": figure(int(row["engagement_c"]), int(row["engagement_p"])),
        "unique_authors": figure(int(row["authors_c"]), int(row["authors_p"])),
        "net_sentiment": figure(
            net({"positive": int(row["pos_c"]), "negative": int(row["neg_c"])}),
            net({"positive": int(row["pos_p"]), "negative": int(row["neg_p"])}),
            relative=False,
        ),
    }
    return Comparison(
        iso(scope.since), iso(scope.until), iso(previous.since), iso(previous.until), figures
    )
