"""The import pipeline with a minimal line format: idempotency, rejects, archive, parallelism."""

import io

import orjson
import pytest

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.pipeline import Importer
from hubbub.errors import InvalidPost
from hubbub.models import Post, parse_time
from hubbub.store import open_store
from hubbub.store.archive import read_archive


def units(stream):
    for number, line in enumerate(stream, 1):
        if line.strip():
            yield number, line


def parse(data: bytes) -> list[dict]:
    item = orjson.loads(data)
    if not isinstance(item, dict):
        raise InvalidPost("a line must be a JSON object")
    return [item]


def map_item(item: dict) -> Post | None:
    if item.get("deleted"):
        return None
    return Post(
        platform="x",
        platform_id=str(item["id"]),
        created_at=parse_time(item["t"]),
        text=item.get("text", ""),
    )


LINES = ImportFormat("lines", "test format", lambda head, name: True, units, parse, map_item)


def ndjson(items) -> bytes:
    return b"".join(orjson.dumps(i) + b"\n" for i in items)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def run(store, data: bytes, **kwargs) -> Importer:
    with Importer(store, store.home, **kwargs) as importer:
        importer.import_units(LINES, units(io.BytesIO(data)), "test.ndjson", len(data))
    return importer


def test_second_import_is_all_duplicates_and_rejects_name_line_and_reason(store):
    data = ndjson([{"id": 1, "t": "2026-10-01T00:00:00Z", "text": "hi"}, {"id": 2}])
    data += b"{not json\n" + ndjson([{"id": 3, "t": "2026-10-02T00:00:00Z"}, {"deleted": True}])
    first = run(store, data).summary
    assert (first.imported, first.rejected, first.skipped) == (2, 2, 1)
    rejects = [orjson.loads(line) for line in open(first.rejects_file, "rb")]
    assert [(r["line"], r["file"]) for r in rejects] == [(2, "test.ndjson"), (3, "test.ndjson")]
    assert rejects[0]["reason"] == "missing field 't'" and "JSON" in rejects[1]["reason"]
    second = run(store, data).summary
    assert (second.imported, second.duplicates) == (0, 2)
    assert store.count() == 2


def test_raw_items_of_new_posts_are_archived_once(store):
    data = ndjson([{"id": i, "t": "2026-10-01T00:00:00Z"} for i in range(10)])
    run(store, data)
    run(store, data)
    files = list((store.home / "raw" / "lines").glob("*.ndjson.zst"))
    assert len(files) == 1
    assert sorted(item["id"] for item in read_archive(files[0])) == list(range(10))


def test_small_batches_give_the_same_result(store):
    data = ndjson([{"id": i % 70, "t": "2026-10-01T00:00:00Z"} for i in range(200)])
    summary = run(store, data, batch_units=7).summary
    assert (summary.imported, summary.duplicates, store.count()) == (70, 130, 70)


@pytest.mark.slow
def test_worker_processes_give_the_same_result(store, monkeypatch):
    monkeypatch.setattr("hubbub.connectors.importers.pipeline.PARALLEL_MIN_BYTES", 0)
    data = ndjson([{"id": i % 3000, "t": "2026-10-01T00:00:00Z"} for i in range(5000)])
    summary = run(store, data, batch_units=500, workers=2).summary
    assert (summary.imported, summary.duplicates, store.count()) == (3000, 2000, 3000)


def map_on_platform(item: dict) -> Post:
    return Post(
        platform=item["p"],
        platform_id=str(item["id"]),
        created_at=parse_time("2026-10-01T00:00:00Z"),
    )


ON_PLATFORM = ImportFormat("onp", "test format", lambda h, n: True, units, parse, map_on_platform)


def test_same_id_on_another_platform_is_new_and_only_new_lines_are_archived(store):
    def go(items):
        data = ndjson(items)
        with Importer(store, store.home) as importer:
            importer.import_units(ON_PLATFORM, units(io.BytesIO(data)), "t.ndjson", len(data))
        return importer.summary

    first = go([{"p": "x", "id": 1}, {"p": "x", "id": 2}])
    # Same ids on another platform are other posts; x:2 is stored already, y:1 repeats in-batch.
    second = go(
        [{"p": "y", "id": 1}, {"p": "x", "id": 2}, {"p": "y", "id": 2}, {"p": "y", "id": 1}]
    )
    assert (first.imported, second.imported, second.duplicates, store.count()) == (2, 2, 2, 4)
    archived = [i for f in (store.home / "raw" / "onp").glob("*.zst") for i in read_archive(f)]
    assert sorted((i["p"], i["id"]) for i in archived) == [("x", 1), ("x", 2), ("y", 1), ("y", 2)]
