"""Topic slices on a ClickHouse cluster: the SQL slices.py sends when the store has a
`clickhouse_cluster`, checked against ClickHouse's documented syntax and its own parser
(formatQuery in embedded chdb). No cluster runs here: a recording store stands in for one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hubbub.store import open_store, slices
from hubbub.store.slices import COLUMNS, TERMS_COLUMN, slice_query, sync_slices, view_ddl

CLUSTER = "hubbub_cluster"
QUERIES = ['aurora OR "it\'s {q0:String}"', "nimbus AND lang:en"]


class RecordingClusterStore:
    """Answers slices.py's reads from what its own statements recorded; runs no SQL."""

    def __init__(self, missing_column: str | None = None) -> None:
        self._cluster = CLUSTER
        self.statements: list[str] = []
        self.tables: set[str] = set()
        self.views: set[str] = set()
        self.records: list[dict[str, Any]] = []
        self.missing_column = missing_column

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self.statements.append(sql)
        if created := re.match(r"CREATE TABLE IF NOT EXISTS hubbub\.(\w+) ", sql):
            self.tables.add(created.group(1))
        elif view := re.match(r"CREATE MATERIALIZED VIEW IF NOT EXISTS hubbub\.slice_(\w+) ", sql):
            self.views.add(view.group(1))
        elif view := re.match(r"DROP VIEW IF EXISTS hubbub\.slice_(\w+) ", sql):
            self.views.discard(view.group(1))
        elif sql.startswith("INSERT INTO hubbub.topic_slices ") and params:
            self.records.append(params)
        elif sql.startswith("ALTER TABLE hubbub.topic_posts ON CLUSTER") and "ADD COLUMN" in sql:
            self.missing_column = None  # the table reads name has it now

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        if "FROM system.tables" in sql and params:
            return int(params["t"] in self.tables)
        return 3  # a slice's row count

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if "FROM system.columns" in sql:
            names = ["slice", *COLUMNS, TERMS_COLUMN]
            return [{"name": n} for n in names if n != self.missing_column]
        if "FROM system.tables" in sql:
            return [{"name": f"slice_{key}"} for key in sorted(self.views)]
        if "FROM hubbub.topic_slices" in sql:
            latest: dict[str, dict[str, Any]] = {}
            for record in sorted(self.records, key=lambda r: r["seq"]):
                latest[record["k"]] = record
            return [
                {"slice": k, "query": r["q"], "state": r["s"], "rows": r["n"]}
                for k, r in latest.items()
            ]
        return []


@pytest.fixture(scope="module")
def cluster_run() -> RecordingClusterStore:
    store = RecordingClusterStore(missing_column="flags")
    built = sync_slices(store, QUERIES)
    assert len(built.built) == 2
    assert slices.slice_for(store, QUERIES[0]) == slice_query(QUERIES[0]).key
    dropped = sync_slices(store, QUERIES[:1])
    assert dropped.dropped == [slice_query(QUERIES[1]).key]
    return store


def _ddl(statements: list[str]) -> list[str]:
    return [s for s in statements if s.split(" ", 1)[0] in ("CREATE", "ALTER", "DROP")]


def test_every_cluster_ddl_statement_runs_on_cluster_on_the_local_tables(cluster_run) -> None:
    statements = _ddl(cluster_run.statements)
    assert statements
    for statement in statements:
        assert f" ON CLUSTER {CLUSTER}" in statement, statement
    # Views, partitions and columns of the slice rows: the local tables (a view on the
    # Distributed table would see only the inserts made through one node).
    for statement in statements:
        if statement.startswith("CREATE MATERIALIZED VIEW"):
            assert " TO hubbub.topic_posts_local AS SELECT " in statement
            assert " FROM hubbub.posts_local WHERE " in statement
        elif "DROP PARTITION" in statement:
            assert statement.startswith(
                f"ALTER TABLE hubbub.topic_posts_local ON CLUSTER {CLUSTER}"
            )
    adds = [s for s in statements if "ADD COLUMN" in s]
    assert adds == [
        f"ALTER TABLE hubbub.topic_posts_local ON CLUSTER {CLUSTER} ADD COLUMN IF NOT EXISTS "
        "flags Array(LowCardinality(String)) AFTER keyphrases",
        f"ALTER TABLE hubbub.topic_posts ON CLUSTER {CLUSTER} ADD COLUMN IF NOT EXISTS "
        "flags Array(LowCardinality(String)) AFTER keyphrases",
    ]


