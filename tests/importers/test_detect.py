import gzip
import io
import shutil

import pytest
import zstandard

from hubbub.connectors.importers import units as units_module
from hubbub.connectors.importers.base import formats
from hubbub.connectors.importers.detect import detect_format, open_stream
from hubbub.connectors.importers.units import json_units, line_units
from hubbub.errors import ImportFailed

from .conftest import DATA


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("twitter_v2_search.jsonl", "twitter_v2"),
        ("twitter_v2_pretty.json", "twitter_v2"),
        ("twarc2_flat.jsonl", "twarc2"),
        ("weibo_openapi.json", "weibo"),
        ("weibo_mweibo.jsonl", "weibo"),
        ("reddit_thread.json", "reddit"),
        ("pushshift.ndjson", "pushshift"),
        ("zeeschuimer.ndjson", "zeeschuimer"),
        ("hubbub.ndjson", "hubbub"),
        ("posts.csv", "csv"),
        ("native.csv", "csv"),
    ],
)
def test_detects_each_format(fixture, expected):
    assert detect_format(DATA / fixture).name == expected


def test_registry_order_and_names():
    assert list(formats()) == [
        "zeeschuimer",
        "hubbub",
        "twarc2",
        "weibo",
        "twitter_v2",
        "reddit",
        "pushshift",
        "csv",
    ]


def test_unknown_format_says_what_to_pass(tmp_path):
    path = tmp_path / "mystery.json"
    path.write_text('{"something": "else"}\n')
    with pytest.raises(ImportFailed) as info:
        detect_format(path)
    assert str(info.value).startswith(f"cannot tell the format of {path}; pass --format one of: ")
    assert "twitter_v2" in str(info.value)


def test_gzip_and_zstd_are_detected_and_streamed(tmp_path):
    source = DATA / "pushshift.ndjson"
    gz = tmp_path / "RS_2024-01.ndjson.gz"
    with source.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    zst = tmp_path / "RS_2024-01.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(source.read_bytes()))
    expected = list(line_units(io.BytesIO(source.read_bytes())))
    for path in (gz, zst):
        assert detect_format(path).name == "pushshift"
        with open_stream(path) as stream:
            assert list(line_units(stream)) == expected


def test_multi_frame_zstd(tmp_path):
    path = tmp_path / "frames.ndjson.zst"
    cctx = zstandard.ZstdCompressor()
    path.write_bytes(cctx.compress(b'{"a":1}\n') + cctx.compress(b'{"a":2}\n'))
    with open_stream(path) as stream:
        assert [u for _, u in line_units(stream)] == [b'{"a":1}', b'{"a":2}']


def test_truncated_zstd_fails_where_it_stops_after_earlier_lines(tmp_path):
    lines = b"".join(
        b'{"id":"c%d","body":"x","subreddit":"s","created_utc":1}\n' % i for i in range(20000)
    )
    whole = zstandard.ZstdCompressor(level=1).compress(lines)
    path = tmp_path / "RC_cut.zst"
    path.write_bytes(whole[: len(whole) // 2])
    seen = []
    with open_stream(path) as stream, pytest.raises(ImportFailed, match="truncated"):
        for line, _ in line_units(stream):
            seen.append(line)
    assert len(seen) > 1000  # everything before the cut was delivered
    assert seen == list(range(1, len(seen) + 1))


def test_truncated_gzip_is_a_clean_error(tmp_path):
    data = gzip.compress(b'{"a":1}\n' * 50000)
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    with open_stream(path) as stream, pytest.raises(ImportFailed, match="truncated"):
        for _ in line_units(stream):
            pass


def test_json_units_lines_or_document():
    ndjson = b'{"a":1}\n\n{"a":2}\n'
    assert list(json_units(io.BytesIO(ndjson))) == [(1, b'{"a":1}'), (3, b'{"a":2}')]
    # a malformed first line does not turn the rest of an NDJSON file into one unit
    broken = b'{"a":\n{"a":2}\n{"a":3}\n'
    assert [n for n, _ in json_units(io.BytesIO(broken))] == [1, 2, 3]
    pretty = b'\n{\n  "a": [\n    1\n  ]\n}\n'
    assert list(json_units(io.BytesIO(pretty))) == [(2, b'{\n  "a": [\n    1\n  ]\n}')]


def test_oversized_document_is_refused(monkeypatch):
    doc = b'{\n"a": "' + b"x" * 100 + b'"\n}\n'
    with pytest.raises(ImportFailed, match="larger than"):
        list(json_units(io.BytesIO(doc), max_bytes=50))
    assert units_module.MAX_DOCUMENT_BYTES == 256 * 1024 * 1024


def test_missing_file(tmp_path):
    with pytest.raises(ImportFailed, match="cannot open"):
        open_stream(tmp_path / "nope.json")
