import numpy as np
import pytest

from hubbub.enrich.features import (
    LEXICON,
    LEXICON_DIM,
    FeatureConfig,
    LinearTextModel,
    featurize,
    lexicon_features,
    normalize,
)


def test_normalize_maps_noise_to_shared_tokens():
    assert normalize("SOOOO good https://t.co/x @Bob 2024") == "soo good  http  @user 0"
    # traditional and simplified spellings share features
    assert normalize("這個質量") == normalize("这个质量")


def test_featurize_is_deterministic_and_bounded():
    cfg = FeatureConfig(buckets=1 << 12)
    texts = ["hello world", "", "😀", "你好世界", "x" * 100_000]
    a = featurize(texts, ["en", None, None, "zh", "en"], cfg)
    b = featurize(texts, ["en", None, None, "zh", "en"], cfg)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)
    indptr, idx, vals = a
    assert len(indptr) == len(texts) + 1 and indptr[-1] == len(idx) == len(vals)
    assert idx.min() >= 0 and idx.max() < cfg.buckets
    assert np.all(np.isfinite(vals))
    # every post has at least its language feature
    assert np.all(np.diff(indptr) >= 1)


def _row_features(text: str, lang: str, cfg: FeatureConfig) -> set[int]:
    _, idx, _ = featurize([text], [lang], cfg)
    return set(idx.tolist())


def test_negation_adds_features_only_in_the_scope_of_a_negator():
    plain = FeatureConfig(buckets=1 << 16)
    neg = FeatureConfig(buckets=1 << 16, negation=True)
    # "good" after "not" gets a feature of its own; a post without a negator is unchanged.
    assert _row_features("this is good", "en", neg) == _row_features("this is good", "en", plain)
    extra = _row_features("this is not good", "en", neg) - _row_features(
        "this is not good", "en", plain
    )
    assert len(extra) == 1
    # The scope ends at ! or ?: nothing after it is marked.
    assert _row_features("not! good", "en", neg) == _row_features("not! good", "en", plain)


def test_language_conjoined_words_differ_by_language():
    cfg = FeatureConfig(buckets=1 << 16, lang_words=True, lang_feature=False)
    shared = FeatureConfig(buckets=1 << 16, lang_feature=False)
    assert _row_features("super", "fr", shared) == _row_features("super", "de", shared)
    assert _row_features("super", "fr", cfg) != _row_features("super", "de", cfg)


def test_config_round_trips_and_reads_older_files():
    cfg = FeatureConfig(cjk_words=True, negation=True, lang_words=True)
    assert FeatureConfig.from_array(cfg.to_array()) == cfg
    # A file written before the negation and language-word options had six values.
    old = FeatureConfig.from_array(FeatureConfig(cjk_words=True).to_array()[:6])
    assert old == FeatureConfig(cjk_words=True)


def _write_model(path, buckets: int, heads: bool) -> None:
    extra = {}
    if heads:
        extra = {
            "head_langs": np.array(["zh"]),
            "head_weights": np.zeros((1, buckets, 2), dtype=np.float16),
            "head_bias": np.array([[0.0, 3.0]], dtype=np.float32),
            "head_temperature": np.array([2.0], dtype=np.float32),
        }
    np.savez(
        path,
        weights=np.zeros((buckets, 2), dtype=np.float16),
        bias=np.array([3.0, 0.0], dtype=np.float32),
        labels=np.array(["a", "b"]),
        feature_config=FeatureConfig(buckets=buckets).to_array(),
        temperature=np.array(1.0),
        **extra,
    )


def test_language_heads_score_their_language_and_nothing_else(tmp_path):
    path = tmp_path / "m.npz"
    _write_model(path, 1 << 10, heads=True)
    model = LinearTextModel(path)
    texts = ["hello", "你好", "你好", "salut"]
    proba = model.predict_proba(texts, ["en", "zh-Hans", "zh", None])
    # Base: softmax([3, 0]) at T = 1; the zh head: softmax([0, 3] / 2).
    assert np.allclose(proba[:, 0], [0.9526, 0.1824, 0.1824, 0.9526], atol=1e-4)
    # Without heads every row is scored by the multilingual weights.
    _write_model(path, 1 << 10, heads=False)
    plain = LinearTextModel(path).predict_proba(texts, ["en", "zh-Hans", "zh", None])
    assert np.allclose(plain[:, 0], plain[0, 0])


def test_lexicon_features_only_for_english_and_safe_on_bad_input():
    texts = ["I love it, great!", "I hate this, awful.", "J'adore", "", "\ud800 😀" * 3]
    lex = lexicon_features(texts, ["en", "en-GB", "fr", "en", "en"])
    assert lex.shape == (5, LEXICON_DIM) and lex.dtype == np.float32
    assert lex[0, 0] > 0.5 and lex[1, 0] < -0.5  # compound score
    assert not lex[2].any() and not lex[3].any()  # other languages, empty text
    assert np.allclose(lex[[0, 1, 4], 3:].sum(axis=1), 1.0)  # one compound bin each
    assert not lexicon_features(texts, None).any()


def test_lexicon_weights_add_to_the_logits_of_base_and_heads(tmp_path):
    path = tmp_path / "m.npz"
    _write_model(path, 1 << 10, heads=True)
    with np.load(path) as data:
        arrays = dict(data)
    lex_w = np.zeros((LEXICON_DIM, 2), dtype=np.float32)
    lex_w[0, 1] = 10.0  # a positive compound score pushes to class "b"
    arrays |= {
        "lexicon": np.array(LEXICON),
        "lexicon_weights": lex_w,
        "head_lexicon_weights": lex_w[None],
    }
    np.savez(path, **arrays)
    model = LinearTextModel(path)
    proba = model.predict_proba(["I love it, great!", "I love it, great!"], ["en", "fr"])
    assert proba[0, 1] > 0.9  # English: VADER's compound score outweighs the bias
    assert proba[1, 0] > 0.9  # French: no lexicon features
    arrays["lexicon"] = np.array("some-other-lexicon")
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="lexicon"):
        LinearTextModel(path)
