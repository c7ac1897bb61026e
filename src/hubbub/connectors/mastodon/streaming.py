"""Mastodon's streaming API (server-sent events) on several servers at once.

Each server's stream is read in its own thread (`hubbub.connectors.stream.merged`):

- no query: `/api/v1/streaming/public` (`local=true`: `/public/local`);
- `#tag`: `/api/v1/streaming/hashtag?tag=<tag>` (`local=true`: `/hashtag/local`);
- other words: the public stream, filtered on our side with the Hubbub query (the
  streaming API has no keyword search).

`update` and `status.update` events carry a Status entity, the same JSON the REST API
returns, so the raw archive and mapping are those of the `mastodon` type (an edited status is
stored once, as first seen). Deletions and the rest are not posts and are dropped.

A stream cannot replay what was said while nobody listened. So the cursor is the REST
connector's (per server, the newest status id seen), and a run first catches up through the
REST timeline from that id (at most 25 pages of 40 per server) before it listens; the
first run listens only. `catch_up=false` turns this off.

The streaming host may differ from the server's (mastodon.social streams from
streaming.mastodon.social): it is read from `/api/v2/instance` (`configuration.urls.streaming`);
when that fails, the server's own address is used. Since Mastodon 4.2 most servers require an
access token for streams, from the same variables as the REST connector.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import orjson

from hubbub.connectors.base import Page
from hubbub.connectors.http import HttpClient
from hubbub.connectors.importers.values import dig
from hubbub.connectors.mastodon.connector import TOKEN_VAR, MastodonConnector, _max_id
from hubbub.connectors.stream import (
    PostFilter,
    SseEvent,
    StreamContext,
    StreamingConnector,
    merged,
    reconnecting,
    sse_events,
)
from hubbub.errors import SourceError, SourceTerminal
from hubbub.models import Post

STATUS_EVENTS = ("update", "status.update")
READ_TIMEOUT = 90.0  # servers send a `:thump` comment every ~15 s; silence this long is a drop


class MastodonStreamConnector(StreamingConnector, MastodonConnector):
    type = "mastodon_stream"

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return MastodonConnector.map(raw)

    def check_config(self) -> None:
        StreamingConnector.check_config(self)
        MastodonConnector.check_config(self)
        self._filter()
        self.bool_option("catch_up", True)

    def _tag(self) -> str | None:
        query = (self.config.query or "").strip()
        return query[1:] if query.startswith("#") and " " not in query and len(query) > 1 else None

    def _filter(self) -> PostFilter | None:
        query = (self.config.query or "").strip()
        if not query or self._tag():
            return None  # the server's stream is already what was asked for
        return PostFilter(query, self.config.name, MastodonConnector.map)

    def _local(self) -> bool:
        return self.bool_option("local", False)

    def _endpoint(self) -> tuple[str, dict[str, Any]]:
        """The REST timeline a catch-up reads: the stream's, as a timeline (never search)."""
        tag = self._tag()
        params: dict[str, Any] = {"limit": 40}
        if tag:
            return f"/api/v1/timelines/tag/{quote(tag, safe='')}", params
        if self._local():
            params["local"] = "true"
        return "/api/v1/timelines/public", params

    def _stream_endpoint(self) -> tuple[str, dict[str, str]]:
        tag, local = self._tag(), self._local()
        if tag:
            return "/api/v1/streaming/hashtag" + ("/local" if local else ""), {"tag": tag}
        return "/api/v1/streaming/public" + ("/local" if local else ""), {}

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        state = copy.deepcopy(cursor)
        per_server: dict[str, Any] = state.setdefault("instances", {})
        keep = self._filter()
        errors: list[SourceError] = []
        if self.bool_option("catch_up", True):
            for instance in self.instances():
                if since is None and not (per_server.get(instance) or {}).get("min_id"):
                    continue  # never read: listen from now on
                try:
                    for page in self._fetch_server(instance, state, per_server, since):
                        yield Page(keep(page.items) if keep else page.items, page.cursor)
                except SourceError as exc:
                    errors.append(exc)  # the stream may still work; reported at the end
        bounds = self.bounds()
        ctx = self.stream_context(bounds, auth_hint=f"set {TOKEN_VAR} to an access token")
        streams = {i: self._listen(i, ctx) for i in self.instances()}

        def handle(named: tuple[str, SseEvent]) -> list[dict[str, Any]]:
            instance, event = named
            if event.event not in STATUS_EVENTS:
                return []
            try:
                status = orjson.loads(event.data)
            except orjson.JSONDecodeError:
                return [{"invalid_event": event.data[:200]}]  # rejected with a reason
            if isinstance(status, dict) and isinstance(status.get("id"), str):
                seen = _max_id((per_server.get(instance) or {}).get("min_id"), status["id"])
                per_server[instance] = {"min_id": seen}
            return [status]

        try:
            yield from self.pages(
                merged(streams, ctx), bounds, handle, lambda: copy.deepcopy(state), keep
            )
        except SourceError as exc:
            errors.append(exc)
        if errors:
            raise (
                errors[0]
                if len(errors) == 1
                else type(errors[0])("; ".join(str(e) for e in errors))
            )

    def _listen(self, instance: str, ctx: StreamContext) -> Callable[[], Iterator[Any]]:
        """One server's stream, reconnecting; the HTTP client is made here, in the caller's
        thread, so that closing the connector closes it too."""
        http = self._streaming_client(instance)
        path, params = self._stream_endpoint()

        def session() -> Iterator[SseEvent | None]:
            return sse_events(http.stream_lines(path, params, read_timeout=READ_TIMEOUT))

        return lambda: reconnecting(session, ctx)

    def _streaming_client(self, instance: str) -> HttpClient:
        token = self.secret(self.token_variable(instance)) or self.secret(TOKEN_VAR)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        hint = f"set {self.token_variable(instance)} or {TOKEN_VAR} to an access token"
        host = self.option("streaming_url") or self._discover(instance, headers, hint)
        # Streams are long reads, not a request budget: no pacing between reconnects.
        return self.client(host, headers=headers, auth_hint=hint, min_interval=0.0)

    def _discover(self, instance: str, headers: dict[str, str], hint: str) -> str:
        http = self.client(instance, headers=headers, auth_hint=hint)
        try:
            body = http.get_json("/api/v2/instance")
        except SourceTerminal:
            return instance  # an older server, or one that hides it: try its own address
        url = dig(body, "configuration", "urls", "streaming")
        if not isinstance(url, str) or not urlsplit(url).hostname:
            return instance
        scheme = {"wss": "https", "ws": "http"}.get(urlsplit(url).scheme, urlsplit(url).scheme)
        return f"{scheme}://{urlsplit(url).netloc}"
