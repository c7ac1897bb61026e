import numpy as np
import pytest

from hubbub.enrich.sentiment import (
    SENTIMENT_LABELS,
    SENTIMENT_MODEL,
    predict_sentiment,
    predict_sentiment_proba,
)

CLEAR = [
    ("I love this phone, it is amazing! Best purchase ever 😍", "en", "positive"),
    ("This is the worst service ever, I hate it. Never again.", "en", "negative"),
    ("J'adore ce film, il est magnifique !", "fr", "positive"),
    ("Quel service horrible, je suis très déçu et en colère", "fr", "negative"),
    ("Ich liebe dieses Produkt, einfach super!", "de", "positive"),
    ("Me encanta, es genial y maravilloso 😍", "es", "positive"),
    ("Que horror, odeio isso, péssimo atendimento", "pt", "negative"),
    ("太好了，今天真开心，谢谢大家[哈哈]", "zh-Hans", "positive"),
    ("气死我了，这家店的服务太差了，再也不来了", "zh-Hans", "negative"),
]


def test_shapes_labels_and_calibrated_scores():
    texts = [t for t, _, _ in CLEAR]
    langs = [g for _, g, _ in CLEAR]
    proba = predict_sentiment_proba(texts, langs)
    assert proba.shape == (len(texts), 3)
    assert np.all((proba >= 0) & (proba <= 1))
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    for label, score in predict_sentiment(texts, langs):
        assert label in SENTIMENT_LABELS and 0.0 <= score <= 1.0
    assert SENTIMENT_MODEL.startswith("sentiment.") and SENTIMENT_MODEL.endswith(".v4")


@pytest.mark.parametrize(("text", "lang", "label"), CLEAR)
def test_clear_examples(text, lang, label):
    [(got, score)] = predict_sentiment([text], [lang])
    assert got == label
    assert score > 0.4


def test_deterministic_and_batch_independent():
    texts = [t for t, _, _ in CLEAR]
    langs = [g for _, g, _ in CLEAR]
    batch = predict_sentiment_proba(texts, langs)
    one_by_one = np.vstack(
        [predict_sentiment_proba([t], [g]) for t, g in zip(texts, langs, strict=True)]
    )
    assert np.allclose(batch, one_by_one, atol=1e-6)


def test_bad_input_never_crashes():
    texts = [
        "",
        "😀😀😀",
        "x" * 100_000,
        "华为 Huawei تجربة テスト 🙂",
        "\x00\ud800?",
        "   ",
        "好\ud83d棒",
    ]
    langs = [None, "und", "en", None, None, "xx-Whatever", "zh-Hans"]
    out = predict_sentiment(texts, langs)
    assert len(out) == len(texts)
    assert all(lab in SENTIMENT_LABELS and 0.0 <= p <= 1.0 for lab, p in out)
    assert predict_sentiment([], []) == []


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        predict_sentiment(["a", "b"], ["en"])
