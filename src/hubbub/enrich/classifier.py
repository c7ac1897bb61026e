"""A text classifier whose weights ship in the package (`hubbub.models_data`).

Sentiment and emotion are the same kind of model (a softmax over hashed n-grams, see
`features.LinearTextModel`) with different weights and labels; this holds what they share:
loading once per process, on first use, and checking the labels the weights were trained with.
"""

from __future__ import annotations

import threading
from importlib import resources

import numpy as np

from hubbub.enrich.features import LinearTextModel


class ShippedClassifier:
    def __init__(self, folder: str, weights: str, labels: tuple[str, ...]) -> None:
        self.folder = folder
        self.weights = weights
        self.labels = labels
        self._lock = threading.Lock()
        self._model: LinearTextModel | None = None

    def model(self) -> LinearTextModel:
        """The weights, loaded once per process (on first use, not at import)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    ref = resources.files("hubbub.models_data") / self.folder / self.weights
                    with resources.as_file(ref) as path:
                        model = LinearTextModel(path)
                    if tuple(model.labels) != self.labels:
                        raise RuntimeError(f"{self.weights} has labels {model.labels}")
                    self._model = model
        return self._model

    def proba(self, texts: list[str], langs: list[str | None]) -> np.ndarray:
        """Probabilities, one row per text, columns in `labels` order."""
        if len(texts) != len(langs):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.model().predict_proba(texts, langs)

    def predict(self, texts: list[str], langs: list[str | None]) -> list[tuple[str, float]]:
        """``(label, probability of that label)`` per text; langs are BCP-47 codes or None."""
        proba = self.proba(texts, langs)
        best = proba.argmax(axis=1)
        return [(self.labels[k], float(proba[i, k])) for i, k in enumerate(best)]
