"""Splitting a decompressed byte stream into units: lines, or one whole JSON document.

Line formats stream in constant memory (one line at a time). Document formats read the whole
document, bounded by MAX_DOCUMENT_BYTES, because a JSON document cannot be split before it is
parsed. `json_units` picks between the two for formats that come both ways (one API response
per line, as twarc2 and most collectors write them, or a single pretty-printed response).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from hubbub import settings
from hubbub.connectors.importers.base import Unit
from hubbub.errors import ImportFailed, InvalidPost

MAX_DOCUMENT_BYTES = settings.limit("document_bytes")
# A line (one post, or one API response per line) longer than this is rejected unparsed: parsing
# and deriving the text of a huge post would take many times its size in memory.
MAX_LINE_BYTES = settings.limit("line_bytes")
_BOM = b"\xef\xbb\xbf"
_READ_BYTES = 1 << 20


class TooLong(bytes):
    """Stands in for a line over MAX_LINE_BYTES; its bytes are the line's length in ASCII."""

    def reason(self) -> str:
        return (
            f"line is {int(self):,} bytes, over the limit of {MAX_LINE_BYTES // (1024 * 1024)} MB "
            "per line; not imported"
        )


def _bounded_lines(stream: BinaryIO, start: int = 1) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) like enumerate(stream), reading at most MAX_LINE_BYTES of a line.

    The rest of an over-long line is read and dropped in 1 MB pieces, so memory stays bounded.
    """
    lineno = start - 1
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(1 << 20)
                size += len(raw)
            yield lineno, TooLong(str(size).encode())
            continue
        yield lineno, raw


def loads(unit: bytes) -> Any:
    """Parse JSON bytes; a malformed unit is a reject, not a crash."""
    try:
        return orjson.loads(unit)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in str(exc):
            raise InvalidPost("not valid UTF-8: re-encode the file as UTF-8") from None
        raise InvalidPost(f"not valid JSON ({exc})") from None


def line_units(stream: BinaryIO) -> Iterator[Unit]:
    """Non-blank lines with their 1-based line numbers, without line ends or a UTF-8 BOM.

    The same units as reading `_bounded_lines` would give, read a block at a time and split
    in C: one `readline` per line cost the importing process ~1 µs per post. A line over
    MAX_LINE_BYTES is a `TooLong` (its size counts its newline), its bytes dropped as they come.
    """
    lineno = 0
    carry = b""
    overlong = -1  # bytes so far of an over-long line being dropped; -1: none
    while chunk := _read_block(stream):
        if overlong >= 0:
            end = chunk.find(b"\n")
            if end < 0:
                overlong += len(chunk)
                continue
            lineno += 1
            yield lineno, TooLong(str(overlong + end + 1).encode())
            overlong = -1
            chunk = chunk[end + 1 :]
        lines = (carry + chunk if carry else chunk).split(b"\n")
        carry = lines.pop()  # the unfinished last line (b"" after a newline)
        for raw in lines:
            lineno += 1
            if len(raw) > MAX_LINE_BYTES:
                yield lineno, TooLong(str(len(raw) + 1).encode())
                continue
            line = raw.strip()
            if lineno == 1:
                line = line.removeprefix(_BOM).strip()
            if line:
                yield lineno, line
        if len(carry) > MAX_LINE_BYTES:
            overlong, carry = len(carry), b""
    if overlong >= 0:
        yield lineno + 1, TooLong(str(overlong).encode())
    elif carry:
        line = carry.strip()
        if lineno == 0:
            line = line.removeprefix(_BOM).strip()
        if line:
            yield lineno + 1, line


def _read_block(stream: BinaryIO) -> bytes:
    """The next block of a stream: large from a plain file; from a decompressing stream, what
    one read of it gives (`read1`), as `readline` would read it, so a damaged file still
    delivers every line decompressed before the damage (a large read would drop them)."""
    if isinstance(getattr(stream, "raw", None), io.FileIO) or not hasattr(stream, "read1"):
        return stream.read(_READ_BYTES)
    return stream.read1(-1)


def json_units(stream: BinaryIO, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[Unit]:
    """One unit per line when the file is NDJSON, else the whole document as one unit.

    The file is NDJSON when its first non-blank line is a complete JSON value, or, so that a
    malformed first line does not turn a whole NDJSON file into one reject, when it is not but
    the next non-blank line is. A pretty-printed document fails both tests.
    """
    head: list[tuple[int, bytes]] = []
    nonblank = 0
    for lineno, raw in _bounded_lines(stream):
        head.append((lineno, raw))
        if isinstance(raw, TooLong):
            return (yield from _lines_after(head, stream))
        line = _clean(raw, lineno)
        if not line:
            continue
        if _is_json(line):
            return (yield from _lines_after(head, stream))
        nonblank += 1
        if nonblank == 2:
            break
    prefix = b"".join(raw for _, raw in head)
    first = next((n for n, r in head if _clean(r, n)), 1)
    yield from _document(prefix, first, stream, max_bytes)


def _lines_after(head: list[tuple[int, bytes]], stream: BinaryIO) -> Iterator[Unit]:
    for lineno, raw in head:
        line = raw if isinstance(raw, TooLong) else _clean(raw, lineno)
        if line:
            yield lineno, line
    for lineno, raw in _bounded_lines(stream, len(head) + 1):
        line = raw if isinstance(raw, TooLong) else raw.strip()
        if line:
            yield lineno, line


def _document(prefix: bytes, first_line: int, stream: BinaryIO, max_bytes: int) -> Iterator[Unit]:
    if len(prefix) > max_bytes:
        raise ImportFailed(_too_big(max_bytes))
    data = prefix + stream.read(max_bytes + 1 - len(prefix))
    if len(data) > max_bytes:
        raise ImportFailed(_too_big(max_bytes))
    data = data.removeprefix(_BOM).strip()
    if data:
        yield first_line, data


def _too_big(max_bytes: int) -> str:
    return (
        f"this JSON document is larger than {max_bytes // (1024 * 1024)} MB; "
        "split it into one JSON object per line (NDJSON) and import that"
    )


def _clean(raw: bytes, lineno: int) -> bytes:
    line = raw.strip()
    return line.removeprefix(_BOM).strip() if lineno == 1 else line


def _is_json(line: bytes) -> bool:
    if line[:1] not in (b"{", b"["):
        return False
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def sample_json(sample: bytes) -> Any:
    """The sniff sample parsed as JSON, or None when it is not whole JSON (e.g. a document head)."""
    if sample[:1] not in (b"{", b"["):
        return None
    try:
        return orjson.loads(sample)
    except orjson.JSONDecodeError:
        return None
