"""A small store with hand-built posts whose every figure is known (see the table below).

    window      posts  platform  text (tokens)                          sentiment    author (followers)  likes
    May 31-Jun 5   60  x         camera review                          neutral      b1 (10)             2
    Jun 8 12:00     5  x         aurora phone #aurora                   positive     a1 (1,000)          1
    Jun 8 13:00     3  x         nimbus phone #nimbus                   neutral      n1 (50)             0
    Jun 10 20:00   10  x         aurora phone q <url> #aurora           positive     a1 (1,000)          1
    Jun 11 09:00    6  weibo     极光手机发布 #极光# 🔥 (all same time)    negative     w1 (100,000)        10
    Jun 12 10:00    4  reddit    aurora battery overheating 2024 ...    neg,neg,neu,- r1 (unknown)       -
    Jun 12 11:00    5  x         the nimbus phone #nimbus               neutral      n1 (50)             0

The current window is [Jun 10, Jun 13) UTC (25 posts); its previous period [Jun 7, Jun 10) (8).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from hubbub.analytics import Scope
from hubbub.models import Author, Metrics, Post
from hubbub.store import EmbeddedStore, open_store
from hubbub.store.rows import posts_table

SINCE = datetime(2024, 6, 10, tzinfo=UTC)
UNTIL = datetime(2024, 6, 13, tzinfo=UTC)
CURRENT = Scope(since=SINCE, until=UNTIL)

AUTHORS = {
    "b1": Author(id="b1", handle="bea", followers=10),
    "a1": Author(id="a1", handle="ann", name="Ann", followers=1000, verified=True),
    "n1": Author(id="n1", handle="nim", followers=50),
    "w1": Author(id="w1", handle="wei", followers=100_000, country="CN"),
    "r1": Author(id="r1", handle="red", country="GB"),
}


def _group(
    prefix: str,
    n: int,
    times: list[datetime],
    text: str,
    author: str,
    likes: int | None,
    platform: str = "x",
    lang: str = "en",
    country: str | None = None,
) -> list[Post]:
    return [
        Post(
            platform=platform,
            platform_id=f"{prefix}{i}",
            created_at=times[i],
            text=text,
            lang=lang,
            country=country,
            author=AUTHORS[author],
            metrics=Metrics(likes=likes) if likes is not None else Metrics(),
        )
        for i in range(n)
    ]


def _minutes(start: datetime, n: int) -> list[datetime]:
    return [start + timedelta(minutes=i) for i in range(n)]


def build_table() -> pa.Table:
    posts: list[Post] = []
    enrich: list[dict] = []

    def add(group: list[Post], **fields: object) -> None:
        posts.extend(group)
        for i in range(len(group)):
            enrich.append({k: (v[i] if isinstance(v, tuple) else v) for k, v in fields.items()})

    camera_times = [
        datetime(2024, 5, 31, 9, tzinfo=UTC) + timedelta(days=d, minutes=m)
        for d in range(6)
        for m in range(10)
    ]
    add(_group("b", 60, camera_times, "camera review", "b1", 2), sentiment="neutral")
    add(
        _group(
            "p",
            5,
            _minutes(datetime(2024, 6, 8, 12, tzinfo=UTC), 5),
            "aurora phone #aurora",
            "a1",
            1,
        ),
        sentiment="positive",
    )
    add(
        _group(
            "q",
            3,
            _minutes(datetime(2024, 6, 8, 13, tzinfo=UTC), 3),
            "nimbus phone #nimbus",
            "n1",
            0,
        ),
        sentiment="neutral",
    )
    add(
        _group(
            "c1-",
            10,
            _minutes(datetime(2024, 6, 10, 20, tzinfo=UTC), 10),
            "aurora phone q https://aurora.example.com/x5 #aurora",
            "a1",
            1,
            country="US",
        ),
        sentiment="positive",
        keyphrases=["Aurora phone"],
        entity_texts=["Aurora"],
        entity_types=["ORG"],
    )
    add(
        _group(
            "c2-",
            6,
            [datetime(2024, 6, 11, 9, tzinfo=UTC)] * 6,
            "极光手机发布 #极光# 🔥",
            "w1",
            10,
            platform="weibo",
            lang="zh-Hans",
        ),
        sentiment="negative",
    )
    add(
        _group(
            "c3-",
            4,
            _minutes(datetime(2024, 6, 12, 10, tzinfo=UTC), 4),
            "aurora battery overheating 2024 #aurora #battery @aurora_support",
            "r1",
            None,
            platform="reddit",
        ),
        sentiment=("negative", "negative", "neutral", None),
        emotion="anger",
        keyphrases=["battery overheating"],
    )
    add(
        _group(
            "c4-",
            5,
            _minutes(datetime(2024, 6, 12, 11, tzinfo=UTC), 5),
            "the nimbus phone #nimbus",
            "n1",
            0,
        ),
        sentiment="neutral",
    )
    table = posts_table(posts, datetime(2024, 7, 1, tzinfo=UTC))
    # Enrichment columns are set directly: these tests are about the figures, not the models.
    for name in ("sentiment", "emotion", "keyphrases", "entity_texts", "entity_types"):
        empty = [] if name in ("keyphrases", "entity_texts", "entity_types") else None
        values = [e.get(name, empty) for e in enrich]
        index = table.schema.get_field_index(name)
        table = table.set_column(
            index, table.schema.field(index), pa.array(values, table.schema.field(index).type)
        )
    return table


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    # chdb allows one open store per process: open it once per module and always close it.
    opened = open_store(tmp_path_factory.mktemp("analytics-home"))
    try:
        opened.write_table(build_table())
        yield opened
    finally:
        opened.close()
