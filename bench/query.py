"""Figures for analytics (issue #5): one topic dashboard, ours against SQLite FTS5 and DuckDB.

    python bench/query.py                    # 10,000,000 posts over 90 days (10 % Chinese)
    python bench/query.py --posts 1000000    # a quick run
    python bench/query.py --peers none       # Hubbub only
    python bench/query.py --data /tmp/hubbub-bench-10m   # keep the loaded data, reuse it next run

A dashboard is: volume per day by platform, sentiment counts and timeline, top 20 hashtags
with their previous-period counts, top 20 authors by influence, the newest 50 posts, and share
of voice of 5 topics with their previous period; the topic is `aurora OR 极光` over the last
30 days. The 5 topics are saved as workspace topics, so Hubbub reads them from their topic
slices (hubbub.store.slices; built once, then kept by the store's views): the run prints the
slice build, the sliced dashboard ("hubbub"), and the same questions as unsliced ad-hoc
queries over all posts ("hubbub-unsliced", warm only) for comparison.
The same questions are put to SQLite (FTS5 over the same tokens, stdlib sqlite3) and DuckDB
(list_has_any over the same token arrays) loaded with the same rows. Warm: the median of 7
runs after one warm-up, in this process. Cold: a fresh process opens the data and answers
once (the OS page cache stays warm: dropping it needs root). Prints figures; asserts nothing.
DuckDB is not a Hubbub dependency: `pip install -e ".[bench]"` to include it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hubbub.analytics import Scope, authors, drilldown, sentiment, share_of_voice, top, volume
from hubbub.analytics.daily import keep_no_partials
from hubbub.store import open_store
from hubbub.store.rows import SCHEMA

START = datetime(2024, 1, 1, tzinfo=UTC)
DAYS = 90
UNTIL = START + timedelta(days=DAYS)
SINCE = UNTIL - timedelta(days=30)
PREVIOUS = SINCE - timedelta(days=30)
# Five brands, each with its Chinese name; the dashboard's topic is the first. Each appears in
# a decreasing share of posts, as brands in one market do.
TOPICS = [
    ("aurora", "极光", 0.02),
    ("nimbus", "云雀", 0.012),
    ("zephyr", "西风", 0.008),
    ("lumen", "流明", 0.005),
    ("vortex", "漩涡", 0.003),
]
LATIN = [f"w{i}" for i in range(5000)]
CJK = [
    "我们",
    "今天",
    "喜欢",
    "手机",
    "发布",
    "新品",
    "价格",
    "质量",
    "朋友",
    "推荐",
    "电池",
    "屏幕",
]
TAGS = [f"tag{i}" for i in range(3000)]
PLATFORMS_LATIN = ["x", "reddit", "youtube", "news", "bluesky", "mastodon", "instagram", "tiktok"]
PLATFORMS_CJK = ["weibo", "douyin", "bilibili", "xiaohongshu"]
LANGS_LATIN = ["en", "en", "en", "en", "en", "en", "fr", "de", "es", "ja"]
N_AUTHORS = 1_000_000
SENTIMENTS = pa.array(["positive", "neutral", "negative", None])


# ---- data -------------------------------------------------------------------------------------
def posts(n: int, first_id: int, seed: int) -> pa.Table:
    """`n` synthetic rows in the store's schema, built column by column with numpy."""
    rng = np.random.default_rng(seed)
    vocab_list = [*LATIN, *CJK, *(t[0] for t in TOPICS), *(t[1] for t in TOPICS)]
    vocab = pa.array(vocab_list)
    n_latin, n_cjk = len(LATIN), len(CJK)
    brand_en, brand_zh = n_latin + n_cjk, n_latin + n_cjk + len(TOPICS)
    chinese = rng.random(n) < 0.1
    lengths = rng.integers(6, 24, n)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    post_of = np.repeat(np.arange(n), lengths)
    words = (rng.zipf(1.3, int(offsets[-1])) - 1) % n_latin
    in_chinese = chinese[post_of]
    words[in_chinese] = n_latin + rng.integers(0, n_cjk, int(in_chinese.sum()))
    # One slot of a post becomes the brand's name, in the post's script.
    first_topic = np.full(n, -1)
    for i, (_, _, share) in enumerate(TOPICS):
        has = np.flatnonzero(rng.random(n) < share)
        slots = offsets[has] + rng.integers(0, lengths[has])
        words[slots] = np.where(chinese[has], brand_zh + i, brand_en + i)
        first_topic[has] = np.where(first_topic[has] < 0, i, first_topic[has])
    tokens = pa.ListArray.from_arrays(pa.array(offsets), vocab.take(pa.array(words)))
    text = pc.if_else(pa.array(chinese), pc.binary_join(tokens, ""), pc.binary_join(tokens, " "))
    empty = pa.array([[]] * n, pa.list_(pa.string()))
    # CJK words are two characters, so each word is its own bigram for the `grams` index.
    grams = pc.if_else(pa.array(chinese), tokens, empty)
    n_tags = rng.choice(3, n, p=[0.6, 0.3, 0.1])
    tag_offsets = np.concatenate([[0], np.cumsum(n_tags)]).astype(np.int32)
    tag_ids = (rng.zipf(1.4, int(tag_offsets[-1])) - 1) % len(TAGS)
    tag_vocab = pa.array([*TAGS, *(t[0] for t in TOPICS)])
    tagged = np.flatnonzero((first_topic >= 0) & (n_tags > 0))
    tag_ids[tag_offsets[tagged]] = len(TAGS) + first_topic[tagged]
    hashtags = pa.ListArray.from_arrays(pa.array(tag_offsets), tag_vocab.take(pa.array(tag_ids)))
    platform = np.where(
        chinese,
        np.array(PLATFORMS_CJK)[rng.integers(0, len(PLATFORMS_CJK), n)],
        np.array(PLATFORMS_LATIN)[rng.integers(0, len(PLATFORMS_LATIN), n)],
    )
    lang = np.where(chinese, "zh-Hans", np.array(LANGS_LATIN)[rng.integers(0, 10, n)])
    author = (rng.zipf(1.6, n) - 1) % N_AUTHORS
    # Followers are a fixed function of the author, so one author has one audience.
    followers = (np.exp((author * 2654435761 % 1000) / 1000 * 14) - 1).astype(np.uint64)
    engagement = np.floor(rng.lognormal(1.0, 1.8, n)).astype(np.uint64)
    seconds = rng.integers(0, DAYS * 86400, n)
    created = pa.array(
        np.datetime64(START.replace(tzinfo=None), "ms") + seconds * 1000,
        pa.timestamp("ms", tz="UTC"),
    )
    author_ids = pc.binary_join_element_wise("a", pa.array(author).cast(pa.string()), "")
    columns = {
        "platform": pa.array(platform),
        "platform_id": pa.array(np.arange(first_id, first_id + n)).cast(pa.string()),
        "kind": pa.array(np.full(n, "post")),
        "created_at": created,
        "collected_at": created,
        "author_id": author_ids,
        "author_handle": pc.binary_join_element_wise("h", pa.array(author).cast(pa.string()), ""),
        "author_followers": pa.array(followers),
        "author_verified": pa.array(followers > 1_000_000),
        "text": text,
        "text_norm": text,
        "tokens": tokens,
        "grams": grams,
        "hashtags": hashtags,
        "lang": pa.array(lang),
        "likes": pa.array(engagement),
        "engagement": pa.array(engagement),
        "sentiment": SENTIMENTS.take(pa.array(rng.choice(4, n, p=[0.3, 0.45, 0.2, 0.05]))),
        "source": pa.array(np.full(n, "bench")),
        "title_token_count": pa.array(np.zeros(n, dtype=np.uint32)),
    }
    arrays = []
    for field in SCHEMA:
        if field.name in columns:
            arrays.append(columns[field.name].cast(field.type))
        elif pa.types.is_list(field.type) or pa.types.is_map(field.type):
            arrays.append(pa.array([[]] * n, field.type))
        else:
            arrays.append(pa.nulls(n, field.type))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def chunks(total: int, size: int = 500_000):  # type: ignore[no-untyped-def]
    for k, first in enumerate(range(0, total, size)):
        yield posts(min(size, total - first), first, seed=k)


