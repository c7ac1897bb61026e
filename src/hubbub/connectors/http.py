"""HTTP for connectors: httpx with retries, backoff with jitter, and the servers' rate-limit hints.

Every failure surfaces as a `hubbub.errors.SourceError` that says whether a retry can help:

    SourceError
    ├── SourceTransient      connect/read errors and timeouts, 408, 429, 500, 502, 503, 504 once
    │                        the retries are used up, or a server-requested wait longer than
    │                        `RetryPolicy.max_wait` (the run ends; `retry_after` says when to retry)
    │   └── StreamDropped    a long-lived stream (`stream_lines`) broke or was closed: reconnect
    └── SourceTerminal       any other 4xx, or a body that is not the JSON the API documents
        └── SourceAuthError  401 and 403: the message names the environment variables to set

The transport is injectable (`httpx.MockTransport` in tests) and so are the clock and `sleep`, so
tests replay recorded responses and never wait. Waiting politely is part of the contract: a
connector states its documented quota as `min_interval`, and the client also honours
`Retry-After` and the `x-ratelimit-remaining`/`x-ratelimit-reset` family of headers. A connector
may read error bodies itself first (`refine`): Google's 403 can mean "quota spent", a wait.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx
import orjson

from hubbub.errors import SourceAuthError, SourceError, SourceTerminal, SourceTransient
from hubbub.logs import redact
from hubbub.net import outbound

try:
    _VERSION = version("hubbub")
except PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "dev"
# Identify ourselves: several APIs (Reddit, Bilibili, Wikimedia) block generic user agents.
USER_AGENT = f"hubbub/{_VERSION} (+https://github.com/hubbub-listening/hubbub; social listening)"
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# Header pairs servers use to announce a request budget. Mastodon, GitHub and Reddit send
# x-ratelimit-*, Bluesky and the IETF draft ratelimit-*, X x-rate-limit-*.
_BUDGET_HEADERS = (
    ("x-ratelimit-remaining", "x-ratelimit-reset"),
    ("ratelimit-remaining", "ratelimit-reset"),
    ("x-rate-limit-remaining", "x-rate-limit-reset"),
)
# A connector's own reading of an error response (e.g. YouTube's 403 `quotaExceeded` is a wait,
# not bad credentials); None leaves the generic classification.
ErrorRefiner = Callable[[httpx.Response], SourceError | None]


class StreamDropped(SourceTransient):
    """A long-lived stream ended: the connection broke or the server closed it."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    base: float = 1.0  # seconds before the first retry, doubled each time
    cap: float = 60.0  # longest backoff between two tries
    max_wait: float = 300.0  # a longer server-requested wait ends the run instead of blocking it

    def backoff(self, attempt: int, rand: Callable[[], float]) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random, so that many
        clients failing together do not retry in lockstep yet each still waits a while."""
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return ceiling / 2 + rand() * ceiling / 2


class HttpClient:
    """A JSON-over-HTTP client for one API base URL. Use as a context manager."""

    def __init__(
        self,
        base_url: str,
        *,
        source: str = "",
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        min_interval: float = 0.0,
        auth_hint: str = "",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        refine: ErrorRefiner | None = None,
        allow_private: bool | None = None,
    ) -> None:
        self.source = source or base_url
        self.refine = refine
        self.retry = retry or RetryPolicy()
        self.min_interval = min_interval
        # Appended to 401/403 messages: which variables to set (a connector knows, HTTP does not).
        self.auth_hint = auth_hint
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self._not_before = 0.0  # no request before this time (rate-limit budget spent)
        self._last_request = float("-inf")
        self.requests = 0
        # Every request, redirect and connect is checked against the outbound policy (SSRF):
        # feed URLs and the article links inside feeds come from outside. `allow_private`
        # None reads the `allow_private_urls` setting.
        self._client = httpx.Client(
            base_url=base_url,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            timeout=timeout,
            follow_redirects=True,
            **outbound.client_options(transport, allow_private),
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def set_header(self, name: str, value: str) -> None:
        self._client.headers[name] = value

    # ---- requests ----------------------------------------------------------------------------
    def get_json(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return self.decode_json(self.request("GET", path, params=params, headers=headers))

    def post_json(self, path: str, body: Any) -> Any:
        return self.decode_json(self.request("POST", path, json=body))

    def post_form(
        self, path: str, form: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Any:
        """POST an `application/x-www-form-urlencoded` body (OAuth token endpoints)."""
        return self.decode_json(self.request("POST", path, data=form, headers=headers))

    def decode_json(self, response: httpx.Response) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            head = response.content[:80].decode("utf-8", "replace")
            url = redact(str(response.request.url))  # e.g. Weibo's access_token parameter
            raise SourceTerminal(
                f"{self.source}: {url} returned a body that is not JSON "
                f"({head!r}); check the source's base URL"
            ) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying transient failures; 2xx and 304 are returned."""
        attempts = max(1, self.retry.attempts)
        for attempt in range(1, attempts + 1):
            self._wait_for_turn()
            self._last_request = self._clock()
            self.requests += 1
            try:
                response = self._client.request(
                    method, path, params=params, headers=headers, json=json, data=data
                )
            except httpx.TransportError as exc:  # connect, read, timeout, protocol errors
                error = SourceTransient(f"{self.source}: cannot reach {path}: {_describe(exc)}")
                delay = self.retry.backoff(attempt, self._rand)
            else:
                self._note_budget(response)
                status = response.status_code
                if status < 400:
                    return response
                refined = self.refine(response) if self.refine else None
                if refined is not None:
                    raise refined
                if status not in RETRYABLE_STATUS:
                    raise self._terminal(response)
                hinted = retry_after(response.headers, self._clock())
                if hinted is None and status == 429:
                    hinted = max(0.0, self._not_before - self._clock()) or None
                error = SourceTransient(
                    f"{self.source}: {_status_line(response)} from {response.request.url.path}",
                    retry_after=hinted,
                )
                delay = hinted if hinted is not None else self.retry.backoff(attempt, self._rand)
            if attempt == attempts:
                raise error
            if delay > self.retry.max_wait:
                error.retry_after = delay
                raise SourceTransient(
                    f"{error}; the server asks to wait {delay:.0f} s, longer than the "
                    f"{self.retry.max_wait:.0f} s this run waits: run again later",
                    retry_after=delay,
                ) from None
            self._sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    def stream_lines(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_timeout: float | None = None,
    ) -> Generator[str, None, None]:
        """Lines of a long-lived streaming response (NDJSON), as they arrive; blank keep-alive
        lines included, so a caller can tell a quiet stream from a dead one.

        One attempt: a long-lived stream's reconnect policy (how long to back off, when to
        give up) belongs to its connector. Errors are classified as for `request`.
        """
        self._wait_for_turn()
        self._last_request = self._clock()
        self.requests += 1
        timeout = httpx.Timeout(self._client.timeout.connect, read=read_timeout)
        try:
            with self._client.stream("GET", path, params=params, timeout=timeout) as response:
                self._note_budget(response)
                if response.status_code >= 400:
                    response.read()
                    refined = self.refine(response) if self.refine else None
                    if refined is not None:
                        raise refined
                    if response.status_code not in RETRYABLE_STATUS:
                        raise self._terminal(response)
                    raise SourceTransient(
                        f"{self.source}: {_status_line(response)} from {path}",
                        retry_after=retry_after(response.headers, self._clock()),
                    )
                yield from response.iter_lines()
        except httpx.TransportError as exc:
            raise StreamDropped(f"{self.source}: stream {path} broke: {_describe(exc)}") from None
        raise StreamDropped(f"{self.source}: the server closed stream {path}")

    # ---- pacing --------------------------------------------------------------------------------
    def _wait_for_turn(self) -> None:
        now = self._clock()
        wait = max(self._not_before - now, self._last_request + self.min_interval - now, 0.0)
        if wait > self.retry.max_wait:
            raise SourceTransient(
                f"{self.source}: the rate-limit budget is spent for {wait:.0f} s: run again later",
                retry_after=wait,
            )
        if wait > 0:
            self._sleep(wait)

    def _note_budget(self, response: httpx.Response) -> None:
        """Remember when the announced budget is spent, so the next request waits for the reset."""
        headers = response.headers
        for remaining_name, reset_name in _BUDGET_HEADERS:
            remaining = headers.get(remaining_name)
            reset = headers.get(reset_name)
            if remaining is None or reset is None:
                continue
            try:
                spent = float(remaining) <= 0
            except ValueError:
                continue
            if spent:
                reset_at = reset_time(reset, self._clock())
                if reset_at is not None:
                    self._not_before = max(self._not_before, reset_at)
            return

    def _terminal(self, response: httpx.Response) -> SourceTerminal:
        status = response.status_code
        detail = _error_detail(response)
        where = f"{self.source}: {_status_line(response)} from {response.request.url.path}"
        if detail:
            where += f" ({detail})"
        if status in (401, 403):
            hint = self.auth_hint or "check the source's credentials"
            return SourceAuthError(f"{where}: credentials missing, wrong or expired; {hint}")
        if status == 404:
            return SourceTerminal(f"{where}: check the source's base URL and settings")
        return SourceTerminal(f"{where}: the request was refused; check the source's settings")


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date), if any."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def reset_time(value: str, now: float) -> float | None:
    """The absolute time (epoch seconds) a rate-limit window resets.

    Servers disagree on the format: Mastodon sends an ISO-8601 time, GitHub and Bluesky epoch
    seconds, Reddit and the IETF draft seconds from now. A large number is read as an epoch.
    """
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    return number if number > 1e9 else now + max(0.0, number)


def _status_line(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


def _error_detail(response: httpx.Response) -> str:
    """The server's own error message, when the body is a small JSON object that has one."""
    try:
        body = orjson.loads(response.content[:4096])
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(body, dict):
        return ""
    for key in ("error_description", "message", "error", "detail", "title"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value[:200]
    nested = body.get("error")  # Google APIs: {"error": {"code", "message", "errors"}}
    if isinstance(nested, dict) and isinstance(nested.get("message"), str):
        return str(nested["message"])[:200]
    return ""


def _describe(exc: httpx.TransportError) -> str:
    return str(exc) or type(exc).__name__
