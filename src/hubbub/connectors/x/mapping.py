"""One joined X API v2 tweet (`{"tweet", "author", "referenced", "media", "place"}`) → Post.

Raw items are built from each response by the importer's `join_response` (twitter_v2.py),
which attaches what `includes` holds for each tweet, and mapped by the same function as an
imported response: a tweet collected live and the same tweet imported from a twarc2 file give
the same Post, bar `source`. What could not be joined (a stream line that is not JSON, a tweet
that is not an object) arrives as `{"malformed": text, "reason": why}` and is rejected here.
"""

from __future__ import annotations

from typing import Any

from hubbub.connectors.importers.twitter_v2 import map_item
from hubbub.connectors.importers.x_v2_tweet import PLATFORM
from hubbub.errors import InvalidPost
from hubbub.models import Post

SOURCE = "connector:x"
__all__ = ["PLATFORM", "SOURCE", "map_joined"]


def map_joined(item: dict[str, Any]) -> Post | None:
    if not isinstance(item, dict):
        raise InvalidPost("an X raw item must be a JSON object")
    if "malformed" in item:
        raise InvalidPost(f"{item.get('reason')}: {str(item['malformed'])[:80]!r}")
    post = map_item(item)
    post.source = SOURCE
    return post
