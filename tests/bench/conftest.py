"""Running a bench script as a user would, for the smoke tests of this folder."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench"


def run_bench(script: str, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """`python bench/<script> <args>`, its output captured; fails the test if it fails."""
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result
