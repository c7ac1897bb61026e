"""`weibo`: Weibo JSON, from the open API and from m.weibo.cn, one response per line or one doc.

Recognised responses (each may also come as a bare list of statuses):
- open API timelines: `{"statuses": [status, ...]}`; open API comments: `{"comments": [...]}`
- m.weibo.cn card lists: `{"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": {...}}, ...]}}`
  with mblogs also nested in `card_group` (search results);
- m.weibo.cn statuses/show: `{"ok": 1, "data": status}`;
- m.weibo.cn comments (`comments/hotflow`, `api/comments/show`): `{"ok": 1, "data": {"data":
  [comment, ...]}}`, with inline replies under each comment's `comments`;
- a single status object per line, as many scrapers write them.

Raw items: `{"mblog": status}` for a post (the status carries its `user` and any
`retweeted_status`); `{"comment": comment, "status_id": str | None}` for a comment;
`{"card": card}` for a card that holds no post (ads, "more" links, user lists), which maps to
None. Long-text bodies (`longText.longTextContent`) replace the truncated `text`.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.units import json_units, loads, sample_json
from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.connectors.importers.weibo_text import (
    extract_weibo_mentions,
    parse_weibo_time,
    strip_html,
)
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post
from hubbub.text.extract import extract_hashtags, extract_urls

NAME = "weibo"
PLATFORM = "weibo"
_STATUS_HINTS = (
    b'"mblog"',
    b'"statuses"',
    b'"reposts_count"',
    b'"attitudes_count"',
    b'"rootid"',
    b'"like_counts"',
)


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    if data is None:
        # A document head: Weibo's counters and user fields are distinctive enough.
        return any(h in sample for h in _STATUS_HINTS) and b'"screen_name"' in sample
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict):
        return False
    if isinstance(first.get("statuses"), list) or _is_status(first):
        return True
    inner = first.get("data")
    return "ok" in first and isinstance(inner, dict) and _is_mweibo_data(inner)


def _is_status(data: dict[str, Any]) -> bool:
    user = data.get("user")
    return (
        isinstance(user, dict)
        and "screen_name" in user
        and "created_at" in data
        and ("reposts_count" in data or "attitudes_count" in data or "mid" in data)
    )


def _is_mweibo_data(data: dict[str, Any]) -> bool:
    return "cards" in data or _is_status(data) or isinstance(data.get("data"), list)


def parse(unit: bytes) -> list[dict[str, Any]]:
    doc = loads(unit)
    if isinstance(doc, list):
        return [item for entry in doc for item in _parse_response(entry)]
    return _parse_response(doc)


def _parse_response(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise InvalidPost("a Weibo response must be a JSON object")
    if isinstance(doc.get("statuses"), list):
        return [{"mblog": s} for s in doc["statuses"]]
    if isinstance(doc.get("comments"), list):  # open API comments/show: each carries `status`
        return [
            {"comment": c, "status_id": to_str(dig(c, "status", "idstr") or dig(c, "status", "id"))}
            for c in doc["comments"]
        ]
    if _is_status(doc):
        return [{"mblog": doc}]
    if "ok" in doc:
        return _parse_mweibo(doc)
    raise InvalidPost("not a Weibo response (no statuses, comments, cards or status)")


def _parse_mweibo(doc: dict[str, Any]) -> list[dict[str, Any]]:
    data = doc.get("data")
    if doc.get("ok") not in (1, "1", True) or not isinstance(data, dict):
        reason = doc.get("msg") or "no data"
        raise InvalidPost(f"m.weibo.cn response with ok={doc.get('ok')!r}: {reason}")
    if isinstance(data.get("cards"), list):
        return _cards(data["cards"])
    if _is_status(data):
        return [{"mblog": data}]
    comments = [c for key in ("hot_data", "data") for c in data.get(key) or []]
    if comments or isinstance(data.get("data"), list):
        items = []
        for comment in comments:
            items.append({"comment": comment, "status_id": None})
            for reply in comment.get("comments") or [] if isinstance(comment, dict) else []:
                items.append({"comment": reply, "status_id": None})
        return items
    return []  # e.g. statuses/extend: a long-text supplement with no post of its own


def _cards(cards: list[Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for card in cards:
        if not isinstance(card, dict):
            continue
        if isinstance(card.get("mblog"), dict):
            items.append({"mblog": card["mblog"]})
        elif isinstance(card.get("card_group"), list):
            items.extend(_cards(card["card_group"]))
        else:
            items.append({"card": card})
    return items


def map_item(item: dict[str, Any]) -> Post | None:
    if isinstance(item.get("mblog"), dict):
        return map_status(item["mblog"])
    if isinstance(item.get("comment"), dict):
        return map_comment(item["comment"], to_str(item.get("status_id")))
    if "card" in item:
        return None
    raise InvalidPost("raw item has no mblog, comment or card")


def map_status(status: dict[str, Any]) -> Post | None:
    if _is_deleted(status) or _is_ad(status):
        return None
    status_id = _id(status)
    user = status.get("user") if isinstance(status.get("user"), dict) else None
    text, link_urls = strip_html(_full_text(status))
    if _has_long_text(status):
        # longTextContent is plain text without the link targets; the HTML `text` has them.
        _, short_urls = strip_html(str(status.get("text") or ""))
        link_urls = _merge(link_urls, short_urls)
    retweeted = status.get("retweeted_status")
    uid = to_str((user or {}).get("idstr") or (user or {}).get("id"))
    key = to_str(status.get("bid") or status.get("mblogid")) or status_id
    return Post(
        platform=PLATFORM,
        platform_id=status_id,
        created_at=_created_at(status),
        text=text,
        kind="repost" if isinstance(retweeted, dict) else "post",
        url=f"https://weibo.com/{uid}/{key}" if uid else None,
        author=_author(user),
        metrics=Metrics(
            likes=to_int(status.get("attitudes_count"), "attitudes_count"),
            reposts=to_int(status.get("reposts_count"), "reposts_count"),
            replies=to_int(status.get("comments_count"), "comments_count"),
        ),
        repost_of=_id(retweeted) if isinstance(retweeted, dict) else None,
        hashtags=extract_hashtags(text),
        mentions=extract_weibo_mentions(text),
        urls=_merge(link_urls, extract_urls(text)),
        media=_media(status),
        source=f"import:{NAME}",
    )


def map_comment(comment: dict[str, Any], status_id: str | None) -> Post | None:
    if _is_deleted(comment):
        return None
    comment_id = _id(comment)
    text, link_urls = strip_html(str(comment.get("text") or ""))
    parent = to_str(
        comment.get("reply_id") or dig(comment, "reply_comment", "idstr") or comment.get("rootid")
    )
    if parent == comment_id:
        parent = None  # a top-level comment is its own root in hotflow
    status_id = status_id or to_str(dig(comment, "status", "idstr"))
    likes = comment.get("like_count", comment.get("like_counts"))
    user = comment.get("user") if isinstance(comment.get("user"), dict) else None
    return Post(
        platform=PLATFORM,
        platform_id=comment_id,
        created_at=_created_at(comment),
        text=text,
        kind="comment",
        author=_author(user),
        metrics=Metrics(
            likes=to_int(likes, "like_count"),
            replies=to_int(comment.get("total_number"), "total_number"),
        ),
        parent_id=parent or status_id,
        root_id=status_id,
        hashtags=extract_hashtags(text),
        mentions=extract_weibo_mentions(text),
        urls=_merge(link_urls, extract_urls(text)),
        source=f"import:{NAME}",
    )


def _id(obj: dict[str, Any]) -> str:
    value = to_str(obj.get("idstr") or obj.get("id") or obj.get("mid"))
    if value is None:
        raise InvalidPost("Weibo item has no id")
    return value


def _created_at(obj: dict[str, Any]) -> Any:
    # Some collectors store an absolute epoch next to a relative display time.
    for key in ("created_at_ts", "created_timestamp", "timestamp"):
        if isinstance(obj.get(key), int | float):
            return parse_weibo_time(obj[key])
    return parse_weibo_time(obj.get("created_at"))


def _has_long_text(status: dict[str, Any]) -> bool:
    long_text = dig(status, "longText", "longTextContent")
    return isinstance(long_text, str) and bool(long_text)


def _full_text(status: dict[str, Any]) -> str:
    long_text = dig(status, "longText", "longTextContent")
    if isinstance(long_text, str) and long_text:
        return long_text
    return str(status.get("text") or status.get("raw_text") or "")


def _is_deleted(obj: dict[str, Any]) -> bool:
    # Deleted or hidden statuses keep their id but lose user and text ("此微博已被作者删除").
    return str(obj.get("deleted") or "0") not in ("0", "") or (
        obj.get("user") is None and "visible" not in obj and not obj.get("text")
    )


def _is_ad(status: dict[str, Any]) -> bool:
    return bool(status.get("promotion") or status.get("ad_state") or status.get("is_ad"))


def _author(user: dict[str, Any] | None) -> Author:
    if not user:
        return Author()
    uid = to_str(user.get("idstr") or user.get("id"))
    verified = user.get("verified")
    return Author(
        id=uid,
        handle=to_str(user.get("screen_name")),
        name=to_str(user.get("name") or user.get("screen_name")),
        followers=to_int(user.get("followers_count"), "followers_count"),
        following=to_int(user.get("friends_count", user.get("follow_count")), "follow_count"),
        verified=bool(verified) if verified is not None else None,
        url=f"https://weibo.com/u/{uid}" if uid else None,
    )


def _media(status: dict[str, Any]) -> list[Media]:
    out = []
    for pic in status.get("pics") or []:  # m.weibo.cn
        if isinstance(pic, dict):
            url = dig(pic, "large", "url") or pic.get("url")
            out.append(Media("image", to_str(url)))
    for pic in status.get("pic_urls") or []:  # open API: thumbnails only
        if isinstance(pic, dict):
            out.append(Media("image", to_str(pic.get("thumbnail_pic"))))
    page = status.get("page_info")
    if isinstance(page, dict) and page.get("type") == "video":
        url = dig(page, "media_info", "stream_url") or page.get("page_url")
        out.append(Media("video", to_str(url)))
    return out


def _merge(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


FORMAT = ImportFormat(
    name=NAME,
    description="Weibo JSON: open-API statuses and m.weibo.cn cards, statuses and comments",
    sniff=sniff,
    units=json_units,
    parse=parse,
    map=map_item,
    platform=PLATFORM,
)
