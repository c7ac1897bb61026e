"""Sources on their schedule through the connectors' run_once: stored, published, cursor kept."""

from __future__ import annotations

from pathlib import Path

import httpx

from hubbub.bus import SUBJECTS, MemoryBus
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.cursors import StateStore
from hubbub.connectors.sources import add_source
from hubbub.live.scheduler import SourceScheduler
from hubbub.live.store_access import TappedStore

FEED = (Path(__file__).parents[1] / "data" / "connectors" / "feed_atom.xml").read_bytes()


class Clock:
    def __init__(self) -> None:
        self.now = 1_772_460_000.0

    def __call__(self) -> float:
        return self.now


def feed_scheduler(home: Path, store: object, enrichers: tuple[str, ...]) -> SourceScheduler:
    """A scheduler whose sources all get the Atom feed fixture."""
    options = {
        "transport": httpx.MockTransport(lambda r: httpx.Response(200, content=FEED)),
        "sleep": lambda s: None,
    }
    return SourceScheduler(
        home,
        TappedStore(store, MemoryBus()),
        enrichers=enrichers,
        clock=Clock(),
        connector_options=options,
    )


def test_a_source_runs_when_due_and_resumes_without_duplicates(tmp_path, memory_store):
    add_source(
        tmp_path,
        SourceConfig(
            "news", "rss", url="https://news.example/feed.atom", options={"interval": "2m"}
        ),
    )
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, content=FEED, headers={"ETag": '"v1"'})

    bus = MemoryBus()
    clock = Clock()
    options = {"transport": httpx.MockTransport(server), "sleep": lambda s: None}
    scheduler = SourceScheduler(
        tmp_path, TappedStore(memory_store, bus), clock=clock, connector_options=options
    )
    [result] = scheduler.run_due()
    assert result.ok and result.stored == memory_store.stored > 0
    assert bus.pending(SUBJECTS["stored"]) == 1
    state = StateStore(tmp_path).load("news")
    assert state.cursor and state.health.last_success_at
    assert scheduler.run_due() == []  # not due for another 2 minutes
    clock.now += 121
    # A restarted scheduler resumes from the committed cursor: nothing is stored twice.
    restarted = SourceScheduler(
        tmp_path, TappedStore(memory_store, bus), clock=clock, connector_options=options
    )
    [again] = restarted.run_due()
    assert again.ok and again.stored == 0 and bus.pending(SUBJECTS["stored"]) == 1
    assert requests[-1].headers.get("if-none-match") == '"v1"'  # the cursor was used


def test_the_near_duplicate_state_lives_across_runs_and_is_saved_by_the_scheduler(
    tmp_path, memory_store, monkeypatch
):
    """Runs share one stateful tail; its state is written by save_state, not by every run."""
    from hubbub.live import scheduler as module

    for name in ("a", "b"):
        add_source(tmp_path, SourceConfig(name, "rss", url=f"https://{name}.example/feed.atom"))
    built: list[object] = []
    real_tail = module.owner_tail
    monkeypatch.setattr(module, "owner_tail", lambda *a: built.append(1) or real_tail(*a))
    saved: list[Path] = []
    monkeypatch.setattr(module, "save_state", lambda tail, where: saved.append(where))
    scheduler = feed_scheduler(tmp_path, memory_store, ("dedup",))
    results = scheduler.run_due()
    assert [r.ok for r in results] == [True, True] and memory_store.stored > 0
    assert len(built) == 1 and saved == []  # one tail for both runs, nothing saved per run
    scheduler.save_state()
    assert saved == [tmp_path / "state"]
    scheduler.save_state()  # nothing new since: not written again
    assert len(saved) == 1


