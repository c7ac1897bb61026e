"""`hubbub backup OUT.tar[.zst]` and `hubbub restore FILE`: save and rebuild a workspace home."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from hubbub.backup import create_backup, restore_backup
from hubbub.cli.common import HomeOption, home_path, out


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def _embedded_only(path: Path, action: str) -> None:
    """Backups hold the embedded store; a workspace on a ClickHouse server (the `store`
    setting) would otherwise get an empty embedded store made, saved or restored instead."""
    from hubbub.errors import ConfigError
    from hubbub.store import is_embedded, store_url

    chosen = store_url(path)
    if not is_embedded(chosen):
        from hubbub.store.server import redact

        raise ConfigError(
            f"hubbub {action} covers the embedded store only, and this workspace's store is "
            f"{redact(chosen)}: back that up with ClickHouse's own BACKUP (docs/scale-out.md)"
        )


def backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write: *.tar or *.tar.zst.")],
    with_archive: Annotated[
        bool, typer.Option("--with-archive", help="Include the raw archive (can be large).")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Back up the workspace: store, topics, tokens, alert rules, source cursors, enrichment
    state and hubbub.toml. Needs the store to itself: stop `hubbub serve` first."""
    started = time.perf_counter()
    path = home_path(home)
    _embedded_only(path, "backup")
    manifest = create_backup(path, file, with_archive=with_archive)
    size = file.stat().st_size / 1e6
    out.print(
        f"Backed up {manifest.summary()} to {file} ({size:,.1f} MB) in "
        f"{time.perf_counter() - started:.1f} s.",
        highlight=False,
    )


def restore(
    file: Annotated[Path, typer.Argument(help="Backup file written by `hubbub backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the content of a non-empty home.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Restore a backup into the workspace home (a new or empty one unless --force); every file
    is checked against the backup's manifest before the home is touched."""
    target = home_path(home)
    _embedded_only(target, "restore")
    manifest = restore_backup(file, target, force=force)
    out.print(
        f"Restored {manifest.summary()} into {target} from the backup of "
        f"{manifest.created_at} (Hubbub {manifest.hubbub_version}); checksums verified.",
        highlight=False,
    )
