"""Normalization shared by the store and the query language, so both see the same text.

- `norm`: NFKC (full-width → half-width, compatibility forms), casefold (``ß`` → ``ss``), and
  traditional → simplified Chinese, one character at a time (`t2s_chars`). Accents are kept.
- `fold`: `norm` with Latin/Greek/Cyrillic accents removed. Unaccented query terms match folded
  text; accented terms are checked against `norm` text (Brandwatch's accent rule).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Han ideographs (incl. extension A and compatibility), kana, Hangul syllables and jamo.
CJK_CLASS = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
)
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_HAN = re.compile(f"[{HAN_CLASS}]")
_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
# Only the generic combining diacritics: kana voicing marks (U+3099/U+309A) must survive.
_DIACRITICS = re.compile("[\u0300-\u036f]")
_T2S_TABLE: list[int] | None = None


def _build_t2s_table() -> list[int]:
    """Every Han character converted on its own by OpenCC's t2s, as a str.translate table.

    OpenCC converts phrase by phrase (乾隆 keeps 乾, 乾燥 becomes 干燥), so a term would fold
    differently alone than inside a text. Matching needs a context-free fold, applied
    identically to posts and query terms: each character is converted in isolation, once.
    The table is a list indexed by code point (faster in str.translate than a dict); code
    points past its end raise IndexError, which str.translate reads as "leave unchanged".
    """
    chars = [
        chr(c)
        for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
        for c in range(lo, hi + 1)
    ]
    t2s = opencc.OpenCC("t2s")
    # One call: a newline between characters, so no phrase can span two of them.
    converted = t2s.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps the separators
        converted = [t2s.convert(c) for c in chars]
    table = list(range(0xFB00))
    for char, simple in zip(chars, converted, strict=True):
        if len(simple) == 1:  # a character OpenCC would expand is left as it is
            table[ord(char)] = ord(simple)
    return table


def t2s_chars(text: str) -> str:
    """Traditional → simplified, character by character (the table is built at first use)."""
    global _T2S_TABLE
    if _T2S_TABLE is None:
        _T2S_TABLE = _build_t2s_table()
    return text.translate(_T2S_TABLE)


def is_cjk_char(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))


def norm(text: str) -> str:
    """NFKC + casefold + traditional→simplified Chinese (per character); accents kept."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold() is lower() there
        return text.lower()
    out = unicodedata.normalize("NFKC", text).casefold()
    if _HAS_HAN.search(out):
        out = t2s_chars(out)
    return out


def strip_accents(text: str) -> str:
    """Remove combining diacritics (é → e, ñ → n), leaving CJK and other scripts alone."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", decomposed))


def fold(text: str) -> str:
    """`norm` without accents: the form tokens are indexed in."""
    return strip_accents(norm(text))


@lru_cache(maxsize=65536)
def fold_term(term: str) -> str:
    """`fold` for short, repeated strings such as hashtags and query terms."""
    return fold(term)
