"""Stores of meta.sqlite3 reuse pooled connections and a kept topic list (topics/db.py), and
still see every change at once: made by another connection or process, or by a file replaced
under the same path (a restored backup)."""

from __future__ import annotations

import os
import sqlite3

import orjson
import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.auth import AuthError, TokenStore
from hubbub.topics import Topic, TopicStore
from hubbub.topics.db import META_FILE


def outside(home) -> sqlite3.Connection:
    """A connection outside the pool: what another process (the CLI) writes with."""
    conn = sqlite3.connect(home / META_FILE, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def test_a_closed_store_lends_its_connection_to_the_next(tmp_path):
    with TopicStore(tmp_path) as first:
        conn = first._conn
    with TokenStore(tmp_path) as second:
        assert second._conn is conn
        assert second._conn.execute("PRAGMA table_info(tokens)").fetchall()  # its schema too


def test_topics_changed_by_another_process_are_listed_at_once(tmp_path):
    with TopicStore(tmp_path) as topics:
        topics.add("default", Topic("Nike", "nike", "brand"), by="test")
        assert [t.query for t in topics.list("default")] == ["nike"]
    other = outside(tmp_path)
    state = {"name": "Nike", "query": "nike OR swoosh", "group": "brand", "filters": {}}
    other.execute(
        "UPDATE topics SET state = ?, version = version + 1 WHERE name = 'Nike'",
        (orjson.dumps(state).decode(),),
    )
    other.close()
    with TopicStore(tmp_path) as topics:
        (seen,) = topics.list("default")
        assert (seen.query, seen.version) == ("nike OR swoosh", 2)
        topics.add("default", Topic("Adidas", "adidas", "competitor"), by="test")
        topics.remove("default", "Nike", by="test")
        assert [t.name for t in topics.list("default")] == ["Adidas"]
        assert [t.name for t in topics.list("default", group="brand")] == []


def test_uncommitted_topics_are_not_kept_for_other_stores(tmp_path):
    with TopicStore(tmp_path) as topics:
        topics.add("default", Topic("Nike", "nike", "brand"), by="test")
        state = {"name": "Nike", "query": "changed", "group": "brand", "filters": {}}
        topics._conn.execute("BEGIN IMMEDIATE")
        topics._conn.execute(
            "UPDATE topics SET state = ?, version = version + 1", (orjson.dumps(state).decode(),)
        )
        assert topics.list("default")[0].query == "changed"  # its own transaction sees it
        topics._conn.execute("ROLLBACK")
    with TopicStore(tmp_path) as topics:
        assert topics.get("default", "Nike").query == "nike"
        topics.edit("default", "Nike", "test", query="real")  # the same count and versions
        assert topics.list("default")[0].query == "real"


def test_a_replaced_file_is_read_anew_not_through_old_connections(tmp_path):
    home, other_home = tmp_path / "home", tmp_path / "other"
    with TopicStore(home) as topics:
        topics.add("default", Topic("Old", "old", "brand"), by="test")
        assert [t.name for t in topics.list("default")] == ["Old"]
    with TopicStore(other_home) as topics:
        topics.add("default", Topic("Restored", "restored", "brand"), by="test")
    # What a restore does: a standalone copy renamed over the old file (the old one's
    # connections stay pooled, holding the old file open).
    staged = tmp_path / "staged.sqlite3"
    with outside(other_home) as source, sqlite3.connect(staged) as target:
        source.backup(target)
    for suffix in ("-wal", "-shm"):
        (home / (META_FILE + suffix)).unlink(missing_ok=True)
    os.replace(staged, home / META_FILE)
    with TopicStore(home) as topics:
        assert [t.name for t in topics.list("default")] == ["Restored"]


def test_a_store_closed_mid_transaction_does_not_lend_it(tmp_path):
    store = TopicStore(tmp_path)
    store._conn.execute("BEGIN IMMEDIATE")
    store.close()
    with TopicStore(tmp_path) as topics:
        assert not topics._conn.in_transaction
        topics.add("default", Topic("Nike", "nike", "brand"), by="test")  # not locked out


def test_a_borrowed_connection_has_foreign_keys_on_again(tmp_path):
    with TopicStore(tmp_path) as topics:
        topics._conn.execute("PRAGMA foreign_keys = OFF")
    with TopicStore(tmp_path) as topics:
        assert topics._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_token_revoked_by_another_process_is_refused_at_once(tmp_path):
    with TokenStore(tmp_path) as tokens:
        _, plain = tokens.create("default", "viewer", "dash")
    headers = {"Authorization": f"Bearer {plain}"}
    with TestClient(create_app(tmp_path)) as client:
        assert client.get("/v1/me", headers=headers).status_code == 200
        with outside(tmp_path) as other:
            other.execute("UPDATE tokens SET revoked_at = '2026-01-01T00:00:00+00:00'")
        answer = client.get("/v1/me", headers=headers)
        assert answer.status_code == 401
        assert "revoked" in answer.json()["error"]["message"]
        wrong = client.get("/v1/me", headers={"Authorization": "Bearer hbb_nope_nope"})
        assert wrong.status_code == 401
    with TokenStore(tmp_path) as tokens, pytest.raises(AuthError, match="revoked"):
        tokens.verify(plain)
