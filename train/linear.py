"""Fitting, calibrating and exporting the hashed-n-gram softmax models (training time only)."""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression

from hubbub.enrich.features import FeatureConfig, featurize


def tune_split(keys: Sequence[str], one_in: int = 10) -> np.ndarray:
    """A fixed 1-in-`one_in` slice of the training posts (by a hash of their overlap key, so
    copies of a post fall on the same side). Models fitted on the rest are scored on it to
    choose features and hyper-parameters, and it calibrates the temperature: the validation
    sets are only ever reported."""
    return np.array([zlib.crc32(k.encode()) % one_in == 0 for k in keys])


def to_matrix(
    texts: Sequence[str], langs: Sequence[str | None], cfg: FeatureConfig, batch: int = 4096
) -> sparse.csr_matrix:
    """The same features the shipped model computes, as a scipy CSR matrix."""
    blocks = []
    for i in range(0, len(texts), batch):
        indptr, idx, vals = featurize(list(texts[i : i + batch]), list(langs[i : i + batch]), cfg)
        blocks.append(sparse.csr_matrix((vals, idx, indptr), shape=(len(indptr) - 1, cfg.buckets)))
    return sparse.vstack(blocks).tocsr()


def fit(
    x: sparse.csr_matrix,
    y: np.ndarray,
    c: float,
    sample_weight: np.ndarray | None = None,
    max_iter: int = 150,
) -> LogisticRegression:
    t0 = time.perf_counter()
    model = LogisticRegression(C=c, max_iter=max_iter, tol=1e-4)
    model.fit(x, y, sample_weight=sample_weight)
    print(f"  fitted {x.shape[0]} rows in {time.perf_counter() - t0:.0f}s")
    return model


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """One scalar T minimizing validation log-loss of softmax(logits / T) (Guo et al. 2017)."""

    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    return float(minimize_scalar(nll, bounds=(0.2, 5.0), method="bounded").x)


def expected_calibration_error(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    conf = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(ece)


def export(
    path: Path,
    coef: np.ndarray,
    bias: np.ndarray,
    labels: list[str],
    cfg: FeatureConfig,
    temperature: float,
    **meta: str,
) -> None:
    """Write the weights as float16 in a compressed .npz: no pickle, numpy-only to load."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        weights=coef.T.astype(np.float16),  # (buckets, classes)
        bias=bias.astype(np.float32),
        labels=np.array(labels),
        feature_config=cfg.to_array(),
        temperature=np.array(temperature),
        **{f"meta_{k}": np.array(v) for k, v in meta.items()},
    )
    print(f"  wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
