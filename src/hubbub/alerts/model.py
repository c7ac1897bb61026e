"""A fired alert: what happened, in which window, against what expectation, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Alert:
    workspace: str
    topic: str
    rule_id: int | None
    rule: str  # the rule's name, or kind#id
    kind: str
    window_start: datetime
    window_end: datetime
    fired_at: datetime
    observed: float
    expected: float | None
    score: float
    test: str  # the test and its figure, in words: "negative binomial, p = 2.1e-09"
    summary: str  # one line a person reads in a notification
    drivers: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    key: str = ""  # deduplication key within the rule (the window, or the author/term)
    partial: bool = False  # fired before its window closed, on the posts seen so far
    id: int | None = None
    acked_at: datetime | None = None
    acked_by: str | None = None
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace": self.workspace,
            "topic": self.topic,
            "rule_id": self.rule_id,
            "rule": self.rule,
            "kind": self.kind,
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "fired_at": iso(self.fired_at),
            "observed": self.observed,
            "expected": self.expected,
            "score": self.score,
            "test": self.test,
            "summary": self.summary,
            "drivers": self.drivers,
            "link": self.link,
            "key": self.key,
            "partial": self.partial,
            "acked_at": iso(self.acked_at) if self.acked_at else None,
            "acked_by": self.acked_by,
            "deliveries": self.deliveries,
        }

    def replay_line(self) -> dict[str, Any]:
        """The fields `hubbub replay` prints, one JSON object per alert (a subset of to_dict)."""
        full = self.to_dict()
        return {name: full[name] for name in REPLAY_FIELDS}


# What `hubbub replay` prints of an alert, in this order (docs/alerts.md).
REPLAY_FIELDS = (
    "topic",
    "rule",
    "kind",
    "window_start",
    "window_end",
    "fired_at",
    "observed",
    "expected",
    "score",
    "test",
    "drivers",
)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
