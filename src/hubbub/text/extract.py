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
# Matched with a lookahead so candidates may overlap ("#tag text #话题#" still finds 话题), and
# kept only when they contain CJK; linear time, unlike a lazy pattern that backtracks per "#".
_WEIBO_TOPIC = re.compile("#(?=([^#\\n]{1,64})#)")
# The look-behinds sit after the leading literal so the regex engine can skip ahead to each
# "#" or "@" instead of testing every position (3-4x faster on typical posts).
# Only an ASCII word character before the sign disqualifies it ("a.com/x#frag", "a@b.com"):
# Chinese text runs straight into tags and mentions ("谢谢@老王", "好用#极光").
_HASHTAG = re.compile(r"[#＃](?<![A-Za-z0-9_&/][#＃])(\w[\w\-]*)")
_MENTION = re.compile(r"@(?<![A-Za-z0-9_.@]@)(\w[\w\-.]*\w|\w)(?:@([\w\-]+(?:\.[\w\-]+)+))?")
_CJK = re.compile(f"[{CJK_CLASS}]")
_EMOJI_HINT = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf"
    "\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]"
)


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
    if _CJK.search(text):
        for m in _WEIBO_TOPIC.finditer(text):
            topic = m.group(1)
            # A topic has CJK, no edge spaces, and no "/" (that is a URL's "#fragment").
            if topic.strip() != topic or "/" in topic or not _CJK.search(topic):
                continue
            if any(start <= m.start() < end for start, end in spans):
                continue
            found.append((m.start(), topic))
            spans.append((m.start(), m.start() + len(topic) + 2))
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
    # emoji.emoji_list is slow (a Python tokenizer per character): only call it when a
    # character from the emoji blocks is present, which most posts, and Chinese text, lack.
    if text.isascii() or not _EMOJI_HINT.search(text):
        return []
    return [item["emoji"] for item in emoji.emoji_list(text)]


def _dedupe(items) -> list[str]:  # type: ignore[no-untyped-def]
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)
