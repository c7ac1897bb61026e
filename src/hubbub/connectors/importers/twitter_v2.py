"""`twitter_v2`: X API v2 responses, one per line (as twarc2 writes them) or one document.

A response is `{data, includes: {users, tweets, media, places}, meta, errors?}`; `data` is a
list (search, lookup) or one tweet (filtered stream). `parse` joins each tweet in `data` with
what `includes` holds for it, so every raw item is self-contained:

    {"tweet": {...}, "author": {...} | None,
     "referenced": [{"type": "quoted", "id": "...", "tweet": {...} | None,
                     "author": {...} | None}],
     "media": [{...}], "place": {...} | None, "retrieved_at": "..." | None}

Partial errors (deleted or protected tweets in `errors`) are not posts and yield no item.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.units import json_units, loads, sample_json
from hubbub.connectors.importers.values import dig
from hubbub.connectors.importers.x_v2_tweet import PLATFORM, tweet_post
from hubbub.errors import InvalidPost
from hubbub.models import Post

NAME = "twitter_v2"
_RESPONSE_KEYS = ("includes", "meta", "matching_rules", "__twarc", "errors")


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    if isinstance(data, dict):
        return _is_response(data)
    # A pretty-printed document cut at the sniff limit: look for v2's field names.
    return (
        b'"data"' in sample
        and b'"author_id"' in sample
        and any(f'"{k}"'.encode() in sample for k in _RESPONSE_KEYS)
    )


def _is_response(data: dict[str, Any]) -> bool:
    tweets = data.get("data")
    first = tweets[0] if isinstance(tweets, list) and tweets else tweets
    if "ok" in data:  # m.weibo.cn wraps its statuses in {"ok": 1, "data": ...}
        return False
    if isinstance(first, dict) and "text" in first and "id" in first and "user" not in first:
        return True
    return "data" not in data and "errors" in data and "meta" in data


def parse(unit: bytes) -> list[dict[str, Any]]:
    doc = loads(unit)
    responses = doc if isinstance(doc, list) else [doc]
    items: list[dict[str, Any]] = []
    for response in responses:
        items.extend(join_response(response))
    return items


def join_response(response: Any) -> list[dict[str, Any]]:
    """One API response → its self-contained raw items (also the live `x` connector's)."""
    if not isinstance(response, dict) or not any(k in response for k in ("data", *_RESPONSE_KEYS)):
        raise InvalidPost("not an X API v2 response (no data, includes or meta)")
    data = response.get("data")
    if data is None:
        return []  # an error-only or empty page
    tweets = data if isinstance(data, list) else [data]
    includes = response.get("includes") or {}
    users = _index(includes.get("users"), "id")
    included_tweets = _index(includes.get("tweets"), "id")
    media = _index(includes.get("media"), "media_key")
    places = _index(includes.get("places"), "id")
    retrieved_at = dig(response, "__twarc", "retrieved_at")
    items = []
    for tweet in tweets:
        if not isinstance(tweet, dict):
            raise InvalidPost("a tweet in data is not a JSON object")
        referenced = []
        for ref in tweet.get("referenced_tweets") or []:
            ref_tweet = included_tweets.get(str(ref.get("id")))
            ref_author = users.get(str(ref_tweet.get("author_id"))) if ref_tweet else None
            referenced.append({**ref, "tweet": ref_tweet, "author": ref_author})
        keys = dig(tweet, "attachments", "media_keys") or []
        items.append(
            {
                "tweet": tweet,
                "author": users.get(str(tweet.get("author_id"))),
                "referenced": referenced,
                "media": [media[k] for k in keys if k in media],
                "place": places.get(str(dig(tweet, "geo", "place_id"))),
                "retrieved_at": retrieved_at,
            }
        )
    return items


def _index(entries: Any, key: str) -> dict[str, dict[str, Any]]:
    if not isinstance(entries, list):
        return {}
    return {str(e[key]): e for e in entries if isinstance(e, dict) and key in e}


def map_item(item: dict[str, Any]) -> Post:
    tweet = item.get("tweet")
    if not isinstance(tweet, dict):
        raise InvalidPost("raw item has no tweet")
    return tweet_post(
        tweet,
        item.get("author"),
        item.get("referenced") or [],
        item.get("media") or [],
        item.get("place"),
        source=f"import:{NAME}",
        collected_at=item.get("retrieved_at"),
    )


FORMAT = ImportFormat(
    name=NAME,
    description="X/Twitter API v2 responses (data + includes), one per line or one document",
    sniff=sniff,
    units=json_units,
    parse=parse,
    map=map_item,
    platform=PLATFORM,
)
