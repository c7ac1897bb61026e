"""Bluesky post search: `app.bsky.feed.searchPosts` with `sort=latest`, paged by its cursor.

Search pages run newest first, so the incremental cursor (`since`: the newest post time
collected, an ISO time passed as the API's inclusive `since`) moves only when a run has read
back to it. A run that stops at `max_pages` commits its position instead (`walk`: the window's
start, the oldest time reached as the API's `until`, the newest time seen) and the next run
finishes the window first, so nothing is skipped.

Authentication: the public AppView (`https://public.api.bsky.app`) has answered search without
credentials, but may refuse it (HTTP 403). Set `HUBBUB_BLUESKY_HANDLE` and
`HUBBUB_BLUESKY_APP_PASSWORD` (an app password, Settings → App passwords) and Hubbub opens a
session at `https://bsky.social` (option `auth_url`) and searches through it. Bluesky's
documented AppView limit is 3,000 requests per 5 minutes per IP; we pace at 5 requests/s and
honour the `ratelimit-*` headers it sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.bluesky.mapping import PLATFORM, map_post_view
from hubbub.connectors.cursors import iso, parse_iso
from hubbub.connectors.http import HttpClient
from hubbub.errors import ConfigError, InvalidPost, SourceAuthError, SourceTerminal
from hubbub.models import Post, parse_time

HANDLE_VAR = "HUBBUB_BLUESKY_HANDLE"
PASSWORD_VAR = "HUBBUB_BLUESKY_APP_PASSWORD"
AUTH_URL = "https://bsky.social"
FIRST_RUN = timedelta(hours=24)
PAGE_LIMIT = 100  # the documented maximum
MAX_PAGES = 50


class BlueskyConnector(Connector):
    type = "bluesky"
    platform = PLATFORM
    archive_name = "bluesky_post_view"
    default_base_url = "https://public.api.bsky.app"
    env_vars = (HANDLE_VAR, PASSWORD_VAR)
    min_interval = 0.2

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_post_view(raw)

    def check_config(self) -> None:
        if not (self.config.query or "").strip():
            raise ConfigError(f"{self.config.name}: a bluesky source needs --query")
        self.int_option("max_pages", MAX_PAGES)

    def _session(self) -> HttpClient:
        hint = f"set {HANDLE_VAR} and {PASSWORD_VAR} (an app password) to search while logged in"
        handle, password = self.secret(HANDLE_VAR), self.secret(PASSWORD_VAR)
        if not (handle and password):
            return self.client(auth_hint=hint)
        auth_url = self.option("auth_url", AUTH_URL) or AUTH_URL
        login = self.client(auth_url, auth_hint=f"check {HANDLE_VAR} and {PASSWORD_VAR}")
        session = login.post_json(
            "/xrpc/com.atproto.server.createSession",
            {"identifier": handle, "password": password},
        )
        token = session.get("accessJwt") if isinstance(session, dict) else None
        if not isinstance(token, str):
            raise SourceAuthError(f"{self.config.name}: Bluesky did not open a session; {hint}")
        # Logged in, requests go through the account's server, which proxies to the AppView.
        http = self.client(self.config.base_url or auth_url, auth_hint=hint)
        http.set_header("Authorization", f"Bearer {token}")
        return http

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        http = self._session()
        committed = _time(cursor.get("since"))
        walk = cursor.get("walk") if isinstance(cursor.get("walk"), dict) else None
        until: datetime | None = None
        lower: datetime | None
        if since is not None:
            lower, newest = since, committed
        elif walk:
            lower, until = _time(walk.get("since")), _time(walk.get("until"))
            newest = _time(walk.get("newest"))
        else:
            lower = committed or datetime.fromtimestamp(self._clock(), UTC) - FIRST_RUN
            newest = committed
        api_cursor: str | None = None
        oldest: datetime | None = None
        for _ in range(self.int_option("max_pages", MAX_PAGES)):
            params: dict[str, Any] = {"q": self.config.query, "sort": "latest", "limit": PAGE_LIMIT}
            if lower is not None:
                params["since"] = iso(lower)
            if until is not None:
                params["until"] = iso(until)
            if self.option("lang"):
                params["lang"] = self.option("lang")
            if api_cursor:
                params["cursor"] = api_cursor
            body = http.get_json("/xrpc/app.bsky.feed.searchPosts", params)
            posts = body.get("posts") if isinstance(body, dict) else None
            if not isinstance(posts, list):
                raise SourceTerminal(f"{self.config.name}: searchPosts returned no `posts` list")
            times = [t for t in (_sort_at(p) for p in posts) if t is not None]
            if times:
                newest = max([t for t in (newest, *times) if t is not None])
                oldest = min([t for t in (oldest, *times) if t is not None])
            api_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            if not posts or not api_cursor:
                done = newest or committed or lower
                yield Page(posts, {"since": iso(done)} if done else {})
                return
            yield Page(posts)
        position = {"since": _iso(lower), "until": _iso(oldest or until), "newest": _iso(newest)}
        yield Page([], {"since": _iso(committed), "walk": position})


def _sort_at(view: Any) -> datetime | None:
    """The time search sorts and filters by: the earlier of createdAt and indexedAt."""
    if not isinstance(view, dict):
        return None
    record = view.get("record")
    if not isinstance(record, dict):
        record = {}
    times = []
    for value in (view.get("indexedAt"), record.get("createdAt")):
        try:
            times.append(parse_time(value))
        except (InvalidPost, AttributeError):
            continue
    return min(times) if times else None


def _time(value: Any) -> datetime | None:
    return parse_iso(value) if isinstance(value, str) and value else None


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value else None
