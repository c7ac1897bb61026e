"""The enrichment pipeline: split, table round trip, errors, import integration, backfill."""

from datetime import UTC, datetime, timedelta

import pytest

from hubbub.enrich import registry
from hubbub.enrich.backfill import reenrich
from hubbub.enrich.base import EnrichDoc, FunctionEnricher
from hubbub.enrich.pipeline import Pipeline
from hubbub.models import Author, Post
from hubbub.store import open_store
from hubbub.store.embedded import POSTS
from hubbub.store.rows import posts_table

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def shout(docs: list[EnrichDoc]) -> None:
    for doc in docs:
        doc.sentiment = "positive" if "!" in doc.text else "neutral"
        doc.sentiment_score = 0.9


def broken(docs: list[EnrichDoc]) -> None:
    raise RuntimeError("model file missing")


SHOUT = FunctionEnricher(
    "sentiment.test-shout.v1", ("text",), ("sentiment", "sentiment_score"), shout
)
BROKEN = FunctionEnricher("emotion.test-broken.v1", ("text",), ("emotion",), broken)


class Stateful:
    name = "dedup.test.v1"
    requires = ("text",)
    assigns = ("dup_cluster",)
    stateful = True

    def __call__(self, docs):
        for doc in docs:
            doc.dup_cluster = doc.key


def posts(n: int) -> list[Post]:
    return [
        Post(
            "x",
            str(i),
            T0 + timedelta(minutes=i),
            f"post {i}" + ("!" if i % 2 else ""),
            author=Author(followers=i),
        )
        for i in range(n)
    ]


def test_split_puts_everything_from_the_first_stateful_enricher_in_the_owner_part():
    workers, owner = Pipeline([SHOUT, Stateful(), BROKEN]).split()
    assert workers.names == [SHOUT.name]
    assert owner.names == ["dedup.test.v1", BROKEN.name]


def test_enrich_table_fills_columns_and_provenance_and_survives_a_broken_enricher():
    errors: list[str] = []
    table = Pipeline([SHOUT, BROKEN]).enrich_table(posts_table(posts(4)), errors)
    rows = table.select(["sentiment", "sentiment_score", "emotion", "enrichers"]).to_pylist()
    assert [r["sentiment"] for r in rows] == ["neutral", "positive", "neutral", "positive"]
    assert rows[0]["emotion"] is None
    assert rows[0]["enrichers"] == [("sentiment", SHOUT.name)]
    assert len(errors) == 4 and "model file missing" in errors[0]


def test_enricher_names_must_be_versioned():
    with pytest.raises(ValueError, match=r"what\.impl\.vN"):
        FunctionEnricher("sentiment", (), ("sentiment",), shout)


def test_unknown_enricher_name_is_a_one_line_config_error():
    with pytest.raises(Exception, match="unknown enricher"):
        registry.build("sentiment,telepathy")


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def test_reenrich_updates_matching_posts_in_place_without_changing_counts(store, monkeypatch):
    store.write(posts(30))
    monkeypatch.setitem(registry.FACTORIES, "shout", lambda: SHOUT)
    done = reenrich(store, "shout", "platform_id IN ('1', '2', '3')")
    assert done == 3
    rows = store.rows(
        f"SELECT platform_id, sentiment, enrichers FROM {POSTS} ORDER BY toUInt32(platform_id)"
    )
    assert store.count() == 30
    assert [r["sentiment"] for r in rows[:5]] == [None, "positive", "neutral", "positive", None]
    assert rows[1]["enrichers"] == {"sentiment": SHOUT.name}
    assert store.scalar("SELECT count() FROM system.tables WHERE name = 'reenrich_updates'") == 0
