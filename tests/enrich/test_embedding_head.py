import numpy as np
import pytest

from hubbub.enrich.embedding_head import EMBED_DIM, ENCODER, encode, head_inputs
from hubbub.enrich.features import FeatureConfig, LinearTextModel


def test_encode_handles_bad_input():
    texts = ["", "😀😀😀", "x" * 100_000, "\ud800 broken", "Me encanta 😍"]
    emb = encode(texts)
    assert emb.shape == (5, EMBED_DIM) and emb.dtype == np.float32
    assert np.isfinite(emb).all()
    assert np.allclose(encode(texts[-1:]), emb[-1:], atol=1e-5)  # batch-independent


def _write(path, mix: float, encoder: str = ENCODER, gate: float | None = None) -> None:
    onehot = ["es", "fr"]
    weights = np.zeros((EMBED_DIM + len(onehot), 2), dtype=np.float32)
    weights[EMBED_DIM + 1, 1] = 10.0  # French posts: class "b"
    extra = {} if gate is None else {"embed_gate": np.array(gate, dtype=np.float32)}
    np.savez(
        path,
        weights=np.zeros((1 << 10, 2), dtype=np.float16),
        bias=np.array([5.0, 0.0], dtype=np.float32),
        labels=np.array(["a", "b"]),
        feature_config=FeatureConfig(buckets=1 << 10).to_array(),
        temperature=np.array(1.0),
        embed_encoder=np.array(encoder),
        embed_langs=np.array(["fr"]),
        embed_onehot=np.array(onehot),
        embed_weights=weights,
        embed_bias=np.zeros(2, dtype=np.float32),
        embed_mix=np.array(mix, dtype=np.float32),
        **extra,
    )


def test_head_is_averaged_in_for_its_languages_only(tmp_path):
    path = tmp_path / "m.npz"
    _write(path, mix=0.5)
    model = LinearTextModel(path)
    proba = model.predict_proba(["salut", "hola", "hi", "salut"], ["fr", "es", "en", None])
    ngram = 1 / (1 + np.exp(-5.0))  # softmax([5, 0])[0]
    assert np.isclose(proba[0, 0], 0.5 * ngram + 0.5 * (1 / (1 + np.exp(10.0))), atol=1e-4)
    assert np.allclose(proba[1:, 0], ngram, atol=1e-4)  # es is in the one-hot, not in langs
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    # calibrated_logits stays the n-gram part
    assert np.allclose(model.logits(["salut"], ["fr"]), [[5.0, 0.0]])


def test_gate_skips_posts_the_ngram_model_is_sure_of(tmp_path, monkeypatch):
    from hubbub.enrich import embedding_head

    ngram = 1 / (1 + np.exp(-5.0))  # the n-gram model's top probability on every post
    calls = []
    real = embedding_head.encode
    monkeypatch.setattr(embedding_head, "encode", lambda t: calls.append(list(t)) or real(t))
    sure = tmp_path / "sure.npz"
    _write(sure, mix=0.5, gate=0.9)  # top probability 0.993 >= 0.9: n-gram answer kept
    proba = LinearTextModel(sure).predict_proba(["salut"], ["fr"])
    assert np.isclose(proba[0, 0], ngram, atol=1e-4) and calls == []
    unsure = tmp_path / "unsure.npz"
    _write(unsure, mix=0.5, gate=0.999)  # 0.993 < 0.999: averaged with the head
    proba = LinearTextModel(unsure).predict_proba(["salut", "hola"], ["fr", "es"])
    assert proba[0, 0] < 0.6 and np.isclose(proba[1, 0], ngram, atol=1e-4)
    assert calls == [["salut"]]


def test_file_for_another_encoder_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    _write(path, mix=0.5, encoder="some-other-encoder")
    with pytest.raises(ValueError, match="encoder"):
        LinearTextModel(path)


def test_head_inputs_one_hot():
    x = head_inputs(np.zeros((3, EMBED_DIM), np.float32), ["fr", "de", "es"], ["es", "fr"])
    assert x[:, EMBED_DIM:].tolist() == [[0, 1], [0, 0], [1, 0]]
