import pytest

from hubbub.text import (
    cjk_grams,
    extract_emojis,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    fold,
    norm,
    tokenize,
)


def test_norm_folds_width_case_and_traditional_chinese():
    assert norm("ＨＵＡＷＥＩ 華為手機") == "huawei 华为手机"
    assert norm("Großartig") == "grossartig"


def test_fold_removes_accents_but_keeps_kana_voicing():
    assert fold("Niño Café") == "nino cafe"
    assert fold("ガンダム") == "ガンダム"  # dakuten are not accents


def test_tokens_segment_chinese_and_drop_urls():
    tokens = tokenize(fold("Loving the new X5! 我买了耐克鞋 https://t.co/abc"))
    assert tokens[:4] == ["loving", "the", "new", "x5"]
    assert "耐克鞋" in tokens
    assert not any("t.co" in t or "https" in t for t in tokens)


def test_cjk_grams_cover_every_adjacent_pair():
    grams = cjk_grams(fold("我买了耐克鞋"))
    assert "耐克" in grams and "克鞋" in grams and "我买" in grams
    assert cjk_grams("好") == ["好"]


@pytest.mark.parametrize(
    "text, tags",
    [
        ("#极光X5发布会# 太好看了 #Aurora", ["极光X5发布会", "Aurora"]),
        ("Launch day #AuroraX5 #aurora-x5!", ["AuroraX5", "aurora-x5"]),
        ("#1 in sales, see https://x.com/a#frag", []),
        ("全角＃标签 ＃话题", ["标签", "话题"]),
        ("好用#极光 see a.com/x#frag", ["极光"]),
    ],
)
def test_hashtags_twitter_and_weibo_styles(text, tags):
    assert extract_hashtags(text) == tags


def test_mentions_weibo_chain_mastodon_and_not_emails():
    text = (
        "转发 //@小米手机: 好 @雷军 cc @bob@mastodon.social, mail me at a@b.com @alice. 谢谢@老王"
    )
    assert extract_mentions(text) == ["小米手机", "雷军", "bob@mastodon.social", "alice", "老王"]


def test_urls_strip_trailing_punctuation_including_chinese():
    assert extract_urls("看 https://weibo.com/123。 and (https://a.io/x).") == [
        "https://weibo.com/123",
        "https://a.io/x",
    ]


def test_emoji_including_modifiers():
    assert extract_emojis("nice 👍🏽 😀 ok") == ["👍🏽", "😀"]
    assert extract_emojis("plain ascii :)") == []


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("乾", "乾隆皇帝"),
        ("乾隆", "乾隆皇帝下江南"),
        ("瞭", "我瞭解了"),
        ("瞭解", "我瞭解了"),
        ("藉", "這只是藉口"),
        ("藉口", "這只是藉口"),
        ("華為", "华为发布会"),
        ("华为", "華為發布會"),
        ("華為發布會", "今天的华为发布会很好"),
        ("頭髮", "我的头发"),
    ],
)
def test_chinese_folds_the_same_alone_and_inside_a_text(term, text):
    # Traditional → simplified is per character, so a term folds as it does in any text.
    assert norm(term) in norm(text)
    assert "".join(norm(c) for c in text) == norm(text)


def test_traditional_text_folds_to_simplified():
    assert norm("華為發布會，頭髮乾燥") == "华为发布会,头发干燥"
