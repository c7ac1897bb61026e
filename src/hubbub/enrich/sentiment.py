"""Sentiment: negative / neutral / positive with a calibrated probability, for any language.

A multilingual softmax model over hashed word and character n-grams (see `features`), trained
by ``train/train_sentiment.py`` on SemEval English tweets, UMSAB (ar en fr de hi it pt es),
SMP2020 Weibo posts and Chinese reviews, with heads fitted on the English and on the Chinese data
alone for posts in those languages. The English head also reads VADER lexicon scores
(`features.lexicon_features`); posts in ar, de, es, fr, it and pt get the average with a head over
multilingual sentence embeddings (`embedding_head`). The weights ship in
``models_data/sentiment.npz`` and its model card says how well it does per language. Languages
without training data (ja, ko, ...) still get the emoji, emoticon and shared-vocabulary signal,
and lean to neutral otherwise.
"""

from __future__ import annotations

import numpy as np

from hubbub.enrich.classifier import ShippedClassifier

SENTIMENT_MODEL = "sentiment.hubbub-ngram-linear.v4"
SENTIMENT_LABELS = ("negative", "neutral", "positive")
_CLASSIFIER = ShippedClassifier("sentiment", "sentiment.npz", SENTIMENT_LABELS)


def predict_sentiment_proba(texts: list[str], langs: list[str | None]) -> np.ndarray:
    """Probabilities, one row per text, columns in `SENTIMENT_LABELS` order."""
    return _CLASSIFIER.proba(texts, langs)


def predict_sentiment(texts: list[str], langs: list[str | None]) -> list[tuple[str, float]]:
    """``(label, probability of that label)`` per text; langs are BCP-47 codes or None."""
    return _CLASSIFIER.predict(texts, langs)
