"""Percolation: match each incoming post against many saved queries at once.

Checking every query against every post costs queries × posts. Instead, each query is reduced
to a *required set*: keys (a token, a hashtag, a CJK bigram, a wildcard's first letters, ...) of
which every matching post holds at least one. For `(a OR b) AND "c d" NOT e` that can be
{a, b} or {c} (the compiler keeps the cheaper one); for an OR it is the union of its branches.
A post looks up its own keys in an inverted index of those sets, and only the queries found
(the candidates) run their full matcher. Queries with no required set (only fields, say) are
checked against every post. Queries that are a bare OR of plain words match on the lookup
alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hubbub.query.ast import (
    And,
    Cjk,
    Emoji,
    Hashtag,
    Mention,
    Near,
    Node,
    Or,
    Phrase,
    Wildcard,
    Word,
)
from hubbub.query.match import Doc, Predicate, as_doc, predicate
from hubbub.query.parser import ParsedQuery, parse

Key = tuple[str, str]
Cost = Callable[[Key], float]
# Without statistics, guess what each kind of key costs in candidates: a short word or a wildcard
# prefix selects more posts than a long word, and a single CJK character more than a bigram.
_KIND_COST = {"t": 1.0, "h": 1.0, "m": 1.0, "g": 1.0, "e": 2.0, "p": 4.0, "c": 10.0}
PREFIX_LENGTH = 6  # a wildcard is indexed by up to this many leading letters


def guessed_cost(key: Key) -> float:
    kind, value = key
    return _KIND_COST[kind] * (1.0 + 4.0 / max(1, len(value)))


def required_keys(node: Node, cost: Cost = guessed_cost) -> frozenset[Key] | None:
    """Keys of which every post matching `node` has at least one; None if there is no such set.

    Where there is a choice (the parts of an AND), the set with the lowest total `cost` wins.
    """
    if isinstance(node, Word):
        return frozenset([("t", node.text)])
    if isinstance(node, Wildcard):
        return frozenset([("p", node.prefix[:PREFIX_LENGTH])])
    if isinstance(node, Cjk):
        # A standalone CJK term is a substring of the text, so its bigrams are in `grams`.
        if len(node.text) >= 2:
            return _best(
                [frozenset([("g", node.text[i : i + 2])]) for i in range(len(node.text) - 1)], cost
            )
        return frozenset([("c", node.text)])
    if isinstance(node, Phrase):
        return _best([_unit_keys(u, cost) for u in node.units], cost)
    if isinstance(node, Near):
        return _best([_positional_keys(c, cost) for c in node.operands], cost)
    if isinstance(node, Hashtag):
        return frozenset([("h", node.tag)]) if node.regex is None else None
    if isinstance(node, Mention):
        return frozenset([("m", node.handle)])
    if isinstance(node, Emoji):
        return frozenset([("e", node.emoji)])
    if isinstance(node, And):
        return _best([required_keys(c, cost) for c in node.children], cost)
    if isinstance(node, Or):
        union: set[Key] = set()
        for child in node.children:
            keys = required_keys(child, cost)
            if keys is None:
                return None
            union |= keys
        return frozenset(union)
    return None  # Not, fields, ranges, title: (its child's keys would do, but it is rare)


def _unit_keys(unit: Word | Wildcard | Cjk, cost: Cost) -> frozenset[Key] | None:
    if isinstance(unit, Cjk):
        # Inside a phrase or NEAR a CJK part may run across segments (and so across what
        # `grams` saw as separate runs): only its first character is certain.
        return frozenset([("c", unit.text[0])])
    return required_keys(unit, cost)


def _positional_keys(node: Node, cost: Cost) -> frozenset[Key] | None:
    if isinstance(node, Cjk):
        return _unit_keys(node, cost)
    if isinstance(node, Or):
        union: set[Key] = set()
        for child in node.children:
            keys = _positional_keys(child, cost)
            if keys is None:
                return None
            union |= keys
        return frozenset(union)
    return required_keys(node, cost)


def _best(options: list[frozenset[Key] | None], cost: Cost) -> frozenset[Key] | None:
    usable = [o for o in options if o]
    if not usable:
        return None
    return min(usable, key=lambda keys: sum(cost(k) for k in keys))


def _plain_or(node: Node) -> bool:
    """A word, or an OR of words with no accent/case conditions: a key hit is a match."""
    if isinstance(node, Word):
        return not node.guards
    if isinstance(node, Or):
        return all(_plain_or(c) for c in node.children)
    return False


@dataclass
class _Saved:
    id: Hashable
    predicate: Predicate
    sufficient: bool  # a hit on a required key is already a match


class Percolator:
    """Saved queries, indexed by required keys. `match(row)` / `match_batch(rows)` give ids.

    `row` is a store row dict (`hubbub.store.rows.post_row`) or a `match.Doc` built from one.
    The first `learn` posts also count how often each key occurs; the index is then rebuilt so
    each AND is filed under its rarest part (a query's meaning never depends on this, only the
    number of candidates checked).
    """

    def __init__(
        self, queries: Mapping[Hashable, str | ParsedQuery] | None = None, learn: int = 2_000
    ) -> None:
        self._saved: list[_Saved | None] = []
        self._roots: list[Node | None] = []
        self._slot: dict[Hashable, int] = {}
        self._cost: Cost = guessed_cost
        self._frequency: Counter[Key] = Counter()
        self._to_learn = learn
        self._learned = 0
        self.checked = 0  # full matcher runs, for the bench's candidates-per-post figure
        self._reset_index()
        for query_id, query in (queries or {}).items():
            self.add(query_id, query)

    def __len__(self) -> int:
        return len(self._slot)

    def _reset_index(self) -> None:
        self._index: dict[str, dict[str, list[int]]] = {kind: {} for kind in _KIND_COST}
        self._prefix_lengths: list[int] = []
        self._always: list[int] = []

    def add(self, query_id: Hashable, query: str | ParsedQuery | Node) -> None:
        """Register (or replace) a saved query; raises QueryError if it is malformed."""
        if isinstance(query, str):
            query = parse(query)
        root = query.root if isinstance(query, ParsedQuery) else query
        if query_id in self._slot:
            self.remove(query_id)
        slot = len(self._saved)
        self._saved.append(_Saved(query_id, predicate(root), False))
        self._roots.append(root)
        self._slot[query_id] = slot
        self._file(slot, root)

    def _file(self, slot: int, root: Node) -> None:
        keys = required_keys(root, self._cost)
        saved = self._saved[slot]
        assert saved is not None
        saved.sufficient = keys is not None and _plain_or(root)
        if keys is None:
            self._always.append(slot)
            return
        for kind, value in keys:
            self._index[kind].setdefault(value, []).append(slot)
            if kind == "p" and len(value) not in self._prefix_lengths:
                self._prefix_lengths.append(len(value))

    def remove(self, query_id: Hashable) -> None:
        slot = self._slot.pop(query_id)
        self._saved[slot] = None  # index entries pointing here are skipped
        self._roots[slot] = None
        if slot in self._always:
            self._always.remove(slot)

    def replan(self) -> None:
        """Rebuild the index with the key frequencies counted so far."""
        seen = max(1, self._learned)
        frequency = self._frequency

        def observed_cost(key: Key) -> float:
            if key[0] in ("t", "g", "h"):
                return frequency.get(key, 0) + 0.1 * guessed_cost(key)
            return guessed_cost(key) * seen / 1000  # not counted: keep the guess, scaled

        self._cost = observed_cost
        self._reset_index()
        for slot, root in enumerate(self._roots):
            if root is not None:
                self._file(slot, root)

    def _observe(self, doc: Doc) -> None:
        counts = self._frequency
        for token in doc.token_set:
            counts[("t", token)] += 1
        for gram in doc.row.get("grams") or ():
            counts[("g", gram)] += 1
        for tag in doc.hashtags:
            counts[("h", tag)] += 1
        self._learned += 1
        if self._learned >= self._to_learn:
            self._to_learn = 0
            self.replan()

    def candidates(self, doc: Doc) -> set[int]:
        index = self._index
        found: set[int] = set(self._always)
        token_set = doc.token_set
        words = index["t"]
        for token in token_set:
            hit = words.get(token)
            if hit:
                found.update(hit)
        if self._prefix_lengths:
            prefixes = index["p"]
            for length in self._prefix_lengths:
                for token in token_set:
                    if len(token) >= length and (hit := prefixes.get(token[:length])):
                        found.update(hit)
        grams = doc.row.get("grams")
        if grams:
            gram_index, char_index = index["g"], index["c"]
            for gram in grams:
                if (hit := gram_index.get(gram)) is not None:
                    found.update(hit)
            if char_index:
                for char in set("".join(grams)):
                    if (hit := char_index.get(char)) is not None:
                        found.update(hit)
        for kind, values in (
            ("h", doc.hashtags),
            ("m", doc.get("mentions")),
            ("e", doc.get("emojis")),
        ):
            if values and index[kind]:
                for value in values:
                    if (hit := index[kind].get(value)) is not None:
                        found.update(hit)
        return found

    def match(self, row: Doc | Mapping[str, Any]) -> list[Hashable]:
        """Ids of the saved queries this post matches, in the order they were added."""
        doc = as_doc(row)
        if self._to_learn:
            self._observe(doc)
        out = []
        saved = self._saved
        found = self.candidates(doc)
        for slot in sorted(found) if len(found) > 1 else found:
            entry = saved[slot]
            if entry is None:
                continue
            if entry.sufficient:
                out.append(entry.id)
                continue
            self.checked += 1
            if entry.predicate(doc):
                out.append(entry.id)
        return out

    def match_batch(self, rows: Iterable[Doc | Mapping[str, Any]]) -> list[list[Hashable]]:
        """`match` for each row, in order."""
        return [self.match(row) for row in rows]
