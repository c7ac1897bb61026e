"""`hubbub import FILE...`: import exports and API responses, with a progress bar.

When a `hubbub serve` owns the store, each file is sent to its `POST /v1/posts` instead (the
server imports it the same way); otherwise the store is opened here.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from hubbub import settings
from hubbub.cli.common import (
    EnrichOption,
    HomeOption,
    enrichers_setting,
    home_path,
    out,
    progress_bar,
    store_for,
)
from hubbub.connectors.importers.detect import get_format
from hubbub.connectors.importers.pipeline import Importer, ImportSummary
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
    from hubbub.api.server_file import running_server

    server = running_server(path)
    if server is not None:
        summary = _import_through_server(server, files, format, options, enrich, as_json)
        if summary.rejects_file:
            summary.rejects_file = str(path / summary.rejects_file)
    else:
        summary = _import_here(path, files, format, options, enrich, as_json)
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


def _import_here(
    path: Path,
    files: list[Path],
    format: str | None,
    options: dict[str, str],
    enrich: bool,
    quiet: bool,
) -> ImportSummary:
    with store_for(path) as store:
        progress = progress_bar("importing", "units", quiet=quiet)
        with (
            progress,
            Importer(
                store,
                path,
                batch_units=int(settings.get("import_batch", path)),
                workers=int(settings.get("import_workers", path)),
                archive=bool(settings.get("archive_raw", path)),
                enrichers=enrichers_setting(path, enrich),
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
    return importer.summary


def _import_through_server(
    server: Any,
    files: list[Path],
    format: str | None,
    options: dict[str, str],
    enrich: bool,
    quiet: bool,
) -> ImportSummary:
    """Each file through the server's POST /v1/posts; the summaries added up.

    A file that is missing or whose format the server cannot tell is, among several, counted
    as rejected and named on stderr (the server's rejects file never hears of it); alone, it is
    the usual one-line error.
    """
    from hubbub.cli.api_client import upload_file

    total = ImportSummary()
    started = time.perf_counter()
    progress = progress_bar("importing through hubbub serve", "bytes", quiet=quiet)
    with progress:
        for file in files:
            try:
                if not file.is_file():
                    raise ImportFailed(f"{file} does not exist or is not a file")
                task = progress.add_task(file.name, total=file.stat().st_size)

                def sent(n: int, task: Any = task) -> None:
                    progress.advance(task, n)

                answer = upload_file(server, file, format, options, enrich, sent)
            except (ImportFailed, ConfigError) as exc:
                if len(files) == 1:
                    raise
                total.files += 1
                total.rejected += 1
                print(f"hubbub: {file}: {exc}", file=sys.stderr)
                continue
            _add(total, answer)
    total.seconds = round(time.perf_counter() - started, 3)
    return total


def _add(total: ImportSummary, answer: dict[str, Any]) -> None:
    for name in ("files", "units", "imported", "duplicates", "rejected", "skipped"):
        setattr(total, name, getattr(total, name) + int(answer.get(name) or 0))
    total.enrich_errors += int(answer.get("enrich_errors") or 0)
    total.first_enrich_error = total.first_enrich_error or answer.get("first_enrich_error")
    total.rejects_file = answer.get("rejects_file") or total.rejects_file
    for name, count in (answer.get("formats") or {}).items():
        total.formats[name] = total.formats.get(name, 0) + int(count)


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
