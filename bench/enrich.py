"""Enrichment throughput: each enricher alone, and the default pipeline inside a real import.

    python bench/enrich.py                 # 100,000 demo posts
    python bench/enrich.py --posts 20000
    python bench/enrich.py --posts 20000 --no-import   # per-enricher figures only

Prints posts/s per enricher (one process, batches of 2,000) and posts per CPU-second (the
figure to compare on a loaded machine: CPU time does not count time spent waiting for a core),
then imports the same posts twice in this run — without enrichment and with the default
enrichers on both cores — and prints both rates, their ratio, and the peak RSS of the importing
process and of the largest worker.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson


def per_enricher(posts: list, batch: int = 2_000) -> None:  # type: ignore[type-arg]
    from hubbub.enrich.pipeline import docs_from_table
    from hubbub.enrich.registry import DEFAULT, FACTORIES
    from hubbub.store.rows import posts_table

    tables = [
        posts_table(posts[i : i + batch], datetime.now(UTC)) for i in range(0, len(posts), batch)
    ]
    docs_batches = [docs_from_table(t) for t in tables]
    total_cpu = 0.0
    for name in DEFAULT:
        enricher = FACTORIES[name]()
        enricher(docs_batches[0][:50])  # load models outside the timing
        started, cpu = time.perf_counter(), time.process_time()
        for docs in docs_batches:
            enricher(docs)
        rate = len(posts) / (time.perf_counter() - started)
        cpu = time.process_time() - cpu
        total_cpu += cpu
        print(
            f"  {name:<11} {enricher.name:<42} {rate:>10,.0f} posts/s"
            f" {len(posts) / cpu:>12,.0f} posts per CPU-second"
        )
    print(f"  all of them, one after another: {len(posts) / total_cpu:,.0f} posts per CPU-second")


def import_rate(lines: list[bytes], enrichers: tuple[str, ...], work: Path) -> tuple[float, object]:
    from hubbub.connectors.importers.detect import get_format
    from hubbub.connectors.importers.pipeline import Importer
    from hubbub.store import open_store

    home = work / ("enriched" if enrichers else "plain")
    store = open_store(home)
    started = time.perf_counter()
    with Importer(store, home, archive=False, enrichers=enrichers) as importer:
        units = ((i, line) for i, line in enumerate(lines, 1))
        importer.import_units(get_format("hubbub"), units, "bench", size=1 << 40)
    seconds = time.perf_counter() - started
    store.close()
    return importer.summary.imported / seconds, importer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--no-import", action="store_true", help="only the per-enricher figures, no import"
    )
    args = parser.parse_args()

    from hubbub.demo import generate
    from hubbub.enrich.registry import DEFAULT

    posts = list(generate(posts=args.posts, seed=args.seed))
    lines = [orjson.dumps(p.to_dict()) for p in posts]
    print(f"{len(posts):,} demo posts")
    print("each enricher alone, one process:")
    per_enricher(posts[: min(len(posts), 40_000)])
    if args.no_import:
        return

    work = Path(tempfile.mkdtemp(prefix="hubbub-bench-enrich-"))
    try:
        plain, _ = import_rate(lines, (), work)
        enriched, importer = import_rate(lines, DEFAULT, work)
        print(f"import without enrichment       {plain:>10,.0f} posts/s")
        print(
            f"import with {','.join(DEFAULT)}: {enriched:>10,.0f} posts/s "
            f"({enriched / plain:.2f}x the plain import in this run)"
        )
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker = importer.peak_batch_rss_kb / 1024  # type: ignore[attr-defined]
        print(f"peak RSS: importing process {own:,.0f} MB, largest worker {worker:,.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
