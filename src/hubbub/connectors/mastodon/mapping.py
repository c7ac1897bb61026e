"""One Mastodon Status entity (REST API) → Post.

Identity is the status `uri`, the ActivityPub id every server agrees on, not `id`: ids are
local to the server that answered, so the same post seen through two servers would otherwise
be stored twice. For the same reason `in_reply_to_id` (a local id) is not turned into
`parent_id`: a reply is marked `kind="reply"` and its parent left unknown rather than pointing
at an id from another namespace. Handles are made absolute (`user@server`), since `acct` is
relative to the server that answered.

`content` is HTML: it becomes plain text (see html_text.py); a content warning
(`spoiler_text`) comes first. A boost (`reblog`) is a repost carrying the original's text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from hubbub.connectors.html_text import html_to_text
from hubbub.connectors.importers.values import to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

PLATFORM = "mastodon"
SOURCE = "connector:mastodon"
_MEDIA = {"image": "image", "video": "video", "gifv": "gif", "audio": "audio"}


def map_status(status: dict[str, Any]) -> Post | None:
    if not isinstance(status, dict):
        raise InvalidPost("a Mastodon status must be a JSON object")
    uri = to_str(status.get("uri"))
    if uri is None:
        raise InvalidPost("Mastodon status has no uri")
    reblog = r if isinstance(r := status.get("reblog"), dict) else None
    shown = reblog or status  # a boost has no content of its own
    text, links = _text(shown)
    kind, repost_of = "post", None
    quoted = _quoted_uri(shown)
    if reblog is not None:
        kind, repost_of = "repost", to_str(reblog.get("uri"))
    elif status.get("in_reply_to_id") is not None:
        kind = "reply"
        repost_of = quoted
    elif quoted:
        kind, repost_of = "quote", quoted
    account = a if isinstance(a := status.get("account"), dict) else {}
    return Post(
        platform=PLATFORM,
        platform_id=uri,
        created_at=parse_time(status.get("created_at")),
        text=text,
        kind=kind,
        url=to_str(status.get("url")) or uri,
        author=_author(account),
        lang=to_str(shown.get("language")),
        metrics=Metrics(
            likes=to_int(status.get("favourites_count"), "favourites_count"),
            reposts=to_int(status.get("reblogs_count"), "reblogs_count"),
            replies=to_int(status.get("replies_count"), "replies_count"),
            quotes=to_int(status.get("quotes_count"), "quotes_count"),
        ),
        repost_of=repost_of,
        hashtags=_names(shown.get("tags"), "name"),
        mentions=[m for m in (_acct(x) for x in _list(shown.get("mentions"))) if m] or None,
        urls=links or None,
        media=_media(shown.get("media_attachments")),
        source=SOURCE,
    )


def _text(status: dict[str, Any]) -> tuple[str, list[str]]:
    body, links = html_to_text(to_str(status.get("content")) or "")
    warning = to_str(status.get("spoiler_text"))
    return "\n\n".join(p for p in (warning, body) if p), links


def _quoted_uri(status: dict[str, Any]) -> str | None:
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    quoted = quote.get("quoted_status") if "quoted_status" in quote else quote
    return to_str(quoted.get("uri")) if isinstance(quoted, dict) else None


def _author(account: dict[str, Any]) -> Author:
    url = to_str(account.get("url"))
    return Author(
        id=to_str(account.get("uri")) or url,
        handle=_acct(account),
        name=to_str(account.get("display_name")) or None,
        followers=to_int(account.get("followers_count"), "followers_count"),
        following=to_int(account.get("following_count"), "following_count"),
        url=url,
    )


def _acct(account: Any) -> str | None:
    """`user@server`: `acct` is bare for accounts local to the answering server."""
    if not isinstance(account, dict):
        return None
    acct = to_str(account.get("acct")) or to_str(account.get("username"))
    if acct is None or "@" in acct:
        return acct
    host = urlsplit(to_str(account.get("url")) or "").hostname
    return f"{acct}@{host}" if host else acct


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(value: Any, key: str) -> list[str] | None:
    names = [to_str(x.get(key)) for x in _list(value) if isinstance(x, dict)]
    return [n for n in names if n] or None


def _media(value: Any) -> list[Media]:
    media = []
    for item in _list(value):
        if isinstance(item, dict):
            kind = _MEDIA.get(str(item.get("type")), "other")
            media.append(Media(kind, to_str(item.get("url")) or to_str(item.get("remote_url"))))
    return media
