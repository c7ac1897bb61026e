"""The bench scripts still run (tiny sizes): figures are printed by them, never asserted here."""

import pytest

from .conftest import run_bench

RUNS = {
    "ingest.py": ["--posts", "3000"],
    "enrich.py": ["--posts", "2000"],
    "query_lang.py": ["--posts", "5000"],
    "query.py": ["--posts", "20000", "--peers", "none"],
    "streams.py": ["--frames", "500", "--posts", "400"],
}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(RUNS))
def test_bench_script_runs_and_prints_figures(script):
    result = run_bench(script, *RUNS[script], timeout=600)
    assert "/s" in result.stdout or " ms" in result.stdout
