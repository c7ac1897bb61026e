"""`hubbub`: Hubbub's own NDJSON, one `Post.to_dict()` per line (docs/ndjson-format.md).

The raw item is the line's object itself; mapping is `Post.from_dict`, which validates it.
Batches take the columnar fast path (`hubbub_columns`) for lines already in canonical shape.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import orjson

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.units import line_units, loads, sample_json
from hubbub.errors import InvalidPost
from hubbub.models import Post

NAME = "hubbub"
DEFAULT_SOURCE = f"import:{NAME}"
_REQUIRED = ("platform", "platform_id", "created_at")


# How `hubbub export` (Post.to_dict) starts every line; used when the first line is too long to
# parse whole within the sniff sample, or is not valid UTF-8 further on.
_LEADING_KEYS = re.compile(rb'^\{\s*"platform"\s*:\s*"[^"]*"\s*,\s*"platform_id"\s*:\s*["0-9]')


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    if data is None:
        return bool(_LEADING_KEYS.match(sample)) and b'"created_at"' in sample[:4096]
    return isinstance(data, dict) and all(k in data for k in _REQUIRED) and "data" not in data


def parse(unit: bytes) -> list[dict[str, Any]]:
    data = loads(unit)
    if not isinstance(data, dict):
        raise InvalidPost("a Hubbub NDJSON line must be a JSON object")
    return [data]


def parse_many(units: list[bytes]) -> list[dict[str, Any]] | None:
    """Every unit's object, or None when one is not a JSON object (`parse` says why)."""
    try:
        items = list(map(orjson.loads, units))
    except orjson.JSONDecodeError:
        return None
    return items if set(map(type, items)) <= {dict} else None


def map_item(item: dict[str, Any]) -> Post:
    post = Post.from_dict(item, validate=False)  # the import pipeline validates every post
    if post.source is None:
        post.source = DEFAULT_SOURCE
    return post


def map_columns(
    items: list[dict[str, Any]], collected_at: datetime
) -> tuple[Any, list[int], list[int]]:
    """The columnar fast path (imported at first use: it pulls in the text stack)."""
    from hubbub.connectors.importers.hubbub_columns import hubbub_columns

    return hubbub_columns(items, collected_at)


FORMAT = ImportFormat(
    name=NAME,
    description="Hubbub NDJSON: one post per line, as `hubbub export` writes it",
    sniff=sniff,
    units=line_units,
    parse=parse,
    map=map_item,
    map_columns=map_columns,
    parse_many=parse_many,
)
