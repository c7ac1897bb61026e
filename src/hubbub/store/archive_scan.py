"""Reading a raw-archive file past damage: every intact frame's items, and where the damage is.

`read_archive` stops at the first damaged frame; a scan goes on. Each append to the archive is
one zstd frame, so after a damaged frame the scan looks for the next frame's magic number and
resumes there: a corrupt or cut-off region costs the items of the frames it touches, never the
rest of the file. The file is memory-mapped and one frame decompressed at a time.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import zstandard

FRAME_MAGIC = b"\x28\xb5\x2f\xfd"  # every zstd frame starts with these four bytes
_FEED = 1 << 20


@dataclass
class Damage:
    start: int  # byte offsets in the file, end exclusive
    end: int
    reason: str

    def describe(self) -> str:
        return f"bytes {self.start:,}-{self.end:,}: {self.reason}"


@dataclass
class ScanReport:
    path: Path
    items: int = 0
    frames: int = 0
    damage: list[Damage] = field(default_factory=list)
    bad_lines: int = 0  # lines of intact frames that are not JSON objects

    @property
    def ok(self) -> bool:
        return not self.damage and not self.bad_lines

    def describe(self) -> str:
        text = f"{self.path}: {self.items:,} items readable in {self.frames:,} frames"
        if self.damage:
            text += f"; damaged {len(self.damage)} region(s), first {self.damage[0].describe()}"
        if self.bad_lines:
            text += f"; {self.bad_lines:,} unreadable line(s)"
        return text


def scan_archive(path: Path, report: ScanReport | None = None) -> Iterator[dict[str, Any]]:
    """Yield the items of every intact frame of `path`; record damage in `report`."""
    report = report if report is not None else ScanReport(Path(path))
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        if size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            position = 0
            while position < size:
                if data[position : position + 4] != FRAME_MAGIC:
                    following = _next_frame(data, position + 1, size)
                    report.damage.append(Damage(position, following, "not a zstd frame"))
                    position = following
                    continue
                decoded, end, problem = _one_frame(data, position, size)
                if problem is not None:
                    following = _next_frame(data, position + 1, size)
                    report.damage.append(Damage(position, following, problem))
                    position = following
                    continue
                report.frames += 1
                position = end
                yield from _items(decoded, report)


def _one_frame(data: mmap.mmap, start: int, size: int) -> tuple[bytes, int, str | None]:
    """Decompress the frame at `start`: (output, offset after the frame, problem or None)."""
    frame = zstandard.ZstdDecompressor().decompressobj()
    parts: list[bytes] = []
    position = start
    try:
        while position < size:
            chunk = data[position : min(position + _FEED, size)]
            parts.append(frame.decompress(chunk))
            if frame.eof:
                return b"".join(parts), position + len(chunk) - len(frame.unused_data), None
            position += len(chunk)
    except zstandard.ZstdError as exc:
        return b"", start, f"corrupt frame ({exc})"
    return b"", start, "the file ends inside a frame (cut off)"


def _next_frame(data: mmap.mmap, start: int, size: int) -> int:
    found = data.find(FRAME_MAGIC, start)
    return size if found < 0 else found


def _items(decoded: bytes, report: ScanReport) -> Iterator[dict[str, Any]]:
    for line in decoded.split(b"\n"):
        if not line:
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            item = None
        if not isinstance(item, dict):
            report.bad_lines += 1
            continue
        report.items += 1
        yield item
