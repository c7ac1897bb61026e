from importlib import resources

import pytest

from hubbub.store.embedded import POSTS
from hubbub.store.migrate import declared_columns, missing_columns
from tests.store.conftest import BACKENDS, open_backend

DDL = """CREATE TABLE IF NOT EXISTS db.posts
(
    platform LowCardinality(String),
    platform_id String,
    -- a comment line
    score Nullable(Float32),
    INDEX idx_x platform_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = MergeTree ORDER BY platform"""


def test_declared_columns_skip_indexes_and_comments():
    assert declared_columns(DDL) == [
        ("platform", "LowCardinality(String)"),
        ("platform_id", "String"),
        ("score", "Nullable(Float32)"),
    ]


def test_missing_columns_know_where_they_go():
    assert missing_columns(DDL, {"platform"}) == [
        ("platform_id", "String", "platform"),
        ("score", "Nullable(Float32)", "platform_id"),
    ]


def test_schema_sql_parses_into_every_store_column():
    from hubbub.store.rows import COLUMNS

    ddl = resources.files("hubbub.store").joinpath("schema.sql").read_text("utf-8")
    names = [name for name, _ in declared_columns(ddl[ddl.index("CREATE TABLE") :])]
    assert tuple(names) == COLUMNS


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_older_store_gains_new_columns_and_keeps_its_rows(tmp_path, backend):
    with open_backend(backend, tmp_path) as store:
        store.execute(
            f"INSERT INTO {POSTS} (platform, platform_id, created_at, collected_at, text, text_norm, source) VALUES ('x', '1', now(), now(), 'hi', 'hi', '')"
        )
        store.execute(f"ALTER TABLE {POSTS} DROP COLUMN emotion")
        store.execute(f"ALTER TABLE {POSTS} DROP COLUMN flags")
    with open_backend(backend, tmp_path) as store:
        rows = store.rows(f"SELECT platform_id, emotion, flags FROM {POSTS}")
    assert rows == [{"platform_id": "1", "emotion": None, "flags": []}]
