"""The store contract, on every backend (the `store` fixture is in conftest.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from hubbub.errors import StoreLocked
from hubbub.models import Author, Metrics, Post
from hubbub.store.embedded import POSTS, EmbeddedStore

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def make_posts(n: int, platform: str = "x") -> list[Post]:
    return [
        Post(
            platform=platform,
            platform_id=str(1000 + i),
            created_at=T0 + timedelta(hours=i),
            text=f"post {i} about Aurora 極光手機 #AuroraX5",
            author=Author(handle=f"user{i}", followers=i * 10),
            metrics=Metrics(likes=i, reposts=None),
        )
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def empty(store):
    store.execute(f"TRUNCATE TABLE {POSTS}")


def test_writes_are_idempotent_on_platform_and_id(store):
    posts = make_posts(50)
    assert (store.write(posts).inserted, store.count()) == (50, 50)
    again = store.write(posts)
    assert (again.inserted, again.duplicates, store.count()) == (0, 50, 50)


def test_same_id_on_another_platform_is_another_post(store):
    store.write(make_posts(3, "x"))
    store.write(make_posts(3, "weibo"))
    assert store.count() == 6


def test_duplicates_inside_one_batch_are_stored_once(store):
    posts = make_posts(5)
    result = store.write(posts + posts[:2])
    assert (result.inserted, result.duplicates, store.count()) == (5, 2, 5)


def test_overlapping_batches_store_only_what_is_new(store):
    posts = make_posts(30)
    store.write(posts[:20])
    result = store.write(posts[10:])
    assert (result.inserted, result.duplicates, store.count()) == (10, 10, 30)


def test_counts_are_exact_without_waiting_for_merges(store):
    for i in range(5):  # many small parts, none merged yet
        store.write(make_posts(10 + i))
    assert store.count() == 14
    assert store.scalar(f"SELECT count() FROM {POSTS} FINAL") == 14


def test_derived_columns_for_matching(store):
    store.write(make_posts(1))
    row = store.rows(f"SELECT text_norm, tokens, grams, hashtags, engagement FROM {POSTS}")[0]
    assert "极光手机" in row["text_norm"]
    assert "aurora" in row["tokens"]
    assert "极光" in row["grams"]
    assert row["hashtags"] == ["aurorax5"]
    assert row["engagement"] == 0


def test_user_values_only_as_bound_parameters(store):
    store.write(make_posts(2))
    hostile = "x' OR 1=1 --"
    rows = store.rows(
        f"SELECT count() AS n FROM {POSTS} WHERE platform = {{p:String}}", {"p": hostile}
    )
    assert rows == [{"n": 0}]
    tokens = store.rows(
        f"SELECT count() AS n FROM {POSTS} WHERE hasAny(tokens, {{t:Array(String)}})",
        {"t": ["aurora", "it's", "back\\slash"]},
    )
    assert tokens == [{"n": 2}]


AWKWARD_STRINGS = [
    "a\\",  # a trailing backslash: a parse error when sent unescaped
    "\\",
    "a\\tb",  # backslash-t, not a tab
    "a\tb",  # a real tab
    "a\nb",
    "a\\nb",
    "a\rb",
    "x\\0y",
    "nul\0byte",
    "\\N",  # TSV's NULL marker
    "\\x41",
    "a\\\\b",
    "q'q",
    "\\'",
    '"double"',
    "{x:String}",
    "{p:Array(String)}",
    "華為 café ß",
    "",
]


@pytest.mark.parametrize("value", AWKWARD_STRINGS)
def test_string_parameters_round_trip_exactly(store, value):
    scalar = store.rows("SELECT {p:String} AS v, length({p:String}) AS n", {"p": value})
    assert scalar == [{"v": value, "n": len(value.encode())}]
    array = store.rows("SELECT {p:Array(String)} AS v", {"p": [value, "x", value]})
    assert array == [{"v": [value, "x", value]}]


def test_backslashes_in_parameters_compare_literally(store):
    store.write(make_posts(1))
    n = f"SELECT count() AS n FROM {POSTS} WHERE position(text, {{p:String}}) > 0"
    assert store.rows(n, {"p": "aurora\\"}) == [{"n": 0}]
    assert store.rows(n, {"p": "\\t"}) == [{"n": 0}]
    assert store.rows(n, {"p": "Aurora"}) == [{"n": 1}]


def test_second_owner_gets_a_one_line_explanation(store, backend):
    if backend != "embedded":
        pytest.skip("only the embedded store has one owner")
    with pytest.raises(StoreLocked, match="in use by") as info:
        EmbeddedStore(store.home)
    assert "\n" not in str(info.value)
