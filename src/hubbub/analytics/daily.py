"""Tallies: sums over a scope's posts, kept per UTC day between requests and added up per window.

Most figures are sums over posts: posts per time bucket and platform, per language, per
sentiment label, per term, per topic. A sum over a window is the sum of its sums over the
window's days, so a server keeps each (scope, tally, UTC day) partial it has computed and
answers a new window from them, querying only the days it has not seen yet or that a write has
reached since (the store's ChangeLog). An analyst moving last week's window by a day then costs
one day's query rather than seven; an all-time dashboard of a topic the live pipeline feeds
recomputes today only (bench/load.py, docs/operations.md).

- Exact: a day's partial is used only while no write noted after it was computed stored a post
  created that day. The window's edges that are not UTC midnights are queried directly, never
  kept, and an open end is the first or last day the store holds.
- A store whose ChangeLog cannot see every write (a ClickHouse server fed by worker processes)
  keeps no partials: each window is then one direct query, the same SQL without the day.
- The partials are Arrow tables, kept least recently used first up to `MAX_ROWS` rows.

A `Tally` names key columns (`k0`, `k1`, ...) and value columns (`v0`, ...), each value an SQL
aggregate per day and how days combine (sum, min or max); `items` makes one row per item of a
post (ARRAY JOIN ... AS item), so a key can be `item`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hubbub.analytics.scope import Scope, Source

DAY_MS = 86_400_000
MAX_DAYS = 1_000  # a wider window is one direct query: so many partials would rarely be reused
# Rows kept across all partials: ~56 bytes a row on the 1M-post demo, so ~225 MB at most; its
# warmed dashboards (6 topics, unfiltered and per platform and language) hold 2.6M rows.
MAX_ROWS = 4_000_000
_COMBINE = ("sum", "min", "max")


@dataclass(frozen=True)
class Tally:
    """What to sum: key SQL per key column, (aggregate SQL, combine) per value column.

    A keyless tally's first value must be `count()`: it drops the one row an aggregate over
    no posts still returns.
    """

    keys: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = (("count()", "sum"),)
    # The items SQL, or a function of the source giving it and its parameters (a topic slice
    # stores some items that posts derive: hubbub.analytics.top.terms_of).
    items: str | Callable[[Source], tuple[str, dict[str, Any]]] | None = None
    params: tuple[tuple[str, Hashable], ...] = ()

    def __post_init__(self) -> None:
        if not self.values or any(how not in _COMBINE for _, how in self.values):
            raise ValueError(f"a tally needs values combined by one of {_COMBINE}")

    @property
    def key_names(self) -> list[str]:
        return [f"k{i}" for i in range(len(self.keys))]

    @property
    def value_names(self) -> list[str]:
        return [f"v{i}" for i in range(len(self.values))]

    def sql(self, src: Source, by_day: bool) -> str:
        columns = [f"{sql} AS {name}" for sql, name in zip(self.keys, self.key_names, strict=True)]
        columns += [
            f"{sql} AS {n}" for (sql, _), n in zip(self.values, self.value_names, strict=True)
        ]
        group = [*self.key_names]
        if by_day:
            # toDate32: days before 1970 are negative, as Python floors them (toDate clamps).
            columns.insert(0, "toInt32(toDate32(created_at)) AS _day")
            group.insert(0, "_day")
        join = f" ARRAY JOIN {self._items(src)[0]} AS item" if self.items else ""
        tail = f" GROUP BY {', '.join(group)}" if group else " HAVING v0 > 0"
        return f"SELECT {', '.join(columns)} FROM {src.table}{join} WHERE {src.where}{tail}"

    def bound(self, src: Source) -> dict[str, Any]:
        params = dict(src.params)
        params.update((k, list(v) if isinstance(v, tuple) else v) for k, v in self.params)
        if self.items:
            params.update(self._items(src)[1])
        return params

    def _items(self, src: Source) -> tuple[str, dict[str, Any]]:
        if callable(self.items):
            return self.items(src)
        return str(self.items), {}


def tally(store: Any, scope: Scope, spec: Tally) -> pa.Table:
    """`spec` summed over the scope's posts: one row per key (one row, or none, if keyless)."""
    keeper = _keeper(store)
    if keeper is not None and (scope.platforms or scope.langs):
        return _faceted(store, scope, spec)
    return _combine(_parts(store, scope, spec), spec)


def _parts(store: Any, scope: Scope, spec: Tally) -> list[pa.Table]:
    """Tables whose rows, summed by key, are the tally: the kept days and the edges, or one
    query over the whole window."""
    keeper = _keeper(store)
    plan = keeper.plan(store, scope) if keeper is not None else None
    if keeper is None or plan is None:
        return [_query(store, scope, spec, by_day=False)]
    first, last, edges = plan
    parts = [_query(store, edge, spec, by_day=False) for edge in edges]
    if last > first:
        parts += keeper.days(store, scope, spec, first, last)
    return parts


