"""Regression tests for the import-path review: bad values, truncated files, sizes, identity."""

import gzip
import json
import random

import orjson
import pytest
import zstandard

from hubbub.connectors.importers import hubbub_ndjson
from hubbub.connectors.importers.pipeline import Importer, process_batch
from hubbub.connectors.importers.units import MAX_LINE_BYTES
from hubbub.models import Post
from hubbub.store import open_store


def post_dict(i: int, **extra) -> dict:
    data = {
        "platform": "x",
        "platform_id": str(i),
        "created_at": "2026-10-01T00:00:00Z",
        "text": f"post {i}",
    }
    return data | extra


def lines(items) -> bytes:
    return b"".join(json.dumps(i, ensure_ascii=False).encode() + b"\n" for i in items)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def import_file(store, path, **kwargs):
    with Importer(store, store.home, **kwargs) as importer:
        importer.import_file(path)
    rejects = []
    if importer.summary.rejects_file:
        rejects = [orjson.loads(x) for x in open(importer.summary.rejects_file, "rb")]
    return importer.summary, rejects


# ---- defect 1: one badly typed value rejects one line, never the batch ------------------------


@pytest.mark.parametrize(
    "extra, reason",
    [
        ({"author": {"verified": "yes"}}, "author.verified must be true, false or null"),
        ({"metrics": {"likes": "12"}}, "metrics.likes must be an integer"),
        ({"metrics": {"likes": 2**70}}, "metrics.likes"),
        ({"metrics": {"likes": True}}, "metrics.likes must be an integer"),
        ({"metrics": {"likes": 1.5}}, "metrics.likes must be an integer"),
        ({"hashtags": "notalist"}, "hashtags must be a list of strings"),
        ({"hashtags": ["ok", 3]}, "hashtags must be a list of strings"),
        ({"media": [{"type": "foo", "url": None}]}, "media type 'foo'"),
        ({"media": "x"}, "media must be a list"),
        ({"lang": ""}, "lang must be a non-empty string"),
        ({"text": 5}, "text must be a string"),
        ({"title": ["t"]}, "title must be a string"),
        ({"url": 1}, "url must be a string"),
        ({"author": "bob"}, "author must be an object"),
        ({"author": {"followers": -1.5}}, "author.followers must be an integer"),
        ({"rating": True}, "rating"),
        ({"rating": 11}, "rating"),
        ({"parent_id": 7}, "parent_id must be a string"),
    ],
)
def test_a_badly_typed_value_is_one_reject_and_the_rest_of_the_batch_is_imported(
    store, tmp_path, extra, reason
):
    items = [post_dict(i) for i in range(1, 101)]
    items[50] = post_dict(51, **extra)
    path = tmp_path / "posts.ndjson"
    path.write_bytes(lines(items))
    summary, rejects = import_file(store, path)
    assert (summary.imported, summary.rejected) == (99, 1)
    assert rejects[0]["line"] == 51
    assert reason in rejects[0]["reason"] and "unreadable" not in rejects[0]["reason"]


def test_values_the_table_cannot_hold_reject_only_their_post(monkeypatch, tmp_path):
    # The safety net: if a value still slips past validate(), only that post is rejected.
    monkeypatch.setattr(Post, "validate", lambda self: None)
    units = [(n, json.dumps(post_dict(n)).encode()) for n in range(1, 6)]
    units[2] = (3, json.dumps(post_dict(3, metrics={"likes": "12"})).encode())
    units[3] = (4, json.dumps(post_dict(4, metrics={"views": 2**70})).encode())
    result = process_batch(hubbub_ndjson.parse, hubbub_ndjson.map_item, units, _now(), ())
    assert [line for line, _ in result.rejects] == [3, 4]
    assert all(r.startswith("a value cannot be stored") for _, r in result.rejects)
    assert len(result.raw_lines) == 3


def test_negative_counts_are_stored_as_unknown(store, tmp_path):
    path = tmp_path / "neg.ndjson"
    path.write_bytes(lines([post_dict(1, metrics={"likes": -2, "replies": 3})]))
    summary, _ = import_file(store, path)
    assert summary.imported == 1
    row = store.arrow("SELECT likes, replies, engagement FROM hubbub.posts").to_pylist()[0]
    assert row == {"likes": None, "replies": 3, "engagement": 3}


