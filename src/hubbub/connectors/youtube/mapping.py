"""YouTube Data API v3 resources → Posts, dispatched on the resource's `kind`.

- `youtube#searchResult` (search.list) → kind `video`: the title and the description (search
  returns the first ~160 characters of it), the channel as author. No counts: search.list
  has none, and they stay unknown rather than 0.
- `youtube#commentThread` (commentThreads.list) → kind `comment`: its top-level comment,
  `parent_id` and `root_id` the video, replies counted from `totalReplyCount`.
- `youtube#comment` (a reply inside a thread's `replies.comments`, or comments.list) → kind
  `comment` with `parent_id` the thread and `root_id` the video.

`textOriginal` (what the author typed) is preferred to `textDisplay` (HTML); it is only given
to the comment's author or with `textFormat=plainText`, so HTML is stripped as a fallback.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.html_text import html_to_text
from hubbub.connectors.importers.values import dig, to_int, to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time
from hubbub.text.extract import extract_urls

PLATFORM = "youtube"
SOURCE = "connector:youtube"
WATCH = "https://www.youtube.com/watch?v={}"


def map_resource(item: dict[str, Any]) -> Post | None:
    if not isinstance(item, dict):
        raise InvalidPost("a YouTube resource must be a JSON object")
    kind = item.get("kind")
    if kind == "youtube#searchResult":
        return map_search_result(item)
    if kind == "youtube#commentThread":
        top = dig(item, "snippet", "topLevelComment")
        if not isinstance(top, dict):
            raise InvalidPost("YouTube comment thread has no topLevelComment")
        replies = to_int(dig(item, "snippet", "totalReplyCount"), "totalReplyCount")
        return map_comment(top, thread_id=None, replies=replies)
    if kind == "youtube#comment":
        return map_comment(item, thread_id=to_str(dig(item, "snippet", "parentId")), replies=None)
    raise InvalidPost(f"YouTube resource kind {kind!r} is not a search result or comment")


def map_search_result(item: dict[str, Any]) -> Post | None:
    if dig(item, "id", "kind") != "youtube#video":
        return None  # channels and playlists are not posts
    video_id = to_str(dig(item, "id", "videoId"))
    snippet = item.get("snippet")
    if video_id is None or not isinstance(snippet, dict):
        raise InvalidPost("YouTube search result has no videoId or snippet")
    title = to_str(snippet.get("title"))
    description = to_str(snippet.get("description"))
    text = "\n\n".join(p for p in (title, description) if p)
    channel = to_str(snippet.get("channelId"))
    thumbnail = dig(snippet, "thumbnails", "high", "url") or dig(
        snippet, "thumbnails", "default", "url"
    )
    return Post(
        platform=PLATFORM,
        platform_id=video_id,
        created_at=parse_time(snippet.get("publishedAt")),
        text=text,
        kind="video",
        url=WATCH.format(video_id),
        author=Author(
            id=channel,
            name=to_str(snippet.get("channelTitle")),
            url=f"https://www.youtube.com/channel/{channel}" if channel else None,
        ),
        title=title,
        urls=extract_urls(text) or None,
        media=[Media("video", WATCH.format(video_id))]
        + ([Media("image", str(thumbnail))] if thumbnail else []),
        source=SOURCE,
    )


def map_comment(comment: dict[str, Any], *, thread_id: str | None, replies: int | None) -> Post:
    comment_id = to_str(comment.get("id"))
    snippet = comment.get("snippet")
    if comment_id is None or not isinstance(snippet, dict):
        raise InvalidPost("YouTube comment has no id or snippet")
    video_id = to_str(snippet.get("videoId"))
    original = snippet.get("textOriginal")
    if isinstance(original, str):
        text, links = original, extract_urls(original)
    else:
        text, links = html_to_text(str(snippet.get("textDisplay") or ""))
    channel = to_str(dig(snippet, "authorChannelId", "value"))
    return Post(
        platform=PLATFORM,
        platform_id=comment_id,
        created_at=parse_time(snippet.get("publishedAt")),
        text=text,
        kind="comment",
        url=f"{WATCH.format(video_id)}&lc={comment_id}" if video_id else None,
        author=Author(
            id=channel,
            handle=to_str(snippet.get("authorDisplayName")),
            name=to_str(snippet.get("authorDisplayName")),
            url=to_str(snippet.get("authorChannelUrl")),
        ),
        metrics=Metrics(likes=to_int(snippet.get("likeCount"), "likeCount"), replies=replies),
        parent_id=thread_id or video_id,
        root_id=video_id,
        urls=links or None,
        source=SOURCE,
    )
