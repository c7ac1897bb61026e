"""What a stage of the live pipeline may ask of the bus, whatever carries the messages.

The shape follows NATS JetStream so a NATS bus can slot in without touching the stages:

- a message is published on a *subject* (``hubbub.posts.stored``) and gets a per-subject
  sequence number;
- a stage reads through a *durable consumer* (a name that survives restarts on a server bus):
  `fetch` pulls up to n messages, and each is `ack`ed once its effects are done, or `nak`ed to
  have it delivered again. `acked_through` is the consumer's committed position: every message
  up to it is done;
- a stream holds at most `max_pending` unacknowledged messages; `publish` then *waits* (bounded
  back-pressure: a burst slows the producer and never drops a message; JetStream's
  ``discard: new`` with a retrying publisher behaves the same).

Payloads are Python objects in process; a server bus serializes them (Arrow IPC for batches of
rows, JSON for alerts), which is why stages only ever send those two kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from hubbub.errors import HubbubError

# The live pipeline's subjects, in the order posts travel.
SUBJECTS = {
    "raw": "hubbub.posts.raw",  # Arrow table of mapped rows, not yet enriched (scale-out only)
    "enriched": "hubbub.posts.enriched",  # the same rows enriched, to be stored (scale-out only)
    "stored": "hubbub.posts.stored",  # Arrow table of rows just stored (new posts only)
    "matched": "hubbub.posts.matched",  # rows with the topics each one matched
}


class BusClosed(HubbubError):
    """The bus was closed while a stage waited on it (shutdown)."""


@dataclass
class Message:
    subject: str
    seq: int
    payload: Any
    deliveries: int = 1  # 2+ once redelivered after a nak


class Consumer(Protocol):
    durable: str

    def fetch(self, max_messages: int, timeout: float) -> list[Message]:
        """Up to `max_messages` messages not yet delivered (waits up to `timeout` for one)."""
        ...

    def ack(self, message: Message) -> None:
        """The message's effects are done: it will not be delivered again."""
        ...

    def nak(self, message: Message) -> None:
        """Deliver the message again (its stage could not finish it)."""
        ...

    @property
    def acked_through(self) -> int:
        """Every message with a sequence up to this one is acknowledged."""
        ...


class Bus(Protocol):
    def publish(self, subject: str, payload: Any, timeout: float | None = None) -> int:
        """Append a message, waiting while the subject's stream is full; returns its sequence.

        Raises BusClosed if the bus closes while waiting, TimeoutError after `timeout` seconds.
        """
        ...

    def consumer(self, subject: str, durable: str) -> Consumer:
        """The durable consumer `durable` of `subject` (created on first use)."""
        ...

    def pending(self, subject: str) -> int:
        """Messages published on `subject` and not yet acknowledged by every consumer."""
        ...

    def wait_drained(self, subject: str, timeout: float) -> bool:
        """Wait until `pending(subject)` is 0; False if `timeout` passed first."""
        ...

    def close(self) -> None: ...
