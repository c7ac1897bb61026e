"""Turn `Post`s into the store's columns (an Arrow table), deriving the text for matching.

Runs in worker processes during imports, so it must stay a pure function of the posts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import accumulate, chain
from typing import Any

import numpy as np
import pyarrow as pa

from hubbub.caches import make_room
from hubbub.models import Post
from hubbub.text import (
    extract_emojis,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    fold,
    norm,
    strip_accents,
    tokenize,
)
from hubbub.text.normalize import fold_term
from hubbub.text.tokenize import tokens_and_grams

_TS = pa.timestamp("ms", tz="UTC")
_STR = pa.string()
_U64 = pa.uint64()
_STRS = pa.list_(pa.string())

SCHEMA = pa.schema(
    [
        ("platform", _STR),
        ("platform_id", _STR),
        ("kind", _STR),
        ("url", _STR),
        ("created_at", _TS),
        ("collected_at", _TS),
        ("author_id", _STR),
        ("author_handle", _STR),
        ("author_name", _STR),
        ("author_followers", _U64),
        ("author_following", _U64),
        ("author_verified", pa.bool_()),
        ("author_country", _STR),
        ("author_url", _STR),
        ("title", _STR),
        ("text", _STR),
        ("lang", _STR),
        ("likes", _U64),
        ("reposts", _U64),
        ("replies", _U64),
        ("quotes", _U64),
        ("views", _U64),
        ("engagement", _U64),
        ("parent_id", _STR),
        ("root_id", _STR),
        ("repost_of", _STR),
        ("hashtags", _STRS),
        ("mentions", _STRS),
        ("urls", _STRS),
        ("domains", _STRS),
        ("emojis", _STRS),
        ("media_types", _STRS),
        ("media_urls", _STRS),
        ("country", _STR),
        ("rating", pa.float32()),
        ("source", _STR),
        ("text_norm", _STR),
        ("tokens", _STRS),
        ("grams", _STRS),
        ("title_token_count", pa.uint32()),
        ("sentiment", _STR),
        ("lang_score", pa.float32()),
        ("sentiment_score", pa.float32()),
        ("emotion", _STR),
        ("emotion_score", pa.float32()),
        ("entity_texts", _STRS),
        ("entity_types", _STRS),
        ("keyphrases", _STRS),
        ("dup_cluster", _STR),
        ("dup_size", pa.uint32()),
        ("flags", _STRS),
        ("enrichers", pa.map_(pa.string(), pa.string())),
    ]
)
COLUMNS = tuple(SCHEMA.names)
# Filled by hubbub.enrich.pipeline when it runs; empty (null, or empty lists) until then.
ENRICHMENT_COLUMNS = COLUMNS[COLUMNS.index("sentiment") :]
# The columns `_row` gives, in this order.
_ROW_COLUMNS = COLUMNS[: COLUMNS.index("sentiment")]


_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(?:www\.)?([^/:?#\[\]]+)")


def domain_of(url: str) -> str | None:
    """The host of a URL without ``www.``, lower-cased; None when there is none."""
    # A regex rather than urlsplit: this runs for every link of every imported post.
    match = _HOST.match(url)
    if not match:
        return None
    host = match.group(1).lower().rstrip(".")
    return (host[4:] if host.startswith("www.") else host) or None


_U64_MAX = 2**64 - 1


def _nonneg(value: int | None) -> int | None:
    # Platforms occasionally send -1 for "hidden", and Reddit scores go negative; the count
    # columns are UInt64, so a negative count is stored as unknown (docs/ndjson-format.md).
    if value is None or value < 0:
        return None
    return int(value)


def _engagement(*parts: int | None) -> int | None:
    """Sum of the known (non-negative) parts, None when none is known or it overflows."""
    known = [p for p in parts if p is not None]
    if not known:
        return None
    total = sum(known)
    return total if total <= _U64_MAX else None


def post_row(post: Post, collected_at: datetime) -> dict[str, object]:
    """One post as a dict of store columns (what the Python query matcher sees)."""
    return posts_table([post], collected_at).to_pylist()[0]


def posts_table(posts: list[Post], collected_at: datetime | None = None) -> pa.Table:
    """Posts as an Arrow table in the store's column order, derived text included.

    Builds one tuple per post and transposes with zip: this is the hot loop of every import
    (tens of thousands of posts per second per core), where a dict per row costs a third more.
    """
    now = collected_at or datetime.now(UTC)
    rows = [_row(post, now) for post in posts]
    if not rows:
        return SCHEMA.empty_table()
    return table_from_columns(
        dict(zip(_ROW_COLUMNS, zip(*rows, strict=True), strict=True)), len(rows)
    )


def table_from_columns(columns: dict[str, Any], rows: int) -> pa.Table:
    """A table in the store's column order from columns given by name.

    Each column is an Arrow array or a sequence of Python values (converted by `to_arrow`);
    enrichment columns not given are empty, as `posts_table` leaves them.
    """
    arrays = []
    for position, name in enumerate(COLUMNS):
        kind = SCHEMA.field(position).type
        column = columns.get(name)
        if column is None:
            if name not in ENRICHMENT_COLUMNS:
                raise KeyError(name)
            column = _empty(kind, rows)
        arrays.append(column if isinstance(column, pa.Array) else to_arrow(column, kind))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _empty(kind: pa.DataType, rows: int) -> pa.Array:
    """An enrichment column before enrichment: nulls, or empty (not null) lists and maps.

    Arrays are immutable, so one per type and length is built once: the columnar import builds
    a dozen of them per 1k-row chunk.
    """
    key = (kind, rows)
    array = _EMPTY.get(key)
    if array is None:
        if pa.types.is_list(kind) or pa.types.is_map(kind):
            array = to_arrow([[]] * rows, kind)
        else:
            array = pa.nulls(rows, kind)
        if len(_EMPTY) >= 256:  # a few chunk lengths recur; bound the rest
            _EMPTY.clear()
        _EMPTY[key] = array
    return array


_EMPTY: dict[tuple[pa.DataType, int], pa.Array] = {}


def to_arrow(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """A column of Python values as an Arrow array.

    List and map columns are built from flattened values and offsets: pyarrow converts a flat
    list of strings ~7x faster than a list of lists (3 vs 22 µs per row for `tokens`), and this
    conversion is a large share of import time.
    """
    if pa.types.is_list(kind) or pa.types.is_map(kind):
        try:  # no None among the lists: map, chain and cumsum run in C
            offsets = np.zeros(len(values) + 1, np.int32)
            np.cumsum(np.fromiter(map(len, values), np.int32, len(values)), out=offsets[1:])
            flat = list(chain.from_iterable(values))
        except TypeError:
            lengths = [len(v) if v else 0 for v in values]
            offsets = np.array([0, *accumulate(lengths)], np.int32)
            flat = [item for v in values if v for item in v]
        offsets = pa.array(offsets)
        if pa.types.is_map(kind):
            keys = pa.array([k for k, _ in flat], kind.key_type)
            items = pa.array([i for _, i in flat], kind.item_type)
            return pa.MapArray.from_arrays(offsets, keys, items)
        return pa.ListArray.from_arrays(offsets, pa.array(flat, kind.value_type))
    return pa.array(values, type=kind)


def _folded_unique(values: list[str], prefix: str) -> list[str]:
    if not values:
        return []
    # ASCII needs no NFKC or Chinese folding, and lower() equals casefold() there.
    return list(
        dict.fromkeys(
            v.lstrip(prefix).lower() if v.isascii() else fold_term(v.lstrip(prefix)) for v in values
        )
    )


def _row(post: Post, now: datetime) -> tuple[object, ...]:
    """One post's values, in _ROW_COLUMNS order (all but the enrichment columns)."""
    text = post.text or ""
    (
        hashtags,
        mentions,
        urls,
        domains,
        emojis,
        normed,
        tokens,
        grams,
        title_tokens,
    ) = derive_text(post.title, text, post.hashtags, post.mentions, post.urls)
    author, metrics, media = post.author, post.metrics, post.media
    likes, reposts = _nonneg(metrics.likes), _nonneg(metrics.reposts)
    replies, quotes = _nonneg(metrics.replies), _nonneg(metrics.quotes)
    return (
        post.platform,
        post.platform_id,
        post.kind,
        post.url,
        post.created_at,
        post.collected_at or now,
        author.id,
        author.handle,
        author.name,
        _nonneg(author.followers),
        _nonneg(author.following),
        author.verified,
        author.country,
        author.url,
        post.title,
        text,
        post.lang,
        likes,
        reposts,
        replies,
        quotes,
        _nonneg(metrics.views),
        _engagement(likes, reposts, replies, quotes),
        post.parent_id,
        post.root_id,
        post.repost_of,
        hashtags,
        mentions,
        urls,
        domains,
        emojis,
        [m.type for m in media] if media else [],
        [m.url or "" for m in media] if media else [],
        post.country,
        post.rating,
        post.source or "",
        normed,
        tokens,
        grams,
        title_tokens,
    )


