"""Rules, alerts and their deliveries in the home's metadata database (`meta.sqlite3`, next to
topics and tokens), so the CLI can add a rule or acknowledge an alert while `hubbub serve` runs.

An alert is unique on (rule, key): the key names its window (and its term or author), so a
restarted pipeline that tests a window again cannot store the same alert twice. Each channel of
an alert's rule gets a delivery row, which is the delivery queue: it survives restarts, and its
status (pending, delivered, failed, digest) is what `hubbub alert list` and the API show.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from hubbub.alerts.channels.base import check_channel
from hubbub.alerts.model import Alert, iso
from hubbub.alerts.rules import Rule, make_rule
from hubbub.errors import ConfigError, NotFound
from hubbub.logs import redact
from hubbub.net import outbound
from hubbub.topics.db import MetaStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_rules (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    topic TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    topic TEXT NOT NULL,
    rule_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    window_start TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    body TEXT NOT NULL,
    acked_at TEXT,
    acked_by TEXT,
    UNIQUE (rule_id, key)
);
CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts(workspace, fired_at);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    digest TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON alert_deliveries(status, next_attempt_at);
"""
STATUSES = ("pending", "delivered", "failed", "digest")


class AlertNotFound(NotFound):
    """No alert or rule with that id in the workspace (the API answers 404)."""


