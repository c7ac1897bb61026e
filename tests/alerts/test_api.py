"""/v1/alerts: rules and alerts over HTTP, roles, and the one error shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hubbub.alerts.store import AlertStore
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.topics import Topic, TopicStore

from .test_store import alert


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, dict]]]:
    home: Path = tmp_path_factory.mktemp("alerts-api")
    with TopicStore(home) as topics:
        topics.add("default", Topic("Aurora", "aurora"), by="test")
    with TokenStore(home) as tokens:
        auth = {
            role: {"Authorization": f"Bearer {tokens.create('default', role, role)[1]}"}
            for role in ("analyst", "viewer")
        }
    with AlertStore(home) as store:
        for n in range(3):
            store.save(alert(n), ("webhook:https://h.example/x",), None)
    with TestClient(create_app(home)) as client:
        yield client, auth


def test_rules_crud_and_bad_rules(served):
    client, auth = served
    body = {
        "topic": "aurora",
        "kind": "volume_spike",
        "window": "15m",
        "params": {"min_volume": 30},
    }
    created = client.post("/v1/alerts/rules", json=body, headers=auth["analyst"])
    assert created.status_code == 201
    rule = created.json()
    assert (
        rule["topic"] == "Aurora" and rule["window"] == 900 and rule["params"]["min_volume"] == 30
    )
    listed = client.get("/v1/alerts/rules", headers=auth["viewer"]).json()["rules"]
    assert [r["id"] for r in listed] == [rule["id"]]
    bad = client.post(
        "/v1/alerts/rules",
        json={"topic": "Aurora", "kind": "threshold", "params": {"analytic": "likes", "value": 1}},
        headers=auth["analyst"],
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid-parameter"
    assert "analytic 'likes'" in bad.json()["error"]["message"]
    negative = client.post(
        "/v1/alerts/rules", json={**body, "window": "-5m"}, headers=auth["analyst"]
    )
    assert negative.status_code == 400 and "positive" in negative.json()["error"]["message"]
    missing = client.post(
        "/v1/alerts/rules", json={**body, "topic": "Nope"}, headers=auth["analyst"]
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    viewer = client.post("/v1/alerts/rules", json=body, headers=auth["viewer"])
    assert viewer.status_code == 403
    gone = client.delete(f"/v1/alerts/rules/{rule['id']}", headers=auth["analyst"])
    assert gone.status_code == 200
    again = client.delete(f"/v1/alerts/rules/{rule['id']}", headers=auth["analyst"])
    assert again.status_code == 404 and again.json()["error"]["code"] == "not-found"


def test_alerts_list_page_get_and_ack(served):
    client, auth = served
    page = client.get("/v1/alerts?limit=2", headers=auth["viewer"]).json()
    assert [a["id"] for a in page["alerts"]] == [3, 2] and page["next_before_id"] == 2
    rest = client.get(f"/v1/alerts?before_id={page['next_before_id']}", headers=auth["viewer"])
    assert [a["id"] for a in rest.json()["alerts"]] == [1]
    one = client.get("/v1/alerts/1", headers=auth["viewer"]).json()
    assert one["deliveries"][0]["status"] == "pending" and one["drivers"]["top_posts"]
    assert client.post("/v1/alerts/1/ack", headers=auth["viewer"]).status_code == 403
    acked = client.post("/v1/alerts/1/ack", headers=auth["analyst"]).json()
    assert acked["acked_by"] and acked["acked_at"]
    open_ones = client.get("/v1/alerts?acknowledged=false", headers=auth["viewer"]).json()
    assert [a["id"] for a in open_ones["alerts"]] == [3, 2]
    missing = client.get("/v1/alerts/99", headers=auth["viewer"])
    assert missing.status_code == 404 and set(missing.json()) == {"error"}
