"""Mapping one X API v2 tweet, with its author, referenced tweets, media and place, to a Post.

Shared by `twitter_v2` (responses, joined through `includes`) and `twarc2` (flattened lines,
joined by twarc). Both hand `tweet_post` the same pieces, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

PLATFORM = "x"
# X's non-language codes: undetermined, media/hashtag/cashtag/mention-only, no linguistic content.
_NOT_LANGUAGES = frozenset({"und", "qam", "qct", "qht", "qme", "qst", "zxx", "art"})
_MEDIA_TYPES = {"photo": "image", "video": "video", "animated_gif": "gif"}


def tweet_post(
    tweet: dict[str, Any],
    author: dict[str, Any] | None,
    referenced: list[dict[str, Any]],
    media: list[dict[str, Any]],
    place: dict[str, Any] | None,
    *,
    source: str,
    collected_at: Any = None,
) -> Post:
    """`referenced` holds {"type", "id", ...} entries in the order the tweet lists them."""
    tweet_id = to_str(tweet.get("id"))
    if tweet_id is None:
        raise InvalidPost("tweet has no id")
    kind, parent_id, repost_of = "post", None, None
    for ref in referenced:
        ref_id = to_str(ref.get("id"))
        if ref.get("type") == "retweeted":
            kind, repost_of = "repost", ref_id
        elif ref.get("type") == "replied_to":
            parent_id = ref_id
        elif ref.get("type") == "quoted" and repost_of is None:
            repost_of = ref_id
    # A reply that also quotes stays a reply (its place in the thread matters more); the quoted
    # tweet is still recorded in repost_of.
    if kind != "repost":
        kind = "reply" if parent_id else ("quote" if repost_of else "post")
    conversation = to_str(tweet.get("conversation_id"))
    handle = to_str((author or {}).get("username"))
    note_text = dig(tweet, "note_tweet", "text")  # posts over 280 characters
    entities = dig(tweet, "note_tweet", "entities") if note_text else tweet.get("entities")
    lang = to_str(tweet.get("lang"))
    return Post(
        platform=PLATFORM,
        platform_id=tweet_id,
        created_at=parse_time(tweet.get("created_at")),
        text=note_text or tweet.get("text") or "",
        kind=kind,
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        collected_at=parse_time(collected_at) if collected_at else None,
        author=_author(author, tweet),
        lang=None if lang in _NOT_LANGUAGES else lang,
        metrics=_metrics(tweet.get("public_metrics")),
        parent_id=parent_id,
        root_id=conversation if kind == "reply" and conversation != tweet_id else None,
        repost_of=repost_of,
        hashtags=_entity_list(entities, "hashtags", "tag"),
        mentions=_entity_list(entities, "mentions", "username"),
        urls=_urls(entities),
        media=[m for m in (_media(item) for item in media) if m is not None],
        country=to_str((place or {}).get("country_code")),
        source=source,
    )


def _author(user: dict[str, Any] | None, tweet: dict[str, Any]) -> Author:
    if not user:
        return Author(id=to_str(tweet.get("author_id")))
    handle = to_str(user.get("username"))
    metrics = user.get("public_metrics") or {}
    verified = user.get("verified")
    if verified is None and user.get("verified_type") is not None:
        verified = user["verified_type"] != "none"
    return Author(
        id=to_str(user.get("id")) or to_str(tweet.get("author_id")),
        handle=handle,
        name=to_str(user.get("name")),
        followers=to_int(metrics.get("followers_count"), "followers_count"),
        following=to_int(metrics.get("following_count"), "following_count"),
        verified=bool(verified) if verified is not None else None,
        url=f"https://x.com/{handle}" if handle else None,
    )


def _metrics(pm: dict[str, Any] | None) -> Metrics:
    pm = pm or {}
    return Metrics(
        likes=to_int(pm.get("like_count"), "like_count"),
        reposts=to_int(pm.get("retweet_count"), "retweet_count"),
        replies=to_int(pm.get("reply_count"), "reply_count"),
        quotes=to_int(pm.get("quote_count"), "quote_count"),
        views=to_int(pm.get("impression_count"), "impression_count"),
    )


def _entity_list(entities: Any, key: str, field: str) -> list[str] | None:
    # No `entities` at all: not requested, or none found; let the store extract from the text.
    if not isinstance(entities, dict):
        return None
    return [str(e[field]) for e in entities.get(key) or [] if isinstance(e, dict) and e.get(field)]


def _urls(entities: Any) -> list[str] | None:
    if not isinstance(entities, dict):
        return None
    out = []
    for e in entities.get("urls") or []:
        if not isinstance(e, dict) or e.get("media_key"):
            continue  # a media link (pic.x.com) is recorded in `media`, not as a shared URL
        url = e.get("unwound_url") or e.get("expanded_url") or e.get("url")
        if url and url not in out:
            out.append(str(url))
    return out


def _media(item: dict[str, Any]) -> Media | None:
    if not isinstance(item, dict) or not item:
        return None
    kind = _MEDIA_TYPES.get(str(item.get("type")), "other")
    url = item.get("url")
    variants = [v for v in item.get("variants") or [] if v.get("content_type") == "video/mp4"]
    if variants:
        url = max(variants, key=lambda v: v.get("bit_rate") or 0).get("url")
    return Media(type=kind, url=to_str(url or item.get("preview_image_url")))
