"""What an analytics figure is about: a query, a time window and filters, as one value.

Every figure in `hubbub.analytics` takes a `Scope` and turns it into one FROM + WHERE
(`Scope.source`) with bound parameters, so user text never reaches SQL and every figure counts
the same posts. When the scope's query has a complete topic slice (hubbub.store.slices), the
source is that slice of `hubbub.topic_posts` plus the window and filters; otherwise it is
`hubbub.posts` with the compiled query. Both select the same posts, so figures are identical.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import orjson

from hubbub.errors import ConfigError
from hubbub.query.run import where_clause
from hubbub.store.slices import TABLE as SLICES
from hubbub.store.slices import slice_for

POSTS = "hubbub.posts"
SENTIMENTS = ("positive", "neutral", "negative")
# Posts whose enrichment has not run (or gave no label) are counted, never dropped: a figure
# that silently loses the unenriched part of a topic would disagree with the volume chart.
UNKNOWN = "unknown"

_PLACEHOLDER = re.compile(r"\{(\w+):")


def _utc(value: datetime | None, name: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ConfigError(f"{name} must be a datetime, got {type(value).__name__}")
    # A naive datetime is read as UTC, the time zone every stored timestamp is in.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _strings(values: Any, name: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    out = tuple(str(v).strip() for v in values or () if str(v).strip())
    return out


@dataclass(frozen=True)
class Scope:
    """A boolean query (None = every post), a [since, until) window in UTC, and filters.

    Filters are ANDed; the values inside one filter are ORed. `langs` matches a language or
    its subtags ('zh' covers 'zh-Hans' and 'zh-Hant'); `countries` matches the post's country,
    else its author's; `sentiments` may include 'unknown' for posts without a label.
    """

    query: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    platforms: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        since, until = _utc(self.since, "since"), _utc(self.until, "until")
        if since is not None and until is not None and since >= until:
            raise ConfigError(
                f"the scope's since ({since.isoformat()}) must be before its until "
                f"({until.isoformat()})"
            )
        object.__setattr__(self, "since", since)
        object.__setattr__(self, "until", until)
        object.__setattr__(self, "platforms", _strings(self.platforms, "platforms"))
        object.__setattr__(self, "langs", tuple(v.lower() for v in _strings(self.langs, "langs")))
        object.__setattr__(
            self, "countries", tuple(v.upper() for v in _strings(self.countries, "countries"))
        )
        sentiments = tuple(v.lower() for v in _strings(self.sentiments, "sentiments"))
        wrong = [s for s in sentiments if s not in (*SENTIMENTS, UNKNOWN)]
        if wrong:
            raise ConfigError(
                f"unknown sentiment {wrong[0]!r}; use positive, neutral, negative or unknown"
            )
        object.__setattr__(self, "sentiments", sentiments)

    # ---- SQL -----------------------------------------------------------------------------------
    def where(self, prefix: str = "") -> tuple[str, dict[str, Any]]:
        """The WHERE fragment over `hubbub.posts` and its bound parameters.

        `prefix` renames every parameter, so several scopes can share one query (share of voice
        compares topics in a single scan).
        """
        return self._where(self.query, prefix)

    def source(self, store: Any, prefix: str = "") -> Source:
        """Where the scope's posts are read from: its topic slice when one is complete, else
        posts with the compiled query. Every figure reads through this one method."""
        key = slice_for(store, self.query)
        if key is None:
            where, params = self._where(self.query, prefix)
            return Source(POSTS, where, params)
        where, params = self._where(None, prefix, head=("slice = {slice:String}", key))
        return Source(SLICES, where, params, key)

    def _where(
        self, query: str | None, prefix: str, head: tuple[str, str] | None = None
    ) -> tuple[str, dict[str, Any]]:
        compiled = where_clause(query, self.since, self.until)
        parts = [compiled.where]
        params = dict(compiled.params)
        if head is not None:
            parts.insert(0, head[0])
            params["slice"] = head[1]
        if self.platforms:
            parts.append("platform IN {f_platforms:Array(String)}")
            params["f_platforms"] = list(self.platforms)
        if self.langs:
            # 'zh' must also cover 'zh-hans': compare the whole code and its primary subtag.
            parts.append(
                "(lowerUTF8(ifNull(lang, '')) IN {f_langs:Array(String)} OR "
                "splitByChar('-', lowerUTF8(ifNull(lang, '')))[1] IN {f_langs:Array(String)})"
            )
            params["f_langs"] = list(self.langs)
        if self.countries:
            parts.append(
                "upperUTF8(coalesce(country, author_country, '')) IN {f_countries:Array(String)}"
            )
            params["f_countries"] = list(self.countries)
        if self.sentiments:
            parts.append(f"{SENTIMENT_KEY} IN {{f_sentiments:Array(String)}}")
            params["f_sentiments"] = list(self.sentiments)
        sql = " AND ".join(f"({p})" for p in parts)
        if prefix:
            sql = _PLACEHOLDER.sub(lambda m: "{" + prefix + m.group(1) + ":", sql)
            params = {prefix + k: v for k, v in params.items()}
        return sql, params

    # ---- windows -------------------------------------------------------------------------------
    def previous(self) -> Scope:
        """The same scope over the window of equal length just before this one (for trends)."""
        if self.since is None:
            raise ConfigError("a trend needs a scope with a since; give the window a start")
        until = self.until or datetime.now(UTC)
        return replace(self, since=self.since - (until - self.since), until=self.since)

    def with_window(self, since: datetime | None, until: datetime | None) -> Scope:
        return replace(self, since=since, until=until)

    def fingerprint(self) -> str:
        """A short stable hash of everything that selects posts (cursors are bound to it)."""
        data = {
            "q": self.query or "",
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "platforms": self.platforms,
            "langs": self.langs,
            "countries": self.countries,
            "sentiments": self.sentiments,
        }
        return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "since": iso(self.since),
            "until": iso(self.until),
            "platforms": list(self.platforms),
            "langs": list(self.langs),
            "countries": list(self.countries),
            "sentiments": list(self.sentiments),
        }


@dataclass(frozen=True)
class Source:
    """A table and the WHERE fragment selecting a scope's posts in it (`slice`: the topic
    slice read, None when the table is posts)."""

    table: str
    where: str
    params: dict[str, Any]
    slice: str | None = None


# Labels for a missing value, so GROUP BY keys are never NULL.
SENTIMENT_KEY = f"ifNull(sentiment, '{UNKNOWN}')"
AUTHOR_KEY = "coalesce(author_id, author_handle, '')"


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with a 'Z' for UTC, as every figure reports times."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def pct_change(current: float, previous: float) -> float | None:
    """Relative change; None when the previous value is 0 (no meaningful percentage)."""
    if not previous:
        return None
    return (current - previous) / previous
