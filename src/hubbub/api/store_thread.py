"""The store's one thread, where writes go before reads.

chdb sessions must not be used from two threads at once, so every store call of a server runs
on one thread (api/deps.py). With a plain FIFO the live pipeline's inserts wait behind every
dashboard query queued before them, and under a crowd of analysts ingestion starves (bench/load.py
stored nothing at 50 clients). Here a call submitted with `submit_first` (the pipeline's
filter_new and insert: short, and what keeps collection flowing) runs before the queued
reads; reads keep their arrival order among themselves.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

T = TypeVar("T")
WRITE, READ = 0, 1


class StoreExecutor(Executor):
    """A single-thread executor with two priorities (writes first)."""

    def __init__(self, name: str = "hubbub-store") -> None:
        self._queue: list[tuple[int, int, Future[Any], Callable[[], Any]]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._put(READ, lambda: fn(*args, **kwargs))

    def submit_first(self, fn: Callable[[], T]) -> Future[T]:
        """Run `fn` before every read already waiting (after the call running now)."""
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
                _, _, future, call = heapq.heappop(self._queue)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
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
