"""Douyin (抖音) objects as Zeeschuimer captures them.

API items are `aweme_list[]` entries: `{aweme_id, desc, create_time (s), author{uid, sec_uid,
nickname, unique_id, short_id}, statistics{digg_count, comment_count, share_count,
collect_count, play_count}, text_extra[]{hashtag_name}, images?, is_ads?}`. Items taken from
the page HTML (`ZS_collected_from_embed: true`) use camelCase: `awemeId, createTime,
authorInfo{uid, secUid, nickname}, stats{diggCount, ...}, textExtra[]{hashtagName}`. Live
streams (a `rawdata` JSON string, or `cellRoom`) are not posts.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.values import to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Metrics, Post, parse_time

PLATFORM = "douyin"


def map_aweme(data: dict[str, Any]) -> Post | None:
    if data.get("rawdata") or _has(data, "cellRoom") or _has(data, "cell_room"):
        return None  # a live stream card
    if data.get("is_ads") or data.get("isAds") or data.get("raw_ad_data"):
        return None
    embed = bool(data.get("ZS_collected_from_embed"))
    key = _camel if embed else _snake
    aweme_id = to_str(data.get(key("aweme_id")) or data.get("id"))
    if aweme_id is None:
        raise InvalidPost("Douyin item has no aweme_id")
    author = data.get("authorInfo" if embed else "author")
    author = author if isinstance(author, dict) else {}
    stats = data.get("stats" if embed else "statistics")
    stats = stats if isinstance(stats, dict) else {}
    sec_uid = to_str(author.get(key("sec_uid")))
    extras = data.get(key("text_extra"))
    tags = [e.get(key("hashtag_name")) for e in extras or [] if isinstance(e, dict)]
    plays = to_int(stats.get(key("play_count")), "play_count")
    return Post(
        platform=PLATFORM,
        platform_id=aweme_id,
        created_at=parse_time(to_int(data.get(key("create_time")), "create_time")),
        text=str(data.get("desc") or ""),
        kind="post" if data.get("images") else "video",
        url=f"https://www.douyin.com/video/{aweme_id}",
        author=Author(
            id=to_str(author.get("uid")),
            handle=to_str(author.get(key("unique_id")) or author.get(key("short_id"))),
            name=to_str(author.get("nickname")),
            followers=to_int(author.get(key("follower_count")), "follower_count"),
            url=f"https://www.douyin.com/user/{sec_uid}" if sec_uid else None,
        ),
        metrics=Metrics(
            likes=to_int(stats.get(key("digg_count")), "digg_count"),
            reposts=to_int(stats.get(key("share_count")), "share_count"),
            replies=to_int(stats.get(key("comment_count")), "comment_count"),
            # Douyin's web API hides play counts and sends 0: unknown, not zero views.
            views=plays or None,
        ),
        hashtags=[str(t) for t in tags if t] if extras is not None else None,
    )


def _has(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    return bool(value) and value != "$undefined"


def _snake(name: str) -> str:
    return name


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