# The columns `derive_text` gives, in its order (they are contiguous neither in COLUMNS nor
# SCHEMA, so callers building columns place them by name).
DERIVED_COLUMNS = (
    "hashtags",
    "mentions",
    "urls",
    "domains",
    "emojis",
    "text_norm",
    "tokens",
    "grams",
    "title_token_count",
)


def derive_text(
    title: str | None,
    text: str,
    hashtags: list[str] | None,
    mentions: list[str] | None,
    urls: list[str] | None,
) -> tuple[Any, ...]:
    """The columns derived from a post's title and text, in DERIVED_COLUMNS order.

    Given hashtags, mentions and urls are used as they are (None: extracted from the text).
    Shared by `posts_table` and the columnar import path, so both store the same values.
    The result's lists may be shared with other rows (see `_DERIVED_CACHE`): read them only.
    """
    if hashtags is None and mentions is None and urls is None and len(text) <= _CACHED_CHARS:
        key = (title, text)
        derived = _DERIVED_CACHE.get(key)
        if derived is None:
            derived = _derive(title, text, None, None, None)
            make_room(_DERIVED_CACHE, _DERIVED_CACHE_MAX)
            _DERIVED_CACHE[key] = derived
        return derived
    return _derive(title, text, hashtags, mentions, urls)


