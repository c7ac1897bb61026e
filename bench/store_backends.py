"""The store's write path on each backend: embedded chdb (Python() table function) against the
server store's code (clickhouse-connect, Arrow insert, keys as array parameters).

    python3 bench/store_backends.py [--posts 64000] [--batches 200,3200] [--url clickhouse://...]

Each backend runs in its own process (chdb runs one engine per process) on a fresh temporary
directory: `--posts` synthetic posts written as new posts in batches, then 5 batches written
again (all duplicates: the key check alone). Figures are posts per CPU-second of that process,
engine threads included; the server path runs on clickhouse-connect's chdb backend unless
`--url` names a real (disposable: the bench truncates hubbub.posts) ClickHouse server, where
the server's own CPU is not counted. Wall-clock rates are printed too but depend on the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one(url: str, posts: int, batch: int) -> None:
    """In the child: time the writes on one backend and print one line."""
    from hubbub.models import Author, Post
    from hubbub.store import open_store
    from hubbub.store.rows import posts_table

    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    made = [
        Post(
            platform="x",
            platform_id=str(i),
            created_at=t0 + timedelta(seconds=i),
            text=f"post {i} about Aurora #x{i % 50}",
            author=Author(handle=f"u{i % 900}"),
        )
        for i in range(posts)
    ]
    tables = [posts_table(made[i : i + batch]) for i in range(0, posts, batch)]
    with tempfile.TemporaryDirectory() as tmp:
        target = f"chdb://{tmp}/chdb" if url == "chdb" else url
        with open_store(tmp, target) as store:
            store.execute("TRUNCATE TABLE hubbub.posts")
            cpu0, wall0 = _cpu(), time.perf_counter()
            for table in tables:
                store.write_table(table)
            cpu1, wall1 = _cpu(), time.perf_counter()
            for table in tables[:5]:
                store.write_table(table)
            cpu2 = _cpu()
            assert store.count() == posts
    checked = sum(t.num_rows for t in tables[:5])
    name = "server path" if url != "embedded" else "embedded"
    print(
        f"| {name} ({url.split(':')[0]}) | {batch:,} | {posts / (cpu1 - cpu0):,.0f} | "
        f"{posts / (wall1 - wall0):,.0f} | {checked / (cpu2 - cpu1):,.0f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=64_000)
    parser.add_argument("--batches", default="200,3200")
    parser.add_argument("--url", default="chdb", help="server store URL (default: on chdb)")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]), int(args.one[2]))
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| store | batch | new posts per CPU-s | new posts/s wall | key check per CPU-s |")
    print("|---|---|---|---|---|")
    for batch in (int(b) for b in args.batches.split(",")):
        for url in ("embedded", args.url):
            command = [sys.executable, __file__, "--one", url, str(args.posts), str(batch)]
            subprocess.run(command, check=True)
    print(f"load average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
