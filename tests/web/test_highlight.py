"""Matched terms in the post stream: folded like the store folds text, escaped, NOT left out."""

from __future__ import annotations

from hubbub.web.highlight import highlight


def marks(text: str, query: str) -> list[str]:
    html = str(highlight(text, query))
    return [part.split("</mark>")[0] for part in html.split("<mark>")[1:]]


def test_words_case_and_wildcards() -> None:
    assert marks("AURORA overheats; Overheating again", "aurora OR overheat*") == [
        "AURORA",
        "overheats",
        "Overheating",
    ]


def test_traditional_text_lights_up_for_a_simplified_term() -> None:
    assert marks("我買了華為手機", "华为") == ["華為"]


def test_terms_under_not_are_not_marked() -> None:
    assert marks("aurora borealis tonight", "aurora NOT borealis") == ["aurora"]


def test_hashtags_mentions_and_phrases() -> None:
    text = 'Love the "Aurora X5" from @PixelPundit #AuroraX5 #极光X5发布会#'
    found = marks(text, '"aurora x5" OR @pixelpundit OR #AuroraX5 OR #极光X5发布会#')
    assert found == ["Aurora", "X5", "@PixelPundit", "#AuroraX5", "#极光X5发布会#"]


def test_html_is_escaped_inside_and_outside_marks() -> None:
    html = str(highlight("<b>aurora</b> & co", "aurora"))
    assert html == "&lt;b&gt;<mark>aurora</mark>&lt;/b&gt; &amp; co"


def test_a_word_inside_another_is_not_marked() -> None:
    assert marks("auroras and aurora", "aurora") == ["aurora"]


def test_no_query_or_a_broken_one_only_escapes() -> None:
    assert str(highlight("a < b", None)) == "a &lt; b"
    assert str(highlight("a < b", "(a")) == "a &lt; b"
