"""`csv`: CSV (or TSV) with a header row, mapped to posts through a column mapping.

The mapping says which column holds each Post field: `{"text": "body", "created_at": "date",
"platform_id": "id", "author.handle": "user"}`. Columns already named after a field
(`platform_id`, `author.handle`, or `author_handle`) need no mapping. `platform` may name a
column or, if no column has that name, be the platform of every row.

A unit is the header line plus one record (records may span lines inside quotes), so each unit
parses on its own in a worker; the raw item is the record as a `{column: value}` dict. Bytes
are decoded per record: a record that is not valid in the file's encoding (UTF-8 by default,
BOM tolerated) is one reject, not the end of the import. A configured format is built from
`functools.partial`s of module-level functions so it pickles into worker processes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import fields
from functools import partial
from typing import Any, BinaryIO

from hubbub.connectors.importers.base import ImportFormat, Unit
from hubbub.connectors.importers.values import to_int
from hubbub.errors import ConfigError, ImportFailed, InvalidPost
from hubbub.models import Author, Media, Metrics, Post, parse_time

NAME = "csv"
_BOM = b"\xef\xbb\xbf"
_NESTED = {"author": Author, "metrics": Metrics}
_LISTS = ("hashtags", "mentions", "urls")
_SKIP = ("author", "metrics", "media")
FIELDS = tuple(
    [f.name for f in fields(Post) if f.name not in _SKIP]
    + [f"{group}.{f.name}" for group, cls in _NESTED.items() for f in fields(cls)]
)
_INT_FIELDS = {f"metrics.{f.name}" for f in fields(Metrics)} | {
    "author.followers",
    "author.following",
}
_SETTINGS = ("delimiter", "encoding")
# Columns of `hubbub export --format csv` (hubbub.store.rows.EXPORT_COLUMNS) that are not named
# after a Post field; a header with all of _EXPORT_MARKERS is read as Hubbub's own export.
_EXPORT_ALIASES = {f"metrics.{f.name}": f.name for f in fields(Metrics)}
_EXPORT_MARKERS = ("platform", "platform_id", "created_at", "engagement", "media_types")
_UNSTRIPPED = ("text", "title")  # leading/trailing whitespace there is the post's own


def sniff(sample: bytes, name: str) -> bool:
    if name.endswith((".csv", ".tsv")):
        return True
    header = sample.split(b"\n", 1)[0]
    return b"," in header and b"text" in header.lower() and not header.startswith((b"{", b"["))


def units(stream: BinaryIO, mapping: dict[str, str] | None = None) -> Iterator[Unit]:
    """Header + one record per unit; checks the mapping against the header first."""
    header: bytes | None = None
    record: list[bytes] = []
    start = 0
    quotes = 0
    for lineno, raw in enumerate(stream, 1):
        if header is None:
            raw = raw.removeprefix(_BOM) if lineno == 1 else raw
            if not raw.strip():
                continue
            header = raw.rstrip(b"\r\n")
            if mapping is not None:
                _check_header(header, mapping)
            continue
        if not record:
            if not raw.strip():
                continue
            start = lineno
        record.append(raw)
        # An odd number of quotes so far means a quoted field continues on the next line.
        quotes += raw.count(b'"')
        if quotes % 2 == 0:
            yield start, header + b"\n" + b"".join(record).rstrip(b"\r\n")
            record, quotes = [], 0
    if record and header is not None:
        yield start, header + b"\n" + b"".join(record).rstrip(b"\r\n")


def _check_header(header: bytes, mapping: dict[str, str]) -> None:
    text = header.decode("utf-8", errors="replace")
    delimiter = "\t" if "\t" in text and "," not in text else ","
    try:
        columns = next(csv.reader([text], delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFailed(f"the CSV header cannot be read ({exc})") from None
    for target, column in mapping.items():
        if column not in columns and target != "platform":
            raise ConfigError(
                f"column {column!r} (for {target}) is not in the CSV header: {', '.join(columns)}"
            )


def parse(unit: bytes, delimiter: str | None = None, encoding: str = "utf-8") -> list[dict]:
    try:
        text = unit.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InvalidPost(
            f"not valid {encoding} at byte {exc.start}; pass the file's encoding "
            "(e.g. --option encoding=gb18030)"
        ) from None
    if delimiter is None:
        head = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in head and "," not in head else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:  # e.g. a bare carriage return inside an unquoted field
        raise InvalidPost(f"malformed CSV record ({exc})") from None
    if len(rows) != 2:
        raise InvalidPost("malformed CSV record (unbalanced quotes?)")
    header, values = rows
    if len(values) != len(header):
        raise InvalidPost(f"record has {len(values)} fields, the header {len(header)}")
    return [dict(zip(header, values, strict=True))]


def map_row(row: dict[str, Any], mapping: dict[str, str] | None = None) -> Post:
    """Build a Post from a `{column: value}` row through `mapping` (field → column).

    A row of Hubbub's own CSV export (`hubbub export --format csv`) is read back losslessly:
    `likes`…`views` are the metrics, list columns are space-joined (an empty cell is `[]`),
    `media_types`/`media_urls` are the media; derived and enrichment columns are ignored
    (they are recomputed on import).
    """
    values: dict[str, Any] = {}
    mapping = mapping or {}
    export = all(c in row for c in _EXPORT_MARKERS)
    for target in FIELDS:
        column = mapping.get(target)
        if column is None:
            names = (target, target.replace(".", "_"), _EXPORT_ALIASES.get(target, target))
            column = next((c for c in names if c in row), None)
        if column is None:
            continue
        if column not in row:
            if target == "platform":
                values["platform"] = column  # a constant: no column has that name
            continue
        raw = row[column]
        value = raw.strip() if isinstance(raw, str) else raw
        if value not in (None, ""):
            values[target] = raw if target in _UNSTRIPPED else _convert(target, value, export)
        elif export and target in _LISTS:
            values[target] = []  # the export writes a stored empty list as an empty cell
    missing = [f for f in ("platform", "platform_id", "created_at") if f not in values]
    if missing:
        raise InvalidPost(
            f"empty or unmapped {', '.join(missing)}; map them with --option field=column "
            "(platform may be a constant: platform=weibo)"
        )
    source = values.pop("source", None) or f"import:{NAME}"
    nested: dict[str, dict[str, Any]] = {group: {} for group in _NESTED}
    for key in [k for k in values if "." in k]:
        group, name = key.split(".", 1)
        nested[group][name] = values.pop(key)
    return Post(
        **values,
        author=Author(**nested["author"]),
        metrics=Metrics(**nested["metrics"]),
        media=_export_media(row) if export else [],
        source=source,
    )


def _export_media(row: dict[str, Any]) -> list[Media]:
    types = (row.get("media_types") or "").split()
    urls = (row.get("media_urls") or "").split(" ")
    if len(urls) != len(types):
        urls = [""] * len(types)
    return [Media(type=t, url=u or None) for t, u in zip(types, urls, strict=True)]


def _convert(target: str, value: str, export: bool = False) -> Any:
    if target in ("created_at", "collected_at"):
        return parse_time(int(value) if value.isdigit() else value)
    if target in _INT_FIELDS:
        return to_int(value, target)
    if target == "author.verified":
        return value.lower() in ("1", "true", "yes", "y", "t")
    if target == "rating":
        try:
            return float(value)
        except ValueError:
            raise InvalidPost(f"rating {value!r} is not a number") from None
    if target in _LISTS:
        separator = "," if "," in value and not export else " "
        return [v.strip().lstrip("#@") for v in value.split(separator) if v.strip()]
    return value


def configure(options: dict[str, Any]) -> ImportFormat:
    """A csv format for `options`: Post field → column, plus `delimiter` and `encoding`."""
    options = dict(options)
    settings = {k: options.pop(k) for k in _SETTINGS if k in options}
    unknown = [k for k in options if k not in FIELDS]
    if unknown:
        raise ImportFailed(
            f"unknown CSV option(s) {', '.join(unknown)}; map Post fields: {', '.join(FIELDS)}"
        )
    delimiter = settings.get("delimiter")
    if delimiter in ("tab", "\\t"):
        delimiter = "\t"
    mapping = {k: str(v) for k, v in options.items()}
    return ImportFormat(
        name=NAME,
        description=FORMAT.description,
        sniff=sniff,
        units=partial(units, mapping=mapping),
        parse=partial(parse, delimiter=delimiter, encoding=settings.get("encoding", "utf-8")),
        map=partial(map_row, mapping=mapping),
        platform=mapping.get("platform"),
        options=dict(options) | settings,
    )


def parse_options(text: str) -> dict[str, str]:
    """`"text=body,created_at=date"` → `{"text": "body", "created_at": "date"}`."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ImportFailed(f"CSV option {part!r} is not field=column")
        out[key.strip()] = value.strip()
    return out


FORMAT = ImportFormat(
    name=NAME,
    description="CSV/TSV with a header; columns mapped to Post fields (--option field=column)",
    sniff=sniff,
    units=units,
    parse=parse,
    map=map_row,
)
