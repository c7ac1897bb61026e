"""Extraction of hashtags, @mentions, URLs and emoji from the original text.

Handles Twitter/Instagram-style ``#tag``, Weibo's ``#话题#`` (a topic between two hashes, which
may contain spaces-free CJK and Latin text), ``@user``, Mastodon's ``@user@instance``, Weibo's
``@用户名`` and its repost chains ``//@用户名:``. Written here rather than taken from
tweet-preprocessor, which deletes Chinese text and breaks ``#话题#``.
"""

from __future__ import annotations

import re

import emoji

from hubbub.text.normalize import CJK_CLASS
from hubbub.text.tokenize import URL_PATTERN

_URL = re.compile(URL_PATTERN)
_TRAILING_PUNCT = ".,;:!?…'\""
# Weibo topic: #...# with at least one CJK character inside and no line break or hash.
_WEIBO_TOPIC = re.compile(f"#([^#\\n]{{0,60}}?[{CJK_CLASS}][^#\\n]{{0,60}}?)#")
_HASHTAG = re.compile(r"(?<![\w&/])[#＃](\w[\w\-]*)")
_MENTION = re.compile(r"(?<![\w.@])@(\w[\w\-.]*\w|\w)(?:@([\w\-]+(?:\.[\w\-]+)+))?")
_CJK = re.compile(f"[{CJK_CLASS}]")


def extract_urls(text: str) -> list[str]:
    if "http" not in text:
        return []
    return _dedupe(m.group().rstrip(_TRAILING_PUNCT) for m in _URL.finditer(text))


def extract_hashtags(text: str) -> list[str]:
    """Hashtags without their leading ``#``, in order of appearance, first spelling kept."""
    if "#" not in text and "＃" not in text:
        return []
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for m in _WEIBO_TOPIC.finditer(text):
        topic = m.group(1).strip()
        if topic and not topic.startswith(" "):
            found.append((m.start(), topic))
            spans.append(m.span())
    for m in _HASHTAG.finditer(text):
        if any(start <= m.start() < end for start, end in spans):
            continue
        tag = m.group(1)
        if tag.isdigit():
            continue  # "#1" is a rank, not a hashtag, on every platform we read
        found.append((m.start(), tag))
    found.sort()
    return _dedupe(tag for _, tag in found)


def extract_mentions(text: str) -> list[str]:
    """Mentioned handles without ``@`` (``user@instance`` for Mastodon), in order, deduplicated."""
    if "@" not in text:
        return []
    text = _URL.sub(" ", text)
    out = []
    for m in _MENTION.finditer(text):
        handle = m.group(1).rstrip(".")
        if m.group(2):
            handle = f"{handle}@{m.group(2)}"
        out.append(handle)
    return _dedupe(out)


def extract_emojis(text: str) -> list[str]:
    if text.isascii():
        return []
    return [item["emoji"] for item in emoji.emoji_list(text)]


def _dedupe(items) -> list[str]:  # type: ignore[no-untyped-def]
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)
