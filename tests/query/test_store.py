"""The SQL compiler against a real embedded store: agreement with the Python matcher,
search/count, and user text that tries to break out of its parameters."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hubbub.errors import QueryError
from hubbub.query import Matcher, compile_sql, count, parse, search
from hubbub.query.compile_sql import estimate_ast_nodes
from hubbub.store import EmbeddedStore, open_store
from hubbub.store.rows import post_row

from .conftest import NOW, make_post, row
from .strategies import posts, queries

_batch = itertools.count()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    opened = open_store(tmp_path_factory.mktemp("query-home"))
    yield opened
    opened.close()


def sql_ids(store: EmbeddedStore, query: str, ids: list[str]) -> set[str]:
    compiled = compile_sql(query)
    params = dict(compiled.params, ids=ids)
    sql = (
        "SELECT platform_id FROM hubbub.posts "
        f"WHERE platform_id IN {{ids:Array(String)}} AND ({compiled.where})"
    )
    return {r["platform_id"] for r in store.rows(sql, params)}


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), query=queries)
def test_sql_and_python_agree(store: EmbeddedStore, data: st.DataObject, query: str) -> None:
    try:
        parsed = parse(query)
    except QueryError:
        assume(False)
        return
    batch = next(_batch)
    ids = [f"b{batch}-{i}" for i in range(6)]
    written = [data.draw(posts(pid)) for pid in ids]
    store.write(written)
    matcher = Matcher(parsed)
    expected = {p.platform_id for p in written if matcher(post_row(p, NOW))}
    assert sql_ids(store, query, ids) == expected, query


def test_agreement_on_hand_picked_cases(store: EmbeddedStore) -> None:
    texts = [
        "我买了耐克鞋 華為发布会",
        "耐 克 are two characters",
        "耐克\n鞋",
        "Apple juice, niño café #Nike @bob 🍕",
        "apple and orange juice for the smartphone phone",
        "华为mate 60 发布",
        "link https://x.com/鞋子 only",
    ]
    ids = [f"hand-{i}" for i in range(len(texts))]
    store.write([make_post(t, pid) for t, pid in zip(texts, ids, strict=True)])
    rows = [post_row(make_post(t, pid), NOW) for t, pid in zip(texts, ids, strict=True)]
    for query in [
        "耐克",
        '"耐克 鞋"',
        "耐克 NEAR/0 鞋",
        "(耐 NEAR/0 克)",
        '"华为 mate"',
        "((apple OR orange) AND (smartphone OR phone))~5",
        '"apple orange juice"~1',
        "niño NEAR/1 café",
        "(apple NEAR/3 juice) NEAR/5 phone",
        "鞋",
        "鞋子",
        "克",
    ]:
        matcher = Matcher(query)
        expected = {r["platform_id"] for r in rows if matcher(r)}
        assert sql_ids(store, query, ids) == expected, query


def test_search_and_count(store: EmbeddedStore) -> None:
    written = [
        make_post(f"acmecola number {i}", f"s-{i}", created_at=NOW - timedelta(days=i))
        for i in range(10)
    ] + [make_post("acmecola spam", "s-spam")]
    store.write(written)
    assert count(store, "acmecola") == 11
    assert count(store, "acmecola NOT spam") == 10
    recent = search(store, "acmecola NOT spam", since=NOW - timedelta(days=3), limit=50)
    assert [r["platform_id"] for r in recent] == ["s-0", "s-1", "s-2", "s-3"]
    assert len(search(store, "acmecola", limit=2)) == 2


@pytest.mark.parametrize(
    "query",
    [
        '"\') OR 1=1 --"',
        "apple' OR '1'='1",
        "{a'b} AND x1",
        'site:"x\') OR 1=1 --"',
        'author:"robert\'); DROP TABLE hubbub.posts; --"',
        "耐克'; SELECT 1",
        'url:"\\\\\'"',
        "#ta\\g",
    ],
)
def test_user_text_never_reaches_sql(store: EmbeddedStore, query: str) -> None:
    compiled = compile_sql(query)
    assert "'" not in compiled.where.replace("''", "")  # only our own empty-string literals
    assert count(store, query) >= 0
    assert store.count() > 0


def _many_near_phrases(n: int) -> str:
    return "(" + " OR ".join(f'"aurora x{i}"~3' for i in range(n)) + ")"


def test_a_4000_character_query_of_near_phrases_runs(store: EmbeddedStore) -> None:
    # 200 NEAR phrases (~3,700 characters) used to compile to a 50,000+ node syntax tree.
    query = _many_near_phrases(200) + ' OR "aurora probe" OR (aurora NEAR/2 x7f)'
    assert 3_500 < len(query) <= 4_096
    texts = ["the aurora x5 is out", "x5 and then aurora", "aurora a b c d x5", "x42 aurora"]
    ids = [f"big-{i}" for i in range(len(texts))]
    store.write([make_post(t, pid) for t, pid in zip(texts, ids, strict=True)])
    matcher = Matcher(query)
    expected = {pid for t, pid in zip(texts, ids, strict=True) if matcher(row(t, pid=pid))}
    assert expected == {"big-0", "big-1", "big-3"}
    assert sql_ids(store, query, ids) == expected
    assert count(store, query) >= len(expected)
    assert {r["platform_id"] for r in search(store, query, limit=1000)} >= expected


@pytest.mark.parametrize(
    "query",
    [
        _many_near_phrases(40),
        "(" + " OR ".join(f'"耐克 鞋{i}"~3' for i in range(30)) + ")",
        "(" + " OR ".join(f'"a b x{i}"~3' for i in range(30)) + ")",
        "(" + " OR ".join(f"耐克鞋{i}" for i in range(30)) + ")",
        '((a NEAR/3 b) NEAR/5 (c OR de*)) AND title:"a b" AND {BT} AND niño AND #x',
    ],
    ids=["near", "cjk-near", "window", "cjk-phrase", "mixed"],
)
def test_the_size_estimate_is_above_the_real_syntax_tree(store: EmbeddedStore, query: str) -> None:
    compiled = compile_sql(query)
    explain = store.rows(
        f"EXPLAIN AST SELECT count() FROM hubbub.posts WHERE {compiled.where}", compiled.params
    )
    assert estimate_ast_nodes(compiled.where) >= len(explain)


def test_a_query_too_big_for_the_store_is_refused_before_running() -> None:
    query = "(" + " OR ".join(f'"耐克 鞋{i}"~3' for i in range(600)) + ")"
    parse(query)  # within the parser's limits
    with pytest.raises(QueryError, match=r"too complex.*max_ast_elements") as info:
        compile_sql(query)
    assert info.value.position == 0


def test_ranges_backslashes_and_float32_ratings_agree(store: EmbeddedStore) -> None:
    from hubbub.models import Author

    posts = [
        make_post("r one", "rb-0", rating=4.1, author=Author(handle="a\\", followers=2**63 - 1)),
        make_post(
            "r two", "rb-1", rating=4.0, url="https://x.com/a\\tb", author=Author(followers=5)
        ),
        make_post("r three", "rb-2", url="https://x.com/a\tb"),
    ]
    store.write(posts)
    ids = [p.platform_id for p in posts]
    rows = [post_row(p, NOW) for p in posts]
    cases = {
        "rating:4.1": {"rb-0"},
        "rating:[4.1 TO 4.1]": {"rb-0"},
        "rating:[4 TO 4.1]": {"rb-0", "rb-1"},
        "followers:[18446744073709551615 TO *]": set(),
        "followers:[9223372036854775807 TO *]": {"rb-0"},
        "followers:[0 TO 18446744073709551615]": {"rb-0", "rb-1"},
        "author:a\\": {"rb-0"},
        "url:a\\tb": {"rb-1"},  # a backslash and a t, never a tab
        "url:\\": {"rb-1"},
        "#a\\ OR @x\\ OR r": {"rb-0", "rb-1", "rb-2"},
    }
    for query, expected in cases.items():
        matcher = Matcher(query)
        assert {r["platform_id"] for r in rows if matcher(r)} == expected, query
        assert sql_ids(store, query, ids) == expected, query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("followers:[18446744073709551616 TO *]", "out of range"),
        ("likes:99999999999999999999999", "out of range"),
        ("rating:nan", "not a finite number"),
        ("rating:[inf TO *]", "not a finite number"),
        ("rating:[* TO -inf]", "not a finite number"),
    ],
)
def test_range_bounds_outside_the_column_are_errors(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as info:
        parse(query)
    assert info.value.position > 0 and info.value.hint
