"""Reddit through its OAuth API: a subreddit's new posts or new comments, or search.

What is read:
- option `subreddit` (`python`, or several joined with `+`) and no query → `/r/<sub>/new`;
  with option `listing=comments` → `/r/<sub>/comments` (the subreddit's newest comments);
- `--query` → `/search` (`/r/<sub>/search?restrict_sr=1` when a subreddit is set), newest first.
  Reddit's search finds submissions only, not comments.

Auth is OAuth "application only" (client credentials): `HUBBUB_REDDIT_CLIENT_ID` and
`HUBBUB_REDDIT_CLIENT_SECRET` of a Reddit app are exchanged at the token endpoint (option
`token_url`) for a bearer token valid about 24 hours. A token that expires during a run (401)
is renewed once; a second refusal is an auth error naming the variables.

Listings are newest first and paged with `after` (a fullname); the walk goes back to the
newest `created_utc` collected last run (see newest_first.py). Reddit stops listings after
about 1,000 items, so a backfill cannot reach further back than that.

Quota: 100 queries per minute per OAuth client, announced in `X-Ratelimit-Remaining` and
`X-Ratelimit-Reset` (seconds until the window resets), which the HTTP client honours; we also
pace at one request per 0.6 s.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.http import HttpClient
from hubbub.connectors.newest_first import walk_newest_first
from hubbub.connectors.reddit.mapping import PLATFORM, map_child
from hubbub.errors import ConfigError, SourceAuthError, SourceTerminal
from hubbub.models import Post

CLIENT_ID_VAR = "HUBBUB_REDDIT_CLIENT_ID"
CLIENT_SECRET_VAR = "HUBBUB_REDDIT_CLIENT_SECRET"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
AUTH_HINT = (
    f"set {CLIENT_ID_VAR} and {CLIENT_SECRET_VAR} to the id and secret of a Reddit app "
    "(https://www.reddit.com/prefs/apps, type 'script' or 'web app')"
)
PAGE_LIMIT = 100  # the documented maximum for listings
MAX_PAGES = 10  # per run: Reddit listings end near 1,000 items anyway
FIRST_RUN_HOURS = 24
LISTINGS = ("new", "comments")


class RedditConnector(Connector):
    type = "reddit"
    platform = PLATFORM
    archive_name = "reddit_listing_child"
    default_base_url = "https://oauth.reddit.com"
    env_vars = (CLIENT_ID_VAR, CLIENT_SECRET_VAR)
    min_interval = 0.6  # 100 queries per minute

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_child(raw)

    def check_config(self) -> None:
        subreddit = self.option("subreddit")
        if not (self.config.query or "").strip() and not subreddit:
            raise ConfigError(
                f"{self.config.name}: a reddit source needs --query or --set subreddit=NAME"
            )
        if subreddit and not all(part.replace("_", "").isalnum() for part in subreddit.split("+")):
            raise ConfigError(
                f"{self.config.name}: subreddit {subreddit!r} is not a name like python"
            )
        self.int_option("max_pages", MAX_PAGES)
        if (self.option("listing") or "new") not in LISTINGS:
            raise ConfigError(f"{self.config.name}: option listing must be one of {LISTINGS}")

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        http = self.client(auth_hint=AUTH_HINT)
        self._authorize(http)
        path, params = self._endpoint()
        renewed = False

        def fetch_page(after: str | None) -> tuple[list[dict[str, Any]], str | None]:
            nonlocal renewed
            query = {**params, **({"after": after} if after else {})}
            try:
                body = http.get_json(path, query)
            except SourceAuthError:
                if renewed:
                    raise
                renewed = True  # the token may have expired during a long run: renew once
                self._authorize(http)
                body = http.get_json(path, query)
            return _listing(body, self.config.name)

        first_lower = self._clock() - FIRST_RUN_HOURS * 3600
        max_pages = self.int_option("max_pages", MAX_PAGES)
        for step in walk_newest_first(
            fetch_page, _created, cursor, since=since, first_lower=first_lower, max_pages=max_pages
        ):
            yield Page(step.items, step.state)

    def _authorize(self, http: HttpClient) -> None:
        """Exchange the app's id and secret for a bearer token (client credentials grant)."""
        client_id = self.require_secret(CLIENT_ID_VAR, "a Reddit app's client id")
        secret = self.require_secret(CLIENT_SECRET_VAR, "a Reddit app's client secret")
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        parts = urlsplit(self.option("token_url") or TOKEN_URL)
        with HttpClient(
            f"{parts.scheme}://{parts.netloc}",
            source=self.config.name,
            transport=self._transport,
            retry=self._retry,
            sleep=self._sleep,
            clock=self._clock,
            auth_hint=AUTH_HINT,
        ) as auth:
            body = auth.post_form(
                parts.path,
                {"grant_type": "client_credentials"},
                {"Authorization": f"Basic {basic}"},
            )
            http.requests += auth.requests
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            # Reddit answers bad credentials with 200 {"error": "invalid_grant"} at times.
            reason = body.get("error") if isinstance(body, dict) else None
            raise SourceAuthError(f"{self.config.name}: no access token ({reason}); {AUTH_HINT}")
        http.set_header("Authorization", f"Bearer {token}")

    def _endpoint(self) -> tuple[str, dict[str, Any]]:
        # raw_json=1: without it Reddit HTML-escapes &, < and > inside the JSON strings.
        params: dict[str, Any] = {"limit": PAGE_LIMIT, "raw_json": 1}
        subreddit = self.option("subreddit")
        prefix = f"/r/{quote(subreddit, safe='+')}" if subreddit else ""
        query = (self.config.query or "").strip()
        if query:
            params.update(q=query, sort="new", type="link")
            if subreddit:
                params["restrict_sr"] = 1
            return f"{prefix}/search", params
        return f"{prefix}/{self.option('listing') or 'new'}", params


def _listing(body: Any, source: str) -> tuple[list[dict[str, Any]], str | None]:
    if not isinstance(body, dict) or body.get("kind") != "Listing":
        raise SourceTerminal(f"{source}: Reddit's answer is not a Listing; check the base URL")
    data = v if isinstance(v := body.get("data"), dict) else {}
    children = data.get("children")
    if not isinstance(children, list):
        raise SourceTerminal(f"{source}: Reddit's Listing has no children list")
    after = data.get("after")
    return children, after if isinstance(after, str) and after else None


def _created(child: dict[str, Any]) -> float | None:
    data = child.get("data") if isinstance(child, dict) else None
    value = data.get("created_utc") if isinstance(data, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
