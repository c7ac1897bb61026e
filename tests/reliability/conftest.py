"""Fixtures for the reliability tests: a small disk to fill, generated import files."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).parents[2]
BENCH = ROOT / "bench"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[object]:
    """A factory mounting a tmpfs of a given size (MB) under tmp_path; skips where mount is not
    allowed (not root, no CAP_SYS_ADMIN). Unmounted at the end of the test."""
    mounted: list[Path] = []

    def mount(megabytes: int) -> Path:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {result.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def resize(point: Path, megabytes: int) -> None:
    subprocess.run(
        ["mount", "-o", f"remount,size={megabytes}m", str(point)], check=True, capture_output=True
    )


def write_posts(path: Path, posts: int, seed: int = 3) -> set[tuple[str, str]]:
    """A Hubbub NDJSON file of generated posts; returns their keys."""
    from hubbub.demo import generate

    keys = set()
    with open(path, "wb") as handle:
        for post in generate(posts=posts, seed=seed):
            handle.write(orjson.dumps(post.to_dict()) + b"\n")
            keys.add((post.platform, post.platform_id))
    return keys


def hubbub_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real `hubbub` command in a subprocess (its own chdb session and lock)."""
    return subprocess.run(
        [sys.executable, "-c", "from hubbub.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def inspect_home(home: Path) -> dict[str, object]:
    """Stored keys, row count and archived keys, read in a fresh process (bench/crash.py)."""
    result = subprocess.run(
        [sys.executable, str(BENCH / "crash.py"), "--inspect", str(home)],
        capture_output=True,
        text=True,
        check=True,
    )
    return orjson.loads(result.stdout)  # type: ignore[no-any-return]