# Reposts, retweets, spam and templated posts repeat a text word for word (a third of the demo's
# posts repeat one of the previous 20k in the same worker): derived once per distinct text.
# Bounded (oldest entries dropped when full) so a worker's memory stays flat: ~45 MB at most.
_DERIVED_CACHE: dict[tuple[str | None, str], tuple[Any, ...]] = {}
_DERIVED_CACHE_MAX = 30_000
_CACHED_CHARS = 2_000


def _derive(
    title: str | None,
    text: str,
    hashtags: list[str] | None,
    mentions: list[str] | None,
    urls: list[str] | None,
) -> tuple[Any, ...]:
    full = f"{title}\n{text}" if title else text
    normed = norm(full)
    folded = strip_accents(normed)
    if hashtags is None:
        hashtags = extract_hashtags(full)
    if mentions is None:
        mentions = extract_mentions(text)
    if urls is None:
        urls = extract_urls(text)
    domains = [d for d in dict.fromkeys(domain_of(u) for u in urls) if d] if urls else []
    tokens, grams = tokens_and_grams(folded)
    return (
        _folded_unique(hashtags, "#＃"),
        _folded_unique(mentions, "@"),
        list(urls),
        domains,
        extract_emojis(text),
        normed,
        tokens,
        grams,
        # Title and text are joined by a newline, which no token crosses, so the title's
        # tokens are exactly the first ones (the query language's title: uses this).
        len(tokenize(strip_accents(norm(title)))) if title else 0,
    )


__all__ = ["COLUMNS", "SCHEMA", "domain_of", "fold", "post_row", "posts_table"]


# Columns a user sees in exports: everything but the derived text for matching.
EXPORT_COLUMNS = tuple(
    c for c in COLUMNS if c not in {"text_norm", "tokens", "grams", "title_token_count"}
)


def row_to_post(row: dict[str, object]) -> Post:
    """A stored row (as returned by the store) back into a Post, for NDJSON exports."""
    from hubbub.models import Author, Media, Metrics, parse_time

    def opt_int(name: str) -> int | None:
        value = row.get(name)
        return None if value is None else int(value)  # type: ignore[call-overload]

    rating = row.get("rating")
    return Post(
        platform=str(row["platform"]),
        platform_id=str(row["platform_id"]),
        created_at=parse_time(row["created_at"]),
        collected_at=parse_time(row["collected_at"]) if row.get("collected_at") else None,
        text=str(row.get("text") or ""),
        kind=str(row.get("kind") or "post"),
        url=row.get("url"),  # type: ignore[arg-type]
        author=Author(
            id=row.get("author_id"),  # type: ignore[arg-type]
            handle=row.get("author_handle"),  # type: ignore[arg-type]
            name=row.get("author_name"),  # type: ignore[arg-type]
            followers=opt_int("author_followers"),
            following=opt_int("author_following"),
            verified=None if row.get("author_verified") is None else bool(row["author_verified"]),
            country=row.get("author_country"),  # type: ignore[arg-type]
            url=row.get("author_url"),  # type: ignore[arg-type]
        ),
        title=row.get("title"),  # type: ignore[arg-type]
        lang=row.get("lang"),  # type: ignore[arg-type]
        metrics=Metrics(
            likes=opt_int("likes"),
            reposts=opt_int("reposts"),
            replies=opt_int("replies"),
            quotes=opt_int("quotes"),
            views=opt_int("views"),
        ),
        parent_id=row.get("parent_id"),  # type: ignore[arg-type]
        root_id=row.get("root_id"),  # type: ignore[arg-type]
        repost_of=row.get("repost_of"),  # type: ignore[arg-type]
        hashtags=list(row.get("hashtags") or []),  # type: ignore[call-overload]
        mentions=list(row.get("mentions") or []),  # type: ignore[call-overload]
        urls=list(row.get("urls") or []),  # type: ignore[call-overload]
        media=[
            Media(type=t, url=u or None)
            for t, u in zip(row.get("media_types") or [], row.get("media_urls") or [], strict=False)  # type: ignore[call-overload]
        ],
        country=row.get("country"),  # type: ignore[arg-type]
        rating=None if rating is None else float(rating),  # type: ignore[arg-type]
        source=row.get("source") or None,  # type: ignore[arg-type]
    )
