"""Analytics: read-only figures over the store, as pure functions of (store, scope, options).

    Scope(query, since, until, platforms, langs, countries, sentiments)  what a figure is about
    volume(store, scope, interval, split_by, tz)      → Volume: posts per time bucket
    share_of_voice(store, {name: scope}, metric)      → ShareOfVoice: totals, shares, change
    sentiment(store, scope, interval)                 → Sentiment: counts, net sentiment
    top(store, scope, kind, limit, trend)             → Top: hashtags, terms, phrases, …
    authors(store, scope, sort, limit)                → Authors: KOLs with influence scores
    compare(store, scope)                             → Comparison: period over period
    emerging(store, scope, baseline_days, min_count)  → Emerging: terms rising (G² test)
    breakdown(store, scope, by)                       → Breakdown: posts per platform, lang, …
    drilldown(store, scope, order, limit, cursor, bucket) → Page: the posts behind a figure

Every result is a frozen dataclass with `.to_dict()` (JSON-ready). Every figure is defined in
docs/analytics.md; bad options raise hubbub.errors.ConfigError with a one-line message.
"""

from hubbub.analytics.authors import Authors, authors
from hubbub.analytics.breakdown import Breakdown, breakdown
from hubbub.analytics.compare import Comparison, compare
from hubbub.analytics.drilldown import Page, drilldown
from hubbub.analytics.emerging import Emerging, emerging
from hubbub.analytics.scope import Scope
from hubbub.analytics.sentiment import Sentiment, sentiment
from hubbub.analytics.sov import ShareOfVoice, share_of_voice
from hubbub.analytics.top import Top, top
from hubbub.analytics.volume import Volume, volume

__all__ = [
    "Authors",
    "Breakdown",
    "Comparison",
    "Emerging",
    "Page",
    "Scope",
    "Sentiment",
    "ShareOfVoice",
    "Top",
    "Volume",
    "authors",
    "breakdown",
    "compare",
    "drilldown",
    "emerging",
    "sentiment",
    "share_of_voice",
    "top",
    "volume",
]
