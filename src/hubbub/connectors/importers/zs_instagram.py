"""Instagram media as Zeeschuimer captures them.

Two shapes: the "item list" objects of the web app's API and GraphQL `xdt_` queries
(`{pk, id, code, taken_at, user{pk, username, full_name, is_verified}, caption{text} | None,
like_count, comment_count, play_count?, media_type (1 photo, 2 video, 8 carousel),
product_type ("feed", "clips", "carousel_container", "ad"), location?}`), and the older Graph
"edge" objects (`{__typename: GraphImage | GraphVideo | GraphSidecar, id, shortcode,
taken_at_timestamp, owner{id, username}, edge_media_to_caption, edge_media_preview_like}`).
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Metrics, Post, parse_time

PLATFORM = "instagram"
_VIDEO = 2


def map_media(data: dict[str, Any]) -> Post | None:
    link = str(data.get("link") or "")
    if data.get("product_type") == "ad" or link.startswith("https://www.facebook.com/ads/"):
        return None
    if data.get("__typename", "XDTMediaDict") not in ("XDTMediaDict",):
        return _graph(data)
    code = to_str(data.get("code"))
    media_id = to_str(data.get("pk")) or (to_str(data.get("id")) or "").split("_")[0] or None
    if media_id is None or code is None:
        raise InvalidPost("Instagram item has no pk or code")
    user = data.get("user") or data.get("owner") or {}
    hidden = bool(data.get("like_and_view_counts_disabled"))
    is_video = data.get("media_type") == _VIDEO or data.get("product_type") == "clips"
    return Post(
        platform=PLATFORM,
        platform_id=media_id,
        created_at=parse_time(to_int(data.get("taken_at"), "taken_at")),
        text=str(dig(data, "caption", "text") or ""),
        kind="video" if is_video else "post",
        url=f"https://www.instagram.com/p/{code}/",
        author=_author(user),
        metrics=Metrics(
            likes=None if hidden else to_int(data.get("like_count"), "like_count"),
            replies=to_int(data.get("comment_count"), "comment_count"),
            views=None if hidden else to_int(data.get("play_count"), "play_count"),
        ),
    )


def _graph(node: dict[str, Any]) -> Post:
    code = to_str(node.get("shortcode"))
    media_id = to_str(node.get("id"))
    if media_id is None or code is None:
        raise InvalidPost("Instagram item has no id or shortcode")
    return Post(
        platform=PLATFORM,
        platform_id=media_id,
        created_at=parse_time(to_int(node.get("taken_at_timestamp"), "taken_at_timestamp")),
        text=str(dig(node, "edge_media_to_caption", "edges", 0, "node", "text") or ""),
        kind="video" if node.get("__typename") == "GraphVideo" else "post",
        url=f"https://www.instagram.com/p/{code}/",
        author=_author(node.get("owner") or node.get("user") or {}),
        metrics=Metrics(
            likes=to_int(dig(node, "edge_media_preview_like", "count"), "likes"),
            replies=to_int(dig(node, "edge_media_to_comment", "count"), "comments"),
            views=to_int(node.get("video_view_count"), "video_view_count"),
        ),
    )


def _author(user: dict[str, Any]) -> Author:
    handle = to_str(user.get("username"))
    verified = user.get("is_verified")
    return Author(
        id=to_str(user.get("pk") or user.get("id")),
        handle=handle,
        name=to_str(user.get("full_name")),
        verified=verified if isinstance(verified, bool) else None,
        url=f"https://www.instagram.com/{handle}/" if handle else None,
    )
