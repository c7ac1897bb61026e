"""Encoding of bound query parameters for ClickHouse's ``{name:Type}`` placeholders.

User text only ever reaches SQL through these parameters. ClickHouse reads a parameter's value
in its text format: scalars as they are, arrays as ``['a','b']`` literals with ``\\`` and ``'``
escaped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def encode_param(value: Any) -> Any:
    if isinstance(value, list | tuple):
        parts = [_quote(v) if isinstance(v, str) else str(encode_param(v)) for v in value]
        return "[" + ",".join(parts) + "]"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return value


def encode_params(params: dict[str, Any] | None) -> dict[str, Any]:
    return {k: encode_param(v) for k, v in (params or {}).items()}
