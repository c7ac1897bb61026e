"""The deliverer: success, retries with backoff, a visible failure state, digests."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from hubbub.alerts.channels import ChannelSettings, DeliveryFailed
from hubbub.alerts.delivery import Deliverer
from hubbub.alerts.store import AlertStore, digest_due

from .test_store import alert


class FakeChannel:
    """Fails `failures[target]` times (retryable unless the target says "hard"), then works."""

    sent: ClassVar[list[tuple[str, list[dict[str, Any]], str | None]]] = []
    failures: ClassVar[dict[str, int]] = {}

    def __init__(self, spec: str, settings: ChannelSettings) -> None:
        self.spec = spec

    def send(self, alerts: list[dict[str, Any]], digest: str | None = None) -> None:
        left = self.failures.get(self.spec, 0)
        if left:
            self.failures[self.spec] = left - 1
            raise DeliveryFailed(f"{self.spec} said 500", retryable="hard" not in self.spec)
        self.sent.append((self.spec, alerts, digest))


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def deliverer(home, clock: Clock, attempts: int = 3) -> Deliverer:
    FakeChannel.sent = []
    return Deliverer(
        home, max_attempts=attempts, backoff=10, clock=clock, channel_factory=FakeChannel
    )


def statuses(home) -> list[tuple[str, str, int]]:
    with AlertStore(home) as store:
        return [
            (d["channel"], d["status"], d["attempts"])
            for a in store.alerts("default")
            for d in a.deliveries
        ]


def test_delivered_once_and_retried_with_backoff_until_failed(tmp_path):
    clock = Clock(2e9)
    with AlertStore(tmp_path) as store:
        store.save(alert(0), ("webhook:ok", "webhook:flaky", "webhook:dead"), None)
    FakeChannel.failures = {"webhook:flaky": 1, "webhook:dead": 99}
    sender = deliverer(tmp_path, clock)
    assert sender.run_due() == 3
    assert sorted(statuses(tmp_path)) == [
        ("webhook:dead", "pending", 1),
        ("webhook:flaky", "pending", 1),
        ("webhook:ok", "delivered", 1),
    ]
    assert sender.run_due() == 0  # nothing due before the backoff
    clock.now += 10  # first retry after 10 s
    assert sender.run_due() == 2
    clock.now += 40  # second retry after 4 × 10 s
    sender.run_due()
    final = dict((c, (s, n)) for c, s, n in statuses(tmp_path))
    assert final == {
        "webhook:ok": ("delivered", 1),
        "webhook:flaky": ("delivered", 2),
        "webhook:dead": ("failed", 3),
    }
    with AlertStore(tmp_path) as store:
        dead = next(d for d in store.get("default", 1).deliveries if d["channel"] == "webhook:dead")
    assert dead["last_error"] == "webhook:dead said 500"
    assert [spec for spec, _, _ in FakeChannel.sent] == ["webhook:ok", "webhook:flaky"]


def test_an_error_no_retry_can_fix_fails_at_once(tmp_path):
    with AlertStore(tmp_path) as store:
        store.save(alert(0), ("webhook:hard",), None)
    FakeChannel.failures = {"webhook:hard": 1}
    deliverer(tmp_path, Clock(2e9)).run_due()
    assert statuses(tmp_path) == [("webhook:hard", "failed", 1)]


def test_a_digest_goes_out_once_for_its_period(tmp_path):
    with AlertStore(tmp_path) as store:
        first = store.save(alert(0), ("slack:s",), "hourly")
        store.save(alert(0, rule_id=2), ("slack:s",), "hourly")
    assert first is not None
    due = digest_due(first.fired_at, "hourly")
    FakeChannel.failures = {}
    clock = Clock(due - 5)
    sender = deliverer(tmp_path, clock)
    assert sender.run_due() == 0
    clock.now = due
    assert sender.run_due() == 1
    spec, alerts, digest = FakeChannel.sent[0]
    assert spec == "slack:s" and digest == "hourly" and len(alerts) == 2
    assert {s for _, s, _ in statuses(tmp_path)} == {"delivered"}


def test_the_background_thread_delivers_when_woken(tmp_path):
    FakeChannel.failures = {}
    sender = deliverer(tmp_path, Clock(4e9))
    sender.start()
    try:
        with AlertStore(tmp_path) as store:
            store.save(alert(0), ("webhook:ok",), None)
        sender.wake()
        # A pass that meets a busy database is retried a second later: allow a few on a
        # loaded machine.
        for _ in range(300):
            if statuses(tmp_path) == [("webhook:ok", "delivered", 1)]:
                break
            time.sleep(0.05)
    finally:
        sender.stop()
    assert statuses(tmp_path) == [("webhook:ok", "delivered", 1)]
