"""The columnar fast path of Hubbub NDJSON imports stores exactly what the ordinary path does.

Every fixture line goes through both paths (`process_batch` without and with `map_columns`);
rows, raw items, rejects and their reasons must be identical, and so must every stored column
after a full import through each path.
"""

from dataclasses import replace
from datetime import UTC, datetime

import orjson
import pytest

from hubbub.connectors.importers import hubbub_columns, hubbub_ndjson
from hubbub.connectors.importers.pipeline import Importer, process_batch
from hubbub.models import MAX_TEXT_CHARS
from hubbub.store import open_store

NOW = datetime(2026, 11, 2, 3, 4, 5, 678901, tzinfo=UTC)


def canonical(i: int, **extra: object) -> dict:
    """A line as `hubbub export` writes it: every field present."""
    data = {
        "platform": "weibo",
        "platform_id": f"50{i:04d}",
        "created_at": "2026-10-01T00:01:18Z",
        "text": "手机电池越来越不耐用了🤔 #极光X5# @小米 https://t.cn/abc",
        "kind": "post",
        "url": f"https://weibo.com/1/{i}",
        "collected_at": None,
        "author": {
            "id": "8148755505",
            "handle": "用户4148755505",
            "name": "用户",
            "followers": 39,
            "following": 123,
            "verified": False,
            "country": "CN",
            "url": "https://weibo.com/u/8148755505",
        },
        "title": None,
        "lang": "zh-Hans",
        "metrics": {"likes": 3, "reposts": 1, "replies": 0, "quotes": None, "views": None},
        "parent_id": None,
        "root_id": None,
        "repost_of": None,
        "hashtags": None,
        "mentions": None,
        "urls": None,
        "media": [{"type": "image", "url": "https://wx1.sinaimg.cn/large/1.jpg"}],
        "country": "CN",
        "rating": None,
        "source": None,
    }
    return data | extra


