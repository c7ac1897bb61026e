"""`pushshift`: Pushshift / Arctic Shift NDJSON, one submission or comment per line.

The monthly RS_/RC_ dumps are zstd files of flat objects (`id`, `author`, `created_utc`,
`subreddit`, and `title`/`selftext` or `body`/`parent_id`/`link_id`); `detect.open_stream`
decompresses them as a stream. The line is the raw item; it maps like a Reddit listing child.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.reddit import PLATFORM, looks_like_comment, map_thing
from hubbub.connectors.importers.units import line_units, loads, sample_json
from hubbub.errors import InvalidPost
from hubbub.models import Post

NAME = "pushshift"


def sniff(sample: bytes, name: str) -> bool:
    data = sample_json(sample)
    return (
        isinstance(data, dict)
        and "subreddit" in data
        and "created_utc" in data
        and ("body" in data or "title" in data)
    )


def parse(unit: bytes) -> list[dict[str, Any]]:
    data = loads(unit)
    if not isinstance(data, dict):
        raise InvalidPost("a Pushshift line must be a JSON object")
    return [data]


def map_item(item: dict[str, Any]) -> Post:
    return map_thing(item, is_comment=looks_like_comment(item), source=f"import:{NAME}")


FORMAT = ImportFormat(
    name=NAME,
    description="Pushshift/Arctic Shift NDJSON (.zst dumps too): one submission or comment",
    sniff=sniff,
    units=line_units,
    parse=parse,
    map=map_item,
    platform=PLATFORM,
)
