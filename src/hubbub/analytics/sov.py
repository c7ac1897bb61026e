"""Share of voice: how the conversation divides between several topics (brands, campaigns).

share(topic) = value(topic) / Σ value(all topics given), where value is the number of matching
posts ("mentions") or their summed engagement ("engagement"). A post that matches two topics
counts for both (as in Brandwatch and Talkwalker), so the shares are of the *mentions*, not of
distinct posts. All topics, and their previous periods, are counted in one scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbub.analytics.buckets import choose_interval, floor_sql, starts, zone
from hubbub.analytics.scope import Scope, Source, iso, pct_change, resolved_window
from hubbub.analytics.volume import check_interval
from hubbub.errors import ConfigError

METRICS = {"mentions": "1", "engagement": "ifNull(engagement, 0)"}


@dataclass(frozen=True)
class ShareOfVoice:
    metric: str
    totals: dict[str, int]
    shares: dict[str, float]
    previous: dict[str, int] | None = None
    change: dict[str, dict[str, Any]] | None = None
    interval: str | None = None
    tz: str = "UTC"
    over_time: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "totals": dict(self.totals),
            "shares": dict(self.shares),
            "previous": None if self.previous is None else dict(self.previous),
            "change": None if self.change is None else {k: dict(v) for k, v in self.change.items()},
            "interval": self.interval,
            "tz": self.tz,
            "over_time": None if self.over_time is None else [dict(b) for b in self.over_time],
        }


def _shares(values: dict[str, int]) -> dict[str, float]:
    total = sum(values.values())
    return {k: (v / total if total else 0.0) for k, v in values.items()}


def share_of_voice(
    store: Any,
    scopes: dict[str, Scope],
    metric: str = "mentions",
    interval: str | None = None,
    tz: str = "UTC",
) -> ShareOfVoice:
    if not scopes:
        raise ConfigError("share of voice needs at least one named scope")
    if metric not in METRICS:
        raise ConfigError(f"unknown share-of-voice metric {metric!r}; use mentions or engagement")
    if interval is not None:
        check_interval(interval)
        zone(tz)
    value = METRICS[metric]
    names = list(scopes)
    # Previous periods only when every scope has a start: a trend with half its topics missing
    # would mislead more than no trend.
    with_trend = all(s.since is not None for s in scopes.values())
    sums: list[tuple[str, Source]] = []
    for i, name in enumerate(names):
        sums.append((f"c{i}", scopes[name].source(store, prefix=f"c{i}_")))
        if with_trend:
            sums.append((f"p{i}", scopes[name].previous().source(store, prefix=f"p{i}_")))
    row: dict[str, Any] = {}
    for part in _scan(store, sums, value):
        row.update(part)
    totals = {name: int(row[f"c{i}"]) for i, name in enumerate(names)}
    shares = _shares(totals)
    previous = change = None
    if with_trend:
        previous = {name: int(row[f"p{i}"]) for i, name in enumerate(names)}
        previous_shares = _shares(previous)
        change = {
            name: {
                "previous": previous[name],
                "delta": totals[name] - previous[name],
                "delta_pct": pct_change(totals[name], previous[name]),
                "previous_share": previous_shares[name],
                "share_delta": shares[name] - previous_shares[name],
            }
            for name in names
        }
    over_time, chosen = None, None
    if interval is not None:
        chosen, over_time = _over_time(store, scopes, value, interval, tz)
    return ShareOfVoice(metric, totals, shares, previous, change, chosen, tz, over_time)


def _over_time(
    store: Any, scopes: dict[str, Scope], value: str, interval: str, tz: str
) -> tuple[str, list[dict[str, Any]]]:
    windows = [w for w in (resolved_window(store, s) for s in scopes.values()) if w]
    if not windows:
        return ("day" if interval == "auto" else interval), []
    since: datetime = min(w[0] for w in windows)
    until: datetime = max(w[1] for w in windows)
    chosen = choose_interval(interval, since, until)
    bucket_starts = starts(since, until, chosen, zone(tz))
    names = list(scopes)
    sums = [(f"c{i}", scopes[name].source(store, prefix=f"c{i}_")) for i, name in enumerate(names)]
    by_t: dict[int, dict[str, Any]] = {}
    for part in _scan(store, sums, value, floor_sql(chosen), {"tz": tz}):
        by_t.setdefault(int(part["t"]), {}).update(part)
    out = []
    for start in bucket_starts:
        row = by_t.get(int(start.timestamp()), {})
        values = {name: int(row.get(f"c{i}", 0)) for i, name in enumerate(names)}
        out.append({"t": iso(start), "values": values, "shares": _shares(values)})
    return chosen, out


def _scan(
    store: Any,
    sums: list[tuple[str, Source]],
    value: str,
    bucket: str | None = None,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rows of `sumIf(value, where) AS alias` for each (alias, source), one scan per table:
    topics with a slice are summed over topic_posts, the others over posts, and the caller
    merges the rows (per bucket `t` when `bucket` is given)."""
    tables: dict[str, list[tuple[str, Source]]] = {}
    for alias, src in sums:
        tables.setdefault(src.table, []).append((alias, src))
    out: list[dict[str, Any]] = []
    for table, items in tables.items():
        params: dict[str, Any] = dict(extra or {})
        for _, src in items:
            params.update(src.params)
        selects = [f"sumIf({value}, {src.where}) AS {alias}" for alias, src in items]
        head = f"{bucket} AS t, " if bucket else ""
        tail = " GROUP BY t" if bucket else ""
        condition = " OR ".join(f"({src.where})" for _, src in items)
        out += store.rows(
            f"SELECT {head}{', '.join(selects)} FROM {table} WHERE {condition}{tail}", params
        )
    return out
