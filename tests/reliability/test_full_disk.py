"""A full disk during an import: one clear line, a consistent store, and a re-run completes it."""

from __future__ import annotations

import os

import orjson
import pytest

from hubbub.errors import StoreError
from hubbub.store.archive import RawArchive, read_archive

from .conftest import hubbub_cli, inspect_home, resize, write_posts


def test_a_full_disk_while_archiving_keeps_the_archive_readable(small_disk):
    disk = small_disk(1)
    archive = RawArchive(disk / "home")
    archive.append("src", [b'{"n": 1}', b'{"n": 2}'])
    path = archive.files()[0]
    size = path.stat().st_size
    # Incompressible items larger than the disk: the frame cannot be written whole.
    noise = [orjson.dumps({"n": i, "x": os.urandom(3000).hex()}) for i in range(400)]
    with pytest.raises(StoreError, match="free disk space and re-run"):
        archive.append("src", noise)
    assert path.stat().st_size == size  # the half-written frame was cut off
    archive.append("src", [b'{"n": 3}'])  # space again after the failed frame is removed
    assert [item["n"] for item in read_archive(path)] == [1, 2, 3]


@pytest.mark.slow
def test_a_full_disk_during_import_is_one_line_and_a_rerun_completes(small_disk, tmp_path):
    disk = small_disk(3)
    source = tmp_path / "posts.ndjson"
    expected = write_posts(source, 8000)
    home = disk / "home"
    env = {**os.environ, "HUBBUB_IMPORT_BATCH": "1000"}
    failed = hubbub_cli("import", str(source), "--home", str(home), "--no-enrich", env=env)
    assert failed.returncode == 2
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "is full" in lines[0] and "Traceback" not in failed.stderr
    partial = inspect_home(home)
    stored = {tuple(k) for k in partial["keys"]}  # type: ignore[attr-defined]
    assert 0 < len(stored) < len(expected) and stored <= expected
    assert partial["rows"] == len(stored)  # whole batches only, none twice
    resize(disk, 64)
    rerun = hubbub_cli("import", str(source), "--home", str(home), "--no-enrich", env=env)
    assert rerun.returncode == 0, rerun.stderr
    final = inspect_home(home)
    assert {tuple(k) for k in final["keys"]} == expected  # type: ignore[attr-defined]
    assert final["rows"] == len(expected)
