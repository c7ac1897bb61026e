"""Fitting, calibrating and exporting the hashed-n-gram softmax models (training time only)."""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from corpora import Example, overlap_key
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression

from hubbub.enrich.embedding_head import ENCODER, encode, head_inputs
from hubbub.enrich.features import (
    LEXICON,
    LEXICON_DIM,
    FeatureConfig,
    LinearTextModel,
    featurize,
    lexicon_features,
)


def tune_split(keys: Sequence[str], one_in: int = 10) -> np.ndarray:
    """A fixed 1-in-`one_in` slice of the training posts (by a hash of their overlap key, so
    copies of a post fall on the same side). Models fitted on the rest are scored on it to
    choose features and hyper-parameters, and it calibrates the temperature: the validation
    sets are only ever reported."""
    return np.array([zlib.crc32(k.encode()) % one_in == 0 for k in keys])


def to_matrix(
    texts: Sequence[str],
    langs: Sequence[str | None],
    cfg: FeatureConfig,
    batch: int = 4096,
    lexicon: bool = False,
) -> sparse.csr_matrix:
    """The same features the shipped model computes, as a scipy CSR matrix; with `lexicon`
    the `LEXICON_DIM` lexicon columns follow the hashed buckets."""
    blocks = []
    for i in range(0, len(texts), batch):
        indptr, idx, vals = featurize(list(texts[i : i + batch]), list(langs[i : i + batch]), cfg)
        blocks.append(sparse.csr_matrix((vals, idx, indptr), shape=(len(indptr) - 1, cfg.buckets)))
    x = sparse.vstack(blocks).tocsr()
    if lexicon:
        lex = lexicon_features(list(texts), list(langs))
        x = sparse.hstack([x, sparse.csr_matrix(lex)]).tocsr()
    return x


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


def fit_calibrated(
    x: sparse.csr_matrix,
    y: np.ndarray,
    w: np.ndarray,
    keys: Sequence[str],
    c: float,
    report: Callable[[np.ndarray, np.ndarray], dict[str, float]],
) -> tuple[LogisticRegression, float]:
    """Fit on 90 % of the rows, print `report(logits, tune_mask)` on the other 10 % (the figures
    that choose features and hyper-parameters) and fit the temperature there; then refit on all
    rows. Returns the final model and its temperature."""
    tune = tune_split(keys)
    held = fit(x[~tune], y[~tune], c, sample_weight=w[~tune])
    logits = held.decision_function(x[tune])
    for name, v in report(logits, tune).items():
        print(f"  tune slice {name:28s} {v:.4f}")
    temperature = fit_temperature(logits, y[tune])
    return fit(x, y, c, sample_weight=w), temperature


def fit_heads(
    x: sparse.csr_matrix,
    y: np.ndarray,
    w: np.ndarray,
    langs: Sequence[str],
    keys: Sequence[str],
    head_langs: Sequence[str],
    c: float,
    report: Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, float]],
) -> Heads:
    """A model of its own for each of `head_langs`, fitted on that language's rows alone
    (`fit_calibrated`); `report(logits, rows, tune)` gets the row mask of the language too."""
    heads = {}
    lang_arr = np.array(langs)
    for lang in head_langs:
        rows = lang_arr == lang
        missing = set(np.unique(y)) - set(np.unique(y[rows]))
        if missing:
            raise SystemExit(
                f"no {lang} training posts of classes {sorted(missing)}: drop the head"
            )
        print(f"{lang} head ({rows.sum()} rows):")
        sub_keys = [k for k, keep in zip(keys, rows, strict=True) if keep]
        model, t = fit_calibrated(
            x[rows], y[rows], w[rows], sub_keys, c, lambda z, tune, r=rows: report(z, r, tune)
        )
        heads[lang] = (model.coef_, model.intercept_, t)
    return heads


def tune_report(
    train: Sequence[Example], scores: Scores
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, float]]:
    """`scores` of tune-slice logits, given which training rows were used and which of those
    formed the tune slice."""

    def report(logits: np.ndarray, rows: np.ndarray, tune: np.ndarray) -> dict[str, float]:
        used = [e for e, keep in zip(train, rows, strict=True) if keep]
        return scores(logits, [e for e, t in zip(used, tune, strict=True) if t])

    return report


