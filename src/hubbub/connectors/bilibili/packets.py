"""The binary packets of Bilibili's live-room danmaku WebSocket, encoded and decoded.

Every packet is a 16-byte big-endian header and a body:

    offset  size  field
    0       4     packet length, header included
    4       2     header length (16)
    6       2     protocol version: 0 JSON, 1 heartbeat/int, 2 zlib-deflated, 3 brotli
    8       4     operation: 2 heartbeat, 3 heartbeat reply, 5 message, 7 auth, 8 auth reply
    12      4     sequence (clients send 1)

One WebSocket frame may carry several packets back to back, and a compressed body (version
2 or 3) is itself a run of packets, so decoding recurses into it. The format is described
from the MIT-licensed blivedm client; Bilibili does not document it.

Brotli is what the web client asks for (protover 3); the `brotli` package is imported only
when such a body arrives, and without it a client asks for zlib (protover 2) instead.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import orjson

HEADER = struct.Struct(">IHHII")
HEADER_LENGTH = HEADER.size  # 16
MAX_DEPTH = 3  # compressed bodies hold plain packets; deeper nesting is a corrupt frame


class Operation(IntEnum):
    HEARTBEAT = 2
    HEARTBEAT_REPLY = 3
    MESSAGE = 5
    AUTH = 7
    AUTH_REPLY = 8


class Version(IntEnum):
    JSON = 0
    INT = 1  # heartbeats and the popularity count
    ZLIB = 2
    BROTLI = 3


class PacketError(ValueError):
    """A frame that cannot be decoded (truncated, bad header, bad compressed body)."""


@dataclass(frozen=True)
class Packet:
    operation: int
    body: bytes
    version: int = Version.INT
    sequence: int = 1

    def json(self) -> Any:
        """The body as JSON (business messages and auth replies)."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise PacketError(f"packet body is not JSON: {exc}") from None

    def popularity(self) -> int | None:
        """A heartbeat reply's first four body bytes: the room's popularity count."""
        if self.operation != Operation.HEARTBEAT_REPLY or len(self.body) < 4:
            return None
        return int.from_bytes(self.body[:4], "big")


def encode(packet: Packet) -> bytes:
    """One packet as bytes. Compressed versions compress the body as given."""
    body = packet.body
    if packet.version == Version.ZLIB:
        body = zlib.compress(body)
    elif packet.version == Version.BROTLI:
        body = _brotli().compress(body)
    header = HEADER.pack(
        HEADER_LENGTH + len(body), HEADER_LENGTH, packet.version, packet.operation, packet.sequence
    )
    return header + body


def decode(frame: bytes, _depth: int = 0) -> list[Packet]:
    """Every packet in one frame, compressed runs unpacked into the packets they hold."""
    packets: list[Packet] = []
    offset = 0
    while offset < len(frame):
        if len(frame) - offset < HEADER_LENGTH:
            raise PacketError(
                f"truncated frame: {len(frame) - offset} bytes left at offset {offset}, "
                f"a header needs {HEADER_LENGTH}"
            )
        length, header_length, version, operation, sequence = HEADER.unpack_from(frame, offset)
        if header_length < HEADER_LENGTH or length < header_length:
            raise PacketError(f"bad packet header at offset {offset}: length {length}")
        end = offset + length
        if operation == Operation.HEARTBEAT_REPLY:
            # Its length does not count the heartbeat body the server echoes after the count,
            # and it travels alone: the rest of the frame is its body.
            end = len(frame)
        elif end > len(frame):
            raise PacketError(
                f"truncated frame: the packet at offset {offset} is {length} bytes, "
                f"{len(frame) - offset} are there"
            )
        body = frame[offset + header_length : end]
        if version in (Version.ZLIB, Version.BROTLI) and operation == Operation.MESSAGE:
            if _depth >= MAX_DEPTH:
                raise PacketError("compressed packets nested too deep")
            packets.extend(decode(_decompress(version, body), _depth + 1))
        else:
            packets.append(Packet(operation, bytes(body), version, sequence))
        offset = end
    return packets


def _decompress(version: int, body: bytes) -> bytes:
    try:
        if version == Version.ZLIB:
            return zlib.decompress(body)
        return bytes(_brotli().decompress(body))
    except PacketError:
        raise
    except Exception as exc:  # zlib.error, brotli.error: a corrupt body, whatever the library
        raise PacketError(f"cannot decompress a version-{version} body: {exc}") from None


def _brotli() -> Any:
    try:
        import brotli
    except ImportError:
        raise PacketError(
            "the server sent a brotli-compressed packet: pip install brotli, or ask for zlib"
        ) from None
    return brotli


def has_brotli() -> bool:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


# ---- the client's own packets --------------------------------------------------------------------
def auth_packet(room_id: int, token: str, *, uid: int = 0, buvid: str = "") -> bytes:
    """The first packet a client sends: which room, and the token `getDanmuInfo` handed out."""
    body: dict[str, Any] = {
        "uid": uid,
        "roomid": room_id,
        "protover": Version.BROTLI if has_brotli() else Version.ZLIB,
        "platform": "web",
        "type": 2,
        "key": token,
    }
    if buvid:
        body["buvid"] = buvid
    return encode(Packet(Operation.AUTH, orjson.dumps(body)))


def heartbeat_packet() -> bytes:
    """Sent every 30 s, or the server closes the connection."""
    return encode(Packet(Operation.HEARTBEAT, b""))


def auth_code(packet: Packet) -> int | None:
    """The `code` of an AUTH_REPLY (0 is success, -101 a refused token); None if unreadable."""
    try:
        body = packet.json()
    except PacketError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None