# Platform and language, as extra keys of the partials that a filtered view is summed from.
FACETS = ("platform", "lowerUTF8(ifNull(lang, ''))")


def _faceted(store: Any, scope: Scope, spec: Tally) -> pa.Table:
    """A platform or language filter, applied to partials kept per platform and language: the
    topic's partials then serve every filter value (a view filtered on Weibo, then on X, then
    on Chinese, sums the same kept days) instead of each value querying every day anew. Each
    day is filtered before the days are summed, so the sum reads the matching rows only."""
    wide = Tally(spec.keys + FACETS, spec.values, spec.items, spec.params)
    platforms = pa.array(scope.platforms, pa.string())
    kept = []
    for part in _parts(store, replace(scope, platforms=(), langs=()), wide):
        platform, lang = (part[f"k{len(spec.keys) + i}"] for i in range(len(FACETS)))
        masks = []
        if scope.platforms:
            masks.append(pc.is_in(platform, value_set=platforms))
        if scope.langs:
            # As the Scope's SQL: the whole code or its primary subtag ('zh' covers 'zh-hans').
            codes = pc.unique(lang).to_pylist()
            wanted = [c for c in codes if c in scope.langs or c.split("-")[0] in scope.langs]
            masks.append(pc.is_in(lang, value_set=pa.array(wanted, pa.string())))
        kept.append(part.filter(masks[0] if len(masks) == 1 else pc.and_(*masks)))
    return _combine(kept, spec, regroup=True)  # without the facets, keys repeat


# Posts, first and last created_at (ms): what closes an open window.
BOUNDS = Tally(
    values=(
        ("count()", "sum"),
        ("toUnixTimestamp64Milli(min(created_at))", "min"),
        ("toUnixTimestamp64Milli(max(created_at))", "max"),
    )
)


def resolved_window(store: Any, scope: Scope) -> tuple[datetime, datetime] | None:
    """The scope's window, with an open end closed by its first/last matching post.

    None when the scope has no posts and no complete window of its own.
    """
    if scope.since is not None and scope.until is not None:
        return scope.since, scope.until
    found = tally(store, scope, BOUNDS)
    if not found.num_rows:
        return None
    lo = datetime.fromtimestamp(found["v1"][0].as_py() / 1000, UTC)
    hi = datetime.fromtimestamp((found["v2"][0].as_py() + 1) / 1000, UTC)  # until is exclusive
    return scope.since or lo, scope.until or hi


def _query(store: Any, scope: Scope, spec: Tally, by_day: bool) -> pa.Table:
    src = scope.source(store)
    return store.arrow(spec.sql(src, by_day), spec.bound(src))


def _combine(parts: list[pa.Table], spec: Tally, regroup: bool = False) -> pa.Table:
    """The parts summed by key. One part is already one row per key (a GROUP BY's answer)
    unless `regroup`: its rows were grouped by more keys than `spec`'s."""
    parts = [p.select([*spec.key_names, *spec.value_names]) for p in parts]
    table = pa.concat_tables(parts, promote_options="permissive") if len(parts) > 1 else parts[0]
    if not spec.keys:
        if table.num_rows == 0:
            return table
        one = {
            name: [getattr(pc, how)(table[name]).as_py()]
            for (_, how), name in zip(spec.values, spec.value_names, strict=True)
        }
        return pa.table(one)
    if len(parts) == 1 and not regroup:
        return table
    aggregations = [(n, how) for (_, how), n in zip(spec.values, spec.value_names, strict=True)]
    grouped = table.group_by(spec.key_names, use_threads=False).aggregate(aggregations)
    # group_by names an aggregate "<column>_<function>"; give back the tally's own names.
    names = {f"{n}_{how}": n for n, how in aggregations}
    return grouped.rename_columns([names.get(c, c) for c in grouped.column_names])


