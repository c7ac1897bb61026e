"""bench/alerts.py still runs (tiny sizes); its figures are printed by it, never asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "alerts.py"


@pytest.mark.slow
def test_bench_alerts_runs_and_prints_figures():
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--part",
            "planted,latency",
            "--repeats",
            "1",
            "--weeks",
            "3",
            "--rate",
            "100",
            "--seconds",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "recall" in result.stdout and "posts/s" in result.stdout
