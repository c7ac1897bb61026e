"""Payloads as bytes, for a bus that leaves the process (bus/nats.py).

The stages send three kinds of payload, and each has one encoding, named by its first byte:

    A  an Arrow table of rows (raw, enriched and stored posts)      Arrow IPC stream
    M  matched rows: (rows, topics of each row, newest time)        Arrow IPC of the rows, with
                                                                     the topics and time as JSON
                                                                     in the schema's metadata
    J  anything else JSON can carry (alerts, control messages)      JSON (orjson)

Rows travel as Arrow rather than JSON so that timestamps, lists and nulls come back with their
types; the store's schema is used for matched rows whenever the rows have its columns.
"""

from __future__ import annotations

from typing import Any

import orjson
import pyarrow as pa

from hubbub.store.rows import SCHEMA

_TABLE = b"A"
_MATCHED = b"M"
_JSON = b"J"
_MATCHES_KEY = b"hubbub.matches"


class PayloadError(ValueError):
    """Bytes on the bus that are not a payload this version of Hubbub wrote."""


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    if rows and set(rows[0]) == set(SCHEMA.names):
        return pa.Table.from_pylist(rows, schema=SCHEMA)
    return pa.Table.from_pylist(rows)


def encode(payload: Any) -> bytes:
    if isinstance(payload, pa.Table):
        return _TABLE + _ipc(payload)
    if _is_matched(payload):
        rows, matches, newest = payload
        table = _rows_table(rows)
        meta = orjson.dumps({"matches": matches, "newest": newest})
        return _MATCHED + _ipc(table.replace_schema_metadata({_MATCHES_KEY: meta}))
    try:
        return _JSON + orjson.dumps(payload)
    except TypeError as exc:
        raise PayloadError(f"cannot send a {type(payload).__name__} on the bus: {exc}") from exc


def decode(data: bytes) -> Any:
    kind, body = data[:1], data[1:]
    if kind == _TABLE:
        return pa.ipc.open_stream(body).read_all()
    if kind == _MATCHED:
        table = pa.ipc.open_stream(body).read_all()
        meta = orjson.loads((table.schema.metadata or {})[_MATCHES_KEY])
        # Topic keys are (workspace, topic) tuples: JSON turned them into lists.
        matches = [[tuple(key) for key in keys] for keys in meta["matches"]]
        rows = table.replace_schema_metadata(None).to_pylist()
        return rows, matches, meta["newest"]
    if kind == _JSON:
        return orjson.loads(body)
    raise PayloadError(f"unknown payload kind {kind!r}: is another program publishing here?")


def _is_matched(payload: Any) -> bool:
    return (
        isinstance(payload, tuple)
        and len(payload) == 3
        and isinstance(payload[0], list)
        and isinstance(payload[1], list)
    )
