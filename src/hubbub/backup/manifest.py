"""The manifest of a backup: what it holds, counted and checksummed, so a restore can verify it.

The manifest is the first member of the tar (`manifest.json`); each other member is listed in
`files` with its size and SHA-256. The store's tables travel as ClickHouse Native files (see
create.py for why), with their row counts and column types.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from hubbub.errors import HubbubError

FORMAT = "hubbub-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
STORE_PREFIX = "store-export/"  # member names of the exported tables: store-export/<table>.native


class BackupError(HubbubError):
    """A backup cannot be written or a backup file cannot be restored (says why, one line)."""


@dataclass
class TableDump:
    name: str
    rows: int
    columns: list[list[str]]  # [name, ClickHouse type], in order
    member: str


@dataclass
class Manifest:
    hubbub_version: str
    created_at: str
    source_home: str
    with_archive: bool
    tables: list[TableDump] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # member -> {bytes, sha256}
    counts: dict[str, int] = field(default_factory=dict)  # posts, topics, tokens, ... for people
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_bytes(self) -> bytes:
        return orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        try:
            raw = orjson.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError("this file is not a Hubbub backup (its manifest names no format)")
            if int(raw["format_version"]) > FORMAT_VERSION:
                raise BackupError(
                    f"this backup has format version {raw['format_version']}, newer than this "
                    f"Hubbub reads ({FORMAT_VERSION}): upgrade Hubbub, then restore"
                )
            raw["tables"] = [TableDump(**t) for t in raw["tables"]]
            return cls(**raw)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            raise BackupError("the backup's manifest.json is damaged; use another backup") from None

    def summary(self) -> str:
        parts = [f"{self.counts.get('posts', 0):,} posts"]
        for name in ("topics", "topic_versions", "tokens", "users", "alert_rules", "sources"):
            if self.counts.get(name):
                parts.append(f"{self.counts[name]:,} {name.replace('_', ' ')}")
        if self.with_archive:
            parts.append(f"{self.counts.get('archive_files', 0):,} raw archive files")
        return ", ".join(parts)


def copy_digest(source: IO[bytes], sink: IO[bytes] | None = None) -> dict[str, Any]:
    """Read `source` to its end (copying it to `sink` if given); its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return {"bytes": size, "sha256": digest.hexdigest()}


def file_digest(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return copy_digest(handle)
