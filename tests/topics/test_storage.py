"""Topics in meta.sqlite3: validation, versions (who, when, old and new), revert, workspaces."""

from __future__ import annotations

import sqlite3

import pytest

from hubbub.errors import ConfigError, QueryError
from hubbub.topics import (
    Topic,
    TopicExists,
    TopicNotFound,
    TopicStore,
    load_demo_topics,
    make_filters,
)


@pytest.fixture
def topics(tmp_path):
    with TopicStore(tmp_path) as store:
        yield store


def test_add_get_list_by_workspace_and_group(topics):
    topics.add("default", Topic("Aurora", "aurora OR 极光", "brand"), by="ann")
    topics.add("default", Topic("Nimbus", "nimbus", "competitor"), by="ann")
    topics.add("agency", Topic("Aurora", "aurora", "brand"), by="bob")
    assert [t.name for t in topics.list("default")] == ["Aurora", "Nimbus"]
    assert [t.name for t in topics.list("default", group="competitor")] == ["Nimbus"]
    assert topics.get("default", "aurora").query == "aurora OR 极光"  # names: case-insensitive
    assert topics.get("agency", "Aurora").query == "aurora"
    assert set(topics.workspaces()) == {"default", "agency"}
    with pytest.raises(TopicNotFound):
        topics.get("agency", "Nimbus")


def test_bad_query_is_refused_with_its_position(topics):
    with pytest.raises(QueryError) as caught:
        topics.add("default", Topic("Bad", "apple AND banana OR juice"), by="ann")
    assert caught.value.position > 0 and caught.value.hint
    assert topics.list("default") == []


@pytest.mark.parametrize(
    "topic",
    [Topic("", "x"), Topic("a/b", "x"), Topic("x" * 101, "x"), Topic("ok", "x", group="Not Ok!")],
)
def test_bad_names_and_groups_are_refused(topics, topic):
    with pytest.raises(ConfigError):
        topics.add("default", topic, by="ann")


def test_filters_are_checked_and_normalized():
    filters = make_filters("X, weibo", ["EN"], ["gbr", "cn"], "2026-10-01", "2026-11-01")
    assert filters.platforms == ("weibo", "x") and filters.languages == ("en",)
    assert filters.countries == ("GB", "CN")
    with pytest.raises(ConfigError):
        make_filters(since="2026-11-01", until="2026-10-01")
    with pytest.raises(ConfigError):
        make_filters(countries=["Narnia"])


def test_duplicate_name_is_a_conflict(topics):
    topics.add("default", Topic("Aurora", "aurora"), by="ann")
    with pytest.raises(TopicExists):
        topics.add("default", Topic("AURORA", "x"), by="ann")


def test_every_change_is_a_version_with_old_and_new(topics):
    topics.add("default", Topic("Aurora", "aurora"), by="ann")
    topics.edit("default", "Aurora", "bob", query="aurora OR 极光")
    topics.edit("default", "Aurora", "cy", filters=make_filters(platforms=["weibo"]))
    unchanged = topics.edit("default", "Aurora", "cy", query="aurora OR 极光")
    assert unchanged.version == 3  # no change, no version
    history = topics.history("default", "Aurora")
    assert [(v.version, v.action, v.by) for v in history] == [
        (1, "create", "ann"),
        (2, "edit", "bob"),
        (3, "edit", "cy"),
    ]
    assert history[0].old is None and history[0].new["query"] == "aurora"
    assert history[1].old["query"] == "aurora" and history[1].new["query"] == "aurora OR 极光"
    assert history[2].new["filters"]["platforms"] == ["weibo"]
    assert history[1].at <= history[2].at


def test_revert_is_itself_a_version_and_can_be_reverted(topics):
    topics.add("default", Topic("Aurora", "aurora"), by="ann")
    topics.edit("default", "Aurora", "bob", query="aurora OR 极光", group="brand")
    back = topics.revert("default", "Aurora", 1, by="cy")
    assert (back.query, back.group, back.version) == ("aurora", "other", 3)
    forth = topics.revert("default", "Aurora", 2, by="cy")
    assert (forth.query, forth.version) == ("aurora OR 极光", 4)
    assert topics.history("default", "Aurora")[-1].reverted_to == 2
    with pytest.raises(ConfigError):
        topics.revert("default", "Aurora", 99, by="cy")


def test_rename_then_history_and_revert_follow_the_topic(topics):
    topics.add("default", Topic("Aurora", "aurora"), by="ann")
    topics.edit("default", "Aurora", "ann", name="Aurora brand")
    assert topics.find("default", "Aurora") is None
    assert len(topics.history("default", "Aurora brand")) == 2
    assert topics.revert("default", "Aurora brand", 1, by="ann").name == "Aurora"


def test_delete_keeps_history_and_revert_revives(topics):
    topics.add("default", Topic("Aurora", "aurora"), by="ann")
    gone = topics.remove("default", "Aurora", by="bob")
    assert gone.action == "delete" and gone.new is None
    assert topics.list("default") == []
    with pytest.raises(TopicNotFound):
        topics.get("default", "Aurora")
    with pytest.raises(ConfigError):
        topics.revert("default", "Aurora", 2, by="bob")  # version 2 is the deletion
    assert topics.revert("default", "Aurora", 1, by="bob").version == 3
    assert topics.get("default", "Aurora").query == "aurora"


def test_adding_a_deleted_name_continues_its_history(topics):
    topics.add("default", Topic("Aurora", "aurora"), by="ann")
    topics.remove("default", "Aurora", by="ann")
    again = topics.add("default", Topic("Aurora", "aurora OR x"), by="ann")
    assert again.version == 3
    assert [v.action for v in topics.history("default", "Aurora")] == ["create", "delete", "create"]


def test_metadata_is_sqlite_in_wal_mode_and_shared_between_connections(tmp_path):
    with TopicStore(tmp_path) as first, TopicStore(tmp_path) as second:
        first.add("default", Topic("Aurora", "aurora"), by="ann")
        assert second.get("default", "Aurora").version == 1
    conn = sqlite3.connect(tmp_path / "meta.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_demo_topics_load_once_and_keep_user_edits(tmp_path):
    added = load_demo_topics(tmp_path)
    assert {t.group for t in added} >= {"brand", "competitor"}
    with TopicStore(tmp_path) as topics:
        topics.edit("default", "Aurora", "ann", query="aurora")
    assert load_demo_topics(tmp_path) == []
    with TopicStore(tmp_path) as topics:
        assert topics.get("default", "Aurora").query == "aurora"
