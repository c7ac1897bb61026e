"""Tokenization of folded text into words, with CJK segmentation.

Latin-script (and any space-delimited) text splits on non-word characters. Chinese runs are
cut by rjieba; Japanese and Korean runs (no segmenter shipped) become one token per script run.
A segmenter may glue a term to its neighbours (rjieba cuts 我买了耐克鞋 into
我/买/了/耐克鞋), so CJK terms are never matched as whole tokens: the query language
matches them as contiguous substrings of the normalized text, and `cjk_grams` gives the
character bigrams that let the store's text index find candidates for such a substring.
"""

from __future__ import annotations

import re

import rjieba

from hubbub.text.normalize import CJK_CLASS, HAN_CLASS

URL_PATTERN = r"https?://[^\s<>\"'，。、！？）)\]】」]+"
_URL = re.compile(URL_PATTERN)
# One word: a run of word characters that are not CJK, or a run of CJK characters.
_WORD_OR_CJK = re.compile(f"[{CJK_CLASS}]+|[^\\W{CJK_CLASS}]+")
_HAN_RUN = re.compile(f"^[{HAN_CLASS}]+$")
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_HAS_CJK = _CJK_RUN


def tokenize(folded: str) -> list[str]:
    """Ordered word tokens of already-folded text; URLs are left out (they are in `urls`)."""
    if "http" in folded:
        folded = _URL.sub(" ", folded)
    words = _WORD_OR_CJK.findall(folded)
    if not _HAS_CJK.search(folded):
        return words
    tokens: list[str] = []
    for word in words:
        if not _CJK_RUN.match(word):
            tokens.append(word)
        elif _HAN_RUN.match(word):
            tokens.extend(rjieba.cut(word))
        else:
            tokens.append(word)
    return tokens


def cjk_grams(folded: str) -> list[str]:
    """Distinct character bigrams of every CJK run (a lone CJK character gives itself)."""
    if not _HAS_CJK.search(folded):
        return []
    grams: set[str] = set()
    for match in _CJK_RUN.finditer(folded):
        run = match.group()
        if len(run) == 1:
            grams.add(run)
            continue
        for i in range(len(run) - 1):
            grams.add(run[i : i + 2])
    return sorted(grams)
