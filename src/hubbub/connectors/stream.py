"""Long-lived connections for streaming connectors: WebSocket and server-sent events (SSE).

A polling connector asks "what is new since the cursor?" and is done. A streaming one listens,
so it needs three more things, kept here so every streaming source behaves the same:

- **bounds**: `hubbub source run NAME --once` listens for a bounded time or number of items and
  returns; without `--once` it listens until interrupted (Ctrl-C ends the run cleanly: what was
  received is stored and the cursor committed). `StreamBounds` holds both limits and how often
  received items are handed over as a `Page` (so a long run commits its cursor as it goes).
- **reconnects**: a dropped connection is reopened with the same exponential backoff as HTTP
  retries (`RetryPolicy`); `retry.attempts` failures in a row without a message in between end
  the run with a SourceTransient. A refused handshake is sorted like an HTTP answer: 401/403 is
  a SourceAuthError, 429 and 5xx are retried, any other status is terminal.
- **heartbeats**: some protocols (Bilibili live) drop a client that stays silent; the WebSocket
  session sends the protocol's heartbeat message every `heartbeat` seconds.

Server-sent events (Mastodon) are read as lines through `HttpClient.stream_lines` and parsed
by `sse_events`; several servers at once are read in one thread each and merged (`merged`).
Streams that cannot be filtered by words on the server are filtered here (`PostFilter`).

The connection is injectable (`ConnectionFactory`): tests pass a fake WebSocket that replays
recorded frames, and the clock and sleep are the connector's, so tests never wait. The default
factory uses the `websockets` package's synchronous client: connectors are generators and the
run loop is synchronous, so a blocking client fits better than asyncio.
"""

from __future__ import annotations

import queue
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlsplit

from hubbub.connectors.base import Connector, Page, SourceConfig
from hubbub.connectors.http import USER_AGENT, RetryPolicy
from hubbub.errors import (
    ConfigError,
    SourceAuthError,
    SourceError,
    SourceTerminal,
    SourceTransient,
)
from hubbub.models import Post
from hubbub.net import outbound

T = TypeVar("T")
Message = str | bytes
Items = list[dict[str, Any]]
Keep = Callable[[Items], Items]  # a filter applied to a batch of raw items

DEFAULT_ONCE_SECONDS = 60.0  # `--once` without a `duration` option
# `hubbub source test` on a stream: a glimpse, not a run.
SAMPLE_SECONDS = 10.0
SAMPLE_ITEMS = 20
IDLE_TICK = 1.0  # longest blocking read, so flushes and deadlines are checked at least this often


@dataclass(frozen=True)
class StreamBounds:
    """How long one run listens, and how often received items are handed over."""

    duration: float | None = DEFAULT_ONCE_SECONDS  # seconds; None: until interrupted
    max_items: int | None = None  # items kept (after filtering); None: no limit
    flush_items: int = 200
    flush_seconds: float = 5.0

    @classmethod
    def from_options(cls, options: Mapping[str, str], *, once: bool) -> StreamBounds:
        """Read `duration`, `max_items`, `flush_items`, `flush_seconds` from `--set` options.

        With `once`, a run without `duration` or `max_items` listens DEFAULT_ONCE_SECONDS.
        """
        duration = _number(options, "duration")
        max_items = _number(options, "max_items")
        if once and duration is None and max_items is None:
            duration = DEFAULT_ONCE_SECONDS
        flush_items = _number(options, "flush_items")
        flush_seconds = _number(options, "flush_seconds")
        return cls(
            duration=duration,
            max_items=None if max_items is None else int(max_items),
            flush_items=int(flush_items) if flush_items else 200,
            flush_seconds=flush_seconds if flush_seconds else 5.0,
        )


def _number(options: Mapping[str, str], key: str) -> float | None:
    value = options.get(key)
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"option {key}={value!r} must be a number") from None
    if number <= 0:
        raise ConfigError(f"option {key}={value!r} must be greater than 0")
    return number


