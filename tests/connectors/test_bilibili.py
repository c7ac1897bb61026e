"""Bilibili over HTTP: mapping, video ids, search/replies/danmaku paging, cursors, errors."""

from datetime import UTC, datetime

import httpx
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.bilibili.api import aid_to_bvid, bvid_to_aid, video_ids
from hubbub.connectors.bilibili.connector import parse_danmaku_xml
from hubbub.connectors.bilibili.mapping import map_danmaku, map_live, map_reply, map_video
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.errors import ConfigError, InvalidPost

from .conftest import Server, connector_for, fixture_bytes, fixture_json

SEARCH = [fixture_json("bilibili_search_page1.json"), fixture_json("bilibili_search_page2.json")]
REPLIES = [fixture_json("bilibili_replies_page1.json"), fixture_json("bilibili_replies_page2.json")]
LIVE = fixture_json("bilibili_live_messages.json")["messages"]
NO_PACE = {"min_interval": "0"}


def search_api(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/x/web-interface/search/type"
    assert request.url.params["search_type"] == "video"
    assert request.url.params["order"] == "pubdate"
    return httpx.Response(200, json=SEARCH[int(request.url.params["page"]) - 1])


def replies_api(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/x/v2/reply/main"
    assert request.url.params["oid"] == "170001" and request.url.params["mode"] == "2"
    return httpx.Response(200, json=REPLIES[0 if request.url.params["next"] == "0" else 1])


def test_video_ids_convert_both_ways():
    assert aid_to_bvid(170001) == "BV17x411w7KC" and bvid_to_aid("BV17x411w7KC") == 170001
    for aid in (1, 99, 1001, 694724153, 2**40 + 7):
        assert bvid_to_aid(aid_to_bvid(aid)) == aid
    assert video_ids("av170001, https://www.bilibili.com/video/BV1xx411c7fG/", "s") == [
        "BV17x411w7KC",
        "BV1xx411c7fG",
    ]
    with pytest.raises(ConfigError, match="is not a Bilibili video"):
        video_ids("youtube.com/watch?v=x", "s")
    with pytest.raises(ConfigError, match="--set videos="):
        video_ids("", "s")


def test_video_mapping_strips_highlights_and_reads_display_counts():
    first = map_video(SEARCH[0]["data"]["result"][0])
    assert first.platform == "bilibili" and first.platform_id == "BV1xx411c7fG"
    assert first.kind == "video" and first.title == "蜂鸣耳机开箱：降噪实测"
    assert first.text == "三款耳机对比，哪款值得买？"
    assert first.created_at == datetime(2026, 3, 2, 11, 13, 20, tzinfo=UTC)
    assert (first.metrics.views, first.metrics.likes, first.metrics.replies) == (12034, 310, 45)
    assert first.author.id == "5001" and first.author.name == "数码小刘"
    assert first.hashtags == ["耳机", "开箱", "降噪"]
    assert first.url == "https://www.bilibili.com/video/BV1xx411c7fG"
    second = map_video(SEARCH[0]["data"]["result"][1])
    assert second.metrics.views == 12000 and second.hashtags is None  # "1.2万"; no tags
    with pytest.raises(InvalidPost, match="pubdate is missing"):
        map_video(SEARCH[1]["data"]["result"][1])


def test_reply_mapping_threads_to_the_video():
    top = REPLIES[0]["data"]["replies"][0]
    comment, nested = map_reply(top), map_reply(top["replies"][0])
    assert comment.platform_id == "reply:9000000105" and comment.kind == "comment"
    assert comment.parent_id == comment.root_id == "BV17x411w7KC"  # oid 170001 → its bvid
    assert comment.text == "降噪确实强，地铁上很安静"
    assert (comment.metrics.likes, comment.metrics.replies) == (12, 1)
    assert comment.author.id == "7001" and comment.author.handle == "耳机党"
    assert comment.url == "https://www.bilibili.com/video/BV17x411w7KC#reply9000000105"
    assert nested.kind == "reply" and nested.parent_id == "reply:9000000105"
    assert nested.root_id == "BV17x411w7KC" and nested.mentions == ["耳机党"]
    with pytest.raises(InvalidPost, match=r"no content\.message"):
        map_reply(REPLIES[1]["data"]["replies"][2])


def test_danmaku_xml_and_mapping():
    items = parse_danmaku_xml(fixture_bytes("bilibili_danmaku_279786.xml"), "BV17x411w7KC", "t")
    assert len(items) == 4 and items[0]["cid"] == "279786"
    post = map_danmaku(items[2])
    assert post.platform_id == "dm:70000000003" and post.kind == "comment"
    assert post.text == "蜂鸣yyds & 性价比"
    assert post.created_at == datetime(2026, 3, 2, 13, 10, tzinfo=UTC)
    assert post.parent_id == "BV17x411w7KC" and post.author.id == "crc32:9c0d1e2f"
    assert post.url == "https://www.bilibili.com/video/BV17x411w7KC?t=61.0"
    with pytest.raises(InvalidPost, match="too few fields"):
        map_danmaku(items[3])


def test_live_chat_mapping():
    new, old, super_chat, gift, bad = LIVE
    post = map_live({**new, "room_id": 21452505})
    assert post.kind == "live_chat" and post.text == "主播好！"
    assert post.platform_id == "live:8e1f0c4b2a9d3e7f6a5b4c3d2e1f0a9b1772459"  # extra.id_str
    assert post.author.id == "8001" and post.author.name == "观众小王"
    assert post.url == "https://live.bilibili.com/21452505"
    assert post.created_at == datetime(2026, 3, 2, 13, 45, 0, 123000, tzinfo=UTC)
    anonymous = map_live({**old, "room_id": 21452505})  # cmd with a suffix, no id, uid 0
    assert anonymous.author.id is None and anonymous.author.name == "观****"
    assert anonymous.platform_id.startswith("live:21452505:1772459160456:-1843299862:d4e5f6a7:")
    assert map_live({**old, "room_id": 21452505}).platform_id == anonymous.platform_id
    paid = map_live({**super_chat, "room_id": 21452505})
    assert paid.platform_id == "live:sc:6650012" and paid.author.name == "土豪哥"
    assert map_live(gift) is None
    with pytest.raises(InvalidPost, match="no info array"):
        map_live(bad)


def test_search_pages_back_to_the_cursor_then_resumes(importer, states, fake_time, store):
    server = Server(search_api)
    source = SourceConfig("bili", "bilibili", query="蜂鸣", options=NO_PACE)
    with connector_for(source, server, fake_time) as bili:
        first = run_once(bili, importer, states)  # a first run reads the newest page
    assert (first.stored, first.pages, first.error) == (2, 1, None)
    assert states.load("bili").cursor == {"since": 1772450000}
    with connector_for(source, server, fake_time) as bili:
        again = run_once(bili, importer, states)
    assert again.stored == 0 and again.duplicates == 1  # the newest, at the cursor's second
    backfill = datetime(2026, 3, 1, tzinfo=UTC)
    with connector_for(source, server, fake_time) as bili:
        older = run_once(bili, importer, states, since=backfill)
    # page 2: one more video, and one malformed result rejected while the rest is kept
    assert (older.stored, older.rejected, older.pages) == (1, 1, 2)
    assert store.count() == 3


def test_429_with_retry_after_then_5xx_then_success(importer, states, fake_time):
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(503),
            httpx.Response(200, json=SEARCH[0]),
        ]
    )
    server = Server(lambda request: next(answers))
    source = SourceConfig("bili", "bilibili", query="蜂鸣", options=NO_PACE)
    with connector_for(source, server, fake_time) as bili:
        result = run_once(bili, importer, states)
    assert result.stored == 2 and result.error is None
    assert fake_time.sleeps[0] == 7.0 and len(fake_time.sleeps) == 2


