"""Hashed word and character n-gram features, and the numpy linear models that read them.

The sentiment and emotion models are multinomial logistic regressions over hashed n-grams. We
hash instead of keeping a vocabulary so that the shipped weights are one dense ``(buckets,
classes)`` matrix, and featurization needs no lookup table. Training (``train/``) calls the same
`featurize` as inference, so the two cannot drift apart; anything that changes the features
(normalization, n-gram orders, seeds) must bump the model version.

Why this design:
- character n-grams carry most of the signal for Chinese and Japanese (no word boundaries), for
  emoji, Weibo ``[表情]`` codes and misspelled or elongated social text;
- the hashing is vectorized over a whole batch with numpy (a polynomial rolling hash on code
  points), which keeps featurization at tens of thousands of posts per second on one core;
- features are log-scaled counts, L2-normalized per post, so a long post does not shout.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import opencc
import rjieba

from hubbub.enrich.embedding_head import EmbeddingHead

# Texts are cut to this many characters before featurization: sentiment lives in the first
# few sentences of a social post, and the cut bounds the cost of a 100 KB paste.
MAX_CHARS = 1000

_URL = re.compile(r"(?:https?://|www\.)\S+|\bt\.cn/\S+", re.IGNORECASE)
_MENTION = re.compile(r"@[\w\-.]+")
_DIGITS = re.compile(r"\d+")
# Three or more repeats of a character say the same as two ("soooo" = "soo"), and collapsing
# them lets elongated words share features.
_ELONGATION = re.compile(r"(.)\1{2,}")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Word tokens: letter/digit runs, Weibo [表情] codes, and runs of ! or ?.
_WORD = re.compile(r"\[[^\[\]\s]{1,8}\]|[!?！？]+|\w+")
_T2S = opencc.OpenCC("t2s")
# Negators of the languages we have training data for (after casefolding; "don't" is tokenized
# as "don" + "t"). Chinese negation (不, 没, 别) is left to the character n-grams ("不好").
# fmt: off
_NEGATORS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "cannot", "t",  # en
    "isnt", "dont", "doesnt", "didnt", "cant", "wont",
    "ne", "pas", "jamais", "rien", "personne", "aucun",  # fr
    "nicht", "kein", "keine", "keinen", "nie", "niemals", "nichts",  # de
    "nunca", "nada", "nadie", "tampoco", "ni", "sin",  # es
    "non", "mai", "niente", "nessuno", "senza",  # it
    "não", "nao", "nem", "sem",  # pt
    "nahi", "nahin", "nai", "mat",  # romanized hi
    "لا", "لم", "لن", "ما", "ليس",  # ar
})
# fmt: on
_NEG_SCOPE = 3
_NEG_FLAG = 0x5F4E4547  # xor'ed into a negated word's hash

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def normalize(text: str) -> str:
    """The text the features are computed from: NFKC, casefolded, simplified Chinese.

    URLs become "http", @mentions "@user" and digit runs "0", so that they count as one feature
    each instead of thousands of rare ones.
    """
    text = text[: MAX_CHARS * 2]
    if not text.isascii():
        # Lone surrogates (half an emoji, cut by some APIs) break OpenCC and rjieba.
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFKC", text)[:MAX_CHARS].casefold()
    text = _URL.sub(" http ", text)
    text = _MENTION.sub("@user", text)
    text = _DIGITS.sub("0", text)
    text = _ELONGATION.sub(r"\1\1", text)
    if _HAN.search(text):
        # Traditional and simplified spellings of a word should share weights.
        text = _T2S.convert(text)
    return text


@dataclass(frozen=True)
class FeatureConfig:
    """What `featurize` computes; stored with the weights so a model always reads its own."""

    buckets: int = 1 << 19
    char_min: int = 1
    char_max: int = 4
    word_ngrams: int = 2
    lang_feature: bool = True
    # Segment Han runs into words with rjieba (jieba's dictionary) for the word n-grams; without
    # it a whole Chinese clause would be one rare "word".
    cjk_words: bool = False
    # Mark the few words after a negator ("not good" -> good_NEG) as features of their own: a
    # bag of n-grams otherwise sees "good" in "not good" as praise beyond the bigram's reach.
    negation: bool = False
    # Also hash each word together with the post's language: small languages get weights of
    # their own instead of sharing every form with the much larger English and Chinese sets.
    lang_words: bool = False

    def to_array(self) -> np.ndarray:
        return np.array(
            [
                self.buckets,
                self.char_min,
                self.char_max,
                self.word_ngrams,
                int(self.lang_feature),
                int(self.cjk_words),
                int(self.negation),
                int(self.lang_words),
            ],
            dtype=np.int64,
        )

    @classmethod
    def from_array(cls, values: np.ndarray) -> FeatureConfig:
        b, cmin, cmax, wn, lf, *rest = (int(v) for v in values)
        # Files written before an option existed leave it off.
        flags = [bool(v) for v in rest] + [False] * (3 - len(rest))
        return cls(b, cmin, cmax, wn, bool(lf), *flags[:3])


def _finalize(h: np.ndarray, salt: int, buckets: int) -> np.ndarray:
    """Scramble a 64-bit hash and reduce it to a bucket; `salt` separates feature families."""
    with np.errstate(over="ignore"):
        h = (h ^ np.uint64(salt)) * _MIX
        h ^= h >> np.uint64(31)
        h = h * _PRIME
    return (h >> np.uint64(20)) % np.uint64(buckets)


def _char_ngrams(texts: list[str], cfg: FeatureConfig) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Bucket ids and their document ids for every character n-gram in the batch."""
    padded = [f" {t} " for t in texts]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer(
        "".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
    ).astype(np.uint64)
    doc = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    buckets_out: list[np.ndarray] = []
    docs_out: list[np.ndarray] = []
    h = np.zeros(len(codes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for n in range(1, cfg.char_max + 1):
            # h[i] is the hash of codes[i : i + n]; valid while the n-gram stays in one post.
            usable = len(codes) - n + 1
            if usable <= 0:
                break
            h = h[:usable] * _PRIME + codes[n - 1 : n - 1 + usable] + np.uint64(1)
            if n < cfg.char_min:
                continue
            same_doc = doc[:usable] == doc[n - 1 : n - 1 + usable]
            grams = h[same_doc]
            if n == 1:
                # A lone space is no feature.
                keep = codes[:usable][same_doc] != 32
                grams = grams[keep]
                docs_out.append(doc[:usable][same_doc][keep])
            else:
                docs_out.append(doc[:usable][same_doc])
            buckets_out.append(_finalize(grams, 1000 + n, cfg.buckets))
    return buckets_out, docs_out


def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass"))


def _negated_words(words: list[str]) -> list[int]:
    """Hashes of the words in the scope of a negator: up to `_NEG_SCOPE` words after it,
    cut short by ! or ?. The hash differs from the plain word's (xor with a constant)."""
    out: list[int] = []
    scope = 0
    for w in words:
        if w in _NEGATORS:
            scope = _NEG_SCOPE
        elif w[0] in "!?！？":
            scope = 0
        elif scope:
            out.append(_word_hash(w) ^ _NEG_FLAG)
            scope -= 1
    return out


def _word_ngrams(
    texts: list[str], langs: list[str | None] | None, cfg: FeatureConfig
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    hashes: list[int] = []
    starts: list[int] = []
    negated: list[int] = []
    negated_doc: list[int] = []
    for d, t in enumerate(texts):
        starts.append(len(hashes))
        words = _WORD.findall(t)
        for w in words:
            if cfg.cjk_words and len(w) > 1 and _HAN.search(w):
                hashes.extend(_word_hash(p) for p in rjieba.cut(w))
            else:
                hashes.append(_word_hash(w))
        if cfg.negation and words:
            found = _negated_words(words)
            negated.extend(found)
            negated_doc.extend([d] * len(found))
    starts.append(len(hashes))
    if not hashes:
        return [], []
    h = np.array(hashes, dtype=np.uint64)
    bounds = np.array(starts, dtype=np.int64)
    counts = bounds[1:] - bounds[:-1]
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    out_b = [_finalize(h, 1, cfg.buckets)]
    out_d = [doc]
    with np.errstate(over="ignore"):
        g = h
        for n in range(2, cfg.word_ngrams + 1):
            usable = len(h) - n + 1
            if usable <= 0:
                break
            g = g[:usable] * _PRIME + h[n - 1 : n - 1 + usable]
            same = doc[:usable] == doc[n - 1 : n - 1 + usable]
            out_b.append(_finalize(g[same], n, cfg.buckets))
            out_d.append(doc[:usable][same])
        if negated:
            out_b.append(_finalize(np.array(negated, dtype=np.uint64), 5, cfg.buckets))
            out_d.append(np.array(negated_doc, dtype=np.int64))
        if cfg.lang_words:
            lang_list = langs if langs is not None else [None] * len(texts)
            lang_h = np.array([_lang_hash(g) for g in lang_list], dtype=np.uint64)
            out_b.append(_finalize(h * _PRIME + lang_h[doc], 6, cfg.buckets))
            out_d.append(doc)
    return out_b, out_d


@lru_cache(maxsize=1024)
def _lang_hash(lang: str | None) -> int:
    return zlib.crc32((lang or "und").split("-")[0].lower().encode())


@lru_cache(maxsize=1024)
def lang_bucket(lang: str | None, buckets: int) -> int:
    """The bucket of the "this post is in language X" feature (lets a model learn priors)."""
    h = np.array([_lang_hash(lang)], dtype=np.uint64)
    return int(_finalize(h, 7, buckets)[0])


def featurize(
    texts: list[str], langs: list[str | None] | None, cfg: FeatureConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts ``(indptr, indices, values)`` of the feature matrix of a batch of texts."""
    norm = [normalize(t or "") for t in texts]
    parts_b, parts_d = _char_ngrams(norm, cfg)
    wb, wd = _word_ngrams(norm, langs, cfg)
    parts_b += wb
    parts_d += wd
    n_docs = len(texts)
    if parts_b:
        b = np.concatenate(parts_b).astype(np.int64)
        d = np.concatenate(parts_d)
        keys, counts = np.unique(d * cfg.buckets + b, return_counts=True)
        doc_of = keys // cfg.buckets
        idx = keys % cfg.buckets
        vals = 1.0 + np.log(counts.astype(np.float32))
        norms = np.sqrt(np.bincount(doc_of, weights=vals * vals, minlength=n_docs))
        vals = (vals / np.maximum(norms[doc_of], 1e-9)).astype(np.float32)
    else:
        doc_of = np.zeros(0, dtype=np.int64)
        idx = np.zeros(0, dtype=np.int64)
        vals = np.zeros(0, dtype=np.float32)
    if cfg.lang_feature:
        lang_list = langs if langs is not None else [None] * n_docs
        lb = np.array([lang_bucket(g, cfg.buckets) for g in lang_list], dtype=np.int64)
        doc_of = np.concatenate([doc_of, np.arange(n_docs, dtype=np.int64)])
        idx = np.concatenate([idx, lb])
        vals = np.concatenate([vals, np.ones(n_docs, dtype=np.float32)])
        order = np.argsort(doc_of, kind="stable")
        doc_of, idx, vals = doc_of[order], idx[order], vals[order]
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc_of, minlength=n_docs), out=indptr[1:])
    return indptr, idx, vals


# Lexicon features: VADER (Hutto & Gilbert 2014; the vaderSentiment package, MIT) scores of
# English posts. Its hand-rated valences and rules (negation, "but", caps, "!!!", boosters) know
# words and constructions that 47k training tweets see too rarely to learn; as features of the
# linear model their weights are learned with the n-grams. Columns: compound, pos, neg, then a
# one-hot of the compound score in five bins. Zeros for posts in other languages.
LEXICON = "vader-en"
LEXICON_DIM = 8
_VADER_EDGES = np.array([-0.5, -0.05, 0.05, 0.5])
_vader: Any = None


def lexicon_features(texts: list[str], langs: list[str | None] | None) -> np.ndarray:
    """``(n, LEXICON_DIM)`` float32 VADER features; only posts whose language is ``en``."""
    global _vader
    out = np.zeros((len(texts), LEXICON_DIM), dtype=np.float32)
    if langs is None:
        return out
    for i, (text, lang) in enumerate(zip(texts, langs, strict=True)):
        if not lang or lang.split("-")[0].lower() != "en" or not text:
            continue
        if _vader is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            _vader = SentimentIntensityAnalyzer()
        scores = _vader.polarity_scores(text[:MAX_CHARS])
        compound = scores["compound"]
        out[i, :3] = (compound, scores["pos"], scores["neg"])
        out[i, 3 + int(np.searchsorted(_VADER_EDGES, compound))] = 1.0
    return out


_last_batch: tuple[tuple[object, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None


def _featurize_shared(
    texts: list[str], langs: list[str | None] | None, cfg: FeatureConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`featurize`, remembering the last batch: the sentiment and emotion models read the same
    features, so the pipeline's second model call on a batch costs only the weight lookup."""
    global _last_batch
    key = (cfg, tuple(texts), None if langs is None else tuple(langs))
    cached = _last_batch
    if cached is not None and cached[0] == key:
        return cached[1]
    result = featurize(texts, langs, cfg)
    _last_batch = (key, result)
    return result


class LinearTextModel:
    """A softmax classifier over `featurize` output, loaded from an ``.npz`` file.

    The file holds ``weights`` (buckets x classes, float16 to halve the download), ``bias``,
    ``labels``, ``feature_config`` and ``temperature`` (fitted on held-out data so that the
    probabilities are calibrated). It may also hold language heads, models fitted on one
    language's data alone: ``head_langs`` (primary subtags), ``head_weights`` (heads x buckets x
    classes), ``head_bias`` and ``head_temperature``. Posts in a head's language are scored by
    that head, all others by the multilingual weights. With ``lexicon_weights`` (and
    ``head_lexicon_weights``) the `lexicon_features` of each post add to its logits; with
    ``embed_*`` arrays an `EmbeddingHead` is averaged into the probabilities of its languages
    (`predict_proba` only: `calibrated_logits` is the n-gram part). No pickle:
    ``allow_pickle=False``.
    """

    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as data:
            self.weights = data["weights"].astype(np.float32)
            self.bias = data["bias"].astype(np.float32)
            self.labels: list[str] = [str(x) for x in data["labels"]]
            self.config = FeatureConfig.from_array(data["feature_config"])
            self.temperature = float(data["temperature"])
            self.meta: dict[str, Any] = {k: data[k] for k in data.files if k.startswith("meta_")}
            self.head_langs: list[str] = []
            if "head_langs" in data.files:
                self.head_langs = [str(x) for x in data["head_langs"]]
                self.head_weights = data["head_weights"].astype(np.float32)
                self.head_bias = data["head_bias"].astype(np.float32)
                self.head_temperature = data["head_temperature"].astype(np.float32)
            # Optional lexicon weights (``LEXICON_DIM`` x classes, one block per head too).
            self.lexicon_weights: np.ndarray | None = None
            if "lexicon_weights" in data.files:
                if str(data["lexicon"]) != LEXICON:
                    raise ValueError(f"{path.name} needs lexicon {data['lexicon']}, not {LEXICON}")
                self.lexicon_weights = data["lexicon_weights"].astype(np.float32)
                if self.head_langs:
                    self.head_lexicon_weights = data["head_lexicon_weights"].astype(np.float32)
            # Optional sentence-embedding head, averaged in for some languages.
            self.embedding_head: EmbeddingHead | None = None
            if "embed_weights" in data.files:
                self.embedding_head = EmbeddingHead(data)

    def _scores(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        csr: tuple[np.ndarray, np.ndarray, np.ndarray],
        rows: np.ndarray,
    ) -> np.ndarray:
        """Logits of the given rows of the batch's feature matrix."""
        indptr, idx, vals = csr
        starts, lengths = indptr[rows], indptr[rows + 1] - indptr[rows]
        # Positions of the chosen rows' entries: each row's range, concatenated.
        offsets = np.cumsum(lengths) - lengths
        pos = np.arange(lengths.sum()) - np.repeat(offsets - starts, lengths)
        out = np.tile(bias, (len(rows), 1))
        if len(pos):
            contrib = weights[idx[pos]] * vals[pos, None]
            nonempty = np.flatnonzero(lengths)
            out[nonempty] += np.add.reduceat(contrib, offsets[nonempty], axis=0)
        return out

    def calibrated_logits(
        self, texts: list[str], langs: list[str | None] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Logits and the temperature of each row (its head's, or the multilingual one)."""
        csr = _featurize_shared(texts, langs, self.config)
        n = len(texts)
        out = np.empty((n, len(self.labels)), dtype=np.float32)
        temps = np.full((n, 1), self.temperature, dtype=np.float32)
        # Each row is scored once: by its language's head, or by the multilingual weights.
        base = np.ones(n, dtype=bool)
        lex = None
        if self.lexicon_weights is not None:
            lex = lexicon_features(texts, langs)
        if self.head_langs and langs is not None:
            primary = np.array([(g or "und").split("-")[0].lower() for g in langs])
            for h, lang in enumerate(self.head_langs):
                rows = np.flatnonzero(primary == lang)
                if len(rows):
                    out[rows] = self._scores(self.head_weights[h], self.head_bias[h], csr, rows)
                    if lex is not None:
                        out[rows] += lex[rows] @ self.head_lexicon_weights[h]
                    temps[rows] = self.head_temperature[h]
                    base[rows] = False
        rows = np.flatnonzero(base)
        if len(rows):
            out[rows] = self._scores(self.weights, self.bias, csr, rows)
            if lex is not None and self.lexicon_weights is not None:
                out[rows] += lex[rows] @ self.lexicon_weights
        return out, temps

    def logits(self, texts: list[str], langs: list[str | None] | None) -> np.ndarray:
        return self.calibrated_logits(texts, langs)[0]

    def predict_proba(self, texts: list[str], langs: list[str | None] | None) -> np.ndarray:
        z, temps = self.calibrated_logits(texts, langs)
        z = z / temps
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        if self.embedding_head is not None:
            self.embedding_head.blend(texts, langs, p)
        return p
