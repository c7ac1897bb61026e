"""Emotion: joy, anger, sadness, fear, surprise, disgust or neutral, with a calibrated probability.

A softmax model over the same hashed n-grams as sentiment (see `features`), trained by
``train/train_emotion.py`` on GoEmotions (Ekman mapping) and TweetEval emotion for English and on
SMP2020-EWECT and NLPCC 2014 for Chinese; CLUE emotion is kept for validation. Chinese posts are
scored by a head fitted on the Chinese data alone and, where that head is unsure (top probability
below the file's ``embed_gate``), by its average with a head over multilingual sentence
embeddings (`embedding_head`, v3). Other languages get an answer too, but it rests on emoji and
shared vocabulary only: the model card says so.
"""

from __future__ import annotations

import numpy as np

from hubbub.enrich.classifier import ShippedClassifier

EMOTION_MODEL = "emotion.hubbub-ngram-linear.v3"
EMOTION_LABELS = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
_CLASSIFIER = ShippedClassifier("emotion", "emotion.npz", EMOTION_LABELS)


def predict_emotion_proba(texts: list[str], langs: list[str | None]) -> np.ndarray:
    """Probabilities, one row per text, columns in `EMOTION_LABELS` order."""
    return _CLASSIFIER.proba(texts, langs)


def predict_emotion(texts: list[str], langs: list[str | None]) -> list[tuple[str, float]]:
    """``(label, probability of that label)`` per text; langs are BCP-47 codes or None."""
    return _CLASSIFIER.predict(texts, langs)
