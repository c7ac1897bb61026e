"""The store thread runs writes before waiting reads, one call at a time, on one thread."""

from __future__ import annotations

import threading

import pytest

from hubbub.api.store_thread import StoreExecutor


def test_writes_overtake_waiting_reads_and_reads_keep_their_order() -> None:
    executor = StoreExecutor()
    gate = threading.Event()
    order: list[str] = []
    threads: set[str] = set()

    def record(name: str) -> str:
        threads.add(threading.current_thread().name)
        order.append(name)
        return name

    busy = executor.submit(gate.wait)  # a long query holds the thread
    reads = [executor.submit(record, f"read{i}") for i in range(3)]
    write = executor.submit_first(lambda: record("write"))
    gate.set()
    assert busy.result(5) is True
    assert write.result(5) == "write" and [r.result(5) for r in reads] == [
        "read0",
        "read1",
        "read2",
    ]
    assert order == ["write", "read0", "read1", "read2"]
    assert threads == {"hubbub-store"}
    executor.shutdown()


def test_errors_reach_the_caller_and_shutdown_drains_then_refuses() -> None:
    executor = StoreExecutor()
    failing = executor.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result(5)
    last = executor.submit(lambda: "done")
    executor.shutdown(wait=True)
    assert last.result(0) == "done"
    with pytest.raises(RuntimeError, match="shut down"):
        executor.submit(lambda: None)
