"""Streaming exports shared by `hubbub export` and the API: pages of rows in (created_at,
platform, platform_id) order (see `EmbeddedStore.pages`) turned into chunks of bytes — NDJSON
(Hubbub's own format, re-importable), CSV (flat columns) or Parquet (one row group per page).
Memory stays flat whatever the number of rows, and there is no row cap."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from hubbub.errors import ConfigError
from hubbub.store.embedded import POSTS
from hubbub.store.rows import EXPORT_COLUMNS, row_to_post

FORMATS = {
    "ndjson": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def export_chunks(
    store: Any,
    where: str,
    params: dict[str, Any],
    fmt: str,
    on_page: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """Every matching post as chunks of `fmt` bytes, one or more per page of rows."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; use {', '.join(FORMATS)}")
    tables = _reported(store.pages(", ".join(EXPORT_COLUMNS), where, params), on_page)
    if fmt == "parquet":
        # An empty export is still a valid Parquet file, with the columns' schema.
        def empty() -> pa.Schema:
            return store.arrow(f"SELECT {', '.join(EXPORT_COLUMNS)} FROM {POSTS} LIMIT 0").schema

        return parquet_chunks(tables, empty)
    return csv_chunks(tables) if fmt == "csv" else ndjson_chunks(tables)


def _reported(
    tables: Iterator[pa.Table], on_page: Callable[[int], None] | None
) -> Iterator[pa.Table]:
    for table in tables:
        yield table
        if on_page is not None:
            on_page(table.num_rows)


def ndjson_chunks(tables: Iterable[pa.Table]) -> Iterator[bytes]:
    for table in tables:
        yield b"".join(
            orjson.dumps(row_to_post(row).to_dict()) + b"\n" for row in table.to_pylist()
        )


def csv_chunks(tables: Iterable[pa.Table]) -> Iterator[bytes]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for table in tables:
        for row in table.to_pylist():
            writer.writerow([_csv_cell(row[c]) for c in EXPORT_COLUMNS])
        yield _drain(buffer).encode("utf-8")
    if buffer.tell():
        yield _drain(buffer).encode("utf-8")


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list) and value and isinstance(value[0], tuple):  # a map column
        return orjson.dumps(dict(value)).decode()
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return value


class _Sink(io.RawIOBase):
    """A write-only file that keeps what was written until it is taken (for streaming)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def parquet_chunks(tables: Iterable[pa.Table], empty: Callable[[], pa.Schema]) -> Iterator[bytes]:
    sink = _Sink()
    writer: pq.ParquetWriter | None = None
    for table in tables:
        if writer is None:
            writer = pq.ParquetWriter(
                pa.PythonFile(sink, mode="w"), table.schema, compression="zstd"
            )
        writer.write_table(table.cast(writer.schema))
        yield sink.take()
    if writer is None:
        writer = pq.ParquetWriter(pa.PythonFile(sink, mode="w"), empty(), compression="zstd")
    writer.close()
    yield sink.take()
