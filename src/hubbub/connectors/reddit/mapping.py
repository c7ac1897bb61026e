"""One Reddit listing child (`{"kind": "t3" | "t1" | "more", "data": {...}}`) → Post.

The mapping of a submission or comment is the importer's (`importers/reddit.py`, `map_thing`),
so a listing collected live and the same listing imported from a file give the same Post; only
`source` differs. `more` stubs, messages and other kinds are not posts (None).
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.reddit import PLATFORM, map_thing
from hubbub.errors import InvalidPost
from hubbub.models import Post

SOURCE = "connector:reddit"
__all__ = ["PLATFORM", "SOURCE", "map_child"]


def map_child(child: dict[str, Any]) -> Post | None:
    if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
        raise InvalidPost("a Reddit listing child must be an object with a `data` object")
    kind = child.get("kind")
    if kind not in ("t1", "t3"):
        return None
    return map_thing(child["data"], is_comment=kind == "t1", source=SOURCE)
