"""X (Twitter) GraphQL `Tweet` objects, as Zeeschuimer captures them from the web app.

`{__typename: "Tweet", rest_id, core.user_results.result{rest_id, is_blue_verified,
legacy{screen_name, name, followers_count, friends_count, verified}, core?{screen_name, name}},
legacy{full_text, created_at ("Tue Oct 10 07:57:53 +0000 2023"), favorite_count, retweet_count,
reply_count, quote_count, lang, conversation_id_str, in_reply_to_status_id_str,
quoted_status_id_str, retweeted_status_result, entities{hashtags, user_mentions, urls},
extended_entities.media, place?}, views{count}, note_tweet?}`. A `TweetWithVisibilityResults`
wraps the tweet in `tweet`; a `TweetTombstone` (deleted, withheld) is not a post.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post

PLATFORM = "x"
_TIME = "%a %b %d %H:%M:%S %z %Y"
_NOT_LANGUAGES = frozenset({"und", "qam", "qct", "qht", "qme", "qst", "zxx", "art"})
_MEDIA_TYPES = {"photo": "image", "video": "video", "animated_gif": "gif"}


def map_tweet(data: dict[str, Any]) -> Post | None:
    if data.get("__typename") == "TweetWithVisibilityResults":
        data = data.get("tweet") or {}
    if data.get("__typename") not in (None, "Tweet") or not isinstance(data.get("legacy"), dict):
        return None  # tombstones, unavailable tweets, promoted-content wrappers
    legacy = data["legacy"]
    tweet_id = to_str(data.get("rest_id") or legacy.get("id_str"))
    if tweet_id is None:
        raise InvalidPost("X tweet has no rest_id")
    user = dig(data, "core", "user_results", "result") or {}
    handle = to_str(dig(user, "legacy", "screen_name") or dig(user, "core", "screen_name"))
    retweeted = dig(legacy, "retweeted_status_result", "result")
    parent = to_str(legacy.get("in_reply_to_status_id_str"))
    quoted = to_str(legacy.get("quoted_status_id_str"))
    if retweeted:
        kind, repost_of = (
            "repost",
            to_str(retweeted.get("rest_id") or dig(retweeted, "tweet", "rest_id")),
        )
    else:
        kind = "reply" if parent else ("quote" if quoted else "post")
        repost_of = quoted
    conversation = to_str(legacy.get("conversation_id_str"))
    entities = legacy.get("entities") or {}
    lang = to_str(legacy.get("lang"))
    try:
        created = datetime.strptime(str(legacy.get("created_at")), _TIME).astimezone(UTC)
    except ValueError:
        raise InvalidPost(f"cannot read X time {legacy.get('created_at')!r}") from None
    return Post(
        platform=PLATFORM,
        platform_id=tweet_id,
        created_at=created,
        text=str(dig(data, "note_tweet", "note_tweet_results", "result", "text") or "")
        or str(legacy.get("full_text") or ""),
        kind=kind,
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        author=_author(user, handle),
        lang=None if lang in _NOT_LANGUAGES else lang,
        metrics=Metrics(
            likes=to_int(legacy.get("favorite_count"), "favorite_count"),
            reposts=to_int(legacy.get("retweet_count"), "retweet_count"),
            replies=to_int(legacy.get("reply_count"), "reply_count"),
            quotes=to_int(legacy.get("quote_count"), "quote_count"),
            views=to_int(dig(data, "views", "count"), "views"),
        ),
        parent_id=parent,
        root_id=conversation if parent and conversation != tweet_id else None,
        repost_of=repost_of,
        hashtags=[str(h["text"]) for h in entities.get("hashtags") or [] if h.get("text")],
        mentions=[
            str(m["screen_name"])
            for m in entities.get("user_mentions") or []
            if m.get("screen_name")
        ],
        urls=[str(u["expanded_url"]) for u in entities.get("urls") or [] if u.get("expanded_url")],
        media=[
            Media(_MEDIA_TYPES.get(str(m.get("type")), "other"), to_str(m.get("media_url_https")))
            for m in dig(legacy, "extended_entities", "media") or []
            if isinstance(m, dict)
        ],
        country=to_str(dig(legacy, "place", "country_code")),
    )


def _author(user: dict[str, Any], handle: str | None) -> Author:
    legacy = user.get("legacy") or {}
    verified = legacy.get("verified")
    if user.get("is_blue_verified"):
        verified = True
    return Author(
        id=to_str(user.get("rest_id")),
        handle=handle,
        name=to_str(legacy.get("name") or dig(user, "core", "name")),
        followers=to_int(legacy.get("followers_count"), "followers_count"),
        following=to_int(legacy.get("friends_count"), "friends_count"),
        verified=verified if isinstance(verified, bool) else None,
        url=f"https://x.com/{handle}" if handle else None,
    )
