"""The Alerts page lists the workspace's rules and the alerts they fired, in both languages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.store import open_store
from tests.alerts.test_store import alert
from tests.web.conftest import sign_in


def test_rules_and_their_alerts_are_listed(tmp_path) -> None:
    with AlertStore(tmp_path) as alerts:
        rule = alerts.add_rule(
            make_rule("Aurora", "volume_spike", "1h", {}, None, name="crisis watch"), by="test"
        )
        alerts.save(alert(0, rule_id=rule.id or 1), (), None)
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