class PageBuffer:
    """Items received since the last hand-over; `due()` says when to hand them over."""

    def __init__(self, bounds: StreamBounds, clock: Callable[[], float]) -> None:
        self.bounds = bounds
        self._clock = clock
        self._items: list[dict[str, Any]] = []
        self._since = clock()
        self.delivered = 0  # items handed over (after any filter) over the whole run

    def add(self, item: dict[str, Any]) -> None:
        self._items.append(item)

    def due(self) -> bool:
        if not self._items:
            return False
        waited = self._clock() - self._since
        limit = self.bounds.flush_items
        if self.bounds.max_items is not None:
            limit = min(limit, max(1, self.bounds.max_items - self.delivered))
        return len(self._items) >= limit or waited >= self.bounds.flush_seconds

    def full(self) -> bool:
        return self.bounds.max_items is not None and self.delivered >= self.bounds.max_items

    def take(self, keep: Keep | None) -> Items:
        items, self._items = self._items, []
        self._since = self._clock()
        if keep is not None and items:
            items = keep(items)
        self.delivered += len(items)
        return items


# ---- connections ---------------------------------------------------------------------------------
class StreamClosed(Exception):
    """The peer closed the connection or the network dropped it: reconnect."""


class HandshakeRefused(Exception):
    """The server answered the opening handshake with an HTTP error status."""

    def __init__(self, status: int, retry_after: float | None = None, detail: str = "") -> None:
        super().__init__(f"HTTP {status}" + (f" ({detail})" if detail else ""))
        self.status = status
        self.retry_after = retry_after


class Connection(Protocol):
    def send(self, message: Message) -> None: ...

    def recv(self, timeout: float) -> Message:
        """The next message; TimeoutError when none came in time, StreamClosed when closed."""
        ...

    def close(self) -> None: ...


ConnectionFactory = Callable[[str, Mapping[str, str]], Connection]


class _WebSocket:
    """`Connection` over the `websockets` package's synchronous client."""

    def __init__(self, url: str, headers: Mapping[str, str]) -> None:
        from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
        from websockets.sync.client import connect

        try:
            # SSRF guard: the scheme, then a socket to a checked address (docs/security.md).
            sock = _guarded_socket(url)
            # Entered by hand: this object owns the connection and closes it in close().
            self._ws = connect(
                url,
                sock=sock,
                additional_headers=dict(headers),
                user_agent_header=USER_AGENT,
                open_timeout=20,
                max_size=2**23,  # Bilibili and Jetstream frames are small; refuse runaway ones
            ).__enter__()
        except InvalidURI:
            raise ConfigError(f"{url!r} is not a WebSocket URL (ws:// or wss://)") from None
        except InvalidStatus as exc:
            response = exc.response
            hint = response.headers.get("Retry-After") if response.headers else None
            retry = float(hint) if hint and hint.strip().isdigit() else None
            detail = bytes(response.body or b"")[:200].decode("utf-8", "replace").strip()
            raise HandshakeRefused(response.status_code, retry, detail) from None
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise StreamClosed(f"cannot connect to {url}: {exc or type(exc).__name__}") from None

    def send(self, message: Message) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            self._ws.send(message)
        except ConnectionClosed as exc:
            raise StreamClosed(f"closed while sending ({exc})") from None

    def recv(self, timeout: float) -> Message:
        from websockets.exceptions import ConnectionClosed

        try:
            return self._ws.recv(timeout=timeout)
        except ConnectionClosed as exc:
            raise StreamClosed(f"closed by the server ({exc})") from None

    def close(self) -> None:
        self._ws.close()