VARIANTS: list[dict] = [
    # canonical shapes, all taken by the fast path
    {},
    {"text": "Crème brûlée façade ÉTÉ naïve Straße", "lang": "fr", "platform": "youtube"},
    {"title": "Aurora X5 im Test: Verhältnis", "text": "krass 💪🏽 👨‍👩‍👧 🇨🇳 1️⃣", "kind": "video"},
    {"text": "東京タワーで買った 한국어 測試發布會 華為", "lang": "ja"},
    {"hashtags": ["AuroraX5", "#极光"], "mentions": ["@Bob"], "urls": ["https://www.A.com/x"]},
    {"hashtags": [], "mentions": [], "urls": []},
    {"metrics": {"likes": -1, "reposts": 2**63 - 1, "replies": 2**63 - 1, "quotes": 5}},
    {"metrics": {"likes": None, "reposts": None, "replies": None, "quotes": None, "views": 7}},
    {"metrics": None, "author": None, "media": None},
    {"author": {}, "metrics": {}, "media": []},
    {"rating": 4, "kind": "review"},
    {"rating": 7.5, "kind": "review"},
    {"collected_at": "2026-10-02T01:02:03.5Z", "created_at": "2026-10-01T00:00:00.123Z"},
    {"kind": None, "text": None, "source": ""},
    {"kind": "", "source": "connector:x/1"},
    {"platform_id": 12345},
    {"parent_id": " 77 ", "root_id": "  ", "repost_of": "9"},
    {"media": [{"type": "video", "url": None}, {"type": "gif"}]},
    {"author": {"id": "1", "verified": True}, "lang": "en", "text": "plain ascii text"},
    # valid but not canonical: the ordinary path maps these
    {"platform": "Weibo "},
    {"platform_id": " 42 "},
    {"created_at": "2026-10-01T08:01:18+08:00"},
    {"created_at": "2026-10-01T00:01:18.123456Z"},
    {"created_at": 1790812878},
    {"created_at": "2026-10-01 00:01:18"},
    {"collected_at": 1790812878123},
    {"kind": 0},
    # invalid: rejected by the ordinary path, with its reason
    {"unknown": 1},
    {"kind": "tweet"},
    {"text": 5},
    {"metrics": {"likes": 1.0}},
    {"metrics": {"likes": True}},
    {"metrics": {"likes": 2**63}},
    {"metrics": {"likes": 1, "stars": 2}},
    {"author": {"followers": "12"}},
    {"author": {"nick": "x"}},
    {"author": "bob"},
    {"author": {"verified": 1}},
    {"media": [{"type": "photo"}]},
    {"media": [{"type": "image", "alt": "x"}]},
    {"media": [{"url": "https://x/1.jpg"}]},
    {"media": [{"type": ["image"]}]},
    {"media": "image"},
    {"rating": 11},
    {"rating": True},
    {"created_at": "2026-02-30T00:00:00Z"},
    {"created_at": "2026-10-01T24:00:00Z"},
    {"collected_at": "2026-10-01T23:59:60Z"},
    {"created_at": None},
    {"lang": "  "},
    {"platform": ""},
    {"platform_id": ""},
    {"hashtags": ["ok", 3]},
    {"urls": "https://x"},
    {"title": 3},
    {"text": "x" * (MAX_TEXT_CHARS + 1)},
    {"text": "x" * (MAX_TEXT_CHARS // 2), "title": "y" * (MAX_TEXT_CHARS // 2 + 1)},
]


def fixture_lines() -> list[bytes]:
    out = [orjson.dumps(canonical(i, **extra)) for i, extra in enumerate(VARIANTS)]
    # a duplicate key whose first line takes the ordinary path: the first must still win
    out.append(orjson.dumps(canonical(19, platform="WEIBO", text="first")))
    out.append(orjson.dumps(canonical(19, text="second")))
    out += [b"{not json", b"[1, 2]", b'"a string"', b"\xff\xfe"]
    return out


def units() -> list[tuple[int, bytes]]:
    return [(n, line) for n, line in enumerate(fixture_lines(), 1)]


def both(batch: list[tuple[int, bytes]], parse_many: bool = True):
    """The ordinary path's result and the fast path's (with or without parsing all at once)."""
    fmt = hubbub_ndjson.FORMAT
    old = process_batch(fmt.parse, fmt.map, batch, NOW)
    many = fmt.parse_many if parse_many else None
    new = process_batch(fmt.parse, fmt.map, batch, NOW, (), fmt.map_columns, many)
    return old, new


def table(result):
    import pyarrow as pa

    return pa.ipc.open_stream(result.table_ipc).read_all()


@pytest.mark.parametrize("chunk", [1024, 3])
def test_same_rows_raw_items_and_rejects(monkeypatch, chunk):
    monkeypatch.setattr(hubbub_columns, "CHUNK", chunk)
    old, new = both(units())
    old_table, new_table = table(old), table(new)
    assert new_table.schema == old_table.schema
    assert new_table.num_rows == old_table.num_rows > 20
    for name in old_table.column_names:
        assert new_table.column(name).to_pylist() == old_table.column(name).to_pylist(), name
    assert new.raw_lines == old.raw_lines
    assert new.rejects == old.rejects
    assert len(new.rejects) >= 25
    assert (new.skipped, new.units) == (old.skipped, old.units)


def test_fast_path_takes_canonical_lines_and_only_those():
    items = [orjson.loads(line) for line in fixture_lines()[: len(VARIANTS)]]
    _, taken, others = hubbub_columns.hubbub_columns(items, NOW)
    assert taken == list(range(19))
    assert others == list(range(19, len(VARIANTS)))


def test_a_batch_of_ordinary_lines_only():
    batch = [(1, orjson.dumps(canonical(1, platform="X "))), (2, b"{bad")]
    old, new = both(batch)
    assert table(new).to_pylist() == table(old).to_pylist()
    assert new.rejects == old.rejects


def test_parse_many_declines_a_batch_with_a_line_that_is_no_object():
    fmt = hubbub_ndjson.FORMAT
    assert fmt.parse_many([b'{"a": 1}', b"[1]"]) is None
    assert fmt.parse_many([b'{"a": 1}', b"{bad"]) is None
    assert fmt.parse_many([b'{"a": 1}']) == [{"a": 1}]


def test_empty_batch():
    old, new = both([])
    assert table(new).num_rows == table(old).num_rows == 0
    assert table(new).schema == table(old).schema


def test_stored_columns_identical(tmp_path):
    """A full import through each path stores the same rows, column by column."""
    source = tmp_path / "posts.ndjson"
    source.write_bytes(b"\n".join(fixture_lines()) + b"\n")
    stored = {}
    for name, fmt in (
        ("old", replace(hubbub_ndjson.FORMAT, map_columns=None)),
        ("new", hubbub_ndjson.FORMAT),
    ):
        home = tmp_path / name
        store = open_store(home)
        try:
            with Importer(store, home) as importer, open(source, "rb") as stream:
                importer.import_units(fmt, fmt.units(stream), str(source), 0)
            rows = store.rows(
                "SELECT * EXCEPT collected_at, toString(collected_at) AS c FROM hubbub.posts "
                "ORDER BY platform, platform_id"
            )
            summary = importer.summary
            rejects = open(summary.rejects_file, "rb").read()
        finally:
            store.close()
        stored[name] = (rows, summary.imported, summary.duplicates, summary.rejected, rejects)
    old, new = stored["old"], stored["new"]
    assert new[1:4] == old[1:4]
    assert new[4] == old[4]
    # collected_at is the import's own clock unless the line gives it
    for row in old[0] + new[0]:
        row.pop("c")
    assert new[0] == old[0]
    assert len(new[0]) == old[1] > 20


_ODD_VALUES = [
    None, "", 0, -1, 1.5, True, [], {}, "x", " x ", "X", "é", "華為 #话题# @用户 😀",
    "2026-10-01T00:00:00Z", "2026-10-01T00:00:00.1234Z", "2026-13-01T00:00:00Z",
    "2026-10-01T00:00:00+08:00", 1790812878, 2**63, 2**63 - 1, ["a"], [1],
    [{"type": "image"}], [{"type": "x"}], {"id": "1"}, {"likes": 5}, {"bad": 1}, "review",
]  # fmt: skip


@pytest.mark.parametrize("seed, parse_many", [(1, True), (2, True), (3, False)])
def test_randomly_damaged_lines_agree(monkeypatch, seed, parse_many):
    """Random values in random fields: both paths store and reject exactly the same."""
    import random

    rng = random.Random(seed)
    monkeypatch.setattr(hubbub_columns, "CHUNK", rng.choice([5, 64]))
    batch = []
    for n in range(1, 301):
        item = canonical(n % 250)  # some keys repeat
        for _ in range(rng.randint(0, 2)):
            where = rng.random()
            if where < 0.6:
                item[rng.choice(list(item))] = rng.choice(_ODD_VALUES)
            elif where < 0.8 and isinstance(item.get("author"), dict):
                item["author"] = item["author"] | {
                    rng.choice(list(item["author"])): rng.choice(_ODD_VALUES)
                }
            elif isinstance(item.get("metrics"), dict):
                item["metrics"] = item["metrics"] | {
                    rng.choice(list(item["metrics"])): rng.choice(_ODD_VALUES)
                }
        batch.append((n, orjson.dumps(item)))
    old, new = both(batch, parse_many)
    assert table(new).to_pylist() == table(old).to_pylist()
    assert (new.raw_lines, new.rejects) == (old.raw_lines, old.rejects)
    assert 0 < len(new.rejects) < 300
