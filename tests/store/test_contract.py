"""More of the store contract on every backend: pages, Arrow in and out, one-line errors,
the backfill's Arrow insert (the `store` fixture is in conftest.py)."""

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from hubbub.enrich import registry
from hubbub.enrich.backfill import reenrich
from hubbub.enrich.base import EnrichDoc, FunctionEnricher
from hubbub.errors import StoreError
from hubbub.store.base import POSTS
from hubbub.store.rows import posts_table
from tests.store.test_embedded import make_posts


@pytest.fixture(autouse=True)
def empty(store):
    store.execute(f"TRUNCATE TABLE {POSTS}")


def test_pages_cover_every_row_once_in_key_order(store):
    store.write(make_posts(23))
    pages = list(store.pages("platform_id, created_at", size=5))
    assert [p.num_rows for p in pages] == [5, 5, 5, 5, 3]
    ids = [i for p in pages for i in p.column("platform_id").to_pylist()]
    assert ids == [str(1000 + i) for i in range(23)]


def test_pages_keep_milliseconds_between_pages(store):
    posts = make_posts(6)
    for i, post in enumerate(posts):  # same second, different milliseconds
        post.created_at = datetime(2026, 10, 1, 0, 0, 0, (i + 1) * 1000, tzinfo=UTC)
    store.write(posts)
    ids = [
        i for p in store.pages("platform_id", size=2) for i in p.column("platform_id").to_pylist()
    ]
    assert ids == [p.platform_id for p in posts]


def test_pages_bind_their_filter_parameters(store):
    store.write(make_posts(10, "x") + make_posts(4, "weibo"))
    pages = list(store.pages("platform", "platform = {p:String}", {"p": "weibo"}, size=3))
    assert sum(p.num_rows for p in pages) == 4


def test_arrow_types_are_the_same_on_every_backend(store):
    store.write(make_posts(2))
    schema = store.arrow(f"SELECT platform, created_at, likes, hashtags FROM {POSTS}").schema
    assert schema.field("platform").type == pa.string()
    assert schema.field("created_at").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("likes").type == pa.uint64()
    assert schema.field("hashtags").type.value_type == pa.string()


def test_rows_give_json_values_on_every_backend(store):
    store.write(make_posts(1))
    row = store.rows(
        f"SELECT count() AS n, any(created_at) AS t, any(enrichers) AS e, avg(likes) AS a, "
        f"toUInt64(18446744073709551615) AS big FROM {POSTS}"
    )[0]
    assert row == {"n": 1, "t": "2026-10-01 00:00:00.000", "e": {}, "a": 0.0, "big": 2**64 - 1}


def test_existing_keys_finds_only_stored_keys(store):
    store.write(make_posts(3))
    probe = posts_table(make_posts(5) + make_posts(2, "weibo"))
    assert store.existing_keys(probe) == {("x", "1000"), ("x", "1001"), ("x", "1002")}


def test_awkward_keys_are_matched_exactly(store):
    posts = make_posts(3)
    for post, key in zip(posts, ["a'b", "back\\slash", "tab\there"], strict=True):
        post.platform_id = key
    store.write(posts)
    again = store.write(posts)
    assert (again.inserted, again.duplicates, store.count()) == (0, 3, 3)


def test_insert_arrow_into_another_table(store):
    store.execute("DROP TABLE IF EXISTS hubbub.contract_scratch")
    store.execute(
        "CREATE TABLE hubbub.contract_scratch (k String, n UInt8, m Map(String, String)) "
        "ENGINE = Memory"
    )
    table = pa.table(
        {
            "k": ["a", "b"],
            "n": pa.array([1, 2], pa.uint8()),
            "m": pa.array([[("x", "y")], []], pa.map_(pa.string(), pa.string())),
        }
    )
    try:
        store.insert_arrow("hubbub.contract_scratch", table)
        rows = store.rows("SELECT k, n, m FROM hubbub.contract_scratch ORDER BY k")
    finally:
        store.execute("DROP TABLE IF EXISTS hubbub.contract_scratch")
    assert rows == [{"k": "a", "n": 1, "m": {"x": "y"}}, {"k": "b", "n": 2, "m": {}}]


def test_errors_are_one_line(store):
    with pytest.raises(StoreError, match="store query failed") as info:
        store.rows("SELECT no_such_column FROM hubbub.posts")
    assert "\n" not in str(info.value)
    with pytest.raises(StoreError, match="store write failed") as info:
        store.insert_arrow("hubbub.no_such_table", pa.table({"a": [1]}))
    assert "\n" not in str(info.value)


def shout(docs: list[EnrichDoc]) -> None:
    for doc in docs:
        doc.sentiment = "positive"
        doc.sentiment_score = 0.9


SHOUT = FunctionEnricher(
    "sentiment.contract-shout.v1", ("text",), ("sentiment", "sentiment_score"), shout
)


def test_reenrich_runs_on_every_backend(store, monkeypatch):
    store.write(make_posts(8))
    monkeypatch.setitem(registry.FACTORIES, "shout", lambda: SHOUT)
    assert reenrich(store, "shout", "platform_id IN ('1001', '1002')") == 2
    rows = store.rows(f"SELECT platform_id, sentiment FROM {POSTS} WHERE sentiment IS NOT NULL")
    assert sorted(r["platform_id"] for r in rows) == ["1001", "1002"]
    assert store.count() == 8
