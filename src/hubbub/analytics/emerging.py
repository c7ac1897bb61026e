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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hubbub.analytics.daily import Tally, tally
from hubbub.analytics.scope import Scope, iso
from hubbub.analytics.top import counts_in, item_tally, ranked
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


def g2(a: np.ndarray, b: np.ndarray, nc: float, nb: float) -> np.ndarray:
    """Dunning's G² of each term, from its posts now (a) and in the baseline (b)."""
    n = nc + nb
    without = n - a - b  # posts of either window without the term
    cells = (
        (a, nc * (a + b) / n),
        (b, nb * (a + b) / n),
        (nc - a, nc * without / n),
        (nb - b, nb * without / n),
    )
    total = np.zeros(len(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        for observed, expected in cells:
            # 0·ln(0/E) is 0 by continuity; guard it so a zero cell never yields NaN.
            total += np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return 2 * total


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
    baseline = scope.with_window(baseline_since, scope.since)
    nc, nb = _posts(store, scope), _posts(store, baseline)
    result = Emerging(iso(scope.since), iso(scope.until), iso(baseline_since), nc, nb)
    if not nc or not nb:
        return result  # without a baseline (or a present) nothing can be said to rise
    spec = item_tally("terms")
    now = tally(store, scope, spec)
    now = now.filter(pc.greater_equal(now["v0"], int(min_count)))
    a = now["v0"].to_numpy().astype(np.float64)
    b = np.asarray(counts_in(tally(store, baseline, spec), ["k0"], now), dtype=np.float64)
    score = g2(a, b, float(nc), float(nb))
    rising = (a * nb > b * nc) & (score >= CRITICAL_G2)
    found = now.append_column("g2", pa.array(score)).append_column("b", pa.array(b))
    best = ranked(found.filter(pa.array(rising)), "g2", ["k0"], int(limit))
    items = [
        {
            "term": row["k0"],
            "count": int(row["v0"]),
            "baseline": int(row["b"]),
            # What the baseline rate predicts for the current window, for the reader.
            "expected": round(row["b"] * nc / nb, 2),
            "score": round(float(row["g2"]), 3),
        }
        for row in best.to_pylist()
    ]
    return Emerging(result.since, result.until, result.baseline_since, nc, nb, items)


def _posts(store: Any, scope: Scope) -> int:
    counted = tally(store, scope, Tally())
    return int(counted["v0"][0].as_py()) if counted.num_rows else 0
