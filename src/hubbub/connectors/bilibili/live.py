"""Bilibili live-room chat (danmaku) over the room's WebSocket, collected as `live_chat` posts.

The web player's protocol (described from the MIT-licensed blivedm client; Bilibili does not
document it):

1. `room_init?id=<room>` turns a short room number (the one in the URL) into the real room id.
2. `getDanmuInfo?id=<room id>` hands out a token and the chat servers' host list.
3. On `wss://<host>:<wss_port>/sub`, the client sends an AUTH packet (room id, token, uid 0 when
   not logged in), then a HEARTBEAT every 30 s; the server sends business messages, often
   several packets compressed into one (see packets.py).

`getDanmuInfo` now asks for a signed request (WBI) and may refuse ours (code -352); we then
connect to the public chat host without a token, which Bilibili accepts for now but may answer
with user names masked. The `ws_url` option names the chat server instead (a proxy, or tests).

Live chat cannot be replayed: what was said while no run was listening is gone. The cursor only
records the room and the newest message time, for the source's health. Messages kept:
`DANMU_MSG` (chat) and `SUPER_CHAT_MESSAGE` (paid, pinned chat); gifts and the rest are dropped.
A frame that cannot be decoded is skipped and counted (`bad_frames`), so one corrupt frame does
not end a long run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from hubbub.connectors.base import Page
from hubbub.connectors.bilibili.api import COOKIE_HINT, COOKIE_VAR, check, refine_blocked
from hubbub.connectors.bilibili.mapping import LIVE_COMMANDS, PLATFORM, command, map_live
from hubbub.connectors.bilibili.packets import (
    Operation,
    PacketError,
    auth_code,
    auth_packet,
    decode,
    heartbeat_packet,
)
from hubbub.connectors.http import HttpClient
from hubbub.connectors.stream import (
    Connection,
    Message,
    StreamingConnector,
    reconnecting,
    websocket_session,
)
from hubbub.errors import ConfigError, SourceAuthError, SourceError
from hubbub.models import Post

HEARTBEAT_SECONDS = 30.0
PUBLIC_CHAT_URL = "wss://broadcastlv.chat.bilibili.com/sub"
ROOM_INIT_PATH = "/room/v1/Room/room_init"
DANMU_INFO_PATH = "/xlive/web-room/v1/index/getDanmuInfo"


class BilibiliLiveConnector(StreamingConnector):
    type = "bilibili_live"
    platform = PLATFORM
    archive_name = "bilibili_live_message"
    default_base_url = "https://api.live.bilibili.com"
    env_vars = (COOKIE_VAR,)
    min_interval = 1.0
    bad_frames = 0  # frames of the last run that could not be decoded (skipped)

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_live(raw)

    def check_config(self) -> None:
        super().check_config()
        self.room()

    def room(self) -> int:
        value = (self.option("room") or "").strip().rstrip("/").rsplit("/", 1)[-1]
        if not value.isdigit():
            raise ConfigError(
                f"{self.config.name}: set the live room: --set room=<number in the room's URL>"
            )
        return int(value)

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        if since is not None:
            raise ConfigError(
                f"{self.config.name}: live chat cannot be backfilled; run it without "
                "--backfill-since (and keep it running to hear everything)"
            )
        self.bad_frames = 0
        bounds = self.bounds()
        cookie = self.secret(COOKIE_VAR)
        headers = {"Referer": "https://live.bilibili.com/"}
        if cookie:
            headers["Cookie"] = cookie
        http = self.client(headers=headers, auth_hint=COOKIE_HINT, refine=refine_blocked)
        room_id = self._room_id(http)
        token, urls = self._chat_servers(http, room_id)
        buvid = _cookie_value(cookie, "buvid3")
        ctx = self.stream_context(bounds, auth_hint=COOKIE_HINT)
        servers = itertools.cycle(urls)  # each reconnect tries the next server
        newest = cursor.get("last_ms") if isinstance(cursor.get("last_ms"), int) else None

        def authenticate(connection: Connection) -> None:
            connection.send(auth_packet(room_id, token, buvid=buvid))

        def open_session() -> Iterator[Message | None]:
            ws_headers = {"Origin": "https://live.bilibili.com", **headers}
            return websocket_session(
                self.connect(next(servers), ws_headers),
                ctx,
                on_open=authenticate,
                heartbeat=HEARTBEAT_SECONDS,
                heartbeat_message=heartbeat_packet(),
            )

        def handle(frame: Message) -> list[dict[str, Any]]:
            nonlocal newest
            if isinstance(frame, str):
                return []  # the protocol is binary; a text frame carries nothing we read
            try:
                packets = decode(frame)
            except PacketError:
                self.bad_frames += 1
                return []
            kept = []
            for packet in packets:
                if packet.operation == Operation.AUTH_REPLY and auth_code(packet) != 0:
                    raise SourceAuthError(
                        f"{self.config.name}: the chat server refused to join room {room_id} "
                        f"(code {auth_code(packet)}); {COOKIE_HINT}"
                    )
                if packet.operation != Operation.MESSAGE:
                    continue
                try:
                    message = packet.json()
                except PacketError:
                    self.bad_frames += 1
                    continue
                if command(message) in LIVE_COMMANDS:
                    message["room_id"] = room_id  # the message does not say which room
                    kept.append(message)
                    newest = max(newest or 0, _sent_ms(message) or 0) or newest
            return kept

        def position() -> dict[str, Any]:
            return {"room_id": room_id, **({"last_ms": newest} if newest else {})}

        frames: Iterator[Message | None] = reconnecting(open_session, ctx)
        yield from self.pages(frames, bounds, handle, position)

    def _room_id(self, http: HttpClient) -> int:
        """The real room id behind the number in a room's URL (which may be a short alias)."""
        room = self.room()
        data = check(http.get_json(ROOM_INIT_PATH, {"id": room}), self.config.name, "room_init")
        real = data.get("room_id") if isinstance(data, dict) else None
        return real if isinstance(real, int) and real > 0 else room

    def _chat_servers(self, http: HttpClient, room_id: int) -> tuple[str, list[str]]:
        """The token and the chat servers to try, in order."""
        override = self.option("ws_url")
        try:
            body = http.get_json(DANMU_INFO_PATH, {"id": room_id, "type": 0})
            data = check(body, self.config.name, "getDanmuInfo")
        except SourceError as exc:
            if exc.retryable:
                raise
            # Refused (usually: not WBI-signed): join anonymously through the public host.
            return "", [override or PUBLIC_CHAT_URL]
        token = data.get("token") if isinstance(data, dict) else None
        hosts = data.get("host_list") if isinstance(data, dict) else None
        urls = [
            f"wss://{h['host']}:{h.get('wss_port') or 443}/sub"
            for h in (hosts if isinstance(hosts, list) else [])
            if isinstance(h, dict) and isinstance(h.get("host"), str)
        ]
        if override:
            urls = [override]
        return (token if isinstance(token, str) else ""), (urls or [PUBLIC_CHAT_URL])


def _sent_ms(message: dict[str, Any]) -> int | None:
    info = message.get("info")
    if isinstance(info, list) and info and isinstance(info[0], list) and len(info[0]) > 4:
        value = info[0][4]
        return value if isinstance(value, int) else None
    data = message.get("data")
    start = data.get("start_time") if isinstance(data, dict) else None
    return start * 1000 if isinstance(start, int) else None


def _cookie_value(cookie: str | None, name: str) -> str:
    for part in (cookie or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""
