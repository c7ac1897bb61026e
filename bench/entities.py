"""Entities and key phrases: quality on social-media NER dev sets, and posts/s for both enrichers.

    python bench/entities.py [--data ../shared/data] [--skip-spacy]

Quality is measured on WNUT-17 dev (English; person, location, corporation, group, product) and
Weibo NER dev (Chinese; named mentions only: PER, ORG, GPE/LOC). The data is read from the
shared data folder, never copied into the repository. An entity counts as found when the post's
gold set holds the same words (after `hubbub.text.norm`) with the same type; BRAND counts as
ORG, because both datasets call brands organizations (WNUT "corporation"). Prints figures, not
pass/fail. Set OMP_NUM_THREADS=1 to measure one core.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.entities import EntityExtractor
from hubbub.enrich.keyphrases import keyphrases_enricher
from hubbub.text.normalize import norm

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
WNUT_TYPES = {
    "person": "PERSON",
    "location": "PLACE",
    "corporation": "ORG",
    "group": "ORG",
    "product": "PRODUCT",
}
WEIBO_TYPES = {"PER.NAM": "PERSON", "ORG.NAM": "ORG", "GPE.NAM": "PLACE", "LOC.NAM": "PLACE"}
EVAL_TYPE = {"BRAND": "ORG"}
TYPES = ("PERSON", "ORG", "PLACE", "PRODUCT")

Gold = list[tuple[str, str]]


def read_conll(path: Path, strip_digit: bool) -> Iterator[list[tuple[str, str]]]:
    """Sentences as (token, tag) lists; Weibo tokens end in a segmentation digit we drop."""
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split()
        if len(parts) < 2:
            if sentence:
                yield sentence
            sentence = []
            continue
        token, tag = parts[0], parts[-1]
        if strip_digit and len(token) > 1 and token[-1].isdigit():
            token = token[:-1]
        sentence.append((token, tag))
    if sentence:
        yield sentence


def spans(sentence: list[tuple[str, str]], joiner: str, types: dict[str, str]) -> Gold:
    out: Gold = []
    current: list[str] = []
    label = ""
    for token, tag in [*sentence, ("", "O")]:
        if current and not (tag.startswith("I-") and tag[2:] == label):
            if label in types:
                out.append((norm(joiner.join(current)), types[label]))
            current, label = [], ""
        if tag.startswith("B-") or (tag.startswith("I-") and not current):
            current, label = [token], tag[2:]
        elif tag.startswith("I-"):
            current.append(token)
    return out


def load(data: Path, name: str) -> tuple[list[str], list[Gold], str]:
    if name == "wnut17":
        path, joiner, strip, types, lang = (
            data / "wnut17" / "emerging.dev.conll",
            " ",
            False,
            WNUT_TYPES,
            "en",
        )
    else:
        path, joiner, strip, types, lang = (
            data / "weibo_ner" / "weiboNER_2nd_conll.dev",
            "",
            True,
            WEIBO_TYPES,
            "zh-Hans",
        )
    texts, golds = [], []
    for sentence in read_conll(path, strip):
        texts.append(joiner.join(token for token, _ in sentence))
        golds.append(spans(sentence, joiner, types))
    return texts, golds, lang


def score(predicted: list[Gold], gold: list[Gold]) -> None:
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for pred, want in zip(predicted, gold, strict=True):
        pred_set, gold_set = Counter(pred), Counter(want)
        for (_, t), n in pred_set.items():
            n_pred[t] += n
        for (_, t), n in gold_set.items():
            n_gold[t] += n
        for key, n in (pred_set & gold_set).items():
            tp[key[1]] += n
    print(f"    {'type':8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5}")
    for t in (*TYPES, "all"):
        a, b, c = (
            (sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
            if t == "all"
            else (tp[t], n_pred[t], n_gold[t])
        )
        p = a / b if b else 0.0
        r = a / c if c else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"    {t:8} {p:6.3f} {r:6.3f} {f:6.3f} {b:5d} {c:5d}")


def evaluate(extractor: EntityExtractor, label: str, data: Path) -> None:
    for name in ("wnut17", "weibo_ner"):
        texts, golds, lang = load(data, name)
        langs = [lang] * len(texts)
        extractor.extract(texts[:8], langs[:8])  # load models outside the timing
        start = time.perf_counter()
        found = []
        for i in range(0, len(texts), 256):
            found.extend(extractor.extract(texts[i : i + 256], langs[i : i + 256]))
        elapsed = time.perf_counter() - start
        predicted = [[(norm(e.surface), EVAL_TYPE.get(e.type, e.type)) for e in f] for f in found]
        print(f"\n{label} on {name} dev ({len(texts)} posts, {len(texts) / elapsed:,.0f} posts/s)")
        score(predicted, golds)


def keyphrase_speed(data: Path) -> None:
    enricher = keyphrases_enricher()
    for name in ("wnut17", "weibo_ner"):
        texts, _, lang = load(data, name)
        docs = [EnrichDoc("bench", str(i), t, lang=lang) for i, t in enumerate(texts)]
        docs = (docs * (20_000 // len(docs) + 1))[:20_000]
        enricher(docs[:100])
        start = time.perf_counter()
        for i in range(0, len(docs), 1000):
            enricher(docs[i : i + 1000])
        elapsed = time.perf_counter() - start
        print(
            f"\n{enricher.name} on {name} texts: "
            f"{len(docs) / elapsed:,.0f} posts/s (batches of 1000)"
        )
        for doc in docs[:5]:
            print(f"    {doc.text[:70]!r} -> {doc.keyphrases}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--skip-spacy", action="store_true", help="gazetteer and jieba only")
    args = parser.parse_args()
    evaluate(EntityExtractor(spacy_models={}), "gazetteer + jieba (no spaCy)", args.data)
    if not args.skip_spacy:
        start = time.perf_counter()
        extractor = EntityExtractor()
        extractor.extract(["Warm up the model."], ["en"])
        print(f"\nspaCy en model load: {time.perf_counter() - start:.1f} s")
        evaluate(extractor, "entities.spacy-gazetteer.v1", args.data)
    keyphrase_speed(args.data)


if __name__ == "__main__":
    main()
