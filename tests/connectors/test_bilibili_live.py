"""Bilibili live chat: room lookup, auth and heartbeats, compressed frames, bounds, reconnects."""

import httpx
import orjson

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.bilibili.packets import Operation, Packet, Version, decode, encode
from hubbub.connectors.http import RetryPolicy
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector

from .conftest import Server, fixture_json
from .fake_socket import FakeSocket, HandshakeRefused, SocketFactory

NEW, OLD, SUPER_CHAT, GIFT, BAD = fixture_json("bilibili_live_messages.json")["messages"]
ROOM, REAL_ROOM = 6, 21452505


def business(*messages: dict, version: int = Version.BROTLI) -> bytes:
    """One frame as the server sends it: JSON packets, compressed together."""
    inner = b"".join(
        encode(Packet(Operation.MESSAGE, orjson.dumps(m), Version.JSON, 0)) for m in messages
    )
    return encode(Packet(Operation.MESSAGE, inner, version, 0))


def auth_reply(code: int = 0) -> bytes:
    return encode(Packet(Operation.AUTH_REPLY, orjson.dumps({"code": code}), Version.INT))


def live_api(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/room/v1/Room/room_init":
        assert request.url.params["id"] == str(ROOM)
        return httpx.Response(200, json={"code": 0, "data": {"room_id": REAL_ROOM, "short_id": 6}})
    assert request.url.path == "/xlive/web-room/v1/index/getDanmuInfo"
    hosts = [
        {"host": "a.chat.example", "wss_port": 443},
        {"host": "b.chat.example", "wss_port": 2245},
    ]
    return httpx.Response(200, json={"code": 0, "data": {"token": "t0ken", "host_list": hosts}})


def live(factory, fake_time, options=None, api=live_api):  # type: ignore[no-untyped-def]
    config = SourceConfig(
        "room", "bilibili_live", options={"room": str(ROOM), "min_interval": "0", **(options or {})}
    )
    return make_connector(
        config,
        transport=Server(api).transport,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        env={"HUBBUB_BILIBILI_COOKIE": "buvid3=B-1; other=x"},
        retry=RetryPolicy(attempts=3, base=1.0, cap=8.0, max_wait=120.0),
        connect=factory,
    )


def test_joins_the_real_room_and_collects_chat_for_the_bounded_time(importer, states, fake_time):
    socket = FakeSocket(
        [auth_reply(), business(NEW, GIFT), business(OLD, SUPER_CHAT, BAD, version=Version.ZLIB)],
        fake_time,
    )
    factory = SocketFactory(socket)
    started = fake_time.now
    with live(factory, fake_time, {"duration": "65"}) as room:
        result = run_once(room, importer, states)
    assert (result.stored, result.rejected, result.error) == (3, 1, None)
    assert fake_time.now - started >= 65  # listened for the whole duration, then stopped
    assert factory.urls == ["wss://a.chat.example:443/sub"]
    assert factory.headers[0]["Cookie"] == "buvid3=B-1; other=x"
    auth = decode(socket.sent[0])[0]
    assert auth.operation == Operation.AUTH
    assert auth.json()["roomid"] == REAL_ROOM and auth.json()["key"] == "t0ken"
    assert auth.json()["buvid"] == "B-1"
    beats = [m for m in socket.sent[1:] if decode(m)[0].operation == Operation.HEARTBEAT]
    assert len(beats) == 3  # at 0, 30 and 60 s
    assert socket.closed
    assert states.load("room").cursor == {"room_id": REAL_ROOM, "last_ms": 1772459200000}


def test_max_items_ends_the_run_early(importer, states, fake_time):
    socket = FakeSocket(
        [auth_reply(), business(NEW), business(OLD), business(SUPER_CHAT)], fake_time
    )
    with live(SocketFactory(socket), fake_time, {"max_items": "2"}) as room:
        result = run_once(room, importer, states)
    assert result.stored == 2 and socket.closed and not socket.frames[1:]


def test_a_dropped_connection_reconnects_to_the_next_server(importer, states, fake_time):
    first = FakeSocket([auth_reply(), business(NEW)], fake_time, then_close=True)
    second = FakeSocket([auth_reply(), business(OLD)], fake_time)
    factory = SocketFactory(first, second)
    with live(factory, fake_time, {"duration": "20"}) as room:
        result = run_once(room, importer, states)
    assert result.stored == 2 and result.error is None
    assert factory.urls == ["wss://a.chat.example:443/sub", "wss://b.chat.example:2245/sub"]
    assert result.requests == 2 + 2  # room_init and getDanmuInfo, then two connections
    assert 0.5 <= fake_time.sleeps[0] <= 1.0  # the first backoff, with jitter


def test_refused_token_is_an_auth_error(importer, states, fake_time):
    socket = FakeSocket([auth_reply(-101)], fake_time)
    with live(SocketFactory(socket), fake_time) as room:
        result = run_once(room, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_BILIBILI_COOKIE" in result.error


def test_handshake_errors(importer, states, fake_time):
    with live(SocketFactory(HandshakeRefused(403)), fake_time) as room:
        refused = run_once(room, importer, states)
    assert refused.error_kind == "auth"
    with live(SocketFactory(), fake_time) as room:  # every connect fails
        down = run_once(room, importer, states)
    assert down.error_kind == "transient" and "3 tries in a row" in down.error
    limited = SocketFactory(
        HandshakeRefused(429, retry_after=9), FakeSocket([business(NEW)], fake_time)
    )
    with live(limited, fake_time, {"max_items": "1"}) as room:
        ok = run_once(room, importer, states)
    assert ok.stored == 1 and 9 in fake_time.sleeps


def test_unsigned_room_info_falls_back_to_the_public_chat_host(importer, states, fake_time):
    def api(request: httpx.Request) -> httpx.Response:
        if "getDanmuInfo" in request.url.path:
            return httpx.Response(200, json={"code": -352, "message": "-352"})
        return live_api(request)

    socket = FakeSocket([auth_reply(), business(NEW)], fake_time)
    factory = SocketFactory(socket)
    with live(factory, fake_time, {"max_items": "1"}, api=api) as room:
        result = run_once(room, importer, states)
    assert result.stored == 1
    assert factory.urls == ["wss://broadcastlv.chat.bilibili.com/sub"]
    assert decode(socket.sent[0])[0].json()["key"] == ""


def test_a_corrupt_frame_is_skipped_not_fatal(importer, states, fake_time):
    socket = FakeSocket([auth_reply(), b"\x00\x00\x00\x40garbage", business(NEW)], fake_time)
    with live(SocketFactory(socket), fake_time, {"max_items": "1"}) as room:
        result = run_once(room, importer, states)
        assert room.bad_frames == 1
    assert result.stored == 1
