"""Volume over time: posts per hour/day/week, optionally split by platform, language or
sentiment, with empty buckets filled with 0 (a chart must show silence, not skip it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubbub.analytics.buckets import INTERVALS, choose_interval, floor_sql, starts, zone
from hubbub.analytics.daily import Tally, resolved_window, tally
from hubbub.analytics.scope import SENTIMENT_KEY, UNKNOWN, Scope, iso
from hubbub.errors import ConfigError

SPLITS = {
    "platform": "platform",
    "lang": f"ifNull(lang, '{UNKNOWN}')",
    "sentiment": SENTIMENT_KEY,
}


@dataclass(frozen=True)
class Volume:
    interval: str
    tz: str
    buckets: list[dict[str, Any]] = field(default_factory=list)
    # Every split key seen, most posts first: the series of a stacked chart, in legend order.
    keys: list[str] = field(default_factory=list)
    split_by: str | None = None

    @property
    def total(self) -> int:
        return sum(b["total"] for b in self.buckets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "tz": self.tz,
            "split_by": self.split_by,
            "keys": list(self.keys),
            "total": self.total,
            "buckets": [dict(b, by=dict(b["by"])) for b in self.buckets],
        }


def check_interval(interval: str) -> None:
    if interval != "auto" and interval not in INTERVALS:
        raise ConfigError(f"unknown interval {interval!r}; use auto, hour, day or week")


def bucket_counts(
    store: Any, scope: Scope, interval: str, tz: str, key_sql: str | None
) -> dict[int, dict[str, int]]:
    """{bucket start (Unix seconds): {split key: posts}}; key '' if unsplit."""
    spec = Tally(keys=(floor_sql(interval), key_sql or "''"), params=(("tz", tz),))
    counted = tally(store, scope, spec)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for t, k, n in zip(*(counted[c].to_pylist() for c in ("k0", "k1", "v0")), strict=True):
        out[int(t)][str(k)] = int(n)
    return out


def timeline(
    store: Any, scope: Scope, interval: str, tz: str, key_sql: str | None
) -> tuple[str, list[datetime], dict[int, dict[str, int]]]:
    """The chosen interval, every bucket start of the scope's window, and the counts."""
    check_interval(interval)
    zone(tz)  # refuse an unknown zone before touching the store
    window = resolved_window(store, scope)
    if window is None:
        return ("day" if interval == "auto" else interval), [], {}
    since, until = window
    chosen = choose_interval(interval, since, until)
    bucket_starts = starts(since, until, chosen, zone(tz))
    return chosen, bucket_starts, bucket_counts(store, scope, chosen, tz, key_sql)


def volume(
    store: Any,
    scope: Scope,
    interval: str = "auto",
    split_by: str | None = None,
    tz: str = "UTC",
) -> Volume:
    """Posts per bucket of the scope's window ('auto': hour ≤ 3 days, day ≤ 120, else week)."""
    if split_by is not None and split_by not in SPLITS:
        raise ConfigError(f"cannot split volume by {split_by!r}; use platform, lang or sentiment")
    chosen, bucket_starts, counts = timeline(
        store, scope, interval, tz, SPLITS[split_by] if split_by else None
    )
    totals: dict[str, int] = defaultdict(int)
    for by in counts.values():
        for k, n in by.items():
            totals[k] += n
    keys = sorted(totals, key=lambda k: (-totals[k], k)) if split_by else []
    buckets = []
    for start in bucket_starts:
        by = counts.get(int(start.timestamp()), {})
        buckets.append(
            {
                "t": iso(start),
                "total": sum(by.values()),
                "by": {k: by.get(k, 0) for k in keys},
            }
        )
    return Volume(chosen, tz, buckets, keys, split_by)
