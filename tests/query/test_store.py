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
from hubbub.store import EmbeddedStore, open_store
from hubbub.store.rows import post_row

from .conftest import NOW, make_post
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
