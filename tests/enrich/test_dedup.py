"""Near-duplicate clustering: reposts, retweets, copy-paste campaigns, state, bad input."""

from __future__ import annotations

from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.dedup import DEDUP_NAME, DedupConfig, NearDuplicates, normalize_for_dedup

KOL = "极光X5用了七天说点真话：影像进步非常大，夜景吊打同价位，续航中规中矩，总体值得买"
PROMO = "Aurora X5 for only $79!!! Limited stock, claim yours now at our store before it is gone"


def run(dedup: NearDuplicates, rows: list[tuple[str, str, str] | EnrichDoc]) -> list[EnrichDoc]:
    docs = [r if isinstance(r, EnrichDoc) else EnrichDoc(*r) for r in rows]
    dedup(docs)
    return docs


def test_normalization_drops_chains_mentions_links_and_boilerplate() -> None:
    assert normalize_for_dedup("转发微博//@数码老猫:好用 http://t.cn/abc").split() == ["好用"]
    assert normalize_for_dedup("RT @bob: Great Phone #AuroraX5").split() == [
        "great",
        "phone",
        "#aurorax0",
    ]
    assert "@" not in normalize_for_dedup("thanks @alice@mastodon.social and @bob [doge]")


def test_weibo_chain_x_retweet_and_campaign_cluster_while_unrelated_stay_apart() -> None:
    dedup = NearDuplicates()
    docs = run(
        dedup,
        [
            ("weibo", "1", KOL),
            ("weibo", "2", f"转发微博//@数码老猫:{KOL}"),
            ("weibo", "3", f"说得中肯//@小鱼:mark//@数码老猫:{KOL}[赞]"),
            (
                "x",
                "10",
                "the new aurora x5 camera is honestly the best night mode I have used this year",
            ),
            (
                "x",
                "11",
                "RT @techguy: the new aurora x5 camera is honestly the best night mode I have used this year",
            ),
            ("x", "20", f"🔥🔥 {PROMO} 👉 https://deals.example/a1 #AuroraX5"),
            ("x", "21", f"{PROMO.replace('$79', '$129')} 👉 https://deals.example/b2 #giveaway"),
            ("bluesky", "22", f"{PROMO.replace('Limited', 'limited')}!! https://deals.example/c3"),
            ("x", "30", "my cat knocked the coffee off the table again this morning, send help"),
            ("weibo", "31", "今天北京的天气真不错，下午去公园散步，看到好多人在放风筝"),
        ],
    )
    got = {d.key: (d.dup_cluster, d.dup_size) for d in docs}
    assert got["weibo:1"] == ("weibo:1", 1)
    assert got["weibo:2"] == ("weibo:1", 2)
    assert got["weibo:3"] == ("weibo:1", 3)
    assert got["x:11"] == ("x:10", 2)
    assert [got[f"{p}:{i}"][0] for p, i in (("x", 20), ("x", 21), ("bluesky", 22))] == ["x:20"] * 3
    assert got["x:30"] == ("x:30", 1)
    assert got["weibo:31"] == ("weibo:31", 1)
    assert dedup.name == DEDUP_NAME and dedup.stateful


def test_repost_of_joins_the_original_even_without_text_and_across_batches() -> None:
    dedup = NearDuplicates()
    run(dedup, [("weibo", "1", KOL)])
    docs = run(
        dedup,
        [
            EnrichDoc("weibo", "2", "", repost_of="1"),
            EnrichDoc("weibo", "3", "mark", repost_of="1"),
        ],
    )
    assert [(d.dup_cluster, d.dup_size) for d in docs] == [("weibo:1", 2), ("weibo:1", 3)]
    # Reposts of an original never seen cluster together under the first of them.
    docs = run(
        dedup, [EnrichDoc("x", "8", "", repost_of="99"), EnrichDoc("x", "9", "", repost_of="99")]
    )
    assert [d.dup_cluster for d in docs] == ["x:8", "x:8"]


def test_short_posts_cluster_only_as_exact_copies() -> None:
    docs = run(
        NearDuplicates(), [("x", "1", "so good"), ("x", "2", "So good!"), ("x", "3", "so bad")]
    )
    assert [d.dup_cluster for d in docs] == ["x:1", "x:1", "x:3"]


def test_replayed_post_is_not_counted_twice() -> None:
    dedup = NearDuplicates()
    run(dedup, [("weibo", "1", KOL), ("weibo", "2", KOL)])
    again = run(dedup, [("weibo", "2", KOL)])
    assert (again[0].dup_cluster, again[0].dup_size) == ("weibo:1", 2)


def test_state_round_trip_gives_the_same_clusters(tmp_path) -> None:
    first = [("weibo", str(i), f"{KOL} 第{i}次") for i in range(5)] + [("x", "a", PROMO)]
    later = [
        ("weibo", "9", f"转发微博//@老猫:{KOL}"),
        ("x", "b", PROMO + "!"),
        ("x", "c", "fresh unrelated words about gardening tomatoes today"),
    ]
    live = NearDuplicates(DedupConfig(capacity=1000))
    run(live, first)
    live.save(tmp_path / "dedup.state")
    restored = NearDuplicates.load(tmp_path / "dedup.state")
    assert restored.config == live.config
    a = [(d.dup_cluster, d.dup_size) for d in run(live, later)]
    b = [(d.dup_cluster, d.dup_size) for d in run(restored, later)]
    assert a == b and a[0] == ("weibo:0", 6) and a[1] == ("x:a", 2)


def test_capacity_bounds_the_index() -> None:
    dedup = NearDuplicates(DedupConfig(capacity=4))
    run(dedup, [("x", "old", PROMO)])
    run(
        dedup,
        [
            ("x", str(i), f"unrelated post number {w} about something else entirely")
            for i, w in enumerate("abcdef")
        ],
    )
    docs = run(dedup, [("x", "new", PROMO)])
    assert docs[0].dup_cluster == "x:new"  # the old copy fell out of the window
    assert len(dedup._keys) <= 4


def test_bad_input_never_raises() -> None:
    texts = [
        "",
        "   ",
        "😀😀🔥",
        "http://t.cn/x",
        "a" * 100_000,
        "word " * 20_000,
        "bad \ud800 surrogate text here now ok",
        "\x00\x01",
    ]
    docs = run(NearDuplicates(), [("x", str(i), t) for i, t in enumerate(texts)])
    assert all(not d.errors for d in docs)
    assert all(d.dup_cluster and d.dup_size for d in docs)
