"""The contract every file format implements, and the registry that auto-detects formats.

A format turns a file into *units* (a line of NDJSON, a CSV row, a whole JSON document), each
unit into self-contained *raw items* (one per post, carrying what its mapping needs, e.g. a tweet
with its author joined in from `includes.users`), and each raw item into a `Post` with a pure
`map`. Raw items are what the raw archive keeps, so a fixed mapping can be re-run later.

Units are split in the importing process (cheap, streaming, constant memory); `parse` and `map`
run in worker processes, so they must be plain module-level functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from hubbub.models import Post

Unit = tuple[int, bytes]
"""(1-based line number where the unit starts, its bytes)."""


@dataclass(frozen=True)
class ImportFormat:
    name: str
    description: str
    # Does this format recognise the file? Gets the first unit's bytes (the first non-empty line,
    # or the start of the document) and the lower-cased file name.
    sniff: Callable[[bytes, str], bool]
    # Streams the units of a (decompressed) binary stream.
    units: Callable[[BinaryIO], Iterator[Unit]]
    # One unit → its raw items; raises InvalidPost (or ValueError) when the unit is malformed.
    parse: Callable[[bytes], list[dict[str, Any]]]
    # One raw item → one Post, or None for items that are not posts (e.g. a deleted-tweet notice).
    # Pure: no I/O, no clock except what the item carries. Raises InvalidPost when malformed.
    map: Callable[[dict[str, Any]], Post | None]
    platform: str | None = None
    # Optional fast path: all raw items of a batch → (store rows of those it takes, their
    # indices, indices of the rest), without a Post per item; the rest go through `map`.
    map_columns: (
        Callable[[list[dict[str, Any]], datetime], tuple[Any, list[int], list[int]]] | None
    ) = None
    # Optional, with map_columns: all units of a batch at once → one raw item per unit, or None
    # when any unit needs `parse` (then every unit of the batch goes through it).
    parse_many: Callable[[list[bytes]], list[dict[str, Any]] | None] | None = None
    options: dict[str, Any] = field(default_factory=dict)


_REGISTRY: dict[str, ImportFormat] = {}


def register(fmt: ImportFormat) -> ImportFormat:
    if fmt.name in _REGISTRY:
        raise ValueError(f"import format {fmt.name!r} registered twice")
    _REGISTRY[fmt.name] = fmt
    return fmt


def formats() -> dict[str, ImportFormat]:
    """All registered formats, in detection order."""
    import hubbub.connectors.importers.registry  # noqa: F401  (registers the built-ins)

    return dict(_REGISTRY)