def _guarded_socket(url: str) -> socket.socket:
    """A TCP socket for `url`'s host, connected through the outbound policy's check."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError(f"{url!r} is not a WebSocket URL (ws:// or wss://)") from None
    scheme = parts.scheme.lower()
    if scheme not in ("ws", "wss") or not parts.hostname:
        raise ConfigError(f"{url!r} is not a WebSocket URL (ws:// or wss://)")
    port = port or (443 if scheme == "wss" else 80)
    return outbound.connect_tcp(parts.hostname, port, 20, outbound.private_allowed())


def websocket_connect(url: str, headers: Mapping[str, str]) -> Connection:
    """The default `ConnectionFactory`: a real WebSocket (needs the `websockets` package)."""
    try:
        import websockets  # noqa: F401
    except ImportError:
        raise ConfigError(
            "streaming sources need the websockets package: pip install 'websockets>=13'"
        ) from None
    return _WebSocket(url, headers)


# ---- the reconnect loop --------------------------------------------------------------------------
@dataclass
class StreamContext:
    """What every streaming session needs: names for messages, the clock, the run's end."""

    source: str
    retry: RetryPolicy
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    deadline: float | None = None  # clock() time the run ends; None: until interrupted
    auth_hint: str = ""
    stop: threading.Event | None = None  # set by another thread to end the run

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def over(self) -> bool:
        left = self.left()
        return (left is not None and left <= 0) or (self.stop is not None and self.stop.is_set())


def reconnecting(
    open_session: Callable[[], Iterator[T | None]], ctx: StreamContext
) -> Iterator[T | None]:
    """Messages from successive sessions until the deadline; None is an idle tick.

    `open_session()` opens one connection and yields its messages (None when idle); it ends or
    raises StreamClosed when the connection drops, and is then opened again after a backoff.
    """
    failures = 0
    while not ctx.over():
        try:
            for message in open_session():
                if message is not None:
                    failures = 0
                yield message
                if ctx.over():
                    return
            error: SourceError = SourceTransient(f"{ctx.source}: the server ended the stream")
            delay: float | None = None
        except StreamClosed as exc:
            error, delay = SourceTransient(f"{ctx.source}: {exc}"), None
        except HandshakeRefused as exc:
            error, delay = _refused(ctx, exc), exc.retry_after
        except SourceTransient as exc:
            error, delay = exc, exc.retry_after
        if not error.retryable:
            raise error
        failures += 1
        if failures >= max(1, ctx.retry.attempts):
            raise SourceTransient(
                f"{error} ({failures} tries in a row); run again later",
                retry_after=getattr(error, "retry_after", None),
            )
        wait = delay if delay is not None else ctx.retry.backoff(failures, ctx.rand)
        if wait > ctx.retry.max_wait:
            raise SourceTransient(f"{error}; the server asks to wait {wait:.0f} s", wait)
        left = ctx.left()
        if left is not None and wait >= left:
            return  # the run ends before the next try would start
        ctx.sleep(wait)


def _refused(ctx: StreamContext, exc: HandshakeRefused) -> SourceError:
    """A refused handshake, sorted as `HttpClient` sorts HTTP answers."""
    where = f"{ctx.source}: the server refused the stream with {exc}"
    if exc.status in (401, 403):
        hint = ctx.auth_hint or "check the source's credentials"
        return SourceAuthError(f"{where}: credentials missing, wrong or expired; {hint}")
    if exc.status in (408, 429) or exc.status >= 500:
        return SourceTransient(where, retry_after=exc.retry_after)
    return SourceTerminal(f"{where}: check the source's base URL and settings")


def websocket_session(
    connection: Connection,
    ctx: StreamContext,
    *,
    on_open: Callable[[Connection], None] | None = None,
    heartbeat: float | None = None,
    heartbeat_message: Message = b"",
) -> Iterator[Message | None]:
    """The messages of one WebSocket connection; None when nothing came for IDLE_TICK s.

    Sends `heartbeat_message` every `heartbeat` seconds (from the first, right after `on_open`,
    as the Bilibili web client does). Closes the connection however the iteration ends.
    """
    try:
        if on_open is not None:
            on_open(connection)
        next_beat = ctx.clock() if heartbeat else None
        while not ctx.over():
            now = ctx.clock()
            if next_beat is not None and heartbeat and now >= next_beat:
                connection.send(heartbeat_message)
                next_beat = now + heartbeat
            wait = IDLE_TICK
            if next_beat is not None:
                wait = min(wait, max(0.0, next_beat - now))
            left = ctx.left()
            if left is not None:
                wait = min(wait, max(0.0, left))
            try:
                yield connection.recv(wait)
            except TimeoutError:
                yield None
    finally:
        connection.close()


