"""Bilibili live WebSocket packets: header layout, round trips, compressed runs, bad frames."""

import struct
import zlib

import brotli
import orjson
import pytest

from hubbub.connectors.bilibili.packets import (
    HEADER_LENGTH,
    Operation,
    Packet,
    PacketError,
    Version,
    auth_code,
    auth_packet,
    decode,
    encode,
    heartbeat_packet,
)

DANMU = orjson.dumps({"cmd": "DANMU_MSG", "info": [[0, 1, 25], "你好", [1, "a"]]})
GIFT = orjson.dumps({"cmd": "SEND_GIFT", "data": {"giftName": "辣条"}})


def message(body: bytes, version: int = Version.JSON) -> Packet:
    return Packet(Operation.MESSAGE, body, version, 0)


def test_header_is_sixteen_big_endian_bytes():
    frame = encode(Packet(Operation.HEARTBEAT, b"[object Object]", Version.INT, 1))
    length, header, version, operation, sequence = struct.unpack(">IHHII", frame[:16])
    assert (length, header, version, operation, sequence) == (16 + 15, 16, 1, 2, 1)
    assert frame[16:] == b"[object Object]"
    assert heartbeat_packet() == struct.pack(">IHHII", 16, 16, 1, 2, 1)


def test_round_trip_plain_packet():
    packet = message(DANMU)
    assert decode(encode(packet)) == [packet]
    assert decode(encode(packet))[0].json()["info"][1] == "你好"


def test_several_packets_in_one_frame():
    frame = encode(message(DANMU)) + encode(message(GIFT)) + encode(message(b"{}"))
    assert [p.body for p in decode(frame)] == [DANMU, GIFT, b"{}"]


@pytest.mark.parametrize("version", [Version.ZLIB, Version.BROTLI])
def test_compressed_body_holding_several_packets(version):
    inner = encode(message(DANMU)) + encode(message(GIFT))
    frame = encode(Packet(Operation.MESSAGE, inner, version, 0))
    # The body on the wire really is compressed with the version's algorithm.
    body = frame[HEADER_LENGTH:]
    unpacked = zlib.decompress(body) if version == Version.ZLIB else brotli.decompress(body)
    assert unpacked == inner
    packets = decode(frame)
    assert [p.body for p in packets] == [DANMU, GIFT]
    assert all(p.version == Version.JSON for p in packets)


def test_compressed_run_followed_by_a_plain_packet():
    compressed = encode(Packet(Operation.MESSAGE, encode(message(DANMU)), Version.ZLIB))
    frame = compressed + encode(message(GIFT))
    assert [p.body for p in decode(frame)] == [DANMU, GIFT]


def test_truncated_frames_are_refused_with_a_reason():
    frame = encode(message(DANMU))
    with pytest.raises(PacketError, match="truncated frame: the packet at offset 0"):
        decode(frame[:-3])
    with pytest.raises(PacketError, match="a header needs 16"):
        decode(frame + frame[:10])
    with pytest.raises(PacketError, match="bad packet header"):
        decode(struct.pack(">IHHII", 8, 16, 0, 5, 0))
    corrupt = encode(Packet(Operation.MESSAGE, b"x", Version.ZLIB))[:16] + b"not zlib"
    corrupt = struct.pack(">IHHII", len(corrupt), 16, 2, 5, 0) + corrupt[16:]
    with pytest.raises(PacketError, match="cannot decompress"):
        decode(corrupt)


def test_heartbeat_reply_carries_popularity_and_an_uncounted_echo():
    # The server's length covers the 4-byte count, not the heartbeat body it echoes after it.
    reply = struct.pack(">IHHII", 20, 16, 1, 3, 1) + (1234).to_bytes(4, "big") + b"[object]"
    (packet,) = decode(reply)
    assert packet.operation == Operation.HEARTBEAT_REPLY and packet.popularity() == 1234


def test_auth_packet_and_auth_reply():
    (auth,) = decode(auth_packet(21452505, "tok3n", buvid="XY-1"))
    body = auth.json()
    assert auth.operation == Operation.AUTH and auth.version == Version.INT
    assert body == {
        "uid": 0,
        "roomid": 21452505,
        "protover": 3,
        "platform": "web",
        "type": 2,
        "key": "tok3n",
        "buvid": "XY-1",
    }
    ok = decode(encode(Packet(Operation.AUTH_REPLY, b'{"code":0}', Version.INT)))[0]
    refused = decode(encode(Packet(Operation.AUTH_REPLY, b'{"code":-101}', Version.INT)))[0]
    assert auth_code(ok) == 0 and auth_code(refused) == -101
    assert auth_code(Packet(Operation.AUTH_REPLY, b"??")) is None
