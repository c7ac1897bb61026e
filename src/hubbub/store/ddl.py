"""The store's DDL, for one server or for a cluster, generated from schema.sql.

schema.sql stays the one description of the tables. On a single server (or embedded chdb) its
statements run as written. When a cluster name is configured (`clickhouse_cluster`), each
MergeTree-family table `db.t` becomes, following ClickHouse's documented syntax:

- `CREATE TABLE IF NOT EXISTS db.t_local ON CLUSTER c (...) ENGINE =
  Replicated<Engine>('/clickhouse/tables/{shard}/db/t', '{replica}'[, engine args]) ...`:
  the rows, replicated within each shard through Keeper; `{shard}` and `{replica}` are the
  macros every server defines in its config;
- `CREATE TABLE IF NOT EXISTS db.t ON CLUSTER c AS db.t_local ENGINE =
  Distributed(c, db, t_local, <sharding key>)`: the table every query names, which fans reads
  out to all shards and routes each inserted row to one shard by the sharding key.

The posts' sharding key hashes (platform, platform_id), so a post always lands on the same
shard and the writer's key check plus ReplacingMergeTree keep it stored once.
`cluster_table_statements` is public so other modules with their own tables (e.g. store/slices.py)
generate their cluster DDL the same way.
"""

from __future__ import annotations

import re
from importlib import resources

from hubbub.errors import ConfigError
from hubbub.store.base import DATABASE, split_sql

