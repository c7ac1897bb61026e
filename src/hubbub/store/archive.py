"""The raw archive: every imported or collected raw item, as zstd-compressed NDJSON.

One file per source and collection day (``raw/<source>/<YYYY-MM-DD>.ndjson.zst``). Each write
appends one complete zstd frame; concatenated frames are a valid zstd stream, so a crash can at
worst leave a truncated last frame, which `read_archive` reports and skips past. Items are
archived before the posts they map to are stored, so a stored post always has its raw item.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import orjson
import zstandard

from hubbub.errors import HubbubError, StoreError


class ArchiveCorrupt(HubbubError):
    pass


class RawArchive:
    def __init__(self, home: Path) -> None:
        self.root = Path(home) / "raw"
        # A content checksum per frame: silent corruption inside a frame is detected on read.
        self._compressor = zstandard.ZstdCompressor(level=3, write_checksum=True)

    def path_for(self, source: str, day: datetime) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in source)
        return self.root / safe / f"{day.astimezone(UTC):%Y-%m-%d}.ndjson.zst"

    def append(self, source: str, lines: list[bytes], when: datetime | None = None) -> Path | None:
        """Append raw items (each one JSON document, no newline) as one zstd frame."""
        if not lines:
            return None
        path = self.path_for(source, when or datetime.now(UTC))
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = self._compressor.compress(b"\n".join(lines) + b"\n")
        # Unbuffered, so a failed write cannot leave bytes in a buffer that close() retries.
        with open(path, "ab", buffering=0) as handle:
            before = handle.tell()
            try:
                view = memoryview(frame)
                while view:
                    view = view[handle.write(view) :]
                os.fsync(handle.fileno())
            except OSError as exc:
                # A half-written frame (disk full) would hide every frame appended after it
                # from readers: cut the file back to its last complete frame.
                handle.truncate(before)
                raise StoreError(
                    f"cannot write the raw archive {path} ({exc.strerror or exc}); free disk "
                    "space and re-run: posts stored so far stay stored, a re-run adds the rest"
                ) from None
        return path

    def files(self, source: str | None = None) -> list[Path]:
        base = self.root / source if source else self.root
        return sorted(base.rglob("*.ndjson.zst")) if base.exists() else []


class ZstdTruncated(zstandard.ZstdError):
    """The data ended inside a zstd frame: the file was cut off."""


def iter_zstd_chunks(
    handle: BinaryIO, max_window_size: int = 0, chunk_size: int = 1 << 20
) -> Iterator[bytes]:
    """Decompressed chunks of a stream of concatenated zstd frames.

    Raises ZstdTruncated when the data ends inside a frame: zstandard's stream reader returns a
    silent EOF for a truncated last frame, which would hide a damaged file. Invalid data raises
    zstandard.ZstdError. Used by the raw archive and by file imports alike.
    """
    context = zstandard.ZstdDecompressor(max_window_size=max_window_size)
    frame = context.decompressobj()
    in_frame = False
    while chunk := handle.read(chunk_size):
        data = chunk
        while data:
            in_frame = True
            out = frame.decompress(data)
            if out:
                yield out
            if frame.eof:
                data = frame.unused_data
                frame = context.decompressobj()
                in_frame = False
            else:
                data = b""
    if in_frame:
        raise ZstdTruncated("the data ends inside a zstd frame (truncated file)")


def read_archive(path: Path) -> Iterator[dict]:  # type: ignore[type-arg]
    """Yield the raw items of one archive file; raise ArchiveCorrupt at a damaged frame."""
    buffer = b""
    line_no = 0
    with open(path, "rb") as handle:
        try:
            for chunk in iter_zstd_chunks(handle):
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    line_no += 1
                    if line:
                        yield orjson.loads(line)
        except zstandard.ZstdError as exc:
            raise ArchiveCorrupt(
                f"{path} is damaged after line {line_no} ({exc}); the items before it are fine"
            ) from None
    if buffer.strip():
        raise ArchiveCorrupt(f"{path} ends inside an item after line {line_no}")
