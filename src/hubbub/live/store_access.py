"""The one store of the process, shared with the API: every call runs on the store's thread.

chdb sessions must not be used from two threads at once (api/deps.py), so the live pipeline
never touches the store directly: `StoreOnThread` forwards each call to the API's single store
executor. `TappedStore` also publishes each batch of newly stored rows on the bus, after the
insert, which is where percolation picks posts up.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import pyarrow as pa

from hubbub.bus.base import SUBJECTS, Bus


class StoreOnThread:
    """The methods the Importer uses, each run on `executor` (the API's store thread)."""

    def __init__(self, get_store: Callable[[], Any], executor: Executor) -> None:
        self._get_store = get_store
        self._executor = executor

    def call(self, method: str, *args: Any) -> Any:
        def work() -> Any:
            return getattr(self._get_store(), method)(*args)

        # Writes go before the queued dashboard reads (api/store_thread.py) so ingestion keeps
        # up while analysts query; a plain executor runs them in arrival order.
        first = getattr(self._executor, "submit_first", None)
        return (first(work) if first else self._executor.submit(work)).result()

    def filter_new(self, table: pa.Table) -> tuple[pa.Table, list[int], int]:
        return self.call("filter_new", table)  # type: ignore[no-any-return]

    def insert(self, table: pa.Table) -> None:
        self.call("insert", table)

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.call("rows", sql, params)  # type: ignore[no-any-return]


class TappedStore:
    """A store whose inserts are also published on `hubbub.posts.stored` (blocking when the
    stream is full: that is how a burst slows collection instead of dropping posts)."""

    def __init__(self, store: Any, bus: Bus) -> None:
        self.inner = store
        self._bus = bus

    def filter_new(self, table: pa.Table) -> tuple[pa.Table, list[int], int]:
        return self.inner.filter_new(table)  # type: ignore[no-any-return]

    def insert(self, table: pa.Table) -> None:
        self.inner.insert(table)
        if table.num_rows:
            self._bus.publish(SUBJECTS["stored"], table)
