"""Query tree → Python predicate over one post's store row (`hubbub.store.rows.post_row`).

The predicate reads exactly the derived columns the SQL compiler reads (tokens, text_norm, ...),
with the same rules, so a post matches in the percolator iff it matches in the store; the
property test in tests/query/test_agreement.py holds the two equal. Positions are 1-based, as
in ClickHouse arrays.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Mapping
from typing import Any

from hubbub.query.ast import (
    And,
    Cjk,
    Emoji,
    Field,
    Guards,
    Hashtag,
    InTitle,
    Mention,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Range,
    Wildcard,
    Word,
)
from hubbub.query.parser import ParsedQuery, parse

Occurrences = list[tuple[int, int]]
Predicate = Callable[["Doc"], bool]
Locator = Callable[["Doc"], Occurrences]

# The scheme and "www." are not part of a site; the same pattern runs in SQL (compile_sql.py).
SITE_PREFIX = r"^[a-z][a-z0-9+.-]*://(www\.)?"
HOST = r"^[^/?#:]*"
_SITE_PREFIX = re.compile(SITE_PREFIX)
_HOST = re.compile(HOST)


class Doc:
    """One post's row, with the lookups matching needs computed once and on demand."""

    __slots__ = ("_grams", "_positions", "hashtags", "row", "text_norm", "token_set", "tokens")

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.row = row
        self.tokens: list[str] = row["tokens"]
        self.token_set = set(self.tokens)
        self.text_norm: str = row["text_norm"]
        self.hashtags = set(row.get("hashtags") or ())
        self._positions: dict[str, list[int]] | None = None
        self._grams: set[str] | None = None

    @property
    def grams(self) -> set[str]:
        if self._grams is None:
            self._grams = set(self.row.get("grams") or ())
        return self._grams

    def positions(self, token: str) -> list[int]:
        if self._positions is None:
            index: dict[str, list[int]] = {}
            for i, tok in enumerate(self.tokens, 1):
                index.setdefault(tok, []).append(i)
            self._positions = index
        return self._positions.get(token, [])

    def get(self, column: str) -> Any:
        return self.row.get(column)


def as_doc(post: Doc | Mapping[str, Any]) -> Doc:
    return post if isinstance(post, Doc) else Doc(post)


class Matcher:
    """`Matcher(query)(row)`: does this post's row match the query?"""

    def __init__(self, query: str | ParsedQuery | Node) -> None:
        if isinstance(query, str):
            query = parse(query)
        self.root = query.root if isinstance(query, ParsedQuery) else query
        self._predicate = predicate(self.root)

    def __call__(self, post: Doc | Mapping[str, Any]) -> bool:
        return self._predicate(as_doc(post))


def compile_matcher(query: str | ParsedQuery | Node) -> Matcher:
    return Matcher(query)


# ---- whether a post matches ---------------------------------------------------------------------
def predicate(node: Node) -> Predicate:
    if isinstance(node, Word):
        word = node.text
        guard = _guard(node.guards)
        if guard is None:
            return lambda d: word in d.token_set
        return lambda d: word in d.token_set and guard(d)
    if isinstance(node, Wildcard):
        rx = re.compile(node.regex).match
        return lambda d: any(rx(t) for t in d.token_set)
    if isinstance(node, Cjk):
        # The same test as the SQL: every bigram in `grams` (they leave out link text), plus
        # the contiguous substring for terms longer than one bigram. One character: inside a
        # gram (a character of a longer run is in one of its bigrams, a lone one is a gram).
        text = node.text
        bigrams = {text[i : i + 2] for i in range(len(text) - 1)}
        if not bigrams:
            return lambda d: any(text in g for g in d.grams)
        if len(text) == 2:
            return lambda d: text in d.grams
        return lambda d: bigrams <= d.grams and text in d.text_norm
    if isinstance(node, Phrase | Near):
        needed = required_words(node)
        if isinstance(node, Near) and len(node.operands) > 2:
            window = window_predicate(node)
            return lambda d: needed <= d.token_set and window(d)
        locate = locator(node)
        return lambda d: needed <= d.token_set and bool(locate(d))
    if isinstance(node, Hashtag):
        if node.regex is not None:
            hrx = re.compile(node.regex).match
            return lambda d: any(hrx(h) for h in d.hashtags)
        tag = node.tag
        return lambda d: tag in d.hashtags
    if isinstance(node, Mention):
        handle = node.handle
        return lambda d: handle in (d.get("mentions") or ())
    if isinstance(node, Emoji):
        char = node.emoji
        return lambda d: char in (d.get("emojis") or ())
    if isinstance(node, InTitle):
        locate = locator(node.child)
        return lambda d: any(e <= (d.get("title_token_count") or 0) for _, e in locate(d))
    if isinstance(node, Field):
        return _field(node)
    if isinstance(node, Range):
        return _range(node)
    if isinstance(node, And):
        parts = [predicate(c) for c in node.children]
        return lambda d: all(p(d) for p in parts)
    if isinstance(node, Or):
        parts = [predicate(c) for c in node.children]
        return lambda d: any(p(d) for p in parts)
    if isinstance(node, Not):
        inner = predicate(node.child)
        return lambda d: not inner(d)
    raise TypeError(f"no matcher for {type(node).__name__}")