# ---- the dashboard, three ways ---------------------------------------------------------------
def topic_scopes() -> dict[str, Scope]:
    return {en: Scope(f"{en} OR {zh}", since=SINCE, until=UNTIL) for en, zh, _ in TOPICS}


def save_topics(home: Path) -> None:
    """The 5 topics as workspace topics, and their slices built (timed, with their size)."""
    from hubbub.store.slices import sync_home
    from hubbub.topics import Topic, TopicStore

    with TopicStore(home) as topics:
        for en, zh, _ in TOPICS:
            if topics.find("default", en) is None:
                topics.add("default", Topic(en, f"{en} OR {zh}", "brand"), "bench")
    store = open_store(home)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        result = sync_home(store, home)
        built = sum(result.built.values())
        sizes = {
            r["table"]: int(r["bytes"])
            for r in store.rows(
                "SELECT table, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active "
                "AND database = 'hubbub' AND table IN ('posts', 'topic_posts') GROUP BY table"
            )
        }
        rows = int(store.scalar("SELECT count() FROM hubbub.topic_posts") or 0)
        print(
            f"slices: {len(result.built)} built ({built:,} rows) in "
            f"{time.perf_counter() - t0:.1f} s (CPU {time.process_time() - c0:.1f} s), "
            f"{len(result.kept)} kept; {rows:,} rows, "
            f"{sizes.get('topic_posts', 0) / 2**20:.0f} MB on disk "
            f"(posts: {sizes.get('posts', 0) / 2**20:.0f} MB)"
        )
    finally:
        store.close()


