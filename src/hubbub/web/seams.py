"""What the Alerts and Sources pages show, behind one function each, so the pages do not
change when alerting and source health grow.

`alert_rules` returns [] until the alerts work (hubbub.alerts, in progress) is wired here;
`source_health` is the report `hubbub source list` and GET /v1/sources give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def alert_rules(home: Path, workspace: str) -> list[dict[str, Any]]:
    """The workspace's alert rules, each with `name`, `topic`, `kind` and `last_fired_at`.

    None are listed yet: alert rules are being added (hubbub.alerts); wire their store here
    when it lands, and the Alerts page lists them."""
    return []


def source_health(home: Path) -> list[dict[str, Any]]:
    """Every configured source with its health (hubbub.connectors.sources.health_report)."""
    from hubbub.connectors.sources import health_report

    return health_report(home)
