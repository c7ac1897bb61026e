"""`hubbub alert rule add|list|rm` and `hubbub alert list|ack`: alert rules and fired alerts.

Both live in `<home>/meta.sqlite3`, so these commands work while `hubbub serve` runs; the live
pipeline picks rule changes up within seconds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer
from rich.table import Table

from hubbub.alerts.rules import KINDS, make_rule, parse_assignments
from hubbub.alerts.store import AlertStore
from hubbub.cli.api_client import JsonOption, WorkspaceOption, print_json, who
from hubbub.cli.common import HomeOption, console, home_path, out
from hubbub.cli.render import plain
from hubbub.topics import DEFAULT_WORKSPACE, TopicStore
from hubbub.topics.models import parse_time

alert_app = typer.Typer(no_args_is_help=True, add_completion=False)
rule_app = typer.Typer(no_args_is_help=True, add_completion=False)
alert_app.add_typer(rule_app, name="rule", help="Alert rules on topics: add, list, rm.")


def register(app: typer.Typer) -> None:
    app.add_typer(alert_app, name="alert", help="Real-time alerts: rules and fired alerts.")


@rule_app.command("add")
def add_rule(
    topic: Annotated[str, typer.Argument(help="The topic to watch.")],
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    window: Annotated[str, typer.Option("--window", help="Bucket size: 5m, 1h, 1d.")] = "1h",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A detector parameter, key=value (repeat; docs/alerts.md)."),
    ] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option("--notify", help="webhook=URL, slack=URL or email=ADDRESS (repeat)."),
    ] = None,
    cooldown: Annotated[
        str | None,
        typer.Option("--cooldown", help="Quiet time after an alert (default 4 windows)."),
    ] = None,
    digest: Annotated[
        str | None, typer.Option("--digest", help="hourly or daily: one message per period.")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="A name for the rule.")] = "",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Watch a topic: a volume spike, a negative surge, KOL mentions, new terms or a threshold."""
    path = home_path(home)
    rule = make_rule(
        topic,
        kind,
        window,
        parse_assignments(set_ or []),
        cooldown,
        notify or (),
        digest,
        name,
        workspace,
    )
    with TopicStore(path) as topics:
        saved_topic = topics.get(workspace, rule.topic)  # a clear error if there is no such topic
    with AlertStore(path) as alerts:
        saved = alerts.add_rule(replace(rule, topic=saved_topic.name), who())
    if as_json:
        print_json(saved.to_dict())
        return
    console.print(f"Added alert rule {saved.id}: {_describe(saved.to_dict())}.")
    if any(c.startswith("webhook:") for c in saved.channels):
        console.print(
            "Webhook bodies are signed when HUBBUB_ALERT_WEBHOOK_SECRET is set for `hubbub serve`."
        )


@rule_app.command("list")
def list_rules(
    topic: Annotated[str | None, typer.Option("--topic", help="Only this topic's rules.")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """The workspace's alert rules."""
    with AlertStore(home_path(home)) as alerts:
        rules = alerts.rules(workspace, topic)
    if as_json:
        print_json({"rules": [r.to_dict() for r in rules]})
        return
    if not rules:
        console.print(
            f"No alert rules in workspace {workspace!r}; add one with `hubbub alert rule add`."
        )
        return
    table = Table()
    for column in ("id", "topic", "rule", "channels"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        data = rule.to_dict()
        table.add_row(
            str(rule.id),
            plain(rule.topic),
            plain(_describe(data)),
            plain(", ".join(rule.channels) or "in-app"),
        )
    out.print(table)


@rule_app.command("rm")
def remove_rule(
    rule_id: Annotated[int, typer.Argument(help="The rule's id (`hubbub alert rule list`).")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    home: HomeOption = None,
) -> None:
    """Remove an alert rule; the alerts it fired stay listed."""
    with AlertStore(home_path(home)) as alerts:
        rule = alerts.remove_rule(workspace, rule_id)
    console.print(f"Removed alert rule {rule_id} ({rule.kind} on {rule.topic!r}).")


@alert_app.command("list")
def list_alerts(
    topic: Annotated[str | None, typer.Option("--topic", help="Only this topic's alerts.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Fired from this time.")] = None,
    unacked: Annotated[bool, typer.Option("--unacked", help="Only unacknowledged.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Fired alerts, newest first, with their delivery state."""
    with AlertStore(home_path(home)) as store:
        found = store.alerts(
            workspace, topic, parse_time(since, "--since"), None, False if unacked else None, limit
        )
    if as_json:
        print_json({"alerts": [a.to_dict() for a in found]})
        return
    if not found:
        console.print("No alerts yet.")
        return
    table = Table()
    for column in ("id", "fired", "topic", "rule", "what", "delivery", "ack"):
        table.add_column(column, overflow="fold")
    for alert in found:
        data = alert.to_dict()
        deliveries = ", ".join(
            f"{d['channel'].split(':')[0]} {d['status']}" for d in alert.deliveries
        )
        table.add_row(
            str(alert.id),
            data["fired_at"][:16].replace("T", " "),
            plain(alert.topic),
            plain(alert.rule),
            plain(alert.summary),
            deliveries or "in-app",
            "yes" if alert.acked_at else "",
        )
    out.print(table)


@alert_app.command("ack")
def ack(
    alert_ids: Annotated[list[int], typer.Argument(help="Alert ids (`hubbub alert list`).")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    home: HomeOption = None,
) -> None:
    """Acknowledge alerts: someone is on it."""
    with AlertStore(home_path(home)) as store:
        for alert_id in alert_ids:
            store.acknowledge(workspace, alert_id, who())
    console.print(f"Acknowledged {len(alert_ids)} alert(s).")


def _describe(data: dict[str, object]) -> str:
    params = data["params"]
    assert isinstance(params, dict)
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    window = int(data["window"])  # type: ignore[call-overload]
    label = f"{data['name']}: " if data.get("name") else ""
    digest = f", {data['digest']} digest" if data.get("digest") else ""
    return f"{label}{data['kind']} per {_duration(window)} ({shown}){digest}"


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
