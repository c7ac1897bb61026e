"""Percolation reads only some columns of a stored batch (live/stages.py UNREAD_COLUMNS); a
query on any field of the query language matches the same posts with and without the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from hubbub.live.stages import UNREAD_COLUMNS
from hubbub.live.watchlist import TopicMatcher
from hubbub.models import Author, Metrics, Post
from hubbub.query.fields import FIELDS
from hubbub.store.rows import posts_table
from hubbub.topics import Topic
from hubbub.topics.models import TopicFilters

# One query per field of the query language (and the bare forms), each matching the fixture.
QUERIES = {
    "title": "title:aurora",
    "text": "text:aurora",
    "content": "content:aurora",
    "hashtag": "hashtag:aurora",
    "mention": "mention:aurora_support",
    "author": "author:ann",
    "site": "site:example.com",
    "url": "url:example",
    "links": "links:example.com",
    "language": "language:en",
    "lang": "lang:en",
    "country": "country:US",
    "platform": "platform:x",
    "kind": "kind:post",
    "sentiment": "sentiment:neutral",
    "authorverified": "authorVerified:false",
    "authorfollowers": "authorFollowers:[0 TO 100000]",
    "followers": "followers:[0 TO 100000]",
    "engagement": "engagement:[0 TO 100]",
    "likes": "likes:[0 TO 100]",
    "reposts": "reposts:[0 TO 100]",
    "replies": "replies:[0 TO 100]",
    "views": "views:[0 TO 100]",
    "rating": "rating:[0 TO 10]",
    "engagementtype": "engagementType:COMMENT",
}


def _rows() -> pa.Table:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    made = [
        Post(
            platform="x",
            platform_id=f"p{n}",
            created_at=when + timedelta(minutes=n),
            kind="comment" if n % 2 else "post",
            title="Aurora review",
            text=f"aurora {n} #aurora @aurora_support https://example.com/x",
            url=f"https://www.example.com/p/{n}",
            lang="en",
            country="US",
            rating=4.0,
            author=Author(id="a1", handle="ann", name="Ann", followers=500, verified=False),
            metrics=Metrics(likes=3, reposts=1, replies=2, views=50),
        )
        for n in range(4)
    ]
    table = posts_table(made, datetime.now(UTC))
    index = table.schema.get_field_index("sentiment")
    return table.set_column(index, "sentiment", pa.array(["neutral"] * 4, pa.string()))


def test_every_field_of_the_query_language_has_a_query_here() -> None:
    missing = set(FIELDS) - set(QUERIES) - {"posttype", "pagetype"}
    assert not missing, f"add a query for {sorted(missing)}"


def test_trimmed_rows_match_like_whole_rows() -> None:
    table = _rows()
    trimmed = table.select([c for c in table.column_names if c not in UNREAD_COLUMNS])
    assert trimmed.num_columns < table.num_columns
    topics = [Topic(name, query) for name, query in QUERIES.items()]
    topics.append(
        Topic("filtered", "aurora", filters=TopicFilters(languages=("en",), countries=("US",)))
    )
    matcher = TopicMatcher(topics)
    whole = matcher.match(table.to_pylist())
    assert whole == matcher.match(trimmed.to_pylist())
    # Every query matches some post: a column it needs, if dropped, would show.
    matched = {key[1] for found in whole for key in found}
    assert matched == {t.name for t in topics}
