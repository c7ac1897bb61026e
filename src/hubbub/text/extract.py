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
_EMOJI_TABLE = frozenset(emoji.EMOJI_DATA)
_EMOJI_MAX_LEN = max(map(len, _EMOJI_TABLE))
# Every non-ASCII code point that occurs in an emoji sequence; ASCII ones (#, *, 0-9) only
# count as the base of a keycap.


def _char_class(chars: set[str]) -> str:
    """A regex class body of ranges (a class listing each character is many times slower)."""
    codes = sorted(map(ord, chars))
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# Astral emoji all sit in U+1F000-U+1FAFF (plus tag characters for subdivision flags): one
# range there instead of dozens keeps the scan of CJK text cheap; the table lookup in
# `_split_emoji_run` drops any non-emoji character a wide range lets through.
_EMOJI_CHARS = (
    _char_class({c for e in _EMOJI_TABLE for c in e if not c.isascii() and ord(c) <= 0xFFFF})
    + "\U0001f000-\U0001faff\U000e0020-\U000e007f"
)
_EMOJI_RUN = re.compile(f"(?:[#*0-9]\ufe0f?\u20e3|[{_EMOJI_CHARS}])+")


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
    """Every emoji in order (skin tones, ZWJ sequences, flags and keycaps kept whole)."""
    if text.isascii():
        return []
    found: list[str] = []
    for match in _EMOJI_RUN.finditer(text):
        run = match.group()
        if run in _EMOJI_TABLE:  # most runs are one emoji: what the greedy split would find
            found.append(run)
        else:
            found.extend(_split_emoji_run(run))
    return found


def _split_emoji_run(run: str) -> list[str]:
    # Greedy longest match against the emoji package's table: the same sequences
    # emoji.emoji_list finds, at a fraction of the cost of its per-character tokenizer.
    out = []
    i = 0
    while i < len(run):
        for length in range(min(_EMOJI_MAX_LEN, len(run) - i), 0, -1):
            candidate = run[i : i + length]
            if candidate in _EMOJI_TABLE:
                out.append(candidate)
                i += length
                break
        else:
            i += 1  # a joiner or selector on its own
    return out


def _dedupe(items) -> list[str]:  # type: ignore[no-untyped-def]
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)
