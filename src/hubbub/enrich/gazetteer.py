"""Brand gazetteer: finds well-known brands and products by name, in any language.

The shipped list (``models_data/entities/brands.tsv``, ~270 entries written for Hubbub) maps
every spelling of a brand, Latin and Chinese, to one canonical name, so ``华为``, ``華為`` and
``HUAWEI`` all count as ``Huawei``: share of voice needs one name per brand, whatever the
language of the post.

Matching runs on `hubbub.text.norm` text (NFKC, casefold, traditional → simplified), so it is
case-, width- and script-variant-insensitive; accents are kept, so ``über`` is not ``Uber``.
Latin aliases match whole words (a sequence of word tokens); Chinese aliases match as contiguous
characters, because a segmenter may glue a brand to its neighbours (``耐克鞋``), the same rule
the query language follows. Ambiguous aliases (``apple``, ``小米`` = millet, ``大众`` = the
public) are kept only when the post also holds one of the entry's cue words, or when the caller
confirms them (a spaCy model tagged the same words ORG or PRODUCT).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from hubbub.text.normalize import CJK_CLASS, HAN_CLASS, norm
from hubbub.text.tokenize import URL_PATTERN

GAZETTEER_TYPES = ("BRAND", "PRODUCT", "ORG", "PERSON", "PLACE")
# Tokens of Latin (and any other space-delimited) script: word characters that are not CJK.
_LATIN_TOKEN = re.compile(f"[^\\W_{CJK_CLASS}]+")
_HAN_RUN = re.compile(f"[{HAN_CLASS}]+")
_HAS_CJK = re.compile(f"[{CJK_CLASS}]")
_URL = re.compile(URL_PATTERN)
# Two words of a Latin alias may be apart by a little punctuation ("H&M", "L'Oréal", "Black
# Myth: Wukong") but not by a line: a longer gap means they are not one name.
_MAX_GAP = 3


@dataclass(frozen=True, slots=True)
class Entry:
    canonical: str
    type: str
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """One match: ``surface`` is the matched `norm` text, ``start``/``end`` offsets into it."""

    surface: str
    canonical: str
    type: str
    start: int
    end: int
    ambiguous: bool


class Gazetteer:
    """Exact-name matcher over aliases; build with `load_brands` or from your own entries."""

    def __init__(self, entries: Iterable[tuple[Entry, Iterable[str]]]) -> None:
        # Latin aliases by first token: (tokens, entry, ambiguous), longest first.
        self._latin: dict[str, list[tuple[tuple[str, ...], Entry, bool]]] = {}
        self._han: dict[str, tuple[Entry, bool]] = {}  # pure-Han aliases
        self._mixed: list[tuple[str, Entry, bool]] = []  # CJK with Latin, e.g. "b站"
        self._cue_patterns: dict[str, re.Pattern[str]] = {}
        self._entries: dict[str, Entry] = {}
        for entry, aliases in entries:
            self._entries.setdefault(entry.canonical, entry)
            if entry.type not in GAZETTEER_TYPES:
                raise ValueError(f"{entry.canonical}: unknown type {entry.type!r}")
            for raw in aliases:
                ambiguous = raw.endswith("?")
                alias = norm(raw.removesuffix("?").strip())
                if not alias:
                    continue
                if _HAN_RUN.fullmatch(alias):
                    self._han.setdefault(alias, (entry, ambiguous))
                elif _HAS_CJK.search(alias):
                    self._mixed.append((alias, entry, ambiguous))
                else:
                    tokens = tuple(_LATIN_TOKEN.findall(alias))
                    if tokens:
                        self._latin.setdefault(tokens[0], []).append((tokens, entry, ambiguous))
        for candidates in self._latin.values():
            candidates.sort(key=lambda c: -len(c[0]))
        self._han_lengths = sorted({len(a) for a in self._han}, reverse=True)

    def __len__(self) -> int:
        return len(self._han) + len(self._mixed) + sum(len(v) for v in self._latin.values())

    def find(self, text: str, confirmed: Iterable[str] = ()) -> list[Mention]:
        """Mentions in `text` (original or normalized), in order; ambiguous ones only if cued.

        `confirmed` holds `norm`-ed surfaces another model already tagged as an organization or
        product: an ambiguous alias among them needs no cue.
        """
        folded = norm(text)
        if "http" in folded:
            # Same length, so offsets stay valid: "nike.com/..." in a link is not a mention.
            folded = _URL.sub(lambda m: " " * len(m.group()), folded)
        found = [*self._find_latin(folded), *self._find_han(folded), *self._find_mixed(folded)]
        if not found:
            return []
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        confirmed_set = set(confirmed)
        # An ambiguous alias is also settled by an unambiguous mention of the same brand.
        sure = {m.canonical for m in found if not m.ambiguous}
        out: list[Mention] = []
        last_end = -1
        for mention in found:
            if mention.start < last_end:
                continue  # overlaps a longer, earlier match ("王者荣耀" before "荣耀")
            if (
                mention.ambiguous
                and mention.canonical not in sure
                and mention.surface not in confirmed_set
                and not self._cued(mention.canonical, folded)
            ):
                continue
            out.append(mention)
            last_end = mention.end
        return out

    # -- matching, one script at a time

    def _find_latin(self, folded: str) -> Iterator[Mention]:
        matches = list(_LATIN_TOKEN.finditer(folded))
        latin = self._latin
        for i, first in enumerate(matches):
            candidates = latin.get(first.group())
            if candidates is None:
                continue
            for tokens, entry, ambiguous in candidates:
                end_index = i + len(tokens)
                if end_index > len(matches):
                    continue
                if not all(
                    matches[i + k].group() == tokens[k]
                    and _close(folded, matches[i + k - 1].end(), matches[i + k].start())
                    for k in range(1, len(tokens))
                ):
                    continue
                start, end = first.start(), matches[end_index - 1].end()
                yield Mention(folded[start:end], entry.canonical, entry.type, start, end, ambiguous)
                break

    def _find_han(self, folded: str) -> Iterator[Mention]:
        if not self._han or not _HAS_CJK.search(folded):
            return
        han = self._han
        lengths = self._han_lengths
        for run in _HAN_RUN.finditer(folded):
            chars = run.group()
            i = 0
            while i < len(chars):
                for length in lengths:
                    hit = han.get(chars[i : i + length]) if i + length <= len(chars) else None
                    if hit is not None:
                        start = run.start() + i
                        entry, ambiguous = hit
                        yield Mention(
                            chars[i : i + length],
                            entry.canonical,
                            entry.type,
                            start,
                            start + length,
                            ambiguous,
                        )
                        i += length
                        break
                else:
                    i += 1

    def _find_mixed(self, folded: str) -> Iterator[Mention]:
        for alias, entry, ambiguous in self._mixed:
            start = folded.find(alias)
            while start >= 0:
                end = start + len(alias)
                # Whole word on the Latin side only: "b站" must not match inside "web站".
                before_ok = start == 0 or not _is_latin_word_char(folded[start - 1])
                after_ok = end == len(folded) or not _is_latin_word_char(folded[end])
                if (before_ok or not _is_latin_word_char(alias[0])) and (
                    after_ok or not _is_latin_word_char(alias[-1])
                ):
                    yield Mention(alias, entry.canonical, entry.type, start, end, ambiguous)
                start = folded.find(alias, end)

    def _cued(self, canonical: str, folded: str) -> bool:
        pattern = self._cue_patterns.get(canonical)
        if pattern is None:
            entry = self._entries.get(canonical)
            pattern = _cue_pattern(entry.cues if entry else ())
            self._cue_patterns[canonical] = pattern
        return pattern.search(folded) is not None


def _is_latin_word_char(char: str) -> bool:
    return bool(_LATIN_TOKEN.match(char))


def _close(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return len(gap) <= _MAX_GAP and "\n" not in gap


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    """One regex for an entry's cues: whole words for Latin cues, substrings for CJK ones."""
    parts = []
    for cue in cues:
        cue = norm(cue)
        if not cue:
            continue
        escaped = re.escape(cue)
        if _HAS_CJK.search(cue):
            parts.append(escaped)
        else:
            parts.append(f"(?<![^\\W_{CJK_CLASS}]){escaped}(?![^\\W_{CJK_CLASS}])")
    return re.compile("|".join(parts) if parts else "(?!)")


def parse_tsv(lines: Iterable[str]) -> Iterator[tuple[Entry, list[str]]]:
    """Entries from the gazetteer format described at the top of ``brands.tsv``."""
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 3:
            raise ValueError(f"gazetteer line {number}: need canonical, type, aliases: {line!r}")
        canonical, type_, aliases = fields[0].strip(), fields[1].strip(), fields[2]
        cue_field = fields[3] if len(fields) > 3 else ""
        cues = tuple(c.strip() for c in cue_field.split("|") if c.strip())
        alias_list = [a.strip() for a in aliases.split("|") if a.strip()]
        yield Entry(canonical, type_, cues), alias_list


def load_gazetteer(path: str | Path) -> Gazetteer:
    """A gazetteer from a file in the ``brands.tsv`` format (for a project's own brand list)."""
    with open(path, encoding="utf-8") as handle:
        return Gazetteer(parse_tsv(handle))


@lru_cache(maxsize=1)
def load_brands() -> Gazetteer:
    """The shipped brand gazetteer, built once per process."""
    ref = resources.files("hubbub.models_data") / "entities" / "brands.tsv"
    return Gazetteer(parse_tsv(ref.read_text(encoding="utf-8").splitlines()))
