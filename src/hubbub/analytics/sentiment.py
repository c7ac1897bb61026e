"""Sentiment: posts per label and net sentiment, overall and (optionally) per time bucket.

Net sentiment = (positive − negative) / (positive + negative), in [−1, 1]; None when there are
no positive or negative posts. Neutral and unlabelled posts are left out of it on purpose: a
topic with many neutral news posts is not "less positive" than one without.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.analytics.daily import Tally, tally
from hubbub.analytics.scope import SENTIMENT_KEY, SENTIMENTS, UNKNOWN, Scope, iso
from hubbub.analytics.volume import timeline

LABELS = (*SENTIMENTS, UNKNOWN)


def net(counts: dict[str, int]) -> float | None:
    pos, neg = counts.get("positive", 0), counts.get("negative", 0)
    return (pos - neg) / (pos + neg) if pos + neg else None


@dataclass(frozen=True)
class Sentiment:
    counts: dict[str, int]
    net_sentiment: float | None
    interval: str | None = None
    tz: str = "UTC"
    over_time: list[dict[str, Any]] | None = None
    shares: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "shares": dict(self.shares),
            "net_sentiment": self.net_sentiment,
            "interval": self.interval,
            "tz": self.tz,
            "over_time": None if self.over_time is None else [dict(b) for b in self.over_time],
        }


def _shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: (n / total if total else 0.0) for k, n in counts.items()}


def sentiment(store: Any, scope: Scope, interval: str | None = None, tz: str = "UTC") -> Sentiment:
    """Label counts and net sentiment; with `interval`, also per bucket (one query either way:
    the overall counts are the sum of the buckets)."""
    if interval is None:
        counted = tally(store, scope, Tally(keys=(SENTIMENT_KEY,)))
        counts = dict.fromkeys(LABELS, 0)
        for k, n in zip(counted["k0"].to_pylist(), counted["v0"].to_pylist(), strict=True):
            counts[_label(k)] += int(n)
        return Sentiment(counts, net(counts), shares=_shares(counts))
    chosen, bucket_starts, by_bucket = timeline(store, scope, interval, tz, SENTIMENT_KEY)
    counts = dict.fromkeys(LABELS, 0)
    over_time = []
    for start in bucket_starts:
        here = dict.fromkeys(LABELS, 0)
        for k, n in by_bucket.get(int(start.timestamp()), {}).items():
            here[_label(k)] += n
        for k, n in here.items():
            counts[k] += n
        over_time.append({"t": iso(start), **here, "net_sentiment": net(here)})
    return Sentiment(counts, net(counts), chosen, tz, over_time, _shares(counts))


def _label(value: str) -> str:
    # An enricher with other labels ("mixed") is counted as unknown rather than lost.
    return value if value in LABELS else UNKNOWN
