"""Bilibili raw items → Post: videos (search), replies (comments), danmaku, live-room chat.

Ids live in different namespaces on Bilibili (a reply's `rpid` and a danmaku's id are both
numbers), so each kind of item keeps a prefix: a video is its `bvid`, a reply `reply:<rpid>`,
a video danmaku `dm:<id>`, a live message `live:<id>`. Replies and danmaku point at their
video's bvid (`root_id`; and `parent_id` when they answer the video itself).

Danmaku ("bullet comments") are short comments pinned to a moment of a video; their raw item is
the `<d>` element of the danmaku XML, as `{cid, bvid, p, text}` (`p` untouched: time in the
video, mode, size, colour, send time, pool, the sender's id hashed with CRC32, the danmaku id).
The XML names no user, only that hash, kept as the author id `crc32:<hash>`.

Live-room chat (`kind="live_chat"`) is the `DANMU_MSG` (and `SUPER_CHAT_MESSAGE`) business
message as the WebSocket sent it, plus the `room_id` it came from, which the message omits.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from hubbub.connectors.bilibili.api import aid_to_bvid, space_url, video_url
from hubbub.connectors.html_text import html_to_text
from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

PLATFORM = "bilibili"
SOURCE = "connector:bilibili"
VIDEO_REPLY_TYPE = 1  # `type` of a reply thread under a video (others: articles, dynamics)
LIVE_COMMANDS = ("DANMU_MSG", "SUPER_CHAT_MESSAGE")


def _object(raw: Any, what: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidPost(f"a Bilibili {what} must be a JSON object")
    return raw


# ---- videos (web search) -------------------------------------------------------------------------
def map_video(item: dict[str, Any]) -> Post | None:
    item = _object(item, "search result")
    if item.get("type", "video") != "video":
        return None  # search mixes in other result types when not asked for videos only
    bvid = to_str(item.get("bvid"))
    if bvid is None:
        aid = to_int(item.get("aid") or item.get("id"), "aid")
        if aid is None:
            raise InvalidPost("Bilibili video has neither bvid nor aid")
        bvid = aid_to_bvid(aid)
    # Search highlights the matched words with <em class="keyword">: plain text only.
    title, _ = html_to_text(to_str(item.get("title")) or "")
    mid = to_str(item.get("mid"))
    tags = [t.strip() for t in (to_str(item.get("tag")) or "").split(",") if t.strip()]
    return Post(
        platform=PLATFORM,
        platform_id=bvid,
        created_at=parse_time(item.get("pubdate"), "pubdate"),
        title=title or None,
        text=to_str(item.get("description")) or "",
        kind="video",
        url=video_url(bvid),
        author=Author(
            id=mid,
            handle=to_str(item.get("author")),
            name=to_str(item.get("author")),
            url=space_url(mid) if mid else None,
        ),
        metrics=Metrics(
            views=to_int(item.get("play"), "play"),
            likes=to_int(item.get("like"), "like"),
            replies=to_int(item.get("review"), "review"),
        ),
        hashtags=tags or None,
        media=[Media("video", video_url(bvid))],
        source=SOURCE,
    )


# ---- replies (comments) --------------------------------------------------------------------------
def map_reply(reply: dict[str, Any]) -> Post | None:
    reply = _object(reply, "reply")
    rpid = to_str(reply.get("rpid_str")) or to_str(reply.get("rpid"))
    if rpid is None or not rpid.isdigit():
        raise InvalidPost("Bilibili reply has no rpid")
    text = dig(reply, "content", "message")
    if not isinstance(text, str):
        raise InvalidPost("Bilibili reply has no content.message")
    video = _reply_video(reply)
    parent = to_str(reply.get("parent_str")) or to_str(reply.get("parent"))
    nested = parent not in (None, "0")
    member: dict[str, Any] = m if isinstance(m := reply.get("member"), dict) else {}
    mid = to_str(member.get("mid")) or to_str(reply.get("mid"))
    uname = to_str(member.get("uname"))
    mentions = [
        n for n in (to_str(m.get("uname")) for m in _list(dig(reply, "content", "members"))) if n
    ]
    return Post(
        platform=PLATFORM,
        platform_id=f"reply:{rpid}",
        created_at=parse_time(reply.get("ctime"), "ctime"),
        text=text,
        kind="reply" if nested else "comment",
        url=f"{video_url(video)}#reply{rpid}" if video else None,
        author=_member(mid, uname),
        metrics=Metrics(
            likes=to_int(reply.get("like"), "like"),
            replies=to_int(reply.get("rcount"), "rcount"),
        ),
        parent_id=f"reply:{parent}" if nested else video,
        root_id=video,
        mentions=mentions or None,
        source=SOURCE,
    )


def _reply_video(reply: dict[str, Any]) -> str | None:
    if to_int(reply.get("type"), "type") != VIDEO_REPLY_TYPE:
        return None  # a reply under an article or a dynamic: no video to point at
    aid = to_int(reply.get("oid"), "oid")
    return aid_to_bvid(aid) if aid else None


# ---- video danmaku -------------------------------------------------------------------------------
def map_danmaku(item: dict[str, Any]) -> Post | None:
    item = _object(item, "danmaku")
    fields = str(item.get("p") or "").split(",")
    if len(fields) < 8:
        raise InvalidPost(f"Bilibili danmaku attribute p={item.get('p')!r} has too few fields")
    dmid = fields[7].strip()
    if not dmid.isdigit():
        raise InvalidPost(f"Bilibili danmaku id {dmid!r} is not a number")
    text = to_str(item.get("text"))
    if text is None:
        raise InvalidPost("Bilibili danmaku has no text")
    try:
        sent = int(fields[4])
        offset = float(fields[0])
    except ValueError:
        raise InvalidPost(f"Bilibili danmaku p={item.get('p')!r} has a bad time") from None
    bvid = to_str(item.get("bvid"))
    sender = fields[6].strip()
    return Post(
        platform=PLATFORM,
        platform_id=f"dm:{dmid}",
        created_at=parse_time(sent, "danmaku send time"),
        text=text,
        kind="comment",
        url=f"{video_url(bvid)}?t={offset:.1f}" if bvid else None,
        author=Author(id=f"crc32:{sender}") if sender else Author(),
        parent_id=bvid,
        root_id=bvid,
        source=SOURCE,
    )


# ---- live-room chat ------------------------------------------------------------------------------
def command(message: Any) -> str:
    """A business message's `cmd`, without the `:suffix` some carry (`DANMU_MSG:4:0:2:2:2:0`)."""
    cmd = message.get("cmd") if isinstance(message, dict) else None
    return cmd.split(":", 1)[0] if isinstance(cmd, str) else ""


