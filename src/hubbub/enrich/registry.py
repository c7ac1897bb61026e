"""The built-in enrichers, by short name, and the default pipeline.

Factories import their models lazily, so naming an enricher costs nothing until it runs.
`hubbub enrich --enrichers language,sentiment` and the import pipeline both resolve names here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hubbub.enrich.base import EnrichDoc, Enricher, FunctionEnricher
from hubbub.enrich.pipeline import Pipeline
from hubbub.errors import ConfigError

# Order matters: language first (the models read it); everything before dedup (the first
# stateful enricher) runs in worker processes; spam-burst needs dedup's cluster sizes.
DEFAULT = ("language", "sentiment", "emotion", "keyphrases", "flags", "dedup", "spam-burst")


def _language() -> Enricher:
    from hubbub.enrich.language import LANGUAGE_MODEL, detect_languages

    def run(docs: list[EnrichDoc]) -> None:
        detected = detect_languages([d.full_text for d in docs])
        for doc, (code, score) in zip(docs, detected, strict=True):
            given = (doc.lang or "").strip()
            if given and given.lower() not in {"und", "zxx", "qme", "qht"}:
                # The platform's own code wins; a bare "zh" is refined to the script we see.
                if given.lower() == "zh" and code.startswith("zh-"):
                    doc.lang, doc.lang_score = code, score
                continue
            doc.lang, doc.lang_score = code, score

    return FunctionEnricher(LANGUAGE_MODEL, ("text",), ("lang", "lang_score"), run)


def _sentiment() -> Enricher:
    from hubbub.enrich.sentiment import SENTIMENT_MODEL, predict_sentiment

    def run(docs: list[EnrichDoc]) -> None:
        results = predict_sentiment([d.full_text for d in docs], [d.lang for d in docs])
        for doc, (label, score) in zip(docs, results, strict=True):
            doc.sentiment, doc.sentiment_score = label, score

    return FunctionEnricher(
        SENTIMENT_MODEL, ("text", "lang"), ("sentiment", "sentiment_score"), run
    )


def _emotion() -> Enricher:
    from hubbub.enrich.emotion import EMOTION_MODEL, predict_emotion

    def run(docs: list[EnrichDoc]) -> None:
        results = predict_emotion([d.full_text for d in docs], [d.lang for d in docs])
        for doc, (label, score) in zip(docs, results, strict=True):
            doc.emotion, doc.emotion_score = label, score

    return FunctionEnricher(EMOTION_MODEL, ("text", "lang"), ("emotion", "emotion_score"), run)


def _keyphrases() -> Enricher:
    from hubbub.enrich.keyphrases import keyphrases_enricher

    return keyphrases_enricher()


def _entities() -> Enricher:
    from hubbub.enrich.entities import entities_enricher

    return entities_enricher()


def _dedup() -> Enricher:
    from hubbub.enrich.dedup import NearDuplicates

    return NearDuplicates()


def _flags() -> Enricher:
    from hubbub.enrich.flags import flags_enricher

    return flags_enricher


def _spam_burst() -> Enricher:
    from hubbub.enrich.flags import SpamBurst

    return SpamBurst()


FACTORIES: dict[str, Callable[[], Enricher]] = {
    "language": _language,
    "sentiment": _sentiment,
    "emotion": _emotion,
    "keyphrases": _keyphrases,
    "entities": _entities,
    "dedup": _dedup,
    "flags": _flags,
    "spam-burst": _spam_burst,
}


def build(
    names: str | list[str] | tuple[str, ...] | None = None, state_dir: Path | None = None
) -> Pipeline:
    """A pipeline from short names ("language,sentiment"), or the default one.

    With `state_dir`, stateful enrichers resume from the state saved there by `save_state`
    (the near-duplicate index remembers earlier imports).
    """
    if names is None:
        names = DEFAULT
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in names if n not in FACTORIES]
    if unknown:
        raise ConfigError(
            f"unknown enricher(s) {', '.join(unknown)}; choose from {', '.join(FACTORIES)}"
        )
    enrichers = []
    for name in names:
        state = state_dir / STATE_FILES[name] if state_dir and name in STATE_FILES else None
        if state is not None and state.exists():
            enrichers.append(_load_state(name, state))
        else:
            enrichers.append(FACTORIES[name]())
    return Pipeline(enrichers)


# Stateful enrichers and the file their state is kept in, under <home>/state/.
STATE_FILES = {"dedup": "dedup.npz"}


def _load_state(name: str, path: Path) -> Enricher:
    from hubbub.enrich.dedup import NearDuplicates

    try:
        return NearDuplicates.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"cannot resume {name} from {path} ({exc}); delete the file to start afresh"
        ) from None


def save_state(pipeline: Pipeline, state_dir: Path) -> None:
    """Save the state of every stateful enricher that can save it."""
    for enricher in pipeline.enrichers:
        save = getattr(enricher, "save", None)
        short = next((n for n, f in STATE_FILES.items() if enricher.name.startswith(n)), None)
        if enricher.stateful and save is not None and short is not None:
            state_dir.mkdir(parents=True, exist_ok=True)
            save(state_dir / STATE_FILES[short])
