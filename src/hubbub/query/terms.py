"""What a written term means: words, wildcards, CJK runs, hashtags, mentions, emoji.

A term is normalized exactly as the store normalizes posts (hubbub.text): `fold` for the token
match, `norm` to remember which words were written with accents. A term that the tokenizer
would split (``t-shirt``, ``McDonald's``, ``华为mate``) becomes a phrase of its parts, so it
matches the same way the post's text was cut.
"""

from __future__ import annotations

import re

import emoji

from hubbub.query.ast import (
    And,
    Cjk,
    Emoji,
    Guards,
    Hashtag,
    Mention,
    Node,
    Phrase,
    Unit,
    Wildcard,
    Word,
)
from hubbub.query.diagnostics import error
from hubbub.text.normalize import CJK_CLASS, fold, fold_term, norm

# The store's tokenizer splits on the same boundaries (hubbub.text.tokenize); CJK runs are kept
# whole here because a CJK term matches as a substring, not as a segment.
_PIECE = re.compile(f"[{CJK_CLASS}]+|(?:(?![{CJK_CLASS}])\\w)+")
_CJK = re.compile(f"[{CJK_CLASS}]")
_LATIN_WORD = re.compile(f"^(?:(?![{CJK_CLASS}])\\w)+$")
WILDCARDS = "*?"


def make_term(raw: str, start: int, *, in_phrase: bool = False, case: bool = False) -> Node:
    """The node for one written term `raw` found at `start` in the query."""
    end = start + len(raw)
    if not in_phrase and not case and len(raw) > 1 and raw[0] in "#@":
        return _tag_or_mention(raw, start)
    if any(c in raw for c in WILDCARDS):
        if case:
            raise error(
                "wildcard",
                "wildcards cannot be case-sensitive",
                start,
                len(raw),
                hint="remove the braces or the wildcard",
            )
        return make_wildcard(raw, start)
    units = units_of(raw, start, in_phrase=in_phrase)
    if not units:
        if not in_phrase and emoji.purely_emoji(raw):
            found = [Emoji(start, end, e["emoji"]) for e in emoji.emoji_list(raw)]
            if len(found) == 1:
                return found[0]
            return And(start, end, tuple(found))
        raise error(
            "empty-term",
            f"{raw!r} has no letters or digits to match",
            start,
            len(raw),
            hint="punctuation is ignored in matching; use links:/url:/site: for web addresses",
        )
    return units_to_node(units, start, end, exact=raw.strip() if case else None)


def units_of(raw: str, start: int, *, in_phrase: bool = False) -> list[Unit]:
    """The matching units of a written word (no wildcards), in order."""
    folded = fold(raw)
    pieces = [m.group() for m in _PIECE.finditer(folded)]
    normed = [m.group() for m in _PIECE.finditer(norm(raw))]
    aligned = len(normed) == len(pieces)
    units: list[Unit] = []
    end = start + len(raw)
    for k, piece in enumerate(pieces):
        if _CJK.match(piece):
            units.append(Cjk(start, end, piece))
        else:
            accented = aligned and normed[k] != piece
            guards = Guards(accented=(normed[k],)) if accented else Guards()
            units.append(Word(start, end, piece, guards))
    return units


def units_to_node(units: list[Unit], start: int, end: int, exact: str | None = None) -> Node:
    """One unit stays a unit; several become a phrase. Adjacent CJK runs join (no spaces in CJK)."""
    merged: list[Unit] = []
    for unit in units:
        if merged and isinstance(unit, Cjk) and isinstance(merged[-1], Cjk):
            merged[-1] = Cjk(merged[-1].start, unit.end, merged[-1].text + unit.text)
        else:
            merged.append(unit)
    if len(merged) == 1:
        only = merged[0]
        if isinstance(only, Word):
            return Word(start, end, only.text, Guards(only.guards.accented, exact))
        if isinstance(only, Cjk):
            return Cjk(start, end, only.text)  # CJK has no case: {braces} change nothing
        return only
    # Accent guards stay on their word; {braces} apply to the phrase as a whole.
    return Phrase(start, end, tuple(merged), Guards((), exact))


def make_wildcard(raw: str, start: int) -> Wildcard:
    if raw[0] in WILDCARDS:
        raise error(
            "wildcard",
            "a wildcard cannot start a word",
            start,
            hint="put at least 2 letters before it: appl* matches apple, apples",
        )
    if _CJK.search(fold(raw)):
        # Before the length rule: 耐* is refused because CJK needs no wildcard, not for its length.
        raise error(
            "wildcard",
            "wildcards apply to Latin-script words",
            start,
            len(raw),
            hint="a CJK term already matches inside longer words: 耐克 finds 耐克鞋",
        )
    if raw.endswith("*") and len(raw.rstrip("*")) < 2:
        raise error(
            "wildcard",
            f"{raw!r} would match too many words",
            start,
            len(raw),
            hint="a trailing * needs at least 2 characters before it",
        )
    folded = fold(raw)
    literal = [chunk for chunk in re.split(r"[*?]", folded) if chunk]
    for chunk in literal:
        if _CJK.search(chunk):
            raise error(
                "wildcard",
                "wildcards apply to Latin-script words",
                start,
                len(raw),
                hint="a CJK term already matches inside longer words: 耐克 finds 耐克鞋",
            )
        if not _LATIN_WORD.match(chunk):
            raise error(
                "wildcard",
                f"{raw!r} mixes a wildcard with punctuation",
                start,
                len(raw),
                hint='a wildcard works inside one word: write t-shirt* as "t shirt*"',
            )
    return Wildcard(
        start, start + len(raw), folded, wildcard_regex(folded), folded.split("*")[0].split("?")[0]
    )


def wildcard_regex(folded: str) -> str:
    """An anchored regular expression that reads the same in Python's re and ClickHouse's RE2."""
    parts = []
    for char in folded:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return "^" + "".join(parts) + "$"


def _tag_or_mention(raw: str, start: int) -> Node:
    end = start + len(raw)
    body = raw[1:].lstrip("#@")
    if not body:
        raise error("empty-term", f"{raw!r} has nothing after {raw[0]}", start, hint="write #tag")
    if raw[0] == "@":
        if any(c in body for c in WILDCARDS):
            raise error(
                "wildcard", "wildcards are not supported in @mentions", start, len(raw), hint=""
            )
        return Mention(start, end, fold_term(body))
    if any(c in body for c in WILDCARDS):
        folded = fold_term(body)
        return Hashtag(start, end, folded, wildcard_regex(folded))
    return Hashtag(start, end, fold_term(body))


def make_topic(topic: str, start: int, end: int) -> Hashtag:
    """Weibo's #话题#: stored like any hashtag, folded, without the hashes."""
    return Hashtag(start, end, fold_term(topic.strip()))
