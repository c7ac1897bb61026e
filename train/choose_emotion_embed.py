"""Choose the Chinese emotion embedding head's C, mix and gate on out-of-fold training posts.

    python train/choose_emotion_embed.py --data ../shared/data [--cache DIR]

No validation post is read for the choice. The Chinese training posts (SMP2020 train, both
domains, and NLPCC 2014) are cut into ten folds by a hash of their overlap key (fold 0 is the
tune slice of `linear.tune_split`); for each fold the Chinese n-gram head (C = 2, the shipped
features and class weights) and the embedding head are fitted on the other nine and score it.
One temperature is fitted on all out-of-fold n-gram logits. The grid then prints, for every
(mix, gate), the SMP2020 6-class macro-F1 per domain, the derived 3-class macro-F1 and the share
of posts that would be encoded, on all ~35k out-of-fold posts (ten times the tune slice, so a
point of macro-F1 is less noise). Takes ~25 min of CPU (ten n-gram fits); `--cache` keeps the
out-of-fold arrays so that a rerun only prints.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora
import linear
import train_emotion as te

from hubbub.enrich.embedding_head import encode
from hubbub.enrich.features import FeatureConfig

FOLDS = 10


def out_of_fold(args: argparse.Namespace) -> tuple[list[corpora.Example], np.ndarray, np.ndarray]:
    """Chinese training rows, n-gram OOF logits and embeddings (cached in `args.cache`)."""
    train, _ = te.load(args.data)
    zh = [e for e in train if e.lang == "zh"]
    w = te.weights(zh, args.balance)  # per language: the same weights as in the full run
    y = np.array([te.LABELS.index(e.label) for e in zh])
    fold = np.array([zlib.crc32(corpora.overlap_key(e.text).encode()) % FOLDS for e in zh])
    args.cache.mkdir(parents=True, exist_ok=True)
    emb_path = args.cache / "emb_train.npy"
    if not emb_path.exists():
        np.save(emb_path, encode([e.text for e in zh]))
    emb = np.load(emb_path)
    x = None
    logits = np.zeros((len(zh), len(te.LABELS)))
    for k in range(FOLDS):
        path = args.cache / f"oof_logits_{k}.npy"
        if not path.exists():
            if x is None:
                x = linear.to_matrix(
                    [e.text for e in zh], [e.lang for e in zh], FeatureConfig(cjk_words=True)
                )
            held = fold == k
            model = linear.fit(x[~held], y[~held], args.C, sample_weight=w[~held])
            np.save(path, model.decision_function(x[held]))
        logits[fold == k] = np.load(path)
    for c in args.embed_C:
        path = args.cache / f"oof_emb_C{c}.npy"
        if not path.exists():
            pe = np.zeros((len(zh), len(te.LABELS)))
            for k in range(FOLDS):
                held = fold == k
                model = LogisticRegression(C=c, max_iter=2000)
                model.fit(emb[~held], y[~held], sample_weight=w[~held])
                pe[held] = model.predict_proba(emb[held])
            np.save(path, pe)
    return zh, y, logits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=corpora.DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/hubbub-emotion-oof"))
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--balance", type=float, default=0.5)
    ap.add_argument("--embed-C", type=float, nargs="+", default=[1.0])
    args = ap.parse_args()

    zh, y, logits = out_of_fold(args)
    t = linear.fit_temperature(logits, y)
    pn = linear.softmax(logits / t)
    top = pn.max(axis=1)

    def show(name: str, p: np.ndarray, encoded: float) -> None:
        s = te.scores(np.log(np.maximum(p, 1e-12)), zh)
        print(
            f"{name:26s} usual {s['smp_usual_6class_f1']:.4f}  virus {s['smp_virus_6class_f1']:.4f}"
            f"  3-class {s['smp_derived_3class_f1']:.4f}  encoded {encoded:.2f}"
        )

    print(f"{len(zh)} out-of-fold Chinese posts, n-gram temperature {t:.3f}")
    show("n-gram head alone", pn, 0.0)
    for c in args.embed_C:
        pe = np.load(args.cache / f"oof_emb_C{c}.npy")
        show(f"embedding head C={c}", pe, 1.0)
        for mix in (0.4, 0.5, 0.6, 0.7, 0.8):
            for gate in (1.01, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4):
                p = pn.copy()
                m = top < gate
                p[m] = mix * pn[m] + (1 - mix) * pe[m]
                show(f"  mix {mix} gate {gate}", p, float(m.mean()))


if __name__ == "__main__":
    main()
