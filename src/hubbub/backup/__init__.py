"""Backup and restore of a workspace home: `hubbub backup OUT.tar[.zst]`, `hubbub restore FILE`.

manifest.py   what a backup holds (version, counts, checksums) and BackupError
container.py  the tar container, plain or zstd-compressed, streamed
create.py     writing a backup while holding the store's owner lock
restore.py    checking a backup against its manifest and rebuilding a home from it
"""

from hubbub.backup.create import create_backup
from hubbub.backup.manifest import BackupError, Manifest
from hubbub.backup.restore import restore_backup

__all__ = ["BackupError", "Manifest", "create_backup", "restore_backup"]