def test_cluster_tables_are_replicated_and_distributed_like_posts(cluster_run) -> None:
    created = [s for s in cluster_run.statements if s.startswith("CREATE TABLE")]
    assert [re.match(r"CREATE TABLE IF NOT EXISTS (\S+)", s).group(1) for s in created[:4]] == [
        "hubbub.topic_posts_local",
        "hubbub.topic_posts",
        "hubbub.topic_slices_local",
        "hubbub.topic_slices",
    ]
    posts_local, posts, state_local, state = created[:4]
    assert (
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/hubbub/topic_posts', "
        "'{replica}')\nPARTITION BY slice\nORDER BY (slice, created_at, platform, platform_id)"
    ) in posts_local
    # The posts' sharding key: a post's slice rows live on the post's shard.
    assert posts.endswith(
        f"ENGINE = Distributed({CLUSTER}, hubbub, topic_posts_local, "
        "cityHash64(platform, platform_id))"
    )
    assert (
        "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/hubbub/topic_slices', "
        "'{replica}')\nORDER BY (slice, seq)"
    ) in state_local
    assert state.endswith(
        f"ENGINE = Distributed({CLUSTER}, hubbub, topic_slices_local, cityHash64(slice))"
    )


def test_cluster_writes_go_through_the_distributed_tables_and_wait(cluster_run) -> None:
    inserts = [s for s in cluster_run.statements if s.startswith("INSERT")]
    backfills = [s for s in inserts if s.startswith("INSERT INTO hubbub.topic_posts ")]
    assert len(backfills) == 2
    for statement in inserts:
        assert " SETTINGS distributed_foreground_insert = 1" in statement
        assert "_local" not in statement
    for statement in backfills:
        assert " FROM hubbub.posts WHERE " in statement
        # A rebuild repeats the blocks of the build it replaces: no insert deduplication.
        assert "distributed_foreground_insert = 1, insert_deduplicate = 0 SELECT " in statement


def test_clickhouse_parses_every_cluster_statement(cluster_run, tmp_path: Path) -> None:
    statements = list(dict.fromkeys(cluster_run.statements))
    with open_store(tmp_path, "embedded") as store:
        for statement in statements:
            formatted = store.scalar("SELECT formatQuery({q:String}) AS f", {"q": statement})
            if not statement.startswith("INSERT"):
                assert f"ON CLUSTER {CLUSTER}" in formatted
            else:
                assert "distributed_foreground_insert = 1" in formatted


def test_without_a_cluster_the_statements_are_the_single_server_ones() -> None:
    found = slice_query(QUERIES[0])
    assert found is not None
    columns = ", ".join(COLUMNS)
    assert view_ddl(found) == (
        f"CREATE MATERIALIZED VIEW IF NOT EXISTS hubbub.slice_{found.key} TO hubbub.topic_posts "
        f"AS SELECT '{found.key}' AS slice, {columns}, {slices.terms_sql()[2]} AS terms "
        f"FROM hubbub.posts WHERE {found.inlined}"
    )
    assert slices.table_statements() == slices.table_ddl()
    assert "ON CLUSTER" not in " ".join(slices.table_statements())


def test_a_cluster_name_that_is_not_an_identifier_is_refused() -> None:
    from hubbub.errors import ConfigError

    found = slice_query(QUERIES[0])
    with pytest.raises(ConfigError, match="not a cluster name"):
        view_ddl(found, "c; DROP TABLE hubbub.posts")
