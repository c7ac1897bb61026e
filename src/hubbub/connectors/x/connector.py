"""X API v2 recent search (`--type x`); the filtered stream is `--type x_stream` (stream.py).

**Recent search** (`GET /2/tweets/search/recent`) covers the last 7 days. Pages come newest
first, linked by `next_token`; the cursor is the newest tweet id collected (`since_id`), so the
next run asks only for what is newer. A walk interrupted by a crash or the page limit commits
its `next_token` with the parameters it belongs to, and the next run finishes it. A first run
reads the last 24 hours; `--backfill-since` at most 7 days (the API's limit).

Every request asks for the fields the mapping uses (`expansions=author_id,…`, `includes.users`
joined to each tweet). Auth: an app's bearer token in `HUBBUB_X_BEARER_TOKEN` (developer
portal → your app → Keys and tokens). Quotas depend on the access tier (Basic: 60 recent-search
requests per 15 minutes per app; monthly post caps): the API announces them in
`x-rate-limit-remaining`/`x-rate-limit-reset` (epoch seconds), which the HTTP client honours,
and a 429 waits for the reset. We also pace at one request per 15 s, the Basic tier's rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.cursors import iso
from hubbub.connectors.importers.twitter_v2 import join_response
from hubbub.connectors.newest_first import decimal_id, newest_id
from hubbub.connectors.x.mapping import PLATFORM, map_joined
from hubbub.errors import ConfigError, InvalidPost, SourceTerminal
from hubbub.models import Post

TOKEN_VAR = "HUBBUB_X_BEARER_TOKEN"
AUTH_HINT = f"set {TOKEN_VAR} to your X app's bearer token (developer portal → Keys and tokens)"
FIELDS = {
    "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
    "attachments.media_keys,geo.place_id",
    "tweet.fields": "id,text,created_at,author_id,conversation_id,lang,public_metrics,entities,"
    "referenced_tweets,attachments,geo,note_tweet,edit_history_tweet_ids",
    "user.fields": "id,username,name,public_metrics,verified,verified_type",
    "media.fields": "media_key,type,url,preview_image_url,variants",
    "place.fields": "id,full_name,country_code",
}
PAGE_SIZE = 100  # the documented maximum of max_results
MAX_PAGES = 10
FIRST_RUN_HOURS = 24
SEARCH_WINDOW_DAYS = 7


class XConnector(Connector):
    type = "x"
    platform = PLATFORM
    archive_name = "x_v2_joined"
    default_base_url = "https://api.x.com"
    env_vars = (TOKEN_VAR,)
    min_interval = 15.0

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_joined(raw)

    def check_config(self) -> None:
        if not (self.config.query or "").strip():
            raise ConfigError(f"{self.config.name}: an x source needs --query (X's search syntax)")
        self.int_option("max_pages", MAX_PAGES)

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        bearer = self.require_secret(TOKEN_VAR, "your X app's bearer token")
        headers = {"Authorization": f"Bearer {bearer}"}
        http = self.client(headers=headers, auth_hint=AUTH_HINT)
        token: str | None
        committed = decimal_id(cursor.get("since_id"))
        walk = v if isinstance(v := cursor.get("walk"), dict) else {}
        params: dict[str, Any] = {"query": self.config.query, "max_results": PAGE_SIZE, **FIELDS}
        oldest_allowed = self._clock() - SEARCH_WINDOW_DAYS * 86400 + 60
        if since is not None:
            params["start_time"] = iso(
                datetime.fromtimestamp(max(since.timestamp(), oldest_allowed), UTC)
            )
            token, newest = None, committed
        elif walk:
            params.update(walk.get("params") or {})  # a next_token only works with its own
            token, newest = walk.get("next_token"), decimal_id(walk.get("newest_id")) or committed
        elif committed:
            params["since_id"] = committed
            token, newest = None, committed
        else:
            first = self._clock() - FIRST_RUN_HOURS * 3600
            params["start_time"] = iso(datetime.fromtimestamp(first, UTC))
            token, newest = None, None
        anchor = {k: params[k] for k in ("since_id", "start_time") if k in params}
        for _ in range(self.int_option("max_pages", MAX_PAGES)):
            page_params = {**params, **({"next_token": token} if token else {})}
            body = http.get_json("/2/tweets/search/recent", page_params)
            if not isinstance(body, dict) or not isinstance(body.get("meta", {}), dict):
                raise SourceTerminal(f"{self.config.name}: X's answer is not a search page")
            items = joined_items(body)
            meta = body.get("meta") or {}
            newest = newest_id(newest, decimal_id(meta.get("newest_id")))
            token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            if token is None:
                yield Page(items, {"since_id": newest_id(newest, committed)} if newest else {})
                return
            walk_state = {"next_token": token, "newest_id": newest, "params": anchor}
            yield Page(
                items, {**({"since_id": committed} if committed else {}), "walk": walk_state}
            )


def joined_items(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The response's tweets, each joined with its `includes`; a tweet that cannot be joined
    becomes a `{"malformed", "reason"}` item, which mapping rejects, so the rest is collected."""
    data = response.get("data")
    tweets = data if isinstance(data, list) else ([data] if data is not None else [])
    items: list[dict[str, Any]] = []
    for tweet in tweets:
        try:
            items.extend(join_response({**response, "data": [tweet]}))
        except (InvalidPost, AttributeError, TypeError) as exc:
            items.append({"malformed": str(tweet)[:200], "reason": str(exc)})
    return items
