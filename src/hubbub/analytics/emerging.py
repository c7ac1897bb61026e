"""Emerging terms: words whose share of posts rose in the scope's window against a baseline.

The test is Dunning's log-likelihood ratio G² on the 2×2 table of posts

                      current window      baseline window
    with the term           a                    b
    without it          Nc − a               Nb − b

G² = 2 Σ O·ln(O / E) over the four cells, E the count expected if the term were as common in
both windows. A term emerges when it is *more* common now (a/Nc > b/Nb), appears in at least
`min_count` current posts, and G² ≥ 10.83 (p < 0.001 for one degree of freedom). The score is
G²; items are ordered by it. G² is used rather than a z-score on rates because it stays
reliable for rare terms and zero baseline counts, which is exactly where new themes show up
(Dunning 1993; Rayson & Garside 2000). Terms are the tokens `top(kind="terms")` counts
(stopwords, numbers and lone characters removed; hashtag words are tokens too; Chinese
tokens are rjieba segments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from hubbub.analytics.scope import Scope, iso
from hubbub.analytics.top import terms_of
from hubbub.errors import ConfigError

CRITICAL_G2 = 10.83  # chi-squared, 1 degree of freedom, p = 0.001
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Emerging:
    since: str | None
    until: str | None
    baseline_since: str | None
    posts: int
    baseline_posts: int
    items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "baseline_since": self.baseline_since,
            "posts": self.posts,
            "baseline_posts": self.baseline_posts,
            "items": [dict(i) for i in self.items],
        }


def _xlogx(observed: str, expected: str) -> str:
    # 0·ln(0/E) is 0 by continuity; guard it so a zero cell never yields NaN.
    return f"if({observed} > 0, {observed} * ln({observed} / ({expected})), 0)"


_NC, _NB = "{nc:Float64}", "{nb:Float64}"
_N = f"({_NC} + {_NB})"
_WITHOUT = f"({_N} - a - b)"  # posts of either window without the term
G2_SQL = (
    "2 * ("
    + " + ".join(
        [
            _xlogx("a", f"{_NC} * (a + b) / {_N}"),
            _xlogx("b", f"{_NB} * (a + b) / {_N}"),
            _xlogx(f"({_NC} - a)", f"{_NC} * {_WITHOUT} / {_N}"),
            _xlogx(f"({_NB} - b)", f"{_NB} * {_WITHOUT} / {_N}"),
        ]
    )
    + ")"
)


def emerging(
    store: Any,
    scope: Scope,
    baseline_days: int = 28,
    min_count: int = 5,
    limit: int = 20,
) -> Emerging:
    """Terms that rose significantly in the scope's window against the `baseline_days` before."""
    if scope.since is None:
        raise ConfigError("emerging terms need a scope with a since; give the window a start")
    if baseline_days < 1:
        raise ConfigError("baseline_days must be at least 1")
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ConfigError(f"limit must be between 1 and {MAX_LIMIT}")
    baseline_since = scope.since - timedelta(days=baseline_days)
    src = scope.with_window(baseline_since, scope.until).source(store)
    where, params = src.where, dict(src.params)
    current = "created_at >= {t_since:DateTime64(3, 'UTC')}"
    params["t_since"] = scope.since
    totals = store.rows(
        f"SELECT countIf({current}) AS nc, countIf(NOT ({current})) AS nb "
        f"FROM {src.table} WHERE {where}",
        params,
    )[0]
    nc, nb = int(totals["nc"]), int(totals["nb"])
    result = Emerging(iso(scope.since), iso(scope.until), iso(baseline_since), nc, nb)
    if not nc or not nb:
        return result  # without a baseline (or a present) nothing can be said to rise
    terms, terms_params = terms_of(src)
    params.update(terms_params, nc=float(nc), nb=float(nb), min_count=int(min_count))
    rows = store.rows(
        f"SELECT k AS term, countIf({current}) AS a, countIf(NOT ({current})) AS b, "
        f"{G2_SQL} AS g2 FROM {src.table} ARRAY JOIN {terms} AS k WHERE {where} GROUP BY k "
        "HAVING a >= {min_count:UInt64} AND a * {nb:Float64} > b * {nc:Float64} "
        f"AND g2 >= {CRITICAL_G2} ORDER BY g2 DESC, term LIMIT {int(limit)}",
        params,
    )
    items = []
    for row in rows:
        a, b = int(row["a"]), int(row["b"])
        items.append(
            {
                "term": row["term"],
                "count": a,
                "baseline": b,
                # What the baseline rate predicts for the current window, for the reader.
                "expected": round(b * nc / nb, 2),
                "score": round(float(row["g2"]), 3),
            }
        )
    return Emerging(result.since, result.until, result.baseline_since, nc, nb, items)