# ---- defect 2: a truncated .zst/.gz imports everything before the cut -------------------------


def _noisy_lines(n: int) -> bytes:
    rng = random.Random(n)
    return lines(post_dict(i, text=f"{i} {rng.getrandbits(256):x}") for i in range(1, n + 1))


def _cut(data: bytes, compress) -> bytes:
    whole = compress(data)
    return whole[: len(whole) // 2]


def _decodable_lines(path, opener) -> int:
    count = 0
    try:
        with opener(path) as stream:
            for raw in stream:
                if raw.endswith(b"\n"):
                    count += 1
    except Exception:  # the cut
        pass
    return count


@pytest.mark.parametrize("kind", ["zst", "gz"])
@pytest.mark.parametrize("n, batch", [(5_000, 20_000), (5_000, 700)])
def test_truncated_compressed_file_imports_what_precedes_the_cut(store, tmp_path, kind, n, batch):
    data = _noisy_lines(n)
    path = tmp_path / f"cut.ndjson.{kind}"
    if kind == "zst":
        path.write_bytes(_cut(data, zstandard.ZstdCompressor(level=1).compress))
    else:
        path.write_bytes(_cut(data, gzip.compress))
    from hubbub.connectors.importers.detect import open_stream

    decodable = _decodable_lines(path, open_stream)
    assert 0 < decodable < n
    summary, rejects = import_file(store, path, batch_units=batch)
    assert summary.imported == decodable
    assert summary.rejected == 1
    assert rejects[0]["line"] == decodable + 1
    assert "truncated" in rejects[0]["reason"]


# ---- defect 10: reject reasons ------------------------------------------------------------------


def test_reject_reasons_name_the_problem(store, tmp_path):
    path = tmp_path / "reasons.ndjson"
    latin1 = orjson.dumps(post_dict(2, text="caf")).replace(b'"caf"', b'"caf\xe9"')
    path.write_bytes(
        lines([post_dict(1)])
        + latin1
        + b"\n"
        + lines([post_dict(3, created_at=True), post_dict(4, created_at=1e15 * 1000)])
    )
    summary, rejects = import_file(store, path)
    reasons = {r["line"]: r["reason"] for r in rejects}
    assert summary.imported == 1
    assert reasons[2] == "not valid UTF-8: re-encode the file as UTF-8"
    assert reasons[3] == "created_at must be ISO-8601 text or epoch seconds"
    assert "out of range" in reasons[4] and "ValueError" not in reasons[4]


# ---- defect 11: size limits --------------------------------------------------------------------


def test_oversized_posts_and_lines_are_rejected_with_a_reason(store, tmp_path):
    path = tmp_path / "big.ndjson"
    with path.open("wb") as out:
        out.write(lines([post_dict(1, text="a" * 1_000_001)]))
        out.write(b'{"platform":"x","platform_id":"2","text":"' + b"b" * MAX_LINE_BYTES + b'"}\n')
        out.write(lines([post_dict(3)]))
    summary, rejects = import_file(store, path)  # > 4 MB: worker processes when >1 core
    reasons = {r["line"]: r["reason"] for r in rejects}
    assert summary.imported == 1
    assert "over the limit of 1,000,000 per post" in reasons[1]
    assert "over the limit of 16 MB per line" in reasons[2]


# ---- defect 8: identity is normalized ----------------------------------------------------------


def test_platform_case_and_id_whitespace_do_not_make_two_posts(store, tmp_path):
    path = tmp_path / "ids.ndjson"
    path.write_bytes(
        lines(
            [
                post_dict(1, platform="X", platform_id=" 1 "),
                post_dict(1, platform="x", platform_id="1"),
                post_dict(1, platform=" x", platform_id="1"),
            ]
        )
    )
    summary, _ = import_file(store, path)
    assert (summary.imported, summary.duplicates) == (1, 2)
    row = store.arrow("SELECT platform, platform_id FROM hubbub.posts").to_pylist()[0]
    assert row == {"platform": "x", "platform_id": "1"}


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
