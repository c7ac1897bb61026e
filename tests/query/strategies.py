"""Hypothesis strategies: multilingual posts and random (valid or not) queries."""

from __future__ import annotations

from hypothesis import strategies as st

from hubbub.models import Author, Metrics, Post

from .conftest import NOW

WORDS = [
    "apple", "Apple", "APPLE", "juice", "orange", "pie", "niño", "nino", "café", "cafe",
    "großartig", "grossartig", "women", "woman", "custom", "customize", "t-shirt", "BT", "bt",
    "phone", "smartphone", "logitech", "keyboard", "ＡＰＰＬＥ", "mate",
]  # fmt: skip
CJK = [
    "耐克",
    "鞋",
    "我买了耐克鞋",
    "華為",
    "华为",
    "发布会",
    "手机",
    "新品",
    "耐",
    "克",
    "东京",
    "ラーメン",
    "乾",
    "乾隆",
    "瞭解",
    "藉口",
    "發布會",
]
EXTRAS = ["#nike", "#Nike", "#话题#", "@bob", "🍕", "https://www.reddit.com/r/x", ",", ".", "!"]
SEPARATORS = [" ", " ", " ", "", ", ", "\n"]

piece = st.sampled_from(WORDS + CJK + EXTRAS)


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(piece, min_size=0, max_size=12))
    out = ""
    for part in parts:
        out += draw(st.sampled_from(SEPARATORS)) + part
    return out


@st.composite
def posts(draw: st.DrawFn, pid: str) -> Post:
    return Post(
        platform=draw(st.sampled_from(["x", "weibo", "reddit"])),
        platform_id=pid,
        created_at=NOW,
        text=draw(texts()),
        title=draw(st.one_of(st.none(), texts())) or None,
        lang=draw(st.sampled_from([None, "en", "zh", "es"])),
        url=draw(
            st.sampled_from([None, "https://www.reddit.com/r/apple/1", "https://weibo.com/1"])
        ),
        rating=draw(
            st.one_of(
                st.none(), st.integers(0, 10).map(lambda n: n / 2), st.sampled_from([4.1, 0.3, 9.9])
            )
        ),
        author=Author(
            handle=draw(st.sampled_from([None, "bob", "Alice"])),
            followers=draw(
                st.one_of(st.none(), st.integers(0, 10_000), st.sampled_from([2**62, 2**63 - 1]))
            ),
            verified=draw(st.sampled_from([None, True, False])),
        ),
        metrics=Metrics(likes=draw(st.one_of(st.none(), st.integers(0, 100)))),
    )


POSITIONAL_LEAVES = (
    WORDS
    + CJK
    + ["app*", "wom?n", "custom*", "gro*", "ju?ce", '"apple juice"', '"耐克 鞋"', '"华为 mate"']
    + ['"apple pie"~2', "{Apple}", "{BT}", "niño", "Niño"]
)
OTHER_LEAVES = [
    "#nike", "#ni*", "#话题#", "@bob", "🍕", "lang:en", "lang:zh", "followers:[100 TO *]",
    "rating:[1 TO 3]", "site:reddit.com", "authorVerified:true", "author:alice",
    "engagement:[10 TO 50]", "title:apple", "title:华为", 'title:"apple juice"',
    "platform:weibo", "country:gb", "rating:4.1", "rating:[4.1 TO 4.1]", "rating:[0.3 TO 9.9]",
    "followers:[18446744073709551615 TO *]", "followers:[9223372036854775807 TO *]",
    "followers:[0 TO 18446744073709551615]", "author:a\\", "url:a\\tb", "url:\\",
]  # fmt: skip


def _bracket(op: str) -> object:
    return lambda pair: f"({pair[0]} {op} {pair[1]})"


positional = st.recursive(
    st.sampled_from(POSITIONAL_LEAVES),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(_bracket("OR")),  # type: ignore[arg-type]
        st.tuples(inner, st.integers(0, 4), st.booleans(), inner).map(
            lambda t: f"({t[0]} NEAR/{t[1]}{'f' if t[2] else ''} {t[3]})"
        ),
    ),
    max_leaves=4,
)

queries = st.recursive(
    st.one_of(positional, st.sampled_from(OTHER_LEAVES)),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(_bracket("AND")),  # type: ignore[arg-type]
        st.tuples(inner, inner).map(_bracket("OR")),  # type: ignore[arg-type]
        st.tuples(inner, inner).map(_bracket("NOT")),  # type: ignore[arg-type]
        st.tuples(positional, positional, positional, st.integers(0, 3)).map(
            lambda t: f"(({t[0]}) AND ({t[1]}) AND ({t[2]}))~{t[3]}"
        ),
        st.tuples(
            st.sampled_from(WORDS + CJK), st.sampled_from(WORDS + CJK), st.integers(0, 3)
        ).map(lambda t: f'"{t[0]} {t[1]}"~{t[2]}'),
    ),
    max_leaves=6,
)
