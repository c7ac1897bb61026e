"""`hubbub source add/run` for every Bilibili type against local HTTP and WebSocket servers."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from typer.testing import CliRunner
from websockets.sync.server import ServerConnection

from hubbub.cli.main import app
from hubbub.connectors.bilibili.packets import Operation, Packet, Version, decode, encode

from .conftest import FixtureHandler, fixture_bytes, fixture_json, local_server, local_websocket

runner = CliRunner()
NEW, OLD, SUPER_CHAT, GIFT, BAD = fixture_json("bilibili_live_messages.json")["messages"]


class BilibiliAPI(FixtureHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/x/web-interface/search/type":
            body = fixture_json(f"bilibili_search_page{query['page']}.json")
        elif url.path == "/x/v2/reply/main":
            body = fixture_json(f"bilibili_replies_page{1 if query['next'] == '0' else 2}.json")
        elif url.path == "/x/web-interface/view":
            body = fixture_json("bilibili_view.json")
        elif url.path == "/x/v1/dm/list.so":
            self.send_body(fixture_bytes("bilibili_danmaku_279786.xml"), "text/xml")
            return
        elif url.path == "/room/v1/Room/room_init":
            body = {"code": 0, "data": {"room_id": 21452505}}
        elif url.path == "/xlive/web-room/v1/index/getDanmuInfo":
            body = {"code": 0, "data": {"token": "t0ken", "host_list": []}}
        else:
            self.send_error(404)
            return
        self.send_json(body)


def chat_room(ws: ServerConnection) -> None:
    """A live chat server: checks the AUTH packet, then sends two compressed frames."""
    auth = decode(ws.recv())[0]
    ok = auth.operation == Operation.AUTH and auth.json()["key"] == "t0ken"
    ws.send(encode(Packet(Operation.AUTH_REPLY, b'{"code":%d}' % (0 if ok else -101))))
    for messages, version in (
        ((NEW, GIFT), Version.BROTLI),
        ((OLD, SUPER_CHAT, BAD), Version.ZLIB),
    ):
        inner = b"".join(
            encode(Packet(Operation.MESSAGE, orjson.dumps(m), Version.JSON, 0)) for m in messages
        )
        ws.send(encode(Packet(Operation.MESSAGE, inner, version, 0)))
    for _ in ws:  # heartbeats, until the client leaves
        pass


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    with local_server(BilibiliAPI) as api, local_websocket(chat_room) as chat:
        yield api, f"{chat}/sub"


def hubbub(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.slow  # real sockets and a real listening time (~4 s)
def test_every_bilibili_type_collects_and_a_second_run_adds_nothing(tmp_path, servers):
    api, chat = servers
    home = str(tmp_path)
    sources = {
        "search": ["--type", "bilibili", "-q", "蜂鸣"],
        "replies": ["--type", "bilibili_replies", "--set", "videos=BV17x411w7KC"],
        "danmaku": ["--type", "bilibili_danmaku", "--set", "videos=av170001"],
        "live": ["--type", "bilibili_live", "--set", "room=6", "--set", f"ws_url={chat}"],
    }
    for name, args in sources.items():
        extra = ["--set", "max_items=4"] if name == "live" else []
        added = hubbub(
            "source", "add", name, *args, *extra, "--set", "min_interval=0",
            "--base-url", api, "--home", home,
        )  # fmt: skip
        assert added.exit_code == 0, added.output

    def run_all() -> dict[str, dict]:
        ran = hubbub("source", "run", "--all", "--once", "--no-enrich", "--json", "--home", home)
        assert ran.exit_code == 0, ran.output
        return {r["source"]: r for r in orjson.loads(ran.stdout)}

    first = run_all()
    assert {name: (r["stored"], r["rejected"]) for name, r in first.items()} == {
        "search": (2, 0),  # a first search run reads the newest page
        "replies": (3, 0),  # 2 comments and 1 inline reply on the newest page
        "danmaku": (3, 1),
        "live": (3, 1),
    }
    second = run_all()
    assert all(r["stored"] == 0 for r in second.values()), second
    assert second["live"]["duplicates"] == 3  # the room replays the same chat: stored once
    listed = orjson.loads(hubbub("source", "list", "--json", "--home", home).stdout)
    assert {s["name"]: (s["status"], s["items_total"]) for s in listed} == {
        "search": ("ok", 2),
        "replies": ("ok", 3),
        "danmaku": ("ok", 3),
        "live": ("ok", 3),
    }
