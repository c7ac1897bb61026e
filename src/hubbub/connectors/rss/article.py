"""The main text of an article page, for feeds that carry a summary only (`full_text=true`).

A readability-style heuristic on the standard library's `html.parser`, no extra dependency:

1. Boilerplate subtrees are skipped whole: scripts, styles, navigation, page headers and
   footers, asides, forms, figures.
2. Text blocks (`p`, headings, list items, quotes, `pre`) are collected with the chain of
   containers (`article`, `main`, `section`, `div`, `td`, `body`) they sit in.
3. The body is the subtree of the `article` (or else `main`) element holding the most block
   text, when the page has one; otherwise the "densest" container: each block scores its
   length for its nearest container and half of it for the container above (paragraphs of
   one story are siblings, so their parent wins over the page's outer wrappers).

Pages are messy: `<p>` is often left open, so a new block closes the one before it, and an end
tag closes whatever was opened after its start tag.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser

_SKIP = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "nav", "header", "footer",
        "aside", "form", "button", "select", "iframe", "figure",
    }
)  # fmt: skip
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"})
_CONTAINERS = frozenset({"article", "main", "section", "div", "td", "body"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SPACES = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
MIN_CHARS = 200  # less than this is a teaser or an error page, not an article


@dataclass
class _Block:
    text: str
    containers: tuple[int, ...]  # ids of the enclosing containers, outermost first


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int | None]] = []  # (tag, container id or None)
        self.container_tags: list[str] = []  # container id → tag
        self.blocks: list[_Block] = []
        self._skip_depth = 0  # >0 inside a skipped subtree
        self._text: list[str] | None = None  # the open block's text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br" and self._text is not None:
                self._text.append(" ")
            return
        if tag in _BLOCKS and self._text is not None and tag != "li":
            self._close_block()
        container = None
        if tag in _CONTAINERS:
            container = len(self.container_tags)
            self.container_tags.append(tag)
        self.stack.append((tag, container))
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCKS and self._text is None and not self._skip_depth:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag in _SKIP:
                self._skip_depth = max(0, self._skip_depth - 1)
            if open_tag in _BLOCKS or open_tag in _CONTAINERS:
                self._close_block()
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._skip_depth:
            self._text.append(data)

    def _close_block(self) -> None:
        if self._text is None:
            return
        text = _SPACES.sub(" ", "".join(self._text)).strip()
        self._text = None
        if text:
            chain = tuple(c for _, c in self.stack if c is not None)
            self.blocks.append(_Block(text, chain))

    def close(self) -> None:
        super().close()
        self._close_block()


def page_text(content: bytes, declared: str | None) -> str:
    """A page's bytes as text: the charset the server declared, else the page's own
    `<meta charset>`, else UTF-8; undecodable bytes become U+FFFD rather than an error."""
    found = _META_CHARSET.search(content[:4096])
    for encoding in (declared, found.group(1).decode("ascii") if found else None, "utf-8"):
        if encoding:
            try:
                return content.decode(encoding, errors="replace")
            except LookupError:
                continue  # a charset Python does not know
    return content.decode("utf-8", errors="replace")


def extract_article(html: str) -> str:
    """The page's main text, blocks separated by blank lines; "" when none is found."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    blocks, tags = parser.blocks, parser.container_tags
    if not blocks:
        return ""
    chosen = _best_marked(blocks, tags, "article") or _best_marked(blocks, tags, "main")
    if chosen is None:
        chosen = _densest(blocks)
    text = "\n\n".join(b.text for b in blocks if chosen is None or chosen in b.containers)
    return text if len(text) >= MIN_CHARS else ""


def _subtree_lengths(blocks: list[_Block]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for block in blocks:
        for container in block.containers:
            totals[container] += len(block.text)
    return totals


def _best_marked(blocks: list[_Block], tags: list[str], tag: str) -> int | None:
    totals = _subtree_lengths(blocks)
    marked = [(total, c) for c, total in totals.items() if tags[c] == tag]
    return max(marked)[1] if marked else None


def _densest(blocks: list[_Block]) -> int | None:
    scores: dict[int, float] = defaultdict(float)
    for block in blocks:
        if block.containers:
            scores[block.containers[-1]] += len(block.text)
        if len(block.containers) > 1:
            scores[block.containers[-2]] += len(block.text) / 2
    if not scores:
        return None
    # Ties go to the outer container (lower id), which holds the other's text too.
    return max(scores, key=lambda c: (scores[c], -c))
