"""Hacker News via Algolia's `search_by_date`: newest first, walked backwards by time.

`search_by_date` sorts newest first and Algolia stops paging after 1,000 hits, so page numbers
cannot reach far back. Instead each request asks for `created_at_i > lower` (the cursor) and
`created_at_i <= upper`, where `upper` is the oldest time seen so far: a keyset walk with no
depth limit. Because the walk goes backwards, the cursor cannot jump to the newest time until
the walk reaches `lower`; until then every page commits the walk's position (`{"created_at_i":
..., "walk": {"lower", "upper", "newest"}}`), so a crash or `max_pages` resumes the walk where it
stopped and nothing in the window is skipped.

No authentication. Algolia documents a limit of 10,000 requests per hour per IP for this API:
we pace at one request per 0.4 s (9,000/hour) at most.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.hackernews.mapping import PLATFORM, map_hit
from hubbub.errors import SourceTerminal
from hubbub.models import Post

FIRST_RUN_HOURS = 24  # a new source without --backfill-since starts this far back
HITS_PER_PAGE = 100
MAX_PAGES = 50  # per run; the walk resumes next run


class HackerNewsConnector(Connector):
    type = "hackernews"
    platform = PLATFORM
    archive_name = "hackernews_algolia"
    default_base_url = "https://hn.algolia.com/api/v1"
    min_interval = 0.4

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_hit(raw)

    def check_config(self) -> None:
        self.int_option("hits_per_page", HITS_PER_PAGE)
        self.int_option("max_pages", MAX_PAGES)

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        http = self.client()
        tags = self.option("tags", "(story,comment)")
        per_page = self.int_option("hits_per_page", HITS_PER_PAGE)
        max_pages = self.int_option("max_pages", MAX_PAGES)
        committed = int(cursor.get("created_at_i") or 0)
        walk = cursor.get("walk") if isinstance(cursor.get("walk"), dict) else None
        if since is not None:
            # A backfill walks the whole window again; the store drops what it holds.
            lower, upper, newest = int(since.timestamp()) - 1, None, committed
        elif walk:
            lower = int(walk.get("lower") or committed)
            upper, newest = walk.get("upper"), int(walk.get("newest") or 0)
        else:
            first = int(self._clock()) - FIRST_RUN_HOURS * 3600
            lower, upper, newest = committed or first, None, committed
        seen: set[str] = set()
        for _ in range(max_pages):
            filters = f"created_at_i>{lower}"
            if upper is not None:
                filters += f",created_at_i<={int(upper)}"
            params: dict[str, Any] = {"numericFilters": filters, "hitsPerPage": per_page}
            if self.config.query:
                params["query"] = self.config.query
            if tags:
                params["tags"] = tags
            body = http.get_json("/search_by_date", params)
            hits = body.get("hits") if isinstance(body, dict) else None
            if not isinstance(hits, list):
                raise SourceTerminal(f"{self.config.name}: Algolia's answer has no `hits` list")
            fresh = [h for h in hits if not (isinstance(h, dict) and _id(h) in seen)]
            seen.update(_id(h) for h in fresh if isinstance(h, dict))
            times = [t for t in (_time(h) for h in hits) if t is not None]
            newest = max([newest, *times])
            done = len(hits) < per_page or not times
            if not done and not fresh:
                # A whole page within one second, all seen: step past that second.
                upper = min(times) - 1
            elif times:
                upper = min(times)
            if done:
                yield Page(fresh, {"created_at_i": max(newest, committed)})
                return
            position = {"lower": lower, "upper": upper, "newest": newest}
            yield Page(fresh, {"created_at_i": committed, "walk": position})


def _id(hit: dict[str, Any]) -> str:
    return str(hit.get("objectID"))


def _time(hit: Any) -> int | None:
    value = hit.get("created_at_i") if isinstance(hit, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