def test_bilibili_codes_become_clear_errors(importer, states, fake_time):
    blocked = {"code": -412, "message": "请求被拦截"}
    server = Server(lambda request: httpx.Response(200, json=blocked))
    source = SourceConfig("bili", "bilibili", query="蜂鸣", options=NO_PACE)
    with connector_for(source, server, fake_time) as bili:
        result = run_once(bili, importer, states)
    assert result.error_kind == "transient" and "-412" in result.error
    assert states.load("bili").health.retry_after_until is not None
    page = httpx.Response(412, text="<html>blocked</html>")
    with connector_for(source, Server(lambda request: page), fake_time) as bili:
        result = run_once(bili, importer, states)
    assert result.error_kind == "transient" and "HTTP 412" in result.error
    risk = {"code": -352, "message": "风控校验失败"}
    server = Server(lambda request: httpx.Response(200, json=risk))
    with connector_for(source, server, fake_time) as bili:
        result = run_once(bili, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_BILIBILI_COOKIE" in result.error


def test_replies_page_by_next_with_inline_subreplies(importer, states, fake_time, store):
    server = Server(replies_api)
    options = {**NO_PACE, "videos": "av170001"}
    source = SourceConfig("rp", "bilibili_replies", options=options)
    backfill = datetime(2026, 3, 1, tzinfo=UTC)
    with connector_for(source, server, fake_time) as replies:
        first = run_once(replies, importer, states, since=backfill)
    # 2 comments + 1 inline reply on page 1; 2 comments + 1 malformed on page 2
    assert (first.stored, first.rejected, first.error) == (5, 1, None)
    assert [r.url.params["next"] for r in server.requests] == ["0", "2"]
    assert states.load("rp").cursor == {"videos": {"BV17x411w7KC": {"rpid": 9000000106}}}
    server.requests.clear()
    with connector_for(source, server, fake_time) as replies:
        again = run_once(replies, importer, states)
    assert (again.fetched, again.stored) == (0, 0) and len(server.requests) == 1
    assert store.count() == 5


def test_danmaku_of_each_part_then_only_newer(importer, states, fake_time, store):
    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/x/web-interface/view":
            assert request.url.params["bvid"] == "BV17x411w7KC"
            return httpx.Response(200, json=fixture_json("bilibili_view.json"))
        assert request.url.path == "/x/v1/dm/list.so" and request.url.params["oid"] == "279786"
        return httpx.Response(200, content=fixture_bytes("bilibili_danmaku_279786.xml"))

    source = SourceConfig("dm", "bilibili_danmaku", options={**NO_PACE, "videos": "BV17x411w7KC"})
    with connector_for(source, Server(api), fake_time) as danmaku:
        first = run_once(danmaku, importer, states)
    assert (first.stored, first.rejected) == (3, 1)
    assert states.load("dm").cursor == {"videos": {"BV17x411w7KC": {"since": 1772457000}}}
    with connector_for(source, Server(api), fake_time) as danmaku:
        again = run_once(danmaku, importer, states)
    assert again.stored == 0 and again.fetched == 2  # the newest second, and the undated one
    assert store.count() == 3


def test_one_failing_video_does_not_stop_the_others(importer, states, fake_time):
    def api(request: httpx.Request) -> httpx.Response:
        if request.url.params["oid"] == str(bvid_to_aid("BV1xx411c7fG")):
            return httpx.Response(200, json={"code": 12002, "message": "评论区已关闭"})
        return replies_api(request)

    options = {**NO_PACE, "videos": "BV1xx411c7fG,BV17x411w7KC"}
    source = SourceConfig("rp", "bilibili_replies", options=options)
    with connector_for(source, Server(api), fake_time) as replies:
        result = run_once(replies, importer, states)
    assert result.stored == 3 and result.error_kind == "terminal" and "12002" in result.error


def test_settings_are_checked_when_the_source_is_added():
    with pytest.raises(ConfigError, match="needs --query"):
        make_connector(SourceConfig("b", "bilibili"))
    with pytest.raises(ConfigError, match="max_pages"):
        make_connector(SourceConfig("b", "bilibili", query="x", options={"max_pages": "0"}))
    with pytest.raises(ConfigError, match="--set videos="):
        make_connector(SourceConfig("b", "bilibili_danmaku"))
