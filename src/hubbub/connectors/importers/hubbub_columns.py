"""Hubbub NDJSON items → store columns directly, without building a `Post` per item.

The fast path of `hubbub` imports (what `hubbub export`, the demo and bench/ingest.py write).
It takes only items whose every field already has its canonical shape: known fields, strings
where strings belong, identities already normalized, times as ``YYYY-MM-DDTHH:MM:SS[.fff]Z``,
counts as integers. Every other item, valid or not, is handed back to the caller, which maps it
the ordinary way (`Post.from_dict` + `validate`): rejects and their reasons stay the ordinary
path's, and an accepted item is stored exactly as the ordinary path stores it
(tests/importers/test_hubbub_columns.py compares every stored column).

Fields are checked a column at a time (`hubbub_checks`), converted by Arrow, and the text is
derived by the same `derive_text` as every post.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hubbub.connectors.importers.hubbub_checks import CHECKS, METRICS, castable, times
from hubbub.connectors.importers.hubbub_ndjson import DEFAULT_SOURCE
from hubbub.models import MAX_TEXT_CHARS, Author, Metrics, Post
from hubbub.store.rows import (
    DERIVED_COLUMNS,
    ENRICHMENT_COLUMNS,
    SCHEMA,
    derive_text,
    table_from_columns,
)

_FIELDS = frozenset(Post.__dataclass_fields__)
_AUTHOR_FIELDS = frozenset(Author.__dataclass_fields__)
_METRIC_FIELDS = frozenset(Metrics.__dataclass_fields__)
_TS = SCHEMA.field("created_at").type
_I64 = pa.int64()
_U64 = pa.uint64()
_U64_MAX = 2**64 - 1


# Items are read a chunk at a time: one pass per field over 20k dicts misses the CPU caches
# and costs twice as much per value as the same passes over 1k dicts (measured).
CHUNK = 1024
_TOP = (
    "platform",
    "platform_id",
    "created_at",
    "text",
    "kind",
    "url",
    "collected_at",
    "title",
    "lang",
    "parent_id",
    "root_id",
    "repost_of",
    "hashtags",
    "mentions",
    "urls",
    "media",
    "country",
    "rating",
    "source",
)
_AUTHOR = ("id", "handle", "name", "followers", "following", "verified", "country", "url")
_NONE = type(None)
_AUTHOR_KEYS = tuple(f"author.{name}" for name in _AUTHOR)


def hubbub_columns(
    items: Sequence[dict[str, Any]], collected_at: datetime
) -> tuple[pa.Table, list[int], list[int]]:
    """The store rows of the items in canonical shape, and which items those are.

    Returns (table, indices of the items in it, in order; indices of the other items).
    """
    tables, taken, others = [], [], []
    for start in range(0, len(items), CHUNK):
        table, good, bad = _chunk(items[start : start + CHUNK], collected_at)
        tables.append(table)
        taken.extend(start + i for i in good)
        others.extend(start + i for i in bad)
    if not tables:
        return table_from_columns(_empty_columns(), 0), [], []
    return pa.concat_tables(tables), taken, others


def _chunk(
    items: Sequence[dict[str, Any]], collected_at: datetime
) -> tuple[pa.Table, list[int], list[int]]:
    n = len(items)
    bad: set[int] = set()
    if not all(map(_FIELDS.issuperset, items)):
        bad.update(i for i, d in enumerate(items) if not d.keys() <= _FIELDS)
    columns = dict(zip(_TOP, _pluck(items, _TOP), strict=True))
    authors = _nested(_pluck(items, ("author",))[0], _AUTHOR_FIELDS, bad)
    metrics = _nested(_pluck(items, ("metrics",))[0], _METRIC_FIELDS, bad)
    columns.update(zip(_AUTHOR_KEYS, _pluck(authors, _AUTHOR), strict=True))
    columns.update(zip(METRICS, _pluck(metrics, METRICS), strict=True))
    for name, (types, fast, ok) in CHECKS.items():
        values = columns[name]
        # The set of types (and `fast`, a whole-column test) settles most columns at C speed;
        # `ok` is the exact per-value rule, run only on a column that fails them.
        if not (set(map(type, values)) <= types and (fast is None or fast(values))):
            bad.update(i for i, v in enumerate(values) if not ok(v))
    good = list(range(n))
    if bad:
        good = [i for i in good if i not in bad]
        columns = {name: [values[i] for i in good] for name, values in columns.items()}
    # Text and title are strings or null now; over-long ones are the ordinary path's to reject.
    texts, titles = columns["text"], columns["title"]
    longest = max(map(len, filter(None, texts)), default=0)
    if longest + max(map(len, filter(None, titles)), default=0) > MAX_TEXT_CHARS:
        keep = [
            j
            for j, (text, title) in enumerate(zip(texts, titles, strict=True))
            if len(text or "") + len(title or "") <= MAX_TEXT_CHARS
        ]
        bad.update(set(good) - {good[j] for j in keep})
        good = [good[j] for j in keep]
        columns = {name: [values[j] for j in keep] for name, values in columns.items()}
    try:
        created = times(columns["created_at"])
        collected = _collected(columns["collected_at"], collected_at)
    except pa.ArrowInvalid:
        # A well-formed time that is no date (2026-02-30) fails Arrow's cast, and `parse_time`
        # too: find those rows, leave them to the ordinary path, convert the rest.
        keep = [
            j
            for j, (created, collected) in enumerate(
                zip(columns["created_at"], columns["collected_at"], strict=True)
            )
            if castable(created) and (collected is None or castable(collected))
        ]
        bad.update(set(good) - {good[j] for j in keep})
        good = [good[j] for j in keep]
        columns = {name: [values[j] for j in keep] for name, values in columns.items()}
        created = times(columns["created_at"])
        collected = _collected(columns["collected_at"], collected_at)
    return _table(columns, len(good), created, collected), good, sorted(bad)


def _pluck(dicts: Sequence[dict[str, Any]], names: tuple[str, ...]) -> list[list[Any]]:
    """The values of `names` in each dict (None when missing), one list per name.

    `hubbub export` writes every field on every line, so one itemgetter call per dict gets
    them all in C; a dict missing one falls back to `get`.
    """
    if not dicts:
        return [[] for _ in names]
    try:
        getter = itemgetter(*names)
        if len(names) == 1:
            return [list(map(getter, dicts))]
        return [list(column) for column in zip(*map(getter, dicts), strict=True)]
    except KeyError:
        return [[d.get(name) for d in dicts] for name in names]


def _nested(values: list[Any], fields: frozenset[str], bad: set[int]) -> list[dict[str, Any]]:
    """The nested objects of one field ({} for null); a non-object or unknown key is a misfit."""
    types = set(map(type, values))
    if types <= {dict, _NONE} and all(map(fields.issuperset, filter(None, values))):
        return [{} if v is None else v for v in values] if _NONE in types else values
    out = []
    for i, value in enumerate(values):
        if value is None:
            value = {}
        elif value.__class__ is not dict or not value.keys() <= fields:
            bad.add(i)
            value = {}
        out.append(value)
    return out


def _collected(values: list[str | None], collected_at: datetime) -> pa.Array:
    if any(v is not None for v in values):
        return pc.fill_null(times(values), pa.scalar(collected_at, _TS))
    return pa.array([collected_at] * len(values), _TS)


def _empty_columns() -> dict[str, Any]:
    return {name: [] for name in SCHEMA.names if name not in ENRICHMENT_COLUMNS}


def _table(
    columns: dict[str, list[Any]], n: int, created: pa.Array, collected: pa.Array
) -> pa.Table:
    c = columns
    texts = [t if t is not None else "" for t in c["text"]]
    titles = c["title"]
    ids = c["platform_id"]
    if any(v.__class__ is int for v in ids):
        ids = [str(v) if v.__class__ is int else v for v in ids]
    counts = {name: _count(c[name]) for name in METRICS}
    media = c["media"]
    derived = [
        derive_text(title, text, hashtags, mentions, urls)
        for title, text, hashtags, mentions, urls in zip(
            titles, texts, c["hashtags"], c["mentions"], c["urls"], strict=True
        )
    ]
    out: dict[str, Any] = {
        "platform": c["platform"],
        "platform_id": ids,
        "kind": [k or "post" for k in c["kind"]],
        "url": c["url"],
        "created_at": created,
        "collected_at": collected,
        "author_id": c["author.id"],
        "author_handle": c["author.handle"],
        "author_name": c["author.name"],
        "author_followers": _count(c["author.followers"]),
        "author_following": _count(c["author.following"]),
        "author_verified": c["author.verified"],
        "author_country": c["author.country"],
        "author_url": c["author.url"],
        "title": titles,
        "text": texts,
        "lang": c["lang"],
        **counts,
        "engagement": _engagement([counts[k] for k in ("likes", "reposts", "replies", "quotes")]),
        "parent_id": _refs(c["parent_id"]),
        "root_id": _refs(c["root_id"]),
        "repost_of": _refs(c["repost_of"]),
        "media_types": [[m["type"] for m in ms] if ms else [] for ms in media],
        "media_urls": [[m.get("url") or "" for m in ms] if ms else [] for ms in media],
        "country": c["country"],
        "rating": c["rating"],
        "source": [DEFAULT_SOURCE if s is None else s for s in c["source"]],
    }
    if derived:
        out.update(zip(DERIVED_COLUMNS, zip(*derived, strict=True), strict=True))
    else:
        out.update((name, []) for name in DERIVED_COLUMNS)
    return table_from_columns(out, n)


def _refs(values: list[str | None]) -> list[str | None]:
    # parent_id, root_id, repost_of: `validate` strips them and turns blank into None.
    if not any(values):  # all null or blank: the usual case, settled in C
        return [None] * len(values)
    return [None if v is None else (v.strip() or None) for v in values]


def _count(values: list[int | None]) -> pa.Array:
    """Counts as UInt64, a negative one (a platform's "hidden") as unknown, like `_nonneg`."""
    array = pa.array(values, _I64)
    if array.null_count < len(array) and pc.min(array).as_py() < 0:
        array = pc.if_else(pc.less(array, 0), pa.scalar(None, _I64), array)
    return array.cast(_U64)


def _engagement(parts: list[pa.Array]) -> pa.Array:
    """Sum of the known parts, null when none is known or the sum overflows UInt64."""
    try:
        total = parts[0].fill_null(0)
        for part in parts[1:]:
            total = pc.add_checked(total, part.fill_null(0))
    except pa.ArrowInvalid:  # overflow: per row, as rows.py does it
        rows = zip(*(p.to_pylist() for p in parts), strict=True)
        return pa.array([_python_sum(r) for r in rows], _U64)
    unknown = parts[0].is_null()
    for part in parts[1:]:
        unknown = pc.and_(unknown, part.is_null())
    return pc.if_else(unknown, pa.scalar(None, _U64), total)


def _python_sum(parts: tuple[int | None, ...]) -> int | None:
    known = [p for p in parts if p is not None]
    total = sum(known)
    return total if known and total <= _U64_MAX else None
