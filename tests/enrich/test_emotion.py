import numpy as np
import pytest

from hubbub.enrich.emotion import (
    EMOTION_LABELS,
    EMOTION_MODEL,
    predict_emotion,
    predict_emotion_proba,
)

CLEAR = [
    ("I am so happy and excited today, this is wonderful!", "en", "joy"),
    ("I am furious, this makes me so angry!", "en", "anger"),
    ("I'm so sad, I miss her and I cried all night", "en", "sadness"),
    ("I'm really scared and terrified of what will happen", "en", "fear"),
    ("今天太开心了，哈哈哈[哈哈]", "zh-Hans", "joy"),
    ("气死我了！太过分了！", "zh-Hans", "anger"),
    ("好难过，想哭[泪]", "zh-Hans", "sadness"),
]


def test_shapes_labels_and_calibrated_scores():
    texts = [t for t, _, _ in CLEAR]
    langs = [g for _, g, _ in CLEAR]
    proba = predict_emotion_proba(texts, langs)
    assert proba.shape == (len(texts), len(EMOTION_LABELS))
    assert set(EMOTION_LABELS) == {
        "joy",
        "anger",
        "sadness",
        "fear",
        "surprise",
        "disgust",
        "neutral",
    }
    assert np.all((proba >= 0) & (proba <= 1))
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert EMOTION_MODEL.startswith("emotion.") and EMOTION_MODEL.endswith(".v3")


@pytest.mark.parametrize(("text", "lang", "label"), CLEAR)
def test_clear_examples(text, lang, label):
    [(got, score)] = predict_emotion([text], [lang])
    assert got == label
    assert 0.0 < score <= 1.0


def test_bad_input_never_crashes():
    texts = ["", "😀😀😀", "x" * 100_000, "华为 Huawei تجربة テスト 🙂", "   ", "好\ud83d棒"]
    out = predict_emotion(texts, [None, None, "en", None, "fr", "zh"])
    assert len(out) == len(texts)
    assert all(lab in EMOTION_LABELS and 0.0 <= p <= 1.0 for lab, p in out)
    assert predict_emotion([], []) == []


def test_embedding_head_blends_only_unsure_chinese_posts():
    from hubbub.enrich.emotion import _CLASSIFIER

    model = _CLASSIFIER.model()
    head = model.embedding_head
    assert head is not None and head.langs == ["zh"] and 0.0 < head.gate <= 1.0
    # A sure Chinese post, two the n-gram head is unsure of, the second tagged English.
    texts = ["今天太开心了，哈哈哈[哈哈]", "真的假的", "真的假的", "I am not sure what to think"]
    langs = ["zh-Hans", "zh", "en", "en"]
    z, temps = model.calibrated_logits(texts, langs)
    ngram = np.exp(z / temps - (z / temps).max(axis=1, keepdims=True))
    ngram /= ngram.sum(axis=1, keepdims=True)
    proba = predict_emotion_proba(texts, langs)
    unsure = ngram.max(axis=1) < head.gate
    assert not unsure[0] and unsure[1]
    for i in range(len(texts)):
        if langs[i].startswith("zh") and unsure[i]:
            assert not np.allclose(proba[i], ngram[i], atol=1e-4)
        else:
            assert np.allclose(proba[i], ngram[i], atol=1e-5)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
