"""HTML fragments (Mastodon statuses, Hacker News comments, feed summaries) → plain text + links.

Posts are searched and enriched as text, so markup goes, with the breaks it implied: a
paragraph or list item becomes a blank line or a line, `<br>` a line break. Entities are
decoded. All text inside a link is kept, including what Mastodon hides with `class="invisible"`
to shorten long URLs on screen, so the full URL stays searchable. Link targets are returned
separately; links whose class marks them as a mention or hashtag are not "links" in Post.urls.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {"p", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
)
_LINES = frozenset({"br", "li", "tr", "hr"})
_SKIP = frozenset({"script", "style", "template"})
_NOT_LINKS = ("mention", "hashtag", "u-url")  # Mastodon's classes on @user and #tag anchors
_SPACES = re.compile(r"[ \t\r\f\v\n]+")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&[#a-zA-Z0-9]+;")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
            self._pre += tag == "pre"
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")  # custom emoji and inline images: keep their alt text
            if alt:
                self.parts.append(alt)
        elif tag == "a":
            attributes = dict(attrs)
            href = attributes.get("href") or ""
            classes = attributes.get("class") or ""
            if href.startswith(("http://", "https://")) and not any(
                c in classes.split() for c in _NOT_LINKS
            ):
                self.links.append(href)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data if self._pre else _SPACES.sub(" ", data))


def html_to_text(html: str) -> tuple[str, list[str]]:
    """(plain text, link targets in order, deduplicated) of an HTML fragment."""
    if not html:
        return "", []
    if not _LOOKS_LIKE_HTML.search(html):
        return html.strip(), []
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    # Tidy the breaks the markup implied: no spaces around them, at most one blank line.
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, list(dict.fromkeys(parser.links))
