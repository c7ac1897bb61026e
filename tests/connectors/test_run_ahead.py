"""run_once with a background enricher: a group is enriched while the next is fetched, and
still stored before its cursor is committed, in order, each post once."""

import pyarrow as pa
import pytest

from hubbub.connectors.base import Page
from hubbub.connectors.cursors import StateStore
from hubbub.connectors.importers.pipeline import Importer
from hubbub.connectors.run import run_once
from hubbub.errors import StoreError
from tests.connectors.test_run import Scripted, items


def ids(table: pa.Table) -> list[str]:
    return table.column("platform_id").to_pylist()


class InProcessAhead:
    """A background enricher that runs nothing in the background: it logs what it is asked,
    and `finish` marks the rows it returns (the stored rows must carry the mark)."""

    def __init__(self, log: list) -> None:
        self.log = log

    def submit(self, table: pa.Table) -> pa.Table:
        self.log.append(("submit", ids(table)))
        return table

    def finish(self, job: pa.Table, errors: list[str], keep: list[int] | None) -> pa.Table:
        table = job if keep is None else job.take(pa.array(keep, pa.int64()))
        self.log.append(("finish", ids(table)))
        column = table.schema.get_field_index("keyphrases")
        marked = pa.array([["enriched"]] * table.num_rows, table.schema.field(column).type)
        return table.set_column(column, table.schema.field(column), marked)

    def cancel(self, job: pa.Table | None) -> None:
        self.log.append(("cancel", ids(job) if job is not None else []))


@pytest.fixture
def log(store, monkeypatch):  # type: ignore[no-untyped-def]
    """Every insert and cursor commit, in order, beside the enricher's calls."""
    events: list = []
    insert = store.insert

    def logged_insert(table):  # type: ignore[no-untyped-def]
        events.append(("insert", ids(table)))
        insert(table)

    monkeypatch.setattr(store, "insert", logged_insert)
    save = StateStore.save

    def logged_save(self, source, state):  # type: ignore[no-untyped-def]
        if state.cursor and (not events or events[-1] != ("commit", state.cursor)):
            events.append(("commit", dict(state.cursor)))
        save(self, source, state)

    monkeypatch.setattr(StateStore, "save", logged_save)
    monkeypatch.setattr("hubbub.connectors.run.STORE_EVERY_ITEMS", 1)  # a group per page
    return events


def ahead_importer(store, tmp_path, log):  # type: ignore[no-untyped-def]
    return Importer(store, tmp_path, owner_pipeline=InProcessAhead(log))


def test_each_group_is_enriched_while_the_next_is_fetched_and_committed_after_it_is_stored(
    store, tmp_path, states, log
):
    pages = [Page(items(1, 2), {"n": 2}), Page(items(3), {"n": 3}), Page(items(4), {"n": 4})]
    with ahead_importer(store, tmp_path, log) as importer:
        result = run_once(Scripted(pages), importer, states)
    assert log == [
        ("submit", ["1", "2"]),
        ("submit", ["3"]),
        ("finish", ["1", "2"]),
        ("insert", ["1", "2"]),
        ("commit", {"n": 2}),
        ("submit", ["4"]),
        ("finish", ["3"]),
        ("insert", ["3"]),
        ("commit", {"n": 3}),
        ("finish", ["4"]),
        ("insert", ["4"]),
        ("commit", {"n": 4}),
    ]
    assert (result.stored, result.duplicates, store.count()) == (4, 0, 4)
    stored = store.rows("SELECT DISTINCT keyphrases FROM hubbub.posts")
    assert [row["keyphrases"] for row in stored] == [["enriched"]]


def test_a_post_in_two_groups_in_flight_together_is_stored_once(store, tmp_path, states, log):
    # Group 2's key check runs before group 1 is stored: it cannot see post 2 in the store.
    pages = [Page(items(1, 2), {"n": 2}), Page(items(2, 3), {"n": 3})]
    with ahead_importer(store, tmp_path, log) as importer:
        result = run_once(Scripted(pages), importer, states)
    assert ("submit", ["2", "3"]) in log and ("finish", ["3"]) in log
    assert (result.stored, result.duplicates, store.count()) == (3, 1, 3)
    assert importer.summary.imported == 3


@pytest.mark.parametrize("caught_inside", [False, True])
def test_a_failed_insert_leaves_the_cursor_before_it_and_a_rerun_stores_the_rest_once(
    store, tmp_path, states, log, monkeypatch, caught_inside
):
    pages = [Page(items(1), {"n": 1}), Page(items(2), {"n": 2}), Page(items(3), {"n": 3})]
    insert = store.insert

    def full_disk_on_post_2(table):  # type: ignore[no-untyped-def]
        if "2" in ids(table):
            raise StoreError("the disk is full")
        insert(table)

    monkeypatch.setattr(store, "insert", full_disk_on_post_2)
    if caught_inside:  # as the live scheduler does: the importer then closes normally
        with ahead_importer(store, tmp_path, log) as importer, pytest.raises(StoreError):
            run_once(Scripted(pages), importer, states)
    else:
        with pytest.raises(StoreError), ahead_importer(store, tmp_path, log) as importer:
            run_once(Scripted(pages), importer, states)
    assert ("cancel", ["3"]) in log  # group 3 was being enriched: dropped, not committed
    assert states.load("s").cursor == {"n": 1} and store.count() == 1
    monkeypatch.setattr(store, "insert", insert)
    rerun = Scripted(pages[1:])
    with ahead_importer(store, tmp_path, log) as importer:
        result = run_once(rerun, importer, states)
    assert rerun.cursors_seen == [{"n": 1}]
    assert (result.stored, store.count()) == (2, 3)
    assert states.load("s").cursor == {"n": 3}
