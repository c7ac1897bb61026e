import numpy as np

from hubbub.enrich.features import FeatureConfig, featurize, normalize


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
