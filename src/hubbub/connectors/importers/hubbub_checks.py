"""Which values the Hubbub NDJSON fast path (`hubbub_columns`) takes as they are.

Per field: the types allowed, an optional whole-column test that runs in C (or Arrow), and the
exact per-value rule, which only runs on a column the first two do not settle. A value is
taken only when `Post.from_dict` + `validate` would store it unchanged; anything else (valid or
not) is left to them, so this never decides a reject or its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain
from operator import methodcaller
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hubbub.models import KINDS, MAX_COUNT, MEDIA_TYPES
from hubbub.store.rows import SCHEMA

METRICS = ("likes", "reposts", "replies", "quotes", "views")
_MEDIA_FIELDS = frozenset({"type", "url"})
# UTC times with at most millisecond digits: Arrow's cast reads these to the same instant as
# `parse_time`, and the store keeps milliseconds. Anything else takes the ordinary path.
_TIME_RE2 = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,3})?Z$"
_TIME = re.compile(_TIME_RE2[1:-1])
_TS = SCHEMA.field("created_at").type
_I64 = pa.int64()


def times(values: list[str | None]) -> pa.Array:
    """Times as the store's timestamps; raises ArrowInvalid on a well-formed non-date."""
    return pa.array(values, pa.string()).cast(_TS)


def castable(value: str) -> bool:
    try:
        times([value])
    except pa.ArrowInvalid:
        return False
    return True


def _media_ok(media: Any) -> bool:
    if media is None:
        return True
    if media.__class__ is not list:
        return False
    for m in media:
        if m.__class__ is not dict or not m.keys() <= _MEDIA_FIELDS:
            return False
        kind, url = m.get("type"), m.get("url")
        if kind.__class__ is not str or kind not in MEDIA_TYPES:
            return False
        if url is not None and url.__class__ is not str:
            return False
    return True


# Predicates: exact types (orjson gives no subclasses), and only values the ordinary path stores
# unchanged (`validate` lower-cases and strips identities; those with spaces go that way).
def _platform_ok(v: Any) -> bool:
    return v.__class__ is str and v != "" and v == v.strip().lower()


def _id_ok(v: Any) -> bool:
    return (v.__class__ is str and v != "" and v == v.strip()) or v.__class__ is int


def _time_ok(v: Any) -> bool:
    return v.__class__ is str and _TIME.fullmatch(v) is not None


def _opt_time_ok(v: Any) -> bool:
    return v is None or (v.__class__ is str and _TIME.fullmatch(v) is not None)


def _kind_ok(v: Any) -> bool:
    return v is None or (v.__class__ is str and (v == "" or v in KINDS))


def _lang_ok(v: Any) -> bool:
    return v is None or (v.__class__ is str and v.strip() != "")


def _rating_ok(v: Any) -> bool:
    return v is None or ((v.__class__ is int or v.__class__ is float) and 0 <= v <= 10)


def _opt_str(v: Any) -> bool:
    return v is None or v.__class__ is str


def _opt_strs(v: Any) -> bool:
    return v is None or (v.__class__ is list and all(x.__class__ is str for x in v))


def _opt_count(v: Any) -> bool:
    return v is None or (v.__class__ is int and v <= MAX_COUNT)


def _opt_bool(v: Any) -> bool:
    return v is None or v.__class__ is bool


def _all_distinct(ok: Callable[[Any], bool]) -> Callable[[list[Any]], bool]:
    """A whole-column test for a low-cardinality column: `ok` once per distinct value."""
    return lambda values: all(map(ok, set(values)))


def _ids_fast(values: list[Any]) -> bool:
    strs = [v for v in values if v.__class__ is str]
    return "" not in strs and list(map(str.strip, strs)) == strs


def _times_fast(values: list[Any]) -> bool:
    return bool(pc.all(pc.match_substring_regex(pa.array(values, pa.string()), _TIME_RE2)).as_py())


def _counts_fast(values: list[Any]) -> bool:
    try:
        pa.array(values, _I64)  # raises past the signed 64-bit range, i.e. over MAX_COUNT
    except (OverflowError, pa.ArrowException):
        return False
    return True


_GET_TYPE, _GET_URL = methodcaller("get", "type"), methodcaller("get", "url")


def _media_fast(values: list[Any]) -> bool:
    media = list(chain.from_iterable(filter(None, values)))
    if not set(map(type, media)) <= {dict} or not all(map(_MEDIA_FIELDS.issuperset, media)):
        return False
    try:
        if not set(map(_GET_TYPE, media)) <= MEDIA_TYPES:
            return False
    except TypeError:  # an unhashable type
        return False
    return set(map(type, map(_GET_URL, media))) <= _S


def _strs_fast(values: list[Any]) -> bool:
    return set(map(type, chain.from_iterable(filter(None, values)))) <= {str}


_NONE = type(None)
_S = frozenset({str, _NONE})
CHECKS: dict[str, tuple[frozenset[type], Callable[[list[Any]], bool] | None, Callable[[Any], bool]]]
CHECKS = {
    "platform": (frozenset({str}), _all_distinct(_platform_ok), _platform_ok),
    "platform_id": (frozenset({str, int}), _ids_fast, _id_ok),
    "created_at": (frozenset({str}), _times_fast, _time_ok),
    "collected_at": (frozenset({_NONE}), None, _opt_time_ok),
    "kind": (_S, _all_distinct(_kind_ok), _kind_ok),
    "lang": (_S, _all_distinct(_lang_ok), _lang_ok),
    "rating": (frozenset({_NONE}), None, _rating_ok),
    **dict.fromkeys(
        ("hashtags", "mentions", "urls"), (frozenset({list, _NONE}), _strs_fast, _opt_strs)
    ),
    **dict.fromkeys(
        ("author.followers", "author.following", *METRICS),
        (frozenset({int, _NONE}), _counts_fast, _opt_count),
    ),
    "author.verified": (frozenset({bool, _NONE}), None, _opt_bool),
    "media": (frozenset({list, _NONE}), _media_fast, _media_ok),
    **dict.fromkeys(
        (
            "text",
            "url",
            "title",
            "country",
            "source",
            "parent_id",
            "root_id",
            "repost_of",
            "author.id",
            "author.handle",
            "author.name",
            "author.country",
            "author.url",
        ),
        (_S, None, _opt_str),
    ),
}
