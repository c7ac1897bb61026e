"""Import throughput: generated posts → Hubbub NDJSON file → `Importer` → embedded store.

Prints posts/s for the import (parse, map, derive text, dedup check, archive, insert; no
enrichment), CPU seconds per 100k posts (importing process, all its threads incl. chdb's, plus
its worker processes), MB on disk per million posts, and peak RSS of the importing process and
of its workers. As a same-run baseline it also times reading and JSON-parsing the file alone.
CPU seconds are what to compare on a loaded machine; posts/s needs idle cores.

    python bench/ingest.py                 # 1,000,000 posts (the figure the README quotes)
    python bench/ingest.py --posts 100000  # quicker
    python bench/ingest.py --source F      # import an existing Hubbub NDJSON file instead

It only uses the importer's public interface, so the same script measures an older checkout:
`PYTHONPATH=/path/to/old/src python bench/ingest.py`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import orjson


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _proc_cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (workers are not our children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers_cpu(importer: object) -> float:
    pool = getattr(importer, "_pool", None)
    processes = getattr(pool, "_processes", None) or {}
    return sum(_proc_cpu_seconds(pid) for pid in processes)


def write_ndjson(path: Path, posts: int, seed: int) -> None:
    from hubbub.demo import generate

    with open(path, "wb") as handle:
        buffer = []
        for post in generate(posts=posts, seed=seed):
            buffer.append(orjson.dumps(post.to_dict()))
            if len(buffer) == 10_000:
                handle.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
        if buffer:
            handle.write(b"\n".join(buffer) + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=0, help="0: one per core, max 2")
    parser.add_argument("--batch", type=int, default=100_000, help="posts per store write")
    parser.add_argument("--no-archive", action="store_true")
    parser.add_argument("--source", type=Path, help="import this NDJSON file, not generated posts")
    args = parser.parse_args()

    from hubbub.connectors.importers.pipeline import Importer
    from hubbub.store import open_store

    work = Path(tempfile.mkdtemp(prefix="hubbub-bench-"))
    try:
        if args.source:
            source = args.source
            with open(source, "rb") as handle:
                args.posts = sum(1 for line in handle if line.strip())
            print(f"source {source}: {args.posts:,} lines ({source.stat().st_size / 1e6:,.0f} MB)")
        else:
            source = work / "posts.ndjson"
            started = time.perf_counter()
            write_ndjson(source, args.posts, args.seed)
            print(
                f"generated {args.posts:,} posts ({source.stat().st_size / 1e6:,.0f} MB NDJSON) "
                f"in {time.perf_counter() - started:.1f} s"
            )

        started = time.perf_counter()
        with open(source, "rb") as handle:
            for line in handle:
                orjson.loads(line)
        baseline = args.posts / (time.perf_counter() - started)
        print(f"baseline: read + JSON-parse only        {baseline:>10,.0f} posts/s")

        home = work / "home"
        store = open_store(home)
        started = time.perf_counter()
        cpu_started = time.process_time()
        with Importer(
            store, home, batch_units=args.batch, workers=args.workers, archive=not args.no_archive
        ) as importer:
            importer.import_file(source, "hubbub")
            workers_cpu = _workers_cpu(importer)  # before the pool shuts down
        seconds = time.perf_counter() - started
        own_cpu = time.process_time() - cpu_started
        summary = importer.summary
        count = store.count()
        store.close()
        rate = summary.imported / seconds
        print(
            f"import + store (no enrichment)         {rate:>10,.0f} posts/s "
            f"({summary.imported:,} posts in {seconds:.1f} s, {importer.workers} workers; "
            f"{rate / baseline:.2f}x the parse-only baseline)"
        )
        per = 1e5 / max(summary.imported, 1)
        print(
            f"CPU per 100k posts: {(own_cpu + workers_cpu) * per:.2f} s "
            f"(importing process {own_cpu * per:.2f} s incl. chdb threads, "
            f"workers {workers_cpu * per:.2f} s); load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"stored: {count:,} posts; duplicates {summary.duplicates:,}; "
            f"rejected {summary.rejected:,}"
        )
        store_mb = du_mb(home / "store")
        raw_mb = du_mb(home / "raw") if (home / "raw").exists() else 0.0
        per_million = 1e6 / max(count, 1)
        print(
            f"disk: store {store_mb:,.0f} MB ({store_mb * per_million:,.0f} MB per million posts), "
            f"raw archive {raw_mb:,.0f} MB ({raw_mb * per_million:,.0f} MB per million)"
        )
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = importer.peak_batch_rss_kb / 1024
        print(f"peak RSS: importing process {own:,.0f} MB, largest worker {workers:,.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
