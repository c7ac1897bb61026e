"""Normalization shared by the store and the query language, so both see the same text.

- `norm`: NFKC (full-width → half-width, compatibility forms), casefold (``ß`` → ``ss``), and
  traditional → simplified Chinese (OpenCC ``t2s``, phrase-aware). Accents are kept.
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
_T2S = opencc.OpenCC("t2s")


def is_cjk_char(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))


def has_han(text: str) -> bool:
    return bool(_HAS_HAN.search(text))


def norm(text: str) -> str:
    """NFKC + casefold + traditional→simplified Chinese; accents kept."""
    out = unicodedata.normalize("NFKC", text).casefold()
    if _HAS_HAN.search(out):
        out = _T2S.convert(out)
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
