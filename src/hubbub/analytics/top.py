"""Top items of a scope: hashtags, terms, key phrases, emojis, domains, entities, mentions.

An item's count is the number of posts that contain it (a post repeating a hashtag five times
counts once), so a spammer cannot push a term up by repetition. With `trend`, each item also
carries its count in the previous period of equal length. Each period is a tally
(hubbub.analytics.daily) of every item, ranked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hubbub.analytics.daily import Tally, tally
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


def item_tally(kind: str) -> Tally:
    """Posts per item of `kind` (terms read a slice's stored column where there is one)."""
    keys = ("item.1", "item.2") if kind == "entities" else ("item",)
    return Tally(keys=keys, items=terms_of if kind == "terms" else KINDS[kind])


def ranked(counted: pa.Table, by: str, keys: list[str], limit: int) -> pa.Table:
    """The `limit` rows of most `by`, ties in key order (as ORDER BY by DESC, key would)."""
    order = [(by, "descending"), *((k, "ascending") for k in keys)]
    # The keys end with the item's, unique per row: the order is total, so no tie moves.
    return counted.take(pc.select_k_unstable(counted, limit, order))


def counts_in(counted: pa.Table, keys: list[str], wanted: pa.Table) -> list[int]:
    """The count (v0) of each row of `wanted` in `counted`, 0 where it has none."""
    # Only rows sharing a first key with `wanted` become Python values: `counted` may hold
    # every term of a month.
    near = counted.filter(pc.is_in(counted[keys[0]], value_set=wanted[keys[0]]))
    columns = [near[c].to_pylist() for c in [*keys, "v0"]]
    found = {tuple(row[:-1]): row[-1] for row in zip(*columns, strict=True)}
    rows = zip(*(wanted[c].to_pylist() for c in keys), strict=True)
    return [int(found.get(tuple(r), 0)) for r in rows]


def top(
    store: Any, scope: Scope, kind: str = "hashtags", limit: int = 20, trend: bool = True
) -> Top:
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ConfigError(f"limit must be between 1 and {MAX_LIMIT}")
    # A trend needs a start; without one the previous period is undefined and left out.
    trend = trend and scope.since is not None
    spec = item_tally(kind)
    keys = spec.key_names
    best = ranked(tally(store, scope, spec), "v0", keys, int(limit))
    before = counts_in(tally(store, scope.previous(), spec), keys, best) if trend else None
    items = []
    for i, row in enumerate(best.to_pylist()):
        item: dict[str, Any] = {"key": row["k0"]}
        if kind == "entities":
            item["type"] = row["k1"]
        count = int(row["v0"])
        item["count"] = count
        if before is not None:
            change = {"change": count - before[i], "change_pct": pct_change(count, before[i])}
            item.update(previous=before[i], **change)
        else:
            item.update(previous=None, change=None, change_pct=None)
        items.append(item)
    return Top(kind, items)
