"""`hubbub import FILE...`: import exports and API responses, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from hubbub import settings
from hubbub.cli.common import (
    EnrichOption,
    HomeOption,
    home_path,
    out,
    progress_bar,
    store_for,
)
from hubbub.connectors.importers.detect import get_format
from hubbub.connectors.importers.pipeline import Importer
from hubbub.errors import ConfigError, ImportFailed


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)


def import_files(
    files: Annotated[list[Path], typer.Argument(help="Files to import (.zst and .gz too).")],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Skip detection: hubbub, csv, twitter_v2, twarc2, "
            "weibo, reddit, pushshift, zeeschuimer.",
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            help="Format option KEY=VALUE, e.g. for csv: "
            "-o text=body -o platform=news. Repeatable, or comma-separated: "
            "-o 'text=body,platform=news'.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
    enrich: EnrichOption = True,
    home: HomeOption = None,
) -> None:
    """Import files; re-importing is safe: posts already stored count as duplicates.

    With several files, a file that is missing or whose format cannot be told is one reject
    (line 0) and the others are still imported; the run exits 0 with the summary. A single
    such file is a one-line error (exit 2).
    """
    options = _parse_options(option or [])
    if options and not format:
        raise ConfigError("--option needs --format: say which format the options are for")
    if format:
        get_format(format, **options)  # an unknown format or option fails before any work
    path = home_path(home)
    with store_for(path) as store:
        progress = progress_bar("importing", "units", quiet=as_json)
        with (
            progress,
            Importer(
                store,
                path,
                batch_units=int(settings.get("import_batch", path)),
                workers=int(settings.get("import_workers", path)),
                archive=bool(settings.get("archive_raw", path)),
            ) as importer,
        ):
            for file in files:
                task = progress.add_task(file.name, total=None)
                importer.on_progress = lambda n, task=task: progress.advance(task, n)
                try:
                    importer.import_file(file, format, **options)
                except ImportFailed as exc:
                    if len(files) == 1:
                        raise
                    importer.reject_file(str(file), str(exc))
        summary = importer.summary
    if as_json:
        out.print(orjson.dumps(summary.to_dict()).decode(), highlight=False)
        return
    line = (
        f"Imported {summary.imported:,} posts, {summary.duplicates:,} duplicates, "
        f"{summary.rejected:,} rejected"
    )
    if summary.skipped:
        line += f", {summary.skipped:,} items that are not posts skipped"
    out.print(line + f" from {summary.files} file(s) in {summary.seconds:.1f} s.")
    if summary.enrich_errors:
        out.print(
            f"Enrichment failed on {summary.enrich_errors:,} posts (stored without those "
            f"fields; re-run with `hubbub reenrich`). First: {summary.first_enrich_error}"
        )
    if summary.rejects_file:
        out.print(f"Rejected lines and reasons: {summary.rejects_file}")


def _parse_options(pairs: list[str]) -> dict[str, str]:
    """`-o k=v` pairs, each of which may hold several comma-separated pairs (`k=v,k2=v2`).

    A comma followed by text without `=` belongs to the previous value, so a value may hold
    commas (`-o delimiter=,` or `-o platform=a,b` are kept whole when unambiguous).
    """
    options: dict[str, str] = {}
    for pair in pairs:
        parts = pair.split(",")
        merged: list[str] = []
        for part in parts:
            if merged and "=" not in part:
                merged[-1] += "," + part
            else:
                merged.append(part)
        for item in merged:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise ConfigError(f"--option {pair!r} must be KEY=VALUE (or KEY=VALUE,KEY=VALUE)")
            options[key.strip()] = value
    return options
