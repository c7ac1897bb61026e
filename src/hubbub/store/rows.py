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


# Columns a user sees in exports: everything but the derived text for matching.
EXPORT_COLUMNS = tuple(c for c in COLUMNS if c not in {"text_norm", "tokens", "grams"})


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
