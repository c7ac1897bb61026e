"""Top items of a scope: hashtags, terms, key phrases, emojis, domains, entities, mentions.

An item's count is the number of posts that contain it (a post repeating a hashtag five times
counts once), so a spammer cannot push a term up by repetition. With `trend`, each item also
carries its count in the previous period of equal length; both periods come from one scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hubbub.analytics.scope import Scope, Source, pct_change
from hubbub.enrich.keyphrases import stopwords
from hubbub.errors import ConfigError
from hubbub.store.slices import TERMS_COLUMN
from hubbub.text import fold

# Languages whose stopwords are removed from terms, on top of English and social filler
# (which hubbub.enrich.keyphrases always includes). A post's own language picks the list, so
# German "die" is dropped from German posts but stays a word in English ones.
STOPWORD_LANGS = ("fr", "zh", "de", "es", "ja", "pt", "it", "ko", "ru", "nl")
MAX_LIMIT = 1000

_LANG_PREFIX = "splitByChar('-', lowerUTF8(ifNull(lang, '')))[1]"
# A term is a token that is not a stopword (of every language, or of the post's language),
# not a number, and not a lone Latin/other character (single Han characters can be words).
TERM_FILTER = (
    "t NOT IN {sw_all:Array(String)} "
    f"AND concat({_LANG_PREFIX}, ':', t) NOT IN {{sw_lang:Array(String)}} "
    "AND (lengthUTF8(t) > 1 OR match(t, '\\\\p{Han}')) "
    "AND NOT match(t, '^[0-9]+([.,:/][0-9]+)*[a-z%]?$')"
)
TERMS = f"arrayDistinct(arrayFilter(t -> {TERM_FILTER}, tokens))"

KINDS = {
    "hashtags": "arrayDistinct(hashtags)",
    "terms": TERMS,
    # Phrases keep the post's spelling; counting them case-insensitively merges "Battery Life"
    # with "battery life".
    "phrases": "arrayDistinct(arrayMap(p -> lowerUTF8(p), keyphrases))",
    "emojis": "arrayDistinct(emojis)",
    "domains": "arrayDistinct(domains)",
    "entities": "arrayDistinct(arrayZip(entity_texts, entity_types))",
    "mentions": "arrayDistinct(mentions)",
}


@lru_cache(maxsize=1)
def stopword_params() -> dict[str, list[str]]:
    """The bound parameters TERM_FILTER needs (folded, as tokens are)."""
    common = stopwords("")
    everywhere = sorted({fold(w) for w in common})
    per_lang = sorted(
        {f"{lang}:{fold(w)}" for lang in STOPWORD_LANGS for w in stopwords(lang) - common}
    )
    return {"sw_all": everywhere, "sw_lang": per_lang}


def terms_of(src: Source) -> tuple[str, dict[str, Any]]:
    """The SQL of a post's terms in `src` and its parameters: a topic slice stores them
    (hubbub.store.slices computes the same TERMS when a post enters it), posts derive them."""
    if src.slice is not None:
        return TERMS_COLUMN, {}
    return TERMS, dict(stopword_params())


@dataclass(frozen=True)
class Top:
    kind: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "items": [dict(i) for i in self.items]}


def top(
    store: Any, scope: Scope, kind: str = "hashtags", limit: int = 20, trend: bool = True
) -> Top:
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ConfigError(f"limit must be between 1 and {MAX_LIMIT}")
    # A trend needs a start; without one the previous period is undefined and left out.
    trend = trend and scope.since is not None
    if trend:
        previous = scope.previous()
        src = scope.with_window(previous.since, scope.until).source(store)
        current = "created_at >= {t_since:DateTime64(3, 'UTC')}"
        counts = f"countIf({current}) AS count, countIf(NOT ({current})) AS previous"
    else:
        src = scope.source(store)
        counts = "count() AS count, 0 AS previous"
    where, params = src.where, dict(src.params)
    if trend:
        params["t_since"] = scope.since
    items_sql = KINDS[kind]
    if kind == "terms":
        items_sql, extra = terms_of(src)
        params.update(extra)
    key = "k.1 AS key, k.2 AS type" if kind == "entities" else "k AS key"
    rows = store.rows(
        f"SELECT {key}, {counts} FROM {src.table} ARRAY JOIN {items_sql} AS k "
        f"WHERE {where} GROUP BY k HAVING count > 0 ORDER BY count DESC, k LIMIT {int(limit)}",
        params,
    )
    items = []
    for row in rows:
        item: dict[str, Any] = {"key": row["key"]}
        if kind == "entities":
            item["type"] = row["type"]
        count = int(row["count"])
        item["count"] = count
        if trend:
            before = int(row["previous"])
            change = {"change": count - before, "change_pct": pct_change(count, before)}
            item.update(previous=before, **change)
        else:
            item.update(previous=None, change=None, change_pct=None)
        items.append(item)
    return Top(kind, items)