def hubbub_unsliced(store) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The dashboard as ad-hoc queries over every post (topic slices switched off)."""
    from unittest import mock

    with mock.patch("hubbub.analytics.scope.slice_for", return_value=None):
        return hubbub_dashboard(store)


def hubbub_dashboard(store) -> dict[str, float]:  # type: ignore[no-untyped-def]
    scope = topic_scopes()["aurora"]
    figures: dict[str, Callable[[], object]] = {
        "volume by platform": lambda: volume(store, scope, split_by="platform"),
        "sentiment + timeline": lambda: sentiment(store, scope, interval="day"),
        "top 20 hashtags": lambda: top(store, scope, "hashtags", 20),
        "top 20 authors": lambda: authors(store, scope, limit=20),
        "newest 50": lambda: drilldown(store, scope, limit=50),
        "share of voice x5": lambda: share_of_voice(store, topic_scopes()),
    }
    return _timed(figures)


def _timed(figures: dict[str, Callable[[], object]]) -> dict[str, float]:
    out = {}
    for name, run in figures.items():
        t0 = time.perf_counter()
        run()
        out[name] = time.perf_counter() - t0
    return out


INFLUENCE = (
    "log10(10 + max(followers)) * log10(1 + sum(engagement) / count(*)) * (1 + log10(count(*)))"
)


def duckdb_dashboard(con) -> dict[str, float]:  # type: ignore[no-untyped-def]
    since, until, prev = (t.replace(tzinfo=None) for t in (SINCE, UNTIL, PREVIOUS))
    match = "list_has_any(tokens, ['aurora', '极光'])"
    window = f"{match} AND created_at >= $since AND created_at < $until"
    p = {"since": since, "until": until}
    pp = {"since": since, "until": until, "prev": prev}

    def q(sql: str, params: dict) -> Callable[[], object]:
        return lambda: con.execute(sql, params).fetchall()

    has = "list_has_any(tokens, ['{}', '{}'])"
    sov = ", ".join(
        f"count(*) FILTER ({has.format(en, zh)} AND created_at >= $since) AS c{i}, "
        f"count(*) FILTER ({has.format(en, zh)} AND created_at < $since) AS p{i}"
        for i, (en, zh, _) in enumerate(TOPICS)
    )
    every = ", ".join(f"'{w}'" for t in TOPICS for w in t[:2])
    return _timed(
        {
            "volume by platform": q(
                f"SELECT date_trunc('day', created_at) d, platform, count(*) FROM posts "
                f"WHERE {window} GROUP BY ALL",
                p,
            ),
            "sentiment + timeline": q(
                f"SELECT date_trunc('day', created_at) d, coalesce(sentiment, 'unknown') s, "
                f"count(*) FROM posts WHERE {window} GROUP BY ALL",
                p,
            ),
            "top 20 hashtags": q(
                "SELECT tag, count(*) FILTER (created_at >= $since) c, "
                "count(*) FILTER (created_at < $since) p FROM (SELECT "
                "unnest(list_distinct(hashtags)) tag, created_at FROM posts WHERE "
                f"{match} AND created_at >= $prev AND created_at < $until) GROUP BY tag "
                "HAVING c > 0 ORDER BY c DESC, tag LIMIT 20",
                pp,
            ),
            "top 20 authors": q(
                f"SELECT platform, author_id, count(*) n, sum(engagement) e, {INFLUENCE} i "
                f"FROM posts WHERE {window} GROUP BY ALL ORDER BY i DESC LIMIT 20",
                p,
            ),
            "newest 50": q(
                f"SELECT platform, platform_id, created_at, author_handle, text, engagement "
                f"FROM posts WHERE {window} ORDER BY created_at DESC, platform DESC, "
                "platform_id DESC LIMIT 50",
                p,
            ),
            "share of voice x5": q(
                f"SELECT {sov} FROM posts WHERE created_at >= $prev AND created_at < $until "
                f"AND list_has_any(tokens, [{every}])",
                pp,
            ),
        }
    )


def sqlite_dashboard(con) -> dict[str, float]:  # type: ignore[no-untyped-def]
    since, until, prev = (int(t.timestamp()) for t in (SINCE, UNTIL, PREVIOUS))
    match = "id IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
    window = f"{match} AND created_at >= ? AND created_at < ?"
    topic = 'aurora OR "极光"'

    def q(sql: str, *params: object) -> Callable[[], object]:
        return lambda: con.execute(sql, params).fetchall()

    def sov() -> None:
        for en, zh, _ in TOPICS:
            con.execute(
                f"SELECT sum(created_at >= ?), sum(created_at < ?) FROM posts WHERE {match} "
                "AND created_at >= ? AND created_at < ?",
                (since, since, f'{en} OR "{zh}"', prev, until),
            ).fetchall()

    return _timed(
        {
            "volume by platform": q(
                f"SELECT created_at / 86400 d, platform, count(*) FROM posts WHERE {window} "
                "GROUP BY d, platform",
                topic,
                since,
                until,
            ),
            "sentiment + timeline": q(
                f"SELECT created_at / 86400 d, coalesce(sentiment, 'unknown') s, count(*) "
                f"FROM posts WHERE {window} GROUP BY d, s",
                topic,
                since,
                until,
            ),
            "top 20 hashtags": q(
                "SELECT tag, sum(p.created_at >= ?) c, sum(p.created_at < ?) pr FROM tags t "
                "JOIN posts p ON p.id = t.id WHERE t.id IN (SELECT rowid FROM fts WHERE fts "
                "MATCH ?) AND p.created_at >= ? AND p.created_at < ? GROUP BY tag "
                "HAVING c > 0 ORDER BY c DESC, tag LIMIT 20",
                since,
                since,
                topic,
                prev,
                until,
            ),
            "top 20 authors": q(
                f"SELECT platform, author_id, count(*) n, sum(engagement) e, {INFLUENCE} i "
                f"FROM posts WHERE {window} GROUP BY platform, author_id ORDER BY i DESC "
                "LIMIT 20",
                topic,
                since,
                until,
            ),
            "newest 50": q(
                "SELECT platform, platform_id, created_at, author_handle, text, engagement "
                f"FROM posts WHERE {window} ORDER BY created_at DESC, platform DESC, "
                "platform_id DESC LIMIT 50",
                topic,
                since,
                until,
            ),
            "share of voice x5": sov,
        }
    )


# ---- loading the peers ------------------------------------------------------------------------
PEER_COLUMNS = [
    "platform",
    "platform_id",
    "created_at",
    "lang",
    "sentiment",
    "author_id",
    "author_handle",
    "author_followers",
    "engagement",
    "text",
    "tokens",
    "hashtags",
]


def load_duckdb(path: Path, total: int) -> None:
    import duckdb

    con = duckdb.connect(str(path))
    for k, table in enumerate(chunks(total)):
        table = table.select(PEER_COLUMNS).rename_columns(
            [c if c != "author_followers" else "followers" for c in PEER_COLUMNS]
        )
        table = table.set_column(
            2, "created_at", table.column("created_at").cast(pa.timestamp("ms"))
        )
        con.register("chunk", table)
        con.execute(
            "CREATE TABLE posts AS SELECT * FROM chunk"
            if k == 0
            else "INSERT INTO posts SELECT * FROM chunk"
        )
        con.unregister("chunk")
    con.close()


def load_sqlite(path: Path, total: int) -> None:
    con = sqlite3.connect(path)
    con.executescript(
        """
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE posts (id INTEGER PRIMARY KEY, platform TEXT, platform_id TEXT,
            created_at INTEGER, lang TEXT, sentiment TEXT, author_id TEXT, author_handle TEXT,
            followers INTEGER, engagement INTEGER, text TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(tokens, content='');
        CREATE TABLE tags (id INTEGER, tag TEXT);
        """
    )
    row_id = 0
    for table in chunks(total):
        n = table.num_rows
        ids = list(range(row_id + 1, row_id + n + 1))
        row_id += n
        cols = {c: table.column(c) for c in PEER_COLUMNS}
        seconds = pc.divide(cols["created_at"].cast(pa.int64()), 1000).to_pylist()
        con.executemany(
            "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(
                ids,
                cols["platform"].to_pylist(),
                cols["platform_id"].to_pylist(),
                seconds,
                cols["lang"].to_pylist(),
                cols["sentiment"].to_pylist(),
                cols["author_id"].to_pylist(),
                cols["author_handle"].to_pylist(),
                cols["author_followers"].to_pylist(),
                cols["engagement"].to_pylist(),
                cols["text"].to_pylist(),
                strict=True,
            ),
        )
        con.executemany(
            "INSERT INTO fts (rowid, tokens) VALUES (?, ?)",
            zip(ids, pc.binary_join(cols["tokens"], " ").to_pylist(), strict=True),
        )
        con.executemany(
            "INSERT INTO tags VALUES (?, ?)",
            (
                (i, tag)
                for i, tags in zip(ids, cols["hashtags"].to_pylist(), strict=True)
                for tag in dict.fromkeys(tags)
            ),
        )
    con.executescript(
        "CREATE INDEX posts_time ON posts (created_at); CREATE INDEX tags_id ON tags (id); "
        "INSERT INTO fts (fts) VALUES ('optimize'); ANALYZE;"
    )
    con.commit()
    con.close()


def load_hubbub(home: Path, total: int) -> None:
    store = open_store(home)
    try:
        for table in chunks(total):
            store.execute(
                "INSERT INTO hubbub.posts SELECT * FROM Python(_hubbub_tbl_new)", new=table
            )
        store.execute("OPTIMIZE TABLE hubbub.posts FINAL")
    finally:
        store.close()


# ---- running ----------------------------------------------------------------------------------
def open_engine(engine: str, path: Path):  # type: ignore[no-untyped-def]
    if engine in ("hubbub", "hubbub-unsliced"):
        store = open_store(path)
        # The engines are compared on answering: without this, runs after the first would sum
        # the per-day partials the first kept (hubbub.analytics.daily; bench/load.py measures
        # a server with them).
        keep_no_partials(store)
        dashboard = hubbub_dashboard if engine == "hubbub" else hubbub_unsliced
        return store, dashboard, store.close
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect(str(path), read_only=True)
        return con, duckdb_dashboard, con.close
    con = sqlite3.connect(path)
    return con, sqlite_dashboard, con.close


def cold(engine: str, path: Path) -> dict[str, float]:
    """Open and answer once in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--cold-child", engine, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_child(engine: str, path: Path) -> None:
    t0 = time.perf_counter()
    handle, dashboard, close = open_engine(engine, path)
    opened = time.perf_counter() - t0
    figures = dashboard(handle)
    close()
    print(json.dumps({"open": opened, "dashboard": sum(figures.values())}))


def warm(engine: str, path: Path, runs: int = 7) -> tuple[float, dict[str, float], float]:
    """Median wall time of the dashboard, per figure, and median process CPU time per run.

    CPU time counts every thread of this process (all three engines run in-process), so it
    moves far less than wall time when other work shares the machine's cores.
    """
    handle, dashboard, close = open_engine(engine, path)
    try:
        dashboard(handle)
        totals: list[float] = []
        cpu: list[float] = []
        per_runs: dict[str, list[float]] = {}
        for _ in range(runs):
            c0 = time.process_time()
            figures = dashboard(handle)
            cpu.append(time.process_time() - c0)
            totals.append(sum(figures.values()))
            for name, seconds in figures.items():
                per_runs.setdefault(name, []).append(seconds)
        per = {name: statistics.median(v) for name, v in per_runs.items()}
        return statistics.median(totals), per, statistics.median(cpu)
    finally:
        close()


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000_000)
    parser.add_argument("--peers", default="sqlite,duckdb", help="comma list, or none")
    parser.add_argument(
        "--data",
        type=Path,
        help="keep each engine's loaded data in this directory and reuse it on later runs "
        "(loading 10M posts takes minutes); default: a temporary directory",
    )
    parser.add_argument("--cold-child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child[0], Path(args.cold_child[1]))
        return
    peers = [p for p in args.peers.split(",") if p and p != "none"]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.data or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        paths = {
            "hubbub": root / "hubbub",
            "sqlite": root / "posts.sqlite",
            "duckdb": root / "posts.duckdb",
        }
        loaders = {"hubbub": load_hubbub, "sqlite": load_sqlite, "duckdb": load_duckdb}
        engines = ["hubbub", *peers]
        for engine in engines:
            # A marker written after a complete load: a crashed load is redone, not reused.
            done = root / f"{engine}.{args.posts}.loaded"
            if done.exists():
                print(f"{engine}: {args.posts:,} posts reused from {paths[engine]}")
                continue
            _remove(paths[engine])
            t0 = time.perf_counter()
            loaders[engine](paths[engine], args.posts)
            done.touch()
            print(f"{engine}: {args.posts:,} posts loaded in {time.perf_counter() - t0:.1f} s")
        save_topics(paths["hubbub"])
        paths["hubbub-unsliced"] = paths["hubbub"]
        results = {}
        for engine in ["hubbub-unsliced", *engines]:
            total, per, cpu = warm(engine, paths[engine])
            if engine == "hubbub-unsliced":
                print(
                    f"{engine}: dashboard warm p50 {total * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)"
                )
                print("    " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in per.items()))
                continue
            first = cold(engine, paths[engine])
            results[engine] = (total, per, first)
            print(
                f"{engine}: dashboard warm p50 {total * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms); "
                f"cold: open "
                f"{first['open'] * 1000:.0f} ms + dashboard {first['dashboard'] * 1000:.0f} ms"
            )
            print("    " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in per.items()))
        ours_warm, _, ours_cold = results["hubbub"]
        ours_first = ours_cold["open"] + ours_cold["dashboard"]
        for peer in peers:
            their_warm, _, their_cold = results[peer]
            their_first = their_cold["open"] + their_cold["dashboard"]
            print(
                f"ours/{peer}: warm {ours_warm / their_warm:.2f}, cold dashboard "
                f"{ours_cold['dashboard'] / their_cold['dashboard']:.2f}, cold open+dashboard "
                f"{ours_first / their_first:.2f}"
            )


if __name__ == "__main__":
    main()
