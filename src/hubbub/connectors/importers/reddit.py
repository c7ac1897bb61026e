"""`reddit`: Reddit JSON listings; also the shared mapping of a submission or comment to a Post.

A listing is `{"kind": "Listing", "data": {"children": [{"kind": "t3" | "t1" | "more", "data":
{...}}]}}`; a comment page (`/comments/<id>.json`) is a list of two listings, post then comments,
with replies nested in each comment's `replies` listing. The Pushshift search API's `{"data":
[...]}` page is read here too. `parse` flattens the tree: each raw item is one `{"kind", "data"}`
child (a comment's `replies` removed, since each reply becomes its own item), or, for Pushshift
pages, the flat object itself. `more` stubs, messages (t4) and other kinds map to None.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.units import json_units, loads, sample_json
from hubbub.connectors.importers.values import dig, strip_prefix, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time
from hubbub.text.extract import extract_urls

NAME = "reddit"
PLATFORM = "reddit"
_GONE = frozenset({"[deleted]", "[removed]"})


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    if data is None:
        return b'"kind"' in sample and b'"Listing"' in sample
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict):
        return False
    page = first.get("data")
    if isinstance(page, list) and page and isinstance(page[0], dict):  # Pushshift API page
        return "subreddit" in page[0] and "created_utc" in page[0]
    return first.get("kind") == "Listing"


def parse(unit: bytes) -> list[dict[str, Any]]:
    doc = loads(unit)
    listings = doc if isinstance(doc, list) else [doc]
    items: list[dict[str, Any]] = []
    for listing in listings:
        if not isinstance(listing, dict):
            raise InvalidPost("a Reddit listing must be a JSON object")
        if listing.get("kind") == "Listing":
            _flatten(listing, items)
        elif isinstance(listing.get("data"), list):  # a Pushshift API page
            items.extend(x for x in listing["data"] if isinstance(x, dict))
        elif listing.get("kind") in ("t1", "t3"):
            _flatten({"data": {"children": [listing]}}, items)
        else:
            raise InvalidPost("not a Reddit listing (no kind: Listing)")
    return items


def _flatten(listing: dict[str, Any], out: list[dict[str, Any]]) -> None:
    for child in dig(listing, "data", "children") or []:
        if not isinstance(child, dict):
            continue
        data = child.get("data")
        replies = data.get("replies") if isinstance(data, dict) else None
        if isinstance(data, dict) and isinstance(replies, dict):
            data = {k: v for k, v in data.items() if k != "replies"}
            out.append({"kind": child.get("kind"), "data": data})
            _flatten(replies, out)
        else:
            out.append(child)


def map_item(item: dict[str, Any]) -> Post | None:
    """A `{"kind", "data"}` listing child or a flat Pushshift object → Post (None if no post)."""
    if "kind" in item and isinstance(item.get("data"), dict):
        kind = item["kind"]
        if kind not in ("t1", "t3"):
            return None  # "more" stubs, messages, subreddits, users
        return map_thing(item["data"], is_comment=kind == "t1", source=f"import:{NAME}")
    return map_thing(item, is_comment=looks_like_comment(item), source=f"import:{NAME}")


def looks_like_comment(data: dict[str, Any]) -> bool:
    """For flat (Pushshift) objects, which carry no kind: comments have a body and no title."""
    name = str(data.get("name") or "")
    return name.startswith("t1_") or ("body" in data and "title" not in data)


def map_thing(data: dict[str, Any], *, is_comment: bool, source: str) -> Post:
    thing_id = strip_prefix(data.get("id") or data.get("name"), "t1_", "t3_")
    if thing_id is None:
        raise InvalidPost("Reddit item has no id")
    subreddit = to_str(data.get("subreddit"))
    permalink = to_str(data.get("permalink"))
    link_id = strip_prefix(data.get("link_id"), "t3_")
    if permalink:
        url = f"https://www.reddit.com{permalink}"
    elif is_comment and subreddit and link_id:
        url = f"https://www.reddit.com/r/{subreddit}/comments/{link_id}/_/{thing_id}/"
    elif subreddit and not is_comment:
        url = f"https://www.reddit.com/r/{subreddit}/comments/{thing_id}/"
    else:
        url = None
    created = data.get("created_utc")
    if isinstance(created, str) and created.replace(".", "", 1).isdigit():
        created = float(created)  # old Pushshift dumps store it as text
    retrieved = data.get("retrieved_on") or data.get("retrieved_utc")
    if is_comment:
        text = _content(data.get("body"))
        title = None
        parent = strip_prefix(data.get("parent_id"), "t1_", "t3_")
        metrics = Metrics(likes=to_int(data.get("score"), "score"))
    else:
        title = to_str(data.get("title"))
        body = _content(data.get("selftext"))
        text = "\n\n".join(part for part in (title, body) if part)
        parent = None
        metrics = Metrics(
            likes=to_int(data.get("score"), "score"),
            replies=to_int(data.get("num_comments"), "num_comments"),
        )
    link = to_str(data.get("url")) if not is_comment and not data.get("is_self") else None
    return Post(
        platform=PLATFORM,
        platform_id=thing_id,
        created_at=parse_time(created),
        text=text,
        kind="comment" if is_comment else "post",
        url=url,
        collected_at=parse_time(retrieved) if isinstance(retrieved, int | float) else None,
        author=_author(data),
        title=title,
        metrics=metrics,
        parent_id=parent,
        root_id=link_id if is_comment else None,
        urls=list(dict.fromkeys([link, *extract_urls(text)])) if link else None,
        media=_media(data),
        source=source,
    )


def _content(value: Any) -> str:
    # "[deleted]" and "[removed]" are moderation notices, not what the author wrote.
    text = str(value or "")
    return "" if text.strip() in _GONE else text


def _author(data: dict[str, Any]) -> Author:
    name = to_str(data.get("author"))
    if name is None or name in _GONE:
        return Author()
    return Author(
        id=strip_prefix(data.get("author_fullname"), "t2_"),
        handle=name,
        name=name,
        url=f"https://www.reddit.com/user/{name}",
    )


def _media(data: dict[str, Any]) -> list[Media]:
    video = dig(data, "media", "reddit_video", "fallback_url") or dig(
        data, "secure_media", "reddit_video", "fallback_url"
    )
    if video:
        return [Media("video", str(video))]
    if data.get("post_hint") == "image" and data.get("url"):
        return [Media("image", str(data["url"]))]
    return []


FORMAT = ImportFormat(
    name=NAME,
    description="Reddit JSON listings (subreddit, user, comment pages) and Pushshift pages",
    sniff=sniff,
    units=json_units,
    parse=parse,
    map=map_item,
    platform=PLATFORM,
)
