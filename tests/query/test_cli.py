"""`hubbub query check|lint|explain`."""

from __future__ import annotations

from typer.testing import CliRunner

from hubbub.cli.query_cmd import query_app

runner = CliRunner()


def test_check_prints_the_tree() -> None:
    result = runner.invoke(query_app, ["check", "(apple OR 華為) NOT bitter"])
    assert result.exit_code == 0
    assert "cjk '华为'" in result.stdout
    assert "NOT" in result.stdout


def test_check_shows_the_error_with_a_caret() -> None:
    result = runner.invoke(query_app, ["check", "apple OR banana AND juice"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "apple OR banana AND juice"
    assert lines[1] == " " * 16 + "^^^"
    assert "hint:" in result.output
    assert "Traceback" not in result.output


def test_explain_shows_sql_and_parameters() -> None:
    result = runner.invoke(query_app, ["explain", "apple' OR 1=1"])
    assert result.exit_code == 0
    assert "WHERE" in result.stdout
    assert "apple" in result.stdout.split("parameters")[1]


def test_lint() -> None:
    assert runner.invoke(query_app, ["lint", "(apple OR pear) AND juice"]).exit_code == 0
    result = runner.invoke(query_app, ["lint", "NOT apple"])
    assert result.exit_code == 2
