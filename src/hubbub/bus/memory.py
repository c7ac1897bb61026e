"""The embedded bus: bounded in-process streams with durable consumers, no server needed.

Each subject is a stream of messages kept until every durable consumer of it has acknowledged
them; `publish` waits while `max_pending` of them are unacknowledged, which is the pipeline's
back-pressure. Consumer positions live in memory: they survive a stage's restart inside the
process, not the process itself. What makes a restart lose nothing is upstream (the source's
cursor is committed only after its posts are stored) and a graceful shutdown draining every
stream before it stops (docs/live-pipeline.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from hubbub.bus.base import BusClosed, Message

DEFAULT_MAX_PENDING = 64  # messages (batches of posts), per subject


class _Durable:
    def __init__(self, name: str, first_seq: int) -> None:
        self.name = name
        self.next_seq = first_seq  # the next message never delivered
        self.redeliver: deque[int] = deque()
        self.acked: set[int] = set()
        self.acked_through = first_seq - 1
        self.deliveries: dict[int, int] = {}


class _Stream:
    def __init__(self) -> None:
        self.messages: dict[int, Any] = {}
        self.last_seq = 0
        self.durables: dict[str, _Durable] = {}


class MemoryConsumer:
    def __init__(self, bus: MemoryBus, subject: str, durable: str) -> None:
        self._bus = bus
        self.subject = subject
        self.durable = durable

    def fetch(self, max_messages: int, timeout: float) -> list[Message]:
        return self._bus._fetch(self.subject, self.durable, max_messages, timeout)

    def ack(self, message: Message) -> None:
        self._bus._ack(self.subject, self.durable, message.seq)

    def nak(self, message: Message) -> None:
        self._bus._nak(self.subject, self.durable, message.seq)

    @property
    def acked_through(self) -> int:
        return self._bus._durable(self.subject, self.durable).acked_through


class MemoryBus:
    """Thread-safe; one lock for every stream (stages move batches, not single posts)."""

    def __init__(self, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self.max_pending = max_pending
        self._streams: dict[str, _Stream] = {}
        self._changed = threading.Condition()
        self._closed = False
        self.waits = 0  # publishes that had to wait for room: back-pressure, for the bench

    def _stream(self, subject: str) -> _Stream:
        stream = self._streams.get(subject)
        if stream is None:
            stream = self._streams[subject] = _Stream()
        return stream

    def _durable(self, subject: str, durable: str) -> _Durable:
        stream = self._stream(subject)
        found = stream.durables.get(durable)
        if found is None:
            first = min(stream.messages, default=stream.last_seq + 1)
            found = stream.durables[durable] = _Durable(durable, first)
        return found

    # ---- the Bus interface ---------------------------------------------------------------
    def publish(self, subject: str, payload: Any, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            stream = self._stream(subject)
            waited = False
            while len(stream.messages) >= self.max_pending and not self._closed:
                waited = True
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"{subject}: the stream stayed full for {timeout} s")
                self._changed.wait(remaining)
            if self._closed:
                raise BusClosed("the bus is closed")
            self.waits += waited
            stream.last_seq += 1
            stream.messages[stream.last_seq] = payload
            self._changed.notify_all()
            return stream.last_seq

    def consumer(self, subject: str, durable: str) -> MemoryConsumer:
        with self._changed:
            self._durable(subject, durable)
        return MemoryConsumer(self, subject, durable)

    def pending(self, subject: str) -> int:
        with self._changed:
            return len(self._stream(subject).messages)

    def wait_drained(self, subject: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._stream(subject).messages:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return False
                self._changed.wait(remaining)
            return True

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    # ---- consumer side -------------------------------------------------------------------
    def _fetch(self, subject: str, name: str, max_messages: int, timeout: float) -> list[Message]:
        deadline = time.monotonic() + timeout
        with self._changed:
            stream = self._stream(subject)
            durable = self._durable(subject, name)
            while not durable.redeliver and durable.next_seq > stream.last_seq:
                remaining = deadline - time.monotonic()
                if self._closed or remaining <= 0:
                    return []
                self._changed.wait(remaining)
            out: list[Message] = []
            while durable.redeliver and len(out) < max_messages:
                seq = durable.redeliver.popleft()
                out.append(self._deliver(stream, durable, subject, seq))
            while durable.next_seq <= stream.last_seq and len(out) < max_messages:
                seq = durable.next_seq
                durable.next_seq += 1
                if seq in stream.messages:
                    out.append(self._deliver(stream, durable, subject, seq))
            return out

    @staticmethod
    def _deliver(stream: _Stream, durable: _Durable, subject: str, seq: int) -> Message:
        count = durable.deliveries.get(seq, 0) + 1
        durable.deliveries[seq] = count
        return Message(subject, seq, stream.messages[seq], count)

    def _ack(self, subject: str, name: str, seq: int) -> None:
        with self._changed:
            stream = self._stream(subject)
            durable = self._durable(subject, name)
            if seq <= durable.acked_through or seq in durable.acked:
                return  # acks are idempotent, as on JetStream
            durable.acked.add(seq)
            durable.deliveries.pop(seq, None)
            while durable.acked_through + 1 in durable.acked:
                durable.acked_through += 1
                durable.acked.discard(durable.acked_through)
            if all(seq <= d.acked_through or seq in d.acked for d in stream.durables.values()):
                stream.messages.pop(seq, None)
            self._changed.notify_all()

    def _nak(self, subject: str, name: str, seq: int) -> None:
        with self._changed:
            durable = self._durable(subject, name)
            if seq > durable.acked_through and seq not in durable.acked:
                durable.redeliver.append(seq)
                self._changed.notify_all()
