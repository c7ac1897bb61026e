"""Running enrichers over batches of store rows (Arrow tables), in workers and in one process.

Enrichment reads and writes the same Arrow tables the store inserts, so import, demo, stream
and backfill share one path: build the table (hubbub.store.rows), enrich it, insert it.

An enricher list splits in two at the first stateful enricher: the part before it is pure per
batch and runs where the table is built (import worker processes, both cores); the rest runs in
the process that owns the store, in arrival order, on new rows only (so a re-imported post
never enters the near-duplicate index twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from hubbub.enrich.base import EnrichDoc, Enricher

# Store columns an EnrichDoc is read from, and the doc attribute each fills.
_INPUTS = {
    "platform": "platform",
    "platform_id": "platform_id",
    "text": "text",
    "title": "title",
    "lang": "lang",
    "kind": "kind",
    "author_id": "author_id",
    "author_handle": "author_handle",
    "author_followers": "author_followers",
    "urls": "urls",
    "hashtags": "hashtags",
    "repost_of": "repost_of",
}
# Doc attribute → store column(s) written back.
OUTPUT_COLUMNS = (
    "lang",
    "lang_score",
    "sentiment",
    "sentiment_score",
    "emotion",
    "emotion_score",
    "entity_texts",
    "entity_types",
    "keyphrases",
    "dup_cluster",
    "dup_size",
    "flags",
    "enrichers",
)


@dataclass
class Pipeline:
    """An ordered list of enrichers, split for where each part runs."""

    enrichers: list[Enricher] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.enrichers]

    def split(self) -> tuple[Pipeline, Pipeline]:
        """(part for worker processes, part for the store-owning process)."""
        for index, enricher in enumerate(self.enrichers):
            if enricher.stateful:
                return Pipeline(self.enrichers[:index]), Pipeline(self.enrichers[index:])
        return Pipeline(list(self.enrichers)), Pipeline([])

    def run(self, docs: list[EnrichDoc]) -> None:
        for enricher in self.enrichers:
            try:
                enricher(docs)
            except Exception as exc:
                for doc in docs:
                    doc.errors.append(f"{enricher.name}: {type(exc).__name__}: {exc}")

    def enrich_table(self, table: pa.Table, errors: list[str] | None = None) -> pa.Table:
        """The table with its enrichment columns filled by this pipeline's enrichers.

        Posts an enricher failed on keep that enricher's fields empty; their errors
        ("platform:id: reason") are appended to `errors` when given.
        """
        if not self.enrichers or table.num_rows == 0:
            return table
        docs = docs_from_table(table)
        self.run(docs)
        if errors is not None:
            errors.extend(f"{d.key}: {e}" for d in docs for e in d.errors)
        return write_back(table, docs)


def docs_from_table(table: pa.Table) -> list[EnrichDoc]:
    columns = {name: table.column(name).to_pylist() for name in _INPUTS}
    previous = {
        name: table.column(name).to_pylist()
        for name in (
            "lang_score",
            "sentiment",
            "sentiment_score",
            "emotion",
            "emotion_score",
            "keyphrases",
            "flags",
            "enrichers",
        )
    }
    entity_texts = table.column("entity_texts").to_pylist()
    entity_types = table.column("entity_types").to_pylist()
    docs = []
    for i in range(table.num_rows):
        doc = EnrichDoc(**{attr: columns[col][i] for col, attr in _INPUTS.items()})
        doc.text = doc.text or ""
        doc.urls = doc.urls or []
        doc.hashtags = doc.hashtags or []
        # Outputs of an earlier part of the pipeline (worker side) carry over.
        doc.lang_score = previous["lang_score"][i]
        doc.sentiment = previous["sentiment"][i]
        doc.sentiment_score = previous["sentiment_score"][i]
        doc.emotion = previous["emotion"][i]
        doc.emotion_score = previous["emotion_score"][i]
        doc.keyphrases = previous["keyphrases"][i] or []
        doc.flags = previous["flags"][i] or []
        doc.provenance = dict(previous["enrichers"][i] or [])
        doc.entities = list(zip(entity_texts[i] or [], entity_types[i] or [], strict=False))
        docs.append(doc)
    return docs


def write_back(table: pa.Table, docs: Sequence[EnrichDoc]) -> pa.Table:
    values: dict[str, list[Any]] = {
        "lang": [d.lang for d in docs],
        "lang_score": [d.lang_score for d in docs],
        "sentiment": [d.sentiment for d in docs],
        "sentiment_score": [d.sentiment_score for d in docs],
        "emotion": [d.emotion for d in docs],
        "emotion_score": [d.emotion_score for d in docs],
        "entity_texts": [[t for t, _ in d.entities] for d in docs],
        "entity_types": [[k for _, k in d.entities] for d in docs],
        "keyphrases": [d.keyphrases for d in docs],
        "dup_cluster": [d.dup_cluster for d in docs],
        "dup_size": [d.dup_size for d in docs],
        "flags": [d.flags for d in docs],
        "enrichers": [sorted(d.provenance.items()) for d in docs],
    }
    schema = table.schema
    for name, column in values.items():
        index = schema.get_field_index(name)
        column_field = schema.field(index)
        table = table.set_column(index, column_field, pa.array(column, column_field.type))
    return table
