"""Train the en+zh 7-class emotion model (hashed n-grams + softmax) and report validation.

    python train/train_emotion.py --data ../shared/data [--heads zh] [--base FILE]
        [--keep-heads zh] [--embed-langs zh]

Labels: anger, disgust, fear, joy, neutral, sadness, surprise (Ekman + neutral).
Training: GoEmotions Ekman train (single-label comments), TweetEval emotion train (optimism → joy),
SMP2020-EWECT train (both domains) and NLPCC 2014 expression training weibos (like/happiness →
joy, none → neutral). Validation: SMP2020 eval (6-class macro-F1, disgust folded into anger since
SMP has no disgust class), GoEmotions Ekman dev, TweetEval emotion val, CLUE emotion valid,
computed once on the written file through the inference code. Choices are made on the tune
slice, a fixed tenth of the training posts (see `linear.fit_calibrated`), where the calibration
temperatures are fitted. Multilingual model + language heads, `--base` and `--keep-heads` as in
`train_sentiment.py`. `--embed-langs zh` adds a head over multilingual sentence embeddings
(`enrich.embedding_head`), fitted on the Chinese training posts with the same class weights and
averaged with the n-gram model (weight `--embed-mix`) for Chinese posts whose n-gram top
probability is below `--embed-gate`; C, mix and gate were chosen on out-of-fold predictions of
the training posts (`train/choose_emotion_embed.py`). Deterministic (lbfgs).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora
import linear

from hubbub.enrich.features import FeatureConfig

LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
SMP6 = ["joy", "anger", "sadness", "fear", "surprise", "neutral"]
MODELS = Path(__file__).resolve().parents[1] / "src" / "hubbub" / "models_data"
OUT = MODELS / "emotion" / "emotion.npz"


def smp_as_emotion(rows: list[corpora.Example]) -> list[corpora.Example]:
    return [
        corpora.Example(e.text, e.lang, corpora.SMP_TO_EMOTION[e.label], e.source) for e in rows
    ]


def load(data: Path) -> tuple[list[corpora.Example], dict[str, list[corpora.Example]]]:
    val = {
        "smp": smp_as_emotion(corpora.smp2020(data, "eval")),
        "goemotions": corpora.goemotions_ekman(data, "dev"),
        "tweeteval": corpora.tweeteval_emotion(data, "val"),
        "clue": corpora.clue_emotion_valid(data),
    }
    held = {corpora.overlap_key(e.text) for rows in val.values() for e in rows}
    train = corpora.goemotions_ekman(data, "train") + corpora.tweeteval_emotion(data, "train")
    train += smp_as_emotion(corpora.smp2020(data, "train")) + corpora.nlpcc2014_expression(data)
    seen: set[str] = set()
    kept = []
    for e in train:
        key = corpora.overlap_key(e.text)
        if key and key not in held and key not in seen:
            seen.add(key)
            kept.append(e)
    print(f"train {len(kept)} rows (dropped {len(train) - len(kept)} duplicates/val overlaps)")
    print("  labels:", dict(Counter(e.label for e in kept)))
    return kept, val


def weights(train: list[corpora.Example], balance: float) -> np.ndarray:
    """Partly balance classes per language: macro-F1 rewards the rare fear and surprise classes.

    weight = (n_lang / (k * n_lang_label)) ** balance; balance 0 = none, 1 = fully balanced.
    """
    counts = Counter((e.lang, e.label) for e in train)
    per_lang = Counter(e.lang for e in train)
    k = {lang: len({lab for (g, lab) in counts if g == lang}) for lang in per_lang}
    return np.array(
        [(per_lang[e.lang] / (k[e.lang] * counts[(e.lang, e.label)])) ** balance for e in train]
    )


def scores(logits: np.ndarray, rows: list[corpora.Example]) -> dict[str, float]:
    """SMP2020 6-class macro-F1 per domain (disgust counted as anger: SMP has no disgust) and
    their mean, the derived 3-class sentiment, and macro-F1 over the labels present elsewhere."""
    gold = np.array([e.label for e in rows])
    src = np.array([e.source for e in rows])
    corpus = np.array([s.split("-")[0] for s in src])
    out: dict[str, float] = {}
    smp = corpus == "smp"
    if smp.any():
        proba = linear.softmax(logits[smp])
        six = proba[:, [LABELS.index(lab) for lab in SMP6]]
        six[:, 1] += proba[:, LABELS.index("disgust")]
        pred = np.array(SMP6)[six.argmax(axis=1)]
        g = gold[smp]
        for dom in ("usual", "virus"):
            m = np.char.startswith(src[smp], f"smp-{dom}")
            if m.any():
                out[f"smp_{dom}_6class_f1"] = f1_score(g[m], pred[m], labels=SMP6, average="macro")
        out["smp_mean_6class_f1"] = float(np.mean([v for v in out.values()]))
        sent = {"joy": "pos", "anger": "neg", "sadness": "neg", "fear": "neg", "neutral": "neu"}
        m = g != "surprise"
        ps = np.array([sent.get(p, "neu") for p in pred[m]])
        gs = np.array([sent[x] for x in g[m]])
        out["smp_derived_3class_f1"] = f1_score(gs, ps, average="macro")
    pred = np.array(LABELS)[logits.argmax(axis=1)]
    for name in sorted(set(corpus) - {"smp"}):
        m = corpus == name
        present = sorted(set(gold[m]))
        out[f"{name}_macro_f1"] = f1_score(gold[m], pred[m], labels=present, average="macro")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=corpora.DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--balance", type=float, default=0.5)
    ap.add_argument("--no-cjk-words", dest="cjk_words", action="store_false")
    ap.add_argument("--negation", action="store_true")
    ap.add_argument("--lang-words", action="store_true")
    ap.add_argument(
        "--heads", default="zh", help="languages that get a model of their own ('' = none)"
    )
    ap.add_argument(
        "--base",
        type=Path,
        help="take the multilingual weights from this file instead of refitting them",
    )
    ap.add_argument(
        "--keep-heads", default="", help="with --base: copy these heads from it (e.g. zh)"
    )
    linear.add_embedding_arguments(ap, example="zh", mix=0.6, gate=0.5)
    args = ap.parse_args()

    cfg = FeatureConfig(
        cjk_words=args.cjk_words, negation=args.negation, lang_words=args.lang_words
    )
    train, val = load(args.data)
    head_langs = [g for g in args.heads.split(",") if g]
    w = weights(train, args.balance)
    coef, bias, t, heads = linear.fit_model_and_heads(
        train,
        w,
        cfg,
        LABELS,
        scores,
        head_langs,
        args.C,
        args.base,
        keep_heads=[g for g in args.keep_heads.split(",") if g],
    )

    embed_langs = [g for g in args.embed_langs.split(",") if g]
    embedding = None
    if embed_langs:
        print(f"embedding head for {embed_langs}:")
        keep = np.array([e.lang in embed_langs for e in train])
        rows = [e for e, k in zip(train, keep, strict=True) if k]
        embedding = linear.fit_embedding_head(
            rows, LABELS, embed_langs, args.embed_C, args.embed_mix, sample_weight=w[keep]
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
        embedding=embedding,
        trained_on="goemotions ekman train, tweeteval emotion train, smp2020 train, nlpcc2014",
        hyper=f"C={args.C} balance={args.balance} cjk_words={args.cjk_words}"
        f" negation={args.negation} lang_words={args.lang_words} heads={head_langs}"
        f" base={args.base.name if args.base else 'refitted'}"
        f" kept_heads={args.keep_heads or 'none'} embed_langs={embed_langs}"
        f" embed_C={args.embed_C} embed_mix={args.embed_mix} embed_gate={args.embed_gate}",
    )
    pooled = [e for rows in val.values() for e in rows]
    linear.report_validation(args.out, pooled, scores, LABELS, heads, t)


if __name__ == "__main__":
    main()
