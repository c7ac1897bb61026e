"""One Algolia HN Search hit → Post.

A hit (https://hn.algolia.com/api) carries `objectID` (the HN item id), `created_at` (ISO) and
`created_at_i` (epoch seconds), `author`, `_tags` (`story`, `comment`, `poll`, `pollopt`,
`job`, `ask_hn`, `show_hn`, `author_<name>`, `story_<id>`), and by type: `title`, `url`,
`story_text` (HTML), `points`, `num_comments` for stories; `comment_text` (HTML), `parent_id`,
`story_id`, `story_title` for comments. Algolia sends null for counts it does not have
(`points` of a comment): they stay None.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.html_text import html_to_text
from hubbub.connectors.importers.values import to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Metrics, Post, parse_time

PLATFORM = "hackernews"
SOURCE = "connector:hackernews"
ITEM_URL = "https://news.ycombinator.com/item?id={}"


def map_hit(hit: dict[str, Any]) -> Post | None:
    if not isinstance(hit, dict):
        raise InvalidPost("an Algolia hit must be a JSON object")
    item_id = to_str(hit.get("objectID"))
    if item_id is None or not item_id.isdigit():
        raise InvalidPost("Hacker News hit has no numeric objectID")
    tags: list[Any] = v if isinstance(v := hit.get("_tags"), list) else []
    created = hit.get("created_at_i")
    created_at = parse_time(created if created is not None else hit.get("created_at"))
    author = to_str(hit.get("author"))
    is_comment = "comment" in tags or (hit.get("comment_text") is not None and not hit.get("title"))
    links: list[str] = []
    if is_comment:
        text, links = html_to_text(hit.get("comment_text") or "")
        title = None
        kind = "comment"
        parent_id = to_str(hit.get("parent_id"))
        root_id = to_str(hit.get("story_id"))
        metrics = Metrics(likes=to_int(hit.get("points"), "points"))
    else:
        title = to_str(hit.get("title"))
        body, links = html_to_text(hit.get("story_text") or "")
        # Like Reddit submissions: the title is part of what people said.
        text = "\n\n".join(part for part in (title, body) if part)
        kind = "post"
        parent_id = root_id = None
        metrics = Metrics(
            likes=to_int(hit.get("points"), "points"),
            replies=to_int(hit.get("num_comments"), "num_comments"),
        )
    link = to_str(hit.get("url"))
    if link and link not in links:
        links.insert(0, link)
    return Post(
        platform=PLATFORM,
        platform_id=item_id,
        created_at=created_at,
        text=text,
        kind=kind,
        url=ITEM_URL.format(item_id),
        author=Author(
            id=author,
            handle=author,
            url=f"https://news.ycombinator.com/user?id={author}" if author else None,
        ),
        title=title,
        metrics=metrics,
        parent_id=parent_id,
        root_id=root_id,
        urls=links or None,
        source=SOURCE,
    )
