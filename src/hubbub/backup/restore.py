"""Rebuilding a workspace home from a backup.

Everything is first restored into a staging directory next to the home (same filesystem, so
the final step is a few renames): each member is checked against the manifest's size and
SHA-256 as it streams out of the tar, the store is created with this Hubbub's schema and each
exported table loaded into it by column name, and its row count compared with the manifest.
Only then is the home touched, so a damaged or incomplete backup leaves the home as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from hubbub.backup.container import extract_member, safe_member_path, tar_reader
from hubbub.backup.manifest import MANIFEST_NAME, BackupError, Manifest, TableDump
from hubbub.errors import StoreLocked
from hubbub.store.embedded import DATABASE, EmbeddedStore, open_store

MAX_MANIFEST_BYTES = 64 << 20


def restore_backup(backup: Path, home: Path, force: bool = False) -> Manifest:
    """Restore `backup` into `home`; refuses a non-empty home unless `force` (which replaces it)."""
    backup, home = Path(backup).resolve(), Path(home).resolve()
    if backup.is_relative_to(home):
        raise BackupError(f"{backup} is inside the home it would replace: move it out first")
    _check_target(home, force)
    staging = home.parent / f".{home.name}.restore-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        manifest = _extract(backup, staging)
        with open_store(staging) as store:
            for table in manifest.tables:
                _load_table(store, staging, table)
        for table in manifest.tables:
            (staging / table.member).unlink()
        _remove_empty_dirs(staging / "store-export")
        _swap_in(staging, home)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_target(home: Path, force: bool) -> None:
    if home.exists() and not home.is_dir():
        raise BackupError(f"{home} is a file, not a workspace home directory")
    if home.exists() and any(home.iterdir()):
        if not force:
            raise BackupError(
                f"{home} is not empty: restore into a new or empty directory, or add --force "
                "to replace everything it holds"
            )
        from hubbub.api.server_file import running_server

        server = running_server(home)
        if server is not None:
            raise BackupError(
                f"`hubbub serve` (pid {server.pid}) runs on {home}: stop it before restoring"
            )
        _check_not_owned(home)


def _check_not_owned(home: Path) -> None:
    lock = home / "store.lock"
    if not lock.exists():
        return
    with open(lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            raise StoreLocked(
                f"the store in {home} is in use by {owner}: stop it before restoring"
            ) from None
        fcntl.flock(handle, fcntl.LOCK_UN)


def _extract(backup: Path, staging: Path) -> Manifest:
    manifest: Manifest | None = None
    seen: set[str] = set()
    with tar_reader(backup) as tar:
        for member in tar:
            if manifest is None:
                if member.name != MANIFEST_NAME or not member.isfile():
                    raise BackupError(f"{backup} is not a Hubbub backup (no manifest first)")
                if member.size > MAX_MANIFEST_BYTES:
                    raise BackupError(f"{backup} has an oversized manifest; it is not a backup")
                handle = tar.extractfile(member)
                manifest = Manifest.from_bytes(handle.read() if handle else b"")
                continue
            expected = manifest.files.get(member.name)
            if expected is None:
                raise BackupError(
                    f"{backup} holds {member.name!r}, which its manifest does not list"
                )
            target = safe_member_path(staging, member)
            if extract_member(tar, member, target) != expected:
                raise BackupError(
                    f"{member.name} in {backup} does not match its checksum: the backup is "
                    "damaged; use another copy"
                )
            seen.add(member.name)
    if manifest is None:
        raise BackupError(f"{backup} is empty: it is not a Hubbub backup")
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise BackupError(
            f"{backup} is incomplete: {len(missing)} file(s) missing, first {missing[0]}; "
            "use another copy"
        )
    return manifest


def _load_table(store: EmbeddedStore, staging: Path, table: TableDump) -> None:
    current = {
        r["name"]
        for r in store.rows(
            "SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}",
            {"db": DATABASE, "t": table.name},
        )
    }
    if not current:
        raise BackupError(
            f"the backup holds table {table.name}, which this Hubbub's store does not have: "
            "restore with the Hubbub version that wrote it"
        )
    unknown = [name for name, _ in table.columns if name not in current]
    if unknown:
        raise BackupError(
            f"the backup's {table.name} has column(s) {', '.join(unknown)} this Hubbub does not "
            f"know (backup from Hubbub newer than this one?): upgrade Hubbub, then restore"
        )
    # By name, so a backup from an older schema loads into a newer one (new columns get defaults).
    names = ", ".join(f"`{name}`" for name, _ in table.columns)
    path = str(staging / table.member).replace("\\", "\\\\").replace("'", "\\'")
    store.execute(
        f"INSERT INTO {DATABASE}.`{table.name}` ({names}) "
        f"SELECT {names} FROM file('{path}', Native)"
    )
    loaded = int(store.scalar(f"SELECT count() AS n FROM {DATABASE}.`{table.name}`"))
    if loaded != table.rows:
        raise BackupError(
            f"restoring {table.name} loaded {loaded:,} rows, the backup's manifest says "
            f"{table.rows:,}: the home was not changed"
        )


def _remove_empty_dirs(path: Path) -> None:
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()


def _swap_in(staging: Path, home: Path) -> None:
    """Replace the home's content with the staging directory's (renames, same filesystem)."""
    if not home.exists():
        staging.rename(home)
        return
    for entry in list(home.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in list(staging.iterdir()):
        entry.rename(home / entry.name)