def _day_start(day: int) -> datetime:
    return datetime.fromtimestamp(day * DAY_MS / 1000, UTC)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class DayPartials:
    """The per-day partials of one store, valid while its ChangeLog says their day is untouched."""

    def __init__(self, changes: Any, max_rows: int = MAX_ROWS) -> None:
        self.changes = changes
        self.max_rows = max_rows
        self._kept: OrderedDict[Hashable, tuple[int, pa.Table]] = OrderedDict()
        self._rows = 0
        self._span: tuple[int, int | None, int | None] | None = None  # (mark, first ms, last ms)
        self._lock = threading.Lock()

    # ---- which days a window covers ------------------------------------------------------------
    def plan(self, store: Any, scope: Scope) -> tuple[int, int, list[Scope]] | None:
        """(first full day, day after the last, the edge windows to query directly), or None
        when the window is better queried whole (no whole day in it, or too many)."""
        since_ms = None if scope.since is None else _ms(scope.since)
        until_ms = None if scope.until is None else _ms(scope.until)
        if since_ms is None or until_ms is None:
            lo, hi = self._data_span(store)
            if lo is None or hi is None:
                return None  # an empty store: one direct query answers at once
            since_ms = lo - lo % DAY_MS if since_ms is None else since_ms
            until_ms = hi - hi % DAY_MS + DAY_MS if until_ms is None else until_ms
        first, last = -(-since_ms // DAY_MS), until_ms // DAY_MS
        if last <= first or last - first > MAX_DAYS:
            return None
        edges = []
        if since_ms < first * DAY_MS:
            edges.append(scope.with_window(scope.since, _day_start(first)))
        if until_ms > last * DAY_MS:
            edges.append(scope.with_window(_day_start(last), scope.until))
        return first, last, edges

    def _data_span(self, store: Any) -> tuple[int | None, int | None]:
        """The first and last created_at (ms) of the store's posts: asked once, then widened
        by every write the ChangeLog notes (a deleted post only leaves an empty day)."""
        with self._lock:
            span = self._span
        if span is None:
            mark = self.changes.mark()
            row = store.rows(
                "SELECT toUnixTimestamp64Milli(min(created_at)) AS lo, "
                "toUnixTimestamp64Milli(max(created_at)) AS hi, count() AS n FROM hubbub.posts"
            )[0]
            found = (int(row["lo"]), int(row["hi"])) if int(row["n"]) else (None, None)
            span = (mark, *found)
            with self._lock:
                self._span = span
        _, lo, hi = span
        extent = self.changes.extent()
        if extent is not None:
            lo = extent[0] if lo is None else min(lo, extent[0])
            hi = extent[1] if hi is None else max(hi, extent[1])
        return lo, hi

    # ---- the partials --------------------------------------------------------------------------
    def days(self, store: Any, scope: Scope, spec: Tally, first: int, last: int) -> list[pa.Table]:
        """The partial of every day in [first, last): kept ones still valid, the rest queried
        in one GROUP BY over the span of the missing days."""
        whole = scope.with_window(None, None).source(store)
        prefix = (whole.table, whole.where, _frozen(whole.params), spec)
        found: dict[int, pa.Table] = {}
        with self._lock:
            for day in range(first, last):
                kept = self._kept.get((prefix, day))
                if kept is not None and not self.changes.day_touched(kept[0], day):
                    self._kept.move_to_end((prefix, day))
                    found[day] = kept[1]
        missing = [day for day in range(first, last) if day not in found]
        if missing:
            found.update(self._compute(store, scope, spec, prefix, missing[0], missing[-1] + 1))
        return [found[day] for day in range(first, last)]

    def _compute(
        self, store: Any, scope: Scope, spec: Tally, prefix: Hashable, first: int, last: int
    ) -> dict[int, pa.Table]:
        # The mark comes before the query: a write landing during it makes the partial stale
        # rather than letting it hide that write.
        mark = self.changes.mark()
        span = scope.with_window(_day_start(first), _day_start(last))
        table = _query(store, span, spec, by_day=True)
        if table.num_rows:
            table = table.take(pc.sort_indices(table, [("_day", "ascending")]))
        day_of_row = table["_day"].to_numpy() if table.num_rows else np.empty(0, np.int32)
        wanted = np.arange(first, last + 1, dtype=np.int64)
        bounds = np.searchsorted(day_of_row, wanted)
        columns = [*spec.key_names, *spec.value_names]
        out = {
            day: table.slice(int(bounds[i]), int(bounds[i + 1] - bounds[i])).select(columns)
            for i, day in enumerate(range(first, last))
        }
        with self._lock:
            for day, part in out.items():
                old = self._kept.pop((prefix, day), None)
                if old is not None:
                    self._rows -= old[1].num_rows
                self._kept[(prefix, day)] = (mark, part)
                self._rows += part.num_rows
            while self._rows > self.max_rows and self._kept:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._rows -= dropped.num_rows
        return out


def _frozen(params: dict[str, Any]) -> Hashable:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


_KEEPERS_LOCK = threading.Lock()


def keeps_partials(store: Any) -> bool:
    """Whether figures over `store` are summed from kept per-day partials."""
    return _keeper(store) is not None


def keep_no_partials(store: Any) -> None:
    """Every figure over `store` is queried whole from now on (a bench comparing engines
    measures the queries, not sums of days kept from an earlier run)."""
    store._no_partials = True


def _keeper(store: Any) -> DayPartials | None:
    """The store's partials, made on first use; None when its ChangeLog cannot see its writes
    (or the store is one with no log at all, such as a test double)."""
    changes = getattr(store, "changes", None)
    if changes is None or getattr(changes, "others_write", True):
        return None
    if getattr(store, "_no_partials", False):
        return None
    keeper = getattr(store, "_day_partials", None)
    if keeper is None:
        with _KEEPERS_LOCK:
            keeper = getattr(store, "_day_partials", None)
            if keeper is None:
                keeper = DayPartials(changes)
                store._day_partials = keeper
    return keeper
