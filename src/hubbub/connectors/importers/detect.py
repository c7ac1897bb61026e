"""Opening an import file (transparently decompressed) and telling its format.

Compression is recognised by its magic bytes, so a misnamed `.json` that is really gzip still
opens. zstd is decompressed frame by frame (`store.archive.iter_zstd_chunks`, shared with the
raw archive) because `zstandard.stream_reader` ends silently on a truncated file: a cut-off
Pushshift dump would then look complete. The reader raises ImportFailed where the data stops,
after every earlier line has been delivered, so the pipeline keeps what it read.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import BinaryIO

import orjson
import zstandard

from hubbub.connectors.importers.base import ImportFormat, formats
from hubbub.errors import ImportFailed
from hubbub.store.archive import ZstdTruncated, iter_zstd_chunks

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
# Pushshift/Arctic Shift dumps are written with --long=31: a 2 GB window.
_MAX_WINDOW = 1 << 31
# How much of a document the sniffers see when its first line is not a whole JSON value.
SNIFF_BYTES = 1 << 20
_COMPRESSED_SUFFIXES = (".zst", ".zstd", ".gz")


def open_stream(path: str | Path) -> BinaryIO:
    """The file's bytes, decompressed if it is zstd or gzip (by magic bytes)."""
    path = Path(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ImportFailed(f"cannot open {path}: {exc.strerror or exc}") from None
    magic = raw.read(4)
    raw.seek(0)
    if magic == _ZSTD_MAGIC:
        return io.BufferedReader(_ZstdReader(raw, path.name), _CHUNK)
    if magic[:2] == _GZIP_MAGIC:
        return io.BufferedReader(_GuardedReader(gzip.GzipFile(fileobj=raw), raw, path.name))
    return raw


def detect_format(path: str | Path) -> ImportFormat:
    """The first registered format whose `sniff` accepts the file's first unit.

    Sniffers see at most SNIFF_BYTES of the file, so a huge first line is still detected
    (the hubbub format by its leading keys).
    """
    path = Path(path)
    with open_stream(path) as stream:
        sample = read_sample(stream)
    name = logical_name(path)
    for fmt in formats().values():
        if fmt.sniff(sample, name):
            return fmt
    names = ", ".join(formats())
    hint = ""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = " (it looks UTF-16: re-encode it as UTF-8)"
    else:
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # not just a character cut by the sample's end
                hint = " (it is not valid UTF-8: re-encode it as UTF-8)"
    raise ImportFailed(f"cannot tell the format of {path}{hint}; pass --format one of: {names}")


def is_empty(path: str | Path) -> bool:
    """True when the (decompressed) file holds nothing but whitespace in its first SNIFF_BYTES."""
    with open_stream(path) as stream:
        return not read_sample(stream)


def logical_name(path: str | Path) -> str:
    """Lower-cased file name without a compression suffix: `posts.csv.gz` → `posts.csv`."""
    name = Path(path).name.lower()
    for suffix in _COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def read_sample(stream: BinaryIO) -> bytes:
    """The first non-blank line if it is a whole JSON value, else the start of the document."""
    consumed = b""
    while len(consumed) < SNIFF_BYTES:
        line = stream.readline(SNIFF_BYTES)
        if not line:
            return consumed.strip()
        consumed += line
        if line.strip():
            break
    first = consumed.strip().removeprefix(b"\xef\xbb\xbf").strip()
    if first[:1] in (b"{", b"["):
        try:
            orjson.loads(first)
            return first
        except orjson.JSONDecodeError:
            pass
    elif first:
        return first  # a CSV header or other text line
    rest = stream.read(max(0, SNIFF_BYTES - len(consumed)))
    return (consumed + rest).strip().removeprefix(b"\xef\xbb\xbf")


class _ZstdReader(io.RawIOBase):
    """Raw reader over one or more zstd frames that fails loudly on a truncated frame."""

    def __init__(self, raw: BinaryIO, name: str) -> None:
        self._raw = raw
        self._name = name
        self._chunks = iter_zstd_chunks(raw, _MAX_WINDOW, _CHUNK)
        self._buffer = b""
        self._delivered = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
            except ZstdTruncated:
                raise ImportFailed(
                    f"{self._name} is truncated: its zstd data ends mid-frame after "
                    f"{self._delivered} decompressed bytes; re-download the file"
                ) from None
            except zstandard.ZstdError as exc:
                raise ImportFailed(f"{self._name} is not valid zstd data: {exc}") from None
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        self._delivered += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class _GuardedReader(io.RawIOBase):
    """Raw reader over a gzip stream that turns truncation into a one-line ImportFailed."""

    def __init__(self, inner: gzip.GzipFile, raw: BinaryIO, name: str) -> None:
        self._inner = inner
        self._raw = raw
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        try:
            return self._inner.readinto(b)
        except EOFError:
            raise ImportFailed(
                f"{self._name} is truncated: its gzip data ends early; re-download the file"
            ) from None
        except (OSError, zlib.error) as exc:
            raise ImportFailed(f"{self._name} is not valid gzip data: {exc}") from None

    def close(self) -> None:
        self._inner.close()
        self._raw.close()
        super().close()


def get_format(name: str, **options: str) -> ImportFormat:
    """The registered format `name`, configured with `options` when it takes any.

    Only formats that declare a `configure` function in their module take options (csv does:
    a column mapping, delimiter, encoding); passing options to another format is an error.
    """
    from hubbub.connectors.importers.registry import CONFIGURERS

    known = formats()
    if name not in known:
        raise ImportFailed(f"unknown import format {name!r}; use one of: {', '.join(known)}")
    if not options:
        return known[name]
    configure = CONFIGURERS.get(name)
    if configure is None:
        raise ImportFailed(f"import format {name!r} takes no options (got {', '.join(options)})")
    return configure(options)
