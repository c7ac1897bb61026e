"""kill -9 during `hubbub import`, then re-run: nothing lost, nothing twice (bench/crash.py)."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from .conftest import BENCH


def crash_figures(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, str(BENCH / "crash.py"), "--json", *args],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return orjson.loads(result.stdout)  # type: ignore[no-any-return]


def assert_nothing_lost_or_doubled(figures: dict[str, object], kills: int) -> None:
    assert figures["kills"] == kills
    assert figures["failed_runs"] == 0, figures["first_failure"]
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0
    assert figures["unexpected"] == 0
    assert figures["unarchived"] == 0


def test_a_kill_then_a_complete_run_store_exactly_the_file():
    figures = crash_figures("--kills", "1", "--posts", "600", "--batch", "100", "--seed", "1")
    assert_nothing_lost_or_doubled(figures, 1)


@pytest.mark.slow
def test_five_random_kills_lose_and_double_nothing():
    figures = crash_figures("--kills", "5", "--posts", "2000", "--batch", "200", "--seed", "5")
    assert_nothing_lost_or_doubled(figures, 5)


@pytest.mark.slow
def test_kills_during_enrichment_lose_and_double_nothing():
    figures = crash_figures(
        "--kills", "3", "--posts", "800", "--batch", "200", "--seed", "8", "--enrich"
    )
    assert_nothing_lost_or_doubled(figures, 3)
