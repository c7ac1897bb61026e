"""The detectors: each looks at one bucket of a topic's series and says whether, and how
strongly, something happened. They return a `Finding` (the figures an alert explains itself
with) or None. The methods are described, with their assumptions, in docs/alerts.md.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from hubbub.alerts.rules import Rule
from hubbub.alerts.series import WEEK, Bucket, Series
from hubbub.alerts.stats import (
    binomial_sf,
    g_squared,
    mad_sigma,
    median,
    negative_binomial_sf,
    score,
)

DAY = 86400
WEEKS_BACK = 4
DAYS_BACK = 7
RECENT_BACK = 24
RESIDUALS_KEPT = 168
MIN_DISPERSION = 0.01  # never trust a baseline more than a Poisson with 10 % spread at μ = 10
EARLY_PENALTY = 1.0  # in -log10 p: an open bucket's test must be 10× more significant
MIN_ELAPSED = 0.2  # an open bucket is tested once this part of its window has gone by
MIN_EXPECTED = 0.5  # an empty baseline still expects half a post: one post is no spike


@dataclass
class Finding:
    observed: float
    expected: float | None
    score: float
    test: str
    summary: str
    key: str = ""  # what within the rule the alert is about (a term, an author), if anything
    focus: str = "all"  # which posts explain it: all | negative
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleState:
    """What a rule remembers between buckets: the volume baseline's recent residuals."""

    residuals: deque[tuple[int, float]] = field(
        default_factory=lambda: deque(maxlen=RESIDUALS_KEPT)
    )


# ---- volume spike ---------------------------------------------------------------------------


def seasonal_lags(series: Series, start: int, seasonality: str) -> tuple[str, list[int]]:
    """The method used and the bucket starts the baseline is the median of.

    weekly: the same hour of the same weekday in up to 4 past weeks (needs 2); daily: the
    same hour in up to 7 past days (needs 3); recent: the last 24 buckets. `auto` takes the
    first that has enough history. Each seasonal lag brings its two neighbouring buckets too:
    the median of three adjacent buckets follows a daily curve closely (on a slope it *is* the
    middle one) while the baseline rests on three times as many counts, which is what makes a
    3× spike on 20 posts/hour stand out. Seasonal lags need a window that divides a day.
    """
    first = series.first_start if series.first_start is not None else start
    window = series.window
    divides = DAY % window == 0
    for method, period, back, needed in (
        ("weekly", WEEK, WEEKS_BACK, 2),
        ("daily", DAY, DAYS_BACK, 3),
    ):
        if not divides or (
            seasonality not in ("auto", method)
            and not (method == "daily" and seasonality == "weekly")
        ):
            continue
        centres = [start - k * period for k in range(1, back + 1) if start - k * period >= first]
        if len(centres) >= needed or (seasonality != "auto" and centres):
            lags = [c + j * window for c in centres for j in (-1, 0, 1)]
            return method, [lag for lag in lags if first <= lag < start]
    return "recent", [
        start - k * window for k in range(1, RECENT_BACK + 1) if start - k * window >= first
    ]


def expected_count(series: Series, start: int, seasonality: str) -> tuple[float, str] | None:
    method, lags = seasonal_lags(series, start, seasonality)
    values = [c for c in (series.count_at(s) for s in lags) if c is not None]
    if not values:
        return None
    return max(median(values), MIN_EXPECTED), method


def dispersion(state: RuleState) -> float:
    """Extra-Poisson variance as φ in var = μ + φμ², estimated robustly from recent residuals."""
    if len(state.residuals) < 12:
        return 0.1  # little history: assume bursty until it shows otherwise
    counts = [float(c - e) for c, e in state.residuals]
    typical = median([e for _, e in state.residuals])
    spread = mad_sigma(counts)
    return max(MIN_DISPERSION, (spread * spread - typical) / (typical * typical))