POSTS_SHARDING_KEY = "cityHash64(platform, platform_id)"
# The engines ClickHouse can replicate (the Replicated* family of MergeTree engines).
_REPLICABLE = {
    "MergeTree",
    "ReplacingMergeTree",
    "SummingMergeTree",
    "AggregatingMergeTree",
    "CollapsingMergeTree",
    "VersionedCollapsingMergeTree",
    "CoalescingMergeTree",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CREATE = re.compile(r"^CREATE TABLE IF NOT EXISTS (\w+)\.(\w+)\s*\n?\(", re.IGNORECASE)
_ENGINE = re.compile(r"\bENGINE\s*=\s*(\w+)(\s*\(([^)]*)\))?", re.IGNORECASE)


def check_cluster_name(cluster: str) -> str:
    """The cluster name goes into DDL text, so it must be a plain identifier."""
    if not _NAME.match(cluster):
        raise ConfigError(
            f"clickhouse_cluster {cluster!r} is not a cluster name: use the name from the "
            "server's remote_servers config (letters, digits, underscores)"
        )
    return cluster


def schema_sql(database: str = DATABASE) -> list[str]:
    """schema.sql's statements with the database name filled in, as written (no cluster)."""
    ddl = resources.files("hubbub.store").joinpath("schema.sql").read_text("utf-8")
    return [s.replace("{db}", database) for s in split_sql(ddl)]


def posts_create_table(database: str = DATABASE) -> str:
    """The CREATE TABLE of the posts table from schema.sql (the migration reads its columns)."""
    head = f"CREATE TABLE IF NOT EXISTS {database}.posts"
    return next(s for s in schema_sql(database) if s.startswith(head))


def schema_statements(cluster: str | None = None, database: str = DATABASE) -> list[str]:
    """Everything the store runs to create its database and tables, in order."""
    if not cluster:
        return [f"CREATE DATABASE IF NOT EXISTS {database}", *schema_sql(database)]
    check_cluster_name(cluster)
    out = [f"CREATE DATABASE IF NOT EXISTS {database} ON CLUSTER {cluster}"]
    for statement in schema_sql(database):
        out += cluster_table_statements(statement, cluster, POSTS_SHARDING_KEY)
    return out


def cluster_table_statements(create_table: str, cluster: str, sharding_key: str) -> list[str]:
    """A single-server `CREATE TABLE IF NOT EXISTS db.t (...) ENGINE = X...` as the replicated
    local table `db.t_local` on every node plus the Distributed table `db.t` over it."""
    check_cluster_name(cluster)
    match = _CREATE.match(create_table)
    engine = _ENGINE.search(create_table)
    if match is None or engine is None or engine.group(1) not in _REPLICABLE:
        raise ValueError(f"not a MergeTree-family CREATE TABLE: {create_table[:80]!r}")
    database, table = match.group(1), match.group(2)
    local = f"{table}_local"
    args = [f"'/clickhouse/tables/{{shard}}/{database}/{table}'", "'{replica}'"]
    if engine.group(3) and engine.group(3).strip():
        args.append(engine.group(3).strip())
    replicated = f"ENGINE = Replicated{engine.group(1)}({', '.join(args)})"
    body = create_table[match.end() - 1 :]  # from the column list's "("
    body = _ENGINE.sub(lambda _: replicated, body, count=1)
    return [
        f"CREATE TABLE IF NOT EXISTS {database}.{local} ON CLUSTER {cluster}\n{body}",
        f"CREATE TABLE IF NOT EXISTS {database}.{table} ON CLUSTER {cluster} "
        f"AS {database}.{local} "
        f"ENGINE = Distributed({cluster}, {database}, {local}, {sharding_key})",
    ]


def local_table(table: str, cluster: str | None) -> str:
    """The table holding a node's own rows: `db.t_local` on a cluster, `db.t` itself otherwise."""
    return f"{table}_local" if cluster else table


def _on(cluster: str | None) -> str:
    return f" ON CLUSTER {check_cluster_name(cluster)}" if cluster else ""


def table_statements(create_table: str, cluster: str | None, sharding_key: str) -> list[str]:
    """A CREATE TABLE as written on one server; on a cluster, `cluster_table_statements`."""
    if not cluster:
        return [create_table]
    return cluster_table_statements(create_table, cluster, sharding_key)


def materialized_view_statement(
    view: str, target: str, select: str, source: str, where: str, cluster: str | None
) -> str:
    """`CREATE MATERIALIZED VIEW ... TO target AS SELECT select FROM source WHERE where`.

    On a cluster the view is created on every node and reads and writes the *local* tables: a
    view fires only for the inserts of the table it selects FROM, and on the Distributed table
    it would see only the inserts made through its own node. On `source_local` it sees every
    row each shard stores (the insert the Distributed table forwards to one replica; rows a
    replica fetches from another do not fire it), and its rows stay on that shard, replicated
    by `target_local` itself.
    """
    if cluster:
        target, source = local_table(target, cluster), local_table(source, cluster)
    return (
        f"CREATE MATERIALIZED VIEW IF NOT EXISTS {view}{_on(cluster)} "
        f"TO {target} AS SELECT {select} FROM {source} "
        f"WHERE {where}"
    )


def drop_view_statement(view: str, cluster: str | None) -> str:
    return f"DROP VIEW IF EXISTS {view}{_on(cluster)}"


def drop_partition_statement(table: str, partition: str, cluster: str | None) -> str:
    """Drop one partition (`partition` is its literal); on a cluster, from the local tables on
    every node (a Distributed table has no partitions)."""
    return f"ALTER TABLE {local_table(table, cluster)}{_on(cluster)} DROP PARTITION {partition}"


def insert_select_statement(
    table: str, columns: str, select: str, cluster: str | None, deduplicate: bool = True
) -> str:
    """`INSERT INTO table (columns) SELECT ...`. On a cluster `table` is the Distributed table:
    it routes each row to one shard by its sharding key, and waiting for the shards
    (distributed_foreground_insert) makes the rows readable when the statement returns.

    `deduplicate=False` turns off the Replicated tables' insert deduplication, for inserts that
    may repeat an earlier one on purpose: a block identical to one inserted before is otherwise
    skipped as a retry, by some ClickHouse versions even after DROP PARTITION removed its rows
    (ClickHouse issue #827). Tables that fold duplicates themselves lose nothing by it.
    """
    settings = ""
    if cluster:
        settings = "SETTINGS distributed_foreground_insert = 1"
        settings += "" if deduplicate else ", insert_deduplicate = 0"
        settings += " "
    return f"INSERT INTO {table} ({columns}) {settings}{select}"


def add_column_statements(
    table: str, name: str, kind: str, after: str | None, cluster: str | None = None
) -> list[str]:
    """ALTERs that add a column schema.sql declares; on a cluster, to the local tables on every
    node and to the Distributed table (it has its own copy of the structure)."""
    position = f" AFTER {after}" if after else " FIRST"
    column = f"ADD COLUMN IF NOT EXISTS {name} {kind}{position}"
    if not cluster:
        return [f"ALTER TABLE {table} {column}"]
    check_cluster_name(cluster)
    return [
        f"ALTER TABLE {table}_local ON CLUSTER {cluster} {column}",
        f"ALTER TABLE {table} ON CLUSTER {cluster} {column}",
    ]


def mutation_statement(table: str, assignments: str, where: str, cluster: str | None) -> str:
    """`ALTER TABLE ... UPDATE` of a table's rows, waiting until every replica has applied it.

    On a cluster a mutation cannot run on the Distributed table: it goes to the local tables,
    `ON CLUSTER`. Mutations of Replicated tables refuse functions that read other tables
    (joinGet, dictGet) unless `allow_nondeterministic_mutations` is set, because each replica
    evaluates them itself: the caller must make what they read the same on every replica.
    """
    settings = "mutations_sync = 2"
    if not cluster:
        return f"ALTER TABLE {table} UPDATE {assignments} WHERE {where} SETTINGS {settings}"
    check_cluster_name(cluster)
    return (
        f"ALTER TABLE {table}_local ON CLUSTER {cluster} UPDATE {assignments} WHERE {where} "
        f"SETTINGS {settings}, allow_nondeterministic_mutations = 1"
    )


def kill_mutations_statement(table: str, cluster: str | None) -> str:
    """Stop a table's unfinished mutations (a failed one would retry forever in the
    background); on a cluster, those of the local tables on every node. The names are ours
    (never user input), written out because a distributed DDL query carries no parameters."""
    database, name = table.split(".", 1)
    if not cluster:
        return f"KILL MUTATION WHERE database = '{database}' AND table = '{name}' AND NOT is_done"
    check_cluster_name(cluster)
    return (
        f"KILL MUTATION ON CLUSTER {cluster} WHERE database = '{database}' "
        f"AND table = '{name}_local' AND NOT is_done"
    )