def required_words(node: Node) -> frozenset[str]:
    """Plain words every match of a positional node must contain (a cheap first check)."""
    if isinstance(node, Word):
        return frozenset([node.text])
    if isinstance(node, Phrase):
        return frozenset(u.text for u in node.units if isinstance(u, Word))
    if isinstance(node, Near):
        out: frozenset[str] = frozenset()
        for child in node.operands:
            out |= required_words(child)
        return out
    return frozenset()


def _guard(guards: Guards) -> Predicate | None:
    if not guards:
        return None
    accented = guards.accented
    exact = guards.exact

    def check(d: Doc) -> bool:
        if any(a not in d.text_norm for a in accented):
            return False
        if exact is not None:
            return exact in (d.get("text") or "") or exact in (d.get("title") or "")
        return True

    return check


# ---- where a positional node occurs ------------------------------------------------------------
def locator(node: Node) -> Locator:
    if isinstance(node, Word):
        word = node.text
        guard = _guard(node.guards)

        def word_at(d: Doc) -> Occurrences:
            if word not in d.token_set or (guard is not None and not guard(d)):
                return []
            return [(i, i) for i in d.positions(word)]

        return word_at
    if isinstance(node, Wildcard):
        rx = re.compile(node.regex).match
        return lambda d: [(i, i) for i, t in enumerate(d.tokens, 1) if rx(t)]
    if isinstance(node, Cjk):
        text = node.text
        return lambda d: [(i, cjk_end(d.tokens, i, text)) for i in cjk_starts(d.tokens, text)]
    if isinstance(node, Phrase):
        return _phrase_locator(node)
    if isinstance(node, Or):
        parts = [locator(c) for c in node.children]
        return lambda d: [o for p in parts for o in p(d)]
    if isinstance(node, Near) and len(node.operands) == 2:
        return _near_locator(node)
    raise TypeError(f"{type(node).__name__} has no positions")


def cjk_starts(tokens: list[str], text: str) -> list[int]:
    """Token indexes i where `text` begins inside tokens[i] and runs on through the next ones."""
    first, width = text[0], len(text)
    out = []
    for i, token in enumerate(tokens, 1):
        if first not in token:
            continue
        joined = "".join(tokens[i - 1 : i - 1 + width])
        found = joined.find(text)
        if 0 <= found < len(token):
            out.append(i)
    return out


def cjk_end(tokens: list[str], i: int, text: str) -> int:
    """The index of the token holding the last character of `text` found from tokens[i]."""
    window = tokens[i - 1 : i - 1 + len(text)]
    last = "".join(window).find(text) + len(text)  # 1-based position of the last character
    total, before = 0, 0
    for token in window:
        total += len(token)
        if total < last:
            before += 1
    return i + before


def _phrase_locator(node: Phrase) -> Locator:
    units = node.units
    checks: list[Callable[[list[str], int], int]] = []  # start → end, or 0 when no match
    for unit in units:
        checks.append(_unit_step(unit))
    guards = [g for u in units if isinstance(u, Word) and (g := _guard(u.guards)) is not None]
    if (phrase_guard := _guard(Guards((), node.guards.exact))) is not None:
        guards.append(phrase_guard)
    first = units[0]

    def locate(d: Doc) -> Occurrences:
        if any(not g(d) for g in guards):
            return []
        tokens = d.tokens
        starts = d.positions(first.text) if isinstance(first, Word) else range(1, len(tokens) + 1)
        out = []
        for i in starts:
            pos = i
            for step in checks:
                end = step(tokens, pos)
                if not end:
                    break
                pos = end + 1
            else:
                out.append((i, pos - 1))
        return out

    return locate


