"""X's filtered stream (`--type x_stream`): keep the source's rule in place, then listen.

Rules live on X's side, per app: this source owns the rules tagged `hubbub:<source name>` and
makes them exactly one rule, its `--query` (`GET`, then `POST {"delete"}` / `POST {"add"}` on
`/2/tweets/search/stream/rules`). X allows one stream connection per app, so every stream
source of one app shares it; each keeps only the tweets whose `matching_rules` carry its tag.

`GET /2/tweets/search/stream` sends one JSON response per line and a blank keep-alive line
every 20 seconds; 60 seconds without a line means the connection is dead. How long a run
listens, how often it stores, and how it reconnects after a drop are the shared streaming
machinery's (connectors/stream.py: options `duration`, `max_items`, `flush_items`,
`flush_seconds`; `hubbub source run --once`). A 429 waits for `x-rate-limit-reset`.
The stream has no cursor: what arrives while no run listens is not collected (recent search
on the same query recovers up to 7 days).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from hubbub.connectors.base import Page
from hubbub.connectors.http import HttpClient
from hubbub.connectors.stream import StreamingConnector, reconnecting
from hubbub.connectors.x.connector import AUTH_HINT, FIELDS, TOKEN_VAR, joined_items
from hubbub.connectors.x.mapping import PLATFORM, map_joined
from hubbub.errors import ConfigError, SourceTerminal
from hubbub.models import Post

RULES = "/2/tweets/search/stream/rules"
STREAM = "/2/tweets/search/stream"
READ_TIMEOUT = 60.0  # three missed keep-alives: the connection is dead


class XStreamConnector(StreamingConnector):
    type = "x_stream"
    platform = PLATFORM
    archive_name = "x_v2_joined"  # the same raw items as recent search
    default_base_url = "https://api.x.com"
    env_vars = (TOKEN_VAR,)

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_joined(raw)

    def check_config(self) -> None:
        super().check_config()
        if not (self.config.query or "").strip():
            raise ConfigError(f"{self.config.name}: an x_stream source needs --query (a rule)")

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        token = self.require_secret(TOKEN_VAR, "your X app's bearer token")
        headers = {"Authorization": f"Bearer {token}"}
        # Streams are long reads, not a request budget: no pacing between reconnects.
        http = self.client(headers=headers, auth_hint=AUTH_HINT, min_interval=0.0)
        tag = sync_rule(http, self.config.name, self.config.query or "")
        bounds = self.bounds()
        ctx = self.stream_context(bounds, AUTH_HINT)

        def session() -> Iterator[str]:
            return http.stream_lines(STREAM, FIELDS, read_timeout=READ_TIMEOUT)

        messages = reconnecting(session, ctx)
        yield from self.pages(messages, bounds, lambda line: line_items(line, tag), dict)


def sync_rule(http: HttpClient, source: str, query: str) -> str:
    """Make the rules tagged for this source exactly `query`; return the tag."""
    tag = f"hubbub:{source}"
    body = http.get_json(RULES)
    rules = body.get("data") if isinstance(body, dict) else None
    ours = [r for r in rules or [] if isinstance(r, dict) and r.get("tag") == tag]
    if len(ours) == 1 and ours[0].get("value") == query:
        return tag
    if ours:
        http.post_json(RULES, {"delete": {"ids": [r.get("id") for r in ours]}})
    answer = http.post_json(RULES, {"add": [{"value": query, "tag": tag}]})
    answer = answer if isinstance(answer, dict) else {}
    summary = v if isinstance(v := (answer.get("meta") or {}).get("summary"), dict) else {}
    if not summary.get("created"):
        errors = answer.get("errors") or [{}]
        first = errors[0] if isinstance(errors[0], dict) else {}
        detail = first.get("details") or first.get("title") or "no reason given"
        raise SourceTerminal(f"{source}: X refused the stream rule {query!r}: {detail}")
    return tag


def line_items(line: str, tag: str) -> list[dict[str, Any]]:
    """One stream line → the raw items for this source (a keep-alive gives none)."""
    if not line.strip():
        return []
    try:
        response = orjson.loads(line)
    except orjson.JSONDecodeError:
        return [{"malformed": line[:200], "reason": "stream line is not JSON"}]
    if not isinstance(response, dict) or "data" not in response:
        return []  # e.g. {"errors": [{"title": "operational-disconnect"}]} before a close
    rules = response.get("matching_rules")
    if isinstance(rules, list) and not any(
        isinstance(r, dict) and r.get("tag") == tag for r in rules
    ):
        return []  # another source's rule on the same app
    return joined_items(response)
