"""Coercion of raw platform values into the types a `Post` holds.

Platforms send counts as ints, floats, numeric strings or display strings ("1.2万", "10+",
"3,456"); ids as ints or strings; prefixed ids ("t3_abc"). Every helper returns None for a
value that is absent or unknowable, never a made-up default.
"""

from __future__ import annotations

import re
from typing import Any

from hubbub.errors import InvalidPost

# Chinese display units: 万 = 10^4, 亿 = 10^8; "w"/"W" is the Latin shorthand for 万 on
# Douyin and Xiaohongshu, "k"/"m" the English ones on TikTok.
_UNITS = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "k": 1_000, "m": 1_000_000}
_COUNT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([万亿wkm]?)\s*\+?$")


def to_int(value: Any, field: str = "count") -> int | None:
    """A count from an int, float, numeric text or display text like "1.2万" or "100万+".

    "100万+" is read as its lower bound (1,000,000): the platform shows no more than that.
    Empty values are None; text that is not a count raises InvalidPost naming `field`.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").lower()
        if not text:
            return None
        m = _COUNT.match(text)
        if m:
            number, unit = m.groups()
            return round(float(number) * _UNITS.get(unit, 1))
    raise InvalidPost(f"{field} {value!r} is not a number")


def to_str(value: Any) -> str | None:
    """An id or text field as a string; None and "" stay None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    return text or None


def strip_prefix(value: Any, *prefixes: str) -> str | None:
    """An id without its type prefix ("t3_abc" → "abc")."""
    text = to_str(value)
    if text is None:
        return None
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix) :] or None
    return text


def dig(data: Any, *path: str | int) -> Any:
    """data[p0][p1]..., or None as soon as a step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
        if data is None:
            return None
    return data