def _unit_step(unit: Word | Wildcard | Cjk) -> Callable[[list[str], int], int]:
    if isinstance(unit, Word):
        word = unit.text
        return lambda tokens, i: i if i <= len(tokens) and tokens[i - 1] == word else 0
    if isinstance(unit, Wildcard):
        rx = re.compile(unit.regex).match
        return lambda tokens, i: i if i <= len(tokens) and rx(tokens[i - 1]) else 0
    text = unit.text

    def cjk_step(tokens: list[str], i: int) -> int:
        if i > len(tokens):
            return 0
        joined = "".join(tokens[i - 1 : i - 1 + len(text)])
        found = joined.find(text)
        if not 0 <= found < len(tokens[i - 1]):
            return 0
        return cjk_end(tokens, i, text)

    return cjk_step


def near_ok(a: tuple[int, int], b: tuple[int, int], distance: int, ordered: bool) -> bool:
    """At most `distance` words between a and b (a before b when ordered; overlap is near)."""
    if a[1] < b[0]:
        return b[0] - a[1] - 1 <= distance
    if ordered:
        return False
    if b[1] < a[0]:
        return a[0] - b[1] - 1 <= distance
    return True


def _near_locator(node: Near) -> Locator:
    left, right = (locator(c) for c in node.operands)
    distance, ordered = node.distance, node.ordered

    def locate(d: Doc) -> Occurrences:
        lefts = left(d)
        if not lefts:
            return []
        rights = right(d)
        out = [a for a in lefts if any(near_ok(a, b, distance, ordered) for b in rights)]
        if not out:
            return []
        out += [b for b in rights if any(near_ok(a, b, distance, ordered) for a in lefts)]
        return out

    return locate


def window_predicate(node: Near) -> Predicate:
    """3+ parts (a ~ group or phrase): one window of distance + parts words holds all of them."""
    parts = [locator(c) for c in node.operands]
    width = node.distance + len(node.operands)

    def check(d: Doc) -> bool:
        found = [p(d) for p in parts]
        if not all(found):
            return False
        for start in range(1, len(d.tokens) + 1):
            last = start + width - 1
            if all(any(s >= start and e <= last for s, e in occ) for occ in found):
                return True
        return False

    return check


# ---- fields ----------------------------------------------------------------------------------
def site_parts(url: str | None) -> tuple[str, str]:
    """(host, host+path) of a URL, lowercased, without scheme and www."""
    rest = _SITE_PREFIX.sub("", (url or "").lower(), count=1)
    match = _HOST.match(rest)
    return (match.group() if match else ""), rest


def _field(node: Field) -> Predicate:
    name, value = node.name, node.value
    if name == "author":
        return lambda d: (
            value
            in (
                (d.get("author_handle") or "").lower(),
                (d.get("author_name") or "").lower(),
            )
        )
    if name == "site":
        assert isinstance(value, str)
        if "/" in value:
            return lambda d: site_parts(d.get("url"))[1].startswith(value)
        dotted = "." + value
        return lambda d: (h := site_parts(d.get("url"))[0]) == value or h.endswith(dotted)
    if name == "url":
        assert isinstance(value, str)
        return lambda d: value in (d.get("url") or "").lower()
    if name == "links":
        dotted_link = "." + str(value)
        return lambda d: any(x == value or x.endswith(dotted_link) for x in d.get("domains") or ())
    if name == "country":

        def country(d: Doc) -> bool:
            code = d.get("country")
            if code is None:
                code = d.get("author_country")
            return (code or "").upper() == value

        return country
    if name == "author_verified":
        return lambda d: d.get("author_verified") is value
    if name == "lang" and isinstance(value, str) and "-" not in value:
        # BCP-47: lang:zh covers zh-Hans and zh-Hant (the SQL compiler does the same).
        prefix = value + "-"
        return lambda d: (code := (d.get("lang") or "").lower()) == value or code.startswith(prefix)
    # lang, platform, kind, sentiment: one lowercase keyword column
    return lambda d: (d.get(name) or "").lower() == value


def _as_float32(value: float) -> float:
    # The store keeps rating as Float32; compare the same number it compares.
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _range(node: Range) -> Predicate:
    column, low, high = node.name, node.low, node.high
    f32 = column == "rating"
    if f32:  # bounds too: 4.1 as a Float32 is not 4.1 as a double
        low = None if low is None else _as_float32(low)
        high = None if high is None else _as_float32(high)

    def check(d: Doc) -> bool:
        value = d.get(column)
        if value is None:
            return False
        if f32:
            value = _as_float32(value)
        return (low is None or value >= low) and (high is None or value <= high)

    return check
