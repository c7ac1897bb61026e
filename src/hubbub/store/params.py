"""Encoding of bound query parameters for ClickHouse's ``{name:Type}`` placeholders.

User text only ever reaches SQL through these parameters. ClickHouse reads a parameter's value
in its *escaped* text format (as a TSV field): a backslash starts an escape sequence (``\\t``,
``\\n``, ``\\0``, ``\\xHH``, ``\\N`` …), a trailing backslash is a parse error, and a raw tab or
newline ends the value. So scalar strings have ``\\``, tab, newline, carriage return and NUL
escaped; arrays are ``['a','b']`` literals with ``\\`` and ``'`` escaped inside the quotes.
Every string round-trips exactly: ``SELECT {p:String}`` returns the value given
(tests/store/test_embedded.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# The escaped (TSV) format: backslash first, so the escapes added after it are not doubled.
_SCALAR_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def encode_param(value: Any) -> Any:
    if isinstance(value, list | tuple):
        # Strings and times are quoted inside an array literal; numbers are bare.
        parts = [
            _quote(v if isinstance(v, str) else encode_param(v))
            if isinstance(v, str | datetime)
            else str(encode_param(v))
            for v in value
        ]
        return "[" + ",".join(parts) + "]"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    if isinstance(value, str):
        return value.translate(_SCALAR_ESCAPES)
    return value


def encode_params(params: dict[str, Any] | None) -> dict[str, Any]:
    return {k: encode_param(v) for k, v in (params or {}).items()}
