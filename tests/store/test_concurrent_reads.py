"""Reads of several threads at once, each inside `store.reading()`, get the answers they would
get alone: no query sees another's parameters (one chdb session shares them)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from hubbub.models import Post

COUNT_BY_PLATFORM = (
    "SELECT platform, count() AS n FROM hubbub.posts WHERE platform_id LIKE {prefix:String} "
    "AND created_at >= {since:DateTime64(3, 'UTC')} GROUP BY platform ORDER BY platform"
)
COUNT_BY_KIND = (
    "SELECT kind, count() AS n FROM hubbub.posts WHERE platform = {platform:String} "
    "AND created_at < {until:DateTime64(3, 'UTC')} GROUP BY kind ORDER BY kind"
)


def test_parallel_readers_never_mix_their_parameters(store) -> None:
    start = datetime(2026, 9, 1, tzinfo=UTC)
    store.write(
        [
            Post(
                platform=("x", "reddit", "weibo")[i % 3],
                platform_id=f"cr{i}",
                created_at=start + timedelta(hours=i),
                text=f"post {i}",
                kind=("post", "reply")[i % 2],
            )
            for i in range(300)
        ]
    )
    asks = [
        (COUNT_BY_PLATFORM, {"prefix": "cr1%", "since": start + timedelta(hours=50)}),
        (COUNT_BY_KIND, {"platform": "reddit", "until": start + timedelta(hours=200)}),
        (COUNT_BY_PLATFORM, {"prefix": "cr2%", "since": start}),
    ]
    expected = [store.rows(sql, params) for sql, params in asks]
    assert all(expected)
    wrong: list[str] = []

    def reader(n: int) -> None:
        sql, params = asks[n]
        with store.reading():
            for _ in range(40):
                try:
                    if store.rows(sql, params) != expected[n]:
                        wrong.append(f"reader {n}: another answer")
                except Exception as exc:  # a mixed-up parameter is an engine error
                    wrong.append(f"reader {n}: {exc}")

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(len(asks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert wrong == []