def volume_spike(
    rule: Rule,
    series: Series,
    bucket: Bucket,
    state: RuleState,
    history: int,
    elapsed: float = 1.0,
) -> Finding | None:
    """Test the bucket's count against its baseline, alone and together with the two buckets
    before it (a slow ramp shows in their sum before any one bucket stands out).

    On an open bucket, `elapsed` is the part of the window gone by: the count so far is tested
    against that part of the expected count (posts arrive at a steady rate within a window),
    so a spike fires minutes after it starts rather than when it has filled the window. Not
    before a fifth of the window, where a handful of posts would decide.
    """
    params = rule.params
    if history < params["min_history"] or bucket.count < params["min_volume"]:
        return None
    if elapsed < MIN_ELAPSED:
        return None
    found = expected_count(series, bucket.start, params["seasonality"])
    if found is None:
        return None
    full, method = found
    part = min(1.0, elapsed)
    phi = dispersion(state)
    # An open bucket is tested again with every batch: many looks at one growing count. Ask
    # ten times more of them, which keeps the false alerts of all those looks together near
    # what the single test at the close allows (measured: bench/alerts.py).
    needed = params["min_score"] + (EARLY_PENALTY if elapsed < 1.0 else 0.0)
    best: tuple[float, int, float, float, float] | None = None  # score, span, obs, exp, p
    if bucket.count < params["min_ratio"] * full * part:
        return None  # the window itself must stand out, not only the ones before it
    for span, observed, means in _spans(series, bucket, full * part, params["seasonality"]):
        expected = sum(means)
        if observed < params["min_ratio"] * expected:
            continue
        # Independent NB counts: the sum's variance is Σμ + φΣμ², i.e. φ scaled by Σμ²/(Σμ)².
        spread = phi * sum(m * m for m in means) / (expected * expected)
        p_value = negative_binomial_sf(int(observed), expected, spread)
        figure = score(p_value)
        if figure >= needed and (best is None or figure > best[0]):
            best = (figure, span, observed, expected, p_value)
    if best is None:
        return None
    figure, span, observed, expected, p_value = best
    so_far = "" if elapsed >= 1.0 else f" ({elapsed:.0%} of the window so far)"
    over = "" if span == 1 else f" over the last {span} windows"
    return Finding(
        observed=observed,
        expected=round(expected, 2),
        score=round(figure, 2),
        test=(
            f"negative binomial on {span} window(s) (baseline {method} median, "
            f"φ = {phi:.3f}), p = {p_value:.2g}"
        ),
        summary=(
            f"{int(observed)} posts{over}{so_far} against {expected:.1f} expected "
            f"({observed / expected:.1f}×)"
        ),
        extra={"window_expected": round(full, 2), "elapsed": round(part, 3), "span": span},
    )


def _spans(
    series: Series, bucket: Bucket, expected_now: float, seasonality: str
) -> list[tuple[int, float, list[float]]]:
    """(buckets, observed, expected per bucket) for the bucket alone and with the 2 before."""
    out = [(1, float(bucket.count), [expected_now])]
    observed, means = float(bucket.count), [expected_now]
    for back in (1, 2):
        start = bucket.start - back * series.window
        count = series.count_at(start)
        found = expected_count(series, start, seasonality)
        if count is None or found is None:
            break
        observed += count
        means.append(found[0])
    else:
        out.append((3, observed, means))
    return out


def record_residual(rule: Rule, series: Series, bucket: Bucket, state: RuleState) -> None:
    found = expected_count(series, bucket.start, rule.params["seasonality"])
    if found is not None:
        state.residuals.append((bucket.count, found[0]))


# ---- negative sentiment surge ---------------------------------------------------------------


def baseline_sums(series: Series, start: int, span: int) -> tuple[int, int, int]:
    """(posts, labelled, negative) over the closed buckets in [start - span, start)."""
    posts = labelled = negative = 0
    window = series.window
    for before in range(start - window, start - span - 1, -window):
        bucket = series.buckets.get(before)
        if bucket is not None:
            posts += bucket.count
            labelled += bucket.labelled
            negative += bucket.negative
    return posts, labelled, negative


def negative_surge(rule: Rule, series: Series, bucket: Bucket) -> Finding | None:
    params = rule.params
    if bucket.negative < params["min_count"] or bucket.labelled == 0:
        return None
    _, labelled, negative = baseline_sums(series, bucket.start, params["baseline"])
    if labelled < 50:
        return None  # too little history to know the usual share
    usual = negative / labelled
    share = bucket.negative / bucket.labelled
    if share - usual < params["min_share_increase"]:
        return None
    p_value = binomial_sf(bucket.negative, bucket.labelled, usual)
    figure = score(p_value)
    if figure < params["min_score"]:
        return None
    return Finding(
        observed=round(share, 4),
        expected=round(usual, 4),
        score=round(figure, 2),
        test=f"binomial on {bucket.negative}/{bucket.labelled} negative, p = {p_value:.2g}",
        summary=(
            f"{bucket.negative} negative posts, {share:.0%} of labelled posts against "
            f"{usual:.0%} usually"
        ),
        focus="negative",
        extra={"negative_posts": bucket.negative, "labelled_posts": bucket.labelled},
    )


