"""One Bluesky Jetstream event → Post (or None for events that are not new posts).

A Jetstream event is `{did, time_us, kind, commit?}`; a post is a `commit` whose `collection`
is `app.bsky.feed.post` and whose `operation` is `create` (or `update`). Its record is what
`searchPosts` returns inside a post view, so mapping builds the view's frame around it (URI
from did and rkey, the author's DID) and reuses `map_post_view`: a post seen through both
connectors is the same Post, with the same id. What only the AppView adds is absent here:
the handle and display name, the counts (a new post has none yet), and hydrated media URLs,
which are rebuilt from the record's blob references on Bluesky's public CDN instead.

Likes, reposts, follows, profile updates, deletions, identity and account events are not
posts: None.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hubbub.connectors.bluesky.mapping import map_post_view
from hubbub.connectors.cursors import iso
from hubbub.connectors.importers.values import dig, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Media, Post

POST_COLLECTION = "app.bsky.feed.post"
SOURCE = "connector:bluesky_jetstream"
IMAGE_CDN = "https://cdn.bsky.app/img/feed_fullsize/plain"
VIDEO_CDN = "https://video.bsky.app/watch"


def map_jetstream_event(event: dict[str, Any]) -> Post | None:
    if not isinstance(event, dict):
        raise InvalidPost("a Jetstream event must be a JSON object")
    if event.get("kind") != "commit":
        return None
    commit = event.get("commit")
    if not isinstance(commit, dict):
        raise InvalidPost("Jetstream commit event has no commit")
    if commit.get("collection") != POST_COLLECTION:
        return None
    if commit.get("operation") not in ("create", "update"):
        return None  # a deletion: nothing to store (the store keeps what was said)
    did = to_str(event.get("did"))
    rkey = to_str(commit.get("rkey"))
    if did is None or not did.startswith("did:") or rkey is None:
        raise InvalidPost("Jetstream post event has no did or rkey")
    record = commit.get("record")
    if not isinstance(record, dict):
        raise InvalidPost("Jetstream post event has no record")
    view = {
        "uri": f"at://{did}/{POST_COLLECTION}/{rkey}",
        "cid": commit.get("cid"),
        "author": {"did": did},
        "record": record,
        "indexedAt": _seen_at(event.get("time_us")),
    }
    post = map_post_view(view)
    if post is None:
        return None
    post.media = _media(did, record.get("embed"))
    post.source = SOURCE
    return post


def _seen_at(time_us: Any) -> str | None:
    """When Jetstream saw the event: the fallback creation time of a record without one."""
    if not isinstance(time_us, int) or isinstance(time_us, bool) or time_us <= 0:
        return None
    try:
        return iso(datetime.fromtimestamp(time_us / 1_000_000, UTC))
    except (OverflowError, ValueError, OSError):
        return None


def _media(did: str, embed: Any) -> list[Media]:
    """Media from the record's embed: blob references, turned into the CDN's URLs."""
    if not isinstance(embed, dict):
        return []
    kind = str(embed.get("$type") or "")
    if kind == "app.bsky.embed.recordWithMedia":
        return _media(did, embed.get("media"))
    if kind == "app.bsky.embed.images":
        images: list[Any] = i if isinstance(i := embed.get("images"), list) else []
        return [Media("image", _blob_url(IMAGE_CDN, did, dig(i, "image"), "@jpeg")) for i in images]
    if kind == "app.bsky.embed.video":
        return [Media("video", _blob_url(VIDEO_CDN, did, embed.get("video"), "/playlist.m3u8"))]
    if kind == "app.bsky.embed.external":
        return [Media("link", to_str(dig(embed, "external", "uri")))]
    return []


def _blob_url(base: str, did: str, blob: Any, suffix: str) -> str | None:
    cid = to_str(dig(blob, "ref", "$link")) if isinstance(blob, dict) else None
    return f"{base}/{did}/{cid}{suffix}" if cid else None
