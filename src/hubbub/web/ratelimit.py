"""The sign-in rate limit: failed sign-ins counted per (client address, user name) and per client
address over a sliding window; past the limit the form answers 429 with Retry-After.

Kept in the server's memory: it resets when the server restarts, which is fine for slowing a
password guesser down to a handful of tries per quarter hour. Unknown user names count like
wrong passwords, so the limit does not tell which names exist.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

PER_USER = 5  # failures per (address, user name) in the window
PER_ADDRESS = 20  # failures per address, whatever the names
WINDOW = 15 * 60.0
# Bounds the memory an attacker can make us use by trying many names from many addresses.
MAX_KEYS = 50_000


class LoginLimiter:
    def __init__(
        self,
        per_user: int = PER_USER,
        per_address: int = PER_ADDRESS,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[tuple[str, ...], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, address: str, user: str) -> int:
        """0 if a sign-in may be tried now, else the seconds to wait."""
        now = self.clock()
        with self._lock:
            waits = [
                self._wait(key, limit, now)
                for key, limit in (
                    (_user_key(address, user), self.per_user),
                    (("address", address), self.per_address),
                )
            ]
        return max(waits)

    def failed(self, address: str, user: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (_user_key(address, user), ("address", address)):
                times = self._failures.pop(key, None) or deque()
                times.append(now)
                self._failures[key] = times  # most recent last, for the eviction below
            while len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, address: str, user: str) -> None:
        """A good password clears that name's failures (not the address's)."""
        with self._lock:
            self._failures.pop(_user_key(address, user), None)

    def _wait(self, key: tuple[str, ...], limit: int, now: float) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        if len(times) < limit:
            return 0
        # Allowed again when the oldest failure that keeps the count at the limit leaves.
        return max(1, math.ceil(times[-limit] + self.window - now))


def _user_key(address: str, user: str) -> tuple[str, ...]:
    return ("user", address, user.strip().lower())
