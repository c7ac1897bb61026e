"""Streaming exports: pages of rows in (created_at, platform, platform_id) order (see
`EmbeddedStore.pages`), written as NDJSON (Hubbub's own format, re-importable), CSV (flat
columns) or Parquet."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from hubbub.store.embedded import POSTS, EmbeddedStore
from hubbub.store.rows import EXPORT_COLUMNS, row_to_post


def pages(store: EmbeddedStore, where: str, params: dict[str, Any]) -> Iterator[pa.Table]:
    return store.pages(", ".join(EXPORT_COLUMNS), where, params)


def write_export(
    store: EmbeddedStore, where: str, params: dict[str, Any], fmt: str, output: Path | None
) -> int:
    if fmt == "parquet":
        return _write_parquet(store, where, params, output)
    handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        if fmt == "csv":
            return _write_csv(store, where, params, handle)
        return _write_ndjson(store, where, params, handle)
    finally:
        if output:
            handle.close()
        else:
            handle.flush()


def _write_ndjson(store: EmbeddedStore, where: str, params: dict[str, Any], handle: Any) -> int:
    count = 0
    for table in pages(store, where, params):
        buffer = io.StringIO()
        for row in table.to_pylist():
            buffer.write(orjson.dumps(row_to_post(row).to_dict()).decode())
            buffer.write("\n")
            count += 1
        handle.write(buffer.getvalue())
    return count


def _write_csv(store: EmbeddedStore, where: str, params: dict[str, Any], handle: Any) -> int:
    writer = csv.writer(handle)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for table in pages(store, where, params):
        for row in table.to_pylist():
            writer.writerow([_csv_cell(row[c]) for c in EXPORT_COLUMNS])
            count += 1
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return value


def _write_parquet(
    store: EmbeddedStore, where: str, params: dict[str, Any], output: Path | None
) -> int:
    sink: Any = str(output) if output else pa.PythonFile(sys.stdout.buffer, mode="w")
    writer: pq.ParquetWriter | None = None
    count = 0
    try:
        for table in pages(store, where, params):
            if writer is None:
                writer = pq.ParquetWriter(sink, table.schema, compression="zstd")
            writer.write_table(table.cast(writer.schema))
            count += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None and output:  # no rows: still leave a valid, empty file
        columns = ", ".join(EXPORT_COLUMNS)
        empty = store.arrow(f"SELECT {columns} FROM {POSTS} LIMIT 0")
        pq.write_table(empty, str(output))
    return count