def map_live(message: dict[str, Any]) -> Post | None:
    message = _object(message, "live message")
    cmd = command(message)
    if cmd == "DANMU_MSG":
        return _danmu_msg(message)
    if cmd == "SUPER_CHAT_MESSAGE":
        return _super_chat(message)
    return None  # gifts, entries, popularity: not things people said


def _room(message: dict[str, Any]) -> str | None:
    return to_str(message.get("room_id"))


def _danmu_msg(message: dict[str, Any]) -> Post:
    info = message.get("info")
    if not isinstance(info, list) or len(info) < 3 or not isinstance(info[0], list):
        raise InvalidPost("Bilibili DANMU_MSG has no info array")
    meta, text, user = info[0], info[1], info[2]
    if not isinstance(text, str):
        raise InvalidPost("Bilibili DANMU_MSG has no text in info[1]")
    sent_ms = meta[4] if len(meta) > 4 else None
    uid = to_str(user[0]) if isinstance(user, list) and user else None
    uid = None if uid == "0" else uid  # 0: a viewer not logged in, or a masked uid
    uname = to_str(user[1]) if isinstance(user, list) and len(user) > 1 else None
    room = _room(message)
    extra = _extra(meta)
    msg_id = to_str(extra.get("id_str"))
    if msg_id is None:
        # Older messages carry no id: the send time, the random number the client drew and
        # the sender identify one message.
        rnd = to_str(meta[5]) if len(meta) > 5 else None
        who = uid or (to_str(meta[7]) if len(meta) > 7 else None) or ""
        digest = zlib.crc32(text.encode("utf-8"))
        msg_id = f"{room or ''}:{sent_ms}:{rnd or ''}:{who}:{digest:08x}"
    return Post(
        platform=PLATFORM,
        platform_id=f"live:{msg_id}",
        created_at=parse_time(sent_ms, "DANMU_MSG time"),
        text=text,
        kind="live_chat",
        url=f"https://live.bilibili.com/{room}" if room else None,
        author=_member(uid, uname),
        source=SOURCE,
    )


def _extra(meta: list[Any]) -> dict[str, Any]:
    """info[0][15].extra, a JSON object inside a string, where newer messages keep their id."""
    block = meta[15] if len(meta) > 15 and isinstance(meta[15], dict) else {}
    extra = block.get("extra")
    if not isinstance(extra, str):
        return {}
    try:
        value = orjson.loads(extra)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _super_chat(message: dict[str, Any]) -> Post:
    data = message.get("data")
    if not isinstance(data, dict):
        raise InvalidPost("Bilibili SUPER_CHAT_MESSAGE has no data")
    sc_id = to_str(data.get("id"))
    text = to_str(data.get("message"))
    if sc_id is None or text is None:
        raise InvalidPost("Bilibili SUPER_CHAT_MESSAGE has no id or message")
    uid = to_str(data.get("uid"))
    uname = to_str(dig(data, "user_info", "uname"))
    room = _room(message)
    return Post(
        platform=PLATFORM,
        platform_id=f"live:sc:{sc_id}",
        created_at=parse_time(data.get("start_time") or data.get("ts"), "start_time"),
        text=text,
        kind="live_chat",
        url=f"https://live.bilibili.com/{room}" if room else None,
        author=_member(uid, uname),
        source=SOURCE,
    )


def _member(mid: str | None, uname: str | None) -> Author:
    """A Bilibili account: `mid` is its id; its name is unique, so it is also the handle."""
    return Author(id=mid, handle=uname, name=uname, url=space_url(mid) if mid else None)


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
