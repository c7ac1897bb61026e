"""Sentiment: negative / neutral / positive with a calibrated probability, for any language.

One multilingual softmax model over hashed word and character n-grams (see `features`), trained
by ``train/train_sentiment.py`` on SemEval English tweets, UMSAB (ar en fr de hi it pt es),
SMP2020 Weibo posts and Chinese reviews; the weights ship in ``models_data/sentiment.npz`` and
its model card says how well it does per language. Languages without training data (ja, ko, ...)
still get the emoji, emoticon and shared-vocabulary signal, and lean to neutral otherwise.
"""

from __future__ import annotations

import threading
from importlib import resources

import numpy as np

from hubbub.enrich.features import LinearTextModel

SENTIMENT_MODEL = "sentiment.hubbub-ngram-linear.v1"
SENTIMENT_LABELS = ("negative", "neutral", "positive")
_WEIGHTS_DIR, _WEIGHTS = "sentiment", "sentiment.npz"

_lock = threading.Lock()
_model: LinearTextModel | None = None


def _load() -> LinearTextModel:
    """Load the shipped weights once per process (on first use, not at import)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                ref = resources.files("hubbub.models_data") / _WEIGHTS_DIR / _WEIGHTS
                with resources.as_file(ref) as path:
                    model = LinearTextModel(path)
                if tuple(model.labels) != SENTIMENT_LABELS:
                    raise RuntimeError(f"{_WEIGHTS} has labels {model.labels}")
                _model = model
    return _model


def predict_sentiment_proba(texts: list[str], langs: list[str | None]) -> np.ndarray:
    """Probabilities, one row per text, columns in `SENTIMENT_LABELS` order."""
    if len(texts) != len(langs):
        raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
    if not texts:
        return np.zeros((0, len(SENTIMENT_LABELS)), dtype=np.float32)
    return _load().predict_proba(texts, langs)


def predict_sentiment(texts: list[str], langs: list[str | None]) -> list[tuple[str, float]]:
    """``(label, probability of that label)`` per text; langs are BCP-47 codes or None."""
    proba = predict_sentiment_proba(texts, langs)
    best = proba.argmax(axis=1)
    return [(SENTIMENT_LABELS[k], float(proba[i, k])) for i, k in enumerate(best)]
