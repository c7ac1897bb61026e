"""A scripted WebSocket for streaming connector tests: recorded frames in, sent frames kept."""

from __future__ import annotations

from collections.abc import Mapping

from hubbub.connectors.stream import HandshakeRefused, Message, StreamClosed

from .conftest import FakeTime


class FakeSocket:
    """Replays `frames`; then either closes (`then_close`) or stays quiet, moving the fake
    clock by each read's timeout, as a real quiet socket would take that long to time out."""

    def __init__(self, frames: list[Message], fake_time: FakeTime, then_close: bool = False):
        self.frames = list(frames)
        self.time = fake_time
        self.then_close = then_close
        self.sent: list[Message] = []
        self.closed = False

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def recv(self, timeout: float) -> Message:
        if self.frames:
            return self.frames.pop(0)
        if self.then_close:
            raise StreamClosed("closed by the server (1006)")
        self.time.now += max(timeout, 0.001)
        raise TimeoutError

    def close(self) -> None:
        self.closed = True


class SocketFactory:
    """A `ConnectionFactory` handing out prepared sockets (or raising prepared errors) in order."""

    def __init__(self, *sockets: FakeSocket | Exception) -> None:
        self.sockets = list(sockets)
        self.urls: list[str] = []
        self.headers: list[Mapping[str, str]] = []

    def __call__(self, url: str, headers: Mapping[str, str]) -> FakeSocket:
        self.urls.append(url)
        self.headers.append(headers)
        if not self.sockets:
            raise StreamClosed("cannot connect: no more scripted sockets")
        socket = self.sockets.pop(0)
        if isinstance(socket, Exception):
            raise socket
        return socket


__all__ = ["FakeSocket", "HandshakeRefused", "SocketFactory"]
