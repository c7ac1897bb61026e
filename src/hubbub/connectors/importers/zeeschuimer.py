"""`zeeschuimer`: Zeeschuimer NDJSON exports, one captured item per line in an envelope.

The envelope (see the Zeeschuimer protocol notes) is `{id, nav_index, item_id,
timestamp_collected (ms), last_updated?, source_platform, source_platform_url, source_url,
user_agent, data}`, where `data` is the platform's own object. The raw item is the whole
envelope, unchanged: it is self-contained, and `timestamp_collected` becomes `collected_at`.
`map_item` dispatches on `source_platform` to one small mapper per platform.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubbub.connectors.importers import zs_douyin, zs_instagram, zs_tiktok, zs_x, zs_xiaohongshu
from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.units import line_units, loads, sample_json
from hubbub.errors import InvalidPost
from hubbub.models import Post, parse_time

NAME = "zeeschuimer"
SOURCE = f"import:{NAME}"

# source_platform → mapper(data) → Post | None. Mappers leave collected_at and source to us.
MAPPERS: dict[str, Callable[[dict[str, Any]], Post | None]] = {
    "tiktok.com": zs_tiktok.map_video,
    "tiktok-comments": zs_tiktok.map_comment,
    "douyin.com": zs_douyin.map_aweme,
    "xiaohongshu.com": zs_xiaohongshu.map_note,
    "instagram.com": zs_instagram.map_media,
    "twitter.com": zs_x.map_tweet,
    "x.com": zs_x.map_tweet,
}


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    return (
        isinstance(data, dict)
        and "source_platform" in data
        and "item_id" in data
        and isinstance(data.get("data"), dict)
    )


def parse(unit: bytes) -> list[dict[str, Any]]:
    envelope = loads(unit)
    if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), dict):
        raise InvalidPost("not a Zeeschuimer item (no data object)")
    return [envelope]


def map_item(item: dict[str, Any]) -> Post | None:
    platform = str(item.get("source_platform") or "")
    mapper = MAPPERS.get(platform)
    if mapper is None:
        known = ", ".join(MAPPERS)
        raise InvalidPost(f"Zeeschuimer source_platform {platform!r} is not supported ({known})")
    post = mapper(item["data"])
    if post is None:
        return None
    collected = item.get("timestamp_collected")
    post.collected_at = parse_time(collected) if isinstance(collected, int | float) else None
    post.source = SOURCE
    return post


FORMAT = ImportFormat(
    name=NAME,
    description="Zeeschuimer NDJSON (TikTok, Douyin, Xiaohongshu, Instagram, X)",
    sniff=sniff,
    units=line_units,
    parse=parse,
    map=map_item,
)
