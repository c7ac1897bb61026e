"""The NATS JetStream bus beyond the shared contract (test_memory.py runs that on both buses):
payload encoding, redelivery when a consumer dies, workers sharing a durable, a server restart,
and the scaled-out stages wired through a real nats-server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hubbub.bus.codec import PayloadError, decode, encode
from hubbub.bus.nats_server import NatsServer
from hubbub.errors import ConfigError
from tests.bus.posts import posts_batch


def nats_bus(server: NatsServer, max_pending: int = 64, ack_wait: float = 5.0):  # type: ignore[no-untyped-def]
    from hubbub.bus.nats import NatsBus

    return NatsBus(server.url, max_pending, ack_wait)


# ---- payloads (no server needed) -----------------------------------------------------------
def test_tables_matched_rows_and_json_round_trip():
    table = posts_batch(0, 3)
    assert decode(encode(table)).equals(table)
    rows = table.to_pylist()
    matched = (rows[:2], [[("ws", "aurora")], [("ws", "aurora"), ("ws", "x5")]], 1.5)
    back_rows, back_matches, newest = decode(encode(matched))
    assert back_rows == rows[:2]  # timestamps, lists and nulls keep their types
    assert back_matches == matched[1] and isinstance(back_matches[0][0], tuple)
    assert newest == 1.5
    assert decode(encode(([], [], None))) == ([], [], None)
    assert decode(encode({"alert": 1, "rule": "spike"})) == {"alert": 1, "rule": "spike"}


def test_unknown_payloads_are_refused_with_a_reason():
    with pytest.raises(PayloadError, match="cannot send a object"):
        encode(object())
    with pytest.raises(PayloadError, match="unknown payload kind"):
        decode(b"Zgarbage")


def test_an_unreachable_server_is_a_one_line_config_error():
    pytest.importorskip("nats")
    from hubbub.bus.choose import open_bus
    from hubbub.bus.nats_server import free_port

    with pytest.raises(ConfigError, match="cannot reach NATS"):
        open_bus(f"nats://127.0.0.1:{free_port()}", 8)
    with pytest.raises(ConfigError, match="unknown bus"):
        open_bus("kafka://x", 8)


# ---- on a real server ------------------------------------------------------------------------
def test_messages_a_dead_consumer_never_acked_go_to_another(nats_server):
    dying, survivor = nats_bus(nats_server, ack_wait=1.0), nats_bus(nats_server, ack_wait=1.0)
    try:
        first = dying.consumer("t.work", "stage")
        for n in range(4):
            survivor.publish("t.work", n)
        taken = first.fetch(2, 1.0)
        assert [m.payload for m in taken] == [0, 1]
        dying.close()  # dies holding 0 and 1, unacked
        second = survivor.consumer("t.work", "stage")
        got: list[int] = []
        deadline = time.monotonic() + 10
        while len(got) < 4 and time.monotonic() < deadline:
            for message in second.fetch(4, 0.5):
                got.append(message.payload)
                second.ack(message)
        assert sorted(got) == [0, 1, 2, 3]  # nothing lost, each once
        assert survivor.pending("t.work") == 0 and second.acked_through == 4
    finally:
        dying.close()
        survivor.close()


def test_workers_sharing_a_durable_split_the_messages(nats_server):
    a_bus, b_bus = nats_bus(nats_server), nats_bus(nats_server)
    try:
        a, b = a_bus.consumer("t.split", "enrich"), b_bus.consumer("t.split", "enrich")
        for n in range(10):
            a_bus.publish("t.split", n)
        from_a = a.fetch(5, 1.0)
        from_b = b.fetch(10, 1.0)
        assert len(from_a) == 5 and len(from_b) == 5
        assert {m.payload for m in from_a}.isdisjoint({m.payload for m in from_b})
    finally:
        a_bus.close()
        b_bus.close()


def test_durable_positions_and_unacked_messages_survive_a_server_restart(nats_server):
    bus = nats_bus(nats_server)
    consumer = bus.consumer("t.restart", "stage")
    for n in range(5):
        bus.publish("t.restart", n)
    for message in consumer.fetch(2, 1.0):
        consumer.ack(message)
    bus.close()
    nats_server.stop()
    nats_server.start()
    bus = nats_bus(nats_server)
    try:
        consumer = bus.consumer("t.restart", "stage")
        assert consumer.acked_through == 2
        assert [m.payload for m in consumer.fetch(10, 1.0)] == [2, 3, 4]
        assert bus.publish("t.restart", 5) == 6  # the stream's sequence carries on
    finally:
        bus.close()


def test_pipeline_subjects_keep_messages_published_before_any_worker_started(nats_server):
    from hubbub.bus.base import SUBJECTS

    bus = nats_bus(nats_server)
    try:
        bus.publish(SUBJECTS["raw"], posts_batch(0, 2))  # no enrich worker yet
        assert bus.pending(SUBJECTS["raw"]) == 1
        worker = bus.consumer(SUBJECTS["raw"], "enrich")
        assert worker.fetch(1, 1.0)[0].payload.num_rows == 2
    finally:
        bus.close()


def test_raw_posts_go_through_enrich_and_write_stages_to_the_store_and_percolation(
    nats_server, tmp_path: Path
):
    """What `hubbub serve --bus nats://` wires: collection publishes raw rows, an enrich stage
    (a worker's) enriches them, the write stage stores the new ones and percolation sees them;
    a batch sent twice is stored once."""
    from hubbub.live.pipeline import LivePipeline
    from hubbub.live.scaleout import EnrichStage, RawPublisher
    from hubbub.store import open_store
    from hubbub.store.embedded import POSTS

    home = tmp_path / "home"
    home.mkdir()
    store = open_store(home)
    bus, worker_bus = nats_bus(nats_server), nats_bus(nats_server)
    pipeline = LivePipeline(home, store, bus=bus, sources=False, relay_raw=True)
    enrich = EnrichStage(worker_bus, ("language",))
    try:
        pipeline.start()
        enrich.start()
        publisher = RawPublisher(store, bus)
        publisher.insert(posts_batch(0, 30))
        publisher.insert(posts_batch(20, 30))  # 10 posts overlap: stored once
        deadline = time.monotonic() + 30
        while pipeline.percolate.posts < 50 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pipeline.percolate.posts == 50
        assert store.count() == 50
        assert pipeline.write is not None and pipeline.write.duplicates == 10
        langs = store.rows(f"SELECT DISTINCT lang FROM {POSTS}")
        assert [r["lang"] for r in langs] != [None]  # the enrich worker's language enricher ran
    finally:
        enrich.stop()
        pipeline.stop(10)
        worker_bus.close()
        store.close()


def test_a_batch_over_the_servers_max_payload_is_sent_in_parts(nats_server):
    import pyarrow as pa

    bus = nats_bus(nats_server)
    try:
        consumer = bus.consumer("t.big", "stage")
        big = posts_batch(0, 1500)
        big = big.set_column(
            big.schema.get_field_index("text"), "text", pa.array(["x" * 2000] * 1500)
        )  # ~3 MB: over the default 1 MB max_payload
        bus.publish("t.big", big)
        parts = consumer.fetch(64, 1.0)
        assert len(parts) > 1
        assert sum(m.payload.num_rows for m in parts) == 1500
        assert pa.concat_tables([m.payload for m in parts]).equals(big)
        with pytest.raises(PayloadError, match="max_payload"):
            bus.publish("t.big", {"blob": "y" * 2_000_000})
    finally:
        bus.close()
