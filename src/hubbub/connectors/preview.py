"""`hubbub source test`: what one run of a source would collect, without collecting it.

The connector's own `sample` (its first page, or a short bounded read of a stream) is mapped
with its own pure `map`, so the preview shows exactly the posts a run would store first, and
the items a run would reject, with their reasons. Nothing is written: no store, no raw
archive, no cursor, no health.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubbub.connectors.base import Connector
from hubbub.connectors.cursors import iso
from hubbub.connectors.importers.pipeline import ITEM_ERRORS
from hubbub.models import Post


@dataclass
class Preview:
    source: str
    fetched: int = 0  # raw items received
    posts: list[Post] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # one reason per rejected item
    skipped: int = 0  # items that are not posts (deletions, likes)
    requests: int = 0  # HTTP requests and WebSocket connections made

    def rows(self, width: int = 80) -> list[dict[str, Any]]:
        """One row per post: platform, id, created_at, author, the start of its text."""
        return [
            {
                "platform": post.platform,
                "id": post.platform_id,
                "created_at": iso(post.created_at),  # UTC, whatever zone the platform gave
                "author": post.author.handle or post.author.name or post.author.id,
                "text": " ".join((post.text or "").split())[:width],
            }
            for post in self.posts
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "fetched": self.fetched,
            "posts": self.rows(),
            "rejected": self.rejected,
            "skipped": self.skipped,
            "requests": self.requests,
        }


def preview(connector: Connector, cursor: dict[str, Any]) -> Preview:
    """Sample the source from `cursor` and map what came; SourceErrors propagate."""
    result = Preview(connector.config.name)
    page = connector.sample(cursor)
    result.fetched = len(page.items)
    for item in page.items:
        try:
            post = connector.map(item)
        except ITEM_ERRORS as exc:
            result.rejected.append(str(exc) or type(exc).__name__)
            continue
        if post is None:
            result.skipped += 1
        else:
            result.posts.append(post)
    result.requests = connector.requests
    return result
