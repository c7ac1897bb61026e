"""Streaming exports: pages of rows in (created_at, platform, platform_id) order (see
`EmbeddedStore.pages`), written as NDJSON (Hubbub's own format, re-importable), CSV (flat
columns) or Parquet. Memory stays flat whatever the number of rows."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from hubbub.store.embedded import POSTS, EmbeddedStore
from hubbub.store.rows import EXPORT_COLUMNS, row_to_post


def write_export(
    store: EmbeddedStore,
    where: str,
    params: dict[str, Any],
    fmt: str,
    output: Path | None,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Write every matching post to `output` (stdout when None); returns how many."""
    tables = _reported(store.pages(", ".join(EXPORT_COLUMNS), where, params), on_page)
    if fmt == "parquet":
        return _write_parquet(store, tables, output)
    handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        if fmt == "csv":
            return _write_csv(tables, handle)
        return _write_ndjson(tables, handle)
    finally:
        if output:
            handle.close()
        else:
            handle.flush()


def _reported(
    tables: Iterator[pa.Table], on_page: Callable[[int], None] | None
) -> Iterator[pa.Table]:
    for table in tables:
        yield table
        if on_page is not None:
            on_page(table.num_rows)


def _write_ndjson(tables: Iterable[pa.Table], handle: Any) -> int:
    count = 0
    for table in tables:
        buffer = io.StringIO()
        for row in table.to_pylist():
            buffer.write(orjson.dumps(row_to_post(row).to_dict()).decode())
            buffer.write("\n")
            count += 1
        handle.write(buffer.getvalue())
    return count


def _write_csv(tables: Iterable[pa.Table], handle: Any) -> int:
    writer = csv.writer(handle)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for table in tables:
        for row in table.to_pylist():
            writer.writerow([_csv_cell(row[c]) for c in EXPORT_COLUMNS])
            count += 1
    return count


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


def _write_parquet(store: EmbeddedStore, tables: Iterable[pa.Table], output: Path | None) -> int:
    sink: Any = str(output) if output else pa.PythonFile(sys.stdout.buffer, mode="w")
    writer: pq.ParquetWriter | None = None
    count = 0
    try:
        for table in tables:
            if writer is None:
                writer = pq.ParquetWriter(sink, table.schema, compression="zstd")
            writer.write_table(table.cast(writer.schema))
            count += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None and output:  # no rows: still leave a valid, empty file
        columns = ", ".join(EXPORT_COLUMNS)
        pq.write_table(store.arrow(f"SELECT {columns} FROM {POSTS} LIMIT 0"), str(output))
    return count