# ---- server-sent events --------------------------------------------------------------------------
@dataclass(frozen=True)
class SseEvent:
    event: str
    data: str
    id: str | None = None


def sse_events(lines: Iterable[str]) -> Iterator[SseEvent | None]:
    """Parse a `text/event-stream` (WHATWG HTML, "server-sent events") line by line.

    Yields an SseEvent at each blank line that ends an event with data, and None for comment
    lines (`:thump`, the heartbeats Mastodon sends), so a caller can flush while a stream is quiet.
    """
    event, last_id = "", None
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield SseEvent(event or "message", "\n".join(data), last_id)
            event, data = "", []
            continue
        if line.startswith(":"):
            yield None
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            last_id = value
    if data:  # a stream cut after the last data line still delivers it
        yield SseEvent(event or "message", "\n".join(data), last_id)


# ---- several streams at once ---------------------------------------------------------------------
def merged(
    streams: Mapping[str, Callable[[], Iterator[T | None]]],
    ctx: StreamContext,
) -> Iterator[tuple[str, T] | None]:
    """Items from several blocking streams (one thread each), as (name, item); None when idle.

    A stream that fails with a SourceError does not stop the others; once they have all ended,
    the first failure is raised again (as the REST connectors do for several servers).
    """
    stop = ctx.stop or threading.Event()
    inbox: queue.Queue[tuple[str, Any, SourceError | None, bool]] = queue.Queue()

    def pump(name: str, start: Callable[[], Iterator[T | None]]) -> None:
        try:
            for item in start():
                if item is not None:
                    inbox.put((name, item, None, False))
                if stop.is_set():
                    break
        except SourceError as exc:
            inbox.put((name, None, exc, True))
            return
        except Exception as exc:  # reported in the run's result instead of a dead thread
            inbox.put((name, None, SourceTransient(f"{ctx.source}: {name}: {exc}"), True))
            return
        inbox.put((name, None, None, True))

    threads = [
        threading.Thread(target=pump, args=(name, start), daemon=True, name=f"stream-{name}")
        for name, start in streams.items()
    ]
    for thread in threads:
        thread.start()
    running, errors = len(threads), []
    try:
        while running:
            try:
                name, item, error, finished = inbox.get(timeout=IDLE_TICK)
            except queue.Empty:
                if ctx.over():
                    break  # a stream stuck in a silent read must not hold the run past its end
                yield None
                continue
            if finished:
                running -= 1
                if error is not None:
                    errors.append(error)
            else:
                yield name, item
    finally:
        stop.set()
    if errors:
        if any(not e.retryable for e in errors):
            raise next(e for e in errors if not e.retryable)
        raise errors[0]


