"""Bluesky's Jetstream: the network's firehose as JSON over a WebSocket, filtered client-side.

`wss://<jetstream host>/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>`
streams every new post on the network (tens per second), no account needed. The server
filters by collection (we ask for posts only: likes, follows and the rest are not posts) and
by author (`dids` option, up to 10,000 DIDs); keywords are ours to apply: `--query` is a
Hubbub query (docs/query-language.md), matched with the percolator's matcher on each batch,
so only matching posts are archived and stored. Without `--query`, every post is kept.

Cursor: `time_us`, the microsecond timestamp Jetstream stamps on each event. A run resumes
from the newest one collected, rewound by `rewind_seconds` (default 5) because events do not
arrive in strict time order; what is replayed twice the store drops. `--backfill-since`
replays from that time, as far back as the instance keeps events (hours to about a day on the
public instances); further back, use `bluesky` (searchPosts) instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import orjson

from hubbub.connectors.base import Page
from hubbub.connectors.bluesky.jetstream_mapping import POST_COLLECTION, map_jetstream_event
from hubbub.connectors.bluesky.mapping import PLATFORM
from hubbub.connectors.stream import (
    Message,
    PostFilter,
    StreamingConnector,
    reconnecting,
    websocket_session,
)
from hubbub.errors import ConfigError
from hubbub.models import Post

MAX_DIDS = 10_000  # Jetstream's documented limit
DEFAULT_REWIND = 5.0


class BlueskyJetstreamConnector(StreamingConnector):
    type = "bluesky_jetstream"
    platform = PLATFORM
    archive_name = "bluesky_jetstream_event"
    default_base_url = "wss://jetstream2.us-east.bsky.network"
    bad_messages = 0  # messages of the last run that were not JSON (skipped)

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_jetstream_event(raw)

    def check_config(self) -> None:
        super().check_config()
        self._filter()
        if len(self._list("dids")) > MAX_DIDS:
            raise ConfigError(f"{self.config.name}: Jetstream takes {MAX_DIDS:,} DIDs at most")
        if any(not d.startswith("did:") for d in self._list("dids")):
            raise ConfigError(f"{self.config.name}: dids must be DIDs (did:plc:..., did:web:...)")
        self._rewind()

    def _list(self, key: str) -> list[str]:
        return [v.strip() for v in (self.option(key) or "").split(",") if v.strip()]

    def _filter(self) -> PostFilter | None:
        query = (self.config.query or "").strip()
        return PostFilter(query, self.config.name, map_jetstream_event) if query else None

    def _rewind(self) -> int:
        text = self.option("rewind_seconds", str(DEFAULT_REWIND)) or str(DEFAULT_REWIND)
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if seconds < 0:
            raise ConfigError(f"{self.config.name}: rewind_seconds must be a number, 0 or more")
        return int(seconds * 1_000_000)

    def url(self, time_us: int | None) -> str:
        base = (self.config.base_url or self.default_base_url).rstrip("/")
        if not base.endswith("/subscribe"):
            base += "/subscribe"
        params = [("wantedCollections", POST_COLLECTION)]
        params += [("wantedDids", d) for d in self._list("dids")]
        if time_us:
            params.append(("cursor", str(time_us)))
        return f"{base}?{urlencode(params)}"

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        self.bad_messages = 0
        bounds = self.bounds()
        ctx = self.stream_context(bounds)
        stored = cursor.get("time_us") if isinstance(cursor.get("time_us"), int) else None
        newest = stored
        start = int(since.timestamp() * 1_000_000) if since is not None else None
        if start is None and stored is not None:
            start = max(0, stored - self._rewind())

        def open_session() -> Iterator[Message | None]:
            # A reconnect within the run resumes from the newest event seen, rewound.
            resume = start if newest in (None, stored) else max(0, newest - self._rewind())
            return websocket_session(self.connect(self.url(resume), {}), ctx)

        def handle(message: Message) -> list[dict[str, Any]]:
            nonlocal newest
            try:
                event = orjson.loads(message)
            except orjson.JSONDecodeError:
                self.bad_messages += 1  # not JSON at all: there is no item to reject
                return []
            if not isinstance(event, dict):
                return [event]  # mapping rejects it with its reason
            time_us = event.get("time_us")
            if isinstance(time_us, int) and not isinstance(time_us, bool):
                newest = max(newest or 0, time_us)
            if event.get("kind") != "commit" or _not_a_post(event):
                return []  # identity and account events, likes, follows, deletions
            return [event]

        def position() -> dict[str, Any]:
            return {"time_us": newest} if newest else {}

        events: Iterator[Message | None] = reconnecting(open_session, ctx)
        yield from self.pages(events, bounds, handle, position, keep=self._filter())


def _not_a_post(event: dict[str, Any]) -> bool:
    """Commits that map to no post, dropped before archiving (the firehose is mostly likes)."""
    commit = event.get("commit")
    if not isinstance(commit, dict):
        return False  # malformed: kept, so the import reports it
    return commit.get("collection") != POST_COLLECTION or commit.get("operation") == "delete"
