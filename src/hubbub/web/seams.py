"""What the Alerts and Sources pages show, behind one function each, so the pages do not
change when alerting and source health grow.

`alert_rules` and `recent_alerts` read the alerts store (hubbub.alerts, the same data as
`hubbub alert rule list`, `hubbub alert list` and GET /v1/alerts); `source_health` is the
report `hubbub source list` and GET /v1/sources give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def alert_rules(home: Path, workspace: str) -> list[dict[str, Any]]:
    """The workspace's alert rules, each with `name`, `topic`, `kind`, `enabled` and
    `last_fired_at` (ISO text of its newest alert, or None)."""
    from hubbub.alerts.store import AlertStore

    with AlertStore(home) as store:
        rules = store.rules(workspace)
    if not rules:
        return []
    last: dict[int | None, str] = {}
    for alert in recent_alerts(home, workspace, limit=500):
        last.setdefault(alert["rule_id"], alert["fired_at"])
    return [
        {
            "name": rule.label,
            "topic": rule.topic,
            "kind": rule.kind,
            "enabled": rule.enabled,
            "last_fired_at": last.get(rule.id),
        }
        for rule in rules
    ]


def recent_alerts(home: Path, workspace: str, limit: int = 50) -> list[dict[str, Any]]:
    """The workspace's newest alerts (hubbub.alerts.list_alerts), newest first."""
    from hubbub.alerts import list_alerts

    return list_alerts(home, workspace=workspace, limit=limit)


def source_health(home: Path) -> list[dict[str, Any]]:
    """Every configured source with its health (hubbub.connectors.sources.health_report)."""
    from hubbub.connectors.sources import health_report

    return health_report(home)
