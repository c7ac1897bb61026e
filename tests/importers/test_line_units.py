"""`line_units` reads blocks, but gives exactly the units of one bounded `readline` per line."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator

import pytest

from hubbub.connectors.importers import units
from hubbub.connectors.importers.units import TooLong, _bounded_lines


def _reference(stream: io.BytesIO) -> Iterator[tuple[int, bytes]]:
    """The line reader as it was before block reads: `_bounded_lines`, stripped, BOM dropped."""
    for lineno, raw in _bounded_lines(stream):
        if isinstance(raw, TooLong):
            yield lineno, raw
            continue
        line = raw.strip()
        if lineno == 1:
            line = line.removeprefix(units._BOM).strip()
        if line:
            yield lineno, line


class _Blocks:
    """A stream with only `read(n)`: line_units then reads blocks of `_READ_BYTES`."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


def _units(data: bytes) -> list[tuple[int, bytes, bool]]:
    stream = _Blocks(data)
    return [(n, bytes(u), isinstance(u, TooLong)) for n, u in units.line_units(stream)]  # type: ignore[arg-type]


def _expected(data: bytes) -> list[tuple[int, bytes, bool]]:
    return [(n, bytes(u), isinstance(u, TooLong)) for n, u in _reference(io.BytesIO(data))]


CASES = [
    b"",
    b"\n\n\n",
    b"a",
    b"a\n",
    b"\xef\xbb\xbf{}\n{}",
    b"  \xef\xbb\xbf x \r\n\r\n y",
    b"short\n" + b"x" * 40 + b"\nafter\n",  # over the limit, inside one block
    b"x" * 40,  # over the limit at the end, no newline
    b"x" * 16 + b"\n" + b"y" * 17 + b"\n" + b"z" * 16,  # exactly at, one over, at
]


@pytest.mark.parametrize("read_bytes", [1, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("data", CASES)
def test_same_units_as_readline(
    monkeypatch: pytest.MonkeyPatch, data: bytes, read_bytes: int
) -> None:
    monkeypatch.setattr(units, "MAX_LINE_BYTES", 16)
    monkeypatch.setattr(units, "_READ_BYTES", read_bytes)
    assert _units(data) == _expected(data)


def test_random_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(units, "MAX_LINE_BYTES", 20)
    rng = random.Random(12)
    pieces = [b"\n", b"\r\n", b" ", b"\xef\xbb\xbf", b"{}", b"abc", b"x" * 19, b"y" * 25]
    for _ in range(400):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        monkeypatch.setattr(units, "_READ_BYTES", rng.choice([1, 2, 5, 13, 50, 4096]))
        assert _units(data) == _expected(data), data


def test_too_long_reason_counts_the_newline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(units, "MAX_LINE_BYTES", 16)
    monkeypatch.setattr(units, "_READ_BYTES", 4)
    got = list(units.line_units(_Blocks(b"ok\n" + b"x" * 30 + b"\nok\n")))  # type: ignore[arg-type]
    assert [n for n, _ in got] == [1, 2, 3]
    assert isinstance(got[1][1], TooLong) and int(got[1][1]) == 31
