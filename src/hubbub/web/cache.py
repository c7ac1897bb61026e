"""A short-lived cache of dashboard figures, so reopening or sharing a view does not queue the
same analyses on the store's single thread again.

A figure is kept for `TTL_SECONDS` under everything it depends on: the workspace, the topic and
its version (editing a topic changes the key), the panel, the view's filters and the language
of its labels. Posts that arrive in the meantime show up when the entry expires, so a figure is
at most a minute old. The cache lives in the server process; each entry is a small JSON-ready
dict, and at most `MAX_ENTRIES` are kept (least recently used dropped first).

An entry may carry a `stamp` (what it was computed from); past its TTL, `get` keeps serving it
while `still_valid(stamp)` says nothing it depends on has changed (the API passes a check
against the store's ChangeLog, hubbub.store.changes).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

TTL_SECONDS = 60.0
MAX_ENTRIES = 512


class FigureCache:
    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, still_valid: Callable[[Any], bool] | None = None) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            stored_at, value, stamp = found
        expired = time.monotonic() - stored_at > self.ttl
        # Checked outside the lock: `still_valid` takes the change log's own lock.
        if expired and (still_valid is None or stamp is None or not still_valid(stamp)):
            with self._lock:
                if self._entries.get(key) is found:
                    del self._entries[key]
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any, stamp: Any = None) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value, stamp)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
