"""The built-in import formats, registered in detection order: most specific first.

`detect_format` asks each format's `sniff` in this order, so a format whose signature is a
subset of another's must come after it: twarc2's flattened tweet (a tweet with `author`) before
Hubbub's own lines and v2 responses, Pushshift's flat objects after the listing envelope, and
CSV, recognised by its file name and header, last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubbub.connectors.importers import (
    csvfile,
    hubbub_ndjson,
    pushshift,
    reddit,
    twarc2,
    twitter_v2,
    weibo,
    zeeschuimer,
)
from hubbub.connectors.importers.base import ImportFormat, register

BUILTIN = (
    zeeschuimer.FORMAT,
    hubbub_ndjson.FORMAT,
    twarc2.FORMAT,
    weibo.FORMAT,
    twitter_v2.FORMAT,
    reddit.FORMAT,
    pushshift.FORMAT,
    csvfile.FORMAT,
)
for _fmt in BUILTIN:
    register(_fmt)  # here, not in each module, so the registry's order is BUILTIN's

# Formats that take options (`hubbub import --format csv --option text=body`), by name.
CONFIGURERS: dict[str, Callable[[dict[str, Any]], ImportFormat]] = {
    csvfile.NAME: csvfile.configure,
}
