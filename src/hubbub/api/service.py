"""One workspace's topics, searches, exports and analyses over one store.

The API routes, `hubbub.open(home)` and the CLI all go through `Service`, so a figure is the same
whichever way it is asked for. Topics come from SQLite (`hubbub.topics`); posts from the store,
which is opened only when a method needs it (topic commands never take the store's lock).

Scopes: an analysis is about a topic, an ad-hoc query `q`, both (the topic's query AND q), or
neither (every post). Request filters narrow the topic's own filters: the windows intersect,
and a list filter keeps the values both allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from hubbub import analytics
from hubbub.analytics.scope import POSTS, Scope
from hubbub.errors import ConfigError
from hubbub.topics import Topic, TopicFilters, TopicStore, TopicVersion, make_filters
from hubbub.topics.models import check_workspace

StoreProvider = Callable[[], Any]


class Service:
    def __init__(self, home: Path, workspace: str, store: StoreProvider, by: str = "api") -> None:
        self.home = Path(home)
        self.workspace = check_workspace(workspace)
        self._store = store
        self.by = by

    # ---- topics --------------------------------------------------------------------------
    def topics(self, group: str | None = None) -> list[Topic]:
        with TopicStore(self.home) as topics:
            return topics.list(self.workspace, group)

    def topic(self, name: str) -> Topic:
        with TopicStore(self.home) as topics:
            return topics.get(self.workspace, name)

    def add_topic(
        self,
        name: str,
        query: str,
        group: str = "other",
        description: str = "",
        filters: TopicFilters | dict[str, Any] | None = None,
    ) -> Topic:
        topic = Topic(name, query, group, description, _filters(filters) or TopicFilters())
        with TopicStore(self.home) as topics:
            return topics.add(self.workspace, topic, self.by)

    def edit_topic(
        self,
        name: str,
        *,
        new_name: str | None = None,
        query: str | None = None,
        group: str | None = None,
        description: str | None = None,
        filters: TopicFilters | dict[str, Any] | None = None,
    ) -> Topic:
        with TopicStore(self.home) as topics:
            return topics.edit(
                self.workspace,
                name,
                self.by,
                name=new_name,
                query=query,
                group=group,
                description=description,
                filters=_filters(filters),
            )

    def remove_topic(self, name: str) -> TopicVersion:
        with TopicStore(self.home) as topics:
            return topics.remove(self.workspace, name, self.by)

    def topic_history(self, name: str) -> list[TopicVersion]:
        with TopicStore(self.home) as topics:
            return topics.history(self.workspace, name)

    def revert_topic(self, name: str, version: int) -> Topic:
        with TopicStore(self.home) as topics:
            return topics.revert(self.workspace, name, version, self.by)

    # ---- scopes --------------------------------------------------------------------------
    def scope(
        self,
        topic: str | None = None,
        q: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        platforms: Sequence[str] | str = (),
        langs: Sequence[str] | str = (),
        countries: Sequence[str] | str = (),
        sentiments: Sequence[str] | str = (),
    ) -> Scope:
        asked = make_filters(platforms, langs, countries, since, until)
        query = q.strip() if q and q.strip() else None
        if query is not None:
            from hubbub.query import parse

            parse(query)  # a bad query is a QueryError with its position, before any SQL
        own = TopicFilters()
        if topic is not None:
            saved = self.topic(topic)
            own = saved.filters
            query = saved.query if query is None else f"({saved.query}) AND ({query})"
        start = _latest(own.since, asked.since)
        end = _earliest(own.until, asked.until)
        if start is not None and end is not None and start >= end:
            raise ConfigError(
                f"the window {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} is empty "
                f"(topic {topic!r} covers {own.to_dict()['since']} → {own.to_dict()['until']})"
            )
        return Scope(
            query=query,
            since=start,
            until=end,
            platforms=_narrow(own.platforms, asked.platforms, "platforms", topic),
            langs=_narrow(own.languages, asked.languages, "languages", topic),
            countries=_narrow(own.countries, asked.countries, "countries", topic),
            sentiments=tuple(_split(sentiments)),
        )

    def group_scopes(
        self, topics: Sequence[str] = (), group: str | None = None, **filters: Any
    ) -> dict[str, Scope]:
        """Named scopes for share of voice: the given topics, or every topic of a group."""
        names = list(topics)
        if group:
            names += [t.name for t in self.topics(group) if t.name not in names]
        if len(names) < 2:
            raise ConfigError(
                "share of voice compares at least two topics: name them, or give a group "
                "that has two or more"
            )
        return {self.topic(n).name: self.scope(topic=n, **filters) for n in names}

    # ---- posts and analyses (these open the store) ---------------------------------------
    def analyze(self, name: str, scope: Scope, **params: Any) -> Any:
        """Run analysis `name` (see ANALYSES) on the scope; None params take its defaults."""
        function = analysis(name)
        given = {k: v for k, v in params.items() if v is not None}
        return function(self._store(), scope, **given)

    def share_of_voice(self, scopes: dict[str, Scope], **params: Any) -> Any:
        given = {k: v for k, v in params.items() if v is not None}
        return analytics.share_of_voice(self._store(), scopes, **given)

    def search(self, scope: Scope, limit: int = 20) -> list[dict[str, Any]]:
        from hubbub.analytics.drilldown import newest_rows
        from hubbub.store.rows import EXPORT_COLUMNS

        store = self._store()
        src = scope.source(store)  # a topic's slice gives the keys; posts the rows
        sliced = newest_rows(store, src, ", ".join(EXPORT_COLUMNS), limit)
        if sliced is not None:
            return sliced
        where, params = scope.where()
        return search_rows(store, where, params, limit)

    def stats(self, scope: Scope) -> dict[str, Any]:
        where, params = scope.where()
        return post_stats(self._store(), where, params)

    def export(
        self, scope: Scope, fmt: str, bucket: dict[str, Any] | None = None
    ) -> Iterator[bytes]:
        """The scope's posts (narrowed to a drill-down `bucket`), oldest first, as chunks of
        CSV, NDJSON or Parquet bytes."""
        from hubbub.analytics.drilldown import bucket_where
        from hubbub.export import export_chunks

        store = self._store()
        where, params = bucket_where(*scope.where(), bucket)
        return export_chunks(store, where, params, fmt)


# Analyses over one scope, by name (functions of hubbub.analytics); share of voice takes several
# scopes and has its own method. "posts" is the drill-down: the posts behind any figure.
ANALYSES = {
    "volume": "volume",
    "sentiment": "sentiment",
    "top": "top",
    "authors": "authors",
    "compare": "compare",
    "emerging": "emerging",
    "breakdown": "breakdown",
    "posts": "drilldown",
}


def analysis(name: str) -> Callable[..., Any]:
    if name not in ANALYSES:
        raise ConfigError(f"unknown analysis {name!r}; use one of {', '.join(ANALYSES)}")
    return getattr(analytics, ANALYSES[name])  # type: ignore[no-any-return]


MAX_SEARCH = 100_000


def search_rows(
    store: Any, where: str, params: dict[str, Any], limit: int = 20
) -> list[dict[str, Any]]:
    """The newest `limit` matching posts as store rows (`hubbub search`, GET /v1/search)."""
    from hubbub.store.rows import EXPORT_COLUMNS

    if not 1 <= int(limit) <= MAX_SEARCH:
        raise ConfigError(f"limit must be between 1 and {MAX_SEARCH:,}")
    return store.rows(  # type: ignore[no-any-return]
        f"SELECT {', '.join(EXPORT_COLUMNS)} FROM {POSTS} WHERE {where} "
        "ORDER BY created_at DESC, platform, platform_id LIMIT {limit:UInt32}",
        {**params, "limit": int(limit)},
    )


def post_stats(store: Any, where: str, params: dict[str, Any]) -> dict[str, Any]:
    """Matching posts: total, by platform, by language and by day (`hubbub stats`)."""

    def grouped(expression: str, order: str) -> dict[str, int]:
        rows = store.rows(
            f"SELECT {expression} AS k, count() AS n FROM {POSTS} WHERE {where} "
            f"GROUP BY k ORDER BY {order}",
            params,
        )
        return {str(r["k"]): int(r["n"]) for r in rows}

    total = int(store.scalar(f"SELECT count() AS n FROM {POSTS} WHERE {where}", params) or 0)
    return {
        "total": total,
        "by_platform": grouped("platform", "n DESC, k"),
        "by_language": grouped("ifNull(lang, 'unknown')", "n DESC, k"),
        "by_day": grouped("toString(toDate(created_at))", "k"),
    }


def parse_bucket(text: str | None) -> dict[str, Any] | None:
    """A drill-down bucket given as a JSON object (API query parameter or CLI option)."""
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise ConfigError('bucket must be a JSON object, e.g. {"platform": "weibo"}')
    return value


def _filters(value: TopicFilters | dict[str, Any] | None) -> TopicFilters | None:
    if value is None or isinstance(value, TopicFilters):
        return value
    return TopicFilters.from_dict(value)


def _split(value: Sequence[str] | str | None) -> list[str]:
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [v.strip() for v in items if v and v.strip()]


def _narrow(
    own: tuple[str, ...], asked: tuple[str, ...], what: str, topic: str | None
) -> tuple[str, ...]:
    if not own or not asked:
        return own or asked
    both = tuple(v for v in asked if v in own)
    if not both:
        # An empty intersection would read as "no filter" downstream: refuse it instead.
        raise ConfigError(
            f"topic {topic!r} is limited to {what} {', '.join(own)}; "
            f"none of {', '.join(asked)} is among them"
        )
    return both


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(a, b) if a and b else a or b


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(a, b) if a and b else a or b


__all__ = ["ANALYSES", "Service", "analysis", "parse_bucket", "post_stats", "search_rows"]
