"""Weibo: the open API (option `api=open`, the default) or m.weibo.cn search (`api=mweibo`).

**Open API** (`https://api.weibo.com/2`, access token in `HUBBUB_WEIBO_ACCESS_TOKEN`): option
`endpoint` names a statuses list, `statuses/user_timeline` by default (option `uid` or
`screen_name`), or `statuses/home_timeline`, `statuses/mentions`, or `search/topics` (a
commercial-access endpoint; `--query` is its `q`). Lists are newest first; the cursor is the
newest status id (`since_id`), and a walk pages down with `max_id` (ids below the oldest seen),
which, unlike page numbers, does not shift while new posts arrive. A walk stopped by the page
limit commits its `max_id` and the next run finishes it. Weibo answers errors with
`{"error", "error_code"}`: codes 21301-21332 are token problems (auth error naming the variable),
10022-10024 mean a request limit was hit (a transient error, retried after an hour).

**m.weibo.cn search** (`https://m.weibo.cn`, `--query` required): the mobile site's JSON
`api/container/getIndex` with the real-time search container (`100103type=61&q=…`), newest
first, paged by `page`. No key, but the site may answer visitors without a login cookie with a
login page: set `HUBBUB_WEIBO_COOKIE` to the `Cookie` header of a logged-in browser session.
Times there are relative ("5分钟前"): each item keeps `fetched_at` and mapping resolves them.
The site documents no limits; we pace at one request per 3 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.cursors import iso
from hubbub.connectors.http import HttpClient
from hubbub.connectors.importers import weibo as weibo_format
from hubbub.connectors.newest_first import decimal_id, newest_id, walk_newest_first
from hubbub.connectors.weibo.mapping import PLATFORM, item_time, map_weibo
from hubbub.errors import (
    ConfigError,
    InvalidPost,
    SourceAuthError,
    SourceError,
    SourceTerminal,
    SourceTransient,
)
from hubbub.models import Post

TOKEN_VAR = "HUBBUB_WEIBO_ACCESS_TOKEN"
COOKIE_VAR = "HUBBUB_WEIBO_COOKIE"
TOKEN_HINT = f"set {TOKEN_VAR} to an access token of your Weibo app (open.weibo.com, OAuth2)"
OPEN_API = "https://api.weibo.com/2"
MWEIBO = "https://m.weibo.cn"
ENDPOINTS = (
    "statuses/user_timeline",
    "statuses/home_timeline",
    "statuses/mentions",
    "search/topics",
)
PAGE_SIZE = 100  # the open API's maximum `count`
MAX_PAGES = 10
FIRST_RUN_HOURS = 24
_TOKEN_ERRORS = range(21301, 21333)
_LIMIT_ERRORS = (10022, 10023, 10024)


class WeiboConnector(Connector):
    type = "weibo"
    platform = PLATFORM
    archive_name = "weibo_item"
    default_base_url = OPEN_API
    env_vars = (TOKEN_VAR, COOKIE_VAR)
    min_interval = 3.0

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_weibo(raw)

    def check_config(self) -> None:
        self.int_option("count", PAGE_SIZE)
        self.int_option("max_pages", MAX_PAGES)
        api = self.option("api") or "open"
        if api not in ("open", "mweibo"):
            raise ConfigError(f"{self.config.name}: option api must be open or mweibo")
        if api == "mweibo" and not (self.config.query or "").strip():
            raise ConfigError(f"{self.config.name}: m.weibo.cn search needs --query")
        endpoint = self.option("endpoint") or "statuses/user_timeline"
        if api == "open" and endpoint not in ENDPOINTS:
            raise ConfigError(f"{self.config.name}: option endpoint must be one of {ENDPOINTS}")
        if api == "open" and endpoint == "search/topics" and not self.config.query:
            raise ConfigError(f"{self.config.name}: search/topics needs --query")

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        if (self.option("api") or "open") == "mweibo":
            yield from self._mweibo(cursor, since)
        else:
            yield from self._open_api(cursor, since)

    # ---- open API --------------------------------------------------------------------------
    def _open_api(self, cursor: dict[str, Any], since: datetime | None) -> Iterator[Page]:
        http = self.client(auth_hint=TOKEN_HINT, refine=_refine_open_api)
        endpoint = self.option("endpoint") or "statuses/user_timeline"
        params = self._open_api_params(endpoint)
        count = int(params["count"])
        committed = decimal_id(cursor.get("since_id"))
        walk = v if isinstance(v := cursor.get("walk"), dict) else {}
        lower = since.timestamp() if since else None
        if since is None and walk:
            max_id, newest = (
                decimal_id(walk.get("max_id")),
                decimal_id(walk.get("newest_id")) or committed,
            )
        else:
            max_id, newest = None, committed
        if committed and since is None:
            params["since_id"] = committed
        elif lower is None:
            lower = self._clock() - FIRST_RUN_HOURS * 3600  # a first run reads a day back
        for _ in range(self.int_option("max_pages", MAX_PAGES)):
            body = http.get_json(
                f"/{endpoint}.json", {**params, **({"max_id": max_id} if max_id else {})}
            )
            statuses = body.get("statuses") if isinstance(body, dict) else None
            if not isinstance(statuses, list):
                raise SourceTerminal(f"{self.config.name}: Weibo's answer has no statuses list")
            items = [{"mblog": s} for s in statuses]
            ids = _status_ids(statuses)
            newest = newest_id(newest, *ids)
            older = lower is not None and any(
                (t := item_time(i)) is not None and t < lower for i in items
            )
            if lower is not None:
                items = [i for i in items if (t := item_time(i)) is None or t >= lower]
            if older or len(statuses) < count or not ids:
                yield Page(items, {"since_id": newest_id(newest, committed)} if newest else {})
                return
            max_id = str(min(int(i) for i in ids) - 1)
            yield Page(
                items,
                {
                    **({"since_id": committed} if committed else {}),
                    "walk": {"max_id": max_id, "newest_id": newest},
                },
            )

    def _open_api_params(self, endpoint: str) -> dict[str, Any]:
        token = self.require_secret(TOKEN_VAR, "an access token of your Weibo app")
        count = min(PAGE_SIZE, max(1, self.int_option("count", PAGE_SIZE)))
        params: dict[str, Any] = {"access_token": token, "count": count}
        for key in ("uid", "screen_name"):
            if self.option(key):
                params[key] = self.option(key)
        if endpoint == "search/topics":
            params["q"] = self.config.query
        return params

    # ---- m.weibo.cn search ----------------------------------------------------------------
    def _mweibo(self, cursor: dict[str, Any], since: datetime | None) -> Iterator[Page]:
        cookie = self.secret(COOKIE_VAR)
        headers = {"Cookie": cookie} if cookie else {}
        http = self.client(
            self.config.base_url or MWEIBO, headers=headers, auth_hint=f"set {COOKIE_VAR}"
        )
        container = f"100103type=61&q={self.config.query}&t="

        def fetch_page(token: str | None) -> tuple[list[dict[str, Any]], str | None]:
            page = int(token or 1)
            params = {"containerid": container, "page_type": "searchall", "page": page}
            body = self._mweibo_json(http, params)
            fetched = iso(datetime.fromtimestamp(self._clock(), UTC))
            if body.get("ok") in (0, "0"):
                return [], None  # "这里还没有内容": no (more) results
            try:
                items = weibo_format.parse(orjson.dumps(body))
            except InvalidPost as exc:
                raise SourceTerminal(
                    f"{self.config.name}: m.weibo.cn answered oddly: {exc}"
                ) from None
            posts = [{**i, "fetched_at": fetched} for i in items if "mblog" in i]
            return posts, str(page + 1) if items else None

        first_lower = self._clock() - FIRST_RUN_HOURS * 3600
        for step in walk_newest_first(
            fetch_page,
            item_time,
            cursor,
            since=since,
            first_lower=first_lower,
            max_pages=self.int_option("max_pages", MAX_PAGES),
        ):
            yield Page(step.items, step.state)

    def _mweibo_json(self, http: HttpClient, params: dict[str, Any]) -> dict[str, Any]:
        response = http.request("GET", "/api/container/getIndex", params=params)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            # The site sends a login (or "visitor system") page, not JSON, when it wants a session.
            raise SourceAuthError(
                f"{self.config.name}: m.weibo.cn answered with a web page, not JSON (it asks for "
                f"a login); set {COOKIE_VAR} to the Cookie header of a logged-in m.weibo.cn session"
            ) from None
        if not isinstance(body, dict):
            raise SourceTerminal(f"{self.config.name}: m.weibo.cn's answer is not a JSON object")
        return body


def _status_ids(statuses: list[Any]) -> list[str]:
    ids = (decimal_id(s.get("idstr") or s.get("id")) for s in statuses if isinstance(s, dict))
    return [i for i in ids if i]


def _refine_open_api(response: httpx.Response) -> SourceError | None:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("error_code"), int):
        return None
    code, error = body["error_code"], str(body.get("error") or "")[:120]
    if code in _TOKEN_ERRORS:
        return SourceAuthError(f"Weibo refused the access token ({code} {error}); {TOKEN_HINT}")
    if code in _LIMIT_ERRORS:
        return SourceTransient(f"Weibo request limit reached ({code} {error})", retry_after=3600.0)
    return None
