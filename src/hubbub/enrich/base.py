"""The enricher contract: what every enricher declares, reads and adds.

An enricher is a batch function over `EnrichDoc`s with a versioned name
(`sentiment.hubbub-linear.v1`), the fields it `requires` and the fields it `assigns`. The name
is stored with what it adds (`EnrichDoc.provenance`), so a backfill with a better model is an
ordinary re-run. Enrichers never raise for one bad post: they leave its fields unset and record
the problem in `EnrichDoc.errors`, so a batch always completes.

`stateful` enrichers (near-duplicate clustering) keep state across batches and run in one
process, in arrival order; the others are pure per batch and may run in worker processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

# Fields an enricher may assign, with what each holds.
ASSIGNABLE = {
    "lang": "BCP-47 language code (zh-Hans, zh-Hant, en, ...) or 'und'",
    "lang_score": "confidence of the language, 0..1",
    "sentiment": "positive | neutral | negative",
    "sentiment_score": "probability of that label, 0..1",
    "emotion": "joy | anger | sadness | fear | surprise | disgust | neutral",
    "emotion_score": "probability of that label, 0..1",
    "entities": "list of (text, type): PERSON, ORG, BRAND, PRODUCT, PLACE, ...",
    "keyphrases": "list of key phrases, most salient first",
    "dup_cluster": "near-duplicate/repost cluster: 'platform:platform_id' of its first post",
    "dup_size": "posts in that cluster when this post was enriched",
    "flags": "list of flags: sponsored, spam, question, complaint, ...",
}


@dataclass(slots=True)
class EnrichDoc:
    """One post as enrichers see it: inputs from the post, outputs they fill in."""

    platform: str
    platform_id: str
    text: str
    title: str | None = None
    lang: str | None = None  # the platform's own language code, if it gave one
    kind: str = "post"
    created_at_ms: int | None = None
    author_id: str | None = None
    author_handle: str | None = None
    author_followers: int | None = None
    urls: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    repost_of: str | None = None
    # outputs
    lang_score: float | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    emotion: str | None = None
    emotion_score: float | None = None
    entities: list[tuple[str, str]] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)
    dup_cluster: str | None = None
    dup_size: int | None = None
    flags: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)  # field → enricher name
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.platform_id}"

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


class Enricher(Protocol):
    name: str  # versioned: "<what>.<implementation>.v<N>"
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    stateful: bool

    def __call__(self, docs: list[EnrichDoc]) -> None:
        """Fill `assigns` on every doc of the batch (in place); never raise for one bad doc."""


@dataclass
class FunctionEnricher:
    """An enricher made from a batch function; the usual way to declare a stateless one."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    function: Callable[[list[EnrichDoc]], None]
    stateful: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.assigns) - set(ASSIGNABLE)
        if unknown:
            raise ValueError(f"enricher {self.name} assigns unknown fields {sorted(unknown)}")
        if self.name.count(".") < 2 or not self.name.rsplit(".", 1)[-1].startswith("v"):
            raise ValueError(f"enricher name {self.name!r} must look like what.impl.vN")

    def __call__(self, docs: list[EnrichDoc]) -> None:
        self.function(docs)
        for doc in docs:
            for name in self.assigns:
                # Scores go with their label: one provenance entry per enriched field.
                if not name.endswith("_score") and getattr(doc, name) not in (None, [], ""):
                    doc.provenance[name] = self.name


def safe_batch(per_doc: Callable[[EnrichDoc], Any]) -> Callable[[list[EnrichDoc]], None]:
    """A batch function from a per-doc one; an exception on one doc is recorded, not raised."""

    def run(docs: list[EnrichDoc]) -> None:
        for doc in docs:
            try:
                per_doc(doc)
            except Exception as exc:
                doc.errors.append(f"{type(exc).__name__}: {exc}")

    return run