# ---- client-side filtering -----------------------------------------------------------------------
class PostFilter:
    """A saved-search query applied to streamed items, for streams the server cannot filter.

    The same matcher the percolator uses (hubbub.query), over the same derived row the store
    would hold, so an item kept here is a post the query finds later in the store. Rows are
    derived a batch at a time: per item, building the Arrow row costs three times as much.
    """

    def __init__(self, query: str, source: str, map_item: Callable[[Any], Post | None]) -> None:
        from hubbub.errors import QueryError
        from hubbub.query import Matcher

        try:
            self._matcher = Matcher(query)
        except QueryError as exc:
            raise ConfigError(f"{source}: the query cannot be read: {exc}") from None
        self._map = map_item

    def __call__(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items whose post matches. Items that do not map are kept: the import rejects
        them with their reason, so a malformed item is reported rather than silently lost."""
        from hubbub.connectors.importers.pipeline import ITEM_ERRORS
        from hubbub.store.rows import posts_table

        kept: list[dict[str, Any]] = []
        candidates: list[tuple[dict[str, Any], Post]] = []
        for item in items:
            try:
                post = self._map(item)
            except ITEM_ERRORS:
                kept.append(item)
                continue
            if post is not None:
                candidates.append((item, post))
        if candidates:
            rows = posts_table([p for _, p in candidates]).to_pylist()
            pairs = zip(candidates, rows, strict=True)
            kept += [item for (item, _), row in pairs if self._matcher(row)]
        return kept


# ---- the connector side --------------------------------------------------------------------------
class StreamingConnector(Connector):
    """A connector that listens. `fetch` turns messages into Pages through `pages()`.

    `once` (the default) bounds a run by the `duration`/`max_items` options, or
    DEFAULT_ONCE_SECONDS; `hubbub source run` without `--once` sets it False, and the run then
    lasts until the `duration` option, or until interrupted. `connect` opens WebSockets.
    """

    streaming: ClassVar[bool] = True

    def __init__(
        self,
        config: SourceConfig,
        *,
        connect: ConnectionFactory | None = None,
        once: bool = True,
        **kwargs: Any,
    ) -> None:
        factory = connect or websocket_connect
        self.connections = 0  # WebSockets opened, counted with the HTTP requests

        def counted(url: str, headers: Mapping[str, str]) -> Connection:
            self.connections += 1
            return factory(url, headers)

        self.connect: ConnectionFactory = counted
        self.once = once
        self._sample_bounds: StreamBounds | None = None  # set while `sample` reads
        super().__init__(config, **kwargs)

    @property
    def requests(self) -> int:
        return super().requests + self.connections

    def check_config(self) -> None:
        self.bounds()  # a bad `duration` or `max_items` is refused on `source add`

    def bounds(self) -> StreamBounds:
        if self._sample_bounds is not None:
            return self._sample_bounds
        return StreamBounds.from_options(self.config.options, once=self.once)

    def sample(self, cursor: dict[str, Any]) -> Page:
        """A bounded read for `hubbub source test`: SAMPLE_ITEMS kept items or SAMPLE_SECONDS
        (or the source's shorter `duration`), whichever comes first, as one Page."""
        configured = StreamBounds.from_options(self.config.options, once=True)
        self._sample_bounds = StreamBounds(
            duration=min(configured.duration or SAMPLE_SECONDS, SAMPLE_SECONDS),
            max_items=min(configured.max_items or SAMPLE_ITEMS, SAMPLE_ITEMS),
            flush_items=SAMPLE_ITEMS,
            flush_seconds=SAMPLE_SECONDS,
        )
        try:
            items: Items = []
            for page in self.fetch(dict(cursor)):
                items += page.items
            return Page(items)
        finally:
            self._sample_bounds = None

    def stream_context(self, bounds: StreamBounds, auth_hint: str = "") -> StreamContext:
        deadline = None if bounds.duration is None else self._clock() + bounds.duration
        return StreamContext(
            self.config.name,
            self._retry or RetryPolicy(),
            clock=self._clock,
            sleep=self._sleep,
            deadline=deadline,
            auth_hint=auth_hint,
            stop=threading.Event(),
        )

    def pages(
        self,
        messages: Iterator[Any],  # of one message type (and None when idle)
        bounds: StreamBounds,
        handle: Callable[[Any], Iterable[dict[str, Any]]],
        cursor: Callable[[], dict[str, Any]],
        keep: Keep | None = None,
    ) -> Iterator[Page]:
        """Hand over what `handle` takes from each message, a Page at a time, each with the
        cursor as it stands after the messages handled so far (all stored by then).

        `keep` filters a batch at hand-over (a keyword filter is much cheaper per batch than
        per item); `max_items` counts what it keeps.
        """
        buffer = PageBuffer(bounds, self._clock)
        try:
            for message in messages:
                if message is not None:
                    for item in handle(message):
                        buffer.add(item)
                if buffer.due():
                    yield Page(buffer.take(keep), cursor())
                if buffer.full():
                    break
        except KeyboardInterrupt:
            pass  # Ctrl-C ends a long run: store what came, commit the cursor, end normally
        finally:
            close = getattr(messages, "close", None)
            if close is not None:
                close()
        yield Page(buffer.take(keep), cursor())
