"""Tokens record when they were last used, to the minute; homes made before that get the column."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from hubbub.api.app import create_app
from hubbub.auth import LAST_USED_RESOLUTION, TokenStore
from hubbub.topics.db import META_FILE


def test_a_request_records_last_used_and_listing_shows_it(tmp_path):
    with TokenStore(tmp_path) as tokens:
        made, plain = tokens.create("default", "admin", "ops")
        assert made.last_used_at is None and made.to_dict()["last_used_at"] is None
    with TestClient(create_app(tmp_path)) as client:
        answer = client.get("/v1/tokens", headers={"Authorization": f"Bearer {plain}"})
    assert answer.status_code == 200, answer.text
    (listed,) = answer.json()["tokens"]
    used = datetime.fromisoformat(listed["last_used_at"])
    assert datetime.now(UTC) - used < timedelta(minutes=1)


def test_last_used_is_written_at_most_once_per_resolution(tmp_path):
    with TokenStore(tmp_path) as tokens:
        _, plain = tokens.create("default", "viewer")
        tokens.verify(plain)
        first = tokens.list()[0].last_used_at
        tokens.verify(plain)
        assert tokens.list()[0].last_used_at == first  # within the minute: not rewritten
        stale = (datetime.now(UTC) - LAST_USED_RESOLUTION - timedelta(seconds=1)).isoformat()
        tokens._conn.execute("UPDATE tokens SET last_used_at = ?", (stale,))
        tokens.verify(plain)
        assert tokens.list()[0].last_used_at > datetime.fromisoformat(stale)


def test_a_home_from_before_last_used_is_migrated(tmp_path):
    conn = sqlite3.connect(tmp_path / META_FILE)
    conn.execute(
        "CREATE TABLE tokens (id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, workspace TEXT "
        "NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL, "
        "revoked_at TEXT)"
    )
    conn.commit()
    conn.close()
    with TokenStore(tmp_path) as tokens:
        _, plain = tokens.create("default", "analyst", "old home")
        assert tokens.verify(plain).role == "analyst"
        assert tokens.list()[0].last_used_at is not None
