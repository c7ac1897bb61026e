"""TikTok web objects as Zeeschuimer captures them: videos (`tiktok.com`) and comments.

A video item (`/api/search/item/full/`, `/api/post/item_list/`, ...) is `{id, desc, createTime,
author{id, uniqueId, nickname, verified}, authorStats{followerCount, followingCount},
stats{diggCount, shareCount, commentCount, playCount}, textExtra[]{hashtagName,
userUniqueId}, video{playAddr, cover}, imagePost?, isAd?, locationCreated?}`. A comment
(`/api/comment/list/`) is `{cid, text, create_time, aweme_id, reply_id, digg_count,
reply_comment_total, user{uid, unique_id, nickname}}`.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

PLATFORM = "tiktok"


def map_video(data: dict[str, Any]) -> Post | None:
    if data.get("isAd"):
        return None  # promoted videos are ads, not part of the conversation
    video_id = to_str(data.get("id"))
    if video_id is None:
        raise InvalidPost("TikTok item has no id")
    author: dict[str, Any] = data["author"] if isinstance(data.get("author"), dict) else {}
    handle = to_str(author.get("uniqueId"))
    stats = data.get("statsV2") or data.get("stats") or {}
    author_stats = data.get("authorStats") or {}
    extras = [e for e in data.get("textExtra") or [] if isinstance(e, dict)]
    country = to_str(data.get("locationCreated"))
    is_images = isinstance(data.get("imagePost"), dict)
    return Post(
        platform=PLATFORM,
        platform_id=video_id,
        created_at=parse_time(to_int(data.get("createTime"), "createTime")),
        text=str(data.get("desc") or ""),
        kind="post" if is_images else "video",
        url=f"https://www.tiktok.com/@{handle}/video/{video_id}" if handle else None,
        author=Author(
            id=to_str(author.get("id")),
            handle=handle,
            name=to_str(author.get("nickname")),
            followers=to_int(author_stats.get("followerCount"), "followerCount"),
            following=to_int(author_stats.get("followingCount"), "followingCount"),
            verified=author.get("verified") if isinstance(author.get("verified"), bool) else None,
            url=f"https://www.tiktok.com/@{handle}" if handle else None,
        ),
        lang=_lang(data.get("textLanguage")),
        metrics=Metrics(
            likes=to_int(stats.get("diggCount"), "diggCount"),
            reposts=to_int(stats.get("shareCount"), "shareCount"),
            replies=to_int(stats.get("commentCount"), "commentCount"),
            views=to_int(stats.get("playCount"), "playCount"),
        ),
        hashtags=[str(e["hashtagName"]) for e in extras if e.get("hashtagName")],
        mentions=[str(e["userUniqueId"]) for e in extras if e.get("userUniqueId")],
        media=[] if is_images else [Media("video", to_str(dig(data, "video", "playAddr")))],
        country=country.upper() if country and len(country) == 2 else None,
    )


def map_comment(data: dict[str, Any]) -> Post:
    comment_id = to_str(data.get("cid"))
    if comment_id is None:
        raise InvalidPost("TikTok comment has no cid")
    user: dict[str, Any] = data["user"] if isinstance(data.get("user"), dict) else {}
    handle = to_str(user.get("unique_id"))
    video_id = to_str(data.get("aweme_id"))
    reply_to = to_str(data.get("reply_id"))
    return Post(
        platform=PLATFORM,
        platform_id=comment_id,
        created_at=parse_time(to_int(data.get("create_time"), "create_time")),
        text=str(data.get("text") or ""),
        kind="comment",
        author=Author(
            id=to_str(user.get("uid")),
            handle=handle,
            name=to_str(user.get("nickname")),
            url=f"https://www.tiktok.com/@{handle}" if handle else None,
        ),
        metrics=Metrics(
            likes=to_int(data.get("digg_count"), "digg_count"),
            replies=to_int(data.get("reply_comment_total"), "reply_comment_total"),
        ),
        parent_id=reply_to if reply_to and reply_to != "0" else video_id,
        root_id=video_id,
    )


def _lang(value: Any) -> str | None:
    text = to_str(value)
    return None if text in (None, "un", "und") else text
