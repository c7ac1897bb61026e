"""The bus contract, on every bus (conftest.make_bus: embedded and NATS JetStream): order, acks
and redelivery, durable positions, bounded back-pressure."""

from __future__ import annotations

import threading
import time

import pytest

from hubbub.bus import BusClosed, MemoryBus


def test_messages_come_in_order_and_leave_once_acked(make_bus):
    bus = make_bus()
    consumer = bus.consumer("s", "stage")
    for n in range(3):
        assert bus.publish("s", n) == n + 1
    got = consumer.fetch(10, 0.1)
    assert [m.payload for m in got] == [0, 1, 2]
    assert bus.pending("s") == 3
    consumer.ack(got[1])
    assert consumer.acked_through == 0  # 1 is not acked: the position stops before it
    consumer.ack(got[0])
    assert consumer.acked_through == 2 and bus.pending("s") == 1
    consumer.ack(got[0])  # acks are idempotent
    assert consumer.fetch(10, 0.01) == []


def test_nak_redelivers_and_counts_deliveries(make_bus):
    bus = make_bus()
    consumer = bus.consumer("s", "stage")
    bus.publish("s", "x")
    first = consumer.fetch(1, 0.1)[0]
    consumer.nak(first)
    again = consumer.fetch(1, 0.1)[0]
    assert again.payload == "x" and again.deliveries == 2


def test_every_durable_sees_every_message(make_bus):
    bus = make_bus()
    a, b = bus.consumer("s", "a"), bus.consumer("s", "b")
    bus.publish("s", 1)
    message = a.fetch(1, 0.1)[0]
    a.ack(message)
    assert bus.pending("s") == 1  # b has not acked it yet
    b.ack(b.fetch(1, 0.1)[0])
    assert bus.pending("s") == 0


def test_a_full_stream_makes_the_publisher_wait_not_drop(make_bus):
    bus = make_bus(max_pending=2)
    consumer = bus.consumer("s", "slow")
    bus.publish("s", 1)
    bus.publish("s", 2)
    with pytest.raises(TimeoutError):
        bus.publish("s", 3, timeout=0.05)
    done = threading.Event()

    def publisher() -> None:
        bus.publish("s", 3)
        done.set()

    threading.Thread(target=publisher, daemon=True).start()
    time.sleep(0.05)
    assert not done.is_set()  # still waiting for room
    for message in consumer.fetch(2, 0.1):
        consumer.ack(message)
    assert done.wait(2)
    assert [m.payload for m in consumer.fetch(5, 0.1)] == [3]
    assert bus.waits >= 1


def test_close_wakes_a_waiting_publisher_and_drain_waits_for_acks(make_bus):
    bus = make_bus(max_pending=1)
    consumer = bus.consumer("s", "c")
    bus.publish("s", 1)
    assert not bus.wait_drained("s", 0.05)
    consumer.ack(consumer.fetch(1, 0.1)[0])
    assert bus.wait_drained("s", 0.05)
    bus.publish("s", 2)
    errors: list[BaseException] = []

    def publisher() -> None:
        try:
            bus.publish("s", 3)
        except BusClosed as exc:
            errors.append(exc)

    thread = threading.Thread(target=publisher)
    thread.start()
    time.sleep(0.05)
    bus.close()
    thread.join(2)
    assert errors and isinstance(errors[0], BusClosed)


def test_max_pending_must_be_positive():
    with pytest.raises(ValueError):
        MemoryBus(max_pending=0)
