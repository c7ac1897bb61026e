"""`hubbub worker` processes on a real nats-server, killed mid-stream (SIGKILL): the batches
they held are delivered again to the next worker, and the store ends with every post once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubbub.bus.base import SUBJECTS
from tests.bus.posts import posts_batch

pytestmark = pytest.mark.slow
BATCHES, PER_BATCH = 40, 25


class Workers:
    """Spawns `hubbub worker` subprocesses sharing one environment; kills what is left."""

    def __init__(self, server_url: str, home: Path) -> None:
        self.url = server_url
        self.env = dict(
            os.environ,
            HUBBUB_HOME=str(home),
            HUBBUB_BUS_ACK_WAIT="2",
            HUBBUB_LIVE_MAX_PENDING="128",
            HUBBUB_ENRICHERS="language",
        )
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, role: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-c", "from hubbub.cli.main import run; run()"]
        process = subprocess.Popen(
            [*command, "worker", "--role", role, "--bus", self.url],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> str:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
        return err.decode()

    def close(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.fixture
def workers(nats_server, tmp_path: Path) -> Iterator[Workers]:
    spawned = Workers(nats_server.url, tmp_path / "home")
    yield spawned
    spawned.close()


def publish_slowly(bus, subject: str) -> threading.Thread:  # type: ignore[no-untyped-def]
    def run() -> None:
        for n in range(BATCHES):
            bus.publish(subject, posts_batch(n * PER_BATCH, PER_BATCH))
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_an_enrich_worker_killed_mid_stream_loses_and_duplicates_nothing(
    nats_server, workers: Workers, tmp_path: Path
):
    from hubbub.bus.nats import NatsBus
    from hubbub.live.scaleout import WriteStage
    from hubbub.store import open_store

    bus = NatsBus(nats_server.url, 128, ack_wait=2.0)
    store = open_store(tmp_path / "store-home")
    writer = WriteStage(bus, store, (), None)
    try:
        doomed = workers.start("enrich")
        enrich_position = bus.consumer(SUBJECTS["raw"], "enrich")
        writer.start()
        publisher = publish_slowly(bus, SUBJECTS["raw"])
        wait_for(lambda: enrich_position.acked_through >= 8, 60, "the first worker's progress")
        doomed.kill()  # SIGKILL: the batches it fetched are never acked
        doomed.wait(10)
        assert enrich_position.acked_through < BATCHES  # it died mid-stream
        survivor = workers.start("enrich")
        publisher.join(60)
        wait_for(lambda: writer.stored >= BATCHES * PER_BATCH, 90, "every post stored")
        wait_for(lambda: bus.pending(SUBJECTS["raw"]) == 0, 30, "the raw stream to drain")
        writer.stop()
        assert writer.stored == BATCHES * PER_BATCH
        assert store.count() == BATCHES * PER_BATCH  # each post once, none missing
        assert "enrich worker:" in workers.stop(survivor)
    finally:
        writer.stop()
        bus.close()
        store.close()


def test_a_write_worker_killed_mid_stream_leaves_every_post_stored_once(
    nats_server, workers: Workers, tmp_path: Path
):
    from hubbub.bus.nats import NatsBus
    from hubbub.store import open_store
    from hubbub.store.embedded import POSTS

    bus = NatsBus(nats_server.url, 128, ack_wait=2.0)
    try:
        doomed = workers.start("write")
        write_position = bus.consumer(SUBJECTS["enriched"], "write")
        publisher = publish_slowly(bus, SUBJECTS["enriched"])
        wait_for(lambda: write_position.acked_through >= 8, 60, "the first writer's progress")
        doomed.kill()  # dies holding batches, some perhaps stored but never acked
        doomed.wait(10)
        assert write_position.acked_through < BATCHES  # it died mid-stream
        survivor = workers.start("write")
        publisher.join(60)
        wait_for(lambda: bus.pending(SUBJECTS["enriched"]) == 0, 90, "every batch written")
        workers.stop(survivor)
    finally:
        bus.close()
    with open_store(tmp_path / "home") as store:
        assert store.count() == BATCHES * PER_BATCH
        keys = store.scalar(f"SELECT uniqExact(platform, platform_id) FROM {POSTS}")
        assert int(keys) == BATCHES * PER_BATCH
