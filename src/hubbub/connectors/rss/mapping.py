"""One feed entry (RSS 0.9x/1.0/2.0 or Atom, as the connector stores it) → Post.

The raw item is `{"feed": {...}, "entry": {...}, "fetched_at": ISO}`: the entry as feedparser
normalised it (`id`, `link`, `title`, `author`, `summary`, `content`, `published`/`updated`
with `*_utc` ISO copies of its parsed times, `tags`, `enclosures`, `media`), the feed's `url`,
`title`, `link`, `language`, and the `platform` the source was configured with (`news` unless
set); with the source option `full_text=true`, also `article`: `{"url", "text"}`, the main text
of the linked page for entries whose feed body is a summary only, which then becomes the body.
Entries without any date get `fetched_at` (when Hubbub first saw them) as created_at: a true
observation rather than a made-up date, and the only alternative would be to drop them.

Identity: the entry's id (RSS `guid`, Atom `id`) when it is an absolute URI/URN, else its link,
else a digest of its feed URL and content, so re-reading the feed finds the same posts.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hubbub.connectors.html_text import html_to_text
from hubbub.connectors.importers.values import to_str
from hubbub.errors import InvalidPost
from hubbub.models import Author, Media, Post, parse_time

SOURCE = "connector:rss"
_MEDIA_PREFIX = {"image/": "image", "video/": "video", "audio/": "audio"}


def map_entry(raw: dict[str, Any]) -> Post | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("entry"), dict):
        raise InvalidPost("a feed item must be an object with an `entry`")
    feed: dict[str, Any] = v if isinstance(v := raw.get("feed"), dict) else {}
    entry = raw["entry"]
    title = _plain(to_str(entry.get("title")))
    body, links = html_to_text(entry_body(entry))
    article = raw.get("article")
    article_text = article.get("text") if isinstance(article, dict) else None
    if isinstance(article_text, str) and len(article_text) > len(body):
        # The linked page's main text (`full_text=true`), already plain, replaces a summary;
        # pages usually open with the headline, which the post already has as its title.
        body = article_text.strip()
        if title and body.startswith(title):
            body = body[len(title) :].lstrip()
    if body and title and body.startswith(title) and len(body) < len(title) + 3:
        body = ""  # feeds often repeat the title as the description
    text = "\n\n".join(p for p in (title, body) if p)
    link = to_str(entry.get("link"))
    if link and not link.startswith(("http://", "https://")):
        link = None  # feedparser copies a non-URL guid (tag:, urn:) into `link`
    if not (text or link):
        raise InvalidPost("feed entry has no title, text or link")
    when = entry.get("published_utc") or entry.get("updated_utc") or raw.get("fetched_at")
    author_name = _plain(to_str(entry.get("author")))
    return Post(
        platform=to_str(feed.get("platform")) or "news",
        platform_id=_identity(entry, feed, text),
        created_at=parse_time(when),
        text=text,
        kind="article",
        url=link,
        author=Author(name=author_name, url=to_str(entry.get("author_url"))),
        title=title,
        lang=_lang(entry.get("language") or feed.get("language")),
        urls=list(dict.fromkeys([u for u in (link, *links) if u])) or None,
        media=_media(entry),
        source=SOURCE,
    )


def entry_body(entry: dict[str, Any]) -> str:
    """The fullest text the entry has: `content` (Atom content, content:encoded), else summary."""
    best = ""
    for part in entry.get("content") or []:
        value = part.get("value") if isinstance(part, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    return best or to_str(entry.get("summary")) or ""


def _plain(text: str | None) -> str | None:
    return html_to_text(text)[0] or None if text else None


def _identity(entry: dict[str, Any], feed: dict[str, Any], text: str) -> str:
    entry_id = to_str(entry.get("id"))
    if entry_id and ":" in entry_id:  # http(s) URL, tag: or urn: URI
        return entry_id
    link = to_str(entry.get("link"))
    if link and link.startswith(("http://", "https://")):
        return link
    feed_url = to_str(feed.get("url")) or ""
    if entry_id:
        return f"{feed_url}#{entry_id}"
    digest = hashlib.sha1(f"{feed_url}\n{text}".encode(), usedforsecurity=False).hexdigest()
    return f"{feed_url}#sha1:{digest[:20]}"


def _lang(value: Any) -> str | None:
    text = to_str(value)
    return text.split("-")[0].lower() if text else None


def _media(entry: dict[str, Any]) -> list[Media]:
    media = []
    for item in [*(entry.get("enclosures") or []), *(entry.get("media") or [])]:
        if not isinstance(item, dict) or not to_str(item.get("href")):
            continue
        mime = str(item.get("type") or "")
        kind = next((k for p, k in _MEDIA_PREFIX.items() if mime.startswith(p)), "other")
        media.append(Media(kind, to_str(item.get("href"))))
    return media
