"""run_once: store before commit (a crash re-fetches, never loses), health, cursor files."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hubbub.connectors.base import Connector, Page, SourceConfig
from hubbub.connectors.cursors import Health, SourceState, StateStore
from hubbub.connectors.run import run_once
from hubbub.errors import ConfigError, SourceTerminal
from hubbub.models import Post, parse_time


class Scripted(Connector):
    """Yields the pages it is given, then raises `fail` if set."""

    type = "scripted"
    platform = "test"
    archive_name = "scripted"
    default_base_url = "https://unused.example"

    def __init__(self, pages, fail=None):  # type: ignore[no-untyped-def]
        super().__init__(SourceConfig("s", "scripted"), env={})
        self.pages, self.fail, self.cursors_seen = pages, fail, []

    def fetch(self, cursor, since=None) -> Iterator[Page]:  # type: ignore[no-untyped-def]
        self.cursors_seen.append(cursor)
        yield from self.pages
        if self.fail:
            raise self.fail

    @staticmethod
    def map(raw):  # type: ignore[no-untyped-def]
        return Post("test", str(raw["id"]), parse_time(raw["t"]), text="hello")


def items(*ids: int) -> list[dict]:
    return [{"id": i, "t": f"2026-03-02T1{i % 10}:00:00Z"} for i in ids]


def test_cursor_moves_only_after_the_page_is_stored(importer, states, monkeypatch, store):
    monkeypatch.setattr("hubbub.connectors.run.STORE_EVERY_ITEMS", 1)  # a write per page
    pages = [Page(items(1, 2), {"n": 2}), Page(items(3), {"n": 3})]
    saved = []
    original = StateStore.save

    def crash_on_second_commit(self, source, state):  # type: ignore[no-untyped-def]
        saved.append(dict(state.cursor))
        if state.cursor == {"n": 3}:
            raise OSError("disk full")  # the process dies between store and commit
        original(self, source, state)

    monkeypatch.setattr(StateStore, "save", crash_on_second_commit)
    with pytest.raises(OSError):
        run_once(Scripted(pages), importer, states)
    monkeypatch.setattr(StateStore, "save", original)
    assert states.load("s").cursor == {"n": 2} and store.count() == 3
    # The restart re-fetches page 2 from cursor n=2: nothing lost, nothing twice.
    rerun = Scripted([Page(items(3), {"n": 3})])
    result = run_once(rerun, importer, states)
    assert rerun.cursors_seen == [{"n": 2}]
    assert (result.stored, result.duplicates) == (0, 1) and store.count() == 3
    assert states.load("s").cursor == {"n": 3}


def test_a_runs_pages_are_stored_in_one_write_then_the_last_cursor_committed(
    importer, states, monkeypatch, store
):
    writes: list[int] = []
    stored = importer.import_items

    def counted(name, page_items, map_item, label):  # type: ignore[no-untyped-def]
        writes.append(len(page_items))
        assert label == "s page 1-3"  # rejects name the pages they came from
        return stored(name, page_items, map_item, label)

    monkeypatch.setattr(importer, "import_items", counted)
    saved: list[dict] = []
    original = StateStore.save

    def record(self, source, state):  # type: ignore[no-untyped-def]
        saved.append(dict(state.cursor))
        original(self, source, state)

    monkeypatch.setattr(StateStore, "save", record)
    pages = [Page(items(41, 42), {"n": 1}), Page([], {"n": 2}), Page(items(43), {"n": 3})]
    result = run_once(Scripted(pages), importer, states)
    assert writes == [3] and result.stored == 3 and result.pages == 3
    assert saved[0] == {"n": 3}  # the intermediate cursors were never needed
    assert states.load("s").cursor == {"n": 3}


def test_a_failure_keeps_committed_pages_and_records_health(importer, states):
    t0 = datetime(2026, 3, 2, 15, tzinfo=UTC)
    fail = SourceTerminal("s: HTTP 400 Bad Request from /search")
    result = run_once(
        Scripted([Page(items(1), {"n": 1})], fail=fail), importer, states, now=lambda: t0
    )
    assert result.error_kind == "terminal" and result.stored == 1
    state = states.load("s")
    assert state.cursor == {"n": 1}
    assert state.health.status() == "failing" and "400" in state.health.last_error
    ok = run_once(Scripted([Page(items(2), {"n": 2})]), importer, states, now=lambda: t0)
    health = states.load("s").health
    assert ok.ok and health.status() == "ok" and health.last_error is None
    assert health.items_total == 2 and health.newest_item_at == "2026-03-02T12:00:00Z"
    assert health.lag_seconds == 3 * 3600
    assert health.items_per_hour(t0 + timedelta(hours=2)) == 0.5  # 1 post over 2 h of runs


def test_state_file_is_written_atomically_and_read_back(tmp_path):
    states = StateStore(tmp_path)
    states.save("hn", SourceState({"created_at_i": 5}, Health(items_total=3)))
    assert states.load("hn").cursor == {"created_at_i": 5}
    assert [p.name for p in (tmp_path / "connectors").iterdir()] == ["hn.json"]  # no temp left
    (tmp_path / "connectors" / "hn.json").write_text("{not json")
    with pytest.raises(ConfigError, match="delete it"):
        states.load("hn")
    with pytest.raises(ConfigError):
        states.path("../evil")
