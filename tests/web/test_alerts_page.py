"""The Alerts page lists the workspace's rules and the alerts they fired, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from hubbub.alerts.model import Alert
from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.store import open_store
from tests.web.conftest import sign_in

START = datetime(2026, 3, 2, 6, tzinfo=UTC)


def fired(topic: str, rule_id: int | None) -> Alert:
    return Alert(
        workspace="default",
        topic=topic,
        rule_id=rule_id,
        rule="crisis watch",
        kind="volume_spike",
        window_start=START,
        window_end=START + timedelta(hours=1),
        fired_at=START + timedelta(minutes=20),
        observed=80,
        expected=10.5,
        score=9.1,
        test="negative binomial, p = 8e-10",
        summary=f"{topic}: 80 posts against 10.5 expected",
        link=f"/topics/{topic}?since=2026-03-02T06:00:00Z&until=2026-03-02T07:00:00Z",
        key="window@1",
    )


def test_rules_and_their_alerts_are_listed(tmp_path) -> None:
    with AlertStore(tmp_path) as alerts:
        rule = alerts.add_rule(
            make_rule("Aurora", "volume_spike", "1h", {}, None, name="crisis watch"), by="test"
        )
        alerts.save(fired("Aurora", rule.id), (), None)
    with TokenStore(tmp_path) as tokens:
        token = tokens.create("default", "viewer", "web-alerts")[1]
    with (
        open_store(tmp_path) as store,
        TestClient(create_app(tmp_path, store), follow_redirects=False) as client,
    ):
        sign_in(client, token)
        page = client.get("/w/default/alerts").text
        assert 'id="alerts-empty"' not in page
        assert "crisis watch" in page and "Aurora: 80 posts against 10.5 expected" in page
        assert "negative binomial" in page and "/topics/Aurora?since=" in page
        assert "2026" in page.split('id="alert-rules"')[1].split("</table>")[0]  # last fired
        client.cookies.set("hubbub_lang", "zh")
        chinese = client.get("/w/default/alerts").text
        assert "最近预警" in chinese
