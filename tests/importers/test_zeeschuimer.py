from datetime import UTC, datetime

from hubbub.connectors.importers import zeeschuimer

from .conftest import DATA, run_format


def _outcome():
    return run_format(zeeschuimer.FORMAT, DATA / "zeeschuimer.ndjson")


def test_tiktok_video():
    post = _outcome().by_id()["7300000000000000001"]
    assert post.platform == "tiktok"
    assert post.kind == "video"
    assert post.text == "火锅之夜 🍲 #hotpot #成都 @spice_friend"
    assert post.created_at == datetime.fromtimestamp(1699990000, UTC)
    assert post.collected_at == datetime.fromtimestamp(1700000000, UTC)
    assert post.url == "https://www.tiktok.com/@chengdu_eats/video/7300000000000000001"
    assert post.author.handle == "chengdu_eats"
    assert post.author.name == "成都吃货"
    assert post.author.followers == 45000
    assert (post.metrics.likes, post.metrics.reposts, post.metrics.replies) == (1200, 30, 85)
    assert post.metrics.views == 56000
    assert post.hashtags == ["hotpot", "成都"]
    assert post.mentions == ["spice_friend"]
    assert post.country == "CN"
    assert post.lang == "zh"
    assert post.source == "import:zeeschuimer"


def test_douyin_api_and_embedded_items():
    posts = _outcome().by_id()
    api = posts["7310000000000000001"]
    assert api.platform == "douyin"
    assert api.kind == "video"
    assert api.url == "https://www.douyin.com/video/7310000000000000001"
    assert api.author.id == "110000001"
    assert api.author.handle == "shancheng_pz"
    assert api.author.followers == 880000
    assert api.author.url == "https://www.douyin.com/user/MS4wLjABAAAAexample1"
    assert api.metrics.likes == 34000
    assert api.metrics.views is None  # Douyin web sends 0 for hidden play counts
    assert api.hashtags == ["火锅", "重庆美食"]
    embed = posts["7310000000000000002"]
    assert embed.created_at == datetime.fromtimestamp(1699800000, UTC)
    assert embed.metrics.likes == 11000  # "1.1w"
    assert embed.author.url == "https://www.douyin.com/user/MS4wLjABAAAAexample2"
    assert embed.hashtags == []


def test_xiaohongshu_notes():
    out = _outcome()
    posts = out.by_id()
    note = posts["6560000000000000000000a1"]
    assert note.platform == "xiaohongshu"
    assert note.title == "周末露营装备清单"
    assert note.text.startswith("周末露营装备清单\n\n第一次露营也不慌")
    assert note.created_at == datetime.fromtimestamp(1700000000, UTC)
    assert note.hashtags == ["露营", "户外"]
    assert note.metrics.likes == 12000
    assert note.metrics.replies == 356
    assert note.metrics.reposts == 10  # "10+"
    assert note.author.name == "山野小鹿"
    assert (
        note.url
        == "https://www.xiaohongshu.com/explore/6560000000000000000000a1?xsec_token=ABtoken1"
    )
    # no `time` on a search card: the ObjectId's first 8 hex digits are its creation second
    undated = posts["655f0a00000000000000b2c3"]
    assert undated.created_at == datetime.fromtimestamp(0x655F0A00, UTC)
    assert undated.kind == "video"
    assert undated.author.name == "开箱君"
    assert "hq1" not in posts


def test_instagram_and_x():
    posts = _outcome().by_id()
    ig = posts["3200000000000000001"]
    assert ig.platform == "instagram"
    assert ig.url == "https://www.instagram.com/p/CzExAmPlE1/"
    assert ig.text == "Latte art practice ☕ #latte #baristalife"
    assert ig.author.handle == "milk_foam_mo"
    assert ig.metrics.likes == 230 and ig.metrics.replies == 14

    tweet = posts["1730000000000000001"]
    assert tweet.platform == "x"
    assert tweet.kind == "reply"
    assert tweet.parent_id == "1729999999999999999"
    assert tweet.created_at == datetime(2023, 11, 14, 9, 30, tzinfo=UTC)
    assert tweet.author.verified is True  # is_blue_verified
    assert tweet.metrics.views == 9876
    assert tweet.hashtags == ["coffee"]
    assert tweet.mentions == ["beanhouse"]


def test_skips_and_rejects():
    out = _outcome()
    assert out.skipped == 2  # the hot_query card and the tombstone
    assert len(out.rejects) == 1
    line, reason = out.rejects[0]
    assert line == 10
    assert "'threads.net' is not supported" in reason
