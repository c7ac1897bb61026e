from datetime import UTC, datetime

import pytest

from hubbub.connectors.importers import weibo
from hubbub.connectors.importers.weibo_text import parse_weibo_time, strip_html
from hubbub.errors import InvalidPost
from hubbub.models import Media

from .conftest import DATA, run_format


def test_open_api_statuses():
    out = run_format(weibo.FORMAT, DATA / "weibo_openapi.json")
    assert out.rejects == []
    assert out.skipped == 1  # the deleted status
    posts = out.by_id()
    post = posts["4776000000000001"]
    assert post.platform == "weibo"
    assert post.created_at == datetime(2022, 6, 4, 12, 4, 36, tzinfo=UTC)
    assert post.kind == "post"
    assert post.text == "今天的#端午节#粽子太好吃了[馋嘴] 推荐给@小吃货阿明 http://t.cn/A6abcdE"
    assert post.hashtags == ["端午节"]
    assert post.mentions == ["小吃货阿明"]
    assert post.urls == ["http://t.cn/A6abcdE"]
    assert post.metrics.reposts == 3
    assert post.metrics.replies == 12_000  # "1.2万"
    assert post.metrics.likes == 15
    assert post.author.id == "5500000001"
    assert post.author.handle == "江南小厨"
    assert post.author.followers == 35_000
    assert post.author.following == 210
    assert post.author.verified is True
    assert post.author.country is None  # "浙江 杭州" is a free-text location
    assert post.url == "https://weibo.com/5500000001/4776000000000001"
    assert post.media == [Media("image", "http://wx1.example.cn/thumbnail/aaa.jpg")]
    assert post.source == "import:weibo"

    repost = posts["4776000000000002"]
    assert repost.kind == "repost"
    assert repost.repost_of == "4776000000000001"


def test_mweibo_cards_html_long_text_and_skips():
    out = run_format(weibo.FORMAT, DATA / "weibo_mweibo.jsonl")
    posts = out.by_id()
    post = posts["4987000000000001"]
    # longText replaces the truncated HTML text
    assert post.text == "#新年快乐#祝大家萬事如意[心] 谢谢@老王在北京 今年一起去看海 🌊"
    assert post.hashtags == ["新年快乐"]
    assert post.mentions == ["老王在北京"]
    assert post.created_at == datetime(2024, 1, 2, 10, 30, tzinfo=UTC)
    assert post.metrics.reposts == 1_000_000  # "100万+" is a lower bound
    assert post.metrics.likes == 25_000
    assert post.author.followers == 120_000_000  # "1.2亿"
    assert post.author.following == 99
    assert post.url == "https://weibo.com/6600000001/NzAbCdEf1"
    assert post.country is None  # region_name "发布于 北京" is not a country
    assert post.media == [Media("image", "https://wx1.example.cn/large/p1.jpg")]
    # longTextContent has no link targets: they are kept from the HTML `text`
    assert post.urls == ["http://t.cn/A6zzzz"]

    grouped = posts["4987000000000002"]  # nested in a card_group
    assert grouped.text == "普通的一天"
    assert grouped.author.handle == "阿花"

    assert "4987000000000003" not in posts  # promoted mblog
    # the ad and the "查看更多" card are skipped, not rejected
    assert out.skipped == 2


def test_relative_time_and_failed_response_are_rejected():
    out = run_format(weibo.FORMAT, DATA / "weibo_mweibo.jsonl")
    reasons = dict(out.rejects)
    assert "relative or incomplete time '5分钟前'" in reasons[1]
    assert reasons[3].startswith("m.weibo.cn response with ok=0: 这里还没有内容")


def test_mweibo_comments():
    posts = run_format(weibo.FORMAT, DATA / "weibo_mweibo.jsonl").by_id()
    top = posts["4987100000000001"]
    assert top.kind == "comment"
    assert top.text == "说得好[赞]"
    assert top.metrics.likes == 12
    assert top.metrics.replies == 1
    assert top.parent_id is None  # the post's id is not in a hotflow page
    reply = posts["4987100000000002"]
    assert reply.text == "回复@评论家:同意"
    assert reply.parent_id == "4987100000000001"
    assert reply.mentions == ["评论家"]


def test_strip_html_keeps_emoji_alt_and_link_text():
    text, urls = strip_html(
        '哈<span class="url-icon"><img alt=[doge] src="//x.png" /></span>'
        '<a data-url="http://t.cn/X1" href="https://weibo.cn/sinaurl?u=http%3A%2F%2Ft.cn%2FX1">'
        '<span class="surl-text">网页链接</span></a> &amp; <a href="https://example.com/p">外链</a>'
        '<br />第二行 ...<a href="/status/123">全文</a>'
    )
    assert text == "哈[doge]网页链接 & 外链\n第二行 ..."
    assert urls == ["http://t.cn/X1", "https://example.com/p"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sat Jun 04 20:04:36 +0800 2022", datetime(2022, 6, 4, 12, 4, 36, tzinfo=UTC)),
        ("2019-06-14", datetime(2019, 6, 13, 16, tzinfo=UTC)),
        ("2019-06-14 20:39", datetime(2019, 6, 14, 12, 39, tzinfo=UTC)),
        (1560515960, datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
    ],
)
def test_absolute_times(value, expected):
    assert parse_weibo_time(value) == expected


@pytest.mark.parametrize(
    "value", ["刚刚", "5分钟前", "3小时前", "昨天 12:00", "今天 08:15", "06-14"]
)
def test_relative_times_are_rejected(value):
    with pytest.raises(InvalidPost, match="cannot be resolved without the collection time"):
        parse_weibo_time(value)


def test_status_show_and_single_status_lines():
    show = b'{"ok":1,"data":{"created_at":"Sat Jun 15 11:44:46 +0800 2019","id":"1","bid":"B1",'
    show += b'"text":"hi","reposts_count":0,"comments_count":0,"attitudes_count":0,'
    show += b'"user":{"id":2,"screen_name":"u"}}}'
    [item] = weibo.parse(show)
    post = weibo.map_item(item)
    assert post is not None and post.url == "https://weibo.com/2/B1"
    assert weibo.sniff(show, "x.json")