def test_new_posts_are_enriched_in_a_worker_process_then_by_the_stateful_tail(
    tmp_path, memory_store
):
    """The stateless enrichers run in the scheduler's worker process (models loaded once, at
    start), only on rows the store does not hold; the tail (dedup, flags) then runs here."""
    import os

    add_source(tmp_path, SourceConfig("news", "rss", url="https://news.example/feed.atom"))
    inserted: list[object] = []
    real_insert = memory_store.insert
    memory_store.insert = lambda table: inserted.append(table) or real_insert(table)
    scheduler = feed_scheduler(tmp_path, memory_store, ("language", "sentiment", "dedup", "flags"))
    scheduler.start()  # loads the models in the worker before the first run
    try:
        worker = scheduler._enrich._pool  # type: ignore[union-attr]
        assert worker is not None
        pids = {p.pid for p in worker._processes.values()}  # type: ignore[attr-defined]
        assert pids and os.getpid() not in pids
        for _ in range(300):  # the loop's first run, within 30 s
            if inserted:
                break
            scheduler._stop.wait(0.1)
    finally:
        scheduler.stop()
    table = inserted[0]
    rows = table.to_pylist()
    assert rows and all(r["lang"] for r in rows)
    assert all(r["sentiment"] in ("positive", "neutral", "negative") for r in rows)
    assert all(r["dup_cluster"] for r in rows)  # the tail ran after the worker's part
    assert scheduler._enrich._pool is None  # type: ignore[union-attr]  (closed with the scheduler)


def test_the_interval_counts_from_a_runs_start_so_a_source_behind_runs_again_at_once(
    tmp_path, memory_store
):
    add_source(
        tmp_path,
        SourceConfig(
            "news", "rss", url="https://news.example/feed.atom", options={"interval": "2m"}
        ),
    )
    clock = Clock()
    took = {"seconds": 0.0}

    def server(request: httpx.Request) -> httpx.Response:
        clock.now += took["seconds"]  # the run's collection takes this long
        return httpx.Response(200, content=FEED)

    options = {"transport": httpx.MockTransport(server), "sleep": lambda s: None}
    scheduler = SourceScheduler(
        tmp_path, TappedStore(memory_store, MemoryBus()), clock=clock, connector_options=options
    )
    took["seconds"] = 30.0
    assert len(scheduler.run_due()) == 1
    clock.now += 89  # 119 s after the start: not due yet
    assert scheduler.run_due() == [] and scheduler._soonest == clock.now + 1
    clock.now += 1
    took["seconds"] = 150.0  # longer than the interval: the source is behind
    assert len(scheduler.run_due()) == 1
    assert len(scheduler.run_due()) == 1  # due again as soon as it is done
    assert scheduler._soonest == clock.now - 150 + 120


def test_a_failing_source_waits_its_backoff_after_the_failed_run_ends(tmp_path, memory_store):
    add_source(
        tmp_path,
        SourceConfig(
            "news", "rss", url="https://news.example/feed.atom", options={"interval": "2m"}
        ),
    )
    clock = Clock()

    def server(request: httpx.Request) -> httpx.Response:
        clock.now += 300.0  # a slow failure
        return httpx.Response(400, content=b"bad request")

    options = {"transport": httpx.MockTransport(server), "sleep": lambda s: None}
    scheduler = SourceScheduler(
        tmp_path, TappedStore(memory_store, MemoryBus()), clock=clock, connector_options=options
    )
    [failed] = scheduler.run_due()
    assert not failed.ok
    assert scheduler._soonest == clock.now + 2 * 120  # 2x the interval, after it ended


def test_a_source_never_runs_more_than_once_a_second(tmp_path, memory_store):
    add_source(tmp_path, SourceConfig("news", "rss", url="https://news.example/feed.atom"))
    clock = Clock()
    options = {
        "transport": httpx.MockTransport(lambda r: httpx.Response(200, content=FEED)),
        "sleep": lambda s: None,
    }
    scheduler = SourceScheduler(
        tmp_path,
        TappedStore(memory_store, MemoryBus()),
        interval=0.0,
        clock=clock,
        connector_options=options,
    )
    assert len(scheduler.run_due()) == 1
    assert scheduler.run_due() == [] and scheduler._soonest == clock.now + 1.0
