"""Xiaohongshu (小红书, RedNote) notes as Zeeschuimer captures them.

Three shapes: feed/search API items `{id, model_type: "note", xsec_token, note_card{type,
display_title, desc?, time? (ms), user{user_id, nickname | nick_name}, interact_info{liked_count,
comment_count, collected_count, share_count}}}`; notes embedded in a page's JSON `{id, note{...
camelCase: title, desc, time, user{userId, nickname}, interactInfo{likedCount, ...},
xsecToken}}`; and items Zeeschuimer scraped from HTML (`_zs-origin: "html"`: id, title, likes,
author_name, no time). Counts are display strings ("1.2万", "10+").

Search cards often omit `time`. A note id is a 24-hex-digit ObjectId whose first 8 digits are
its creation time in Unix seconds, so the id itself carries an absolute time, which we use
when `time` is missing rather than reject the note.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from hubbub.connectors.importers.values import to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Metrics, Post, parse_time

PLATFORM = "xiaohongshu"
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
# Topics are written "#露营[话题]#" in a note's text.
_TOPIC = re.compile(r"#([^#\[\]\n]+?)\[话题\]#")


def map_note(data: dict[str, Any]) -> Post | None:
    if data.get("model_type") not in (None, "note"):
        return None  # query suggestions, ads and other feed cards
    note_id = to_str(data.get("id") or data.get("note_id"))
    if note_id is None:
        raise InvalidPost("Xiaohongshu item has no id")
    if data.get("_zs-origin") == "html":
        raise InvalidPost("Xiaohongshu item scraped from HTML has no publication time or text")
    if isinstance(data.get("note"), dict):
        note, camel = data["note"], True
    elif isinstance(data.get("note_card"), dict):
        note, camel = data["note_card"], False
    else:
        return None  # a tile stub: a thumbnail with no user, text or counts
    key = _camel if camel else _snake
    user = note.get("user") if isinstance(note.get("user"), dict) else {}
    user_id = to_str(user.get(key("user_id")))
    counts = note.get(key("interact_info")) or {}
    desc = note.get("desc")
    title = to_str(note.get("title") or note.get("display_title"))
    text = "\n\n".join(p for p in (title, str(desc) if desc else None) if p)
    token = to_str(data.get("xsec_token") or note.get("xsecToken"))
    return Post(
        platform=PLATFORM,
        platform_id=note_id,
        created_at=_created_at(note.get("time"), note_id),
        text=text,
        kind="video" if note.get("type") == "video" else "post",
        url=f"https://www.xiaohongshu.com/explore/{note_id}"
        + (f"?xsec_token={token}" if token else ""),
        author=Author(
            id=user_id,
            name=to_str(user.get("nickname") or user.get("nick_name")),
            url=f"https://www.xiaohongshu.com/user/profile/{user_id}" if user_id else None,
        ),
        title=title,
        metrics=Metrics(
            likes=to_int(counts.get(key("liked_count")), "liked_count"),
            reposts=to_int(counts.get(key("share_count")), "share_count"),
            replies=to_int(counts.get(key("comment_count")), "comment_count"),
        ),
        hashtags=_TOPIC.findall(str(desc)) or None if desc else None,
    )


def _created_at(time: Any, note_id: str) -> datetime:
    if isinstance(time, int | float) and time > 0:
        return parse_time(time)
    if _OBJECT_ID.match(note_id):
        return datetime.fromtimestamp(int(note_id[:8], 16), UTC)
    raise InvalidPost("Xiaohongshu note has no time and its id is not an ObjectId")


def _snake(name: str) -> str:
    return name


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
