"""RSS and Atom feeds: one conditional GET per run, parsed by feedparser.

feedparser (a dependency) reads RSS 0.9x, 1.0 (RDF) and 2.0 and Atom, with their namespaces
(`content:encoded`, `dc:creator`, `media:*`), and works out the character encoding from the
HTTP `Content-Type`, the XML declaration, a byte-order mark, or, when none is given (Latin-1
feeds without a declaration exist), by trying UTF-8 and then Windows-1252. It also tolerates
the malformed XML real feeds are full of, which a strict XML parser rejects.

Cursor: the feed's `ETag` and `Last-Modified`, sent back as `If-None-Match` and
`If-Modified-Since`; a 304 answer costs the server nothing and collects nothing. Entries are
deduplicated by the store, so re-reading a feed that ignores conditional requests is harmless.
No credentials; we pace at one request per 2 s per source, and honour Retry-After.

With `full_text=true`, summary-only entries get the main text of their linked page
(`rss.article`), fetched through the same HTTP client, one host at a time at `article_delay`
(1 s); the article URLs tried are remembered in the cursor so a re-read feed costs no pages.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import feedparser

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.cursors import iso
from hubbub.connectors.html_text import html_to_text
from hubbub.connectors.http import HttpClient
from hubbub.connectors.rss.article import extract_article, page_text
from hubbub.connectors.rss.mapping import entry_body, map_entry
from hubbub.errors import ConfigError, SourceError, SourceTerminal
from hubbub.models import Post

ARTICLE_DELAY = 1.0  # seconds between two article pages from one host (`article_delay`)
SHORT_BODY = 500  # characters: an entry body shorter than this is a teaser (`full_text`)
REMEMBERED = 1000  # article URLs kept in the cursor
_TIMES = ("published", "updated")
_ENTRY_TEXT = ("id", "link", "title", "author", "summary", "published", "updated", "language")


class RssConnector(Connector):
    type = "rss"
    platform = "news"
    archive_name = "rss_entry"
    default_base_url = ""
    min_interval = 2.0

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_entry(raw)

    def check_config(self) -> None:
        url = self.config.url or ""
        if urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"{self.config.name}: an rss source needs --url http(s)://...")
        self.bool_option("full_text", False)
        self.seconds_option("article_delay", ARTICLE_DELAY)

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        url = self.config.url or ""
        parts = urlsplit(url)
        http = self.client(f"{parts.scheme}://{parts.netloc}")
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
        if since is None:  # a backfill re-reads the feed whatever its validators say
            if cursor.get("etag"):
                headers["If-None-Match"] = cursor["etag"]
            if cursor.get("last_modified"):
                headers["If-Modified-Since"] = cursor["last_modified"]
        response = http.request("GET", url, headers=headers)
        if response.status_code == 304:
            yield Page([], dict(cursor))
            return
        parsed = feedparser.parse(
            response.content,
            response_headers={
                "content-location": url,  # the base for relative links
                **{k.lower(): v for k, v in response.headers.items()},
            },
            sanitize_html=False,  # we only ever extract text; links and markup are read as data
            resolve_relative_uris=True,
        )
        entries = parsed.get("entries") or []
        if not entries and not parsed.get("version"):  # feedparser names the format it read
            raise SourceTerminal(
                f"{self.config.name}: {url} is not an RSS or Atom feed "
                f"({parsed.get('bozo_exception')}); check --url"
            )
        fetched_at = iso(datetime.fromtimestamp(self._clock(), UTC))
        feed = {
            "url": url,
            "title": parsed.feed.get("title"),
            "link": parsed.feed.get("link"),
            "language": parsed.feed.get("language"),
            "platform": self.option("platform", "news"),
        }
        items = []
        for entry in entries:
            fields = _entry(entry)
            if since is not None and _older(fields, since):
                continue
            items.append({"feed": feed, "entry": fields, "fetched_at": fetched_at})
        validators = {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
        next_cursor: dict[str, Any] = {k: v for k, v in validators.items() if v}
        if self.bool_option("full_text", False):
            seen = [u for u in cursor.get("articles") or [] if isinstance(u, str)]
            fetched = self._add_articles(items, set(seen))
            # Remember recent article URLs, so a feed re-read does not fetch its pages again.
            next_cursor["articles"] = list(dict.fromkeys([*fetched, *seen]))[:REMEMBERED]
        yield Page(items, next_cursor)

    def _add_articles(self, items: list[dict[str, Any]], seen: set[str]) -> list[str]:
        """Fetch the linked page of each summary-only entry and add its main text as
        `article`; a page that cannot be fetched or read leaves the entry as the feed gave it.
        Returns the URLs tried. One client per host, each paced by `article_delay`."""
        clients: dict[str, HttpClient] = {}
        tried: list[str] = []
        for item in items:
            url = _article_url(item["entry"])
            if url is None or url in seen or not _summary_only(item["entry"]):
                continue
            tried.append(url)
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in clients:
                clients[origin] = self.client(
                    origin, min_interval=self.seconds_option("article_delay", ARTICLE_DELAY)
                )
            try:
                response = clients[origin].request("GET", url, headers={"Accept": "text/html"})
            except SourceError:
                continue  # the summary stays; the page is not fetched again next run
            if "html" not in response.headers.get("content-type", "text/html"):
                continue
            text = extract_article(page_text(response.content, response.charset_encoding))
            if text:
                item["article"] = {"url": str(response.url), "text": text}
        return tried


def _article_url(entry: dict[str, Any]) -> str | None:
    link = entry.get("link")
    return link if isinstance(link, str) and link.startswith(("http://", "https://")) else None


def _summary_only(entry: dict[str, Any]) -> bool:
    """No full content in the feed: only a summary, or a body too short to be the article."""
    return len(html_to_text(entry_body(entry))[0]) < SHORT_BODY


def _entry(entry: Any) -> dict[str, Any]:
    """feedparser's entry as plain JSON: text fields, content parts, UTC times, enclosures."""
    # Times through dict.get, not FeedParserDict.get: the latter fills a missing `updated` from
    # `published` (with a deprecation warning), which would blur what the feed really said.
    # Everything else through FeedParserDict, which derives keys such as `enclosures`.
    raw = partial(dict.get, entry)
    get = entry.get
    out: dict[str, Any] = {k: get(k) for k in _ENTRY_TEXT if k not in _TIMES and get(k)}
    out.update({k: raw(k) for k in _TIMES if raw(k)})
    detail = get("author_detail") or {}
    if detail.get("href"):
        out["author_url"] = detail["href"]
    content = [
        {"type": c.get("type"), "value": c.get("value"), "language": c.get("language")}
        for c in get("content") or []
        if c.get("value")
    ]
    if content:
        out["content"] = content
    for key in ("published", "updated"):
        parsed = raw(f"{key}_parsed")
        if parsed:  # feedparser gives a UTC struct_time
            out[f"{key}_utc"] = iso(datetime.fromtimestamp(calendar.timegm(parsed), UTC))
    tags = [t.get("term") for t in get("tags") or [] if t.get("term")]
    if tags:
        out["tags"] = tags
    enclosures = [{"href": e.get("href"), "type": e.get("type")} for e in get("enclosures") or []]
    media = [
        {"href": m.get("url"), "type": m.get("type") or f"{m.get('medium') or 'image'}/"}
        for m in [*(get("media_content") or []), *(get("media_thumbnail") or [])]
    ]
    if enclosures:
        out["enclosures"] = enclosures
    if media:
        out["media"] = media
    return out


def _older(entry: dict[str, Any], since: datetime) -> bool:
    when = entry.get("published_utc") or entry.get("updated_utc")
    return isinstance(when, str) and datetime.fromisoformat(when.replace("Z", "+00:00")) < since
