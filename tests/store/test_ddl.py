"""The DDL for one server and for a cluster, checked against ClickHouse's documented syntax
(clickhouse.com/docs: Replicated* table engines, the Distributed engine, distributed DDL) and
against ClickHouse's own parser (formatQuery, in embedded chdb)."""

import re

import pytest

from hubbub.errors import ConfigError
from hubbub.store.ddl import (
    add_column_statements,
    cluster_table_statements,
    kill_mutations_statement,
    mutation_statement,
    schema_sql,
    schema_statements,
)
from hubbub.store.migrate import declared_columns

CLUSTER = "hubbub_cluster"


def test_single_server_ddl_is_schema_sql_as_written():
    assert schema_statements() == ["CREATE DATABASE IF NOT EXISTS hubbub", *schema_sql()]
    assert "ON CLUSTER" not in " ".join(schema_statements())


def test_cluster_ddl_has_replicated_local_tables_and_a_distributed_table():
    database, local, distributed = schema_statements(CLUSTER)
    assert database == f"CREATE DATABASE IF NOT EXISTS hubbub ON CLUSTER {CLUSTER}"
    # CREATE TABLE [IF NOT EXISTS] [db.]name [ON CLUSTER cluster] (...) ENGINE = ...
    assert local.startswith(
        f"CREATE TABLE IF NOT EXISTS hubbub.posts_local ON CLUSTER {CLUSTER}\n("
    )
    # ReplicatedReplacingMergeTree('path in Keeper', 'replica name'[, ver]), with the macros
    assert re.search(
        r"\nENGINE = ReplicatedReplacingMergeTree\('/clickhouse/tables/\{shard\}/hubbub/posts', "
        r"'\{replica\}'\)\nPARTITION BY toYYYYMM\(created_at\)\nORDER BY \(created_at, platform, "
        r"platform_id\)$",
        local,
    )
    # CREATE TABLE [db.]name [ON CLUSTER c] AS [db2.]name2
    #   ENGINE = Distributed(cluster, database, table[, sharding_key[, policy_name]])
    assert distributed == (
        f"CREATE TABLE IF NOT EXISTS hubbub.posts ON CLUSTER {CLUSTER} AS hubbub.posts_local "
        f"ENGINE = Distributed({CLUSTER}, hubbub, posts_local, cityHash64(platform, platform_id))"
    )


def test_cluster_local_table_keeps_every_column_and_index():
    single = schema_sql()[0]
    local = schema_statements(CLUSTER)[1]
    assert declared_columns(local) == declared_columns(single)
    assert local.count("INDEX idx_") == single.count("INDEX idx_") == 3


def test_engine_arguments_follow_the_replication_arguments():
    create = (
        "CREATE TABLE IF NOT EXISTS hubbub.topic_posts\n(\n    topic String,\n    n UInt64\n)\n"
        "ENGINE = ReplacingMergeTree(n)\nORDER BY topic"
    )
    local, distributed = cluster_table_statements(create, "c1", "cityHash64(topic)")
    assert (
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/hubbub/topic_posts', '{replica}', n)"
        in local
    )
    assert distributed.endswith(
        "ENGINE = Distributed(c1, hubbub, topic_posts_local, cityHash64(topic))"
    )


def test_cluster_column_additions_alter_both_tables():
    assert add_column_statements("hubbub.posts", "x", "Nullable(String)", "y", CLUSTER) == [
        f"ALTER TABLE hubbub.posts_local ON CLUSTER {CLUSTER} ADD COLUMN IF NOT EXISTS x Nullable(String) AFTER y",
        f"ALTER TABLE hubbub.posts ON CLUSTER {CLUSTER} ADD COLUMN IF NOT EXISTS x Nullable(String) AFTER y",
    ]


def test_cluster_names_must_be_identifiers():
    with pytest.raises(ConfigError, match="not a cluster name"):
        schema_statements("c1; DROP TABLE x")


def test_clickhouse_parses_every_cluster_statement(tmp_path):
    # chdb has no Keeper or cluster to run them on, but its parser must accept them as written.
    from hubbub.store import open_store

    statements = schema_statements(CLUSTER) + add_column_statements(
        "hubbub.posts", "x", "Nullable(String)", "y", CLUSTER
    )
    with open_store(tmp_path, "embedded") as store:
        for statement in statements:
            formatted = store.scalar("SELECT formatQuery({q:String}) AS f", {"q": statement})
            assert f"ON CLUSTER {CLUSTER}" in formatted


