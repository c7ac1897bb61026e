"""Topic slices (hubbub.store.slices): literals, keys, views that fire on inserts, sync, routing.

One embedded store for the module (chdb allows one per process); each test starts from a store
whose slices are all dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubbub.models import Post
from hubbub.query import where_clause
from hubbub.store import open_store, slices
from hubbub.store.slices import (
    inline,
    literal,
    read_state,
    slice_for,
    slice_key,
    sql_string,
    sync_slices,
)

T0 = datetime(2024, 3, 1, tzinfo=UTC)
HOSTILE = [
    "",
    "'",
    "\\",
    "\\'",
    "it's",
    "a\\",
    "{q0:String}",
    "}{",
    "{",
    "\0",
    "nul\0inside",
    "tab\tnew\nline\rcr",
    "\x7f\x01\x1b",
    "\\x7B",
    "'); DROP TABLE hubbub.posts; --",
    "' OR 1=1 OR '",
    "極光發布會 华为",
    "🔥👍🏽",
    "\u200b\ufeff",
    "$1 ? %s ${x}",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    opened = open_store(Path(tmp_path_factory.mktemp("slices-home")))
    try:
        opened.write(_posts())
        yield opened
    finally:
        opened.close()


@pytest.fixture
def clean(store: object) -> object:
    sync_slices(store, [])
    return store


def _post(pid: str, text: str, minutes: int = 0, platform: str = "x") -> Post:
    return Post(
        platform=platform,
        platform_id=pid,
        created_at=T0 + timedelta(minutes=minutes),
        text=text,
        lang="en",
    )


def _posts() -> list[Post]:
    return [
        _post("1", "aurora phone launch", 1),
        _post("2", "nimbus phone", 2),
        _post("3", "极光手机发布会", 3, "weibo"),
        _post("4", "camera review", 4),
        _post("5", "it's {q0:String} \\ aurora's {tricky} 'quoted'", 5),
    ]


def _count_posts(store: object, query: str) -> int:
    where = where_clause(query)
    return int(store.scalar(f"SELECT count() FROM hubbub.posts WHERE {where.where}", where.params))


def _count_slice(store: object, query: str) -> int:
    key = slice_key(query)
    return int(
        store.scalar("SELECT count() FROM hubbub.topic_posts WHERE slice = {k:String}", {"k": key})
    )


# ---- literals ------------------------------------------------------------------------------
def test_string_literals_read_back_exactly(store: object) -> None:
    for text in HOSTILE:
        assert store.scalar(f"SELECT {sql_string(text)} AS v") == text, repr(text)


def test_array_and_number_literals_read_back_exactly(store: object) -> None:
    assert store.scalar(f"SELECT {literal(HOSTILE, 'Array(String)')} AS v") == HOSTILE
    assert store.scalar(f"SELECT {literal([], 'Array(String)')} AS v") == []
    assert int(store.scalar(f"SELECT {literal(2**64 - 1, 'UInt64')} AS v")) == 2**64 - 1
    assert float(store.scalar(f"SELECT {literal(4.1, 'Float64')} AS v")) == 4.1


def test_literals_refuse_what_they_cannot_write() -> None:
    with pytest.raises(TypeError):
        literal("1", "UInt64")
    with pytest.raises(TypeError):
        literal(True, "UInt64")
    with pytest.raises(TypeError):
        literal("a", "Array(String)")
    with pytest.raises(ValueError):
        literal(float("nan"), "Float64")
    with pytest.raises(TypeError):
        literal("x", "DateTime64(3, 'UTC')")
    with pytest.raises(KeyError):
        inline("x = {missing:String}", {})


def test_literal_escapes_leave_no_quote_or_brace_unescaped() -> None:
    for text in HOSTILE:
        body = sql_string(text)[1:-1]
        assert "{" not in body and "}" not in body
        assert "\0" not in body and "\n" not in body
        # Every quote inside is escaped (preceded by an odd run of backslashes).
        for i, char in enumerate(body):
            if char == "'":
                run = len(body[:i]) - len(body[:i].rstrip("\\"))
                assert run % 2 == 1, text


@pytest.mark.parametrize(
    "query",
    [
        "aurora OR 极光",
        "\"it's {q0:String} \\\\ aurora's\"",
        "{tricky} OR 'quoted'",
        "aurora AND NOT nimbus",
        "followers:[0 TO 10] OR aurora",
        "phone NEAR/2 launch",
        "phon* OR camer? OR 手机",
        "site:example.com OR lang:en",
        '"aurora phone" OR #aurora OR 极光手机',
    ],
)
def test_inlined_query_selects_what_the_bound_query_selects(store: object, query: str) -> None:
    compiled = where_clause(query)
    inlined = inline(compiled.where, compiled.params)
    assert "{" not in inlined.replace("\\x7B", "")
    bound = store.rows(
        f"SELECT platform_id FROM hubbub.posts WHERE {compiled.where} ORDER BY platform_id",
        compiled.params,
    )
    literal_rows = store.rows(
        f"SELECT platform_id FROM hubbub.posts WHERE {inlined} ORDER BY platform_id"
    )
    assert bound == literal_rows


# ---- keys ----------------------------------------------------------------------------------
def test_key_follows_the_compiled_query() -> None:
    assert slice_key("aurora OR 极光") == slice_key("  aurora   OR 极光 ")
    assert slice_key("aurora OR 极光") == slice_key("aurora OR 極光")  # traditional folds
    assert slice_key("aurora <<<a comment>>> OR 极光") == slice_key("aurora OR 极光")
    assert slice_key("aurora OR 极光") != slice_key("aurora OR nimbus")
    assert slice_key("") is None and slice_key(None) is None
    assert slice_key("apple AND banana OR juice") is None  # does not compile
    assert len(slice_key("aurora")) == 16


# ---- views and sync --------------------------------------------------------------------------
def test_views_fire_for_inserts_and_sync_builds_keeps_and_drops(clean: object) -> None:
    store = clean
    queries = ["aurora OR 极光", "nimbus", '"{tricky}" OR "\'quoted\'"']
    first = sync_slices(store, queries)
    assert sorted(first.built) == sorted(slice_key(q) for q in queries)
    for query in queries:
        assert _count_slice(store, query) == _count_posts(store, query) > 0
    # A post stored after the build reaches its slices through the views.
    store.write([_post("6", "aurora nimbus together", 6), _post("7", "{tricky}", 7)])
    for query in queries:
        assert _count_slice(store, query) == _count_posts(store, query)
    # An unchanged query is kept, a removed one dropped (rows, view and routing).
    second = sync_slices(store, queries[:1])
    assert second.kept == [slice_key(queries[0])] and not second.built
    assert sorted(second.dropped) == sorted(slice_key(q) for q in queries[1:])
    assert _count_slice(store, "nimbus") == 0
    assert slice_for(store, "nimbus") is None
    assert slice_for(store, "aurora OR 极光") == slice_key("aurora OR 极光")
    state = read_state(store)
    assert state[slice_key("nimbus")].state == "dropped"
    assert not state[slice_key("nimbus")].has_view


def test_a_slice_without_its_view_is_not_read_and_is_rebuilt(clean: object) -> None:
    store = clean
    sync_slices(store, ["aurora"])
    key = slice_key("aurora")
    # As after a restore: the state says complete, the view is gone.
    store.execute(f"DROP VIEW hubbub.slice_{key}")
    slices._known.clear()
    assert slice_for(store, "aurora") is None
    again = sync_slices(store, ["aurora"])
    assert list(again.built) == [key]
    assert _count_slice(store, "aurora") == _count_posts(store, "aurora")
    assert slice_for(store, "aurora") == key


def test_bad_and_blank_queries_are_skipped(clean: object) -> None:
    result = sync_slices(clean, ["", "apple AND banana OR juice"])
    assert result.skipped == ["apple AND banana OR juice"] and not result.built


def test_rebuild_touched_follows_posts_changed_in_place(clean: object) -> None:
    store = clean
    negative = "phone AND sentiment:negative"
    sync_slices(store, [negative, "camera"])
    assert _count_slice(store, negative) == 0
    where = where_clause("nimbus")
    store.execute(
        f"ALTER TABLE hubbub.posts UPDATE sentiment = 'negative' WHERE {where.where} "
        "SETTINGS mutations_sync = 2",
        where.params,
    )
    rebuilt = slices.rebuild_touched(store, where.where, where.params)
    assert rebuilt == [slice_key(negative)]  # camera posts were not touched
    assert _count_slice(store, negative) == _count_posts(store, negative) > 0


def test_topic_queries_reads_every_workspace(tmp_path: Path) -> None:
    from hubbub.topics import Topic, TopicStore

    assert slices.topic_queries(tmp_path) == []
    with TopicStore(tmp_path) as topics:
        topics.add("default", Topic("A", "aurora"), "test")
        topics.add("other", Topic("B", "nimbus"), "test")
        topics.add("other", Topic("C", "aurora"), "test")
    assert slices.topic_queries(tmp_path) == ["aurora", "nimbus"]


def test_keeper_syncs_at_start_and_when_topics_change(clean: object, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from hubbub.topics import Topic, TopicStore

    with TopicStore(tmp_path) as topics:
        topics.add("default", Topic("A", "aurora"), "test")
    with ThreadPoolExecutor(max_workers=1) as executor:
        keeper = slices.SliceKeeper(tmp_path, lambda: clean, executor, every=3600)
        try:
            assert list(keeper.start().built) == [slice_key("aurora")]
            assert keeper.check() is None  # nothing changed
            with TopicStore(tmp_path) as topics:
                topics.edit("default", "A", "test", query="nimbus")
            changed = keeper.check()
            assert list(changed.built) == [slice_key("nimbus")]
            assert changed.dropped == [slice_key("aurora")]
        finally:
            keeper.stop()
