"""Figures for the query language (issue #3). Prints numbers; asserts nothing about speed.

    python bench/query_lang.py                 # percolation + search on 2,000,000 posts
    python bench/query_lang.py --posts 200000  # a smaller store
    python bench/query_lang.py --skip-search   # percolation only

Percolation: 1,000 saved queries (OR groups, NOT, phrases, NEAR, wildcards, CJK) against
synthetic store rows (built once by hubbub.store.rows, not timed). Search: a store filled with
synthetic rows generated directly as Arrow columns (the row builder would take minutes for
millions), then `search()` for the newest 50 posts of a 4-term OR query with NOT and 30 days.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hubbub.models import Author, Post
from hubbub.query import Percolator, count, search
from hubbub.store import open_store
from hubbub.store.rows import SCHEMA, posts_table

COMMON = [f"w{i}" for i in range(5000)]
_SYLLABLES = [
    "ka",
    "zo",
    "ri",
    "mex",
    "tu",
    "van",
    "lo",
    "qui",
    "bre",
    "nor",
    "sa",
    "fi",
    "del",
    "po",
]
# Pseudo-words like real brand names: they differ from their first letters on, so a wildcard
# such as "zorime*" selects a handful of them, as "acmecol*" would.
BRANDS = sorted({"".join(random.Random(i).choices(_SYLLABLES, k=4)) for i in range(4000)})[:3000]
CJK_COMMON = ["我们", "今天", "喜欢", "手机", "发布", "新品", "价格", "质量", "朋友", "推荐"]
CJK_BRANDS = ["阿克米", "泽斯特", "耐克", "华为", "小米", "安踏", "李宁", "蔚来", "理想", "比亚迪"]


# ---- percolation -----------------------------------------------------------------------------
def saved_queries(n: int, rng: random.Random) -> dict[int, str]:
    def brand() -> str:
        return rng.choice(BRANDS)

    shapes = [
        lambda: "(" + " OR ".join(brand() for _ in range(rng.randint(3, 6))) + ")",
        lambda: f"({brand()} OR {brand()}) AND {rng.choice(COMMON[:200])} NOT {rng.choice(COMMON)}",
        lambda: f'"{brand()} {rng.choice(COMMON[:100])}" OR {brand()}',
        lambda: f"{brand()} NEAR/3 ({rng.choice(COMMON[:50])} OR {rng.choice(COMMON[:50])})",
        lambda: f"{brand()[:-2]}* AND NOT {rng.choice(COMMON)}",
        lambda: f"{rng.choice(CJK_BRANDS)} OR {brand()}",
        lambda: f"({rng.choice(CJK_BRANDS)} AND {rng.choice(CJK_COMMON)}) NOT {brand()}",
        lambda: f"#{brand()} OR @{brand()} OR {brand()}",
    ]
    return {i: shapes[i % len(shapes)]() for i in range(n)}


def synthetic_posts(n: int, rng: random.Random) -> list[Post]:
    weights = [1 / (i + 1) for i in range(len(COMMON))]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        if rng.random() < 0.1:
            words = rng.choices(CJK_COMMON, k=rng.randint(4, 12))
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), rng.choice(CJK_BRANDS))
            text = "".join(words)
        else:
            words = rng.choices(COMMON, weights=weights, k=rng.randint(8, 30))
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
                words.insert(rng.randrange(len(words)), rng.choice(BRANDS))
            if rng.random() < 0.1:
                words.append("#" + rng.choice(BRANDS))
            text = " ".join(words)
        out.append(
            Post("x", str(i), start + timedelta(seconds=i), text, author=Author(handle=f"u{i}"))
        )
    return out


def bench_percolation(n_queries: int, n_posts: int) -> None:
    rng = random.Random(7)
    queries = saved_queries(n_queries, rng)
    t0 = time.perf_counter()
    percolator = Percolator(queries)
    built = time.perf_counter() - t0
    rows = posts_table(synthetic_posts(n_posts, rng)).to_pylist()
    percolator.match_batch(rows[:1000])  # warm the regex and lru caches
    percolator.checked = 0
    t0 = time.perf_counter()
    results = percolator.match_batch(rows)
    elapsed = time.perf_counter() - t0
    matched = sum(len(r) for r in results)
    print(f"percolation: {n_queries:,} queries indexed in {built * 1000:.0f} ms")
    print(
        f"percolation: {n_posts:,} posts in {elapsed:.2f} s = {n_posts / elapsed:,.0f} posts/s "
        f"(1 core); {matched:,} matches; {percolator.checked / n_posts:.2f} full checks per post"
    )
    bench_percolation_two_cores(queries, rows, n_posts / elapsed, matched)


# Both cores: as in the live pipeline, each worker process holds its own percolator and matches
# the posts it built. Rows reach the workers by fork, so only the matching is timed.
_SHARED: dict[str, object] = {}


def _worker_init() -> None:
    percolator = Percolator(_SHARED["queries"])  # type: ignore[arg-type]
    rows = _SHARED["rows"]
    percolator.match_batch(rows[:1000])  # type: ignore[index]
    _SHARED["percolator"] = percolator


def _match_range(bounds: tuple[int, int]) -> int:
    percolator = _SHARED["percolator"]
    rows = _SHARED["rows"][bounds[0] : bounds[1]]  # type: ignore[index]
    return sum(len(r) for r in percolator.match_batch(rows))  # type: ignore[attr-defined]


def bench_percolation_two_cores(
    queries: dict[int, str], rows: list[dict], one_core_rate: float, matched: int
) -> None:
    import multiprocessing

    _SHARED.update(queries=queries, rows=rows)
    n = len(rows)
    halves = [(0, n // 2), (n // 2, n)]
    with multiprocessing.get_context("fork").Pool(2, initializer=_worker_init) as pool:
        pool.map(_match_range, [(0, 200), (200, 400)])  # both workers initialised and warm
        t0 = time.perf_counter()
        total = sum(pool.map(_match_range, halves, chunksize=1))
        elapsed = time.perf_counter() - t0
    print(
        f"percolation: {n:,} posts in {elapsed:.2f} s = {n / elapsed:,.0f} posts/s (2 processes, "
        f"{n / elapsed / one_core_rate:.2f}x the 1-core run); {total:,} matches "
        f"({'same' if total == matched else 'DIFFERENT'} as 1 core)"
    )


# ---- search on a big store ------------------------------------------------------------------
def arrow_posts(n: int, first_id: int, start: datetime, days: int, seed: int) -> pa.Table:
    """Synthetic rows in the store's schema, column by column (Zipf words, 10 % Chinese)."""
    rng = np.random.default_rng(seed)
    vocab = pa.array([*COMMON, "acmecola", "zestcola", "fizzpop", "spam", *CJK_COMMON, *CJK_BRANDS])
    n_common = len(COMMON)
    brand_ids = np.arange(n_common, n_common + 3)
    spam_id = n_common + 3
    cjk_lo = n_common + 4
    lengths = rng.integers(6, 24, n)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    total = int(offsets[-1])
    words = (rng.zipf(1.3, total) - 1) % n_common
    chinese = rng.random(n) < 0.1
    post_of = np.repeat(np.arange(n), lengths)
    in_chinese = chinese[post_of]
    words[in_chinese] = cjk_lo + rng.integers(
        0, len(CJK_COMMON) + len(CJK_BRANDS), in_chinese.sum()
    )
    # brands in ~0.3 % of word slots, spam in ~0.05 %
    roll = rng.random(total)
    latin = ~in_chinese
    words[(roll < 0.003) & latin] = rng.choice(brand_ids, int(((roll < 0.003) & latin).sum()))
    words[(roll > 0.9995) & latin] = spam_id
    tokens = pa.ListArray.from_arrays(pa.array(offsets), vocab.take(pa.array(words)))
    text = pc.binary_join(tokens, " ")
    grams = pa.ListArray.from_arrays(
        pa.array(offsets), vocab.take(pa.array(np.where(in_chinese, words, 0)))
    )
    grams = pc.if_else(pa.array(chinese), grams, pa.array([[]] * n, pa.list_(pa.string())))
    seconds = rng.integers(0, days * 86400, n)
    created = pa.array(
        (np.datetime64(start.replace(tzinfo=None), "ms") + seconds * 1000).astype("datetime64[ms]"),
        pa.timestamp("ms", tz="UTC"),
    )
    columns = {
        "platform": pa.array(np.where(chinese, "weibo", "x")),
        "platform_id": pa.array([str(first_id + i) for i in range(n)]),
        "kind": pa.array(["post"] * n),
        "created_at": created,
        "collected_at": created,
        "text": text,
        "text_norm": text,
        "tokens": tokens,
        "grams": grams,
        "lang": pa.array(np.where(chinese, "zh", "en")),
        "source": pa.array(["bench"] * n),
        "title_token_count": pa.array(np.zeros(n, dtype=np.uint32)),
    }
    arrays = []
    for schema_field in SCHEMA:
        if schema_field.name in columns:
            arrays.append(columns[schema_field.name].cast(schema_field.type))
        elif pa.types.is_list(schema_field.type):
            arrays.append(pa.array([[]] * n, schema_field.type))
        else:
            arrays.append(pa.nulls(n, schema_field.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def bench_search(n_posts: int) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    days = 90
    with tempfile.TemporaryDirectory() as home:
        store = open_store(Path(home))
        try:
            t0 = time.perf_counter()
            chunk = 250_000
            for k, first in enumerate(range(0, n_posts, chunk)):
                size = min(chunk, n_posts - first)
                table = arrow_posts(size, first, start, days, seed=k)
                store.execute(
                    "INSERT INTO hubbub.posts SELECT * FROM Python(_hubbub_tbl_new)", new=table
                )
            print(
                f"search: {n_posts:,} synthetic posts written in {time.perf_counter() - t0:.1f} s"
            )
            store.execute("OPTIMIZE TABLE hubbub.posts FINAL")
            since = start + timedelta(days=days - 30)
            query = "(acmecola OR zestcola OR 阿克米 OR 泽斯特) NOT spam"
            for label, run in [
                ("newest 50", lambda: search(store, query, since=since, limit=50)),
                ("count", lambda: count(store, query, since=since)),
                (
                    "newest 50, NEAR + wildcard",
                    lambda: search(store, "(acmecola NEAR/3 w1) OR fizz*", since=since, limit=50),
                ),
            ]:
                t0 = time.perf_counter()
                result = run()
                cold = time.perf_counter() - t0
                warm = []
                for _ in range(7):
                    t0 = time.perf_counter()
                    run()
                    warm.append(time.perf_counter() - t0)
                size = len(result) if isinstance(result, list) else result
                print(
                    f"search: {label}: first {cold * 1000:.0f} ms, warm median "
                    f"{statistics.median(warm) * 1000:.1f} ms ({size:,} rows/count) for {query!r}"
                    if label != "newest 50, NEAR + wildcard"
                    else f"search: {label}: first {cold * 1000:.0f} ms, warm median "
                    f"{statistics.median(warm) * 1000:.1f} ms ({size:,} rows)"
                )
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2_000_000, help="store size for search")
    parser.add_argument("--queries", type=int, default=1_000, help="saved queries to percolate")
    parser.add_argument("--percolate-posts", type=int, default=20_000)
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    bench_percolation(args.queries, args.percolate_posts)
    if not args.skip_search:
        bench_search(args.posts)


if __name__ == "__main__":
    main()
