"""The contract every live connector implements.

A connector is two things, kept apart on purpose:

- `fetch(cursor, since)`: a generator of `Page`s of raw items, as the API sent them, starting
  after the persisted incremental `cursor` (or at `since`, for a backfill). Each page says which
  cursor may be committed once its items are stored: `None` while the items so far do not yet
  form a complete prefix (an API that pages newest-first can only commit at the end), a dict
  when they do. `hubbub.connectors.run.run_once` stores first and commits second, so a crash
  re-fetches a little and never loses anything.
- `map(raw) -> Post | None`: pure (no I/O, no clock), the same function the raw archive is
  re-mapped with later. None means "not a post" (e.g. a deletion notice); malformed items raise
  `InvalidPost` and become rejects.

`sample(cursor)` is `fetch` stopped after its first page (streaming connectors: a short bounded
read), for `hubbub source test`; the caller stores nothing and keeps the cursor.

Secrets come from environment variables only (`env_vars` lists them for the docs and errors);
everything else comes from the source's `SourceConfig` in hubbub.toml. HTTP goes through
`hubbub.connectors.http.HttpClient`, whose transport, clock and sleep are injectable, so tests
replay recorded responses through `httpx.MockTransport` without network or waiting.
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import httpx

from hubbub.connectors.http import HttpClient, RetryPolicy
from hubbub.errors import ConfigError, SourceAuthError
from hubbub.models import Post


@dataclass
class SourceConfig:
    """One configured source: `[sources.<name>]` in hubbub.toml."""

    name: str
    type: str
    query: str | None = None
    url: str | None = None  # a feed's URL (rss)
    instances: list[str] = field(default_factory=list)  # Mastodon servers
    base_url: str | None = None  # the API base URL: proxies, enterprise endpoints, tests
    options: dict[str, str] = field(default_factory=dict)  # connector-specific, `--set k=v`

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        for key in ("query", "url", "base_url"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.instances:
            data["instances"] = list(self.instances)
        if self.options:
            data["options"] = dict(self.options)
        return data

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> SourceConfig:
        if not isinstance(data, Mapping) or not isinstance(data.get("type"), str):
            raise ConfigError(f"source {name!r} in hubbub.toml needs a `type`")
        instances = data.get("instances") or []
        options = data.get("options") or {}
        if not isinstance(instances, list) or not isinstance(options, Mapping):
            raise ConfigError(f"source {name!r}: `instances` must be a list, `options` a table")
        return cls(
            name=name,
            type=data["type"],
            query=_opt_str(data.get("query")),
            url=_opt_str(data.get("url")),
            instances=[str(i) for i in instances],
            base_url=_opt_str(data.get("base_url")),
            options={str(k): str(v) for k, v in options.items()},
        )


_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


@dataclass
class Page:
    """A batch of raw items, and the cursor that may be committed once they are stored."""

    items: list[dict[str, Any]]
    cursor: dict[str, Any] | None = None


class Connector(ABC):
    type: ClassVar[str]  # the `--type` name
    platform: ClassVar[str]  # Post.platform of what it collects
    # Names the raw-item format: the raw archive folder (raw/<archive_name>/) and rejects label.
    archive_name: ClassVar[str]
    default_base_url: ClassVar[str]
    env_vars: ClassVar[tuple[str, ...]] = ()  # the environment variables it reads, for docs
    # Seconds between two requests: the platform's documented quota, turned into a pace.
    min_interval: ClassVar[float] = 0.0

    def __init__(
        self,
        config: SourceConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        env: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._retry = retry
        self.env = os.environ if env is None else env
        self._clients: list[HttpClient] = []
        self.check_config()
        self.pace()  # a bad `min_interval` is refused on `source add` too

    def check_config(self) -> None:
        """Raise ConfigError when the source's settings cannot work (called on `source add`)."""
        return None

    def option(self, key: str, default: str | None = None) -> str | None:
        return self.config.options.get(key, default)

    def int_option(self, key: str, default: int) -> int:
        """A whole-number option (`--set key=N`), or `default` when unset; anything else is a
        ConfigError, so `source add` refuses it instead of a run failing later."""
        value = (self.option(key) or "").strip()
        if not value:
            return default
        if not value.isdigit():
            raise ConfigError(
                f"{self.config.name}: option {key} must be a whole number, not {value!r}"
            )
        return int(value)

    def pace(self) -> float:
        """Seconds between two requests: `min_interval`, which may be lowered for a private
        mirror or a test server (`--set min_interval=0`), never by default."""
        return self.seconds_option("min_interval", self.min_interval)

    def seconds_option(self, key: str, default: float) -> float:
        """A duration option in seconds (>= 0), or `default` when unset; else a ConfigError."""
        value = (self.option(key) or "").strip()
        if not value:
            return default
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if not seconds >= 0:  # also refuses nan
            raise ConfigError(
                f"{self.config.name}: option {key} must be seconds >= 0, not {value!r}"
            )
        return seconds

    def bool_option(self, key: str, default: bool) -> bool:
        """A yes/no option (`--set key=true`), or `default` when unset; anything else is a
        ConfigError naming the accepted spellings."""
        value = (self.option(key) or "").strip().lower()
        if not value:
            return default
        if value in _TRUE or value in _FALSE:
            return value in _TRUE
        raise ConfigError(f"{self.config.name}: option {key} must be true or false, not {value!r}")

    def secret(self, variable: str) -> str | None:
        """An environment variable's value, or None when unset or empty."""
        value = self.env.get(variable)
        return value.strip() if value and value.strip() else None

    def require_secret(self, variable: str, what: str) -> str:
        value = self.secret(variable)
        if value is None:
            raise SourceAuthError(
                f"{self.config.name}: set the environment variable {variable} to {what}"
            )
        return value

    def client(self, base_url: str | None = None, **kwargs: Any) -> HttpClient:
        """An HTTP client for this source; closed with the connector."""
        kwargs.setdefault("min_interval", self.pace())
        client = HttpClient(
            (base_url or self.config.base_url or self.default_base_url).rstrip("/"),
            source=self.config.name,
            transport=self._transport,
            retry=self._retry,
            sleep=self._sleep,
            clock=self._clock,
            **kwargs,
        )
        self._clients.append(client)
        return client

    @property
    def requests(self) -> int:
        return sum(c.requests for c in self._clients)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sample(self, cursor: dict[str, Any]) -> Page:
        """The first page a run from `cursor` would collect (`hubbub source test`).

        The connector's own `fetch`, stopped after its first page: one request for most
        sources (a few need a token or an id first). Nothing is stored and the cursor is not
        saved; the caller keeps both untouched.
        """
        pages = self.fetch(dict(cursor))
        try:
            return next(pages, Page([]))
        finally:
            close = getattr(pages, "close", None)  # a generator: end it, releasing its client
            if close is not None:
                close()

    @abstractmethod
    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        """Raw items newer than `cursor` (or since `since`, a backfill), page by page."""

    @staticmethod
    @abstractmethod
    def map(raw: dict[str, Any]) -> Post | None:
        """One raw item → one Post (pure); None when the item is not a post.

        Each connector delegates to a module-level function in its mapping.py, so the raw
        archive can be re-mapped without building a connector.
        """
