"""`hubbub archive verify`: read every raw-archive file through, report damage, keep going."""

from __future__ import annotations

from typing import Annotated

import typer

from hubbub.cli.common import HomeOption, home_path, out
from hubbub.store.archive import RawArchive
from hubbub.store.archive_scan import ScanReport, scan_archive

archive_app = typer.Typer(no_args_is_help=True, help="The raw archive of imported items.")


def register(app: typer.Typer) -> None:
    app.add_typer(archive_app, name="archive")


@archive_app.command("verify")
def verify(
    source: Annotated[
        str | None, typer.Option("--source", help="Only this source's folder (e.g. hubbub).")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Check every archive file frame by frame; name each damaged one and what is still
    readable. Exit code 1 when anything is damaged."""
    path = home_path(home)
    files = RawArchive(path).files(source)
    reports = []
    for file in files:
        report = ScanReport(file)
        for _ in scan_archive(file, report):
            pass
        reports.append(report)
        if not report.ok:
            out.print(report.describe(), highlight=False, soft_wrap=True)
    damaged = [r for r in reports if not r.ok]
    items = sum(r.items for r in reports)
    line = f"Checked {len(reports):,} archive file(s): {items:,} items readable"
    if damaged:
        out.print(
            f"{line}; {len(damaged):,} file(s) damaged (listed above). Their intact frames "
            "stay readable; the posts already stored are not affected.",
            highlight=False,
        )
        raise typer.Exit(1)
    out.print(f"{line}; no damage.", highlight=False)
