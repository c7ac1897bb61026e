"""Phrase banks per language for the demo generator, one module per language.

A template is a `str.format` string whose fields are filled per post:

    {b} brand name        {p} product of that brand   {c} a competitor brand
    {pos} {neg} {neu}     a positive / negative / neutral clause about a phone
    {e} emoji for the post's sentiment (may be empty)   {s} slang filler (may be empty)
    {tag} a hashtag in the platform's style (``#x``, Weibo ``#话题#``, Xiaohongshu ``#x[话题]#``)
    {at} an @mention in the platform's style            {url} a link
    {n} a number (price, days, percent)

Clauses are whole clauses rather than adjectives so that French, German and Spanish never need
gender agreement and Chinese never needs measure words. Sentiment lives in the template *and* in
the clause bank it draws from, so a classifier trained on the demo learns words, not slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hubbub.demo.vocab import de, en, es, fr, ja, zh_hans, zh_hant

SENTIMENTS = ("positive", "neutral", "negative")


@dataclass(frozen=True, slots=True)
class LangVocab:
    lang: str
    brands: Mapping[str, tuple[str, ...]]
    """brand key ("aurora", "nimbus", "zephyr") -> spellings, the usual one first"""
    products: Mapping[str, tuple[str, ...]]
    """brand key -> products; index 0 is the flagship (Aurora X5 for aurora)"""
    pos: tuple[str, ...]
    neg: tuple[str, ...]
    neu: tuple[str, ...]
    posts: Mapping[str, tuple[str, ...]]
    """sentiment -> templates for an original post about a brand"""
    replies: Mapping[str, tuple[str, ...]]
    """sentiment -> short templates for replies and comments"""
    titles: Mapping[str, tuple[str, ...]]
    """sentiment -> titles for Reddit posts, videos, reviews, PTT and news"""
    news: tuple[str, ...]
    category: tuple[str, ...]
    """phone talk naming no brand"""
    noise: tuple[str, ...]
    """off-topic posts that a naive query for the brand would catch (the sky's aurora)"""
    stories: Mapping[str, Mapping[str, tuple[str, ...]]]
    """story key -> sentiment -> templates"""
    tags: Mapping[str, tuple[str, ...]]
    """topic or story key -> hashtag bodies without '#'"""
    emoji: Mapping[str, tuple[str, ...]]
    slang: tuple[str, ...]
    repost: tuple[str, ...] = field(default=("",))
    """what people type when they repost (Weibo's 转发微博, an empty string elsewhere)"""


def _load() -> dict[str, LangVocab]:
    out: dict[str, LangVocab] = {}
    for module in (en, zh_hans, zh_hant, ja, fr, de, es):
        out[module.LANG] = LangVocab(lang=module.LANG, **module.BANKS)
    return out


VOCABS: dict[str, LangVocab] = _load()
LANGS: tuple[str, ...] = tuple(VOCABS)
