"""The sign-in rate limit: failed sign-ins counted per (client address, user name) and per client
address over a sliding window; past the limit the form answers 429 with Retry-After.

IPv6 clients are counted per /64 network. Kept in the server's memory: it resets when the
server restarts, which is fine for slowing a password guesser down to a handful of tries per
quarter hour. Unknown user names count like wrong passwords, so the limit does not tell which
names exist. A try is counted when it starts (`begin`), so a burst of parallel guesses gets no
more tries than a slow one.
"""

from __future__ import annotations

import ipaddress
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
        with self._lock:
            return self._retry_after(address, user, self.clock())

    def _retry_after(self, address: str, user: str, now: float) -> int:
        keys = (
            (_user_key(address, user), self.per_user),
            (_address_key(address), self.per_address),
        )
        return max(self._wait(key, limit, now) for key, limit in keys)

    def begin(self, address: str, user: str) -> int:
        """Check and count a try in one step: 0 if it may go on (it is counted as a failure
        until `succeeded` takes it back), else the seconds to wait. Counting a try when it
        starts, not when its password proves wrong, keeps guesses sent all at once (argon2
        takes 0.1 s each) from all passing the check before any is counted."""
        with self._lock:
            wait = self._retry_after(address, user, self.clock())
            if not wait:
                self._record(address, user, self.clock())
        return wait

    def failed(self, address: str, user: str) -> None:
        with self._lock:
            self._record(address, user, self.clock())

    def _record(self, address: str, user: str, now: float) -> None:
        for key in (_user_key(address, user), _address_key(address)):
            times = self._failures.pop(key, None) or deque()
            times.append(now)
            self._failures[key] = times  # most recent last, for the eviction below
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, address: str, user: str, began: bool = False) -> None:
        """A good password clears that name's failures (not the address's); `began`: the try
        was counted by `begin`, so the address's count of it is taken back too."""
        with self._lock:
            self._failures.pop(_user_key(address, user), None)
            times = self._failures.get(_address_key(address)) if began else None
            if times:
                times.pop()

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
    return ("user", _network(address), user.strip().lower())


def _address_key(address: str) -> tuple[str, ...]:
    return ("address", _network(address))


def _network(address: str) -> str:
    """The client's address, or its /64 for IPv6: one host usually holds a whole /64 and could
    take a fresh address for every guess."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)