class AlertStore(MetaStore):
    """Rules, alerts and deliveries. One connection, used by one thread at a time."""

    SCHEMA = _SCHEMA

    # ---- rules ---------------------------------------------------------------------------
    def add_rule(self, rule: Rule, by: str) -> Rule:
        allow = outbound.private_allowed(self.home)
        for channel in rule.channels:  # SSRF: refuse internal webhook targets up front
            check_channel(channel, allow)
        spec = {k: v for k, v in rule.to_dict().items() if k not in ("id", "workspace", "topic")}
        spec["cooldown"] = rule.cooldown
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO alert_rules(workspace, topic, spec, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?)",
                (rule.workspace, rule.topic, orjson.dumps(spec).decode(), _now(), by),
            )
        return self.rule(rule.workspace, int(cursor.lastrowid or 0))

    def rules(self, workspace: str | None = None, topic: str | None = None) -> list[Rule]:
        sql, args = "SELECT * FROM alert_rules WHERE 1", []
        if workspace is not None:
            sql, args = sql + " AND workspace = ?", [workspace]
        if topic is not None:
            sql += " AND topic = ? COLLATE NOCASE"
            args.append(" ".join(topic.split()))
        return [_rule(r) for r in self._conn.execute(sql + " ORDER BY id", args)]

    def rule(self, workspace: str, rule_id: int) -> Rule:
        row = self._conn.execute(
            "SELECT * FROM alert_rules WHERE workspace = ? AND id = ?", (workspace, rule_id)
        ).fetchone()
        if row is None:
            raise AlertNotFound(
                f"no alert rule {rule_id} in workspace {workspace!r}; "
                "`hubbub alert rule list` shows them"
            )
        return _rule(row)

    def remove_rule(self, workspace: str, rule_id: int) -> Rule:
        rule = self.rule(workspace, rule_id)
        with self._write() as conn:
            conn.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,))
        return rule

    def rules_version(self) -> tuple[int, int]:
        """Changes when rules change (the live pipeline polls it to reload)."""
        row = self._conn.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM alert_rules"
        ).fetchone()
        return int(row[0]), int(row[1])

    # ---- alerts --------------------------------------------------------------------------
    def save(self, alert: Alert, channels: tuple[str, ...], digest: str | None) -> Alert | None:
        """Store a fired alert and queue its deliveries; None if it was already stored."""
        body = alert.to_dict()
        for key in ("id", "acked_at", "acked_by", "deliveries"):
            body.pop(key)
        with self._write() as conn:
            try:
                cursor = conn.execute(
                    "INSERT INTO alerts(workspace, topic, rule_id, key, kind, window_start, "
                    "fired_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        alert.workspace,
                        alert.topic,
                        alert.rule_id,
                        alert.key,
                        alert.kind,
                        iso(alert.window_start),
                        iso(alert.fired_at),
                        orjson.dumps(body).decode(),
                    ),
                )
            except sqlite3.IntegrityError:
                return None  # fired before (a restart re-tested its window)
            alert.id = int(cursor.lastrowid or 0)
            due = digest_due(alert.fired_at, digest) if digest else datetime.now(UTC).timestamp()
            for channel in channels:
                conn.execute(
                    "INSERT INTO alert_deliveries(alert_id, channel, status, digest, "
                    "next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                    (alert.id, channel, "digest" if digest else "pending", digest, due),
                )
        return alert

    def get(self, workspace: str, alert_id: int) -> Alert:
        row = self._conn.execute(
            "SELECT * FROM alerts WHERE workspace = ? AND id = ?", (workspace, alert_id)
        ).fetchone()
        if row is None:
            raise AlertNotFound(
                f"no alert {alert_id} in workspace {workspace!r}; `hubbub alert list` shows them"
            )
        return self._alert(row)

    def alerts(
        self,
        workspace: str,
        topic: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        acknowledged: bool | None = None,
        limit: int = 50,
        before_id: int | None = None,
    ) -> list[Alert]:
        """Newest first. `before_id` pages on (the id of the last alert of the page before)."""
        if not 1 <= limit <= 1000:
            raise ConfigError("limit must be between 1 and 1000")
        sql = "SELECT * FROM alerts WHERE workspace = ?"
        args: list[Any] = [workspace]
        if topic is not None:
            sql += " AND topic = ? COLLATE NOCASE"
            args.append(" ".join(topic.split()))
        if since is not None:
            sql += " AND fired_at >= ?"
            args.append(iso(since))
        if until is not None:
            sql += " AND fired_at < ?"
            args.append(iso(until))
        if acknowledged is not None:
            sql += " AND acked_at IS NOT NULL" if acknowledged else " AND acked_at IS NULL"
        if before_id is not None:
            sql += " AND id < ?"
            args.append(before_id)
        rows = self._conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit]).fetchall()
        return [self._alert(r) for r in rows]

    def acknowledge(self, workspace: str, alert_id: int, by: str) -> Alert:
        self.get(workspace, alert_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE alerts SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL",
                (_now(), by, alert_id),
            )
        return self.get(workspace, alert_id)

    def recent_subjects(self, since: datetime) -> list[tuple[int, str, datetime]]:
        """(rule id, subject, window start) of alerts fired since `since`, to restore cooldowns."""
        rows = self._conn.execute(
            "SELECT rule_id, key, window_start FROM alerts WHERE fired_at >= ?", (iso(since),)
        )
        out = []
        for row in rows:
            subject = row["key"].rsplit("@", 1)[0]
            out.append(
                (
                    row["rule_id"],
                    "" if subject == "window" else subject,
                    datetime.fromisoformat(row["window_start"].replace("Z", "+00:00")),
                )
            )
        return out

    # ---- deliveries ----------------------------------------------------------------------
    def due_deliveries(self, now: float, limit: int = 100) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            "SELECT d.*, a.body, a.workspace FROM alert_deliveries d JOIN alerts a "
            "ON a.id = d.alert_id WHERE d.status IN ('pending', 'digest') AND "
            "d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?",
            (now, limit),
        ).fetchall()
        return [
            {**dict(r), "alert": {**orjson.loads(r["body"]), "id": r["alert_id"]}} for r in rows
        ]

    def next_due(self) -> float | None:
        row = self._conn.execute(
            "SELECT min(next_attempt_at) FROM alert_deliveries "
            "WHERE status IN ('pending', 'digest')"
        ).fetchone()
        return None if row[0] is None else float(row[0])

    def delivered(self, delivery_ids: list[int]) -> None:
        with self._write() as conn:
            conn.executemany(
                "UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, "
                "delivered_at = ?, last_error = NULL WHERE id = ?",
                [(_now(), i) for i in delivery_ids],
            )

    def attempt_failed(self, delivery_ids: list[int], error: str, retry_at: float | None) -> None:
        """Record a failed attempt: retried at `retry_at`, or failed for good when it is None."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?, "
                "status = CASE WHEN ? IS NULL THEN 'failed' ELSE status END, "
                "next_attempt_at = coalesce(?, next_attempt_at) WHERE id = ?",
                [(redact(error)[:500], retry_at, retry_at, i) for i in delivery_ids],
            )

    def _alert(self, row: sqlite3.Row) -> Alert:
        body = orjson.loads(row["body"])
        deliveries = [
            {
                "channel": redact(d["channel"]),  # a URL's user:password@ is shown as ***
                "status": d["status"],
                "attempts": d["attempts"],
                "last_error": d["last_error"],
                "delivered_at": d["delivered_at"],
            }
            for d in self._conn.execute(
                "SELECT * FROM alert_deliveries WHERE alert_id = ? ORDER BY id", (row["id"],)
            )
        ]
        return Alert(
            workspace=row["workspace"],
            topic=row["topic"],
            rule_id=row["rule_id"],
            rule=body["rule"],
            kind=row["kind"],
            window_start=_time(body["window_start"]),
            window_end=_time(body["window_end"]),
            fired_at=_time(body["fired_at"]),
            observed=body["observed"],
            expected=body["expected"],
            score=body["score"],
            test=body["test"],
            summary=body["summary"],
            drivers=body["drivers"],
            link=body["link"],
            key=row["key"],
            partial=body.get("partial", False),
            id=row["id"],
            acked_at=_time(row["acked_at"]) if row["acked_at"] else None,
            acked_by=row["acked_by"],
            deliveries=deliveries,
        )


def list_alerts(
    home: Path,
    workspace: str = "default",
    topic: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    acknowledged: bool | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[dict[str, Any]]:
    """The in-app alerts of a workspace, newest first, as JSON-ready dicts (the web Alerts page
    and `GET /v1/alerts` both read this)."""
    with AlertStore(home) as store:
        alerts = store.alerts(workspace, topic, since, until, acknowledged, limit, before_id)
    return [a.to_dict() for a in alerts]


def digest_due(fired_at: datetime, digest: str) -> float:
    """When a digest holding this alert is sent: the end of its hour or day (UTC)."""
    period = 3600 if digest == "hourly" else 86400
    return (int(fired_at.timestamp()) // period + 1) * period


def _rule(row: sqlite3.Row) -> Rule:
    spec = orjson.loads(row["spec"])
    return make_rule(
        topic=row["topic"],
        kind=spec["kind"],
        window=spec["window"],
        params=spec["params"],
        cooldown=spec.get("cooldown"),
        channels=spec.get("channels") or (),
        digest=spec.get("digest"),
        name=spec.get("name") or "",
        workspace=row["workspace"],
        enabled=spec.get("enabled", True),
        id=row["id"],
    )


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _now() -> str:
    return iso(datetime.now(UTC))
