"""Alerts of the token's workspace: fired alerts (list, one, acknowledge) and alert rules
(list, add, remove). Writes need the analyst role. Everything here is SQLite (meta.sqlite3),
so these routes run in the ordinary thread pool, never on the store's thread."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore, list_alerts
from hubbub.api.deps import Svc, writer
from hubbub.auth import Principal
from hubbub.topics import TopicStore
from hubbub.topics.models import parse_time

router = APIRouter(prefix="/alerts", tags=["alerts"])
Writer = Annotated[Principal, Depends(writer)]


class RuleIn(BaseModel):
    topic: str
    kind: str
    window: str | int = "1h"
    params: dict[str, Any] = Field(default_factory=dict)
    cooldown: str | int | None = None
    channels: list[str] = Field(default_factory=list)
    digest: str | None = None
    name: str = ""


@router.get("")
def get_alerts(
    svc: Svc,
    topic: str | None = None,
    since: str | None = None,
    until: str | None = None,
    acknowledged: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    before_id: int | None = None,
) -> dict[str, Any]:
    """Fired alerts, newest first; `before_id` (the last id of a page) pages on."""
    alerts = list_alerts(
        svc.home,
        svc.workspace,
        topic,
        parse_time(since, "since"),
        parse_time(until, "until"),
        acknowledged,
        limit,
        before_id,
    )
    next_before = alerts[-1]["id"] if len(alerts) == limit else None
    return {"alerts": alerts, "next_before_id": next_before}


@router.get("/rules")
def get_rules(svc: Svc, topic: str | None = None) -> dict[str, Any]:
    with AlertStore(svc.home) as store:
        return {"rules": [r.to_dict() for r in store.rules(svc.workspace, topic)]}


@router.post("/rules", status_code=201)
def create_rule(body: RuleIn, svc: Svc, _: Writer) -> dict[str, Any]:
    rule = make_rule(
        body.topic,
        body.kind,
        body.window,
        body.params,
        body.cooldown,
        body.channels,
        body.digest,
        body.name,
        svc.workspace,
    )
    with TopicStore(svc.home) as topics:
        topic = topics.get(svc.workspace, rule.topic)  # 404 when there is no such topic
    with AlertStore(svc.home) as store:
        return store.add_rule(replace(rule, topic=topic.name), svc.by).to_dict()


@router.delete("/rules/{rule_id}")
def delete_rule(rule_id: int, svc: Svc, _: Writer) -> dict[str, Any]:
    with AlertStore(svc.home) as store:
        return store.remove_rule(svc.workspace, rule_id).to_dict()


@router.get("/{alert_id}")
def get_alert(alert_id: int, svc: Svc) -> dict[str, Any]:
    with AlertStore(svc.home) as store:
        return store.get(svc.workspace, alert_id).to_dict()


@router.post("/{alert_id}/ack")
def acknowledge(alert_id: int, svc: Svc, _: Writer) -> dict[str, Any]:
    with AlertStore(svc.home) as store:
        return store.acknowledge(svc.workspace, alert_id, svc.by).to_dict()
