"""Key phrases: candidates per language, in-batch scoring, and bad input."""

from __future__ import annotations

import re
import time

import pytest

from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.keyphrases import (
    KEYPHRASES_MODEL,
    MAX_PHRASES,
    keyphrases_enricher,
    stopwords,
)

ENRICHER = keyphrases_enricher()


def phrases(*texts: str, lang: str | None = "en") -> list[list[str]]:
    docs = [EnrichDoc("x", str(i), t, lang=lang) for i, t in enumerate(texts)]
    ENRICHER(docs)
    assert all(not d.errors for d in docs)
    return [d.keyphrases for d in docs]


def test_contract() -> None:
    assert re.fullmatch(r"keyphrases\.[a-z0-9-]+\.v\d+", KEYPHRASES_MODEL)
    assert ENRICHER.name == KEYPHRASES_MODEL
    assert ENRICHER.assigns == ("keyphrases",)
    doc = EnrichDoc("x", "1", "Battery life of the Pixel phone", lang="en")
    ENRICHER([doc])
    assert doc.provenance == {"keyphrases": KEYPHRASES_MODEL}


def test_english_phrases_keep_the_post_spelling() -> None:
    [found] = phrases("Just got the new iPhone 15 Pro, and the battery life is amazing! #Apple")
    assert "Apple" in found  # the hashtag, without its sign
    assert "battery life" in found
    assert any(p.startswith("iPhone 15") for p in found)


def test_stopwords_links_and_handles_are_never_phrases() -> None:
    [found] = phrases("I really think that it is what it is @someone https://t.co/abc lol")
    assert found == []


def test_at_most_five_and_no_two_share_a_word() -> None:
    text = (
        "Camera quality, battery drain, screen brightness, speaker volume, charging speed, "
        "wireless charging, fingerprint sensor, face unlock and the price tag all matter."
    )
    [found] = phrases(text)
    assert 3 <= len(found) <= MAX_PHRASES
    words = [w for p in found for w in p.casefold().split()]
    assert len(words) == len(set(words))


def test_phrase_in_every_post_of_the_batch_ranks_below_a_distinctive_one() -> None:
    texts = [f"weather report {word}" for word in ("snowstorm", "heatwave", "hurricane", "drizzle")]
    for text, found in zip(texts, phrases(*texts), strict=True):
        assert found[0] == text.split()[-1]


def test_deterministic() -> None:
    texts = ["Tesla recalls Model Y over seatbelt issue", "Model Y seatbelt recall explained"]
    assert phrases(*texts) == phrases(*texts)


def test_chinese_segments_join_into_compounds() -> None:
    [found] = phrases("华为手机的续航表现怎么样？#华为新品#", lang="zh-Hans")
    assert "华为新品" in found  # Weibo topic
    assert "华为手机" in found
    assert "续航" in found


def test_chinese_without_a_language_is_segmented() -> None:
    [found] = phrases("小米汽车的续航", lang=None)
    assert "小米汽车" in found


def test_traditional_chinese_comes_out_simplified() -> None:
    [found] = phrases("華為手機的續航", lang="zh-Hant")
    assert "华为手机" in found


def test_chinese_function_words_are_not_phrases() -> None:
    assert phrases("我们觉得这个真的是可以的", lang="zh-Hans") == [[]]


def test_japanese_and_korean() -> None:
    [ja] = phrases("新しいカメラは素晴らしいです。アップルストアで買いました", lang="ja")
    assert "カメラ" in ja and "アップルストア" in ja
    [ko] = phrases("삼성전자는 새로운 갤럭시를 발표했습니다", lang="ko")
    assert "삼성전자" in ko and "갤럭시" in ko and "발표" in ko


def test_french_elisions_split() -> None:
    [found] = phrases("J'adore l'usine Renault de Flins", lang="fr")
    assert "usine Renault" in found


def test_stopwords_for_any_language_code() -> None:
    assert "the" in stopwords("en") and "le" in stopwords("fr") and "的" in stopwords("zh")
    assert "the" in stopwords("xx")  # unknown language: English and social filler only
    assert "microsoft" not in stopwords("en")  # unlike general-purpose lists


BAD_INPUTS = {
    "empty": "",
    "blank": " \n\t ",
    "emoji": "😀😂🔥",
    "signs": "#️⃣ @ # ＃ //@: ## #1 #话题",
    "100kb-latin": "word " * 20_000,
    "100kb-han": "华为手机" * 25_000,
    "one-long-word": "x" * 100_000,
    "mixed-scripts": "Apple 苹果 アップル 애플 Яблоко تفاحة 🍎 https://a.b/c @u #t",
    "broken-unicode": "\x00\ud800 broken \ufffd",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
@pytest.mark.parametrize("lang", [None, "und", "en", "zh-Hans", "ja", "ko", "de"])
def test_bad_input_never_raises(text: str, lang: str | None) -> None:
    doc = EnrichDoc("x", "1", text, lang=lang)
    start = time.perf_counter()
    ENRICHER([doc])
    assert not doc.errors
    assert len(doc.keyphrases) <= MAX_PHRASES
    assert all(len(p) < 200 for p in doc.keyphrases)
    assert time.perf_counter() - start < 1.0  # long posts are cut, not read to the end


def test_empty_batch() -> None:
    ENRICHER([])
