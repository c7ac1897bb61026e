"""A damaged raw-archive file: the damage is found and named, every intact frame stays readable."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard
from typer.testing import CliRunner

from hubbub.cli.main import app
from hubbub.store.archive import ArchiveCorrupt, RawArchive, read_archive
from hubbub.store.archive_scan import FRAME_MAGIC, ScanReport, scan_archive

DAY = datetime(2026, 10, 1, tzinfo=UTC)


def three_frames(home: Path) -> tuple[Path, list[int]]:
    """An archive file of three appends (frames); returns it and where each frame starts."""
    archive = RawArchive(home)
    starts = []
    for first in (0, 100, 200):
        path = archive.path_for("src", DAY)
        starts.append(path.stat().st_size if path.exists() else 0)
        archive.append(
            "src", [b'{"n":%d,"pad":"%s"}' % (n, b"x" * n) for n in range(first, first + 100)], DAY
        )
    return path, starts


def numbers(path: Path) -> tuple[list[int], ScanReport]:
    report = ScanReport(path)
    found = [item["n"] for item in scan_archive(path, report)]
    return found, report


def test_a_corrupt_middle_frame_costs_only_its_own_items(tmp_path):
    path, starts = three_frames(tmp_path)
    data = bytearray(path.read_bytes())
    middle = (starts[1] + starts[2]) // 2
    data[middle : middle + 16] = b"\x00" * 16
    path.write_bytes(bytes(data))
    found, report = numbers(path)
    assert found == list(range(100)) + list(range(200, 300))
    assert len(report.damage) == 1 and report.damage[0].start == starts[1]
    assert report.damage[0].end == starts[2] and "corrupt frame" in report.damage[0].reason
    with pytest.raises(ArchiveCorrupt):  # the strict reader still refuses the file
        list(read_archive(path))


def test_a_half_written_frame_followed_by_more_appends_is_skipped(tmp_path):
    path, starts = three_frames(tmp_path)
    data = path.read_bytes()
    cut = data[: starts[1] + (starts[2] - starts[1]) // 2] + data[starts[2] :]
    path.write_bytes(cut)
    found, report = numbers(path)
    assert found == list(range(100)) + list(range(200, 300))
    assert len(report.damage) == 1 and not report.ok


def test_garbage_between_frames_and_a_cut_off_end_are_reported(tmp_path):
    path, starts = three_frames(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: starts[1]] + b"garbage" + data[starts[1] : -5])
    found, report = numbers(path)
    assert found == list(range(200))
    reasons = [d.reason for d in report.damage]
    assert reasons[0] == "not a zstd frame" and "cut off" in reasons[1]


def test_a_flipped_bit_inside_a_frame_is_caught_by_its_checksum(tmp_path):
    path, _ = three_frames(tmp_path)
    data = bytearray(path.read_bytes())
    # The last literal bytes of frame 3 (before its 4-byte checksum): no structure to break.
    data[-6] ^= 0x01
    path.write_bytes(bytes(data))
    found, report = numbers(path)
    assert found == list(range(200)) and len(report.damage) == 1


def test_lines_that_are_not_json_objects_are_counted_not_fatal(tmp_path):
    path = tmp_path / "odd.ndjson.zst"
    body = b'{"n":1}\nnot json\n[1,2]\n{"n":2}\n'
    path.write_bytes(zstandard.ZstdCompressor().compress(body))
    found, report = numbers(path)
    assert found == [1, 2] and report.bad_lines == 2 and not report.ok
    assert path.read_bytes()[:4] == FRAME_MAGIC


def test_archive_verify_names_the_damaged_file_and_exits_1(tmp_path):
    runner = CliRunner()
    path, starts = three_frames(tmp_path)
    good = runner.invoke(app, ["archive", "verify", "--home", str(tmp_path)])
    assert good.exit_code == 0 and "300 items readable; no damage" in good.stdout
    data = bytearray(path.read_bytes())
    data[starts[1] + 10 : starts[1] + 30] = b"\xff" * 20
    path.write_bytes(bytes(data))
    bad = runner.invoke(app, ["archive", "verify", "--home", str(tmp_path)])
    assert bad.exit_code == 1
    assert f"{path}: 200 items readable in 2 frames; damaged 1 region(s)" in bad.stdout
    assert "1 file(s) damaged" in bad.stdout
