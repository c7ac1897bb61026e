"""The live pipeline end to end on an in-memory store: posts in, a signed webhook out;
back-pressure; a graceful stop that loses nothing; a restart that does not fire twice."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import orjson

from hubbub.alerts.channels import ChannelSettings
from hubbub.alerts.channels.webhook import verify
from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore
from hubbub.bus import SUBJECTS, MemoryBus
from hubbub.live.pipeline import LivePipeline, LiveSettings
from hubbub.live.stages import PercolateStage
from hubbub.live.store_access import TappedStore
from hubbub.live.watchlist import TopicMatcher
from hubbub.topics import Topic, TopicStore

from .conftest import posts

SETTINGS = LiveSettings(grace=0, reload_every=0, delivery_backoff=0.05)


def watch(home, **rule) -> None:  # type: ignore[no-untyped-def]
    with TopicStore(home) as topics:
        topics.add("default", Topic("Aurora", "aurora"), by="test")
        topics.add("default", Topic("Other", "nimbus"), by="test")
    with AlertStore(home) as alerts:
        alerts.add_rule(make_rule("Aurora", **rule), by="test")


def until(check, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_a_kol_post_reaches_a_signed_webhook(tmp_path, memory_store):
    watch(
        tmp_path,
        kind="kol_mention",
        params={"min_followers": 1000},
        channels=["webhook:https://hook.test/in"],
    )
    received: list[httpx.Request] = []
    calls = {"n": 0}

    def hook(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(500)  # the first attempt fails: it is retried
        received.append(request)
        return httpx.Response(204)

    channels = ChannelSettings(webhook_secret="k", transport=httpx.MockTransport(hook))
    pipeline = LivePipeline(tmp_path, memory_store, SETTINGS, channels, sources=False)
    pipeline.start()
    try:
        now = datetime.now(UTC)
        assert (
            pipeline.ingest(posts(3, now, timedelta(seconds=1), "k", handle="star", followers=5000))
            == 3
        )
        assert pipeline.ingest(posts(3, now, timedelta(seconds=1), "k")) == 0  # stored already
        assert until(lambda: received)
    finally:
        assert pipeline.stop()
    request = received[0]
    assert verify(
        "k",
        request.headers["X-Hubbub-Timestamp"],
        request.content,
        request.headers["X-Hubbub-Signature"],
    )
    body = orjson.loads(request.content)
    assert body["alerts"][0]["kind"] == "kol_mention" and "@star" in body["alerts"][0]["summary"]
    with AlertStore(tmp_path) as store:
        [stored] = store.alerts("default")
    assert stored.deliveries[0]["status"] == "delivered" and stored.deliveries[0]["attempts"] == 2


def test_graceful_stop_processes_every_batch(tmp_path, memory_store):
    watch(tmp_path, kind="volume_spike")
    pipeline = LivePipeline(tmp_path, memory_store, SETTINGS, sources=False)
    pipeline.start()
    start = datetime.now(UTC) - timedelta(minutes=5)
    for batch in range(40):
        pipeline.ingest(posts(25, start, timedelta(milliseconds=10), f"b{batch}-"))
    assert pipeline.stop()
    assert pipeline.percolate.posts == 1000 and memory_store.stored == 1000
    assert pipeline.bus.pending(SUBJECTS["stored"]) == 0


def test_a_burst_waits_for_room_and_nothing_is_dropped(memory_store):
    bus = MemoryBus(max_pending=2)
    store = TappedStore(memory_store, bus)
    start = datetime(2026, 3, 2, tzinfo=UTC)
    done = threading.Event()

    def burst() -> None:
        for batch in range(6):
            store.insert(posts(10, start, timedelta(seconds=1), f"s{batch}-"))
        done.set()

    threading.Thread(target=burst, daemon=True).start()
    assert not done.wait(0.3)  # collection is held back while percolation is not running
    assert bus.pending(SUBJECTS["stored"]) == 2
    stage = PercolateStage(bus, None, TopicMatcher([Topic("Aurora", "aurora")]))
    matched = bus.consumer(SUBJECTS["matched"], "alerts")
    seen: list[int] = []

    def alerts_stage() -> None:  # stands in for the alert stage: reads and acks
        while sum(seen) < 60:
            for message in matched.fetch(10, 0.1):
                seen.append(len(message.payload[0]))
                matched.ack(message)

    reader = threading.Thread(target=alerts_stage, daemon=True)
    stage.start()
    reader.start()
    try:
        assert done.wait(5)
        reader.join(5)
    finally:
        stage.stop()
    assert stage.posts == 60 and sum(seen) == 60 and bus.waits >= 1


def test_a_restart_remembers_what_it_fired(tmp_path, memory_store):
    watch(tmp_path, kind="kol_mention", params={"min_followers": 1000}, cooldown="1h")
    now = datetime.now(UTC)
    first = LivePipeline(tmp_path, memory_store, SETTINGS, sources=False)
    first.start()
    first.ingest(posts(1, now, timedelta(seconds=1), "a", handle="star", followers=9000))
    assert first.stop() and first.stored_alerts == 1
    second = LivePipeline(tmp_path, memory_store, SETTINGS, sources=False)
    second.start()
    second.ingest(
        posts(
            1, now + timedelta(seconds=5), timedelta(seconds=1), "b", handle="star", followers=9000
        )
    )
    second.ingest(posts(1, now, timedelta(seconds=1), "c", handle="rival", followers=9000))
    assert second.stop()
    assert second.stored_alerts == 1  # 'rival' only: 'star' is still in its cooldown
    with AlertStore(tmp_path) as store:
        assert len(store.alerts("default")) == 2


def test_a_batch_that_keeps_failing_is_retried_then_skipped_not_stalling(memory_store):
    bus = MemoryBus(max_pending=2)
    stage = PercolateStage(bus, None, TopicMatcher([Topic("Aurora", "aurora")]))
    tries = {"n": 0}
    real = stage.percolate

    def flaky(table):  # type: ignore[no-untyped-def]
        if table.num_rows == 1:
            tries["n"] += 1
            raise RuntimeError("a bug")
        real(table)

    stage.percolate = flaky  # type: ignore[method-assign]
    start = datetime(2026, 3, 2, tzinfo=UTC)
    bus.publish(SUBJECTS["stored"], posts(1, start, timedelta(seconds=1), "bad"))
    bus.publish(SUBJECTS["stored"], posts(3, start, timedelta(seconds=1), "good"))
    for _ in range(10):
        stage.step()
        if bus.pending(SUBJECTS["stored"]) == 0:
            break
    assert tries["n"] == 3 and stage.skipped == 1 and stage.posts == 3
    assert bus.pending(SUBJECTS["stored"]) == 0
