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
_ASCII_WORD = re.compile(r"\w+", re.ASCII)


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
    words = _WORD_OR_CJK.findall(folded)
    tokens: list[str] = []
    grams: dict[str, None] = {}
    for word in words:
        if not _CJK_RUN.match(word):
            tokens.append(word)
            continue
        if _HAN_RUN.match(word):
            tokens.extend(rjieba.cut(word))
        else:
            tokens.append(word)
        if len(word) == 1:
            grams[word] = None
        else:
            grams.update(dict.fromkeys(word[i : i + 2] for i in range(len(word) - 1)))
    return tokens, list(grams)
