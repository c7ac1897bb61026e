"""The change log says whether a write after a mark reached a window of created_at."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from hubbub.store.changes import ChangeLog

DAY = 86_400_000


def test_a_write_counts_only_for_windows_it_reaches() -> None:
    log = ChangeLog()
    mark = log.mark()
    assert not log.touched(mark, 0, 10 * DAY)
    log.note(20 * DAY, 21 * DAY)
    assert not log.touched(mark, 0, 10 * DAY)  # before the write's posts
    assert not log.touched(mark, 22 * DAY, 30 * DAY)  # after them
    assert log.touched(mark, 0, 20 * DAY + 1)  # reaches its first post
    assert not log.touched(mark, 0, 20 * DAY)  # until is exclusive
    assert log.touched(mark, 21 * DAY, None)  # since is inclusive
    assert log.touched(mark, None, None)
    assert not log.touched(log.mark(), None, None)  # a mark taken after it


def test_touch_all_and_forgotten_writes_count_for_every_window() -> None:
    log = ChangeLog(keep=2)
    mark = log.mark()
    log.touch_all()
    assert log.touched(mark, 0, DAY)
    old = log.mark()
    for day in (50, 51, 52):  # three writes, two remembered: the first is forgotten
        log.note(day * DAY, day * DAY)
    assert log.touched(old, 0, DAY)  # may have been the forgotten one: not trusted
    recent = log.mark() - 2
    assert not log.touched(recent, 0, DAY)


def test_note_table_takes_the_bounds_of_created_at() -> None:
    log = ChangeLog()
    mark = log.mark()
    log.note_table(pa.table({"created_at": pa.array([], pa.timestamp("ms", tz="UTC"))}))
    assert log.mark() == mark  # nothing written, nothing noted
    times = [datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 3, 12, tzinfo=UTC)]
    log.note_table(pa.table({"created_at": pa.array(times, pa.timestamp("ms", tz="UTC"))}))
    ms = [int(t.timestamp() * 1000) for t in times]
    assert log.touched(mark, ms[1], ms[1] + 1)
    assert log.touched(mark, ms[0], None)
    assert not log.touched(mark, None, ms[1])
    assert not log.touched(mark, ms[0] + 1, None)


def test_a_store_others_also_write_to_counts_every_window_as_touched(store) -> None:
    """A server store's writes come from other processes too (hubbub worker): this process
    cannot vouch for any window, so cached figures live their TTL only."""
    mark = store.changes.mark()
    expected = type(store).__name__ == "ServerStore"
    assert store.changes.touched(mark, 0, DAY) is expected
    assert ChangeLog(others_write=True).touched(0, 0, DAY)
