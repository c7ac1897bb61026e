"""Which time ranges of posts were written since a moment, so a cached figure can outlive its TTL.

A figure over a window that no write has touched since it was computed is still exact: the
analysts of a team reopen last week's dashboard all day while the live pipeline only adds
posts of the last minutes. Each insert into posts is noted here with the smallest and largest
`created_at` it stored; a cache entry keeps the sequence number taken *before* its figure was
computed, and `touched(mark, lo, hi)` says whether any later write reached [lo, hi). A change
that is not an insert (a mutation, a restore) calls `touch_all`, after which nothing from
before counts as valid.

Only the last `KEEP` writes are remembered; a mark older than those counts as touched, so a
forgotten write can never leave a stale entry valid. Per UTC day the log also keeps the last
write that reached it (`day_touched`, for hubbub.analytics.daily's per-day partials), which
never forgets, and the extent of every post noted (`extent`). Held in memory by the process
that owns the store, and thread-safe. A store other processes also write to (a ClickHouse
server, fed by `hubbub worker` processes) keeps a log made with `others_write=True`: it cannot
see their writes, so every window counts as touched and a cached figure lives its TTL only.
"""

from __future__ import annotations

import threading
from collections import deque

import pyarrow as pa
import pyarrow.compute as pc

KEEP = 4096
DAY_MS = 86_400_000
# A write spanning more days than this (an import of years) counts as touching every day, so
# noting it never loops over a huge range.
MAX_NOTED_DAYS = 3660
EVERYTHING = (-(2**63), 2**63 - 1)  # a write that counts for every window


class ChangeLog:
    def __init__(self, keep: int = KEEP, *, others_write: bool = False) -> None:
        self.others_write = others_write
        self._writes: deque[tuple[int, int, int]] = deque(maxlen=keep)  # (seq, lo ms, hi ms)
        self._seq = 0
        self._day_seq: dict[int, int] = {}  # UTC day (days since 1970) -> last write reaching it
        self._all_seq = 0  # the last write that counts for every day
        self._extent: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def mark(self) -> int:
        """The sequence number of the last write noted: take it before computing a figure."""
        with self._lock:
            return self._seq

    def note(self, lo_ms: int, hi_ms: int) -> None:
        """A write of posts created between lo_ms and hi_ms (inclusive, Unix milliseconds)."""
        with self._lock:
            self._seq += 1
            self._writes.append((self._seq, lo_ms, hi_ms))
            first, last = lo_ms // DAY_MS, hi_ms // DAY_MS
            if (lo_ms, hi_ms) == EVERYTHING or last - first > MAX_NOTED_DAYS:
                self._all_seq = self._seq
            else:
                for day in range(first, last + 1):
                    self._day_seq[day] = self._seq
            if (lo_ms, hi_ms) != EVERYTHING:
                old = self._extent
                self._extent = (
                    (lo_ms, hi_ms) if old is None else (min(old[0], lo_ms), max(old[1], hi_ms))
                )

    def note_table(self, table: pa.Table) -> None:
        """A write of these rows (their `created_at` column); nothing for an empty table."""
        if table.num_rows == 0:
            return
        column = table.column("created_at")
        if column.null_count:  # not stored so, but then no bound can be trusted
            self.touch_all()
            return
        bounds = pc.min_max(column.cast(pa.timestamp("ms", tz="UTC")).cast(pa.int64()))
        self.note(int(bounds["min"].as_py()), int(bounds["max"].as_py()))

    def touch_all(self) -> None:
        self.note(*EVERYTHING)

    def day_touched(self, mark: int, day: int) -> bool:
        """Whether a write after `mark` stored a post created on UTC `day` (days since 1970)."""
        if self.others_write:
            return True
        with self._lock:
            return max(self._all_seq, self._day_seq.get(day, 0)) > mark

    def extent(self) -> tuple[int, int] | None:
        """The smallest and largest created_at (ms) of every post noted, None before any."""
        with self._lock:
            return self._extent

    def touched(self, mark: int, lo_ms: int | None = None, hi_ms: int | None = None) -> bool:
        """Whether a write after `mark` stored a post created in [lo_ms, hi_ms) (None: open)."""
        if self.others_write:
            return True
        low = EVERYTHING[0] if lo_ms is None else lo_ms
        high = EVERYTHING[1] if hi_ms is None else hi_ms
        with self._lock:
            if mark == self._seq:
                return False
            if not self._writes or self._writes[0][0] > mark + 1:
                return True  # some writes after `mark` are forgotten
            for seq, first, last in reversed(self._writes):
                if seq <= mark:
                    return False
                if first < high and last >= low:
                    return True
        return False
