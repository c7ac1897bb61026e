"""Huge inputs are refused by the documented limits (settings.LIMITS), without exhausting memory."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import orjson
import pytest

from hubbub import settings
from hubbub.connectors.importers.detect import get_format
from hubbub.connectors.importers.pipeline import process_batch
from hubbub.connectors.importers.units import TooLong
from hubbub.errors import QueryError
from hubbub.query import parse, where_clause

from .test_fuzz_importers import NOW

DOCS = Path(__file__).parents[2] / "docs" / "operations.md"
GOOD = orjson.dumps(
    {"platform": "x", "platform_id": "ok", "created_at": "2026-10-01T00:00:00Z", "text": "fine"}
)


class EndlessLine(io.RawIOBase):
    """A stream of `size` bytes of 'a' (one line, no newline) then `tail`, made on the fly."""

    def __init__(self, size: int, tail: bytes) -> None:
        self.left = size
        self.tail = tail
        self.block = b"a" * (1 << 20)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        view = memoryview(buffer)
        if self.left > 0:
            n = min(len(view), self.left, len(self.block))
            view[:n] = self.block[:n]
            self.left -= n
            return n
        n = min(len(view), len(self.tail))
        view[:n] = self.tail[:n]
        self.tail = self.tail[n:]
        return n


def test_a_1_gb_line_is_refused_unread_and_the_next_line_imported():
    size = 1 << 30
    stream = io.BufferedReader(EndlessLine(size, b"\n" + GOOD + b"\n"), buffer_size=1 << 20)
    tracemalloc.start()
    try:
        units = list(get_format("hubbub").units(stream))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * settings.limit("line_bytes")  # bounded by the line limit, not the line
    assert isinstance(units[0][1], TooLong) and units[1] == (2, GOOD)
    result = process_batch(get_format("hubbub").parse, get_format("hubbub").map, units, NOW)
    assert result.rejects == [
        (1, f"line is {size + 1:,} bytes, over the limit of 16 MB per line; not imported")
    ]
    assert result.units == 2 and len(result.raw_lines) == 1


def test_a_10_mb_post_is_a_reject_naming_the_limit():
    huge = orjson.dumps(
        {"platform": "x", "platform_id": "big", "created_at": "2026-10-01T00:00:00Z",
         "text": "word " * 2_000_000}
    )  # fmt: skip
    assert len(huge) > 10_000_000
    fmt = get_format("hubbub")
    result = process_batch(fmt.parse, fmt.map, [(1, huge), (2, GOOD)], NOW)
    assert result.rejects == [
        (1, "text and title are 10,000,000 characters, over the limit of 1,000,000 per post")
    ]
    assert len(result.raw_lines) == 1


def test_a_100k_term_query_is_refused_before_it_is_parsed():
    query = " OR ".join(f"term{i}" for i in range(100_000))
    with pytest.raises(QueryError) as info:
        where_clause(query)
    assert info.value.code == "too-long"  # type: ignore[attr-defined]
    assert "the limit is 10,000" in info.value.message
    terms = " OR ".join(f"t{i}" for i in range(settings.limit("query_terms") + 1))
    if len(terms) <= settings.limit("query_chars"):
        with pytest.raises(QueryError):
            parse(terms)


def test_every_limit_is_documented_with_its_value():
    text = DOCS.read_text("utf-8")
    for limit in settings.LIMITS:
        assert f"`{limit.name}`" in text, limit.name
        shown = f"{limit.value // settings.MiB} MB" if limit.unit == "bytes" else f"{limit.value:,}"
        assert shown in text, (limit.name, shown)
