"""The bus on NATS JetStream: the same interface as the embedded bus, across processes and hosts.

Each subject gets its own JetStream stream (so sequence numbers are per subject, as base.py
says), kept on disk by the server and configured so that the server enforces what the embedded
bus does in memory:

- *interest* retention: a message stays until every durable consumer of its subject has acked
  it, so the stream's message count is exactly `pending(subject)`;
- ``max_msgs = max_pending`` with ``discard: new``: a full stream refuses a publish, and
  `publish` retries until there is room (back-pressure: the producer waits, nothing is dropped);
- durable pull consumers with explicit acks and ``ack_wait``: the messages a worker fetched and
  never acked (it died) are delivered again, to any worker bound to the same durable, once
  ``ack_wait`` has passed. Workers sharing a durable split its messages between them (the
  queue-group behaviour the issue asks for), and a durable's position survives a server restart.

Interest retention drops a message published while no consumer exists, so the durables of the
live pipeline (`TOPOLOGY`) are created with their stream, before anything is published on it.

nats-py is asyncio-only; the stages are threads. The client's event loop therefore runs on a
thread of its own and every call is handed to it and waited for, which keeps the synchronous
interface of base.py and lets any number of stage threads share one connection.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pyarrow as pa

from hubbub.bus.base import SUBJECTS, BusClosed, Message
from hubbub.bus.codec import PayloadError, decode, encode
from hubbub.errors import ConfigError

log = logging.getLogger("hubbub.bus")
T = TypeVar("T")

DEFAULT_ACK_WAIT = 30.0  # seconds before a fetched, un-acked message goes to another worker
STREAM_PREFIX = "HUBBUB"
# Every subject of the pipeline and the durable consumers that read it (the worker roles).
TOPOLOGY: dict[str, tuple[str, ...]] = {
    SUBJECTS["raw"]: ("enrich",),
    SUBJECTS["enriched"]: ("write",),
    SUBJECTS["stored"]: ("percolate",),
    SUBJECTS["matched"]: ("alerts",),
}
_FULL_STREAM_CODE = 10077  # JetStream: "maximum messages exceeded" (discard: new)
_CALL_TIMEOUT = 30.0


def stream_name(subject: str) -> str:
    """`hubbub.posts.raw` → `HUBBUB_POSTS_RAW` (stream names may not contain dots)."""
    return subject.replace(".", "_").replace("*", "ANY").replace(">", "ALL").upper()


def _any_reachable(url: str, timeout: float) -> bool:
    """Whether one server of `url` (comma-separated) accepts TCP connections. Checked before
    connecting because the client, told to reconnect forever, would also retry the first
    connection forever."""
    for part in url.split(","):
        parsed = urlsplit(part.strip())
        try:
            socket.create_connection(
                (parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout
            ).close()
            return True
        except OSError:
            continue
    return False


# The client's own default prints a traceback per failed reconnect attempt; one line will do.
async def _log_error(exc: Exception) -> None:
    log.warning("NATS: %s: %s", type(exc).__name__, exc)


async def _log_disconnected() -> None:
    log.warning("NATS: disconnected; reconnecting")


async def _log_reconnected() -> None:
    log.warning("NATS: reconnected")


class NatsConsumer:
    """A durable pull consumer; several of them (in one or many processes) may share a durable."""

    def __init__(self, bus: NatsBus, subject: str, durable: str, subscription: Any) -> None:
        self._bus = bus
        self._subscription = subscription
        self._unacked: dict[int, Any] = {}  # stream sequence → the nats message to ack
        self.subject = subject
        self.durable = durable

    def fetch(self, max_messages: int, timeout: float) -> list[Message]:
        if self._bus.closed:
            return []
        raw = self._bus.call(self._fetch(max_messages, timeout), timeout + _CALL_TIMEOUT)
        out: list[Message] = []
        for msg in raw:
            meta = msg.metadata
            seq = int(meta.sequence.stream)
            try:
                payload = decode(msg.data)
            except (ValueError, KeyError) as exc:  # PayloadError, or bytes Arrow/JSON reject
                # A message no stage can read would come back forever: drop it, loudly.
                log.error("%s: dropping message %d: %s", self.subject, seq, exc)
                self._bus.call(msg.term())
                continue
            self._unacked[seq] = msg
            out.append(Message(self.subject, seq, payload, int(meta.num_delivered)))
        return out

    async def _fetch(self, max_messages: int, timeout: float) -> list[Any]:
        import nats.errors

        try:
            return list(await self._subscription.fetch(max_messages, timeout=max(timeout, 0.01)))
        except (nats.errors.TimeoutError, TimeoutError):  # nothing came (both kinds occur)
            return []

    def ack(self, message: Message) -> None:
        msg = self._unacked.pop(message.seq, None)
        if msg is not None:  # acks are idempotent, as on the embedded bus
            # A confirmed ack: once it returns, the server has moved the consumer on.
            self._bus.call(msg.ack_sync(timeout=_CALL_TIMEOUT))

    def nak(self, message: Message) -> None:
        msg = self._unacked.pop(message.seq, None)
        if msg is not None:
            self._bus.call(msg.nak())

    @property
    def acked_through(self) -> int:
        info = self._bus.call(self._bus.js.consumer_info(stream_name(self.subject), self.durable))
        return int(info.ack_floor.stream_seq)


class NatsBus:
    """The Bus interface over one connection to a NATS server (or cluster) with JetStream."""

    def __init__(
        self,
        url: str,
        max_pending: int = 64,
        ack_wait: float = DEFAULT_ACK_WAIT,
        connect_timeout: float = 5.0,
    ) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        try:
            import nats
        except ImportError:
            raise ConfigError(
                "the NATS bus needs the nats extra: pip install 'hubbub[nats]'"
            ) from None
        if not _any_reachable(url, connect_timeout):
            raise ConfigError(
                f"cannot reach NATS at {url}: start `nats-server -js` there or fix --bus / the "
                "`bus` setting"
            )
        self.url = url
        self.max_pending = max_pending
        self.ack_wait = ack_wait
        self.waits = 0  # publishes that had to wait for room: back-pressure, for the bench
        self.closed = False
        self._ready: set[str] = set()  # subjects whose stream and durables exist
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="hubbub-nats", daemon=True
        )
        self._thread.start()
        try:
            self.nc = self.call(
                nats.connect(
                    url,
                    connect_timeout=connect_timeout,
                    max_reconnect_attempts=-1,  # a restarted server is reconnected to, forever
                    reconnect_time_wait=0.5,
                    allow_reconnect=True,
                    error_cb=_log_error,
                    disconnected_cb=_log_disconnected,
                    reconnected_cb=_log_reconnected,
                ),
                connect_timeout * 3,
            )
        except Exception as exc:
            self._stop_loop()
            raise ConfigError(
                f"cannot reach NATS at {url} ({type(exc).__name__}: {exc}): start "
                "`nats-server -js` there or fix --bus / the `bus` setting"
            ) from None
        self.js = self.nc.jetstream(timeout=_CALL_TIMEOUT)

    # ---- running coroutines on the client's loop -------------------------------------------
    def call(self, coro: Coroutine[Any, Any, T], timeout: float = _CALL_TIMEOUT) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    # ---- streams and durables ----------------------------------------------------------------
    def _ensure(self, subject: str, durables: tuple[str, ...] = ()) -> None:
        wanted = set(TOPOLOGY.get(subject, ())) | set(durables)
        key = subject + "|" + ",".join(sorted(wanted))
        if key not in self._ready:
            self.call(self._declare(subject, sorted(wanted)))
            self._ready.add(key)

    async def _declare(self, subject: str, durables: list[str]) -> None:
        from nats.js import api
        from nats.js.errors import BadRequestError

        name = stream_name(subject)
        config = api.StreamConfig(
            name=name,
            subjects=[subject],
            retention=api.RetentionPolicy.INTEREST,
            max_msgs=self.max_pending,
            discard=api.DiscardPolicy.NEW,
            storage=api.StorageType.FILE,
        )
        try:
            await self.js.add_stream(config)
        except BadRequestError:  # it exists with other limits (another max_pending): adopt ours
            await self.js.update_stream(config)
        for durable in durables:
            await self.js.add_consumer(
                name,
                api.ConsumerConfig(
                    durable_name=durable,
                    ack_policy=api.AckPolicy.EXPLICIT,
                    deliver_policy=api.DeliverPolicy.ALL,
                    ack_wait=self.ack_wait,
                    filter_subject=subject,
                ),
            )

    # ---- the Bus interface -------------------------------------------------------------------
    def publish(self, subject: str, payload: Any, timeout: float | None = None) -> int:
        from nats.js.errors import APIError

        self._ensure(subject)
        data = encode(payload)
        limit = int(self.nc.max_payload) - 4096  # room for headers
        if len(data) > limit:
            # The server refuses messages over its max_payload (1 MB by default). A batch of
            # rows is cut in two, recursively: its rows are independent of each other.
            if isinstance(payload, pa.Table) and payload.num_rows > 1:
                half = payload.num_rows // 2
                self.publish(subject, payload.slice(0, half), timeout)
                return self.publish(subject, payload.slice(half), timeout)
            raise PayloadError(
                f"{subject}: a {len(data)}-byte message is over the NATS server's max_payload "
                f"({self.nc.max_payload}); raise max_payload in its configuration"
            )
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.005
        waited = False
        while True:
            if self.closed:
                raise BusClosed("the bus is closed")
            try:
                ack = self.call(self.js.publish(subject, data, stream=stream_name(subject)))
            except APIError as exc:
                if exc.err_code != _FULL_STREAM_CODE:
                    raise
                # Full: wait for consumers to ack, with a growing pause (the server does not
                # tell a publisher when room frees up).
                waited = True
                if deadline is not None and time.monotonic() + pause > deadline:
                    raise TimeoutError(
                        f"{subject}: the stream stayed full for {timeout} s"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
                continue
            self.waits += waited
            return int(ack.seq)

    def consumer(self, subject: str, durable: str) -> NatsConsumer:
        self._ensure(subject, (durable,))
        subscription = self.call(
            self.js.pull_subscribe_bind(durable=durable, stream=stream_name(subject))
        )
        return NatsConsumer(self, subject, durable, subscription)

    def pending(self, subject: str) -> int:
        self._ensure(subject)
        info = self.call(self.js.stream_info(stream_name(subject)))
        return int(info.state.messages)

    def wait_drained(self, subject: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.pending(subject):
            if self.closed or time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.call(self.nc.close(), 10)
        except Exception as exc:  # closing a connection to a dead server must not fail a stop
            log.warning("closing the NATS connection: %s", exc)
        self._stop_loop()
