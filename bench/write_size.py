"""What a store write costs by its size: many small writes of posts against one large write.

    python bench/write_size.py --home /tmp/hubbub-bench-load/home-1000000
    python bench/write_size.py --home ~/hubbub-demo --small 50

Copies the workspace home (its topics' slices and their views included) to a temporary folder,
so the home itself is never written, then inserts copies of its X posts under new ids: `--small`
writes of `--rows` posts each, then one write of `--small` × `--rows` posts. It prints the CPU
time of each way (this process and chdb's threads; background merges are left to run 20 s and
counted apart), and the same small writes into a copy of the posts table without the slices'
views, which shows what the views add to each write. This is why live collection stores a run's
pages together (hubbub.connectors.run.STORE_EVERY_ITEMS) and imports write 100k posts at a
time (hubbub.connectors.importers.pipeline).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def copies(base: pa.Table, tag: str, count: int, rows: int) -> list[pa.Table]:
    """`count` tables of `rows` posts of `base`, each post under a new id."""
    out = []
    for n in range(count):
        part = base.slice((n * rows) % max(1, base.num_rows - rows), rows)
        ids = pc.binary_join_element_wise(
            pa.array([f"{tag}-{n}-"] * part.num_rows), part["platform_id"], ""
        )
        out.append(part.set_column(part.schema.get_field_index("platform_id"), "platform_id", ids))
    return out


def timed(label: str, write, tables: list[pa.Table]) -> None:  # type: ignore[no-untyped-def]
    started, wall = cpu(), time.perf_counter()
    for table in tables:
        write(table)
    spent, seconds = cpu() - started, time.perf_counter() - wall
    time.sleep(20)  # background merges of the new parts
    merges = cpu() - started - spent
    rows = sum(t.num_rows for t in tables)
    print(
        f"{label:<44} {spent:6.2f} s CPU ({spent / len(tables) * 1000:6.1f} ms a write, "
        f"{spent / rows * 1e6:5.1f} µs a post), {seconds:5.2f} s wall; merges after: {merges:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a workspace home (not written)")
    parser.add_argument("--small", type=int, default=100, help="how many small writes")
    parser.add_argument("--rows", type=int, default=100, help="posts per small write")
    args = parser.parse_args()
    if not (args.home / "store").is_dir():
        raise SystemExit(f"{args.home} holds no store: build one with `hubbub demo --home DIR`")
    if args.small < 1 or args.rows < 1:
        raise SystemExit("--small and --rows must be at least 1")
    from hubbub.store import open_store

    with tempfile.TemporaryDirectory(prefix="hubbub-write-size-") as scratch:
        home = Path(scratch) / "home"
        # symlinks=True: chdb's tables are relative symlinks into the store's own directory.
        ignore = shutil.ignore_patterns("server.json", "store.lock")
        shutil.copytree(args.home, home, symlinks=True, ignore=ignore)
        store = open_store(home)
        try:
            views = store.rows(
                "SELECT count() AS n FROM system.tables "
                "WHERE database = 'hubbub' AND engine = 'MaterializedView'"
            )[0]["n"]
            total = args.small * args.rows
            base = store.arrow(f"SELECT * FROM hubbub.posts LIMIT {max(total, args.rows * 2)}")
            if base.num_rows < args.rows:
                raise SystemExit(f"{args.home} holds fewer than {args.rows} posts")
            print(f"{store.count():,} posts, {views} topic-slice views")
            tag = str(int(time.time()))
            store.execute("CREATE TABLE hubbub.bench_no_views AS hubbub.posts")
            timed(
                f"{args.small} writes of {args.rows}, no views",
                lambda t: store.insert_arrow("hubbub.bench_no_views", t),
                copies(base, tag + "n", args.small, args.rows),
            )
            timed(
                f"{args.small} writes of {args.rows}",
                store.insert,
                copies(base, tag + "s", args.small, args.rows),
            )
            timed(f"1 write of {total}", store.insert, copies(base, tag + "b", 1, total))
        finally:
            store.close()


if __name__ == "__main__":
    main()
