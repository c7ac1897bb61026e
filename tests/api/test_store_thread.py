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


def test_reads_run_side_by_side_but_never_beside_a_call_of_the_store_thread() -> None:
    executor = StoreExecutor()
    both_in = threading.Barrier(2, timeout=5)
    log: list[str] = []
    lock = threading.Lock()
    inside = {"reads": 0, "alone": 0, "overlap": False}

    def enter(kind: str) -> None:
        with lock:
            inside[kind] += 1
            if inside["alone"] and (inside["reads"] or inside["alone"] > 1):
                inside["overlap"] = True

    def leave(kind: str) -> None:
        with lock:
            inside[kind] -= 1

    def read(name: str, meet: bool) -> str:
        enter("reads")
        if meet:
            both_in.wait()  # only returns if two reads are inside at once
        log.append(name)
        leave("reads")
        return name

    first = [executor.submit_read(lambda n=n: read(n, True)) for n in ("r1", "r2")]
    assert sorted(f.result(5) for f in first) == ["r1", "r2"]

    release = threading.Event()

    def slow_read() -> str:
        enter("reads")
        release.wait(5)
        leave("reads")
        return "slow"

    def write() -> str:
        enter("alone")
        leave("alone")
        return "write"

    running = executor.submit_read(slow_read)
    while not inside["reads"]:
        threading.Event().wait(0.01)
    waiting_write = executor.submit(write)  # a slice build, say: it needs the store alone
    while not executor._gate._waiting:  # the store thread waits at the gate for the read
        threading.Event().wait(0.01)
    later_read = executor.submit_read(lambda: read("r3", False))
    threading.Event().wait(0.2)
    assert not waiting_write.done() and not later_read.done()  # the write waits, and blocks reads
    release.set()
    assert running.result(5) == "slow" and waiting_write.result(5) == "write"
    assert later_read.result(5) == "r3"
    assert not inside["overlap"]
    executor.shutdown()


def test_a_live_write_runs_beside_a_read_in_progress() -> None:
    executor = StoreExecutor()
    release = threading.Event()
    started = threading.Event()

    def slow_read() -> str:
        started.set()
        release.wait(5)
        return "read"

    running = executor.submit_read(slow_read)
    assert started.wait(5)
    # Inserts need not wait for the read: ClickHouse shows a part whole or not at all.
    assert executor.submit_first(lambda: "insert").result(5) == "insert"
    assert not running.done()
    release.set()
    assert running.result(5) == "read"
    executor.shutdown()
