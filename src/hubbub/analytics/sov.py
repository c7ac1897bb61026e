"""Share of voice: how the conversation divides between several topics (brands, campaigns).

share(topic) = value(topic) / Σ value(all topics given), where value is the number of matching
posts ("mentions") or their summed engagement ("engagement"). A post that matches two topics
counts for both (as in Brandwatch and Talkwalker), so the shares are of the *mentions*, not of
distinct posts. Each topic and period is a tally (hubbub.analytics.daily): a server sums it
from the per-day partials it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbub.analytics.buckets import choose_interval, floor_sql, starts, zone
from hubbub.analytics.daily import Tally, resolved_window, tally
from hubbub.analytics.scope import Scope, iso, pct_change
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
    totals = {name: _total(store, scopes[name], value) for name in names}
    shares = _shares(totals)
    previous = change = None
    if with_trend:
        previous = {name: _total(store, scopes[name].previous(), value) for name in names}
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


def _value_tally(value: str, keys: tuple[str, ...] = (), tz: str | None = None) -> Tally:
    # A keyless tally starts with count(), so a topic without posts gives no row.
    params = (("tz", tz),) if tz is not None else ()
    return Tally(keys=keys, values=(("count()", "sum"), (f"sum({value})", "sum")), params=params)


def _total(store: Any, scope: Scope, value: str) -> int:
    counted = tally(store, scope, _value_tally(value))
    return int(counted["v1"][0].as_py()) if counted.num_rows else 0


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
    spec = _value_tally(value, (floor_sql(chosen),), tz)
    per_topic: dict[str, dict[int, int]] = {}
    for name, scope in scopes.items():
        counted = tally(store, scope, spec)
        per_topic[name] = dict(
            zip(counted["k0"].to_pylist(), counted["v1"].to_pylist(), strict=True)
        )
    out = []
    for start in bucket_starts:
        t = int(start.timestamp())
        values = {name: int(per_topic[name].get(t, 0)) for name in scopes}
        out.append({"t": iso(start), "values": values, "shares": _shares(values)})
    return chosen, out
