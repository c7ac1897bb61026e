"""The few statistics the detectors need, in plain Python (scipy is not a runtime dependency).

Tails are summed in log space from the observed value outwards, so they stay exact for the
small counts alerting is about and never underflow to a p-value of 0 for large ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# A p-value is shown as a score of -log10(p); this caps it where floating point gives out.
MAX_SCORE = 300.0


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("median of nothing")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def mad_sigma(values: Sequence[float]) -> float:
    """The median absolute deviation, scaled (×1.4826) to estimate a normal σ robustly."""
    centre = median(values)
    return 1.4826 * median([abs(v - centre) for v in values])


def _log_sum_exp(terms: list[float]) -> float:
    top = max(terms)
    return top + math.log(sum(math.exp(t - top) for t in terms))


def _upper_tail(log_pmf_at, observed: int, limit: int | None = None) -> float:  # type: ignore[no-untyped-def]
    """log P(X ≥ observed) for a unimodal pmf, summing until terms stop mattering."""
    terms: list[float] = []
    k = observed
    while True:
        term = log_pmf_at(k)
        terms.append(term)
        k += 1
        if (limit is not None and k > limit) or (len(terms) > 1 and term < terms[0] - 40):
            break
        if len(terms) > 200_000:
            break
    return _log_sum_exp(terms)


def poisson_sf(observed: int, mean: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(mean)."""
    if observed <= 0:
        return 1.0
    mean = max(mean, 1e-9)
    log_mean = math.log(mean)

    def log_pmf(k: int) -> float:
        return k * log_mean - mean - math.lgamma(k + 1)

    return min(1.0, math.exp(_upper_tail(log_pmf, observed)))


def negative_binomial_sf(observed: int, mean: float, dispersion: float) -> float:
    """P(X ≥ observed) for a count with this mean and variance mean + dispersion·mean².

    dispersion 0 is the Poisson. The negative binomial is the usual model for counts that vary
    more than a Poisson's (bursty social streams do), with r = 1/dispersion.
    """
    if dispersion <= 1e-9:
        return poisson_sf(observed, mean)
    if observed <= 0:
        return 1.0
    mean = max(mean, 1e-9)
    r = 1.0 / dispersion
    p = r / (r + mean)  # success probability in the (r, p) parameterization
    log_p, log_q = math.log(p), math.log1p(-p)
    base = math.lgamma(r)

    def log_pmf(k: int) -> float:
        return math.lgamma(k + r) - base - math.lgamma(k + 1) + r * log_p + k * log_q

    return min(1.0, math.exp(_upper_tail(log_pmf, observed)))


def binomial_sf(successes: int, trials: int, p: float) -> float:
    """P(K ≥ successes) for K ~ Binomial(trials, p)."""
    if successes <= 0:
        return 1.0
    if successes > trials:
        return 0.0
    p = min(max(p, 1e-9), 1 - 1e-9)
    log_p, log_q = math.log(p), math.log1p(-p)
    head = math.lgamma(trials + 1)

    def log_pmf(k: int) -> float:
        return (
            head
            - math.lgamma(k + 1)
            - math.lgamma(trials - k + 1)
            + k * log_p
            + (trials - k) * log_q
        )

    return min(1.0, math.exp(_upper_tail(log_pmf, successes, limit=trials)))


def score(p_value: float) -> float:
    """-log10(p): 4 means one chance in ten thousand of a count this high by chance."""
    if p_value <= 0:
        return MAX_SCORE
    return min(MAX_SCORE, -math.log10(p_value))


def g_squared(a: int, current: int, b: int, baseline: int) -> float:
    """Dunning's log-likelihood ratio for a term in `a` of `current` posts now and `b` of
    `baseline` posts before (the emerging-terms test of docs/analytics.md, on counts in memory)."""
    total = current + baseline
    if total == 0 or current == 0 or baseline == 0:
        return 0.0
    with_term = a + b
    cells = (
        (a, current * with_term / total),
        (b, baseline * with_term / total),
        (current - a, current * (total - with_term) / total),
        (baseline - b, baseline * (total - with_term) / total),
    )
    return 2.0 * sum(o * math.log(o / e) for o, e in cells if o > 0 and e > 0)
