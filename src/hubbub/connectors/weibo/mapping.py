"""Weibo raw items → Posts, through the importer's mapping (importers/weibo.py).

Items are `{"mblog": status}` (and, from m.weibo.cn, `"fetched_at"`: when the page was read).
m.weibo.cn shows times relative to the moment of reading ("刚刚", "5分钟前", "3小时前",
"今天 12:00", "昨天 12:00", "03-01"), which the importer rightly rejects when it has no such
moment. A live connector has it, so here those display times are resolved against `fetched_at`
(Beijing time, the platform's) and handed to the importer as `created_at_ts`. The result is
as precise as the display: to the minute for "5分钟前", the hour for "3小时前", the day for
"03-01"; the raw item keeps the original text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from hubbub.connectors.importers.weibo import PLATFORM, map_item
from hubbub.connectors.importers.weibo_text import parse_weibo_time
from hubbub.errors import InvalidPost
from hubbub.models import Post, parse_time

SOURCE = "connector:weibo"
BEIJING = datetime.strptime("+0800", "%z").tzinfo
_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时)前$")
_AGO_UNITS = {"秒": 1, "分钟": 60, "小时": 3600}
_DAY_TIME = re.compile(r"^(今天|昨天)\s*(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")
__all__ = ["PLATFORM", "SOURCE", "item_time", "map_weibo", "resolve_display_time"]


def map_weibo(item: dict[str, Any]) -> Post | None:
    if not isinstance(item, dict):
        raise InvalidPost("a Weibo raw item must be a JSON object")
    mblog = item.get("mblog")
    fetched = item.get("fetched_at")
    if isinstance(mblog, dict) and fetched and _is_relative(mblog.get("created_at")):
        when = resolve_display_time(str(mblog["created_at"]), parse_time(fetched, "fetched_at"))
        if when is None:
            raise InvalidPost(f"cannot read Weibo time {mblog['created_at']!r}")
        item = {**item, "mblog": {**mblog, "created_at_ts": int(when.timestamp())}}
    post = map_item(item)
    if post is not None:
        post.source = SOURCE
    return post


def item_time(item: dict[str, Any]) -> float | None:
    """The item's time in epoch seconds for walking pages; None when it cannot be read."""
    try:
        post = map_weibo(item)
    except (InvalidPost, ValueError, TypeError, AttributeError):
        return None
    return post.created_at.timestamp() if post is not None else None


def resolve_display_time(text: str, fetched: datetime) -> datetime | None:
    """m.weibo.cn's relative display time, read at `fetched`; None when it is not one."""
    text = text.strip()
    now = fetched.astimezone(BEIJING)
    if text == "刚刚":  # "just now"
        return fetched
    if m := _AGO.match(text):
        return fetched - timedelta(seconds=int(m.group(1)) * _AGO_UNITS[m.group(2)])
    if m := _DAY_TIME.match(text):
        on = now.date() - timedelta(days=1 if m.group(1) == "昨天" else 0)
        hour, minute = int(m.group(2)), int(m.group(3))
        return datetime(on.year, on.month, on.day, hour, minute, tzinfo=BEIJING)
    if m := _MONTH_DAY.match(text):
        month, day = int(m.group(1)), int(m.group(2))
        hour, minute = int(m.group(3) or 0), int(m.group(4) or 0)
        when = datetime(now.year, month, day, hour, minute, tzinfo=BEIJING)
        # A year-less date is this year's, unless that would be in the future.
        return when if when <= now else when.replace(year=now.year - 1)
    return None


def _is_relative(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_weibo_time(value)
    except InvalidPost:
        return True
    return False
