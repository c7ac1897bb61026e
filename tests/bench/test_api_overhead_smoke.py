"""bench/api_overhead.py runs end to end on a tiny workspace and prints a line per route; the
cached routes answer from the cache. Figures are printed by the bench, never asserted here."""

import pytest

from .conftest import run_bench


@pytest.mark.slow
def test_api_overhead_bench_prints_cpu_per_request(tmp_path):
    result = run_bench(
        "api_overhead.py", "--posts", "1000", "--requests", "20", "--data", str(tmp_path)
    )
    lines: dict[str, str] = {}
    for line in result.stdout.splitlines():
        if line.strip():
            lines.setdefault(line.split()[0], line)  # "breakdown no-cache" comes second
    for route in ("health", "me", "breakdown", "posts"):
        assert route in lines, result.stdout
    assert lines["breakdown"].endswith("hit") and lines["posts"].endswith("hit"), result.stdout
