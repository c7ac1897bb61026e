"""The percolator returns exactly what running every matcher would, with fewer checks."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubbub.errors import QueryError
from hubbub.query import Matcher, Percolator, parse, required_keys
from hubbub.store.rows import post_row

from .conftest import NOW, row
from .strategies import posts, queries


def test_candidates_and_matches() -> None:
    percolator = Percolator(
        {
            "brand": "acme OR 阿克米",
            "launch": '(acme OR zest) AND "new flavour" NOT spam',
            "near": "acme NEAR/2 cola",
            "wild": "zest* AND cola",
            "tag": "#acme",
            "lang": "lang:fr",
        }
    )
    assert percolator.match(row("acme cola new flavour")) == ["brand", "launch", "near"]
    assert percolator.match(row("Acme has a new flavour")) == ["brand", "launch"]
    assert percolator.match(row("我爱阿克米可乐")) == ["brand"]
    assert percolator.match(row("zesty cola #ACME", lang="fr")) == [
        "brand",
        "near",
        "wild",
        "tag",
        "lang",
    ]
    assert percolator.match_batch([row("nothing here"), row("acme")]) == [[], ["brand"]]


def test_add_replace_remove() -> None:
    percolator = Percolator()
    percolator.add(1, "apple")
    percolator.add(1, "banana")
    assert percolator.match(row("apple")) == []
    assert percolator.match(row("banana")) == [1]
    percolator.remove(1)
    assert percolator.match(row("banana")) == []
    assert len(percolator) == 0


def test_required_keys() -> None:
    assert required_keys(parse("(a1 OR b1) AND c1").root) in (
        frozenset({("t", "a1"), ("t", "b1")}),
        frozenset({("t", "c1")}),
    )
    assert required_keys(parse("耐克 OR #话题#").root) == {("g", "耐克"), ("h", "话题")}
    assert required_keys(parse("lang:en").root) is None
    assert required_keys(parse("apple NOT pie").root) == {("t", "apple")}


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(queries, min_size=1, max_size=12), st.data())
def test_percolator_equals_brute_force(texts: list[str], data: st.DataObject) -> None:
    saved = {}
    for i, query in enumerate(texts):
        try:
            saved[i] = parse(query)
        except QueryError:
            continue
    percolator = Percolator(saved)
    matchers = {i: Matcher(q) for i, q in saved.items()}
    for n in range(8):
        post = post_row(data.draw(posts(f"p{n}")), NOW)
        assert percolator.match(post) == [i for i, m in matchers.items() if m(post)]
