"""One Bluesky `app.bsky.feed.defs#postView` (as `searchPosts` returns it) → Post.

Identity is the post's `at://` URI. The record is what the author wrote (`text`, `createdAt`,
`langs`, `reply.parent/root`, `facets`, `embed`); the view adds `author` (did, handle,
displayName), counts (`likeCount`, `repostCount`, `replyCount`, `quoteCount`) and the
hydrated `embed` (image URLs). Counts the view omits stay None. A reply that also quotes stays a
reply, the quoted post kept in `repost_of`, as for X.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

PLATFORM = "bluesky"
SOURCE = "connector:bluesky"
_QUOTES = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")


def map_post_view(view: dict[str, Any]) -> Post | None:
    if not isinstance(view, dict):
        raise InvalidPost("a Bluesky post view must be a JSON object")
    uri = to_str(view.get("uri"))
    if uri is None or not uri.startswith("at://"):
        raise InvalidPost("Bluesky post has no at:// uri")
    record = view.get("record")
    if not isinstance(record, dict):
        raise InvalidPost("Bluesky post has no record")
    if record.get("$type", "app.bsky.feed.post") != "app.bsky.feed.post":
        return None  # not a post record
    author: dict[str, Any] = v if isinstance(v := view.get("author"), dict) else {}
    did = to_str(author.get("did")) or uri.split("/")[2]
    handle = to_str(author.get("handle"))
    if handle == "handle.invalid":  # the AppView's placeholder for an unverifiable handle
        handle = None
    rkey = uri.rsplit("/", 1)[-1]
    parent = to_str(dig(record, "reply", "parent", "uri"))
    quoted = _quoted(record.get("embed"))
    kind = "reply" if parent else ("quote" if quoted else "post")
    langs = record.get("langs")
    tags, links = _facets(record)
    return Post(
        platform=PLATFORM,
        platform_id=uri,
        created_at=parse_time(record.get("createdAt") or view.get("indexedAt")),
        text=to_str(record.get("text")) or "",
        kind=kind,
        url=f"https://bsky.app/profile/{handle or did}/post/{rkey}",
        author=Author(
            id=did,
            handle=handle,
            name=to_str(author.get("displayName")),
            url=f"https://bsky.app/profile/{handle or did}",
        ),
        lang=to_str(langs[0]) if isinstance(langs, list) and langs else None,
        metrics=Metrics(
            likes=to_int(view.get("likeCount"), "likeCount"),
            reposts=to_int(view.get("repostCount"), "repostCount"),
            replies=to_int(view.get("replyCount"), "replyCount"),
            quotes=to_int(view.get("quoteCount"), "quoteCount"),
        ),
        parent_id=parent,
        root_id=to_str(dig(record, "reply", "root", "uri")),
        repost_of=quoted,
        hashtags=tags or None,
        urls=links or None,
        media=_media(view.get("embed")),
        source=SOURCE,
    )


def _quoted(embed: Any) -> str | None:
    if not isinstance(embed, dict) or embed.get("$type") not in _QUOTES:
        return None
    # recordWithMedia nests the record one level deeper: {record: {record: {uri}}}.
    return to_str(dig(embed, "record", "uri")) or to_str(dig(embed, "record", "record", "uri"))


def _facets(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    tags: list[str] = [t for t in (record.get("tags") or []) if isinstance(t, str)]
    links: list[str] = []
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
            if not isinstance(feature, dict):
                continue
            kind = feature.get("$type")
            if kind == "app.bsky.richtext.facet#tag" and isinstance(feature.get("tag"), str):
                tags.append(feature["tag"])
            elif kind == "app.bsky.richtext.facet#link" and isinstance(feature.get("uri"), str):
                links.append(feature["uri"])
    external = dig(record, "embed", "external", "uri")
    if isinstance(external, str):
        links.append(external)
    return list(dict.fromkeys(tags)), list(dict.fromkeys(links))


def _media(embed: Any) -> list[Media]:
    """Media from the hydrated view embed (`...#view`), which carries URLs the record lacks."""
    if not isinstance(embed, dict):
        return []
    kind = str(embed.get("$type") or "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _media(embed.get("media"))
    if kind.startswith("app.bsky.embed.images"):
        images = embed.get("images") or []
        return [
            Media("image", to_str(i.get("fullsize")) or to_str(i.get("thumb")))
            for i in images
            if isinstance(i, dict)
        ]
    if kind.startswith("app.bsky.embed.video"):
        return [Media("video", to_str(embed.get("playlist")))]
    if kind.startswith("app.bsky.embed.external"):
        return [Media("link", to_str(dig(embed, "external", "uri")))]
    return []
