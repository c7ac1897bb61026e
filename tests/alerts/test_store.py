"""Rules, alerts and deliveries in meta.sqlite3: dedup on (rule, key), ack, listing, paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubbub.alerts.model import Alert
from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertNotFound, AlertStore, digest_due, list_alerts

START = datetime(2026, 3, 2, 6, tzinfo=UTC)


def alert(n: int, topic: str = "Aurora", rule_id: int = 1) -> Alert:
    start = START + timedelta(hours=n)
    return Alert(
        workspace="default",
        topic=topic,
        rule_id=rule_id,
        rule="spike",
        kind="volume_spike",
        window_start=start,
        window_end=start + timedelta(hours=1),
        fired_at=start + timedelta(minutes=20),
        observed=80,
        expected=10.5,
        score=9.1,
        test="negative binomial, p = 8e-10",
        summary=f"{topic}: 80 posts against 10.5 expected",
        drivers={"top_posts": [{"platform_id": "p1", "text": "hi"}]},
        link="/topics/Aurora?since=a&until=b",
        key=f"window@{start.isoformat()}",
    )


def test_rules_round_trip_and_missing_ids_are_404s(tmp_path):
    with AlertStore(tmp_path) as store:
        rule = make_rule(
            "Aurora",
            "kol_mention",
            "1h",
            {"min_followers": 5000},
            "2h",
            ["webhook:https://h.example/x"],
            "hourly",
            "stars",
        )
        saved = store.add_rule(rule, by="test")
        assert saved.id == 1 and store.rules("default")[0] == saved
        assert saved.to_dict()["cooldown"] == 7200 and saved.label == "stars"
        assert store.rules("other") == [] and store.rules("default", "aurora") == [saved]
        with pytest.raises(AlertNotFound, match="alert rule 9"):
            store.remove_rule("default", 9)
        assert store.remove_rule("default", 1) == saved and store.rules() == []


def test_an_alert_is_stored_once_and_queues_one_delivery_per_channel(tmp_path):
    with AlertStore(tmp_path) as store:
        first = store.save(alert(0), ("webhook:https://h.example/x", "email:a@b.example"), None)
        assert first is not None and first.id == 1
        assert store.save(alert(0), ("webhook:https://h.example/x",), None) is None
        again = store.get("default", 1)
        assert [d["status"] for d in again.deliveries] == ["pending", "pending"]
        assert again.to_dict()["drivers"] == alert(0).drivers
        assert len(store.due_deliveries(datetime.now(UTC).timestamp() + 1)) == 2
        with pytest.raises(AlertNotFound):
            store.get("other", 1)


def test_digest_deliveries_wait_for_the_end_of_their_period(tmp_path):
    with AlertStore(tmp_path) as store:
        saved = store.save(alert(0), ("slack:https://h.example/s",), "hourly")
        assert saved is not None
        due = digest_due(saved.fired_at, "hourly")
        assert due == (START + timedelta(hours=1)).timestamp()
        assert store.due_deliveries(due - 1) == [] and len(store.due_deliveries(due)) == 1
        assert digest_due(saved.fired_at, "daily") == datetime(2026, 3, 3, tzinfo=UTC).timestamp()


def test_ack_list_filters_and_paging(tmp_path):
    with AlertStore(tmp_path) as store:
        for n in range(5):
            store.save(alert(n, "Aurora" if n % 2 == 0 else "Nimbus"), (), None)
        acked = store.acknowledge("default", 2, "cli:ana")
        assert acked.acked_by == "cli:ana" and acked.acked_at is not None
        assert store.acknowledge("default", 2, "someone else").acked_by == "cli:ana"
        assert [a.id for a in store.alerts("default")] == [5, 4, 3, 2, 1]
        assert [a.id for a in store.alerts("default", topic="nimbus")] == [4, 2]
        assert [a.id for a in store.alerts("default", acknowledged=False)] == [5, 4, 3, 1]
        assert [a.id for a in store.alerts("default", limit=2, before_id=4)] == [3, 2]
        since = START + timedelta(hours=3)
        assert [a.id for a in store.alerts("default", since=since)] == [5, 4]
        subjects = store.recent_subjects(START)
        assert (1, "", START) in subjects
    page = list_alerts(tmp_path, "default", limit=1)
    assert page[0]["id"] == 5 and page[0]["window_start"] == "2026-03-02T10:00:00Z"
