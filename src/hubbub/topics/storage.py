"""Topics in `<home>/meta.sqlite3`: every change is a new version (who, when, old and new state),
and `revert` writes the chosen version's state back as a further version, so a revert can itself
be reverted. Deleting a topic keeps its history; adding the name again revives it."""

from __future__ import annotations

import builtins
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson

from hubbub.errors import ConfigError
from hubbub.topics.db import MetaStore
from hubbub.topics.models import (
    Topic,
    TopicExists,
    TopicFilters,
    TopicNotFound,
    TopicVersion,
    check_topic,
    check_workspace,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS topics (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL REFERENCES workspaces(name),
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
-- Names are unique among live topics only, so a deleted topic's history survives a new one.
CREATE UNIQUE INDEX IF NOT EXISTS topics_live_name
    ON topics(workspace, name COLLATE NOCASE) WHERE deleted = 0;
CREATE TABLE IF NOT EXISTS topic_versions (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    version INTEGER NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    old TEXT,
    new TEXT,
    reverted_to INTEGER,
    PRIMARY KEY (topic_id, version)
);
"""


class TopicStore(MetaStore):
    """Topics of every workspace in one home. Cheap to create; close when done."""

    SCHEMA = _SCHEMA

    # ---- workspaces ----------------------------------------------------------------------
    def ensure_workspace(self, workspace: str) -> str:
        check_workspace(workspace)
        self._conn.execute(
            "INSERT OR IGNORE INTO workspaces(name, created_at) VALUES (?, ?)",
            (workspace, _now()),
        )
        return workspace

    def workspaces(self) -> list[str]:
        return [r["name"] for r in self._conn.execute("SELECT name FROM workspaces ORDER BY name")]

    # ---- reads ---------------------------------------------------------------------------
    def list(self, workspace: str, group: str | None = None) -> list[Topic]:
        return [t for t in self._listed(workspace) if group is None or t.group == group.lower()]

    def _listed(self, workspace: str) -> tuple[Topic, ...]:
        """The workspace's live topics. The API lists them on every request (an answer's cache
        key holds every topic's version), so the parsed list is kept per file and process and
        reused while the table is unchanged: every change is a new version of one topic
        (`_record`), so the count of rows and the sum of their versions change with each
        one, whoever made it (this process, the CLI, another server), and are read every time."""
        if self._conn.in_transaction:  # rows not yet committed must not be kept for others
            return self._read_live(workspace)
        mark = tuple(self._conn.execute("SELECT count(*), total(version) FROM topics").fetchone())
        key = ("topics.list", workspace)
        kept = self._pool.shared.get(key)
        if kept is not None and kept[0] == mark:
            return kept[1]  # type: ignore[no-any-return]
        # Read after the mark: a change landing in between is kept under the older mark, so
        # the next call reads again; never the other way round.
        topics = self._read_live(workspace)
        self._pool.shared[key] = (mark, topics)
        return topics

    def _read_live(self, workspace: str) -> tuple[Topic, ...]:
        rows = self._conn.execute(
            "SELECT * FROM topics WHERE workspace = ? AND deleted = 0 ORDER BY name COLLATE NOCASE",
            (workspace,),
        ).fetchall()
        return tuple(_topic(r) for r in rows)

    def get(self, workspace: str, name: str) -> Topic:
        return _topic(self._live_row(workspace, name))

    def find(self, workspace: str, name: str) -> Topic | None:
        try:
            return self.get(workspace, name)
        except TopicNotFound:
            return None

    def history(self, workspace: str, name: str) -> builtins.list[TopicVersion]:
        row = self._any_row(workspace, name)
        rows = self._conn.execute(
            "SELECT * FROM topic_versions WHERE topic_id = ? ORDER BY version", (row["id"],)
        ).fetchall()
        return [_version(r) for r in rows]

    # ---- writes --------------------------------------------------------------------------
    def add(self, workspace: str, topic: Topic, by: str) -> Topic:
        topic = check_topic(replace(topic, workspace=workspace))
        with self._write() as conn:
            self.ensure_workspace(workspace)
            if self._live(workspace, topic.name) is not None:
                raise TopicExists(
                    f"topic {topic.name!r} already exists in workspace {workspace!r}; "
                    "edit it or pick another name"
                )
            revived = self._deleted(workspace, topic.name)
            if revived is None:
                cursor = conn.execute(
                    "INSERT INTO topics(workspace, name, state, version, updated_at, updated_by) "
                    "VALUES (?, ?, '{}', 0, '', '')",
                    (workspace, topic.name),
                )
                topic_id, version = int(cursor.lastrowid or 0), 0
            else:
                topic_id, version = revived["id"], revived["version"]
            return self._record(topic_id, version + 1, "create", None, topic.state(), by)

    def edit(self, workspace: str, name: str, by: str, /, **changes: Any) -> Topic:
        """Change any of name, query, group, description, filters (a TopicFilters)."""
        unknown = set(changes) - {"name", "query", "group", "description", "filters"}
        if unknown:
            raise ConfigError(f"cannot change {', '.join(sorted(unknown))} of a topic")
        with self._write():
            row = self._live_row(workspace, name)
            current = _topic(row)
            updated = check_topic(
                replace(current, **{k: v for k, v in changes.items() if v is not None})
            )
            if updated.state() == current.state():
                return current  # nothing changed: no new version
            self._check_free(workspace, updated.name, row["id"])
            return self._record(
                row["id"], row["version"] + 1, "edit", current.state(), updated.state(), by
            )

    def remove(self, workspace: str, name: str, by: str) -> TopicVersion:
        with self._write():
            row = self._live_row(workspace, name)
            old = orjson.loads(row["state"])
            self._record(row["id"], row["version"] + 1, "delete", old, None, by)
        return self.history(workspace, row["name"])[-1]

    def revert(self, workspace: str, name: str, to_version: int, by: str) -> Topic:
        """Make the topic what it was after version `to_version`, as a new version."""
        with self._write():
            row = self._any_row(workspace, name)
            # SQLite integers are 64-bit: a larger number is no version (not an OverflowError).
            in_range = -(2**63) <= to_version < 2**63
            target = (
                self._conn.execute(
                    "SELECT new FROM topic_versions WHERE topic_id = ? AND version = ?",
                    (row["id"], to_version),
                ).fetchone()
                if in_range
                else None
            )
            if target is None:
                raise ConfigError(
                    f"topic {row['name']!r} has no version {to_version}; "
                    f"`hubbub topic history {row['name']!r}` lists them"
                )
            if target["new"] is None:
                raise ConfigError(f"version {to_version} deleted the topic; use `topic rm` instead")
            state = orjson.loads(target["new"])
            check_topic(_topic(row).with_state(state))  # the query language may have changed
            self._check_free(workspace, state["name"], row["id"])
            old = None if row["deleted"] else orjson.loads(row["state"])
            if old == state:
                return _topic(row)  # already that state: no new version
            return self._record(
                row["id"], row["version"] + 1, "revert", old, state, by, reverted_to=to_version
            )

    # ---- internals -----------------------------------------------------------------------
    def _record(
        self,
        topic_id: int,
        version: int,
        action: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        by: str,
        reverted_to: int | None = None,
    ) -> Topic:
        at = _now()
        self._conn.execute(
            "INSERT INTO topic_versions(topic_id, version, action, at, by, old, new, reverted_to) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (topic_id, version, action, at, by, _json(old), _json(new), reverted_to),
        )
        state = new if new is not None else old
        assert state is not None
        self._conn.execute(
            "UPDATE topics SET name = ?, state = ?, deleted = ?, version = ?, updated_at = ?, "
            "updated_by = ? WHERE id = ?",
            (state["name"], _json(state), int(new is None), version, at, by, topic_id),
        )
        row = self._conn.execute("SELECT * FROM topics WHERE id = ?", (topic_id,)).fetchone()
        return _topic(row)

    def _live(self, workspace: str, name: str) -> sqlite3.Row | None:
        return self._conn.execute(  # type: ignore[no-any-return]
            "SELECT * FROM topics WHERE workspace = ? AND name = ? COLLATE NOCASE AND deleted = 0",
            (workspace, " ".join(name.split())),
        ).fetchone()

    def _deleted(self, workspace: str, name: str) -> sqlite3.Row | None:
        return self._conn.execute(  # type: ignore[no-any-return]
            "SELECT * FROM topics WHERE workspace = ? AND name = ? COLLATE NOCASE AND deleted = 1 "
            "ORDER BY id DESC LIMIT 1",
            (workspace, " ".join(name.split())),
        ).fetchone()

    def _live_row(self, workspace: str, name: str) -> sqlite3.Row:
        row = self._live(workspace, name)
        if row is None:
            raise _not_found(workspace, name)
        return row

    def _any_row(self, workspace: str, name: str) -> sqlite3.Row:
        """The live topic of that name, else the latest deleted one (history and revert)."""
        row = self._live(workspace, name) or self._deleted(workspace, name)
        if row is None:
            raise _not_found(workspace, name)
        return row

    def _check_free(self, workspace: str, name: str, topic_id: int) -> None:
        other = self._live(workspace, name)
        if other is not None and other["id"] != topic_id:
            raise TopicExists(f"topic {name!r} already exists in workspace {workspace!r}")


def _not_found(workspace: str, name: str) -> TopicNotFound:
    return TopicNotFound(
        f"no topic {name!r} in workspace {workspace!r}; `hubbub topic list` shows the topics"
    )


def _topic(row: sqlite3.Row) -> Topic:
    state = orjson.loads(row["state"])
    return Topic(
        name=state["name"],
        query=state["query"],
        group=state["group"],
        description=state.get("description", ""),
        filters=TopicFilters.from_dict(state.get("filters")),
        workspace=row["workspace"],
        version=row["version"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
        updated_by=row["updated_by"],
    )


def _version(row: sqlite3.Row) -> TopicVersion:
    return TopicVersion(
        version=row["version"],
        action=row["action"],
        at=datetime.fromisoformat(row["at"]),
        by=row["by"],
        old=orjson.loads(row["old"]) if row["old"] else None,
        new=orjson.loads(row["new"]) if row["new"] else None,
        reverted_to=row["reverted_to"],
    )


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _now() -> str:
    return datetime.now(UTC).isoformat()
