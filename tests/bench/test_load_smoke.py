"""bench/load.py runs end to end on a tiny workspace: clients, live ingestion, figures.

Figures are printed by the bench, not asserted; only what must hold at any size is checked:
every dashboard call answered without an error, and the live source's posts reached the store.
"""

import orjson
import pytest

from .conftest import run_bench

CALLS = {"volume", "sentiment", "sov", "hashtags", "terms", "emerging", "authors", "posts"}


@pytest.mark.slow
def test_load_bench_drives_the_api_while_a_source_ingests(tmp_path):
    result = run_bench(
        "load.py",
        *("--posts", "1500", "--clients", "3", "--seconds", "5", "--rate", "40"),
        *("--think", "0.5", "--no-enrich", "--data", str(tmp_path), "--json"),
    )
    figures = orjson.loads(result.stdout)
    assert figures["errors_total"] == 0, figures["first_error"]
    assert figures["requests"] > 0
    assert set(figures["calls"]) >= CALLS
    assert figures["published"] > 0
    assert 0 <= figures["stored"] <= figures["published"]
    assert figures["lag"]["n"] == figures["stored"]
    assert figures["store_posts"] >= 1500
