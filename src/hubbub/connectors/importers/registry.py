"""The built-in import formats, registered in detection order: most specific first.

`detect_format` asks each format's `sniff` in this order, so a format whose signature is a
subset of another's must come after it (twarc2's flattened tweet before the v2 response it was
built from; CSV, recognised mostly by file name, last).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubbub.connectors.importers import hubbub_ndjson, twarc2, twitter_v2
from hubbub.connectors.importers.base import ImportFormat

BUILTIN = (
    hubbub_ndjson.FORMAT,
    twarc2.FORMAT,
    twitter_v2.FORMAT,
)

# Formats that take options (`hubbub import --format csv --option text=body`), by name.
CONFIGURERS: dict[str, Callable[[dict[str, Any]], ImportFormat]] = {}
