"""The DDL for one server and for a cluster, checked against ClickHouse's documented syntax
(clickhouse.com/docs: Replicated* table engines, the Distributed engine, distributed DDL) and
against ClickHouse's own parser (formatQuery, in embedded chdb)."""

import re

import pytest

from hubbub.errors import ConfigError
from hubbub.store.ddl import (
    add_column_statements,
    cluster_table_statements,
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
