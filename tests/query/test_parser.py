"""Parsing: Brandwatch's rules, positions, hints, limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubbub.errors import QueryError
from hubbub.query import MAX_DEPTH, MAX_QUERY_CHARS, describe, parse
from hubbub.query.ast import And, Cjk, Hashtag, Near, Not, Or, Phrase, Word


def error_of(query: str) -> QueryError:
    with pytest.raises(QueryError) as info:
        parse(query)
    return info.value


@pytest.mark.parametrize(
    ("query", "code", "position"),
    [
        ("apple OR banana AND juice", "mixed-and-or", 16),
        ("apple AND banana OR juice AND smoothie", "mixed-and-or", 17),
        ("apple NOT bitter AND sweet OR sour", "mixed-and-or", 27),
        ("apple banana OR cherry", "mixed-and-or", 13),
        ("NOT bitter", "pure-negative", 0),
        ("NOT term1 NOT term2", "pure-negative", 0),
        ("-bitter", "pure-negative", 0),
        ("apple OR NOT bitter", "scan-everything", 9),
        ("apple AND", "missing-operand", 6),
        ("OR juice", "missing-operand", 0),
        ("apple AND juice OR", "missing-operand", 16),
        ("apple AND AND juice", "doubled-operator", 10),
        ("apple AND ()", "empty-brackets", 10),
        ("(apple AND juice", "unbalanced-bracket", 0),
        ("apple AND juice)", "unbalanced-bracket", 15),
        ('"apple juice', "unbalanced-quote", 0),
        ("", "empty", 0),
        ("   ", "empty", 0),
        ("<<<only a comment>>>", "empty", 0),
        ("apple ~5", "tilde", 6),
        ("apple~ 5", "tilde", 5),
        ('"apple juice"~', "tilde", 13),
        ("apple~5t", "tilde", 7),
        ("apple AND juice NEAR/5 orange", "near-brackets", 16),
        ("(a OR b) NEAR/5 (c OR d) AND fresh", "near-brackets", 25),
        ("(apple AND juice) NEAR/3 drink", "near-and", 0),
        ("(term1 OR (term2 AND term3)) NEAR/5 test", "near-and", 10),
        ("test NEAR/5 test NEAR/5 test", "near-chain", 17),
        ("NEAR/3f juice", "missing-operand", 0),
        ("apple NEAR juice", "near", 6),
        ("#nike NEAR/3 shoes", "near-operand", 0),
        ("*invalid", "wildcard", 0),
        ("a*", "wildcard", 0),
        ("耐*", "wildcard", 0),
        ("rating:[1 to 5]", "range", 10),
        ("authorFollowers:[10 TO 5]", "range", 16),
        ("rating:11", "range", 7),
        ("authorVerified:maybe", "field-value", 15),
        ("engagementType:retweet", "field-value", 15),
        ("sentiment:happy", "field-value", 10),
        ("authorGender:", "unsupported-field", 0),
        ("lang:", "field-value", 0),
        ("subreddit : nba", "field-space", 10),
        ("country:xyz", "field-value", 8),
        ("title:(a AND b)", "field-value", 6),
        ("apple <<<never closed", "unclosed-comment", 6),
        ("{apple", "unclosed-brace", 0),
        ("%%%", "empty-term", 0),
        ("((a OR b))~3", "tilde", 10),
    ],
)
def test_errors_have_code_position_and_hint(query: str, code: str, position: int) -> None:
    exc = error_of(query)
    assert getattr(exc, "code", None) == code, exc.message
    assert exc.position == position, exc.render(query)
    rendered = exc.render(query)
    assert "^" in rendered and "\n" in rendered
    assert exc.hint or code in ("unexpected",)


@pytest.mark.parametrize(
    "query",
    [
        "apple NOT bitter NOT sour",
        "(apple OR orange) AND juice NOT bitter",
        "apple NOT (bitter AND sweet) OR sour",
        "NOT term1 AND term2",
        'test AND "test test"~5 AND test',
        "((apple OR orange) NEAR/5 (smartphone OR phone))",
        "((a OR b) NEAR/5 (c OR d)) AND fresh",
        "(test NEAR/5 testing) NEAR/5 test",
        "((a NEAR/5 b) NEAR/5 c) NEAR/5 d",
        "logitech NEAR/0f keyboard",
        "a ONEAR/3 b",
        "activia <<4 yogurt",
        "ab* AND custom*iz* AND customi?e? AND 24*",
        "McDonald's OR t-shirt OR https://www.youtube.com/",
        "site:reddit.com/r/programming",
        'url:"msn.com/news" OR links:bit.ly',
        "author:  brandwatch",
        "redditspoiler OR AUTHORVERIFIED:true",
        "language:en AND country:gbr AND followers:[1000 TO *]",
        "engagementType:RETWEET AND rating:[1 TO 2] AND engagement:[10 TO 100]",
        "sentiment:positive AND platform:weibo AND lang:zh",
        "{BT} AND {Brand Watch}",
        "apple <<<a comment>>> AND juice",
        "#话题# OR ＃nike OR @bob OR 🍕",
        "chocolate -swiss",
        "chocolate AND NOT swiss",
        "+apple",
        "“curly quotes” AND juice",
        "（apple OR 耐克） AND juice",
    ],
)
def test_valid_queries_parse(query: str) -> None:
    parsed = parse(query)
    assert describe(parsed.root)


def test_structure_and_precedence() -> None:
    root = parse("apple NOT bitter OR sour").root
    assert isinstance(root, Or)
    assert isinstance(root.children[0], And)
    assert isinstance(root.children[0].children[1], Not)
    near = parse("apple NOT bitter NEAR/3 sweet").root
    assert isinstance(near, And) and isinstance(near.children[1], Not)
    assert isinstance(near.children[1].child, Near)


def test_terms_are_normalized() -> None:
    assert parse("GROSSARTIG").root == parse("großartig").root
    assert parse("華為").root == Cjk(0, 0, "华为")
    assert parse("ＡＰＰＬＥ").root == Word(0, 0, "apple")
    accented = parse("niño").root
    assert isinstance(accented, Word) and accented.text == "nino"
    assert accented.guards.accented == ("niño",)
    phrase = parse("t-shirt").root
    assert isinstance(phrase, Phrase) and [u.text for u in phrase.units] == ["t", "shirt"]  # type: ignore[union-attr]
    assert parse("#话题#").root == Hashtag(0, 0, "话题")
    assert isinstance(parse('"耐克 鞋子"').root, Cjk)  # CJK words of a phrase join


def test_positions_point_into_the_query() -> None:
    root = parse("apple AND (juice OR 耐克)").root
    assert isinstance(root, And)
    assert (root.children[0].start, root.children[0].end) == (0, 5)
    assert (root.children[1].start, root.children[1].end) == (10, 23)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("apple banana", "implicit-and"),
        ("apple~5", "fuzzy"),
        ('"apple"~5', "fuzzy"),
        ("languag:e", "unknown-field"),
    ],
)
def test_warnings(query: str, code: str) -> None:
    assert code in [w.code for w in parse(query).warnings]


def test_long_queries_are_accepted_up_to_the_limit() -> None:
    terms = " OR ".join(f"brand{i}" for i in range(600))
    assert len(terms) > 4000
    assert isinstance(parse(f"({terms}) AND launch").root, And)
    exc = error_of("a" * (MAX_QUERY_CHARS + 1))
    assert exc.code == "too-long"  # type: ignore[attr-defined]


def test_nesting_limit() -> None:
    ok = "(" * MAX_DEPTH + "apple" + ")" * MAX_DEPTH
    parse(ok)
    exc = error_of("(" * (MAX_DEPTH + 1) + "apple" + ")" * (MAX_DEPTH + 1))
    assert exc.code == "too-deep"  # type: ignore[attr-defined]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab耐克 ()\"~*?{}[]<>:#@-+/NEARDTOf123\\'")), max_size=40)
)
def test_any_input_parses_or_raises_query_error(text: str) -> None:
    for query in (text, text.replace("E", " AND ").replace("D", " OR ").replace("N", " NEAR/2 ")):
        try:
            parse(query)
        except QueryError as exc:
            assert 0 <= exc.position <= len(query)
            assert exc.render(query)


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        (
            "apple AND banana OR juice",
            "(apple AND banana) OR juice, or apple AND (banana OR juice)",
        ),
        (
            "apple OR banana AND juice",
            "(apple OR banana) AND juice, or apple OR (banana AND juice)",
        ),
        ("a OR b OR c AND d", "(a OR b OR c) AND d, or a OR b OR (c AND d)"),
    ],
)
def test_the_mixing_hint_brackets_the_query_as_written(query: str, hint: str) -> None:
    assert hint in error_of(query).hint


@pytest.mark.parametrize("query", ["耐*", "耐克*", "华为?", "x耐*"])
def test_a_cjk_wildcard_is_refused_for_being_cjk(query: str) -> None:
    exc = error_of(query)
    assert "Latin-script" in exc.message and "耐克 finds 耐克鞋" in exc.hint
