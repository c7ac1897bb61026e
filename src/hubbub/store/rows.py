"""Turn `Post`s into the store's columns (an Arrow table), deriving the text for matching.

Runs in worker processes during imports, so it must stay a pure function of the posts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pyarrow as pa

from hubbub.models import Post
from hubbub.text import (
    cjk_grams,
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
    ]
)
COLUMNS = tuple(SCHEMA.names)


def domain_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _nonneg(value: int | None) -> int | None:
    # Platforms occasionally send -1 for "hidden"; that is unknown, not a count.
    if value is None or value < 0:
        return None
    return int(value)


def post_row(post: Post, collected_at: datetime) -> dict[str, object]:
    """One post as a dict of store columns."""
    text = post.text or ""
    full = f"{post.title}\n{text}" if post.title else text
    normed = norm(full)
    folded = strip_accents(normed)
    hashtags = post.hashtags if post.hashtags is not None else extract_hashtags(full)
    mentions = post.mentions if post.mentions is not None else extract_mentions(text)
    urls = post.urls if post.urls is not None else extract_urls(text)
    author, metrics = post.author, post.metrics
    domains = [d for d in dict.fromkeys(domain_of(u) for u in urls) if d]
    return {
        "platform": post.platform,
        "platform_id": post.platform_id,
        "kind": post.kind,
        "url": post.url,
        "created_at": post.created_at,
        "collected_at": post.collected_at or collected_at,
        "author_id": author.id,
        "author_handle": author.handle,
        "author_name": author.name,
        "author_followers": _nonneg(author.followers),
        "author_following": _nonneg(author.following),
        "author_verified": author.verified,
        "author_country": author.country,
        "author_url": author.url,
        "title": post.title,
        "text": text,
        "lang": post.lang,
        "likes": _nonneg(metrics.likes),
        "reposts": _nonneg(metrics.reposts),
        "replies": _nonneg(metrics.replies),
        "quotes": _nonneg(metrics.quotes),
        "views": _nonneg(metrics.views),
        "engagement": _nonneg(metrics.engagement()),
        "parent_id": post.parent_id,
        "root_id": post.root_id,
        "repost_of": post.repost_of,
        "hashtags": list(dict.fromkeys(fold_term(h.lstrip("#＃")) for h in hashtags)),
        "mentions": list(dict.fromkeys(fold_term(m.lstrip("@")) for m in mentions)),
        "urls": list(urls),
        "domains": domains,
        "emojis": extract_emojis(text),
        "media_types": [m.type for m in post.media],
        "media_urls": [m.url or "" for m in post.media],
        "country": post.country,
        "rating": post.rating,
        "source": post.source or "",
        "text_norm": normed,
        "tokens": tokenize(folded),
        "grams": cjk_grams(folded),
    }


def posts_table(posts: list[Post], collected_at: datetime | None = None) -> pa.Table:
    """Posts as an Arrow table in the store's column order."""
    now = collected_at or datetime.now(UTC)
    rows = [post_row(p, now) for p in posts]
    columns = {name: [r[name] for r in rows] for name in COLUMNS}
    return pa.table(columns, schema=SCHEMA)


__all__ = ["COLUMNS", "SCHEMA", "domain_of", "fold", "post_row", "posts_table"]
