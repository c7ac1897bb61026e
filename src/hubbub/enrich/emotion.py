"""Emotion: joy, anger, sadness, fear, surprise, disgust or neutral, with a calibrated probability.

A softmax model over the same hashed n-grams as sentiment (see `features`), trained by
``train/train_emotion.py`` on GoEmotions (Ekman mapping) and TweetEval emotion for English and on
SMP2020-EWECT and NLPCC 2014 for Chinese; CLUE emotion is kept for validation. Other languages get
an answer too, but it rests on emoji and shared vocabulary only: the model card says so.
"""

from __future__ import annotations

import threading
from importlib import resources

import numpy as np

from hubbub.enrich.features import LinearTextModel

EMOTION_MODEL = "emotion.hubbub-ngram-linear.v1"
EMOTION_LABELS = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
_WEIGHTS_DIR, _WEIGHTS = "emotion", "emotion.npz"

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
                if tuple(model.labels) != EMOTION_LABELS:
                    raise RuntimeError(f"{_WEIGHTS} has labels {model.labels}")
                _model = model
    return _model


def predict_emotion_proba(texts: list[str], langs: list[str | None]) -> np.ndarray:
    """Probabilities, one row per text, columns in `EMOTION_LABELS` order."""
    if len(texts) != len(langs):
        raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
    if not texts:
        return np.zeros((0, len(EMOTION_LABELS)), dtype=np.float32)
    return _load().predict_proba(texts, langs)


def predict_emotion(texts: list[str], langs: list[str | None]) -> list[tuple[str, float]]:
    """``(label, probability of that label)`` per text; langs are BCP-47 codes or None."""
    proba = predict_emotion_proba(texts, langs)
    best = proba.argmax(axis=1)
    return [(EMOTION_LABELS[k], float(proba[i, k])) for i, k in enumerate(best)]
