"""Mastodon: the public or a hashtag timeline, or status search, on each of a list of servers.

What is read depends on the query: none → `/api/v1/timelines/public` (option `local=true` for
the server's own posts only); `#tag` → `/api/v1/timelines/tag/<tag>`; anything else →
`/api/v2/search?type=statuses` (most servers require a token for search and only index
hashtags and posts their users interacted with; docs/connectors.md says so).

Cursor: per server, the newest status id collected (`min_id`). Asking with `min_id` returns
the statuses right after it, so paging forward commits a cursor after every page. The first run
reads only the newest page; `--backfill-since` walks back with `max_id` to that date instead.
Ids are compared numerically: they are decimal strings of growing length.

Tokens, per server, from the environment: `HUBBUB_MASTODON_TOKEN_<SERVER>` (the host name
upper-cased, non-alphanumerics as `_`, e.g. `HUBBUB_MASTODON_TOKEN_MASTODON_SOCIAL`), else
`HUBBUB_MASTODON_TOKEN`. Public timelines need none unless the server requires it. Mastodon's
documented budget is 300 requests per 5 minutes per account or IP, announced in
`X-RateLimit-*` headers that the HTTP client honours; we also pace at 1 request/s per server.
A server that fails does not stop the others; the run then reports the first failure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.http import HttpClient
from hubbub.connectors.mastodon.mapping import PLATFORM, map_status
from hubbub.errors import ConfigError, InvalidPost, SourceError, SourceTerminal, SourceTransient
from hubbub.models import Post, parse_time

PAGE_LIMIT = 40  # the documented maximum for timelines and search
MAX_PAGES = 25  # per server and run; the cursor is committed page by page, so a run resumes
TOKEN_VAR = "HUBBUB_MASTODON_TOKEN"


class MastodonConnector(Connector):
    type = "mastodon"
    platform = PLATFORM
    archive_name = "mastodon_status"
    default_base_url = "https://mastodon.social"
    env_vars = (TOKEN_VAR, f"{TOKEN_VAR}_<SERVER>")
    min_interval = 1.0

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_status(raw)

    def check_config(self) -> None:
        for instance in self.instances():
            if not urlsplit(instance).hostname:
                raise ConfigError(f"{self.config.name}: {instance!r} is not a server name or URL")
        self.bool_option("local", False)  # refuse `local=maybe` on `source add`

    def instances(self) -> list[str]:
        names = self.config.instances or [self.config.base_url or self.default_base_url]
        return [(n if "://" in n else f"https://{n}").rstrip("/") for n in names]

    def token_variable(self, instance: str) -> str:
        host = urlsplit(instance).hostname or ""
        return f"{TOKEN_VAR}_{re.sub(r'[^A-Z0-9]', '_', host.upper())}"

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        state = copy.deepcopy(cursor)
        per_server = state.setdefault("instances", {})
        errors: list[SourceError] = []
        for instance in self.instances():
            try:
                yield from self._fetch_server(instance, state, per_server, since)
            except SourceError as exc:
                errors.append(exc)
        if errors:
            message = "; ".join(str(e) for e in errors)
            if all(e.retryable for e in errors):
                raise SourceTransient(message)
            first = next(e for e in errors if not e.retryable)
            raise type(first)(message)

    def _fetch_server(
        self,
        instance: str,
        state: dict[str, Any],
        per_server: dict[str, Any],
        since: datetime | None,
    ) -> Iterator[Page]:
        token = self.secret(self.token_variable(instance)) or self.secret(TOKEN_VAR)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        hint = f"set {self.token_variable(instance)} or {TOKEN_VAR} to an access token"
        http = self.client(instance, headers=headers, auth_hint=hint)
        path, params = self._endpoint()
        min_id = (per_server.get(instance) or {}).get("min_id")
        if since is not None or min_id is None:
            # Newest first, back to `since` (or one page on a first run); commit at the end.
            newest, max_id = min_id, None
            for _ in range(MAX_PAGES):
                page = self._get(http, path, {**params, **({"max_id": max_id} if max_id else {})})
                newest = _max_id(newest, *(_id(s) for s in page))
                max_id = _min_id(*(_id(s) for s in page))
                older = since is not None and any(_older(s, since) for s in page)
                items = [s for s in page if since is None or not _older(s, since)]
                if since is None or older or len(page) < PAGE_LIMIT or max_id is None:
                    per_server[instance] = {"min_id": newest} if newest else {}
                    yield Page(items, copy.deepcopy(state))
                    return
                yield Page(items)
            per_server[instance] = {"min_id": newest} if newest else {}
            yield Page([], copy.deepcopy(state))
            return
        for _ in range(MAX_PAGES):
            page = self._get(http, path, {**params, "min_id": min_id})
            newest = _max_id(min_id, *(_id(s) for s in page))
            if newest == min_id:
                return
            min_id = newest
            per_server[instance] = {"min_id": min_id}
            yield Page(page, copy.deepcopy(state))
            if len(page) < PAGE_LIMIT:
                return

    def _endpoint(self) -> tuple[str, dict[str, Any]]:
        query = (self.config.query or "").strip()
        if not query:
            params: dict[str, Any] = {"limit": PAGE_LIMIT}
            if self.bool_option("local", False):
                params["local"] = "true"
            return "/api/v1/timelines/public", params
        if query.startswith("#") and " " not in query:
            return f"/api/v1/timelines/tag/{quote(query[1:], safe='')}", {"limit": PAGE_LIMIT}
        return "/api/v2/search", {"q": query, "type": "statuses", "limit": PAGE_LIMIT}

    def _get(self, http: HttpClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        body = http.get_json(path, params)
        if isinstance(body, dict) and "statuses" in body:  # /api/v2/search
            body = body["statuses"]
        if not isinstance(body, list):
            raise SourceTerminal(f"{self.config.name}: {path} did not return a list of statuses")
        # Malformed entries are kept: mapping rejects them with a reason, the rest are collected.
        return body


def _id(status: Any) -> str | None:
    value = status.get("id") if isinstance(status, dict) else None
    return str(value) if isinstance(value, str | int) and str(value).isdigit() else None


def _key(value: str) -> tuple[int, str]:
    return (len(value), value)  # decimal strings: longer is larger


def _max_id(*ids: str | None) -> str | None:
    known = [i for i in ids if i]
    return max(known, key=_key) if known else None


def _min_id(*ids: str | None) -> str | None:
    known = [i for i in ids if i]
    return min(known, key=_key) if known else None


def _older(status: Any, since: datetime) -> bool:
    try:
        return parse_time(status.get("created_at")) < since
    except (InvalidPost, AttributeError):  # a malformed status is not "older": mapping rejects it
        return False
