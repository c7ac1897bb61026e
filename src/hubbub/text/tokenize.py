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
from operator import add

import rjieba

from hubbub.caches import make_room
from hubbub.text.normalize import CJK_CLASS, HAN_CLASS

URL_PATTERN = r"https?://[^\s<>\"'，。、！？）)\]】」]+"
_URL = re.compile(URL_PATTERN)
# One word: a run of word characters that are not CJK, or a run of CJK characters.
_WORD_OR_CJK = re.compile(f"[{CJK_CLASS}]+|[^\\W{CJK_CLASS}]+")
_HAN_RUN = re.compile(f"^[{HAN_CLASS}]+$")
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_ASCII_WORD = re.compile(r"\w+", re.ASCII)
# The same words as _WORD_OR_CJK, telling in which group which kind it is (no second match).
_CJK_OR_WORD = re.compile(f"([{CJK_CLASS}]+)|([^\\W{CJK_CLASS}]+)")


def tokenize(folded: str) -> list[str]:
    """Ordered word tokens of already-folded text; URLs are left out (they are in `urls`)."""
    return tokens_and_grams(folded)[0]


def cjk_grams(folded: str) -> list[str]:
    """Distinct character bigrams of every CJK run (a lone CJK character gives itself), in
    order of first appearance."""
    return tokens_and_grams(folded)[1]


def tokens_and_grams(folded: str) -> tuple[list[str], list[str]]:
    """`tokenize` and `cjk_grams` in one pass: the store derives both for every post."""
    if "http" in folded:
        folded = _URL.sub(" ", folded)
    if folded.isascii():  # most Western posts: no CJK, and \w is [A-Za-z0-9_]
        return _ASCII_WORD.findall(folded), []
    tokens: list[str] = []
    grams: dict[str, None] = {}
    for cjk, word in _CJK_OR_WORD.findall(folded):
        if word:
            tokens.append(word)
            continue
        cut = _CJK_CACHE.get(cjk)
        if cut is None:
            cut = _segment(cjk)
        tokens.extend(cut[0])
        grams.update(cut[1])
    return tokens, list(grams)


# Segmentation and bigrams of a CJK run, by run: the same phrases recur across posts (a
# brand, a slogan, a repost's text), and rjieba plus the bigram loop cost ~1 µs per run.
# The oldest quarter is dropped when full (the runs just seen recur most), so memory stays
# bounded.
_CJK_CACHE: dict[str, tuple[list[str], dict[str, None]]] = {}
_CJK_CACHE_MAX = 100_000


def _segment(run: str) -> tuple[list[str], dict[str, None]]:
    tokens = rjieba.cut(run) if _HAN_RUN.match(run) else [run]
    grams = {run: None} if len(run) == 1 else dict.fromkeys(map(add, run, run[1:]))
    make_room(_CJK_CACHE, _CJK_CACHE_MAX)
    _CJK_CACHE[run] = (tokens, grams)
    return tokens, grams
