"""Backfill: re-run enrichers over posts already stored (`hubbub reenrich`).

Posts are read in pages in key order, enriched, and their new values written with a
ClickHouse mutation that looks each row's values up in a temporary Join table
(`ALTER TABLE … UPDATE col = joinGet(…)`). A mutation rewrites each affected part atomically, so
a crash leaves every post with either its old or its new values, never a mix or a duplicate,
and re-running the backfill finishes the job. Counts never change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from hubbub.enrich.pipeline import OUTPUT_COLUMNS, Pipeline, docs_from_table, write_back
from hubbub.enrich.registry import build
from hubbub.errors import ConfigError
from hubbub.store.base import DATABASE, POSTS, BaseStore

UPDATES = f"{DATABASE}.reenrich_updates"
PAGE = 20_000
FLUSH_ROWS = 200_000  # rows held in the Join table (in memory) before one mutation applies them

# Enriched field → the store columns that hold it.
FIELD_COLUMNS = {
    "lang": ("lang",),
    "lang_score": ("lang_score",),
    "sentiment": ("sentiment",),
    "sentiment_score": ("sentiment_score",),
    "emotion": ("emotion",),
    "emotion_score": ("emotion_score",),
    "entities": ("entity_texts", "entity_types"),
    "keyphrases": ("keyphrases",),
    "dup_cluster": ("dup_cluster",),
    "dup_size": ("dup_size",),
    "flags": ("flags",),
}
_READ = (
    "platform, platform_id, text, title, lang, kind, author_id, author_handle, "
    "author_followers, urls, hashtags, repost_of, "
    + ", ".join(c for c in OUTPUT_COLUMNS if c != "lang")
)


def reenrich(
    store: BaseStore,
    names: str | list[str],
    where: str = "1",
    params: dict[str, Any] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Re-run the named enrichers on every post matching `where`; returns how many."""
    if store._cluster:
        # The mutation (store/ddl.py) would run on every replica, but the Join table it reads
        # is created and filled only on the node this client talks to.
        raise ConfigError(
            "hubbub reenrich does not run on a ClickHouse cluster yet (its updates table would "
            "be on one node only); re-enrich before moving to the cluster, or on one server"
        )
    pipeline = build(names)
    columns = _assigned_columns(pipeline)
    store.execute(f"DROP TABLE IF EXISTS {UPDATES}")
    store.execute(
        f"CREATE TABLE {UPDATES} ENGINE = Join(ANY, LEFT, platform, platform_id) AS "
        f"SELECT platform, platform_id, toUInt8(1) AS hit, {', '.join(columns)}, enrichers "
        f"FROM {POSTS} LIMIT 0"
    )
    done = pending = 0
    try:
        for page in store.pages(_READ, where, params or {}, PAGE):
            enriched = _enrich(pipeline, page)
            update = enriched.select(["platform", "platform_id", *columns])
            update = update.add_column(2, "hit", pa.array([1] * update.num_rows, pa.uint8()))
            update = update.append_column("enrichers", _new_provenance(enriched, pipeline))
            store.insert_arrow(UPDATES, update)
            pending += update.num_rows
            done += update.num_rows
            if pending >= FLUSH_ROWS:
                _apply(store, columns)
                pending = 0
            if on_progress is not None:
                on_progress(update.num_rows)
        if pending:
            _apply(store, columns)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {UPDATES}")
    return done


def _assigned_columns(pipeline: Pipeline) -> list[str]:
    columns: list[str] = []
    for enricher in pipeline.enrichers:
        for name in enricher.assigns:
            for column in FIELD_COLUMNS[name]:
                if column not in columns:
                    columns.append(column)
    return columns


def _enrich(pipeline: Pipeline, page: pa.Table) -> pa.Table:
    docs = docs_from_table(page)
    pipeline.run(docs)
    return write_back(page, docs)


def _new_provenance(table: pa.Table, pipeline: Pipeline) -> pa.Array:
    """Per row, the provenance entries this run set (merged into the stored map by mapUpdate)."""
    ours = {e.name for e in pipeline.enrichers}
    rows = [
        [(field, name) for field, name in (entries or []) if name in ours]
        for entries in table.column("enrichers").to_pylist()
    ]
    return pa.array(rows, pa.map_(pa.string(), pa.string()))


def _apply(store: BaseStore, columns: list[str]) -> None:
    from hubbub.store.ddl import kill_mutations_statement, mutation_statement

    assignments = ", ".join(
        f"{c} = joinGet('{UPDATES}', '{c}', platform, platform_id)" for c in columns
    )
    provenance = f"joinGet('{UPDATES}', 'enrichers', platform, platform_id)"
    cluster = store._cluster
    try:
        store.execute(
            mutation_statement(
                POSTS,
                f"{assignments}, enrichers = mapUpdate(enrichers, {provenance})",
                f"joinGet('{UPDATES}', 'hit', platform, platform_id) = 1",
                cluster,
            )
        )
    except Exception:
        # A failed mutation would otherwise retry forever in the background.
        store.execute(kill_mutations_statement(POSTS, cluster))
        raise
    finally:
        store.changes.touch_all()  # posts of any time may have changed: no cached figure holds
    store.execute(f"TRUNCATE TABLE {UPDATES}")
