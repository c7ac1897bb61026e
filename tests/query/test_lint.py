"""lint(): errors as diagnostics, plus advice."""

from __future__ import annotations

import pytest

from hubbub.query import lint


def codes(query: str) -> list[str]:
    report = lint(query)
    return [d.code for d in report.errors + report.warnings]


def test_lint_reports_errors_without_raising() -> None:
    report = lint('"apple juice')
    assert not report.ok
    assert report.errors[0].code == "unbalanced-quote"
    assert report.errors[0].position == 0
    assert "hint:" in report.render()


def test_lint_advice() -> None:
    assert "broad-term" in codes("the AND apple")
    assert "broad-term" in codes("鞋 AND apple")
    assert "broad-wildcard" in codes("ab* AND apple")
    assert "redundant-term" in codes("apple OR apple")
    assert "redundant-term" in codes("apple OR app*")
    assert "lowercase-operator" in codes("apple or banana")
    assert "slow-wildcard" in codes("#*test AND x1")
    assert "language-code" in codes("apple AND language:english")
    assert lint("(apple OR banana) AND juice").warnings == []


def test_unbalanced_quote_and_positions() -> None:
    report = lint('apple AND "juice')
    assert report.errors[0].position == 10


@pytest.mark.parametrize(
    "query", ["apple AND (apple OR pie)", "(pie OR apple) AND apple", '"a b" AND ("a b" OR c)']
)
def test_an_or_group_holding_a_required_term_is_redundant(query: str) -> None:
    report = lint(query)
    assert any("OR group is redundant" in w.message for w in report.warnings)


def test_an_or_group_without_a_required_term_is_fine() -> None:
    assert "redundant-term" not in codes("apple AND (banana OR pie)")
