"""`hubbub export`'s output: the chunks of `hubbub.export` written to a file or stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hubbub.export import export_chunks
from hubbub.store.embedded import EmbeddedStore


def write_export(
    store: EmbeddedStore,
    where: str,
    params: dict[str, Any],
    fmt: str,
    output: Path | None,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Write every matching post to `output` (stdout when None); returns how many."""
    count = 0

    def counted(rows: int) -> None:
        nonlocal count
        count += rows
        if on_page is not None:
            on_page(rows)

    chunks = export_chunks(store, where, params, fmt, counted)
    if output is not None:
        with open(output, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return count
    sys.stdout.flush()
    for chunk in chunks:
        sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.flush()
    return count