# ---- KOL mention ----------------------------------------------------------------------------


def kol_mention(rule: Rule, row: dict[str, Any]) -> Finding | None:
    followers = row.get("author_followers")
    threshold = rule.params["min_followers"]
    if followers is None or followers < threshold:
        return None
    author = row.get("author_handle") or row.get("author_id") or "?"
    return Finding(
        observed=float(followers),
        expected=float(threshold),
        score=round(followers / threshold, 2),
        test=f"author followers {followers:,} ≥ {threshold:,}",
        summary=f"@{author} ({followers:,} followers) posted about the topic",
        key=f"author:{author}",
        extra={"post": row},
    )


# ---- new term breaking out ------------------------------------------------------------------


def new_terms(rule: Rule, series: Series, bucket: Bucket) -> list[Finding]:
    params = rule.params
    candidates = [(t, n) for t, n in bucket.terms.items() if n >= params["min_count"]]
    if not candidates or bucket.count == 0:
        return []
    span = params["baseline"]
    window = series.window
    earlier = [
        b
        for s in range(bucket.start - window, bucket.start - span - 1, -window)
        if (b := series.buckets.get(s)) is not None
    ]
    baseline_posts = sum(b.count for b in earlier)
    if baseline_posts == 0:
        return []  # the topic itself is new: every term would look new
    out = []
    for term, count in candidates:
        before = sum(b.terms.get(term, 0) for b in earlier)
        if count / bucket.count <= before / baseline_posts:
            continue
        g2 = g_squared(count, bucket.count, before, baseline_posts)
        if g2 < params["min_g2"]:
            continue
        out.append(
            Finding(
                observed=count,
                expected=round(before * bucket.count / baseline_posts, 2),
                score=round(g2, 2),
                test=(
                    f"Dunning G² = {g2:.1f} ({count}/{bucket.count} now, "
                    f"{before}/{baseline_posts} before)"
                ),
                summary=f"{term!r} in {count} posts ({before} in the baseline)",
                key=f"term:{term}",
                extra={"term": term},
            )
        )
    return sorted(out, key=lambda f: -f.score)


# ---- thresholds on analytics ----------------------------------------------------------------


def analytic_value(
    analytic: str, bucket: Bucket, group_total: int | None
) -> tuple[float | None, int]:
    """(value, posts it rests on) of an analytic for one bucket; None when undefined."""
    if analytic == "volume":
        return float(bucket.count), bucket.count
    if analytic == "share_of_voice":
        return (bucket.count / group_total if group_total else None), group_total or 0
    if analytic == "net_sentiment":
        polar = bucket.positive + bucket.negative
        return ((bucket.positive - bucket.negative) / polar if polar else None), polar
    if analytic == "negative_share":
        return (bucket.negative / bucket.labelled if bucket.labelled else None), bucket.labelled
    raise ValueError(analytic)


_COMPARE = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def threshold(rule: Rule, bucket: Bucket, group_total: int | None) -> Finding | None:
    params = rule.params
    analytic, op, limit = params["analytic"], params["op"], params["value"]
    value, base = analytic_value(analytic, bucket, group_total)
    if value is None or (analytic != "volume" and base < params["min_posts"]):
        return None
    if not _COMPARE[op](value, limit):
        return None
    shown = f"{value:.3g}" if analytic != "volume" else f"{int(value)}"
    return Finding(
        observed=round(value, 4),
        expected=limit,
        score=round(abs(value - limit), 4),
        test=f"{analytic} {shown} {op} {limit:g}",
        summary=f"{analytic.replace('_', ' ')} is {shown} ({op} {limit:g})",
        focus="negative" if analytic in ("negative_share", "net_sentiment") else "all",
    )


def may_fire_early(rule: Rule) -> bool:
    """Whether a rule may be tested on an open bucket, on the posts so far.

    A count only grows, so a volume over its threshold now stays over it; a share or a term's
    G² can fall again, but the test is valid for what has been seen when it fires, and firing
    then is the point of live alerting. A ratio threshold or a "below" rule waits for the close.
    """
    if rule.kind in ("volume_spike", "negative_surge", "new_term"):
        return True
    return (
        rule.kind == "threshold"
        and rule.params["analytic"] == "volume"
        and rule.params["op"] in (">", ">=")
    )
