"""The backup container: a tar stream, zstd-compressed when the file name ends in `.zst`.

Members are written and read strictly in order (tar's stream modes), so neither side holds more
than one member's buffer in memory and a `.tar.zst` never needs an uncompressed copy on disk.
Reading refuses members that could land outside the target directory (absolute names, `..`,
links, devices): a backup file is input like any other.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

import zstandard

from hubbub.backup.manifest import BackupError, copy_digest


def is_compressed(path: Path) -> bool:
    return path.name.endswith(".zst")


@contextmanager
def tar_writer(path: Path, compressed: bool) -> Iterator[tarfile.TarFile]:
    with open(path, "wb") as raw:
        if compressed:
            compressor = zstandard.ZstdCompressor(level=3, threads=-1)
            with (
                compressor.stream_writer(raw, closefd=False) as zstd_out,
                tarfile.open(fileobj=zstd_out, mode="w|", format=tarfile.PAX_FORMAT) as tar,
            ):
                yield tar
        else:
            with tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                yield tar


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        tar.addfile(info, handle)


@contextmanager
def tar_reader(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    with open(path, "rb") as raw:
        stream: IO[bytes] = raw
        if is_compressed(path) or raw.read(4) == b"\x28\xb5\x2f\xfd":  # zstd magic
            raw.seek(0)
            stream = zstandard.ZstdDecompressor().stream_reader(raw, closefd=False)  # type: ignore[assignment]
        else:
            raw.seek(0)
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                yield tar
        except (tarfile.TarError, zstandard.ZstdError, EOFError) as exc:
            raise BackupError(
                f"{path} is not a readable backup ({exc}); use another copy"
            ) from None


def safe_member_path(root: Path, member: tarfile.TarInfo) -> Path:
    """Where `member` goes under `root`; BackupError for anything that is not a plain file in it."""
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts or not name.parts:
        raise BackupError(
            f"the backup holds {member.name!r}, which is not a plain file inside the home: "
            "refusing to restore it"
        )
    return root.joinpath(*name.parts)


def extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> dict[str, Any]:
    """Write one member to `target`; return its size and SHA-256."""
    source = tar.extractfile(member)
    if source is None:  # pragma: no cover - safe_member_path admits regular files only
        raise BackupError(f"cannot read {member.name} in the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        return copy_digest(source, handle)