def test_reenrich_mutation_targets_the_local_tables_on_the_cluster():
    assignments, where = "lang = joinGet('hubbub.u', 'lang', platform, platform_id)", "1"
    assert mutation_statement("hubbub.posts", assignments, where, None) == (
        f"ALTER TABLE hubbub.posts UPDATE {assignments} WHERE 1 SETTINGS mutations_sync = 2"
    )
    # ALTER TABLE [db.]table [ON CLUSTER cluster] UPDATE column1 = expr1 [, ...] WHERE filter_expr
    # (a mutation on the Distributed table fails; each replica applies it to its local table)
    assert mutation_statement("hubbub.posts", assignments, where, CLUSTER) == (
        f"ALTER TABLE hubbub.posts_local ON CLUSTER {CLUSTER} UPDATE {assignments} WHERE 1 "
        "SETTINGS mutations_sync = 2, allow_nondeterministic_mutations = 1"
    )
    assert kill_mutations_statement("hubbub.posts", CLUSTER) == (
        f"KILL MUTATION ON CLUSTER {CLUSTER} WHERE database = 'hubbub' AND table = 'posts_local' "
        "AND NOT is_done"
    )


def test_clickhouse_parses_the_reenrich_statements(tmp_path):
    from hubbub.enrich.backfill import UPDATES
    from hubbub.store import open_store

    assignments = (
        f"lang = joinGet('{UPDATES}', 'lang', platform, platform_id), "
        f"enrichers = mapUpdate(enrichers, joinGet('{UPDATES}', 'enrichers', platform, platform_id))"
    )
    where = f"joinGet('{UPDATES}', 'hit', platform, platform_id) = 1"
    statements = [
        mutation_statement("hubbub.posts", assignments, where, CLUSTER),
        kill_mutations_statement("hubbub.posts", CLUSTER),
    ]
    with open_store(tmp_path, "embedded") as store:
        for statement in statements:
            formatted = store.scalar("SELECT formatQuery({q:String}) AS f", {"q": statement})
            assert f"ON CLUSTER {CLUSTER}" in formatted and "posts_local" in formatted


def test_reenrich_refuses_a_cluster_store_before_touching_it():
    from hubbub.enrich.backfill import reenrich

    class ClusterStore:  # reenrich must stop before its first statement
        _cluster = CLUSTER

        def execute(self, *args: object) -> None:
            raise AssertionError("no statement may run")

    with pytest.raises(ConfigError, match="does not run on a ClickHouse cluster yet"):
        reenrich(ClusterStore(), "language")  # type: ignore[arg-type]


def test_view_partition_and_insert_statements_with_and_without_a_cluster():
    from hubbub.store.ddl import (
        drop_partition_statement,
        drop_view_statement,
        insert_select_statement,
        materialized_view_statement,
    )

    view = ("hubbub.v", "hubbub.t", "1 AS x", "hubbub.posts", "lang = 'en'")
    assert materialized_view_statement(*view, None) == (
        "CREATE MATERIALIZED VIEW IF NOT EXISTS hubbub.v TO hubbub.t AS SELECT 1 AS x "
        "FROM hubbub.posts WHERE lang = 'en'"
    )
    # CREATE MATERIALIZED VIEW [IF NOT EXISTS] [db.]name [ON CLUSTER] TO [db.]name AS SELECT ...
    assert materialized_view_statement(*view, CLUSTER) == (
        f"CREATE MATERIALIZED VIEW IF NOT EXISTS hubbub.v ON CLUSTER {CLUSTER} TO hubbub.t_local "
        "AS SELECT 1 AS x FROM hubbub.posts_local WHERE lang = 'en'"
    )
    assert drop_view_statement("hubbub.v", None) == "DROP VIEW IF EXISTS hubbub.v"
    assert drop_view_statement("hubbub.v", CLUSTER) == (
        f"DROP VIEW IF EXISTS hubbub.v ON CLUSTER {CLUSTER}"
    )
    assert drop_partition_statement("hubbub.t", "'k'", None) == (
        "ALTER TABLE hubbub.t DROP PARTITION 'k'"
    )
    assert drop_partition_statement("hubbub.t", "'k'", CLUSTER) == (
        f"ALTER TABLE hubbub.t_local ON CLUSTER {CLUSTER} DROP PARTITION 'k'"
    )
    assert insert_select_statement("hubbub.t", "x", "SELECT 1", None, False) == (
        "INSERT INTO hubbub.t (x) SELECT 1"
    )
    assert insert_select_statement("hubbub.t", "x", "SELECT 1", CLUSTER, False) == (
        "INSERT INTO hubbub.t (x) SETTINGS distributed_foreground_insert = 1, "
        "insert_deduplicate = 0 SELECT 1"
    )
