"""The store's thread, where writes go before reads, and its readers.

Every store call that may write (imports, slice builds, opening and closing) runs alone on one
thread (api/deps.py). With a plain FIFO the live pipeline's inserts wait behind every
dashboard query queued before them, and under a crowd of analysts ingestion starves (bench/load.py
stored nothing at 50 clients). Here a call submitted with `submit_first` (the pipeline's
filter_new and insert: short, and what keeps collection flowing) runs before the queued
calls; the others keep their arrival order among themselves.

Dashboard figures are pure reads: `submit_read` runs them on READERS threads of their own, side
by side (chdb releases the GIL while a query runs, and one engine answers concurrent SELECTs:
a 4-thread stress of 600 mixed queries gave the single-thread answers). One query at a time left
a core idle under load (bench/load.py: server at 1.44 of 2 cores while calls queued for seconds).

The live pipeline's calls (`submit_first`: which keys are new, then the insert) run beside those
reads: ClickHouse makes an inserted part visible whole, a read sees a consistent set of parts,
and a figure computed across an insert is stale by the store's ChangeLog (its mark is taken
first). Every other call of the store thread (opening, closing, building topic slices, which
must see no write between a view's creation and its backfill) has the store alone: a gate lets
reads share it, and such a call waiting there stops new reads from starting. When live inserts
took the store alone too, each one waited for the longest read running and held every new
read meanwhile: stalls of a second under load (bench/load.py).
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
WRITE, READ = 0, 1
READERS = 4


class Gate:
    """Many readers or one holder; a holder waiting keeps new readers out (writer first)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._held = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._held or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._held or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._held = True
        try:
            yield
        finally:
            with self._cond:
                self._held = False
                self._cond.notify_all()


class StoreExecutor(Executor):
    """A single-thread executor with two priorities (writes first)."""

    def __init__(self, name: str = "hubbub-store", readers: int = READERS) -> None:
        self._gate = Gate()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix=f"{name}-read")
        self._queue: list[tuple[int, int, Future[Any], Callable[[], Any]]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._put(READ, lambda: fn(*args, **kwargs))

    def submit_read(self, fn: Callable[[], T]) -> Future[T]:
        """Run `fn`, which only reads, beside other reads (see the module's docstring)."""

        def shared() -> T:
            with self._gate.shared():
                return fn()

        return self._readers.submit(shared)

    def submit_first(self, fn: Callable[[], T]) -> Future[T]:
        """Run `fn` (a live write) before every call already waiting (after the call running
        now), beside the reads running."""
        return self._put(WRITE, fn)

    def _put(self, priority: int, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("the store thread is shut down")
            heapq.heappush(self._queue, (priority, next(self._order), future, call))
            self._ready.notify()
        return future

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    return  # closed and drained
                priority, _, future, call = heapq.heappop(self._queue)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                if priority == WRITE:
                    result = call()  # beside the reads (see the module's docstring)
                else:
                    with self._gate.alone():
                        result = call()
                future.set_result(result)
            except BaseException as exc:  # handed to the caller, as ThreadPoolExecutor does
                future.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._ready:
            self._closed = True
            if cancel_futures:
                for _, _, future, _ in self._queue:
                    future.cancel()
            self._ready.notify_all()
        if wait and threading.current_thread() is not self._thread:
            self._thread.join()
        self._readers.shutdown(wait=wait, cancel_futures=cancel_futures)