def shipped_logits(path: Path, rows: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    """Log-probabilities of the file just written, through the inference code (including an
    embedding head), and a temperature of 1 per row (they are calibrated already)."""
    model = LinearTextModel(path)
    proba = model.predict_proba([e.text for e in rows], [e.lang for e in rows])
    return np.log(np.maximum(proba, 1e-12)), np.ones((len(rows), 1), dtype=np.float32)


def fit_embedding_head(
    rows: Sequence[Example],
    labels: list[str],
    langs: list[str],
    c: float,
    mix: float,
    sample_weight: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The `embed_*` arrays of an `EmbeddingHead` for `langs`: a logistic regression over the
    sentence embeddings (and a language one-hot) of `rows`."""
    onehot = sorted({e.lang for e in rows})
    t0 = time.process_time()
    emb = encode([e.text for e in rows])
    print(f"  embedded {len(rows)} rows in {time.process_time() - t0:.0f}s CPU")
    x = head_inputs(emb, [e.lang for e in rows], onehot)
    y = np.array([labels.index(e.label) for e in rows])
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=sample_weight)
    return {
        "embed_encoder": np.array(ENCODER),
        "embed_langs": np.array(langs),
        "embed_onehot": np.array(onehot),
        "embed_weights": model.coef_.T.astype(np.float32),
        "embed_bias": model.intercept_.astype(np.float32),
        "embed_mix": np.array(mix, dtype=np.float32),
    }


Heads = dict[str, tuple[np.ndarray, np.ndarray, float]]
Scores = Callable[[np.ndarray, list[Example]], dict[str, float]]


def base_from(
    path: Path, cfg: FeatureConfig, labels: list[str], lexicon: bool = False
) -> tuple[np.ndarray, np.ndarray, float]:
    """(coef, bias, temperature) of the multilingual model of an already trained file. A file
    without lexicon weights gets zero ones when `lexicon` is asked for (the weights it was
    fitted with, since the features were not there)."""
    model = LinearTextModel(path)
    if model.config != cfg or model.labels != labels:
        raise SystemExit(f"{path} was trained with other features or labels: drop --base")
    coef = model.weights.T
    if lexicon:
        lex = model.lexicon_weights
        if lex is None:
            lex = np.zeros((LEXICON_DIM, len(labels)), dtype=np.float32)
        coef = np.hstack([coef, lex.T])
    return coef, model.bias, model.temperature


def heads_from(path: Path, langs: Sequence[str], lexicon: bool) -> Heads:
    """The heads of `langs` in an already trained file, as `fit_heads` returns them."""
    model = LinearTextModel(path)
    out: Heads = {}
    for lang in langs:
        if lang not in model.head_langs:
            raise SystemExit(f"{path} has no {lang} head to keep: drop it from --keep-heads")
        h = model.head_langs.index(lang)
        coef = model.head_weights[h].T
        if lexicon:
            lex = np.zeros((LEXICON_DIM, coef.shape[0]), dtype=np.float32)
            if model.lexicon_weights is not None:
                lex = model.head_lexicon_weights[h]
            coef = np.hstack([coef, lex.T])
        out[lang] = (coef, model.head_bias[h], float(model.head_temperature[h]))
    return out


def fit_model_and_heads(
    train: list[Example],
    w: np.ndarray,
    cfg: FeatureConfig,
    labels: list[str],
    scores: Scores,
    head_langs: list[str],
    c: float,
    base: Path | None,
    lexicon: bool = False,
    keep_heads: Sequence[str] = (),
) -> tuple[np.ndarray, np.ndarray, float, Heads]:
    """The multilingual model (refitted, or taken from `base`) and the language heads:
    ``(coef, bias, temperature, heads)``; with `lexicon` the coefficients end with the
    lexicon columns. Heads in `keep_heads` are copied from `base` instead of refitted."""
    kept: Heads = {}
    if base:
        coef, bias, t = base_from(base, cfg, labels, lexicon)
        kept = heads_from(base, keep_heads, lexicon)
        head_langs = [g for g in head_langs if g not in kept]
        if not head_langs:
            return coef, bias, t, kept
        keep = np.array([e.lang in head_langs for e in train])
        w = w[keep]
        train = [e for e, k in zip(train, keep, strict=True) if k]
    x = to_matrix([e.text for e in train], [e.lang for e in train], cfg, lexicon=lexicon)
    y = np.array([labels.index(e.label) for e in train])
    keys = [overlap_key(e.text) for e in train]
    report = tune_report(train, scores)
    if not base:
        print("multilingual model:")
        everything = np.ones(len(train), dtype=bool)
        model, t = fit_calibrated(x, y, w, keys, c, lambda z, tune: report(z, everything, tune))
        coef, bias = model.coef_, model.intercept_
    langs = [e.lang for e in train]
    heads = fit_heads(x, y, w, langs, keys, head_langs, c, report)
    return coef, bias, t, kept | heads


def report_validation(
    path: Path, val: list[Example], scores: Scores, labels: list[str], heads: Heads, t: float
) -> None:
    """Validation figures of the file just written, computed through the inference code."""
    logits, temps = shipped_logits(path, val)
    print("validation:")
    for name, v in scores(logits, val).items():
        print(f"  {name:28s} {v:.4f}")
    yv = np.array([labels.index(e.label) for e in val])
    ece = expected_calibration_error(softmax(logits / temps), yv)
    print(
        f"  temperature {t:.3f}, heads {[h[2] for h in heads.values()]}; validation ECE {ece:.4f}"
    )


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
    heads: Heads | None = None,
    lexicon: bool = False,
    embedding: dict[str, np.ndarray] | None = None,
    **meta: str,
) -> None:
    """Write the weights as float16 in a compressed .npz: no pickle, numpy-only to load.
    `heads` maps a language to the (coef, bias, temperature) of a model of its own. With
    `lexicon` the last `LEXICON_DIM` columns of every coef are the lexicon weights;
    `embedding` holds the arrays of an embedding head (`fit_embedding_head`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, np.ndarray] = dict(embedding or {})
    nb = cfg.buckets
    if lexicon:
        extra["lexicon"] = np.array(LEXICON)
        extra["lexicon_weights"] = coef[:, nb:].T.astype(np.float32)
        if heads:
            extra["head_lexicon_weights"] = np.stack(
                [c[:, nb:].T for c, _, _ in heads.values()]
            ).astype(np.float32)
    coef = coef[:, :nb]
    if heads:
        extra |= {
            "head_langs": np.array(list(heads)),
            "head_weights": np.stack([c[:, :nb].T for c, _, _ in heads.values()]).astype(
                np.float16
            ),
            "head_bias": np.stack([b for _, b, _ in heads.values()]).astype(np.float32),
            "head_temperature": np.array([t for _, _, t in heads.values()], dtype=np.float32),
        }
    np.savez_compressed(
        path,
        weights=coef.T.astype(np.float16),  # (buckets, classes)
        bias=bias.astype(np.float32),
        labels=np.array(labels),
        feature_config=cfg.to_array(),
        temperature=np.array(temperature),
        **extra,
        **{f"meta_{k}": np.array(v) for k, v in meta.items()},
    )
    print(f"  wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


def add_embedding_arguments(ap: Any, *, example: str, mix: float, gate: float) -> None:
    """The options of a sentence-embedding head (shared by the sentiment and emotion scripts)."""
    ap.add_argument(
        "--embed-langs",
        default="",
        help=f"languages whose posts also get a sentence-embedding head, e.g. {example} ('': none)",
    )
    ap.add_argument("--embed-C", type=float, default=1.0)
    ap.add_argument("--embed-mix", type=float, default=mix, help="weight of the n-gram model")
    ap.add_argument(
        "--embed-gate",
        type=float,
        default=gate,
        help="encode only posts whose n-gram top probability is below this (> 1 = all)",
    )
