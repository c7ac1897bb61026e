"""`twarc2`: `twarc2 flatten` output, one tweet per line with its expansions inlined.

twarc puts the author under `author`, each referenced tweet's fields (and its `author`) into
`referenced_tweets[]`, media objects into `attachments.media`, and the place's fields into
`geo`. The line is already self-contained, so it is the raw item unchanged; `map_item` rebuilds
the pieces the shared v2 mapping takes.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.units import line_units, loads, sample_json
from hubbub.connectors.importers.values import dig
from hubbub.connectors.importers.x_v2_tweet import PLATFORM, tweet_post
from hubbub.errors import InvalidPost
from hubbub.models import Post

NAME = "twarc2"


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    return (
        isinstance(data, dict)
        and "data" not in data
        and "text" in data
        and "author_id" in data
        and ("__twarc" in data or isinstance(data.get("author"), dict))
    )


def parse(unit: bytes) -> list[dict[str, Any]]:
    data = loads(unit)
    if not isinstance(data, dict):
        raise InvalidPost("a twarc2 flattened line must be a JSON object")
    return [data]


def map_item(item: dict[str, Any]) -> Post:
    if "text" not in item or "id" not in item:
        raise InvalidPost("not a flattened tweet (no id or text)")
    referenced = [
        {"type": ref.get("type"), "id": ref.get("id")}
        for ref in item.get("referenced_tweets") or []
        if isinstance(ref, dict)
    ]
    geo = item.get("geo") or {}
    return tweet_post(
        item,
        item.get("author") if isinstance(item.get("author"), dict) else None,
        referenced,
        [m for m in dig(item, "attachments", "media") or [] if isinstance(m, dict)],
        geo if isinstance(geo, dict) and geo.get("country_code") else None,
        source=f"import:{NAME}",
        collected_at=dig(item, "__twarc", "retrieved_at"),
    )


FORMAT = ImportFormat(
    name=NAME,
    description="twarc2 flattened JSONL: one tweet per line with author and expansions",
    sniff=sniff,
    units=line_units,
    parse=parse,
    map=map_item,
    platform=PLATFORM,
)
