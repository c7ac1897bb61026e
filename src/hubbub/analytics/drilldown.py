"""Drill-down: the posts behind a figure, page by page, newest or most engaging first.

Pages use keyset pagination over a total order (the sort value, then the post's unique store
key), so paging never skips or repeats a post even while new posts arrive. The cursor is
opaque to clients: base64 of JSON holding the last row's sort key and a hash of the scope,
order and bucket it was made for, so a cursor reused with another query is refused instead of
silently returning the wrong posts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from hubbub.analytics.buckets import INTERVALS, next_start, zone
from hubbub.analytics.scope import (
    AUTHOR_KEY,
    POSTS,
    SENTIMENT_KEY,
    UNKNOWN,
    Scope,
    Source,
    iso,
)
from hubbub.errors import ConfigError
from hubbub.store.slices import sql_string
from hubbub.text import fold
from hubbub.text.normalize import fold_term

MAX_LIMIT = 500
COLUMNS = (
    "platform, platform_id, kind, url, author_id, author_handle, author_name, author_followers, "
    "author_verified, title, text, lang, country, sentiment, emotion, likes, reposts, replies, "
    "views, engagement, hashtags, keyphrases, flags"
)
# The sort key of each order, all descending; the post's key makes it total. Sorting on the raw
# columns of the table's key lets ClickHouse read "newest" in order and stop after one page.
ORDERS = {
    "newest": ("created_at", "platform", "platform_id"),
    "engagement": ("ifNull(engagement, 0)", "created_at", "platform", "platform_id"),
}
_KEY_TYPES = {"ifNull(engagement, 0)": "UInt64", "created_at": "DateTime64(3, 'UTC')"}
FOREIGN = "this cursor belongs to another query; start without a cursor"


@dataclass(frozen=True)
class Page:
    posts: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"posts": [dict(p) for p in self.posts], "next_cursor": self.next_cursor}


def _bucket_sql(bucket: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Conditions narrowing the scope to one chart bucket (keys are ANDed)."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    rest = dict(bucket)
    if "t" in rest:
        interval = rest.pop("interval", None)
        tz = zone(str(rest.pop("tz", "UTC")))
        if interval not in INTERVALS:
            raise ConfigError("a time bucket needs an interval: hour, day or week")
        try:
            start = datetime.fromisoformat(str(rest.pop("t")).replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError("a time bucket's t must be an ISO 8601 time") from None
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        parts.append(
            "created_at >= {b_since:DateTime64(3, 'UTC')} AND "
            "created_at < {b_until:DateTime64(3, 'UTC')}"
        )
        params.update(b_since=start, b_until=next_start(start, interval, tz))
    for name, raw in sorted(rest.items()):
        value = str(raw)
        p = "{b_" + name + ":String}"
        if name == "platform" or name == "kind":
            parts.append(f"{name} = {p}")
        elif name == "lang":
            value = value.lower()
            lang = "lowerUTF8(ifNull(lang, ''))"
            parts.append(f"({lang} = {p} OR splitByChar('-', {lang})[1] = {p})")
        elif name == "sentiment":
            parts.append(f"{SENTIMENT_KEY} = {p}")
        elif name == "emotion":
            parts.append(f"ifNull(emotion, '{UNKNOWN}') = {p}")
        elif name == "country":
            value = value.upper()
            parts.append(f"upperUTF8(coalesce(country, author_country, '{UNKNOWN}')) = {p}")
        elif name in ("hashtag", "mention"):
            value = fold_term(value.lstrip("#@").rstrip("#"))
            parts.append(f"has({name}s, {p})")
        elif name == "term":
            parts.append(f"has(tokens, {p})")
            value = fold(value)
        elif name == "phrase":
            value = value.lower()
            parts.append(f"arrayExists(x -> lowerUTF8(x) = {p}, keyphrases)")
        elif name in ("emoji", "domain"):
            parts.append(f"has({name}s, {p})")
        elif name == "entity":
            parts.append(f"has(entity_texts, {p})")
        elif name == "author":
            platform, _, author = value.partition(":")
            if not author:
                raise ConfigError("an author bucket is 'platform:author_id'")
            parts.append(f"platform = {{b_author_platform:String}} AND {AUTHOR_KEY} = {p}")
            params["b_author_platform"] = platform
            value = author
        else:
            raise ConfigError(f"cannot drill down into a bucket by {name!r}")
        params[f"b_{name}"] = value
    return parts, params


def bucket_where(
    where: str, params: dict[str, Any], bucket: dict[str, Any] | None
) -> tuple[str, dict[str, Any]]:
    """`where` narrowed to a chart bucket (the drill-down's pages and its exports)."""
    if not bucket:
        return where, params
    extra, extra_params = _bucket_sql(bucket)
    return " AND ".join([f"({where})", *(f"({p})" for p in extra)]), {**params, **extra_params}


def _fingerprint(scope: Scope, order: str, bucket: dict[str, Any] | None) -> str:
    data = [scope.fingerprint(), order, bucket or {}]
    blob = orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(blob).hexdigest()[:16]


def _encode(key: list[Any], fingerprint: str) -> str:
    blob = orjson.dumps({"k": key, "h": fingerprint})
    return base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")


def _decode(cursor: str, fingerprint: str, size: int) -> list[Any]:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key, owner = data["k"], data["h"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise ConfigError("this cursor is not one Hubbub made; start without a cursor") from None
    if owner != fingerprint or not isinstance(key, list) or len(key) != size:
        raise ConfigError(FOREIGN)
    return key


def drilldown(
    store: Any,
    scope: Scope,
    order: str = "newest",
    limit: int = 50,
    cursor: str | None = None,
    bucket: dict[str, Any] | None = None,
) -> Page:
    """One page of the scope's posts (narrowed to `bucket`); pass `next_cursor` for the next."""
    if order not in ORDERS:
        raise ConfigError(f"unknown order {order!r}; use newest or engagement")
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ConfigError(f"limit must be between 1 and {MAX_LIMIT}")
    src = scope.source(store)
    narrowed, bucket_params = bucket_where(src.where, src.params, bucket)
    params = dict(bucket_params)
    parts = [f"({narrowed})"]
    key_sql = ORDERS[order]
    fingerprint = _fingerprint(scope, order, bucket)
    if cursor:
        last = _decode(cursor, fingerprint, len(key_sql))
        names = [f"k{i}" for i in range(len(key_sql))]
        types = [_KEY_TYPES.get(k, "String") for k in key_sql]
        placeholders = ", ".join(f"{{{n}:{t}}}" for n, t in zip(names, types, strict=True))
        parts.append(f"({', '.join(key_sql)}) < ({placeholders})")
        for name, column, value in zip(names, key_sql, last, strict=True):
            # Times travel in the cursor as Unix milliseconds (exact, and short).
            is_time = column == "created_at"
            params[name] = datetime.fromtimestamp(int(value) / 1000, UTC) if is_time else value
        # The time bound alone lets ClickHouse skip the granules already paged through.
        if order == "newest":
            parts.append("created_at <= {k0:DateTime64(3, 'UTC')}")
    keys = ", ".join(
        f"toUnixTimestamp64Milli({k}) AS _k{i}" if k == "created_at" else f"{k} AS _k{i}"
        for i, k in enumerate(key_sql)
    )
    order_by = ", ".join(f"{k} DESC" for k in key_sql)
    if src.slice is None:
        rows = store.rows(
            f"SELECT {COLUMNS}, toUnixTimestamp64Milli(created_at) AS _ms, {keys} FROM {POSTS} "
            f"WHERE {' AND '.join(parts)} ORDER BY {order_by} LIMIT {int(limit) + 1}",
            params,
        )
    else:
        # The page's keys come from the topic's slice; the posts' other columns (text, url,
        # ...) from posts, by primary key.
        found = store.rows(
            f"SELECT toUnixTimestamp64Milli(created_at) AS _ms, platform AS _p, "
            f"platform_id AS _i, {keys} FROM {src.table} WHERE {' AND '.join(parts)} "
            f"ORDER BY {order_by} LIMIT {int(limit) + 1}",
            params,
        )
        rows = _with_columns(store, found)
    more = len(rows) > limit
    rows = rows[:limit]
    posts = []
    for row in rows:
        post = {k: v for k, v in row.items() if not k.startswith("_")}
        post["created_at"] = iso(datetime.fromtimestamp(int(row["_ms"]) / 1000, UTC))
        posts.append(post)
    next_cursor = None
    if more and rows:
        last_row = rows[-1]
        next_cursor = _encode([last_row[f"_k{i}"] for i in range(len(key_sql))], fingerprint)
    return Page(posts, next_cursor)


def _with_columns(store: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each found key row merged with its post's COLUMNS from posts, in the found order."""
    posts = rows_by_key(store, found, f"{COLUMNS}, toUnixTimestamp64Milli(created_at) AS _ms")
    out = []
    for r, post in zip(found, posts, strict=True):
        if post is not None:
            out.append({**post, **{k: v for k, v in r.items() if k.startswith("_k")}})
    return out


def rows_by_key(
    store: Any, keys: list[dict[str, Any]], columns: str
) -> list[dict[str, Any] | None]:
    """`columns` of the posts whose keys (`_ms`, `_p`, `_i`) are given, in their order (None
    for a key not in posts)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    # In chunks, so a statement stays far below ClickHouse's max_query_size whatever the ids.
    for start in range(0, len(keys), KEYS_PER_QUERY):
        # Literal keys (escaped by sql_string) so the IN set is matched against the table's
        # primary key (created_at, platform, platform_id) and only those granules are read.
        literal = ", ".join(
            f"(fromUnixTimestamp64Milli(toInt64({int(r['_ms'])}), 'UTC'), "
            f"{sql_string(str(r['_p']))}, {sql_string(str(r['_i']))})"
            for r in keys[start : start + KEYS_PER_QUERY]
        )
        for row in store.rows(
            f"SELECT {columns}, platform AS _kp, platform_id AS _ki FROM {POSTS} "
            f"WHERE (created_at, platform, platform_id) IN ({literal})"
        ):
            key = (row.pop("_kp"), row.pop("_ki"))
            found.setdefault(key, row)
    return [found.get((r["_p"], r["_i"])) for r in keys]


KEYS_PER_QUERY = 100


MAX_SLICED_SEARCH = 1000  # more is read from posts in one statement


def newest_rows(store: Any, src: Source, columns: str, limit: int) -> list[dict[str, Any]] | None:
    """The newest `limit` posts of a topic slice's source (created_at DESC, then platform and
    id ascending, as `hubbub search` orders them) with `columns` read from posts; None when
    `src` is not a slice or the page is too large to fetch by key."""
    if src.slice is None or not 1 <= int(limit) <= MAX_SLICED_SEARCH:
        return None
    keys = store.rows(
        "SELECT toUnixTimestamp64Milli(created_at) AS _ms, platform AS _p, platform_id AS _i "
        f"FROM {src.table} WHERE {src.where} ORDER BY created_at DESC, platform, platform_id "
        f"LIMIT {int(limit)}",
        src.params,
    )
    return [row for row in rows_by_key(store, keys, columns) if row is not None]
